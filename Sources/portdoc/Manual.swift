import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO

/// Writes portdoc(1) from the command definitions (hidden: `make man1` and the tests use it).
struct Manual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Write portdoc(1), the tool's man page, from its command definitions.",
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("The page's date, YYYY-MM-DD.", valueName: "date"))
    var date = "2026-11-30"

    func run() throws {
        // ArgumentParser describes every command as JSON; this binary asks itself for it.
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let result = try Subprocess.run(binary, ["--experimental-dump-help"], environment: nil)
        guard result.status == 0 else { throw ExitCode(ExitStatus.environment) }
        let dump = try JSONDecoder().decode(ToolManual.Dump.self, from: result.stdout)
        print(ToolManual.render(dump.command, exitCodes: PortDoc.exitCodes, environment: PortDoc.environment, files: PortDoc.files,
                                date: date, version: PortDocVersion.string), terminator: "")
    }
}
