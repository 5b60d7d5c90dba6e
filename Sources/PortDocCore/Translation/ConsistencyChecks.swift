/// Checks one translated message against its source text. Pure; each finding has a stable id:
/// `check.placeholder`, `check.footnote-marker`, `check.number`, `check.number-added`, `check.url`,
/// `check.control-character`, `check.whitespace`, `check.identical`, `check.glossary`.
public enum ConsistencyChecks {
    /// The PO flag that marks a translation as intentionally identical to its source (Weblate's name for it).
    public static let identicalFlag = "ignore-same"

    public struct Context: Sendable {
        public var glossary: Glossary
        /// Every port number the catalog names, to word findings about numbers.
        public var ports: Set<Int>
        /// The locale checked, for the glossary's approved renderings.
        public var locale: String

        public init(glossary: Glossary, ports: Set<Int>, locale: String = "") {
            self.glossary = glossary
            self.ports = ports
            self.locale = locale
        }
    }

    public static func check(key: String, source: String, entry: POEntry, at location: SourceLocation?, context: Context) -> [Diagnostic] {
        var d = Diagnostics()
        let raw = entry.string
        let translation = Whitespace.normalize(raw)

        // Placeholders.
        switch Placeholder.parse(translation) {
        case .failure(let e):
            d.error("the translation of '\(key)' has a malformed placeholder at column \(e.column): \(e.message)", at: location, id: "check.placeholder")
        case .success:
            let expected = Placeholder.names(in: source) ?? []
            let actual = Placeholder.names(in: translation) ?? []
            let missing = Set(expected).subtracting(actual).sorted()
            let added = Set(actual).subtracting(expected).sorted()
            if missing.count == 1 && added.count == 1 {
                d.error("the translation of '\(key)' renames placeholder {\(missing[0])} to {\(added[0])}; placeholders must stay as in the source", at: location, id: "check.placeholder")
            } else {
                for name in missing { d.error("the translation of '\(key)' lacks placeholder {\(name)}", at: location, id: "check.placeholder") }
                for name in added { d.error("the translation of '\(key)' has placeholder {\(name)}, which the source does not have", at: location, id: "check.placeholder") }
            }
        }

        let sourceText = literalText(source)
        let translatedText = literalText(translation)

        // Footnote markers: footnotes belong in the catalog, so the marker counts must agree.
        let sourceMarkers = footnoteMarkers(in: sourceText)
        let translatedMarkers = footnoteMarkers(in: translatedText)
        if sourceMarkers != translatedMarkers {
            d.error("the translation of '\(key)' has footnote markers \(describe(translatedMarkers)), the source \(describe(sourceMarkers)); footnote references are set in the catalog", at: location, id: "check.footnote-marker")
        }

        // Numbers: every number of the source (port numbers above all) appears in the translation.
        let sourceNumbers = numbers(in: removingBracketMarkers(sourceText))
        let translatedNumbers = numbers(in: removingBracketMarkers(translatedText))
        for (number, count) in sourceNumbers.sorted(by: { $0.key < $1.key }) where (translatedNumbers[number] ?? 0) < count {
            let what = Int(number).map { context.ports.contains($0) } == true ? "port number" : "number"
            d.error("the translation of '\(key)' lacks the \(what) \(number) of the source\(count > 1 ? " (\(count) times there)" : "")", at: location, id: "check.number")
        }
        for number in translatedNumbers.keys.sorted() where sourceNumbers[number] == nil {
            d.warning("the translation of '\(key)' has the number \(number), which the source does not have", at: location, id: "check.number-added")
        }

        // URLs and host names, character for character.
        let sourceAddresses = addresses(in: sourceText)
        let translatedAddresses = addresses(in: translatedText)
        for address in sourceAddresses.subtracting(translatedAddresses).sorted() {
            d.error("the translation of '\(key)' lacks '\(address)' of the source (URLs and host names stay unchanged)", at: location, id: "check.url")
        }
        for address in translatedAddresses.subtracting(sourceAddresses).sorted() {
            d.error("the translation of '\(key)' has '\(address)', which the source does not have (URLs and host names stay unchanged)", at: location, id: "check.url")
        }

        // Characters no output can carry (the build replaces them by U+FFFD, with a warning).
        let (_, invalid) = Resolver.sanitize(translation)
        if invalid > 0 {
            d.error("the translation of '\(key)' has \(invalid) control character(s) that no output can show; the build would replace them by U+FFFD", at: location, id: "check.control-character")
        }

        // White space the build would fold away.
        if let first = raw.unicodeScalars.first, first.properties.isWhitespace {
            d.warning("the translation of '\(key)' starts with white space", at: location, id: "check.whitespace")
        }
        if let last = raw.unicodeScalars.last, last.properties.isWhitespace {
            d.warning("the translation of '\(key)' ends with white space", at: location, id: "check.whitespace")
        }

        // Identical to the source: allowed when flagged, or when the text is only glossary terms and symbols.
        if translation == source, !entry.flags.contains(identicalFlag),
           context.glossary.strippingTerms(from: literalText(source)).unicodeScalars.contains(where: { $0.properties.isAlphabetic }) {
            d.error("the translation of '\(key)' is identical to the source; translate it, or add '#, \(identicalFlag)' if that is intended", at: location, id: "check.identical")
        }

        // Terms: the locale's approved rendering, or the term unchanged.
        for term in context.glossary.terms(in: source) {
            let required = context.glossary.rendering(of: term, in: context.locale)
            guard !Glossary.occurs(required, in: translation) else { continue }
            if required == term {
                d.error("the translation of '\(key)' does not contain '\(term)' unchanged; it is in the do-not-translate glossary", at: location, id: "check.glossary")
            } else {
                d.error("the translation of '\(key)' does not contain '\(required)', the approved '\(context.locale)' rendering of '\(term)' in the glossary", at: location, id: "check.glossary")
            }
        }
        return d.all
    }

