import Foundation
import PortDocCore
import PortDocIO
import Testing
import XHTMLValidation

/// Issue 11: the network diagram drawn from the catalog's connections.
@Suite("network diagram")
struct DiagramTests {
    static func build(_ root: URL, locales: [String]? = nil) throws -> (project: Project, files: [String: String], diagnostics: [Diagnostic]) {
        let (loaded, ld) = ProjectLoader(root: root, templates: repoRoot.appendingPathComponent("Templates")).load()
        let project = try #require(loaded, "\(lines(ld))")
        let (files, d) = try fullBuilder(project).build(locales: locales ?? project.locales, formats: OutputFormat.allCases)
        return (project, Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) }), d)
    }

    /// The edges of a Graphviz SVG: their endpoints (from the edge's `<title>`, "a->b") and the
    /// lines of their labels.
    static func edges(_ svg: String) -> [(from: String, to: String, lines: [String])] {
        var result: [(String, String, [String])] = []
        for chunk in svg.components(separatedBy: "class=\"edge\"").dropFirst() {
            let body = chunk.components(separatedBy: "</g>")[0]
            guard let title = XMLText.contents(of: "<g>" + body.drop { $0 != "<" } + "</g>", element: "title")?.first else { continue }
            let ends = title.components(separatedBy: "->")
            let texts = XMLText.contents(of: "<g>" + body.drop { $0 != "<" } + "</g>", element: "text") ?? []
            result.append((ends[0], ends.count > 1 ? ends[1] : "", texts))
        }
        return result
    }

    @Test func everyPortOfEveryConnectedRowIsOnExactlyItsEdge() throws {
        let (project, files, d) = try Self.build(repoRoot)
        #expect(Diagnostics(d).errors.isEmpty, "\(lines(d))")
        for locale in ["de", "en"] {
            let svg = try #require(files["html/\(locale)/diagram.svg"])
            let edges = Self.edges(svg)
            let (doc, _) = Resolver.resolve(project, locale: locale)
            let document = try #require(doc)
            #expect(document.connections.count == 33)
            for connection in document.connections {
                let row = try #require(project.documents[0].row(withID: connection.row)?.row)
                // The label line names the row's protocol and every port of the row, in order.
                let numbers = row.ports.map(\.numberText)
                let matching = edges.filter { edge in
                    edge.lines.contains { line in line.hasPrefix(row.proto + " ") && numbers.allSatisfy { line.contains($0) } }
                }
                let ends = Set([connection.from, connection.to])
                #expect(matching.contains { Set([$0.from, $0.to]) == ends }, "\(connection.row): no edge \(ends) labelled \(row.proto) \(numbers)")
                // Nowhere else: no edge between other endpoints carries this exact line.
                let line = connection.portsText.plain
                for edge in edges where edge.lines.contains(where: { $0 == line || $0.hasPrefix(line + " [") }) {
                    let other = document.connections.filter { $0.portsText.plain == line }.contains { Set([$0.from, $0.to]) == Set([edge.from, edge.to]) }
                    #expect(other, "\(line) stands on \(edge.from)–\(edge.to), which no row with those ports connects")
                }
            }
            // Arrows only where the direction is known: as many arrowheads as directed edges, each on
            // a pair that a directed connection joins in that direction.
            let directedEnds = Set(document.connections.filter(\.directed).map { "\($0.from)->\($0.to)" })
            let merged = DiagramRenderer.mergedEdges(document)
            var arrows = 0, lines = 0
            for chunk in svg.components(separatedBy: "class=\"edge\"").dropFirst() {
                let body = chunk.components(separatedBy: "</g>")[0]
                let title = XMLText.contents(of: "<g>" + body.drop { $0 != "<" } + "</g>", element: "title")?.first ?? ""
                if body.contains("<polygon") {
                    arrows += 1
                    #expect(directedEnds.contains(title), "\(title) has an arrowhead")
                } else {
                    lines += 1
                }
            }
            #expect(arrows == merged.filter(\.directed).count && lines == merged.filter { !$0.directed }.count)
            // The footnote marker and the configurable ports are on their edges.
            #expect(edges.contains { $0.from == "device" && $0.to == "fcm" && $0.lines.contains { $0.hasSuffix("[1]") } })
            #expect(edges.contains { Set([$0.from, $0.to]) == ["agent", "server"] && $0.lines.contains { $0.contains("2222") && $0.contains(locale == "de" ? "konfigurierbar" : "configurable") } })
            #expect(edges.contains { Set([$0.from, $0.to]) == ["agent", "server"] && $0.lines.contains { $0.contains("2223") } })
        }
        // The same ports in all three formats: each connection's sentence is in the page, the
        // Markdown and the man page.
        let (doc, _) = Resolver.resolve(project, locale: "en")
        for connection in try #require(doc).connections {
            let sentence = connection.sentence.plain
            #expect(try #require(files["html/en/index.html"]).contains(XMLEscaper.text(sentence)), "\(sentence)")
            #expect(try #require(files["markdown/en/eset-protect-ports.md"]).contains(MarkdownEscaper.text(sentence)), "\(sentence)")
            #expect(try #require(files["man/man7/eset-protect-ports.7"]).contains(RoffEscaper.tableCell(sentence)), "\(sentence)")
        }
    }

    @Test func theSVGIsValidTitledInItsLanguageAndEmbeddedWhereTheTextAnnouncesIt() throws {
        let (_, files, _) = try Self.build(repoRoot)
        let svgValidator = try DTDValidator(dtd: .svg11)
        for locale in ["de", "en"] {
            let svg = try #require(files["html/\(locale)/diagram.svg"])
            #expect(svgValidator.validate(svg, path: "diagram.svg") == [])
            #expect(svg.contains("<svg xml:lang=\"\(locale)\""))
            #expect(svg.contains(locale == "de" ? "<title>Netzwerkdiagramm</title>" : "<title>Network diagram</title>"))
            #expect(svg.contains("<desc>"))
            #expect(!svg.contains("Generated by graphviz"))
            // xmllint agrees.
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-\(UUID().uuidString).svg")
            try svg.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            let xmllint = try #require(try runTool("xmllint", ["--valid", "--nonet", "--noout", url.path]), "xmllint is not installed (make deps)")
            #expect(xmllint.status == 0 && xmllint.stderr.isEmpty, "\(xmllint.stderr)")
            // Right after the paragraph that announces it.
            let page = try #require(files["html/\(locale)/index.html"])
            let announce = locale == "de" ? "(Pfeile symbolisieren den Netzwerkverkehr):</p>\n<div class=\"diagram\">" : "(arrows represent network traffic):</p>\n<div class=\"diagram\">"
            #expect(page.contains(announce))
            #expect(page.contains("<img src=\"diagram.svg\" alt=\""))
            #expect(try #require(files["markdown/\(locale)/eset-protect-ports.md"]).contains("](../../html/\(locale)/diagram.svg)"))
            #expect(try #require(files["man/\(locale == "en" ? "" : "de/")man7/eset-protect-ports.7"]).contains(locale == "de" ? ".SS \"Verbindungen\"" : ".SS \"Connections\""))
        }
    }

    /// Hostile labels (markup, quotes, a backslash and Graphviz's `\N`, right-to-left text, a long
    /// German compound) stay literal in the SVG and in every list; the mini fixture's goldens pin
    /// the bytes.
    @Test func hostileLabelsStayLiteral() throws {
        let (_, files, d) = try Self.build(fixturesRoot.appendingPathComponent("mini"))
        #expect(Diagnostics(d).errors.isEmpty, "\(lines(d))")
        let en = try #require(files["html/en/diagram.svg"])
        let texts = try #require(XMLText.contents(of: en, element: "text"))
        #expect(texts.contains("Client <\"&\"> computer"))
        #expect(texts.contains("Database & Co. \\ \\N"))
        #expect(texts.contains("שרת אינטרנט web server"))
        #expect(texts.contains("HTTPS 443 (configurable), 5228-5230 [1]"))
        let de = try #require(files["html/de/diagram.svg"])
        let deTexts = try #require(XMLText.contents(of: de, element: "text"))
        // A compound longer than a line stays whole; its node is wide enough for it.
        #expect(deTexts.contains("Donaudampfschifffahrtsgesellschaftskapitänsmützenhalter-Webserver"))
        #expect(try #require(files["html/en/index.html"]).contains("<li>Client &lt;\"&amp;\"&gt; computer → Database &amp; Co. \\ \\N: TCP 1433 (Microsoft SQL), 3306 (MySQL)</li>"))
    }

    /// Every label fits its box, measured with real fonts (Tests/Tools/label_fit.py): Latin and
    /// German compounds (the repository's diagrams, the mini fixture's 66-letter compound),
    /// Japanese and Arabic (the mini fixture's ja and ar).
    @Test func labelsFitTheirBoxesInEveryScript() throws {
        var svgs: [String: String] = [:]
        for root in [repoRoot, fixturesRoot.appendingPathComponent("mini")] {
            let (_, files, d) = try Self.build(root)
            #expect(Diagnostics(d).errors.isEmpty, "\(lines(d))")
            for (path, text) in files where path.hasSuffix("diagram.svg") { svgs[root.lastPathComponent + "-" + path] = text }
        }
        #expect(svgs.keys.contains("mini-html/ja/diagram.svg") && svgs.keys.contains("mini-html/ar/diagram.svg"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (name, text) in svgs {
            let url = dir.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
            try text.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        // Debian's Python, which has python3-pil (make deps); not a virtual environment's.
        let script = repoRoot.appendingPathComponent("Tests/Tools/label_fit.py").path
        let result = try #require(try runTool("env", ["-i", "/usr/bin/python3", script] + paths.sorted()))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 overflowing"), "\(result.stdout)")
    }

    @Test func connectionsAreCheckedWithPositions() {
        let base = miniCatalog.replacingOccurrences(of: "          - protocol: TCP", with: "          - id: web\n            protocol: TCP")
        func check(_ tail: String) -> [String] { parseCatalog(base + "\n" + tail).1 }
        let endpoints = "endpoints:\n  - {id: client, label: endpoint.client, section: main}\n  - {id: server, label: endpoint.server}\n"
        #expect(check(endpoints + "connections:\n  - {row: web, from: client, to: sever}\n") == [
            "c.yaml:33:34: error: unknown endpoint 'sever'; did you mean 'server'? [catalog.connection]",
            "c.yaml:31:10: error: endpoint 'server' is declared but no connection uses it [catalog.connection]",
        ])
        #expect(check(endpoints + "connections:\n  - {row: web, from: client, to: server}\n  - {row: web, between: [server, client]}\n") == [
            "c.yaml:34:11: error: row 'web' is referenced by two connections; the first is at 33:11 [catalog.connection]",
        ])
        #expect(check(endpoints + "connections:\n  - {row: nope, from: client, to: server}\n") == [
            "c.yaml:33:11: error: connection names row 'nope', which no row has as its id [catalog.connection]",
        ])
        #expect(check(endpoints + "connections:\n  - {row: web, from: client, to: server, between: [client, server]}\n") == [
            "c.yaml:33:5: error: a connection needs either 'from' and 'to' (a direction the row's text gives) or 'between' (none given) [catalog.connection]",
        ])
        #expect(check(endpoints) == ["c.yaml:29:1: error: 'endpoints' are declared but there are no 'connections' [catalog.connection]"])
        #expect(check("endpoints:\n  - {id: client, label: endpoint.client, section: mian}\nconnections:\n  - {row: web, between: [client, client]}\n").contains {
            $0.contains("a connection names an endpoint twice")
        })
    }

    /// Layouts are kept per DOT text and Graphviz: a hit needs the same text and the same `dot`,
    /// checked byte for byte, and the oldest go beyond the limit.
    @Test func layoutsAreKeptPerTextAndGraphviz() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layouts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = LayoutCache(folder: folder, identity: "/usr/bin/dot 1 2.3")
        #expect(cache.svg(for: "digraph { a }") == nil)
        cache.keep("<svg>a</svg>\n", for: "digraph { a }")
        #expect(cache.svg(for: "digraph { a }") == "<svg>a</svg>\n")
        #expect(cache.svg(for: "digraph { b }") == nil)
        #expect(LayoutCache(folder: folder, identity: "/usr/bin/dot 1 2.4").svg(for: "digraph { a }") == nil)
        // A file under the right name whose text differs (a hash collision, a damaged file) is no hit.
        let file = URL(fileURLWithPath: cache.file("digraph { a }"))
        let stored = try String(contentsOf: file, encoding: .utf8)
        try stored.replacingOccurrences(of: "digraph { a }", with: "digraph { c }").write(to: file, atomically: true, encoding: .utf8)
        #expect(cache.svg(for: "digraph { a }") == nil)
        try Data().write(to: file)
        #expect(cache.svg(for: "digraph { a }") == nil)
        // A Graphviz whose dot cannot run still serves what was kept, and fails on anything else.
        cache.keep("<svg>a</svg>\n", for: "digraph { a }")
        let graphviz = Graphviz(dot: URL(fileURLWithPath: "/nonexistent/dot"), pluginDirectory: folder, layouts: cache)
        #expect(try graphviz.svg("digraph { a }", path: "x.svg").get() == "<svg>a</svg>\n")
        #expect((try? graphviz.svg("digraph { b }", path: "x.svg").get()) == nil)
        // The next build lets go of files unused for maxAge, then of the least recently used
        // beyond the limit, but never of one it used or made itself.
        func age(_ text: String, days: Int) {
            var times = [timeval(tv_sec: time(nil) - days * 86_400, tv_usec: 0), timeval(tv_sec: time(nil) - days * 86_400, tv_usec: 0)]
            _ = utimes(cache.file(text), &times)
        }
        for n in 1...4 {
            cache.keep("<svg>\(n)</svg>", for: "digraph { \(n) }")
            age("digraph { \(n) }", days: 40 + n)
        }
        age("digraph { a }", days: 10)
        var next = LayoutCache(folder: folder, identity: "/usr/bin/dot 1 2.3")
        next.limit = 3
        #expect(next.svg(for: "digraph { 2 }") == "<svg>2</svg>")
        next.keep("<svg>5</svg>", for: "digraph { 5 }")
        func left() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") })
        }
        let name = { (text: String) in URL(fileURLWithPath: cache.file(text)).lastPathComponent }
        #expect(try left() == Set(["digraph { a }", "digraph { 2 }", "digraph { 5 }"].map(name)))
        var third = LayoutCache(folder: folder, identity: "/usr/bin/dot 1 2.3")
        third.limit = 1
        #expect(third.svg(for: "digraph { 2 }") != nil && third.svg(for: "digraph { 5 }") != nil)
        third.keep("<svg>6</svg>", for: "digraph { 6 }")
        #expect(try left() == Set(["digraph { 2 }", "digraph { 5 }", "digraph { 6 }"].map(name)))
    }
}

@Suite("row anchors")
struct RowAnchorTests {
    @Test func aRowAnchorThatClashesIsAnErrorAtTheRow() {
        let text = miniCatalog.replacingOccurrences(of: "          - protocol: TCP", with: "          - id: ports\n            protocol: TCP")
            .replacingOccurrences(of: "      - id: main-ports", with: "      - id: row-ports")
        #expect(parseCatalog(text).1 == ["c.yaml:20:17: error: the row's anchor 'row-ports' is also the id of a section, table or row; choose another id [catalog.duplicate-id]"])
    }
}
