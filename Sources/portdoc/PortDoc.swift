import ArgumentParser
import Foundation
import PortDocCore
import PortDocIO

@main
struct PortDoc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portdoc",
        abstract: "Turn a catalog of network ports into localized XHTML, Markdown and man pages.",
        discussion: """
            Run from a project root holding Catalog/, Locales/ and Templates/ (or pass --project).

            Exit codes:
              0   success
              1   findings: errors in the inputs, invalid output, Output/ out of date,
                  a locale below its threshold (check), changes pending (locales update --dry-run)
              2   the environment failed: a file could not be written (disk full, permissions,
                  file-size limit), the XHTML DTD is missing, the output lock was not released
              64  bad usage (unknown option, invalid locale tag)
              130, 143, 129  interrupted by SIGINT, SIGTERM or SIGHUP (temporary files removed;
                  the output folder is the previous one or the new one, never a mix)
            """,
        subcommands: [Lint.self, Build.self, Check.self, Locales.self, GlossaryCommand.self, Validate.self, Generate.self]
    )

    static func main() {
        Signals.install()
        Self.main(nil)
    }
}

/// Options every command shares.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: "The project root (holding Catalog/, Locales/, Templates/).")
    var project: String = "."

    var root: URL { URL(fileURLWithPath: project) }
}

enum ExitStatus {
    static let findings: Int32 = 1
    static let environment: Int32 = 2
}

/// Prints diagnostics, sorted by position, to standard error.
/// The same finding from several locales (a template problem) is printed once.
func report(_ diagnostics: [Diagnostic]) {
    var seen = Set<Diagnostic>()
    for d in Diagnostics(diagnostics).sorted where seen.insert(d).inserted {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
}
