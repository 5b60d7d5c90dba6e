import Foundation
import PortDocCore
@testable import PortDocIO
import Testing

/// A catalog read in parts (`CatalogParser.split`) must give exactly what the one-piece parse
/// gives: the same catalog with the same positions, or the same diagnostics.
@Suite("Catalog read in parts")
struct CatalogSplitTests {
    static var realCatalog: String {
        get throws { try String(contentsOf: repoRoot.appendingPathComponent("Catalog/eset-protect-ports.yaml"), encoding: .utf8) }
    }

    static func synthetic(roles: Int, rows: Int) -> String {
        SyntheticProject.files(.init(roles: roles, rowsPerRole: rows, locales: ["en"])).first { $0.path.hasPrefix("Catalog/") }!.contents
    }

    /// Both parses, compared; returns whether the text was cut at all.
    @discardableResult
    static func expectSame(_ text: String, parts: Int, _ comment: Comment? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let whole = CatalogParser.parse(text, path: "Catalog/x.yaml")
        guard let split = CatalogParser.parseInParts(text, path: "Catalog/x.yaml", parts: parts) else { return false }
        #expect(split.0 == whole.0, comment, sourceLocation: sourceLocation)
        #expect(split.1.map(\.description) == whole.1.map(\.description), comment, sourceLocation: sourceLocation)
        return true
    }

