#if canImport(Glibc)
import Glibc
#endif

/// What a document needs of a DTD: the names of the elements it may use, of the attributes it may
/// give them and of the entities it may refer to. Each set is a superset found by a scan of the
/// document's bytes (`DTDDeclarations.needs(in:)`).
struct DTDNeeds: Sendable, Equatable {
    var elements: Set<String>
    var attributes: Set<String>
    var entities: Set<String>

    func isSubset(of other: DTDNeeds) -> Bool {
        elements.isSubset(of: other.elements) && attributes.isSubset(of: other.attributes) && entities.isSubset(of: other.entities)
    }

    mutating func formUnion(_ other: DTDNeeds) {
        elements.formUnion(other.elements)
        attributes.formUnion(other.attributes)
        entities.formUnion(other.entities)
    }
}

/// The declarations of a flattened DTD (`FlattenedDTD`), filed by the element they declare, so that
/// a document can be validated against only the declarations it needs.
///
/// That gives libxml2 the same answers for that document as the whole DTD: an element's content
/// model and its attribute list are read only when the element occurs (a content model names other
/// elements as plain names, declared or not), and an element the DTD does not declare is missing
/// from both. Of an element's attribute list, a declaration counts only when the attribute is
/// given (a default value fills in no attribute the document lacks, since the document is parsed
/// without the DTD), or when it is #REQUIRED, whose absence is an error: so a subset keeps the
/// declarations of the attributes the document gives and every #REQUIRED one. An entity
/// declaration counts only when the document refers to the entity; notations, parameter entities
/// and anything not read as one attribute or one general entity with plain text are in every
/// subset. The SVG 1.1 DTD has 4,352 attribute declarations; the diagram uses 7 of its 80
/// elements, whose lists hold 440 of them, and 22 attribute names, which keep 67: its subset is 4 KB
/// of the flat DTD's 301 KB (27.6 KB with every attribute of those elements), and libxml2's parse
/// of the seed's DTD copies went from 8.3 to 3.2 M instructions.
struct DTDDeclarations: Sendable {
    /// An entity or notation declaration, and the general entity it declares (nil: a notation or
    /// parameter entity, in every subset).
    private struct Shared: Sendable {
        var range: Range<Int>
        var entity: String?
    }

    private let text: [UInt8]
    /// Entity and notation declarations, in the order of the DTD.
    private let shared: [Shared]
    /// Each element's declaration and attribute-list declarations, in the order of the DTD.
    private let byElement: [String: [Range<Int>]]

    /// Files the declarations of a flattened DTD; nil when the text is anything else (a comment,
    /// a processing instruction, an unknown or unterminated declaration), so that the caller
    /// parses it whole instead of guessing. Attribute lists are read only when a subset needs
    /// their element (reading the SVG DTD's 4,352 here tripled the cost of filing it).
    init?(_ text: [UInt8]) {
        self.text = text
        var shared: [Shared] = []
        var byElement: [String: [Range<Int>]] = [:]
        // An entity named in a declaration's text (an attribute's default value, another entity's
        // value) makes every entity declaration stay in every subset.
        var entitiesNamedInDeclarations = false
        let filed = text.withUnsafeBufferPointer { t -> Bool in
            let n = t.count
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            func matches(_ word: StaticString, at i: Int) -> Bool {
                let count = word.utf8CodeUnitCount
                guard i + count <= n else { return false }
                for k in 0..<count where t[i + k] != word.utf8Start[k] { return false }
                return true
            }
            // Consecutive declarations of one element (an ATTLIST per attribute) are collected
            // before its entry is looked up: one dictionary access per element, not per line.
            var current: (name: Range<Int>, ranges: [Range<Int>])? = nil
            func flush() {
                guard let c = current else { return }
                byElement[String(decoding: UnsafeBufferPointer(rebasing: t[c.name]), as: UTF8.self), default: []] += c.ranges
            }
            var i = 0
            while true {
                while i < n, isSpace(t[i]) { i += 1 }
                if i == n { break }
                let start = i
                guard matches("<!", at: i) else { return false }
                i += 2
                let perElement: Bool, entity: Bool
                if matches("ELEMENT", at: i) { perElement = true; entity = false; i += 7 }
                else if matches("ATTLIST", at: i) { perElement = true; entity = false; i += 7 }
                else if matches("ENTITY", at: i) { perElement = false; entity = true; i += 6 }
                else if matches("NOTATION", at: i) { perElement = false; entity = false; i += 8 }
                else { return false }
                guard i < n, isSpace(t[i]) else { return false }
                while i < n, isSpace(t[i]) { i += 1 }
                let nameStart = i
                while i < n, !isSpace(t[i]), t[i] != UInt8(ascii: ">") { i += 1 }
                guard i > nameStart else { return false }
                let name = nameStart..<i
                // The declaration ends at the first '>' outside a quoted literal.
                var quote: UInt8 = 0
                while i < n {
                    let b = t[i]
                    if quote != 0 {
                        if b == quote { quote = 0 }
                        else if b == UInt8(ascii: "&"), i + 1 < n, t[i + 1] != UInt8(ascii: "#") { entitiesNamedInDeclarations = true }
                    } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
                    i += 1
                }
                guard i < n else { return false }
                i += 1
                guard perElement else {
                    // A parameter entity (`<!ENTITY % name …>`) stays in every subset.
                    let general = entity && (t[name.lowerBound] != UInt8(ascii: "%") || name.count > 1)
                    shared.append(Shared(range: start..<i, entity: general ? String(decoding: UnsafeBufferPointer(rebasing: t[name]), as: UTF8.self) : nil))
                    continue
                }
                if let c = current, c.name.count == name.count, t[c.name].elementsEqual(t[name]) {
                    current!.ranges.append(start..<i)
                } else {
                    flush()
                    current = (name, [start..<i])
                }
            }
            flush()
            return true
        }
        guard filed, !byElement.isEmpty else { return nil }
        self.shared = entitiesNamedInDeclarations ? shared.map { Shared(range: $0.range) } : shared
        self.byElement = byElement
    }

