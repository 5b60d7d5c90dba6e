import Foundation
import Testing
@testable import XHTMLValidation

/// Pages are validated against the declarations of the elements they use (`DTDDeclarations`);
/// `FlattenedDTDTests` holds the diagnostics to those of the whole DTD. These test the parts.
@Suite("DTD subsets")
struct DTDSubsetTests {
    static let flat = """
        <!ELEMENT a (b | c)*>
        <!ATTLIST a title CDATA "x > y">
        <!ENTITY arrow "->">
        <!ATTLIST b note CDATA '<not a tag>'>
        <!ELEMENT b EMPTY>
        <!NOTATION png SYSTEM "image/png">
        <!ELEMENT c (#PCDATA)>
        <!ATTLIST a id ID #IMPLIED>

        """

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func declarationsAreFiledByElementKeepingTheirOrderAndTheSharedOnes() throws {
        let declarations = try #require(DTDDeclarations(Array(Self.flat.utf8)))
        #expect(declarations.elements == ["a", "b", "c"])
        #expect(text(declarations.subset(["a", "unknown"])) == """
            <!ELEMENT a (b | c)*>
            <!ATTLIST a title CDATA "x > y">
            <!ENTITY arrow "->">
            <!NOTATION png SYSTEM "image/png">
            <!ATTLIST a id ID #IMPLIED>

            """)
        #expect(text(declarations.subset(["b"])) == """
            <!ENTITY arrow "->">
            <!ATTLIST b note CDATA '<not a tag>'>
            <!ELEMENT b EMPTY>
            <!NOTATION png SYSTEM "image/png">

            """)
        #expect(text(declarations.subset(["a", "b", "c"])) == Self.flat.split(separator: "\n").joined(separator: "\n") + "\n")
    }

    @Test(arguments: [
        "<!-- a comment -->\n<!ELEMENT a EMPTY>",
        "<?pi x?>\n<!ELEMENT a EMPTY>",
        "<!ELEMENT a EMPTY",
        "<!ATTLIST a title CDATA \"unterminated>",
        "<!DOCTYPE a>",
        "<!ELEMENT>",
        "<!ENTITY x \"only entities\">",
        "",
        "text",
    ])
    func anythingElseIsRefusedSoTheWholeDTDIsParsed(_ text: String) {
        #expect(DTDDeclarations(Array(text.utf8)) == nil)
    }

    func names(_ text: String) -> Set<String> {
        Array(text.utf8).withUnsafeBufferPointer { DTDDeclarations.tagNames(in: $0) }
    }

    @Test func tagNamesFindEveryElementWhateverFollowsItsName() {
        let found = names("<?xml version=\"1.0\"?>\n<!DOCTYPE svg><svg\nxmlns=\"x\"><g\ttitle=\"a>b\"><path/><text>1 &lt; 2</text><svg:use\r/></g><!-- <circle> --><![CDATA[<rect>]]></svg>")
        #expect(found.isSuperset(of: ["svg", "g", "path", "text", "svg:use"]))
        // Extra names only make a subset larger.
        #expect(found.isSubset(of: ["svg", "g", "path", "text", "svg:use", "?xml", "!DOCTYPE", "!--", "circle", "![CDATA[", "rect"]))
    }

    /// Random well-formed documents over a small vocabulary (so that the recent-names shortcut is
    /// taken and left often), with every way a tag name can end: each element used is found.
    @Test func tagNamesAreASupersetOfTheElementsOfRandomDocuments() {
        var rng = SplitMix(seed: 0x5eed)
        let vocabulary = ["a", "b", "g", "path", "text", "x:y", "é", "polygon", "title", "desc", "ellipse", "foreignObject"]
        let ends = [" ", "\n", "\t", "\r\n", ""]
        for _ in 0..<500 {
            var used = Set<String>()
            var doc = ""
            func element(_ depth: Int) {
                let name = vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
                used.insert(name)
                let end = ends[Int(rng.next() % UInt64(ends.count))]
                let attributes = end.isEmpty ? "" : "\(end)k=\"1 > 0\"\(ends[Int(rng.next() % 4)])"
                if depth > 3 || rng.next() % 3 == 0 {
                    doc += "<\(name)\(attributes)/>"
                    return
                }
                doc += "<\(name)\(attributes)>"
                for _ in 0..<Int(rng.next() % 4) {
                    switch rng.next() % 4 {
                    case 0: doc += "text &amp; more"
                    case 1: doc += "<!-- <\(vocabulary[0]) -->"
                    default: element(depth + 1)
                    }
                }
                doc += "</\(name)\(ends[Int(rng.next() % 3)])>"
            }
            element(0)
            #expect(names(doc).isSuperset(of: used), "\(doc)")
        }
    }

    static let attributes = """
        <!ELEMENT a (#PCDATA)>
        <!ATTLIST a title CDATA #IMPLIED>
        <!ATTLIST a dir (ltr|rtl) #REQUIRED>
        <!ATTLIST a xml:space (preserve) #FIXED 'preserve'>
        <!ATTLIST a kind NOTATION (png) "png">
        <!ATTLIST a two CDATA #IMPLIED three CDATA #IMPLIED>
        <!ATTLIST a title CDATA #REQUIRED>
        <!ENTITY nbsp "&#160;">
        <!ENTITY % inline "a">
        <!NOTATION png SYSTEM "image/png">
        <!ENTITY hellip "&#8230;">

        """

    /// Of an element's attribute list, a subset keeps what the page gives, what is #REQUIRED, what
    /// declares more than one attribute, and both declarations of an attribute declared twice; of
    /// the entities, those the page names, and every parameter entity and notation.
    @Test func attributesAndEntitiesAreKeptWhenNamedOrNeeded() throws {
        let declarations = try #require(DTDDeclarations(Array(Self.attributes.utf8)))
        #expect(text(declarations.subset(DTDNeeds(elements: ["a"], attributes: ["kind"], entities: ["hellip"]))) == """
            <!ELEMENT a (#PCDATA)>
            <!ATTLIST a title CDATA #IMPLIED>
            <!ATTLIST a dir (ltr|rtl) #REQUIRED>
            <!ATTLIST a kind NOTATION (png) "png">
            <!ATTLIST a two CDATA #IMPLIED three CDATA #IMPLIED>
            <!ATTLIST a title CDATA #REQUIRED>
            <!ENTITY % inline "a">
            <!NOTATION png SYSTEM "image/png">
            <!ENTITY hellip "&#8230;">

            """)
        #expect(text(declarations.subset(DTDNeeds(elements: ["a"], attributes: ["xml:space"], entities: []))).contains("xml:space"))
        // An entity named inside a declaration keeps every entity.
        let named = try #require(DTDDeclarations(Array((Self.attributes + "<!ENTITY both \"&nbsp;&hellip;\">\n").utf8)))
        #expect(text(named.subset(DTDNeeds(elements: ["a"], attributes: [], entities: ["both"]))).contains("nbsp"))
    }

    /// Random well-formed documents: every attribute given and every entity named is found,
    /// whatever the white space, quotes and values around them.
    @Test func attributeAndEntityNamesAreSupersetsInRandomDocuments() {
        var rng = SplitMix(seed: 0xa77)
        let names = ["id", "class", "xml:lang", "x", "é-1", "data.v", "d", "viewBox"]
        let entities = ["amp", "nbsp", "hellip", "x.y", "é"]
        let blanks = ["", " ", "\n", "\t ", "\r\n"]
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        for _ in 0..<500 {
            var usedAttributes = Set<String>(), usedEntities = Set<String>()
            var doc = "<?xml version=\"1.0\"?>\n<r"
            for _ in 0..<Int(rng.next() % 6) {
                var attributes = Set<String>()
                doc += "<e"
                for _ in 0..<Int(rng.next() % 4) {
                    let name = pick(names)
                    guard attributes.insert(name).inserted else { continue }
                    usedAttributes.insert(name)
                    let quote = rng.next() % 2 == 0 ? "\"" : "'"
                    var value = pick(["a=b", "", "x > y", "1/2", "&amp;=", "q'"]).replacingOccurrences(of: quote, with: "")
                    if rng.next() % 3 == 0 { let e = pick(entities); usedEntities.insert(e); value += "&\(e);" }
                    doc += " \(pick(blanks))\(name)\(pick(blanks))=\(pick(blanks))\(quote)\(value)\(quote)"
                }
                doc += pick(blanks) + ">"
                if rng.next() % 2 == 0 { let e = pick(entities); usedEntities.insert(e); doc += "t=1 &\(e);&#160;" }
                doc += "</e>"
            }
            doc += "</r>"
            let needs = Array(doc.utf8).withUnsafeBufferPointer { DTDDeclarations.needs(in: $0) }
            #expect(needs.attributes.isSuperset(of: usedAttributes), "\(doc)")
            #expect(needs.entities.isSuperset(of: usedEntities), "\(doc)")
        }
    }
}
