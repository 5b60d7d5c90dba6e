/// GitHub-flavoured Markdown escaping (GFM spec 0.29, §2.4 backslash escapes). The one place
/// Markdown text is escaped: the result reads as the literal text, inline or inside a table cell.
public enum MarkdownEscaper {
    /// Characters with inline meaning, escaped everywhere. `|` is included so that the same text
    /// is safe inside pipe-table cells (GFM §4.10); `#` because a heading's trailing ` #` run would
    /// be read as its closing sequence (GFM §4.2).
    static let inlineSpecials: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "!", "$", "#"]

    /// Bytes that may need escaping anywhere (ASCII specials and the newline).
    static let needsEscape: [Bool] = (0..<256).map { b in
        b == 0x0A || (b < 0x80 && inlineSpecials.contains(Unicode.Scalar(UInt8(b))))
    }

    /// `+`, `-` or `=`: characters that start a block only at the beginning of a line.
    static func startsBlock(_ b: UInt8) -> Bool { b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "=") }

    public static func text(_ s: String) -> String {
        // The table once, not through the global's lazy-initialisation check for every byte.
        let needsEscape = Self.needsEscape
        // Fast path: nothing to escape anywhere, and a first character that starts no block.
        if let first = s.utf8.first, !startsBlock(first), !(0x30...0x39).contains(first),
           !s.containsUTF8Byte(where: { needsEscape[Int($0)] }) {
            return s
        }
        return utf8String(reserving: s.utf8.count + 16) { append(s, to: &$0) }
    }

    /// `text(s)`, appended to a page's bytes. Byte by byte: every character that needs a backslash
    /// is ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character.
    public static func append(_ s: String, to out: inout [UInt8]) { append(s, to: &out, atLineStart: true) }

    /// `s` escaped as text that follows other text on its line: what would start a block or an
    /// ordered list at a line's start is left as it is.
    static func appendInside(_ s: String, to out: inout [UInt8]) { append(s, to: &out, atLineStart: false) }

    private static func append(_ s: String, to out: inout [UInt8], atLineStart: Bool) {
        let needsEscape = Self.needsEscape
        let backslash = UInt8(ascii: "\\")
        var s = s
        s.withUTF8 { bytes in
            var i = 0
            if atLineStart, let first = bytes.first {
                if startsBlock(first) {
                    out.append(backslash)
                } else if (0x30...0x39).contains(first) {
                    // "1." or "1)" at the start of a line would begin an ordered list.
                    while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
                    if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ")") {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<i]))
                        out.append(backslash)
                        out.append(bytes[i])
                        i += 1
                    } else {
                        i = 0
                    }
                }
            }
            var run = i
            while i < bytes.count {
                let b = bytes[i]
                if needsEscape[Int(b)] {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                    if b == 0x0A { out.append(contentsOf: [0x3C, 0x62, 0x72, 0x3E]) }  // <br>
                    else { out.append(backslash); out.append(b) }
                    run = i + 1
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
    }

    /// A URL as an autolink; the catalog guarantees it has no space, `<` or `>`.
    public static func autolink(_ url: String) -> String { "<\(url)>" }
}
