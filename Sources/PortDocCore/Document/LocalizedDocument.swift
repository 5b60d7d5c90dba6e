/// One document in one language: every message resolved, placeholders filled, footnotes numbered.
/// Renderers work from this value alone.
public struct LocalizedDocument: Sendable, Equatable {
    public var locale: String
    public var sourceLocale: String
    /// The direction of the locale's script.
    public var direction: TextDirection { TextDirection.of(locale) }
    public var id: String
    public var title: LocalizedText
    public var intro: [Paragraph]
    public var notices: [Paragraph]
    public var sections: [LocalizedSection]
    public var footnotes: [LocalizedFootnote]
    public var closing: [Paragraph]
    /// Interface strings (`ui.*` keys), resolved like any other message.
    public var interface: [String: LocalizedText]
    public var man: ManInfo
    /// Every locale of the project, with its name in its own language, for language switchers.
    public var languages: [Language]
    /// The parties of the network diagram and the connections between them (one per target of a
    /// catalog connection), in catalog order; empty when the catalog declares none.
    public var endpoints: [LocalizedEndpoint] = []
    public var connections: [LocalizedConnection] = []
    /// The index of the intro paragraph the diagram follows (the one announcing it).
    public var diagramAfter: Int?
    /// Messages shown from another locale of the fallback chain, in document order; each key once.
    public var fallbacks: [Fallback]

    public func ui(_ key: String) -> LocalizedText {
        interface[key] ?? LocalizedText(pieces: [.text(key)], fallbackLocale: nil)
    }
}

public struct Language: Sendable, Equatable {
    public var tag: String
    /// The language's name in that language ("Deutsch", "English").
    public var name: String
}

public struct Fallback: Sendable, Equatable {
    public var key: String
    /// The message's status in the page's locale.
    public var status: MessageStatus
    /// The locale whose text is shown instead.
    public var locale: String
}

/// Text after placeholder substitution: literal runs, links and host names.
public struct LocalizedText: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case text(String)
        case link(String)
        case host(String)
    }

    public var pieces: [Piece]
    /// Set when the text is shown from another locale of the fallback chain (the source language
    /// last) because the page's locale has no usable translation.
    public var fallbackLocale: String?

    /// The text as a reader sees it.
    public var plain: String {
        // Most texts are one piece: no array to build and join.
        if pieces.count == 1, case .text(let s) = pieces[0] { return s }
        return pieces.map {
            switch $0 {
            case .text(let s), .link(let s), .host(let s): s
            }
        }.joined()
    }
}

/// A footnote reference at one place in the text; `occurrence` counts from 1 per footnote.
public struct FootnoteRef: Sendable, Equatable {
    public var id: String
    public var number: Int
    public var occurrence: Int
}

public struct Paragraph: Sendable, Equatable {
    public var text: LocalizedText
    public var footnotes: [FootnoteRef]
}

public struct LocalizedSection: Sendable, Equatable {
    public var id: String
    public var heading: LocalizedText
    public var tables: [LocalizedTable]
}

public struct LocalizedTable: Sendable, Equatable {
    public var id: String
    public var caption: Paragraph?
    public var rows: [LocalizedRow]
}

public struct LocalizedRow: Sendable, Equatable {
    /// The row's anchor on its page: `row-<id>` for a row with an id, else `row-<table>-<n>`.
    public var anchor: String
    public var proto: String
    public var transport: Transport
    public var ports: [PortSpec]
    public var description: [LocalizedItem]
}

public struct LocalizedItem: Sendable, Equatable {
    public var kind: DescriptionItem.Kind
    public var paragraph: Paragraph
}

public struct LocalizedFootnote: Sendable, Equatable {
    public var id: String
    public var number: Int
    public var text: LocalizedText
    /// How many times the footnote is referenced, for back-links.
    public var references: Int
}

public struct LocalizedEndpoint: Sendable, Equatable {
    public var id: String
    public var label: LocalizedText
    /// The role (section) the endpoint belongs to, with its heading.
    public var section: String?
}

/// One edge of the network diagram: the row's protocol and ports between two endpoints.
public struct LocalizedConnection: Sendable, Equatable {
    public var row: String
    public var from: String
    public var to: String
    public var directed: Bool
    public var proto: String
    /// "TCP 2222 (configurable)": the protocol and each port, from the row.
    public var portsText: LocalizedText
    /// Each port as `portsText` shows it ("2222 (configurable)", "1433 (Microsoft SQL)").
    public var portLabels: [String]
    /// The whole connection as a sentence (`ui.connection.directed` or `.undirected`).
    public var sentence: LocalizedText
    /// Footnotes the row refers to (the GCM/FCM deprecation), for markers on the edge and in lists.
    public var footnotes: [FootnoteRef]
}
