import ArgumentParser
import PortDocCommandLine
import Foundation
import PortDocCore
import PortDocIO
import XHTMLValidation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an existing output tree: XHTML against the DTD, man pages, Markdown structure.",
        discussion: "XHTML pages (*.html) are validated against the XHTML 1.0 Strict DTD and diagrams (*.svg) against the SVG 1.1 DTD with libxml2, offline. Man pages (man/**/*.[1-9]) get PortDoc's structural checks, and `mandoc -T lint -W warning` when mandoc is installed. Markdown files (*.md) are checked for table cell counts and footnote definitions. Exit 0 when everything is valid, 1 otherwise."
    )

    @Argument(help: ArgumentHelp("The folder to check.", valueName: "dir"))
    var directory: String = "Output"

    func run() throws {
        let tree = OutputTree(directory: URL(fileURLWithPath: directory))
        let files = tree.existingFiles()
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("portdoc: error: no files to validate in \(directory)/\n".utf8))
            throw ExitCode(ExitStatus.findings)
        }
        let validators: [DTDIdentity: DTDValidator]
        // Only the DTDs the tree needs: loading one costs milliseconds.
        let needed = FormatDefinition.all.filter { d in d.dtd != nil && files.contains { $0.hasSuffix(d.suffix) } }.map(\.format)
        do { validators = try Builder.validators(for: needed) } catch {
            report(error.diagnostics)
            throw ExitCode(ExitStatus.environment)
        }
        var diagnostics: [Diagnostic] = []
        var checked = 0
        let mandoc = Mandoc.executable() != nil
        for path in files {
            let display = "\(directory)/\(path)"
            let url = tree.directory.appendingPathComponent(path)
            guard FormatDefinition.all.contains(where: { !$0.suffix.isEmpty && path.hasSuffix($0.suffix) }) || OutputValidation.isManPage(display) else { continue }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                diagnostics.append(.error("cannot read the file", at: SourceLocation(path: display, line: 1, column: 1), id: "io.read"))
                continue
            }
            checked += 1
            switch TextNormalization.decodeUTF8([UInt8](data), path: display) {
            case .failure(let d): diagnostics.append(d); continue
            case .success(let text): diagnostics += OutputValidation.check(text, path: display, validators: validators)
            }
            if OutputValidation.isManPage(display), mandoc {
                diagnostics += (try? Mandoc.lint(file: url, displayPath: display)) ?? [.error("could not run mandoc", at: nil, id: "man.mandoc-lint")]
            }
        }
        report(diagnostics)
        let errors = Diagnostics(diagnostics).errors.count
        print("validate: \(checked) files checked\(mandoc ? "" : " (mandoc not installed: man pages got PortDoc's checks only)"), \(errors) error\(errors == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(ExitStatus.findings) }
    }
}
