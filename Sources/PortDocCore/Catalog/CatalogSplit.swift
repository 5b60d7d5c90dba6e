#if canImport(Glibc)
import Glibc
#endif

/// A large catalog read on several cores: its `sections` list is cut between items into runs of
/// whole sections, each parsed as a YAML document of its own, while the rest of the file (with
/// `sections: []`) is parsed as another. Every part keeps the line numbers of the file (the lines
/// before a part are empty lines), so positions stored in the catalog are the file's.
///
/// Only a plain layout is cut: `sections:` alone on a line at column 0 (a comment may follow), its
/// items in block style at one indentation, no document markers or directives, and no line
/// breaks other than LF and CRLF (libyaml also breaks lines at a lone CR, NEL, LS and PS, which
/// would shift the empty lines' count). A cut in the wrong place (inside a quoted scalar or a flow
/// collection that spans lines; an alias to an anchor in another part) makes a part fail to parse.
/// When any part reports anything, `assemble` parses the whole text as one, so diagnostics are
/// exactly those of the one-piece parse.
public struct CatalogParts: Sendable {
    public let path: String
    /// The whole text, for the one-piece parse.
    public let text: String
    /// The file with `sections: []` in place of the list and empty lines for its items.
    let head: String
    /// Runs of whole section items, each after as many empty lines as precede it in the file.
    let chunks: [String]

    public var chunkCount: Int { chunks.count }
}

/// What parsing one part gave: `clean` when it reported nothing.
public struct CatalogPartResult: Sendable {
    fileprivate var catalog: Catalog?
    fileprivate var sections: [Section] = []
    fileprivate var clean: Bool
}

extension CatalogParser {
    /// Below this size a catalog is parsed in one piece (about 10 ms of parsing on one core).
    public static let splitThreshold = 256 * 1024

    /// Cuts `text` into a head and up to `parts` runs of sections of about equal size; nil when the
    /// layout is not the plain one described above or the list has fewer than two items.
    public static func split(_ text: String, path: String, parts: Int) -> CatalogParts? {
        guard parts >= 2 else { return nil }
        var text = text
        return text.withUTF8 { b -> CatalogParts? in
            guard let layout = SectionsLayout(b) else { return nil }
            let items = layout.items
            guard items.count >= 2 else { return nil }
            // Cut before the first item at or after each k/parts of the list's bytes.
            let first = items[0].offset, size = layout.blockEnd - first
            var cuts: [Int] = [0]
            var next = 1
            for (index, item) in items.enumerated().dropFirst() where next < parts {
                if item.offset - first >= size * next / parts {
                    cuts.append(index)
                    next += 1
                }
            }
            var chunks: [String] = []
            for (k, start) in cuts.enumerated() {
                let from = items[start]
                let end = k + 1 < cuts.count ? items[cuts[k + 1]].offset : layout.blockEnd
                var chunk = [UInt8](repeating: 0x0A, count: from.line - 1)
                chunk.append(contentsOf: b[from.offset..<end])
                chunks.append(String(decoding: chunk, as: UTF8.self))
            }
            var head = Array(b[..<layout.sectionsLine])
            head.append(contentsOf: "sections: []\n".utf8)
            head.append(contentsOf: repeatElement(0x0A, count: layout.blockLines))
            head.append(contentsOf: b[layout.blockEnd...])
            return CatalogParts(path: path, text: String(decoding: b, as: UTF8.self), head: String(decoding: head, as: UTF8.self), chunks: chunks)
        }
    }

    /// Parses the head: everything but the sections.
    public static func parseHead(_ parts: CatalogParts) -> CatalogPartResult {
        var diagnostics = Diagnostics()
        guard let tree = YAMLSource.compose(parts.head, path: parts.path, diagnostics: &diagnostics) else {
            return CatalogPartResult(catalog: nil, clean: false)
        }
        var walker = YAMLWalker(path: parts.path, text: parts.head, tree: tree)
        let catalog = parseRoot(walker.root, &walker)
        return CatalogPartResult(catalog: catalog, clean: catalog != nil && walker.diagnostics.all.isEmpty)
    }

    /// Parses run `index` of sections.
    public static func parseChunk(_ parts: CatalogParts, _ index: Int) -> CatalogPartResult {
        let text = parts.chunks[index]
        var diagnostics = Diagnostics()
        guard let tree = YAMLSource.compose(text, path: parts.path, diagnostics: &diagnostics) else {
            return CatalogPartResult(catalog: nil, clean: false)
        }
        var walker = YAMLWalker(path: parts.path, text: text, tree: tree)
        guard let items = walker.sequence(walker.root, what: "'sections'") else { return CatalogPartResult(catalog: nil, clean: false) }
        let sections = items.compactMap { parseSection($0, &walker) }
        return CatalogPartResult(catalog: nil, sections: sections, clean: sections.count == items.count && walker.diagnostics.all.isEmpty)
    }

