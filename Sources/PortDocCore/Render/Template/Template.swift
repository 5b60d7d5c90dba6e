/// A small, strict Mustache: `{{name}}`, `{{a.b}}`, `{{.}}`, sections `{{#x}}…{{/x}}`,
/// inverted sections `{{^x}}…{{/x}}`, comments `{{! …}}` and partials `{{> name}}`.
/// Differences from Mustache, on purpose: values are inserted as given (the renderer escapes them
/// for the format), `{{{x}}}` and `{{&x}}` are refused, and a name that resolves to nothing is an
/// error with its `path:line:col` rather than an empty string. Tag lines that hold only a section,
/// comment or partial tag vanish entirely (Mustache's "standalone" rule), so roff and Markdown
/// templates need no blank-line tricks.
public struct Template: Sendable {
    public let path: String
    /// The parsed and slot-annotated nodes, compiled once.
    let program: TemplateProgram

    /// The output format's rules: where each variable lands and how text is escaped there.
    let syntax: any TemplateSyntax

    /// Parses `text`; `syntax` gives every variable its slot (see `TemplateSlot`), so that a value
    /// that holds markup cannot land where the format allows none.
    public static func parse(_ text: String, path: String, syntax: any TemplateSyntax = PlainSyntax()) -> Result<Template, Diagnostic> {
        TemplateParser(text: text, path: path).parse()
            .flatMap { syntax.annotate($0, path: path) }
            .map { Template(path: path, program: TemplateProgram($0), syntax: syntax) }
    }

    /// Renders with `context`; `partials` maps partial names to parsed templates.
    public func render(_ context: TemplateValue, partials: [String: Template] = [:]) -> Result<String, Diagnostic> {
        renderBytes(context, partials: partials).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `render`'s text as its UTF-8 bytes, as the build validates and writes them: making a String
    /// of a page checks every byte as UTF-8 again (50 M instructions for the pages of 10k rows × 2
    /// locales), and the writers' bytes are valid UTF-8 by construction. `reserving`: the bytes the
    /// page is expected to take (a page of the same document in another locale), reserved at once.
    /// A buffer grown by doubling wrote a page of 26 MB about twice into fresh memory: a third of
    /// the page faults of 100k rows x 10 locales.
    public func renderBytes(_ context: TemplateValue, partials: [String: Template] = [:], reserving: Int = 0) -> Result<[UInt8], Diagnostic> {
        var buffer = RenderBuffer(reserving: reserving)
        var stack = [context]
        do {
            try TemplateRenderer(syntax: syntax, partials: partials).run(program, 0..<program.ops.count, stack: &stack, depth: 0, plan: nil, into: &buffer)
        } catch {
            return .failure(error.diagnostic)
        }
        return .success(buffer.out)
    }
}

public indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(name: String, path: [String], location: SourceLocation, slot: TemplateSlot)
    case section(name: String, path: [String], inverted: Bool, body: [TemplateNode], location: SourceLocation)
    case partial(name: String, location: SourceLocation)
    /// XHTML: the end of a start tag that may receive the language of a fallback placed in one of
    /// its attributes or in its text-only content; `hasLang` when the template sets `lang` itself.
    case startTagEnd(hasLang: Bool)
}

private struct TemplateParser {
    let text: String
    let path: String

    init(text: String, path: String) {
        self.text = TextNormalization.stripBOM(text).replacingCRLF()
        self.path = path
    }

    struct Tag {
        var kind: Unicode.Scalar?  // nil for a variable
        var name: String
        var location: SourceLocation
    }

    enum Token {
        case text(String)
        case tag(Tag)
    }

