/// Catalog + source text + one translation → one `LocalizedDocument`. Pure: no I/O.
public enum Resolver {
    public static func resolve(_ project: Project, document: Catalog, locale: String) -> (LocalizedDocument?, [Diagnostic]) {
        var r = Run(project: project, catalog: document, locale: locale)
        let doc = r.document()
        return (r.diagnostics.hasErrors ? nil : doc, r.diagnostics.all)
    }

    /// The project's first document (the only one of a one-document project) in `locale`.
    public static func resolve(_ project: Project, locale: String) -> (LocalizedDocument?, [Diagnostic]) {
        guard let first = project.documents.first else { return (nil, []) }
        return resolve(project, document: first, locale: locale)
    }

    /// A document's title in `locale`, from its fallback chain where it is not translated.
    public static func title(_ project: Project, document: Catalog, locale: String) -> LocalizedText {
        var run = Run(project: project, catalog: document, locale: locale)
        return run.text(document.document.title)
    }

    /// An interface string (no placeholders but `{count}`) in `locale`, from its fallback chain.
    public static func interfaceText(_ project: Project, key: String, locale: String, values: [String: String] = [:]) -> LocalizedText {
        guard let document = project.documents.first else { return LocalizedText(pieces: [.text(key)], fallbackLocale: nil) }
        var run = Run(project: project, catalog: document, locale: locale)
        return run.text(TextRef(key: key, location: SourceLocation(path: project.source.path, line: 1, column: 1)), values: values)
    }

    /// The interface strings (`ui.*`) in `locale`, for pages that are not a document (the language index).
    public static func interface(_ project: Project, locale: String) -> [String: LocalizedText] {
        guard let document = project.documents.first else { return [:] }
        var run = Run(project: project, catalog: document, locale: locale)
        let location = SourceLocation(path: project.source.path, line: 1, column: 1)
        var result: [String: LocalizedText] = [:]
        for key in project.source.interfaceKeys where !isPattern(key, in: project.source) {
            result[key] = run.text(TextRef(key: key, location: location), values: ["count": "0"])
        }
        return result
    }

    /// An interface string with placeholders other than `{count}` (`ui.connection.directed`,
    /// `ui.port.configurable`): a pattern the resolver fills where it is used, not a text of its own.
    static func isPattern(_ key: String, in source: SourceText) -> Bool {
        guard let names = source[key]?.placeholders else { return false }
        return names.contains { $0 != "count" }
    }

    /// A locale's name in its own language (`ui.language-name`); when untranslated, its CLDR name, else its tag.
    public static func languageName(_ project: Project, _ tag: String) -> String {
        guard let document = project.documents.first else { return tag }
        return Run(project: project, catalog: document, locale: tag).languageName(tag)
    }

    /// Whether any of the eight bytes in `word` is below 0x20 or is 0x7F, 0xC2 or 0xEF (the bytes
    /// `sanitize` looks at). Each test is exact for "any": a byte that borrows is itself one found.
    static func mayNeedSanitizing(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        return (word &- ones &* 0x20) & ~word & highs != 0
            || UTF8Bytes.contains(word, 0x7F) || UTF8Bytes.contains(word, 0xC2) || UTF8Bytes.contains(word, 0xEF)
    }

