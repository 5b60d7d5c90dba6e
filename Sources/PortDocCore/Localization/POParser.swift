/// Parses gettext PO text; reports every syntax problem with `path:line:col`.
public enum POParser {
    public static func parse(_ text: String, path: String) -> (POFile?, [Diagnostic]) {
        var parser = Parser(path: path)
        parser.run(TextNormalization.stripBOM(text))
        var d = Diagnostics(parser.diagnostics)
        var header: POEntry?
        var entries: [POEntry] = []
        var seen: [String: SourceLocation] = [:]
        for entry in parser.entries {
            if entry.isHeader {
                if header != nil {
                    d.error("a second header entry (msgid \"\")", at: entry.location, id: "po.duplicate")
                } else if !entries.isEmpty {
                    d.error("the header entry (msgid \"\") must come first", at: entry.location, id: "po.header")
                } else {
                    header = entry
                }
                continue
            }
            if !entry.isObsolete {
                // PortDoc keys messages by msgctxt alone: one key, one entry, whatever its msgid.
                let key = entry.context.map { "ctxt:" + $0 } ?? ("id:" + entry.id)
                if let first = seen[key] {
                    let name = entry.context.map { "msgctxt \"\(POWriter.escape($0))\"" } ?? "msgid \"\(POWriter.escape(entry.id))\""
                    d.error("duplicate entry \(name); first defined at line \(first.line)", at: entry.location, id: "po.duplicate")
                } else if let loc = entry.location {
                    seen[key] = loc
                }
            }
            entries.append(entry)
        }
        if let header {
            let file = POFile(path: path, header: header, entries: [])
            if let ct = file.headerField("Content-Type"), !ct.lowercased().contains("charset=utf-8") {
                d.error("the header's Content-Type must declare charset=UTF-8, found '\(ct)'", at: header.stringLocation, id: "po.charset")
            }
        }
        return (d.hasErrors ? nil : POFile(path: path, header: header, entries: entries), d.all)
    }

    private struct Parser {
        let path: String
        var diagnostics: [Diagnostic] = []
        var entries: [POEntry] = []
        var current = POEntry(id: "")
        var hasKeyword = false
        var hasComments = false
        /// Which string a continuation line appends to.
        enum Target { case none, context, id, idPlural, string(Int), previousContext, previousID }
        var target = Target.none
        var sawMsgid = false
        var sawMsgstr = false
        var lineNumber = 0

        init(path: String) { self.path = path }

        mutating func error(_ message: String, column: Int, id: String = "po.syntax") {
            diagnostics.append(.error(message, at: SourceLocation(path: path, line: lineNumber, column: column), id: id))
        }

        mutating func finishEntry() {
            if hasKeyword {
                if !sawMsgid {
                    diagnostics.append(.error("entry has no msgid", at: current.location, id: "po.syntax"))
                } else if !sawMsgstr {
                    diagnostics.append(.error("entry has no msgstr", at: current.location, id: "po.syntax"))
                } else {
                    entries.append(current)
                }
            }
            current = POEntry(id: "")
            current.strings = []
            hasKeyword = false
            hasComments = false
            sawMsgid = false
            sawMsgstr = false
            target = .none
        }

        mutating func run(_ text: String) {
            current.strings = []
            // Lines are cut on the UTF-8 bytes: much cheaper than splitting Characters.
            let utf8 = text.utf8
            var start = utf8.startIndex
            while start <= utf8.endIndex {
                let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
                lineNumber += 1
                var line = Substring(utf8[start..<end])
                if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
                handle(line)
                if end == utf8.endIndex { break }
                start = utf8.index(after: end)
            }
            finishEntry()
        }

