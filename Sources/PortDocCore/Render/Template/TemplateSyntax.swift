/// Where a template variable lands in the output, found from the template text around it.
public enum TemplateSlot: Sendable, Equatable {
    /// Where the format allows markup: XHTML element content, a roff text line or tbl cell, a
    /// Markdown line.
    case markup
    /// XHTML: the content of an element that holds text only (`title`, `option`, `textarea`).
    case elementText(element: String)
    /// XHTML: an attribute value.
    case attribute(name: String)
    /// XHTML: a language attribute (`lang`, `xml:lang`, `hreflang`).
    case languageAttribute(name: String)
    /// roff: an argument of a request or macro line (`.TH`, `.SH`, `.SS`); `standalone` when the
    /// variable is the whole argument (it is then quoted).
    case macroArgument(standalone: Bool)

    public var description: String {
        switch self {
        case .markup: "element content"
        case .elementText(let element): "<\(element)>, which holds text only"
        case .attribute(let name), .languageAttribute(let name): "the attribute value '\(name)'"
        case .macroArgument: "a macro argument"
        }
    }
}

/// The output of a template being rendered, with what XHTML needs to put a fallback's language on
/// the element that encloses it.
public struct RenderBuffer: Sendable {
    /// The page's UTF-8 so far. Bytes, not a String: appending to a String of megabytes cost
    /// about 360 instructions per append (10k rows: 1.3 million appends, 470 M instructions).
    public private(set) var out: [UInt8] = []

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }
    public mutating func append(bytes: [UInt8]) { out.append(contentsOf: bytes) }
    /// Appends through an escaper that writes bytes (`XMLEscaper.appendText` and the like).
    public mutating func append(escaping s: String, with escaper: (String, inout [UInt8]) -> Void) {
        escaper(s, &out)
    }
    /// Lets `body` append markup; its result is passed on.
    mutating func appendMarkup(_ body: (inout [UInt8]) -> Bool) -> Bool { body(&out) }
    /// Inserts `s` at a UTF-8 offset of the text so far.
    mutating func insert(_ s: String, at offset: Int) { out.insert(contentsOf: s.utf8, at: offset) }
    /// Language and direction to add to the start tag being written (a fallback in one of its attributes).
    var pendingMark: TextValue?
    /// Where the last start tag that can take a language ends (UTF-8 offset of its `>` or `/>`),
    /// and whether it has one already.
    var lastStartTag: (offset: Int, marked: Bool)?

    public init(reserving capacity: Int = 0) {
        if capacity > 0 { out.reserveCapacity(capacity) }
    }
}

/// One output format's template rules: which slot each variable is in, and how plain text is
/// written into each slot. Escaping happens here, through the format's one escaper.
public protocol TemplateSyntax: Sendable {
    /// Gives each variable its slot; an impossible place (a variable inside a tag name, markup
    /// state changed by a section) is a positioned error.
    func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic>
    /// Writes plain text into a slot, escaped for it.
    func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer)
    /// XHTML: a start tag ends; other formats have none.
    func endStartTag(hasLang: Bool, to buffer: inout RenderBuffer)
}

extension TemplateSyntax {
    public func endStartTag(hasLang: Bool, to buffer: inout RenderBuffer) {}
}

/// Templates outside the known format folders, and unit tests: every slot takes markup and text
/// is inserted as it is.
public struct PlainSyntax: TemplateSyntax {
    public init() {}
    public func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic> { .success(nodes) }
    public func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer) { buffer.append(text.string) }
}

/// Why a variable cannot stand where it is.
struct SlotProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// A format's reading of template text, one character run at a time, for `SlotWalker`.
protocol SlotScanner {
    associatedtype State: Equatable
    var initial: State { get }
    /// Reads a text node, returning it (split around any hooks the format needs).
    func advance(_ state: inout State, over text: String) -> [TemplateNode]
    /// The slot of a variable at `state`; `next` is the template text right after it, if any.
    func slot(at state: State, next: String?) -> Result<TemplateSlot, SlotProblem>
    /// The state after a variable's value.
    func afterVariable(_ state: inout State, slot: TemplateSlot)
}

/// Walks a template's nodes with a scanner and annotates every variable with its slot. A section
/// must end in the markup context it starts in, and a partial is included where markup is allowed,
/// so that each variable has one slot however the sections render.
struct SlotWalker<Scanner: SlotScanner> {
    let scanner: Scanner
    let path: String

    struct Failure: Error { var diagnostic: Diagnostic }

    func annotate(_ nodes: [TemplateNode]) -> Result<[TemplateNode], Diagnostic> {
        var state = scanner.initial
        do { return .success(try walk(nodes, &state)) } catch { return .failure(error.diagnostic) }
    }

    func walk(_ nodes: [TemplateNode], _ state: inout Scanner.State) throws(Failure) -> [TemplateNode] {
        var result: [TemplateNode] = []
        for (index, node) in nodes.enumerated() {
            switch node {
            case .text(let s):
                result += scanner.advance(&state, over: s)
            case let .variable(name, keys, location, _):
                var next: String? = nil
                if index + 1 < nodes.count, case .text(let t) = nodes[index + 1] { next = t }
                switch scanner.slot(at: state, next: next) {
                case .success(let slot):
                    result.append(.variable(name: name, path: keys, location: location, slot: slot))
                    scanner.afterVariable(&state, slot: slot)
                case .failure(let problem):
                    throw Failure(diagnostic: .error("'{{\(name)}}' \(problem.message)", at: location, id: "template.slot"))
                }
            case let .section(name, keys, inverted, body, location):
                let start = state
                let annotated = try walk(body, &state)
                guard state == start else {
                    throw Failure(diagnostic: .error("section '\(name)' ends in another markup context than it starts in (such as inside a tag or an attribute); close what it opens inside it", at: location, id: "template.slot"))
                }
                result.append(.section(name: name, path: keys, inverted: inverted, body: annotated, location: location))
            case let .partial(name, location):
                guard state == scanner.initial else {
                    throw Failure(diagnostic: .error("partial '\(name)' is included inside a tag, an attribute or a text-only element; include it where markup is allowed", at: location, id: "template.slot"))
                }
                result.append(node)
            case .startTagEnd:
                result.append(node)
            }
        }
        return result
    }
}
