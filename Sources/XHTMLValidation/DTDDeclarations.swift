#if canImport(Glibc)
import Glibc
#endif

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
    private let shared: [Range<Int>]
    /// Each element's declaration and attribute-list declarations, in the order of the DTD.
    private let byElement: [String: [Range<Int>]]

    /// Files the declarations of a flattened DTD; nil when the text is anything else (a comment,
    /// a processing instruction, an unknown or unterminated declaration), so that the caller
    /// parses it whole instead of guessing.
    init?(_ text: [UInt8]) {
        self.text = text
        var shared: [Range<Int>] = []
        var byElement: [String: [Range<Int>]] = [:]
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
                let perElement: Bool
                if matches("ELEMENT", at: i) { perElement = true; i += 7 }
                else if matches("ATTLIST", at: i) { perElement = true; i += 7 }
                else if matches("ENTITY", at: i) { perElement = false; i += 6 }
                else if matches("NOTATION", at: i) { perElement = false; i += 8 }
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
                    if quote != 0 { if b == quote { quote = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
                    i += 1
                }
                guard i < n else { return false }
                i += 1
                guard perElement else { shared.append(start..<i); continue }
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
        self.shared = shared
        self.byElement = byElement
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
        guard let base = bytes.baseAddress else { return names }
        let n = bytes.count
        // Most tags repeat one of the last few names: compared with memcmp before a String is
        // made and hashed (a byte loop and a Set insert per tag cost 200,000 instructions a page).
        var recent: [(start: Int, count: Int)] = []
        var next = 0
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
            let count = i - start
            guard count > 0 else { continue }
            if recent.contains(where: { $0.count == count && memcmp(base + $0.start, base + start, count) == 0 }) { continue }
            names.insert(String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self))
            if recent.count < 8 { recent.append((start, count)) } else { recent[next] = (start, count); next = (next + 1) % 8 }
        }
        return names
    }
}
