import FoundationEssentials
import XHTMLValidation
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore

/// Reads a PortDoc project from disk: `Catalog/`, `Locales/` and `Templates/` under one root.
/// Paths in diagnostics are relative to the root, as users type them.
public struct ProjectLoader: Sendable {
    public let root: URL
    /// Where templates come from: `Templates/` under the root unless given.
    public let templatesRoot: URL

    /// Keep only what rendering needs of each PO file, read straight into that form
    /// (`POParser.parseCompacted`), so that large projects stay within memory bounds. `build` sets
    /// it; `check` and `locales update` need the whole files.
    public var compactTranslations = false

    /// From how many cores on a large catalog is parsed in parts (`CatalogParser.split`). With two,
    /// the source text and the PO files keep the second core busy while the catalog parses in one
    /// piece: the 10k-row project loaded in 115 ms in parts and 116 ms without, for 2 % more
    /// instructions. Tests set it to 2 to read in parts on any machine.
    public var catalogPartsFromCores = 3

    public init(root: URL, templates: URL? = nil, compactTranslations: Bool = false) {
        self.root = root.standardizedFileURL
        self.templatesRoot = (templates ?? root.appendingPathComponent("Templates")).standardizedFileURL
        self.compactTranslations = compactTranslations
    }

    public func load() -> (Project?, [Diagnostic]) {
        var d = Diagnostics()
        // The catalog.
        // Every Catalog/*.yaml is a document of the project.
        let catalogFiles = files(in: "Catalog", extensions: ["yaml", "yml"])
        guard !catalogFiles.isEmpty else {
            d.error("no catalog: expected Catalog/<id>.yaml", at: nil, id: "project.catalog")
            return (nil, d.all)
        }
        // The catalog (then the source text, whose name the catalog gives) and every PO file are
        // read and parsed in parallel; diagnostics are merged in a fixed order afterwards.
        let poPaths = files(in: "Locales", extensions: ["po"])
        // The source text is named after the catalog's source locale. When Locales/ has a single
        // other YAML file, it is parsed alongside the catalog (slot 1) and used if the name matches.
        let yamlCandidates = files(in: "Locales", extensions: ["yaml"]).filter {
            !["Locales/\(Glossary.fileName)", "Locales/\(LocaleSettings.fileName)", "Locales/\(LocaleSettings.legacyThresholdsFileName)"].contains($0)
        }
        let guessedSource = yamlCandidates.count == 1 ? yamlCandidates[0] : nil
        // Slots: 0 for the presumed source text, 1… for the PO files, then one per catalog, then
        // one per template file.
        var templateDiagnostics = Diagnostics()
        let templates = templateFiles(&templateDiagnostics)
        let catalogSlot = 1 + poPaths.count
        let templateSlot = catalogSlot + catalogFiles.count
        let slots = LoadSlots(count: templateSlot + templates.count)
        // The catalogs start first: a large catalog is the longest single job, and started last
        // (its slot's place) it left the other core idle at the end of loading. The templates
        // next, one job each: parsed after the others, they were a third of the seed's loading.
        let order = Array(catalogSlot..<(templateSlot + templates.count)) + Array(0..<catalogSlot)
        // On three cores or more a large catalog is cut into runs of sections (`CatalogParser.split`)
        // that run as jobs of their own after those already waiting, so that every core has work
        // until the end.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let queue = JobQueue()
        let partsOfCatalog = ResultsInOrder<CatalogInParts>(count: catalogFiles.count)
        for index in order {
            queue.add { [self] in
                var local = Diagnostics()
                if index >= templateSlot {
                    slots.setTemplate(index - templateSlot, TemplateSet.parseTemplate(templates[index - templateSlot]))
                    return
                } else if index >= catalogSlot {
                    let catalogPath = catalogFiles[index - catalogSlot]
                    guard let text = read(catalogPath, &local) else { slots.store(index, local); return }
                    let size = text.utf8.count
                    if cores >= catalogPartsFromCores, size >= CatalogParser.splitThreshold,
                       let parts = CatalogParser.split(text, path: catalogPath, parts: min(4 * cores, max(2, size / (CatalogParser.splitThreshold / 2)))) {
                        let inParts = CatalogInParts(parts)
                        partsOfCatalog.set(index - catalogSlot, inParts)
                        for k in 0..<parts.chunkCount { queue.add { inParts.chunks.set(k, CatalogParser.parseChunk(parts, k)) } }
                        queue.add { inParts.head.set(0, CatalogParser.parseHead(parts)) }
                        slots.store(index, local)
                        return
                    }
                    let (c, diags) = CatalogParser.parse(text, path: catalogPath)
                    local.append(contentsOf: diags)
                    if let c { slots.setCatalog(index, c) }
                } else if index == 0 {
                    guard let path = guessedSource, let text = read(path, &local) else { return }
                    let locale = String(FilePaths.lastComponent(path).dropLast(5))
                    slots.guessedSource = (path, SourceText.parse(text, path: path, locale: locale), local)
                    return
                } else {
                    let path = poPaths[index - 1]
                    // Weblate and Poedit name files the gettext way (pt_BR.po, sr@latin.po): read as pt-BR, sr-Latn.
                    let tag = LocaleTag.fromGettext(String(FilePaths.lastComponent(path).dropLast(3)))
                    if let problem = LocaleTag.problem(with: tag) {
                        local.error("file name \(problem)", at: SourceLocation(path: path, line: 1, column: 1), id: "locale.invalid-tag")
                    } else if compactTranslations {
                        if let bytes = readBytes(root.appendingPathComponent(path), display: path, &local) {
                            let (translation, diags) = POParser.parseCompacted(bytes, path: path, locale: tag)
                            local.append(contentsOf: diags)
                            if let translation { slots.setTranslation(index, translation) }
                        }
                    } else if let text = read(path, &local) {
                        let (file, diags) = POParser.parse(text, path: path)
                        local.append(contentsOf: diags)
                        if let file {
                            local.append(contentsOf: ProjectChecks.check(file))
                            slots.setTranslation(index, Translation(locale: tag, file: file))
                        }
                    }
                }
                slots.store(index, local)
            }
        }
        queue.run(workers: cores)
        // A catalog read in parts is put together (or, when a part reported anything, parsed again
        // in one piece for the exact diagnostics).
        for (i, inParts) in partsOfCatalog.values.enumerated() {
            guard let (catalog, diags) = inParts?.assemble() else { continue }
            var local = slots.diagnostics[catalogSlot + i]
            local.append(contentsOf: diags)
            slots.store(catalogSlot + i, local)
            if let catalog { slots.setCatalog(catalogSlot + i, catalog) }
        }
        for i in catalogFiles.indices { d.append(contentsOf: slots.diagnostics[catalogSlot + i].all) }
        let catalogs = catalogFiles.indices.compactMap { slots.catalogs[catalogSlot + $0] }
        guard catalogs.count == catalogFiles.count, let first = catalogs.first else { return (nil, d.all) }
        d.append(contentsOf: ProjectChecks.check(documents: catalogs))
        if d.hasErrors { return (nil, d.all) }
        let sourceLocale = first.document.sourceLocale
        let sourcePath = "Locales/\(sourceLocale).yaml"
        var source: SourceText?
        if let guessed = slots.guessedSource, guessed.path == sourcePath {
            d.append(contentsOf: guessed.read.all + guessed.parsed.1)
            source = guessed.parsed.0
        } else if let text = read(sourcePath, &d) {
            let (s, diags) = SourceText.parse(text, path: sourcePath, locale: sourceLocale)
            source = s
            d.append(contentsOf: diags)
        }
        var translations: [String: Translation] = [:]
        for (i, path) in poPaths.enumerated() {
            d.append(contentsOf: slots.diagnostics[i + 1].all)
            guard let translation = slots.translations[i + 1] else { continue }
            if translation.locale == sourceLocale {
                d.error("'\(sourceLocale)' is the source locale; its text lives in \(sourcePath), not in a PO file", at: SourceLocation(path: path, line: 1, column: 1), id: "locale.source-po")
                continue
            }
            if let other = translations[translation.locale] {
                d.error("\(path) and \(other.file.path) are both for '\(translation.locale)'; keep one", at: SourceLocation(path: path, line: 1, column: 1), id: "locale.duplicate")
                continue
            }
            translations[translation.locale] = translation
        }
        // Compacted translations are re-indexed by the source text's entries, so that no locale
        // keeps its own copy of every key; in parallel, since this part of loading otherwise runs
        // on one core (98 M instructions at 10k rows in nine locales).
        if compactTranslations, let source {
            let compacted = Array(translations.values)
            let indexed = ResultsInOrder<Translation>(count: compacted.count)
            DispatchQueue.concurrentPerform(iterations: compacted.count) { indexed.set($0, compacted[$0].indexed(by: source)) }
            for case let t? in indexed.values { translations[t.locale] = t }
        }

        // The do-not-translate glossary, when the project has one.
        var glossary = Glossary.empty
        let glossaryPath = "Locales/\(Glossary.fileName)"
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(glossaryPath).path), let text = read(glossaryPath, &d) {
            let (g, diags) = Glossary.parse(text, path: glossaryPath)
            d.append(contentsOf: diags)
            if let g { glossary = g }
        }

