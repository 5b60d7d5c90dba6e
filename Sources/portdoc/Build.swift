import ArgumentParser
import Foundation
import PortDocCore
import PortDocIO
import XHTMLValidation

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render every locale to XHTML, Markdown and man pages, validate them, and replace Output/.",
        discussion: "Pages are rendered and validated in memory; Output/ is replaced only when all of them are valid. With --check nothing is written: the command exits 1 and names each file of Output/ that differs from what a build produces."
    )

    @OptionGroup var options: ProjectOptions

    @Option(name: .customLong("locale"), help: ArgumentHelp("Build only this locale (repeatable). Default: all.", valueName: "tag"))
    var locales: [String] = []

    @Option(name: .customLong("format"), help: ArgumentHelp("Build only this format: xhtml, markdown, man or diagram (repeatable). Default: all.", valueName: "format"))
    var formats: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The output folder, relative to the project root. Default: Output (with --pseudo: .build/pseudo).", valueName: "dir"))
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
         "SOURCE_DATE_EPOCH=\(ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] ?? "unset")"]
    }

    func run() throws {
        let timer = PhaseTimer()
        // An absolute --output is used as it is; a relative one is below the project root.
        let outputURL = output.hasPrefix("/") ? URL(fileURLWithPath: output) : options.root.appendingPathComponent(output)
        let stampURL = BuildStamp.url(for: outputURL)
        let inputs = BuildStamp.inputs(root: options.root, folders: ["Catalog", "Locales"], templates: options.root.appendingPathComponent("Templates"), settings: settings)
        if !check && !force, let stamp = BuildStamp.read(stampURL), stamp.inputs == inputs,
           stamp.outputs == BuildStamp.describe(outputURL, prefix: output) {
            for warning in stamp.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            print("build: \(output)/ is up to date (\(stamp.outputs.count) files; no input changed since the last build)")
            return
        }
        // The DTDs of the selected formats (found through the system XML catalog, which alone takes
        // milliseconds) load on Dispatch's pool while this thread loads the project, and are joined
        // here. Only this (main) thread waits, so the pool never blocks on itself.
        let selectedFormats = formats.isEmpty ? OutputFormat.allCases : formats.compactMap(OutputFormat.init(rawValue:))
        let validatorBox = ResultBox<Result<[DTDIdentity: DTDValidator], DiagnosticsError>>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            validatorBox.set(Result { () throws(DiagnosticsError) -> [DTDIdentity: DTDValidator] in try Builder.validators(for: selectedFormats) })
        }
        let (loaded, loadDiagnostics) = ProjectLoader(root: options.root, compactTranslations: true).load()
        group.wait()
        let validatorResult = validatorBox.value
        timer.mark("load")
        guard var project = loaded else {
            report(loadDiagnostics)
            FileHandle.standardError.write(Data("build: failed; \(output)/ was not changed\n".utf8))
            throw ExitCode(ExitStatus.findings)
        }
        if pseudo { project = project.addingPseudoLocale() }
        do {
            project.buildDate = try BuildDate.isoDay()
            timer.mark("date")
        } catch {
            report(loadDiagnostics + [error])
            throw ExitCode(ExitStatus.environment)
        }
        let selectedLocales = locales.isEmpty ? project.locales : locales
        var validators: [DTDIdentity: DTDValidator] = [:]
        switch validatorResult {
        case .failure(let error)?:
            report(loadDiagnostics + error.diagnostics)
            throw ExitCode(ExitStatus.environment)
        case .success(let v)?: validators = v
        case nil: break
        }
        // Graphviz only for a catalog with connections, and only when the diagram is built.
        var graphviz: Graphviz? = nil
        if selectedFormats.contains(.diagram), project.documents.contains(where: { !$0.connections.isEmpty }) {
            do { graphviz = try Graphviz.locate() } catch {
                report(loadDiagnostics + error.diagnostics)
                throw ExitCode(ExitStatus.environment)
            }
        }
        let builder = Builder(project: project, validators: validators, graphviz: graphviz, outputName: output)
        let tree = OutputTree(directory: outputURL)
        let complete = locales.isEmpty && formats.isEmpty
        func failed(_ diagnostics: [Diagnostic]) -> Bool {
            let all = Diagnostics(diagnostics)
            return all.hasErrors || (strict && !all.warnings.isEmpty)
        }
        if check {
            let sink = ComparingSink(tree: tree)
            let built = builder.build(locales: selectedLocales, formats: selectedFormats, into: sink)
            report(loadDiagnostics + built.diagnostics)
            if failed(loadDiagnostics + built.diagnostics) {
                FileHandle.standardError.write(Data("build: failed\n".utf8))
                throw ExitCode(ExitStatus.findings)
            }
            let differences = sink.differences(complete: complete)
            for line in differences { print("\(output)/\(line)") }
            if !differences.isEmpty {
                FileHandle.standardError.write(Data("build --check: \(differences.count) file(s) differ; run 'portdoc build' and commit \(output)/\n".utf8))
                throw ExitCode(ExitStatus.findings)
            }
            print("build --check: \(output)/ is up to date (\(built.files) files)")
            return
        }
        let writer: StagingWriter
        do {
            writer = try StagingWriter(tree: tree, complete: complete) { message in
                FileHandle.standardError.write(Data("portdoc: \(message)\n".utf8))
            }
        } catch {
            report(loadDiagnostics)
            FileHandle.standardError.write(Data("portdoc: error: cannot write \(output)/: \(describe(error)); \(output)/ was not changed\n".utf8))
            throw ExitCode(ExitStatus.environment)
        }
        let built = builder.build(locales: selectedLocales, formats: selectedFormats, into: writer)
        timer.mark("render, validate, write")
        report(loadDiagnostics + built.diagnostics)
        if let error = built.sinkError {
            writer.abort()
            FileHandle.standardError.write(Data("portdoc: error: cannot write \(output)/: \(describe(error)); \(output)/ was not changed\n".utf8))
            throw ExitCode(ExitStatus.environment)
        }
        if failed(loadDiagnostics + built.diagnostics) {
            writer.abort()
            FileHandle.standardError.write(Data("build: failed; \(output)/ was not changed\n".utf8))
            throw ExitCode(ExitStatus.findings)
        }
        let result: OutputTree.WriteResult
        do {
            result = try writer.commit()
        } catch {
            FileHandle.standardError.write(Data("portdoc: error: cannot write \(output)/: \(describe(error)); \(output)/ was not changed\n".utf8))
            throw ExitCode(ExitStatus.environment)
        }
        timer.mark("commit")
        let files = built.files
        // Remember what this build saw; a stamp that cannot be written only costs the next build time.
        let warnings = Diagnostics(loadDiagnostics + built.diagnostics).sorted.filter { $0.severity == .warning }.map(\.description)
        let stamp = BuildStamp(inputs: inputs, outputs: BuildStamp.describe(outputURL, prefix: output), warnings: warnings.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
        try? AtomicFile.write(stamp.text(), to: stampURL)
        switch result {
        case .unchanged:
            print("build: \(output)/ is up to date (\(files) files for \(selectedLocales.joined(separator: ", ")); nothing written)")
        case .written(let changed, let kept):
            print("build: wrote \(changed.count) changed file\(changed.count == 1 ? "" : "s") (\(kept) unchanged) for \(selectedLocales.joined(separator: ", ")) to \(output)/")
        }
    }
}

/// With PORTDOC_TIMINGS=1, prints how long each phase took to standard error (for profiling).
final class PhaseTimer {
    private let enabled = ProcessInfo.processInfo.environment["PORTDOC_TIMINGS"] == "1"
    private var last = Date()

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "portdoc: %@: %.1f ms, peak RSS so far %@\n", phase, now.timeIntervalSince(last) * 1000, Self.peakRSS()).utf8))
        last = now
    }

    /// VmHWM from /proc/self/status (Linux), for the timings line.
    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "?" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}

/// A result written by one thread and read by another after a `DispatchGroup.wait()`.
final class ResultBox<Value>: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var _value: Value?

    func set(_ value: Value) { lock.lock(); _value = value; lock.unlock() }
    var value: Value? { lock.lock(); defer { lock.unlock() }; return _value }
}
