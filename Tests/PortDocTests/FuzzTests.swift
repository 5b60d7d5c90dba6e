import Foundation
import PortDocCore
import PortDocIO
import Testing
import XHTMLValidation

/// Property test: random Unicode as translations (controls, NUL, right-to-left text, combining
/// marks, emoji, and markup-, roff- and Markdown-like strings). Every format must stay valid
/// (our DTD validation, man structure and `mandoc -T lint`, Markdown structure) and show exactly
/// the input text, after the documented rule: white space runs fold into one space, and characters
/// no output can carry (C0 and C1 controls, DEL, U+FFFE, U+FFFF) become U+FFFD with a warning.
@Suite("fuzz: hostile translations in every format", .serialized)
struct FuzzTests {
    static let pieces: [String] = [
        "<script>alert(1)</script>", "&amp;", "&#x41;", "]]>", "<!--", "\"", "'", "<p>", "&nbsp;",
        ".TH X 1", "\\fB", "\\", "\\(at", "'\\\" comment", ".\\\"", "\\&", "T{", "T}", "\\n", "@", "-", "--", "_",
        "*emph*", "**", "_u_", "[link](http://x)", "![i](y)", "|", "`code`", "# ", "> ", "1. ", "- ", "+ ", "---", "[^1]", "~~", "<div>",
        "שלום", "مرحبا", "\u{202E}rtl\u{202C}", "\u{200F}", "e\u{0301}", "\u{0308}", "👍🏽", "👨‍👩‍👧", "🏳️‍🌈", "\u{FE0F}",
        "\u{0}", "\u{1}", "\u{7}", "\u{1B}[31m", "\u{7F}", "\u{85}", "\u{9F}", "\u{FFFE}", "\u{FFFF}", "\t", "\n", "  ", "\r\n",
        "Port 443", "ß", "€", "{{", "}}", "x", "y", " ",
    ]

    static func randomText(_ rng: inout SplitMix) -> String {
        (0..<(1 + Int(rng.next() % 8))).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    /// What a reader must see: the documented rule applied to the text (placeholder braces unescaped).
    static func visible(_ text: String) -> String {
        // Unescaped by the placeholder parser, which works on Unicode scalars: "{{" followed by a
        // variation selector is one grapheme for String, but still two braces.
        let clean = Resolver.sanitize(Whitespace.normalize(text)).0
        guard case .success(let pieces) = Placeholder.parse(clean) else { return clean }
        return pieces.map { if case .literal(let s) = $0 { s } else { "" } }.joined()
    }

    @Test func randomTranslationsKeepEveryFormatValidAndLiteral() throws {
        let validator = try #require(sharedValidator, "the XHTML DTD is missing (make deps)")
        let loader = ProjectLoader(root: fixturesRoot.appendingPathComponent("check/base"), templates: repoRoot.appendingPathComponent("Templates"))
        let (loaded, d) = loader.load()
        var project = try #require(loaded, "\(lines(d))")
        let english = try #require(project.translations["en"])
        try #require(try runTool("mandoc", ["-T", "lint"], stdin: ".TH X 1\n") != nil, "mandoc is not installed (make deps)")
        try #require(try runTool("cmark-gfm", ["--version"]) != nil, "cmark-gfm is not installed (make deps)")
        var rng = SplitMix(seed: 2024)
        for round in 0..<200 {
            // Braces come only as "{{" and "}}" pieces: literal braces, never placeholders.
            let intro = Self.randomText(&rng)
            let cell = Self.randomText(&rng)
            guard Placeholder.names(in: intro) == [], Placeholder.names(in: cell) == [] else { continue }
            if Self.visible(intro).isEmpty || Self.visible(cell).isEmpty { continue }
            var file = english.file
            for i in file.entries.indices {
                if file.entries[i].context == "doc.intro" { file.entries[i].string = intro }
                if file.entries[i].context == "section.server" { file.entries[i].string = cell }
            }
            project.translations["en"] = Translation(locale: "en", file: file)
            let (files, diagnostics) = Builder(project: project, validator: validator).build(locales: ["en"], formats: OutputFormat.allCases)
            let errors = Diagnostics(diagnostics).errors
            #expect(errors.isEmpty, "round \(round): \(String(reflecting: intro)) / \(String(reflecting: cell)): \(lines(errors))")
            let replaced = Resolver.sanitize(Whitespace.normalize(intro)).replaced + Resolver.sanitize(Whitespace.normalize(cell)).replaced
            let warned = diagnostics.filter { $0.id == "text.invalid-character" }.count
            #expect((replaced > 0) == (warned > 0), "round \(round): replacements must be reported")

            let html = try #require(files.first { $0.path == "html/en/index.html" }).contents
            let md = try #require(files.first { $0.path.hasPrefix("markdown/en/") }).contents
            let man = try #require(files.first { $0.path.hasSuffix(".7") }).contents
            // XHTML: libxml2 reads back exactly the text.
            let paragraphs = try #require(XMLText.contents(of: html, element: "p"), "round \(round): not well-formed")
            #expect(paragraphs.contains(Self.visible(intro)), "round \(round): XHTML shows \(paragraphs) for \(String(reflecting: intro))")
            let headings = XMLText.contents(of: html, element: "h2") ?? []
            #expect(headings.contains(Self.visible(cell)), "round \(round): XHTML headings \(headings) for \(String(reflecting: cell))")
            // Markdown: a CommonMark (GFM) renderer shows the same text.
            if let r = try runTool("cmark-gfm", ["--extension", "table", "--extension", "footnotes", "--unsafe", "-t", "html"], stdin: md) {
                let rendered = XMLText.contents(of: r.stdout, element: "p", html: true) ?? ["<unreadable>"]
                #expect(rendered.contains(Self.visible(intro)), "round \(round): Markdown shows \(rendered) for \(String(reflecting: intro))")
                let h2 = XMLText.contents(of: r.stdout, element: "h2", html: true) ?? []
                #expect(h2.contains(Self.visible(cell)), "round \(round): Markdown headings \(h2) for \(String(reflecting: cell))")
            }
            // man: mandoc lints clean and its text output contains the paragraph.
            do {
                let lint = try #require(try runTool("mandoc", ["-T", "lint", "-W", "warning"], stdin: man))
                #expect(lint.stdout.isEmpty && lint.stderr.isEmpty, "round \(round): mandoc: \(lint.stdout)\(lint.stderr)")
                let text = try #require(try runTool("mandoc", ["-T", "utf8", "-O", "width=1000"], stdin: man)).stdout
                let plain = Self.removingOverstrike(text).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(plain.contains(Self.visible(intro)), "round \(round): man shows no line \(String(reflecting: Self.visible(intro)))")
            }
        }
    }

    /// `X\bX` (bold) and `_\bX` (underline) as terminals draw them, reduced to `X`.
    static func removingOverstrike(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if i + 1 < scalars.count, scalars[i + 1] == "\u{8}" { i += 2; continue }
            result.append(scalars[i])
            i += 1
        }
        return String(result)
    }
}
