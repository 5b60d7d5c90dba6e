/// The network diagram of one locale: the catalog's endpoints as nodes grouped by role, its
/// connections as edges labelled with the row's protocol and ports (arrows only where the
/// direction is known). Pure: it writes Graphviz DOT from `Templates/diagram/graph.mustache`,
/// and finishes the SVG that Graphviz lays out (at the edge, in PortDocIO) with the page's
/// language, title and description.
public enum DiagramRenderer {
    public static let format = "diagram"


    /// Display columns a label line may take before it wraps (CJK characters count two).
    static let lineColumns = 26
    static let fontSize = 10.0

    /// The DOT text for `doc`; nil when the catalog declares no connections.
    public static func dot(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic>? {
        guard !doc.connections.isEmpty else { return nil }
        func node(_ e: LocalizedEndpoint) -> TemplateValue {
            let lines = wrap(e.label.plain, columns: lineColumns)
            // Graphviz estimates text widths from Latin metrics; wide (CJK) characters would
            // overflow, so each node gets at least the width its lines need.
            let width = (lines.map(emWidth).max() ?? 0) * fontSize / 72 + 0.35
            return ["id": .plain(e.id), "label": .markup(Markup(DOTEscaper.lines(lines))), "width": .plain(formatInches(width))]
        }
        var roles: [TemplateValue] = []
        for section in orderedSections(doc) {
            let members = doc.endpoints.filter { $0.section == section.id }
            let heading = wrap(section.heading.plain, columns: 40)
            roles.append(["id": .plain(section.id), "heading": .markup(Markup(DOTEscaper.lines(heading))), "endpoints": .list(members.map(node))])
        }
        let others = doc.endpoints.filter { $0.section == nil }.map(node)
        var edges: [TemplateValue] = []
        for edge in mergedEdges(doc) {
            edges.append([
                "from": .plain(edge.from), "to": .plain(edge.to), "directed": .bool(edge.directed),
                "label": .markup(Markup(DOTEscaper.lines(edge.lines))),
            ])
        }
        let context: TemplateValue = [
            "id": .plain(doc.id), "locale": .plain(doc.locale), "dir": .plain(doc.direction.rawValue),
            "roles": .list(roles), "others": .list(others), "edges": .list(edges),
        ]
        return templates.render(format: format, name: "graph", context: context)
    }

    /// Sections that have endpoints, in document order.
    static func orderedSections(_ doc: LocalizedDocument) -> [LocalizedSection] {
        let used = Set(doc.endpoints.compactMap(\.section))
        return doc.sections.filter { used.contains($0.id) }
    }

    /// One edge per pair of endpoints and direction, its label lines the distinct ports texts of
    /// every connection between them (two rows with the same ports give one line).
    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
        public var directed: Bool
        public var lines: [String]
    }

    public static func mergedEdges(_ doc: LocalizedDocument) -> [Edge] {
        var edges: [Edge] = []
        for c in doc.connections {
            // A port label holding right-to-left text ("443 (قابل للتغيير)") is a first-strong
            // isolate (FSI … PDI, UAX #9), so that the numbers after it keep their order.
            let ports = c.portLabels.map { label in
                label.unicodeScalars.contains { [.arabic, .hebrew].contains(ScriptClass.of($0)) } ? "\u{2068}\(label)\u{2069}" : label
            }
            let line = c.proto + " " + ports.joined(separator: ", ") + c.footnotes.map { " [\($0.number)]" }.joined()
            if let i = edges.firstIndex(where: { $0.directed == c.directed && (($0.from, $0.to) == (c.from, c.to) || (!c.directed && ($0.from, $0.to) == (c.to, c.from))) }) {
                if !edges[i].lines.contains(line) { edges[i].lines.append(line) }
            } else {
                edges.append(Edge(from: c.from, to: c.to, directed: c.directed, lines: [line]))
            }
        }
        return edges
    }

