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
        // Literal runs are decoded once each, straight from the text's storage.
        var text = text
        return text.withUTF8 { bytes -> Result<[Piece], SyntaxError> in
            let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
            /// The 1-based column, in Unicode scalars, of byte `i`.
            func column(_ i: Int) -> Int { 1 + UTF8Bytes.scalarCount(bytes[..<i]) }
            var pieces: [Piece] = []
            var literal = ""
            var run = 0
            func flushRun(_ end: Int) {
                if end > run { literal += String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<end]), as: UTF8.self) }
            }
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if c == open {
                    if i + 1 < bytes.count, bytes[i + 1] == open {
                        flushRun(i + 1)  // keeps one brace
                        i += 2
                        run = i
                        continue
                    }
                    guard let end = bytes[(i + 1)...].firstIndex(of: close) else {
                        return .failure(SyntaxError(column: column(i), message: "unclosed '{'; write '{{' for a literal brace"))
                    }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end]), as: UTF8.self)
                    guard isValidName(name) else {
                        return .failure(SyntaxError(column: column(i), message: "'{\(name)}' is not a placeholder (\(nameRule)); write '{{' for a literal brace"))
                    }
                    flushRun(i)
                    if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                    pieces.append(.placeholder(name))
                    i = end + 1
                    run = i
                } else if c == close {
                    if i + 1 < bytes.count, bytes[i + 1] == close {
                        flushRun(i + 1)
                        i += 2
                        run = i
                        continue
                    }
                    return .failure(SyntaxError(column: column(i), message: "stray '}'; write '}}' for a literal brace"))
                } else {
                    i += 1
                }
            }
            flushRun(bytes.count)
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            return .success(pieces)
        }
    }

    /// Placeholder names in order of appearance (possibly repeated); nil when the text does not parse.
    public static func names(in text: String) -> [String]? {
        guard case .success(let pieces) = parse(text) else { return nil }
        return pieces.compactMap { if case .placeholder(let n) = $0 { n } else { nil } }
    }
}
