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
              2   the environment failed: a file could not be written, the XHTML DTD is missing
              64  bad usage (unknown option, invalid locale tag)
            """,
        subcommands: [Lint.self, Build.self, Check.self, Locales.self, Validate.self]
    )
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
func report(_ diagnostics: [Diagnostic]) {
    for d in Diagnostics(diagnostics).sorted {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
}
