import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import CPortDocSystem
import PortDocCore
import XHTMLValidation

/// The output formats `portdoc build` writes; `definition` says everything else about each.
public enum OutputFormat: String, CaseIterable, Sendable {
    case xhtml, markdown, man, diagram
}

/// One output format, defined once: how a localized document becomes its files, which files the
/// whole site gets from it, and which DTD validates its files. Builder, `build` and `validate`
/// loop over these definitions; adding a format is adding a definition and its templates.
public struct FormatDefinition: Sendable {
    public let format: OutputFormat
    /// The DTD its files are validated against in memory, if any (others get structural checks).
    public let dtd: DTDIdentity?
    /// The file suffix of its validated files.
    public let suffix: String
    /// Starts a document's files and returns what finishes them. Only the diagram does work at
    /// once (Graphviz lays it out meanwhile); the pages render when finished, one at a time, so
    /// that memory holds one page of a document at a time.
    let start: @Sendable (Builder, LocalizedDocument) -> @Sendable () -> [Swift.Result<OutputFile, Diagnostic>]
    /// Files of the whole site for the built locales (indexes), given what the pages collected.
    let siteFiles: (@Sendable (Builder, SiteIndex, inout Diagnostics) -> [OutputFile])?

    public static let all: [FormatDefinition] = [
        FormatDefinition(format: .xhtml, dtd: .xhtml1Strict, suffix: ".html", start: { builder, doc in {
            [builder.pageSizes.render(.xhtml, doc.id) { XHTMLRenderer.render(doc, layout: builder.layout, templates: builder.project.templates, reserving: $0) }
                .map { OutputFile(path: builder.layout.page(document: doc.id, locale: doc.locale), bytes: $0) }]
        } }, siteFiles: { builder, index, d in builder.xhtmlSiteFiles(index, &d) }),
        FormatDefinition(format: .markdown, dtd: nil, suffix: ".md", start: { builder, doc in {
            [builder.pageSizes.render(.markdown, doc.id) { MarkdownRenderer.render(doc, layout: builder.layout, templates: builder.project.templates, reserving: $0) }
                .map { OutputFile(path: builder.layout.markdown(document: doc.id, locale: doc.locale), bytes: $0) }]
        } }, siteFiles: { builder, index, d in builder.setFiles(index, format: MarkdownRenderer.format, &d) }),
        FormatDefinition(format: .man, dtd: nil, suffix: "", start: { builder, doc in {
            [builder.pageSizes.render(.man, doc.id) { ManRenderer.render(doc, templates: builder.project.templates, reserving: $0) }
                .map { OutputFile(path: builder.layout.man(name: doc.man.name, section: doc.man.section, locale: doc.locale), bytes: $0) }]
        } }, siteFiles: { builder, index, d in builder.setFiles(index, format: ManRenderer.format, &d) }),
        FormatDefinition(format: .diagram, dtd: .svg11, suffix: ".svg", start: { builder, doc in
            let diagram = builder.startDiagram(doc)
            return { diagram.map { [$0()] } ?? [] }
        }, siteFiles: nil),
    ]
}

extension OutputFormat {
    public var definition: FormatDefinition {
        // `all` lists every case once.
        FormatDefinition.all.first { $0.format == self } ?? FormatDefinition.all[0]
    }
}

/// One generated file, relative to the output folder.
public struct OutputFile: Sendable, Equatable {
    public var path: String
    /// The file's UTF-8, as the renderers write it and the build validates and writes it.
    public var bytes: [UInt8]
    /// The file's text.
    public var contents: String { String(decoding: bytes, as: UTF8.self) }
    public init(path: String, contents: String) {
        self.path = path
        bytes = Array(contents.utf8)
    }
    /// `bytes` is valid UTF-8.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// Receives generated, validated files one at a time, from several threads at once.
public protocol OutputSink: Sendable {
    func accept(_ file: OutputFile) throws
}

/// Keeps every file in memory (tests, small builds).
public final class CollectingSink: OutputSink, @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var collected: [OutputFile] = []
    public init() {}
    public func accept(_ file: OutputFile) {
        lock.lock()
        collected.append(file)
        lock.unlock()
    }
    /// The files, sorted by path.
    public var files: [OutputFile] {
        lock.lock()
        defer { lock.unlock() }
        return collected.sorted { $0.path < $1.path }
    }
}