    /// Splits one line (with its "\n") into text and tags; tags do not span lines. On the UTF-8
    /// bytes ('{', '}' and the tag kinds are ASCII, so never part of another scalar): appending
    /// scalar by scalar cost 1,200 instructions a byte, 14 M for the project's 11 KB of templates.
    func tokenize(_ line: ArraySlice<UInt8>, lineNumber: Int) -> Result<[Token], Diagnostic> {
        var tokens: [Token] = []
        let open = UInt8(ascii: "{"), shut = UInt8(ascii: "}")
        var textStart = line.startIndex
        var i = line.startIndex
        while i < line.endIndex {
            guard line[i] == open, i + 1 < line.endIndex, line[i + 1] == open else {
                i += 1
                continue
            }
            let loc = SourceLocation(path: path, line: lineNumber, column: UTF8Bytes.scalarCount(line[line.startIndex..<i]) + 1)
            var close: Int? = nil
            var j = i + 2
            while j + 1 < line.endIndex {
                if line[j] == shut && line[j + 1] == shut { close = j; break }
                j += 1
            }
            guard let close else {
                return .failure(.error("unclosed tag '{{'; a tag ends with '}}' on the same line", at: loc, id: "template.syntax"))
            }
            var innerStart = i + 2
            var kind: Unicode.Scalar? = nil
            if innerStart < close, Array("#^/!>{&=".utf8).contains(line[innerStart]) {
                kind = Unicode.Scalar(line[innerStart])
                innerStart += 1
            }
            if let k = kind, k == "{" || k == "&" {
                return .failure(.error("'{{\(k)' asks for unescaped text; PortDoc escapes every value for its format, so write '{{name}}'", at: loc, id: "template.syntax"))
            }
            if kind == "=" {
                return .failure(.error("changing delimiters ('{{=') is not supported", at: loc, id: "template.syntax"))
            }
            let name = String(decoding: line[innerStart..<close], as: UTF8.self).trimmingCharacters(in: " ")
            if kind != "!" && !isValidName(name) {
                return .failure(.error("'\(name)' is not a valid name; use letters, digits, '-', '_' and '.'", at: loc, id: "template.syntax"))
            }
            if textStart < i { tokens.append(.text(String(decoding: line[textStart..<i], as: UTF8.self))) }
            tokens.append(.tag(Tag(kind: kind, name: name, location: loc)))
            i = close + 2
            textStart = i
        }
        if textStart < line.endIndex { tokens.append(.text(String(decoding: line[textStart..<line.endIndex], as: UTF8.self))) }
        return .success(tokens)
    }

    func parse() -> Result<[TemplateNode], Diagnostic> {
        var tokens: [Token] = []
        var lineNumber = 0
        func isBlank(_ s: String) -> Bool { s.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") } }
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        let hadFinalNewline = text.utf8.last == UInt8(ascii: "\n") || text.isEmpty
        var lineStart = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lineNumber += 1
            switch tokenize(bytes[lineStart...index], lineNumber: lineNumber) {
            case .failure(let d): return .failure(d)
            case .success(let lineTokens):
                let tags = lineTokens.compactMap { if case .tag(let t) = $0 { t } else { nil } }
                let texts = lineTokens.compactMap { if case .text(let s) = $0 { s } else { nil } }
                // Mustache's standalone rule: a line with one section, comment or partial tag and
                // nothing but blanks around it leaves no trace in the output.
                if tags.count == 1, tags[0].kind != nil, texts.allSatisfy(isBlank) {
                    tokens.append(.tag(tags[0]))
                } else {
                    tokens.append(contentsOf: lineTokens)
                }
            }
            lineStart = index + 1
        }
        if !hadFinalNewline, case .text(let last)? = tokens.last, last.hasSuffix("\n") {
            tokens[tokens.count - 1] = .text(String(last.dropLast()))
        }

        var stack: [(name: String, inverted: Bool, location: SourceLocation, nodes: [TemplateNode])] =
            [("", false, SourceLocation(path: path, line: 1, column: 1), [])]
        for token in tokens {
            switch token {
            case .text(let s):
                if case .text(let previous)? = stack[stack.count - 1].nodes.last {
                    stack[stack.count - 1].nodes[stack[stack.count - 1].nodes.count - 1] = .text(previous + s)
                } else if !s.isEmpty {
                    stack[stack.count - 1].nodes.append(.text(s))
                }
            case .tag(let tag):
                switch tag.kind {
                case nil:
                    stack[stack.count - 1].nodes.append(.variable(name: tag.name, path: TemplateRenderer.path(tag.name), location: tag.location, slot: .markup))
                case "!":
                    break
                case ">":
                    stack[stack.count - 1].nodes.append(.partial(name: tag.name, location: tag.location))
                case "#", "^":
                    stack.append((tag.name, tag.kind == "^", tag.location, []))
                default:  // "/"
                    guard stack.count > 1 else {
                        return .failure(.error("'{{/\(tag.name)}}' closes a section that was never opened", at: tag.location, id: "template.syntax"))
                    }
                    let open = stack.removeLast()
                    guard open.name == tag.name else {
                        return .failure(.error("'{{/\(tag.name)}}' does not match '{{#\(open.name)}}' opened at \(open.location.line):\(open.location.column)", at: tag.location, id: "template.syntax"))
                    }
                    stack[stack.count - 1].nodes.append(.section(name: open.name, path: TemplateRenderer.path(open.name), inverted: open.inverted, body: open.nodes, location: open.location))
                }
            }
        }
        if stack.count > 1, let open = stack.last {
            return .failure(.error("section '\(open.name)' is never closed; add '{{/\(open.name)}}'", at: open.location, id: "template.syntax"))
        }
        return .success(stack[0].nodes)
    }

