/// Man pages (section from the catalog) with tbl tables: `man/man7/<name>.7` for English and
/// `man/<locale>/man7/<name>.7` for every other locale, as man-db looks them up.
public enum ManRenderer {
    public static let format = "man"

    struct Writer: FormatWriter {
        func plain(_ s: String) -> String { RoffEscaper.tableCell(s) }

        /// Text is written as one roff text line, safe at the start of a line and inside tbl blocks.
        func inline(_ text: LocalizedText) -> String { RoffEscaper.tableCell(text.plain) }

        func heading(_ text: LocalizedText) -> String { RoffEscaper.argument(text.plain) }

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
                    "protocol": .string(i == 0 ? RoffEscaper.tableCell(row.proto) : ""),
                    "port": .string(i < row.ports.count ? RoffEscaper.tableCell(Self.portText(row.ports[i])) : ""),
                    "description": .string(i < row.description.count ? item(row.description[i]) : ""),
                ]
            }
            return ["lines": .list(lines)]
        }
    }

    /// Where man-db looks for a page: English in `man/`, other languages in `man/<locale>/`.
    public static func relativePath(for doc: LocalizedDocument) -> String {
        let base = "man\(doc.man.section)/\(doc.man.name).\(doc.man.section)"
        return doc.locale == "en" ? base : "\(doc.locale)/\(base)"
    }

    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        var model = PageModel.build(doc, writer: Writer(), needs: templates.referencedNames(format: format))
        model["man"] = [
            "name": .string(RoffEscaper.tableCell(doc.man.name)),
            "title": .string(RoffEscaper.argument(doc.man.name.uppercased())),
            "section": .string(doc.man.section),
            "date": .string(RoffEscaper.argument(doc.man.date ?? "")),
            "source": .string(RoffEscaper.argument(doc.man.source)),
        ]
        return templates.render(format: format, name: "page", context: .object(model))
    }
}
