/// Template slots for GitHub-flavoured Markdown: every line takes inline Markdown, so text is
/// escaped by `MarkdownEscaper` wherever it lands (headings, paragraphs, pipe-table cells).
public struct MarkdownSyntax: TemplateSyntax {
    public init() {}
    public func annotate(_ nodes: [TemplateNode], path: String) -> Result<[TemplateNode], Diagnostic> { .success(nodes) }
    public func write(_ text: TextValue, in slot: TemplateSlot, to buffer: inout RenderBuffer) {
        buffer.append(escaping: text.string, with: MarkdownEscaper.append)
    }
}
