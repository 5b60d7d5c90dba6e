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
}
