/// The node of a YAML file as the walkers see it.
typealias Node = YAMLNode

/// Reads YAML text into a `YAMLTree`, turning syntax errors into diagnostics with `path:line:col`.
enum YAMLSource {
    /// Upper bound on nodes visited while reading one file; guards against alias bombs, whose
    /// aliases share nodes that a walk would visit exponentially often. Every node written out
    /// takes at least one byte, so a walk visiting more nodes than the file has bytes is reusing
    /// aliases; small files may still expand to this many.
    static let minNodeLimit = 200_000

    /// The node limit for a text of `bytes` bytes.
    static func nodeLimit(forBytes bytes: Int) -> Int { max(minNodeLimit, bytes) }

    static func compose(_ text: String, path: String, diagnostics: inout Diagnostics) -> YAMLTree? {
        switch YAMLTree.read(TextNormalization.stripBOM(text)) {
        case .success(let tree):
            return tree
        case .failure(let failure):
            diagnostics.append(diagnostic(for: failure, path: path))
            return nil
        }
    }

    static func diagnostic(for failure: YAMLTree.Failure, path: String) -> Diagnostic {
        func loc(_ line: Int, _ column: Int) -> SourceLocation {
            SourceLocation(path: path, line: max(line, 1), column: max(column, 1))
        }
        switch failure {
        case .empty:
            return .error("the file is empty; expected a YAML mapping", at: loc(1, 1), id: "yaml.empty")
        case let .syntax(problem, line, column, context):
            var message = problem
            if problem.hasPrefix("Maximum nesting level reached") { message = "the document nests deeper than libyaml's limit of 1000 levels" }
            if let context { message += " (\(context.text) at \(context.line):\(context.column))" }
            return .error("YAML syntax error: \(message)", at: loc(line, column), id: "yaml.syntax")
        case let .duplicateKeys(names, line, column):
            return .error("duplicate key \(names.map { "'\($0)'" }.joined(separator: ", ")) in a mapping", at: loc(line, column), id: "yaml.duplicate-key")
        case let .reader(problem, offset):
            return .error("cannot read YAML: \(problem) at byte \(offset)", at: loc(1, 1), id: "yaml.encoding")
        case .memory:
            return .error("cannot read YAML: out of memory", at: loc(1, 1), id: "yaml.syntax")
        }
    }
}

/// The keys a mapping has, of those allowed, with their key and value nodes.
struct YAMLFields {
    private(set) var items: [(name: String, key: Node, value: Node)] = []

    subscript(name: String) -> (key: Node, value: Node)? {
        for item in items where item.name == name { return (item.key, item.value) }
        return nil
    }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func append(_ name: String, key: Node, value: Node) { items.append((name, key, value)) }
}

/// Walks a `YAMLTree`, reporting wrong types, unknown and missing keys at their positions.
struct YAMLWalker {
    let path: String
    let tree: YAMLTree
    var diagnostics = Diagnostics()
    private var visited = 0
    private(set) var tooLarge = false
    let nodeLimit: Int

    init(path: String, text: String, tree: YAMLTree) {
        self.path = path
        self.tree = tree
        self.nodeLimit = YAMLSource.nodeLimit(forBytes: text.utf8.count)
    }

    var root: Node { tree.root }

    func location(of node: Node) -> SourceLocation {
        let e = tree[node]
        return SourceLocation(path: path, line: max(Int(e.line), 1), column: max(Int(e.column), 1))
    }

    mutating func error(_ message: String, at node: Node, id: String) {
        diagnostics.error(message, at: location(of: node), id: id)
    }

    /// Counts a visit; false once the walk has visited more nodes than `nodeLimit`.
    mutating func visit(_ node: Node) -> Bool {
        visited += 1
        if visited > nodeLimit {
            if !tooLarge {
                tooLarge = true
                error("the document expands to more than \(nodeLimit) nodes, more than its size allows without aliases (an alias bomb?)", at: node, id: "yaml.too-large")
            }
            return false
        }
        return true
    }

    func kindName(_ node: Node) -> String {
        switch tree[node].kind {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        }
    }

    func isScalar(_ node: Node) -> Bool { tree[node].kind == .scalar }
    func isMapping(_ node: Node) -> Bool { tree[node].kind == .mapping }
    func isSequence(_ node: Node) -> Bool { tree[node].kind == .sequence }

    /// A scalar's text, without checks or diagnostics; nil for a collection.
    func text(_ node: Node) -> String? { tree.string(node) }

    /// The key and value nodes of a mapping, in file order; nil (and nothing reported) if `node`
    /// is not a mapping.
    func pairs(_ node: Node) -> [(key: Node, value: Node)]? {
        guard isMapping(node) else { return nil }
        let list = tree.children(node)
        return stride(from: list.startIndex, to: list.endIndex, by: 2).map { (list[$0], list[$0 + 1]) }
    }

    /// The pairs of a mapping, with unknown keys reported; nil (and an error) if `node` is not a mapping.
    mutating func mapping(_ node: Node, what: String, allowed: [String]) -> YAMLFields? {
        guard visit(node) else { return nil }
        guard isMapping(node) else {
            error("\(what) must be a mapping, found \(kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        var result = YAMLFields()
        let list = tree.children(node)
        for i in stride(from: list.startIndex, to: list.endIndex, by: 2) {
            let key = list[i]
            guard let name = tree.string(key) else {
                error("keys in \(what) must be plain names", at: key, id: "catalog.type")
                continue
            }
            if !allowed.contains(name) {
                let hint = Self.suggestion(for: name, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown key '\(name)' in \(what)\(hint)", at: key, id: "catalog.unknown-key")
                continue
            }
            result.append(name, key: key, value: list[i + 1])
        }
        return result
    }

    mutating func require(_ fields: YAMLFields, _ name: String, in node: Node, what: String) -> Node? {
        if let field = fields[name] { return field.value }
        error("\(what) is missing required key '\(name)'", at: node, id: "catalog.missing-key")
        return nil
    }

    mutating func string(_ node: Node, what: String) -> String? {
        guard visit(node) else { return nil }
        guard let string = tree.string(node) else {
            error("\(what) must be a string, found \(kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        if string.isEmpty {
            error("\(what) must not be empty", at: node, id: "catalog.type")
            return nil
        }
        return string
    }

    mutating func sequence(_ node: Node, what: String) -> YAMLNodeList? {
        guard visit(node) else { return nil }
        guard isSequence(node) else {
            error("\(what) must be a sequence, found \(kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        return tree.children(node)
    }

    mutating func bool(_ node: Node, what: String) -> Bool? {
        guard let string = tree.string(node), ["true", "false"].contains(string), tree[node].plain else {
            error("\(what) must be true or false", at: node, id: "catalog.type")
            return nil
        }
        return string == "true"
    }

    /// The closest allowed name within two edits, for "did you mean".
    static func suggestion(for name: String, in allowed: [String]) -> String? {
        allowed.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
