import CLibYAML

/// A YAML document read from libyaml's events into flat arrays: one entry per node with its
/// position, scalars' text in one array, the children of every collection in another. No object
/// per node, no tag; aliases point at the node their anchor names (so a walk over an alias bomb
/// revisits shared entries and `YAMLWalker`'s node limit stops it).
///
/// The parser is libyaml (Debian's libyaml-dev, module `CLibYAML`), so syntax errors and their
/// positions are libyaml's own. Its 0.2.5 release has no nesting limit, and its scanner takes
/// time quadratic in the depth (100,000 nested `[` took 44 s): `nestingLimit` refuses such a
/// document before libyaml reads it.
struct YAMLTree {
    enum Kind: UInt8 { case scalar, sequence, mapping }

    struct Entry {
        var kind: Kind
        /// A plain (unquoted) scalar; `true` only means a boolean when it is plain.
        var plain: Bool
        var line: Int32
        var column: Int32
        /// Scalar: index into `strings`. Collection: index of its first child in `children`.
        var first: Int32
        /// Collection: number of children (a mapping has two per pair: key, value).
        var count: Int32
    }

    private(set) var entries: [Entry] = []
    private(set) var strings: [String] = []
    private(set) var children: [Int32] = []
    private(set) var root = YAMLNode(index: 0)

    subscript(node: YAMLNode) -> Entry { entries[Int(node.index)] }

    func string(_ node: YAMLNode) -> String? {
        let e = self[node]
        return e.kind == .scalar ? strings[Int(e.first)] : nil
    }

    /// The items of a sequence, or the keys and values (alternating) of a mapping.
    func children(_ node: YAMLNode) -> YAMLNodeList {
        let e = self[node]
        guard e.kind != .scalar else { return YAMLNodeList(indices: []) }
        return YAMLNodeList(indices: children[Int(e.first)..<Int(e.first + e.count)])
    }

    /// Why a text could not be read as YAML.
    enum Failure: Error {
        case empty
        case syntax(problem: String, line: Int, column: Int, context: (text: String, line: Int, column: Int)?)
        case reader(problem: String, offset: Int)
        case duplicateKeys([String], line: Int, column: Int)
        case memory
    }

    /// Reads the single document of `text` (without a byte-order mark): with `YAMLBlockReader`
    /// when the text keeps to the plain block style it reads (catalogs and source texts as
    /// `portdoc` writes them), which gives the tree libyaml gives for such text; with libyaml for
    /// everything else, and for every error, so that every diagnostic is libyaml's.
    static func read(_ text: String) -> Result<YAMLTree, Failure> {
        var text = text
        return text.withUTF8 { bytes in
            if let tree = YAMLBlockReader.read(bytes) { return .success(tree) }
            return readWithLibyaml(bytes)
        }
    }

    /// Reads `text` with libyaml alone (and the tests, to hold the block reader to it).
    static func readWithLibyaml(_ text: String) -> Result<YAMLTree, Failure> {
        var text = text
        return text.withUTF8 { readWithLibyaml($0) }
    }

