/// Template slots for man pages: a variable on a request or macro line (`.TH`, `.SH`, `.SS`,
/// `.IP`) is a macro argument; elsewhere (text lines, tbl cells and `T{ … T}` blocks) it is a text
/// line. Text is escaped by `RoffEscaper` for the slot.
public struct RoffSyntax: TemplateSyntax {
    public init() {}

    public func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic> {
        SlotWalker(scanner: Scanner(), path: path).annotate(nodes)
    }

    public func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer) {
        switch slot {
        case .macroArgument(let standalone):
            buffer.append(escaping: text.string, with: standalone ? RoffEscaper.appendArgument : RoffEscaper.appendEmbeddedArgument)
        default:
            buffer.append(escaping: text.string, with: RoffEscaper.appendTableCell)
        }
    }

    /// Reads roff template text on its UTF-8 bytes (every byte it looks for is ASCII).
    struct Scanner: SlotScanner {
        struct State: Equatable {
            var atLineStart = true
            /// The current line starts with `.` or `'`.
            var requestLine = false
            /// The last byte written on this line.
            var last = UInt8(ascii: "\n")

            static func == (a: State, b: State) -> Bool { a.requestLine == b.requestLine }
        }

        var initial: State { State() }

        func advance(_ state: inout State, over text: String) -> [TemplateNode] {
            for c in text.utf8 {
                if c == UInt8(ascii: "\n") {
                    state = State()
                    continue
                }
                if state.atLineStart { state.requestLine = c == UInt8(ascii: ".") || c == UInt8(ascii: "'") }
                state.atLineStart = false
                state.last = c
            }
            return text.isEmpty ? [] : [.text(text)]
        }

        func slot(at state: State, next: String?) -> Result<TemplateSlot, SlotProblem> {
            guard state.requestLine else { return .success(.markup) }
            let after = next?.utf8.first
            let standalone = state.last == UInt8(ascii: " ") && (after == nil || after == UInt8(ascii: " ") || after == UInt8(ascii: "\n"))
            return .success(.macroArgument(standalone: standalone))
        }

        func afterVariable(_ state: inout State, slot: TemplateSlot) {
            state.atLineStart = false
            state.last = UInt8(ascii: "x")
        }
    }
}
