/// Parses gettext PO text; reports every syntax problem with `path:line:col`.
public enum POParser {
    public static func parse(_ text: String, path: String) -> (POFile?, [Diagnostic]) {
        var parser = Parser(path: path, compact: false)
        var text = TextNormalization.stripBOM(text)
        text.withUTF8 { parser.run($0) }
        let d = parser.finish()
        return (d.hasErrors ? nil : POFile(path: path, header: parser.header, entries: parser.entries), d.all)
    }

    /// The build's reading of a PO file's bytes: what `Translation(locale:file:).compacted()` gives
    /// for `parse`'s file of their text, with `TextNormalization.decodeUTF8`'s or `parse`'s
    /// diagnostics and then, when there are no errors, those of `ProjectChecks.check(_:)`, made
    /// without the String of the whole file or the `POFile` in between. The same grammar reads the
    /// text; only where values go differs: a msgstr's bytes straight into the translation's
    /// buffer, comments of entries other than the first (which may be the header) not kept, keys
    /// checked for duplicates in the translation's own table. (At 10k rows in nine locales the
    /// parse, the compaction and the release of the parsed files took about 1.4 G instructions.)
    public static func parseCompacted(_ file: [UInt8], path: String, locale: String) -> (Translation?, [Diagnostic]) {
        let bytes: [UInt8]
        switch TextNormalization.checkedUTF8(file, path: path) {
        case .success(let checked): bytes = checked
        case .failure(let problem): return (nil, [problem])
        }
        var parser = Parser(path: path, compact: true)
        bytes.withUnsafeBufferPointer { parser.run($0) }
        var d = parser.finish()
        if d.hasErrors { return (nil, d.all) }
        d.append(contentsOf: parser.checks)
        let file = POFile(path: path, header: parser.header, entries: [])
        return (Translation(locale: locale, file: file, compact: parser.table, arena: parser.arena, pendingIDs: parser.ids), d.all)
    }

    private struct Parser {
        let path: String
        /// The build's mode (`parseCompacted`): messages go into `table` and `arena`, not `entries`.
        let compact: Bool
        var diagnostics: [Diagnostic] = []
        /// Findings about whole entries (the header's place, repeated keys), in entry order: they
        /// follow the syntax errors.
        var late: [Diagnostic] = []
        /// Compact mode: the findings of `ProjectChecks.check(_:)` (too long a translation).
        var checks: [Diagnostic] = []
        var entries: [POEntry] = []
        var header: POEntry?
        /// Entries finished other than the header, obsolete ones included: the header comes first.
        var entryCount = 0
        /// The first definition of each key. One hash per entry, of its key without building a
        /// String (a lookup and then an insert, of "ctxt:" + the context, took two and a
        /// concatenation). In compact mode only for entries without msgctxt: `table` is the rest.
        enum Key: Hashable { case context(String), id(String) }
        var seen: [Key: SourceLocation] = [:]
        var table = Translation.CompactTable()
        /// Compact mode: every kept msgstr's bytes; the current entry's msgstr from `stringStart`.
        var arena: [UInt8] = []
        var stringStart = 0
        /// Compact mode: the msgids of kept entries (`Translation`'s pending msgids); the current
        /// entry's from `idStart`. Only an entry without msgctxt has its msgid made a String.
        var ids: [UInt8] = []
        var idStart = 0
        /// The string just read, decoded.
        var value: [UInt8] = []
        var current = POEntry(id: "")
        var hasKeyword = false
        /// Which string a continuation line appends to.
        enum Target { case none, context, id, idPlural, string(Int), previousContext, previousID }
        var target = Target.none
        var sawMsgid = false
        var sawMsgstr = false
        var lineNumber = 0

        init(path: String, compact: Bool) {
            self.path = path
            self.compact = compact
        }

        /// Whether comments and previous-message lines are kept: always, but in compact mode only
        /// for the first entry, which may be the header.
        var keepsComments: Bool { !compact || (entryCount == 0 && header == nil) }

        var valueString: String { String(decoding: value, as: UTF8.self) }

        mutating func error(_ message: String, column: Int, id: String = "po.syntax") {
            diagnostics.append(.error(message, at: SourceLocation(path: path, line: lineNumber, column: column), id: id))
        }

        /// One empty msgstr, shared (a new array per entry cost an allocation).
        static let standIn = [""]

