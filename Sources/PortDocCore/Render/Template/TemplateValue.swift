/// Data handed to a template. Each value has a type that says where it may go: `.markup` is a
/// fragment already written in the template's format and may go only where that format allows
/// markup; `.text` is plain text that the template engine escapes for the slot it lands in (element
/// text, attribute value, `<title>`, roff macro argument, tbl cell, Markdown line).
/// Not `indirect`: lists and objects already hold their elements in arrays, and an indirect enum
/// boxes every case, text and booleans included, in a heap object of its own.
public enum TemplateValue: Sendable, Equatable {
    case markup(Markup)
    case text(TextValue)
    case bool(Bool)
    case list([TemplateValue])
    /// A list whose items are made as the template reaches them (a table's rows): a large page
    /// never holds all its row objects at once.
    case rows(TemplateRows)
    case object(TemplateObject)
    /// An object whose fields are made when the template reaches them, markup written straight
    /// into the page (see `TemplateRecord`).
    case record(any TemplateRecord)

    /// Mustache truthiness: false, an empty list and an empty string skip a section.
    var isTruthy: Bool {
        switch self {
        case .bool(let b): b
        case .list(let l): !l.isEmpty
        case .rows(let r): r.count > 0
        case .markup(let s): !s.isEmpty
        case .text(let t): !t.string.isEmpty
        case .object, .record: true
        }
    }

    /// Plain text in the page's language.
    public static func plain(_ s: String) -> TemplateValue { .text(TextValue(s)) }
}

/// A fragment already written in a template's format, as its UTF-8 bytes. The writers build
/// cells and marked-up text on bytes; a String made of them was checked as UTF-8 once more for
/// nothing (about 400 instructions a cell, 400,000 cells at 10k rows × 2 locales).
public struct Markup: Sendable, Equatable, ExpressibleByStringLiteral {
    public var bytes: [UInt8]
    /// Bytes of valid UTF-8 (the writers' output from Strings).
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public var isEmpty: Bool { bytes.isEmpty }
}

/// An object whose fields are made when the template reaches them: a table row, whose cells would
/// otherwise each be built as bytes, held in an object, copied into the page and freed (about
/// half of a page's rendering at 10,000 rows). A markup field is appended straight to the page.
/// Records behave as objects: the same lookups, slots and errors; `==` compares their fields.
public protocol TemplateRecord: Sendable {
    /// The record's fields; the same object for every record of a kind.
    var fields: TemplateFields { get }
    /// The value of field `field` (an index into `fields`).
    func value(of field: Int) -> TemplateValue
    /// Appends the field's markup to `out` when the field is markup (what `value(of:)` would
    /// give as `.markup`), and says whether it did; a field of any other kind writes nothing.
    func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool
}

extension TemplateRecord {
    public func appendMarkup(of field: Int, to out: inout [UInt8]) -> Bool {
        guard case .markup(let m) = value(of: field) else { return false }
        out.append(contentsOf: m.bytes)
        return true
    }

    /// The record as an object of all its fields (tests, comparisons).
    public var object: TemplateObject {
        var object = TemplateObject()
        for (index, name) in fields.names.enumerated() { object[name] = value(of: index) }
        return object
    }
}

/// The field names of a kind of record, with their lookup hashes: made once per kind (a `let`),
/// so that finding a field compares a hash before a String (a first version compared the name
/// with each field's in turn: 644,000 calls into the standard library's String comparison at
/// 10k rows × 2 locales).
public final class TemplateFields: Sendable {
    public let names: [String]
    let keys: [TemplateObject.LookupKey]

    public init(_ names: [String]) {
        self.names = names
        keys = names.map(TemplateObject.LookupKey.init)
    }

    /// The index of the field named `key`, or nil.
    func index(of key: TemplateObject.LookupKey) -> Int? {
        for i in keys.indices where keys[i].hash == key.hash && keys[i].string == key.string { return i }
        return nil
    }
}

/// `count` items, each made by `item` when a section iterates it (again on every iteration).
public struct TemplateRows: Sendable, Equatable {
    public let count: Int
    let item: @Sendable (Int) -> TemplateValue

    public init(count: Int, item: @escaping @Sendable (Int) -> TemplateValue) {
        self.count = count
        self.item = item
    }

