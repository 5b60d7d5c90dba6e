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
    /// and declarations.
    struct Scanner: SlotScanner {
        enum Mode: Equatable { case content, tagName, inTag, attributeName, beforeValue, value(quote: Character), endTag, comment, declaration }

        struct State: Equatable {
            var mode = Mode.content
            var tagName = ""
            var attributeName = ""
            var tagHasLang = false
            /// A variable stands in this start tag's attributes: its end gets a hook.
            var tagHasVariable = false
            /// Inside a text-only element.
            var textOnly: String?
            /// The text before, for `<!--` and `-->`.
            var recent = ""

            static func == (a: State, b: State) -> Bool { a.mode == b.mode && a.textOnly == b.textOnly }
        }

        var initial: State { State() }

        func advance(_ state: inout State, over text: String) -> [TemplateNode] {
            var nodes: [TemplateNode] = []
            var pending = ""
            func hook() {
                if !pending.isEmpty { nodes.append(.text(pending)); pending = "" }
                nodes.append(.startTagEnd(hasLang: state.tagHasLang))
            }
            func endStartTag() {
                let name = state.tagName.lowercased()
                let textOnly = XHTMLSyntax.textOnlyElements.contains(name)
                if state.tagHasVariable || textOnly { hook() }
                if textOnly { state.textOnly = name }
                state.mode = .content
            }
            let chars = Array(text)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                switch state.mode {
                case .content:
                    if c == "<" {
                        let rest = String(chars[(i + 1)...].prefix(3))
                        if rest.hasPrefix("!--") { state.mode = .comment; state.recent = "" }
                        else if rest.hasPrefix("!") || rest.hasPrefix("?") { state.mode = .declaration }
                        else if rest.hasPrefix("/") { state.mode = .endTag; state.tagName = "" }
                        else { state.mode = .tagName; state.tagName = ""; state.tagHasLang = false; state.tagHasVariable = false }
                    }
                case .tagName:
                    if c.isWhitespace { state.mode = .inTag }
                    else if c == ">" { endStartTag() }
                    else if c == "/" { state.mode = .inTag }
                    else { state.tagName.append(c) }
                case .inTag:
                    if c == ">" {
                        // `/>`: the hook goes before the slash.
                        // `/>`: the hook goes before the slash and the blanks before it.
                        var closing = ""
                        if pending.hasSuffix("/") {
                            pending.removeLast()
                            closing = "/"
                            while let last = pending.last, last.isWhitespace { closing = String(pending.removeLast()) + closing }
                        }
                        endStartTag()
                        pending += closing
                    } else if !c.isWhitespace && c != "/" {
                        state.mode = .attributeName
                        state.attributeName = String(c)
                    }
                case .attributeName:
                    if c == "=" { state.mode = .beforeValue }
                    else if c.isWhitespace { state.mode = .inTag }
                    else if c == ">" { endStartTag() }
                    else { state.attributeName.append(c) }
                    if state.mode != .attributeName, XHTMLSyntax.languageAttributes.contains(state.attributeName.lowercased()),
                       state.attributeName.lowercased() != "hreflang" {
                        state.tagHasLang = true
                    }
                case .beforeValue:
                    if c == "\"" || c == "'" { state.mode = .value(quote: c) }
                    else if !c.isWhitespace { state.mode = .inTag }  // unquoted values are not XML
                case .value(let quote):
                    if c == quote { state.mode = .inTag }
                case .endTag:
                    if c == ">" {
                        let name = String(state.tagName.drop(while: { $0 == "/" })).trimmingCharacters(in: " ")
                        if name.lowercased() == state.textOnly { state.textOnly = nil }
                        state.mode = .content
                    } else { state.tagName.append(c) }
                case .comment:
                    state.recent = String((state.recent + String(c)).suffix(3))
                    if state.recent == "-->" { state.mode = .content }
                case .declaration:
                    if c == ">" { state.mode = .content }
                }
                pending.append(c)
                i += 1
            }
            if !pending.isEmpty { nodes.append(.text(pending)) }
            return nodes
        }

        func slot(at state: State, next: String?) -> Result<TemplateSlot, SlotProblem> {
            switch state.mode {
            case .content:
                if let element = state.textOnly { return .success(.elementText(element: element)) }
                return .success(.markup)
            case .value:
                let name = state.attributeName.lowercased()
                return .success(XHTMLSyntax.languageAttributes.contains(name) ? .languageAttribute(name: state.attributeName) : .attribute(name: state.attributeName))
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

