import Yams

/// Terms that stay unchanged in every language (`Locales/glossary.yaml`, key `do-not-translate`).
public struct Glossary: Sendable, Equatable {
    public static let fileName = "glossary.yaml"
    public var path: String?
    public var terms: [String]

    public init(path: String? = nil, terms: [String]) {
        self.path = path
        self.terms = terms
    }

    public static let empty = Glossary(terms: [])

    /// Terms that occur in `text` as whole words (not inside a longer word). Longer terms are matched
    /// first and consume their text, so "ESET PROTECT On-Prem" does not also count as "ESET PROTECT".
    public func terms(in text: String) -> [String] {
        var remaining = text
        var found: [String] = []
        for term in terms.sorted(by: { ($0.count, $0) > ($1.count, $1) }) where Glossary.occurs(term, in: remaining) {
            found.append(term)
            remaining = remaining.replacing(term, with: "\u{0}")
        }
        return found.sorted()
    }

    /// True when `term` occurs in `text` with no letter or digit directly before or after it.
    public static func occurs(_ term: String, in text: String) -> Bool {
        guard !term.isEmpty else { return false }
        let t = Array(text.unicodeScalars), w = Array(term.unicodeScalars)
        guard w.count <= t.count else { return false }
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        var i = 0
        while i + w.count <= t.count {
            if t[i] == w[0], Array(t[i..<(i + w.count)]) == w {
                let beforeOK = i == 0 || !isWordScalar(t[i - 1]) || !isWordScalar(w[0])
                let afterOK = i + w.count == t.count || !isWordScalar(t[i + w.count]) || !isWordScalar(w[w.count - 1])
                if beforeOK && afterOK { return true }
            }
            i += 1
        }
        return false
    }

    /// The text with every glossary term removed, for the "identical to source" check.
    public func strippingTerms(from text: String) -> String {
        var result = text
        for term in terms.sorted(by: { $0.count > $1.count }) { result = result.replacing(term, with: " ") }
        return result
    }

    public static func parse(_ text: String, path: String) -> (Glossary?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        guard let root = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else { return (nil, diagnostics.all) }
        var w = YAMLWalker(path: path, text: text)
        var terms: [String] = []
        if let fields = w.mapping(root, what: "the glossary", allowed: ["do-not-translate"]),
           let list = w.require(fields, "do-not-translate", in: root, what: "the glossary"),
           let items = w.sequence(list, what: "'do-not-translate'") {
            for item in items {
                guard let term = w.string(item, what: "a glossary term") else { continue }
                let normalized = Whitespace.normalize(term)
                if terms.contains(normalized) {
                    w.error("'\(normalized)' is listed twice", at: item, id: "glossary.duplicate")
                } else {
                    terms.append(normalized)
                }
            }
        }
        diagnostics.append(contentsOf: w.diagnostics.all)
        return (diagnostics.hasErrors ? nil : Glossary(path: path, terms: terms), diagnostics.all)
    }
}

/// What `portdoc check` requires of a locale. Defaults: 100 % translated, no fuzzy entry, no error.
public struct Threshold: Sendable, Equatable, Codable {
    /// Percentage of source messages translated against the current source, 0…100.
    public var minCompleteness: Double = 100
    public var maxFuzzy: Int = 0
    public var maxErrors: Int = 0

    public init(minCompleteness: Double = 100, maxFuzzy: Int = 0, maxErrors: Int = 0) {
        self.minCompleteness = minCompleteness
        self.maxFuzzy = maxFuzzy
        self.maxErrors = maxErrors
    }
}

/// Per-locale thresholds (`Locales/thresholds.yaml`): a `default` entry and entries by locale tag,
/// each with any of `min-completeness`, `max-fuzzy`, `max-errors`.
public struct Thresholds: Sendable, Equatable {
    public static let fileName = "thresholds.yaml"
    public var byLocale: [String: Threshold] = [:]
    public var fallback = Threshold()

    public init(byLocale: [String: Threshold] = [:], fallback: Threshold = Threshold()) {
        self.byLocale = byLocale
        self.fallback = fallback
    }

    public func threshold(for locale: String) -> Threshold { byLocale[locale] ?? fallback }

    public static func parse(_ text: String, path: String) -> (Thresholds?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        guard let root = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else { return (nil, diagnostics.all) }
        var w = YAMLWalker(path: path, text: text)
        var result = Thresholds()
        guard w.visit(root), case .mapping(let mapping) = root else {
            w.error("the thresholds file must be a mapping from 'default' or locale tags to thresholds", at: root, id: "thresholds.type")
            return (nil, diagnostics.all + w.diagnostics.all)
        }
        var parsed: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                w.error("keys must be 'default' or locale tags", at: keyNode, id: "thresholds.type")
                continue
            }
            let name = scalar.string
            if name != "default", let problem = LocaleTag.problem(with: name) {
                w.error("key \(problem)", at: keyNode, id: "thresholds.locale")
                continue
            }
            parsed.append((name, value))
        }
        // The default first, so that locale entries inherit what they do not set.
        for (name, value) in parsed.sorted(by: { ($0.0 == "default" ? 0 : 1) < ($1.0 == "default" ? 0 : 1) }) {
            let base = name == "default" ? Threshold() : result.fallback
            guard let threshold = threshold(value, base: base, walker: &w, what: "'\(name)'") else { continue }
            if name == "default" { result.fallback = threshold } else { result.byLocale[name] = threshold }
        }
        diagnostics.append(contentsOf: w.diagnostics.all)
        return (diagnostics.hasErrors ? nil : result, diagnostics.all)
    }

    static func threshold(_ node: Node, base: Threshold, walker w: inout YAMLWalker, what: String) -> Threshold? {
        guard let fields = w.mapping(node, what: what, allowed: ["min-completeness", "max-fuzzy", "max-errors"]) else { return nil }
        var t = base
        var ok = true
        if let n = fields["min-completeness"]?.value {
            if case .scalar(let s) = n, let v = Double(s.string), v >= 0, v <= 100 { t.minCompleteness = v } else {
                w.error("min-completeness must be a percentage from 0 to 100", at: n, id: "thresholds.value"); ok = false
            }
        }
        for (name, keyPath) in [("max-fuzzy", \Threshold.maxFuzzy), ("max-errors", \Threshold.maxErrors)] {
            guard let n = fields[name]?.value else { continue }
            if case .scalar(let s) = n, let v = Int(s.string), v >= 0 { t[keyPath: keyPath] = v } else {
                w.error("\(name) must be a whole number, 0 or more", at: n, id: "thresholds.value"); ok = false
            }
        }
        return ok ? t : nil
    }
}
