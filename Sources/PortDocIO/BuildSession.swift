import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore
import XHTMLValidation

/// One `portdoc build`: the build stamp, loading the project while the DTDs load, Graphviz,
/// rendering and validating every (document, locale, format), and comparing with or replacing the
/// output folder. It returns a typed outcome; the command only turns it into text and an exit code.
public struct BuildSession: Sendable {
    public struct Request: Sendable {
        public var root: URL
        /// The output folder as the user named it (relative to the root unless absolute).
        public var output: String
        /// Empty: every locale (every format).
        public var locales: [String]
        public var formats: [OutputFormat]
        public var pseudo = false
        /// Compare with the output folder instead of writing it.
        public var check = false
        /// Warnings fail the build.
        public var strict = false
        /// Render even when the stamp says nothing changed.
        public var force = false
        /// What shapes the output besides the input files (options, SOURCE_DATE_EPOCH), for the stamp.
        public var settings: [String] = []

        public init(root: URL, output: String, locales: [String], formats: [OutputFormat]) {
            self.root = root
            self.output = output
            self.locales = locales
            self.formats = formats
        }

        /// An absolute output folder is used as it is; a relative one is below the project root.
        public var outputURL: URL { output.hasPrefix("/") ? URL(fileURLWithPath: output) : root.appendingPathComponent(output) }
    }

    public enum Outcome: Sendable {
        /// The stamp matched: nothing was rendered; the warnings of the build it stands for.
        case upToDate(files: Int, warnings: [String])
        /// Inputs or outputs had errors (or warnings with `strict`); the output folder is unchanged.
        case failed(diagnostics: [Diagnostic])
        /// The environment failed (a DTD, Graphviz, a write); the output folder is unchanged.
        case environment(diagnostics: [Diagnostic], message: String?)
        /// `check`: the files of the output folder that differ from what a build produces.
        case checked(diagnostics: [Diagnostic], differences: [String], files: Int)
        /// The output folder was replaced (or left as it was when nothing changed).
        case written(diagnostics: [Diagnostic], result: OutputTree.WriteResult, files: Int, locales: [String])
    }

    public var request: Request
    public init(_ request: Request) { self.request = request }