    /// The text without its placeholders (whose names may contain digits).
    static func literalText(_ text: String) -> String {
        guard case .success(let pieces) = Placeholder.parse(text) else { return text }
        return pieces.map { if case .literal(let s) = $0 { s } else { " " } }.joined()
    }

    /// ASCII digit runs, with their counts.
    static func numbers(in text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        var current = ""
        for c in text.unicodeScalars {
            if ("0"..."9").contains(c) { current.unicodeScalars.append(c) } else if !current.isEmpty {
                result[current, default: 0] += 1
                current = ""
            }
        }
        if !current.isEmpty { result[current, default: 0] += 1 }
        return result
    }

    static let markerScalars: Set<Unicode.Scalar> = ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹", "⁰", "†", "‡", "*"]

    /// Footnote-like markers: superscript digits, daggers, asterisks and `[^id]`, with their counts.
    static func footnoteMarkers(in text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[", i + 1 < scalars.count, scalars[i + 1] == "^", let end = scalars[(i + 2)...].firstIndex(of: "]") {
                result[String(String.UnicodeScalarView(scalars[i...end])), default: 0] += 1
                i = end + 1
                continue
            }
            if markerScalars.contains(scalars[i]) { result[String(scalars[i]), default: 0] += 1 }
            i += 1
        }
        return result
    }

    /// The text without `[^id]` markers, whose digits are not numbers of the text.
    static func removingBracketMarkers(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "[^"), let end = rest[start.upperBound...].firstIndex(of: "]") {
            out += rest[..<start.lowerBound]
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    static func describe(_ markers: [String: Int]) -> String {
        if markers.isEmpty { return "none" }
        return markers.sorted { $0.key < $1.key }.map { "'\($0.key)' ×\($0.value)" }.joined(separator: ", ")
    }

    /// URLs (`scheme://…`) and lower-case host names (`api.push.apple.com`) in running text.
    static func addresses(in text: String) -> Set<String> {
        // A URL has a `:`, a host name a `.`: a text with neither has none (most texts; splitting
        // every text into Characters took about 100,000 instructions a message in `portdoc check`).
        guard text.containsUTF8Byte(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) else { return [] }
        return addressesOfTokens(in: text)
    }

    /// `addresses(in:)` token by token, for a text that may have some.
    static func addressesOfTokens(in text: String) -> Set<String> {
        let trim: Set<Character> = ["(", ")", "[", "]", "<", ">", ",", ";", ":", ".", "!", "?", "\"", "'", "„", "“", "”", "«", "»", "‚", "‘", "’"]
        var result = Set<String>()
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            var t = Substring(token)
            while let f = t.first, trim.contains(f) { t.removeFirst() }
            while let l = t.last, trim.contains(l) { t.removeLast() }
            guard !t.isEmpty else { continue }
            if t.contains("://") || isHostName(t) { result.insert(String(t)) }
        }
        return result
    }

    static func isHostName(_ s: Substring) -> Bool {
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }
}
