import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Load the catalog, the source text and every translation; print a summary or the problems.",
        discussion: "Exit 0 when there are no errors (warnings are printed), 1 otherwise."
    )

    @OptionGroup var options: ProjectOptions

    func run() throws {
        let (project, diagnostics) = ProjectLoader(root: options.root).load()
        report(diagnostics)
        guard let project, !Diagnostics(diagnostics).hasErrors else {
            let errors = Diagnostics(diagnostics).errors.count
            print("lint: \(errors) error\(errors == 1 ? "" : "s")")
            throw ExitCode(ExitStatus.findings)
        }
        for c in project.documents {
            print("catalog \(c.path): \(c.sections.count) sections, \(c.tables.count) tables, \(c.rows.count) rows, \(c.distinctPorts.count) distinct ports, \(c.footnotes.count) footnotes, \(c.endpoints.count) endpoints, \(c.connections.count) connections (\(c.connections.reduce(0) { $0 + $1.to.count }) edges)")
        }
        print("source \(project.source.path) (\(project.source.locale)): \(project.source.keys.count) message keys")
        for locale in project.locales where locale != project.sourceLocale {
            guard let t = project.translations[locale] else { continue }
            let (translated, total) = project.completeness(of: locale)
            let percent = total == 0 ? 100 : translated * 100 / total
            print("locale \(locale) (\(t.file.path)): \(translated)/\(total) translated (\(percent) %)")
        }
        let warnings = Diagnostics(diagnostics).warnings.count
        print("lint: 0 errors, \(warnings) warning\(warnings == 1 ? "" : "s")")
    }
}
