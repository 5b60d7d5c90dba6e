/// Structural checks for generated Markdown and man pages (what `portdoc validate` runs without
/// external tools). XHTML is checked by DTD validation instead.
public enum MarkdownChecks {
    /// Every table row has as many cells as its header; every footnote reference has a definition
    /// and every definition is referenced.
    public static func check(_ text: String, path: String) -> [Diagnostic] {
        var d = Diagnostics()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var headerCells: Int? = nil
        var definitions: [String: Int] = [:]
        var references: [(String, Int, Int)] = []
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.hasPrefix("|") {
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
            if line.hasPrefix("[^"), let close = line.range(of: "]:") {
                let id = String(line[line.index(line.startIndex, offsetBy: 2)..<close.lowerBound])
                if definitions[id] != nil {
                    d.error("footnote '\(id)' is defined twice", at: SourceLocation(path: path, line: number, column: 1), id: "markdown.footnote")
                }
                definitions[id] = number
                continue
            }
            var searchStart = line.startIndex
            while let r = line.range(of: "[^", range: searchStart..<line.endIndex) {
                let escaped = r.lowerBound > line.startIndex && line[line.index(before: r.lowerBound)] == "\\"
                if !escaped, let close = line[r.upperBound...].firstIndex(of: "]") {
                    let column = line.distance(from: line.startIndex, to: r.lowerBound) + 1
                    references.append((String(line[r.upperBound..<close]), number, column))
                }
                searchStart = r.upperBound
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
    static func cellCount(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for c in line.unicodeScalars {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "|" { count += 1 }
        }
        let trimmed = line.trimmingCharacters(in: " ")
        // "| a | b |" has 3 pipes and 2 cells.
        return trimmed.hasSuffix("|") && !trimmed.hasSuffix("\\|") ? count - 1 : count
    }
}

public enum ManChecks {
    /// Our own structural checks: 7-bit ASCII, a `.TH` and NAME, `'\" t` when tbl is used,
    /// balanced `.TS`/`.TE` and `T{`/`T}`, no blank lines, no text line starting with `'`.
    public static func check(_ text: String, path: String) -> [Diagnostic] {
        var d = Diagnostics()
        func at(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(path: path, line: line, column: column) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var sawTH = false, sawName = false, inTable = false, inBlock = false
        var usesTbl = false
        for (index, line) in lines.enumerated() {
            let n = index + 1
            if index == lines.count - 1 && line.isEmpty { break }
            if let bad = line.unicodeScalars.firstIndex(where: { $0.value > 0x7E || ($0.value < 0x20 && $0 != "\t") }) {
                let column = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: bad) + 1
                d.error("character outside printable 7-bit ASCII; write it as a roff escape such as \\[u00FC]", at: at(n, column), id: "man.non-ascii")
            }
            if line.isEmpty {
                d.error("blank line; roff reads it as a paragraph break (use .PP or .sp)", at: at(n), id: "man.blank-line")
            }
            if line.hasPrefix(".TH ") { sawTH = true }
            if line.hasPrefix(".SH ") && !sawName { sawName = true }
            if line == ".TS" {
                usesTbl = true
                if inTable { d.error(".TS inside a table", at: at(n), id: "man.tbl") }
                inTable = true
            } else if line == ".TE" {
                if !inTable { d.error(".TE without .TS", at: at(n), id: "man.tbl") }
                if inBlock { d.error("text block 'T{' not closed before .TE", at: at(n), id: "man.tbl") }
                inTable = false
                inBlock = false
            } else if inTable {
                if line.hasSuffix("T{") {
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
        if inTable { d.error(".TS without .TE", at: at(lines.count), id: "man.tbl") }
        if usesTbl && lines.first != "'\\\" t" {
            d.error("the page uses tbl but does not start with '\\\" t, so man(1) will not run tbl", at: at(1), id: "man.tbl")
        }
        return d.all
    }
}
