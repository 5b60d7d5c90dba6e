/// The source-language text (`Locales/<source>.yaml`): message key → sentence, in file order.
public struct SourceText: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var text: String
        public var keyLocation: SourceLocation
        public var textLocation: SourceLocation

        /// `text.hashValue`, computed once: compacted translations compare it with their msgid's.
        public let textHash: Int
        /// The names of the text's placeholders in order, parsed once (nil: malformed), for the
        /// comparison with every translation of it in every build.
        public let placeholders: [String]?
        /// The text's literal runs and placeholders (nil: malformed), parsed once for every page
        /// shown in the source language or falling back to it.
        public let pieces: [Placeholder.Piece]?

        public init(key: String, text: String, keyLocation: SourceLocation, textLocation: SourceLocation) {
            self.init(key: key, text: text, keyLocation: keyLocation, textLocation: textLocation,
                      pieces: try? Placeholder.parse(text).get())
        }

        /// An entry whose text was parsed already (the loader checks every text's placeholders).
        init(key: String, text: String, keyLocation: SourceLocation, textLocation: SourceLocation, pieces: [Placeholder.Piece]?) {
            self.key = key
            self.text = text
            self.keyLocation = keyLocation
            self.textLocation = textLocation
            self.textHash = text.hashValue
            self.pieces = pieces
            self.placeholders = pieces.map { $0.compactMap { if case .placeholder(let n) = $0 { n } else { nil } } }
        }
    }

    public var path: String
    public var locale: String
    public private(set) var entries: [Entry]
    private var index: [String: Int]
    /// The keys of the interface strings (`ui.*`), in file order: found once, not by every
    /// (document, locale) of a build (947,000 prefix tests in a set of 50 documents x 10 locales).
    public private(set) var interfaceKeys: [String]

    public init(path: String, locale: String, entries: [Entry]) {
        self.path = path
        self.locale = locale
        self.entries = entries
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() where index[e.key] == nil { index[e.key] = i }
        self.index = index
        interfaceKeys = entries.map(\.key).filter { $0.hasPrefix(Self.interfacePrefix) }
    }

    public subscript(key: String) -> Entry? { index[key].map { entries[$0] } }
    /// Each key's position in `entries`.
    public var keyIndex: [String: Int] { index }

    /// `keyIndex[key]`, trying `guess` first: a caller that walks the catalog, whose keys the
    /// source text usually lists in the same order, passes the position after the last key it
    /// found, and finds the next one there without hashing it. (Looking 100k keys up per locale
    /// in a table of that size cost random memory accesses that grew slower with the table.)
    /// A text that repeats a key always answers from the table, whose entry is the first one.
    public func index(of key: String, guess: Int) -> Int? {
        if guess >= 0, guess < entries.count, index.count == entries.count, entries[guess].key == key { return guess }
        return index[key]
    }
    public var keys: [String] { entries.map(\.key) }

    /// No sentence of a port table needs more; a longer one is a mistake (or an attack on the build).
    public static let maxMessageLength = 65_536

    /// Interface strings used by renderers and templates rather than by the catalog.
    public static let interfacePrefix = "ui."

    public static func parse(_ text: String, path: String, locale: String) -> (SourceText?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        guard let tree = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else { return (nil, diagnostics.all) }
        var w = YAMLWalker(path: path, text: text, tree: tree)
        let root = w.root
        guard w.visit(root), let mapping = w.pairs(root) else {
            w.error("the source text must be a mapping from message keys to text", at: root, id: "source.type")
            return (nil, diagnostics.all + w.diagnostics.all)
        }
        var entries: [Entry] = []
        for (keyNode, valueNode) in mapping {
            guard let key = w.text(keyNode) else {
                w.error("message keys must be plain names", at: keyNode, id: "source.type")
                continue
            }
            guard MessageKey.isValid(key) else {
                w.error("'\(key)' is not a message key (\(MessageKey.rule))", at: keyNode, id: "source.key")
                continue
            }
            guard w.visit(valueNode), let value = w.text(valueNode) else {
                w.error("the text of '\(key)' must be a string, found \(w.kindName(valueNode))", at: valueNode, id: "source.type")
                continue
            }
            let normalized = Whitespace.normalize(value)
            if normalized.isEmpty {
                w.error("the text of '\(key)' is empty", at: valueNode, id: "source.empty")
                continue
            }
            // A text of at most that many bytes has at most that many scalars: counted only beyond.
            if normalized.utf8.count > SourceText.maxMessageLength, normalized.unicodeScalars.count > SourceText.maxMessageLength {
                w.error("the text of '\(key)' has \(normalized.unicodeScalars.count) characters; a message may have at most \(SourceText.maxMessageLength)", at: valueNode, id: "source.too-long")
                continue
            }
            let pieces: [Placeholder.Piece]
            switch Placeholder.parse(normalized) {
            case .failure(let problem):
                w.error("in '\(key)': \(problem.message)", at: valueNode, id: "source.placeholder")
                continue
            case .success(let parsed): pieces = parsed
            }
            entries.append(Entry(key: key, text: normalized, keyLocation: w.location(of: keyNode), textLocation: w.location(of: valueNode), pieces: pieces))
        }
        diagnostics.append(contentsOf: w.diagnostics.all)
        return (diagnostics.hasErrors ? nil : SourceText(path: path, locale: locale, entries: entries), diagnostics.all)
    }
}

