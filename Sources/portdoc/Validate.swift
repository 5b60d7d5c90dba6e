import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO
import XHTMLValidation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an existing output tree: XHTML against the DTD, man pages, Markdown structure.",
        discussion: "XHTML pages (*.html) are validated against the XHTML 1.0 Strict DTD and diagrams (*.svg) against the SVG 1.1 DTD with libxml2, offline. Man pages (man/**/*.[1-9]) get PortDoc's structural checks, and `mandoc -T lint -W warning` when mandoc is installed. Markdown files (*.md) are checked for table cell counts and footnote definitions. Exit 0 when everything is valid, 1 otherwise."
    )

    @Argument(help: ArgumentHelp("Folders (every file in them) or files to check.", valueName: "path"))
    var paths: [String] = ["Output"]

    func run() throws {
        // (path shown in diagnostics, file on disk) of every file to check, in argument order.
        var files: [(display: String, url: URL)] = []
        var problems: [Diagnostic] = []
        for path in paths {
            guard FilePaths.exists(path) else {
                problems.append(.error("no such file or folder", at: SourceLocation(path: path, line: 1, column: 1), id: "io.read"))
                continue
            }
            if FilePaths.isDirectory(path) {
                let tree = OutputTree(directory: URL(fileURLWithPath: path))
                let found = tree.existingFiles()
                if found.isEmpty { problems.append(.error("no files to validate in \(path)/", at: nil, id: "io.read")) }
                let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += found.map { ("\(folder)/\($0)", tree.directory.appendingPathComponent($0)) }
            } else if Self.isChecked(path) {
                files.append((path, URL(fileURLWithPath: path)))
            } else {
                problems.append(.error("not a file portdoc validates (*.html, *.svg, *.md, or a man page under man/)", at: SourceLocation(path: path, line: 1, column: 1), id: "io.read"))
            }
        }
        guard problems.isEmpty else {
            report(problems)
            throw ExitCode(ExitStatus.findings)
        }
        let validators: [DTDIdentity: DTDValidator]
        // Only the DTDs the tree needs: loading one costs milliseconds.
        let needed = FormatDefinition.all.filter { d in d.dtd != nil && files.contains { $0.display.hasSuffix(d.suffix) } }.map(\.format)
        do { validators = try Builder.validators(for: needed) } catch {
            report(error.diagnostics)
            throw ExitCode(ExitStatus.environment)
        }
        let mandoc = Mandoc.executable() != nil
        let (diagnostics, checked) = OutputValidation.checkFiles(files.filter { Self.isChecked($0.display) }, validators: validators, mandoc: mandoc)
        report(diagnostics)
        let errors = Diagnostics(diagnostics).errors.count
        print("validate: \(checked) files checked\(mandoc ? "" : " (mandoc not installed: man pages got PortDoc's checks only)"), \(errors) error\(errors == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(ExitStatus.findings) }
    }

    /// Whether `path` is a kind of file validate checks.
    static func isChecked(_ path: String) -> Bool {
        FormatDefinition.all.contains(where: { !$0.suffix.isEmpty && path.hasSuffix($0.suffix) }) || OutputValidation.isManPage(path)
    }
}
