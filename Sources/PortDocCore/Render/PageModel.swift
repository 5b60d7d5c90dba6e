/// What one output format contributes to the shared page model: how it writes text, footnote
/// markers and the cells of a port table, each escaped for that format.
protocol FormatWriter: Sendable {
    /// Text with links and host names, as markup of the format (fallbacks marked where it can),
    /// appended to `out`. The cells of a row are built on bytes: concatenating Strings cost about
    /// 360 instructions per piece, most of a row's time.
    func appendInline(_ text: LocalizedText, to out: inout [UInt8])
    func appendMarker(_ ref: FootnoteRef, to out: inout [UInt8])
    func appendPortsCell(_ ports: [PortSpec], to out: inout [UInt8])
    func appendDescriptionCell(_ items: [LocalizedItem], to out: inout [UInt8])
    /// Whether a row has `lines`: man pages split a row into tbl lines.
    static var splitsRowsIntoLines: Bool { get }
    /// The `lines` of the row `row` of `table` (only asked when `splitsRowsIntoLines`).
    func lines(row: Int, of table: RowTable<Self>) -> TemplateValue
    /// The link from this page to the same document in `locale`, or nil where the format has none.
    func href(toLocale locale: String, from doc: LocalizedDocument) -> String?
    /// The link from this page to its network diagram, or nil where the format shows none.
    func diagramHref(_ doc: LocalizedDocument) -> String?
}

extension FormatWriter {
    static var splitsRowsIntoLines: Bool { false }
    func lines(row: Int, of table: RowTable<Self>) -> TemplateValue { .list([]) }
    func href(toLocale locale: String, from doc: LocalizedDocument) -> String? { nil }
    func diagramHref(_ doc: LocalizedDocument) -> String? { nil }

    /// What `body` appends.
    func bytes(_ body: (inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        body(&out)
        return out
    }

    /// What `body` appends, as markup.
    func markup(_ body: (inout [UInt8]) -> Void) -> TemplateValue { .markup(Markup(bytes: bytes(body))) }

    /// A connection as the lists show it: its sentence and the row's footnote markers.
    func connection(_ c: LocalizedConnection, page: TextDirection) -> TemplateValue {
        let text: TemplateValue = c.footnotes.isEmpty ? value(c.sentence, page: page) : markup { out in
            appendInline(c.sentence, to: &out)
            for ref in c.footnotes { appendMarker(ref, to: &out) }
        }
        return ["text": text, "from": .plain(c.from), "to": .plain(c.to), "ports": .plain(c.portsText.plain), "directed": .bool(c.directed)]
    }

    func appendParagraph(_ p: Paragraph, to out: inout [UInt8]) {
        appendInline(p.text, to: &out)
        for ref in p.footnotes { appendMarker(ref, to: &out) }
    }

    /// A message as a template value: plain text (escaped by the template engine for whatever
    /// slot it lands in, with its fallback language) when it has no links or host names, else
    /// markup, which only markup slots take.
    func value(_ text: LocalizedText, page: TextDirection) -> TemplateValue {
        guard text.pieces.allSatisfy({ if case .text = $0 { true } else { false } }) else { return markup { appendInline(text, to: &$0) } }
        return .text(PageModel.textValue(text.plain, lang: text.fallbackLocale, page: page))
    }

    /// A paragraph: plain text when it has no footnote markers, links or host names.
    func value(_ p: Paragraph, page: TextDirection) -> TemplateValue {
        p.footnotes.isEmpty ? value(p.text, page: page) : markup { appendParagraph(p, to: &$0) }
    }

    /// "1433 (Microsoft SQL)" or "5228-5230".
    static func portText(_ port: PortSpec) -> String {
        port.label.map { "\(port.numberText) (\($0))" } ?? port.numberText
    }

    /// `portText(port)` escaped by `escape` (for a whole cell), appended to `out`, without making
    /// the String: the number is written digit by digit (digits, and `-` between them, need
    /// escaping in no format, anywhere in a cell) and only a label goes through `escapeInside`,
    /// the format's escaping for text that does not start a cell or line. The String (two
    /// integers' `description` and an interpolation) cost about 1,600 instructions a cell.
    static func appendPortText(_ port: PortSpec, to out: inout [UInt8], escape: (String, inout [UInt8]) -> Void,
                               escapeInside: (String, inout [UInt8]) -> Void) {
        // Outside the catalog's 1…65535 (a library user's port): a leading `-` is escaped in Markdown.
        guard port.range.lowerBound >= 0 else { return escape(portText(port), &out) }
        UTF8Bytes.appendDecimal(port.range.lowerBound, to: &out)
        if !port.isSingle {
            out.append(UInt8(ascii: "-"))
            UTF8Bytes.appendDecimal(port.range.upperBound, to: &out)
        }
        guard let label = port.label else { return }
        out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: "(")])
        escapeInside(label, &out)
        out.append(UInt8(ascii: ")"))
    }
}