        // Thresholds and fallback chains.
        let (loadedSettings, settingsDiagnostics) = loadSettings()
        d.append(contentsOf: settingsDiagnostics)
        let settings = loadedSettings ?? LocaleSettings()

        // Templates (parsed with the files above).
        d.append(contentsOf: templateDiagnostics.all)
        let (templateSet, parseDiagnostics) = TemplateSet.assemble(templates, parsed: Array(slots.templates.prefix(templates.count)))
        d.append(contentsOf: parseDiagnostics)

        guard let source else { return (nil, d.all) }
        d.append(contentsOf: ProjectChecks.check(documents: catalogs, source: source, translations: translations, settings: settings))
        if d.hasErrors { return (nil, d.all) }
        var project = Project(documents: catalogs, source: source, translations: translations, templates: templateSet, glossary: glossary, settings: settings)
        for tag in project.locales {
            project.autonyms[tag] = Locale(identifier: tag).localizedString(forIdentifier: tag)
        }
        return (project, d.all)
    }

    /// `Locales/locales.yaml`, or the older `Locales/thresholds.yaml` with a deprecation warning;
    /// the defaults when neither exists.
    func loadSettings() -> (LocaleSettings?, [Diagnostic]) {
        let path = "Locales/\(LocaleSettings.fileName)"
        let legacy = "Locales/\(LocaleSettings.legacyThresholdsFileName)"
        func exists(_ p: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(p).path) }
        var d = Diagnostics()
        switch (exists(path), exists(legacy)) {
        case (false, false):
            return (LocaleSettings(), [])
        case (true, true):
            d.error("both \(path) and \(legacy) exist; move the thresholds into \(path) and delete \(legacy)", at: SourceLocation(path: legacy, line: 1, column: 1), id: "settings.deprecated")
            return (nil, d.all)
        case (true, false):
            guard let text = read(path, &d) else { return (nil, d.all) }
            let (settings, diags) = LocaleSettings.parse(text, path: path)
            return (settings, d.all + diags)
        case (false, true):
            d.warning("\(legacy) is deprecated; rename it to \(path), which also holds the fallback chains", at: SourceLocation(path: legacy, line: 1, column: 1), id: "settings.deprecated")
            guard let text = read(legacy, &d) else { return (nil, d.all) }
            let (settings, diags) = LocaleSettings.parse(text, path: legacy, allowFallback: false)
            return (settings, d.all + diags)
        }
    }

    /// Relative paths of regular files directly in `folder` with one of `extensions`, sorted.
    func files(in folder: String, extensions: Set<String>) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { extensions.contains(FilePaths.pathExtension($0)) && !$0.hasPrefix(".") }
            .sorted()
            .map { "\(folder)/\($0)" }
    }

    func templateFiles(_ d: inout Diagnostics) -> [TemplateSet.File] {
        let base = templatesRoot
        var result: [TemplateSet.File] = []
        let formats = ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).sorted()
        for format in formats where !format.hasPrefix(".") {
            guard FilePaths.isDirectory(base.appendingPathComponent(format).path) else { continue }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(format).path)) ?? [])
                .filter { $0.hasSuffix(".mustache") || $0.hasSuffix(".css") || $0.hasSuffix(".js") }.sorted()
            for name in names {
                let path = "Templates/\(format)/\(name)"
                if let text = read(base.appendingPathComponent("\(format)/\(name)"), display: path, &d) {
                    result.append(.init(relativePath: "\(format)/\(name)", path: path, text: text))
                }
            }
        }
        if result.isEmpty { d.error("no templates found under Templates/", at: nil, id: "project.templates") }
        return result
    }

    /// Reads a UTF-8 text file; reports a missing file or invalid UTF-8 with its position.
    func read(_ relativePath: String, _ d: inout Diagnostics) -> String? {
        read(root.appendingPathComponent(relativePath), display: relativePath, &d)
    }

    func read(_ url: URL, display relativePath: String, _ d: inout Diagnostics) -> String? {
        guard let bytes = readBytes(url, display: relativePath, &d) else { return nil }
        switch TextNormalization.decodeUTF8(bytes, path: relativePath) {
        case .success(let text): return text
        case .failure(let diagnostic): d.append(diagnostic); return nil
        }
    }
}

