/// Reads the plain block style of YAML that catalogs and source texts are written in (and that
/// `portdoc generate` writes) into the `YAMLTree` libyaml's events give for the same text, at
/// about a fifth of libyaml's cost: block mappings and sequences, one-line flow collections,
/// one-line plain, single- and double-quoted scalars, comments.
///
/// It reads nothing libyaml would read differently: on anything else it declines (returns nil)
/// and `YAMLTree.read` hands the text to libyaml, which then gives its own tree or its own
/// diagnostic. It declines on block scalars (`|`, `>`), multi-line plain or quoted scalars and
/// flow collections, anchors, aliases, tags, document markers and directives, empty values,
/// complex keys, duplicate keys, tabs, carriage returns, control characters and the line
/// breaks NEL, LS and PS, and on every error. The tests hold it to libyaml on real files,
/// random documents and mutations of them.
struct YAMLBlockReader {
    /// The text is left to libyaml; never a finding about the text itself.
    struct Decline: Error {}

    /// Nesting (block and flow levels) beyond which the text is left to libyaml.
    static let maxDepth = 200
    /// libyaml refuses a simple key longer than 1,024 characters; longer keys are left to it.
    static let maxKeyLength = 1_000

    private let bytes: UnsafeBufferPointer<UInt8>
    private let end: Int
    /// The next byte to read.
    private var pos = 0
    /// The line of `pos` (1-based) and the offset of its first byte.
    private var line: Int32 = 1
    private var lineStart = 0
    /// The indentation of the line with content at `pos`, or -1 at the end of the text.
    private var indent = -1
    private var depth = 0
    private var entries: [YAMLTree.Entry] = []
    private var strings: [String] = []
    private var children: [Int32] = []
    /// Children of the collections still open, innermost last.
    private var pending: [Int32] = []
    /// Decoded bytes of a quoted scalar with escapes.
    private var scratch: [UInt8] = []
    /// The last column computed: its line, byte offset and column.
    private var lastColumn: (line: Int32, offset: Int, column: Int32) = (0, 0, 1)

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.end = bytes.count
    }

    /// The tree of `bytes` (UTF-8 without a byte-order mark), or nil when libyaml must read it.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLTree? {
        guard charactersAreSimple(bytes) else { return nil }
        var reader = YAMLBlockReader(bytes)
        guard let root = try? reader.document() else { return nil }
        return YAMLTree(entries: reader.entries, strings: reader.strings, children: reader.children, root: YAMLNode(index: root))
    }

    /// False when the text holds a character left to libyaml: a tab or carriage return, another
    /// control character or DEL (libyaml refuses them), NEL, LS or PS (line breaks to YAML 1.1),
    /// U+FEFF, U+FFFE or U+FFFF. `bytes` is valid UTF-8 (it comes from a String).
    static func charactersAreSimple(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b >= 0x20, b < 0x7F { i += 1; continue }
            switch b {
            case lf: break
            case 0xC2:  // U+0080–U+009F: C1 controls and NEL
                if i + 1 < n, bytes[i + 1] < 0xA0 { return false }
            case 0xE2:  // U+2028, U+2029
                if i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 { return false }
            case 0xEF:  // U+FEFF; U+FFFE, U+FFFF
                if i + 2 < n, (bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) || (bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE) { return false }
            case 0x80...0xFF:
                break
            default:
                return false
            }
            i += 1
        }
        return true
    }

    // MARK: Lines

    private mutating func document() throws(Decline) -> Int32 {
        entries.reserveCapacity(end / 16)
        strings.reserveCapacity(end / 24)
        children.reserveCapacity(end / 16)
        try advance()
        // An empty document is libyaml's error to report.
        guard indent >= 0 else { throw Decline() }
        let root = try blockNode(parentIndent: -1)
        guard indent < 0 else { throw Decline() }
        return root
    }

    /// From the end of a line (or the start of the text) to the first character of the next line
    /// with content, past blank and comment lines.
    private mutating func advance() throws(Decline) {
        while true {
            if pos < end, bytes[pos] == lf {
                pos += 1
                line += 1
                lineStart = pos
            }
            var p = pos
            while p < end, bytes[p] == space { p += 1 }
            guard p < end else { pos = end; indent = -1; return }
            let b = bytes[p]
            if b == lf { pos = p; continue }
            if b == hash {
                while p < end, bytes[p] != lf { p += 1 }
                pos = p
                continue
            }
            pos = p
            indent = p - lineStart
            // Document markers and directives.
            if indent == 0, b == percent || ((b == dash || b == dot) && p + 2 < end && bytes[p + 1] == b && bytes[p + 2] == b) {
                throw Decline()
            }
            return
        }
    }

    /// After a node that ends its line: only blanks, and a comment after a blank, may follow.
    private mutating func finishLine() throws(Decline) {
        let start = pos
        while pos < end, bytes[pos] == space { pos += 1 }
        guard pos < end, bytes[pos] != lf else { return }
        guard bytes[pos] == hash, pos > start else { throw Decline() }
        while pos < end, bytes[pos] != lf { pos += 1 }
    }

    /// After a scalar or flow collection that ends its line: the next line with content must not
    /// be indented deeper than the collection holding the node (libyaml would continue a plain
    /// scalar there, or fail).
    private mutating func endOfValue(_ parentIndent: Int) throws(Decline) {
        try finishLine()
        try advance()
        guard indent <= parentIndent else { throw Decline() }
    }

    private func isBlankOrEnd(_ p: Int) -> Bool { p >= end || bytes[p] == space || bytes[p] == lf }

    /// `:` followed by a blank: a mapping value follows.
    private func isValueIndicator(_ p: Int) -> Bool { p < end && bytes[p] == colon && isBlankOrEnd(p + 1) }

    private func afterSpaces(_ p: Int) -> Int {
        var p = p
        while p < end, bytes[p] == space { p += 1 }
        return p
    }

    // MARK: Block collections

    /// The node whose first character is at `pos`, on a line of its own or after `- `.
    private mutating func blockNode(parentIndent: Int) throws(Decline) -> Int32 {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw Decline() }
        // Lines are indented with spaces and `- ` is ASCII: the byte offset is the column.
        let column = pos - lineStart
        let b = bytes[pos]
        if b == dash, isBlankOrEnd(pos + 1) { return try blockSequence(column: column, indentless: false) }
        if b == lbracket || b == lbrace {
            let node = try flowCollection()
            try endOfValue(parentIndent)
            return node
        }
        let token = try scalar(flow: false)
        let p = afterSpaces(pos)
        if isValueIndicator(p) {
            pos = p
            return try blockMapping(column: column, firstKey: token)
        }
        let node = add(token)
        try endOfValue(parentIndent)
        return node
    }

    /// A block sequence whose first `-` is at `pos`. An indentless one (the value of a mapping
    /// key, its dashes at the key's column) ends where the mapping goes on.
    private mutating func blockSequence(column: Int, indentless: Bool) throws(Decline) -> Int32 {
        let node = open(.sequence)
        let start = pending.count
        while true {
            pos = afterSpaces(pos + 1)
            // An empty entry, or one on the lines below.
            guard pos < end, bytes[pos] != lf, bytes[pos] != hash else { throw Decline() }
            pending.append(try blockNode(parentIndent: column))
            if indent == column, bytes[pos] == dash, isBlankOrEnd(pos + 1) { continue }
            guard indent < column || (indent == column && indentless) else { throw Decline() }
            break
        }
        close(node, from: start)
        return node
    }

    /// A block mapping whose first key has been read; `pos` is at its `:`.
    private mutating func blockMapping(column: Int, firstKey: Token) throws(Decline) -> Int32 {
        let node = open(.mapping, at: firstKey)
        let start = pending.count
        var key = firstKey
        while true {
            guard key.length <= Self.maxKeyLength else { throw Decline() }
            pending.append(add(key))
            pos = afterSpaces(pos + 1)
            if pos >= end || bytes[pos] == lf || bytes[pos] == hash {
                // The value is on the lines below: more indented, or an indentless sequence.
                while pos < end, bytes[pos] != lf { pos += 1 }
                try advance()
                if indent > column {
                    pending.append(try blockNode(parentIndent: column))
                } else if indent == column, bytes[pos] == dash, isBlankOrEnd(pos + 1) {
                    pending.append(try blockSequence(column: column, indentless: true))
                } else {
                    throw Decline()  // an empty value
                }
            } else {
                pending.append(try inlineValue(parentIndent: column))
            }
            guard indent >= column else { break }
            guard indent == column, !(bytes[pos] == dash && isBlankOrEnd(pos + 1)) else { throw Decline() }
            key = try scalar(flow: false)
            let p = afterSpaces(pos)
            guard isValueIndicator(p) else { throw Decline() }
            pos = p
        }
        try checkDistinctKeys(from: start)
        close(node, from: start)
        return node
    }

    /// A mapping value on its key's line: a scalar or a flow collection.
    private mutating func inlineValue(parentIndent: Int) throws(Decline) -> Int32 {
        let node: Int32
        if bytes[pos] == lbracket || bytes[pos] == lbrace {
            node = try flowCollection()
        } else {
            let token = try scalar(flow: false)
            // `a: b: c`: libyaml's error.
            guard !isValueIndicator(afterSpaces(pos)) else { throw Decline() }
            node = add(token)
        }
        try endOfValue(parentIndent)
        return node
    }

    // MARK: Flow collections

    /// A flow sequence or mapping on one line, at `pos`.
    private mutating func flowCollection() throws(Decline) -> Int32 {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw Decline() }
        let isMapping = bytes[pos] == lbrace
        let closing = isMapping ? rbrace : rbracket
        let node = open(isMapping ? .mapping : .sequence)
        let start = pending.count
        pos = afterSpaces(pos + 1)
        if pos < end, bytes[pos] == closing {
            pos += 1
        } else {
            while true {
                if isMapping {
                    let key = try scalar(flow: true)
                    guard key.length <= Self.maxKeyLength else { throw Decline() }
                    pending.append(add(key))
                    pos = afterSpaces(pos)
                    guard pos + 1 < end, bytes[pos] == colon, bytes[pos + 1] == space else { throw Decline() }
                    pos = afterSpaces(pos + 1)
                }
                // In a sequence, `k: v` is a mapping of one pair: left to libyaml like every
                // other character but `,` and the closing bracket here.
                pending.append(try flowValue())
                pos = afterSpaces(pos)
                guard pos < end else { throw Decline() }
                if bytes[pos] == comma {
                    pos = afterSpaces(pos + 1)
                    // A trailing comma is left to libyaml.
                    guard pos < end, bytes[pos] != closing else { throw Decline() }
                    continue
                }
                guard bytes[pos] == closing else { throw Decline() }
                pos += 1
                break
            }
        }
        if isMapping { try checkDistinctKeys(from: start) }
        close(node, from: start)
        return node
    }

    private mutating func flowValue() throws(Decline) -> Int32 {
        guard pos < end else { throw Decline() }
        if bytes[pos] == lbracket || bytes[pos] == lbrace { return try flowCollection() }
        return add(try scalar(flow: true))
    }

    // MARK: Scalars

    /// A scalar read but not yet added (a block mapping's entry comes before its first key's).
    private struct Token {
        var string: String
        var plain: Bool
        var column: Int32
        /// Its length in bytes on the line, quotes included.
        var length: Int
    }

    /// The plain or quoted scalar at `pos`, on one line; `pos` moves past it (a plain scalar's
    /// trailing blanks stay).
    private mutating func scalar(flow: Bool) throws(Decline) -> Token {
        guard pos < end else { throw Decline() }
        let start = pos
        let column = column(at: start)
        let b = bytes[pos]
        if b == dquote || b == squote {
            let string = try quoted(b)
            return Token(string: string, plain: false, column: column, length: pos - start)
        }
        // What libyaml reads as an indicator, or as something other than a plain scalar.
        if b < 0x80, Self.notPlainStart[Int(b)] {
            guard b == dash, pos + 1 < end, Self.isAlphanumeric(bytes[pos + 1]) else { throw Decline() }
        }
        var p = pos
        var last = pos  // just past the last non-blank byte
        while p < end {
            let c = bytes[p]
            if c == lf { break }
            if c == space {
                if p + 1 < end, bytes[p + 1] == hash { break }  // a comment
                p += 1
                continue
            }
            if c == colon, isBlankOrEnd(p + 1) { break }
            if flow {
                if c == comma || c == lbracket || c == rbracket || c == lbrace || c == rbrace { break }
                // libyaml releases differ on `:` and `?` inside flow plain scalars.
                if c == colon || c == question { throw Decline() }
            }
            p += 1
            last = p
        }
        guard last > start else { throw Decline() }
        pos = last
        return Token(string: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<last]), as: UTF8.self), plain: true, column: column, length: last - start)
    }

    /// A quoted scalar's text; `pos` at the opening quote, then past the closing one.
    private mutating func quoted(_ quote: UInt8) throws(Decline) -> String {
        let contentStart = pos + 1
        var p = contentStart
        var escaped = false
        while true {
            guard p < end, bytes[p] != lf else { throw Decline() }  // multi-line: libyaml folds it
            let c = bytes[p]
            if c == quote {
                if quote == squote, p + 1 < end, bytes[p + 1] == squote { escaped = true; p += 2; continue }
                break
            }
            if c == backslash, quote == dquote {
                // An escaped line break folds lines: left to libyaml with the line break.
                guard p + 1 < end, bytes[p + 1] != lf else { throw Decline() }
                escaped = true
                p += 2
                continue
            }
            p += 1
        }
        let close = p
        pos = close + 1
        guard escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<close]), as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        var i = contentStart
        while i < close {
            let c = bytes[i]
            if quote == squote {
                scratch.append(c)
                i += c == squote ? 2 : 1
                continue
            }
            guard c == backslash else { scratch.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "0"): scratch.append(0)
            case UInt8(ascii: "a"): scratch.append(0x07)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "v"): scratch.append(0x0B)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "e"): scratch.append(0x1B)
            case space, dquote, UInt8(ascii: "/"), backslash: scratch.append(e)
            case UInt8(ascii: "N"): appendScalar(0x85)
            case UInt8(ascii: "_"): appendScalar(0xA0)
            case UInt8(ascii: "L"): appendScalar(0x2028)
            case UInt8(ascii: "P"): appendScalar(0x2029)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                guard i + digits <= close else { throw Decline() }
                var value: UInt32 = 0
                for d in bytes[i..<(i + digits)] {
                    guard let v = Self.hexValue(d) else { throw Decline() }
                    value = value << 4 | v
                }
                // Surrogates and values beyond Unicode are libyaml's error.
                guard value < 0xD800 || (value > 0xDFFF && value <= 0x10FFFF) else { throw Decline() }
                appendScalar(value)
                i += digits
            default:
                throw Decline()
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    private mutating func appendScalar(_ value: UInt32) {
        guard let scalar = Unicode.Scalar(value) else { return }
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    // MARK: Nodes

    /// The column (1-based, in characters, as libyaml counts) of byte `p` on the current line.
    /// Counted on from the last one asked for on the same line (tokens come left to right), so
    /// that a long line of many tokens is not counted again from its start for each.
    private mutating func column(at p: Int) -> Int32 {
        var (from, count) = lastColumn.line == line && lastColumn.offset <= p ? (lastColumn.offset, lastColumn.column) : (lineStart, 1)
        while from < p {
            if bytes[from] & 0xC0 != 0x80 { count += 1 }
            from += 1
        }
        lastColumn = (line, p, count)
        return count
    }

    private mutating func add(_ token: Token) -> Int32 {
        strings.append(token.string)
        entries.append(YAMLTree.Entry(kind: .scalar, plain: token.plain, line: line, column: token.column,
                                      first: Int32(strings.count - 1), count: 0))
        return Int32(entries.count - 1)
    }

    /// A collection's entry, at `pos` or at its first key; its children come with `close`.
    private mutating func open(_ kind: YAMLTree.Kind, at key: Token? = nil) -> Int32 {
        let column = key?.column ?? column(at: pos)
        entries.append(YAMLTree.Entry(kind: kind, plain: false, line: line, column: column, first: 0, count: 0))
        return Int32(entries.count - 1)
    }

    private mutating func close(_ node: Int32, from start: Int) {
        let first = Int32(children.count)
        children.append(contentsOf: pending[start...])
        pending.removeSubrange(start...)
        entries[Int(node)].first = first
        entries[Int(node)].count = Int32(children.count) - first
    }

    /// Duplicate keys are libyaml's (and `YAMLTree`'s) error to report.
    private func checkDistinctKeys(from start: Int) throws(Decline) {
        let count = (pending.count - start) / 2
        func key(_ i: Int) -> String { strings[Int(entries[Int(pending[start + 2 * i])].first)] }
        if count <= 16 {
            for i in 0..<count {
                let a = key(i)
                for j in (i + 1)..<max(count, i + 1) where key(j) == a { throw Decline() }
            }
        } else {
            var seen = Set<String>(minimumCapacity: count)
            for i in 0..<count where !seen.insert(key(i)).inserted { throw Decline() }
        }
    }

    // MARK: Characters

    /// ASCII bytes that cannot start a plain scalar (`-` can, before a letter or digit).
    private static let notPlainStart: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for c in "-?:,[]{}#&*!|>'\"%@` \n".utf8 { table[Int(c)] = true }
        return table
    }()

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x41...0x46: UInt32(b - 0x41 + 10)
        case 0x61...0x66: UInt32(b - 0x61 + 10)
        default: nil
        }
    }
}

private let lf = UInt8(ascii: "\n")
private let space = UInt8(ascii: " ")
private let hash = UInt8(ascii: "#")
private let colon = UInt8(ascii: ":")
private let comma = UInt8(ascii: ",")
private let dash = UInt8(ascii: "-")
private let dot = UInt8(ascii: ".")
private let percent = UInt8(ascii: "%")
private let question = UInt8(ascii: "?")
private let backslash = UInt8(ascii: "\\")
private let squote = UInt8(ascii: "'")
private let dquote = UInt8(ascii: "\"")
private let lbracket = UInt8(ascii: "[")
private let rbracket = UInt8(ascii: "]")
private let lbrace = UInt8(ascii: "{")
private let rbrace = UInt8(ascii: "}")
