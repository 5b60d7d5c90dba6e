import FlyingFox
import FlyingSocks
import Foundation
import PortDocCore
import PortDocIO

/// `portdoc serve`: builds the project into a temporary folder (never into Output/), serves it
/// over HTTP, watches the inputs, rebuilds when they change and tells open pages to reload or to
/// show the errors. The HTTP server is FlyingFox (no SwiftNIO: a clean debug build of a package
/// with it took 11 s here, one with Hummingbird 90 s).
public final class PreviewServer: Sendable {
    public struct Options: Sendable {
        public var root: URL
        public var host = "127.0.0.1"
        /// 0 picks a free port.
        public var port: UInt16 = 8000
        /// Empty: every locale.
        public var locales: [String] = []
        /// How often the inputs are polled.
        public var interval: TimeInterval = 0.25
        public init(root: URL) { self.root = root }
    }

    /// What one build did, for the terminal.
    public enum BuildReport: Sendable {
        case built(changed: [String], diagnostics: [Diagnostic], milliseconds: Int)
        case failed(diagnostics: [Diagnostic], message: String?, milliseconds: Int)
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options
    /// The temporary folder: the site is `site/` inside it.
    public let folder: URL
    public var site: URL { folder.appendingPathComponent("site") }
    public let state = PreviewState()
    private let tools: PreviewTools

    public init(options: Options) throws {
        self.options = options
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-serve-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        Interruption.register(folder.path)
        tools = PreviewTools(mandoc: Subprocess.find("mandoc"), cmark: Subprocess.find("cmark-gfm"))
    }

    /// Removes the temporary folder.
    public func removeFolder() {
        try? FileManager.default.removeItem(at: folder)
        Interruption.unregister(folder.path)
    }

    // MARK: Building

    /// Builds once into the temporary folder and publishes the result to open pages.
    @discardableResult
    public func build() -> BuildReport {
        let started = Date()
        var request = BuildSession.Request(root: options.root, output: site.path, locales: options.locales, formats: [])
        request.settings = ["serve", "locales=\(options.locales.joined(separator: ","))"]
        let outcome = BuildSession(request).run()
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        switch outcome {
        case .written(let diagnostics, let result, _, _):
            var changed: [String] = []
            if case .written(let paths, _) = result { changed = paths }
            state.succeeded(changed: changed)
            return .built(changed: changed, diagnostics: diagnostics, milliseconds: ms)
        case .upToDate(_, _):
            state.succeeded(changed: [])
            return .built(changed: [], diagnostics: [], milliseconds: ms)
        case .checked(let diagnostics, _, _):
            state.succeeded(changed: [])
            return .built(changed: [], diagnostics: diagnostics, milliseconds: ms)
        case .failed(let diagnostics):
            state.failed(errors: Self.errorLines(diagnostics, message: nil))
            return .failed(diagnostics: diagnostics, message: nil, milliseconds: ms)
        case .environment(let diagnostics, let message):
            state.failed(errors: Self.errorLines(diagnostics, message: message))
            return .failed(diagnostics: diagnostics, message: message, milliseconds: ms)
        }
    }

    /// The errors as the terminal prints them (`file:line:col: error: …`), in order, once each.
    static func errorLines(_ diagnostics: [Diagnostic], message: String?) -> [String] {
        var seen = Set<String>()
        let lines = Diagnostics(diagnostics).sorted.filter { $0.severity == .error }.map(\.description).filter { seen.insert($0).inserted }
        return lines + (message.map { ["error: \($0)"] } ?? [])
    }

    /// Polls the inputs every `interval` on a thread of its own and rebuilds after a change
    /// (once the files have stopped changing for one interval, so that an editor's save in
    /// several steps builds once). `report` hears of every build.
    public func watch(report: @escaping @Sendable (BuildReport) -> Void) {
        let thread = Thread { [self] in watchLoop(report: report) }
        thread.name = "portdoc serve: watch"
        thread.start()
    }

