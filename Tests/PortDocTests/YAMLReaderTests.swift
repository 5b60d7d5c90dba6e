import Foundation
@testable import PortDocCore
import Testing
import Yams

/// The catalog, source text and settings are read from libyaml's events into `YAMLTree`. These
/// tests hold it to what Yams composed before (same parser underneath): the same kinds, text,
/// positions and styles on random documents, and the same errors on broken ones.
@Suite("YAML reader")
struct YAMLReaderTests {
    /// A tree printed with each node's kind, position, style and text, aliases resolved.
    static func describe(_ tree: YAMLTree, _ node: YAMLNode, depth: Int = 0) -> String {
        let e = tree[node]
        let pad = String(repeating: " ", count: depth * 2)
        switch e.kind {
        case .scalar:
            return "\(pad)scalar \(e.line):\(e.column) \(e.plain ? "plain" : "quoted") \(tree.string(node)!.debugDescription)\n"
        case .sequence, .mapping:
            return "\(pad)\(e.kind) \(e.line):\(e.column)\n" + tree.children(node).map { describe(tree, $0, depth: depth + 1) }.joined()
        }
    }

    static func describe(_ node: Yams.Node, depth: Int = 0) -> String {
        let pad = String(repeating: " ", count: depth * 2)
        let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "?"
        switch node {
        case .scalar(let s):
            return "\(pad)scalar \(mark) \(s.style == .plain ? "plain" : "quoted") \(s.string.debugDescription)\n"
        case .sequence(let s):
            return "\(pad)sequence \(mark)\n" + s.map { describe($0, depth: depth + 1) }.joined()
        case .mapping(let m):
            return "\(pad)mapping \(mark)\n" + m.map { describe($0.key, depth: depth + 1) + describe($0.value, depth: depth + 1) }.joined()
        case .alias:
            return "\(pad)alias\n"
        }
    }

    /// A random YAML document in block and flow style, with quoting, Unicode, anchors and aliases.
    struct RandomDocument {
        var state: UInt64
        var anchors: [String] = []

        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }

        mutating func scalar() -> String {
            let words = ["port", "443", "true", "ÜberTCP", "日本語", "عربي", "a b", "x-y", "~", "null", "1.5", "-"]
            switch next(5) {
            case 0: return "\"" + words[next(words.count)].replacingOccurrences(of: "\"", with: "\\\"") + "\\t\\u00e9\""
            case 1: return "'" + words[next(words.count)] + "''s'"
            default:
                let w = words[next(words.count)]
                return ["~", "-", "null"].contains(w) || w.contains(" ") ? "'\(w)'" : w
            }
        }

        mutating func flow(_ depth: Int) -> String {
            if depth > 2 || next(3) == 0 {
                if !anchors.isEmpty, next(6) == 0 { return "*" + anchors[next(anchors.count)] }
                return scalar()
            }
            let name = next(5) == 0 ? "a\(state % 1000)" : nil
            let body = next(2) == 0
                ? "[" + (0..<next(4)).map { _ in flow(depth + 1) }.joined(separator: ", ") + "]"
                : "{" + (0..<next(4)).map { i in "k\(i): " + flow(depth + 1) }.joined(separator: ", ") + "}"
            // Registered once the collection is complete; an alias inside it would be undefined.
            if let name { anchors.append(name); return "&\(name) " + body }
            return body
        }

