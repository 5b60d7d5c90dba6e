/// Reads `Catalog/*.yaml` text into a `Catalog`, reporting every problem with its position.
public enum CatalogParser {
    static let idPattern = "lowercase letters, digits and '-', starting with a letter"

    public static func parse(_ text: String, path: String) -> (Catalog?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        guard let tree = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else {
            return (nil, diagnostics.all)
        }
        var walker = YAMLWalker(path: path, text: text, tree: tree)
        let catalog = parseRoot(walker.root, &walker)
        diagnostics.append(contentsOf: walker.diagnostics.all)
        // Cross checks only on a complete catalog: a dropped row would cause follow-on errors.
        if let catalog, !walker.diagnostics.hasErrors { diagnostics.append(contentsOf: check(catalog)) }
        return (diagnostics.hasErrors ? nil : catalog, diagnostics.all)
    }

    static func parseRoot(_ root: Node, _ w: inout YAMLWalker) -> Catalog? {
        guard let fields = w.mapping(root, what: "the catalog", allowed: ["document", "footnotes", "sections", "endpoints", "connections"]) else { return nil }
        let document = w.require(fields, "document", in: root, what: "the catalog").flatMap { parseDocument($0, &w) }
        let footnotes = fields["footnotes"].map { parseFootnotes($0.value, &w) } ?? []
        let sections = w.require(fields, "sections", in: root, what: "the catalog").flatMap { node in
            w.sequence(node, what: "'sections'").map { $0.compactMap { parseSection($0, &w) } }
        }
        let endpoints = fields["endpoints"].map { parseEndpoints($0.value, &w) } ?? []
        let connections = fields["connections"].map { parseConnections($0.value, &w) } ?? []
        if (fields["endpoints"] == nil) != (fields["connections"] == nil), let node = (fields["endpoints"] ?? fields["connections"])?.key {
            w.error(fields["endpoints"] == nil ? "'connections' need 'endpoints' to connect" : "'endpoints' are declared but there are no 'connections'", at: node, id: "catalog.connection")
        }
        guard let document, let sections else { return nil }
        return Catalog(path: w.path, document: document, footnotes: footnotes, sections: sections, endpoints: endpoints, connections: connections)
    }

    private static func parseEndpoints(_ node: Node, _ w: inout YAMLWalker) -> [Endpoint] {
        guard let items = w.sequence(node, what: "'endpoints'") else { return [] }
        return items.compactMap { item in
            let what = "an endpoint"
            guard let f = w.mapping(item, what: what, allowed: ["id", "label", "section"]) else { return nil }
            let id = w.require(f, "id", in: item, what: what).flatMap { identifier($0, what: "an endpoint id", &w) }
            let label = w.require(f, "label", in: item, what: what).flatMap { textRef($0, what: "the endpoint label", &w) }
            let section = f["section"].flatMap { identifier($0.value, what: "a section id", &w) }
            guard let id, let label else { return nil }
            return Endpoint(id: id, label: label, section: section, location: w.location(of: f["id"]?.value ?? item))
        }
    }

    /// `{row: id, from: a, to: b}` (directed; `to` may be a list) or `{row: id, between: [a, b, …]}`
    /// (undirected: the first with each of the others).
    private static func parseConnections(_ node: Node, _ w: inout YAMLWalker) -> [Connection] {
        guard let items = w.sequence(node, what: "'connections'") else { return [] }
        return items.compactMap { item in
            let what = "a connection"
            guard let f = w.mapping(item, what: what, allowed: ["row", "from", "to", "between"]) else { return nil }
            let row = w.require(f, "row", in: item, what: what).flatMap { identifier($0, what: "a row id", &w) }
            var locations: [String: SourceLocation] = [:]
            func endpoints(_ n: Node, _ what: String) -> [String]? {
                let nodes: [Node]
                if w.isSequence(n) { guard let s = w.sequence(n, what: what) else { return nil }; nodes = Array(s) } else { nodes = [n] }
                var ids: [String] = []
                for e in nodes {
                    guard let id = identifier(e, what: "an endpoint id", &w) else { return nil }
                    if locations[id] == nil { locations[id] = w.location(of: e) }
                    ids.append(id)
                }
                return ids
            }
            let directed = f["from"] != nil || f["to"] != nil
            if directed && f["between"] != nil || !directed && f["between"] == nil {
                w.error("a connection needs either 'from' and 'to' (a direction the row's text gives) or 'between' (none given)", at: item, id: "catalog.connection")
                return nil
            }
            var parties: [String]?
            var from: String?
            if directed {
                from = w.require(f, "from", in: item, what: what).flatMap { n in endpoints(n, "'from'") }.flatMap { ids in
                    if ids.count != 1 { w.error("'from' names one endpoint", at: f["from"]?.value ?? item, id: "catalog.connection"); return nil }
                    return ids[0]
                }
                parties = w.require(f, "to", in: item, what: what).flatMap { endpoints($0, "'to'") }
            } else if let between = f["between"]?.value, let ids = endpoints(between, "'between'") {
                if ids.count < 2 { w.error("'between' names at least two endpoints", at: between, id: "catalog.connection"); return nil }
                from = ids[0]
                parties = Array(ids.dropFirst())
            }
            guard let row, let from, let parties, !parties.isEmpty else { return nil }
            if parties.contains(from) || Set(parties).count != parties.count {
                w.error("a connection names an endpoint twice", at: item, id: "catalog.connection")
                return nil
            }
            return Connection(row: row, from: from, to: parties, directed: directed, location: w.location(of: f["row"]?.value ?? item), endpointLocations: locations)
        }
    }