        /// An entry with nothing in it, not even the one empty msgstr `POEntry.init` gives.
        static let blank: POEntry = {
            var entry = POEntry(id: "")
            entry.strings = []
            return entry
        }()

        mutating func finishEntry() {
            // The entry is moved out and a blank one put in its place: appending a copy retained
            // and released each of its strings and arrays, and a new entry allocated a msgstr
            // array only to replace it (about 900 of the 2,200 instructions this took an entry).
            var finished = Self.blank
            swap(&finished, &current)
            var keepsString = false
            if hasKeyword {
                if !sawMsgid {
                    diagnostics.append(.error("entry has no msgid", at: finished.location, id: "po.syntax"))
                } else if !sawMsgstr {
                    diagnostics.append(.error("entry has no msgstr", at: finished.location, id: "po.syntax"))
                } else {
                    keepsString = admit(&finished)
                }
            }
            if compact {
                if !keepsString {
                    arena.removeSubrange(stringStart...)
                    ids.removeSubrange(idStart...)
                }
                stringStart = arena.count
                idStart = ids.count
            }
            hasKeyword = false
            sawMsgid = false
            sawMsgstr = false
            target = .none
        }

        /// A complete entry: the header, or a message checked against the keys before it. In
        /// compact mode, true when its msgstr stays in `arena`.
        mutating func admit(_ entry: inout POEntry) -> Bool {
            if compact, entry.context == nil { entry.id = String(decoding: ids[idStart...], as: UTF8.self) }
            if compact, !entry.strings.isEmpty {
                // msgstr (or msgstr[0]) is in the arena; the entry holds an empty stand-in.
                if entry.isHeader {
                    entry.strings[0] = String(decoding: arena[stringStart...], as: UTF8.self)
                } else {
                    let longest = entry.strings.dropFirst().reduce(arena.count - stringStart) { max($0, $1.utf8.count) }
                    if longest > SourceText.maxMessageLength {
                        var strings = entry.strings
                        strings[0] = String(decoding: arena[stringStart...], as: UTF8.self)
                        if let problem = ProjectChecks.tooLong(strings, at: entry.stringLocation ?? entry.location) { checks.append(problem) }
                    }
                }
            }
            if entry.isHeader {
                if header != nil {
                    late.append(.error("a second header entry (msgid \"\")", at: entry.location, id: "po.duplicate"))
                } else if entryCount > 0 {
                    late.append(.error("the header entry (msgid \"\") must come first", at: entry.location, id: "po.header"))
                } else {
                    header = entry
                }
                return false
            }
            entryCount += 1
            var kept = false
            if !entry.isObsolete {
                // PortDoc keys messages by msgctxt alone: one key, one entry, whatever its msgid.
                var first: SourceLocation? = nil
                if compact, let key = entry.context {
                    let new = Translation.Compact(idHash: Translation.Compact.pending(start: idStart, length: ids.count - idStart), start: stringStart, length: arena.count - stringStart,
                                                  location: entry.location, stringLocation: entry.stringLocation, fuzzy: entry.isFuzzy)
                    if let earlier = table.add(new, for: key) {
                        // The first definition stays.
                        first = SourceLocation(path: path, line: Int(earlier.line), column: Int(earlier.column))
                    } else {
                        kept = true
                    }
                } else {
                    let key = entry.context.map { Key.context($0) } ?? .id(entry.id)
                    if let location = entry.location {
                        first = seen.updateValue(location, forKey: key)
                        // The first definition stays the one a later duplicate names.
                        if let first { seen[key] = first }
                    } else {
                        first = seen[key]
                    }
                }
                if let first {
                    let name = entry.context.map { "msgctxt \"\(POWriter.escape($0))\"" } ?? "msgid \"\(POWriter.escape(entry.id))\""
                    late.append(.error("duplicate entry \(name); first defined at line \(first.line)", at: entry.location, id: "po.duplicate"))
                }
            }
            if !compact {
                var moved = Self.blank
                swap(&moved, &entry)
                entries.append(moved)
            }
            return kept
        }

        /// The diagnostics of the whole text, once it is read.
        func finish() -> Diagnostics {
            var d = Diagnostics(diagnostics)
            d.append(contentsOf: late)
            if let header {
                let file = POFile(path: path, header: header, entries: [])
                if let ct = file.headerField("Content-Type"), !ct.lowercased().contains("charset=utf-8") {
                    d.error("the header's Content-Type must declare charset=UTF-8, found '\(ct)'", at: header.stringLocation, id: "po.charset")
                }
            }
            return d
        }

