/// Escaping for Graphviz DOT quoted strings (the DOT language, "ID" as a double-quoted string).
/// The one place diagram text is escaped. Graphviz reads HTML entities inside labels, so `&` is
/// written `&amp;`; a backslash would start an escape sequence (`\n`, `\N`), a quote would end the
/// string.
public enum DOTEscaper {
    public static func quoted(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "&": out += "&amp;"
            case "\n", "\r": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines of a label, each escaped, joined by DOT's centred line break `\n`.
    public static func lines(_ lines: [String]) -> String {
        lines.map(quoted).joined(separator: "\\n")
    }
}

/// Template slots for DOT: every variable stands inside a quoted string, so text is escaped by
/// `DOTEscaper` and markup (label lines the renderer already escaped) goes in as it is.
public struct DOTSyntax: TemplateSyntax {
    public init() {}
    public func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic> { .success(nodes) }
    public func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer) {
        buffer.append(DOTEscaper.quoted(text.string))
    }
}