    private static func parseDocument(_ node: Node, _ w: inout YAMLWalker) -> DocumentInfo? {
        let what = "'document'"
        guard let f = w.mapping(node, what: what, allowed: ["id", "source-locale", "title", "intro", "notices", "closing", "man", "diagram-after"]) else { return nil }
        let id = w.require(f, "id", in: node, what: what).flatMap { identifier($0, what: "the document id", &w) }
        let locale = w.require(f, "source-locale", in: node, what: what).flatMap { n -> String? in
            guard let s = w.string(n, what: "'source-locale'") else { return nil }
            if let problem = LocaleTag.problem(with: s) {
                w.error("'source-locale' \(problem)", at: n, id: "locale.invalid-tag")
                return nil
            }
            return s
        }
        let title = w.require(f, "title", in: node, what: what).flatMap { textRef($0, what: "'title'", &w) }
        let intro = f["intro"].map { textRefs($0.value, what: "'intro'", &w) } ?? []
        let notices = f["notices"].map { textRefs($0.value, what: "'notices'", &w) } ?? []
        let closing = f["closing"].map { textRefs($0.value, what: "'closing'", &w) } ?? []
        let man = w.require(f, "man", in: node, what: what).flatMap { parseMan($0, &w) }
        var diagramAfter: String? = nil
        if let n = f["diagram-after"]?.value, let key = messageKey(n, what: "'diagram-after'", &w) {
            if intro.contains(where: { $0.key == key }) { diagramAfter = key } else {
                w.error("'diagram-after' names '\(key)', which is not a paragraph of 'intro'", at: n, id: "catalog.diagram")
            }
        }
        guard let id, let locale, let title, let man else { return nil }
        return DocumentInfo(id: id, sourceLocale: locale, title: title, intro: intro, notices: notices, closing: closing, man: man, diagramAfter: diagramAfter)
    }

