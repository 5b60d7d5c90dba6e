/// The declarations of a flattened DTD (`FlattenedDTD`), filed by the element they declare, so that
/// a document can be validated against only the declarations of the elements it uses.
///
/// That gives libxml2 the same answers for that document as the whole DTD: an element's content
/// model and its attribute list are read only when the element occurs (a content model names other
/// elements as plain names, declared or not), an element the DTD does not declare is missing from
/// both, and the entity and notation declarations, which attribute types may name, are kept in
/// every subset. The document itself is parsed without the DTD, so no entity of the DTD can add
/// elements to it. The SVG 1.1 DTD has 4,352 attribute declarations; the diagram uses 7 of its 80
/// elements and needs 440 of them, so parsing its subset costs a tenth of parsing the whole DTD
/// (and so does each thread's copy, and freeing them).
struct DTDDeclarations: Sendable {
    private let text: [UInt8]
    /// Entity and notation declarations: in every subset.
    private var shared: [Range<Int>] = []
    /// Each element's declaration and attribute-list declarations, in the order of the DTD.
    private var byElement: [String: [Range<Int>]] = [:]

    /// Files the declarations of a flattened DTD; nil when the text is anything else (a comment,
    /// a processing instruction, an unknown or unterminated declaration), so that the caller
    /// parses it whole instead of guessing.
    init?(_ text: [UInt8]) {
        self.text = text
        var i = 0
        let n = text.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while true {
            while i < n, isSpace(text[i]) { i += 1 }
            if i == n { break }
            let start = i
            guard n - i > 2, text[i] == UInt8(ascii: "<"), text[i + 1] == UInt8(ascii: "!") else { return nil }
            i += 2
            let keywordStart = i
            while i < n, text[i] >= UInt8(ascii: "A"), text[i] <= UInt8(ascii: "Z") { i += 1 }
            let keyword = String(decoding: text[keywordStart..<i], as: UTF8.self)
            guard ["ELEMENT", "ATTLIST", "ENTITY", "NOTATION"].contains(keyword), i < n, isSpace(text[i]) else { return nil }
            while i < n, isSpace(text[i]) { i += 1 }
            let nameStart = i
            while i < n, !isSpace(text[i]), text[i] != UInt8(ascii: ">") { i += 1 }
            guard i > nameStart else { return nil }
            let name = String(decoding: text[nameStart..<i], as: UTF8.self)
            // The declaration ends at the first '>' outside a quoted literal.
            var quote: UInt8? = nil
            while i < n {
                let b = text[i]
                if let q = quote { if b == q { quote = nil } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
                i += 1
            }
            guard i < n else { return nil }
            i += 1
            if keyword == "ELEMENT" || keyword == "ATTLIST" {
                byElement[name, default: []].append(start..<i)
            } else {
                shared.append(start..<i)
            }
        }
        guard !byElement.isEmpty else { return nil }
    }

    /// The names of the elements the DTD declares or gives attributes to.
    var elements: Set<String> { Set(byElement.keys) }

    /// The declarations of `names` (names the DTD does not know are left out) and every entity and
    /// notation declaration, in the order of the DTD.
    func subset(_ names: Set<String>) -> [UInt8] {
        var ranges = shared
        for name in names { ranges += byElement[name] ?? [] }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(ranges.reduce(0) { $0 + $1.count + 1 })
        for range in ranges {
            out += text[range]
            out.append(0x0A)
        }
        return out
    }

    /// Every name that follows a '<' in `bytes`: in a well-formed document (the only kind that is
    /// validated) a superset of its element names. End tags, '<!DOCTYPE', and tags inside comments
    /// or CDATA sections add a few more, which only makes a subset larger. A name ends where an XML
    /// tag name must end: white space, '/' or '>'.
    static func tagNames(in bytes: UnsafeBufferPointer<UInt8>) -> Set<String> {
        var names = Set<String>()
        var i = 0
        let n = bytes.count
        // Most tags repeat the previous few names: compared as bytes before hashing a String.
        var recent: [Range<Int>] = []
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "/") { i += 1 }
            let start = i
            while i < n {
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") || b == UInt8(ascii: "<") { break }
                i += 1
            }
            guard i > start else { continue }
            let name = start..<i
            if recent.contains(where: { $0.count == name.count && bytes[$0].elementsEqual(bytes[name]) }) { continue }
            names.insert(String(decoding: bytes[name], as: UTF8.self))
            if recent.count == 8 { recent.removeFirst() }
            recent.append(name)
        }
        return names
    }
}
