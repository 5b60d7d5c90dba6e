#if canImport(Glibc)
import Glibc
#endif

/// Structural checks for generated Markdown and man pages (what `portdoc validate` runs without
/// external tools). XHTML is checked by DTD validation instead. Both work on UTF-8 bytes, line by
/// line, because every construct they look at is ASCII.
typealias ByteLine = Slice<UnsafeBufferPointer<UInt8>>

extension Slice where Base == UnsafeBufferPointer<UInt8> {
    /// The line's first byte in memory (the slices of `withByteLines` are never of an empty page).
    private var start: UnsafePointer<UInt8>? { base.baseAddress.map { $0 + startIndex } }

    /// With memcmp on the bytes: the generic `elementsEqual` of a slice and a StaticString cost
    /// more than the rest of a man page's checks.
    func hasPrefix(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard count >= n else { return false }
        guard n > 0, let start else { return true }
        return memcmp(start, s.utf8Start, n) == 0
    }

    func hasSuffix(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard count >= n else { return false }
        guard n > 0, let start else { return true }
        return memcmp(start + (count - n), s.utf8Start, n) == 0
    }

    func equals(_ s: StaticString) -> Bool { count == s.utf8CodeUnitCount && hasPrefix(s) }

    /// The index of the first byte outside printable 7-bit ASCII and tab. Eight bytes at a time:
    /// a word with no byte at or above 0x7F and none below 0x20 is skipped whole (a tab sends its
    /// word to the byte loop).
    func firstNonPrintable() -> Int? {
        var i = startIndex
        if let base = base.baseAddress {
            let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
            while i + 8 <= endIndex {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                // A byte below 0x20, a byte at or above 0x7F (0x7F + 1 carries into the high bit).
                let low = (w &- ones &* 0x20) & ~w & high
                let upper = (w | ((w & ~high) &+ ones)) & high
                if low | upper != 0 { break }
                i += 8
            }
        }
        while i < endIndex {
            let b = base[i]
            if b > 0x7E || (b < 0x20 && b != 0x09) { return i }
            i += 1
        }
        return nil
    }

    /// The 1-based column (in Unicode scalars) of the byte at `index`.
    func column(of index: Int) -> Int {
        String(decoding: self[startIndex..<index], as: UTF8.self).unicodeScalars.count + 1
    }
}

/// Calls `body` with the lines of `text` (split at LF; a final empty line when the text ends with
/// one), as slices of its UTF-8 storage: copying the page into an array and slicing that cost a
/// quarter of the checks' time.
func withByteLines<R>(_ text: String, _ body: (ByteLines) -> R) -> R {
    var text = text
    return text.withUTF8 { body(ByteLines($0)) }
}

/// `withByteLines` of a page's bytes.
func withByteLines<R>(_ bytes: [UInt8], _ body: (ByteLines) -> R) -> R {
    bytes.withUnsafeBufferPointer { body(ByteLines($0)) }
}

/// The lines of a page's bytes, found one at a time (the memchr helper). An array of them took 32 bytes a
/// line, tens of MB for the man pages of 100k rows, and a sixth of a large build's page faults.
struct ByteLines: Sequence, IteratorProtocol {
    let bytes: UnsafeBufferPointer<UInt8>
    private var start = 0
    private var done = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func next() -> ByteLine? {
        guard !done else { return nil }
        let end = bytes[start...].firstIndex(of: 0x0A, from: start) ?? bytes.count
        let line = bytes[start..<end]
        if end >= bytes.count { done = true } else { start = end + 1 }
        return line
    }

    /// Whether `line` is the empty line after a final LF (or the whole of an empty text).
    func isFinalEmptyLine(_ line: ByteLine) -> Bool { line.startIndex == bytes.count }
}

public enum MarkdownChecks {
    /// Every table row has as many cells as its header; every footnote reference has a definition
    /// and every definition is referenced.
    public static func check(_ text: String, path: String) -> [Diagnostic] {
        withByteLines(text) { check(lines: $0, path: path) }
    }

    /// `check` of a page's UTF-8.
    public static func check(bytes: [UInt8], path: String) -> [Diagnostic] {
        withByteLines(bytes) { check(lines: $0, path: path) }
    }