/// Renders and validates every requested locale and format. Locales are rendered in parallel
/// (one per core); each page is validated as soon as it is rendered and handed to the sink, so
/// that memory holds a few pages at a time, never the whole output.
public struct Builder: Sendable {
    public var project: Project
    /// Validators by DTD (XHTML, SVG); a format whose DTD has none is not validated against it.
    public var validators: [DTDIdentity: DTDValidator]
    /// Lays out the network diagram; nil when Graphviz is not installed (an error only for a
    /// catalog with connections).
    public var graphviz: Graphviz?
    /// The output folder as the user names it, so that diagnostics point where the file will be.
    public var outputName: String
    /// The sizes of the pages rendered so far, by document and format.
    let pageSizes = PageSizes()

    public init(project: Project, validators: [DTDIdentity: DTDValidator], graphviz: Graphviz? = nil, outputName: String = "Output") {
        self.project = project
        self.validators = validators
        self.graphviz = graphviz
        self.outputName = outputName
    }

    /// The XHTML validator alone (tests, small tools).
    public init(project: Project, validator: XHTMLValidator?, graphviz: Graphviz? = nil, outputName: String = "Output") {
        self.init(project: project, validators: validator.map { [.xhtml1Strict: $0] } ?? [:], graphviz: graphviz, outputName: outputName)
    }

    /// After each (document, locale), freed memory goes back to the system when the process is
    /// at least this large. (Eleventh session, at 100k x 10: never trimming took 209k page faults
    /// instead of 391k and peak RSS 637-658 MB instead of 609-624 MB; wall and CPU time moved
    /// within this machine's noise, both ways, over three sets of interleaved runs.)
    static let releaseMemoryAbove = 256 << 20

    /// The validators the definitions of `formats` need, loaded (the DTDs in use, and only those,
    /// may then load their files).
    public static func validators(for formats: [OutputFormat]) throws(DiagnosticsError) -> [DTDIdentity: DTDValidator] {
        var result: [DTDIdentity: DTDValidator] = [:]
        for dtd in formats.compactMap(\.definition.dtd) where result[dtd] == nil {
            result[dtd] = try DTDValidator(dtd: dtd)
        }
        return result
    }

    /// Where every file goes and how they link.
    public var layout: OutputLayout { OutputLayout(project: project) }

    /// Starts laying out the diagram of `doc`; what it returns waits for the SVG. nil when the
    /// catalog has no connections.
    func startDiagram(_ doc: LocalizedDocument) -> (@Sendable () -> Swift.Result<OutputFile, Diagnostic>)? {
        guard let dot = DiagramRenderer.dot(doc, templates: project.templates) else { return nil }
        let path = layout.diagram(document: doc.id, locale: doc.locale)
        switch dot {
        case .failure(let diagnostic): return { .failure(diagnostic) }
        case .success(let text):
            guard let graphviz else {
                return { .failure(.error("Graphviz's dot is not installed; the network diagram needs it (make deps installs Debian's graphviz)", at: nil, id: "diagram.graphviz-missing")) }
            }
            let layout = graphviz.start(text, path: "\(outputName)/\(path)")
            return { layout.svg().map { OutputFile(path: path, contents: DiagramRenderer.finish(svg: $0, doc: doc)) } }
        }
    }


    public struct Result: Sendable {
        public var diagnostics: [Diagnostic]
        /// The first error the sink threw (a write failed); the build stopped there.
        public var sinkError: (any Error)?
        /// How many files the sink accepted.
        public var files: Int
    }

    /// Renders into memory; for tests and callers that want every file.
    public func build(locales: [String], formats: [OutputFormat]) -> (files: [OutputFile], diagnostics: [Diagnostic]) {
        let sink = CollectingSink()
        let result = build(locales: locales, formats: formats, into: sink)
        return (sink.files, result.diagnostics)
    }

    /// How far a build is, after each document of each locale (for a progress line).
    public struct Progress: Sendable, Equatable {
        public var localesDone: Int
        public var locales: Int
        public var documentsDone: Int
        public var documents: Int
        /// Files rendered, validated and handed to the sink so far.
        public var files: Int
    }

