import ArgumentParser
import Dispatch
import Foundation
import PortDocCore
import PortDocPreview

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the site: build into a temporary folder, serve it over HTTP, rebuild and reload on every change.",
        discussion: "Output/ is never written. Catalog/, Locales/ and Templates/ are polled every 0.25 s (--interval); after a change the project is built again, only the files whose bytes changed are replaced, and open pages that show them reload. When a build fails, the terminal prints the errors and open pages show them in an overlay with file:line:col over the last good page; fixing the file removes it. Man pages are shown through mandoc -T html and Markdown through cmark-gfm under /__portdoc/, which lists every output file. A script is added to served pages only. Ctrl-C stops the server, removes the temporary folder and exits 130; an address in use exits 2."
    )

    @OptionGroup var options: ProjectOptions

    @Option(help: ArgumentHelp("The port to listen on; 0 picks a free one.", valueName: "port"))
    var port: UInt16 = 8000

    @Option(help: ArgumentHelp("The address to listen on: 127.0.0.1, ::1 (loopback) or another IP address of this machine.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .customLong("locale"), help: ArgumentHelp("Build only this locale (repeatable). Default: all.", valueName: "tag"))
    var locales: [String] = []

    @Option(help: ArgumentHelp("Seconds between two looks at the inputs.", valueName: "seconds"))
    var interval: Double = 0.25

    func validate() throws {
        for tag in locales {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
        }
        guard PreviewServer.isAddress(host) else {
            throw ValidationError("--host '\(host)' is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1) or localhost")
        }
        guard interval >= 0.01 && interval <= 60 else { throw ValidationError("--interval must be between 0.01 and 60 seconds") }
    }

    func run() throws {
        var settings = PreviewServer.Options(root: options.root)
        settings.host = host
        settings.port = port
        settings.locales = locales
        settings.interval = interval
        let server: PreviewServer
        do { server = try PreviewServer(options: settings) } catch {
            throw failure("cannot create a temporary folder: \(describe(error))", status: ExitStatus.environment)
        }
        Signals.stopping = "stopped; the temporary build folder was removed and Output/ was not touched"
        let printer = BuildPrinter()
        printer.print(server.build())
        let url: String
        do { url = try server.startBlocking() } catch {
            server.removeFolder()
            throw failure(error.description, status: ExitStatus.environment)
        }
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            FileHandle.standardError.write(Data("portdoc serve: warning: listening on \(host), which other machines may reach\n".utf8))
        }
        say("serving \(url) (every output file: \(url)__portdoc/); watching Catalog/, Locales/ and Templates/ every \(interval) s; Ctrl-C stops")
        server.watch { printer.print($0) }
        // The server and the watcher run on their own threads; SIGINT, SIGTERM or SIGHUP end the
        // process (Signals), removing the temporary folder.
        DispatchSemaphore(value: 0).wait()
    }
}

/// Prints each build's outcome: errors in full every time, warnings only when they changed.
final class BuildPrinter: @unchecked Sendable {  // used by one thread at a time (the first build, then the watcher)
    private var lastWarnings: [String] = []

    func print(_ outcome: PreviewServer.BuildReport) {
        switch outcome {
        case .built(let changed, let diagnostics, let ms):
            let warnings = Diagnostics(diagnostics).sorted.filter { $0.severity == .warning }
            let text = warnings.map(\.description)
            if text != lastWarnings { report(warnings) } else if !warnings.isEmpty { say("\(warnings.count) warnings, as in the build before") }
            lastWarnings = text
            let files = changed.count == 1 ? "1 changed file" : "\(changed.count) changed files"
            say("built in \(ms) ms: \(files)" + (changed.isEmpty ? "" : " (" + changed.prefix(5).joined(separator: ", ") + (changed.count > 5 ? ", …" : "") + ")"))
        case .failed(let diagnostics, let message, let ms):
            report(diagnostics)
            if let message { FileHandle.standardError.write(Data("portdoc: error: \(message)\n".utf8)) }
            say("build failed after \(ms) ms; open pages show the errors over the last good page")
        }
    }
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data("portdoc serve: \(line)\n".utf8))
}