        /// The lines are read from the text's UTF-8 bytes: PO syntax is ASCII, so keywords, quotes,
        /// escapes and indentation are found on bytes, and text becomes a `String` only where it
        /// is a value. Columns count Unicode scalars, as a translator's editor does.
        typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

        mutating func run(_ all: UnsafeBufferPointer<UInt8>) {
            current.strings = []
            // About 140 bytes an entry in the files `portdoc locales` writes; more in files with
            // comments, which then have room to spare.
            if compact { table = Translation.CompactTable(capacity: all.count / 140) }
            var start = 0
            let count = all.count
            while start <= count {
                let end = all[start...].firstIndex(of: 0x0A, from: start) ?? count
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start, all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                handle(all[start..<lineEnd])
                if end == count { break }
                start = end + 1
            }
            finishEntry()
        }

        static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

        static func decode(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

        static func equals(_ bytes: Bytes, _ word: StaticString) -> Bool {
            guard bytes.count == word.utf8CodeUnitCount else { return false }
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            return zip(bytes, w).allSatisfy { $0 == $1 }
        }

        mutating func handle(_ line: Bytes) {
            let t = line.firstIndex { !Self.isBlank($0) } ?? line.endIndex
            let indent = t - line.startIndex  // spaces and tabs: one byte each
            if t == line.endIndex { finishEntry(); return }
            let trimmed = line[t...]
            let second: UInt8? = trimmed.count > 1 ? trimmed[t + 1] : nil
            if trimmed.first == UInt8(ascii: "#"), second == UInt8(ascii: "~") {
                var rest = trimmed.dropFirst(2)
                var isPrevious = false
                if rest.first == UInt8(ascii: "|") { rest = rest.dropFirst(); isPrevious = true }
                let body = rest.drop { $0 == 0x20 }
                let column = indent + (body.startIndex - t) + 1  // "#~", "|" and spaces are ASCII
                if hasKeyword && !current.isObsolete {
                    if sawMsgstr { finishEntry() } else { error("an obsolete '#~' line inside an active entry", column: indent + 1); return }
                }
                current.isObsolete = true
                keywordLine(body, column: column, previous: isPrevious)
                return
            }
            if trimmed.first == UInt8(ascii: "#") {
                if hasKeyword && sawMsgstr { finishEntry() }
                else if hasKeyword { error("a comment inside an entry; comments go before msgctxt/msgid", column: indent + 1); return }
                let bodyBytes = trimmed.dropFirst(2).drop { $0 == 0x20 }
                switch second {
                case UInt8(ascii: "."): if keepsComments { current.extractedComments.append(Self.decode(bodyBytes)) }
                case UInt8(ascii: ":"): if keepsComments { current.references.append(Self.decode(bodyBytes)) }
                case UInt8(ascii: ","):
                    current.flags.append(contentsOf: Self.decode(bodyBytes).split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty })
                case UInt8(ascii: "|"):
                    keywordLine(bodyBytes, column: indent + 3, previous: true)
                case UInt8(ascii: " "), nil:
                    let comment = trimmed.dropFirst()
                    if keepsComments { current.translatorComments.append(Self.decode(comment.first == 0x20 ? comment.dropFirst() : comment)) }
                default:
                    let kind = Self.decode(trimmed.dropFirst()).first.map(String.init) ?? ""
                    error("unknown comment kind '#\(kind)'; PO comments are '# ', '#.', '#:', '#,', '#|' and '#~'", column: indent + 1)
                }
                return
            }
            if current.isObsolete && hasKeyword { error("an active line inside an obsolete entry; start a new entry after a blank line", column: indent + 1); return }
            keywordLine(trimmed, column: indent + 1, previous: false)
        }

        /// A continuation line's `value`, appended to the string the entry is at.
        mutating func appendValue() {
            switch target {
            case .none: break
            case .context: current.context = (current.context ?? "") + valueString
            case .id: if compact { ids.append(contentsOf: value) } else { current.id += valueString }
            case .idPlural: current.idPlural = (current.idPlural ?? "") + valueString
            case .string(let i):
                if compact && i == 0 { arena.append(contentsOf: value) } else { current.strings[i] += valueString }
            case .previousContext: if keepsComments { current.previousContext = (current.previousContext ?? "") + valueString }
            case .previousID: if keepsComments { current.previousID = (current.previousID ?? "") + valueString }
            }
        }

