/// The state of one message in one locale, judged against the current source text.
public enum MessageStatus: String, Sendable, Equatable {
    /// Translated against the current source text.
    case translated
    /// Marked `#, fuzzy` by a translator or by `locales update`.
    case fuzzy
    /// The entry's msgid is not the current source text: the source changed since.
    case stale
    /// Present with an empty msgstr.
    case untranslated
    /// The PO file has no entry for the key.
    case missing
}

/// One locale's translations, indexed by message key, judged against the source text.
public struct Translation: Sendable {
    public var locale: String
    public var file: POFile
    private var byKey: [String: POEntry] = [:]

    public init(locale: String, file: POFile) {
        self.locale = locale
        self.file = file
        for entry in file.activeEntries {
            if let key = entry.context, byKey[key] == nil { byKey[key] = entry }
        }
    }

    public func entry(for key: String) -> POEntry? { byKey[key] }

    public func status(of key: String, source: String) -> MessageStatus {
        guard let entry = byKey[key] else { return .missing }
        if entry.isFuzzy { return .fuzzy }
        if entry.id != source { return .stale }
        return entry.string.isEmpty ? .untranslated : .translated
    }

    /// The translated text when it is usable (translated against the current source), else nil.
    public func text(for key: String, source: String) -> String? {
        status(of: key, source: source) == .translated ? byKey[key]?.string : nil
    }

    /// Entries whose key the source no longer has.
    public func unknownEntries(in source: SourceText) -> [POEntry] {
        file.activeEntries.filter { $0.context.map { source[$0] == nil } ?? true }
    }
}
