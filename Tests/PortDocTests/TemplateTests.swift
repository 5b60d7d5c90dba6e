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

    /// A record with a text field, a markup field (appended straight to the page), an object and
    /// (one level deep) a record.
    struct Row: TemplateRecord {
        static let shape = TemplateFields(["name", "cell", "sub", "empty", "child"])
        var name: String
        var cell: String
        var isChild = false
        var fields: TemplateFields { Self.shape }
        func value(of field: Int) -> TemplateValue {
            switch field {
            case 0: .plain(name)
            case 1: .markup(Markup(cell))
            case 2: ["x": .plain(name + "!")]
            case 3: .markup(Markup(""))
            default: isChild ? .bool(false) : .record(Row(name: name + "?", cell: "<i>" + cell + "</i>", isChild: true))
            }
        }
        func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool {
            guard field == 1 || field == 3 else { return false }
            if field == 1 { out.append(contentsOf: cell.utf8) }
            return true
        }
    }

    /// Another kind of record in the same list, its fields in another order and one of them
    /// shadowing an outer name: a section's body resolves names per kind of record.
    struct Flipped: TemplateRecord {
        static let shape = TemplateFields(["outer", "cell", "name", "empty", "sub", "child"])
        var fields: TemplateFields { Self.shape }
        func value(of field: Int) -> TemplateValue {
            switch field {
            case 0: .plain("inner")
            case 1: .markup(Markup("<b>f</b>"))
            case 2: .plain("flipped")
            case 3: .markup(Markup(""))
            case 4: ["x": "y"]
            default: .bool(false)
            }
        }
        func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool {
            guard field == 1 || field == 3 else { return false }
            if field == 1 { out.append(contentsOf: "<b>f</b>".utf8) }
            return true
        }
    }

    /// `value` with every record, however deep, replaced by the object of its fields.
    func objectsOnly(_ value: TemplateValue) -> TemplateValue {
        guard case .record(let record) = value else { return value }
        var object = TemplateObject()
        for (index, name) in record.fields.names.enumerated() { object[name] = objectsOnly(record.value(of: index)) }
        return .object(object)
    }

    /// Records behave as the objects of their fields, in every slot, section and lookup, errors
    /// included: random XHTML templates over names a record holds, shadows or lacks render the
    /// same with rows as records and as objects.
    @Test func recordsRenderAsTheObjectsOfTheirFields() {
        let pieces = ["{{name}}", "{{cell}}", "{{sub.x}}", "{{outer}}", "{{#cell}}[{{cell}}]{{/cell}}", "{{^empty}}-{{/empty}}", "{{#empty}}E{{/empty}}",
                      "{{.}}", "{{missing}}", "<td>{{cell}}</td>", "<a title=\"{{name}}\">x</a>", "<a title=\"{{cell}}\">x</a>", "{{#sub}}{{x}}{{name}}{{/sub}}",
                      "<title>{{name}}</title>", "{{cell.x}}", "{{#name}}{{.}}{{/name}}", " & ", "<br />",
                      "{{child.name}}", "{{child.cell}}", "{{#child}}{{cell}}{{outer}}{{/child}}", "<a title=\"{{child.cell}}\">x</a>", "{{child.child.name}}"]
        let rows = [Row(name: "a<b", cell: "<em>c</em>"), Row(name: "", cell: ""), Row(name: "\u{5D0}\"'", cell: "d&amp;e")]
        let xhtml = TemplateSet.syntax(for: "xhtml")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var failures = 0, successes = 0
        for _ in 0..<400 {
            let body = (0..<(1 + next(5))).map { _ in pieces[next(pieces.count)] }.joined()
            guard case .success(let template) = Template.parse("<p>{{#rows}}" + body + "{{/rows}}</p>", path: "r.mustache", syntax: xhtml) else { continue }
            let items: [TemplateValue] = rows.map { .record($0) } + [.record(Flipped())] + rows.map { .record($0) }
            let records: TemplateValue = ["outer": "O", "name": "shadowed", "rows": .list(items)]
            let objects: TemplateValue = ["outer": "O", "name": "shadowed", "rows": .list(items.map(objectsOnly))]
            let viaRecords = template.render(records), viaObjects = template.render(objects)
            #expect(viaRecords == viaObjects, "\(body)")
            if case .success = viaRecords { successes += 1 } else { failures += 1 }
        }
        #expect(successes > 100 && failures > 50, "both outcomes exercised: \(successes) rendered, \(failures) refused")
    }

    /// A record's markup cannot go where the format allows none, as an object's cannot; and a
    /// record equals the object of its fields.
    @Test func recordMarkupKeepsItsSlotAndRecordsCompareByFields() {
        guard case .success(let template) = Template.parse("{{#rows}}<a title=\"{{cell}}\">x</a>{{/rows}}", path: "r.mustache", syntax: TemplateSet.syntax(for: "xhtml")) else {
            Issue.record("parse"); return
        }
        guard case .failure(let d) = template.render(["rows": .list([.record(Row(name: "n", cell: "<b>c</b>"))])]) else { Issue.record("rendered"); return }
        #expect(d.id == "template.slot" && d.location?.line == 1)
        let row = Row(name: "n", cell: "<b>c</b>")
        #expect(TemplateValue.record(row) == .object(["name": "n", "cell": .markup("<b>c</b>"), "sub": ["x": "n!"], "empty": .markup(""),
                                                      "child": ["name": "n?", "cell": .markup("<i><b>c</b></i>"), "sub": ["x": "n?!"], "empty": .markup(""), "child": false]]))
        #expect(TemplateValue.record(row) != .record(Row(name: "n", cell: "<b>d</b>")))
    }
}
