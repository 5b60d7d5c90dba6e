import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

struct GlossaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glossary",
        abstract: "Work with the termbase (Locales/glossary.yaml).",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the termbase for translators' tools: TBX (ISO 30042) or CSV.",
            discussion: """
                TBX-Core (Weblate, Poedit and OmegaT import it) has one concept per term, with the source \
                term and, for every locale, its approved rendering (the term itself when it is not to be \
                translated), each marked with xml:lang. CSV with one --locale has Weblate's glossary columns \
                source,target,explanation; without, one column per locale.

                Exit 0 on success, 1 when the project has errors, 2 when the file cannot be written, 64 on \
                bad usage.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case tbx, csv }

        @OptionGroup var options: ProjectOptions

        @Option(help: "tbx or csv.")
        var format: Format = .tbx

        @Option(name: .customLong("locale"), help: ArgumentHelp("Export only this locale (repeatable). Default: every locale of the project.", valueName: "tag"))
        var locales: [String] = []

        @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        func validate() throws {
            for tag in locales {
                if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
            }
        }

        func run() throws {
            let project = try loadProject(options)
            for tag in locales where !project.locales.contains(tag) {
                throw failure("no translation for '\(tag)' (expected Locales/\(tag).po)", status: ExitStatus.findings)
            }
            let source = project.sourceLocale
            let selected = (locales.isEmpty ? project.locales : locales).filter { $0 != source }
            let text = switch format {
            case .tbx: TermbaseExport.tbx(project.glossary, sourceLocale: source, locales: selected)
            case .csv: TermbaseExport.csv(project.glossary, sourceLocale: source, locales: selected)
            }
            guard let output else {
                print(text, terminator: "")
                return
            }
            do {
                try AtomicFile.write(text, to: URL(fileURLWithPath: output, relativeTo: options.root))
            } catch {
                throw failure("cannot write \(output): \(describe(error))", status: ExitStatus.environment)
            }
        }
    }
}
