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

/// Renders and validates every requested locale and format, in memory.
public struct Builder {
    public var project: Project
    public var validator: XHTMLValidator?
    /// The output folder as the user names it, so that diagnostics point where the file will be.
    public var outputName: String

    public init(project: Project, validator: XHTMLValidator?, outputName: String = "Output") {
        self.project = project
        self.validator = validator
        self.outputName = outputName
    }

    public func build(locales: [String], formats: [OutputFormat]) -> (files: [OutputFile], diagnostics: [Diagnostic]) {
        var d = Diagnostics()
        var files: [OutputFile] = []
        var documents: [LocalizedDocument] = []
        for locale in locales {
            let (doc, diagnostics) = Resolver.resolve(project, locale: locale)
            d.append(contentsOf: diagnostics)
            guard let doc else { continue }
            documents.append(doc)
            for fallback in doc.fallbacks {
                let translation = project.translations[locale]
                let location = translation?.entry(for: fallback.key)?.location
                    ?? translation.map { SourceLocation(path: $0.file.path, line: 1, column: 1) }
                d.warning("'\(fallback.key)' is \(fallback.status.rawValue) in '\(locale)'; showing the \(doc.sourceLocale) text", at: location, id: "build.fallback")
            }
            for format in formats {
                let rendered: Result<String, Diagnostic>
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
                case .success(let text): files.append(OutputFile(path: path, contents: text))
                case .failure(let diagnostic): d.append(diagnostic)
                }
            }
        }
        if formats.contains(.xhtml), !documents.isEmpty {
            files.append(contentsOf: xhtmlSiteFiles(documents, &d))
        }
        d.append(contentsOf: validate(files))
        return (files, d.all)
    }

    /// `html/index.html` (the language index) and `html/style.css`.
    /// The index lists every locale of the project, also in a build of some locales only.
    func xhtmlSiteFiles(_ built: [LocalizedDocument], _ d: inout Diagnostics) -> [OutputFile] {
        var files: [OutputFile] = []
        let documents = project.locales.compactMap { tag in built.first { $0.locale == tag } ?? Resolver.resolve(project, locale: tag).0 }
        let entries = documents.map { doc in
            let (translated, total) = project.completeness(of: doc.locale)
            return XHTMLRenderer.IndexEntry(tag: doc.locale, name: doc.languages.first { $0.tag == doc.locale }?.name ?? doc.locale,
                                            title: doc.title.plain, translated: translated, total: total)
        }
        let source = documents.first { $0.locale == $0.sourceLocale } ?? documents[0]
        switch XHTMLRenderer.renderIndex(entries, sourceLocale: source.locale, title: source.title.plain, templates: project.templates) {
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

    /// Validates generated files in memory: XHTML against the DTD, Markdown and man structure.
    public func validate(_ files: [OutputFile]) -> [Diagnostic] {
        files.flatMap { file in OutputValidation.check(file.contents, path: "\(outputName)/\(file.path)", validator: validator) }
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
