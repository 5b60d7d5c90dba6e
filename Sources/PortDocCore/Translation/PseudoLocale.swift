/// The pseudo-locale `qps-ploc`, generated from the source text on demand: every letter accented,
/// about 40 % longer, and bracketed, so that layout problems show and any text that is not
/// accented escaped translation (it is hard-coded in a template or in code).
public enum PseudoLocale {
    public static let tag = "qps-ploc"

    static let accents: [Character: Character] = [
        "a": "á", "b": "ƀ", "c": "ç", "d": "ð", "e": "é", "f": "ƒ", "g": "ĝ", "h": "ĥ", "i": "í", "j": "ĵ",
        "k": "ķ", "l": "ļ", "m": "ɱ", "n": "ñ", "o": "ö", "p": "þ", "q": "ǫ", "r": "ŕ", "s": "š", "t": "ţ",
        "u": "û", "v": "ṽ", "w": "ŵ", "x": "ẋ", "y": "ý", "z": "ž",
        "A": "Å", "B": "Ɓ", "C": "Ç", "D": "Ð", "E": "É", "F": "Ƒ", "G": "Ĝ", "H": "Ĥ", "I": "Í", "J": "Ĵ",
        "K": "Ķ", "L": "Ļ", "M": "Ṁ", "N": "Ñ", "O": "Ö", "P": "Þ", "Q": "Ǫ", "R": "Ŕ", "S": "Š", "T": "Ţ",
        "U": "Û", "V": "Ṽ", "W": "Ŵ", "X": "Ẋ", "Y": "Ý", "Z": "Ž",
    ]

    /// Pseudo-translates one message. Placeholders (`{name}`, `{{`, `}}`), digits and glossary terms
    /// stay as they are, so that the result passes every consistency check.
    public static func translate(_ text: String, glossary: Glossary = .empty) -> String {
        guard case .success(let pieces) = Placeholder.parse(text) else { return text }
        let protected = glossary.terms.sorted { ($0.count, $0) > ($1.count, $1) }
        var body = ""
        for piece in pieces {
            switch piece {
            case .placeholder(let name): body += "{\(name)}"
            case .literal(let literal):
                var rest = Substring(literal)
                var previous: Character? = nil
                while let c = rest.first {
                    // A glossary term standing as a whole word stays as it is.
                    if previous.map(isWordCharacter) != true,
                       let term = protected.first(where: { rest.hasPrefix($0) && rest.dropFirst($0.count).first.map(isWordCharacter) != true }) {
                        body += term.replacing("{", with: "{{").replacing("}", with: "}}")
                        rest = rest.dropFirst(term.count)
                        previous = term.last
                        continue
                    }
                    previous = c
                    if c == "{" { body += "{{" } else if c == "}" { body += "}}" } else { body.append(accents[c] ?? c) }
                    rest = rest.dropFirst()
                }
            }
        }
        // About 40 % longer: brackets, a space and padding make up 40 % of the text's length.
        let padding = String(repeating: "·", count: max(1, (body.count * 2 + 4) / 5 - 3))
        return "[\(body) \(padding)]"
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }

    /// A translation for `qps-ploc` covering every source message.
    public static func translation(for source: SourceText, glossary: Glossary = .empty) -> Translation {
        var header = POEntry(id: "", string: "Language: \(tag)\nContent-Type: text/plain; charset=UTF-8\n")
        header.translatorComments = ["Pseudo-locale generated from the source text; not a translation."]
        let entries = source.entries.map { POEntry(context: $0.key, id: $0.text, string: translate($0.text, glossary: glossary)) }
        return Translation(locale: tag, file: POFile(path: "(pseudo-locale \(tag))", header: header, entries: entries))
    }
}

extension Project {
    /// This project with the pseudo-locale added as a translation.
    public func addingPseudoLocale() -> Project {
        var copy = self
        copy.translations[PseudoLocale.tag] = PseudoLocale.translation(for: source, glossary: glossary)
        return copy
    }
}
