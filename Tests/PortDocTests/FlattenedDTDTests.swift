import Foundation
import PortDocCore
import Testing
@testable import XHTMLValidation

/// The flattened DTD in the user's cache must validate exactly as the DTD parsed from its files:
/// the same diagnostics on valid pages and on pages broken in every way a DTD can catch.
@Suite("flattened DTD cache", .serialized)
struct FlattenedDTDTests {
    /// Each page with one mutation at a time: the original, then each broken form.
    static func variants(of page: String, mutations: [(String, String)]) -> [String] {
        [page] + mutations.compactMap { old, new in
            guard let range = page.range(of: old) else { return nil }
            return page.replacingCharacters(in: range, with: new)
        }
    }

    static let xhtmlMutations: [(String, String)] = [
        ("<p>", "<p><div>block in inline</div>"),
        ("<table", "<table bogus=\"1\""),
        ("<table", "<table dir=\"sideways\""),
        ("<caption", "<blink>x</blink><caption"),
        ("<td>", "<td><td>"),
        ("<h1", "<h1 id=\"dup\"></h1><h2 id=\"dup\""),
        ("<head>", "<head><title>second</title>"),
        ("<img", "<img onload=\"x\""),
        ("lang=", "xml:space=\"wrong\" lang="),
        ("</body>", "<p><a href=\"#x\"><a href=\"#y\">nested</a></a></p></body>"),
        ("</tbody>", "<tr></tr></tbody>"),
        ("<thead>", ""),
        ("</body>", "<p><img src=\"x.png\"/></p></body>"),
        ("<html ", "<html xmlns:v=\"urn:x\" "),
        // Attributes and entities: a subset keeps only those the page names, and every #REQUIRED one.
        ("<html xmlns=\"http://www.w3.org/1999/xhtml\"", "<html xmlns = 'urn:wrong'"),
        ("</body>", "<p><bdo>no dir</bdo></p></body>"),
        ("</body>", "<p>&nbsp;&hellip;&bogus;</p></body>"),
        ("</body>", "<p><img src=\"x.png\" alt=\"\" ismap=\"no\"/></p></body>"),
        ("<a ", "<a shape=\"circle\" coords\n=\n\"1,2,3\" href=\"?a=b&amp;c=d\" rel=\"x=y\" "),
        ("</body>", "<p><span title=\"a=b\" dir=\"upward\">x</span></p></body>"),
        // What validating while parsing sees otherwise than a validation of the finished tree:
        // white space, comments and text in element-only content, references in attribute values.
        ("<tbody>", "<tbody> \n\t <!-- c --><?pi x?> "),
        ("<tbody>", "<tbody>text"),
        ("<table", "<table dir=\"&#108;tr\""),
        ("<table", "<table dir=\"ltr \""),
        ("<table", "<table id=\" spaced\""),
        ("<table", "<table id=\"a&amp;b\""),
        ("<html ", "<html xml:space=\"preserve\" "),
    ]

    static let svgMutations: [(String, String)] = [
        ("<g ", "<g bogus=\"1\" "),
        ("<title>", "<title><rect/>"),
        ("</svg>", "<foo/></svg>"),
        ("<text ", "<text text-anchor=\"sideways\" "),
        ("<polygon ", "<polygon><circle/></polygon><polygon "),
        ("</svg>", "<rect x=\"1\"/></svg>"),
        ("</svg>", "<!-- <ellipse> --><![CDATA[<line>]]></svg>"),
        ("<path ", "<path d=\"M0,0\" "),
        ("<svg ", "<svg zoomAndPan=\"sideways\" "),
        ("</svg>", "<image x=\"1\" y=\"1\"/></svg>"),
        ("<text ", "<text xml:space=\"wide\" "),
    ]

    /// Validates every variant against the DTD parsed from its files, against the cached
    /// declarations with one validator for all variants (whose subsets grow as new elements turn
    /// up, and replace each other), and with a new validator for each variant (a subset of just
    /// that page's elements).
    func compare(_ dtd: DTDIdentity, pages: [String], mutations: [(String, String)]) throws -> Int {
        let original = try DTDValidator(dtd: dtd, cached: false)
        _ = try DTDValidator(dtd: dtd)  // writes the cache if needed
        let path = try #require(DTDLocations.path(of: dtd))
        #expect(FlattenedDTD.isCurrent(dtd, path: path), "the cache was not written or not read back")
        let cached = try DTDValidator(dtd: dtd, maxConcurrency: 1)
        var broken = 0
        for page in pages {
            for variant in Self.variants(of: page, mutations: mutations) {
                let expected = original.validate(variant, path: "p")
                if !expected.isEmpty { broken += 1 }
                #expect(cached.validate(variant, path: "p") == expected)
                #expect(try DTDValidator(dtd: dtd).validate(variant, path: "p") == expected)
            }
        }
        return broken
    }

    @Test func pagesValidateAlikeAgainstTheFlatAndTheModularDTD() throws {
        let html = try FileManager.default.subpathsOfDirectory(atPath: repoRoot.appendingPathComponent("Output").path)
            .filter { $0.hasSuffix(".html") }.map { try String(contentsOf: repoRoot.appendingPathComponent("Output/\($0)"), encoding: .utf8) }
        let svg = try FileManager.default.subpathsOfDirectory(atPath: repoRoot.appendingPathComponent("Output").path)
            .filter { $0.hasSuffix(".svg") }.map { try String(contentsOf: repoRoot.appendingPathComponent("Output/\($0)"), encoding: .utf8) }
        try #require(html.count >= 3 && svg.count >= 2)
        // Every mutation that applies must make a page invalid, or it tests nothing.
        #expect(try compare(.xhtml1Strict, pages: html, mutations: Self.xhtmlMutations) >= html.count * 14)
        #expect(try compare(.svg11, pages: svg, mutations: Self.svgMutations) >= svg.count * 8)
    }

    /// In a cache folder of its own, so that validators made by other tests meanwhile neither
    /// read the stale files written here nor replace them under the test.
    @Test func aStaleCacheIsNotUsed() throws {
        let dtd = DTDIdentity.xhtml1Strict
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portdoc-flat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try #require(DTDLocations.path(of: dtd))
        #expect(!FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        #expect(FlattenedDTD.refresh(dtd, path: path, folder: folder))
        #expect(FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        let file = FlattenedDTD.cacheFile(dtd, in: folder)
        let good = try Data(contentsOf: file)
        var text = String(decoding: good, as: UTF8.self)
        // A file the DTD was read from has changed since (another size).
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("file ") })
        text = text.replacingOccurrences(of: String(line), with: String(line.dropLast()) + "9")
        try Data(text.utf8).write(to: file)
        #expect(!FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        // Another DTD path, another libxml2, a foreign file.
        try Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "source " + path, with: "source /elsewhere.dtd").utf8).write(to: file)
        #expect(!FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        try Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "libxml2 ", with: "libxml2 0").utf8).write(to: file)
        #expect(!FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        try Data("<!ELEMENT html ANY>\n".utf8).write(to: file)
        #expect(!FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
        // A stale cache is replaced by the next parse from the DTD's files (what a validator does).
        #expect(FlattenedDTD.refresh(dtd, path: path, folder: folder))
        #expect(FlattenedDTD.isCurrent(dtd, path: path, folder: folder))
    }
}