    func isValidName(_ name: String) -> Bool {
        if name == "." { return true }
        guard !name.isEmpty else { return false }
        return name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { b in
                UTF8Bytes.isLowercaseDigitOrDash(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
            }
        }
    }
}

/// A template compiled to one flat list of operations, so that rendering walks plain integers:
/// iterating the parsed nodes (an indirect enum: a heap box per node, its strings copied by
/// every match) and comparing keys as Strings were most of the engine's time. A section's body is
/// the operations up to its `end`; names carry their key hashes (`TemplateObject.LookupKey`).
struct TemplateProgram: Sendable {
    enum Op: Sendable {
        /// Bytes `texts[index]`.
        case text(Int32)
        /// `names[index]`, written in its slot.
        case variable(Int32)
        /// `names[index]`; the body is the operations before `end`.
        case section(Int32, inverted: Bool, end: Int32)
        case partial(Int32)
        case startTagEnd(hasLang: Bool)
    }

    /// A class: read once per variable rendered, a struct of four fields was copied (and its
    /// strings retained and released) every time.
    final class Name: Sendable {
        let name: String
        let path: [TemplateObject.LookupKey]
        let location: SourceLocation
        let slot: TemplateSlot

        init(name: String, path: [TemplateObject.LookupKey], location: SourceLocation, slot: TemplateSlot) {
            self.name = name
            self.path = path
            self.location = location
            self.slot = slot
        }
    }

    private(set) var ops: [Op] = []
    private(set) var texts: [[UInt8]] = []
    private(set) var names: [Name] = []
    private(set) var partials: [(name: String, location: SourceLocation)] = []

    init(_ nodes: [TemplateNode]) { compile(nodes) }

    private mutating func compile(_ nodes: [TemplateNode]) {
        // The operation just written, when it is a text of this body: the next text joins it
        // (texts come split around the slot walker's hooks).
        var lastText: Int? = nil
        for node in nodes {
            if case .text = node {} else { lastText = nil }
            switch node {
            case .text(let s):
                if let last = lastText {
                    texts[last].append(contentsOf: s.utf8)
                } else {
                    lastText = texts.count
                    ops.append(.text(Int32(texts.count)))
                    texts.append(Array(s.utf8))
                }
            case let .variable(name, path, location, slot):
                ops.append(.variable(Int32(names.count)))
                names.append(Name(name: name, path: path.map(TemplateObject.LookupKey.init), location: location, slot: slot))
            case let .section(name, path, inverted, body, location):
                let index = Int32(names.count)
                names.append(Name(name: name, path: path.map(TemplateObject.LookupKey.init), location: location, slot: .markup))
                let at = ops.count
                ops.append(.startTagEnd(hasLang: false))  // replaced below, once `end` is known
                compile(body)
                ops[at] = .section(index, inverted: inverted, end: Int32(ops.count))
            case let .partial(name, location):
                ops.append(.partial(Int32(partials.count)))
                partials.append((name, location))
            case .startTagEnd(let hasLang):
                ops.append(.startTagEnd(hasLang: hasLang))
            }
        }
    }
}

struct TemplateRenderer {
    struct Failure: Error { var diagnostic: Diagnostic }
    static let maxPartialDepth = 32
    let syntax: any TemplateSyntax
    let partials: [String: Template]
    /// The record plans made during this rendering (see `RecordPlan`).
    let plans = RecordPlans()

