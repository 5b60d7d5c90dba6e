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

        var layout = OutputLayout(isSet: false)

        func href(toLocale locale: String, from doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.markdown(document: doc.id, locale: doc.locale), to: layout.markdown(document: doc.id, locale: locale))
        }

        /// `markdown/<locale>/<id>.md` → the SVG beside the XHTML page, inside Output/.
        func diagramHref(_ doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.markdown(document: doc.id, locale: doc.locale), to: layout.diagram(document: doc.id, locale: doc.locale))
        }

        func portsCell(_ ports: [PortSpec]) -> String {
            ports.map { MarkdownEscaper.text(Self.portText($0)) }.joined(separator: "<br>")
        }

        /// GFM cells hold one line: lines and bullets are joined with `<br>`.
        func descriptionCell(_ items: [LocalizedItem]) -> String {
            items.map { ($0.kind == .bullet ? "• " : "") + paragraph($0.paragraph) }.joined(separator: "<br>")
        }
    }

    public static func render(_ doc: LocalizedDocument, layout: OutputLayout = OutputLayout(isSet: false), templates: TemplateSet) -> Result<String, Diagnostic> {
        templates.render(format: format, name: "page", context: .object(PageModel.build(doc, writer: Writer(layout: layout), needs: templates.referencedNames(format: format))))
    }
}