public enum Whitespace {
    /// Runs of white space (Unicode White_Space scalars, including newlines from folded YAML) become
    /// one space; ends are trimmed. Works on scalars, so a combining mark after a space is kept.
    /// A run that holds a line break between two letters of a script written without spaces
    /// (Chinese, Japanese, Thai) is removed instead, as CSS Text 3 (§4.1.2) transforms segment
    /// breaks: a translator's line wrap must not put a space into such text.
    /// True when the only white space in `s` is single ASCII spaces between other characters.
    /// Multi-byte characters are looked at only for the white space among them (U+0085, U+00A0,
    /// U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000).
    static func isNormal(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            var previousSpace = true
            var i = 0
            let n = b.count
            while i < n {
                let byte = b[i]
                i += 1
                if byte < 0x80 {
                    if byte < 0x20 || (byte == 0x20 && previousSpace) { return false }
                    previousSpace = byte == 0x20
                    continue
                }
                previousSpace = false
                let b1: UInt8 = i < n ? b[i] : 0, b2: UInt8 = i + 1 < n ? b[i + 1] : 0
                switch byte {
                case 0xC2 where b1 == 0x85 || b1 == 0xA0: return false
                case 0xE1 where b1 == 0x9A && b2 == 0x80: return false
                case 0xE2 where b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF): return false
                case 0xE2 where b1 == 0x81 && b2 == 0x9F: return false
                case 0xE3 where b1 == 0x80 && b2 == 0x80: return false
                default: break
                }
            }
            return !previousSpace
        }
    }

    public static func normalize(_ s: String) -> String {
        isNormal(s) ? s : normalizeScalars(s)
    }

    /// `normalize` without the fast path.
    static func normalizeScalars(_ s: String) -> String {
        if s.isEmpty { return s }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var runHasBreak = false
        var previous: Unicode.Scalar? = nil
        for scalar in s.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !pendingSpace { runHasBreak = false }
                pendingSpace = !out.isEmpty
                if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" { runHasBreak = true }
                continue
            }
            if pendingSpace {
                let unspaced = runHasBreak && previous.map { ScriptClass.of($0) == .unspaced } == true && ScriptClass.of(scalar) == .unspaced
                if !unspaced { out.append(" ") }
                pendingSpace = false
            }
            out.append(scalar)
            previous = scalar
        }
        return String(out)
    }
}