        mutating func block(_ depth: Int, indent: String) -> String {
            (0..<(1 + next(4))).map { i in
                let key = "key\(i)"
                if depth < 3, next(3) == 0 { return "\(indent)\(key):\n" + block(depth + 1, indent: indent + "  ") }
                if depth < 3, next(4) == 0 {
                    return "\(indent)\(key):\n" + (0..<(1 + next(3))).map { _ in "\(indent)  - " + flow(depth + 1) + "\n" }.joined()
                }
                if next(6) == 0 { return "\(indent)\(key): >\n\(indent)  folded \(scalar())\n\(indent)  text\n" }
                return "\(indent)\(key): \(flow(depth + 1))   # comment\n"
            }.joined()
        }
    }

    @Test func randomDocumentsReadAsYamsComposedThem() throws {
        var generator = RandomDocument(state: 0x5EED)
        for round in 0..<300 {
            generator.anchors = []
            let text = generator.block(0, indent: "")
            let yams = try #require(try? Yams.compose(yaml: text, .basic), "round \(round): Yams refused it:\n\(text)")
            guard case .success(let tree) = YAMLTree.read(text) else {
                Issue.record("round \(round): not read:\n\(text)")
                continue
            }
            #expect(Self.describe(tree, tree.root) == Self.describe(yams), "round \(round):\n\(text)")
        }
    }

    func diagnostics(_ text: String) -> [String] {
        var d = Diagnostics()
        _ = YAMLSource.compose(text, path: "y.yaml", diagnostics: &d)
        return lines(d.all)
    }

    @Test func errorsCarryTheirPositions() {
        #expect(diagnostics("") == ["y.yaml:1:1: error: the file is empty; expected a YAML mapping [yaml.empty]"])
        #expect(diagnostics("# only a comment\n") == ["y.yaml:1:1: error: the file is empty; expected a YAML mapping [yaml.empty]"])
        #expect(diagnostics("a: 1\n---\nb: 2\n") == ["y.yaml:2:1: error: YAML syntax error: but found another document (expected a single document in the stream at 1:1) [yaml.syntax]"])
        #expect(diagnostics("a: *nowhere\n") == ["y.yaml:1:4: error: YAML syntax error: found undefined alias [yaml.syntax]"])
        // An alias to a collection from inside itself is undefined there, so no tree has a cycle.
        #expect(diagnostics("a: &s [1, *s]\n") == ["y.yaml:1:11: error: YAML syntax error: found undefined alias [yaml.syntax]"])
        #expect(diagnostics("a: [1, 2\n").first?.hasPrefix("y.yaml:2:1: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)") == true)
        #expect(diagnostics("a: \u{7}\n").first?.hasPrefix("y.yaml:1:1: error: cannot read YAML: control characters are not allowed at byte 3") == true)
    }

    /// Debian's libyaml 0.2.5 has no nesting limit and scans deep nesting in quadratic time: the
    /// reader refuses more than 1,000 unclosed brackets before libyaml sees them, at the first one
    /// too many (its column in characters), counting brackets in quoted text and comments too.
    @Test func deepNestingIsRefusedBeforeLibyamlReadsIt() {
        let limit = YAMLTree.nestingLimit
        #expect(diagnostics("a: " + String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "\n") == [])
        #expect(diagnostics("é: " + String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1) + "\n")
            == ["y.yaml:1:\(limit + 4): error: YAML syntax error: the document nests deeper than libyaml's limit of 1000 levels (while parsing at 1:\(limit + 4)) [yaml.syntax]"])
        // Closed brackets do not add up; a quote or comment cannot hide unclosed ones.
        #expect(diagnostics(String(repeating: "- [[]]\n", count: 5_000)) == [])
        // (The anchor leaves the text to libyaml: the block reader reads brackets in quoted text and
        // comments as what they are, and the same text without the anchor is read without error.)
        let hidden = "a: \"" + String(repeating: "[", count: limit) + "\"\n# {\nb: [1]\n"
        #expect(diagnostics(hidden + "c: &x 1\n").first?.hasPrefix("y.yaml:2:3: error: YAML syntax error: the document nests deeper") == true)
        #expect(diagnostics(hidden) == [])
        // Refused by the count, not by libyaml after minutes of scanning: the message says why.
        let deep = diagnostics("a: " + String(repeating: "{", count: 200_000))
        #expect(deep.count == 1)
        #expect(deep.first?.hasPrefix("y.yaml:1:\(limit + 4): error: YAML syntax error: the document nests deeper") == true, "\(deep)")
    }

    @Test func duplicateKeysInSmallAndLargeMappings() {
        // Rows have a handful of keys (compared pairwise), the source text thousands (hashed).
        #expect(diagnostics("x: 1\nb: 2\nx: 3\nb: 4\n") == ["y.yaml:2:1: error: duplicate key 'b', 'x' in a mapping [yaml.duplicate-key]"])
        let many = (0..<50).map { "k\($0): v\n" }.joined() + "k7: again\n"
        #expect(diagnostics(many) == ["y.yaml:8:1: error: duplicate key 'k7' in a mapping [yaml.duplicate-key]"])
        // Equal text in different quoting is the same key, as it was for Yams' basic resolver.
        #expect(diagnostics("'a': 1\n\"a\": 2\n") == ["y.yaml:1:1: error: duplicate key 'a' in a mapping [yaml.duplicate-key]"])
        #expect(diagnostics("outer:\n  a: 1\nother:\n  a: 2\n") == [])
    }

    @Test func aliasesShareTheAnchoredNode() throws {
        guard case .success(let tree) = YAMLTree.read("a: &x {p: 1}\nb: *x\nc: &y s\nd: *y\n") else { Issue.record("not read"); return }
        let pairs = Array(tree.children(tree.root))
        #expect(pairs[1] == pairs[3])
        #expect(pairs[5] == pairs[7])
        #expect(tree.string(pairs[7]) == "s")
    }
}
