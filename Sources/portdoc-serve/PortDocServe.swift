import ArgumentParser
import Dispatch
import Foundation
import PortDocCommandLine
import PortDocCore
import PortDocPreview

/// `portdoc serve`, started by `portdoc` (see Sources/portdoc/Serve.swift): the options are the
/// same, and so are the diagnostics, the signals and the exit codes.
@main
struct PortDocServe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "portdoc serve", abstract: ServeOptions.abstract)

    @OptionGroup var serve: ServeOptions

    static func main() {
        Signals.install()
        Self.main(nil)
    }

    func run() throws {
        var settings = PreviewServer.Options(root: serve.project.root)
        settings.host = serve.host
        settings.port = serve.port
        settings.locales = serve.locales
        settings.interval = serve.interval
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
        if !["127.0.0.1", "::1", "localhost"].contains(serve.host) {
            FileHandle.standardError.write(Data("portdoc serve: warning: listening on \(serve.host), which other machines may reach\n".utf8))
        }
        say("serving \(url) (every output file: \(url)__portdoc/); watching Catalog/, Locales/ and Templates/ every \(serve.interval) s; Ctrl-C stops")
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