extension ProjectLoader {
    /// A file's bytes, as they are; nil (reported) when it cannot be read or is too large.
    func readBytes(_ url: URL, display relativePath: String, _ d: inout Diagnostics) -> [UInt8]? {
        switch FilePaths.readBytes(url.path, limit: Limits.maxInputBytes) {
        case .bytes(let bytes):
            return bytes
        case .tooLarge(let size):
            d.error("\(relativePath) is \(size) bytes; input files are limited to \(Limits.maxInputBytes) bytes", at: SourceLocation(path: relativePath, line: 1, column: 1), id: "io.too-large")
            return nil
        case .unreadable:
            d.error("cannot read \(relativePath): no such file or not readable", at: nil, id: "io.read")
            return nil
        }
    }
}

public enum Limits {
    /// Input files larger than this are refused before parsing.
    public static let maxInputBytes = 32 << 20
}

/// Results of the parallel part of `load()`, by slot: 0 for the presumed source text, then one per
/// PO file, then one per catalog.
/// A catalog read in parts: its parts and their results as their jobs finish.
private final class CatalogInParts: Sendable {
    let parts: CatalogParts
    let head = ResultsInOrder<CatalogPartResult>(count: 1)
    let chunks: ResultsInOrder<CatalogPartResult>

    init(_ parts: CatalogParts) {
        self.parts = parts
        chunks = ResultsInOrder(count: parts.chunkCount)
    }

