/// Man pages (section from the catalog) with tbl tables: `man/man7/<name>.7` for English and
/// `man/<locale>/man7/<name>.7` for every other locale, as man-db looks them up.
public enum ManRenderer {
    public static let format = "man"

    struct Writer: FormatWriter {
        /// Text is written as one roff text line, safe at the start of a line and inside tbl blocks.
        func appendInline(_ text: LocalizedText, to out: inout [UInt8]) { RoffEscaper.appendTableCell(text.plain, to: &out) }

        func appendMarker(_ ref: FootnoteRef, to out: inout [UInt8]) { out.append(contentsOf: " [\(ref.number)]".utf8) }

        func appendPortsCell(_ ports: [PortSpec], to out: inout [UInt8]) {
            for (index, port) in ports.enumerated() {
                if index > 0 { out.append(0x20) }
                RoffEscaper.appendTableCell(Self.portText(port), to: &out)
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
        /// items becomes several tbl lines; only the first carries the protocol. Each item is
        /// written once, for its line and for the row's `description`.
        func rowFields(_ row: LocalizedRow, wantsPorts: Bool, wantsDescription: Bool, needs: Set<String>?, into r: inout TemplateObject) {
            if wantsPorts { r["ports"] = markup { appendPortsCell(row.ports, to: &$0) } }
            let wantsLines = needs?.contains("lines") ?? true
            guard wantsDescription || wantsLines else { return }
            let items = row.description.map { item in bytes { appendItem(item, to: &$0) } }
            if wantsDescription { r["description"] = .markup(Markup(bytes: Array(items.joined(separator: [0x20])))) }
            guard wantsLines else { return }
            let count = max(row.ports.count, items.count)
            r["lines"] = .list((0..<count).map { i in
                [
                    "protocol": .plain(i == 0 ? row.proto : ""),
                    "port": .plain(i < row.ports.count ? Self.portText(row.ports[i]) : ""),
                    "description": .markup(Markup(bytes: i < items.count ? items[i] : [])),
                ]
            })
        }
    }

    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        var model = PageModel.build(doc, writer: Writer(), needs: templates.referencedNames(format: format, template: "page"))
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
