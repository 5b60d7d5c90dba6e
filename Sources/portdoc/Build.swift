import ArgumentParser
import PortDocCommandLine
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import PortDocIO
import XHTMLValidation

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render every locale to XHTML, Markdown and man pages, validate them, and replace Output/.",
        discussion: "Pages are rendered and validated in memory; Output/ is replaced only when all of them are valid. With --check nothing is written: the command exits 1 and names each file of Output/ that differs from what a build produces."
    )

    @OptionGroup var options: ProjectOptions

    @Option(name: .customLong("locale"), help: ArgumentHelp("Build only this locale (repeatable). Default: all.", valueName: "tag"))
    var locales: [String] = []

    @Option(name: .customLong("format"), help: ArgumentHelp("Build only this format: xhtml, markdown, man or diagram (repeatable). Default: all.", valueName: "format"))
    var formats: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The output folder: relative to the project root, or absolute. Default: Output (with --pseudo: .build/pseudo).", valueName: "dir"))
    var outputOption: String?

    @Flag(help: ArgumentHelp("Also build the pseudo-locale qps-ploc, generated from the source: accented, about 40 % longer and bracketed, to test layouts and find text that escaped translation."))
    var pseudo = false

    /// The pseudo-locale never goes into the committed Output/ unless asked for.
    var output: String { outputOption ?? (pseudo ? ".build/pseudo" : "Output") }

    @Flag(help: "Compare with the output folder instead of writing it; exit 1 when it differs.")
    var check = false

    @Flag(help: "Treat warnings (such as untranslated text shown from another locale of the fallback chain) as errors.")
    var strict = false

    func validate() throws {
        for tag in locales {
            if let problem = LocaleTag.problem(with: tag) { throw ValidationError("--locale \(problem)") }
        }
        for format in formats where OutputFormat(rawValue: format) == nil {
            throw ValidationError("--format '\(format)' is not one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    @Flag(help: "Render everything even when no input changed since the last build.")
    var force = false

    /// What shapes the output besides the input files.
    var settings: [String] {
        ["locales=\(locales.sorted().joined(separator: ","))", "formats=\(formats.sorted().joined(separator: ","))",
         "output=\(output)", "pseudo=\(pseudo)", "strict=\(strict)",
         "SOURCE_DATE_EPOCH=\(ProcessEnvironment.values["SOURCE_DATE_EPOCH"] ?? "unset")"]
    }

    func run() throws {
        let timer = PhaseTimer()
        var request = BuildSession.Request(root: options.root, output: output, locales: locales, formats: formats.compactMap(OutputFormat.init(rawValue:)))
        request.pseudo = pseudo
        request.check = check
        request.strict = strict
        request.force = force
        request.settings = settings
        let line = ProgressLine()
        var progress: (@Sendable (Builder.Progress) -> Void)? = nil
        if line.enabled { progress = { @Sendable p in line.update(p) } }
        let outcome = BuildSession(request).run(
            onWait: { StandardError.write("portdoc: \($0)\n") },
            phase: { timer.mark($0) },
            progress: progress)
        line.finish()
        switch outcome {
        case .upToDate(let files, let warnings):
            for warning in warnings { StandardError.write(warning + "\n") }
            print("build: \(output)/ is up to date (\(files) files; no input changed since the last build)")
        case .failed(let diagnostics):
            report(diagnostics)
            StandardError.write(check ? "build: failed\n" : "build: failed; \(output)/ was not changed\n")
            throw ExitCode(ExitStatus.findings)
        case .environment(let diagnostics, let message):
            report(diagnostics)
            if let message { StandardError.write("portdoc: error: \(message); \(output)/ was not changed\n") }
            throw ExitCode(ExitStatus.environment)
        case .checked(let diagnostics, let differences, let files):
            report(diagnostics)
            for line in differences { print("\(output)/\(line)") }
            if !differences.isEmpty {
                StandardError.write("build --check: \(differences.count) file(s) differ; run 'portdoc build' and commit \(output)/\n")
                throw ExitCode(ExitStatus.findings)
            }
            print("build --check: \(output)/ is up to date (\(files) files)")
        case .written(let diagnostics, let result, let files, let builtLocales):
            report(diagnostics)
            switch result {
            case .unchanged:
                print("build: \(output)/ is up to date (\(files) files for \(builtLocales.joined(separator: ", ")); nothing written)")
            case .written(let changed, let kept):
                print("build: wrote \(changed.count) changed file\(changed.count == 1 ? "" : "s") (\(kept) unchanged) for \(builtLocales.joined(separator: ", ")) to \(output)/")
            }
        }
    }
}

/// A build that takes longer than a second shows how far it is on the terminal, on one line of
/// standard error that is rewritten in place and erased at the end: locales done, documents done
/// (in a set) and pages written. Never in a pipe, a file, with TERM=dumb or where CI is set (CI
/// logs keep every carriage-return update as a line).
final class ProgressLine: @unchecked Sendable {  // guarded by `lock`
    let enabled: Bool
    private let lock = Lock()
    private let start = Date()
    private var lastDrawn: Date?

    init(environment: [String: String] = ProcessEnvironment.values) {
        enabled = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb" && (environment["CI"] ?? "").isEmpty
    }

    func update(_ p: Builder.Progress) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(start) >= 1, lastDrawn.map({ now.timeIntervalSince($0) >= 0.1 }) ?? true else { return }
        lastDrawn = now
        var text = "portdoc: building: \(p.localesDone) of \(p.locales) locales done"
        if p.documents > p.locales { text += ", \(p.documentsDone) of \(p.documents) documents" }
        text += ", \(p.files) pages"
        StandardError.write("\r\u{1B}[K\(text)")
    }

    /// Erases the line, if one was drawn.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if lastDrawn != nil { StandardError.write("\r\u{1B}[K") }
    }
}

/// With PORTDOC_TIMINGS=1, prints how long each phase took to standard error (for profiling).
final class PhaseTimer {
    private let enabled = ProcessEnvironment.values["PORTDOC_TIMINGS"] == "1"
    private var last = Date()

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        let tenths = Int((now.timeIntervalSince(last) * 10_000).rounded())
        StandardError.write("portdoc: \(phase): \(tenths / 10).\(tenths % 10) ms, peak RSS so far \(ResidentMemory.peakBytes() / 1024) kB, now \(ResidentMemory.bytes() / 1024) kB\n")
        last = now
    }
}