    private static func check(lines: ByteLines, path: String) -> [Diagnostic] {
        var d = Diagnostics()
        var headerCells: Int? = nil
        var definitions: [String: Int] = [:]
        var references: [(String, Int, Int)] = []
        let open = UInt8(ascii: "["), caret = UInt8(ascii: "^"), close = UInt8(ascii: "]"), backslash = UInt8(ascii: "\\")
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.first == UInt8(ascii: "|") {
                let cells = cellCount(line)
                if let expected = headerCells {
                    if cells != expected {
                        d.error("table row has \(cells) cells, the header has \(expected)", at: SourceLocation(path: path, line: number, column: 1), id: "markdown.table-cells")
                    }
                } else {
                    headerCells = cells
                }
            } else {
                headerCells = nil
            }
            if line.hasPrefix("[^"), let end = line.indices.first(where: { $0 + 1 < line.endIndex && line[$0] == close && line[$0 + 1] == UInt8(ascii: ":") }) {
                let id = String(decoding: line[(line.startIndex + 2)..<end], as: UTF8.self)
                if definitions[id] != nil {
                    d.error("footnote '\(id)' is defined twice", at: SourceLocation(path: path, line: number, column: 1), id: "markdown.footnote")
                }
                definitions[id] = number
                continue
            }
            // From one `[` to the next (memchr): a byte loop over every line was most of the checks.
            var from = line.startIndex
            while let i = line.firstIndex(of: open, from: from), i + 1 < line.endIndex {
                if line[i + 1] == caret {
                    let escaped = i > line.startIndex && line[i - 1] == backslash
                    if !escaped, let end = line[(i + 2)...].firstIndex(of: close) {
                        references.append((String(decoding: line[(i + 2)..<end], as: UTF8.self), number, line.column(of: i)))
                    }
                    from = i + 2
                } else {
                    from = i + 1
                }
            }
        }
        for (id, line, column) in references where definitions[id] == nil {
            d.error("footnote reference '[^\(id)]' has no definition", at: SourceLocation(path: path, line: line, column: column), id: "markdown.footnote")
        }
        let referenced = Set(references.map(\.0))
        for (id, line) in definitions where !referenced.contains(id) {
            d.error("footnote '\(id)' is defined but never referenced", at: SourceLocation(path: path, line: line, column: 1), id: "markdown.footnote")
        }
        return d.sorted
    }

    /// Cells of a pipe-table row: `|` not escaped by a backslash separates cells (GFM §4.10).
    /// Only `|` and `\\` matter: the row's bytes are read straight from the page's buffer (without
    /// a slice's bounds check per byte) up to the next of them.
    static func cellCount(_ line: ByteLine) -> Int {
        var count = 0
        var i = line.startIndex
        while let next = line.firstPipeOrBackslash(from: i) {
            if line.base[next] == UInt8(ascii: "\\") {
                i = next + 2  // the escaped byte, whatever it is
            } else {
                count += 1
                i = next + 1
            }
        }
        var trimmed = line
        while trimmed.last == UInt8(ascii: " ") { trimmed = trimmed.dropLast() }
        // "| a | b |" has 3 pipes and 2 cells.
        return trimmed.hasSuffix("|") && !trimmed.hasSuffix("\\|") ? count - 1 : count
    }
}

extension Slice where Base == UnsafeBufferPointer<UInt8> {
    /// The index of the first `|` or `\\` at or after `from`, or nil. Eight bytes at a time: a
    /// byte loop took 5 instructions a byte of every Markdown table row.
    func firstPipeOrBackslash(from: Int) -> Int? {
        var i = from
        if let start = base.baseAddress {
            while i + 8 <= endIndex {
                let word = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)
                if UTF8Bytes.contains(word, UInt8(ascii: "|")) || UTF8Bytes.contains(word, UInt8(ascii: "\\")) { break }
                i += 8
            }
        }
        while i < endIndex {
            let b = base[i]
            if b == UInt8(ascii: "|") || b == UInt8(ascii: "\\") { return i }
            i += 1
        }
        return nil
    }

}

public enum ManChecks {
    /// Our own structural checks: 7-bit ASCII, a `.TH` and NAME, `'\" t` when tbl is used,
    /// balanced `.TS`/`.TE` and `T{`/`T}`, no blank lines, no text line starting with `'`.
    public static func check(_ text: String, path: String) -> [Diagnostic] {
        withByteLines(text) { check(lines: $0, path: path) }
    }

    /// `check` of a page's UTF-8.
    public static func check(bytes: [UInt8], path: String) -> [Diagnostic] {
        withByteLines(bytes) { check(lines: $0, path: path) }
    }

    private static func check(lines: ByteLines, path: String) -> [Diagnostic] {
        var d = Diagnostics()
        func at(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(path: path, line: line, column: column) }
        var sawTH = false, sawName = false, inTable = false, inBlock = false
        var usesTbl = false
        var n = 0
        var first: ByteLine?
        for line in lines {
            n += 1
            if n == 1 { first = line }
            if lines.isFinalEmptyLine(line) { break }
            if let bad = line.firstNonPrintable() {
                d.error("character outside printable 7-bit ASCII; write it as a roff escape such as \\[u00FC]", at: at(n, line.column(of: bad)), id: "man.non-ascii")
            }
            if line.isEmpty {
                d.error("blank line; roff reads it as a paragraph break (use .PP or .sp)", at: at(n), id: "man.blank-line")
            }
            if line.hasPrefix(".TH ") { sawTH = true }
            if line.hasPrefix(".SH ") && !sawName { sawName = true }
            if line.equals(".TS") {
                usesTbl = true
                if inTable { d.error(".TS inside a table", at: at(n), id: "man.tbl") }
                inTable = true
            } else if line.equals(".TE") {
                if !inTable { d.error(".TE without .TS", at: at(n), id: "man.tbl") }
                if inBlock { d.error("text block 'T{' not closed before .TE", at: at(n), id: "man.tbl") }
                inTable = false
                inBlock = false
            } else if inTable {
                if line.hasSuffix("T{") && !line.hasPrefix("T}") {
                    if inBlock { d.error("'T{' inside a text block", at: at(n), id: "man.tbl") }
                    inBlock = true
                } else if line.hasPrefix("T}") {
                    if !inBlock { d.error("'T}' without 'T{'", at: at(n), id: "man.tbl") }
                    inBlock = false
                    if line.hasSuffix("T{") { inBlock = true }
                } else if inBlock && line.hasPrefix(".") {
                    d.error("a request inside a tbl text block; mandoc ignores it", at: at(n), id: "man.tbl")
                }
            }
        }
        if !sawTH { d.error("no .TH line", at: at(1), id: "man.structure") }
        if !sawName { d.error("no .SH section (NAME must come first)", at: at(1), id: "man.structure") }
        if inTable { d.error(".TS without .TE", at: at(n), id: "man.tbl") }
        if usesTbl && !(first?.equals("'\\\" t") ?? false) {
            d.error("the page uses tbl but does not start with '\\\" t, so man(1) will not run tbl", at: at(1), id: "man.tbl")
        }
        return d.all
    }
}
