import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

@main
struct PortDoc: ParsableCommand {
    /// The exit codes of every command, for --help and portdoc(1).
    static let exitCodes: [(code: String, meaning: String)] = [
        ("0", "success"),
        ("1", "findings: errors in the inputs, invalid output, Output/ out of date, a locale below its threshold (check), changes pending (locales update --dry-run)"),
        ("2", "the environment failed: a file could not be written (disk full, permissions, file-size limit), the XHTML or SVG DTD or Graphviz is missing, the output lock was not released, serve's address is in use, SOURCE_DATE_EPOCH is not a number"),
        ("64", "bad usage: an unknown option, an invalid locale tag or format"),
        ("129, 130, 143", "interrupted by SIGHUP, SIGINT or SIGTERM: temporary files are removed, and the output folder is the previous one or the new one, never a mix (serve: stopped, its temporary folder removed)"),
    ]

    static let environment: [(name: String, meaning: String)] = [
        ("SOURCE_DATE_EPOCH", "the build date (seconds since 1970, UTC) where a catalog gives none, and PO-Revision-Date for locales add"),
        ("PORTDOC_TIMINGS", "1 prints the time and peak memory of each build phase"),
        ("NO_COLOR", "when set, diagnostics are never coloured (they are coloured only on a terminal otherwise)"),
        ("CI", "when set and not empty, a long build shows no progress line, even on a terminal"),
        ("TMPDIR", "where serve builds the site (a folder it removes when it stops)"),
    ]

    static let files: [(path: String, meaning: String)] = [
        ("Catalog/*.yaml", "the documents: structure, ports, connections; no prose"),
        ("Locales/de.yaml", "the German source text"),
        ("Locales/<tag>.po", "a translation (gettext PO)"),
        ("Locales/locales.yaml", "fallback chains and thresholds per locale"),
        ("Locales/glossary.yaml", "the termbase"),
        ("Templates/", "the templates of every format"),
        ("Output/", "what build writes: html/, markdown/, man/"),
    ]

    static let configuration = CommandConfiguration(
        commandName: "portdoc",
        abstract: "Turn a catalog of network ports into localized XHTML, Markdown and man pages.",
        // No hard line breaks inside a paragraph: ArgumentParser wraps each line to the terminal.
        // Each exit code is one short line, so the list reads at 80 columns and wider.
        discussion: """
            Run from a project root holding Catalog/, Locales/ and Templates/ (or pass --project). \
            man portdoc gives the details of every command, the exit codes and the environment.

            Exit codes:
              0    success
              1    findings: input or output errors, Output/ out of date, a failed check
              2    the environment failed: a write, a missing DTD or Graphviz, a port in use
              64   bad usage: an unknown option, an invalid locale tag
              129  interrupted by SIGHUP (130: SIGINT, 143: SIGTERM); output unchanged
            """,
        version: PortDocVersion.string,
        subcommands: [Lint.self, Build.self, Check.self, Locales.self, GlossaryCommand.self, Validate.self, Serve.self, Generate.self, Manual.self]
    )

    static func main() {
        Signals.install()
        Self.main(nil)
    }
}

enum PortDocVersion {
    static let string = "0.4.0"
}