    public subscript(index: Int) -> TemplateValue { item(index) }

    /// Equal when every item is (for tests; rendering never compares).
    public static func == (a: TemplateRows, b: TemplateRows) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }
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
/// has three to five), so one array of pairs searched linearly beats a hashed dictionary: one
/// allocation, no hashing; large documents build hundreds of thousands of them.
public struct TemplateObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// A key with a 6-bit hash of its length and end bytes. Each object keeps the set of its keys'
    /// hashes, so a lookup passes over the objects of the context stack that cannot hold the key
    /// without comparing Strings (967,000 lookups of the 50-document set compared 370
    /// instructions' worth each).
    struct LookupKey: Sendable, Equatable {
        let string: String
        let hash: UInt8

        init(_ string: String) {
            self.string = string
            var s = string
            // On the contiguous bytes: `utf8.last` went through the generic collection path.
            hash = s.withUTF8 { b in
                guard let first = b.first, let last = b.last else { return 0 }
                return UInt8(truncatingIfNeeded: b.count &* 7 &+ Int(first) &* 3 &+ Int(last)) & 63
            }
        }
    }

    /// A struct rather than a tuple: arrays of tuples are destroyed through the runtime's generic
    /// tuple witness, which measured slower than the struct's own.
    fileprivate struct Field: Sendable, Equatable {
        var key: String
        var hash: UInt8
        var value: TemplateValue
    }

    fileprivate var fields: [Field] = []
    /// Bit `hash` is set for every key's hash.
    fileprivate var mask: UInt64 = 0

    public init() {}

    /// The keys of a literal are distinct (as a Dictionary literal's must be), so they are appended
    /// without a search each.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        fields.reserveCapacity(elements.count)
        for (key, value) in elements { append(LookupKey(key), value) }
    }

    fileprivate mutating func append(_ key: LookupKey, _ value: TemplateValue) {
        fields.append(Field(key: key.string, hash: key.hash, value: value))
        mask |= 1 << UInt64(key.hash)
    }

    fileprivate func index(of key: LookupKey) -> Int? {
        guard mask & (1 << UInt64(key.hash)) != 0 else { return nil }
        for i in fields.indices where fields[i].hash == key.hash && fields[i].key == key.string { return i }
        return nil
    }

    subscript(key: LookupKey) -> TemplateValue? {
        index(of: key).map { fields[$0].value }
    }

    public subscript(key: String) -> TemplateValue? {
        get { self[LookupKey(key)] }
        set {
            let key = LookupKey(key)
            if let i = index(of: key) {
                if let newValue { fields[i].value = newValue } else {
                    fields.remove(at: i)
                    mask = fields.reduce(0) { $0 | 1 << UInt64($1.hash) }
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    public var isEmpty: Bool { fields.isEmpty }

    /// Room for `count` more fields without growing.
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(fields.count + count) }

    /// Adds `other`'s fields; a field in both takes `other`'s value.
    public mutating func merge(_ other: TemplateObject) {
        for field in other.fields { self[field.key] = field.value }
    }

    public static func == (a: TemplateObject, b: TemplateObject) -> Bool {
        a.fields.count == b.fields.count && a.fields.allSatisfy { b[$0.key] == $0.value }
    }
}

extension TemplateValue {
    /// Records compare as the objects of their fields, and equal such an object.
    public static func == (a: TemplateValue, b: TemplateValue) -> Bool {
        switch (a, b) {
        case let (.markup(x), .markup(y)): x == y
        case let (.text(x), .text(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case let (.list(x), .list(y)): x == y
        case let (.rows(x), .rows(y)): x == y
        case let (.object(x), .object(y)): x == y
        case let (.record(x), .record(y)): x.object == y.object
        case let (.record(x), .object(y)): x.object == y
        case let (.object(x), .record(y)): x == y.object
        default: false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    /// A string literal is plain text, escaped for its slot.
    public init(stringLiteral value: String) { self = .text(TextValue(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var object = TemplateObject()
        object.fields.reserveCapacity(elements.count)
        for (key, value) in elements { object.append(TemplateObject.LookupKey(key), value) }
        self = .object(object)
    }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}
