/// A new translation file for one locale: a header and every source message untranslated.
public enum NewLocale {
    /// `Plural-Forms` values from the GNU gettext manual ("Plural forms"), by primary language subtag.
    /// Languages it does not list get no Plural-Forms header; `locales add` says so.
    public static let pluralForms: [String: String] = {
        var table: [String: String] = [:]
        let one = "nplurals=1; plural=0;"
        let germanic = "nplurals=2; plural=(n != 1);"
        let french = "nplurals=2; plural=(n > 1);"
        let slavicEast = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
        for tag in ["ja", "vi", "ko", "zh", "th", "id", "ms", "lo", "my", "ka"] { table[tag] = one }
        for tag in ["en", "de", "nl", "sv", "da", "no", "nb", "nn", "fo", "es", "it", "el", "bg", "fi", "et", "he",
                    "eo", "hu", "tr", "ca", "eu", "gl", "sq", "af", "az", "kk", "ky", "mn", "ur", "hi", "bn", "ta",
                    "te", "ml", "kn", "mr", "gu", "pa", "ne", "sw", "uz", "is", "pt"] { table[tag] = germanic }
        for tag in ["fr", "oc", "hy", "fil", "tl", "ln", "am", "ti"] { table[tag] = french }
        for tag in ["ru", "uk", "be", "sr", "hr", "bs"] { table[tag] = slavicEast }
        table["lv"] = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);"
        table["ga"] = "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;"
        table["ro"] = "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;"
        table["lt"] = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
        table["cs"] = "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"
        table["sk"] = table["cs"]
        table["pl"] = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
        table["sl"] = "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);"
        table["ar"] = "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
        return table
    }()

    /// The Plural-Forms header for a BCP 47 tag, by its primary language subtag.
    public static func pluralForms(for tag: String) -> String? {
        guard let language = tag.split(separator: "-").first?.lowercased() else { return nil }
        // gettext's table: Brazilian Portuguese uses the singular for 0 and 1, Portuguese for 1 only.
        if language == "pt", tag.lowercased().hasPrefix("pt-br") { return pluralForms["fr"] }
        return pluralForms[language]
    }

    /// A PO file for `tag` with every source message untranslated, in source order.
    /// `revisionDate` fills `PO-Revision-Date` (gettext's format `YYYY-MM-DD HH:MM+ZZZZ`).
    public static func file(tag: String, path: String, projectID: String, source: SourceText,
                            notes: [String: [String]] = [:], revisionDate: String) -> POFile {
        var fields: [(String, String)] = [
            ("Project-Id-Version", projectID),
            ("PO-Revision-Date", revisionDate),
            ("Last-Translator", ""),
            ("Language-Team", ""),
            ("Language", tag),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
        ]
        if let plural = pluralForms(for: tag) { fields.append(("Plural-Forms", plural)) }
        var header = POEntry(id: "", string: fields.map { "\($0.0): \($0.1)\n" }.joined())
        header.translatorComments = ["\(tag) translation of \(projectID); source language \(source.locale).",
                                     "Created by portdoc locales add; keep it current with portdoc locales update."]
        let entries = source.entries.map { entry -> POEntry in
            var e = POEntry(context: entry.key, id: entry.text)
            e.extractedComments = notes[entry.key] ?? []
            return e
        }
        return POFile(path: path, header: header, entries: entries)
    }
}
