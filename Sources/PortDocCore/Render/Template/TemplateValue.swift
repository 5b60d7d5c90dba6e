/// Data handed to a template. Each value has a type that says where it may go: `.markup` is a
/// fragment already written in the template's format and may go only where that format allows
/// markup; `.text` is plain text that the template engine escapes for the slot it lands in (element
/// text, attribute value, `<title>`, roff macro argument, tbl cell, Markdown line).
public indirect enum TemplateValue: Sendable, Equatable {
    case markup(String)
    case text(TextValue)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// Mustache truthiness: false, an empty list and an empty string skip a section.
    var isTruthy: Bool {
        switch self {
        case .bool(let b): b
        case .list(let l): !l.isEmpty
        case .markup(let s): !s.isEmpty
        case .text(let t): !t.string.isEmpty
        case .object: true
        }
    }

    /// Plain text in the page's language.
    public static func plain(_ s: String) -> TemplateValue { .text(TextValue(s)) }
}

/// Plain text for a template slot, with the language and direction it must be marked with where
/// they differ from the page's (a fallback from another locale; a left-to-right run such as a port
/// number on a right-to-left page).
public struct TextValue: Sendable, Equatable {
    public var string: String
    /// The language of the text when it is not the page's (a fallback), else nil.
    public var lang: String?
    /// The direction to isolate the text in when it differs from the page's, else nil.
    public var dir: TextDirection?

    public init(_ string: String, lang: String? = nil, dir: TextDirection? = nil) {
        self.string = string
        self.lang = lang
        self.dir = dir
    }

    /// True when the text needs marking (a language or direction of its own).
    public var isMarked: Bool { lang != nil || dir != nil }
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
    /// A string literal is plain text, escaped for its slot.
    public init(stringLiteral value: String) { self = .text(TextValue(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object = TemplateObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}
