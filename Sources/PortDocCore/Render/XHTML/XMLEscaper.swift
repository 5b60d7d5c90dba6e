/// XML escaping for XHTML output (XML 1.0 §2.4 and §3.3.3). The one place XHTML text is escaped.
public enum XMLEscaper {
    /// Character data: `&`, `<` and `>` (the last so that `]]>` can never appear).
    public static func text(_ s: String) -> String {
        guard s.containsUTF8Byte(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E }) else { return s }
        return utf8String(reserving: s.utf8.count + 16) { appendText(s, to: &$0) }
    }

    /// Attribute values in double quotes; also escapes the quotes and white space that
    /// attribute-value normalisation would otherwise change.
    public static func attribute(_ s: String) -> String {
        guard s.containsUTF8Byte(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else { return s }
        return utf8String(reserving: s.utf8.count + 16) { appendAttribute(s, to: &$0) }
    }

    /// `text(s)`, appended to a page's bytes.
    public static func appendText(_ s: String, to out: inout [UInt8]) {
        append(s, to: &out, attribute: false)
    }

    /// `attribute(s)`, appended to a page's bytes.
    public static func appendAttribute(_ s: String, to out: inout [UInt8]) {
        append(s, to: &out, attribute: true)
    }

    /// Every character escaped here is ASCII, so UTF-8 bytes are copied through unchanged; runs
    /// without a special byte are copied at once. Text skips eight bytes at a time where none of
    /// its three is (a byte loop took about 5 instructions a byte of every page's text).
    private static func append(_ s: String, to out: inout [UInt8], attribute: Bool) {
        var s = s
        s.withUTF8 { bytes in
            var run = 0, i = 0
            while i < bytes.count {
                if !attribute, i + 8 <= bytes.count, let base = bytes.baseAddress {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if !UTF8Bytes.contains(word, 0x26), !UTF8Bytes.contains(word, 0x3C), !UTF8Bytes.contains(word, 0x3E) {
                        i += 8
                        continue
                    }
                }
                let b = bytes[i]
                i += 1
                let entity: StaticString
                switch b {
                case 0x26: entity = "&amp;"
                case 0x3C: entity = "&lt;"
                case 0x3E: entity = "&gt;"
                case 0x22 where attribute: entity = "&quot;"
                case 0x27 where attribute: entity = "&#39;"
                case 0x0A where attribute: entity = "&#10;"
                case 0x09 where attribute: entity = "&#9;"
                case 0x0D where attribute: entity = "&#13;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<(i - 1)]))
                out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                run = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
    }
}
