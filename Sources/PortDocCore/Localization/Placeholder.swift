/// Placeholders in message text: `{name}` is replaced by catalog data (a URL or host name).
/// `{{` and `}}` stand for literal braces. Any other `{` or `}` is an error.
public enum Placeholder {
    public static let nameRule = "lowercase letters, digits and '-', starting with a letter"

    public enum Piece: Equatable, Sendable {
        case literal(String)
        case placeholder(String)
    }

    public struct SyntaxError: Error, Equatable, Sendable {
        /// 1-based offset in Unicode scalars within the message.
        public var column: Int
        public var message: String
    }

    public static func isValidName(_ name: String) -> Bool { CatalogParser.isIdentifier(name) }

    public static func parse(_ text: String) -> Result<[Piece], SyntaxError> {
        // Fast path: most messages have no brace at all.
        if !text.containsUTF8Byte(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) {
            return .success(text.isEmpty ? [] : [.literal(text)])
        }
        // On UTF-8 bytes: braces are ASCII, so they never occur inside a multi-byte character.
        let bytes = Array(text.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        /// The 1-based column, in Unicode scalars, of byte `i`.
        func column(_ i: Int) -> Int { 1 + UTF8Bytes.scalarCount(bytes[..<i]) }
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var i = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(String(decoding: literal, as: UTF8.self))); literal.removeAll(keepingCapacity: true) }
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == open {
                if i + 1 < bytes.count, bytes[i + 1] == open { literal.append(open); i += 2; continue }
                guard let end = bytes[(i + 1)...].firstIndex(of: close) else {
                    return .failure(SyntaxError(column: column(i), message: "unclosed '{'; write '{{' for a literal brace"))
                }
                let name = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
                guard isValidName(name) else {
                    return .failure(SyntaxError(column: column(i), message: "'{\(name)}' is not a placeholder (\(nameRule)); write '{{' for a literal brace"))
                }
                flush()
                pieces.append(.placeholder(name))
                i = end + 1
            } else if c == close {
                if i + 1 < bytes.count, bytes[i + 1] == close { literal.append(close); i += 2; continue }
                return .failure(SyntaxError(column: column(i), message: "stray '}'; write '}}' for a literal brace"))
            } else {
                literal.append(c)
                i += 1
            }
        }
        flush()
        return .success(pieces)
    }

    /// Placeholder names in order of appearance (possibly repeated); nil when the text does not parse.
    public static func names(in text: String) -> [String]? {
        guard case .success(let pieces) = parse(text) else { return nil }
        return pieces.compactMap { if case .placeholder(let n) = $0 { n } else { nil } }
    }
}
