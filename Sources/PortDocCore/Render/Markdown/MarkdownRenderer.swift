/// GitHub-flavoured Markdown: `markdown/<locale>/<id>.md`, with pipe tables and GFM footnotes.
public enum MarkdownRenderer {
    public static let format = "markdown"

    struct Writer: FormatWriter {
        func appendInline(_ text: LocalizedText, to out: inout [UInt8]) {
            for piece in text.pieces {
                switch piece {
                case .text(let s), .host(let s): MarkdownEscaper.append(s, to: &out)
                case .link(let url): out.append(contentsOf: MarkdownEscaper.autolink(url).utf8)
                }
            }
        }

        func appendMarker(_ ref: FootnoteRef, to out: inout [UInt8]) {
            out.append(contentsOf: "[^".utf8)
            out.append(contentsOf: ref.id.utf8)
            out.append(UInt8(ascii: "]"))
        }

        var layout = OutputLayout(isSet: false)

        func href(toLocale locale: String, from doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.markdown(document: doc.id, locale: doc.locale), to: layout.markdown(document: doc.id, locale: locale))
        }

        /// `markdown/<locale>/<id>.md` → the SVG beside the XHTML page, inside Output/.
        func diagramHref(_ doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.markdown(document: doc.id, locale: doc.locale), to: layout.diagram(document: doc.id, locale: doc.locale))
        }

        func appendPortsCell(_ ports: [PortSpec], to out: inout [UInt8]) {
            for (index, port) in ports.enumerated() {
                if index > 0 { out.append(contentsOf: "<br>".utf8) }
                Self.appendPortText(port, to: &out, escape: MarkdownEscaper.append, escapeInside: MarkdownEscaper.appendInside)
            }
        }

        /// GFM cells hold one line: lines and bullets are joined with `<br>`.
        func appendDescriptionCell(_ items: [LocalizedItem], to out: inout [UInt8]) {
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(contentsOf: "<br>".utf8) }
                if item.kind == .bullet { out.append(contentsOf: "• ".utf8) }
                appendParagraph(item.paragraph, to: &out)
            }
        }
    }

    /// The page's UTF-8 (see `Template.renderBytes`, also for `reserving`).
    public static func render(_ doc: LocalizedDocument, layout: OutputLayout = OutputLayout(isSet: false), templates: TemplateSet, reserving: Int = 0) -> Result<[UInt8], Diagnostic> {
        templates.renderBytes(format: format, name: "page", context: .object(PageModel.build(doc, writer: Writer(layout: layout))), reserving: reserving)
    }
}
