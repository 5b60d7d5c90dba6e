/// XHTML 1.0 Strict pages, also valid HTML5: `html/<locale>/index.html` and the language index.
public enum XHTMLRenderer {
    public static let format = "xhtml"

    struct Writer: FormatWriter {
        func plain(_ s: String) -> String { XMLEscaper.text(s) }

        func inline(_ text: LocalizedText) -> String {
            var out = ""
            for piece in text.pieces {
                switch piece {
                case .text(let s), .host(let s): out += XMLEscaper.text(s)
                case .link(let url): out += "<a href=\"\(XMLEscaper.attribute(url))\">\(XMLEscaper.text(url))</a>"
                }
            }
            // A fallback keeps its source language, so that readers and screen readers know (WCAG 3.1.2).
            if let lang = text.fallbackLocale {
                return "<span class=\"fallback\" lang=\"\(lang)\" xml:lang=\"\(lang)\">\(out)</span>"
            }
            return out
        }

        func href(toLocale locale: String, documentID: String) -> String? { "../\(locale)/index.html" }

        func marker(_ ref: FootnoteRef) -> String {
            "<sup class=\"fnref\"><a href=\"#fn-\(ref.id)\" id=\"fnref-\(ref.id)-\(ref.occurrence)\">\(ref.number)</a></sup>"
        }

        func portsCell(_ ports: [PortSpec]) -> String {
            ports.map { XMLEscaper.text(Self.portText($0)) }.joined(separator: "<br />")
        }

        func descriptionCell(_ items: [LocalizedItem]) -> String {
            var out = ""
            var index = 0
            while index < items.count {
                if items[index].kind == .bullet {
                    out += "<ul>"
                    while index < items.count, items[index].kind == .bullet {
                        out += "<li>" + paragraph(items[index].paragraph) + "</li>"
                        index += 1
                    }
                    out += "</ul>"
                } else {
                    if index > 0, items[index - 1].kind == .line { out += "<br />" }
                    out += paragraph(items[index].paragraph)
                    index += 1
                }
            }
            return out
        }
    }

    /// The context for `Templates/xhtml/page.mustache`.
    public static func context(_ doc: LocalizedDocument, needs: Set<String>? = nil) -> TemplateValue {
        var model = PageModel.build(doc, writer: Writer(), needs: needs)
        model["stylesheet"] = "../style.css"
        model["languageIndex"] = "../index.html"
        return .object(model)
    }

    public static func render(_ doc: LocalizedDocument, templates: TemplateSet) -> Result<String, Diagnostic> {
        templates.render(format: format, name: "page", context: context(doc, needs: templates.referencedNames(format: format)))
    }

    /// One language of the index page: its name in its own language and how complete it is.
    public struct IndexEntry: Sendable {
        public var tag: String
        public var name: String
        public var title: String
        public var translated: Int
        public var total: Int
        public init(tag: String, name: String, title: String, translated: Int, total: Int) {
            self.tag = tag
            self.name = name
            self.title = title
            self.translated = translated
            self.total = total
        }
    }

    /// `html/index.html`: every language, named in its own language.
    public static func renderIndex(_ entries: [IndexEntry], sourceLocale: String, title: String, templates: TemplateSet) -> Result<String, Diagnostic> {
        let context: TemplateValue = [
            "locale": .string(sourceLocale),
            "title": .string(XMLEscaper.text(title)),
            "stylesheet": "style.css",
            "languages": .list(entries.map { e in
                [
                    "tag": .string(e.tag),
                    "name": .string(XMLEscaper.text(e.name)),
                    "title": .string(XMLEscaper.text(e.title)),
                    "href": .string("\(e.tag)/index.html"),
                    "translated": .string(String(e.translated)),
                    "total": .string(String(e.total)),
                    "percent": .string(String(e.total == 0 ? 100 : e.translated * 100 / e.total)),
                ]
            }),
        ]
        return templates.render(format: format, name: "index", context: context)
    }
}
