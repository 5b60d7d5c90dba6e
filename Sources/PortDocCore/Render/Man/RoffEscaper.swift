/// roff escaping for man pages (groff_man(7), mandoc_roff(7), tbl(1)). The one place man text is
/// escaped. Non-ASCII characters become `\[uXXXX]` because mandoc's tbl reads 7-bit ASCII.
public enum RoffEscaper {
    /// Escapes characters inside a text line or argument.
    static func characters(_ s: String, special: UInt8 = 0, extra: (Unicode.Scalar) -> String? = { _ in nil }) -> String {
        // Fast path: printable ASCII without a backslash or the caller's special character.
        if !s.utf8.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") || $0 == 0x0A || $0 == 0x09 || ($0 == special && special != 0) }) {
            return s
        }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            if let replacement = extra(scalar) { out += replacement; continue }
            switch scalar {
            case "\\": out += "\\e"
            case "\n", "\t": out += " "
            default:
                if scalar.value < 0x80 {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
                }
            }
        }
        return out
    }

    /// A text line: a leading `.` or `'` would make it a request, so it gets `\&` in front.
    public static func textLine(_ s: String) -> String {
        let escaped = characters(s)
        if let first = escaped.first, first == "." || first == "'" { return "\\&" + escaped }
        return escaped
    }

    /// A macro argument, quoted: `"` becomes `\(dq` (a raw quote would end the argument).
    public static func argument(_ s: String) -> String {
        "\"" + characters(s, special: UInt8(ascii: "\""), extra: { $0 == "\"" ? "\\(dq" : nil }) + "\""
    }

    /// Part of an unquoted macro argument (`.IP [{{number}}] 5`): a space or `"` would end or
    /// break the argument, so they become `\ ` and `\(dq`.
    public static func embeddedArgument(_ s: String) -> String {
        characters(s, special: UInt8(ascii: "\""), extra: { $0 == "\"" ? "\\(dq" : nil })
            .split(separator: " ", omittingEmptySubsequences: false).joined(separator: "\\ ")
    }

    /// A tbl cell or a line of a `T{ … T}` text block with `tab(@)`: `@` would split the cell and a
    /// leading `T}` would end the block.
    public static func tableCell(_ s: String) -> String {
        let escaped = characters(s, special: UInt8(ascii: "@"), extra: { $0 == "@" ? "\\(at" : nil })
        if let first = escaped.first, first == "." || first == "'" || escaped.hasPrefix("T}") { return "\\&" + escaped }
        return escaped
    }
}
