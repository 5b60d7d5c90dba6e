/// Writes PO files in one canonical form (like `msgmerge --no-wrap`): one line per string,
/// except that strings with inner newlines are split after each `\n`. Parsing that form and
/// writing it again gives the same bytes.
public enum POWriter {
    public static func write(_ file: POFile) -> String {
        var out = ""
        var blocks: [String] = []
        if let header = file.header { blocks.append(entry(header)) }
        blocks.append(contentsOf: file.entries.map(entry))
        out = blocks.joined(separator: "\n")
        return out
    }

    public static func entry(_ e: POEntry) -> String {
        var lines: [String] = []
        lines += e.translatorComments.map { $0.isEmpty ? "#" : "# \($0)" }
        lines += e.extractedComments.map { "#. \($0)" }
        lines += e.references.map { "#: \($0)" }
        if !e.flags.isEmpty { lines.append("#, " + e.flags.joined(separator: ", ")) }
        let obsolete = e.isObsolete ? "#~ " : ""
        let previous = e.isObsolete ? "#~| " : "#| "
        if let c = e.previousContext { lines += keyword("msgctxt", c, prefix: previous) }
        if let p = e.previousID { lines += keyword("msgid", p, prefix: previous) }
        if let c = e.context { lines += keyword("msgctxt", c, prefix: obsolete) }
        lines += keyword("msgid", e.id, prefix: obsolete)
        if let plural = e.idPlural {
            lines += keyword("msgid_plural", plural, prefix: obsolete)
            for (i, s) in e.strings.enumerated() { lines += keyword("msgstr[\(i)]", s, prefix: obsolete) }
        } else {
            lines += keyword("msgstr", e.string, prefix: obsolete)
        }
        return lines.map { $0 + "\n" }.joined()
    }

    static func keyword(_ name: String, _ value: String, prefix: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for scalar in value.unicodeScalars {
            current.unicodeScalars.append(scalar)
            if scalar == "\n" { pieces.append(current); current = "" }
        }
        if !current.isEmpty { pieces.append(current) }
        if pieces.count <= 1 {
            return ["\(prefix)\(name) \"\(escape(pieces.first ?? ""))\""]
        }
        return ["\(prefix)\(name) \"\""] + pieces.map { "\(prefix)\"\(escape($0))\"" }
    }

    /// C-style escaping as gettext writes it; other control characters become octal escapes.
    public static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0B}": out += "\\v"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let octal = String(scalar.value, radix: 8)
                    out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
