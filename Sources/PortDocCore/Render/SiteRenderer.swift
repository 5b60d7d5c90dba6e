/// The pages of a documentation set beyond its documents: the home page (every document with its
/// languages and their completeness), and per locale a port index (every port and range, linking
/// to every table that uses it, with protocol and role) in XHTML, Markdown and man. Pure: the
/// documents arrive resolved; paths and links come from `OutputLayout`.
public enum SiteRenderer {
    /// One use of a port: a row of a document's table.
    public struct PortUse: Sendable, Equatable {
        public var range: ClosedRange<Int>
        public var portText: String
        public var documentID: String
        public var documentTitle: LocalizedText
        public var role: LocalizedText
        public var tableID: String
        /// The row's anchor on the document's page.
        public var rowAnchor: String
        public var proto: String
        public var description: String
    }

    /// The ports of a resolved document, in table order.
    public static func portUses(_ doc: LocalizedDocument) -> [PortUse] {
        var uses: [PortUse] = []
        for section in doc.sections {
            for table in section.tables {
                for row in table.rows {
                    let description = row.description.map { $0.paragraph.text.plain }.joined(separator: " ")
                    for port in row.ports {
                        let text = port.label.map { "\(port.numberText) (\($0))" } ?? port.numberText
                        uses.append(PortUse(range: port.range, portText: text, documentID: doc.id, documentTitle: doc.title, role: section.heading,
                                            tableID: table.id, rowAnchor: row.anchor, proto: row.proto, description: description))
                    }
                }
            }
        }
        return uses
    }

    /// The uses of one port or range, for the port index: `key` is "443" or "5228-5230".
    public struct PortGroup: Sendable {
        public var key: String
        public var anchor: String
        public var uses: [PortUse]
    }

    /// Uses grouped by port number or range, sorted by the first port, then the last; made once
    /// per locale for the three formats' indexes.
    public static func grouped(_ uses: [PortUse]) -> [PortGroup] {
        var groups: [String: [PortUse]] = [:]
        for use in uses {
            let key = use.range.lowerBound == use.range.upperBound ? "\(use.range.lowerBound)" : "\(use.range.lowerBound)-\(use.range.upperBound)"
            groups[key, default: []].append(use)
        }
        return groups.map { key, uses in PortGroup(key: key, anchor: "p" + key, uses: uses) }
            .sorted { ($0.uses[0].range.lowerBound, $0.uses[0].range.upperBound) < ($1.uses[0].range.lowerBound, $1.uses[0].range.upperBound) }
    }

    /// One document on the home page: its title and every locale with its completeness.
    public struct HomeEntry: Sendable {
        public var id: String
        public var title: LocalizedText
        public var languages: [(tag: String, name: String, translated: Int, total: Int)]
        public init(id: String, title: LocalizedText, languages: [(tag: String, name: String, translated: Int, total: Int)]) {
            self.id = id
            self.title = title
            self.languages = languages
        }
    }

    static func ui(_ interface: [String: LocalizedText], writer: some FormatWriter, page: TextDirection) -> TemplateObject {
        var ui: TemplateObject = [:]
        for (key, text) in interface {
            PageModel.insert(writer.value(text, page: page), path: key.split(separator: ".").dropFirst().map(String.init), into: &ui)
        }
        return ui
    }

