internal import CLibXML2
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The visible text of XML elements, read back with libxml2 (no DTD, no network, no entities
/// beyond the predefined five): used to prove that rendered pages show exactly the input text.
public enum XMLText {
    /// The text content of every element named `element` (local name), in document order;
    /// nil when `xml` is not well-formed. With `html`, libxml2's HTML parser reads tag soup
    /// (such as a Markdown renderer's output) instead.
    public static func contents(of xml: String, element: String, html: Bool = false) -> [String]? {
        LibXML.setUp()
        let bytes = Array(xml.utf8)
        let collector = ErrorCollector()
        return collector.capturing { () -> [String]? in
            let options = html
                ? Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
                : Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
            let doc = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                guard let base = buffer.baseAddress else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    html ? htmlReadMemory($0, Int32(buffer.count), "text.html", "UTF-8", options)
                        : xmlReadMemory($0, Int32(buffer.count), "text.xml", "UTF-8", options)
                }
            }
            guard let doc else { return nil }
            defer { xmlFreeDoc(doc) }
            var result: [String] = []
            func walk(_ node: xmlNodePtr?) {
                var current = node
                while let n = current {
                    if n.pointee.type == XML_ELEMENT_NODE, let name = n.pointee.name, String(cString: name) == element,
                       let content = xmlNodeGetContent(n) {
                        result.append(String(cString: content))
                        free(content)
                    }
                    walk(n.pointee.children)
                    current = n.pointee.next
                }
            }
            walk(xmlDocGetRootElement(doc))
            return result
        }
    }
}