        /// `value` as the entry's next msgstr (msgstr[0] into the arena in compact mode, with an
        /// empty stand-in in the entry).
        mutating func addString() {
            if compact && current.strings.isEmpty {
                arena.append(contentsOf: value)
                current.strings = Self.standIn
            } else {
                current.strings.append(valueString)
            }
        }

        mutating func keywordLine(_ text: Bytes, column: Int, previous: Bool) {
            if text.first == UInt8(ascii: "\"") {
                guard readString(text, column: column) else { return }
                if case .none = target { error("a string with no keyword before it", column: column) }
                appendValue()
                return
            }
            let keywordEnd = text.firstIndex(where: Self.isBlank) ?? text.endIndex
            let keyword = text[..<keywordEnd]
            let rest = text[keywordEnd...].drop(while: Self.isBlank)
            let valueColumn = column + UTF8Bytes.scalarCount(text[..<rest.startIndex])
            guard rest.first == UInt8(ascii: "\"") else {
                let name = Self.decode(keyword)
                if ["msgctxt", "msgid", "msgid_plural"].contains(name) || name.hasPrefix("msgstr") {
                    error("'\(name)' must be followed by a quoted string", column: valueColumn)
                } else {
                    error("unexpected '\(name)'; expected msgctxt, msgid, msgid_plural or msgstr", column: column)
                }
                return
            }
            // A malformed string is reported once; the keyword still counts, so that no
            // follow-up error (such as "entry has no msgstr") hides the real one.
            if !readString(rest, column: valueColumn) { value.removeAll(keepingCapacity: true) }
            if previous {
                if Self.equals(keyword, "msgctxt") { if keepsComments { current.previousContext = valueString }; target = .previousContext }
                else if Self.equals(keyword, "msgid") { if keepsComments { current.previousID = valueString }; target = .previousID }
                else if Self.equals(keyword, "msgid_plural") { target = .none }
                else { error("unexpected '\(Self.decode(keyword))' in a '#|' previous-message comment", column: column) }
                return
            }
            let isContext = Self.equals(keyword, "msgctxt"), isID = Self.equals(keyword, "msgid")
            if sawMsgstr && (isContext || isID) {
                // A new entry started without a blank line between: allowed by gettext.
                let obsolete = current.isObsolete
                finishEntry()
                current.isObsolete = obsolete
            }
            let location = SourceLocation(path: path, line: lineNumber, column: column)
            if isContext {
                if hasKeyword { error("msgctxt must come before msgid", column: column); return }
                current.context = valueString; target = .context
                current.location = location
            } else if isID {
                if sawMsgid { error("a second msgid in one entry", column: column); return }
                if compact { ids.append(contentsOf: value) } else { current.id = valueString }
                target = .id; sawMsgid = true
                if current.location == nil { current.location = location }
            } else if Self.equals(keyword, "msgid_plural") {
                if !sawMsgid || sawMsgstr { error("msgid_plural must follow msgid", column: column); return }
                current.idPlural = valueString; target = .idPlural
            } else if Self.equals(keyword, "msgstr") {
                if !sawMsgid { error("msgstr without msgid", column: column); return }
                if sawMsgstr { error("a second msgstr in one entry", column: column); return }
                if current.idPlural != nil { error("a plural entry needs msgstr[0], msgstr[1] …", column: column); return }
                addString(); target = .string(0); sawMsgstr = true
                current.stringLocation = location
            } else {
                let name = Self.decode(keyword)
                if name.hasPrefix("msgstr["), name.hasSuffix("]"), let n = Int(name.dropFirst(7).dropLast()) {
                    if !sawMsgid || current.idPlural == nil { error("msgstr[\(n)] needs msgid_plural before it", column: column); return }
                    if n != current.strings.count { error("msgstr[\(n)] out of order; expected msgstr[\(current.strings.count)]", column: column); return }
                    addString(); target = .string(n); sawMsgstr = true
                    if n == 0 { current.stringLocation = location }
                } else {
                    error("unexpected '\(name)'; expected msgctxt, msgid, msgid_plural or msgstr", column: column)
                    return
                }
            }
            hasKeyword = true
        }

