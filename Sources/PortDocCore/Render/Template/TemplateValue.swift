/// Data handed to a template. Strings are already escaped for the template's output format:
/// the template engine inserts them as they are.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

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

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}
