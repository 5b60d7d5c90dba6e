@testable import PortDocCore
import Testing

/// The build reads PO files straight into compact translations (`POParser.parseCompacted`); that
/// must give what the full parse, the one-file checks and `compacted()` give, diagnostics included.
@Suite("PO reading modes")
struct POReadingModesTests {
    static let keys = ["k.a", "k.b", "row.r0.1", "ü.x"]
    static let ids = ["Text", "Text mit ü", "", "e\u{301}", "Zeile\\n", "日本語"]
    /// What the source says: the msgids' texts, the same in other bytes (combining marks for
    /// precomposed letters and back), and others.
    static let sourceTexts = ["Text", "Text mit ü", "Text mit u\u{308}", "", "é", "e\u{301}", "Zeile\n", "日本語", "Anderes"]
    static let strs = ["", "x", "Übersetzung", "\\\"q\\\"", "\\303\\274", "tab\\t", "e\u{301}"]
    static let junk = [
        "msgid \"x", "msgstr \"y\\q\"", "\"stray\"", "msgtxt \"z\"", "msgstr", "#x odd", "msgstr \"\\xff\"", "msgid \"a\" b",
        "msgid_plural \"p\"", "msgstr[1] \"b\"", "msgstr[0] \"a\"", "#~ msgstr \"o\"", "#| \"cont\"", "msgctxt \"k.a\"", "msgid \"\"",
        "  msgstr \"indented\"", "#, fuzzy", "# note", "\"Content-Type: text/plain; charset=latin1\\n\"", "",
    ]

    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        mutating func pick<T>(_ list: [T]) -> T { list[next(list.count)] }
        mutating func chance(_ percent: Int) -> Bool { next(100) < percent }
    }

    static func header(_ r: inout Random) -> [String] {
        var lines = r.chance(30) ? ["# Header comment", "#, fuzzy"] : []
        lines += ["msgid \"\"", "msgstr \"\"", "\"Language: fr\\n\""]
        lines.append(r.chance(85) ? "\"Content-Type: text/plain; charset=UTF-8\\n\"" : "\"Content-Type: text/plain; charset=latin1\\n\"")
        return lines
    }

    static func entry(_ r: inout Random) -> [String] {
        var lines: [String] = []
        if r.chance(20) { lines.append("# a translator's note") }
        if r.chance(20) { lines.append("#. extracted") }
        if r.chance(20) { lines.append("#: Catalog/x.yaml:\(r.next(90))") }
        if r.chance(25) { lines.append(r.pick(["#, fuzzy", "#, c-format, fuzzy", "#, c-format", "#,fuzzy ,"])) }
        if r.chance(15) { lines += ["#| msgid \"old\"", "#| \"more\""] }
        if r.chance(90) { lines.append("msgctxt \"\(r.pick(keys))\"") }
        lines.append("msgid \"\(r.pick(ids))\"")
        if r.chance(20) { lines.append("\"\(r.pick(ids))\"") }
        if r.chance(5) {
            lines += ["msgid_plural \"pl\"", "msgstr[0] \"\(r.pick(strs))\"", "msgstr[1] \"\(r.pick(strs))\""]
        } else {
            lines.append("msgstr \"\(r.pick(strs))\"")
            if r.chance(20) { lines.append("\"\(r.pick(strs))\"") }
        }
        if r.chance(2) { lines.append("\"" + String(repeating: "a", count: SourceText.maxMessageLength) + "\"") }
        if r.chance(8) { lines = lines.map { $0.hasPrefix("#") ? $0 : "#~ " + $0 } }
        if r.chance(6) { lines.insert(r.pick(junk), at: r.next(lines.count + 1)) }
        if r.chance(5) { lines = lines.map { "  " + $0 } }
        return lines
    }

    static func file(_ r: inout Random) -> String {
        var blocks: [[String]] = (0..<r.next(8)).map { _ in entry(&r) }
        if r.chance(80) { blocks.insert(header(&r), at: r.chance(85) ? 0 : r.next(blocks.count + 1)) }
        if r.chance(5) { blocks.append(header(&r)) }
        let separator = r.chance(10) ? "\r\n" : "\n"
        return blocks.map { $0.joined(separator: separator) }.joined(separator: separator + (r.chance(90) ? separator : ""))
            + (r.chance(50) ? separator : "")
    }

    @Test func compactedReadingAgreesWithTheFullParse() throws {
        var r = Random(state: 7)
        var compared = 0, failed = 0
        for _ in 0..<3_000 {
            let text = Self.file(&r)
            let (file, parseDiagnostics) = POParser.parse(text, path: "Locales/fr.po")
            var expected = parseDiagnostics
            var slow: Translation?
            if let file {
                expected += ProjectChecks.check(file)
                slow = Translation(locale: "fr", file: file).compacted()
            }
            let (fast, diagnostics) = POParser.parseCompacted(Array(text.utf8), path: "Locales/fr.po", locale: "fr")
            #expect(diagnostics == expected, "\(text)")
            #expect((fast == nil) == (slow == nil), "\(text)")
            guard let fast, let slow else { failed += 1; continue }
            compared += 1
            #expect(fast.locale == slow.locale && fast.file == slow.file)
            #expect(fast.file.header?.location == slow.file.header?.location && fast.file.header?.stringLocation == slow.file.header?.stringLocation)
            let a = try #require(fast.compact), b = try #require(slow.compact)
            // The same keys, in the same (file) order.
            #expect(a.keys == b.keys, "\(text)")
            for key in a.keys {
                guard let x = fast.compactEntry(key), let y = slow.compactEntry(key) else { continue }
                #expect(x.idHash == y.idHash && x.fuzzy == y.fuzzy && x.line == y.line && x.column == y.column
                        && x.stringLine == y.stringLine && x.stringColumn == y.stringColumn, "\(key) in \(text)")
                #expect(fast.string(for: key) == slow.string(for: key), "\(key) in \(text)")
            }
            // Indexed by a source text whose texts are the msgids, others, or canonically
            // equivalent spellings of them in other bytes: the same statuses as before indexing.
            let location = SourceLocation(path: "Locales/de.yaml", line: 1, column: 1)
            let source = SourceText(path: "Locales/de.yaml", locale: "de", entries: Self.keys.map {
                SourceText.Entry(key: $0, text: r.pick(Self.sourceTexts), keyLocation: location, textLocation: location)
            })
            let indexed = fast.indexed(by: source)
            for entry in source.entries {
                let expected = slow.lookup(entry.key, source: entry)
                let found = indexed.lookup(entry.key, source: entry)
                #expect(found.status == expected.status && found.string == expected.string && found.stringLocation == expected.stringLocation, "\(entry.key) in \(text)")
                #expect(indexed.status(of: entry.key, source: entry.text) == slow.status(of: entry.key, source: entry.text))
                #expect(fast.status(of: entry.key, source: entry) == expected.status)
            }
            // By position, for the source it was indexed by and for another one (by key there).
            let other = SourceText(path: "Locales/de.yaml", locale: "de", entries: source.entries.reversed().map {
                SourceText.Entry(key: $0.key, text: r.pick(Self.sourceTexts), keyLocation: location, textLocation: location)
            })
            for s in [source, other] {
                for (i, entry) in s.entries.enumerated() {
                    #expect(indexed.status(ofEntryAt: i, in: s) == slow.status(of: entry.key, source: entry.text), "\(entry.key) in \(text)")
                    let expected = slow.lookup(entry.key, source: entry), found = indexed.lookup(entryAt: i, of: s)
                    #expect(found.status == expected.status && found.string == expected.string && found.stringLocation == expected.stringLocation, "\(entry.key) in \(text)")
                }
            }
        }
        // Both outcomes are exercised.
        #expect(compared > 500 && failed > 500, "compared \(compared), rejected \(failed)")
    }

    /// `SourceText.index(of:guess:)` answers as the key index does, whatever the guess, also for a
    /// text that repeats keys (whose first entry is the one that counts).
    @Test func guessedPositionsAgreeWithTheKeyIndex() {
        var r = Random(state: 11)
        let location = SourceLocation(path: "Locales/de.yaml", line: 1, column: 1)
        var guessed = 0
        for _ in 0..<2_000 {
            let keys = (0..<r.next(8)).map { _ in r.pick(Self.keys) }
            let source = SourceText(path: "Locales/de.yaml", locale: "de", entries: keys.map {
                SourceText.Entry(key: $0, text: "t", keyLocation: location, textLocation: location)
            })
            for key in Self.keys + ["absent"] {
                for guess in -1...(keys.count + 1) {
                    #expect(source.index(of: key, guess: guess) == source.keyIndex[key], "\(key) at \(guess) in \(keys)")
                    if guess >= 0, guess < keys.count, keys[guess] == key { guessed += 1 }
                }
            }
        }
        #expect(guessed > 1_000)
    }
}