    /// `html/index.html` of a set, in the source locale.
    public static func home(_ entries: [HomeEntry], locale: String, interface: [String: LocalizedText], locales: [(tag: String, name: String)],
                            layout: OutputLayout, templates: TemplateSet) -> Result<String, Diagnostic> {
        let page = TextDirection.of(locale)
        let writer = XHTMLRenderer.Writer(direction: page, layout: layout)
        let from = OutputLayout.home
        let context: TemplateValue = [
            "locale": .plain(locale), "dir": .plain(page.rawValue),
            "stylesheet": .plain(OutputLayout.link(from: from, to: OutputLayout.stylesheet)),
            "ui": .object(ui(interface, writer: writer, page: page)),
            "documents": .list(entries.map { entry in
                [
                    "id": .plain(entry.id),
                    "title": writer.value(entry.title, page: page),
                    "href": .plain(OutputLayout.link(from: from, to: layout.page(document: entry.id, locale: locale))),
                    "languages": .list(entry.languages.map { lang in
                        [
                            "tag": .plain(lang.tag), "name": .plain(lang.name), "dir": .plain(TextDirection.of(lang.tag).rawValue),
                            "href": .plain(OutputLayout.link(from: from, to: layout.page(document: entry.id, locale: lang.tag))),
                            "translated": .plain(String(lang.translated)), "total": .plain(String(lang.total)),
                            "percent": .plain(String(lang.total == 0 ? 100 : lang.translated * 100 / lang.total)),
                        ]
                    }),
                ]
            }),
            "portIndexes": .list(locales.map { lang in
                ["tag": .plain(lang.tag), "name": .plain(lang.name), "dir": .plain(TextDirection.of(lang.tag).rawValue),
                 "href": .plain(OutputLayout.link(from: from, to: layout.portIndex(locale: lang.tag)))]
            }),
        ]
        return templates.render(format: XHTMLRenderer.format, name: "home", context: context)
    }

    /// The port index of `locale` in `format` (xhtml, markdown or man), as its UTF-8 (see
    /// `Template.renderBytes`).
    public static func portIndex(_ groups: [PortGroup], format: String, locale: String, title: LocalizedText, interface: [String: LocalizedText],
                                 layout: OutputLayout, date: String, templates: TemplateSet) -> Result<[UInt8], Diagnostic> {
        let page = TextDirection.of(locale)
        let from: String
        let ui: TemplateObject
        switch format {
        case XHTMLRenderer.format:
            from = layout.portIndex(locale: locale)
            ui = Self.ui(interface, writer: XHTMLRenderer.Writer(direction: page, layout: layout), page: page)
        case MarkdownRenderer.format:
            from = layout.markdownIndex(locale: locale)
            ui = Self.ui(interface, writer: MarkdownRenderer.Writer(layout: layout), page: page)
        default:
            from = layout.manPortIndex(locale: locale)
            ui = Self.ui(interface, writer: ManRenderer.Writer(), page: page)
        }
        let template = format == MarkdownRenderer.format ? "index" : "ports"
        // Each document's title and the link to its page, found once per document in one pass
        // over the uses: a set's index has a use per row, and working out a relative path for
        // each took most of the index's time.
        var titles: [String: LocalizedText] = [:]
        var pageLinks: [String: String] = [:]
        for group in groups {
            for use in group.uses where titles[use.documentID] == nil {
                titles[use.documentID] = use.documentTitle
                guard format != ManRenderer.format else { continue }
                let page = format == XHTMLRenderer.format ? layout.page(document: use.documentID, locale: locale) : layout.markdown(document: use.documentID, locale: locale)
                pageLinks[use.documentID] = OutputLayout.link(from: from, to: page)
            }
        }
        // A record per port and per use, made as the template reaches it, whose fields are made
        // only when the template names them: the ten locales' indexes in three formats built
        // 84,000 objects of up to eight fields each before the template read any.
        let table = PortIndexTable(groups: groups, format: format, direction: page, pageLinks: pageLinks, manLink: OutputLayout.link(from: from, to: ""))
        let ports = TemplateValue.rows(TemplateRows(count: groups.count) { .record(PortGroupRecord(table: table, group: $0)) })
        // The documents in id order (the order of the uses before grouping).
        var documents: [TemplateValue] = []
        for (id, documentTitle) in titles.sorted(by: { $0.key < $1.key }) {
            documents.append(["id": .plain(id), "title": table.value(documentTitle),
                              "href": .plain(OutputLayout.link(from: from, to: format == MarkdownRenderer.format
                                  ? layout.markdown(document: id, locale: locale) : layout.page(document: id, locale: locale)))])
        }
        let context: TemplateValue = [
            "locale": .plain(locale), "dir": .plain(page.rawValue), "title": table.value(title),
            "stylesheet": .plain(OutputLayout.link(from: from, to: OutputLayout.stylesheet)),
            "script": .plain(OutputLayout.link(from: from, to: OutputLayout.script)),
            "home": .plain(OutputLayout.link(from: from, to: OutputLayout.home)),
            "ui": .object(ui), "ports": ports, "documents": .list(documents),
            "man": ["name": .plain(OutputLayout.manPortIndexName), "title": .plain(OutputLayout.manPortIndexName.uppercased()), "section": "7", "date": .plain(date)],
        ]
        return templates.renderBytes(format: format, name: template, context: context)
    }

}