    /// The names of the elements the DTD declares or gives attributes to.
    var elements: Set<String> { Set(byElement.keys) }

    /// The declarations a document with `needs` needs, in the order of the DTD (names the DTD
    /// does not know are left out).
    func subset(_ needs: DTDNeeds) -> [UInt8] {
        subset(needs.elements, attributes: needs.attributes, entities: needs.entities)
    }

    /// The declarations of the elements `names`, of their attributes in `attributes` (nil: all)
    /// and of their #REQUIRED attributes, of the entities in `entities` (nil: all), and every
    /// notation and parameter entity, in the order of the DTD. An attribute-list declaration that
    /// is not read as one definition, and an attribute declared twice for one element (the first
    /// declaration counts), are kept whenever their element is.
    func subset(_ names: Set<String>, attributes: Set<String>? = nil, entities: Set<String>? = nil) -> [UInt8] {
        var ranges: [Range<Int>] = []
        for d in shared where d.entity == nil || entities?.contains(d.entity!) != false { ranges.append(d.range) }
        for name in names {
            guard let declarations = byElement[name] else { continue }
            guard let attributes else { ranges += declarations; continue }
            let read = declarations.map { Self.attributeDefinition(text, $0) }
            var counts: [String: Int] = [:]
            for case let definition? in read { counts[definition.name, default: 0] += 1 }
            for (range, definition) in zip(declarations, read) {
                guard let definition, !definition.required, counts[definition.name] == 1 else { ranges.append(range); continue }
                if attributes.contains(definition.name) { ranges.append(range) }
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(ranges.reduce(0) { $0 + $1.count + 1 })
        for range in ranges {
            out += text[range]
            out.append(0x0A)
        }
        return out
    }

    /// The attribute an attribute-list declaration declares, when it holds exactly one definition,
    /// and whether it is #REQUIRED; nil for an element declaration and anything else.
    static func attributeDefinition(_ text: [UInt8], _ range: Range<Int>) -> (name: String, required: Bool)? {
        text.withUnsafeBufferPointer { t in
            var i = range.lowerBound
            let end = range.upperBound
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            func skipSpace() -> Bool {
                let start = i
                while i < end, isSpace(t[i]) { i += 1 }
                return i > start
            }
            func word() -> Range<Int> {
                let start = i
                while i < end, !isSpace(t[i]), t[i] != UInt8(ascii: ">"), t[i] != UInt8(ascii: "("), t[i] != UInt8(ascii: "\""), t[i] != UInt8(ascii: "'") { i += 1 }
                return start..<i
            }
            func `is`(_ range: Range<Int>, _ word: StaticString) -> Bool {
                range.count == word.utf8CodeUnitCount && range.indices.allSatisfy { t[$0] == word.utf8Start[$0 - range.lowerBound] }
            }
            func group() -> Bool {
                guard i < end, t[i] == UInt8(ascii: "(") else { return false }
                while i < end, t[i] != UInt8(ascii: ")") { i += 1 }
                guard i < end else { return false }
                i += 1
                return true
            }
            func quoted() -> Bool {
                guard i < end, t[i] == UInt8(ascii: "\"") || t[i] == UInt8(ascii: "'") else { return false }
                let quote = t[i]
                i += 1
                while i < end, t[i] != quote { i += 1 }
                guard i < end else { return false }
                i += 1
                return true
            }
            guard `is`(i..<min(i + 9, end), "<!ATTLIST") else { return nil }
            i += 9
            // The element, the attribute, and its type: an enumeration, NOTATION and its
            // enumeration, or a keyword.
            guard skipSpace(), !word().isEmpty, skipSpace() else { return nil }
            let name = word()
            guard !name.isEmpty, skipSpace(), i < end else { return nil }
            if t[i] == UInt8(ascii: "(") {
                guard group() else { return nil }
            } else {
                let type = word()
                guard !type.isEmpty else { return nil }
                if `is`(type, "NOTATION") { _ = skipSpace(); guard group() else { return nil } }
            }
            guard skipSpace(), i < end else { return nil }
            // DefaultDecl: #REQUIRED, #IMPLIED, or a value, #FIXED or not.
            var required = false
            if t[i] == UInt8(ascii: "#") {
                let keyword = word()
                if `is`(keyword, "#REQUIRED") { required = true }
                else if `is`(keyword, "#FIXED") { guard skipSpace(), quoted() else { return nil } }
                else if !`is`(keyword, "#IMPLIED") { return nil }
            } else {
                guard quoted() else { return nil }
            }
            _ = skipSpace()
            guard i == end - 1, t[i] == UInt8(ascii: ">") else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: t[name]), as: UTF8.self), required)
        }
    }

    /// What a document needs of a DTD (see `DTDNeeds`).
    static func needs(in bytes: UnsafeBufferPointer<UInt8>) -> DTDNeeds {
        DTDNeeds(elements: tagNames(in: bytes), attributes: attributeNames(in: bytes), entities: entityNames(in: bytes))
    }

    /// Every name before an '=' (and the white space before it) in `bytes`: in a well-formed
    /// document a superset of the attribute names it gives (an '=' in text or in a value adds a
    /// few more, which only makes a subset larger).
    static func attributeNames(in bytes: UnsafeBufferPointer<UInt8>) -> Set<String> {
        names(in: bytes, after: nil, before: UInt8(ascii: "="))
    }

    /// Every name between '&' and ';' in `bytes` (character references left out): a superset of
    /// the entities a document refers to.
    static func entityNames(in bytes: UnsafeBufferPointer<UInt8>) -> Set<String> {
        names(in: bytes, after: UInt8(ascii: "&"), before: nil)
    }

    /// The names that end before each `before` (a run of bytes that are not white space, quotes,
    /// '<', '>', '/' or '=', ending at optional white space) or start after each `after` (ending
    /// at ';', no white space, quote or '<' in it); found by memchr, with the last few names
    /// compared before a String is made and hashed.
    private static func names(in bytes: UnsafeBufferPointer<UInt8>, after: UInt8?, before: UInt8?) -> Set<String> {
        guard let base = bytes.baseAddress else { return [] }
        let n = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func ends(_ b: UInt8) -> Bool {
            isSpace(b) || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
        }
        var collector = NameCollector(base: base)
        var i = 0
        while i < n {
            guard let found = memchr(base + i, Int32(after ?? before!), n - i) else { break }
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            i = at + 1
            var start: Int, end: Int
            if after != nil {
                start = at + 1
                end = start
                while end < n, base[end] != UInt8(ascii: ";"), !ends(base[end]), base[end] != UInt8(ascii: "&") { end += 1 }
                guard end < n, base[end] == UInt8(ascii: ";"), end > start, base[start] != UInt8(ascii: "#") else { continue }
            } else {
                end = at
                while end > 0, isSpace(base[end - 1]) { end -= 1 }
                start = end
                while start > 0, !ends(base[start - 1]) { start -= 1 }
                guard end > start else { continue }
            }
            collector.add(start..<end)
        }
        return collector.names
    }

    /// Every name that follows a '<' in `bytes`: in a well-formed document (the only kind that is
    /// validated) a superset of its element names. End tags, '<!DOCTYPE', and tags inside comments
    /// or CDATA sections add a few more, which only makes a subset larger. A name ends where an XML
    /// tag name must end: white space, '/' or '>'.
    static func tagNames(in bytes: UnsafeBufferPointer<UInt8>) -> Set<String> {
        guard let base = bytes.baseAddress else { return [] }
        let n = bytes.count
        var collector = NameCollector(base: base)
        var i = 0
        while i < n {
            // The next '<', found by memchr.
            guard let found = memchr(base + i, Int32(UInt8(ascii: "<")), n - i) else { break }
            i = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
            if i < n, base[i] == UInt8(ascii: "/") { i += 1 }
            let start = i
            while i < n {
                let b = base[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") || b == UInt8(ascii: "<") { break }
                i += 1
            }
            collector.add(start..<i)
        }
        return collector.names
    }

    /// Names found in a page's bytes, as a set. Most names repeat one of the last few: those are
    /// compared with memcmp before a String is made and hashed (a byte loop and a Set insert per
    /// tag cost 200,000 instructions a page).
    private struct NameCollector {
        let base: UnsafePointer<UInt8>
        private(set) var names = Set<String>()
        private var recent: [(start: Int, count: Int)] = []
        private var next = 0

        init(base: UnsafePointer<UInt8>) { self.base = base }

        /// Adds the name at `range` of the bytes (nothing for an empty range).
        mutating func add(_ range: Range<Int>) {
            let (start, count) = (range.lowerBound, range.count)
            guard count > 0 else { return }
            if recent.contains(where: { $0.count == count && memcmp(base + $0.start, base + start, count) == 0 }) { return }
            names.insert(String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self))
            if recent.count < 8 { recent.append((start, count)) } else { recent[next] = (start, count); next = (next + 1) % 8 }
        }
    }
}
