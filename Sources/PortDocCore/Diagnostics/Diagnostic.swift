/// A position in a file the user wrote: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    public var description: String { "\(path):\(line):\(column)" }
}

public enum Severity: String, Sendable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One finding, as a value. Printed as `path:line:col: severity: message [id]`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// A stable identifier such as `catalog.unknown-key`.
    public var id: String

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?, id: String) {
        self.severity = severity
        self.location = location
        self.message = message
        self.id = id
    }

    public static func error(_ message: String, at location: SourceLocation?, id: String) -> Diagnostic {
        Diagnostic(.error, message, at: location, id: id)
    }

    public static func warning(_ message: String, at location: SourceLocation?, id: String) -> Diagnostic {
        Diagnostic(.warning, message, at: location, id: id)
    }

    public var description: String {
        let prefix = location.map { "\($0.description): " } ?? "portdoc: "
        return "\(prefix)\(severity.rawValue): \(message) [\(id)]"
    }
}

/// Collects diagnostics so that every problem is reported, not only the first.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init(_ items: [Diagnostic] = []) { all = items }

    public mutating func append(_ d: Diagnostic) { all.append(d) }
    public mutating func append(contentsOf ds: [Diagnostic]) { all.append(contentsOf: ds) }
    public mutating func error(_ message: String, at location: SourceLocation?, id: String) {
        all.append(.error(message, at: location, id: id))
    }
    public mutating func warning(_ message: String, at location: SourceLocation?, id: String) {
        all.append(.warning(message, at: location, id: id))
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var worst: Severity? { all.map(\.severity).max() }

    /// Sorted by file and position; diagnostics without a location come first.
    public var sorted: [Diagnostic] {
        all.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (l?, r?): return l == r ? lhs.offset < rhs.offset : l < r
            case (nil, _?): return true
            case (_?, nil): return false
            case (nil, nil): return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }
}

/// Thrown when a stage cannot produce its value; carries every diagnostic found so far.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