    /// Renders, validates and hands every file to `sink`. A file with errors is not handed over;
    /// the caller must not commit the sink when the result has errors. `progress` hears after
    /// every (document, locale), from the thread that rendered it.
    public func build(locales: [String], formats: [OutputFormat], into sink: some OutputSink,
                      progress: (@Sendable (Progress) -> Void)? = nil) -> Result {
        let state = BuildState()
        // Every document in every locale, in parallel.
        let jobs = project.documents.flatMap { document in locales.map { (document, $0) } }
        let tally = ProgressTally(locales: locales, documents: project.documents.count)
        let index = SiteIndexCollector()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { job in
            guard !state.stopped else { return }
            let (document, locale) = jobs[job]
            defer { if let progress { progress(tally.finished(locale, files: state.files)) } }
            // A large page leaves megabytes of freed memory behind in this thread's malloc arena,
            // which no other thread reuses: handed back to the system once the process is large,
            // 100k rows x 10 locales peaked at 720-760 MB instead of 800-940 MB in the same time.
            // Not for small builds: trimming after every job of 5,000 rows or more measured
            // 10k x 2 at 436 ms in a bench run (292 ms without), and they have little to give back.
            defer { if ResidentMemory.bytes() >= Self.releaseMemoryAbove { portdoc_release_free_memory() } }
            let (doc, diagnostics) = Resolver.resolve(project, document: document, locale: locale)
            state.add(diagnostics)
            guard let doc else { return }
            state.add(fallbackWarnings(doc))
            if project.isSet { index.add(doc) }
            // Each format's files are started first (the diagram is laid out meanwhile), then
            // finished, validated and delivered one at a time. Every one is finished, also after
            // a failed write, so that no Graphviz process is left unreaped.
            let pending = formats.map { $0.definition.start(self, doc) }
            for finish in pending {
                let files = finish()
                guard !state.stopped else { continue }
                for rendered in files {
                    switch rendered {
                    case .success(let file): state.deliver(file, to: sink, validating: self)
                    case .failure(let diagnostic): state.add([diagnostic])
                    }
                }
            }
        }
        let site = SiteIndex(locales: locales, documents: index.documents)
        for format in formats where !locales.isEmpty && !state.stopped {
            guard let siteFiles = format.definition.siteFiles else { continue }
            var siteDiagnostics = Diagnostics()
            let files = siteFiles(self, site, &siteDiagnostics)
            state.add(siteDiagnostics.all)
            // Validated and written in parallel: a set's port indexes are its largest pages (ten
            // of 870 KB in the 50-document set), and one after another they left a core idle.
            DispatchQueue.concurrentPerform(iterations: files.count) { state.deliver(files[$0], to: sink, validating: self) }
        }
        return state.result
    }

    func fallbackWarnings(_ doc: LocalizedDocument) -> [Diagnostic] {
        doc.fallbacks.map { fallback in
            let translation = project.translations[doc.locale]
            let location = translation?.location(of: fallback.key)
                ?? translation.map { SourceLocation(path: $0.file.path, line: 1, column: 1) }
            let state = fallback.status == .translated ? "not usable (see the error above)" : fallback.status.rawValue
            return .warning("'\(fallback.key)' is \(state) in '\(doc.locale)'; showing the '\(fallback.locale)' text", at: location, id: "build.fallback")
        }
    }

    /// `html/index.html` (the language index of a one-document project, or the home page of a
    /// set, listing every locale of the project also in a build of some locales only), the port
    /// index of a set per built locale, `html/style.css` and (for a set) `html/filter.js`.
    func xhtmlSiteFiles(_ index: SiteIndex, _ d: inout Diagnostics) -> [OutputFile] {
        var files: [OutputFile] = []
        let source = project.sourceLocale
        if project.isSet {
            files += setFiles(index, format: XHTMLRenderer.format, &d)
        } else if let document = project.documents.first {
            let entries = project.locales.map { tag -> XHTMLRenderer.IndexEntry in
                let (translated, total) = project.completeness(of: tag)
                return XHTMLRenderer.IndexEntry(tag: tag, name: Resolver.languageName(project, tag), title: Resolver.title(project, document: document, locale: tag),
                                                translated: translated, total: total, isSource: tag == source)
            }
            switch XHTMLRenderer.renderIndex(entries, locale: source, title: Resolver.title(project, document: document, locale: source),
                                             interface: Resolver.interface(project, locale: source), templates: project.templates) {
            case .success(let text): files.append(OutputFile(path: OutputLayout.home, contents: text))
            case .failure(let diagnostic): d.append(diagnostic)
            }
        }
        if let css = project.templates.asset(format: XHTMLRenderer.format, name: "style.css") {
            files.append(OutputFile(path: "html/style.css", contents: css))
        } else {
            d.error("Templates/xhtml/style.css is missing", at: nil, id: "template.missing")
        }
        return files
    }

