
/// The project's termbase (`Locales/glossary.yaml`): product, service and protocol names. A term
/// is do-not-translate unless it has an approved rendering for a locale
/// (`ESET Management Agent` → ja `ESET Managementエージェント`); `portdoc check` requires the
/// locale's rendering wherever the source has the term.
///
/// ```yaml
/// terms:
///   - ESET PROTECT                     # do-not-translate in every language
///   - term: ESET Management Agent
///     note: the agent on every managed computer   # optional, for translators
///     translations:
///       ja: ESET Managementエージェント
/// ```
/// The older form, `do-not-translate:` with a list of names, is read as well.
public struct Glossary: Sendable, Equatable {
    public static let fileName = "glossary.yaml"

    public struct Term: Sendable, Equatable {
        public var term: String
        public var note: String?
        /// Approved renderings by locale tag; a locale without one keeps the term unchanged.
        public var translations: [String: String]
        public var location: SourceLocation?

        public init(term: String, note: String? = nil, translations: [String: String] = [:], location: SourceLocation? = nil) {
            self.term = term
            self.note = note
            self.translations = translations
            self.location = location
        }
    }

    public var path: String?
    public var entries: [Term]
    /// The source-language terms.
    public var terms: [String] { entries.map(\.term) }

    public init(path: String? = nil, entries: [Term]) {
        self.path = path
        self.entries = entries
    }

    /// A do-not-translate list.
    public init(path: String? = nil, terms: [String]) {
        self.init(path: path, entries: terms.map { Term(term: $0) })
    }

    public static let empty = Glossary(entries: [])

    /// The approved rendering of `term` in `locale`: the locale's own, else its BCP 47 parent's
    /// (`pt-BR` → `pt`), else the term unchanged.
    public func rendering(of term: String, in locale: String) -> String {
        guard let entry = entries.first(where: { $0.term == term }) else { return term }
        var parts = locale.split(separator: "-").map(String.init)
        while !parts.isEmpty {
            if let r = entry.translations[parts.joined(separator: "-")] { return r }
            parts.removeLast()
        }
        return term
    }

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

