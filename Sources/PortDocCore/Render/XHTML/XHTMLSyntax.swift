/// Template slots for XHTML: element content takes markup; attribute values, language attributes
/// and the content of text-only elements (`<title>`) take plain text only, escaped by `XMLEscaper`.
/// A fallback that lands where no `<span>` may stand gives its language to the enclosing element.
public struct XHTMLSyntax: TemplateSyntax {
    public init() {}

    /// Elements whose content is text only (XHTML 1.0 Strict DTD: `#PCDATA`).
    static let textOnlyElements: Set<String> = ["title", "option", "textarea", "style", "script"]
    static let languageAttributes: Set<String> = ["lang", "xml:lang", "hreflang"]

    public func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic> {
        SlotWalker(scanner: Scanner(), path: path).annotate(nodes)
    }

    public func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer) {
        switch slot {
        case .markup where !text.isMarked, .elementText:
            buffer.append(escaping: text.string, with: XMLEscaper.appendText)
            // The element's start tag is written: its language is set there, when it has none.
            if case .elementText = slot, text.isMarked, let tag = buffer.lastStartTag, !tag.marked {
                buffer.insert(Self.markAttributes(text), at: tag.offset)
                buffer.lastStartTag = nil
            }
        case .markup:
            buffer.append(Self.marked(XMLEscaper.text(text.string), text))
        case .attribute, .languageAttribute, .macroArgument:
            buffer.append(escaping: text.string, with: XMLEscaper.appendAttribute)
            if text.isMarked, buffer.pendingMark == nil { buffer.pendingMark = text }
        }
    }

    public func endStartTag(hasLang: Bool, to buffer: inout RenderBuffer) {
        var marked = hasLang
        if let mark = buffer.pendingMark, !hasLang {
            buffer.append(Self.markAttributes(mark))
            marked = true
        }
        buffer.pendingMark = nil
        buffer.lastStartTag = (buffer.out.count, marked)
    }

    /// Markup wrapped in the `<span>` its language and direction need, or as it is. A fallback
    /// keeps its language, so that readers and screen readers know (WCAG 3.1.2); a run in the
    /// other direction is isolated (an element with `dir` is isolated in HTML5; XHTML 1.0 has no
    /// `bdi`). The one place XHTML marks text.
    static func marked(_ markup: String, _ mark: TextValue) -> String {
        guard mark.isMarked else { return markup }
        return utf8String { out in appendMarked(mark, to: &out) { $0.append(contentsOf: markup.utf8) } }
    }

    /// `marked` on bytes: what `body` appends, inside the `<span>` that `mark` needs, if any.
    static func appendMarked(_ mark: TextValue, to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        guard mark.isMarked else { return body(&out) }
        out.append(contentsOf: ("<span" + (mark.lang != nil ? " class=\"fallback\"" : "") + markAttributes(mark) + ">").utf8)
        body(&out)
        out.append(contentsOf: "</span>".utf8)
    }

    static func markAttributes(_ text: TextValue) -> String {
        var out = ""
        if let lang = text.lang { out += " lang=\"\(XMLEscaper.attribute(lang))\" xml:lang=\"\(XMLEscaper.attribute(lang))\"" }
        if let dir = text.dir { out += " dir=\"\(dir.rawValue)\"" }
        return out
    }

    /// Reads XHTML template text: content, start tags and their attributes, end tags, comments
    /// and declarations. On UTF-8 bytes: every delimiter and XML's white space are ASCII (a scan
    /// by `Character` cost about 700 instructions a byte of template, 5 M of the seed's build).
    struct Scanner: SlotScanner {
        enum Mode: Equatable { case content, tagName, inTag, attributeName, beforeValue, value(quote: UInt8), endTag, comment, declaration }

        struct State: Equatable {
            var mode = Mode.content
            var tagName: [UInt8] = []
            var attributeName: [UInt8] = []
            var tagHasLang = false
            /// A variable stands in this start tag's attributes: its end gets a hook.
            var tagHasVariable = false
            /// Inside a text-only element.
            var textOnly: String?
            /// The last three bytes, for `-->`.
            var recent: UInt32 = 0

            static func == (a: State, b: State) -> Bool { a.mode == b.mode && a.textOnly == b.textOnly }
        }

        var initial: State { State() }

        /// XML's white space (S production): space, tab, CR, LF.
        static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        /// A name as the ASCII-lowercased String the sets above hold.
        static func lowercased(_ name: some Collection<UInt8>) -> String {
            String(decoding: name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        }

        func advance(_ state: inout State, over text: String) -> [TemplateNode] {
            var nodes: [TemplateNode] = []
            let bytes = Array(text.utf8)
            // The text not yet emitted is bytes[pending..<i].
            var pending = 0
            func hook(upTo end: Int) {
                if end > pending { nodes.append(.text(String(decoding: bytes[pending..<end], as: UTF8.self))) }
                pending = end
                nodes.append(.startTagEnd(hasLang: state.tagHasLang))
            }
            // `at`: where the hook goes (before `/>` and the blanks before it).
            func endStartTag(hookAt at: Int) {
                let name = Self.lowercased(state.tagName)
                let textOnly = XHTMLSyntax.textOnlyElements.contains(name)
                if state.tagHasVariable || textOnly { hook(upTo: at) }
                if textOnly { state.textOnly = name }
                state.mode = .content
            }
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                switch state.mode {
                case .content:
                    if c == UInt8(ascii: "<") {
                        let next = i + 1 < bytes.count ? bytes[i + 1] : 0
                        if next == UInt8(ascii: "!"), i + 3 < bytes.count, bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                            state.mode = .comment; state.recent = 0
                        } else if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") { state.mode = .declaration }
                        else if next == UInt8(ascii: "/") { state.mode = .endTag; state.tagName = [] }
                        else { state.mode = .tagName; state.tagName = []; state.tagHasLang = false; state.tagHasVariable = false }
                    }
                case .tagName:
                    if Self.isSpace(c) { state.mode = .inTag }
                    else if c == UInt8(ascii: ">") { endStartTag(hookAt: i) }
                    else if c == UInt8(ascii: "/") { state.mode = .inTag }
                    else { state.tagName.append(c) }
                case .inTag:
                    if c == UInt8(ascii: ">") {
                        // `/>`: the hook goes before the slash and the blanks before it.
                        var at = i
                        if at > pending, bytes[at - 1] == UInt8(ascii: "/") {
                            at -= 1
                            while at > pending, Self.isSpace(bytes[at - 1]) { at -= 1 }
                        }
                        endStartTag(hookAt: at)
                    } else if !Self.isSpace(c) && c != UInt8(ascii: "/") {
                        state.mode = .attributeName
                        state.attributeName = [c]
                    }
                case .attributeName:
                    if c == UInt8(ascii: "=") { state.mode = .beforeValue }
                    else if Self.isSpace(c) { state.mode = .inTag }
                    else if c == UInt8(ascii: ">") { endStartTag(hookAt: i) }
                    else { state.attributeName.append(c) }
                    if state.mode != .attributeName {
                        let name = Self.lowercased(state.attributeName)
                        if XHTMLSyntax.languageAttributes.contains(name), name != "hreflang" { state.tagHasLang = true }
                    }
                case .beforeValue:
                    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { state.mode = .value(quote: c) }
                    else if !Self.isSpace(c) { state.mode = .inTag }  // unquoted values are not XML
                case .value(let quote):
                    if c == quote { state.mode = .inTag }
                case .endTag:
                    if c == UInt8(ascii: ">") {
                        let name = Self.lowercased(state.tagName.drop(while: { $0 == UInt8(ascii: "/") })).trimmingCharacters(in: " ")
                        if name == state.textOnly { state.textOnly = nil }
                        state.mode = .content
                    } else { state.tagName.append(c) }
                case .comment:
                    state.recent = (state.recent << 8 | UInt32(c)) & 0xFF_FFFF
                    if state.recent == 0x2D_2D3E { state.mode = .content }  // "-->"
                case .declaration:
                    if c == UInt8(ascii: ">") { state.mode = .content }
                }
                i += 1
            }
            if bytes.count > pending { nodes.append(.text(String(decoding: bytes[pending...], as: UTF8.self))) }
            return nodes
        }

        func slot(at state: State, next: String?) -> Result<TemplateSlot, SlotProblem> {
            switch state.mode {
            case .content:
                if let element = state.textOnly { return .success(.elementText(element: element)) }
                return .success(.markup)
            case .value:
                let original = String(decoding: state.attributeName, as: UTF8.self)
                return .success(XHTMLSyntax.languageAttributes.contains(Self.lowercased(state.attributeName)) ? .languageAttribute(name: original) : .attribute(name: original))
            case .tagName, .inTag, .attributeName, .beforeValue:
                return .failure(SlotProblem("stands inside a tag but outside an attribute value; put it inside an attribute's quotes"))
            case .endTag:
                return .failure(SlotProblem("stands inside an end tag"))
            case .comment, .declaration:
                return .failure(SlotProblem("stands inside a comment or declaration, where nothing is escaped"))
            }
        }

        func afterVariable(_ state: inout State, slot: TemplateSlot) {
            if case .value = state.mode { state.tagHasVariable = true }
        }
    }
}

