import Foundation
@testable import PortDocCore
import PortDocIO
import Testing

@Suite("Catalog parsing and diagnostics")
struct CatalogTests {
    @Test func miniCatalogParses() {
        let (catalog, diagnostics) = parseCatalog(miniCatalog)
        #expect(diagnostics == [])
        #expect(catalog?.rows.count == 1)
        #expect(catalog?.rows.first?.description.first?.text.args["url"] == .url("https://example.com"))
    }

    @Test func realProjectHasTheSeedsCounts() throws {
        let (project, diagnostics) = ProjectLoader(root: repoRoot).load()
        #expect(Diagnostics(diagnostics).all.filter { $0.severity != .note } == [])
        let catalog = try #require(project?.documents.first)
        #expect(catalog.tables.count == 6)
        #expect(catalog.rows.count == 31)
        #expect(catalog.distinctPorts.count == 24)
        #expect(catalog.sections.map(\.id) == ["agent", "web-console", "server", "rd-sensor", "mdc", "mdm-device"])
        #expect(catalog.sections[1].tables.isEmpty, "the Web Console heading has no table in the seed")
        #expect(catalog.rows.filter { $0.ports.contains { $0.configurable } }.flatMap { $0.ports.map(\.numberText) }.sorted() == ["2222", "2222", "2222", "2223"])
        let failover = catalog.rows.flatMap(\.ports).first { $0.failoverFor != nil }
        #expect(failover?.numberText == "443" && failover?.failoverFor == 8883)
        #expect(Set(catalog.rows.flatMap(\.ports).compactMap(\.label)) == ["Microsoft SQL", "MySQL"])
        let noted = catalog.rows.flatMap(\.description).filter { !$0.text.footnotes.isEmpty }
        #expect(noted.map(\.text.key) == ["row.mdm-device.5228.gcm", "row.mdm-device.5228.fcm"])
    }

    @Test func everySentenceOfTheSeedIsInTheSourceText() throws {
        let seed = try String(contentsOf: fixturesRoot.appendingPathComponent("seed/000_02aec58378109cf3.txt"), encoding: .utf8)
        let (project, _) = ProjectLoader(root: repoRoot).load()
        let source = try #require(project?.source)
        let catalog = try #require(project?.documents.first)
        // Fill placeholders with the catalog's data, then every message must occur in the seed.
        var args: [String: [String: ArgValue]] = [:]
        for ref in catalog.textRefs { args[ref.key] = ref.args }
        let flatSeed = Whitespace.normalize(seed)
        // Interface strings and the diagram's endpoint labels are PortDoc's own text, not the seed's.
        for entry in source.entries where !entry.key.hasPrefix("ui.") && !entry.key.hasPrefix("endpoint.") && entry.key != "doc.title" {
            var text = entry.text
            for (name, value) in args[entry.key] ?? [:] { text = text.replacingOccurrences(of: "{\(name)}", with: value.text) }
            #expect(flatSeed.contains(text), "\(entry.key) is not word for word in the seed: \(text)")
        }
        // And every table cell line of the seed is covered by some message or data.
        let messages = source.entries.map { entry in
            var text = entry.text
            for (name, value) in args[entry.key] ?? [:] { text = text.replacingOccurrences(of: "{\(name)}", with: value.text) }
            return text
        }
        let portTexts = Set(catalog.rows.flatMap(\.ports).map { port in port.label.map { "\(port.numberText) (\($0))" } ?? port.numberText })
        for raw in seed.split(separator: "\n") {
            var line = Whitespace.normalize(String(raw))
            for prefix in ["•", "* "] where line.hasPrefix(prefix) { line = String(line.dropFirst(prefix.count)) }
            if line.hasSuffix(" |") { line = String(line.dropLast(2)) }
            if line.hasSuffix("*") { line = String(line.dropLast()) }
            guard line.count > 12, !portTexts.contains(line) else { continue }  // separators, protocols, ports
            #expect(messages.contains { $0.contains(line) || line.contains($0) && $0.count > line.count / 2 }, "seed line not covered: \(line)")
        }
    }

    @Test(arguments: [
        ("heading: section.main", "headng: section.main", "c.yaml:16:5: error: unknown key 'headng' in a section; did you mean 'heading'? [catalog.unknown-key]"),
        ("- protocol: TCP", "- protcol: TCP", "c.yaml:20:13: error: unknown key 'protcol' in a row; did you mean 'protocol'? [catalog.unknown-key]"),
    ])
    func unknownKeys(old: String, new: String, expected: String) {
        let (catalog, diagnostics) = parseCatalog(miniCatalog.replacingOccurrences(of: old, with: new))
        #expect(catalog == nil)
        #expect(diagnostics.first == expected, "\(diagnostics)")
    }

    @Test func missingRequiredField() {
        let (_, d) = parseCatalog(miniCatalog.replacingOccurrences(of: "            transport: tcp\n", with: ""))
        #expect(d == ["c.yaml:20:13: error: a row is missing required key 'transport' [catalog.missing-key]"])
    }