    /// True when `term` occurs in `text` as a whole word: the letters or digits on either side do
    /// not continue it. A letter of another script, or of a script written without spaces
    /// (Japanese, Chinese, Thai), ends a word: "ESET PROTECT On-Premが" contains "ESET PROTECT On-Prem".
    public static func occurs(_ term: String, in text: String) -> Bool {
        guard !term.isEmpty else { return false }
        let t = Array(text.unicodeScalars), w = Array(term.unicodeScalars)
        guard w.count <= t.count else { return false }
        var i = 0
        while i + w.count <= t.count {
            if t[i] == w[0], Array(t[i..<(i + w.count)]) == w {
                let beforeOK = i == 0 || !ScriptClass.joinsWord(t[i - 1], w[0])
                let afterOK = i + w.count == t.count || !ScriptClass.joinsWord(w[w.count - 1], t[i + w.count])
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
        guard let tree = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else { return (nil, diagnostics.all) }
        var w = YAMLWalker(path: path, text: text, tree: tree)
        let root = w.root
        var entries: [Term] = []
        func add(_ term: Term, at node: Node) {
            if entries.contains(where: { $0.term == term.term }) {
                w.error("'\(term.term)' is listed twice", at: node, id: "glossary.duplicate")
            } else {
                entries.append(term)
            }
        }
        if let fields = w.mapping(root, what: "the glossary", allowed: ["terms", "do-not-translate"]) {
            if fields.isEmpty { w.error("the glossary needs a 'terms' list", at: root, id: "catalog.missing-key") }
            if let list = fields["do-not-translate"]?.value, let items = w.sequence(list, what: "'do-not-translate'") {
                for item in items {
                    guard let term = w.string(item, what: "a glossary term") else { continue }
                    add(Term(term: Whitespace.normalize(term), location: w.location(of: item)), at: item)
                }
            }
            if let list = fields["terms"]?.value, let items = w.sequence(list, what: "'terms'") {
                for item in items {
                    if w.isScalar(item) {
                        guard let term = w.string(item, what: "a glossary term") else { continue }
                        add(Term(term: Whitespace.normalize(term), location: w.location(of: item)), at: item)
                        continue
                    }
                    guard let f = w.mapping(item, what: "a glossary term", allowed: ["term", "note", "translations"]),
                          let termNode = w.require(f, "term", in: item, what: "a glossary term"),
                          let term = w.string(termNode, what: "'term'") else { continue }
                    var entry = Term(term: Whitespace.normalize(term), location: w.location(of: termNode))
                    if let n = f["note"]?.value { entry.note = w.string(n, what: "'note'").map(Whitespace.normalize) }
                    if let t = f["translations"]?.value, let mapping = w.pairs(t) {
                        for (key, value) in mapping {
                            guard let tag = w.string(key, what: "a locale tag") else { continue }
                            if let problem = LocaleTag.problem(with: tag) {
                                w.error("key \(problem)", at: key, id: "glossary.locale")
                                continue
                            }
                            guard let rendering = w.string(value, what: "the rendering of '\(entry.term)' in '\(tag)'") else { continue }
                            entry.translations[tag] = Whitespace.normalize(rendering)
                        }
                    } else if let t = f["translations"]?.value {
                        w.error("'translations' must map locale tags to renderings, found \(w.kindName(t))", at: t, id: "catalog.type")
                    }
                    add(entry, at: termNode)
                }
            }
        }
        diagnostics.append(contentsOf: w.diagnostics.all)
        return (diagnostics.hasErrors ? nil : Glossary(path: path, entries: entries), diagnostics.all)
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

/// Per-locale thresholds: a `default` entry and entries by locale tag.
public struct Thresholds: Sendable, Equatable {
    public var byLocale: [String: Threshold] = [:]
    public var fallback = Threshold()

    public init(byLocale: [String: Threshold] = [:], fallback: Threshold = Threshold()) {
        self.byLocale = byLocale
        self.fallback = fallback
    }

    public func threshold(for locale: String) -> Threshold { byLocale[locale] ?? fallback }
}

/// The project's locale settings, `Locales/locales.yaml`: under `default:` or a locale tag, the
/// thresholds of `portdoc check` (`min-completeness`, `max-fuzzy`, `max-errors`) and the
/// fallback chain (`fallback: [en]`: the locales whose text is shown, in this order, where the
/// locale has no usable translation; the source locale always ends the chain). A locale without
/// `fallback` follows its BCP 47 parents (`pt-BR` → `pt`), then the source.
/// The older `Locales/thresholds.yaml` (thresholds only) is still read, with a deprecation warning.
public struct LocaleSettings: Sendable, Equatable {
    public static let fileName = "locales.yaml"
    public static let legacyThresholdsFileName = "thresholds.yaml"

    public var thresholds = Thresholds()
    /// Explicit fallback chains by locale tag ("default" for every locale that sets none), with
    /// the position of each entry for diagnostics.
    public var chains: [String: [(tag: String, location: SourceLocation)]] = [:]

    public init() {}

    public static func == (a: LocaleSettings, b: LocaleSettings) -> Bool {
        a.thresholds == b.thresholds && a.chains.mapValues { $0.map(\.tag) } == b.chains.mapValues { $0.map(\.tag) }
    }

    /// The explicit chain of `locale`, or the default chain, or nil.
    public func explicitChain(for locale: String) -> [String]? {
        (chains[locale] ?? chains["default"])?.map(\.tag)
    }

    /// Parses the settings; `allowFallback` is false for the legacy thresholds file.
    public static func parse(_ text: String, path: String, allowFallback: Bool = true) -> (LocaleSettings?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        guard let tree = YAMLSource.compose(text, path: path, diagnostics: &diagnostics) else { return (nil, diagnostics.all) }
        var w = YAMLWalker(path: path, text: text, tree: tree)
        let root = w.root
        var result = LocaleSettings()
        guard w.visit(root), let mapping = w.pairs(root) else {
            w.error("\(path) must be a mapping from 'default' or locale tags to settings", at: root, id: "settings.type")
            return (nil, diagnostics.all + w.diagnostics.all)
        }
        var parsed: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard let name = w.text(keyNode) else {
                w.error("keys must be 'default' or locale tags", at: keyNode, id: "settings.type")
                continue
            }
            if name != "default", let problem = LocaleTag.problem(with: name) {
                w.error("key \(problem)", at: keyNode, id: "settings.locale")
                continue
            }
            parsed.append((name, value))
        }
        var allowed = ["min-completeness", "max-fuzzy", "max-errors"]
        if allowFallback { allowed.append("fallback") }
        // The default first, so that locale entries inherit what they do not set.
        for (name, value) in parsed.sorted(by: { ($0.0 == "default" ? 0 : 1) < ($1.0 == "default" ? 0 : 1) }) {
            guard let fields = w.mapping(value, what: "'\(name)'", allowed: allowed) else { continue }
            let base = name == "default" ? Threshold() : result.thresholds.fallback
            if let threshold = threshold(fields, base: base, walker: &w) {
                if name == "default" { result.thresholds.fallback = threshold } else { result.thresholds.byLocale[name] = threshold }
            }
            if let node = fields["fallback"]?.value, let items = w.sequence(node, what: "'fallback' of '\(name)'") {
                var chain: [(tag: String, location: SourceLocation)] = []
                for item in items {
                    guard let tag = w.string(item, what: "a fallback locale") else { continue }
                    if let problem = LocaleTag.problem(with: tag) {
                        w.error("fallback locale \(problem)", at: item, id: "settings.locale")
                    } else if tag == name {
                        w.error("'\(name)' cannot fall back to itself", at: item, id: "settings.fallback")
                    } else if chain.contains(where: { $0.tag == tag }) {
                        w.error("'\(tag)' is listed twice in the fallback chain of '\(name)'", at: item, id: "settings.fallback")
                    } else {
                        chain.append((tag, w.location(of: item)))
                    }
                }
                result.chains[name] = chain
            }
        }
        diagnostics.append(contentsOf: w.diagnostics.all)
        return (diagnostics.hasErrors ? nil : result, diagnostics.all)
    }

    static func threshold(_ fields: YAMLFields, base: Threshold, walker w: inout YAMLWalker) -> Threshold? {
        var t = base
        var ok = true
        if let n = fields["min-completeness"]?.value {
            if let s = w.text(n), let v = Double(s), v >= 0, v <= 100 { t.minCompleteness = v } else {
                w.error("min-completeness must be a percentage from 0 to 100", at: n, id: "thresholds.value"); ok = false
            }
        }
        for (name, keyPath) in [("max-fuzzy", \Threshold.maxFuzzy), ("max-errors", \Threshold.maxErrors)] {
            guard let n = fields[name]?.value else { continue }
            if let s = w.text(n), let v = Int(s), v >= 0 { t[keyPath: keyPath] = v } else {
                w.error("\(name) must be a whole number, 0 or more", at: n, id: "thresholds.value"); ok = false
            }
        }
        return ok ? t : nil
    }
}