/// The groups of a port index with what their records need, shared by all of them.
final class PortIndexTable: Sendable {
    let groups: [SiteRenderer.PortGroup]
    let format: String
    /// Port numbers and protocols are left-to-right runs: isolated on a right-to-left page.
    let codeDirection: TextDirection?
    let page: TextDirection
    /// The link from the index to each document's page (XHTML, Markdown), by document id.
    let pageLinks: [String: String]
    /// The link of every use in a man page's index.
    let manLink: String

    init(groups: [SiteRenderer.PortGroup], format: String, direction: TextDirection, pageLinks: [String: String], manLink: String) {
        self.groups = groups
        self.format = format
        self.page = direction
        codeDirection = direction == .rtl ? .ltr : nil
        self.pageLinks = pageLinks
        self.manLink = manLink
    }

    /// Text in the page's language, marked where it falls back to another.
    func value(_ text: LocalizedText) -> TemplateValue {
        .text(PageModel.textValue(text.plain, lang: text.fallbackLocale, page: page))
    }
}

private let portGroupFields = TemplateFields(["port", "anchor", "uses"])
private let portUseFields = TemplateFields(["first", "document", "documentID", "href", "role", "protocol", "portText", "description"])

/// A port or range of the index: `port`, `anchor` and its `uses`.
struct PortGroupRecord: TemplateRecord {
    let table: PortIndexTable
    let group: Int

    var fields: TemplateFields { portGroupFields }

    func value(of field: Int) -> TemplateValue {
        switch field {
        case 0: return .text(TextValue(table.groups[group].key, dir: table.codeDirection))
        case 1: return .plain(table.groups[group].anchor)
        default:
            return .rows(TemplateRows(count: table.groups[group].uses.count) { [table, group] in
                .record(PortUseRecord(table: table, group: Int32(group), use: Int32($0)))
            })
        }
    }
}

/// One use of a port: `first` (the group's first), `document`, `documentID`, `href`, `role`,
/// `protocol`, `portText` and `description`.
struct PortUseRecord: TemplateRecord {
    let table: PortIndexTable
    let group: Int32
    let use: Int32

    var fields: TemplateFields { portUseFields }

    /// Each field read by property (`…uses[u].documentID`), not through a copy of the use.
    func value(of field: Int) -> TemplateValue {
        let g = Int(group), u = Int(use)
        switch field {
        case 0: return .bool(u == 0)
        case 1: return table.value(table.groups[g].uses[u].documentTitle)
        case 2: return .plain(table.groups[g].uses[u].documentID)
        case 3:
            switch table.format {
            case XHTMLRenderer.format: return .plain((table.pageLinks[table.groups[g].uses[u].documentID] ?? "") + "#" + table.groups[g].uses[u].rowAnchor)
            case MarkdownRenderer.format: return .plain((table.pageLinks[table.groups[g].uses[u].documentID] ?? "") + "#" + table.groups[g].uses[u].tableID)
            default: return .plain(table.manLink)
            }
        case 4: return table.value(table.groups[g].uses[u].role)
        case 5: return .text(TextValue(table.groups[g].uses[u].proto, dir: table.codeDirection))
        case 6: return .plain(table.groups[g].uses[u].portText)
        default: return .plain(table.groups[g].uses[u].description)
        }
    }
}
