/// The writing direction of a language (Unicode bidi: the paragraph direction its text needs).
public enum TextDirection: String, Sendable, Equatable {
    case ltr, rtl

    /// Scripts written right to left (ISO 15924 codes).
    static let rtlScripts: Set<String> = ["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr", "mend", "yezi", "sogd", "aran"]
    /// Languages whose default script is written right to left.
    static let rtlLanguages: Set<String> = ["ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb", "syr", "ks", "prs", "pnb", "azb", "lrc", "mzn", "glk", "bal", "ji", "arc", "nqo"]

    /// The direction of a BCP 47 tag: an explicit script subtag decides (`az-Arab` is right to
    /// left, `ks-Deva` left to right), else the language (ar, he, fa, ur, … are right to left).
    public static func of(_ tag: String) -> TextDirection {
        let subtags = tag.lowercased().split(separator: "-").map(String.init)
        guard let language = subtags.first else { return .ltr }
        if let script = subtags.dropFirst().first(where: { $0.count == 4 && $0.allSatisfy(\.isLetter) }) {
            return rtlScripts.contains(script) ? .rtl : .ltr
        }
        return rtlLanguages.contains(language) ? .rtl : .ltr
    }
}
