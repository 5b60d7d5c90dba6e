/// XHTML 1.0 Strict pages, also valid HTML5: `html/<locale>/index.html` and the language index.
public enum XHTMLRenderer {
    public static let format = "xhtml"

    struct Writer: FormatWriter {
        /// The page's direction: on a right-to-left page, URLs, host names and port numbers are
        /// left-to-right runs, isolated so that they do not scramble (an element with `dir` is
        /// isolated in HTML5; XHTML 1.0 has no `bdi`).
        var direction: TextDirection
        var layout = OutputLayout(isSet: false)

        /// How a left-to-right run (a port, a host name) is marked: isolated on a right-to-left page.
        var codeRun: TextValue { TextValue("", dir: direction == .rtl ? .ltr : nil) }

        func appendInline(_ text: LocalizedText, to out: inout [UInt8]) {
            XHTMLSyntax.appendMarked(PageModel.textValue("", lang: text.fallbackLocale, page: direction), to: &out) { out in
                for piece in text.pieces {
                    switch piece {
                    case .text(let s): XMLEscaper.appendText(s, to: &out)
                    case .host(let s): XHTMLSyntax.appendMarked(codeRun, to: &out) { XMLEscaper.appendText(s, to: &$0) }
                    // class="url": the link shows its own address, so print needs not repeat it.
                    case .link(let url):
                        out.append(contentsOf: #"<a class="url" href=""#.utf8)
                        XMLEscaper.appendAttribute(url, to: &out)
                        out.append(UInt8(ascii: "\""))
                        if direction == .rtl { out.append(contentsOf: #" dir="ltr""#.utf8) }
                        out.append(UInt8(ascii: ">"))
                        XMLEscaper.appendText(url, to: &out)
                        out.append(contentsOf: "</a>".utf8)
                    }
                }
            }
        }

        func href(toLocale locale: String, from doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.page(document: doc.id, locale: doc.locale), to: layout.page(document: doc.id, locale: locale))
        }

        /// A marker with its back-link target; occurrence 0 (a connection list's marker) has none.
        func appendMarker(_ ref: FootnoteRef, to out: inout [UInt8]) {
            // Written piece by piece: an interpolation cost about 1,000 instructions a marker.
            out.append(contentsOf: ##"<sup class="fnref"><a href="#fn-"##.utf8)
            out.append(contentsOf: ref.id.utf8)
            out.append(UInt8(ascii: "\""))
            if ref.occurrence > 0 {
                out.append(contentsOf: #" id="fnref-"#.utf8)
                out.append(contentsOf: ref.id.utf8)
                out.append(UInt8(ascii: "-"))
                UTF8Bytes.appendDecimal(ref.occurrence, to: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: ">"))
            UTF8Bytes.appendDecimal(ref.number, to: &out)
            out.append(contentsOf: "</a></sup>".utf8)
        }

        func diagramHref(_ doc: LocalizedDocument) -> String? {
            OutputLayout.link(from: layout.page(document: doc.id, locale: doc.locale), to: layout.diagram(document: doc.id, locale: doc.locale))
        }

        func appendPortsCell(_ ports: [PortSpec], to out: inout [UInt8]) {
            for (index, port) in ports.enumerated() {
                if index > 0 { out.append(contentsOf: "<br />".utf8) }
                XHTMLSyntax.appendMarked(codeRun, to: &out) { Self.appendPortText(port, to: &$0, escape: XMLEscaper.appendText, escapeInside: XMLEscaper.appendText) }
            }
        }

        func appendDescriptionCell(_ items: [LocalizedItem], to out: inout [UInt8]) {
            var index = 0
            while index < items.count {
                if items[index].kind == .bullet {
                    out.append(contentsOf: "<ul>".utf8)
                    while index < items.count, items[index].kind == .bullet {
                        out.append(contentsOf: "<li>".utf8)
                        appendParagraph(items[index].paragraph, to: &out)
                        out.append(contentsOf: "</li>".utf8)
                        index += 1
                    }
                    out.append(contentsOf: "</ul>".utf8)
                } else {
                    if index > 0, items[index - 1].kind == .line { out.append(contentsOf: "<br />".utf8) }
                    appendParagraph(items[index].paragraph, to: &out)
                    index += 1
                }
            }
        }
    }

    /// The context for `Templates/xhtml/page.mustache`.
    public static func context(_ doc: LocalizedDocument, layout: OutputLayout = OutputLayout(isSet: false)) -> TemplateValue {
        var model = PageModel.build(doc, writer: Writer(direction: doc.direction, layout: layout))
        let page = layout.page(document: doc.id, locale: doc.locale)
        model["stylesheet"] = .plain(OutputLayout.link(from: page, to: OutputLayout.stylesheet))
        model["languageIndex"] = .plain(OutputLayout.link(from: page, to: OutputLayout.home))
        model["isSet"] = .bool(layout.isSet)
        model["portIndex"] = .plain(OutputLayout.link(from: page, to: layout.portIndex(locale: doc.locale)))
        model["script"] = .plain(OutputLayout.link(from: page, to: OutputLayout.script))
        return .object(model)
    }

    /// The page's UTF-8 (see `Template.renderBytes`, also for `reserving`).
    public static func render(_ doc: LocalizedDocument, layout: OutputLayout = OutputLayout(isSet: false), templates: TemplateSet, reserving: Int = 0) -> Result<[UInt8], Diagnostic> {
        templates.renderBytes(format: format, name: "page", context: context(doc, layout: layout), reserving: reserving)
    }

    /// One language of the index page: its name in its own language and how complete it is.
    public struct IndexEntry: Sendable {
        public var tag: String
        public var name: String
        /// The document's title in that language (from its fallback chain where untranslated).
        public var title: LocalizedText
        public var translated: Int
        public var total: Int
        public var isSource: Bool
        public init(tag: String, name: String, title: LocalizedText, translated: Int, total: Int, isSource: Bool = false) {
            self.tag = tag
            self.name = name
            self.title = title
            self.translated = translated
            self.total = total
            self.isSource = isSource
        }
    }

    /// `html/index.html`: every language, named in its own language, with a completeness bar.
    /// It is written in the source locale, whose interface strings `ui` holds.
    public static func renderIndex(_ entries: [IndexEntry], locale: String, title: LocalizedText, interface: [String: LocalizedText], templates: TemplateSet) -> Result<String, Diagnostic> {
        let direction = TextDirection.of(locale)
        let writer = Writer(direction: direction)
        var ui: TemplateObject = [:]
        for (key, text) in interface {
            PageModel.insert(writer.value(text, page: direction), path: key.split(separator: ".").dropFirst().map(String.init), into: &ui)
        }
        let context: TemplateValue = [
            "locale": .plain(locale),
            "dir": .plain(direction.rawValue),
            "title": writer.value(title, page: direction),
            "stylesheet": .plain("style.css"),
            "ui": .object(ui),
            "languages": .list(entries.map { e in
                let direction = TextDirection.of(e.tag)
                let percent = e.total == 0 ? 100 : e.translated * 100 / e.total
                return [
                    "tag": .plain(e.tag),
                    "dir": .plain(direction.rawValue),
                    "name": .plain(e.name),
                    // The title as that language's page shows it, marked with the language it is in.
                    "title": Writer(direction: direction).value(e.title, page: direction),
                    "href": .plain("\(e.tag)/index.html"),
                    "translated": .plain(String(e.translated)),
                    "total": .plain(String(e.total)),
                    "percent": .plain(String(percent)),
                    "isSource": .bool(e.isSource),
                ]
            }),
        ]
        return templates.render(format: format, name: "index", context: context)
    }
}
