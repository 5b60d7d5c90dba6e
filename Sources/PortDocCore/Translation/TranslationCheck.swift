/// `portdoc check`: per locale, message counts (overall and per section), consistency findings,
/// and whether the locale meets its threshold. Pure: the project is already loaded.
public enum TranslationCheck {
    public struct Counts: Sendable, Equatable, Codable {
        public var total = 0
        public var translated = 0
        /// Marked fuzzy, plus stale entries (translated against an older source text).
        public var fuzzy = 0
        public var stale = 0
        /// Empty msgstr, plus keys the file has no entry for.
        public var untranslated = 0

        public init() {}

        /// Translated share in percent; 100 when there is nothing to translate.
        public var completeness: Double { total == 0 ? 100 : Double(translated) * 100 / Double(total) }

        mutating func add(_ status: MessageStatus) {
            total += 1
            switch status {
            case .translated: translated += 1
            case .fuzzy: fuzzy += 1
            case .stale: fuzzy += 1; stale += 1
            case .untranslated, .missing: untranslated += 1
            }
        }
    }

    public struct SectionCounts: Sendable, Equatable, Codable {
        public var section: String
        public var counts: Counts
        /// The keys not translated (empty or missing), and fuzzy or stale, in source order.
        public var untranslatedKeys: [String] = []
        public var fuzzyKeys: [String] = []
    }

    /// The finding ids that report a message's status rather than a problem in its text.
    public static let statusFindings: Set<String> = ["check.untranslated", "check.missing", "check.fuzzy", "check.stale"]

    public struct Finding: Sendable, Equatable, Codable {
        public var path: String?
        public var line: Int?
        public var column: Int?
        public var severity: String
        public var message: String
        public var check: String
        public var key: String?

        init(_ d: Diagnostic, key: String?) {
            path = d.location?.path
            line = d.location?.line
            column = d.location?.column
            severity = d.severity.rawValue
            message = d.message
            check = d.id
            self.key = key
        }

        public var diagnostic: Diagnostic {
            let location = path.map { SourceLocation(path: $0, line: line ?? 1, column: column ?? 1) }
            return Diagnostic(Severity(rawValue: severity) ?? .error, message, at: location, id: check)
        }
    }

    public struct LocaleReport: Sendable, Equatable, Codable {
        public var locale: String
        public var file: String
        public var counts: Counts
        /// `#~` entries plus active entries whose key the source no longer has.
        public var obsolete: Int
        public var completeness: Double
        public var errors: Int
        public var warnings: Int
        public var sections: [SectionCounts]
        public var findings: [Finding]
        public var threshold: Threshold
        /// Why the locale fails its threshold; empty when it passes.
        public var failures: [String]
        public var passed: Bool
    }

    public struct Report: Sendable, Equatable, Codable {
        public var sourceLocale: String
        public var locales: [LocaleReport]
        public var passed: Bool
    }

    /// Which section each source key belongs to, in document order: `document`, the catalog's
    /// section ids, `footnotes`, `diagram`, `interface` (ui.* strings) and `unused`. A key used in
    /// several sections counts in the first.
    public static func sections(of project: Project) -> [(section: String, keys: [String])] {
        var owner: [String: String] = [:]
        var order: [String] = []
        func assign(_ key: String, _ section: String) {
            if owner[key] == nil { owner[key] = section }
            if !order.contains(section) { order.append(section) }
        }
        // In a set of documents, sections are named "<document>/<section>"; a key shared by several
        // documents counts in the first that uses it.
        for catalog in project.documents {
            let prefix = project.isSet ? catalog.document.id + "/" : ""
            let doc = catalog.document
            for ref in [doc.title] + doc.intro + doc.notices { assign(ref.key, prefix + "document") }
            for section in catalog.sections {
                assign(section.heading.key, prefix + section.id)
                for table in section.tables {
                    if let caption = table.caption { assign(caption.key, prefix + section.id) }
                    for row in table.rows { for item in row.description { assign(item.text.key, prefix + section.id) } }
                }
            }
            for footnote in catalog.footnotes { assign(footnote.text.key, prefix + "footnotes") }
            for endpoint in catalog.endpoints { assign(endpoint.label.key, prefix + "diagram") }
            for ref in doc.closing { assign(ref.key, prefix + "document") }
        }
        for entry in project.source.entries where owner[entry.key] == nil {
            assign(entry.key, entry.key.hasPrefix(SourceText.interfacePrefix) ? "interface" : "unused")
        }
        return order.map { section in (section, project.source.keys.filter { owner[$0] == section }) }
    }

