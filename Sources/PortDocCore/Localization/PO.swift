/// One gettext PO entry. PortDoc uses `msgctxt` for the message key and `msgid` for the source text.
public struct POEntry: Sendable, Equatable {
    public var translatorComments: [String] = []
    public var extractedComments: [String] = []
    public var references: [String] = []
    public var flags: [String] = []
    public var previousContext: String?
    public var previousID: String?
    public var context: String?
    public var id: String = ""
    public var idPlural: String?
    /// `msgstr`, or `msgstr[0]`, `msgstr[1]` … for plural entries.
    public var strings: [String] = [""]
    public var isObsolete = false
    /// Where the entry's first keyword stands.
    public var location: SourceLocation?
    /// Where `msgstr` stands.
    public var stringLocation: SourceLocation?

    public init(context: String? = nil, id: String, string: String = "") {
        self.context = context
        self.id = id
        self.strings = [string]
    }

    public var string: String {
        get { strings.first ?? "" }
        set { if strings.isEmpty { strings = [newValue] } else { strings[0] = newValue } }
    }

    public var isFuzzy: Bool { flags.contains("fuzzy") }
    public var isTranslated: Bool { !isFuzzy && !strings.isEmpty && strings.allSatisfy { !$0.isEmpty } }
    public var isHeader: Bool { context == nil && id.isEmpty && !isObsolete }

    public static func == (a: POEntry, b: POEntry) -> Bool {
        a.translatorComments == b.translatorComments && a.extractedComments == b.extractedComments
            && a.references == b.references && a.flags == b.flags && a.previousContext == b.previousContext
            && a.previousID == b.previousID && a.context == b.context && a.id == b.id && a.idPlural == b.idPlural
            && a.strings == b.strings && a.isObsolete == b.isObsolete
    }
}

/// A PO file: its header entry (msgid "") and the messages, in file order.
public struct POFile: Sendable, Equatable {
    public var path: String
    public var header: POEntry?
    public var entries: [POEntry]

    public init(path: String, header: POEntry?, entries: [POEntry]) {
        self.path = path
        self.header = header
        self.entries = entries
    }

    /// Header fields (`Language`, `Plural-Forms` …) in order.
    public var headerFields: [(name: String, value: String)] {
        guard let header else { return [] }
        return header.string.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " "))
        }
    }

    public func headerField(_ name: String) -> String? {
        headerFields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var activeEntries: [POEntry] { entries.filter { !$0.isObsolete } }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
