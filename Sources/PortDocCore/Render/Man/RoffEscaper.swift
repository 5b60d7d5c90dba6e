/// roff escaping for man pages (groff_man(7), mandoc_roff(7), tbl(1)). The one place man text is
/// escaped. Non-ASCII characters become `\[uXXXX]` because mandoc's tbl reads 7-bit ASCII.
public enum RoffEscaper {
    /// Escapes characters inside a text line or argument; `special` (an ASCII byte) becomes
    /// `replacement`. On the UTF-8 bytes: the scalar loop with a closure per character cost 2,500
    /// instructions per table cell of German text.
    static func characters(_ s: String, special: UInt8 = 0, replacement: String = "") -> String {
        // Fast path: printable ASCII without a backslash or the caller's special character.
        if !s.containsUTF8Byte(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") || $0 == 0x0A || $0 == 0x09 || ($0 == special && special != 0) }) {
            return s
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        var text = s
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    i += 1
                    if b == special && special != 0 { out.append(contentsOf: replacement.utf8) }
                    else if b == 0x5C { out.append(contentsOf: [0x5C, UInt8(ascii: "e")]) }
                    else if b == 0x0A || b == 0x09 { out.append(0x20) }
                    else { out.append(b) }
                    continue
                }
                // A String's UTF-8 is valid: the lead byte gives the length.
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                var v = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length { v = (v << 6) | (UInt32(bytes[i + k]) & 0x3F) }
                i += length
                // \[uXXXX]: at least four upper-case hex digits.
                out.append(contentsOf: [0x5C, UInt8(ascii: "["), UInt8(ascii: "u")])
                var digits = 4
                while digits < 8, v >> (4 * UInt32(digits)) != 0 { digits += 1 }
                for d in stride(from: digits - 1, through: 0, by: -1) {
                    let nibble = UInt8((v >> (4 * UInt32(d))) & 0xF)
                    out.append(nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10)
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A text line: a leading `.` or `'` would make it a request, so it gets `\&` in front.
    public static func textLine(_ s: String) -> String {
        let escaped = characters(s)
        if let first = escaped.first, first == "." || first == "'" { return "\\&" + escaped }
        return escaped
    }

    /// A macro argument, quoted: `"` becomes `\(dq` (a raw quote would end the argument).
    public static func argument(_ s: String) -> String {
        "\"" + characters(s, special: UInt8(ascii: "\""), replacement: "\\(dq") + "\""
    }

    /// Part of an unquoted macro argument (`.IP [{{number}}] 5`): a space or `"` would end or
    /// break the argument, so they become `\ ` and `\(dq`.
    public static func embeddedArgument(_ s: String) -> String {
        characters(s, special: UInt8(ascii: "\""), replacement: "\\(dq")
            .split(separator: " ", omittingEmptySubsequences: false).joined(separator: "\\ ")
    }

    /// A tbl cell or a line of a `T{ … T}` text block with `tab(@)`: `@` would split the cell and a
    /// leading `T}` would end the block.
    public static func tableCell(_ s: String) -> String {
        let escaped = characters(s, special: UInt8(ascii: "@"), replacement: "\\(at")
        if let first = escaped.first, first == "." || first == "'" || escaped.hasPrefix("T}") { return "\\&" + escaped }
        return escaped
    }
}