    private static func parseMan(_ node: Node, _ w: inout YAMLWalker) -> ManInfo? {
        let what = "'man'"
        guard let f = w.mapping(node, what: what, allowed: ["name", "section", "date", "source"]) else { return nil }
        let name = w.require(f, "name", in: node, what: what).flatMap { identifier($0, what: "the man page name", &w) }
        let section = w.require(f, "section", in: node, what: what).flatMap { n -> String? in
            guard let s = w.string(n, what: "'section'") else { return nil }
            guard let first = s.first, ("1"..."9").contains(first), s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                w.error("'section' must be a man section such as 7 or 3p, found '\(s)'", at: n, id: "catalog.man-section")
                return nil
            }
            return s
        }
        // Optional: without it the build shows SOURCE_DATE_EPOCH's day, or today's (UTC).
        let dateNode = f["date"]?.value
        let date = dateNode.flatMap { n -> String? in
            guard let s = w.string(n, what: "'date'") else { return nil }
            guard isISODate(s) else {
                w.error("'date' must be a date YYYY-MM-DD, found '\(s)'", at: n, id: "catalog.man-date")
                return nil
            }
            return s
        }
        let source = w.require(f, "source", in: node, what: what).flatMap { w.string($0, what: "'source'") }
        guard let name, let section, dateNode == nil || date != nil, let source else { return nil }
        return ManInfo(name: name, section: section, date: date, source: source)
    }

    static func isISODate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(m) && (1...days[m - 1]).contains(d)
    }

    private static func parseFootnotes(_ node: Node, _ w: inout YAMLWalker) -> [Footnote] {
        guard let items = w.sequence(node, what: "'footnotes'") else { return [] }
        return items.compactMap { item in
            let what = "a footnote"
            guard let f = w.mapping(item, what: what, allowed: ["id", "text"]) else { return nil }
            let id = w.require(f, "id", in: item, what: what).flatMap { identifier($0, what: "a footnote id", &w) }
            let text = w.require(f, "text", in: item, what: what).flatMap { textRef($0, what: "the footnote text", &w) }
            guard let id, let text else { return nil }
            return Footnote(id: id, text: text, location: w.location(of: f["id"]?.value ?? item))
        }
    }

    static func parseSection(_ node: Node, _ w: inout YAMLWalker) -> Section? {
        let what = "a section"
        guard let f = w.mapping(node, what: what, allowed: ["id", "heading", "tables"]) else { return nil }
        let id = w.require(f, "id", in: node, what: what).flatMap { identifier($0, what: "a section id", &w) }
        let heading = w.require(f, "heading", in: node, what: what).flatMap { textRef($0, what: "'heading'", &w) }
        let tables = w.require(f, "tables", in: node, what: what).flatMap { n in
            w.sequence(n, what: "'tables'").map { $0.compactMap { parseTable($0, &w) } }
        }
        guard let id, let heading, let tables else { return nil }
        return Section(id: id, heading: heading, tables: tables, location: w.location(of: f["id"]?.value ?? node))
    }

    private static func parseTable(_ node: Node, _ w: inout YAMLWalker) -> PortTable? {
        let what = "a table"
        guard let f = w.mapping(node, what: what, allowed: ["id", "caption", "rows"]) else { return nil }
        let id = w.require(f, "id", in: node, what: what).flatMap { identifier($0, what: "a table id", &w) }
        let caption = f["caption"].flatMap { textRef($0.value, what: "'caption'", &w) }
        let rows = w.require(f, "rows", in: node, what: what).flatMap { n -> [PortRow]? in
            guard let items = w.sequence(n, what: "'rows'") else { return nil }
            if items.isEmpty { w.error("a table needs at least one row", at: n, id: "catalog.empty-table") }
            return items.compactMap { parseRow($0, &w) }
        }
        guard let id, let rows else { return nil }
        return PortTable(id: id, caption: caption, rows: rows, location: w.location(of: f["id"]?.value ?? node))
    }

    private static func parseRow(_ node: Node, _ w: inout YAMLWalker) -> PortRow? {
        let what = "a row"
        guard let f = w.mapping(node, what: what, allowed: ["id", "protocol", "transport", "ports", "description"]) else { return nil }
        let id = f["id"].flatMap { identifier($0.value, what: "a row id", &w) }
        let proto = w.require(f, "protocol", in: node, what: what).flatMap { n -> String? in
            guard let s = w.string(n, what: "'protocol'") else { return nil }
            // On bytes: of ASCII, exactly A-Z are upper case and 0-9 numbers (Character's
            // properties cost 3,900 instructions a row).
            guard s.utf8.allSatisfy({ ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                                        || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }) else {
                w.error("'protocol' must be written as the source shows it, in capitals (TCP, UDP, MQTT, HTTPS), found '\(s)'", at: n, id: "catalog.protocol")
                return nil
            }
            return s
        }
        let transport = w.require(f, "transport", in: node, what: what).flatMap { n -> Transport? in
            guard let s = w.string(n, what: "'transport'") else { return nil }
            guard let t = Transport(rawValue: s) else {
                w.error("'transport' must be tcp or udp, found '\(s)'", at: n, id: "catalog.transport")
                return nil
            }
            return t
        }
        let ports = w.require(f, "ports", in: node, what: what).flatMap { n -> [PortSpec]? in
            guard let items = w.sequence(n, what: "'ports'") else { return nil }
            if items.isEmpty { w.error("a row needs at least one port", at: n, id: "catalog.port") }
            return items.compactMap { parsePort($0, &w) }
        }
        let description = w.require(f, "description", in: node, what: what).flatMap { parseDescription($0, &w) }
        guard let proto, let transport, let ports, let description else { return nil }
        return PortRow(id: id, proto: proto, transport: transport, ports: ports, description: description, location: w.location(of: f["id"]?.value ?? node))
    }

    private static func parsePort(_ node: Node, _ w: inout YAMLWalker) -> PortSpec? {
        if w.isScalar(node) {
            guard let range = portRange(node, &w) else { return nil }
            return PortSpec(range: range, label: nil, failoverFor: nil, configurable: false, location: w.location(of: node))
        }
        let what = "a port"
        guard let f = w.mapping(node, what: what, allowed: ["port", "label", "failover-for", "configurable"]) else { return nil }
        let range = w.require(f, "port", in: node, what: what).flatMap { portRange($0, &w) }
        let label = f["label"].flatMap { w.string($0.value, what: "'label'") }
        let failover = f["failover-for"].flatMap { n -> Int? in
            guard let r = portRange(n.value, &w) else { return nil }
            guard r.lowerBound == r.upperBound else {
                w.error("'failover-for' names one port, not a range", at: n.value, id: "catalog.port")
                return nil
            }
            return r.lowerBound
        }
        let configurable = f["configurable"].flatMap { w.bool($0.value, what: "'configurable'") } ?? false
        guard let range else { return nil }
        return PortSpec(range: range, label: label, failoverFor: failover, configurable: configurable, location: w.location(of: f["port"]?.value ?? node))
    }

    /// `443` or `5228-5230`; every number 1…65535.
    private static func portRange(_ node: Node, _ w: inout YAMLWalker) -> ClosedRange<Int>? {
        guard let text = w.text(node) else {
            w.error("a port must be a number from 1 to 65535 or a range such as 5228-5230, found \(w.kindName(node))", at: node, id: "catalog.port")
            return nil
        }
        if let range = validPortRange(text) { return range }
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), maxSplits: 1, omittingEmptySubsequences: false).map { Substring($0) }
        var numbers: [Int] = []
        numbers.reserveCapacity(2)
        for part in parts {
            guard !part.isEmpty, part.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                w.error("'\(text)' is not a port number (1 to 65535) or a range such as 5228-5230", at: node, id: "catalog.port")
                return nil
            }
            guard let n = Int(part), (1...65535).contains(n) else {
                w.error("port \(part) is out of range; ports are 1 to 65535", at: node, id: "catalog.port-range")
                return nil
            }
            numbers.append(n)
        }
        if numbers.count == 2 {
            guard numbers[0] < numbers[1] else {
                w.error("port range '\(text)' must go from low to high", at: node, id: "catalog.port-range")
                return nil
            }
            return numbers[0]...numbers[1]
        }
        return numbers[0]...numbers[0]
    }

    /// `portRange`'s result for a text it accepts, read in one pass over the bytes; nil for any
    /// other text, which `portRange` then reads part by part for its message (splitting and
    /// converting every port cost 2,700 instructions).
    static func validPortRange(_ text: String) -> ClosedRange<Int>? {
        var numbers = (0, 0), count = 0, digits = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "-") && count == 0 && digits > 0 {
                count = 1
                digits = 0
                continue
            }
            // Nine digits cannot overflow; more (leading zeros) are left to the careful reading.
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"), digits < 9 else { return nil }
            digits += 1
            if count == 0 { numbers.0 = numbers.0 * 10 + Int(b - UInt8(ascii: "0")) } else { numbers.1 = numbers.1 * 10 + Int(b - UInt8(ascii: "0")) }
        }
        guard digits > 0, (1...65535).contains(numbers.0) else { return nil }
        if count == 0 { return numbers.0...numbers.0 }
        guard (1...65535).contains(numbers.1), numbers.0 < numbers.1 else { return nil }
        return numbers.0...numbers.1
    }

    private static func parseDescription(_ node: Node, _ w: inout YAMLWalker) -> [DescriptionItem]? {
        if w.isScalar(node) {
            return textRef(node, what: "'description'", &w).map { [DescriptionItem(kind: .line, text: $0)] }
        }
        guard let items = w.sequence(node, what: "'description'") else { return nil }
        if items.isEmpty { w.error("'description' needs at least one line or bullet", at: node, id: "catalog.type") }
        return items.compactMap { item -> DescriptionItem? in
            let what = "a description item"
            guard let f = w.mapping(item, what: what, allowed: ["line", "bullet", "args", "footnotes"]) else { return nil }
            let kinds = [DescriptionItem.Kind.line, .bullet].filter { f[$0.rawValue] != nil }
            guard kinds.count == 1, let kind = kinds.first, let keyNode = f[kind.rawValue]?.value else {
                w.error("a description item needs exactly one of 'line' or 'bullet'", at: item, id: "catalog.missing-key")
                return nil
            }
            guard let key = messageKey(keyNode, what: "'\(kind.rawValue)'", &w) else { return nil }
            let args = f["args"].map { parseArgs($0.value, &w) } ?? [:]
            let notes = f["footnotes"].map { footnoteIDs($0.value, &w) } ?? []
            return DescriptionItem(kind: kind, text: TextRef(key: key, args: args, footnotes: notes, location: w.location(of: keyNode)))
        }
    }

    private static func textRefs(_ node: Node, what: String, _ w: inout YAMLWalker) -> [TextRef] {
        guard let items = w.sequence(node, what: what) else { return [] }
        return items.compactMap { textRef($0, what: what, &w) }
    }

    /// A message key, or `{text: key, args: {...}, footnotes: [...]}`.
    private static func textRef(_ node: Node, what: String, _ w: inout YAMLWalker) -> TextRef? {
        if w.isScalar(node) {
            return messageKey(node, what: what, &w).map { TextRef(key: $0, location: w.location(of: node)) }
        }
        guard let f = w.mapping(node, what: what, allowed: ["text", "args", "footnotes"]) else { return nil }
        guard let keyNode = w.require(f, "text", in: node, what: what), let key = messageKey(keyNode, what: "'text'", &w) else { return nil }
        let args = f["args"].map { parseArgs($0.value, &w) } ?? [:]
        let notes = f["footnotes"].map { footnoteIDs($0.value, &w) } ?? []
        return TextRef(key: key, args: args, footnotes: notes, location: w.location(of: keyNode))
    }

    private static func messageKey(_ node: Node, what: String, _ w: inout YAMLWalker) -> String? {
        guard let key = w.string(node, what: what) else { return nil }
        guard MessageKey.isValid(key) else {
            w.error("\(what) must be a message key (\(MessageKey.rule)), found '\(key)'; prose belongs in Locales/", at: node, id: "catalog.message-key")
            return nil
        }
        return key
    }

    private static func footnoteIDs(_ node: Node, _ w: inout YAMLWalker) -> [String] {
        guard let items = w.sequence(node, what: "'footnotes'") else { return [] }
        return items.compactMap { identifier($0, what: "a footnote reference", &w) }
    }

    private static func parseArgs(_ node: Node, _ w: inout YAMLWalker) -> [String: ArgValue] {
        guard w.visit(node), let mapping = w.pairs(node) else {
            w.error("'args' must be a mapping from placeholder names to {url: …} or {host: …}", at: node, id: "catalog.type")
            return [:]
        }
        var args: [String: ArgValue] = [:]
        for (key, value) in mapping {
            guard let name = w.string(key, what: "a placeholder name") else { continue }
            guard Placeholder.isValidName(name) else {
                w.error("placeholder name '\(name)' must be \(Placeholder.nameRule)", at: key, id: "catalog.placeholder")
                continue
            }
            guard let f = w.mapping(value, what: "the value of '\(name)'", allowed: ["url", "host"]), f.count == 1,
                  let (kind, entry) = f.items.first.map({ ($0.name, (key: $0.key, value: $0.value)) }) else {
                if w.isMapping(value) { w.error("the value of '\(name)' needs exactly one of 'url' or 'host'", at: value, id: "catalog.missing-key") }
                continue
            }
            guard let text = w.string(entry.value, what: "'\(kind)'") else { continue }
            if kind == "url" {
                guard URLCheck.isHTTPURL(text) else {
                    w.error("'\(text)' is not an http or https URL", at: entry.value, id: "catalog.url")
                    continue
                }
                args[name] = .url(text)
            } else {
                guard URLCheck.isHostname(text) else {
                    w.error("'\(text)' is not a host name", at: entry.value, id: "catalog.host")
                    continue
                }
                args[name] = .host(text)
            }
        }
        return args
    }

    private static func identifier(_ node: Node, what: String, _ w: inout YAMLWalker) -> String? {
        guard let s = w.string(node, what: what) else { return nil }
        guard isIdentifier(s) else {
            w.error("\(what) must be \(idPattern), found '\(s)'", at: node, id: "catalog.id")
            return nil
        }
        return s
    }

    static func isIdentifier(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            guard let first = bytes.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
            return bytes.allSatisfy(UTF8Bytes.isLowercaseDigitOrDash)
        }
    }

    // MARK: - Checks across the whole catalog

    static func check(_ catalog: Catalog) -> [Diagnostic] {
        var d = Diagnostics()
        func unique(_ items: [(String, SourceLocation)], kind: String) {
            var seen: [String: SourceLocation] = [:]
            for (id, loc) in items {
                if let first = seen[id] {
                    d.error("duplicate \(kind) id '\(id)'; first defined at \(first.line):\(first.column)", at: loc, id: "catalog.duplicate-id")
                } else {
                    seen[id] = loc
                }
            }
        }
        // Sections and tables become anchors in one page, so they share one namespace.
        unique(catalog.sections.map { ($0.id, $0.location) } + catalog.tables.map { ($0.id, $0.location) }, kind: "section or table")
        unique(catalog.footnotes.map { ($0.id, $0.location) }, kind: "footnote")

        let defined = Set(catalog.footnotes.map(\.id))
        var used = Set<String>()
        catalog.forEachTextRef { ref in
            for note in ref.footnotes {
                used.insert(note)
                if !defined.contains(note) {
                    d.error("footnote '\(note)' is referenced but not defined under 'footnotes'", at: ref.location, id: "catalog.undefined-footnote")
                }
            }
        }
        for note in catalog.footnotes where !used.contains(note.id) {
            d.error("footnote '\(note.id)' is defined but never referenced", at: note.location, id: "catalog.unused-footnote")
        }
        unique(catalog.rows.compactMap { row in row.id.map { ($0, row.location) } }, kind: "row")
        // Rows get anchors on their page (row-<id>, or row-<table>-<n>); they share the namespace.
        var taken = Set(catalog.sections.map(\.id) + catalog.tables.map(\.id))
        if !anchorsAreDistinct(catalog, ids: taken) {
            for table in catalog.tables {
                for (index, row) in table.rows.enumerated() {
                    let anchor = table.anchor(ofRow: index)
                    if !taken.insert(anchor).inserted {
                        d.error("the row's anchor '\(anchor)' is also the id of a section, table or row; choose another id", at: row.location, id: "catalog.duplicate-id")
                    }
                }
            }
        }
        unique(catalog.endpoints.map { ($0.id, $0.location) }, kind: "endpoint")
        d.append(contentsOf: checkConnections(catalog))
        for row in catalog.rows {
            // The usual row, whose ports' ranges do not overlap, repeats no port: no set to fill.
            let overlapping = row.ports.indices.contains { i in row.ports[..<i].contains { $0.range.overlaps(row.ports[i].range) } }
            if overlapping {
                var seenPorts = Set<Int>()
                for port in row.ports {
                    for n in port.range where !seenPorts.insert(n).inserted {
                        d.error("port \(n) appears twice in one row", at: port.location, id: "catalog.duplicate-port")
                    }
                }
            }
            for port in row.ports {
                if let target = port.failoverFor, !row.ports.contains(where: { $0.range.contains(target) && $0 != port }) {
                    d.error("port \(port.numberText) is the failover for \(target), which is not in this row", at: port.location, id: "catalog.failover")
                }
            }
        }
        return d.all
    }
}

