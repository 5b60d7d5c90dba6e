/// What one output format contributes to the shared page model: how it writes text, footnote
/// markers and the cells of a port table, each escaped for that format.
protocol FormatWriter {
    func inline(_ text: LocalizedText) -> String
    func plain(_ s: String) -> String
    func marker(_ ref: FootnoteRef) -> String
    func portsCell(_ ports: [PortSpec]) -> String
    func descriptionCell(_ items: [LocalizedItem]) -> String
    /// Extra fields a format wants on each row (man pages split rows into tbl lines).
    func rowExtras(_ row: LocalizedRow, needs: Set<String>?) -> TemplateObject
    /// The link from this page to the same document in `locale`, or nil where the format has none.
    func href(toLocale locale: String, documentID: String) -> String?
    /// Headings: inline text, or a quoted macro argument for roff.
    func heading(_ text: LocalizedText) -> String
}

extension FormatWriter {
    func rowExtras(_ row: LocalizedRow, needs: Set<String>?) -> TemplateObject { [:] }
    func href(toLocale locale: String, documentID: String) -> String? { nil }
    func heading(_ text: LocalizedText) -> String { inline(text) }

    func paragraph(_ p: Paragraph) -> String {
        inline(p.text) + p.footnotes.map(marker).joined()
    }

    /// "1433 (Microsoft SQL)" or "5228-5230".
    static func portText(_ port: PortSpec) -> String {
        port.label.map { "\(port.numberText) (\($0))" } ?? port.numberText
    }
}

/// Builds the template context shared by every format; names are documented in Templates/README.md.
enum PageModel {
    /// `needs`: the names the format's templates use; row fields they do not use are not computed
    /// (rows are most of the work on large documents). Nil computes everything.
    static func build(_ doc: LocalizedDocument, writer: some FormatWriter, needs: Set<String>? = nil) -> TemplateObject {
        func needed(_ name: String) -> Bool { needs?.contains(name) ?? true }
        let wantsProtocol = needed("protocol"), wantsTransport = needed("transport")
        let wantsPorts = needed("ports"), wantsDescription = needed("description")
        var ui: TemplateObject = [:]
        var uiHeading: TemplateObject = [:]
        for (key, text) in doc.interface {
            let path = key.split(separator: ".").dropFirst().map(String.init)
            insert(writer.inline(text), path: path, into: &ui)
            insert(writer.heading(text), path: path, into: &uiHeading)
        }
        let fallbackCount = doc.fallbacks.count
        let sections: [TemplateValue] = doc.sections.map { section in
            .object([
                "id": .string(section.id),
                "heading": .string(writer.heading(section.heading)),
                "tables": .list(section.tables.map { table in
                    var fields: TemplateObject = [
                        "id": .string(table.id),
                        "rows": .list(table.rows.map { row in
                            var r: TemplateObject = [:]
                            if wantsProtocol { r["protocol"] = .string(writer.plain(row.proto)) }
                            if wantsTransport { r["transport"] = .string(row.transport.rawValue) }
                            if wantsPorts { r["ports"] = .string(writer.portsCell(row.ports)) }
                            if wantsDescription { r["description"] = .string(writer.descriptionCell(row.description)) }
                            r.merge(writer.rowExtras(row, needs: needs))
                            return .object(r)
                        }),
                    ]
                    fields["caption"] = table.caption.map { .string(writer.paragraph($0)) } ?? .string("")
                    return .object(fields)
                }),
            ])
        }
        return [
            "locale": .string(doc.locale),
            "sourceLocale": .string(doc.sourceLocale),
            "id": .string(doc.id),
            "title": .string(writer.inline(doc.title)),
            "titleHeading": .string(writer.heading(doc.title)),
            "intro": paragraphs(doc.intro, writer),
            "notices": paragraphs(doc.notices, writer),
            "sections": .list(sections),
            "footnotes": .list(doc.footnotes.map { note in
                [
                    "id": .string(note.id),
                    "number": .string(String(note.number)),
                    "text": .string(writer.inline(note.text)),
                    "backrefs": .list((1...max(note.references, 1)).map { ["occurrence": .string(String($0))] }),
                ]
            }),
            "hasFootnotes": .bool(!doc.footnotes.isEmpty),
            "closing": paragraphs(doc.closing, writer),
            "ui": .object(ui),
            "uiHeading": .object(uiHeading),
            "fallbackCount": .string(String(fallbackCount)),
            "hasFallbacks": .bool(fallbackCount > 0),
            "languages": .list(doc.languages.enumerated().map { index, lang in
                var fields: TemplateObject = [
                    "first": .bool(index == 0),
                    "tag": .string(lang.tag),
                    "name": .string(writer.plain(lang.name)),
                    "current": .bool(lang.tag == doc.locale),
                ]
                fields["href"] = writer.href(toLocale: lang.tag, documentID: doc.id).map { .string($0) }
                return .object(fields)
            }),
        ]
    }

    /// Paragraphs with `text` and `first`, so that templates can separate them (roff's `.PP`).
    static func paragraphs(_ items: [Paragraph], _ writer: some FormatWriter) -> TemplateValue {
        .list(items.enumerated().map { ["text": .string(writer.paragraph($0.element)), "first": .bool($0.offset == 0)] })
    }

    /// `ui.column.protocol` becomes `ui` → `column` → `protocol`, so templates write `{{ui.column.protocol}}`.
    static func insert(_ value: String, path: [String], into object: inout TemplateObject) {
        guard let first = path.first else { return }
        if path.count == 1 {
            if case .object = object[first] { return }
            object[first] = .string(value)
            return
        }
        var inner: TemplateObject = [:]
        if case .object(let existing)? = object[first] { inner = existing }
        insert(value, path: Array(path.dropFirst()), into: &inner)
        object[first] = .object(inner)
    }
}
