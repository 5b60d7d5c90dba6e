import Foundation
import PortDocCore
import PortDocIO
import Testing

/// Runs the built `portdoc` binary, as users and CI do.
@Suite("portdoc command line", .serialized)
struct CLITests {
    static let binary = repoRoot.appendingPathComponent(".build/debug/portdoc")

    func portdoc(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPortdoc(arguments, in: directory)
    }

    /// A copy of the repository's inputs and Output/ in a temporary folder.
    /// Without `output`, only the inputs (as `portdoc serve` needs them).
    func copyProject(output: Bool = true) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["Catalog", "Locales", "Templates"] + (output ? ["Output"] : []) {
            try FileManager.default.copyItem(at: repoRoot.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        return dir
    }

    func snapshot(_ dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = dir.appendingPathComponent("Output")
        for case let url as URL in FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)! {
            if let data = FileManager.default.contents(atPath: url.path) { result[url.path] = data }
        }
        return result
    }

    @Test func lintReportsTheSeedSummary() throws {
        let r = try portdoc(["lint"], in: repoRoot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("6 sections, 6 tables, 31 rows, 24 distinct ports, 1 footnotes, 16 endpoints, 31 connections (33 edges)"))
        #expect(r.stdout.contains("locale en (Locales/en.po): 84/84 translated (100 %)"))
        #expect(r.stdout.contains("lint: 0 errors, 0 warnings"))
    }