/// A table's rows with what their records need, shared by the records of all its rows (a record
/// is then two words, held in a template value without an allocation of its own).
final class RowTable<Writer: FormatWriter>: Sendable {
    let rows: [LocalizedRow]
    let writer: Writer
    /// Protocol names are left-to-right runs: isolated on a right-to-left page.
    let codeDirection: TextDirection?

    init(rows: [LocalizedRow], writer: Writer, codeDirection: TextDirection?) {
        self.rows = rows
        self.writer = writer
        self.codeDirection = codeDirection
    }
}

/// A table row for the templates: `anchor`, `protocol`, `transport`, `ports`, `description` (and
/// `lines` in man pages), each made when the template reaches it; the cells are written straight
/// into the page.
struct RowRecord<Writer: FormatWriter>: TemplateRecord {
    let table: RowTable<Writer>
    let index: Int

    var fields: TemplateFields { Writer.splitsRowsIntoLines ? rowFieldsWithLines : rowFields }

    /// Each field read by property (`table.rows[index].anchor`), not through a copy of the row.
    func value(of field: Int) -> TemplateValue {
        switch field {
        case 0: return .plain(table.rows[index].anchor)
        case 1: return .text(TextValue(table.rows[index].proto, dir: table.codeDirection))
        case 2: return .plain(table.rows[index].transport.rawValue)
        case 3, 4: return table.writer.markup { _ = appendMarkup(of: field, to: &$0) }
        default: return table.writer.lines(row: index, of: table)
        }
    }

    func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool {
        switch field {
        case 3: table.writer.appendPortsCell(table.rows[index].ports, to: &out)
        case 4: table.writer.appendDescriptionCell(table.rows[index].description, to: &out)
        default: return false
        }
        return true
    }
}

private let rowFields = TemplateFields(["anchor", "protocol", "transport", "ports", "description"])
private let rowFieldsWithLines = TemplateFields(rowFields.names + ["lines"])

