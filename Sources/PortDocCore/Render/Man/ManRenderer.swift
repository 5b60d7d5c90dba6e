/// Man pages (section from the catalog) with tbl tables: `man/man7/<name>.7` for English and
/// `man/<locale>/man7/<name>.7` for every other locale, as man-db looks them up.
public enum ManRenderer {
    public static let format = "man"

    struct Writer: FormatWriter {
        /// Text is written as one roff text line, safe at the start of a line and inside tbl blocks.
        func inline(_ text: LocalizedText) -> String { RoffEscaper.tableCell(text.plain) }

        func marker(_ ref: FootnoteRef) -> String { " [\(ref.number)]" }

        func portsCell(_ ports: [PortSpec]) -> String {
            ports.map { RoffEscaper.tableCell(Self.portText($0)) }.joined(separator: " ")
        }

        func descriptionCell(_ items: [LocalizedItem]) -> String {
            items.map(item).joined(separator: " ")
        }

        func item(_ item: LocalizedItem) -> String {
            (item.kind == .bullet ? "\\(bu " : "") + paragraph(item.paragraph)
        }

        /// mandoc's tbl ignores `.br` inside `T{ … T}`, so a row with several ports or description
        /// items becomes several tbl lines; only the first carries the protocol.
        func rowExtras(_ row: LocalizedRow, needs: Set<String>?) -> TemplateObject {
            guard needs?.contains("lines") ?? true else { return [:] }
            let count = max(row.ports.count, row.description.count)
            let lines: [TemplateValue] = (0..<count).map { i in
                [
                    "protocol": .plain(i == 0 ? row.proto : ""),
                    "port": .plain(i < row.ports.count ? Self.portText(row.ports[i]) : ""),
                    "description": .markup(i < row.description.count ? item(row.description[i]) : ""),
                ]
            }
            return ["lines": .list(lines)]
        }
    }


    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        var model = PageModel.build(doc, writer: Writer(), needs: templates.referencedNames(format: format))
        model["man"] = [
            "name": .plain(doc.man.name),
            "title": .plain(doc.man.name.uppercased()),
            "section": .plain(doc.man.section),
            "date": .plain(doc.man.date ?? ""),
            "source": .plain(doc.man.source),
        ]
        return templates.render(format: format, name: "page", context: .object(model))
    }
}
