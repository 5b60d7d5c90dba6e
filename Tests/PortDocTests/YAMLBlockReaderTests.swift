import Foundation
@testable import PortDocCore
import Testing

/// `YAMLBlockReader` reads the block style without libyaml. Whatever it reads must be exactly
/// libyaml's tree (kinds, text, positions, styles); whatever it cannot read it must decline, so
/// that libyaml reads it and reports its errors. Held to libyaml on the repository's and the
/// generator's files, on random documents of the style it reads, and on mutations of those.
@Suite("YAML block reader")
struct YAMLBlockReaderTests {
    /// The block reader's tree, or nil when it declines.
    static func blockTree(_ text: String) -> YAMLTree? {
        var text = text
        return text.withUTF8 { YAMLBlockReader.read($0) }
    }

    /// Fails unless libyaml reads `text` into the tree the block reader gave; true when the block
    /// reader read it.
    @discardableResult
    static func agrees(_ text: String, _ comment: String) -> Bool {
        guard let tree = blockTree(text) else { return false }
        switch YAMLTree.readWithLibyaml(text) {
        case .success(let libyaml):
            let mine = YAMLReaderTests.describe(tree, tree.root), theirs = YAMLReaderTests.describe(libyaml, libyaml.root)
            #expect(mine == theirs, "\(comment): the block reader's tree differs from libyaml's for:\n\(text)")
        case .failure(let failure):
            Issue.record("\(comment): the block reader read a text libyaml refuses (\(failure)):\n\(text)")
        }
        return true
    }

    @Test func readsTheGeneratedFilesAsLibyamlDoes() {
        // The generated catalogs and source texts are the large files the block reader exists for:
        // it must read them (were it to decline, every large build would silently pay libyaml).
        for shape in [SyntheticProject.Shape(roles: 3, rowsPerRole: 12, locales: ["en"]),
                      SyntheticProject.Shape(roles: 2, rowsPerRole: 5, locales: ["en", "ar"], documents: 3)] {
            for (path, contents) in SyntheticProject.files(shape) where path.hasSuffix(".yaml") {
                #expect(Self.agrees(contents, path), "\(path) was left to libyaml")
            }
        }
    }

