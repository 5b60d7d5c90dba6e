import Foundation
import PortDocCore
import PortDocIO
import Testing
import XHTMLValidation

/// Issue 10: every locale in every state. `Fixtures/locales` has en complete, fr just added, it
/// about half done, ja partly done with per-locale terms and English as its fallback, ar a few
/// entries written right to left, and pt-BR over a pt that translates what pt-BR lacks.
@Suite("locales in every state")
struct LocaleStatesTests {
    static let root = fixturesRoot.appendingPathComponent("locales")

    static func project() throws -> Project {
        let (loaded, d) = ProjectLoader(root: root, templates: repoRoot.appendingPathComponent("Templates")).load()
        return try #require(loaded, "\(lines(d))")
    }

    static func build(_ project: Project, locales: [String]? = nil) -> (files: [String: String], diagnostics: [Diagnostic]) {
        let (files, d) = Builder(project: project, validator: sharedValidator).build(locales: locales ?? project.locales, formats: OutputFormat.allCases)
        return (Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) }), d)
    }

    @Test func everyLocaleBuildsValidPagesInEveryFormatAndMatchesItsGoldenFiles() throws {
        try #require(sharedValidator != nil, "the XHTML DTD is missing (make deps)")
        let project = try Self.project()
        #expect(project.locales == ["de", "ar", "en", "fr", "it", "ja", "pt", "pt-BR"])
        let (files, d) = Self.build(project)
        #expect(Diagnostics(d).errors.isEmpty, "\(lines(Diagnostics(d).errors))")
        // One warning per fallback, and only those.
        #expect(Set(d.map(\.id)) == ["build.fallback"])
        for locale in project.locales {
            #expect(files["html/\(locale)/index.html"] != nil, "html/\(locale)/index.html missing")
            #expect(files["markdown/\(locale)/eset-protect-ports.md"] != nil)
            #expect(files[locale == "en" ? "man/man7/eset-protect-ports.7" : "man/\(locale)/man7/eset-protect-ports.7"] != nil)
        }
        // The real linters on the real output.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-locales-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try #require(Mandoc.executable() != nil, "mandoc is not installed (make deps)")
        for (path, text) in files where path.hasPrefix("man/") {
            let url = scratch.appendingPathComponent(path.replacingOccurrences(of: "/", with: "_"))
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect(try Mandoc.lint(file: url, displayPath: path).isEmpty, "\(path)")
        }
        for (path, text) in files where path.hasSuffix(".md") {
            let html = try #require(try runTool("cmark-gfm", ["-e", "table", "-e", "footnotes"], stdin: text), "cmark-gfm is not installed (make deps)")
            #expect(html.status == 0 && html.stdout.contains("<table>"), "\(path)")
        }
        // Golden files, every format and locale.
        try checkGoldenFiles(files.filter { $0.key != "html/style.css" }.map { ($0.key, $0.value) }, under: Self.root.appendingPathComponent("expected"))
    }

    @Test func eachFallbackIsMarkedWithTheLocaleItComesFrom() throws {
        let project = try Self.project()
        #expect(project.fallbackChain(for: "pt-BR") == ["pt", "de"])
        #expect(project.fallbackChain(for: "ja") == ["en", "de"])
        #expect(project.fallbackChain(for: "fr") == ["de"])
        #expect(project.fallbackChain(for: "de") == [])
        let (files, d) = Self.build(project)
        let ja = try #require(files["html/ja/index.html"])
        // English where Japanese is missing, Japanese where it exists, never German.
        #expect(ja.contains("<span class=\"fallback\" lang=\"en\" xml:lang=\"en\">Connection to an external database (only if the database is on another computer).</span>"))
        #expect(ja.contains("<td class=\"description\">ESETリポジトリへの接続</td>"))
        #expect(!ja.contains("class=\"fallback\" lang=\"de\""))
        // pt-BR: its own text, then pt's, then German.
        let ptBR = try #require(files["html/pt-BR/index.html"])
        #expect(ptBR.contains("<td class=\"description\">Conexão com o repositório ESET</td>"))
        #expect(ptBR.contains("<span class=\"fallback\" lang=\"pt\" xml:lang=\"pt\">Comunicação com o ESET Bridge (HTTP Proxy)</span>"))
        #expect(ptBR.contains("<th scope=\"col\"><span class=\"fallback\" lang=\"pt\" xml:lang=\"pt\">Protocolo</span></th>"))
        #expect(ptBR.contains("<span class=\"fallback\" lang=\"de\" xml:lang=\"de\">Mobilgeräteregistrierung</span>"))
        // Interface strings follow the chain too: the man page of ja names its sections in English.
        let jaMan = try #require(files["man/ja/man7/eset-protect-ports.7"])
        #expect(jaMan.contains(".SH \"DESCRIPTION\""))
        #expect(jaMan.contains(".SH \"\\[u540D]\\[u524D]\""))  // 名前, translated
        // The warnings name the locale shown instead.
        #expect(lines(d).contains("Locales/pt-BR.po:52:1: warning: 'row.bridge' is untranslated in 'pt-BR'; showing the 'pt' text [build.fallback]"))
        // fr: everything falls back, the <title> included: its lang goes on the element.
        let fr = try #require(files["html/fr/index.html"])
        #expect(fr.contains("<title lang=\"de\" xml:lang=\"de\">Von ESET PROTECT On-Prem verwendete Ports</title>"))
        #expect(fr.contains("<a class=\"backref\" href=\"#fnref-gcm-deprecated-1\" title=\"Zurück zum Text\" lang=\"de\" xml:lang=\"de\">"))
        // The notice counts every fallback, interface strings included.
        #expect(fr.contains("angezeigt: 62."))
        // The language index: each title marked with the language it is in, completeness as a bar.
        let index = try #require(files["html/index.html"])
        #expect(index.contains("<li lang=\"fr\" xml:lang=\"fr\" dir=\"ltr\"><a href=\"fr/index.html\" hreflang=\"fr\">français</a> <span class=\"title\"><span class=\"fallback\" lang=\"de\" xml:lang=\"de\">Von ESET PROTECT On-Prem verwendete Ports</span></span>"))
        #expect(index.contains("<span class=\"source-locale\">Ausgangssprache</span>"))
        #expect(index.contains("<span style=\"inline-size: 58%\"></span>"))
    }

    @Test func anArabicPageIsRightToLeftWithItsLeftToRightRunsIsolated() throws {
        let (files, _) = Self.build(try Self.project(), locales: ["ar"])
        let ar = try #require(files["html/ar/index.html"])
        #expect(ar.contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\">"))
        #expect(ar.contains("<td class=\"protocol\"><span dir=\"ltr\">TCP</span></td><td class=\"ports\"><span dir=\"ltr\">2222</span></td>"))
        #expect(ar.contains("<span class=\"fallback\" lang=\"en\" xml:lang=\"en\" dir=\"ltr\">Communication with ESET Bridge (HTTP Proxy)</span>"))
        #expect(ar.contains("<a class=\"url\" href=\"https://ts.eset.com\" dir=\"ltr\">https://ts.eset.com</a>"))
        #expect(ar.contains("<span dir=\"ltr\">api.push.apple.com</span>"))
        #expect(ar.contains("<td class=\"description\">الاتصال بمستودع ESET</td>"))
        // Markdown and man keep the text in logical order, unchanged.
        #expect(try #require(files["markdown/ar/eset-protect-ports.md"]).contains("| TCP | 80 | الاتصال بمستودع ESET |"))
        // An LTR page has no isolation at all.
        let (enFiles, _) = Self.build(try Self.project(), locales: ["en"])
        #expect(!(try #require(enFiles["html/en/index.html"]).contains("<span dir=")))
    }

    @Test func aHalfDoneJapaneseTranslationFailsCheckOnlyForCompleteness() throws {
        let project = try Self.project()
        let report = TranslationCheck.run(project, thresholds: project.settings.thresholds)
        let ja = try #require(report.locales.first { $0.locale == "ja" })
        #expect(ja.errors == 0, "\(ja.findings.filter { $0.severity == "error" }.map(\.message))")
        #expect(ja.counts.translated == 24 && ja.counts.total == 62 && ja.counts.untranslated == 38)
        #expect(ja.failures == ["completeness 38.7 % is below 100 %"])
        for locale in report.locales { #expect(locale.errors == 0, "\(locale.locale)") }
        // The approved Japanese rendering is required: the plain English term is an error in ja.
        var wrong = project
        var file = try #require(project.translations["ja"]).file
        let index = try #require(file.entries.firstIndex { $0.context == "section.agent.heading" })
        file.entries[index].string = "クライアント（ESET Management Agent）またはESET Bridge HTTPプロキシコンピューター"
        wrong.translations["ja"] = Translation(locale: "ja", file: file)
        let findings = try #require(TranslationCheck.run(wrong, thresholds: Thresholds()).locales.first { $0.locale == "ja" }).findings
        #expect(findings.filter { $0.check == "check.glossary" }.map(\.message) == [
            "the translation of 'section.agent.heading' does not contain 'ESET Managementエージェント', the approved 'ja' rendering of 'ESET Management Agent' in the glossary",
        ])
    }

    @Test func strictBuildFailsAndNamesEveryFallbackWithItsPosition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-states-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root, to: dir)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: dir.appendingPathComponent("Templates"))
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("expected"))
        let strict = try runPortdoc(["build", "--strict"], in: dir)
        #expect(strict.status == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Output").path))
        let warnings = strict.stderr.split(separator: "\n").filter { $0.hasSuffix("[build.fallback]") }
        // 62 keys: fr 62, ar 52, it 26, ja 38, pt 45, pt-BR 58 fall back.
        #expect(warnings.count == 62 + 52 + 26 + 38 + 45 + 58, "\(strict.stderr)")
        #expect(warnings.allSatisfy { $0.range(of: #"^Locales/[a-zA-Z-]+\.po:\d+:1: warning: "#, options: .regularExpression) != nil })
        #expect(strict.stderr.contains("Locales/fr.po:15:1: warning: 'doc.title' is untranslated in 'fr'; showing the 'de' text [build.fallback]"))
        // Without --strict it builds, warning about each fallback.
        let plain = try runPortdoc(["build"], in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.split(separator: "\n").filter { $0.hasSuffix("[build.fallback]") }.count == warnings.count)
    }

    @Test func aNewLocaleBuildsOnACopyOfTheRepository() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-fr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for folder in ["Catalog", "Locales", "Templates"] {
            try FileManager.default.copyItem(at: repoRoot.appendingPathComponent(folder), to: dir.appendingPathComponent(folder))
        }
        #expect(try runPortdoc(["locales", "add", "fr"], in: dir).status == 0)
        let build = try runPortdoc(["build"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        let keys = try String(contentsOf: dir.appendingPathComponent("Locales/de.yaml"), encoding: .utf8)
            .split(separator: "\n").filter { $0.range(of: #"^[a-z][a-z0-9._-]*:"#, options: .regularExpression) != nil }.count
        #expect(build.stderr.split(separator: "\n").filter { $0.hasSuffix("[build.fallback]") }.count == keys)
        // The repository's chain shows English, not German, in a new locale's chrome.
        let man = try String(contentsOf: dir.appendingPathComponent("Output/man/fr/man7/eset-protect-ports.7"), encoding: .utf8)
        #expect(man.contains(".SH \"NAME\"") && !man.contains("BEZEICHNUNG"))
        #expect(try runPortdoc(["validate", "Output"], in: dir).status == 0)
    }

    /// nroff with groff's Japanese macros, as man-db runs it for a page under `man/ja/` (`man -l`),
    /// breaks Japanese lines and lays out the tables with aligned columns: every line of a table has
    /// the same display width, wide characters counting two columns.
    @Test func japaneseManPageTablesStayAligned() throws {
        let page = Self.root.appendingPathComponent("expected/man/ja/man7/eset-protect-ports.7")
        let out = try #require(try runTool("env", ["LC_ALL=C.UTF-8", "nroff", "-mja", "-t", "-man", "-rLL=100n", page.path]))
        #expect(out.status == 0 && out.stderr.isEmpty, "\(out.stderr)")
        func width(_ line: Substring) -> Int {
            line.unicodeScalars.reduce(0) { sum, s in
                let v = s.value
                if s.properties.generalCategory == .nonspacingMark { return sum }
                let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                    || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
                return sum + (wide ? 2 : 1)
            }
        }
        // nroff writes bold as overstrike ("X\bX"): keep what a terminal shows.
        var shown = String.UnicodeScalarView()
        for scalar in out.stdout.unicodeScalars {
            if scalar == "\u{8}" { if !shown.isEmpty { shown.removeLast() } } else { shown.append(scalar) }
        }
        let rows = String(shown).split(separator: "\n").filter { $0.contains("│") || $0.contains("┌") || $0.contains("└") || $0.contains("├") }
        #expect(rows.count > 40)
        #expect(rows.contains { $0.contains("プロトコル") })
        #expect(Set(rows.map(width)).count == 1, "\(rows.map { "\(width($0)) \($0)" }.joined(separator: "\n"))")
    }

    /// Files as Weblate and Poedit name and head them: `pt_BR.po` is pt-BR, `sr@latin.po` is
    /// sr-Latn, and `Language: ja_JP` in `ja.po` is Japanese; two files for one locale are an error.
    @Test func gettextFileNamesAndHeadersAreUnderstood() throws {
        #expect(LocaleTag.fromGettext("pt_BR") == "pt-BR")
        #expect(LocaleTag.fromGettext("sr@latin") == "sr-Latn")
        #expect(LocaleTag.fromGettext("sr_RS@latin") == "sr-Latn-RS")
        #expect(LocaleTag.fromGettext("zh-Hant") == "zh-Hant")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-gettext-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root, to: dir)
        let fm = FileManager.default
        try fm.moveItem(at: dir.appendingPathComponent("Locales/pt-BR.po"), to: dir.appendingPathComponent("Locales/pt_BR.po"))
        try edit(dir.appendingPathComponent("Locales/pt_BR.po"), replacing: "\"Language: pt-BR\\n\"", with: "\"Language: pt_BR\\n\"")
        try edit(dir.appendingPathComponent("Locales/ja.po"), replacing: "\"Language: ja\\n\"", with: "\"Language: ja_JP\\n\"")
        let loader = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates"))
        let (project, d) = loader.load()
        #expect(project?.locales == ["de", "ar", "en", "fr", "it", "ja", "pt", "pt-BR"], "\(lines(d))")
        #expect(project?.translations["pt-BR"]?.file.path == "Locales/pt_BR.po")
        #expect(project?.fallbackChain(for: "pt-BR") == ["pt", "de"])
        // Another language in the header is still an error.
        try edit(dir.appendingPathComponent("Locales/ja.po"), replacing: "\"Language: ja_JP\\n\"", with: "\"Language: ko\\n\"")
        #expect(lines(loader.load().1).contains { $0.hasSuffix("error: the header says Language: ko, but the file is for 'ja' [po.language]") })
        try edit(dir.appendingPathComponent("Locales/ja.po"), replacing: "\"Language: ko\\n\"", with: "\"Language: ja\\n\"")
        try fm.copyItem(at: dir.appendingPathComponent("Locales/pt_BR.po"), to: dir.appendingPathComponent("Locales/pt-BR.po"))
        #expect(lines(loader.load().1).contains("Locales/pt_BR.po:1:1: error: Locales/pt_BR.po and Locales/pt-BR.po are both for 'pt-BR'; keep one [locale.duplicate]"))
    }

    @Test func glossaryTermsAreWholeWordsInEveryScript() {
        let g = Glossary(entries: [
            .init(term: "ESET PROTECT On-Prem"), .init(term: "ESET PROTECT"), .init(term: "LDAP"),
            .init(term: "ESET Management Agent", translations: ["ja": "ESET Managementエージェント", "zh": "ESET Management代理"]),
        ])
        // Japanese, Chinese and Thai have no spaces between words; Korean particles attach to words.
        #expect(Glossary.occurs("ESET PROTECT On-Prem", in: "ESET PROTECT On-Premが使用するポート"))
        #expect(Glossary.occurs("ESET Bridge", in: "またはESET Bridge HTTPプロキシ"))
        #expect(Glossary.occurs("ESET PROTECT", in: "ESET PROTECTサーバー"))
        #expect(Glossary.occurs("LDAP", in: "การซิงโครไนซ์LDAPกับ"))
        #expect(Glossary.occurs("LDAP", in: "مزامنة LDAP."))
        #expect(Glossary.occurs("LDAP", in: "مزامنةLDAP"))
        #expect(Glossary.occurs("LDAP", in: "LDAP에서"))
        #expect(Glossary.occurs("ESET Managementエージェント", in: "ESET Managementエージェントの通信"))
        // Still not inside a longer word of the same script.
        #expect(!Glossary.occurs("LDAP", in: "LDAPS"))
        #expect(!Glossary.occurs("ESET Management Agent", in: "ESET Management Agenten"))
        #expect(!Glossary.occurs("مزامنة", in: "المزامنة"))
        #expect(g.terms(in: "ESET PROTECT On-Premが") == ["ESET PROTECT On-Prem"])
        #expect(g.rendering(of: "ESET Management Agent", in: "ja") == "ESET Managementエージェント")
        #expect(g.rendering(of: "ESET Management Agent", in: "zh-Hans-CN") == "ESET Management代理")
        #expect(g.rendering(of: "ESET Management Agent", in: "fr") == "ESET Management Agent")
    }

    @Test func lineBreaksInsideCJKTextAreNotSpaces() {
        #expect(Whitespace.normalize("日本語の\nテキスト") == "日本語のテキスト")
        #expect(Whitespace.normalize("ภาษา\r\nไทย") == "ภาษาไทย")
        #expect(Whitespace.normalize("日本語 テキスト") == "日本語 テキスト")
        #expect(Whitespace.normalize("ESET\nPROTECT") == "ESET PROTECT")
        #expect(Whitespace.normalize("ポート\n443") == "ポート 443")
    }

    @Test func termbaseExportsAsTBXAndCSVAndReadsBack() throws {
        let project = try Self.project()
        let tbx = TermbaseExport.tbx(project.glossary, sourceLocale: "de", locales: project.locales)
        let terms = try #require(XMLText.contents(of: tbx, element: "term"), "the TBX is not well-formed")
        let locales = project.locales.filter { $0 != "de" }
        #expect(terms.count == project.glossary.entries.count * (1 + locales.count))
        #expect(terms.contains("ESET Managementエージェント"))
        // Every term stands in a langSec with its xml:lang, in the order de, then the locales.
        let langs = tbx.split(separator: "\n").filter { $0.hasPrefix("<langSec") }
        #expect(langs.count == terms.count)
        #expect(langs.allSatisfy { $0.contains("xml:lang=\"") })
        let jaLine = try #require(langs.first { $0.contains("xml:lang=\"ja\"") && $0.contains("エージェント") })
        #expect(jaLine == "<langSec xml:lang=\"ja\"><termSec><term>ESET Managementエージェント</term></termSec></langSec>")
        // Hostile terms stay literal and well-formed.
        let hostile = Glossary(entries: [.init(term: "A<&\"'>B", note: "x, \"y\"", translations: ["ja": "Ç]]>"])])
        #expect(XMLText.contents(of: TermbaseExport.tbx(hostile, sourceLocale: "de", locales: ["ja"]), element: "term") == ["A<&\"'>B", "Ç]]>"])
        #expect(TermbaseExport.csv(hostile, sourceLocale: "de", locales: ["ja"]) == "source,target,explanation\r\n\"A<&\"\"'>B\",Ç]]>,\"x, \"\"y\"\"\"\r\n")
        let wide = TermbaseExport.csv(project.glossary, sourceLocale: "de", locales: project.locales)
        #expect(wide.hasPrefix("de,ar,en,fr,it,ja,pt,pt-BR,note\r\n"))
        #expect(wide.contains("ESET Management Agent,ESET Management Agent,ESET Management Agent,ESET Management Agent,ESET Management Agent,ESET Managementエージェント,ESET Management Agent,ESET Management Agent,the agent on every managed computer\r\n"))
    }

    @Test func localeSettingsAreCheckedWithPositions() throws {
        let (_, bad) = LocaleSettings.parse("ja:\n  fallback: [ja, en, en, ../x]\n", path: "Locales/locales.yaml")
        #expect(lines(bad) == [
            "Locales/locales.yaml:2:14: error: 'ja' cannot fall back to itself [settings.fallback]",
            "Locales/locales.yaml:2:22: error: 'en' is listed twice in the fallback chain of 'ja' [settings.fallback]",
            "Locales/locales.yaml:2:26: error: fallback locale '../x' is not a BCP 47 language tag: only letters, digits and '-' are allowed [settings.locale]",
        ])
        let (_, legacy) = LocaleSettings.parse("ja:\n  fallback: [en]\n", path: "t.yaml", allowFallback: false)
        #expect(lines(legacy) == ["t.yaml:2:3: error: unknown key 'fallback' in 'ja' [catalog.unknown-key]"])
        // A chain naming a locale the project lacks is an error at its entry.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root, to: dir)
        try "ja:\n  fallback: [en, ko]\n".write(to: dir.appendingPathComponent("Locales/locales.yaml"), atomically: true, encoding: .utf8)
        let (_, d) = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates")).load()
        #expect(lines(d).contains("Locales/locales.yaml:2:18: error: the fallback chain of 'ja' names 'ko', which has no Locales/ko.po [settings.fallback]"))
        // The older thresholds file is read, with a deprecation warning; both at once is an error.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("Locales/locales.yaml"))
        try "default:\n  min-completeness: 10\n".write(to: dir.appendingPathComponent("Locales/thresholds.yaml"), atomically: true, encoding: .utf8)
        let (old, od) = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates")).load()
        #expect(old?.settings.thresholds.fallback.minCompleteness == 10)
        #expect(lines(od) == ["Locales/thresholds.yaml:1:1: warning: Locales/thresholds.yaml is deprecated; rename it to Locales/locales.yaml, which also holds the fallback chains [settings.deprecated]"])
        try "{}\n".write(to: dir.appendingPathComponent("Locales/locales.yaml"), atomically: true, encoding: .utf8)
        let (both, bd) = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates")).load()
        #expect(both == nil && lines(bd).contains { $0.hasSuffix("[settings.deprecated]") && $0.contains("error") })
    }

    /// Property: for random subsets of translated entries (none, all, some) over every message key,
    /// interface strings included, in random locales of any script and direction, with hostile
    /// text, the build succeeds without --strict, every output is valid, the title reads back
    /// literally, and there is exactly one fallback warning per untranslated message.
    @Test func randomPartialTranslationsBuildValidPagesWithOneWarningPerFallback() throws {
        _ = try #require(sharedValidator, "the XHTML DTD is missing (make deps)")
        let base = try loadMiniProject()
        let tags = ["fr", "ar", "he", "fa-IR", "ja", "zh-Hant", "th", "ko", "pt-BR", "ur", "hi"]
        let pieces = ["\"", "<", ">", "&", "'", "&amp;", "]]>", "\u{200F}", "\u{200E}", "\u{202B}", "\u{202C}", "\u{2067}", "\u{2069}",
                      "日本語", "中文", "ภาษาไทย", "العربية", "עברית", "한국어", "हिन्दी", "x", " ", "@", "T}}", ".", "\\", "#", "|", "*", "{{", "}}", "\n"]
        var rng = SplitMix(seed: 10)
        // Rounds with some messages translated and some not, which is where fallbacks mix.
        var mixed = 0
        for round in 0..<36 {
            let tag = tags[Int(rng.next() % UInt64(tags.count))]
            // none, all, then random shares.
            let share: UInt64 = round == 0 ? 0 : round == 1 ? 100 : rng.next() % 101
            var entries: [POEntry] = [POEntry(context: nil, id: "", string: "Language: \(tag)\nContent-Type: text/plain; charset=UTF-8\n")]
            var untranslated = 0
            for source in base.source.entries {
                var text = ""
                if rng.next() % 100 < share {
                    let n = 1 + Int(rng.next() % 5)
                    text = (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
                    // Keep the source's placeholders; make sure some visible text remains.
                    text += "字" + (Placeholder.names(in: source.text) ?? []).map { " {\($0)}" }.joined()
                } else {
                    untranslated += 1
                }
                entries.append(POEntry(context: source.key, id: source.text, string: text))
            }
            var project = base
            project.translations[tag] = Translation(locale: tag, file: POFile(path: "Locales/\(tag).po", header: entries[0], entries: Array(entries.dropFirst())))
            let (files, d) = try fullBuilder(project).build(locales: [tag], formats: OutputFormat.allCases)
            #expect(Diagnostics(d).errors.isEmpty, "round \(round) (\(tag), \(share) %): \(lines(Diagnostics(d).errors))")
            #expect(d.filter { $0.id == "build.fallback" }.count == untranslated, "round \(round) (\(tag))")
            let page = try #require(files.first { $0.path == "html/\(tag)/index.html" }).contents
            #expect(page.contains("dir=\"\(TextDirection.of(tag).rawValue)\">"))
            let title = try #require(project.translations[tag]?.string(for: "doc.title"))
            let expectedTitle = title.isEmpty ? "Mini-Ports \"mit\" Zitat" : FuzzTests.visible(title)
            #expect(XMLText.contents(of: page, element: "title") == [expectedTitle], "round \(round)")
            if untranslated > 0 && untranslated < base.source.entries.count { mixed += 1 }
        }
        #expect(mixed >= 20)
    }
}

@Suite("template slots")
struct TemplateSlotTests {
    func render(_ text: String, _ context: TemplateValue, syntax: any TemplateSyntax) -> Result<String, Diagnostic> {
        Template.parse(text, path: "t.mustache", syntax: syntax).flatMap { $0.render(context) }
    }

    @Test func xhtmlTextIsEscapedForItsSlot() {
        let hostile = TextValue("a\"b<c>&'d")
        let context: TemplateValue = ["t": .text(hostile), "tag": "en"]
        #expect(render("<a title=\"{{t}}\" lang=\"{{tag}}\">{{t}}</a><title>{{t}}</title>", context, syntax: XHTMLSyntax())
            == .success("<a title=\"a&quot;b&lt;c&gt;&amp;&#39;d\" lang=\"en\">a\"b&lt;c&gt;&amp;'d</a><title>a\"b&lt;c&gt;&amp;'d</title>"))
    }

    @Test func aFallbackGivesItsLanguageToTheEnclosingElementWhereNoSpanCanStand() {
        let fallback: TemplateValue = .text(TextValue("Zurück", lang: "de"))
        let context: TemplateValue = ["f": fallback, "arabic": .text(TextValue("x", lang: "en", dir: .ltr))]
        #expect(render("<head><title>{{f}}</title></head>", context, syntax: XHTMLSyntax()) == .success("<head><title lang=\"de\" xml:lang=\"de\">Zurück</title></head>"))
        #expect(render("<a href=\"#x\" title=\"{{f}}\">&#8617;</a>", context, syntax: XHTMLSyntax()) == .success("<a href=\"#x\" title=\"Zurück\" lang=\"de\" xml:lang=\"de\">&#8617;</a>"))
        #expect(render("<img alt=\"{{f}}\" src=\"i.png\" />", context, syntax: XHTMLSyntax()) == .success("<img alt=\"Zurück\" src=\"i.png\" lang=\"de\" xml:lang=\"de\" />"))
        // A template that sets lang itself keeps it.
        #expect(render("<a lang=\"fr\" title=\"{{f}}\">x</a>", context, syntax: XHTMLSyntax()) == .success("<a lang=\"fr\" title=\"Zurück\">x</a>"))
        // In element content, a span; with a direction when it differs from the page's.
        #expect(render("<p>{{f}} {{arabic}}</p>", context, syntax: XHTMLSyntax())
            == .success("<p><span class=\"fallback\" lang=\"de\" xml:lang=\"de\">Zurück</span> <span class=\"fallback\" lang=\"en\" xml:lang=\"en\" dir=\"ltr\">x</span></p>"))
    }

    /// The XHTML scanner reads bytes: names in any case, text in any script around the places it
    /// looks at, `/>` after blanks, comments holding `--` and `->`.
    @Test func theScannerFindsSlotsAmongTextInAnyScript() {
        let fallback: TemplateValue = .text(TextValue("Zurück", lang: "de"))
        let context: TemplateValue = ["f": fallback, "t": "<ü>"]
        #expect(render("<!-- ü -- -> --><TITLE>{{f}}</TITLE ><p>日本語 {{t}}</p>", context, syntax: XHTMLSyntax())
            == .success("<!-- ü -- -> --><TITLE lang=\"de\" xml:lang=\"de\">Zurück</TITLE ><p>日本語 &lt;ü&gt;</p>"))
        #expect(render("<img alt=\"{{f}}\" data-x='ü\"'\t />", context, syntax: XHTMLSyntax())
            == .success("<img alt=\"Zurück\" data-x='ü\"' lang=\"de\" xml:lang=\"de\"\t />"))
        #expect(render("<p XML:LANG=\"ar\" title=\"{{f}}\">عربي</p>", context, syntax: XHTMLSyntax())
            == .success("<p XML:LANG=\"ar\" title=\"Zurück\">عربي</p>"))
        guard case .failure(let a) = Template.parse("<p>ü</p><日本 {{x}}>", path: "t.mustache", syntax: XHTMLSyntax()) else { Issue.record(); return }
        #expect(a.description == "t.mustache:1:13: error: '{{x}}' stands inside a tag but outside an attribute value; put it inside an attribute's quotes [template.slot]")
    }

    @Test func markupWhereOnlyTextMayStandIsAPositionedError() {
        let context: TemplateValue = ["m": .markup("<a href=\"u\">u</a>")]
        #expect(render("<p>\n<a title=\"{{m}}\">x</a>", context, syntax: XHTMLSyntax())
            == .failure(.error("'m' holds markup (links, footnote markers, line breaks) and cannot go into the attribute value 'title'; use a plain-text value there", at: SourceLocation(path: "t.mustache", line: 2, column: 11), id: "template.slot")))
        #expect(render("<title>{{m}}</title>", context, syntax: XHTMLSyntax())
            == .failure(.error("'m' holds markup (links, footnote markers, line breaks) and cannot go into <title>, which holds text only; use a plain-text value there", at: SourceLocation(path: "t.mustache", line: 1, column: 8), id: "template.slot")))
        #expect(render(".SH {{m}}\n", context, syntax: RoffSyntax()) == .failure(.error("'m' holds markup (links, footnote markers, line breaks) and cannot go into a macro argument; use a plain-text value there", at: SourceLocation(path: "t.mustache", line: 1, column: 5), id: "template.slot")))
    }

    @Test func impossiblePlacesAreTemplateErrors() {
        guard case .failure(let a) = Template.parse("<a {{x}}>", path: "t.mustache", syntax: XHTMLSyntax()) else { Issue.record(); return }
        #expect(a.description == "t.mustache:1:4: error: '{{x}}' stands inside a tag but outside an attribute value; put it inside an attribute's quotes [template.slot]")
        guard case .failure(let b) = Template.parse("<p>{{#x}}<a href=\"{{/x}}\">", path: "t.mustache", syntax: XHTMLSyntax()) else { Issue.record(); return }
        #expect(b.id == "template.slot" && b.location?.column == 4)
        guard case .failure(let c) = Template.parse("<!-- {{x}} -->", path: "t.mustache", syntax: XHTMLSyntax()) else { Issue.record(); return }
        #expect(c.id == "template.slot")
    }

    @Test func roffMacroArgumentsAreQuotedOrEscapedInPlace() {
        let context: TemplateValue = ["t": "Ein \"Titel\" \\ ü", "n": "1 2"]
        #expect(render(".TH {{t}} 7\n.IP [{{n}}] 5\n{{t}}\n", context, syntax: RoffSyntax())
            == .success(".TH \"Ein \\(dqTitel\\(dq \\e \\[u00FC]\" 7\n.IP [1\\ 2] 5\nEin \"Titel\" \\e \\[u00FC]\n"))
    }
}