/// Builds the template context shared by every format; names are documented in Templates/README.md.
enum PageModel {
    static func build(_ doc: LocalizedDocument, writer: some FormatWriter) -> TemplateObject {
        let page = doc.direction
        var ui: TemplateObject = [:]
        for (key, text) in doc.interface {
            let path = key.split(separator: ".").dropFirst().map(String.init)
            insert(writer.value(text, page: page), path: path, into: &ui)
        }
        let fallbackCount = doc.fallbacks.count
        // Protocol names are left-to-right runs: isolated on a right-to-left page.
        let codeDirection: TextDirection? = page == .rtl ? .ltr : nil
        let sections: [TemplateValue] = doc.sections.map { section in
            .object([
                "id": .plain(section.id),
                "heading": writer.value(section.heading, page: page),
                "tables": .list(section.tables.enumerated().map { index, table in
                    var fields: TemplateObject = [
                        "id": .plain(table.id),
                        "first": .bool(index == 0),
                        // A record per row as the template reaches it; its cells are made only
                        // when the template names them.
                        "rows": .rows(TemplateRows(count: table.rows.count) { [rows = RowTable(rows: table.rows, writer: writer, codeDirection: codeDirection)] index in
                            .record(RowRecord(table: rows, index: index))
                        }),
                    ]
                    fields["caption"] = table.caption.map { writer.value($0, page: page) } ?? .plain("")
                    return .object(fields)
                }),
            ])
        }
        let title = writer.value(doc.title, page: page)
        return [
            "locale": .plain(doc.locale),
            "dir": .plain(page.rawValue),
            "sourceLocale": .plain(doc.sourceLocale),
            "id": .plain(doc.id),
            "title": title,
            // Older templates' names for the same values (the engine now escapes by slot).
            "titleHeading": title,
            "intro": .list(doc.intro.enumerated().map { index, p in
                ["text": writer.value(p, page: page), "first": .bool(index == 0), "diagram": .bool(index == doc.diagramAfter)]
            }),
            "hasConnections": .bool(!doc.connections.isEmpty),
            "connections": .list(doc.connections.map { writer.connection($0, page: page) }),
            "diagramImage": .plain(writer.diagramHref(doc) ?? ""),
            "notices": paragraphs(doc.notices, writer, page),
            "sections": .list(sections),
            "footnotes": .list(doc.footnotes.map { note in
                [
                    "id": .plain(note.id),
                    "number": .plain(String(note.number)),
                    "text": writer.value(note.text, page: page),
                    "backrefs": .list((1...max(note.references, 1)).map { ["occurrence": .plain(String($0))] }),
                ]
            }),
            "hasFootnotes": .bool(!doc.footnotes.isEmpty),
            "hasNotes": .bool(!doc.footnotes.isEmpty || !doc.closing.isEmpty),
            "closing": paragraphs(doc.closing, writer, page),
            "ui": .object(ui),
            "uiHeading": .object(ui),
            "fallbackCount": .plain(String(fallbackCount)),
            "hasFallbacks": .bool(fallbackCount > 0),
            "languages": .list(doc.languages.enumerated().map { index, lang in
                var fields: TemplateObject = [
                    "first": .bool(index == 0),
                    "tag": .plain(lang.tag),
                    "name": .plain(lang.name),
                    "dir": .plain(TextDirection.of(lang.tag).rawValue),
                    "current": .bool(lang.tag == doc.locale),
                ]
                fields["href"] = writer.href(toLocale: lang.tag, from: doc).map { .plain($0) }
                return .object(fields)
            }),
        ]
    }

    /// Plain text with the language and direction it needs marking with on a `page`.
    static func textValue(_ s: String, lang: String?, page: TextDirection) -> TextValue {
        let direction = lang.map(TextDirection.of)
        return TextValue(s, lang: lang, dir: direction.flatMap { $0 == page ? nil : $0 })
    }

    /// Paragraphs with `text` and `first`, so that templates can separate them (roff's `.PP`).
    static func paragraphs(_ items: [Paragraph], _ writer: some FormatWriter, _ page: TextDirection) -> TemplateValue {
        .list(items.enumerated().map { ["text": writer.value($0.element, page: page), "first": .bool($0.offset == 0)] })
    }

    /// `ui.column.protocol` becomes `ui` → `column` → `protocol`, so templates write `{{ui.column.protocol}}`.
    static func insert(_ value: TemplateValue, path: [String], into object: inout TemplateObject) {
        guard let first = path.first else { return }
        if path.count == 1 {
            if case .object = object[first] { return }
            object[first] = value
            return
        }
        var inner: TemplateObject = [:]
        if case .object(let existing)? = object[first] { inner = existing }
        insert(value, path: Array(path.dropFirst()), into: &inner)
        object[first] = .object(inner)
    }
}
