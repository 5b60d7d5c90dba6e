import Foundation
import PortDocCore
import PortDocIO
import Testing

@Suite("PO files and source text")
struct LocalizationTests {
    let canonical = """
    msgid ""
    msgstr ""
    "Language: en\\n"
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

    # A translator's note
    #. extracted
    #: Catalog/x.yaml:3
    #, fuzzy, c-format
    #| msgid "Alter Text"
    msgctxt "row.a"
    msgid "Neuer \\"Text\\" mit \\\\ und\\tTab"
    msgstr "New \\"text\\""

    msgctxt "row.b"
    msgid ""
    "Zeile eins\\n"
    "Zeile zwei"
    msgstr ""

    #~ msgctxt "row.old"
    #~ msgid "Weg"
    #~ msgstr "Gone"

    """

    @Test func canonicalPORoundTripsByteForByte() throws {
        let (file, d) = POParser.parse(canonical, path: "x.po")
        #expect(d == [])
        let parsed = try #require(file)
        #expect(parsed.entries.count == 3)
        #expect(parsed.entries[0].previousID == "Alter Text")
        #expect(parsed.entries[0].flags == ["fuzzy", "c-format"])
        #expect(parsed.entries[0].id == "Neuer \"Text\" mit \\ und\tTab")
        #expect(parsed.entries[1].id == "Zeile eins\nZeile zwei")
        #expect(parsed.entries[2].isObsolete)
        #expect(parsed.headerField("language") == "en")
        #expect(POWriter.write(parsed) == canonical)
    }

