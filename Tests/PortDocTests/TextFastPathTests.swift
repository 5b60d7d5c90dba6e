@testable import PortDocCore
import Testing

/// The byte-level fast paths of the loaders, held to the Unicode-scalar rules they shortcut.
@Suite("text fast paths")
struct TextFastPathTests {
    static let pieces = [
        "a", "Port", "443", " ", "  ", "\t", "\n", "\r\n", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{200B}",
        "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{3001}", "日本", "ไทย", "ü", "e\u{301}", "😀", "\u{2030}",
        "\u{E1}\u{9A}", "{", "}", "{{", "}}", "{name}", "{Bad}", "{a-1}", "{}", "\u{C2}",
    ]

    /// 1 to `longest` (a power of two) random pieces, joined.
    static func random(_ state: inout UInt64, from pieces: [String] = Self.pieces, longest: Int = 16) -> String {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let count = Int(state >> UInt64(64 - longest.trailingZeroBitCount)) + 1
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return pieces[Int((state >> 33) % UInt64(pieces.count))]
        }.joined()
    }

    /// The UTF-8 check of PO files agrees with `String(validating:)` on random byte strings made
    /// of ASCII runs, valid sequences and every kind of broken one (overlong forms, surrogates,
    /// beyond U+10FFFF, lone or missing continuation bytes, truncation at the end); where it
    /// fails, the reading reports what `decodeUTF8` reports.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        let pieces: [[UInt8]] = [
            Array("plain ASCII text ".utf8), Array("ab".utf8), Array("ü".utf8), Array("€".utf8), Array("😀".utf8), Array("日本".utf8),
            [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xDF, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0x0D, 0x0A], [0x0D], [0xEF, 0xBB, 0xBF],
        ]
        var state: UInt64 = 5
        var invalid = 0
        for _ in 0..<50_000 {
            var bytes: [UInt8] = []
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<(Int(state >> 61) + 1) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                // A valid piece (the first six, and a few further on) most of the time.
                let pick = Int((state >> 33) % UInt64(pieces.count))
                bytes += (state >> 20) % 3 == 0 ? pieces[pick] : pieces[pick % 6]
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            #expect(bytes.withUnsafeBufferPointer(UTF8Bytes.isValid) == expected, "\(bytes)")
            if !expected { invalid += 1 }
            switch (TextNormalization.checkedUTF8(bytes, path: "p.po"), TextNormalization.decodeUTF8(bytes, path: "p.po")) {
            case (.success(let checked), .success(let text)): #expect(checked == Array(text.utf8))
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("checkedUTF8 and decodeUTF8 disagree on \(bytes)")
            }
        }
        // Both outcomes are common.
        #expect(invalid > 10_000 && invalid < 40_000, "\(invalid) of 50,000 invalid")
    }

    /// Sanitizing looks at lead bytes only when a text is clean; it must find every scalar the
    /// scalar rule replaces (C0, DEL, C1, U+FFFE, U+FFFF) and nothing else.
    @Test func sanitizingFastPathAgreesWithTheScalarRule() {
        let pieces = Self.pieces + ["\u{1}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{BF}", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}",
                                    "\u{FEFF}", "\u{EFFF}", "\u{FFBE}", "\u{10FFFF}", "\u{FFFC}"]
        var state: UInt64 = 99
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let s = (0..<(Int(state >> 60) + 1)).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return pieces[Int((state >> 33) % UInt64(pieces.count))]
            }.joined()
            var replaced = 0
            let expected = String(String.UnicodeScalarView(s.unicodeScalars.map { scalar -> Unicode.Scalar in
                let v = scalar.value
                guard v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF else { return scalar }
                replaced += 1
                return "\u{FFFD}"
            }))
            let (clean, count) = Resolver.sanitize(s)
            #expect(clean == expected && count == replaced, "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// The eight-byte test of `sanitize` finds a byte below 0x20 or 7F, C2 or EF wherever it is
    /// among others, and nothing else (the edge bytes around each, in every position).
    @Test func sanitizingWordTestAgreesWithTheByteRule() {
        let bytes: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC1, 0xC2, 0xC3, 0xEE, 0xEF, 0xF0, 0xFE, 0xFF]
        var state: UInt64 = 3
        for _ in 0..<50_000 {
            var word: UInt64 = 0
            var expected = false
            for k in 0..<8 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                // Mostly plain bytes, so that a single special byte is tested in each position.
                let b = (state >> 60) < 3 ? bytes[Int((state >> 33) % UInt64(bytes.count))] : UInt8(0x20 + (state >> 40) % 0x5F)
                word |= UInt64(b) << UInt64(8 * k)
                expected = expected || b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xEF
            }
            #expect(Resolver.mayNeedSanitizing(word) == expected, "\(String(word, radix: 16))")
        }
    }

    @Test func whiteSpaceFastPathAgreesWithTheScalarRule() {
        var state: UInt64 = 42
        for _ in 0..<20_000 {
            let s = Self.random(&state)
            // The fast path may keep a text only if the full rule would leave it unchanged.
            #expect(Whitespace.isNormal(s) == (Whitespace.normalizeScalars(s) == s), "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(Whitespace.normalize(s) == Whitespace.normalizeScalars(s))
        }
    }

    @Test func placeholderPiecesRebuildTheTextAndErrorsPointAtABrace() {
        var state: UInt64 = 7
        for _ in 0..<20_000 {
            let s = Self.random(&state)
            switch Placeholder.parse(s) {
            case .success(let pieces):
                let rebuilt = pieces.map { piece -> String in
                    switch piece {
                    case .literal(let l): l.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
                    case .placeholder(let n): "{\(n)}"
                    }
                }.joined()
                #expect(rebuilt == s)
            case .failure(let error):
                let scalars = Array(s.unicodeScalars)
                #expect(error.column >= 1 && error.column <= scalars.count && "{}".unicodeScalars.contains(scalars[error.column - 1]),
                        "\(s.debugDescription): \(error)")
            }
        }
    }

    /// roff escaping on bytes against the rule written per scalar: `\` → `\e`, tab and newline →
    /// space, non-ASCII → `\[uXXXX]` (four to six upper-case hex digits), the special character.
    @Test func roffEscapingAgreesWithTheScalarRule() {
        func reference(_ s: String, special: Unicode.Scalar, replacement: String) -> String {
            s.unicodeScalars.map { c -> String in
                if c == special { return replacement }
                switch c.value {
                case 0x5C: return "\\e"
                case 0x09, 0x0A: return " "
                case 0..<0x80: return String(c)
                default:
                    let hex = String(c.value, radix: 16, uppercase: true)
                    return "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
                }
            }.joined()
        }
        var state: UInt64 = 11
        for _ in 0..<20_000 {
            let s = Self.random(&state) + ["", "@", "\"", "\\x", "a@b\"c", "\u{10FFFF}", "\u{7F}"][Int(state % 7)]
            #expect(RoffEscaper.characters(s) == reference(s, special: "\u{0}", replacement: ""))
            #expect(RoffEscaper.characters(s, special: UInt8(ascii: "@"), replacement: "\\(at") == reference(s, special: "@", replacement: "\\(at"))
            #expect(RoffEscaper.characters(s, special: UInt8(ascii: "\""), replacement: "\\(dq") == reference(s, special: "\"", replacement: "\\(dq"))
            // An embedded argument: the escaped text with every space as `\ ` (the rule it had as a split and join).
            #expect(RoffEscaper.embeddedArgument(s) == reference(s, special: "\"", replacement: "\\(dq").replacingOccurrences(of: " ", with: "\\ "))
        }
    }

    /// Every escaper that appends to a page's bytes writes what its String form returns, after
    /// whatever the page holds already (the table cell's `\&` goes in front of the cell, not the page).
    /// Numbers written digit by digit read as `String(value)` does, negative ones included (a
    /// library user's document may number a footnote 0 or -1).
    @Test func decimalDigitsSpellNumbersAsStringDoes() {
        var values = [0, 1, 9, 10, 99, 100, 65535, 65536, Int.max, Int.max - 1, Int.max / 10, -1, -10, Int.min, Int.min + 1]
        var state: UInt64 = 3
        for _ in 0..<10_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(Int(truncatingIfNeeded: state) >> Int(state % 63))
        }
        for value in values {
            var out = Array("x".utf8)
            UTF8Bytes.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "x" + String(value))
        }
    }

    /// `portdoc check` looks for addresses only in texts with a `.` or a `:`; it must find what
    /// the token-by-token search finds in every text.
    @Test func addressSearchSkipsOnlyTextsWithoutAddresses() {
        let pieces = Self.pieces + [".", ":", "://", "https://x.example/a", "push.example.net", "a.b", "Port 443.", "(api.push.apple.com)",
                                    "/\u{301}", ":/", "e.g.", "x:y", " ", "\u{3002}", "例え.jp", "ftp://"]
        var state: UInt64 = 17
        for _ in 0..<20_000 {
            let s = Self.random(&state, from: pieces)
            #expect(ConsistencyChecks.addresses(in: s) == ConsistencyChecks.addressesOfTokens(in: s), "\(s.debugDescription)")
        }
    }

    /// XML text escaping skips words without `&`, `<` or `>`: it must escape exactly what a
    /// scalar-by-scalar replacement does, wherever in a word those bytes fall.
    @Test func xmlTextEscapingAgreesWithAScalarReplacement() {
        let pieces = ["a", "Port 443 ", "&", "<", ">", "ü", "日本", "\"", "'", "\n", "abcdefgh", "&amp;", "]]>", "😀", "x"]
        var state: UInt64 = 11
        for _ in 0..<20_000 {
            let s = Self.random(&state, from: pieces, longest: 32)
            let expected = s.unicodeScalars.map { c -> String in
                switch c {
                case "&": "&amp;"
                case "<": "&lt;"
                case ">": "&gt;"
                default: String(c)
                }
            }.joined()
            var out: [UInt8] = []
            XMLEscaper.appendText(s, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == expected, "\(s.debugDescription)")
        }
    }

    @Test func appendingEscapersAgreeWithTheirStringForms() {
        let escapers: [(String, (String) -> String, (String, inout [UInt8]) -> Void)] = [
            ("XML text", XMLEscaper.text, XMLEscaper.appendText),
            ("XML attribute", XMLEscaper.attribute, XMLEscaper.appendAttribute),
            ("Markdown", MarkdownEscaper.text, MarkdownEscaper.append),
            ("roff table cell", RoffEscaper.tableCell, RoffEscaper.appendTableCell),
            ("roff argument", RoffEscaper.argument, RoffEscaper.appendArgument),
            ("roff embedded argument", RoffEscaper.embeddedArgument, RoffEscaper.appendEmbeddedArgument),
        ]
        let starts = ["", ".", "'", "T}", "T", "12.", "3)", "-", "+x", "=", "# ", "<&>\"'", "a\tb\nc\r"]
        var state: UInt64 = 5
        for _ in 0..<5_000 {
            let s = starts[Int(state % UInt64(starts.count))] + Self.random(&state)
            for (name, string, append) in escapers {
                var out = Array("x.".utf8)
                append(s, &out)
                #expect(String(decoding: out, as: UTF8.self) == "x." + string(s), "\(name): \(s.debugDescription)")
            }
        }
        // Fixed cases, written out.
        #expect(XMLEscaper.text("a<b>&c") == "a&lt;b&gt;&amp;c")
        #expect(XMLEscaper.attribute("\"'\n\t\r") == "&quot;&#39;&#10;&#9;&#13;")
        #expect(MarkdownEscaper.text("1. a|b\nc") == "1\\. a\\|b<br>c")
        #expect(MarkdownEscaper.text("12x") == "12x")
        #expect(RoffEscaper.tableCell("T}ü@") == "\\&T}\\[u00FC]\\(at")
        #expect(RoffEscaper.tableCell(".x") == "\\&.x")
        #expect(RoffEscaper.argument("a \"b\"") == "\"a \\(dqb\\(dq\"")
        #expect(RoffEscaper.embeddedArgument("a b\tc") == "a\\ b\\ c")
    }
}

