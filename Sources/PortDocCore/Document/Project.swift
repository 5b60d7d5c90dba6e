/// Everything a build reads, in memory: the catalog, the source text, translations and templates.
public struct Project: Sendable {
    public var catalog: Catalog
    public var source: SourceText
    /// Translations by locale tag, excluding the source locale.
    public var translations: [String: Translation]
    public var templates: TemplateSet

    public init(catalog: Catalog, source: SourceText, translations: [String: Translation], templates: TemplateSet) {
        self.catalog = catalog
        self.source = source
        self.translations = translations
        self.templates = templates
    }

    /// Every locale the project can build: the source locale first, then the translations by tag.
    public var locales: [String] {
        [catalog.document.sourceLocale] + translations.keys.filter { $0 != catalog.document.sourceLocale }.sorted()
    }

    /// Interface strings the renderers need from every locale (the templates may use more `ui.*` keys).
    public static let requiredInterfaceKeys = [
        "ui.language-name", "ui.column.protocol", "ui.column.port", "ui.column.description",
        "ui.footnotes", "ui.footnote-back", "ui.languages",
        "ui.man.name", "ui.man.description", "ui.man.notes", "ui.man.see-also",
        "ui.fallback-notice",
    ]
}