    @Test func buildCheckNamesTheFilesThatDiffer() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try portdoc(["build", "--check"], in: dir).status == 0)
        let page = dir.appendingPathComponent("Output/markdown/en/eset-protect-ports.md")
        try "changed by hand\n".write(to: page, atomically: true, encoding: .utf8)
        try "stray\n".write(to: dir.appendingPathComponent("Output/extra.txt"), atomically: true, encoding: .utf8)
        let r = try portdoc(["build", "--check"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "Output/markdown/en/eset-protect-ports.md: differs from what a build produces\nOutput/extra.txt: not produced by a build\n")
        // A build repairs the tree; a second build changes nothing.
        #expect(try portdoc(["build"], in: dir).status == 0)
        #expect(try portdoc(["build", "--check"], in: dir).status == 0)
        let before = try snapshot(dir)
        #expect(try portdoc(["build"], in: dir).status == 0)
        #expect(try snapshot(dir) == before)
    }

    /// `-o /abs/path` writes there, not below the project root.
    @Test func anAbsoluteOutputFolderIsUsedAsItIs() throws {
        let dir = try copyProject()
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-abs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: target) }
        let r = try portdoc(["build", "--format", "markdown", "-o", target.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("markdown/en/eset-protect-ports.md").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(String(target.path.dropFirst())).path))
        #expect(r.stdout.contains("to \(target.path)/"), "\(r.stdout)")
    }

    @Test func aBrokenCatalogLeavesOutputUntouched() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try snapshot(dir)
        let catalog = dir.appendingPathComponent("Catalog/eset-protect-ports.yaml")
        var text = try String(contentsOf: catalog, encoding: .utf8)
        text = text.replacingOccurrences(of: "ports: [3128]", with: "ports: [31280000]")
        try text.write(to: catalog, atomically: true, encoding: .utf8)
        let r = try portdoc(["build"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Catalog/eset-protect-ports.yaml:63:21: error: port 31280000 is out of range; ports are 1 to 65535 [catalog.port-range]"), "\(r.stderr)")
        #expect(try snapshot(dir) == before)
    }

    @Test func validateFindsAnInvalidPage() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try portdoc(["validate", "Output"], in: dir).status == 0)
        let page = dir.appendingPathComponent("Output/html/en/index.html")
        let text = try String(contentsOf: page, encoding: .utf8).replacingOccurrences(of: "<h1>", with: "<h1><blink>x</blink>")
        try text.write(to: page, atomically: true, encoding: .utf8)
        let r = try portdoc(["validate", "Output"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Output/html/en/index.html:20:5: error: No declaration for element blink [xhtml.invalid]"), "\(r.stderr)")
        // Files as well as folders, shown as given; what validate cannot check is an error, not a pass.
        let one = try portdoc(["validate", "Output/html/en/index.html", "Output/html/de/diagram.svg"], in: dir)
        #expect(one.status == 1 && one.stdout.contains("validate: 2 files checked"), "\(one.stdout)\(one.stderr)")
        #expect(one.stderr.contains("Output/html/en/index.html:20:5: error: No declaration for element blink [xhtml.invalid]"), "\(one.stderr)")
        #expect(try portdoc(["validate", "Output/html/de/index.html"], in: dir).status == 0)
        let unknown = try portdoc(["validate", "Catalog/eset-protect-ports.yaml", "nowhere"], in: dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Catalog/eset-protect-ports.yaml:1:1: error: not a file portdoc validates"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("nowhere:1:1: error: no such file or folder [io.read]"), "\(unknown.stderr)")
    }

    /// Files are checked in parallel, largest first; the findings still come in the order of the
    /// files, and a file that cannot be read is reported and not counted.
    @Test func filesAreCheckedInParallelAndReportedInTheirOrder() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("Output")
        func file(_ path: String) -> (display: String, url: URL) { ("Output/\(path)", output.appendingPathComponent(path)) }
        let en = output.appendingPathComponent("html/en/index.html")
        try String(contentsOf: en, encoding: .utf8).replacingOccurrences(of: "<h1>", with: "<h1><blink>x</blink>").write(to: en, atomically: true, encoding: .utf8)
        try "# T\n\n| a | b |\n| --- | --- |\n| 1 |\n".write(to: output.appendingPathComponent("markdown/x.md"), atomically: true, encoding: .utf8)
        try Data([0x3C, 0xFF, 0x3E]).write(to: output.appendingPathComponent("html/bad.html"))
        let files = [file("markdown/x.md"), file("html/de/diagram.svg"), file("html/missing.html"), file("html/en/index.html"), file("html/bad.html"), file("html/de/index.html")]
        let validators = try Builder.validators(for: [.xhtml, .diagram])
        let (diagnostics, checked) = OutputValidation.checkFiles(files, validators: validators, mandoc: false)
        #expect(checked == 5)
        let paths = diagnostics.compactMap { $0.location?.path }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(paths == ["Output/markdown/x.md", "Output/html/missing.html", "Output/html/en/index.html", "Output/html/bad.html"], "\(diagnostics)")
        #expect(diagnostics.contains { $0.description == "Output/html/en/index.html:20:5: error: No declaration for element blink [xhtml.invalid]" })
    }

    @Test func badUsageExits64() throws {
        let r = try portdoc(["build", "--locale", "../x"], in: repoRoot)
        #expect(r.status == 64)
        #expect(r.stderr.contains("'../x' is not a BCP 47 language tag"))
    }

    @Test func checkPassesOnTheRepositoryAndItsLocaleFilesAreMerged() throws {
        let r = try portdoc(["check"], in: repoRoot)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("locale "), "no findings expected:\n\(r.stdout)")
        #expect(r.stdout.contains("en      Locales/en.po  84/84"))
        let dry = try portdoc(["locales", "update", "--dry-run"], in: repoRoot)
        #expect(dry.status == 0 && dry.stdout == "en: Locales/en.po is up to date (84 unchanged)\n", "\(dry.stdout)\(dry.stderr)")
    }

    /// The "done when": blanking one English msgstr fails `check` and names the key, file and line.
    @Test func aBlankedTranslationFailsCheckWithItsPosition() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let po = dir.appendingPathComponent("Locales/en.po")
        let text = try String(contentsOf: po, encoding: .utf8)
        let target = "msgstr \"Connection to the ESET repository\""
        let line = try #require(text.components(separatedBy: "\n").firstIndex(of: target)) + 1
        try text.replacingOccurrences(of: target, with: "msgstr \"\"").write(to: po, atomically: true, encoding: .utf8)
        let r = try portdoc(["check", "--list"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("Locales/en.po:\(line):1: warning: 'row.repository' is not translated [check.untranslated]"), "\(r.stdout)")
        #expect(r.stdout.contains("FAIL: completeness 98.8 % is below 100 %"), "\(r.stdout)")
        let json = try portdoc(["check", "--format", "json"], in: dir)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
    }

    /// The "done when": one edited German sentence, then `locales update`, marks exactly that
    /// entry fuzzy with its previous msgid, and `check` reports it.
    @Test func anEditedSourceSentenceBecomesExactlyOneFuzzyEntry() throws {
        let dir = try copyProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let de = dir.appendingPathComponent("Locales/de.yaml")
        let old = "row.repository: Verbindung zum ESET-Repository"
        let text = try String(contentsOf: de, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: "row.repository: Verbindung zum ESET-Repository über HTTPS").write(to: de, atomically: true, encoding: .utf8)
        let stale = try portdoc(["check", "--list"], in: dir)
        #expect(stale.status == 1 && stale.stdout.contains("'row.repository' was translated from an older source text"), "\(stale.stdout)")
        let before = try String(contentsOf: dir.appendingPathComponent("Locales/en.po"), encoding: .utf8)
        let update = try portdoc(["locales", "update"], in: dir)
        #expect(update.status == 0 && update.stdout == "en: updated Locales/en.po: 1 fuzzy (source changed), 83 unchanged\n  fuzzy, source changed: row.repository\n", "\(update.stdout)\(update.stderr)")
        let after = try String(contentsOf: dir.appendingPathComponent("Locales/en.po"), encoding: .utf8)
        let removed = Set(before.components(separatedBy: "\n")).subtracting(after.components(separatedBy: "\n"))
        let added = Set(after.components(separatedBy: "\n")).subtracting(before.components(separatedBy: "\n"))
        #expect(removed == ["msgid \"Verbindung zum ESET-Repository\""])
        #expect(added == ["#, fuzzy", "#| msgid \"Verbindung zum ESET-Repository\"", "msgid \"Verbindung zum ESET-Repository über HTTPS\""], "\(added)")
        let check = try portdoc(["check", "--list"], in: dir)
        #expect(check.status == 1 && check.stdout.contains("'row.repository' is marked fuzzy"), "\(check.stdout)")
        // A second update changes nothing, byte for byte.
        #expect(try portdoc(["locales", "update"], in: dir).stdout == "en: Locales/en.po is up to date (84 unchanged)\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("Locales/en.po"), encoding: .utf8) == after)
    }
}
