/// BCP 47 language tags (RFC 5646 syntax), as used for `Locales/<tag>.po` and output folders.
public enum LocaleTag {
    /// Why `tag` is not a usable well-formed BCP 47 tag, or nil when it is.
    /// A valid tag contains only ASCII letters, digits and '-', so it is always safe as one path component.
    public static func problem(with tag: String) -> String? {
        if tag.isEmpty { return "is empty; expected a BCP 47 language tag such as 'en' or 'pt-BR'" }
        guard tag.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }) else {
            return "'\(printable(tag))' is not a BCP 47 language tag: only letters, digits and '-' are allowed"
        }
        if isWellFormed(tag) { return nil }
        return "'\(tag)' is not a well-formed BCP 47 language tag (such as 'en', 'de-CH', 'sr-Latn', 'qps-ploc')"
    }

    public static func isValid(_ tag: String) -> Bool { problem(with: tag) == nil }

    /// A gettext locale name as a BCP 47 tag: `pt_BR` → `pt-BR`, `sr@latin` → `sr-Latn`,
    /// `uz@cyrillic` → `uz-Cyrl`; a tag that is already BCP 47 stays as it is.
    public static func fromGettext(_ name: String) -> String {
        var base = name, script = ""
        if let at = name.firstIndex(of: "@") {
            base = String(name[..<at])
            switch name[name.index(after: at)...].lowercased() {
            case "latin": script = "Latn"
            case "cyrillic": script = "Cyrl"
            default: break
            }
        }
        var parts = base.split(separator: "_").map(String.init)
        if !script.isEmpty { parts.insert(script, at: min(1, parts.count)) }
        return parts.joined(separator: "-")
    }

    /// Shows control characters and NUL visibly in messages.
    static func printable(_ s: String) -> String {
        s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }

    static func isWellFormed(_ tag: String) -> Bool {
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard subtags.allSatisfy({ !$0.isEmpty && $0.count <= 8 }) else { return false }
        var i = 0
        func alpha(_ s: String) -> Bool { s.allSatisfy { $0.isASCII && $0.isLetter } }
        func digit(_ s: String) -> Bool { s.allSatisfy { $0.isASCII && $0.isNumber } }
        func alnum(_ s: String) -> Bool { s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        // Private-use tag: x-...
        if subtags[0].lowercased() == "x" {
            return subtags.count > 1 && subtags.dropFirst().allSatisfy { alnum($0) }
        }
        // language: 2-3 letters (+ up to 3 extlang) or 4-8 letters
        guard alpha(subtags[0]), (2...8).contains(subtags[0].count) else { return false }
        i = 1
        if subtags[0].count <= 3 {
            var ext = 0
            while i < subtags.count, ext < 3, subtags[i].count == 3, alpha(subtags[i]) { i += 1; ext += 1 }
        }
        if i < subtags.count, subtags[i].count == 4, alpha(subtags[i]) { i += 1 } // script
        if i < subtags.count, (subtags[i].count == 2 && alpha(subtags[i])) || (subtags[i].count == 3 && digit(subtags[i])) { i += 1 } // region
        // variants
        while i < subtags.count, alnum(subtags[i]),
              (5...8).contains(subtags[i].count) || (subtags[i].count == 4 && subtags[i].first?.isNumber == true) { i += 1 }
        // extensions and private use
        while i < subtags.count {
            let singleton = subtags[i].lowercased()
            guard singleton.count == 1, alnum(singleton) else { return false }
            i += 1
            if singleton == "x" {
                return i < subtags.count && subtags[i...].allSatisfy { alnum($0) }
            }
            var count = 0
            while i < subtags.count, subtags[i].count >= 2, alnum(subtags[i]) { i += 1; count += 1 }
            if count == 0 { return false }
        }
        return true
    }
}
