/// Man pages (section from the catalog) with tbl tables: `man/man7/<name>.7` for English and
/// `man/<locale>/man7/<name>.7` for every other locale, as man-db looks them up.
public enum ManRenderer {
    public static let format = "man"

    struct Writer: FormatWriter {
        /// Text is written as one roff text line, safe at the start of a line and inside tbl blocks;
        /// its pieces go to the escaper as they are, without joining them into `text.plain`.
        func appendInline(_ text: LocalizedText, to out: inout [UInt8]) {
            RoffEscaper.appendTableCell(parts: text.pieces.lazy.map { piece in
                switch piece {
                case .text(let s), .link(let s), .host(let s): s
                }
            }, to: &out)
        }

        func appendMarker(_ ref: FootnoteRef, to out: inout [UInt8]) {
            out.append(contentsOf: " [".utf8)
            UTF8Bytes.appendDecimal(ref.number, to: &out)
            out.append(UInt8(ascii: "]"))
        }

        func appendPortsCell(_ ports: [PortSpec], to out: inout [UInt8]) {
            for (index, port) in ports.enumerated() {
                if index > 0 { out.append(0x20) }
                Self.appendPortText(port, to: &out, escape: RoffEscaper.appendTableCell, escapeInside: RoffEscaper.appendInsideTableCell)
            }
        }

        func appendDescriptionCell(_ items: [LocalizedItem], to out: inout [UInt8]) {
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x20) }
                appendItem(item, to: &out)
            }
        }

        func appendItem(_ item: LocalizedItem, to out: inout [UInt8]) {
            if item.kind == .bullet { out.append(contentsOf: "\\(bu ".utf8) }
            appendParagraph(item.paragraph, to: &out)
        }

        /// mandoc's tbl ignores `.br` inside `T{ … T}`, so a row with several ports or description
        /// items becomes several tbl lines; only the first carries the protocol.
        static var splitsRowsIntoLines: Bool { true }

        func lines(row: Int, of table: RowTable<Self>) -> TemplateValue {
            let description = table.rows[row].description
            return .list((0..<max(table.rows[row].ports.count, description.count)).map { i in
                .record(Line(table: table, row: Int32(row), line: Int32(i),
                             description: i < description.count ? bytes { appendItem(description[i], to: &$0) } : []))
            })
        }
    }

    /// One tbl line of a row: `protocol` (on the first line only), `port` and `description` (the
    /// line's port and description item, or empty). The description is made with the line: the
    /// page template asks for it twice (`{{#description}}` and `{{description}}`), and writing
    /// the item each time measured 23 M instructions more at 10k rows × 2 locales.
    struct Line: TemplateRecord {
        let table: RowTable<Writer>
        let row: Int32
        let line: Int32
        let description: [UInt8]

        static let fields = TemplateFields(["protocol", "port", "description"])
        var fields: TemplateFields { Self.fields }

        func value(of field: Int) -> TemplateValue {
            let i = Int(line)
            switch field {
            case 0: return .plain(i == 0 ? table.rows[Int(row)].proto : "")
            case 1: return .plain(i < table.rows[Int(row)].ports.count ? Writer.portText(table.rows[Int(row)].ports[i]) : "")
            default: return .markup(Markup(bytes: description))
            }
        }

        /// The description's bytes as they are: the protocol's default (through `value(of:)`)
        /// measured 31 M instructions more for the tbl lines of 10k rows × 2 locales.
        func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool {
            guard field == 2 else { return false }
            out.append(contentsOf: description)
            return true
        }
    }

    /// The page's UTF-8 (see `Template.renderBytes`, also for `reserving`).
    public static func render(_ doc: LocalizedDocument, templates: TemplateSet, reserving: Int = 0) -> Result<[UInt8], Diagnostic> {
        var model = PageModel.build(doc, writer: Writer())
        model["man"] = [
            "name": .plain(doc.man.name),
            "title": .plain(doc.man.name.uppercased()),
            "section": .plain(doc.man.section),
            "date": .plain(doc.man.date ?? ""),
            "source": .plain(doc.man.source),
        ]
        return templates.renderBytes(format: format, name: "page", context: .object(model), reserving: reserving)
    }
}