extension CatalogParser {
    /// Whether every row anchor (`row-<id>`, or `row-<table>-<n>` for a row without an id) differs
    /// from every other and from the section and table ids `ids`, decided without spelling out
    /// the generated anchors (a String and a set insertion per row, 30 M instructions for 10,000
    /// rows): table ids are distinct, the explicit anchors are distinct and not in `ids`, and no
    /// id or explicit anchor reads as the generated anchor of a row that has one. A generated
    /// anchor ends in `-<n>`, and `n` has no `-`, so it names its table and row alone.
    static func anchorsAreDistinct(_ catalog: Catalog, ids: Set<String>) -> Bool {
        var tables: [String: PortTable] = [:]
        for table in catalog.tables {
            guard tables.updateValue(table, forKey: table.id) == nil else { return false }
        }
        var explicit = Set<String>()
        for row in catalog.rows {
            guard let id = row.id else { continue }
            let anchor = "row-" + id
            guard !ids.contains(anchor), explicit.insert(anchor).inserted else { return false }
        }
        for taken in [ids, explicit] {
            for name in taken where name.hasPrefix("row-") {
                let rest = name.dropFirst(4)
                guard let dash = rest.lastIndex(of: "-") else { continue }
                let number = rest[rest.index(after: dash)...]
                guard let n = Int(number), n >= 1, String(n) == number, let table = tables[String(rest[..<dash])] else { continue }
                if n <= table.rows.count && table.rows[n - 1].id == nil { return false }
            }
        }
        return true
    }

