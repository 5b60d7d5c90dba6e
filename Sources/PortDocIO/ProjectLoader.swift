import Foundation
import PortDocCore

/// Reads a PortDoc project from disk: `Catalog/`, `Locales/` and `Templates/` under one root.
/// Paths in diagnostics are relative to the root, as users type them.
public struct ProjectLoader {
    public let root: URL
    /// Where templates come from: `Templates/` under the root unless given.
    public let templatesRoot: URL

    public init(root: URL, templates: URL? = nil) {
        self.root = root.standardizedFileURL
        self.templatesRoot = (templates ?? root.appendingPathComponent("Templates")).standardizedFileURL
    }

    public func load() -> (Project?, [Diagnostic]) {
        var d = Diagnostics()
        // The catalog.
        let catalogFiles = files(in: "Catalog", extensions: ["yaml", "yml"])
        guard catalogFiles.count == 1, let catalogPath = catalogFiles.first else {
            let message = catalogFiles.isEmpty ? "no catalog: expected one Catalog/<id>.yaml" : "one catalog per project, found \(catalogFiles.joined(separator: ", "))"
            d.error(message, at: nil, id: "project.catalog")
            return (nil, d.all)
        }
        var catalog: Catalog?
        if let text = read(catalogPath, &d) {
            let (c, diags) = CatalogParser.parse(text, path: catalogPath)
            catalog = c
            d.append(contentsOf: diags)
        }
        guard let catalog else { return (nil, d.all) }

        // The source text.
        let sourceLocale = catalog.document.sourceLocale
        let sourcePath = "Locales/\(sourceLocale).yaml"
        var source: SourceText?
        if let text = read(sourcePath, &d) {
            let (s, diags) = SourceText.parse(text, path: sourcePath, locale: sourceLocale)
            source = s
            d.append(contentsOf: diags)
        }

        // Translations: every Locales/<tag>.po.
        var translations: [String: Translation] = [:]
        for path in files(in: "Locales", extensions: ["po"]) {
            let tag = String((path as NSString).lastPathComponent.dropLast(3))
            if let problem = LocaleTag.problem(with: tag) {
                d.error("file name \(problem)", at: SourceLocation(path: path, line: 1, column: 1), id: "locale.invalid-tag")
                continue
            }
            if tag == sourceLocale {
                d.error("'\(tag)' is the source locale; its text lives in \(sourcePath), not in a PO file", at: SourceLocation(path: path, line: 1, column: 1), id: "locale.source-po")
                continue
            }
            guard let text = read(path, &d) else { continue }
            let (file, diags) = POParser.parse(text, path: path)
            d.append(contentsOf: diags)
            if let file { translations[tag] = Translation(locale: tag, file: file) }
        }

        // The do-not-translate glossary, when the project has one.
        var glossary = Glossary.empty
        let glossaryPath = "Locales/\(Glossary.fileName)"
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(glossaryPath).path), let text = read(glossaryPath, &d) {
            let (g, diags) = Glossary.parse(text, path: glossaryPath)
            d.append(contentsOf: diags)
            if let g { glossary = g }
        }

        // Templates.
        let (templates, templateDiagnostics) = TemplateSet.parse(templateFiles(&d))
        d.append(contentsOf: templateDiagnostics)

        guard let source else { return (nil, d.all) }
        d.append(contentsOf: ProjectChecks.check(catalog: catalog, source: source, translations: translations))
        if d.hasErrors { return (nil, d.all) }
        return (Project(catalog: catalog, source: source, translations: translations, templates: templates, glossary: glossary), d.all)
    }

    /// `Locales/thresholds.yaml` for `portdoc check`; the defaults when the file does not exist.
    public func loadThresholds() -> (Thresholds?, [Diagnostic]) {
        let path = "Locales/\(Thresholds.fileName)"
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) else { return (Thresholds(), []) }
        var d = Diagnostics()
        guard let text = read(path, &d) else { return (nil, d.all) }
        return Thresholds.parse(text, path: path)
    }

    /// Relative paths of regular files directly in `folder` with one of `extensions`, sorted.
    func files(in folder: String, extensions: Set<String>) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension) && !$0.hasPrefix(".") }
            .sorted()
            .map { "\(folder)/\($0)" }
    }

    func templateFiles(_ d: inout Diagnostics) -> [TemplateSet.File] {
        let base = templatesRoot
        var result: [TemplateSet.File] = []
        let formats = ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).sorted()
        for format in formats where !format.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base.appendingPathComponent(format).path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(format).path)) ?? [])
                .filter { $0.hasSuffix(".mustache") || $0.hasSuffix(".css") }.sorted()
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
        guard let data = FileManager.default.contents(atPath: url.path) else {
            d.error("cannot read \(relativePath): no such file or not readable", at: nil, id: "io.read")
            return nil
        }
        if data.count > Limits.maxInputBytes {
            d.error("\(relativePath) is \(data.count) bytes; input files are limited to \(Limits.maxInputBytes) bytes", at: SourceLocation(path: relativePath, line: 1, column: 1), id: "io.too-large")
            return nil
        }
        switch TextNormalization.decodeUTF8([UInt8](data), path: relativePath) {
        case .success(let text): return text
        case .failure(let diagnostic): d.append(diagnostic); return nil
        }
    }
}

public enum Limits {
    /// Input files larger than this are refused before parsing.
    public static let maxInputBytes = 32 << 20
}
