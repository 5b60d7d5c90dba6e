/// Data handed to a template. Strings are already escaped for the template's output format:
/// the template engine inserts them as they are.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// Mustache truthiness: false, an empty list and an empty string skip a section.
    var isTruthy: Bool {
        switch self {
        case .bool(let b): b
        case .list(let l): !l.isEmpty
        case .string(let s): !s.isEmpty
        case .object: true
        }
    }
}

/// The fields of a template object, in insertion order. Objects have a handful of fields (a row
/// has three to five), so two parallel arrays searched linearly beat a hashed dictionary: one
/// allocation each, no hashing; large documents build hundreds of thousands of them.
public struct TemplateObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var keys: [String] = []
    private var values: [TemplateValue] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        keys.reserveCapacity(elements.count)
        values.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: String) -> TemplateValue? {
        get {
            for i in keys.indices where keys[i] == key { return values[i] }
            return nil
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// Adds `other`'s fields; a field in both takes `other`'s value.
    public mutating func merge(_ other: TemplateObject) {
        for (i, key) in other.keys.enumerated() { self[key] = other.values[i] }
    }

    public static func == (a: TemplateObject, b: TemplateObject) -> Bool {
        a.keys.count == b.keys.count && a.keys.indices.allSatisfy { b[a.keys[$0]] == a.values[$0] }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object = TemplateObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}
