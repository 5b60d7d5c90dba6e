internal import CLibXML2
import Foundation
import PortDocCore

/// A DTD the outputs are validated against, named as documents name it in their DOCTYPE.
public struct DTDIdentity: Sendable, Equatable, Hashable {
    public var publicID: String
    public var systemID: String
    /// For messages: "XHTML 1.0 Strict".
    public var name: String

    /// The first part of diagnostic ids: `xhtml.invalid`, `svg.invalid`.
    public var idPrefix: String

    public init(publicID: String, systemID: String, name: String, idPrefix: String) {
        self.publicID = publicID
        self.systemID = systemID
        self.name = name
        self.idPrefix = idPrefix
    }

    public static let xhtml1Strict = DTDIdentity(publicID: "-//W3C//DTD XHTML 1.0 Strict//EN", systemID: "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd", name: "XHTML 1.0 Strict", idPrefix: "xhtml")
    public static let svg11 = DTDIdentity(publicID: "-//W3C//DTD SVG 1.1//EN", systemID: "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd", name: "SVG 1.1", idPrefix: "svg")
}

/// The validator of XHTML pages; see `DTDValidator`.
public typealias XHTMLValidator = DTDValidator

/// Validates documents against one DTD (XHTML 1.0 Strict by default, SVG 1.1 for the diagram)
/// with libxml2, in memory.
///
/// The DTD is resolved through the system XML catalog (Debian's `w3c-sgml-lib`), parsed once, and
/// every document is validated against it (`xmlValidateDtd`); the network is never used, a
/// document may not bring its own internal DTD subset or entities, and libxml2 may load only the
/// files of the DTDs in use. Errors become `path:line:col` diagnostics.
public final class DTDValidator: @unchecked Sendable {  // state guarded by `condition`
    public let dtd: DTDIdentity
    /// Larger pages are refused before parsing.
    public static let maxInputBytes = 64 << 20

    /// Parsed copies of the DTD, one per page validated at the same time: libxml2 builds each
    /// element's content-model automaton lazily inside the DTD, so a DTD is never shared by two
    /// threads. Copies are parsed on demand, up to `maxCopies`.
    private var available: [xmlDtdPtr] = []
    private var created = 0
    private let maxCopies: Int
    private let condition = NSCondition()

    /// Loads the DTD; fails with a diagnostic that says what to install when it cannot be found.
    public init(dtd: DTDIdentity = .xhtml1Strict, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount) throws(DiagnosticsError) {
        LibXML.setUp()
        self.dtd = dtd
        LibXML.admit(dtd)
        maxCopies = max(1, min(maxConcurrency, 16))
        available = [try Self.loadDTD(dtd)]
        created = 1
    }

    private static func loadDTD(_ dtd: DTDIdentity) throws(DiagnosticsError) -> xmlDtdPtr {
        let collector = ErrorCollector()
        let loaded: xmlDtdPtr? = collector.capturing {
            guard let resolved = xmlCatalogResolve(dtd.publicID, dtd.systemID) else { return nil }
            defer { free(resolved) }  // xmlFree is free() unless xmlMemSetup changed it; we never do
            let uri = String(cString: resolved)
            guard uri.hasPrefix("file:") || uri.hasPrefix("/") else { return nil }
            return xmlParseDTD(nil, resolved)
        }
        guard let loaded else {
            let details = collector.errors.map { " (\($0.message))" }.joined()
            throw DiagnosticsError([.error(
                "cannot load the \(dtd.name) DTD from the XML catalog\(details); install Debian's w3c-sgml-lib (make deps)",
                at: nil, id: "\(dtd.idPrefix).dtd-missing")])
        }
        return loaded
    }

    deinit {
        for dtd in available { xmlFreeDtd(dtd) }
    }

    /// Lends a DTD copy to `body`: a free one, a new one while fewer than `maxCopies` exist, or the
    /// next one given back.
    private func withDTD<T>(_ body: (xmlDtdPtr) -> T) -> T {
        let dtd = acquire()
        defer {
            condition.lock()
            available.append(dtd)
            condition.signal()
            condition.unlock()
        }
        return body(dtd)
    }

