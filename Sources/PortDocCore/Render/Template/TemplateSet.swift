/// The parsed templates of a project: `Templates/<format>/<name>.mustache`, plus plain assets
/// (such as `Templates/xhtml/style.css`) copied to the output as they are.
public struct TemplateSet: Sendable {
    /// A file read from Templates/: its path relative to that folder and its text.
    public struct File: Sendable {
        public var relativePath: String
        public var path: String
        public var text: String
        public init(relativePath: String, path: String, text: String) {
            self.relativePath = relativePath
            self.path = path
            self.text = text
        }
    }

    /// Templates by format, then by name (file name without `.mustache`).
    public private(set) var templates: [String: [String: Template]] = [:]
    /// Assets by format, then by file name.
    public private(set) var assets: [String: [String: String]] = [:]

    public init() {}

    /// Parses every template; syntax errors are reported with `path:line:col`.
    public static func parse(_ files: [File]) -> (TemplateSet, [Diagnostic]) {
        assemble(files, parsed: files.map(parseTemplate))
    }

    /// One file's template, parsed; nil for an asset or a file outside a format folder. Files are
    /// independent of each other, so a loader may parse them in parallel and `assemble` them.
    public static func parseTemplate(_ file: File) -> Result<Template, Diagnostic>? {
        guard let (format, name) = place(of: file), name.hasSuffix(".mustache") else { return nil }
        return Template.parse(file.text, path: file.path, syntax: syntax(for: format))
    }

    /// The set of `files`, given `parsed[i]` = `parseTemplate(files[i])`; diagnostics in the
    /// order of the files' paths.
    public static func assemble(_ files: [File], parsed: [Result<Template, Diagnostic>?]) -> (TemplateSet, [Diagnostic]) {
        var set = TemplateSet()
        var diagnostics: [Diagnostic] = []
        for i in files.indices.sorted(by: { files[$0].relativePath < files[$1].relativePath }) {
            guard let (format, name) = place(of: files[i]) else { continue }
            if name.hasSuffix(".mustache") {
                switch parsed[i] {
                case .success(let t)?: set.templates[format, default: [:]][String(name.dropLast(".mustache".count))] = t
                case .failure(let d)?: diagnostics.append(d)
                case nil: break
                }
            } else if !name.hasPrefix(".") && name != "README.md" {
                set.assets[format, default: [:]][name] = files[i].text
            }
        }
        return (set, diagnostics)
    }

    /// `<format>/<name>`; nil for a file at another depth.
    static func place(of file: File) -> (format: String, name: String)? {
        let parts = file.relativePath.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }

    /// The slot rules of a format folder's templates; folders of no known format insert text as it is.
    public static func syntax(for format: String) -> any TemplateSyntax {
        switch format {
        case XHTMLRenderer.format: XHTMLSyntax()
        case ManRenderer.format: RoffSyntax()
        case MarkdownRenderer.format: MarkdownSyntax()
        case DiagramRenderer.format: DOTSyntax()
        default: PlainSyntax()
        }
    }

    /// Renders `name` of `format`, with the format's other templates available as partials.
    public func render(format: String, name: String, context: TemplateValue) -> Result<String, Diagnostic> {
        renderBytes(format: format, name: name, context: context).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `render`'s text as its UTF-8 bytes (see `Template.renderBytes`).
    public func renderBytes(format: String, name: String, context: TemplateValue, reserving: Int = 0) -> Result<[UInt8], Diagnostic> {
        guard let template = templates[format]?[name] else {
            return .failure(.error("template 'Templates/\(format)/\(name).mustache' is missing", at: nil, id: "template.missing"))
        }
        return template.renderBytes(context, partials: templates[format] ?? [:], reserving: reserving)
    }

    public func asset(format: String, name: String) -> String? { assets[format]?[name] }
}