    /// Finishes Graphviz's SVG: the language on the root (`xml:lang`, SVG 1.1 has no `lang`), a
    /// `<title>` and `<desc>` in the page's language as its first children, and without the
    /// generator comments (so the bytes do not carry Graphviz's version string).
    public static func finish(svg: String, doc: LocalizedDocument) -> String {
        // On the bytes, line by line as ranges: splitting the String by Characters took 10 M
        // instructions for the seed's 23 KB diagram (grapheme breaking), into Strings per line
        // 1.3 M; a newline is always a boundary of its own.
        let bytes = Array(svg.utf8)
        func hasPrefix(_ line: Range<Int>, _ prefix: StaticString) -> Bool {
            line.count >= prefix.utf8CodeUnitCount && prefix.withUTF8Buffer { p in p.indices.allSatisfy { bytes[line.lowerBound + $0] == p[$0] } }
        }
        func closesComment(_ line: Range<Int>) -> Bool {
            line.count >= 3 && (line.lowerBound...(line.upperBound - 3)).contains { bytes[$0] == UInt8(ascii: "-") && bytes[$0 + 1] == UInt8(ascii: "-") && bytes[$0 + 2] == UInt8(ascii: ">") }
        }
        // Comments Graphviz writes before the root: "Generated by graphviz version …" and "Title: …".
        var lines: [Range<Int>] = []
        var inComment = false
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
            let line = start..<i
            start = i + 1
            if inComment { if closesComment(line) { inComment = false }; continue }
            if hasPrefix(line, "<!--") { if !closesComment(line) { inComment = true }; continue }
            lines.append(line)
        }
        guard let root = lines.firstIndex(where: { hasPrefix($0, "<svg") }) else { return svg }
        // The start tag may span lines; it ends at the first line ending in ">".
        var end = root
        while end < lines.count, lines[end].isEmpty || bytes[lines[end].upperBound - 1] != UInt8(ascii: ">") { end += 1 }
        guard end < lines.count else { return svg }
        func element(_ name: String, _ text: LocalizedText) -> String {
            let lang = text.fallbackLocale.map { " xml:lang=\"\(XMLEscaper.attribute($0))\"" } ?? ""
            return "<\(name)\(lang)>\(XMLEscaper.text(text.plain))</\(name)>"
        }
        let title = doc.ui("ui.diagram.title"), description = doc.ui("ui.diagram.description")
        return utf8String(reserving: bytes.count + 1024) { out in
            for (n, line) in lines.enumerated() {
                if n > 0 { out.append(UInt8(ascii: "\n")) }
                if n == root {
                    out.append(contentsOf: "<svg xml:lang=\"\(XMLEscaper.attribute(doc.locale))\"".utf8)
                    out.append(contentsOf: bytes[(line.lowerBound + 4)..<line.upperBound])
                } else {
                    out.append(contentsOf: bytes[line])
                }
                if n == end {
                    out.append(contentsOf: "\n\(element("title", title))\n\(element("desc", description))".utf8)
                }
            }
        }
    }

    /// Greedy line breaking by display columns: at spaces, and between any two characters of a
    /// script written without spaces; a word longer than a line stays whole.
    public static func wrap(_ text: String, columns: Int) -> [String] {
        var units: [(text: String, spaceBefore: Bool)] = []
        var current = ""
        var pendingSpace = false
        func flush() {
            if !current.isEmpty { units.append((current, pendingSpace)); current = ""; pendingSpace = false }
        }
        for scalar in text.unicodeScalars {
            if scalar == " " { flush(); pendingSpace = true; continue }
            if ScriptClass.of(scalar) == .unspaced && scalar.properties.isAlphabetic {
                flush()
                units.append((String(scalar), pendingSpace))
                pendingSpace = false
                continue
            }
            current.unicodeScalars.append(scalar)
        }
        flush()
        var lines: [String] = []
        var line = ""
        for unit in units {
            let candidate = line.isEmpty ? unit.text : line + (unit.spaceBefore ? " " : "") + unit.text
            if !line.isEmpty && columnsOf(candidate) > columns {
                lines.append(line)
                line = unit.text
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    /// Display columns: wide and full-width characters count two.
    static func columnsOf(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : ($1.properties.generalCategory == .nonspacingMark ? 0 : 1)) }
    }

    static func isWide(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// The width of a line in em, generously (DejaVu Sans proportions), for node sizes.
    static func emWidth(_ s: String) -> Double {
        s.unicodeScalars.reduce(0.0) { sum, c in
            if isWide(c) { return sum + 1.0 }
            if c.properties.generalCategory == .nonspacingMark { return sum }
            if c == " " { return sum + 0.32 }
            if ("A"..."Z").contains(c) || ("0"..."9").contains(c) { return sum + 0.7 }
            return sum + 0.6
        }
    }

    static func formatInches(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.up))
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var result = self
        result.replaceSubrange(range, with: replacement)
        return result
    }
}
