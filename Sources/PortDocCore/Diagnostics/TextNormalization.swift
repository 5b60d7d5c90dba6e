#if canImport(Glibc)
import Glibc
#endif

/// Input text rules shared by every loader: UTF-8 only, a byte-order mark and CRLF line endings accepted.
public enum TextNormalization {
    public static func stripBOM(_ text: String) -> String {
        text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    /// Decodes UTF-8 strictly; reports the line and column of the first invalid byte.
    public static func decodeUTF8(_ input: [UInt8], path: String) -> Result<String, Diagnostic> {
        let bytes = withoutCRLF(input)
        if let text = String(validating: bytes, as: UTF8.self) {
            return .success(stripBOM(text))
        }
        return .failure(invalidUTF8(bytes, path: path))
    }

    /// `decodeUTF8`'s checks and line endings on bytes that stay bytes, the byte-order mark
    /// dropped: for a parser that reads bytes (PO files), which then makes Strings only of its
    /// values. Checked 8 ASCII bytes at a time; `String(validating:)` took about 9 instructions a
    /// byte of a PO file, most of whose bytes are ASCII.
    public static func checkedUTF8(_ input: [UInt8], path: String) -> Result<[UInt8], Diagnostic> {
        var bytes = withoutCRLF(input)
        guard bytes.withUnsafeBufferPointer(UTF8Bytes.isValid) else { return .failure(invalidUTF8(bytes, path: path)) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return .success(bytes)
    }

    /// CRLF → LF on the bytes (a CR is never part of a multi-byte sequence).
    static func withoutCRLF(_ input: [UInt8]) -> [UInt8] {
        // memchr: the generic `contains` cost 5 instructions a byte (24 M for the 4.8 MB of a
        // 10k-row project's inputs).
        let hasCR = input.withUnsafeBufferPointer { b in b.baseAddress.map { memchr($0, 0x0D, b.count) != nil } ?? false }
        guard hasCR else { return input }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        for (i, byte) in input.enumerated() where !(byte == 0x0D && i + 1 < input.count && input[i + 1] == 0x0A) {
            bytes.append(byte)
        }
        return bytes
    }

    /// Where the first invalid byte of `bytes` is (only on failure: the scalars are walked).
    static func invalidUTF8(_ bytes: [UInt8], path: String) -> Diagnostic {
        var line = 1, column = 1, offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return .error("invalid UTF-8 near byte \(offset + 1); the file must be UTF-8",
                      at: SourceLocation(path: path, line: line, column: column), id: "input.encoding")
    }
}

extension String {
    /// CRLF → LF, so that line numbers and output bytes do not depend on the editor's line endings.
    func replacingCRLF() -> String {
        guard utf8.contains(0x0D) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count)
        var pendingCR = false
        for scalar in unicodeScalars {
            if pendingCR {
                if scalar != "\n" { out.unicodeScalars.append("\r") }
                pendingCR = false
            }
            if scalar == "\r" { pendingCR = true } else { out.unicodeScalars.append(scalar) }
        }
        if pendingCR { out.unicodeScalars.append("\r") }
        return out
    }
}

extension String {
    /// Whether any UTF-8 byte satisfies `predicate`, scanning the string's contiguous storage
    /// directly: iterating `String.UTF8View` measured several times more instructions per byte.
    func containsUTF8Byte(where predicate: (UInt8) -> Bool) -> Bool {
        var s = self
        return s.withUTF8 { $0.contains(where: predicate) }
    }
}

extension Slice where Base == UnsafeBufferPointer<UInt8> {
    /// The index of the first `byte` at or after `from`, or nil (memchr: the page checks and the
    /// PO parser look for rare bytes in long runs).
    func firstIndex(of byte: UInt8, from: Int) -> Int? {
        guard from < endIndex, let base = base.baseAddress else { return nil }
        return memchr(base + from, Int32(byte), endIndex - from).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
    }
}

/// Counting in UTF-8 bytes what a column counts: Unicode scalars.
enum UTF8Bytes {
    /// The Unicode scalars in `bytes` (continuation bytes, 10xxxxxx, start none).
    static func scalarCount<C: Collection<UInt8>>(_ bytes: C) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// `a`–`z`, `0`–`9` or `-`: what identifiers and message-key words are made of.
    static func isLowercaseDigitOrDash(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
    }

    /// Whether any of the eight bytes of `word` is `byte`: a zero byte of `word ^ byte…byte`
    /// (exact for "any": a byte that borrows in the subtraction lies above a zero byte).
    @inline(__always)
    static func contains(_ word: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// Whether `bytes` are well-formed UTF-8, as `String(validating:as:)` judges (no overlong
    /// forms, surrogates or scalars beyond U+10FFFF); runs of ASCII are skipped 8 bytes at a time.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let c = base[i]
            if c < 0x80 { i += 1; continue }
            func continuation(_ k: Int) -> Bool { base[i + k] & 0xC0 == 0x80 }
            switch c {
            case 0xC2...0xDF:
                guard i + 1 < n, continuation(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard i + 2 < n, continuation(2) else { return false }
                let c1 = base[i + 1]
                // E0 needs A0…BF (no overlong form), ED 80…9F (no surrogate).
                guard c == 0xE0 ? (0xA0...0xBF).contains(c1) : c == 0xED ? (0x80...0x9F).contains(c1) : continuation(1) else { return false }
                i += 3
            case 0xF0...0xF4:
                guard i + 3 < n, continuation(2), continuation(3) else { return false }
                let c1 = base[i + 1]
                // F0 needs 90…BF (no overlong form), F4 80…8F (nothing beyond U+10FFFF).
                guard c == 0xF0 ? (0x90...0xBF).contains(c1) : c == 0xF4 ? (0x80...0x8F).contains(c1) : continuation(1) else { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }

    /// Whether `bytes` are the UTF-8 of `text` (memcmp when the String's storage is contiguous).
    static func equal(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ text: String) -> Bool {
        guard bytes.count == text.utf8.count else { return false }
        if let same = text.utf8.withContiguousStorageIfAvailable({ t in
            bytes.isEmpty || memcmp(bytes.base.baseAddress! + bytes.startIndex, t.baseAddress!, bytes.count) == 0
        }) { return same }
        return bytes.elementsEqual(text.utf8)
    }

    /// `value` in decimal appended to `out`, as `String(value)` spells it (footnote numbers and
    /// occurrences, port numbers; a negative one, which only a library user's document can hold,
    /// through `String`).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else { return out.append(contentsOf: String(value).utf8) }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

/// The String of what `body` appends to an empty byte buffer: how escapers and writers that work on
/// a page's bytes give a String when one is asked for.
func utf8String(reserving capacity: Int = 64, _ body: (inout [UInt8]) -> Void) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(capacity)
    body(&out)
    return String(decoding: out, as: UTF8.self)
}