        mutating func handle(_ line: Substring) {
            // Byte-level scanning: PO syntax is ASCII, and Character iteration is slow on big files.
            let trimmed = Substring(line.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            let indent = line.utf8.count - trimmed.utf8.count  // spaces and tabs: one byte each
            if trimmed.isEmpty { finishEntry(); return }
            let bytes = trimmed.utf8
            if bytes.first == UInt8(ascii: "#"), bytes.dropFirst().first == UInt8(ascii: "~") {
                var rest = bytes.dropFirst(2)
                var isPrevious = false
                if rest.first == UInt8(ascii: "|") { rest = rest.dropFirst(); isPrevious = true }
                let body = Substring(rest.drop { $0 == UInt8(ascii: " ") })
                let column = indent + (trimmed.utf8.count - body.utf8.count) + 1  // "#~", "|" and spaces are ASCII
                if hasKeyword && !current.isObsolete {
                    if sawMsgstr { finishEntry() } else { error("an obsolete '#~' line inside an active entry", column: indent + 1); return }
                }
                current.isObsolete = true
                if isPrevious {
                    keywordLine(body, column: column, previous: true)
                    return
                }
                keywordLine(body, column: column, previous: false)
                return
            }
            if bytes.first == UInt8(ascii: "#") {
                if hasKeyword && sawMsgstr { finishEntry() }
                else if hasKeyword { error("a comment inside an entry; comments go before msgctxt/msgid", column: indent + 1); return }
                hasComments = true
                let kind = trimmed.dropFirst().first
                let body = String(trimmed.dropFirst(2).drop { $0 == " " })
                switch kind {
                case ".": current.extractedComments.append(body)
                case ":": current.references.append(body)
                case ",":
                    current.flags.append(contentsOf: body.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty })
                case "|":
                    keywordLine(Substring(body), column: indent + 3, previous: true)
                case " ", nil:
                    let comment = trimmed.dropFirst()
                    current.translatorComments.append(String(comment.first == " " ? comment.dropFirst() : comment))
                default:
                    error("unknown comment kind '#\(kind.map(String.init) ?? "")'; PO comments are '# ', '#.', '#:', '#,', '#|' and '#~'", column: indent + 1)
                }
                return
            }
            if current.isObsolete && hasKeyword { error("an active line inside an obsolete entry; start a new entry after a blank line", column: indent + 1); return }
            keywordLine(trimmed, column: indent + 1, previous: false)
        }