    /// Connections name rows and endpoints that exist, each row once; every endpoint is used, and
    /// an endpoint's section is a section of the catalog.
    static func checkConnections(_ catalog: Catalog) -> [Diagnostic] {
        var d = Diagnostics()
        let endpointIDs = Set(catalog.endpoints.map(\.id))
        let sectionIDs = Set(catalog.sections.map(\.id))
        for endpoint in catalog.endpoints {
            if let section = endpoint.section, !sectionIDs.contains(section) {
                d.error("endpoint '\(endpoint.id)' names section '\(section)', which the catalog does not have", at: endpoint.location, id: "catalog.connection")
            }
        }
        var referenced: [String: SourceLocation] = [:]
        var used = Set<String>()
        for connection in catalog.connections {
            if let first = referenced[connection.row] {
                d.error("row '\(connection.row)' is referenced by two connections; the first is at \(first.line):\(first.column)", at: connection.location, id: "catalog.connection")
            } else {
                referenced[connection.row] = connection.location
            }
            if catalog.row(withID: connection.row) == nil {
                d.error("connection names row '\(connection.row)', which no row has as its id", at: connection.location, id: "catalog.connection")
            }
            for id in [connection.from] + connection.to {
                used.insert(id)
                if !endpointIDs.contains(id) {
                    let hint = YAMLWalker.suggestion(for: id, in: catalog.endpoints.map(\.id)).map { "; did you mean '\($0)'?" } ?? ""
                    d.error("unknown endpoint '\(id)'\(hint)", at: connection.endpointLocations[id] ?? connection.location, id: "catalog.connection")
                }
            }
        }
        for endpoint in catalog.endpoints where !used.contains(endpoint.id) {
            d.error("endpoint '\(endpoint.id)' is declared but no connection uses it", at: endpoint.location, id: "catalog.connection")
        }
        return d.all
    }
}