    public static func run(_ project: Project, thresholds: Thresholds, minCompletenessOverride: Double? = nil) -> Report {
        let context = ConsistencyChecks.Context(glossary: project.glossary, ports: Set(project.documents.flatMap(\.distinctPorts)))
        let sectionKeys = sections(of: project)
        var reports: [LocaleReport] = []
        for locale in project.locales where locale != project.sourceLocale {
            guard let translation = project.translations[locale] else { continue }
            var threshold = thresholds.threshold(for: locale)
            if let minCompletenessOverride { threshold.minCompleteness = minCompletenessOverride }
            var localeContext = context
            localeContext.locale = locale
            reports.append(check(translation, project: project, sections: sectionKeys, context: localeContext, threshold: threshold))
        }
        return Report(sourceLocale: project.sourceLocale, locales: reports, passed: reports.allSatisfy(\.passed))
    }

    static func check(_ translation: Translation, project: Project, sections: [(section: String, keys: [String])],
                      context: ConsistencyChecks.Context, threshold: Threshold) -> LocaleReport {
        let path = translation.file.path
        var findings: [Finding] = []
        var counts = Counts()
        var statusByKey: [String: MessageStatus] = [:]
        for sourceEntry in project.source.entries {
            let key = sourceEntry.key
            let status = translation.status(of: key, source: sourceEntry.text)
            statusByKey[key] = status
            counts.add(status)
            let entry = translation.entry(for: key)
            let entryLocation = entry?.location
            switch status {
            case .missing:
                findings.append(Finding(.warning("'\(key)' has no entry; run 'portdoc locales update' to add it", at: SourceLocation(path: path, line: 1, column: 1), id: "check.missing"), key: key))
            case .untranslated:
                findings.append(Finding(.warning("'\(key)' is not translated", at: entry?.stringLocation ?? entryLocation, id: "check.untranslated"), key: key))
            case .fuzzy:
                let was = entry?.previousID.map { "; the source was: \"\($0)\"" } ?? ""
                findings.append(Finding(.warning("'\(key)' is marked fuzzy: review the translation and remove the flag\(was)", at: entryLocation, id: "check.fuzzy"), key: key))
            case .stale:
                findings.append(Finding(.warning("'\(key)' was translated from an older source text; run 'portdoc locales update', then review it", at: entryLocation, id: "check.stale"), key: key))
            case .translated:
                if let entry {
                    findings += ConsistencyChecks.check(key: key, source: sourceEntry.text, entry: entry, at: entry.stringLocation ?? entryLocation, context: context)
                        .map { Finding($0, key: key) }
                }
            }
        }
        let unknown = translation.unknownEntries(in: project.source)
        for entry in unknown {
            let name = entry.context.map { "'\($0)'" } ?? "an entry without msgctxt"
            findings.append(Finding(.warning("\(name) is not in the source text; 'portdoc locales update' will make it obsolete", at: entry.location, id: "check.obsolete-key"), key: entry.context))
        }
        let obsolete = translation.file.entries.filter(\.isObsolete).count + unknown.count
        let sectionCounts = sections.map { section -> SectionCounts in
            var c = SectionCounts(section: section.section, counts: Counts())
            for key in section.keys {
                guard let s = statusByKey[key] else { continue }
                c.counts.add(s)
                switch s {
                case .untranslated, .missing: c.untranslatedKeys.append(key)
                case .fuzzy, .stale: c.fuzzyKeys.append(key)
                case .translated: break
                }
            }
            return c
        }
        findings = findings.enumerated().sorted { a, b in
            let l = (a.element.path ?? "", a.element.line ?? 0, a.element.column ?? 0)
            let r = (b.element.path ?? "", b.element.line ?? 0, b.element.column ?? 0)
            return l == r ? a.offset < b.offset : l < r
        }.map(\.element)
        let errors = findings.filter { $0.severity == Severity.error.rawValue }.count
        let warnings = findings.filter { $0.severity == Severity.warning.rawValue }.count
        var failures: [String] = []
        if counts.completeness < threshold.minCompleteness {
            failures.append("completeness \(percent(counts.completeness)) is below \(percent(threshold.minCompleteness))")
        }
        if counts.fuzzy > threshold.maxFuzzy { failures.append("\(counts.fuzzy) fuzzy or stale (at most \(threshold.maxFuzzy))") }
        if errors > threshold.maxErrors { failures.append("\(errors) error\(errors == 1 ? "" : "s") (at most \(threshold.maxErrors))") }
        return LocaleReport(locale: translation.locale, file: path, counts: counts, obsolete: obsolete,
                            completeness: (counts.completeness * 10).rounded(.down) / 10, errors: errors, warnings: warnings,
                            sections: sectionCounts, findings: findings, threshold: threshold, failures: failures, passed: failures.isEmpty)
    }

    /// `98.3 %`, rounded down so that 99.96 % never shows as 100 %.
    public static func percent(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded(.down))
        return tenths % 10 == 0 ? "\(tenths / 10) %" : "\(tenths / 10).\(tenths % 10) %"
    }
}
