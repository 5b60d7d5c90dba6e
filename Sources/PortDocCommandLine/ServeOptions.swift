import ArgumentParser
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore

/// The options of `portdoc serve`, read by `portdoc` (for --help, the manual and completions,
/// and to check them before starting the helper) and by `portdoc-serve`.
public struct ServeOptions: ParsableArguments {
    public init() {}

    @OptionGroup public var project: ProjectOptions

    @Option(help: ArgumentHelp("The port to listen on; 0 picks a free one.", valueName: "port"))
    public var port: UInt16 = 8000

    @Option(help: ArgumentHelp("The address to listen on: 127.0.0.1, ::1 (loopback) or another IP address of this machine.", valueName: "address"))
    public var host = "127.0.0.1"

    @Option(name: .customLong("locale"), help: ArgumentHelp("Build only this locale (repeatable). Default: all.", valueName: "tag"))
    public var locales: [String] = []

    @Option(help: ArgumentHelp("Seconds between two looks at the inputs.", valueName: "seconds"))
    public var interval: Double = 0.25

    public func validate() throws {
        for tag in locales {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
        }
        guard Self.isAddress(host) else {
            throw ValidationError("--host '\(host)' is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1) or localhost")
        }
        guard interval >= 0.01 && interval <= 60 else { throw ValidationError("--interval must be between 0.01 and 60 seconds") }
    }

    /// Whether `host` is an IPv4 or IPv6 address (or localhost), as `--host` takes it.
    public static func isAddress(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(host.contains(":") ? AF_INET6 : AF_INET, host, &buffer) == 1
    }

    public static let abstract = "Preview the site: build into a temporary folder, serve it over HTTP, rebuild and reload on every change."
}
