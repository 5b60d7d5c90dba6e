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

    /// The port index of `locale` in `format` (xhtml, markdown or man).
    public static func portIndex(_ groups: [PortGroup], format: String, locale: String, title: LocalizedText, interface: [String: LocalizedText],
                                 layout: OutputLayout, date: String, templates: TemplateSet) -> Result<String, Diagnostic> {
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
        let writerValue: (LocalizedText) -> TemplateValue = { text in
            .text(PageModel.textValue(text.plain, lang: text.fallbackLocale, page: page))
        }
        // The link to each document's page, made once per document: a set's index has a use per
        // row, and working out a relative path for each took most of the index's time.
        var pageLinks: [String: String] = [:]
        let manLink = OutputLayout.link(from: from, to: "")
        func href(_ use: PortUse) -> String {
            let fragment: String
            switch format {
            case XHTMLRenderer.format: fragment = use.rowAnchor
            case MarkdownRenderer.format: fragment = use.tableID
            default: return manLink
            }
            if let link = pageLinks[use.documentID] { return link + "#" + fragment }
            let page = format == XHTMLRenderer.format ? layout.page(document: use.documentID, locale: locale) : layout.markdown(document: use.documentID, locale: locale)
            let link = OutputLayout.link(from: from, to: page)
            pageLinks[use.documentID] = link
            return link + "#" + fragment
        }
        // A use's fields, only those the template names (the man index shows four of eight): the
        // ten locales' indexes in three formats built 84,000 objects of eight fields each.
        let names = templates.referencedNames(format: format, template: template)
        let wanted = Keys.use.map { names.contains($0.string) }
        let ports: [TemplateValue] = groups.map { group in
            var object = TemplateObject()
            if names.contains("port") { object.add(Keys.port, .text(TextValue(group.key, dir: page == .rtl ? .ltr : nil))) }
            if names.contains("anchor") { object.add(Keys.anchor, .plain(group.anchor)) }
            if names.contains("uses") {
                object.add(Keys.uses, .list(group.uses.enumerated().map { index, use in
                    var fields = TemplateObject()
                    fields.reserveCapacity(wanted.count)
                    for (k, key) in Keys.use.enumerated() where wanted[k] {
                        let value: TemplateValue
                        switch k {
                        case 0: value = .bool(index == 0)
                        case 1: value = writerValue(use.documentTitle)
                        case 2: value = .plain(use.documentID)
                        case 3: value = .plain(href(use))
                        case 4: value = writerValue(use.role)
                        case 5: value = .text(TextValue(use.proto, dir: page == .rtl ? .ltr : nil))
                        case 6: value = .plain(use.portText)
                        default: value = .plain(use.description)
                        }
                        fields.add(key, value)
                    }
                    return .object(fields)
                }))
            }
            return .object(object)
        }
        // The documents in id order (the order of the uses before grouping).
        var titles: [String: LocalizedText] = [:]
        for group in groups { for use in group.uses where titles[use.documentID] == nil { titles[use.documentID] = use.documentTitle } }
        var documents: [TemplateValue] = []
        for (id, documentTitle) in titles.sorted(by: { $0.key < $1.key }) {
            documents.append(["id": .plain(id), "title": writerValue(documentTitle),
                              "href": .plain(OutputLayout.link(from: from, to: format == MarkdownRenderer.format
                                  ? layout.markdown(document: id, locale: locale) : layout.page(document: id, locale: locale)))])
        }
        let context: TemplateValue = [
            "locale": .plain(locale), "dir": .plain(page.rawValue), "title": writerValue(title),
            "stylesheet": .plain(OutputLayout.link(from: from, to: OutputLayout.stylesheet)),
            "script": .plain(OutputLayout.link(from: from, to: OutputLayout.script)),
            "home": .plain(OutputLayout.link(from: from, to: OutputLayout.home)),
            "ui": .object(ui), "ports": .list(ports), "documents": .list(documents),
            "man": ["name": .plain(OutputLayout.manPortIndexName), "title": .plain(OutputLayout.manPortIndexName.uppercased()), "section": "7", "date": .plain(date)],
        ]
        return templates.render(format: format, name: template, context: context)
    }

    /// The keys of the port index's objects, hashed once.
    private enum Keys {
        static let port = TemplateObject.LookupKey("port"), anchor = TemplateObject.LookupKey("anchor"), uses = TemplateObject.LookupKey("uses")
        /// A use's fields, in the order `portIndex` makes their values.
        static let use = ["first", "document", "documentID", "href", "role", "protocol", "portText", "description"].map(TemplateObject.LookupKey.init)
    }
}