    @Test func realEnglishPORoundTripsAndIsComplete() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Locales/en.po"), encoding: .utf8)
        let (file, d) = POParser.parse(text, path: "Locales/en.po")
        #expect(d == [])
        #expect(POWriter.write(try #require(file)) == text)
        let (project, _) = ProjectLoader(root: repoRoot).load()
        let p = try #require(project)
        let en = try #require(p.translations["en"])
        for entry in p.source.entries {
            #expect(en.status(of: entry.key, source: entry.text) == .translated, "\(entry.key)")
        }
        #expect(en.file.headerField("Plural-Forms") == "nplurals=2; plural=(n != 1);")
    }

    @Test func msgfmtAcceptsTheRealAndTheWrittenFiles() throws {
        let (file, _) = POParser.parse(canonical, path: "x.po")
        let written = POWriter.write(try #require(file))
        for (name, text) in [("en.po", try String(contentsOf: repoRoot.appendingPathComponent("Locales/en.po"), encoding: .utf8)), ("x.po", written)] {
            guard let result = try runTool("msgfmt", ["--check", "-o", "/dev/null", "-"], stdin: text) else {
                Issue.record("msgfmt is not installed; run make deps")
                return
            }
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
    }

    /// Property: any string, escaped by the writer, parses back to itself.
    @Test func escapingRoundTripsRandomStrings() throws {
        var rng = SplitMix(seed: 42)
        let alphabet: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "\u{07}", "\u{01}", "\u{7F}", "ü", "€", "😀", "\u{202E}", "{", "}", "#", "%"]
        for _ in 0..<300 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 40) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            let value = String(s)
            let file = POFile(path: "p.po", header: nil, entries: [POEntry(context: "k.x", id: value, string: value)])
            let (parsed, d) = POParser.parse(POWriter.write(file), path: "p.po")
            #expect(d == [])
            #expect(parsed?.entries.first?.id == value)
            #expect(parsed?.entries.first?.string == value)
        }
    }

    @Test(arguments: [
        ("msgctxt \"a.b\"\nmsgid \"x\nmsgstr \"y\"\n", "p.po:2:7: error: unterminated string; a PO string ends with '\"' on the same line [po.syntax]"),
        ("msgctxt \"a.b\"\nmsgid \"x\\q\"\nmsgstr \"y\"\n", "p.po:2:9: error: invalid escape '\\q'; PO strings allow \\n \\t \\r \\\" \\\\ \\a \\b \\f \\v and octal or \\x escapes [po.escape]"),
        ("msgctxt \"a.b\"\nmsgid \"x\"\nmsgstr \"y\"\n\nmsgctxt \"a.b\"\nmsgid \"z\"\nmsgstr \"w\"\n", "p.po:5:1: error: duplicate entry msgctxt \"a.b\"; first defined at line 1 [po.duplicate]"),
        ("msgctxt \"a.b\"\nmsgstr \"y\"\n", "p.po:2:1: error: msgstr without msgid [po.syntax]"),
        ("msgid \"x\"\nmsgtxt \"y\"\n", "p.po:2:1: error: unexpected 'msgtxt'; expected msgctxt, msgid, msgid_plural or msgstr [po.syntax]"),
        ("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n", "p.po:2:1: error: the header's Content-Type must declare charset=UTF-8, found 'text/plain; charset=ISO-8859-1' [po.charset]"),
    ])
    func poSyntaxErrors(text: String, expected: String) {
        let (file, d) = POParser.parse(text, path: "p.po")
        #expect(file == nil)
        #expect(lines(d).first == expected, "\(lines(d))")
    }

    /// Every later duplicate names the first definition, also after the first duplicate; msgids
    /// and contexts are keys of their own kinds ("a.b" as a msgid is not the context "a.b").
    @Test func duplicatesNameTheFirstDefinition() {
        let entry = { (ctxt: String, id: String) in "msgctxt \"\(ctxt)\"\nmsgid \"\(id)\"\nmsgstr \"y\"\n\n" }
        let text = entry("a.b", "x") + entry("a.b", "y") + entry("a.b", "z") + "msgid \"a.b\"\nmsgstr \"w\"\n\n" + "msgid \"a.b\"\nmsgstr \"v\"\n"
        let (_, d) = POParser.parse(text, path: "p.po")
        #expect(lines(d) == [
            "p.po:5:1: error: duplicate entry msgctxt \"a.b\"; first defined at line 1 [po.duplicate]",
            "p.po:9:1: error: duplicate entry msgctxt \"a.b\"; first defined at line 1 [po.duplicate]",
            "p.po:16:1: error: duplicate entry msgid \"a.b\"; first defined at line 13 [po.duplicate]",
        ])
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        let bytes: [UInt8] = Array("msgid \"ok\"\nmsgstr \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        switch TextNormalization.decodeUTF8(bytes, path: "p.po") {
        case .success: Issue.record("invalid UTF-8 accepted")
        case .failure(let d): #expect(d.description == "p.po:2:9: error: invalid UTF-8 near byte 20; the file must be UTF-8 [input.encoding]")
        }
    }

    @Test func bomAndCRLFAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("msgctxt \"a.b\"\r\nmsgid \"x\"\r\nmsgstr \"y\"\r\n".utf8)
        guard case .success(let text) = TextNormalization.decodeUTF8(bytes, path: "p.po") else { Issue.record("rejected"); return }
        let (file, d) = POParser.parse(text, path: "p.po")
        #expect(d == [])
        #expect(file?.entries.first?.string == "y")
    }

    @Test func sourceTextDiagnostics() {
        let (_, d) = SourceText.parse("row.a: Text mit {url\nBad Key: x\nrow.b: [1, 2]\n", path: "de.yaml", locale: "de")
        #expect(lines(d) == [
            "de.yaml:1:8: error: in 'row.a': unclosed '{'; write '{{' for a literal brace [source.placeholder]",
            "de.yaml:2:1: error: 'Bad Key' is not a message key (dot-separated lowercase words, digits and '-', such as 'row.agent.2222') [source.key]",
            "de.yaml:3:8: error: the text of 'row.b' must be a string, found a sequence [source.type]",
        ])
    }

    @Test func keysAndPlaceholdersAreCheckedAcrossFiles() throws {
        let (catalog, cd) = CatalogParser.parse(miniCatalog, path: "c.yaml")
        #expect(cd == [])
        let sourceYAML = "doc.title: Titel\nsection.main: Haupt\nrow.web: Siehe {link}\nfootnote.note: Notiz\nrow.unused: Weg\n"
        let (source, sd) = SourceText.parse(sourceYAML, path: "de.yaml", locale: "de")
        #expect(sd == [])
        let d = ProjectChecks.check(catalog: try #require(catalog), source: try #require(source), translations: [:])
        let found = lines(d)
        #expect(found.contains("c.yaml:5:11: error: message key 'doc.intro' is not defined in de.yaml [text.missing-key]"))
        #expect(found.contains("c.yaml:24:23: error: placeholder '{link}' in 'row.web' has no value in the catalog; add it under 'args' [text.placeholder-missing-value]"))
        #expect(found.contains("c.yaml:24:23: error: the catalog gives a value for 'url', but the text of 'row.web' has no placeholder '{url}' [text.placeholder-unused-value]"))
        #expect(found.contains("de.yaml:5:1: warning: message key 'row.unused' is not used by the catalog [text.unused-key]"))

        // A key given twice (a library user's SourceText): its later entry is used with the first.
        let loaded = try #require(source)
        let at = SourceLocation(path: "de.yaml", line: 9, column: 1)
        let repeated = SourceText(path: "de.yaml", locale: "de", entries: loaded.entries + [
            SourceText.Entry(key: "section.main", text: "Noch einmal", keyLocation: at, textLocation: at),
            SourceText.Entry(key: "row.unused", text: "Wieder", keyLocation: at, textLocation: at),
        ])
        let unused = lines(ProjectChecks.check(catalog: try #require(catalog), source: repeated, translations: [:])).filter { $0.contains("[text.unused-key]") }
        #expect(unused == ["de.yaml:5:1: warning: message key 'row.unused' is not used by the catalog [text.unused-key]",
                           "de.yaml:9:1: warning: message key 'row.unused' is not used by the catalog [text.unused-key]"])
    }

    @Test func placeholderSyntax() {
        #expect(Placeholder.names(in: "a {x} b {y-2} {{literal}}") == ["x", "y-2"])
        #expect(Placeholder.names(in: "a } b") == nil)
        guard case .success(let pieces) = Placeholder.parse("{{a}}") else { Issue.record(); return }
        #expect(pieces == [.literal("{a}")])
    }
}

/// A small deterministic random generator for property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
