import Foundation
import Testing

/// The bad-input corpus: `Fixtures/bad/<case>/` overlays a built copy of `Fixtures/check/base/`,
/// runs the commands in `steps` and compares the transcript with `expected.txt` (exact diagnostics
/// with `path:line:col`; re-record with PORTDOC_RECORD=1). Whatever happens, Catalog/, Locales/,
/// Templates/ and the previously built Output/ must be unchanged, byte for byte.
/// Inputs too large or too deep to commit are generated here (see `generated`).
@Suite("bad-input corpus")
struct BadInputTests {
    static let casesRoot = fixturesRoot.appendingPathComponent("bad")
    static let cases = ((try? FileManager.default.contentsOfDirectory(atPath: casesRoot.path)) ?? []).sorted()

    /// Files generated at test time, by case.
    static func generated(_ name: String, base: URL) throws -> [String: Data] {
        let de = try String(contentsOf: base.appendingPathComponent("Locales/de.yaml"), encoding: .utf8)
        let catalog = try String(contentsOf: base.appendingPathComponent("Catalog/demo.yaml"), encoding: .utf8)
        switch name {
        case "huge-string":
            // One 10 MB sentence.
            return ["Locales/de.yaml": Data(de.replacingOccurrences(of: "row.agent: Kommunikation mit dem Example Connector",
                                                                      with: "row.agent: " + String(repeating: "Port ", count: 2_000_000)).utf8)]
        case "huge-file":
            return ["Locales/de.yaml": Data((de + "# " + String(repeating: "x", count: 33 << 20) + "\n").utf8)]
        case "deeply-nested-yaml":
            return ["Catalog/demo.yaml": Data(("document: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n").utf8)]
        case "yaml-alias-bomb":
            // Valid rows nested 100 × 100 × 100 through aliases: only the node limit stops the walk.
            func list(_ first: String, _ alias: String) -> String { "[" + ([first] + Array(repeating: alias, count: 99)).joined(separator: ", ") + "]" }
            let rows = list("&r {protocol: TCP, transport: tcp, ports: [443], description: row.agent}", "*r")
            let tables = list("&t {id: t, rows: \(rows)}", "*t")
            let sections = list("&s {id: s, heading: section.server, tables: \(tables)}", "*s")
            let head = catalog[..<(catalog.range(of: "sections:")?.lowerBound ?? catalog.endIndex)]
            return ["Catalog/demo.yaml": Data((head + "sections: \(sections)\n").utf8)]
        default:
            return [:]
        }
    }

    @Test func everyClassOfTheIssueHasAFixture() {
        for name in ["yaml-syntax-error", "yaml-wrong-type", "yaml-unknown-key", "yaml-duplicate-key", "port-bad-range", "port-zero",
                     "port-negative", "port-huge", "port-duplicate", "missing-message-key", "undefined-footnote", "po-syntax-error",
                     "po-unterminated-string", "po-duplicate-msgctxt", "invalid-utf8", "bom-and-crlf-accepted", "empty-catalog",
                     "empty-po", "empty-source", "huge-string", "deeply-nested-yaml", "yaml-alias-bomb", "locale-tags",
                     "locale-tag-nul-in-thresholds", "control-character-in-po", "template-syntax-error", "template-unknown-variable", "template-invalid-xhtml"] {
            #expect(Self.cases.contains(name), "missing fixture \(name)")
        }
    }

    @Test(arguments: cases) func badInput(_ name: String) throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("portdoc-bad-\(name)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        try fm.copyItem(at: TranslationWorkflowTests.casesRoot.appendingPathComponent("base"), to: dir)
        try fm.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: dir.appendingPathComponent("Templates"))
        let first = try TranslationWorkflowTests.portdoc(["build"], in: dir)
        try #require(first.status == 0, "the base project must build: \(first.stderr)")

        // Overlay the case.
        let overlay = Self.casesRoot.appendingPathComponent(name)
        var files: [String: Data] = try Self.generated(name, base: dir)
        for case let url as URL in fm.enumerator(at: overlay, includingPropertiesForKeys: [.isRegularFileKey])! {
            let relative = String(url.standardizedFileURL.path.dropFirst(overlay.standardizedFileURL.path.count + 1))
            guard relative.contains("/"), try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            files[relative] = try Data(contentsOf: url)
        }
        for (relative, data) in files {
            let target = dir.appendingPathComponent(relative)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        let before = try Self.snapshot(dir)

        var transcript = ""
        let steps = try String(contentsOf: overlay.appendingPathComponent("steps"), encoding: .utf8).split(separator: "\n")
        for step in steps {
            let started = Date()
            let r = try TranslationWorkflowTests.portdoc(step.split(separator: " ").map(String.init), in: dir)
            #expect(Date().timeIntervalSince(started) < 10, "\(name): '\(step)' took too long")
            transcript += "$ \(step)\n" + r.stdout + (r.stderr.isEmpty ? "" : "stderr:\n" + r.stderr) + "[exit \(r.status)]\n"
            #expect(r.status != 0 || name.hasSuffix("-accepted"), "\(name): '\(step)' should fail")
            #expect(![Int32(4), 6, 9, 11, 132, 133, 134, 136, 139].contains(r.status), "\(name): crashed")
        }
        #expect(try Self.snapshot(dir) == before, "\(name): an input file or Output/ changed")

        let expectedURL = overlay.appendingPathComponent("expected.txt")
        if ProcessInfo.processInfo.environment["PORTDOC_RECORD"] == "1" {
            try transcript.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        #expect(transcript == (try String(contentsOf: expectedURL, encoding: .utf8)), "transcript of \(name) differs from \(expectedURL.path)")
    }

    /// Every file of the project (inputs and Output/), by relative path.
    static func snapshot(_ dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = dir.standardizedFileURL.path + "/"
        for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])! {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true, url.lastPathComponent != ".Output.stamp" else { continue }
            result[String(url.standardizedFileURL.path.dropFirst(base.count))] = try Data(contentsOf: url)
        }
        return result
    }
}
