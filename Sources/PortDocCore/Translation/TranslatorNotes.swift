/// Extracted comments (`#.`) for translators, generated from the project: what each message's
/// placeholders stand for, which glossary terms and numbers it must keep. `locales update` and
/// `locales add` write them; translators see them in Poedit or Weblate.
public enum TranslatorNotes {
    /// `locale` adds the glossary's approved renderings for that locale to the notes.
    public static func notes(for project: Project, locale: String? = nil) -> [String: [String]] {
        var placeholderKinds: [String: [String: String]] = [:]
        for ref in project.documents.flatMap(\.textRefs) {
            for (name, value) in ref.args {
                let kind: String
                switch value {
                case .url: kind = "a URL"
                case .host: kind = "a host name"
                }
                placeholderKinds[ref.key, default: [:]][name] = kind
            }
        }
        var result: [String: [String]] = [:]
        for entry in project.source.entries {
            var lines: [String] = []
            if entry.key.hasPrefix(SourceText.interfacePrefix) {
                lines.append("Interface text used by the templates.")
            }
            let names = Placeholder.names(in: entry.text) ?? []
            var seen = Set<String>()
            for name in names where seen.insert(name).inserted {
                let kind = placeholderKinds[entry.key]?[name] ?? "a value filled in by the build"
                lines.append("{\(name)} is \(kind); keep it as it is.")
            }
            let terms = project.glossary.terms(in: entry.text)
            let approved = terms.compactMap { term -> String? in
                guard let locale else { return nil }
                let rendering = project.glossary.rendering(of: term, in: locale)
                return rendering == term ? nil : "\(term) → \(rendering)"
            }
            let keep = terms.filter { term in locale.map { project.glossary.rendering(of: term, in: $0) == term } ?? true }
            if !keep.isEmpty { lines.append("Do not translate: " + keep.joined(separator: ", ") + ".") }
            if !approved.isEmpty { lines.append("Approved terms: " + approved.joined(separator: "; ") + ".") }
            let addresses = ConsistencyChecks.addresses(in: ConsistencyChecks.literalText(entry.text)).sorted()
            if !addresses.isEmpty { lines.append("Keep unchanged: " + addresses.joined(separator: ", ") + ".") }
            let numbers = ConsistencyChecks.numbers(in: ConsistencyChecks.literalText(entry.text)).keys.sorted { ($0.count, $0) < ($1.count, $1) }
            if !numbers.isEmpty { lines.append("Keep the numbers: " + numbers.joined(separator: ", ") + ".") }
            if !lines.isEmpty { result[entry.key] = lines }
        }
        return result
    }
}