    /// Runs the build. `onWait` hears that another build holds the output lock; `phase` marks the
    /// end of each phase (for PORTDOC_TIMINGS).
    /// `progress` hears how far rendering is (see `Builder.Progress`), from the rendering threads.
    public func run(onWait: @escaping (String) -> Void = { _ in }, phase: (String) -> Void = { _ in },
                    progress: (@Sendable (Builder.Progress) -> Void)? = nil) -> Outcome {
        let r = request
        let outputURL = r.outputURL
        let stampURL = BuildStamp.url(for: outputURL)
        let inputs = BuildStamp.inputs(root: r.root, folders: ["Catalog", "Locales"], templates: r.root.appendingPathComponent("Templates"), settings: r.settings)
        if !r.check && !r.force, let stamp = BuildStamp.read(stampURL), stamp.inputs == inputs,
           stamp.outputs == BuildStamp.describe(outputURL, prefix: r.output) {
            return .upToDate(files: stamp.outputs.count, warnings: stamp.warnings)
        }
        // The DTDs of the selected formats (found through the system XML catalog, which alone takes
        // milliseconds) load on Dispatch's pool while this thread loads the project, and are joined
        // here. Only this thread waits, so the pool never blocks on itself.
        let formats = r.formats.isEmpty ? OutputFormat.allCases : r.formats
        let validatorBox = ResultBox<Result<[DTDIdentity: DTDValidator], DiagnosticsError>>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            validatorBox.set(Result { () throws(DiagnosticsError) -> [DTDIdentity: DTDValidator] in try Builder.validators(for: formats) })
        }
        let (loaded, loadDiagnostics) = ProjectLoader(root: r.root, compactTranslations: true).load()
        group.wait()
        phase("load")
        guard var project = loaded else { return .failed(diagnostics: loadDiagnostics) }
        if r.pseudo { project = project.addingPseudoLocale() }
        do {
            project.buildDate = try BuildDate.isoDay()
        } catch {
            return .environment(diagnostics: loadDiagnostics + [error], message: nil)
        }
        var validators: [DTDIdentity: DTDValidator] = [:]
        switch validatorBox.value {
        case .failure(let error)?: return .environment(diagnostics: loadDiagnostics + error.diagnostics, message: nil)
        case .success(let v)?: validators = v
        case nil: break
        }
        // Graphviz only for a catalog with connections, and only when the diagram is built.
        var graphviz: Graphviz? = nil
        if formats.contains(.diagram), project.documents.contains(where: { !$0.connections.isEmpty }) {
            do { graphviz = try Graphviz.locate() } catch {
                return .environment(diagnostics: loadDiagnostics + error.diagnostics, message: nil)
            }
        }
        let locales = r.locales.isEmpty ? project.locales : r.locales
        let builder = Builder(project: project, validators: validators, graphviz: graphviz, outputName: r.output)
        let tree = OutputTree(directory: outputURL)
        let complete = r.locales.isEmpty && r.formats.isEmpty
        func failed(_ diagnostics: [Diagnostic]) -> Bool {
            let all = Diagnostics(diagnostics)
            return all.hasErrors || (r.strict && !all.warnings.isEmpty)
        }
        if r.check {
            let sink = ComparingSink(tree: tree)
            let built = builder.build(locales: locales, formats: formats, into: sink, progress: progress)
            let diagnostics = loadDiagnostics + built.diagnostics
            if failed(diagnostics) { return .failed(diagnostics: diagnostics) }
            return .checked(diagnostics: diagnostics, differences: sink.differences(complete: complete), files: built.files)
        }
        let writer: StagingWriter
        do {
            writer = try StagingWriter(tree: tree, complete: complete, onWait: onWait)
        } catch {
            return .environment(diagnostics: loadDiagnostics, message: "cannot write \(r.output)/: \(BuildSession.describe(error))")
        }
        let built = builder.build(locales: locales, formats: formats, into: writer, progress: progress)
        phase("render, validate, write")
        let diagnostics = loadDiagnostics + built.diagnostics
        if let error = built.sinkError {
            writer.abort()
            return .environment(diagnostics: diagnostics, message: "cannot write \(r.output)/: \(BuildSession.describe(error))")
        }
        if failed(diagnostics) {
            writer.abort()
            return .failed(diagnostics: diagnostics)
        }
        let result: OutputTree.WriteResult
        do {
            result = try writer.commit()
        } catch {
            return .environment(diagnostics: diagnostics, message: "cannot write \(r.output)/: \(BuildSession.describe(error))")
        }
        phase("commit")
        // Remember what this build saw; a stamp that cannot be written only costs the next build time.
        // Each warning once, in order (searching the list for each one took time growing with the
        // square of the warnings: 14,000 fallbacks of an empty translation at 10k rows, 9.7 G
        // instructions).
        var seen = Set<String>()
        let warnings = Diagnostics(diagnostics).sorted.filter { $0.severity == .warning }.map(\.description).filter { seen.insert($0).inserted }
        let stamp = BuildStamp(inputs: inputs, outputs: BuildStamp.describe(outputURL, prefix: r.output), warnings: warnings)
        try? AtomicFile.write(stamp.text(), to: stampURL, durable: false)
        return .written(diagnostics: diagnostics, result: result, files: built.files, locales: locales)
    }

    /// An error as users should read it: the POSIX message and the path where there is one.
    public static func describe(_ error: any Error) -> String {
        if let failed = error as? PathError {
            return String(cString: strerror(failed.errno)) + " (\(failed.path))"
        }
        if let posix = error as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        // FileManager's errors: the POSIX error underneath, and the path.
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo["NSUnderlyingError"] as? any Error {
            return describe(underlying) + ((cocoa.userInfo["NSFilePath"] as? String).map { " (\($0))" } ?? "")
        }
        return "\(error)"
    }
}

/// A result written by one thread (or task) and read by another after it has been set.
public final class ResultBox<Value>: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var _value: Value?

    public init() {}
    public func set(_ value: Value) { lock.lock(); _value = value; lock.unlock() }
    public var value: Value? { lock.lock(); defer { lock.unlock() }; return _value }
}