    /// The catalog from every part's result (`CatalogParser.assemble`, which parses the whole
    /// text again when any part is missing or reported anything).
    func assemble() -> (Catalog?, [Diagnostic]) {
        guard let head = head.values[0] else { return CatalogParser.parse(parts.text, path: parts.path) }
        return CatalogParser.assemble(parts, head: head, chunks: chunks.values.compactMap { $0 })
    }
}

/// Jobs run on `workers` threads, first in first out; a running job may add more.
final class JobQueue: @unchecked Sendable {  // guarded by `condition`
    typealias Job = @Sendable () -> Void
    private let condition = Condition()
    private var jobs: [Job] = []
    private var nextJob = 0
    private var running = 0

    func add(_ job: @escaping Job) {
        condition.lock(); jobs.append(job); condition.signal(); condition.unlock()
    }

    /// Runs every job, including those added meanwhile; returns when all have finished. The jobs
    /// are let go of then: a job that adds jobs holds the queue, and the queue held every job with
    /// what it captured (the loader's slots, so every PO file as first read: 130 MB more at the
    /// peak of 100k rows x 10 locales until the list was emptied here).
    func run(workers: Int) {
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            while let job = take() {
                job()
                condition.lock()
                running -= 1
                if running == 0 { condition.broadcast() }
                condition.unlock()
            }
        }
        condition.lock()
        jobs = []
        nextJob = 0
        condition.unlock()
    }

    /// The next job, waiting while none is left but running jobs may still add some; nil at the end.
    private func take() -> Job? {
        condition.lock(); defer { condition.unlock() }
        while true {
            if nextJob < jobs.count {
                let job = jobs[nextJob]
                nextJob += 1
                running += 1
                return job
            }
            if running == 0 { return nil }
            condition.wait()
        }
    }
}

private final class LoadSlots: @unchecked Sendable {  // guarded by `lock`
    private let lock = Lock()
    private var _diagnostics: [Diagnostics]
    private var _translations: [Translation?]
    private var _catalogs: [Catalog?]
    private var _guessedSource: (path: String, parsed: (SourceText?, [Diagnostic]), read: Diagnostics)?
    private var _templates: [Result<Template, Diagnostic>?]

    init(count: Int) {
        _diagnostics = Array(repeating: Diagnostics(), count: count)
        _translations = Array(repeating: nil, count: count)
        _catalogs = Array(repeating: nil, count: count)
        _templates = Array(repeating: nil, count: count)
    }

    func store(_ index: Int, _ d: Diagnostics) { lock.lock(); _diagnostics[index] = d; lock.unlock() }
    func setTranslation(_ index: Int, _ t: Translation) { lock.lock(); _translations[index] = t; lock.unlock() }
    var diagnostics: [Diagnostics] { lock.lock(); defer { lock.unlock() }; return _diagnostics }
    var translations: [Translation?] { lock.lock(); defer { lock.unlock() }; return _translations }
    func setCatalog(_ index: Int, _ c: Catalog) { lock.lock(); _catalogs[index] = c; lock.unlock() }
    var catalogs: [Catalog?] { lock.lock(); defer { lock.unlock() }; return _catalogs }
    /// Parsed templates, by the index of their file.
    func setTemplate(_ index: Int, _ t: Result<Template, Diagnostic>?) { lock.lock(); _templates[index] = t; lock.unlock() }
    var templates: [Result<Template, Diagnostic>?] { lock.lock(); defer { lock.unlock() }; return _templates }
    var guessedSource: (path: String, parsed: (SourceText?, [Diagnostic]), read: Diagnostics)? {
        get { lock.lock(); defer { lock.unlock() }; return _guessedSource }
        set { lock.lock(); _guessedSource = newValue; lock.unlock() }
    }
}
