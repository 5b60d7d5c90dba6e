import Foundation
import PortDocCore
import XHTMLValidation

/// The output formats `portdoc build` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case xhtml, markdown, man
}

/// One generated file, relative to the output folder.
public struct OutputFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// Receives generated, validated files one at a time, from several threads at once.
public protocol OutputSink: Sendable {
    func accept(_ file: OutputFile) throws
}

/// Keeps every file in memory (tests, small builds).
public final class CollectingSink: OutputSink, @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
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
    public var validator: XHTMLValidator?
    /// The output folder as the user names it, so that diagnostics point where the file will be.
    public var outputName: String

    public init(project: Project, validator: XHTMLValidator?, outputName: String = "Output") {
        self.project = project
        self.validator = validator
        self.outputName = outputName
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

    /// Renders, validates and hands every file to `sink`. A file with errors is not handed over;
    /// the caller must not commit the sink when the result has errors.
    public func build(locales: [String], formats: [OutputFormat], into sink: some OutputSink) -> Result {
        let state = BuildState()
        let jobs = locales
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            guard !state.stopped else { return }
            let locale = jobs[index]
            let (doc, diagnostics) = Resolver.resolve(project, locale: locale)
            state.add(diagnostics)
            guard let doc else { return }
            state.add(fallbackWarnings(doc))
            for format in formats where !state.stopped {
                let rendered: Swift.Result<String, Diagnostic>
                let path: String
                switch format {
                case .xhtml:
                    rendered = XHTMLRenderer.render(doc, templates: project.templates)
                    path = "html/\(locale)/index.html"
                case .markdown:
                    rendered = MarkdownRenderer.render(doc, templates: project.templates)
                    path = "markdown/\(locale)/\(doc.id).md"
                case .man:
                    rendered = ManRenderer.render(doc, templates: project.templates)
                    path = "man/" + ManRenderer.relativePath(for: doc)
                }
                switch rendered {
                case .success(let text): state.deliver(OutputFile(path: path, contents: text), to: sink, validating: self)
                case .failure(let diagnostic): state.add([diagnostic])
                }
            }
        }
        if formats.contains(.xhtml), !locales.isEmpty, !state.stopped {
            var siteDiagnostics = Diagnostics()
            let files = xhtmlSiteFiles(&siteDiagnostics)
            state.add(siteDiagnostics.all)
            for file in files { state.deliver(file, to: sink, validating: self) }
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

    /// `html/index.html` (the language index, listing every locale of the project, also in a
    /// build of some locales only) and `html/style.css`.
    func xhtmlSiteFiles(_ d: inout Diagnostics) -> [OutputFile] {
        var files: [OutputFile] = []
        let entries = project.locales.map { tag -> XHTMLRenderer.IndexEntry in
            let (translated, total) = project.completeness(of: tag)
            return XHTMLRenderer.IndexEntry(tag: tag, name: Resolver.languageName(project, tag), title: Resolver.title(project, locale: tag),
                                            translated: translated, total: total, isSource: tag == project.catalog.document.sourceLocale)
        }
        let source = project.catalog.document.sourceLocale
        switch XHTMLRenderer.renderIndex(entries, locale: source, title: Resolver.title(project, locale: source),
                                         interface: Resolver.interface(project, locale: source), templates: project.templates) {
        case .success(let text): files.append(OutputFile(path: "html/index.html", contents: text))
        case .failure(let diagnostic): d.append(diagnostic)
        }
        if let css = project.templates.asset(format: XHTMLRenderer.format, name: "style.css") {
            files.append(OutputFile(path: "html/style.css", contents: css))
        } else {
            d.error("Templates/xhtml/style.css is missing", at: nil, id: "template.missing")
        }
        return files
    }

    /// Validates one generated file: XHTML against the DTD, Markdown and man structure.
    public func validate(_ file: OutputFile) -> [Diagnostic] {
        OutputValidation.check(file.contents, path: "\(outputName)/\(file.path)", validator: validator)
    }
}

/// What the parallel jobs of one build share.
private final class BuildState: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
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

    var result: Builder.Result {
        lock.lock()
        defer { lock.unlock() }
        return Builder.Result(diagnostics: diagnostics, sinkError: sinkError, files: delivered)
    }
}

/// Picks the checks for a file by its name.
public enum OutputValidation {
    public static func check(_ text: String, path: String, validator: XHTMLValidator?) -> [Diagnostic] {
        if path.hasSuffix(".html") {
            return validator?.validate(text, path: path) ?? []
        }
        if path.hasSuffix(".md") { return MarkdownChecks.check(text, path: path) }
        if isManPage(path) { return ManChecks.check(text, path: path) }
        return []
    }

    public static func isManPage(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension
        return path.contains("man/") && ext.count >= 1 && ext.first.map { ("1"..."9").contains($0) } == true
    }
}
