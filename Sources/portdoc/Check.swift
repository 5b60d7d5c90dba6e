import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every translation for completeness, staleness and consistency with the German source.",
        discussion: """
            For each locale: translated / fuzzy (stale) / untranslated / obsolete counts, overall and per \
            section, and findings against the source text (placeholders, footnote markers, numbers, URLs and \
            host names, white space, text identical to the source, glossary terms from Locales/glossary.yaml: \
            unchanged, or the locale's approved rendering).

            Errors are listed in full; untranslated and fuzzy entries as counts per section with the first \
            keys (--list prints every one with its position; --format json has everything).

            A locale passes when it meets its threshold: by default 100 % translated, 0 fuzzy, 0 errors. \
            Locales/locales.yaml can set min-completeness, max-fuzzy and max-errors under 'default' or \
            per locale tag; --min-completeness overrides the percentage for this run.

            Exit 0 when every locale passes, 1 when one does not (or the project has errors), 64 on bad usage.
            """
    )

    enum OutputStyle: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var options: ProjectOptions

    @Option(name: .customLong("locale"), help: ArgumentHelp("Check only this locale (repeatable). Default: all.", valueName: "tag"))
    var locales: [String] = []

    @Option(name: .customLong("format"), help: "Output format: text (findings, then a summary) or json.")
    var style: OutputStyle = .text

    @Flag(help: "List every untranslated, fuzzy and stale entry with its position (by default: counts per section and the first keys).")
    var list = false

    @Option(name: .customLong("min-completeness"), help: ArgumentHelp("Required percentage of translated messages for every locale, 0-100, for this run.", valueName: "percent"))
    var minCompleteness: Double?

    func validate() throws {
        for tag in locales {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
        }
        if let m = minCompleteness, !(0...100).contains(m) {
            throw ValidationError("--min-completeness must be a percentage from 0 to 100")
        }
    }

    func run() throws {
        let loader = ProjectLoader(root: options.root)
        let (loaded, loadDiagnostics) = loader.load()
        report(loadDiagnostics)
        guard let project = loaded else {
            StandardError.write("check: the project has errors; fix them first\n")
            throw ExitCode(ExitStatus.findings)
        }
        for tag in locales where project.translations[tag] == nil {
            StandardError.write("check: no translation for '\(tag)' (expected Locales/\(tag).po)\n")
            throw ExitCode(ExitStatus.findings)
        }
        var result = TranslationCheck.run(project, thresholds: project.settings.thresholds, minCompletenessOverride: minCompleteness)
        if !locales.isEmpty {
            result.locales = result.locales.filter { locales.contains($0.locale) }
            result.passed = result.locales.allSatisfy(\.passed)
        }
        switch style {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(result)
            print(String(decoding: data, as: UTF8.self))
        case .text:
            print(CheckReportText.render(result, list: list), terminator: "")
        }
        if !result.passed { throw ExitCode(ExitStatus.findings) }
    }
}
