import Yams

/// Parses YAML text into a `Yams.Node`, turning syntax errors into diagnostics with `path:line:col`.
enum YAMLSource {
    /// Upper bound on nodes visited while reading one file; guards against alias bombs, whose
    /// aliases share nodes that a walk would visit exponentially often. Every node written out
    /// takes at least one byte, so a walk visiting more nodes than the file has bytes is reusing
    /// aliases; small files may still expand to this many.
    static let minNodeLimit = 200_000

    /// The node limit for a text of `bytes` bytes.
    static func nodeLimit(forBytes bytes: Int) -> Int { max(minNodeLimit, bytes) }

    static func compose(_ text: String, path: String, diagnostics: inout Diagnostics) -> Node? {
        let text = TextNormalization.stripBOM(text)
        do {
            // The basic resolver: every scalar stays a string (PortDoc checks types itself), which spares
            // Yams a regular-expression match per scalar.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                diagnostics.error("the file is empty; expected a YAML mapping", at: SourceLocation(path: path, line: 1, column: 1), id: "yaml.empty")
                return nil
            }
            return node
        } catch let error as YamlError {
            diagnostics.append(diagnostic(for: error, path: path))
            return nil
        } catch {
            diagnostics.error("cannot read YAML: \(error)", at: SourceLocation(path: path, line: 1, column: 1), id: "yaml.syntax")
            return nil
        }
    }

    static func diagnostic(for error: YamlError, path: String) -> Diagnostic {
        func loc(_ mark: Mark) -> SourceLocation {
            SourceLocation(path: path, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = problem
            if problem.hasPrefix("Maximum nesting level reached") { message = "the document nests deeper than libyaml's limit of 1000 levels" }
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return .error("YAML syntax error: \(message)", at: loc(mark), id: "yaml.syntax")
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .error("duplicate key \(names) in a mapping", at: loc(context.mark), id: "yaml.duplicate-key")
        case let .reader(problem, offset, _, _):
            return .error("cannot read YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")", at: SourceLocation(path: path, line: 1, column: 1), id: "yaml.encoding")
        default:
            return .error("cannot read YAML: \(error)", at: SourceLocation(path: path, line: 1, column: 1), id: "yaml.syntax")
        }
    }
}

/// Walks a composed YAML tree, reporting wrong types, unknown and missing keys at their positions.
struct YAMLWalker {
    let path: String
    var diagnostics = Diagnostics()
    private var visited = 0
    private(set) var tooLarge = false
    let nodeLimit: Int

    init(path: String, text: String) {
        self.path = path
        self.nodeLimit = YAMLSource.nodeLimit(forBytes: text.utf8.count)
    }

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(path: path, line: max(mark?.line ?? 1, 1), column: max(mark?.column ?? 1, 1))
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

    static func kindName(_ node: Node) -> String {
        switch node {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .alias: "an alias"
        }
    }

    /// The pairs of a mapping, with unknown keys reported; nil (and an error) if `node` is not a mapping.
    mutating func mapping(_ node: Node, what: String, allowed: [String]) -> [String: (key: Node, value: Node)]? {
        guard visit(node) else { return nil }
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping, found \(Self.kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error("keys in \(what) must be plain names", at: key, id: "catalog.type")
                continue
            }
            let name = scalar.string
            if !allowed.contains(name) {
                let hint = Self.suggestion(for: name, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown key '\(name)' in \(what)\(hint)", at: key, id: "catalog.unknown-key")
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    mutating func require(_ fields: [String: (key: Node, value: Node)], _ name: String, in node: Node, what: String) -> Node? {
        if let field = fields[name] { return field.value }
        error("\(what) is missing required key '\(name)'", at: node, id: "catalog.missing-key")
        return nil
    }

    mutating func string(_ node: Node, what: String) -> String? {
        guard visit(node) else { return nil }
        guard case .scalar(let scalar) = node else {
            error("\(what) must be a string, found \(Self.kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        if scalar.string.isEmpty {
            error("\(what) must not be empty", at: node, id: "catalog.type")
            return nil
        }
        return scalar.string
    }

    mutating func sequence(_ node: Node, what: String) -> [Node]? {
        guard visit(node) else { return nil }
        guard case .sequence(let seq) = node else {
            error("\(what) must be a sequence, found \(Self.kindName(node))", at: node, id: "catalog.type")
            return nil
        }
        return Array(seq)
    }

    mutating func bool(_ node: Node, what: String) -> Bool? {
        guard case .scalar(let scalar) = node, ["true", "false"].contains(scalar.string), scalar.style == .plain else {
            error("\(what) must be true or false", at: node, id: "catalog.type")
            return nil
        }
        return scalar.string == "true"
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
