/// Everything a build reads, in memory: the documents (one catalog each), the source text,
/// translations and templates.
public struct Project: Sendable {
    /// Every `Catalog/*.yaml`, sorted by document id; they share the source text, the translations
    /// and the templates.
    public var documents: [Catalog]
    public var source: SourceText
    /// Translations by locale tag, excluding the source locale.
    public var translations: [String: Translation]
    public var templates: TemplateSet
    /// Terms that stay unchanged in every language (`Locales/glossary.yaml`); empty when there is none.
    public var glossary: Glossary
    /// Thresholds and fallback chains from `Locales/locales.yaml`; defaults when there is none.
    public var settings: LocaleSettings
    /// Each locale's name in its own language from CLDR (set at the edge), shown where
    /// `ui.language-name` is not translated yet, so that a new locale is not listed by its tag.
    public var autonyms: [String: String] = [:]
    /// The day (`YYYY-MM-DD`) shown where the catalog gives no date; set at the edge from
    /// SOURCE_DATE_EPOCH or the clock, so that the core never reads either.
    public var buildDate: String?

    /// A project of one document.
    public init(catalog: Catalog, source: SourceText, translations: [String: Translation], templates: TemplateSet, glossary: Glossary = .empty, settings: LocaleSettings = LocaleSettings()) {
        self.init(documents: [catalog], source: source, translations: translations, templates: templates, glossary: glossary, settings: settings)
    }

    /// The language of the source text; every document names it (the loader checks that they agree).
    public var sourceLocale: String { documents.first?.document.sourceLocale ?? source.locale }

    /// More than one document: the site gets a home page and a port index.
    public var isSet: Bool { documents.count > 1 }

    public func document(_ id: String) -> Catalog? { documents.first { $0.document.id == id } }

    public init(documents: [Catalog], source: SourceText, translations: [String: Translation], templates: TemplateSet, glossary: Glossary = .empty, settings: LocaleSettings = LocaleSettings()) {
        self.documents = documents.sorted { $0.document.id < $1.document.id }
        self.source = source
        self.translations = translations
        self.templates = templates
        self.glossary = glossary
        self.settings = settings
    }

    /// The locales whose text `locale` shows where it has no usable translation, in order, ending
    /// with the source locale: the chain set in `Locales/locales.yaml`, else the BCP 47 parents
    /// that the project translates (`pt-BR` → `pt`). Empty for the source locale itself.
    public func fallbackChain(for locale: String) -> [String] {
        guard locale != sourceLocale else { return [] }
        var chain: [String]
        if let explicit = settings.explicitChain(for: locale) {
            chain = explicit.filter { $0 != locale }
        } else {
            chain = []
            var parts = locale.split(separator: "-").map(String.init)
            while parts.count > 1 {
                parts.removeLast()
                // A lone singleton ("x" of "zh-x-…") is not a tag of its own.
                if parts.last?.count == 1 { continue }
                let parent = parts.joined(separator: "-")
                if translations[parent] != nil { chain.append(parent) }
            }
        }
        if let end = chain.firstIndex(of: sourceLocale) { chain.removeSubrange((end + 1)...) } else { chain.append(sourceLocale) }
        return chain
    }

    /// Every locale the project can build: the source locale first, then the translations by tag.
    public var locales: [String] {
        [sourceLocale] + translations.keys.filter { $0 != sourceLocale }.sorted()
    }

    /// How many source messages `locale` translates against the current source text, of how many.
    /// The source locale is complete by definition.
    public func completeness(of locale: String) -> (translated: Int, total: Int) {
        let total = source.entries.count
        guard locale != sourceLocale else { return (total, total) }
        guard let translation = translations[locale] else { return (0, total) }
        return (source.entries.indices.count { translation.status(ofEntryAt: $0, in: source) == .translated }, total)
    }

    /// How many of the messages `document` uses (its own and the interface strings) `locale`
    /// translates, of how many.
    public func completeness(of locale: String, document: Catalog) -> (translated: Int, total: Int) {
        completeness(of: [locale], document: document)[0]
    }

    /// `completeness(of:document:)` for several locales, finding the document's messages once.
    public func completeness(of locales: [String], document: Catalog) -> [(translated: Int, total: Int)] {
        var keys = Set(document.textRefs.map(\.key))
        keys.formUnion(source.interfaceKeys)
        let entries = source.entries.indices.filter { keys.contains(source.entries[$0].key) }
        return locales.map { locale in
            guard locale != sourceLocale else { return (entries.count, entries.count) }
            guard let translation = translations[locale] else { return (0, entries.count) }
            return (entries.count { translation.status(ofEntryAt: $0, in: source) == .translated }, entries.count)
        }
    }

    /// Interface strings the renderers need from every locale (the templates may use more `ui.*` keys).
    public static let requiredInterfaceKeys = [
        "ui.language-name", "ui.column.protocol", "ui.column.port", "ui.column.description",
        "ui.footnotes", "ui.footnote-back", "ui.languages",
        "ui.man.name", "ui.man.description", "ui.man.notes", "ui.man.see-also",
        "ui.fallback-notice", "ui.source-language",
    ]

    /// Interface strings a set of documents needs (the home page and the port index).
    public static let setInterfaceKeys = ["ui.documents", "ui.port-index.title", "ui.port-index.document", "ui.port-index.role", "ui.filter"]

    /// Interface strings a catalog with connections needs (the diagram and the connection lists).
    public static let diagramInterfaceKeys = [
        "ui.diagram.title", "ui.diagram.description", "ui.connections",
        "ui.connection.directed", "ui.connection.undirected", "ui.port.configurable",
    ]
}