    @Test func theRealCatalogInEveryNumberOfParts() throws {
        let text = try Self.realCatalog
        for parts in 2...8 { #expect(Self.expectSame(text, parts: parts), "the seed's layout is the plain one") }
        // Six sections: at most six parts, each starting at a section's first line.
        let split = try #require(CatalogParser.split(text, path: "Catalog/x.yaml", parts: 20))
        #expect(split.chunkCount == 6)
    }

    @Test func syntheticCatalogsAndCRLF() {
        let text = Self.synthetic(roles: 7, rows: 5)
        for parts in [2, 3, 7] { #expect(Self.expectSame(text, parts: parts)) }
        #expect(Self.expectSame(text.replacingOccurrences(of: "\n", with: "\r\n"), parts: 3))
    }

    @Test func itemsAtColumnZero() throws {
        let text = """
        document: {id: d, source-locale: de, title: doc.title, man: {name: d, section: "7", source: S}}
        sections:
        - id: a
          heading: h.a
          tables: []
        # between
        - id: b
          heading: h.b
          tables:
          - id: t
            rows:
            - {protocol: TCP, transport: tcp, ports: [1], description: r.one}
        - id: c
          heading: h.c
          tables: []
        """
        #expect(Self.expectSame(text, parts: 3))
        let (catalog, diagnostics) = try #require(CatalogParser.parseInParts(text, path: "Catalog/x.yaml", parts: 3))
        #expect(diagnostics.isEmpty)
        #expect(catalog?.sections.map(\.id) == ["a", "b", "c"])
        #expect(catalog?.rows.first?.location.line == 12, "positions are the file's")
    }

    /// Mutations that a cut could get wrong: each must give the one-piece parse's result.
    @Test func mutatedCatalogsGiveTheOnePieceResult() throws {
        let base = Self.synthetic(roles: 6, rows: 3)
        let lines = base.components(separatedBy: "\n")
        let sections = try #require(lines.firstIndex(of: "sections:"))
        let end = lines[(sections + 1)...].firstIndex { !$0.isEmpty && !$0.hasPrefix(" ") } ?? lines.count
        let items = lines.indices.filter { $0 > sections && $0 < end && lines[$0].hasPrefix("  - id: ") }
        #expect(items.count == 6)
        // (name, cut: whether the plain layout stays, so that the parts are parsed and compared)
        let mutations: [(String, Bool, (inout [String]) -> Void)] = [
            ("an anchor in one section and its alias in another", true, { l in
                l[items[1]] = l[items[1]].replacingOccurrences(of: "- id: ", with: "- &s id: ")
                l.insert("  - *s", at: items[4]) }),
            ("a double-quoted scalar over a cut", true, { l in l[items[2] - 1] += " \"open"; l[items[2]] += " close\"" }),
            ("a flow list over a cut", true, { l in l[items[3] - 1] += " [1,"; l.insert("      2]", at: items[3]) }),
            ("a duplicate section id", true, { l in l[items[4]] = l[items[1]] }),
            ("a syntax error in the last section", true, { l in
                let last = try! #require(l[..<end].lastIndex { !$0.isEmpty }); l[last] += " : : [" }),
            ("a section with an unknown key", true, { l in l.insert("    colour: red", at: items[3] + 1) }),
            ("the list ends and a key follows", true, { l in l.insert("endpoints: 3", at: items[5]) }),
            ("a key at the items' indentation", false, { l in l.insert("  oops: 1", at: items[2]) }),
            // Cut (the key is not the plain `sections:` line), and the head's duplicate key is reported.
            ("a second sections key", true, { l in l.append("sections: []") }),
            ("a document marker", false, { l in l.insert("---", at: 0) }),
            ("a tab before an item", false, { l in l[items[2]] = "\t" + l[items[2]] }),
            ("a lone CR", false, { l in l[items[1] - 1] += "\r" + "x" }),
            ("a line separator", false, { l in l[items[1] - 1] += "\u{2028}" }),
        ]
        for (name, cut, mutate) in mutations {
            var m = lines
            mutate(&m)
            let text = m.joined(separator: "\n")
            #expect(Self.expectSame(text, parts: 3, "\(name)") == cut, "\(name)")
            if cut { #expect(!CatalogParser.parse(text, path: "Catalog/x.yaml").1.isEmpty, "\(name) is reported") }
        }
    }

    /// Random cuts of random catalogs: whole lines moved, dropped or repeated.
    @Test func randomEditsGiveTheOnePieceResult() {
        var rng = SplitMix(seed: 0x5EC7_1095)
        let base = Self.synthetic(roles: 5, rows: 2).components(separatedBy: "\n")
        var cut = 0
        for _ in 0..<150 {
            var lines = base
            for _ in 0..<Int(rng.next() % 3 + 1) {
                let i = Int(rng.next() % UInt64(lines.count)), j = Int(rng.next() % UInt64(lines.count))
                switch rng.next() % 4 {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[i], at: j)
                case 2: lines.swapAt(i, j)
                default: lines[i] = String(lines[i].dropFirst(Int(rng.next() % 3)))
                }
            }
            if Self.expectSame(lines.joined(separator: "\n"), parts: Int(rng.next() % 4 + 2)) { cut += 1 }
        }
        #expect(cut > 50, "most edits keep the plain layout, so the parts are compared")
    }

    @Test func notCut() {
        #expect(CatalogParser.split("sections: [a, b]\n", path: "x", parts: 2) == nil)
        #expect(CatalogParser.split("document: {}\nsections:\n  - id: a\n", path: "x", parts: 2) == nil, "one item")
        #expect(CatalogParser.split("document: {}\nsections:\n  - id: a\n  - id: b\n", path: "x", parts: 1) == nil)
        #expect(CatalogParser.split("  sections:\n  - a\n  - b\n", path: "x", parts: 2) == nil)
    }

    /// The loader reads a large catalog in parts (on two cores or more here): the same project as
    /// the one-piece parse.
    @Test func loaderReadsALargeCatalogInParts() throws {
        let text = Self.synthetic(roles: 30, rows: 60)
        #expect(text.utf8.count >= CatalogParser.splitThreshold)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-split-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in SyntheticProject.files(.init(roles: 30, rowsPerRole: 60, locales: ["en"])) {
            let url = dir.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.contents.write(to: url, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Templates"), withIntermediateDirectories: true)
        var loader = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates"))
        loader.catalogPartsFromCores = 2
        let (project, diagnostics) = loader.load()
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        #expect(project?.documents.first == CatalogParser.parse(text, path: "Catalog/synthetic.yaml").0)
        // A broken row in the middle: the one-piece parse's diagnostic, with its position.
        var lines = text.components(separatedBy: "\n")
        let middle = lines.count / 2
        lines[middle] = "    bogus: [unclosed"
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("Catalog/synthetic.yaml"), atomically: false, encoding: .utf8)
        let (_, broken) = loader.load()
        let expected = CatalogParser.parse(lines.joined(separator: "\n"), path: "Catalog/synthetic.yaml").1
        #expect(!expected.isEmpty)
        #expect(Array(broken.prefix(expected.count)).map(\.description) == expected.map(\.description))
    }

    /// A job that adds jobs holds the queue; once run, the queue lets go of its jobs, so what they
    /// captured is freed (the loader's jobs captured every parsed file, 130 MB kept at 100k x 10).
    @Test func aQueueLetsGoOfItsJobs() {
        final class Payload: Sendable {}
        weak var weakPayload: Payload?
        var ran = 0
        do {
            let queue = JobQueue()
            let payload = Payload()
            weakPayload = payload
            let counter = Counter()
            queue.add { queue.add { _ = payload; counter.increment() }; counter.increment() }
            queue.run(workers: 2)
            ran = counter.value
        }
        #expect(ran == 2)
        #expect(weakPayload == nil)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
