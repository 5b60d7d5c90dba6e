/// Brings one PO file in line with the source text, the way `msgmerge --previous` does:
/// - a key the file lacks is added untranslated;
/// - an entry whose source text changed keeps its translation, gets `#, fuzzy` and the old text as `#| msgid`;
/// - an entry whose key the source no longer has becomes obsolete (`#~`), never deleted;
/// - an obsolete entry whose key came back is revived;
/// - a new key whose source text equals that of a vanished key takes over its translation, marked fuzzy
///   with `#| msgctxt` naming the old key (a renamed key);
/// - translator comments, flags and the header are kept; extracted comments (`#.`) are regenerated.
/// Active entries follow the source order; obsolete entries follow them in their previous order.
public enum POMerge {
    public struct Summary: Sendable, Equatable {
        public var added: [String] = []
        public var fuzzied: [String] = []
        public var renamed: [(from: String, to: String)] = []
        public var revived: [String] = []
        public var obsoleted: [String] = []
        public var updatedUntranslated: [String] = []
        /// Entries whose only change is their regenerated notes for translators (`#.`).
        public var renoted: [String] = []
        public var unchanged = 0

        public var changesNothing: Bool {
            added.isEmpty && fuzzied.isEmpty && renamed.isEmpty && revived.isEmpty && obsoleted.isEmpty && updatedUntranslated.isEmpty
        }

        public static func == (a: Summary, b: Summary) -> Bool {
            a.added == b.added && a.fuzzied == b.fuzzied && a.revived == b.revived && a.obsoleted == b.obsoleted
                && a.updatedUntranslated == b.updatedUntranslated && a.renoted == b.renoted && a.unchanged == b.unchanged
                && a.renamed.map(\.from) == b.renamed.map(\.from) && a.renamed.map(\.to) == b.renamed.map(\.to)
        }

        /// One line such as `2 new, 1 fuzzy (source changed), 1 obsolete, 58 unchanged`.
        public var line: String {
            var parts: [String] = []
            if !added.isEmpty { parts.append("\(added.count) new") }
            if !fuzzied.isEmpty { parts.append("\(fuzzied.count) fuzzy (source changed)") }
            if !renamed.isEmpty { parts.append("\(renamed.count) renamed key\(renamed.count == 1 ? "" : "s") (fuzzy)") }
            if !updatedUntranslated.isEmpty { parts.append("\(updatedUntranslated.count) untranslated with a new source") }
            if !revived.isEmpty { parts.append("\(revived.count) revived") }
            if !obsoleted.isEmpty { parts.append("\(obsoleted.count) obsolete") }
            if !renoted.isEmpty { parts.append("\(renoted.count) with new notes for translators") }
            parts.append("\(unchanged) unchanged")
            return parts.joined(separator: ", ")
        }
    }

    /// `notes` gives the extracted comments (`#.`) each key should carry; keys it lacks get none.
    public static func merge(_ file: POFile, source: SourceText, notes: [String: [String]] = [:]) -> (POFile, Summary) {
        var summary = Summary()
        let entries = file.entries
        // Which original entry each source key continues: its active entry, else an obsolete one.
        var activeIndex: [String: Int] = [:]
        var obsoleteIndex: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            guard let key = entry.context, source[key] != nil else { continue }
            if entry.isObsolete {
                if obsoleteIndex[key] == nil { obsoleteIndex[key] = i }
            } else if activeIndex[key] == nil {
                activeIndex[key] = i
            }
        }
        var used = Set<Int>()
        var merged: [POEntry] = []
        for sourceEntry in source.entries {
            let key = sourceEntry.key
            let text = sourceEntry.text
            let notesForKey = notes[key] ?? []
            if let i = activeIndex[key] {
                used.insert(i)
                var entry = entries[i]
                let sourceChanged = update(&entry, to: text, summary: &summary, key: key)
                entry.extractedComments = notesForKey
                if entry == entries[i] { summary.unchanged += 1 } else if !sourceChanged { summary.renoted.append(key) }
                merged.append(entry)
            } else if let i = obsoleteIndex[key] {
                used.insert(i)
                var entry = entries[i]
                entry.isObsolete = false
                update(&entry, to: text, summary: &summary, key: key)
                entry.extractedComments = notesForKey
                summary.revived.append(key)
                merged.append(entry)
            } else if let i = entries.indices.first(where: { i in
                let e = entries[i]
                return !used.contains(i) && !e.isObsolete && e.id == text && e.idPlural == nil && !e.string.isEmpty
                    && e.context.map { source[$0] == nil } == true
            }) {
                // A renamed key: same source text under a key the source no longer has.
                used.insert(i)
                var entry = entries[i]
                entry.previousContext = entry.context
                entry.previousID = nil
                entry.context = key
                if !entry.isFuzzy { entry.flags.append("fuzzy") }
                entry.extractedComments = notesForKey
                summary.renamed.append((from: entries[i].context ?? "", to: key))
                merged.append(entry)
            } else {
                var entry = POEntry(context: key, id: text)
                entry.extractedComments = notesForKey
                summary.added.append(key)
                merged.append(entry)
            }
        }
        // Every other entry is kept as obsolete, in its previous order: nothing is deleted.
        var tail: [POEntry] = []
        for (i, entry) in entries.enumerated() where !used.contains(i) {
            var entry = entry
            if !entry.isObsolete {
                entry.isObsolete = true
                summary.obsoleted.append(entry.context ?? entry.id)
            }
            tail.append(entry)
        }
        var result = file
        result.entries = merged + tail
        return (result, summary)
    }

    /// Moves `entry` to the source text `text`: unchanged when equal; otherwise fuzzy with the old text
    /// as previous msgid when it had a translation, or simply the new msgid when it had none.
    @discardableResult
    static func update(_ entry: inout POEntry, to text: String, summary: inout Summary, key: String) -> Bool {
        guard entry.id != text else { return false }
        let hasTranslation = entry.strings.contains { !$0.isEmpty }
        if hasTranslation {
            // A fuzzy entry keeps the msgid its translation was made for, not an intermediate one.
            if !(entry.isFuzzy && entry.previousID != nil) { entry.previousID = entry.id }
            if !entry.isFuzzy { entry.flags.append("fuzzy") }
            summary.fuzzied.append(key)
        } else {
            summary.updatedUntranslated.append(key)
        }
        entry.id = text
        return true
    }
}