    /// `a.b.c` → ["a", "b", "c"]; `.` → [] (the current context). Split once, when parsing.
    static func path(_ name: String) -> [String] {
        name == "." ? [] : name.utf8.split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `find` without appending: sections need the value itself. (Returning the record and field
    /// to the caller instead of appending inside `find` measured 58 M instructions more at 10k
    /// rows × 2 locales: the record was copied out of the stack into the result.)
    static func lookup(_ path: [TemplateObject.LookupKey], in stack: [TemplateValue]) -> TemplateValue? {
        var unused = RenderBuffer()
        guard case .value(let value)? = find(path, in: stack, appendingMarkup: false, to: &unused) else { return nil }
        return value
    }

    /// What a name stands for: a value, or a record's markup, already appended to the page.
    enum Found {
        case value(TemplateValue)
        case appended
    }

    /// Finds `path`: its first part from the innermost context outwards, the rest inside it. With
    /// `appendingMarkup`, a one-part name whose innermost holder is a record with a markup field
    /// has its markup appended to `out` straight from the record (`.appended`). One walk of the
    /// stack, matching each context in place: a helper taking the context as an argument copied
    /// (retained and released) every context it passed.
    static func find(_ path: [TemplateObject.LookupKey], in stack: [TemplateValue], appendingMarkup: Bool, to out: inout RenderBuffer) -> Found? {
        guard let first = path.first else { return stack.last.map(Found.value) }
        var index = stack.count
        while index > 0 {
            index -= 1
            var value: TemplateValue
            switch stack[index] {
            case .object(let fields):
                guard let found = fields[first] else { continue }
                value = found
            case .record(let record):
                guard let field = record.fields.index(of: first) else { continue }
                if appendingMarkup, path.count == 1, out.appendMarkup({ record.appendMarkup(of: field, to: &$0) }) { return .appended }
                value = record.value(of: field)
            default:
                continue
            }
            var part = 1
            while part < path.count {
                guard let next = field(path[part], of: value) else { return nil }
                value = next
                part += 1
            }
            return .value(value)
        }
        return nil
    }

    /// The field `key` of an object or record; nil for other values.
    static func field(_ key: TemplateObject.LookupKey, of value: TemplateValue) -> TemplateValue? {
        switch value {
        case .object(let fields): fields[key]
        case .record(let record): record.fields.index(of: key).map(record.value(of:))
        default: nil
        }
    }

    /// Runs the operations in `range` of `program`. With a `plan`, `range` is the body the plan
    /// was made for and the innermost context is a record of the plan's kind: the names the plan
    /// resolves are read from that record without walking the stack.
    func run(_ program: TemplateProgram, _ range: Range<Int>, stack: inout [TemplateValue], depth: Int, plan: RecordPlan?,
             record: any TemplateRecord = NoRecord(), into out: inout RenderBuffer) throws(Failure) {
        var i = range.lowerBound
        while i < range.upperBound {
            switch program.ops[i] {
            case .text(let index):
                out.append(bytes: program.texts[Int(index)])
            case .variable(let index):
                let name = program.names[Int(index)]
                let value: TemplateValue
                if let field = plan?.field(at: i) {
                    if name.slot == .markup, out.appendMarkup({ record.appendMarkup(of: field, to: &$0) }) { i += 1; continue }
                    value = record.value(of: field)
                } else {
                    switch Self.find(name.path, in: stack, appendingMarkup: name.slot == .markup, to: &out) {
                    case .appended?: i += 1; continue
                    case .value(let found)?: value = found
                    case nil: throw Failure(diagnostic: .error("unknown variable '\(name.name)'", at: name.location, id: "template.unknown-variable"))
                    }
                }
                switch consume value {
                case .text(let text): syntax.write(text, in: name.slot, to: &out)
                case .markup(let s):
                    guard name.slot == .markup else {
                        throw Failure(diagnostic: .error("'\(name.name)' holds markup (links, footnote markers, line breaks) and cannot go into \(name.slot.description); use a plain-text value there", at: name.location, id: "template.slot"))
                    }
                    out.append(bytes: s.bytes)
                case .bool(let b): syntax.write(TextValue(b ? "true" : "false"), in: name.slot, to: &out)
                case let other:  // a list, rows, an object or a record
                    throw Failure(diagnostic: .error("'\(name.name)' is a \(other.kindName), not text; use it as a section '{{#\(name.name)}}…{{/\(name.name)}}'", at: name.location, id: "template.type"))
                }
            case let .section(index, inverted, end):
                let body = (i + 1)..<Int(end)
                i = Int(end)
                let name = program.names[Int(index)]
                let value: TemplateValue
                if let field = plan?.field(at: body.lowerBound - 1) {
                    value = record.value(of: field)
                } else {
                    guard let found = Self.lookup(name.path, in: stack) else {
                        throw Failure(diagnostic: .error("unknown section '\(name.name)'", at: name.location, id: "template.unknown-variable"))
                    }
                    value = found
                }
                if inverted {
                    if !value.isTruthy { try run(program, body, stack: &stack, depth: depth, plan: nil, into: &out) }
                    continue
                }
                guard value.isTruthy else { continue }
                var bodyPlan: RecordPlan? = nil
                switch consume value {
                case .list(let items):
                    for item in items { try runBody(program, body, of: name, with: item, plan: &bodyPlan, stack: &stack, depth: depth, into: &out) }
                case .rows(let rows):
                    for index in 0..<rows.count { try runBody(program, body, of: name, with: rows[index], plan: &bodyPlan, stack: &stack, depth: depth, into: &out) }
                case let single:
                    try runBody(program, body, of: name, with: single, plan: &bodyPlan, stack: &stack, depth: depth, into: &out)
                }
                continue
            case .partial(let index):
                let (name, location) = program.partials[Int(index)]
                guard let partial = partials[name] else {
                    let known = partials.keys.sorted().joined(separator: ", ")
                    throw Failure(diagnostic: .error("unknown partial '\(name)'\(known.isEmpty ? "" : "; known: \(known)")", at: location, id: "template.unknown-partial"))
                }
                guard depth < Self.maxPartialDepth else {
                    throw Failure(diagnostic: .error("partials nest more than \(Self.maxPartialDepth) deep (a partial that includes itself?)", at: location, id: "template.recursion"))
                }
                try run(partial.program, 0..<partial.program.ops.count, stack: &stack, depth: depth + 1, plan: nil, into: &out)
            case .startTagEnd(let hasLang):
                syntax.endStartTag(hasLang: hasLang, to: &out)
            }
            i += 1
        }
    }
}

extension TemplateRenderer {
    /// Runs the body of the section `section` with `item` as the innermost context; a record runs
    /// it with the plan for its kind (`plan` keeps the last one, for the next item of the section).
    func runBody(_ program: TemplateProgram, _ body: Range<Int>, of section: TemplateProgram.Name, with item: consuming TemplateValue,
                 plan: inout RecordPlan?, stack: inout [TemplateValue], depth: Int, into out: inout RenderBuffer) throws(Failure) {
        guard case .record(let record) = copy item else {
            stack.append(item)
            defer { stack.removeLast() }
            return try run(program, body, stack: &stack, depth: depth, plan: nil, into: &out)
        }
        // The item moves onto the stack (taken, not copied: each row was retained and released
        // once more for it).
        stack.append(item)
        defer { stack.removeLast() }
        let fields = record.fields
        if plan?.fields !== fields { plan = plans.plan(for: section, program, body, fields: fields) }
        try run(program, body, stack: &stack, depth: depth, plan: plan, record: record, into: &out)
    }
}

/// The record `run` is given when it has no plan (and so never reads one).
struct NoRecord: TemplateRecord {
    static let none = TemplateFields([])
    var fields: TemplateFields { Self.none }
    func value(of field: Int) -> TemplateValue { .bool(false) }
}

/// Which names of a section's body are fields of the records it iterates: a one-part name of an
/// operation of the body itself (not of a section nested in it, which may have another innermost
/// context) that a kind of record has is found in the record, as `find` would find it first, so
/// it is resolved once per section and kind instead of walking the context stack for every
/// record (a copy of the record out of the stack, its field names and a search of them for each
/// of the 388,000 row fields of 10k rows × 2 locales).
final class RecordPlan {
    let fields: TemplateFields
    private let base: Int
    /// For each operation of the body: the index of the field it names, or -1.
    private let field: [Int32]

    init(_ program: TemplateProgram, _ body: Range<Int>, fields: TemplateFields) {
        self.fields = fields
        base = body.lowerBound
        var field = [Int32](repeating: -1, count: body.count)
        var i = body.lowerBound
        while i < body.upperBound {
            var next = i + 1
            let index: Int32
            switch program.ops[i] {
            case .variable(let n): index = n
            case .section(let n, _, let end): index = n; next = Int(end)
            default: i = next; continue
            }
            let path = program.names[Int(index)].path
            if path.count == 1, let f = fields.index(of: path[0]) { field[i - base] = Int32(f) }
            i = next
        }
        self.field = field
    }

    /// The field named by the operation at `index` of the body, or nil.
    func field(at index: Int) -> Int? {
        let f = field[index - base]
        return f < 0 ? nil : Int(f)
    }
}

/// The plans of one rendering, by section and kind of record: a section inside rows (a man
/// page's `lines`) runs once per row, and its plan is made once. Not shared between threads:
/// each rendering has its own.
final class RecordPlans {
    private var plans: [(section: ObjectIdentifier, fields: ObjectIdentifier, plan: RecordPlan)] = []

    /// The plan for the body of `section` over records with `fields`. A section's name object is
    /// its program's own, so it tells the section from those of other templates and partials.
    func plan(for section: TemplateProgram.Name, _ program: TemplateProgram, _ body: Range<Int>, fields: TemplateFields) -> RecordPlan {
        let key = ObjectIdentifier(section), kind = ObjectIdentifier(fields)
        for entry in plans where entry.section == key && entry.fields == kind { return entry.plan }
        let plan = RecordPlan(program, body, fields: fields)
        plans.append((key, kind, plan))
        return plan
    }
}

extension TemplateValue {
    var kindName: String {
        switch self {
        case .markup: "markup fragment"
        case .text: "text"
        case .bool: "boolean"
        case .list, .rows: "list"
        case .object, .record: "object"
        }
    }
}