/// Message keys: dot-separated parts of lowercase letters, digits and '-'.
public enum MessageKey {
    public static let rule = "dot-separated lowercase words, digits and '-', such as 'row.agent.2222'"

    /// On UTF-8 bytes (every allowed character is ASCII): at least two non-empty parts.
    public static func isValid(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { bytes in
            var parts = 1, partLength = 0
            for b in bytes {
                if b == UInt8(ascii: ".") {
                    if partLength == 0 { return false }
                    parts += 1
                    partLength = 0
                } else if UTF8Bytes.isLowercaseDigitOrDash(b) {
                    partLength += 1
                } else {
                    return false
                }
            }
            return parts >= 2 && partLength > 0
        }
    }
}

/// URL and host-name checks on UTF-8 bytes: every character they allow is ASCII.
enum URLCheck {
    static func isHTTPURL(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            let scheme: Int
            if bytes.starts(with: "https://".utf8) { scheme = 8 } else if bytes.starts(with: "http://".utf8) { scheme = 7 } else { return false }
            let rest = bytes[scheme...]
            let hostEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: ":") } ?? rest.endIndex
            guard isHostname(UnsafeBufferPointer(rebasing: rest[..<hostEnd])) else { return false }
            return rest[hostEnd...].allSatisfy { b in
                b > 0x20 && b < 0x7F && !"\"<>\\^`{|}".utf8.contains(b)
            }
        }
    }

    static func isHostname(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isHostname($0) }
    }

    static func isHostname(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= 253 else { return false }
        var labels = 0
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return false }
            for b in label {
                guard UTF8Bytes.isLowercaseDigitOrDash(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) else { return false }
            }
            labels += 1
        }
        return labels >= 2
    }
}
