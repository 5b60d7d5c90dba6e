internal import CLibXML2
import Foundation
import PortDocCore

/// Validates XHTML pages against the XHTML 1.0 Strict DTD with libxml2, in memory.
///
/// The DTD is resolved through the system XML catalog (Debian's `w3c-sgml-lib`), parsed once, and
/// every page is validated against it (`xmlValidateDtd`); the network is never used, and a page
/// may not bring its own internal DTD subset or entities. Errors become `path:line:col` diagnostics.
public final class XHTMLValidator: @unchecked Sendable {
    public static let publicID = "-//W3C//DTD XHTML 1.0 Strict//EN"
    public static let systemID = "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"
    /// Larger pages are refused before parsing.
    public static let maxInputBytes = 64 << 20

    private let dtd: xmlDtdPtr
    /// libxml2's validation state is not safe to share; one page at a time per validator.
    private let lock = Lock()

    /// Loads the DTD; fails with a diagnostic that says what to install when it cannot be found.
    public init() throws(DiagnosticsError) {
        LibXML.setUp()
        let collector = ErrorCollector()
        let loaded: xmlDtdPtr? = collector.capturing {
            guard let resolved = xmlCatalogResolve(Self.publicID, Self.systemID) else { return nil }
            defer { free(resolved) }  // xmlFree is free() unless xmlMemSetup changed it; we never do
            let uri = String(cString: resolved)
            guard uri.hasPrefix("file:") || uri.hasPrefix("/") else { return nil }
            return xmlParseDTD(nil, resolved)
        }
        guard let loaded else {
            let details = collector.errors.map { " (\($0.message))" }.joined()
            throw DiagnosticsError([.error(
                "cannot load the XHTML 1.0 Strict DTD from the XML catalog\(details); install Debian's w3c-sgml-lib (make deps)",
                at: nil, id: "xhtml.dtd-missing")])
        }
        dtd = loaded
    }

    deinit { xmlFreeDtd(dtd) }

    /// Every well-formedness and validity error of `text`, as diagnostics located in `path`.
    public func validate(_ text: String, path: String) -> [Diagnostic] {
        let bytes = Array(text.utf8)
        if bytes.count > Self.maxInputBytes {
            return [.error("the page is \(bytes.count) bytes; pages over \(Self.maxInputBytes) bytes are not validated", at: SourceLocation(path: path, line: 1, column: 1), id: "xhtml.too-large")]
        }
        return lock.withLock { validateLocked(bytes, text: text, path: path) }
    }

    private func validateLocked(_ bytes: [UInt8], text: String, path: String) -> [Diagnostic] {
        let collector = ErrorCollector()
        var extra: [Diagnostic] = []
        collector.capturing {
            guard let ctxt = xmlNewParserCtxt() else {
                extra.append(.error("libxml2 could not create a parser", at: nil, id: "xhtml.internal"))
                return
            }
            defer { xmlFreeParserCtxt(ctxt) }
            // No DTD loading, no entity substitution, no network: the DTD is the one we loaded.
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
            let doc = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(buffer.count), path, "UTF-8", options)
                }
            }
            guard let doc else {
                if collector.errors.isEmpty { extra.append(.error("the page is not well-formed XML", at: SourceLocation(path: path, line: 1, column: 1), id: "xhtml.parse")) }
                return
            }
            defer { xmlFreeDoc(doc) }
            if ctxt.pointee.wellFormed == 0 && collector.errors.isEmpty {
                extra.append(.error("the page is not well-formed XML", at: SourceLocation(path: path, line: 1, column: 1), id: "xhtml.parse"))
            }
            guard let subset = doc.pointee.intSubset else {
                extra.append(.error("the page has no DOCTYPE; expected XHTML 1.0 Strict (\(Self.publicID))", at: SourceLocation(path: path, line: 1, column: 1), id: "xhtml.doctype"))
                return
            }
            let doctypeLine = (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<!DOCTYPE") } ?? 0) + 1
            let external = subset.pointee.ExternalID.map { String(cString: $0) }
            if external != Self.publicID {
                extra.append(.error("the DOCTYPE is '\(external ?? "none")'; expected '\(Self.publicID)'", at: SourceLocation(path: path, line: doctypeLine, column: 1), id: "xhtml.doctype"))
            }
            if subset.pointee.children != nil || subset.pointee.entities != nil || subset.pointee.elements != nil {
                extra.append(.error("the page declares its own DTD subset (entities or elements); XHTML pages may not", at: SourceLocation(path: path, line: doctypeLine, column: 1), id: "xhtml.internal-subset"))
                return
            }
            guard let vctxt = xmlNewValidCtxt() else { return }
            defer { xmlFreeValidCtxt(vctxt) }
            vctxt.pointee.error = nil
            vctxt.pointee.warning = nil
            _ = xmlValidateDtd(vctxt, doc, dtd)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let found = collector.errors.map { e -> Diagnostic in
            var column = e.column
            // Validity errors carry the element's line but no column: point at its start tag.
            if column <= 0, let name = e.elementName, e.line >= 1, e.line <= lines.count,
               let range = lines[e.line - 1].range(of: "<" + name) {
                column = lines[e.line - 1].unicodeScalars.distance(from: lines[e.line - 1].startIndex, to: range.lowerBound) + 1
            }
            return .error(e.message, at: SourceLocation(path: path, line: max(e.line, 1), column: max(column, 1)), id: e.isValidity ? "xhtml.invalid" : "xhtml.parse")
        }
        return found + extra
    }
}

/// One libxml2 error, copied out of its C struct.
struct LibXMLError {
    var message: String
    var line: Int
    var column: Int
    var elementName: String?
    var isValidity: Bool
}

/// Receives libxml2's structured errors for the current thread while `capturing` runs.
final class ErrorCollector {
    var errors: [LibXMLError] = []

    func capturing<T>(_ body: () -> T) -> T {
        let context = Unmanaged.passUnretained(self).toOpaque()
        xmlSetStructuredErrorFunc(context) { context, error in
            guard let context, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
            collector.record(error.pointee)
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return withExtendedLifetime(self) { body() }
    }

    func record(_ e: xmlError) {
        var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while message.last?.isWhitespace == true { message.removeLast() }
        var name: String? = nil
        if let node = e.node?.assumingMemoryBound(to: xmlNode.self), node.pointee.type == XML_ELEMENT_NODE, let n = node.pointee.name {
            name = String(cString: n)
        }
        errors.append(LibXMLError(message: message, line: Int(e.line), column: Int(e.int2), elementName: name,
                                  isValidity: e.domain == Int32(XML_FROM_VALID.rawValue)))
    }
}

enum LibXML {
    /// Initialises libxml2 once and refuses every network load process-wide.
    private static let initialized: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    static func setUp() { _ = initialized }
}
