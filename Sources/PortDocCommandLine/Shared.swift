import ArgumentParser
import Dispatch
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO
import XHTMLValidation

// What the two executables share: `portdoc` and `portdoc-serve`, the helper that `portdoc serve`
// runs so that the HTTP server (and the networking part of Foundation and libcurl, which FlyingFox
// brings) is loaded only by the command that serves.

/// Options every command shares.
public struct ProjectOptions: ParsableArguments {
    public init() {}

    @Option(name: .long, help: "The project root (holding Catalog/, Locales/, Templates/).")
    public var project: String = "."

    public var root: URL { URL(fileURLWithPath: project) }
}

public enum ExitStatus {
    public static let findings: Int32 = 1
    public static let environment: Int32 = 2
}

/// Prints diagnostics, sorted by position, to standard error.
/// The same finding from several locales (a template problem) is printed once. On a terminal,
/// and unless NO_COLOR is set (no-color.org) or TERM is dumb, the location is bold and the
/// severity coloured, as compilers do; in a pipe or a file the text is plain.
public func report(_ diagnostics: [Diagnostic]) {
    var seen = Set<Diagnostic>()
    let color = Terminal.colorOnStandardError
    for d in Diagnostics(diagnostics).sorted where seen.insert(d).inserted {
        StandardError.write((color ? Terminal.colored(d) : d.description) + "\n")
    }
}

public enum Terminal {
    public static var colorOnStandardError: Bool {
        let env = ProcessEnvironment.values
        return isatty(STDERR_FILENO) == 1 && env["NO_COLOR"].map(\.isEmpty) != false && env["TERM"] != "dumb"
    }

    /// `path:line:col: severity: message [id]` with ANSI SGR: bold location, red error, yellow
    /// warning, cyan note.
    public static func colored(_ d: Diagnostic) -> String {
        let plain = d.description
        let severity = d.severity.rawValue + ":"
        guard let range = plain.firstRange(of: " " + severity) ?? (plain.hasPrefix(severity) ? plain.firstRange(of: severity) : nil) else { return plain }
        let location = String(plain[..<range.lowerBound])
        let rest = String(plain[range.upperBound...])
        let code = switch d.severity { case .error: "31"; case .warning: "33"; default: "36" }
        let head = location.isEmpty ? "" : "\u{1B}[1m\(location)\u{1B}[0m "
        return head + "\u{1B}[1;\(code)m\(severity)\u{1B}[0m" + rest
    }
}

/// Loads the project or exits 1 after printing its errors.
public func loadProject(_ options: ProjectOptions) throws -> Project {
    let (loaded, diagnostics) = ProjectLoader(root: options.root).load()
    report(diagnostics)
    guard let project = loaded else { throw ExitCode(ExitStatus.findings) }
    return project
}

/// An error as users should read it (`BuildSession.describe`).
public func describe(_ error: any Error) -> String { BuildSession.describe(error) }

/// Prints `portdoc: error: message` and returns the exit code to throw, so that every command
/// ends through ArgumentParser (and `defer` blocks run) rather than through `exit()`.
public func failure(_ message: String, status: Int32) -> ExitCode {
    StandardError.write("portdoc: error: \(message)\n")
    return ExitCode(status)
}

/// SIGINT, SIGTERM and SIGHUP end the process with a message and exit status 128 + signal, after
/// removing temporary files; the output folder is either the previous one or the new one, whole.
/// SIGXFSZ is ignored so that a file-size limit becomes a write error with a message, not a crash.
public enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// What a long-running command (serve) says when a signal ends it, instead of the build's words.
    nonisolated(unsafe) public static var stopping: String?

    public static func install() {
        signal(SIGXFSZ, SIG_IGN)
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let (replaced, _) = Interruption.cleanUpForExit()
                let state = stopping ?? (replaced ? "the output folder was already replaced and is complete" : "nothing was changed")
                StandardError.write("portdoc: interrupted by \(name); \(state)\n")
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