    /// Runs until the process ends (SIGINT, SIGTERM or SIGHUP exit through `Signals`).
    private func watchLoop(report: @Sendable (BuildReport) -> Void) -> Never {
        var watcher = InputWatcher(root: options.root)
        var quiet: TimeInterval = 0
        while true {
            Thread.sleep(forTimeInterval: options.interval)
            if watcher.settle(pause: min(options.interval, 0.1)) {
                quiet = 0
                report(build())
            } else {
                // Every 15 s, the open event streams are pinged, so that closed pages are noticed.
                quiet += options.interval
                if quiet >= 15 { quiet = 0; state.ping() }
            }
        }
    }

    // MARK: Serving

    /// Starts listening; returns the address (`http://host:port/`) once it does.
    public func start() async throws(StartError) -> String {
        let address: any SocketAddress
        do {
            if options.host.contains(":") {
                address = try sockaddr_in6.inet6(ip6: options.host, port: options.port)
            } else {
                address = try sockaddr_in.inet(ip4: options.host == "localhost" ? "127.0.0.1" : options.host, port: options.port)
            }
        } catch {
            throw StartError(description: "--host '\(options.host)' is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)")
        }
        let handler = PreviewHandler(site: site, state: state, tools: tools)
        let server = HTTPServer(address: address, timeout: 30, logger: .disabled, handler: handler)
        let failure = ResultBox<any Error>()
        Task {
            do { try await server.run() } catch { failure.set(error) }
        }
        // run() fails at once when the address cannot be bound; otherwise it is listening soon.
        for _ in 0..<500 {
            if let error = failure.value { throw StartError(description: Self.describe(error, options: options)) }
            if await server.isListening, let bound = await server.listeningAddress { return Self.url(bound) }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        throw StartError(description: "the server did not start listening on \(options.host):\(options.port) within 5 s")
    }

    /// Whether `host` is an IPv4 or IPv6 address (or localhost), as `--host` takes it.
    public static func isAddress(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(host.contains(":") ? AF_INET6 : AF_INET, host, &buffer) == 1
    }

    /// `start()` for synchronous callers (the command line): blocks until listening or failed.
    public func startBlocking() throws(StartError) -> String {
        let result = ResultBox<Result<String, StartError>>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(StartError) { result.set(.success(try await start())) } catch { result.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }

    static func describe(_ error: any Error, options: Options) -> String {
        if case .failed(let type, let code, let message)? = error as? SocketError {
            if code == EADDRINUSE {
                return "cannot listen on \(options.host):\(options.port): the port is in use; stop what uses it or choose another with --port (--port 0 picks a free one)"
            }
            return "cannot listen on \(options.host):\(options.port): \(type): \(message)"
        }
        return "cannot listen on \(options.host):\(options.port): \(error)"
    }

    static func url(_ address: Socket.Address) -> String {
        switch address {
        case .ip4(let ip, let port): return "http://\(ip):\(port)/"
        case .ip6(let ip, let port): return "http://[\(ip)]:\(port)/"
        case .unix(let path): return "unix:\(path)"
        }
    }

}

/// Notices changes of the inputs: `path size mtime` of every file (`BuildStamp`'s description).
struct InputWatcher {
    let root: URL
    private var last: [String]

    init(root: URL) {
        self.root = root
        last = Self.describe(root)
    }

    static func describe(_ root: URL) -> [String] {
        var lines: [String] = []
        for folder in ["Catalog", "Locales", "Templates"] {
            lines += BuildStamp.describe(root.appendingPathComponent(folder), prefix: folder)
        }
        return lines
    }

    /// Whether the inputs changed since the last call; when they did, returns only once they have
    /// stayed the same for `pause` seconds.
    mutating func settle(pause: TimeInterval) -> Bool {
        var now = Self.describe(root)
        if now == last { return false }
        while now != last {
            last = now
            Thread.sleep(forTimeInterval: pause)
            now = Self.describe(root)
        }
        return true
    }
}