        /// Reads one `"…"` string with C escapes into `value`; reports the column of any problem
        /// (and then returns false).
        mutating func readString(_ text: Bytes, column: Int) -> Bool {
            value.removeAll(keepingCapacity: true)
            let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
            // Fast path: no escape, the closing quote, then only white space.
            let open = text.startIndex
            // memchr for the quote, then for a backslash before it (a byte loop for either cost
            // about 500 instructions a string).
            if let close = text.firstIndex(of: quote, from: open + 1), text[(open + 1)..<close].firstIndex(of: backslash, from: open + 1) == nil,
               text[(close + 1)...].allSatisfy(Self.isBlank) {
                value.append(contentsOf: text[(open + 1)..<close])
                return true
            }
            var out: [UInt8] = []
            swap(&out, &value)
            defer { swap(&out, &value) }
            var escaped: [UInt8] = []  // octal/hex escapes form UTF-8 bytes of their own
            var i = open + 1
            /// The column of byte `i`: the line's column plus the scalars before it.
            func columnOf(_ i: Int) -> Int { column + UTF8Bytes.scalarCount(text[open..<i]) }
            func flushEscaped() -> Bool {
                guard !escaped.isEmpty else { return true }
                defer { escaped.removeAll() }
                guard String(validating: escaped, as: UTF8.self) != nil else { return false }
                out.append(contentsOf: escaped)
                return true
            }
            while i < text.endIndex {
                let c = text[i]
                if c == quote {
                    guard flushEscaped() else { error("escaped bytes do not form valid UTF-8", column: columnOf(i)); return false }
                    if let extra = text[(i + 1)...].firstIndex(where: { !Self.isBlank($0) }) {
                        let character = Self.decode(text[extra...]).unicodeScalars.first.map { String($0) } ?? ""
                        error("unexpected '\(character)' after the closing quote", column: columnOf(extra))
                        return false
                    }
                    return true
                }
                if c == backslash {
                    guard i + 1 < text.endIndex else { break }
                    let e = text[i + 1]
                    var simple: UInt8?
                    switch e {
                    case UInt8(ascii: "n"): simple = 0x0A
                    case UInt8(ascii: "t"): simple = 0x09
                    case UInt8(ascii: "r"): simple = 0x0D
                    case quote: simple = quote
                    case backslash: simple = backslash
                    case UInt8(ascii: "a"): simple = 0x07
                    case UInt8(ascii: "b"): simple = 0x08
                    case UInt8(ascii: "f"): simple = 0x0C
                    case UInt8(ascii: "v"): simple = 0x0B
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var value: UInt32 = 0, j = i + 1
                        while j < text.endIndex, j < i + 4, text[j] >= UInt8(ascii: "0"), text[j] <= UInt8(ascii: "7") { value = value * 8 + UInt32(text[j] - 48); j += 1 }
                        guard value <= 0xFF else { error("octal escape out of range", column: columnOf(i)); return false }
                        escaped.append(UInt8(value)); i = j; continue
                    case UInt8(ascii: "x"):
                        var value: UInt32 = 0, j = i + 2
                        while j < text.endIndex, j < i + 4, let h = Self.hexValue(text[j]) { value = value * 16 + h; j += 1 }
                        guard j > i + 2 else { error("'\\x' needs hexadecimal digits", column: columnOf(i)); return false }
                        escaped.append(UInt8(value)); i = j; continue
                    default:
                        let name = Self.decode(text[(i + 1)...]).unicodeScalars.first.map { String($0) } ?? ""
                        error("invalid escape '\\\(name)'; PO strings allow \\n \\t \\r \\\" \\\\ \\a \\b \\f \\v and octal or \\x escapes", column: columnOf(i), id: "po.escape")
                        return false
                    }
                    guard flushEscaped(), let simple else { error("escaped bytes do not form valid UTF-8", column: columnOf(i)); return false }
                    out.append(simple)
                    i += 2
                    continue
                }
                guard flushEscaped() else { error("escaped bytes do not form valid UTF-8", column: columnOf(i)); return false }
                out.append(c)
                i += 1
            }
            error("unterminated string; a PO string ends with '\"' on the same line", column: column)
            return false
        }

        static func hexValue(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - 55)
            default: nil
            }
        }
    }
}