    private static func readWithLibyaml(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<YAMLTree, Failure> {
        var builder = Builder()
        return builder.run(bytes).map { builder.tree }
    }

    init() {}

    /// A tree read by another reader (`YAMLBlockReader`).
    init(entries: [Entry], strings: [String], children: [Int32], root: YAMLNode) {
        self.entries = entries
        self.strings = strings
        self.children = children
        self.root = root
    }

    /// The depth of flow collections libyaml's own releases after 0.2.5 stop at.
    static let nestingLimit = 1000

    /// The position (line, column in characters) of the first `[` or `{` that opens more than
    /// `nestingLimit` brackets not yet closed, or nil. Every bracket counts, in quoted text and
    /// comments too: the count can only be too high, never too low, so no quote or comment can
    /// hide a deep nesting from it; a document is refused only when it holds more than 1,000
    /// unclosed brackets. Block collections need indentation for each level, so the 32 MB input
    /// limit keeps them shallow enough.
    static func deeperThanLimit(_ bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int)? {
        var depth = 0, line = 1, lineStart = 0
        for i in bytes.indices {
            switch bytes[i] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > nestingLimit {
                    return (line, UTF8Bytes.scalarCount(bytes[lineStart..<i]) + 1)
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth > 0 { depth -= 1 }
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = i + 1
            default:
                break
            }
        }
        return nil
    }

    private struct Builder {
        var tree = YAMLTree()
        /// Children of the collections still open, innermost last; `open` holds where each begins.
        var pending: [Int32] = []
        var open: [(entry: Int32, start: Int, anchor: String?)] = []
        var anchors: [String: Int32] = [:]

        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Void, Failure> {
            if let (line, column) = YAMLTree.deeperThanLimit(bytes) {
                return .failure(.syntax(problem: "Maximum nesting level reached", line: line, column: column, context: ("while parsing", line, column)))
            }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return .failure(.memory) }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var event = yaml_event_t()
            var documents = 0
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.failure(parser)) }
                defer { yaml_event_delete(&event) }
                let line = Int32(clamping: event.start_mark.line + 1), column = Int32(clamping: event.start_mark.column + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return documents == 0 ? .failure(.empty) : .success(())
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 {
                        return .failure(.syntax(problem: "but found another document", line: Int(line), column: Int(column),
                                                context: ("expected a single document in the stream", 1, 1)))
                    }
                case YAML_SCALAR_EVENT:
                    let s = event.data.scalar
                    let string = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                    tree.strings.append(string)
                    let index = add(Entry(kind: .scalar, plain: s.style == YAML_PLAIN_SCALAR_STYLE, line: line, column: column,
                                          first: Int32(tree.strings.count - 1), count: 0), anchor: s.anchor)
                    place(index)
                case YAML_ALIAS_EVENT:
                    let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                    guard let target = anchors[name] else {
                        return .failure(.syntax(problem: "found undefined alias", line: Int(line), column: Int(column), context: nil))
                    }
                    place(target)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    let index = add(Entry(kind: isMapping ? .mapping : .sequence, plain: false, line: line, column: column, first: 0, count: 0), anchor: nil)
                    place(index)
                    // The anchor is registered at the end, as Yams did: an alias to a collection
                    // from inside itself is an undefined alias, so no tree is cyclic.
                    open.append((index, pending.count, anchor.map { String(cString: $0) }))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let (entry, start, anchor) = open.removeLast()
                    let first = Int32(tree.children.count)
                    tree.children.append(contentsOf: pending[start...])
                    pending.removeSubrange(start...)
                    tree.entries[Int(entry)].first = first
                    tree.entries[Int(entry)].count = Int32(tree.children.count) - first
                    if event.type == YAML_MAPPING_END_EVENT, let failure = duplicateKeys(in: YAMLNode(index: entry)) {
                        return .failure(failure)
                    }
                    if let anchor { anchors[anchor] = entry }
                default:
                    break
                }
            }
        }

        /// A node is the document's root, or the next child of the innermost open collection.
        mutating func place(_ index: Int32) {
            if open.isEmpty { tree.root = YAMLNode(index: index) } else { pending.append(index) }
        }

        mutating func add(_ entry: Entry, anchor: UnsafeMutablePointer<yaml_char_t>?) -> Int32 {
            tree.entries.append(entry)
            let index = Int32(tree.entries.count - 1)
            if let anchor { anchors[String(cString: anchor)] = index }
            return index
        }

        /// Yams refused a mapping with two equal scalar keys; so does this reader: the keys in
        /// sorted order, at the first one's position.
        func duplicateKeys(in mapping: YAMLNode) -> Failure? {
            let pairs = tree.children(mapping)
            let keys = stride(from: pairs.startIndex, to: pairs.endIndex, by: 2)
            var duplicates: [String: YAMLNode] = [:]
            if pairs.count <= 16 {
                // Small mappings (every row): compare pairwise, no hashing.
                for i in keys {
                    guard let a = tree.string(pairs[i]), duplicates[a] == nil else { continue }
                    for j in stride(from: i + 2, to: pairs.endIndex, by: 2) where tree.string(pairs[j]) == a {
                        duplicates[a] = pairs[i]
                        break
                    }
                }
            } else {
                var seen: [String: YAMLNode] = [:]
                for i in keys {
                    guard let s = tree.string(pairs[i]) else { continue }
                    if let first = seen[s] { if duplicates[s] == nil { duplicates[s] = first } } else { seen[s] = pairs[i] }
                }
            }
            guard let name = duplicates.keys.min(), let first = duplicates[name] else { return nil }
            let e = tree[first]
            return .duplicateKeys(duplicates.keys.sorted(), line: Int(e.line), column: Int(e.column))
        }

        static func failure(_ parser: yaml_parser_t) -> Failure {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            switch parser.error {
            case YAML_READER_ERROR:
                return .reader(problem: problem, offset: parser.problem_offset)
            case YAML_MEMORY_ERROR:
                return .memory
            default:
                let context = parser.context.map { (String(cString: $0), parser.context_mark.line + 1, parser.context_mark.column + 1) }
                return .syntax(problem: problem, line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1, context: context)
            }
        }
    }
}

/// A node of a `YAMLTree`: an index, read through the tree (or `YAMLWalker`).
struct YAMLNode: Hashable {
    let index: Int32
}

/// Nodes of a tree's `children` array, without copying them out.
struct YAMLNodeList: RandomAccessCollection {
    private let storage: ArraySlice<Int32>
    init(indices: ArraySlice<Int32>) { storage = indices }
    var startIndex: Int { storage.startIndex }
    var endIndex: Int { storage.endIndex }
    subscript(position: Int) -> YAMLNode { YAMLNode(index: storage[position]) }
}