    private func acquire() -> xmlDtdPtr {
        condition.lock()
        defer { condition.unlock() }
        var canGrow = true
        while true {
            if let dtd = available.popLast() { return dtd }
            if canGrow && created < maxCopies {
                created += 1
                condition.unlock()
                let copy = try? Self.loadDTD(dtd)
                condition.lock()
                if let copy { return copy }
                created -= 1
                canGrow = false  // it loaded once; if it fails now, wait for a copy in use
                continue
            }
            condition.wait()
        }
    }

    /// Every well-formedness and validity error of `text`, as diagnostics located in `path`.
    public func validate(_ text: String, path: String) -> [Diagnostic] {
        let bytes = Array(text.utf8)
        if bytes.isEmpty {
            return [.error("the page is empty", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).parse")]
        }
        if bytes.count > Self.maxInputBytes {
            return [.error("the page is \(bytes.count) bytes; pages over \(Self.maxInputBytes) bytes are not validated", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).too-large")]
        }
        // Entity declarations are refused before libxml2 sees them: no XXE, no billion laughs.
        if let line = Self.internalSubsetLine(bytes) {
            return [.error("the page declares its own DTD subset ('<!DOCTYPE … [ … ]>', entities or elements); XHTML pages may not, and it is not parsed", at: SourceLocation(path: path, line: line, column: 1), id: "\(dtd.idPrefix).internal-subset")]
        }
        // A large page is first validated while it is read; only when that finds a problem is it
        // parsed into a tree, whose findings carry exact element positions.
        if bytes.count > streamingThreshold, validateStreaming(bytes, text: text, path: path).isEmpty { return [] }
        return withDTD { parsed in validate(bytes, text: text, path: path, dtd: parsed) }
    }

    /// Pages larger than this are validated while they are read (libxml2's xmlTextReader), so that
    /// memory holds the DTD and the current element instead of the whole tree (which takes about
    /// ten times the page's size); a page with problems is then validated again as a tree for exact
    /// positions. Smaller pages are parsed into a tree and validated against the shared DTD, which
    /// avoids parsing the DTD again for each page.
    public var streamingThreshold = 1 << 20

    private func validateStreaming(_ bytes: [UInt8], text: String, path: String) -> [Diagnostic] {
        let collector = ErrorCollector()
        var extra: [Diagnostic] = []
        collector.capturing {
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_DTDLOAD.rawValue | XML_PARSE_DTDVALID.rawValue | XML_PARSE_NOCDATA.rawValue)
            let reader = bytes.withUnsafeBufferPointer { buffer -> xmlTextReaderPtr? in
                guard let base = buffer.baseAddress else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReaderForMemory($0, Int32(buffer.count), path, "UTF-8", options)
                }
            }
            guard let reader else {
                extra.append(.error("libxml2 could not create a reader", at: nil, id: "\(dtd.idPrefix).internal"))
                return
            }
            defer { xmlFreeTextReader(reader) }
            let context = Unmanaged.passUnretained(collector).toOpaque()
            xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
                guard let context, let error else { return }
                Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
            }, context)
            var status: Int32 = 1
            var checkedDoctype = false
            while status == 1 {
                status = xmlTextReaderRead(reader)
                if !checkedDoctype, status == 1, let doc = xmlTextReaderCurrentDoc(reader), let subset = doc.pointee.intSubset {
                    checkedDoctype = true
                    let external = subset.pointee.ExternalID.map { String(cString: $0) }
                    if external != dtd.publicID {
                        extra.append(.error("the DOCTYPE is '\(external ?? "none")'; expected '\(dtd.publicID)'", at: SourceLocation(path: path, line: Self.line(of: "<!DOCTYPE", in: bytes), column: 1), id: "\(dtd.idPrefix).doctype"))
                    }
                }
            }
            if !checkedDoctype && status == 0 {
                extra.append(.error("the page has no DOCTYPE; expected \(dtd.name) (\(dtd.publicID))", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).doctype"))
            }
            if status < 0 && collector.errors.isEmpty {
                extra.append(.error("the page is not well-formed XML", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).parse"))
            }
        }
        return diagnostics(collector, text: text, path: path) + extra
    }

