import Foundation
import PortDocCore
import PortDocIO
import Testing

@Suite("translation workflow: merge, new locale, checks, pseudo-locale")
struct TranslationTests {
    func source(_ pairs: [(String, String)]) -> SourceText {
        let loc = SourceLocation(path: "de.yaml", line: 1, column: 1)
        return SourceText(path: "de.yaml", locale: "de", entries: pairs.map { .init(key: $0.0, text: $0.1, keyLocation: loc, textLocation: loc) })
    }

    func po(_ text: String) throws -> POFile {
        let (file, d) = POParser.parse(text, path: "en.po")
        #expect(d.isEmpty, "\(lines(d))")
        return try #require(file)
    }

    let header = "msgid \"\"\nmsgstr \"Language: en\\n\"\n\n"

    @Test func mergeAddsFuzziesObsoletesAndKeepsTranslatorWork() throws {
        let file = try po(header + """
            # translator note
            #, ignore-same
            msgctxt "a"
            msgid "Alt A"
            msgstr "Old A"

            msgctxt "gone"
            msgid "Weg"
            msgstr "Gone"

            msgctxt "same"
            msgid "Gleich"
            msgstr "Same"

            msgctxt "empty"
            msgid "Leer alt"
            msgstr ""

            """)
        let (merged, summary) = POMerge.merge(file, source: source([("same", "Gleich"), ("a", "Neu A"), ("new", "Neu"), ("empty", "Leer neu")]))
        #expect(summary.added == ["new"])
        #expect(summary.fuzzied == ["a"])
        #expect(summary.obsoleted == ["gone"])
        #expect(summary.updatedUntranslated == ["empty"])
        #expect(summary.unchanged == 1)
        #expect(merged.entries.map { $0.context ?? "" } == ["same", "a", "new", "empty", "gone"])
        let a = merged.entries[1]
        #expect(a.isFuzzy && a.previousID == "Alt A" && a.id == "Neu A" && a.string == "Old A")
        #expect(a.translatorComments == ["translator note"] && a.flags == ["ignore-same", "fuzzy"])
        #expect(merged.entries[3].flags.isEmpty && merged.entries[3].previousID == nil, "an untranslated entry needs no fuzzy mark")
        #expect(merged.entries[4].isObsolete && merged.entries[4].string == "Gone")
        #expect(merged.header == file.header)
    }

    @Test func aSecondSourceChangeKeepsTheMsgidTheTranslationWasMadeFor() throws {
        let file = try po(header + "msgctxt \"a\"\nmsgid \"Eins\"\nmsgstr \"One\"\n")
        let (once, _) = POMerge.merge(file, source: source([("a", "Zwei")]))
        let (twice, s2) = POMerge.merge(once, source: source([("a", "Drei")]))
        #expect(twice.entries[0].previousID == "Eins" && twice.entries[0].id == "Drei")
        #expect(s2.fuzzied == ["a"])
    }

    @Test func obsoleteEntriesComeBackAndRenamedKeysKeepTheirTranslation() throws {
        let file = try po(header + """
            msgctxt "old-key"
            msgid "Text"
            msgstr "Translation"

            #~ msgctxt "back"
            #~ msgid "Zurück"
            #~ msgstr "Back"

            """)
        let (merged, summary) = POMerge.merge(file, source: source([("new-key", "Text"), ("back", "Zurück")]))
        #expect(summary.renamed.map(\.from) == ["old-key"] && summary.renamed.map(\.to) == ["new-key"])
        #expect(summary.revived == ["back"])
        #expect(summary.obsoleted.isEmpty)
        let renamed = merged.entries[0]
        #expect(renamed.context == "new-key" && renamed.previousContext == "old-key" && renamed.isFuzzy && renamed.string == "Translation")
        #expect(!merged.entries[1].isObsolete && merged.entries[1].string == "Back" && !merged.entries[1].isFuzzy)
        #expect(merged.entries.count == 2, "nothing lost, nothing doubled")
    }