    /// The catalog from its parts, checked as a whole; when any part reported anything, the whole
    /// text parsed in one piece instead (so that every diagnostic is the one-piece parse's).
    public static func assemble(_ parts: CatalogParts, head: CatalogPartResult, chunks: [CatalogPartResult]) -> (Catalog?, [Diagnostic]) {
        guard head.clean, var catalog = head.catalog, chunks.count == parts.chunks.count, chunks.allSatisfy(\.clean) else {
            return parse(parts.text, path: parts.path)
        }
        catalog.sections = chunks.flatMap(\.sections)
        let diagnostics = check(catalog)
        return (diagnostics.contains { $0.severity == .error } ? nil : catalog, diagnostics)
    }

    /// Parses in parts one after another (for tests: the loader runs the parts in parallel).
    public static func parseInParts(_ text: String, path: String, parts: Int) -> (Catalog?, [Diagnostic])? {
        guard let split = split(text, path: path, parts: parts) else { return nil }
        return assemble(split, head: parseHead(split), chunks: split.chunks.indices.map { parseChunk(split, $0) })
    }
}

/// Where the `sections` list lies in a catalog's bytes, when its layout is the plain one.
private struct SectionsLayout {
    /// Byte offset of the `sections:` line.
    var sectionsLine = 0
    /// The list's items: byte offset and 1-based line of each `- ` line.
    var items: [(offset: Int, line: Int)] = []
    /// Byte offset just after the list (the next line at column 0, or the end of the text).
    var blockEnd = 0
    /// Line breaks from the end of the `sections:` line to `blockEnd`.
    var blockLines = 0

    init?(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        let newline: UInt8 = 0x0A, cr: UInt8 = 0x0D, space: UInt8 = 0x20, hash: UInt8 = 0x23, dash: UInt8 = 0x2D
        enum State { case before, block, after }
        var state = State.before
        var itemIndent = -1
        var sectionsLineEnd = 0
        var line = 1
        var start = 0
        // Line breaks libyaml knows besides LF and CRLF: a lone CR, NEL, LS and PS. Found with
        // memchr: the bytes are rare (E2 starts „ “ – in German text, C2 starts « »).
        guard let base = b.baseAddress else { return nil }
        for lead in [cr, 0xC2, 0xE2] as [UInt8] {
            var p = 0
            while p < n, let hit = memchr(base + p, Int32(lead), n - p) {
                let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                switch lead {
                case cr: if i + 1 >= n || b[i + 1] != newline { return nil }
                case 0xC2: if i + 1 < n, b[i + 1] == 0x85 { return nil }
                default: if i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { return nil }
                }
                p = i + 1
            }
        }
        while start < n {
            // The line [start, end); end is at its LF or the end of the text.
            let end = memchr(base + start, Int32(newline), n - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
            var indent = start
            while indent < end, b[indent] == space { indent += 1 }
            let column = indent - start
            let blank = indent == end || (indent + 1 == end && b[indent] == cr)
            let comment = !blank && b[indent] == hash
            if column == 0, !blank {
                // Directives and document markers: the file is not one plain document.
                if b[start] == UInt8(ascii: "%") { return nil }
                if end - start >= 3, (b[start] == dash && b[start + 1] == dash && b[start + 2] == dash)
                    || (b[start] == 0x2E && b[start + 1] == 0x2E && b[start + 2] == 0x2E) { return nil }
            }
            let isItem = !blank && b[indent] == dash && (indent + 1 == end || b[indent + 1] == space || b[indent + 1] == cr)
            if !blank, !comment, b[indent] == 0x09 { return nil }
            switch state {
            case .before, .after:
                if column == 0, Self.isSectionsKey(b, start, end) {
                    guard state == .before else { return nil }
                    sectionsLine = start
                    sectionsLineEnd = end
                    state = .block
                }
            case .block:
                if blank || comment { break }
                if itemIndent < 0 {
                    guard isItem else { return nil }
                    itemIndent = column
                }
                if column == 0, !(itemIndent == 0 && isItem) {
                    blockEnd = start
                    state = .after
                    // A second `sections:` key is checked by the loop's next turn of `.after`.
                    if Self.isSectionsKey(b, start, end) { return nil }
                } else if column == itemIndent && isItem {
                    items.append((start, line))
                } else if column <= itemIndent {
                    return nil
                }
            }
            if end < n { line += 1 }
            start = end + 1
        }
        switch state {
        case .before: return nil
        case .block: blockEnd = n
        case .after: break
        }
        guard blockEnd > sectionsLineEnd else { return nil }
        // The sections line's own break is written with `sections: []`.
        blockLines = b[sectionsLineEnd..<blockEnd].reduce(0) { $0 + ($1 == newline ? 1 : 0) } - 1
    }

    /// `sections:` at the start of the line, then only spaces, a comment or CR.
    static func isSectionsKey(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let key = Array("sections:".utf8)
        guard end - start >= key.count else { return false }
        for (i, k) in key.enumerated() where b[start + i] != k { return false }
        var i = start + key.count
        while i < end, b[i] == 0x20 { i += 1 }
        if i == end || b[i] == 0x0D && i + 1 == end { return true }
        return b[i] == 0x23 && i > start + key.count
    }
}
