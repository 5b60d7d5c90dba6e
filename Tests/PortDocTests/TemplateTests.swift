import PortDocCore
import Testing

@Suite("Template engine")
struct TemplateTests {
    func render(_ text: String, _ context: TemplateValue, partials: [String: String] = [:]) -> Result<String, Diagnostic> {
        var parsedPartials: [String: Template] = [:]
        for (name, body) in partials {
            guard case .success(let t) = Template.parse(body, path: "\(name).mustache") else { return .failure(.error("partial", at: nil, id: "x")) }
            parsedPartials[name] = t
        }
        switch Template.parse(text, path: "t.mustache") {
        case .failure(let d): return .failure(d)
        case .success(let t): return t.render(context, partials: parsedPartials)
        }
    }

    @Test func sectionsListsAndStandaloneLines() {
        let text = "<ul>\n{{#items}}\n  <li>{{name}}{{#last}}!{{/last}}</li>\n{{/items}}\n{{^items}}\nnone\n{{/items}}\n</ul>\n"
        let context: TemplateValue = ["items": [["name": "a", "last": false], ["name": "b&c", "last": true]]]
        #expect(render(text, context) == .success("<ul>\n  <li>a</li>\n  <li>b&c!</li>\n</ul>\n"))
        #expect(render(text, ["items": []]) == .success("<ul>\nnone\n</ul>\n"))
    }

    @Test func dottedNamesPartialsAndOuterContext() {
        let result = render("{{#rows}}{{> row}}{{/rows}}", ["ui": ["col": "C"], "rows": [["v": "1"], ["v": "2"]]], partials: ["row": "{{ui.col}}={{v}};"])
        #expect(result == .success("C=1;C=2;"))
    }

    @Test func unknownVariableIsAnErrorWithPosition() {
        #expect(render("line one\n  {{#items}}{{nmae}}{{/items}}\n", ["items": [["name": "x"]]]) == .failure(.error("unknown variable 'nmae'", at: SourceLocation(path: "t.mustache", line: 2, column: 13), id: "template.unknown-variable")))
        #expect(render("{{#nope}}x{{/nope}}", [:]) == .failure(.error("unknown section 'nope'", at: SourceLocation(path: "t.mustache", line: 1, column: 1), id: "template.unknown-variable")))
    }

    @Test(arguments: [
        ("a\n{{#x}}b", "t.mustache:2:1: error: section 'x' is never closed; add '{{/x}}' [template.syntax]"),
        ("{{#x}}{{/y}}", "t.mustache:1:7: error: '{{/y}}' does not match '{{#x}}' opened at 1:1 [template.syntax]"),
        ("ok\n  {{name", "t.mustache:2:3: error: unclosed tag '{{'; a tag ends with '}}' on the same line [template.syntax]"),
        ("{{{raw}}}", "t.mustache:1:1: error: '{{{' asks for unescaped text; PortDoc escapes every value for its format, so write '{{name}}' [template.syntax]"),
        ("{{a b}}", "t.mustache:1:1: error: 'a b' is not a valid name; use letters, digits, '-', '_' and '.' [template.syntax]"),
        ("{{/x}}", "t.mustache:1:1: error: '{{/x}}' closes a section that was never opened [template.syntax]"),
        // Columns count characters, not bytes: "Grüße – " is 8 scalars and 12 bytes.
        ("Grüße – {{a b}}", "t.mustache:1:9: error: 'a b' is not a valid name; use letters, digits, '-', '_' and '.' [template.syntax]"),
        ("ok\r\n日本 {{#x}}{{/y}}", "t.mustache:2:10: error: '{{/y}}' does not match '{{#x}}' opened at 2:4 [template.syntax]"),
        ("{{x.}}", "t.mustache:1:1: error: 'x.' is not a valid name; use letters, digits, '-', '_' and '.' [template.syntax]"),
        ("{{é}}", "t.mustache:1:1: error: 'é' is not a valid name; use letters, digits, '-', '_' and '.' [template.syntax]"),
        ("{{}}", "t.mustache:1:1: error: '' is not a valid name; use letters, digits, '-', '_' and '.' [template.syntax]"),
    ])
    func syntaxErrors(text: String, expected: String) {
        guard case .failure(let d) = Template.parse(text, path: "t.mustache") else {
            Issue.record("parsed: \(text)")
            return
        }
        #expect(d.description == expected)
    }

    @Test func listUsedAsTextIsAnError() {
        #expect(render("{{items}}", ["items": []]) == .failure(.error("'items' is a list, not text; use it as a section '{{#items}}…{{/items}}'", at: SourceLocation(path: "t.mustache", line: 1, column: 1), id: "template.type")))
    }

    @Test func recursivePartialsStop() {
        guard case .failure(let d) = render("{{> p}}", [:], partials: ["p": "x{{> p}}"]) else { Issue.record(); return }
        #expect(d.id == "template.recursion")
    }

    /// The names a page template uses are its own and those of the partials it includes (through
    /// any depth, a cycle included), not those of the format's other templates.
    @Test func referencedNamesArePerTemplateWithItsPartials() {
        let files = [
            ("plain/page.mustache", "{{title}}{{#rows}}{{> row}}{{/rows}}"),
            ("plain/row.mustache", "{{anchor}}{{> cell}}"),
            ("plain/cell.mustache", "{{ui.column.port}}{{> row}}"),
            ("plain/ports.mustache", "{{#ports}}{{port}}{{/ports}}"),
        ].map { TemplateSet.File(relativePath: $0.0, path: "Templates/\($0.0)", text: $0.1) }
        let (set, diagnostics) = TemplateSet.parse(files)
        #expect(diagnostics.isEmpty)
        #expect(set.referencedNames(format: "plain", template: "page") == ["title", "rows", "anchor", "ui", "column", "port"])
        #expect(set.referencedNames(format: "plain", template: "ports") == ["ports", "port"])
        #expect(set.referencedNames(format: "plain", template: "missing") == [])
    }
}