    /// Property: for random PO files and random source edits, merging is idempotent, loses no
    /// translation, and writes a file that parses back to the same value.
    @Test func mergeIsIdempotentAndLosesNothing() throws {
        var rng = SplitMix(seed: 7)
        let words = ["Port", "Dienst", "Server", "Agent", "Proxy", "Zugriff", "Fußnote", "\"quote\"", "a\\b"]
        for round in 0..<200 {
            func sentence() -> String { (0..<(1 + Int(rng.next() % 4))).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") }
            var entries: [POEntry] = []
            var keys: [String] = []
            for i in 0..<Int(rng.next() % 8) {
                var e = POEntry(context: "k\(i)", id: sentence(), string: rng.next() % 3 == 0 ? "" : "T\(i) " + sentence())
                if rng.next() % 4 == 0 { e.flags = ["fuzzy"] }
                if rng.next() % 5 == 0 { e.isObsolete = true }
                if rng.next() % 4 == 0 { e.translatorComments = ["note \(i)"] }
                entries.append(e)
                keys.append("k\(i)")
            }
            let file = POFile(path: "r.po", header: POEntry(id: "", string: "Language: en\n"), entries: entries)
            var pairs: [(String, String)] = []
            for key in keys + ["k100", "k101"] where rng.next() % 3 != 0 {
                let original = entries.first { $0.context == key }?.id
                pairs.append((key, rng.next() % 2 == 0 ? (original ?? sentence()) : sentence()))
            }
            let src = source(pairs)
            let (once, _) = POMerge.merge(file, source: src, notes: ["k0": ["note"]])
            let (twice, summary) = POMerge.merge(once, source: src, notes: ["k0": ["note"]])
            #expect(twice == once, "round \(round): a second merge changed the file")
            #expect(summary.changesNothing, "round \(round)")
            let translationsBefore = entries.map(\.string).filter { !$0.isEmpty }.sorted()
            let translationsAfter = once.entries.map(\.string).filter { !$0.isEmpty }.sorted()
            #expect(translationsBefore == translationsAfter, "round \(round): translations lost or invented")
            #expect(once.entries.filter { !$0.isObsolete }.compactMap(\.context) == src.keys, "round \(round): active entries follow the source")
            let (reparsed, d) = POParser.parse(POWriter.write(once), path: "r.po")
            #expect(d.isEmpty && reparsed?.entries == once.entries, "round \(round): \(lines(d))")
        }
    }

    @Test func newLocaleHeaderAndPluralForms() {
        #expect(NewLocale.pluralForms(for: "fr") == "nplurals=2; plural=(n > 1);")
        #expect(NewLocale.pluralForms(for: "pt-BR") == "nplurals=2; plural=(n > 1);")
        #expect(NewLocale.pluralForms(for: "pt") == "nplurals=2; plural=(n != 1);")
        #expect(NewLocale.pluralForms(for: "sr-Latn")?.hasPrefix("nplurals=3;") == true)
        #expect(NewLocale.pluralForms(for: "ja") == "nplurals=1; plural=0;")
        #expect(NewLocale.pluralForms(for: "tlh") == nil)
        let file = NewLocale.file(tag: "pl", path: "Locales/pl.po", projectID: "demo", source: source([("a", "Eins")]), revisionDate: "2024-01-02 00:00+0000")
        #expect(file.headerField("Language") == "pl")
        #expect(file.headerField("Plural-Forms")?.hasPrefix("nplurals=3;") == true)
        #expect(file.entries.map(\.string) == [""])
    }

    @Test func msgfmtAcceptsWhatAddAndUpdateWrite() throws {
        let src = source([("a", "Eins {url}"), ("b", "Zwei \"Anführung\" \\ und 443")])
        let added = NewLocale.file(tag: "ar", path: "ar.po", projectID: "demo", source: src, notes: ["a": ["{url} is a URL; keep it as it is."]], revisionDate: "2024-01-02 00:00+0000")
        var translated = added
        translated.entries[0].string = "Un {url}"
        translated.entries[1].string = "Deux"
        let (merged, _) = POMerge.merge(translated, source: source([("b", "Zwei neu"), ("c", "Drei")]))
        for file in [added, merged] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-msgfmt-\(UUID().uuidString).po")
            defer { try? FileManager.default.removeItem(at: url) }
            try AtomicFile.write(POWriter.write(file), to: url)
            let r = try #require(try runTool("msgfmt", ["--check", "-o", "/dev/null", url.path]), "msgfmt is not installed (make deps)")
            #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)\n\(POWriter.write(file))")
        }
    }