    /// Characters that no output format can carry (XML 1.0 forbids C0 controls and U+FFFE/U+FFFF;
    /// roff and terminals misread C1 controls and DEL) are replaced by U+FFFD, with a warning.
    public static func sanitize(_ text: String) -> (String, replaced: Int) {
        // Fast path: no C0 control or DEL (ASCII), no C1 control (C2 80…C2 9F), no U+FFFE/U+FFFF (EF BF BE/BF).
        // Printable ASCII and continuation bytes pass with two comparisons; only the lead bytes
        // C2 and EF are looked at further (the text is valid UTF-8, so their followers exist).
        var copy = text
        let clean = copy.withUTF8 { bytes -> Bool in
            var i = 0
            let n = bytes.count
            while i < n {
                // Eight bytes at a time while none is below 0x20 or is 7F, C2 or EF (testing
                // byte by byte cost 11 instructions a byte, 100 M for 10k rows × 10 locales).
                if i + 8 <= n, !mayNeedSanitizing(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = bytes[i]
                if b < 0x20 || b == 0x7F { return false }
                if b == 0xC2, i + 1 < n, bytes[i + 1] <= 0x9F { return false }
                if b == 0xEF, i + 2 < n, bytes[i + 1] == 0xBF, bytes[i + 2] >= 0xBE { return false }
                i += 1
            }
            return true
        }
        if clean { return (text, 0) }
        var replaced = 0
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                out.append("\u{FFFD}")
                replaced += 1
            } else {
                out.append(scalar)
            }
        }
        return (String(out), replaced)
    }

    private struct Run {
        let project: Project
        let catalog: Catalog
        let locale: String
        var diagnostics = Diagnostics()
        var fallbacks: [Fallback] = []
        /// The keys in `fallbacks`: searching the list for each new fallback took time growing with
        /// the square of the untranslated messages (an empty translation of 10k rows built in
        /// 1.67 s instead of 0.36 s; 140,000 messages would have taken minutes).
        var fallbackKeys: Set<String> = []
        var footnoteNumbers: [String: Int] = [:]
        var footnoteCounts: [String: Int] = [:]
        /// The source entry after the last message resolved, where the next one usually is.
        var nextEntry = 0

        /// Looked up once: every message of the document needs them.
        let translation: Translation?
        /// The locales after this one, in the order their text is used for a message this one
        /// lacks; the source locale (nil translation) ends it.
        let chain: [(locale: String, translation: Translation?)]
        let source: SourceText
        let sourceLocale: String

        init(project: Project, catalog: Catalog, locale: String) {
            self.project = project
            self.catalog = catalog
            self.locale = locale
            self.source = project.source
            self.sourceLocale = project.sourceLocale
            self.translation = locale == sourceLocale ? nil : project.translations[locale]
            self.chain = locale == sourceLocale ? [] : project.fallbackChain(for: locale).map { ($0, project.translations[$0]) }
        }

        mutating func document() -> LocalizedDocument? {
            guard locale == sourceLocale || translation != nil else {
                diagnostics.error("no translation for locale '\(locale)'; add Locales/\(locale).po with 'portdoc locales add \(locale)'", at: nil, id: "build.unknown-locale")
                return nil
            }
            let title = text(catalog.document.title)
            let intro = catalog.document.intro.map { paragraph($0) }
            let notices = catalog.document.notices.map { paragraph($0) }
            let sections = catalog.sections.map { section in
                LocalizedSection(id: section.id, heading: text(section.heading), tables: section.tables.map { table in
                    LocalizedTable(id: table.id, caption: table.caption.map { paragraph($0) }, rows: table.rows.enumerated().map { index, row in
                        LocalizedRow(anchor: table.anchor(ofRow: index), proto: row.proto, transport: row.transport, ports: row.ports,
                                     description: row.description.map { LocalizedItem(kind: $0.kind, paragraph: paragraph($0.text)) })
                    })
                })
            }
            let closing = catalog.document.closing.map { paragraph($0) }
            let footnotes = catalog.footnotes
                .filter { footnoteNumbers[$0.id] != nil }
                .sorted { footnoteNumbers[$0.id, default: 0] < footnoteNumbers[$1.id, default: 0] }
                .map { LocalizedFootnote(id: $0.id, number: footnoteNumbers[$0.id, default: 0], text: text($0.text), references: footnoteCounts[$0.id] ?? 0) }

            let (endpoints, connections) = diagram()

            var interface: [String: LocalizedText] = [:]
            let uiKeys = project.source.interfaceKeys
            let location = SourceLocation(path: project.source.path, line: 1, column: 1)
            let noticeKey = "ui.fallback-notice"
            for key in uiKeys where key != noticeKey && !Resolver.isPattern(key, in: project.source) {
                interface[key] = text(TextRef(key: key, location: location))
            }
            // The notice counts every fallback of the document, interface strings and itself included.
            if uiKeys.contains(noticeKey) {
                _ = text(TextRef(key: noticeKey, location: location), values: ["count": "0"])
                interface[noticeKey] = text(TextRef(key: noticeKey, location: location), values: ["count": String(fallbacks.count)])
            }
            var man = catalog.document.man
            if man.date == nil {
                guard let day = project.buildDate else {
                    diagnostics.error("the catalog gives no man date and the build has none; set 'man: date:' or SOURCE_DATE_EPOCH", at: nil, id: "build.no-date")
                    return nil
                }
                man.date = day
            }
            let languages = project.locales.map { tag in
                Language(tag: tag, name: languageName(tag))
            }
            return LocalizedDocument(
                locale: locale, sourceLocale: sourceLocale, id: catalog.document.id, title: title, intro: intro,
                notices: notices, sections: sections, footnotes: footnotes, closing: closing, interface: interface,
                man: man, languages: languages, endpoints: endpoints, connections: connections,
                diagramAfter: connections.isEmpty ? nil : catalog.document.diagramAfter.flatMap { key in catalog.document.intro.firstIndex { $0.key == key } } ?? max(0, intro.count - 1),
                fallbacks: fallbacks)
        }

        /// The endpoints with their labels, and one connection per target, with the row's ports.
        mutating func diagram() -> ([LocalizedEndpoint], [LocalizedConnection]) {
            guard !catalog.connections.isEmpty else { return ([], []) }
            let endpoints = catalog.endpoints.map { LocalizedEndpoint(id: $0.id, label: text($0.label), section: $0.section) }
            let labels = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.id, $0.label.plain) })
            let location = SourceLocation(path: project.source.path, line: 1, column: 1)
            var connections: [LocalizedConnection] = []
            for connection in catalog.connections {
                guard let row = catalog.row(withID: connection.row)?.row else { continue }
                let ports = row.ports.map { port -> String in
                    let number = port.label.map { "\(port.numberText) (\($0))" } ?? port.numberText
                    guard port.configurable else { return number }
                    return text(TextRef(key: "ui.port.configurable", location: location), values: ["port": number]).plain
                }
                let portsText = LocalizedText(pieces: [.text(row.proto + " " + ports.joined(separator: ", "))], fallbackLocale: nil)
                // The row's footnote markers, numbered as in the tables.
                let notes = row.description.flatMap(\.text.footnotes).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                let refs = notes.compactMap { id in footnoteNumbers[id].map { FootnoteRef(id: id, number: $0, occurrence: 0) } }
                for target in connection.to {
                    let key = connection.directed ? "ui.connection.directed" : "ui.connection.undirected"
                    let sentence = text(TextRef(key: key, location: location),
                                        values: ["from": labels[connection.from] ?? connection.from, "to": labels[target] ?? target, "ports": portsText.plain])
                    connections.append(LocalizedConnection(row: connection.row, from: connection.from, to: target, directed: connection.directed,
                                                           proto: row.proto, portsText: portsText, portLabels: ports,
                                                           sentence: sentence, footnotes: refs))
                }
            }
            return (endpoints, connections)
        }

        func languageName(_ tag: String) -> String {
            let key = "ui.language-name"
            let source = project.source[key]?.text ?? tag
            if tag == project.sourceLocale { return source }
            return project.translations[tag]?.text(for: key, source: source).map { Resolver.sanitize(Whitespace.normalize($0)).0 }
                ?? project.autonyms[tag] ?? tag
        }

        mutating func paragraph(_ ref: TextRef) -> Paragraph {
            let t = text(ref)
            let refs = ref.footnotes.map { id -> FootnoteRef in
                let number = footnoteNumbers[id] ?? (footnoteNumbers.count + 1)
                footnoteNumbers[id] = number
                footnoteCounts[id, default: 0] += 1
                return FootnoteRef(id: id, number: number, occurrence: footnoteCounts[id, default: 1])
            }
            return Paragraph(text: t, footnotes: refs)
        }

        /// The message for `ref` in this locale, or the source text marked as a fallback.
        mutating func text(_ ref: TextRef, values: [String: String] = [:]) -> LocalizedText {
            // Only the fields of the source entry that are needed are read: passing the whole entry
            // (key, text, two locations, hash, placeholders, pieces) copied it, 87 M instructions
            // more for the 140,000 messages of 10k rows × 10 locales.
            guard let index = source.index(of: ref.key, guess: nextEntry) else {
                diagnostics.error("message key '\(ref.key)' is not defined in \(source.path)", at: ref.location, id: "text.missing-key")
                return LocalizedText(pieces: [], fallbackLocale: nil)
            }
            nextEntry = index + 1
            let sourceText = source.entries[index].text
            let expected = source.entries[index].placeholders
            var raw = sourceText
            // The pieces of `raw` when already parsed (the source text at loading, a translation
            // for its placeholders).
            var rawPieces: [Placeholder.Piece]? = source.entries[index].pieces
            var fallback: String? = nil
            var location = source.entries[index].textLocation
            if let translation {
                let found = translation.lookup(entryAt: index, of: source)
                var usable: (string: String, pieces: [Placeholder.Piece], location: SourceLocation?)? = nil
                if found.status == .translated, let string = found.string {
                    let candidate = Whitespace.normalize(string)
                    switch placeholderMismatch(expected: expected, translation: candidate) {
                    case .failure(let problem):
                        diagnostics.error("the translation of '\(ref.key)' \(problem.text)", at: found.stringLocation ?? location, id: "translation.placeholder")
                    case .success(let pieces):
                        usable = (candidate, pieces, found.stringLocation)
                    }
                }
                if let usable {
                    raw = usable.string
                    rawPieces = usable.pieces
                    location = usable.location ?? location
                } else {
                    // The first locale of the chain that has a usable text; the source ends the chain.
                    var used = sourceLocale
                    for link in chain {
                        guard let other = link.translation else { break }
                        let candidate = other.lookup(entryAt: index, of: source)
                        guard candidate.status == .translated, let string = candidate.string else { continue }
                        let text = Whitespace.normalize(string)
                        guard case .success(let pieces) = placeholderMismatch(expected: expected, translation: text) else { continue }
                        raw = text
                        rawPieces = pieces
                        location = candidate.stringLocation ?? location
                        used = link.locale
                        break
                    }
                    fallback = used
                    recordFallback(Fallback(key: ref.key, status: found.status, locale: used))
                }
            }
            let (clean, replaced) = Resolver.sanitize(raw)
            if replaced > 0 {
                diagnostics.warning("\(replaced) character(s) in '\(ref.key)' cannot appear in the outputs and were replaced by U+FFFD", at: location, id: "text.invalid-character")
            }
            // Sanitizing replaces no brace: the pieces of a text it left alone are those parsed.
            guard case .success(let parsed) = replaced == 0 ? rawPieces.map({ .success($0) }) ?? Placeholder.parse(clean) : Placeholder.parse(clean) else {
                diagnostics.error("the text of '\(ref.key)' has a malformed placeholder", at: location, id: "text.placeholder")
                return LocalizedText(pieces: [], fallbackLocale: fallback)
            }
            var pieces: [LocalizedText.Piece] = []
            // At most one piece each (literals and values join): no second allocation as it grows.
            pieces.reserveCapacity(parsed.count)
            for piece in parsed {
                switch piece {
                case .literal(let s):
                    if case .text(let previous)? = pieces.last { pieces[pieces.count - 1] = .text(previous + s) } else { pieces.append(.text(s)) }
                case .placeholder(let name):
                    if let value = ref.args[name] {
                        switch value {
                        case .url(let u): pieces.append(.link(u))
                        case .host(let h): pieces.append(.host(h))
                        }
                    } else if let value = values[name] {
                        if case .text(let previous)? = pieces.last { pieces[pieces.count - 1] = .text(previous + value) } else { pieces.append(.text(value)) }
                    } else {
                        diagnostics.error("placeholder '{\(name)}' in '\(ref.key)' has no value", at: ref.location, id: "text.placeholder-missing-value")
                    }
                }
            }
            return LocalizedText(pieces: pieces, fallbackLocale: fallback)
        }

        /// A key used in several places (such as a shared row text) falls back once.
        mutating func recordFallback(_ fallback: Fallback) {
            if fallbackKeys.insert(fallback.key).inserted { fallbacks.append(fallback) }
        }

        struct Mismatch: Error { var text: String }

        /// The translation's pieces when its placeholders are those of the source text (in any
        /// order), else what is wrong with them. The translation is parsed once, for this and for
        /// its pieces; the source text's names were parsed when it was loaded.
        func placeholderMismatch(expected: [String]?, translation: String) -> Result<[Placeholder.Piece], Mismatch> {
            let pieces: [Placeholder.Piece]
            switch Placeholder.parse(translation) {
            case .failure(let e): return .failure(Mismatch(text: "is malformed at column \(e.column): \(e.message)"))
            case .success(let parsed): pieces = parsed
            }
            let translated = pieces.compactMap { if case .placeholder(let n) = $0 { n } else { nil } }
            let expected = expected ?? []
            // The common case, most often with no placeholder at all: the same names in the same order.
            if translated == expected { return .success(pieces) }
            let missing = Set(expected).subtracting(translated).sorted()
            let added = Set(translated).subtracting(expected).sorted()
            if missing.isEmpty && added.isEmpty { return .success(pieces) }
            var parts: [String] = []
            if !missing.isEmpty { parts.append("lacks " + missing.map { "'{\($0)}'" }.joined(separator: ", ")) }
            if !added.isEmpty { parts.append("has unknown " + added.map { "'{\($0)}'" }.joined(separator: ", ")) }
            return .failure(Mismatch(text: parts.joined(separator: " and ")))
        }
    }
}