    @Test func agreesWithLibyamlOnTheRepositorysFiles() throws {
        var files: [URL] = []
        for folder in ["Catalog", "Locales", "Tests/PortDocTests/Fixtures"] {
            let root = repoRoot.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if url.pathExtension == "yaml" { files.append(url) }
            }
        }
        #expect(files.count > 20)
        var read = 0
        for url in files {
            let text = TextNormalization.stripBOM(String(decoding: try Data(contentsOf: url), as: UTF8.self))
            if Self.agrees(text, url.path) { read += 1 }
        }
        // The seed's catalog is block style throughout (its source text folds lines with `>-`).
        #expect(Self.blockTree(try String(contentsOf: repoRoot.appendingPathComponent("Catalog/eset-protect-ports.yaml"), encoding: .utf8)) != nil)
        #expect(read >= 10, "only \(read) of \(files.count) files read by the block reader")
    }

    /// Random documents in the style the block reader reads, with the corners of that style.
    struct Generator {
        var state: UInt64

        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }

        mutating func pick(_ items: [String]) -> String { items[next(items.count)] }

        mutating func plain() -> String {
            pick(["port", "443", "-1", "true", "Über TCP", "日本語 テキスト", "عربي", "a#b", "https://x.example/a?b=1", "x-y", "~", "null",
                  "a:b", "1.5", "v  w", "(note)", "a'b", "a\"b", "a\\b", "é", "😀", "a,b", "[x]y", "50%"])
        }

        mutating func quoted() -> String {
            pick(["\"\"", "''", "\"a b\"", "'it''s'", "\"tab\\there\"", "\"\\u00e9\\x41\\U0001F600\"", "\"quote \\\" and \\\\\"",
                  "\"\\/\\0\\a\\b\\e\\f\\v\\r\\n\\N\\_\\L\\P\\ \"", "'# not a comment'", "\": colon\"", "'- dash'", "\"日本\""])
        }

        mutating func flowScalar() -> String {
            pick(["port", "443", "-2", "Microsoft SQL", "a b", "é", "\"q, r\"", "'s: t'", "x-y", "https//x"])
        }

        mutating func flow(_ depth: Int) -> String {
            if depth > 2 || next(3) == 0 { return flowScalar() }
            let spaces = next(3) == 0 ? " " : ""
            if next(2) == 0 {
                return "[" + spaces + (0..<next(4)).map { _ in flow(depth + 1) }.joined(separator: pick([", ", " , ", ","])) + spaces + "]"
            }
            return "{" + spaces + (0..<next(4)).map { i in pick(["k\(i)", "\"k\(i)\"", "key \(i)"]) + pick([": ", ":  "]) + flow(depth + 1) }
                .joined(separator: ", ") + spaces + "}"
        }

        mutating func value(_ depth: Int) -> String {
            switch next(6) {
            case 0: return quoted()
            case 1: return flow(depth)
            default: return plain()
            }
        }

        mutating func comment() -> String { next(4) == 0 ? pick(["  # note", " #", " # a: b", " #- x"]) : "" }

        /// A block node whose first line the caller has begun (after a `- ` or its own indentation);
        /// its further lines at `indent`.
        mutating func block(_ depth: Int, indent: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            if depth > 3 || next(4) == 0 { return value(depth) + comment() + "\n" }
            if next(3) == 0 {
                // A sequence: its items scalars, flows, compact mappings or nested sequences.
                return (0..<(1 + next(3))).map { i in
                    let item: String
                    switch next(4) {
                    case 0: item = mapping(depth + 1, indent: indent + 2)
                    case 1: item = block(depth + 1, indent: indent + 2)
                    default: item = value(depth) + comment() + "\n"
                    }
                    return (i == 0 ? "" : pad) + "- " + item
                }.joined()
            }
            return mapping(depth, indent: indent)
        }

        /// A mapping whose first key the caller has indented; its further keys at `indent`.
        mutating func mapping(_ depth: Int, indent: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            let inner = String(repeating: " ", count: indent + 2)
            var keys = ["id", "ports", "name", "ü-key", "\"quoted key\"", "'single'", "a b", "row.r0.1", "x"]
            return (0..<(1 + next(4))).map { i in
                let key = (i == 0 ? "" : pad) + keys.remove(at: next(keys.count)) + ":"
                let blank = next(8) == 0 ? "\n" + pad + "  # comment\n" : ""
                switch depth < 3 ? next(5) : 0 {
                case 0, 1:
                    return key + pick([" ", "   "]) + value(depth) + comment() + "\n" + blank
                case 2:
                    return key + comment() + "\n" + blank + inner + block(depth + 1, indent: indent + 2)
                case 3:
                    // An indentless sequence.
                    return key + "\n" + (0..<(1 + next(3))).map { _ in pad + "- " + value(depth) + comment() + "\n" }.joined()
                default:
                    return key + "\n" + inner + mapping(depth + 1, indent: indent + 2)
                }
            }.joined()
        }

        mutating func document() -> String {
            let header = next(3) == 0 ? "# a comment\n\n" : ""
            return header + mapping(0, indent: 0)
        }
    }

    @Test func randomDocumentsReadAsLibyamlReadsThem() {
        var generator = Generator(state: 0xB10C)
        var read = 0
        let rounds = 1_500
        for round in 0..<rounds {
            if Self.agrees(generator.document(), "round \(round)") { read += 1 }
        }
        // Most of them are in the block reader's style: it must read them, not decline them all.
        #expect(read > rounds / 2, "the block reader read \(read) of \(rounds) random documents")
    }

    /// Mutations of random documents, mostly broken or outside the style: whatever the block
    /// reader still reads must be libyaml's tree; the rest is libyaml's to read or refuse.
    @Test func mutatedDocumentsAreReadAsLibyamlReadsThemOrDeclined() {
        var generator = Generator(state: 0x5EED)
        let edits = [":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "#", " #", "'", "\"", "\\", "\\u", "[", "]", "{", "}", ",", ", ",
                     "&a ", "*a", "!t ", "|", ">-", "---\n", "...\n", "%YAML 1.1\n", "\t", "\r", "? ", "\u{2028}", "\u{85}", "\u{FEFF}",
                     "é", "''", "-1", "x: y", "a: b\n", "\u{7}", "@", "`", "k:", "\n- x\n"]
        var read = 0
        for round in 0..<4_000 {
            var bytes = Array(generator.document().utf8)
            for _ in 0..<(1 + generator.next(3)) {
                let at = generator.next(bytes.count + 1)
                if generator.next(4) == 0, at < bytes.count {
                    bytes.removeSubrange(at..<min(bytes.count, at + 1 + generator.next(4)))
                } else {
                    bytes.insert(contentsOf: Array(edits[generator.next(edits.count)].utf8), at: at)
                }
            }
            // Deleting inside a multi-byte character repairs it to U+FFFD, as reading a file would.
            if Self.agrees(String(decoding: bytes, as: UTF8.self), "mutation \(round)") { read += 1 }
        }
        #expect(read > 200, "the block reader read only \(read) mutated documents")
    }

    /// Columns are counted on along a line from token to token: a long line of many tokens, with
    /// characters of several bytes among them, keeps libyaml's columns.
    @Test func aLongLineOfManyTokensKeepsLibyamlsColumns() {
        let items = (0..<20_000).map { $0 % 3 == 0 ? "é\($0)" : $0 % 3 == 1 ? "\"日本\($0)\"" : "{k: x\($0)}" }
        #expect(Self.agrees("ports: [" + items.joined(separator: ", ") + "]\nnext: é\n", "long line"))
    }

    @Test func declinesWhatLibyamlReadsDifferentlyOrRefuses() {
        let declined = [
            "", "# only a comment\n", "a:\n", "a: |\n  x\n", "a: >-\n  x\n", "a: &x 1\nb: *x\n", "a: !t 1\n", "---\na: 1\n", "%YAML 1.1\n---\na: 1\n",
            "a: b\n  c\n", "a: [1,\n  2]\n", "a: \"x\n  y\"\n", "a: 1\na: 2\n", "a: b: c\n", "a:\t1\n", "a: 1\r\n", "? a\n: b\n",
            "a: [1, ]\n", "a: {b}\n", "a: [k: v]\n", "- \n- a\n", "a: \"\\q\"\n", "a: \"\\uD800\"\n", "a: x\u{2028}y\n",
            "a: 1\n b: 2\n", "  a: 1\nb: 2\n", "a: [b]c\n", "a: \"b\"c\n", "a: \"b\"#c\n", "@a: 1\n", "a: {b: c: d}\n",
            String(repeating: "k", count: 1_001) + ": v\n",
        ]
        for text in declined {
            #expect(Self.blockTree(text) == nil, "read instead of declined: \(text.debugDescription)")
        }
    }
}
