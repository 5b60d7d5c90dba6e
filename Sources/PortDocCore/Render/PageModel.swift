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
    /// A row's fields besides its anchor, protocol and transport: `ports` and `description` when
    /// wanted, and whatever else the format adds (man pages split rows into tbl lines).
    func rowFields(_ row: LocalizedRow, wantsPorts: Bool, wantsDescription: Bool, needs: Set<String>?, into r: inout TemplateObject)
    /// The link from this page to the same document in `locale`, or nil where the format has none.
    func href(toLocale locale: String, from doc: LocalizedDocument) -> String?
    /// The link from this page to its network diagram, or nil where the format shows none.
    func diagramHref(_ doc: LocalizedDocument) -> String?
}

extension FormatWriter {
    func rowFields(_ row: LocalizedRow, wantsPorts: Bool, wantsDescription: Bool, needs: Set<String>?, into r: inout TemplateObject) {
        if wantsPorts { r["ports"] = markup { appendPortsCell(row.ports, to: &$0) } }
        if wantsDescription { r["description"] = markup { appendDescriptionCell(row.description, to: &$0) } }
    }
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
}

/// Builds the template context shared by every format; names are documented in Templates/README.md.
enum PageModel {
    /// `needs`: the names the format's templates use; row fields they do not use are not computed
    /// (rows are most of the work on large documents). Nil computes everything.
    static func build(_ doc: LocalizedDocument, writer: some FormatWriter, needs: Set<String>? = nil) -> TemplateObject {
        func needed(_ name: String) -> Bool { needs?.contains(name) ?? true }
        let wantsProtocol = needed("protocol"), wantsTransport = needed("transport")
        let wantsPorts = needed("ports"), wantsDescription = needed("description")
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
                        // Made as the template reaches each row, and freed after it.
                        "rows": .rows(TemplateRows(count: table.rows.count) { [rows = table.rows] index in
                            let row = rows[index]
                            var r = TemplateObject()
                            r.reserveCapacity(6)
                            r["anchor"] = .plain(row.anchor)
                            if wantsProtocol { r["protocol"] = .text(TextValue(row.proto, dir: codeDirection)) }
                            if wantsTransport { r["transport"] = .plain(row.transport.rawValue) }
                            writer.rowFields(row, wantsPorts: wantsPorts, wantsDescription: wantsDescription, needs: needs, into: &r)
                            return .object(r)
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