    /// Validates one generated file: XHTML and SVG against their DTDs, Markdown and man structure.
    public func validate(_ file: OutputFile) -> [Diagnostic] {
        OutputValidation.check(bytes: file.bytes, path: "\(outputName)/\(file.path)", validators: validators)
    }
}

/// Counts finished (document, locale) jobs for `Builder.Progress`.
private final class ProgressTally: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var remaining: [String: Int]
    private var progress: Builder.Progress

    init(locales: [String], documents: Int) {
        remaining = Dictionary(locales.map { ($0, documents) }, uniquingKeysWith: { a, _ in a })
        progress = Builder.Progress(localesDone: 0, locales: remaining.count, documentsDone: 0, documents: documents * remaining.count, files: 0)
    }

    func finished(_ locale: String, files: Int) -> Builder.Progress {
        lock.lock()
        defer { lock.unlock() }
        remaining[locale, default: 1] -= 1
        if remaining[locale] == 0 { progress.localesDone += 1 }
        progress.documentsDone += 1
        progress.files = files
        return progress
    }
}

/// What the parallel jobs of one build share.
private final class BuildState: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var diagnostics: [Diagnostic] = []
    private var sinkError: (any Error)?
    private var delivered = 0
    private var hasErrors = false

    /// True once a write failed: the remaining jobs stop.
    var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return sinkError != nil
    }

    func add(_ more: [Diagnostic]) {
        guard !more.isEmpty else { return }
        lock.lock()
        diagnostics.append(contentsOf: more)
        if more.contains(where: { $0.severity == .error }) { hasErrors = true }
        lock.unlock()
    }

    /// Validates the file; hands it to the sink only when valid and no error has been seen,
    /// since the sink's work is thrown away anyway then.
    func deliver(_ file: OutputFile, to sink: some OutputSink, validating builder: Builder) {
        let problems = builder.validate(file)
        add(problems)
        lock.lock()
        let skip = hasErrors || sinkError != nil
        lock.unlock()
        guard !skip else { return }
        do {
            try sink.accept(file)
            lock.lock()
            delivered += 1
            lock.unlock()
        } catch {
            lock.lock()
            if sinkError == nil { sinkError = error }
            lock.unlock()
        }
    }

    /// Files handed to the sink so far.
    var files: Int { lock.lock(); defer { lock.unlock() }; return delivered }

    var result: Builder.Result {
        lock.lock()
        defer { lock.unlock() }
        return Builder.Result(diagnostics: diagnostics, sinkError: sinkError, files: delivered)
    }
}

/// Picks the checks for a file by its name.
public enum OutputValidation {
    public static func check(_ text: String, path: String, validators: [DTDIdentity: DTDValidator]) -> [Diagnostic] {
        if let dtd = dtd(of: path) { return validators[dtd]?.validate(text, path: path) ?? [] }
        if path.hasSuffix(".md") { return MarkdownChecks.check(text, path: path) }
        if isManPage(path) { return ManChecks.check(text, path: path) }
        return []
    }

    /// `check` of a file's UTF-8 (valid UTF-8: the renderers' output, or a file decoded first).
    public static func check(bytes: [UInt8], path: String, validators: [DTDIdentity: DTDValidator]) -> [Diagnostic] {
        if let dtd = dtd(of: path) { return validators[dtd]?.validate(bytes: bytes, path: path) ?? [] }
        if path.hasSuffix(".md") { return MarkdownChecks.check(bytes: bytes, path: path) }
        if isManPage(path) { return ManChecks.check(bytes: bytes, path: path) }
        return []
    }

    /// The DTD a file is validated against, by its suffix; nil for Markdown and man pages.
    static func dtd(of path: String) -> DTDIdentity? {
        FormatDefinition.all.first { $0.dtd != nil && !$0.suffix.isEmpty && path.hasSuffix($0.suffix) }?.dtd
    }

