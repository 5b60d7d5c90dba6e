/// The glossary as files for translators' tools. Pure: glossary and locales in, text out.
public enum TermbaseExport {
    /// TBX (ISO 30042:2019, TBX-Core dialect, which Weblate, Poedit and OmegaT import): one
    /// `conceptEntry` per term, a `langSec` with `xml:lang` for the source and for every locale,
    /// holding the approved rendering or, for a do-not-translate term, the term itself.
    public static func tbx(_ glossary: Glossary, sourceLocale: String, locales: [String]) -> String {
        func x(_ s: String) -> String { XMLEscaper.attribute(s) }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <tbx type="TBX-Core" style="dca" xml:lang="\(x(sourceLocale))" xmlns="urn:iso:std:iso:30042:ed-2">
            <tbxHeader>
            <fileDesc>
            <sourceDesc>
            <p>PortDoc termbase\(glossary.path.map { " (\(x($0)))" } ?? "")</p>
            </sourceDesc>
            </fileDesc>
            </tbxHeader>
            <text>
            <body>

            """
        for (index, entry) in glossary.entries.enumerated() {
            out += "<conceptEntry id=\"term-\(index + 1)\">\n"
            let kind = locales.contains(where: { entry.translations[$0] != nil || glossary.rendering(of: entry.term, in: $0) != entry.term })
                ? "approved renderings per language" : "do not translate"
            out += "<note>\(x(kind + (entry.note.map { "; " + $0 } ?? "")))</note>\n"
            for locale in [sourceLocale] + locales.filter({ $0 != sourceLocale }) {
                let term = locale == sourceLocale ? entry.term : glossary.rendering(of: entry.term, in: locale)
                out += "<langSec xml:lang=\"\(x(locale))\"><termSec><term>\(x(term))</term></termSec></langSec>\n"
            }
            out += "</conceptEntry>\n"
        }
        out += "</body>\n</text>\n</tbx>\n"
        return out
    }

    /// CSV (RFC 4180): with one locale, Weblate's glossary columns `source,target,explanation`;
    /// without, one column per locale (the source first) and `note`.
    public static func csv(_ glossary: Glossary, sourceLocale: String, locales: [String]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacing("\"", with: "\"\"") + "\"" : s
        }
        let targets = locales.filter { $0 != sourceLocale }
        var rows: [[String]] = []
        if targets.count == 1, let locale = targets.first {
            rows.append(["source", "target", "explanation"])
            for entry in glossary.entries {
                rows.append([entry.term, glossary.rendering(of: entry.term, in: locale), entry.note ?? ""])
            }
        } else {
            rows.append([sourceLocale] + targets + ["note"])
            for entry in glossary.entries {
                rows.append([entry.term] + targets.map { glossary.rendering(of: entry.term, in: $0) } + [entry.note ?? ""])
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}
