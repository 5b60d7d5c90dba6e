internal import CLibXML2
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
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
    /// threads. Copies are parsed on demand, up to `maxCopies`; never copied with `xmlCopyDtd`,
    /// whose copies lose each element's list of attribute declarations, so that a missing
    /// #REQUIRED attribute (an `img` without `alt`) passed validation.
    private var available: [Copy] = []
    /// Parser contexts given back after a page, reused by the next: a new context per page built
    /// and freed its name dictionary every time (107 M instructions for the 511 pages of the
    /// 50-document set).
    private var parsers: [xmlParserCtxtPtr] = []
    private var created = 0
    private let maxCopies: Int
    private let condition = Condition()
    /// Where copies come from (guarded by `condition`).
    private var source: Source
    /// Every element, attribute and entity name asked for so far; a new subset covers them all, so
    /// that later documents find a copy that covers theirs (guarded by `condition`).
    private var requested = DTDNeeds(elements: [], attributes: [], entities: [])
    /// Whether pages are scanned for the names they use (`DTDDeclarations.needs`).
    private let subsetting: Bool

    private enum Source: Sendable {
        /// The flat declarations (from the user's cache, or serialised from the parsed DTD):
        /// each copy is parsed from the declarations of the elements asked for.
        case declarations(DTDDeclarations)
        /// Each copy is parsed from the DTD's files (`cached: false`, and the fallback when the
        /// declarations cannot be filed or do not parse).
        case files(path: String)
    }

    private struct Copy {
        var dtd: xmlDtdPtr
        /// What it declares when it is a subset; nil for the whole DTD.
        var covered: DTDNeeds?

        func covers(_ needs: DTDNeeds?) -> Bool {
            guard let covered else { return true }
            guard let needs else { return false }
            return needs.isSubset(of: covered)
        }
    }

    /// Loads the DTD; fails with a diagnostic that says what to install when it cannot be found.
    /// `cached`: use (and write) the flattened copy in the user's cache (`FlattenedDTD`); a current
    /// one is only read here. `false`: every copy is parsed from the DTD's files.
    public init(dtd: DTDIdentity = .xhtml1Strict, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount, cached: Bool = true) throws(DiagnosticsError) {
        LibXML.setUp()
        self.dtd = dtd
        LibXML.admit(dtd)
        maxCopies = max(1, min(maxConcurrency, 16))
        let collector = ErrorCollector()
        let loaded: (Source, xmlDtdPtr?)? = collector.capturing {
            guard let path = DTDLocations.path(of: dtd) else { return nil }
            if cached, let declarations = FlattenedDTD.declarations(dtd, path: path) { return (.declarations(declarations), nil) }
            // Parsed from its files: once, to know that it loads (and, cached, to write the cache).
            guard let parsed = cached ? FlattenedDTD.parse(dtd, path: path) : xmlParseDTD(nil, path) else { return nil }
            if cached, let declarations = DTDDeclarations(FlattenedDTD.serialize(parsed)) {
                xmlFreeDtd(parsed)
                return (.declarations(declarations), nil)
            }
            return (.files(path: path), parsed)
        }
        guard let (source, first) = loaded else {
            let details = collector.errors.map { " (\($0.message))" }.joined()
            throw DiagnosticsError([.error(
                "cannot load the \(dtd.name) DTD from the XML catalog\(details); install Debian's w3c-sgml-lib (make deps)",
                at: nil, id: "\(dtd.idPrefix).dtd-missing")])
        }
        self.source = source
        if case .declarations = source { subsetting = true } else { subsetting = false }
        if let first {
            available = [Copy(dtd: first, covered: nil)]
            created = 1
        }
    }

    deinit {
        for copy in available { xmlFreeDtd(copy.dtd) }
        for parser in parsers { xmlFreeParserCtxt(parser) }
    }

    /// A parser context to read one page with, and `giveBack` to return it.
    private func takeParser() -> xmlParserCtxtPtr? {
        condition.lock()
        if let parser = parsers.popLast() { condition.unlock(); return parser }
        condition.unlock()
        return xmlNewParserCtxt()
    }

    private func giveBack(_ parser: xmlParserCtxtPtr) {
        condition.lock()
        parsers.append(parser)
        condition.unlock()
    }

    /// Lends `body` a DTD copy that declares all that `needs` names (nil: the whole DTD): a free
    /// one, a new one while fewer than `maxCopies` exist (replacing a free one that does not cover
    /// `needs` when there are that many), or the next one given back.
    private func withDTD(covering needs: DTDNeeds?, _ body: (xmlDtdPtr) -> [Diagnostic]) -> [Diagnostic] {
        guard let copy = acquire(needs) else {
            return [.error("cannot load the \(dtd.name) DTD: neither its cached declarations nor its files parse any more", at: nil, id: "\(dtd.idPrefix).dtd-missing")]
        }
        defer {
            condition.lock()
            available.append(copy)
            condition.signal()
            condition.unlock()
        }
        return body(copy.dtd)
    }

    /// nil when no copy can be made and none exists to wait for.
    private func acquire(_ needs: DTDNeeds?) -> Copy? {
        condition.lock()
        defer { condition.unlock() }
        if let needs { requested.formUnion(needs) }
        while true {
            if let index = available.firstIndex(where: { $0.covers(needs) }) { return available.remove(at: index) }
            if created == maxCopies, let index = available.firstIndex(where: { !$0.covers(needs) }) {
                xmlFreeDtd(available.remove(at: index).dtd)
                created -= 1
            }
            if created < maxCopies {
                created += 1
                let wanted = needs == nil ? nil : requested
                let from = source
                condition.unlock()
                let made = Self.parse(from, covering: wanted, dtd: dtd)
                condition.lock()
                if let made { return made }
                created -= 1
                if case .declarations = source, let path = DTDLocations.path(of: dtd) {
                    // The declarations did not parse: from now on, copies from the DTD's files.
                    source = .files(path: path)
                    continue
                }
                // Wait for a copy in use, when there is one.
                if created == 0 { return nil }
            }
            condition.wait()
        }
    }

    /// A new copy from `source`: parsed from the declarations `needs` calls for (a subset; nil:
    /// all), or from the DTD's files. Libxml2's messages are kept out of the documents'
    /// diagnostics: a copy that does not parse is made another way (see `acquire`).
    private static func parse(_ source: Source, covering needs: DTDNeeds?, dtd: DTDIdentity) -> Copy? {
        switch source {
        case .files(let path):
            return ErrorCollector().capturing { xmlParseDTD(nil, path) }.map { Copy(dtd: $0, covered: nil) }
        case .declarations(let declarations):
            guard let needs else {
                return ErrorCollector().capturing { FlattenedDTD.parse(declarations.subset(declarations.elements)) }.map { Copy(dtd: $0, covered: nil) }
            }
            return ErrorCollector().capturing { FlattenedDTD.parse(declarations.subset(needs)) }.map { Copy(dtd: $0, covered: needs) }
        }
    }

    /// Every well-formedness and validity error of `text`, as diagnostics located in `path`.
    public func validate(_ text: String, path: String) -> [Diagnostic] {
        // The page's own UTF-8 storage, not a copy of it: pages of large projects are tens of MB.
        var storage = text
        return storage.withUTF8 { validate(bytes: $0, text: { text }, path: path) }
    }

    /// `validate` of a page's UTF-8 (valid UTF-8); the text is made only to place findings.
    public func validate(bytes: [UInt8], path: String) -> [Diagnostic] {
        bytes.withUnsafeBufferPointer { validate(bytes: $0, text: { String(decoding: bytes, as: UTF8.self) }, path: path) }
    }

    private func validate(bytes: UnsafeBufferPointer<UInt8>, text: () -> String, path: String) -> [Diagnostic] {
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
        // Against the declarations the page may need (see `DTDDeclarations`).
        let needs = subsetting ? DTDDeclarations.needs(in: bytes) : nil
        // A large page here has findings already: straight to the tree.
        let tryWhileParsing = bytes.count <= streamingThreshold
        return withDTD(covering: needs) { parsed in
            tryWhileParsing && validatesWhileParsing(bytes, needs: needs, dtd: parsed) ? [] : validate(bytes, text: text, path: path, dtd: parsed)
        }
    }

    /// Parses the page with the DTD copy attached as its external subset, so that libxml2
    /// validates while it parses (attribute values as it decodes them, content models as elements
    /// close) instead of walking the finished tree again; true when it found nothing at all. A
    /// page with any finding is validated again as a tree (`validate(_:text:path:dtd:)`), whose
    /// messages and positions the diagnostics keep.
    /// Only for a page that names no entity but the five predefined ones (which libxml2 resolves
    /// without the DTD): an entity of the DTD would be parsed into the copy, whose nodes would then
    /// outlive the page they were parsed for.
    private func validatesWhileParsing(_ bytes: UnsafeBufferPointer<UInt8>, needs: DTDNeeds?, dtd parsed: xmlDtdPtr) -> Bool {
        guard let needs, needs.entities.isSubset(of: Self.predefinedEntities) else { return false }
        // A new context: `vctxt.finishDtd`, which gates the root element and DTD checks, is set
        // when a context is made (xmlInitParserCtxt); a reused one was not relied on to reset it.
        guard let ctxt = xmlNewParserCtxt() else { return false }
        defer { xmlFreeParserCtxt(ctxt) }
        ctxt.pointee._private = UnsafeMutableRawPointer(parsed)
        // Where libxml2 would load the external subset named by the DOCTYPE, the copy is attached.
        ctxt.pointee.sax.pointee.externalSubset = { context, _, _, _ in
            guard let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self), let doc = ctxt.pointee.myDoc,
                  let dtd = ctxt.pointee._private else { return }
            doc.pointee.extSubset = dtd.assumingMemoryBound(to: xmlDtd.self)
        }
        let collector = ErrorCollector()
        return collector.capturing {
            // RECOVER: libxml2 hands the document back even when it is not well-formed (else it
            // frees it, with the attached copy); such a page is not valid here anyway.
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_DTDVALID.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue)
            let doc: xmlDocPtr? = bytes.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(bytes.count), nil, "UTF-8", options)
                }
            }
            guard let doc else { return false }
            defer {
                if doc.pointee.extSubset == parsed { doc.pointee.extSubset = nil }
                xmlFreeDoc(doc)
            }
            guard doc.pointee.extSubset == parsed, ctxt.pointee.wellFormed == 1, ctxt.pointee.valid == 1, collector.errors.isEmpty,
                  let subset = doc.pointee.intSubset, subset.pointee.ExternalID.map({ String(cString: $0) }) == dtd.publicID,
                  !Self.declaresAnything(subset) else { return false }
            return true
        }
    }

    static let predefinedEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// Whether a page's internal DTD subset declares anything (entities, elements, anything else).
    private static func declaresAnything(_ subset: xmlDtdPtr) -> Bool {
        subset.pointee.children != nil || subset.pointee.entities != nil || subset.pointee.elements != nil
    }

    /// Pages larger than this are validated while they are read (libxml2's xmlTextReader), so that
    /// memory holds the DTD and the current element instead of the whole tree (which takes about
    /// ten times the page's size); a page with problems is then validated again as a tree for exact
    /// positions. Smaller pages are parsed into a tree and validated against the shared DTD, which
    /// avoids parsing the DTD again for each page.
    public var streamingThreshold = 1 << 20

    private func validateStreaming(_ bytes: UnsafeBufferPointer<UInt8>, text: () -> String, path: String) -> [Diagnostic] {
        let collector = ErrorCollector()
        var extra: [Diagnostic] = []
        collector.capturing {
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_DTDLOAD.rawValue | XML_PARSE_DTDVALID.rawValue | XML_PARSE_NOCDATA.rawValue)
            let reader: xmlTextReaderPtr? = bytes.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    xmlReaderForMemory($0, Int32(bytes.count), path, "UTF-8", options)
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
            var ownIDTable = false
            while status == 1 {
                status = xmlTextReaderRead(reader)
                if !ownIDTable, status == 1, let doc = xmlTextReaderCurrentDoc(reader) {
                    ownIDTable = true
                    Self.keepIDsOutOfTheDictionary(doc, pageBytes: bytes.count)
                }
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

    /// Gives the page an ID table of its own before libxml2 makes one, when no ID has been seen yet
    /// (the reader's first node is the root element). Libxml2 2.9 makes the table on the page's
    /// string dictionary, which then holds every ID value; the dictionary stops growing at 4,608
    /// hash buckets, so every name looked up while reading walked a chain that grew with the page:
    /// `xmlDictLookup` was 7 % of the 50k x 10 build's time and 12 % of the 100k x 10 build's.
    /// Duplicate IDs are still found: libxml2 adds each ID to this table and reports one it holds.
    static func keepIDsOutOfTheDictionary(_ doc: xmlDocPtr, pageBytes: Int) {
        guard doc.pointee.ids == nil else { return }
        // About one ID in 200 bytes of a port page; the table grows when it needs to.
        doc.pointee.ids = UnsafeMutableRawPointer(xmlHashCreate(Int32(min(max(pageBytes / 256, 256), 1 << 20))))
    }

    /// The 1-based line where `needle` first occurs in `bytes`, or 1.
    static func line(of needle: String, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
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
    static func internalSubsetLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
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

    private func validate(_ bytes: UnsafeBufferPointer<UInt8>, text: () -> String, path: String, dtd parsed: xmlDtdPtr) -> [Diagnostic] {
        let collector = ErrorCollector()
        var extra: [Diagnostic] = []
        collector.capturing {
            guard let ctxt = takeParser() else {
                extra.append(.error("libxml2 could not create a parser", at: nil, id: "\(dtd.idPrefix).internal"))
                return
            }
            defer { giveBack(ctxt) }
            // No DTD loading, no entity substitution, no network: the DTD is the one we loaded.
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
            let doc: xmlDocPtr? = bytes.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(bytes.count), path, "UTF-8", options)
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
            if Self.declaresAnything(subset) {
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
    private func diagnostics(_ collector: ErrorCollector, text: () -> String, path: String) -> [Diagnostic] {
        if collector.errors.isEmpty { return [] }
        let lines = text().split(separator: "\n", omittingEmptySubsequences: false)
        var seen = Set<String>()
        let unique = collector.errors.filter { seen.insert("\($0.line):\($0.column):\($0.message)").inserted }
        let found = unique.map { e -> Diagnostic in
            var column = e.column
            // Validity errors carry the element's line but no column: point at its start tag.
            if column <= 0, let name = e.elementName, e.line >= 1, e.line <= lines.count,
               let range = lines[e.line - 1].firstRange(of: "<" + name) {
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
            LibXML.recordLoad(resolved)
            // The file is already found and checked: opened directly, since
            // xmlNoNetExternalEntityLoader would ask the catalog once more.
            return resolved.withCString { xmlNewInputFromFile(context, $0) }
        }
        return true
    }()

    /// The directory of a DTD found through the catalog.
    static func directory(of dtd: DTDIdentity) -> String? {
        guard let path = DTDLocations.path(of: dtd) else { return nil }
        return URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path + "/"
    }

    /// The directory of the XHTML DTD; loads are allowed below the directories of the DTDs in use.
    static let dtdDirectory: String? = directory(of: .xhtml1Strict)

    private static let lock = Lock()
    private static let catalogLock = Lock()
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
        // A module named by a path relative to its DTD arrives as a local path: when it lies in
        // one of the directories, it needs no catalog lookup (each lookup walks 174 KB of catalog
        // XML; the SVG DTD alone loads 40 modules).
        if let url {
            let local = String(cString: url)
            for directory in directories {
                if let path = inside(local, directory), FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        // A module or entity set named by its public identifier: the file the system catalog maps
        // it to (XHTML 1.0 keeps its entity sets, &nbsp; and the rest, in the XHTML
        // Modularization folder, beside the DTD's own).
        if let publicID, let path = DTDLocations.resolve(publicID: String(cString: publicID), systemID: url.map { String(cString: $0) }),
           path.hasPrefix("/"), FileManager.default.fileExists(atPath: path) {
            return path
        }
        for directory in directories {
            if let path = allowedLocalPath(url: url, publicID: publicID, in: directory), FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    static func allowedLocalPath(url: UnsafePointer<CChar>?, publicID: UnsafePointer<CChar>?, in directory: String) -> String? {
        var candidates: [String] = []
        if let url { candidates.append(String(cString: url)) }
        if let resolved = DTDLocations.resolve(publicID: publicID.map { String(cString: $0) }, systemID: url.map { String(cString: $0) }) {
            candidates.insert(resolved, at: 0)
        }
        for candidate in candidates {
            if let path = inside(candidate, directory) { return path }
        }
        return nil
    }

    /// The local path of `candidate` (a path or a file: URL) when it lies in `directory`, compared
    /// after resolving '..' and symbolic links, so that no path escapes the directory.
    static func inside(_ candidate: String, _ directory: String) -> String? {
        var path = candidate
        if path.hasPrefix("file://") { path.removeFirst("file://".count) }
        guard path.hasPrefix("/") else { return nil }
        let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path + "/"
        return real.hasPrefix(base) ? path : nil
    }

    static func setUp() { _ = initialized }

    /// Files the entity loader opened, by recording thread.
    nonisolated(unsafe) private static var recorded: [UInt: [String]] = [:]

    /// Runs `body`, returning its result and the files libxml2 opened through the entity loader
    /// on this thread meanwhile.
    static func recordingLoads<T>(_ body: () -> T) -> (result: T, files: [String]) {
        let thread = UInt(pthread_self())
        lock.lock(); recorded[thread] = []; lock.unlock()
        let result = body()
        lock.lock(); let files = recorded.removeValue(forKey: thread) ?? []; lock.unlock()
        return (result, files)
    }

    static func recordLoad(_ path: String) {
        let thread = UInt(pthread_self())
        lock.lock()
        if recorded[thread] != nil { recorded[thread]?.append(path) }
        lock.unlock()
    }
}

/// Where the system XML catalog puts each DTD, resolved once per process and remembered across
/// runs in the user's cache (`~/.cache/portdoc/dtd-locations`), keyed by the size and modification
/// time of every catalog file: resolving through `/etc/xml/catalog` walks 174 KB of catalog XML
/// with 603 delegates, which measured about 50 million instructions on the seed, more than
/// rendering it. A stale or missing entry falls back to the catalog, and a remembered file that
/// has gone is resolved again.
enum DTDLocations {
    private static let lock = Lock()
    nonisolated(unsafe) private static var known: [String: String] = [:]
    nonisolated(unsafe) private static var loaded = false

    /// The local file of `dtd`, or nil when the catalog does not know it (or names no local file).
    static func path(of dtd: DTDIdentity) -> String? {
        resolve(publicID: dtd.publicID, systemID: dtd.systemID).flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    /// What the catalog makes of a public and a system identifier (a DTD, or a module or entity
    /// file it loads): a path for a local file, else the URI the catalog gives; nil when it has none.
    static func resolve(publicID: String?, systemID: String?) -> String? {
        let key = (publicID ?? "") + " " + (systemID ?? "")
        lock.lock()
        defer { lock.unlock() }
        if !loaded { loaded = true; known = readCache() }
        if let path = known[key], !path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        guard let resolved = xmlCatalogResolve(publicID, systemID) else { return nil }
        defer { free(resolved) }  // xmlFree is free() unless xmlMemSetup changed it; we never do
        var path = String(cString: resolved)
        if path.hasPrefix("file://") { path.removeFirst("file://".count) }
        known[key] = path
        writeCache(known)
        return path
    }

    /// `path size mtime` of every catalog file: XML_CATALOG_FILES when set, else /etc/xml.
    static func stamp(environment: [String: String] = ProcessEnvironment.values) -> String {
        var files: [String]
        if let list = environment["XML_CATALOG_FILES"] {
            files = list.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        } else {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: "/etc/xml")) ?? []).sorted().map { "/etc/xml/" + $0 }
        }
        return files.map { "\($0) \(FileStamp.of($0))" }.joined(separator: "|")
    }

    static var cacheFile: URL? { UserCache.folder().appendingPathComponent("dtd-locations") }

    /// The remembered locations, when the first line matches today's catalog stamp.
    static func readCache() -> [String: String] {
        guard let file = cacheFile, let text = try? String(contentsOf: file, encoding: .utf8) else { return [:] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty, lines.removeFirst() == "catalog " + stamp() else { return [:] }
        var result: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    /// Best effort: a cache that cannot be written only costs the next run the lookup.
    static func writeCache(_ entries: [String: String]) {
        guard let file = cacheFile else { return }
        let text = (["catalog " + stamp()] + entries.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }).joined(separator: "\n") + "\n"
        UserCache.replace(file, with: Data(text.utf8))
    }
}

/// The process's environment, read once. `ProcessEnvironment.values` builds a new
/// dictionary on every use, about 470,000 instructions here (thirteen uses were 5 % of a seed
/// build); PortDoc never changes its own environment.
public enum ProcessEnvironment {
    public static let values: [String: String] = {
        var values: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            // The first `=` ends the name (a value may hold more); the first entry of a name wins, as with getenv.
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: bytes[..<equals], as: UTF8.self)
                if values[name] == nil { values[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self) }
            }
            entry += 1
        }
        return values
    }()
}

/// PortDoc's cache folder (remembered DTD locations, Graphviz's core-plugin folder):
/// `$XDG_CACHE_HOME/portdoc`, else `~/.cache/portdoc`, else (no writable home) a folder per user
/// under the temporary folder. Created when missing.
public enum UserCache {
    public static func folder(environment: [String: String] = ProcessEnvironment.values) -> URL {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { candidates.append(URL(fileURLWithPath: xdg).appendingPathComponent("portdoc")) }
        if let home = environment["HOME"], home.hasPrefix("/") { candidates.append(URL(fileURLWithPath: home).appendingPathComponent(".cache/portdoc")) }
        for folder in candidates {
            if (try? fm.createDirectory(at: folder, withIntermediateDirectories: true)) != nil, fm.isWritableFile(atPath: folder.path) { return folder }
        }
        let fallback = fm.temporaryDirectory.appendingPathComponent("portdoc-cache-\(getuid())")
        try? fm.createDirectory(at: fallback, withIntermediateDirectories: true)
        return fallback
    }

    /// Best effort: writes `data` to a temporary file of its own beside `file`, then renames it
    /// over `file`, so that a reader (another process, or another thread of this one) sees the old
    /// contents or the new, never a mix. A cache that cannot be written only costs the next run.
    public static func replace(_ file: URL, with data: Data) {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent)-\(UUID().uuidString)")
        guard (try? data.write(to: temporary)) != nil else { return }
        if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
}
