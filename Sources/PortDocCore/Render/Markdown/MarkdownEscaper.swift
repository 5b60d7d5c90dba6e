/// GitHub-flavoured Markdown escaping (GFM spec 0.29, §2.4 backslash escapes). The one place
/// Markdown text is escaped: the result reads as the literal text, inline or inside a table cell.
public enum MarkdownEscaper {
    /// Characters with inline meaning, escaped everywhere. `|` is included so that the same text
    /// is safe inside pipe-table cells (GFM §4.10); `#` because a heading's trailing ` #` run would
    /// be read as its closing sequence (GFM §4.2).
    static let inlineSpecials: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "!", "$", "#"]
    /// Characters that start a block only at the beginning of a line.
    static let lineStartSpecials: Set<Unicode.Scalar> = ["+", "-", "="]

    /// Bytes that may need escaping anywhere (ASCII specials and the newline).
    static let needsEscape: [Bool] = (0..<256).map { b in
        b == 0x0A || (b < 0x80 && inlineSpecials.contains(Unicode.Scalar(UInt8(b))))
    }

    public static func text(_ s: String) -> String {
        // Fast path: nothing to escape anywhere, and a first character that starts no block.
        if let first = s.utf8.first, !lineStartSpecials.contains(Unicode.Scalar(first)), !(0x30...0x39).contains(first),
           !s.utf8.contains(where: { needsEscape[Int($0)] }) {
            return s
        }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        let scalars = Array(s.unicodeScalars)
        var atStart = true
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if inlineSpecials.contains(c) || (atStart && lineStartSpecials.contains(c)) {
                out += "\\"
                out.unicodeScalars.append(c)
            } else if atStart && ("0"..."9").contains(c) {
                // "1." or "1)" at the start of a line would begin an ordered list.
                var j = i
                while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
                out += String(String.UnicodeScalarView(scalars[i..<j]))
                if j < scalars.count, scalars[j] == "." || scalars[j] == ")" {
                    out += "\\"
                    out.unicodeScalars.append(scalars[j])
                    j += 1
                }
                i = j
                atStart = false
                continue
            } else if c == "\n" {
                out += "<br>"
            } else {
                out.unicodeScalars.append(c)
            }
            atStart = false
            i += 1
        }
        return out
    }

    /// A URL as an autolink; the catalog guarantees it has no space, `<` or `>`.
    public static func autolink(_ url: String) -> String { "<\(url)>" }
}
