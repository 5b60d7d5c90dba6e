import Foundation
import PortDocCore
import PortDocIO
import Testing
import XHTMLValidation

/// The fixture project with the repository's own templates.
func loadMiniProject() throws -> Project {
    let loader = ProjectLoader(root: fixturesRoot.appendingPathComponent("mini"), templates: repoRoot.appendingPathComponent("Templates"))
    let (fixture, d) = loader.load()
    return try #require(fixture, "\(lines(d))")
}

let sharedValidator: XHTMLValidator? = try? XHTMLValidator()

@Suite("Rendering, golden files and output validation")
struct RenderTests {
    /// Golden files: Fixtures/mini/expected/<path>. Re-record with PORTDOC_RECORD=1 swift test.
    @Test func goldenFilesPerFormatAndLocale() throws {
        let project = try loadMiniProject()
        let (files, d) = try fullBuilder(project).build(locales: ["de", "en"], formats: OutputFormat.allCases)
        #expect(Diagnostics(d).errors == [], "\(lines(d))")
        #expect(files.map(\.path).sorted() == [
            "html/de/diagram.svg", "html/de/index.html", "html/en/diagram.svg", "html/en/index.html", "html/index.html", "html/style.css",
            "man/de/man7/mini-ports.7", "man/man7/mini-ports.7",
            "markdown/de/mini.md", "markdown/en/mini.md",
        ])
        try checkGoldenFiles(files.filter { $0.path != "html/style.css" }.map { ($0.path, $0.contents) }, under: fixturesRoot.appendingPathComponent("mini/expected"))
    }

    @Test func hostileTextSurvivesLiterallyInEveryFormat() throws {
        let project = try loadMiniProject()
        let (files, _) = Builder(project: project, validator: sharedValidator).build(locales: ["en"], formats: OutputFormat.allCases)
        let html = try #require(files.first { $0.path == "html/en/index.html" }).contents
        #expect(html.contains("<p>.Dot at start, \\backslash, &lt;script&gt;&amp;amp; and | pipe</p>"))
        #expect(html.contains("Footnote with ]]&gt; and ü."))
        #expect(html.contains("<a class=\"url\" href=\"https://example.com/a?b=c&amp;d=e\">https://example.com/a?b=c&amp;d=e</a>"))
        #expect(!html.contains("<script>"))
        let md = try #require(files.first { $0.path == "markdown/en/mini.md" }).contents
        #expect(md.contains(".Dot at start, \\\\backslash, \\<script\\>\\&amp; and \\| pipe"))
        #expect(md.contains("'Apostrophe at start with \\[x\\](y), \\`code\\` and \\*star\\*"))
        #expect(md.contains("## Main \"computer\" \\#1"))
        #expect(md.contains("• \\- Second item[^note]"))
        let man = try #require(files.first { $0.path == "man/man7/mini-ports.7" }).contents
        #expect(man.contains("\n\\&.Dot at start, \\ebackslash, <script>&amp; and | pipe\n"))
        #expect(man.contains("\n\\&'Apostrophe at start with [x](y), `code` and *star*\n"))
        #expect(man.contains(".SS \"Main \\(dqcomputer\\(dq #1\""))
        #expect(man.contains("\nTable: T} and \\(at and 1. list\n"))
        #expect(man.contains("Footnote with ]]> and \\[u00FC]."))
    }

    @Test func escapersUnit() {
        #expect(XMLEscaper.text("a<b>&]]>\"'") == "a&lt;b&gt;&amp;]]&gt;\"'")
        #expect(XMLEscaper.attribute("a\"b'<&\n") == "a&quot;b&#39;&lt;&amp;&#10;")
        #expect(MarkdownEscaper.text("| a | [x](y) `b` *c* _d_ <e> &f; ~g~ \\") == "\\| a \\| \\[x\\](y) \\`b\\` \\*c\\* \\_d\\_ \\<e\\> \\&f; \\~g\\~ \\\\")
        #expect(MarkdownEscaper.text("# no heading") == "\\# no heading")
        #expect(MarkdownEscaper.text("1. no list") == "1\\. no list")
        #expect(MarkdownEscaper.text("- no bullet, a-b") == "\\- no bullet, a-b")
        #expect(RoffEscaper.textLine(".TH fake") == "\\&.TH fake")
        #expect(RoffEscaper.textLine("'br") == "\\&'br")
        #expect(RoffEscaper.textLine("a\\fBb") == "a\\efBb")
        #expect(RoffEscaper.argument("say \"hi\"") == "\"say \\(dqhi\\(dq\"")
        #expect(RoffEscaper.tableCell("T} x@y") == "\\&T} x\\(aty")
        #expect(RoffEscaper.textLine("Größe €😀") == "Gr\\[u00F6]\\[u00DF]e \\[u20AC]\\[u1F600]")
    }

    @Test func theRealBuildIsValidInEveryFormat() throws {
        let (loaded, _) = ProjectLoader(root: repoRoot).load()
        let project = try #require(loaded)
        let validator = try #require(sharedValidator, "the XHTML DTD must be installed (make deps)")
        let (files, d) = try fullBuilder(project).build(locales: project.locales, formats: OutputFormat.allCases)
        #expect(files.filter { $0.path.hasSuffix("/diagram.svg") }.count == 2)
        #expect(d == [], "\(lines(d))")
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-man-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        var manPages = 0
        for file in files {
            if file.path.hasSuffix(".html") { #expect(validator.validate(file.contents, path: file.path) == []) }
            if file.path.hasSuffix(".md") { #expect(MarkdownChecks.check(file.contents, path: file.path) == []) }
            guard file.path.hasSuffix(".7") else { continue }
            manPages += 1
            #expect(ManChecks.check(file.contents, path: file.path) == [])
            let url = temp.appendingPathComponent("page\(manPages).7")
            try file.contents.write(to: url, atomically: true, encoding: .utf8)
            let mandoc = try #require(try runTool("mandoc", ["-T", "lint", "-W", "warning", url.path]), "mandoc must be installed (make deps)")
            #expect(mandoc.status == 0 && mandoc.stdout.isEmpty && mandoc.stderr.isEmpty, "\(file.path): \(mandoc.stdout)\(mandoc.stderr)")
            let groff = try #require(try runTool("groff", ["-t", "-man", "-ww", "-z", url.path]), "groff must be installed (make deps)")
            #expect(groff.status == 0 && groff.stderr.isEmpty, "\(file.path): \(groff.stderr)")
        }
        #expect(manPages == 2)
    }

    /// Every row, port, bullet, URL and the footnote reach both languages' outputs.
    @Test(arguments: ["de", "en"])
    func nothingOfTheSeedIsLost(locale: String) throws {
        let (loaded, _) = ProjectLoader(root: repoRoot).load()
        let project = try #require(loaded)
        let (doc, _) = Resolver.resolve(project, locale: locale)
        let document = try #require(doc)
        #expect(document.fallbacks == [])
        let (files, _) = Builder(project: project, validator: nil).build(locales: [locale], formats: OutputFormat.allCases)
        let html = try #require(files.first { $0.path == "html/\(locale)/index.html" }).contents
        let md = try #require(files.first { $0.path.hasPrefix("markdown/\(locale)/") }).contents
        let man = try #require(files.first { $0.path.hasSuffix(".7") }).contents
        let rows = document.sections.flatMap(\.tables).flatMap(\.rows)
        #expect(rows.count == 31)
        // One table row per catalog row, each with its anchor (the port index of a set links to it).
        #expect(html.components(separatedBy: "\"><td class=\"protocol\">").count - 1 == 31)
        for row in rows { #expect(html.contains("<tr id=\"\(row.anchor)\"><td class=\"protocol\">")) }
        #expect(html.contains("<tr id=\"row-agent-server-2222\">"))
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| TCP") || $0.hasPrefix("| UDP") || $0.hasPrefix("| MQTT") || $0.hasPrefix("| HTTPS") }.count == 31)
        #expect(man.components(separatedBy: "\n_\n").count - 1 == 31)
        for row in rows {
            for item in row.description {
                for case .text(let run) in item.paragraph.text.pieces {
                    #expect(html.contains(XMLEscaper.text(run)), "\(run)")
                    #expect(md.contains(MarkdownEscaper.text(run)), "\(run)")
                    #expect(man.contains(RoffEscaper.tableCell(run).replacingOccurrences(of: "\\&", with: "")), "\(run)")
                }
            }
        }
        for port in project.documents[0].distinctPorts {
            #expect(html.contains(">\(port)<") || html.contains(">\(port) (") || html.contains("<br />\(port)"), "port \(port)")
        }
        for url in ["https://i1.c.eset.com", "https://i3.c.eset.com", "https://ts.eset.com", "https://play.eset.com", "https://suppreq.eset.eu", "http://update.eset.com", "http://go.eset.eu"] {
            #expect(html.contains("<a class=\"url\" href=\"\(url)\">\(url)</a>"))
            #expect(md.contains("<\(url)>"))
            #expect(man.contains(url))
        }
        #expect(html.contains("api.push.apple.com") && md.contains("api.push.apple.com") && man.contains("api.push.apple.com"))
        // The GCM/FCM footnote: two linked references and one definition in every format.
        #expect(html.contains("id=\"fnref-gcm-deprecated-1\"") && html.contains("id=\"fnref-gcm-deprecated-2\"") && html.contains("<li id=\"fn-gcm-deprecated\">"))
        // Two references in the table, one in the connection list (the FCM row), one definition.
        #expect(md.components(separatedBy: "[^gcm-deprecated]").count - 1 == 4)
        #expect(man.split(separator: "\n").filter { $0.hasSuffix("(Android) [1]") }.count == 2 && man.contains(".IP [1] 5"))
    }

    @Test func invalidXHTMLIsReportedWithPosition() throws {
        let validator = try #require(sharedValidator)
        let doctype = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
        let page = doctype + "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head><title>t</title></head>\n<body>\n<p>ok</p>\n  <p align=\"left\">x</p>\n</body>\n</html>\n"
        let d = validator.validate(page, path: "x.html")
        #expect(lines(d) == ["x.html:6:3: error: No declaration for attribute align of element p [xhtml.invalid]"])
        let broken = validator.validate(doctype + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body><p>x</body></html>", path: "y.html")
        #expect(lines(broken).first?.hasPrefix("y.html:2:") == true, "\(lines(broken))")
        let entity = validator.validate("<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><html>&x;</html>", path: "z.html")
        #expect(lines(entity).contains { $0.contains("[xhtml.doctype]") || $0.contains("[xhtml.internal-subset]") }, "\(lines(entity))")
    }

    @Test func aTemplateThatProducesInvalidXHTMLFailsTheBuild() throws {
        var project = try loadMiniProject()
        let templatesDir = repoRoot.appendingPathComponent("Templates/xhtml")
        var files: [TemplateSet.File] = []
        for name in ["page.mustache", "section.mustache", "diagram.mustache", "index.mustache", "style.css"] {
            var text = try String(contentsOf: templatesDir.appendingPathComponent(name), encoding: .utf8)
            if name == "page.mustache" { text = text.replacingOccurrences(of: "<h1>{{title}}</h1>", with: "<h1><marquee>{{title}}</marquee></h1>") }
            files.append(.init(relativePath: "xhtml/\(name)", path: "Templates/xhtml/\(name)", text: text))
        }
        let (set, parseErrors) = TemplateSet.parse(files)
        #expect(parseErrors == [])
        project.templates = set
        let (_, d) = Builder(project: project, validator: sharedValidator).build(locales: ["de"], formats: [.xhtml])
        #expect(lines(d) == [
            "Output/html/de/index.html:24:1: error: Element marquee is not declared in h1 list of possible children [xhtml.invalid]",
            "Output/html/de/index.html:24:5: error: No declaration for element marquee [xhtml.invalid]",
        ])
    }

    @Test func anUntranslatedEntryFallsBackOnceAndCountsAgainstCompleteness() throws {
        var project = try loadMiniProject()
        var file = try #require(project.translations["en"]).file
        let index = try #require(file.entries.firstIndex { $0.context == "row.db" })
        file.entries[index].string = ""
        project.translations["en"] = Translation(locale: "en", file: file)
        #expect(project.completeness(of: "en") == (33, 34))
        #expect(project.completeness(of: "de") == (34, 34))
        let (files, d) = Builder(project: project, validator: sharedValidator).build(locales: ["de", "en"], formats: [.xhtml])
        #expect(lines(d) == ["Locales/en.po:39:1: warning: 'row.db' is untranslated in 'en'; showing the 'de' text [build.fallback]"])
        let page = try #require(files.first { $0.path == "html/en/index.html" }).contents
        #expect(page.contains("<span class=\"fallback\" lang=\"de\" xml:lang=\"de\">Externe Datenbank</span>"))
        #expect(page.contains("Not yet translated: 1."))
        let languageIndex = try #require(files.first { $0.path == "html/index.html" }).contents
        #expect(languageIndex.contains("97&#160;% (33/34)"))
    }

    /// The build checks a page's bytes, `portdoc validate` a file's text: the same findings at
    /// the same positions, for pages that break every check (the text that places a validity
    /// error is made from the bytes only then).
    @Test func pagesCheckedAsBytesAndAsTextGiveTheSameFindings() throws {
        let validators = try Builder.validators(for: [.xhtml])
        let project = try loadMiniProject()
        let built = try fullBuilder(project).build(locales: project.locales, formats: [.xhtml]).files
        let page = try #require(built.first { $0.path.hasSuffix("index.html") && $0.path != "html/index.html" }).contents
        let pages = [
            ("p.html", page.replacingOccurrences(of: "<h1>", with: "<h1>ü <blink>x</blink>")),
            ("p.html", page.replacingOccurrences(of: "</body>", with: "")),
            ("p.html", page),
            ("m.md", "| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n\ntext ü [^missing]\n"),
            ("man/x.7", ".TH X 7\n.SH NAME\nx \\- y\n.TS\nl.\nT{\n.br\nü\n"),
        ]
        var found = 0
        for (path, text) in pages {
            let asText = OutputValidation.check(text, path: path, validators: validators)
            #expect(OutputValidation.check(bytes: Array(text.utf8), path: path, validators: validators) == asText, "\(path)")
            found += asText.count
        }
        #expect(found >= 6)
    }

    @Test func markdownAndManChecksFindBrokenStructure() {
        let md = "| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n\ntext[^missing]\n"
        #expect(lines(MarkdownChecks.check(md, path: "m.md")) == [
            "m.md:3:1: error: table row has 3 cells, the header has 2 [markdown.table-cells]",
            "m.md:5:5: error: footnote reference '[^missing]' has no definition [markdown.footnote]",
        ])
        let man = ".TH X 7\n.SH NAME\nx \\- y\n.TS\nl.\nT{\n.br\nü\n"
        #expect(lines(ManChecks.check(man, path: "x.7")) == [
            "x.7:7:1: error: a request inside a tbl text block; mandoc ignores it [man.tbl]",
            "x.7:8:1: error: character outside printable 7-bit ASCII; write it as a roff escape such as \\[u00FC] [man.non-ascii]",
            "x.7:9:1: error: .TS without .TE [man.tbl]",
            "x.7:1:1: error: the page uses tbl but does not start with '\\\" t, so man(1) will not run tbl [man.tbl]",
        ])
    }
}

/// The first differing line of two texts, for golden-file failures.
func firstDifference(_ expected: String, _ actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(e.count, a.count) where i >= e.count || i >= a.count || e[i] != a[i] {
        return "line \(i + 1):\n- \(i < e.count ? String(e[i]) : "<end>")\n+ \(i < a.count ? String(a[i]) : "<end>")"
    }
    return "(no difference)"
}