/// The catalog's validators, now on bytes, by cases at the edges of each rule (the scalar versions
/// they replaced pass the same cases).
@Suite("catalog validators")
struct CatalogValidatorTests {
    @Test func messageKeys() {
        for good in ["row.agent", "a.b.c", "row.agent.2222", "x-1.y-2", "0.1"] { #expect(MessageKey.isValid(good), "\(good)") }
        for bad in ["", "row", ".row", "row.", "row..agent", "Row.agent", "row.agent ", "row.agënt", "row.a_b", "row.a\u{301}", "röw.x", "a.b\n"] {
            #expect(!MessageKey.isValid(bad), "\(bad.debugDescription)")
        }
    }

    @Test func identifiers() {
        for good in ["a", "agent-2", "x0"] { #expect(CatalogParser.isIdentifier(good), "\(good)") }
        for bad in ["", "2a", "-a", "A", "a_b", "a b", "ä", "a\u{301}"] { #expect(!CatalogParser.isIdentifier(bad), "\(bad.debugDescription)") }
    }

    @Test func hostNamesAndURLs() {
        for good in ["example.com", "a.b", "EXAMPLE.com", "x-1.y", String(repeating: "a", count: 63) + ".com"] {
            #expect(URLCheck.isHostname(good), "\(good)")
        }
        for bad in ["localhost", "", ".", "a..b", "-a.b", "a-.b", "a_b.c", "bücher.de", "a.b ", String(repeating: "a", count: 64) + ".com",
                    (0..<64).map { _ in "abc" }.joined(separator: ".")] {
            #expect(!URLCheck.isHostname(bad), "\(bad.debugDescription)")
        }
        for good in ["https://example.com", "http://example.com/", "https://a.b/path?q=1#frag", "https://a.b:8443/x", "https://help.eset.com/protect_install/90/de-de/"] {
            #expect(URLCheck.isHTTPURL(good), "\(good)")
        }
        for bad in ["ftp://a.b", "https://", "https://localhost/", "https://a.b/ x", "https://a.b/<x>", "https://a.b/ü", "https://a.b/\"", "HTTPS://a.b", "https//a.b",
                    "https://a.b/{x}", "https://a_b.c/"] {
            #expect(!URLCheck.isHTTPURL(bad), "\(bad.debugDescription)")
        }
    }

    /// The structure checks' line helpers (memcmp prefixes, eight bytes at a time, searched
    /// pipes) agree with plain byte loops on random lines of every byte that matters to them,
    /// at every offset into the page (the word loads are unaligned).
    @Test func structureCheckLineHelpersAgreeWithByteLoops() {
        let alphabet: [UInt8] = [0x41, 0x20, 0x7E, 0x7D, 0x1F, 0x00, 0x09, 0x7F, 0x80, 0xC3, 0xBC, 0xFF, 0x7C, 0x5C, 0x5B, 0x5E, 0x5D, 0x2E, 0x54, 0x7B]
        let prefixes: [StaticString] = ["", "|", "\\|", "T{", "T}", ".TH ", "[^", "AAAAAAAAA"]
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<20_000 {
            let lead = next(9)
            // Mostly printable runs, so that whole words are skipped, with a rare other byte.
            let page: [UInt8] = (0..<(lead + next(40))).map { _ in next(6) == 0 ? alphabet[next(alphabet.count)] : UInt8(0x21 + next(0x5E)) }
            page.withUnsafeBufferPointer { buffer in
                let line = buffer[min(lead, buffer.count)...]
                let bytes = Array(line)
                let naive = line.indices.first { line[$0] > 0x7E || (line[$0] < 0x20 && line[$0] != 0x09) }
                #expect(line.firstNonPrintable() == naive, "\(bytes)")
                var cells = 0, escaped = false
                for b in bytes {
                    if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x7C { cells += 1 }
                }
                var trimmed = bytes
                while trimmed.last == 0x20 { trimmed.removeLast() }
                if trimmed.last == 0x7C && !(trimmed.count >= 2 && trimmed[trimmed.count - 2] == 0x5C) { cells -= 1 }
                #expect(MarkdownChecks.cellCount(line) == cells, "\(bytes)")
                for p in prefixes {
                    let pattern = p.withUTF8Buffer { Array($0) }
                    #expect(line.hasPrefix(p) == bytes.starts(with: pattern))
                    #expect(line.hasSuffix(p) == bytes.reversed().starts(with: pattern.reversed()))
                    #expect(line.equals(p) == (bytes == pattern))
                }
                let from = line.startIndex + next(bytes.count + 1)
                #expect(line.firstIndex(of: 0x5B, from: from) == line[from...].firstIndex(of: 0x5B))
                #expect(line.firstPipeOrBackslash(from: from) == line[from...].firstIndex { $0 == 0x7C || $0 == 0x5C }, "\(bytes) from \(from)")
            }
        }
    }

    /// The lines the structure checks read one at a time are the text split at every LF, the
    /// empty line after a final LF included, and only that line is the final empty one.
    @Test func byteLinesSplitAtEveryLineFeed() {
        var state: UInt64 = 3
        for _ in 0..<20_000 {
            let text = TextFastPathTests.random(&state, from: ["a", "\n", "\n\n", "ü", " ", "|", ""], longest: 16)
            let bytes = Array(text.utf8)
            let expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            bytes.withUnsafeBufferPointer { buffer in
                let lines = ByteLines(buffer)
                let found = Array(lines)
                #expect(found.map(Array.init) == expected, "\(bytes)")
                #expect(found.map(lines.isFinalEmptyLine) == expected.indices.map { $0 == expected.count - 1 && expected[$0].isEmpty }, "\(bytes)")
            }
        }
    }

    /// A text's pieces escaped as one tbl cell without joining them give what the joined text
    /// gives, the cell's start included (`T` then `}` in the next piece still starts `T}`).
    @Test func roffCellOfPartsEqualsTheCellOfTheJoinedText() {
        let parts = ["", ".", "'", "T", "}", "T}", "@", "\\", "a", " ", "ü", "\n", "\t", "x@y", ".x", "}T"]
        var state: UInt64 = 13
        for _ in 0..<20_000 {
            let pieces = (0..<Int(state % 4)).map { _ -> String in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return parts[Int((state >> 33) % UInt64(parts.count))]
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var joined: [UInt8] = [0x41], split: [UInt8] = [0x41]
            RoffEscaper.appendTableCell(pieces.joined(), to: &joined)
            RoffEscaper.appendTableCell(parts: pieces, to: &split)
            #expect(split == joined, "\(pieces)")
        }
    }

    /// A ports cell is written digit by digit, a label escaped as text inside the cell; each
    /// format must give what its escaper makes of the whole `portText` String, on left-to-right
    /// and right-to-left pages, with hostile labels and numbers outside the catalog's range.
    @Test func portCellsWrittenOnBytesEqualTheEscapedPortText() {
        let labels: [String?] = [nil, nil, "MySQL", "", "@", "-x", "1.", ".", "'", "T}", "#", "|a|", "<b>&", "\\e", "\"q\"", "a\nb", "日本", "‏עברית", "1)"]
        let location = SourceLocation(path: "catalog.yaml", line: 1, column: 1)
        var state: UInt64 = 5
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let bounds = [0, 1, 9, 10, 99, 100, 443, 1000, 9999, 10000, 65535, 65536, 1_000_000, Int.max / 2, -1, -443]
        for _ in 0..<5_000 {
            let low = bounds[next(bounds.count)]
            let high = next(3) == 0 ? low : max(low, bounds[next(bounds.count)])
            let port = PortSpec(range: low...high, label: labels[next(labels.count)], failoverFor: nil, configurable: false, location: location)
            let text = XHTMLRenderer.Writer.portText(port)
            // The port's text as the catalog spells it, made without the byte writers.
            let number = low == high ? String(low) : "\(low)-\(high)"
            #expect(text == (port.label.map { "\(number) (\($0))" } ?? number))
            for direction in [TextDirection.ltr, .rtl] {
                let writer = XHTMLRenderer.Writer(direction: direction)
                var expected: [UInt8] = []
                XHTMLSyntax.appendMarked(writer.codeRun, to: &expected) { XMLEscaper.appendText(text, to: &$0) }
                var cell: [UInt8] = []
                writer.appendPortsCell([port], to: &cell)
                #expect(cell == expected, "\(text)")
            }
            var expected: [UInt8] = []
            var cell: [UInt8] = []
            MarkdownEscaper.append(text, to: &expected)
            MarkdownRenderer.Writer().appendPortsCell([port], to: &cell)
            #expect(cell == expected, "\(text)")
            expected = []
            cell = []
            RoffEscaper.appendTableCell(text, to: &expected)
            ManRenderer.Writer().appendPortsCell([port], to: &cell)
            #expect(cell == expected, "\(text)")
        }
    }
}
