/// roff escaping for man pages (groff_man(7), mandoc_roff(7), tbl(1)). The one place man text is
/// escaped. Non-ASCII characters become `\[uXXXX]` because mandoc's tbl reads 7-bit ASCII.
public enum RoffEscaper {
    /// Escapes characters inside a text line or argument; `special` (an ASCII byte) becomes
    /// `replacement`. On the UTF-8 bytes: the scalar loop with a closure per character cost 2,500
    /// instructions per table cell of German text.
    static func characters(_ s: String, special: UInt8 = 0, replacement: String = "") -> String {
        guard needsEscaping(s, special: special, spaces: false) else { return s }
        return utf8String(reserving: s.utf8.count + 16) { appendCharacters(s, to: &$0, special: special, replacement: Array(replacement.utf8)) }
    }

    /// Whether `characters` changes `s`: anything but printable ASCII without a backslash and the
    /// caller's special character (and, for an embedded argument, a space).
    static func needsEscaping(_ s: String, special: UInt8, spaces: Bool) -> Bool {
        s.containsUTF8Byte(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") || $0 == 0x0A || $0 == 0x09 || ($0 == special && special != 0) || (spaces && $0 == 0x20) })
    }

    /// `characters(s)` appended to `out`; with `spaces`, white space becomes `\ ` (an unquoted
    /// macro argument). Runs of plain ASCII are found through a table of the bytes that stay as
    /// they are and copied at once (testing each byte against the five rules instead measured
    /// 75 M against 44 M for the man pages of 10k rows × 2 locales).
    static func appendCharacters(_ s: String, to out: inout [UInt8], special: UInt8 = 0, replacement: [UInt8] = [], spaces: Bool = false) {
        let plainBytes = switch (special, spaces) {
        case (UInt8(ascii: "@"), false): cellPlain
        case (UInt8(ascii: "\""), false): argumentPlain
        case (UInt8(ascii: "\""), true): embeddedPlain
        case (0, false): textPlain
        default: plainTable(special: special, spaces: spaces)
        }
        var text = s
        text.withUTF8 { bytes in
            plainBytes.withUnsafeBufferPointer { plain in
                var i = 0
                var run = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if plain[Int(b)] {
                        i += 1
                        continue
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                    if b < 0x80 {
                        i += 1
                        run = i
                        if b == special && special != 0 { out.append(contentsOf: replacement) }
                        else if b == 0x5C { out.append(contentsOf: [0x5C, UInt8(ascii: "e")]) }
                        else if spaces { out.append(contentsOf: [0x5C, 0x20]) }
                        else { out.append(0x20) }
                        continue
                    }
                    // A String's UTF-8 is valid: the lead byte gives the length.
                    let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    var v = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                    for k in 1..<length { v = (v << 6) | (UInt32(bytes[i + k]) & 0x3F) }
                    i += length
                    run = i
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
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            }
        }
    }

    /// For every byte, whether `appendCharacters` copies it as it is: ASCII but a backslash, a
    /// newline, a tab, `special` and (with `spaces`) a space.
    static func plainTable(special: UInt8, spaces: Bool) -> [Bool] {
        (0..<256).map { b in
            b < 0x80 && b != 0x5C && b != 0x0A && b != 0x09 && !(special != 0 && b == Int(special)) && !(spaces && b == 0x20)
        }
    }

    static let textPlain = plainTable(special: 0, spaces: false)
    static let cellPlain = plainTable(special: UInt8(ascii: "@"), spaces: false)
    static let argumentPlain = plainTable(special: UInt8(ascii: "\""), spaces: false)
    static let embeddedPlain = plainTable(special: UInt8(ascii: "\""), spaces: true)

    /// A text line: a leading `.` or `'` would make it a request, so it gets `\&` in front.
    public static func textLine(_ s: String) -> String {
        let escaped = characters(s)
        if let first = escaped.first, first == "." || first == "'" { return "\\&" + escaped }
        return escaped
    }

    static let quoteReplacement = Array("\\(dq".utf8)
    static let atReplacement = Array("\\(at".utf8)

    /// A macro argument, quoted: `"` becomes `\(dq` (a raw quote would end the argument).
    public static func argument(_ s: String) -> String {
        utf8String(reserving: s.utf8.count + 16) { appendArgument(s, to: &$0) }
    }

    /// `argument(s)` appended to `out`.
    public static func appendArgument(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendCharacters(s, to: &out, special: UInt8(ascii: "\""), replacement: quoteReplacement)
        out.append(UInt8(ascii: "\""))
    }

    /// Part of an unquoted macro argument (`.IP [{{number}}] 5`): a space or `"` would end or
    /// break the argument, so they become `\ ` and `\(dq`.
    public static func embeddedArgument(_ s: String) -> String {
        guard needsEscaping(s, special: UInt8(ascii: "\""), spaces: true) else { return s }
        return utf8String(reserving: s.utf8.count + 16) { appendEmbeddedArgument(s, to: &$0) }
    }

    /// `embeddedArgument(s)` appended to `out`.
    public static func appendEmbeddedArgument(_ s: String, to out: inout [UInt8]) {
        appendCharacters(s, to: &out, special: UInt8(ascii: "\""), replacement: quoteReplacement, spaces: true)
    }

    /// A tbl cell or a line of a `T{ … T}` text block with `tab(@)`: `@` would split the cell and a
    /// leading `T}` would end the block.
    public static func tableCell(_ s: String) -> String {
        if let first = s.utf8.first, first != UInt8(ascii: "."), first != UInt8(ascii: "'"), !s.hasPrefix("T}"),
           !needsEscaping(s, special: UInt8(ascii: "@"), spaces: false) {
            return s
        }
        return utf8String(reserving: s.utf8.count + 16) { appendTableCell(s, to: &$0) }
    }

    /// `s` escaped as part of a tbl cell after its first character (the start of a cell has rules
    /// of its own, see `appendTableCell`).
    static func appendInsideTableCell(_ s: String, to out: inout [UInt8]) {
        appendCharacters(s, to: &out, special: UInt8(ascii: "@"), replacement: atReplacement)
    }

    /// `tableCell(s)` appended to `out`.
    public static func appendTableCell(_ s: String, to out: inout [UInt8]) {
        appendTableCell(parts: CollectionOfOne(s), to: &out)
    }

    /// `tableCell` of the parts joined, appended to `out` without joining them (a text's pieces).
    static func appendTableCell(parts: some Sequence<String>, to out: inout [UInt8]) {
        let start = out.count
        for part in parts { appendInsideTableCell(part, to: &out) }
        markCellStart(in: &out, at: start)
    }

    /// Puts `\&` in front of the escaped cell that starts at `start` in `out` when the cell begins
    /// with `.` or `'` (a request) or `T}` (the end of a text block).
    private static func markCellStart(in out: inout [UInt8], at start: Int) {
        guard start < out.count else { return }
        let first = out[start]
        if first == UInt8(ascii: ".") || first == UInt8(ascii: "'") || (first == UInt8(ascii: "T") && start + 1 < out.count && out[start + 1] == UInt8(ascii: "}")) {
            out.insert(contentsOf: [0x5C, UInt8(ascii: "&")], at: start)
        }
    }
}
