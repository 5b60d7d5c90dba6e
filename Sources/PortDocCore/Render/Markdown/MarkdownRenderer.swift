/// GitHub-flavoured Markdown: `markdown/<locale>/<id>.md`, with pipe tables and GFM footnotes.
public enum MarkdownRenderer {
    public static let format = "markdown"

    struct Writer: FormatWriter {
        func inline(_ text: LocalizedText) -> String {
            text.pieces.map { piece in
                switch piece {
                case .text(let s), .host(let s): MarkdownEscaper.text(s)
                case .link(let url): MarkdownEscaper.autolink(url)
                }
            }.joined()
        }

        func marker(_ ref: FootnoteRef) -> String { "[^\(ref.id)]" }

        func href(toLocale locale: String, documentID: String) -> String? { "../\(locale)/\(documentID).md" }

        /// `markdown/<locale>/<id>.md` → `html/<locale>/diagram.svg`, inside Output/.
        func diagramHref(_ doc: LocalizedDocument) -> String? { "../../" + DiagramRenderer.relativePath(for: doc) }

        func portsCell(_ ports: [PortSpec]) -> String {
            ports.map { MarkdownEscaper.text(Self.portText($0)) }.joined(separator: "<br>")
        }

        /// GFM cells hold one line: lines and bullets are joined with `<br>`.
        func descriptionCell(_ items: [LocalizedItem]) -> String {
            items.map { ($0.kind == .bullet ? "• " : "") + paragraph($0.paragraph) }.joined(separator: "<br>")
        }
    }

    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        templates.render(format: format, name: "page", context: .object(PageModel.build(doc, writer: Writer(), needs: templates.referencedNames(format: format))))
    }
}
