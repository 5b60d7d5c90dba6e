import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic, seed-like project of a given size (for benchmarks and stress tests).",
        discussion: "The project has R roles × N rows (per document with --documents), multi-port cells, ranges, labelled ports, bullets with URLs and host names, a footnote, the German source and a complete PO file per locale; Templates/ is copied from --templates. The content is deterministic. Exit 1 when the folder exists and is not empty."
    )

    @Option(help: "Number of roles (sections, one table each).") var roles: Int = 10
    @Option(name: .customLong("rows"), help: "Rows per role.") var rowsPerRole: Int = 100
    @Option(help: "Translated locales, comma-separated.") var locales: String = "en"
    @Option(help: "Documents of the set (Catalog/synthetic-<n>.yaml); with more than one, every third row's sentence is shared across documents.") var documents: Int = 1
    @Option(help: ArgumentHelp("Where to copy Templates/ from.", valueName: "dir")) var templates: String = "Templates"
    @Argument(help: ArgumentHelp("The folder to create.", valueName: "dir")) var directory: String

    func validate() throws {
        guard roles >= 1, rowsPerRole >= 1, documents >= 1 else { throw ValidationError("--roles, --rows and --documents must be at least 1") }
        guard roles * rowsPerRole * documents <= 10_000_000 else { throw ValidationError("at most 10,000,000 rows") }
        for tag in tags {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locales: \(problem)") }
            if tag == "de" { throw ValidationError("--locales: 'de' is the source locale") }
        }
    }

    var tags: [String] { locales.split(separator: ",").map { String($0).trimmedWhitespace } }

    func run() throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory)
        if let contents = try? fm.contentsOfDirectory(atPath: root.path), !contents.isEmpty {
            throw failure("\(directory) exists and is not empty", status: ExitStatus.findings)
        }
        do {
            for folder in ["Catalog", "Locales"] { try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true) }
            let shape = SyntheticProject.Shape(roles: roles, rowsPerRole: rowsPerRole, locales: tags, documents: documents)
            for file in SyntheticProject.files(shape) {
                try AtomicFile.write(file.contents, to: root.appendingPathComponent(file.path))
            }
            try fm.copyItem(at: URL(fileURLWithPath: templates), to: root.appendingPathComponent("Templates"))
        } catch {
            throw failure("cannot write \(directory): \(describe(error))", status: ExitStatus.environment)
        }
        let set = documents > 1 ? "\(documents) documents × " : ""
        print("generate: \(set)\(roles) roles × \(rowsPerRole) rows = \(roles * rowsPerRole * documents) rows, locales de, \(tags.joined(separator: ", ")) in \(directory)")
    }
}
