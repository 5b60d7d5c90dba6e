import Foundation
import PortDocCore
import PortDocIO
import Testing
import XHTMLValidation

/// Issue 12: a documentation set. `Fixtures/set` has three documents that share a sentence
/// (`row.repository`) and the interface strings, in German, English (complete) and French (just begun).
@Suite("documentation set")
struct SetTests {
    static let root = fixturesRoot.appendingPathComponent("set")

    static func build() throws -> (project: Project, files: [String: String], diagnostics: [Diagnostic]) {
        let (loaded, ld) = ProjectLoader(root: root, templates: repoRoot.appendingPathComponent("Templates")).load()
        let project = try #require(loaded, "\(lines(ld))")
        let (files, d) = try fullBuilder(project).build(locales: project.locales, formats: OutputFormat.allCases)
        return (project, Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) }), d)
    }

    @Test func theSetBuildsAHomePageAPortIndexPerLocaleAndEveryDocumentInEveryFormat() throws {
        let (project, files, d) = try Self.build()
        #expect(Diagnostics(d).errors.isEmpty, "\(lines(Diagnostics(d).errors))")
        #expect(project.documents.map(\.document.id) == ["bridge", "cloud", "onprem"])
        for locale in ["de", "en", "fr"] {
            for id in ["bridge", "cloud", "onprem"] {
                #expect(files["html/\(locale)/\(id)/index.html"] != nil)
                #expect(files["markdown/\(locale)/\(id).md"] != nil)
                #expect(files[(locale == "en" ? "man/" : "man/\(locale)/") + "man7/\(id)-ports.7"] != nil)
            }
            #expect(files["html/\(locale)/ports.html"] != nil && files["markdown/\(locale)/index.md"] != nil)
            #expect(files[(locale == "en" ? "man/" : "man/\(locale)/") + "man7/portdoc-ports.7"] != nil)
        }
        // The port index answers "which documents use 443, and why?" on one page.
        let ports = try #require(files["html/en/ports.html"])
        let row443 = ports.components(separatedBy: "\n").filter { $0.contains("#") && ($0.contains(">443<") || $0.contains("id=\"p443\"")) }
        #expect(row443.count == 2, "\(row443)")
        #expect(ports.contains("<th scope=\"row\" id=\"p80\" class=\"port\">80</th>"))
        // Sorted by port.
        let order = ["id=\"p80\"", "id=\"p443\"", "id=\"p1433\"", "id=\"p2222\"", "id=\"p3128\"", "id=\"p8883\""].map { ports.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        // Every page is valid, man pages lint clean.
        for (path, text) in files where path.hasPrefix("man/") {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-set-\(UUID().uuidString).7")
            try text.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(try Mandoc.lint(file: url, displayPath: path).isEmpty, "\(path)")
        }
        // Golden files: the home page, the port index, one document per format.
        let golden = ["html/index.html", "html/en/ports.html", "html/fr/ports.html", "markdown/en/index.md", "man/man7/portdoc-ports.7",
                      "html/fr/onprem/index.html", "markdown/fr/onprem.md", "man/fr/man7/onprem-ports.7"]
        try checkGoldenFiles(try golden.map { ($0, try #require(files[$0], "\($0) missing")) }, under: Self.root.appendingPathComponent("expected"))
    }

    /// Every link of the site (href and src in XHTML, link targets in Markdown) names a file the
    /// build wrote, and a fragment names an id on that page.
    @Test func everyLinkResolves() throws {
        let (_, files, _) = try Self.build()
        var checked = 0
        for (path, text) in files where path.hasSuffix(".html") || path.hasSuffix(".md") {
            let pattern = path.hasSuffix(".html") ? #"(?:href|src)="([^"]+)""# : #"\]\(([^)\s]+)\)"#
            let regex = try NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                // GFM link destinations may escape ASCII punctuation with a backslash (spec 6.3).
                let link = path.hasSuffix(".md") ? String(text[range]).replacingOccurrences(of: #"\\([!-/:-@\[-`{-~])"#, with: "$1", options: .regularExpression) : String(text[range])
                if link.contains("://") { continue }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                var target = path
                if !parts[0].isEmpty {
                    var dirs = path.split(separator: "/").dropLast().map(String.init)
                    for part in parts[0].split(separator: "/") {
                        if part == ".." { _ = dirs.popLast() } else { dirs.append(String(part)) }
                    }
                    target = dirs.joined(separator: "/")
                }
                let page = files[target]
                #expect(page != nil, "\(path): \(link) → \(target) is not in the site")
                if parts.count == 2, let page, target.hasSuffix(".html") || target.hasSuffix(".md") {
                    #expect(page.contains("id=\"\(parts[1])\""), "\(path): \(link) names no id on \(target)")
                }
                checked += 1
            }
        }
        #expect(checked > 150)
    }

    @Test func aSharedSentenceTranslatedOnceShowsInEveryDocument() throws {
        let (_, files, _) = try Self.build()
        for id in ["bridge", "cloud", "onprem"] {
            #expect(try #require(files["html/fr/\(id)/index.html"]).contains("<td class=\"description\">Connexion au référentiel ESET</td>"))
        }
        // And counts once per document on the home page, where French has 4 or 5 of 24.
        #expect(try #require(files["html/index.html"]).contains("(4/24)"))
    }

    @Test func twoDocumentsWithOneIdAreAnErrorAtBothPlaces() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-setclash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.root, to: dir)
        try edit(dir.appendingPathComponent("Catalog/cloud.yaml"), replacing: "  id: cloud", with: "  id: bridge")
        let (project, d) = ProjectLoader(root: dir, templates: repoRoot.appendingPathComponent("Templates")).load()
        #expect(project == nil)
        #expect(lines(d).contains("Catalog/cloud.yaml:1:1: error: document id 'bridge' is also the document id of Catalog/bridge.yaml [project.duplicate-document]"))
        #expect(lines(d).contains("Catalog/bridge.yaml:1:1: error: document id 'bridge' is also the document id of Catalog/cloud.yaml [project.duplicate-document]"))
    }

    @Test func layoutLinksAgreeWithPaths() {
        let set = OutputLayout(isSet: true), single = OutputLayout(isSet: false)
        #expect(single.page(document: "x", locale: "en") == "html/en/index.html")
        #expect(set.page(document: "x", locale: "en") == "html/en/x/index.html")
        #expect(OutputLayout.link(from: set.page(document: "x", locale: "en"), to: set.portIndex(locale: "en") + "#p443") == "../ports.html#p443")
        #expect(OutputLayout.link(from: set.page(document: "x", locale: "en"), to: set.page(document: "x", locale: "fr")) == "../../fr/x/index.html")
        #expect(OutputLayout.link(from: OutputLayout.home, to: OutputLayout.stylesheet) == "style.css")
        #expect(OutputLayout.link(from: set.markdown(document: "x", locale: "en"), to: set.diagram(document: "x", locale: "en")) == "../../html/en/x/diagram.svg")
        // The edges: the same folder, a file at the top, no target, deeper targets.
        #expect(OutputLayout.link(from: "html/en/index.html", to: "html/en/ports.html") == "ports.html")
        #expect(OutputLayout.link(from: "index.html", to: "html/en/a.html#x") == "html/en/a.html#x")
        #expect(OutputLayout.link(from: "html/en/a.html", to: "") == "../..")
        #expect(OutputLayout.link(from: "a/b/c.html", to: "a/x/y/z.html#f") == "../x/y/z.html#f")
        #expect(OutputLayout.link(from: "a/b/c.html", to: "a/b") == "../b")
    }
}

@Suite("documentation set: incremental writes")
struct SetIncrementalTests {
    /// Editing one document rewrites only its files and the index pages.
    @Test func editingOneDocumentRewritesOnlyItsFilesAndTheIndexes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-setinc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: SetTests.root, to: dir)
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("expected"))
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Templates"), to: dir.appendingPathComponent("Templates"))
        #expect(try runPortdoc(["build"], in: dir).status == 0)
        func mtimes() throws -> [String: Date] {
            var result: [String: Date] = [:]
            for path in OutputTree(directory: dir.appendingPathComponent("Output")).existingFiles() {
                result[path] = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("Output/\(path)").path)[.modificationDate] as? Date
            }
            return result
        }
        let before = try mtimes()
        usleep(20_000)
        try edit(dir.appendingPathComponent("Catalog/cloud.yaml"), replacing: "ports: [8883]", with: "ports: [8884]")
        let r = try runPortdoc(["build"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let after = try mtimes()
        let changed = Set(after.keys.filter { after[$0] != before[$0] })
        let cloud = ["de", "en", "fr"].flatMap { l in ["html/\(l)/cloud/index.html", "markdown/\(l)/cloud.md", (l == "en" ? "man/" : "man/\(l)/") + "man7/cloud-ports.7"] }
        let indexes = ["de", "en", "fr"].flatMap { l in ["html/\(l)/ports.html", "markdown/\(l)/index.md", (l == "en" ? "man/" : "man/\(l)/") + "man7/portdoc-ports.7"] }
        #expect(changed == Set(cloud + indexes), "\(changed.sorted())")
    }
}