    @Test(arguments: [
        ("[443]", "[0]", "c.yaml:22:21: error: port 0 is out of range; ports are 1 to 65535 [catalog.port-range]"),
        ("[443]", "[65536]", "c.yaml:22:21: error: port 65536 is out of range; ports are 1 to 65535 [catalog.port-range]"),
        ("[443]", "[-1]", "c.yaml:22:21: error: '-1' is not a port number (1 to 65535) or a range such as 5228-5230 [catalog.port]"),
        ("[443]", "[https]", "c.yaml:22:21: error: 'https' is not a port number (1 to 65535) or a range such as 5228-5230 [catalog.port]"),
        ("[443]", "[99999999999999999999]", "c.yaml:22:21: error: port 99999999999999999999 is out of range; ports are 1 to 65535 [catalog.port-range]"),
        ("[443]", "[443, 443]", "c.yaml:22:26: error: port 443 appears twice in one row [catalog.duplicate-port]"),
        ("[443]", "[\"5230-5228\"]", "c.yaml:22:21: error: port range '5230-5228' must go from low to high [catalog.port-range]"),
    ])
    func badPorts(old: String, new: String, expected: String) {
        let (catalog, d) = parseCatalog(miniCatalog.replacingOccurrences(of: "ports: \(old)", with: "ports: \(new)"))
        #expect(catalog == nil)
        #expect(d == [expected])
    }

    @Test func portRangesExpand() throws {
        let (catalog, d) = parseCatalog(miniCatalog.replacingOccurrences(of: "ports: [443]", with: "ports: [\"5228-5230\", {port: 80, label: HTTP}]"))
        #expect(d == [])
        #expect(try #require(catalog).distinctPorts == [80, 5228, 5229, 5230])
    }

    @Test func duplicateIDs() {
        let text = miniCatalog.replacingOccurrences(of: "      - id: main-ports", with: "      - id: main")
        let (_, d) = parseCatalog(text)
        #expect(d == ["c.yaml:18:13: error: duplicate section or table id 'main'; first defined at 15:9 [catalog.duplicate-id]"])
    }

