/// The structure of a port document: no prose, only message keys and data.
public struct Catalog: Sendable, Equatable {
    public var path: String
    public var document: DocumentInfo
    public var footnotes: [Footnote]
    public var sections: [Section]
    /// The parties the rows connect: the roles (sections) and the services and machines the
    /// rows name, for the network diagram.
    public var endpoints: [Endpoint]
    /// Which endpoints each row connects; ports and protocol come from the row.
    public var connections: [Connection]

    public init(path: String, document: DocumentInfo, footnotes: [Footnote], sections: [Section], endpoints: [Endpoint] = [], connections: [Connection] = []) {
        self.path = path
        self.document = document
        self.footnotes = footnotes
        self.sections = sections
        self.endpoints = endpoints
        self.connections = connections
    }

    /// The row with `id`, and the section and table it stands in.
    public func row(withID id: String) -> (section: Section, table: PortTable, row: PortRow)? {
        for section in sections {
            for table in section.tables {
                if let row = table.rows.first(where: { $0.id == id }) { return (section, table, row) }
            }
        }
        return nil
    }

    public var tables: [PortTable] { sections.flatMap(\.tables) }
    public var rows: [PortRow] { tables.flatMap(\.rows) }

    /// Every port number the catalog names, ranges expanded, sorted.
    public var distinctPorts: [Int] {
        Set(rows.flatMap { $0.ports.flatMap { Array($0.range) } }).sorted()
    }

    /// Every text reference in document order (title first), for key checks and message extraction.
    public var textRefs: [TextRef] {
        var refs: [TextRef] = []
        forEachTextRef { refs.append($0) }
        return refs
    }

    /// Calls `body` with every text reference, in the order of `textRefs`, without collecting
    /// them (an array of 14,000 copied references for the checks of a 10k-row catalog).
    public func forEachTextRef(_ body: (TextRef) -> Void) {
        body(document.title)
        document.intro.forEach(body)
        document.notices.forEach(body)
        for section in sections {
            body(section.heading)
            for table in section.tables {
                if let caption = table.caption { body(caption) }
                for row in table.rows {
                    for item in row.description { body(item.text) }
                }
            }
        }
        for note in footnotes { body(note.text) }
        document.closing.forEach(body)
        for endpoint in endpoints { body(endpoint.label) }
    }
}

public struct DocumentInfo: Sendable, Equatable {
    public var id: String
    public var sourceLocale: String
    public var title: TextRef
    public var intro: [TextRef]
    public var notices: [TextRef]
    public var closing: [TextRef]
    public var man: ManInfo
    /// The intro paragraph (its message key) that announces the network diagram; it follows it.
    public var diagramAfter: String? = nil
}

/// Fixed metadata for man pages, so that builds do not depend on the clock.
public struct ManInfo: Sendable, Equatable {
    public var name: String
    public var section: String
    /// ISO date `YYYY-MM-DD` shown in `.TH`; nil when the catalog leaves it to the build
    /// (`Project.buildDate`: SOURCE_DATE_EPOCH's day, or today's, in UTC).
    public var date: String?
    /// The product and version shown as `.TH`'s source (fourth argument).
    public var source: String
}

public struct Footnote: Sendable, Equatable {
    public var id: String
    public var text: TextRef
    public var location: SourceLocation
}

public struct Section: Sendable, Equatable {
    public var id: String
    public var heading: TextRef
    public var tables: [PortTable]
    public var location: SourceLocation
}

public struct PortTable: Sendable, Equatable {
    public var id: String
    public var caption: TextRef?
    public var rows: [PortRow]
    public var location: SourceLocation

    /// The anchor of row `index` on its page: `row-<id>`, or `row-<table>-<n>` (n from 1) for a
    /// row without an id. Built on bytes: the interpolations took about 1,300 instructions a row,
    /// made again for every locale.
    public func anchor(ofRow index: Int) -> String {
        if let id = rows[index].id { return "row-" + id }
        return utf8String(reserving: 4 + id.utf8.count + 6) { out in
            out.append(contentsOf: "row-".utf8)
            out.append(contentsOf: id.utf8)
            out.append(UInt8(ascii: "-"))
            UTF8Bytes.appendDecimal(index + 1, to: &out)
        }
    }
}

public enum Transport: String, Sendable, Equatable, CaseIterable {
    case tcp, udp
}

/// A party of the network diagram: a role of the document (a section) or a machine or service
/// the rows name (the database, ESET's repository, Apple Push Notification Service …).
public struct Endpoint: Sendable, Equatable {
    public var id: String
    /// A short label, a message key.
    public var label: TextRef
    /// The section whose role this is, if any (the diagram groups endpoints by role).
    public var section: String?
    public var location: SourceLocation
}

/// The endpoints one row connects. `from` → each of `to` when the row's text states or clearly
/// implies who initiates; otherwise undirected (`directed` false: `from` — each of `to`).
public struct Connection: Sendable, Equatable {
    public var row: String
    public var from: String
    public var to: [String]
    public var directed: Bool
    public var location: SourceLocation
    /// Where each endpoint is named, for diagnostics.
    public var endpointLocations: [String: SourceLocation]
}

public struct PortRow: Sendable, Equatable {
    /// An id, for connections to refer to the row; unique in the catalog.
    public var id: String?
    /// The protocol as the source shows it: TCP, UDP, MQTT, HTTPS …
    public var proto: String
    /// The transport underneath, for machine use.
    public var transport: Transport
    public var ports: [PortSpec]
    public var description: [DescriptionItem]
    public var location: SourceLocation
}

public struct PortSpec: Sendable, Equatable {
    public var range: ClosedRange<Int>
    /// A short product label shown after the number, such as "MySQL" (data, not prose).
    public var label: String?
    /// This port is the failover for that one (443 for 8883).
    public var failoverFor: Int?
    /// The source says the port can be changed.
    public var configurable: Bool
    public var location: SourceLocation

    public var isSingle: Bool { range.lowerBound == range.upperBound }
    /// `2222` or `5228-5230`.
    public var numberText: String {
        isSingle ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }
}

public struct DescriptionItem: Sendable, Equatable {
    public enum Kind: String, Sendable { case line, bullet }
    public var kind: Kind
    public var text: TextRef
}

/// A message key with the data that fills its placeholders and the footnotes it refers to.
public struct TextRef: Sendable, Equatable {
    public var key: String
    public var args: [String: ArgValue]
    public var footnotes: [String]
    public var location: SourceLocation

    public init(key: String, args: [String: ArgValue] = [:], footnotes: [String] = [], location: SourceLocation) {
        self.key = key
        self.args = args
        self.footnotes = footnotes
        self.location = location
    }
}

/// Data filled into a placeholder; never translated.
public enum ArgValue: Sendable, Equatable {
    case url(String)
    case host(String)

    public var text: String {
        switch self {
        case .url(let s), .host(let s): s
        }
    }
}