    /// Checks files on disk (`portdoc validate`): each read, decoded and checked as `check` does,
    /// man pages also with `mandoc -T lint` when `mandoc` is true. Files are checked on every
    /// core, largest first (one after the other, `portdoc validate` of the 5k × 2 pages took
    /// 83–86 ms, now 50–52 ms); the findings come in the order of `files`. Returns them and the number of files checked.
    public static func checkFiles(_ files: [(display: String, url: URL)], validators: [DTDIdentity: DTDValidator], mandoc: Bool) -> (diagnostics: [Diagnostic], checked: Int) {
        // Per file: its findings, and whether it could be read.
        let results = ResultsInOrder<(diagnostics: [Diagnostic], read: Bool)>(count: files.count)
        let sizes = files.map { FilePaths.size($0.url.path) ?? 0 }
        let order = files.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        DispatchQueue.concurrentPerform(iterations: order.count) { n in
            let index = order[n]
            let (display, url) = files[index]
            guard case .bytes(let bytes) = FilePaths.readBytes(url.path) else {
                results.set(index, ([.error("cannot read the file", at: SourceLocation(path: display, line: 1, column: 1), id: "io.read")], false))
                return
            }
            var diagnostics: [Diagnostic]
            switch TextNormalization.decodeUTF8(bytes, path: display) {
            case .failure(let d): results.set(index, ([d], true)); return
            case .success(let text): diagnostics = check(text, path: display, validators: validators)
            }
            if isManPage(display), mandoc {
                diagnostics += (try? Mandoc.lint(file: url, displayPath: display)) ?? [.error("could not run mandoc", at: nil, id: "man.mandoc-lint")]
            }
            results.set(index, (diagnostics, true))
        }
        let all = results.values.compactMap { $0 }
        return (all.flatMap(\.diagnostics), all.filter(\.read).count)
    }

    public static func isManPage(_ path: String) -> Bool {
        let ext = FilePaths.pathExtension(path)
        return path.contains("man/") && ext.count >= 1 && ext.first.map { ("1"..."9").contains($0) } == true
    }
}

/// What the pages of a set contribute to its indexes: the port uses of every document, by locale,
/// grouped by port once for the three formats' indexes (in parallel).
public struct SiteIndex: Sendable {
    public var locales: [String]
    public var groups: [String: [SiteRenderer.PortGroup]]

    /// `documents`: each locale's uses, documents in id order.
    public init(locales: [String], documents: [String: [SiteRenderer.PortUse]]) {
        self.locales = locales
        let keys = Array(documents.keys)
        let grouped = ResultsInOrder<[SiteRenderer.PortGroup]>(count: keys.count)
        DispatchQueue.concurrentPerform(iterations: keys.count) { grouped.set($0, SiteRenderer.grouped(documents[keys[$0]] ?? [])) }
        groups = Dictionary(uniqueKeysWithValues: zip(keys, grouped.values.map { $0 ?? [] }))
    }
}

/// Collects port uses from the parallel page jobs.
final class SiteIndexCollector: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var uses: [String: [String: [SiteRenderer.PortUse]]] = [:]  // locale → document → uses

    func add(_ doc: LocalizedDocument) {
        let found = SiteRenderer.portUses(doc)
        lock.lock()
        uses[doc.locale, default: [:]][doc.id] = found
        lock.unlock()
    }

    /// By locale, documents in id order, so that the indexes do not depend on job order.
    var documents: [String: [SiteRenderer.PortUse]] {
        lock.lock()
        defer { lock.unlock() }
        return uses.mapValues { byDocument in byDocument.keys.sorted().flatMap { byDocument[$0] ?? [] } }
    }
}