    @Test func undefinedAndUnusedFootnotes() {
        let (_, undefined) = parseCatalog(miniCatalog.replacingOccurrences(of: "footnotes: [note]", with: "footnotes: [nope]"))
        #expect(undefined == [
            "c.yaml:24:23: error: footnote 'nope' is referenced but not defined under 'footnotes' [catalog.undefined-footnote]",
            "c.yaml:12:9: error: footnote 'note' is defined but never referenced [catalog.unused-footnote]",
        ])
    }

    @Test func yamlSyntaxAndDuplicateKeys() {
        let (_, syntax) = parseCatalog("document:\n  id: [unclosed\n")
        #expect(syntax.count == 1)
        #expect(syntax[0].hasPrefix("c.yaml:3:1: error: YAML syntax error:"), "\(syntax)")
        let (_, duplicate) = parseCatalog(miniCatalog.replacingOccurrences(of: "  id: mini\n", with: "  id: mini\n  id: other\n"))
        #expect(duplicate == ["c.yaml:2:3: error: duplicate key 'id' in a mapping [yaml.duplicate-key]"])
    }

    @Test func proseInsteadOfAKeyIsRefused() {
        let (_, d) = parseCatalog(miniCatalog.replacingOccurrences(of: "heading: section.main", with: "heading: Main computer"))
        #expect(d == ["c.yaml:16:14: error: 'heading' must be a message key (dot-separated lowercase words, digits and '-', such as 'row.agent.2222'), found 'Main computer'; prose belongs in Locales/ [catalog.message-key]"])
    }

    @Test func wrongTypes() {
        let (_, d) = parseCatalog(miniCatalog.replacingOccurrences(of: "ports: [443]", with: "ports: 443"))
        #expect(d == ["c.yaml:22:20: error: 'ports' must be a sequence, found a scalar [catalog.type]"])
    }

    @Test func aliasBombIsStopped() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        yaml += "document: *a9\nsections: []\n"
        let start = Date()
        let (catalog, d) = parseCatalog(yaml)
        #expect(catalog == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(d.contains { $0.contains("[catalog.unknown-key]") })
    }

    /// The walk itself must stop: aliases nest valid rows 100 × 100 × 100 deep through the schema,
    /// so only the node limit keeps the walk short.
    @Test func aliasBombThroughValidStructureHitsTheNodeLimit() {
        func list(_ first: String, _ alias: String) -> String {
            "[" + ([first] + Array(repeating: alias, count: 99)).joined(separator: ", ") + "]"
        }
        let rows = list("&r {protocol: TCP, transport: tcp, ports: [443], description: row.web}", "*r")
        let tables = list("&t {id: t, rows: \(rows)}", "*t")
        let sections = list("&s {id: s, heading: section.s, tables: \(tables)}", "*s")
        let yaml = """
            document: {id: x, source-locale: de, title: doc.title, man: {name: x, section: "7", date: "2024-01-01", source: X}}
            sections: \(sections)
            """
        let start = Date()
        let (catalog, d) = parseCatalog(yaml)
        #expect(catalog == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(d.contains { $0.hasSuffix("error: the document expands to more than 200000 nodes, more than its size allows without aliases (an alias bomb?) [yaml.too-large]") }, "\(d.prefix(3))")
    }

    @Test func localeTags() {
        for good in ["de", "en", "pt-BR", "sr-Latn", "zh-Hant-TW", "qps-ploc", "de-CH-1996", "x-private"] {
            #expect(LocaleTag.isValid(good), "\(good)")
        }
        for bad in ["", "../x", "en/US", "de\0", "..", "e", "english-language-x", "de_DE", "en-"] {
            #expect(!LocaleTag.isValid(bad), "\(bad)")
        }
        #expect(LocaleTag.problem(with: "../x") == "'../x' is not a BCP 47 language tag: only letters, digits and '-' are allowed")
    }

    /// The one-pass reading of a port gives what the careful, part-by-part reading gives, and
    /// leaves every text it declines to it (each message stays the careful reading's).
    @Test func onePassPortRangesAgreeWithTheCarefulReading() {
        func careful(_ text: String) -> ClosedRange<Int>? {
            let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            var numbers: [Int] = []
            for part in parts {
                guard !part.isEmpty, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(part), (1...65535).contains(n) else { return nil }
                numbers.append(n)
            }
            if numbers.count == 2 { return numbers[0] < numbers[1] ? numbers[0]...numbers[1] : nil }
            return numbers[0]...numbers[0]
        }
        let pieces = ["0", "1", "5", "9", "-", "00", "443", "65535", "65536", "000000001", "0000000001", "99999", " ", "x", "٣", "+", ""]
        var state: UInt64 = 17
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var accepted = 0
        for _ in 0..<30_000 {
            let text = (0..<(1 + next(4))).map { _ in pieces[next(pieces.count)] }.joined()
            let expected = careful(text)
            let fast = CatalogParser.validPortRange(text)
            if let fast { #expect(fast == expected, "\(text)") }
            // Declined although valid only with a part of more than nine digits.
            if fast == nil, expected != nil { #expect(text.split(separator: "-").contains { $0.count > 9 }, "\(text)") }
            if fast != nil { accepted += 1 }
        }
        #expect(accepted > 1_000, "\(accepted) accepted")
    }

    /// Row anchors checked without spelling them out report what the row-by-row check reports:
    /// random catalogs whose section, table and row ids collide with generated anchors
    /// (`row-<table>-<n>`) in every way.
    @Test func anchorCollisionsAreFoundAsRowByRow() {
        var state: UInt64 = 23
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let sectionIDs = ["a", "s", "row-a-1", "row-a-2", "row-b-1", "row-a-1-1", "row-x", "row-a-01"]
        let tableIDs = ["a", "b", "a-1", "t", "row-b-1"]
        let rowIDs = ["a-1", "b-1", "x", "a-1-1", "t-2", "a-2"]
        var collisions = 0
        for round in 0..<600 {
            var yaml = "document: {id: x, source-locale: de, title: doc.title, man: {name: x, section: \"7\", date: \"2024-01-01\", source: X}}\nsections:\n"
            for _ in 0..<(1 + next(2)) {
                yaml += "  - id: \(sectionIDs[next(sectionIDs.count)])\n    heading: section.s\n    tables:\n"
                for _ in 0..<(1 + next(2)) {
                    yaml += "      - id: \(tableIDs[next(tableIDs.count)])\n        rows:\n"
                    for _ in 0..<(1 + next(3)) {
                        yaml += "          - {" + (next(3) == 0 ? "id: \(rowIDs[next(rowIDs.count)]), " : "") + "protocol: TCP, transport: tcp, ports: [443], description: row.web}\n"
                    }
                }
            }
            let (_, diagnostics) = CatalogParser.parse(yaml, path: "Catalog/x.yaml")
            // The catalog as parsed, without the checks: rebuilt from the same text by hand.
            let found = diagnostics.filter { $0.message.hasPrefix("the row's anchor") }.map(\.message)
            var expected: [String] = []
            var taken = Set<String>()
            var tables: [(id: String, rows: [String?])] = []
            for line in yaml.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("- id: ") && line.hasPrefix("  - ") { taken.insert(String(t.dropFirst(6))) }
                if t.hasPrefix("- id: ") && line.hasPrefix("      - ") { taken.insert(String(t.dropFirst(6))); tables.append((String(t.dropFirst(6)), [])) }
                if t.hasPrefix("- {") { tables[tables.count - 1].rows.append(t.hasPrefix("- {id: ") ? String(t.dropFirst(7).prefix { $0 != "," }) : nil) }
            }
            for table in tables {
                for (index, id) in table.rows.enumerated() {
                    let anchor = id.map { "row-\($0)" } ?? "row-\(table.id)-\(index + 1)"
                    if !taken.insert(anchor).inserted { expected.append("the row's anchor '\(anchor)' is also the id of a section, table or row; choose another id") }
                }
            }
            #expect(found == expected, "round \(round):\n\(yaml)")
            if !expected.isEmpty { collisions += 1 }
        }
        #expect(collisions > 100 && collisions < 550, "both outcomes exercised: \(collisions) of 600 collide")
    }
}
