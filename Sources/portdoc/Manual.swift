import ArgumentParser
import Foundation
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        process.arguments = ["--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let dump = try JSONDecoder().decode(ToolManual.Dump.self, from: data)
        print(ToolManual.render(dump.command, exitCodes: PortDoc.exitCodes, environment: PortDoc.environment, files: PortDoc.files,
                                date: date, version: PortDocVersion.string), terminator: "")
    }
}