extension Builder {
    /// The index files of a set in `format`: the home page (XHTML) and the port index per built
    /// locale (XHTML, Markdown, man); nothing for a one-document project.
    func setFiles(_ index: SiteIndex, format: String, _ d: inout Diagnostics) -> [OutputFile] {
        guard project.isSet else { return [] }
        var files: [OutputFile] = []
        func add(_ result: Swift.Result<String, Diagnostic>, _ path: String) {
            add(result.map { Array($0.utf8) }, path)
        }
        func add(_ result: Swift.Result<[UInt8], Diagnostic>, _ path: String) {
            switch result {
            case .success(let bytes): files.append(OutputFile(path: path, bytes: bytes))
            case .failure(let diagnostic): d.append(diagnostic)
            }
        }
        let source = project.sourceLocale
        if format == XHTMLRenderer.format {
            let names = project.locales.map { Resolver.languageName(project, $0) }
            let entries = project.documents.map { document in
                let counts = project.completeness(of: project.locales, document: document)
                return SiteRenderer.HomeEntry(id: document.document.id, title: Resolver.title(project, document: document, locale: source),
                                              languages: project.locales.indices.map { (project.locales[$0], names[$0], counts[$0].translated, counts[$0].total) })
            }
            add(SiteRenderer.home(entries, locale: source, interface: Resolver.interface(project, locale: source),
                                  locales: project.locales.map { ($0, Resolver.languageName(project, $0)) }, layout: layout, templates: project.templates), OutputLayout.home)
            if let script = project.templates.asset(format: XHTMLRenderer.format, name: "filter.js") {
                files.append(OutputFile(path: OutputLayout.script, contents: script))
            } else {
                d.error("Templates/xhtml/filter.js is missing", at: nil, id: "template.missing")
            }
        }
        // The port index of each locale, in parallel (they are the largest pages of a set).
        let date = project.documents.compactMap(\.document.man.date).max() ?? project.buildDate ?? ""
        let indexes = ResultsInOrder<(Swift.Result<[UInt8], Diagnostic>, String)>(count: index.locales.count)
        DispatchQueue.concurrentPerform(iterations: index.locales.count) { i in
            let locale = index.locales[i]
            let path: String
            switch format {
            case XHTMLRenderer.format: path = layout.portIndex(locale: locale)
            case MarkdownRenderer.format: path = layout.markdownIndex(locale: locale)
            default: path = layout.manPortIndex(locale: locale)
            }
            let title = Resolver.interfaceText(project, key: "ui.port-index.title", locale: locale)
            indexes.set(i, (SiteRenderer.portIndex(index.groups[locale] ?? [], format: format, locale: locale, title: title,
                                                   interface: Resolver.interface(project, locale: locale), layout: layout,
                                                   date: date, templates: project.templates), path))
        }
        for case let (result, path)? in indexes.values { add(result, path) }
        return files
    }
}

/// A document's page in one format has about the same size in every locale: each page is rendered
/// into a buffer with room for the largest one of its document and format so far, and a sixteenth
/// more for a longer translation (a larger page grows the buffer as before). Grown by doubling
/// from empty, the buffer of a 26 MB page was written about twice into fresh memory: a third of
/// the page faults of 100k rows x 10 locales. Capacity a page leaves unused is never touched, so
/// it takes no memory.
final class PageSizes: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var largest: [String: Int] = [:]

    func render(_ format: OutputFormat, _ document: String, _ body: (_ reserving: Int) -> Swift.Result<[UInt8], Diagnostic>) -> Swift.Result<[UInt8], Diagnostic> {
        let key = "\(format.rawValue)/\(document)"
        lock.lock()
        let known = largest[key] ?? 0
        lock.unlock()
        let result = body(known + known / 16)
        if case .success(let bytes) = result, bytes.count > known {
            lock.lock()
            largest[key] = max(largest[key] ?? 0, bytes.count)
            lock.unlock()
        }
        return result
    }
}

/// Results of parallel work, kept in the order of their indices.
final class ResultsInOrder<T>: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

/// The process's memory as Linux reports it (0 elsewhere): resident now, and the peak so far.
public enum ResidentMemory {
    /// /proc/self/statm, kept open: it is read after every (document, locale) of a build, and
    /// opening it each time cost a system call of its own (500 in the 50-document set).
    private static let statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)

    /// Resident bytes now, from /proc/self/statm ("size resident shared …", in pages).
    public static func bytes() -> Int {
        guard statm >= 0 else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { pread(statm, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return 0 }
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// The peak resident bytes so far, from VmHWM in /proc/self/status.
    public static func peakBytes() -> Int {
        guard let line = FilePaths.readSmallFile("/proc/self/status")?.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber)) else { return 0 }
        return kB * 1024
    }
}
