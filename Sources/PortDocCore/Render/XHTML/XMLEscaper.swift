/// XML escaping for XHTML output (XML 1.0 §2.4 and §3.3.3). The one place XHTML text is escaped.
public enum XMLEscaper {
    /// Character data: `&`, `<` and `>` (the last so that `]]>` can never appear).
    public static func text(_ s: String) -> String {
        guard s.containsUTF8Byte(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Attribute values in double quotes; also escapes the quotes and white space that
    /// attribute-value normalisation would otherwise change.
    public static func attribute(_ s: String) -> String {
        // Every character escaped here is ASCII, so UTF-8 bytes can be copied through unchanged.
        guard s.containsUTF8Byte(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            case 0x0A: out.append(contentsOf: "&#10;".utf8)
            case 0x09: out.append(contentsOf: "&#9;".utf8)
            case 0x0D: out.append(contentsOf: "&#13;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