    /// The 1-based line where `needle` first occurs in `bytes`, or 1.
    static func line(of needle: String, in bytes: [UInt8]) -> Int {
        let pattern = Array(needle.utf8)
        var line = 1
        var i = 0
        while i + pattern.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 } else if bytes[i] == pattern[0], Array(bytes[i..<(i + pattern.count)]) == pattern { return line }
            i += 1
        }
        return 1
    }

    /// The line of a DOCTYPE that opens an internal subset (`[`), or nil. Scans only the prolog,
    /// skipping quoted literals, comments and processing instructions.
    static func internalSubsetLine(_ bytes: [UInt8]) -> Int? {
        let doctype = Array("<!DOCTYPE".utf8)
        var i = 0, line = 1
        func starts(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            if starts(Array("<!--".utf8), at: i) || starts(Array("<?".utf8), at: i) {
                let end: [UInt8] = bytes[i + 1] == UInt8(ascii: "!") ? Array("-->".utf8) : Array("?>".utf8)
                var j = i + 2
                while j < bytes.count, !starts(end, at: j) { if bytes[j] == UInt8(ascii: "\n") { line += 1 }; j += 1 }
                i = j + end.count
                continue
            }
            if starts(doctype, at: i) {
                var j = i + doctype.count
                var quote: UInt8? = nil
                while j < bytes.count {
                    let c = bytes[j]
                    if let q = quote { if c == q { quote = nil } } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c } else if c == UInt8(ascii: "[") { return line } else if c == UInt8(ascii: ">") { return nil }
                    j += 1
                }
                return nil
            }
            // The root element starts: the prolog is over.
            if bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] != UInt8(ascii: "!"), bytes[i + 1] != UInt8(ascii: "?") { return nil }
            i += 1
        }
        return nil
    }

    private func validate(_ bytes: [UInt8], text: String, path: String, dtd parsed: xmlDtdPtr) -> [Diagnostic] {
        let collector = ErrorCollector()
        var extra: [Diagnostic] = []
        collector.capturing {
            guard let ctxt = xmlNewParserCtxt() else {
                extra.append(.error("libxml2 could not create a parser", at: nil, id: "\(dtd.idPrefix).internal"))
                return
            }
            defer { xmlFreeParserCtxt(ctxt) }
            // No DTD loading, no entity substitution, no network: the DTD is the one we loaded.
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
            let doc = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
                guard let base = buffer.baseAddress else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(buffer.count), path, "UTF-8", options)
                }
            }
            guard let doc else {
                if collector.errors.isEmpty { extra.append(.error("the page is not well-formed XML", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).parse")) }
                return
            }
            defer { xmlFreeDoc(doc) }
            if ctxt.pointee.wellFormed == 0 && collector.errors.isEmpty {
                extra.append(.error("the page is not well-formed XML", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).parse"))
            }
            guard let subset = doc.pointee.intSubset else {
                extra.append(.error("the page has no DOCTYPE; expected \(dtd.name) (\(dtd.publicID))", at: SourceLocation(path: path, line: 1, column: 1), id: "\(dtd.idPrefix).doctype"))
                return
            }
            let doctypeLine = Self.line(of: "<!DOCTYPE", in: bytes)
            let external = subset.pointee.ExternalID.map { String(cString: $0) }
            if external != dtd.publicID {
                extra.append(.error("the DOCTYPE is '\(external ?? "none")'; expected '\(dtd.publicID)'", at: SourceLocation(path: path, line: doctypeLine, column: 1), id: "\(dtd.idPrefix).doctype"))
            }
            if subset.pointee.children != nil || subset.pointee.entities != nil || subset.pointee.elements != nil {
                extra.append(.error("the page declares its own DTD subset (entities or elements); XHTML pages may not", at: SourceLocation(path: path, line: doctypeLine, column: 1), id: "\(dtd.idPrefix).internal-subset"))
                return
            }
            guard let vctxt = xmlNewValidCtxt() else { return }
            defer { xmlFreeValidCtxt(vctxt) }
            vctxt.pointee.error = nil
            vctxt.pointee.warning = nil
            _ = xmlValidateDtd(vctxt, doc, parsed)
        }
        return diagnostics(collector, text: text, path: path) + extra
    }

    /// The collected libxml2 errors as diagnostics, each reported once.
    private func diagnostics(_ collector: ErrorCollector, text: String, path: String) -> [Diagnostic] {
        if collector.errors.isEmpty { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var seen = Set<String>()
        let unique = collector.errors.filter { seen.insert("\($0.line):\($0.column):\($0.message)").inserted }
        let found = unique.map { e -> Diagnostic in
            var column = e.column
            // Validity errors carry the element's line but no column: point at its start tag.
            if column <= 0, let name = e.elementName, e.line >= 1, e.line <= lines.count,
               let range = lines[e.line - 1].range(of: "<" + name) {
                column = lines[e.line - 1].unicodeScalars.distance(from: lines[e.line - 1].startIndex, to: range.lowerBound) + 1
            }
            return .error(e.message, at: SourceLocation(path: path, line: max(e.line, 1), column: max(column, 1)), id: e.isValidity ? "\(dtd.idPrefix).invalid" : "\(dtd.idPrefix).parse")
        }
        return found
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
        // The catalog is initialised once, here: libxml2 2.9 initialises it lazily on first use,
        // and two threads resolving their first DTD at once deadlocked on its mutex.
        xmlInitializeCatalog()
        xmlSetExternalEntityLoader { url, id, context in
            // Only files of the DTDs in use (each DTD and its .ent and .mod modules, found through the
            // XML catalog) may load; every other external entity or DTD is refused, whatever its scheme.
            // libxml2 reports the refusal itself ("failed to load external entity").
            guard let resolved = LibXML.allowedLocalPath(url: url, publicID: id) else { return nil }
            return resolved.withCString { xmlNoNetExternalEntityLoader($0, id, context) }
        }
        return true
    }()

    /// The directory of a DTD found through the catalog.
    static func directory(of dtd: DTDIdentity) -> String? {
        guard let resolved = xmlCatalogResolve(dtd.publicID, dtd.systemID) else { return nil }
        defer { free(resolved) }
        var path = String(cString: resolved)
        if path.hasPrefix("file://") { path.removeFirst("file://".count) }
        return URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path + "/"
    }

    /// The directory of the XHTML DTD; loads are allowed below the directories of the DTDs in use.
    static let dtdDirectory: String? = directory(of: .xhtml1Strict)

    private static let lock = NSLock()
    private static let catalogLock = NSLock()
    nonisolated(unsafe) private static var admitted: [String] = []

    /// Allows the files of `dtd`'s directory to load (done when a validator for it is made).
    static func admit(_ dtd: DTDIdentity) {
        // Resolved one at a time, but not under `lock`: resolving may load a delegated catalog
        // through the entity loader, which takes `lock`.
        catalogLock.lock()
        let dir = directory(of: dtd)
        catalogLock.unlock()
        guard let dir else { return }
        lock.lock()
        if !admitted.contains(dir) { admitted.append(dir) }
        lock.unlock()
    }

    /// The local file for an entity request, when it lies in the directory of a DTD in use.
    static func allowedLocalPath(url: UnsafePointer<CChar>?, publicID: UnsafePointer<CChar>?) -> String? {
        lock.lock()
        let directories = admitted
        lock.unlock()
        for directory in directories {
            if let path = allowedLocalPath(url: url, publicID: publicID, in: directory) { return path }
        }
        return nil
    }

    static func allowedLocalPath(url: UnsafePointer<CChar>?, publicID: UnsafePointer<CChar>?, in directory: String) -> String? {
        var candidates: [String] = []
        if let url { candidates.append(String(cString: url)) }
        if let resolved = xmlCatalogResolve(publicID.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) },
                                            url.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) }) {
            candidates.insert(String(cString: resolved), at: 0)
            free(resolved)
        }
        for candidate in candidates {
            var path = candidate
            if path.hasPrefix("file://") { path.removeFirst("file://".count) }
            guard path.hasPrefix("/") else { continue }
            // Compared after resolving '..' and symbolic links, so that no path escapes the directory.
            let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            let base = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path + "/"
            if real.hasPrefix(base) { return path }
        }
        return nil
    }

    static func setUp() { _ = initialized }
}
