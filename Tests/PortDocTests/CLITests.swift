import Foundation
import Testing

/// Runs the built `portdoc` binary, as users and CI do.
@Suite("portdoc command line", .serialized)
struct CLITests {
    static let binary = repoRoot.appendingPathComponent(".build/debug/portdoc")

    func portdoc(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = arguments
        p.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A copy of the repository's inputs and Output/ in a temporary folder.
    func copyProject() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["Catalog", "Locales", "Templates", "Output"] {
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
        #expect(r.stdout.contains("6 sections, 6 tables, 31 rows, 24 distinct ports"))
        #expect(r.stdout.contains("locale en (Locales/en.po): 61/61 translated (100 %)"))
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
        #expect(r.stderr.contains("Catalog/eset-protect-ports.yaml:56:21: error: port 31280000 is out of range; ports are 1 to 65535 [catalog.port-range]"), "\(r.stderr)")
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
    }

    @Test func badUsageExits64() throws {
        let r = try portdoc(["build", "--locale", "../x"], in: repoRoot)
        #expect(r.status == 64)
        #expect(r.stderr.contains("'../x' is not a BCP 47 language tag"))
    }
}