@Suite("documentation set: generated")
struct SetGenerateTests {
    /// The issue's "done when": a generated set of three documents builds a valid site.
    @Test func aGeneratedSetOfThreeDocumentsBuildsAValidSite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-gen3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = try runPortdoc(["generate", "--documents", "3", "--roles", "4", "--rows", "10", "--locales", "en,fr",
                                "--templates", repoRoot.appendingPathComponent("Templates").path, dir.path], in: repoRoot)
        #expect(g.status == 0, "\(g.stderr)")
        let b = try runPortdoc(["build", "--project", dir.path], in: repoRoot)
        #expect(b.status == 0, "\(b.stderr)")
        let home = try String(contentsOf: dir.appendingPathComponent("Output/html/index.html"), encoding: .utf8)
        #expect(home.components(separatedBy: "<li id=\"synthetic-").count - 1 == 3)
        for locale in ["de", "en", "fr"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("Output/html/\(locale)/ports.html").path))
        }
        let v = try runPortdoc(["validate", dir.appendingPathComponent("Output").path], in: repoRoot)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        // Shared sentences: one source key serves all three documents.
        let source = try String(contentsOf: dir.appendingPathComponent("Locales/de.yaml"), encoding: .utf8)
        #expect(source.contains("row.shared.r0.0:"))
        for n in 1...3 {
            #expect(try String(contentsOf: dir.appendingPathComponent("Catalog/synthetic-\(n).yaml"), encoding: .utf8).contains("row.shared.r0.9"))
        }
    }
}
