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
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) {
            return .success(text.isEmpty ? [] : [.literal(text)])
        }
        var pieces: [Piece] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "{" {
                if i + 1 < scalars.count, scalars[i + 1] == "{" { literal.unicodeScalars.append("{"); i += 2; continue }
                guard let end = scalars[(i + 1)...].firstIndex(of: "}") else {
                    return .failure(SyntaxError(column: i + 1, message: "unclosed '{'; write '{{' for a literal brace"))
                }
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
                guard isValidName(name) else {
                    return .failure(SyntaxError(column: i + 1, message: "'{\(name)}' is not a placeholder (\(nameRule)); write '{{' for a literal brace"))
                }
                flush()
                pieces.append(.placeholder(name))
                i = end + 1
            } else if c == "}" {
                if i + 1 < scalars.count, scalars[i + 1] == "}" { literal.unicodeScalars.append("}"); i += 2; continue }
                return .failure(SyntaxError(column: i + 1, message: "stray '}'; write '}}' for a literal brace"))
            } else {
                literal.unicodeScalars.append(c)
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
