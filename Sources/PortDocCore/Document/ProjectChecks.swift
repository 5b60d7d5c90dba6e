/// Checks across the catalog, the source text and translations (the part of `portdoc lint` that
/// needs more than one file).
public enum ProjectChecks {
    /// The documents of a set against each other: one id, man page name and source language each.
    public static func check(documents: [Catalog]) -> [Diagnostic] {
        var d = Diagnostics()
        func unique(_ value: (Catalog) -> String, _ what: String) {
            var first: [String: Catalog] = [:]
            for doc in documents {
                let v = value(doc)
                if let other = first[v] {
                    let here = SourceLocation(path: doc.path, line: 1, column: 1), there = SourceLocation(path: other.path, line: 1, column: 1)
                    d.error("\(what) '\(v)' is also the \(what) of \(other.path)", at: here, id: "project.duplicate-document")
                    d.error("\(what) '\(v)' is also the \(what) of \(doc.path)", at: there, id: "project.duplicate-document")
                } else {
                    first[v] = doc
                }
            }
        }
        unique({ $0.document.id }, "document id")
        unique({ $0.document.man.name }, "man page name")
        if let first = documents.first {
            for doc in documents.dropFirst() where doc.document.sourceLocale != first.document.sourceLocale {
                d.error("the source locale is '\(doc.document.sourceLocale)', but \(first.path) says '\(first.document.sourceLocale)'; a set shares one source text", at: SourceLocation(path: doc.path, line: 1, column: 1), id: "project.source-locale")
            }
        }
        return d.all
    }

    public static func check(catalog: Catalog, source: SourceText, translations: [String: Translation], settings: LocaleSettings = LocaleSettings()) -> [Diagnostic] {
        check(documents: [catalog], source: source, translations: translations, settings: settings)
    }

    public static func check(documents: [Catalog], source: SourceText, translations: [String: Translation], settings: LocaleSettings = LocaleSettings()) -> [Diagnostic] {
        var d = Diagnostics()
        let sourceLocale = documents.first?.document.sourceLocale ?? source.locale
        // Fallback chains name locales the project has.
        for (locale, chain) in settings.chains.sorted(by: { $0.key < $1.key }) {
            for link in chain where link.tag != sourceLocale && translations[link.tag] == nil {
                d.error("the fallback chain of '\(locale)' names '\(link.tag)', which has no Locales/\(link.tag).po", at: link.location, id: "settings.fallback")
            }
        }
        for locale in settings.chains.keys.sorted() where locale != "default" && locale != sourceLocale && translations[locale] == nil {
            d.warning("settings for '\(locale)', which has no Locales/\(locale).po", at: settings.chains[locale]?.first?.location, id: "settings.locale")
        }
        // Which entries the catalogs use, by position: a set of 14,000 keys cost 15 M
        // instructions at 10k rows, in the one part of loading that runs on one core.
        var used = [Bool](repeating: false, count: source.entries.count)
        let keyIndex = source.keyIndex
        var next = 0
        for document in documents {
            document.forEachTextRef { ref in
                guard let index = source.index(of: ref.key, guess: next) else {
                    d.error("message key '\(ref.key)' is not defined in \(source.path)", at: ref.location, id: "text.missing-key")
                    return
                }
                next = index + 1
                used[index] = true
                d.append(contentsOf: placeholderProblems(ref: ref, placeholders: source.entries[index].placeholders))
            }
        }
        if keyIndex.count != source.entries.count {
            // A repeated key's later entries count as used with its first.
            for (index, entry) in source.entries.enumerated() where !used[index] {
                if let first = keyIndex[entry.key], used[first] { used[index] = true }
            }
        }
        let required = Project.requiredInterfaceKeys
            + (documents.allSatisfy(\.connections.isEmpty) ? [] : Project.diagramInterfaceKeys)
            + (documents.count > 1 ? Project.setInterfaceKeys : [])
        for key in required where source[key] == nil {
            d.error("interface string '\(key)' is missing; the renderers need it", at: SourceLocation(path: source.path, line: 1, column: 1), id: "text.missing-key")
        }
        for (index, entry) in source.entries.enumerated() where !used[index] && !entry.key.hasPrefix(SourceText.interfacePrefix) {
            d.warning("message key '\(entry.key)' is not used by the catalog", at: entry.keyLocation, id: "text.unused-key")
        }
        for locale in translations.keys.sorted() {
            guard let t = translations[locale] else { continue }
            // gettext tools write underscores (pt_BR) where BCP 47 has hyphens (pt-BR).
            // Poedit and Weblate often write a region the file name leaves out (Language: ja_JP in
            // ja.po); only another language is an error.
            if let language = t.file.headerField("Language"), !language.isEmpty {
                let header = LocaleTag.fromGettext(language).lowercased(), file = locale.lowercased()
                let sameLanguage = header.split(separator: "-").first == file.split(separator: "-").first
                if !sameLanguage {
                    d.error("the header says Language: \(language), but the file is for '\(locale)'", at: t.file.header?.stringLocation, id: "po.language")
                }
            }
            if t.file.header == nil {
                d.error("the PO file has no header entry (msgid \"\")", at: SourceLocation(path: t.file.path, line: 1, column: 1), id: "po.header")
            }
        }
        return d.all
    }

    /// A placeholder in the text with no value in the catalog, or a value no placeholder uses.
    /// `placeholders`: the text's, as the source text parsed them (nil: malformed, reported there).
    static func placeholderProblems(ref: TextRef, placeholders: [String]?) -> [Diagnostic] {
        guard let names = placeholders else { return [] }
        // The usual case, told without sorting or building anything: every placeholder has a value
        // and every value a placeholder (parsing each text again here was 3,000 instructions a key).
        if names.allSatisfy({ ref.args[$0] != nil }) && ref.args.keys.allSatisfy(names.contains) { return [] }
        var d = Diagnostics()
        for name in Set(names).sorted() where ref.args[name] == nil {
            d.error("placeholder '{\(name)}' in '\(ref.key)' has no value in the catalog; add it under 'args'", at: ref.location, id: "text.placeholder-missing-value")
        }
        for name in ref.args.keys.sorted() where !names.contains(name) {
            d.error("the catalog gives a value for '\(name)', but the text of '\(ref.key)' has no placeholder '{\(name)}'", at: ref.location, id: "text.placeholder-unused-value")
        }
        return d.all
    }

    /// Checks of one PO file on its own (run by the loader before the file is compacted).
    public static func check(_ file: POFile) -> [Diagnostic] {
        var d = Diagnostics()
        for entry in file.entries {
            // A string of at most that many bytes has at most that many scalars: the scalars are
            // counted only beyond (counting every translation's, through a key path, was 3,500
            // instructions a message).
            guard entry.strings.contains(where: { $0.utf8.count > SourceText.maxMessageLength }) else { continue }
            if let problem = tooLong(entry.strings, at: entry.stringLocation ?? entry.location) { d.append(problem) }
        }
        return d.all
    }

    /// The finding for a translation (its msgstrs) longer than a message may be, if it is.
    static func tooLong(_ strings: [String], at location: SourceLocation?) -> Diagnostic? {
        let longest = strings.map { $0.unicodeScalars.count }.max() ?? 0
        guard longest > SourceText.maxMessageLength else { return nil }
        return .error("the translation has \(longest) characters; a message may have at most \(SourceText.maxMessageLength)", at: location, id: "po.too-long")
    }
}
