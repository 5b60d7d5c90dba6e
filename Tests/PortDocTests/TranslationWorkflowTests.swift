import Foundation
import Testing

/// Fixture projects for `portdoc check` and `portdoc locales`, one per case: `Fixtures/check/<case>/`
/// overlays `Fixtures/check/base/` (plus the repository's Templates/), runs the commands in `steps`,
/// and compares the transcript with `expected.txt` (re-record with PORTDOC_RECORD=1).
@Suite("translation workflow fixtures")
struct TranslationWorkflowTests {
    static let casesRoot = fixturesRoot.appendingPathComponent("check")
    static let cases = ((try? FileManager.default.contentsOfDirectory(atPath: casesRoot.path)) ?? []).filter { $0 != "base" }.sorted()

    @Test func everyCaseTheIssueNamesHasAFixture() {
        for name in ["missing-translation", "stale", "placeholder-renamed", "port-number-changed", "url-changed",
                     "glossary-term-translated", "obsolete-key", "new-locale"] {
            #expect(Self.cases.contains(name), "missing fixture \(name)")
        }
    }

    @Test(arguments: cases) func fixture(_ name: String) throws {
        let dir = try Self.makeProject(overlay: name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let steps = try String(contentsOf: Self.casesRoot.appendingPathComponent("\(name)/steps"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var transcript = ""
        for step in steps {
            transcript += "$ \(step)\n"
            let words = step.split(separator: " ").map(String.init)
            switch words.first {
            case "show":
                transcript += try String(contentsOf: dir.appendingPathComponent(words[1]), encoding: .utf8)
            case "msgfmt":
                let r = try #require(try runTool("msgfmt", ["--check", "-o", "/dev/null", dir.appendingPathComponent(words[1]).path]), "msgfmt is not installed (make deps)")
                transcript += r.stderr.replacingOccurrences(of: dir.path + "/", with: "") + "[exit \(r.status)]\n"
            default:
                let r = try Self.portdoc(words, in: dir)
                transcript += r.stdout
                if !r.stderr.isEmpty { transcript += "stderr:\n" + r.stderr }
                transcript += "[exit \(r.status)]\n"
            }
        }
        let expectedURL = Self.casesRoot.appendingPathComponent("\(name)/expected.txt")
        if ProcessInfo.processInfo.environment["PORTDOC_RECORD"] == "1" {
            try transcript.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(transcript == expected, "transcript of \(name) differs; diff against \(expectedURL.path)")
    }

    static func makeProject(overlay name: String) throws -> URL {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("portdoc-check-\(name)-\(UUID().uuidString)")
        try fm.copyItem(at: casesRoot.appendingPathComponent("base"), to: dir)
        try fm.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: dir.appendingPathComponent("Templates"))
        let overlay = casesRoot.appendingPathComponent(name)
        for case let url as URL in fm.enumerator(at: overlay, includingPropertiesForKeys: [.isRegularFileKey])! {
            let relative = String(url.standardizedFileURL.path.dropFirst(overlay.standardizedFileURL.path.count + 1))
            guard relative.contains("/"), (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let target = dir.appendingPathComponent(relative)
            try? fm.removeItem(at: target)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: url, to: target)
        }
        return dir
    }

    /// Runs the built binary with a fixed SOURCE_DATE_EPOCH, so that `locales add` writes a known date.
    static func portdoc(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPortdoc(arguments, in: directory, environment: ["SOURCE_DATE_EPOCH": "1704153600", "COLUMNS": "100"])
    }
}