        mutating func keywordLine(_ text: Substring, column: Int, previous: Bool) {
            if text.utf8.first == UInt8(ascii: "\"") {
                guard let value = string(text, column: column) else { return }
                switch target {
                case .none: error("a string with no keyword before it", column: column)
                case .context: current.context = (current.context ?? "") + value
                case .id: current.id += value
                case .idPlural: current.idPlural = (current.idPlural ?? "") + value
                case .string(let i): current.strings[i] += value
                case .previousContext: current.previousContext = (current.previousContext ?? "") + value
                case .previousID: current.previousID = (current.previousID ?? "") + value
                }
                return
            }
            let keyword = Substring(text.utf8.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") })
            let rest = Substring(text.utf8[keyword.endIndex...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            let valueColumn = column + text[..<rest.startIndex].unicodeScalars.count
            guard rest.utf8.first == UInt8(ascii: "\"") else {
                if ["msgctxt", "msgid", "msgid_plural"].contains(keyword) || keyword.hasPrefix("msgstr") {
                    error("'\(keyword)' must be followed by a quoted string", column: valueColumn)
                } else {
                    error("unexpected '\(keyword)'; expected msgctxt, msgid, msgid_plural or msgstr", column: column)
                }
                return
            }
            // A malformed string is reported once; the keyword still counts, so that no
            // follow-up error (such as "entry has no msgstr") hides the real one.
            let value = string(rest, column: valueColumn) ?? ""
            if previous {
                switch keyword {
                case "msgctxt": current.previousContext = value; target = .previousContext
                case "msgid": current.previousID = value; target = .previousID
                case "msgid_plural": target = .none
                default: error("unexpected '\(keyword)' in a '#|' previous-message comment", column: column)
                }
                return
            }
            if sawMsgstr && (keyword == "msgctxt" || keyword == "msgid") {
                // A new entry started without a blank line between: allowed by gettext.
                let obsolete = current.isObsolete
                finishEntry()
                current.isObsolete = obsolete
            }
            let location = SourceLocation(path: path, line: lineNumber, column: column)
            switch keyword {
            case "msgctxt":
                if hasKeyword { error("msgctxt must come before msgid", column: column); return }
                current.context = value; target = .context
                current.location = location
            case "msgid":
                if sawMsgid { error("a second msgid in one entry", column: column); return }
                current.id = value; target = .id; sawMsgid = true
                if current.location == nil { current.location = location }
            case "msgid_plural":
                if !sawMsgid || sawMsgstr { error("msgid_plural must follow msgid", column: column); return }
                current.idPlural = value; target = .idPlural
            case "msgstr":
                if !sawMsgid { error("msgstr without msgid", column: column); return }
                if sawMsgstr { error("a second msgstr in one entry", column: column); return }
                if current.idPlural != nil { error("a plural entry needs msgstr[0], msgstr[1] …", column: column); return }
                current.strings = [value]; target = .string(0); sawMsgstr = true
                current.stringLocation = location
            default:
                if keyword.hasPrefix("msgstr["), keyword.hasSuffix("]"), let n = Int(keyword.dropFirst(7).dropLast()) {
                    if !sawMsgid || current.idPlural == nil { error("msgstr[\(n)] needs msgid_plural before it", column: column); return }
                    if n != current.strings.count { error("msgstr[\(n)] out of order; expected msgstr[\(current.strings.count)]", column: column); return }
                    current.strings.append(value); target = .string(n); sawMsgstr = true
                    if n == 0 { current.stringLocation = location }
                } else {
                    error("unexpected '\(keyword)'; expected msgctxt, msgid, msgid_plural or msgstr", column: column)
                    return
                }
            }
            hasKeyword = true
        }

        /// Reads one `"…"` string with C escapes; reports the column of any problem.
        mutating func string(_ text: Substring, column: Int) -> String? {
            // Fast path: no escape, the closing quote, then only white space.
            let utf8 = text.utf8
            if let close = utf8.dropFirst().firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
               utf8[close] == UInt8(ascii: "\""),
               utf8[utf8.index(after: close)...].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                return String(Substring(utf8[utf8.index(after: utf8.startIndex)..<close]))
            }
            let scalars = Array(text.unicodeScalars)
            var out = String.UnicodeScalarView()
            var bytes: [UInt8] = []  // octal/hex escapes form UTF-8 bytes
            var i = 1
            func flushBytes() -> Bool {
                guard !bytes.isEmpty else { return true }
                defer { bytes.removeAll() }
                guard let s = String(validating: bytes, as: UTF8.self) else { return false }
                out.append(contentsOf: s.unicodeScalars)
                return true
            }
            while i < scalars.count {
                let c = scalars[i]
                if c == "\"" {
                    guard flushBytes() else { error("escaped bytes do not form valid UTF-8", column: column + i); return nil }
                    let after = scalars[(i + 1)...].drop { $0 == " " || $0 == "\t" }
                    if let extra = after.first {
                        error("unexpected '\(extra)' after the closing quote", column: column + scalars.count - after.count)
                        return nil
                    }
                    return String(out)
                }
                if c == "\\" {
                    guard i + 1 < scalars.count else { break }
                    let e = scalars[i + 1]
                    var simple: Unicode.Scalar?
                    switch e {
                    case "n": simple = "\n"
                    case "t": simple = "\t"
                    case "r": simple = "\r"
                    case "\"": simple = "\""
                    case "\\": simple = "\\"
                    case "a": simple = "\u{07}"
                    case "b": simple = "\u{08}"
                    case "f": simple = "\u{0C}"
                    case "v": simple = "\u{0B}"
                    case "0"..."7":
                        var value: UInt32 = 0, j = i + 1
                        while j < scalars.count, j < i + 4, ("0"..."7").contains(scalars[j]) { value = value * 8 + scalars[j].value - 48; j += 1 }
                        guard value <= 0xFF else { error("octal escape out of range", column: column + i); return nil }
                        bytes.append(UInt8(value)); i = j; continue
                    case "x":
                        var value: UInt32 = 0, j = i + 2
                        while j < scalars.count, j < i + 4, let h = Int(String(scalars[j]), radix: 16) { value = value * 16 + UInt32(h); j += 1 }
                        guard j > i + 2 else { error("'\\x' needs hexadecimal digits", column: column + i); return nil }
                        bytes.append(UInt8(value)); i = j; continue
                    default:
                        error("invalid escape '\\\(e)'; PO strings allow \\n \\t \\r \\\" \\\\ \\a \\b \\f \\v and octal or \\x escapes", column: column + i, id: "po.escape")
                        return nil
                    }
                    guard flushBytes(), let simple else { error("escaped bytes do not form valid UTF-8", column: column + i); return nil }
                    out.append(simple)
                    i += 2
                    continue
                }
                guard flushBytes() else { error("escaped bytes do not form valid UTF-8", column: column + i); return nil }
                out.append(c)
                i += 1
            }
            error("unterminated string; a PO string ends with '\"' on the same line", column: column)
            return nil
        }
    }
}
