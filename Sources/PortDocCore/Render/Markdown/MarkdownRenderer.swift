/// GitHub-flavoured Markdown: `markdown/<locale>/<id>.md`, with pipe tables and GFM footnotes.
public enum MarkdownRenderer {
    public static let format = "markdown"

    struct Writer: FormatWriter {
        func plain(_ s: String) -> String { MarkdownEscaper.text(s) }

        func inline(_ text: LocalizedText) -> String {
            text.pieces.map { piece in
                switch piece {
                case .text(let s), .host(let s): MarkdownEscaper.text(s)
                case .link(let url): MarkdownEscaper.autolink(url)
                }
            }.joined()
        }

        func marker(_ ref: FootnoteRef) -> String { "[^\(ref.id)]" }

        func portsCell(_ ports: [PortSpec]) -> String {
            ports.map { MarkdownEscaper.text(Self.portText($0)) }.joined(separator: "<br>")
        }

        /// GFM cells hold one line: lines and bullets are joined with `<br>`.
        func descriptionCell(_ items: [LocalizedItem]) -> String {
            items.map { ($0.kind == .bullet ? "• " : "") + paragraph($0.paragraph) }.joined(separator: "<br>")
        }
    }

    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        var model = PageModel.build(doc, writer: Writer())
        model["languages"] = .list(doc.languages.enumerated().map { index, lang in
            [
                "first": .bool(index == 0),
                "tag": .string(lang.tag),
                "name": .string(MarkdownEscaper.text(lang.name)),
                "href": .string("../\(lang.tag)/\(doc.id).md"),
                "current": .bool(lang.tag == doc.locale),
            ]
        })
        return templates.render(format: format, name: "page", context: .object(model))
    }
}