    @Test func atomicWriteKeepsPermissions() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-atomic-\(UUID().uuidString).po")
        defer { try? FileManager.default.removeItem(at: url) }
        try AtomicFile.write("one\n", to: url)
        #expect((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        try AtomicFile.write("two\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two\n")
        #expect((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).filter { $0.hasPrefix(".\(url.lastPathComponent).tmp") }
        #expect(leftovers.isEmpty)
    }

    func findings(source: String, translation: String, flags: [String] = [], glossary: [String] = []) -> [String] {
        var entry = POEntry(context: "k", id: source, string: translation)
        entry.flags = flags
        let context = ConsistencyChecks.Context(glossary: Glossary(terms: glossary), ports: [443, 2222])
        return ConsistencyChecks.check(key: "k", source: source, entry: entry, at: nil, context: context).map { "\($0.severity.rawValue) \($0.id)" }
    }

    @Test func consistencyChecks() {
        #expect(findings(source: "Port 443 für {url}", translation: "Port 443 for {url}") == [])
        #expect(findings(source: "Port 443", translation: "Port 444") == ["error check.number", "warning check.number-added"])
        #expect(findings(source: "443 und 443", translation: "443 and 443") == [])
        #expect(findings(source: "443 und 443", translation: "443 twice") == ["error check.number"])
        #expect(findings(source: "Mit {url}", translation: "With {link}") == ["error check.placeholder"])
        #expect(findings(source: "Mit {url}", translation: "Without") == ["error check.placeholder"])
        #expect(findings(source: "Mit {url}", translation: "With {url} {x") == ["error check.placeholder"])
        #expect(findings(source: "Hinweis¹", translation: "Note") == ["error check.footnote-marker"])
        #expect(findings(source: "Hinweis", translation: "Note[^1]") == ["error check.footnote-marker"])
        #expect(findings(source: "Siehe api.push.apple.com", translation: "See api.push.apple.com.") == [])
        #expect(findings(source: "Siehe https://eset.com/a", translation: "See https://eset.com/b") == ["error check.url", "error check.url"])
        #expect(findings(source: "Text", translation: " Text ") .contains("warning check.whitespace"))
        #expect(findings(source: "Proxy Server", translation: "Proxy Server") == ["error check.identical"])
        #expect(findings(source: "Proxy Server", translation: "Proxy Server", flags: ["ignore-same"]) == [])
        #expect(findings(source: "NetBIOS", translation: "NetBIOS", glossary: ["NetBIOS"]) == [], "a text of glossary terms only may stay identical")
        #expect(findings(source: "Mit ESET Bridge", translation: "With ESET bridge", glossary: ["ESET Bridge"]) == ["error check.glossary"])
    }

    @Test func glossaryMatchesWholeWordsAndLongestTermsFirst() {
        let g = Glossary(terms: ["ESET PROTECT", "ESET PROTECT On-Prem", "ESET Management Agent"])
        #expect(g.terms(in: "Von ESET PROTECT On-Prem verwendete Ports") == ["ESET PROTECT On-Prem"])
        #expect(g.terms(in: "ESET PROTECT-Web-Konsole und ESET PROTECT On-Prem") == ["ESET PROTECT", "ESET PROTECT On-Prem"])
        #expect(g.terms(in: "zwischen ESET Management Agenten und") == [])
        #expect(Glossary.occurs("ADMIN$", in: "Freigabe ADMIN$"))
    }

    @Test func glossaryAndThresholdFilesReportPositions() {
        let (g, gd) = Glossary.parse("do-not-translate:\n  - A\n  - A\n", path: "g.yaml")
        #expect(g == nil && lines(gd) == ["g.yaml:3:5: error: 'A' is listed twice [glossary.duplicate]"])
        let (t, td) = LocaleSettings.parse("default:\n  max-fuzzy: 2\nfr:\n  min-completeness: 80\n", path: "t.yaml", allowFallback: false)
        #expect(td.isEmpty)
        #expect(t?.thresholds.threshold(for: "fr") == Threshold(minCompleteness: 80, maxFuzzy: 2, maxErrors: 0))
        #expect(t?.thresholds.threshold(for: "en") == Threshold(minCompleteness: 100, maxFuzzy: 2, maxErrors: 0))
        let (_, bad) = LocaleSettings.parse("en:\n  min-completeness: 120\n  max-fuzz: 1\n../x: {}\n", path: "t.yaml", allowFallback: false)
        #expect(lines(bad) == [
            "t.yaml:4:1: error: key '../x' is not a BCP 47 language tag: only letters, digits and '-' are allowed [settings.locale]",
            "t.yaml:3:3: error: unknown key 'max-fuzz' in 'en'; did you mean 'max-fuzzy'? [catalog.unknown-key]",
            "t.yaml:2:21: error: min-completeness must be a percentage from 0 to 100 [thresholds.value]",
        ])
    }

    @Test func pseudoLocaleIsAccentedLongerBracketedAndPassesTheChecks() {
        let glossary = Glossary(terms: ["ESET Bridge"])
        let text = "Kommunikation mit ESET Bridge über Port 3128 ({url}), {{wörtlich}}"
        let pseudo = PseudoLocale.translate(text, glossary: glossary)
        #expect(pseudo.hasPrefix("[") && pseudo.hasSuffix("]"))
        #expect(pseudo.contains("ESET Bridge") && pseudo.contains("3128") && pseudo.contains("{url}") && pseudo.contains("{{"))
        #expect(!pseudo.contains("Kommunikation"))
        let ratio = Double(pseudo.count) / Double(text.count)
        #expect(ratio > 1.3 && ratio < 1.5, "\(ratio)")
        let entry = POEntry(context: "k", id: text, string: pseudo)
        let context = ConsistencyChecks.Context(glossary: glossary, ports: [3128])
        #expect(ConsistencyChecks.check(key: "k", source: text, entry: entry, at: nil, context: context).isEmpty)
    }

    @Test func theRealProjectPassesAtOneHundredPercent() throws {
        let (project, d) = ProjectLoader(root: repoRoot).load()
        let p = try #require(project, "\(lines(d))")
        let report = TranslationCheck.run(p, thresholds: Thresholds())
        let en = try #require(report.locales.first { $0.locale == "en" })
        #expect(report.passed && en.counts.translated == en.counts.total && en.findings.isEmpty, "\(en.findings.map(\.message))")
        #expect(en.sections.map(\.section) == ["document", "agent", "web-console", "server", "rd-sensor", "mdc", "mdm-device", "footnotes", "diagram", "interface"])
        #expect(en.sections.map(\.counts.total).reduce(0, +) == p.source.entries.count)
        // The pseudo-locale of the real project passes every consistency check too.
        let pseudo = TranslationCheck.run(p.addingPseudoLocale(), thresholds: Thresholds()).locales.first { $0.locale == PseudoLocale.tag }
        #expect(pseudo?.passed == true, "\(pseudo?.findings.map(\.message) ?? [])")
    }

    /// A key given twice in a PO file (a library user's POFile; the parser refuses it): the first
    /// entry is the translation, before and after compaction, and an obsolete one never is.
    @Test func firstEntryOfARepeatedKeyIsTheTranslation() {
        var obsolete = POEntry(context: "row.a", id: "A", string: "obsolete")
        obsolete.isObsolete = true
        let entries = [obsolete, POEntry(context: "row.a", id: "A", string: "first"), POEntry(context: "row.b", id: "B", string: "b"),
                       POEntry(context: "row.a", id: "A", string: "second")]
        let translation = Translation(locale: "en", file: POFile(path: "r.po", header: POEntry(id: "", string: "Language: en\n"), entries: entries))
        #expect(translation.string(for: "row.a") == "first")
        #expect(translation.compacted().string(for: "row.a") == "first")
        #expect(translation.compacted().string(for: "row.b") == "b")
        #expect(translation.compacted().status(of: "row.a", source: "A") == .translated)
        #expect(translation.compacted().status(of: "row.a", source: "A2") == .stale)
    }
}
