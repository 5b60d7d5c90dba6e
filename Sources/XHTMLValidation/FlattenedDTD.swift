internal import CLibXML2
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A DTD as libxml2 parsed it, written back as plain declarations (no parameter entities, no
/// conditional sections, no modules) and kept in the user's cache (`~/.cache/portdoc`), so that
/// the next run parses one flat file instead of a DTD and its modules: measured with libxml2 here,
/// XHTML 1.0 Strict 5.9 → 1.6 ms, SVG 1.1 (40 modules) 8.5 → 6.4 ms.
///
/// The cached file starts with what it was made from: the libxml2 version, the DTD's path, the
/// system catalog's stamp, and the size and modification time of every file libxml2 read for it.
/// Any difference, or a file that cannot be read, and the DTD is parsed from its files again (and
/// the cache rewritten). The declarations are libxml2's own serialisation (`xmlNodeDump`), and a
/// test validates pages and broken pages against both forms and requires the same diagnostics.
/// What a cache made from a file remembers of it, to tell whether the file changed: its size and
/// modification time (through symbolic links), or "missing". The flattened DTDs, the remembered
/// DTD locations and Graphviz's layouts are stamped with it.
public enum FileStamp {
    public static func of(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "missing" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

enum FlattenedDTD {
    static let header = "portdoc flattened DTD 1"

    /// The cached form of `dtd`, parsed whole; nil when there is none or it is stale.
    /// `folder`: the cache folder (tests pass one of their own).
    static func load(_ dtd: DTDIdentity, path: String, folder: URL = UserCache.folder()) -> xmlDtdPtr? {
        body(dtd, path: path, folder: folder).flatMap { parse($0) }
    }

    /// The cached declarations of `dtd`, filed by element (see `DTDDeclarations`); nil when there
    /// are none, they are stale, or they cannot be filed.
    static func declarations(_ dtd: DTDIdentity, path: String, folder: URL = UserCache.folder()) -> DTDDeclarations? {
        body(dtd, path: path, folder: folder).flatMap { DTDDeclarations($0) }
    }

    /// The declarations of the cached file, after a header that matches today's files.
    static func body(_ dtd: DTDIdentity, path: String, folder: URL) -> [UInt8]? {
        let file = cacheFile(dtd, in: folder)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let bytes = [UInt8](data)
        // The header ends at the first empty line.
        var start = 0
        var headerLines: [String] = []
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            if end == start { start += 1; break }
            headerLines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end + 1
        }
        guard headerLines.count >= 4, headerLines[0] == header, headerLines[1] == "libxml2 " + libxmlVersion,
              headerLines[2] == "source " + path, headerLines[3] == "catalog " + DTDLocations.stamp() else { return nil }
        for line in headerLines.dropFirst(4) {
            guard line.hasPrefix("file "), let tab = line.lastIndex(of: "\t") else { return nil }
            let file = String(line[line.index(line.startIndex, offsetBy: 5)..<tab])
            guard FileStamp.of(file) == String(line[line.index(after: tab)...]) else { return nil }
        }
        let body = Array(bytes[start...])
        guard !body.isEmpty, body.count < Int(Int32.max) else { return nil }
        return body
    }

    /// Declarations parsed from memory (nothing else is loaded); nil when they do not parse.
    static func parse(_ declarations: [UInt8]) -> xmlDtdPtr? {
        guard !declarations.isEmpty, declarations.count < Int(Int32.max) else { return nil }
        return declarations.withUnsafeBufferPointer { buffer -> xmlDtdPtr? in
            guard let base = buffer.baseAddress else { return nil }
            let input = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlParserInputBufferCreateMem($0, Int32(buffer.count), XML_CHAR_ENCODING_UTF8)
            }
            guard let input else { return nil }
            return xmlIOParseDTD(nil, input, XML_CHAR_ENCODING_UTF8)  // takes the input buffer
        }
    }

    /// Whether the cache holds a current flat form of `dtd` that parses.
    static func isCurrent(_ dtd: DTDIdentity, path: String, folder: URL = UserCache.folder()) -> Bool {
        guard let parsed = load(dtd, path: path, folder: folder) else { return false }
        xmlFreeDtd(parsed)
        return true
    }

    /// Parses `dtd` from its files and writes the cache, keeping nothing; false when it does not parse.
    static func refresh(_ dtd: DTDIdentity, path: String, folder: URL = UserCache.folder()) -> Bool {
        guard let parsed = parse(dtd, path: path, folder: folder) else { return false }
        xmlFreeDtd(parsed)
        return true
    }

    /// Parses `dtd` from its files, recording which files libxml2 reads, and writes its flat form
    /// to the cache (best effort: an unwritable cache only costs the next run the full parse).
    static func parse(_ dtd: DTDIdentity, path: String, folder: URL = UserCache.folder()) -> xmlDtdPtr? {
        let read = LibXML.recordingLoads { xmlParseDTD(nil, path) }
        guard let parsed = read.result else { return nil }
        store(parsed, dtd: dtd, path: path, files: [path] + read.files, folder: folder)
        return parsed
    }

    static func store(_ parsed: xmlDtdPtr, dtd: DTDIdentity, path: String, files: [String], folder: URL) {
        var seen = Set<String>()
        var text = [header, "libxml2 " + libxmlVersion, "source " + path, "catalog " + DTDLocations.stamp()].joined(separator: "\n") + "\n"
        for f in files where seen.insert(f).inserted { text += "file \(f)\t\(FileStamp.of(f))\n" }
        UserCache.replace(cacheFile(dtd, in: folder), with: Data((text + "\n").utf8 + serialize(parsed)))
    }

    /// The declarations of a parsed DTD as libxml2 writes them, one per line: elements, attribute
    /// lists, general entities and notations (parameter entities have done their work: their
    /// expansions are in the declarations; comments are left out).
    static func serialize(_ parsed: xmlDtdPtr) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        var node = parsed.pointee.children
        while let current = node {
            node = current.pointee.next
            if current.pointee.type == XML_COMMENT_NODE { continue }
            if current.pointee.type == XML_ENTITY_DECL {
                let kind = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlEntity.self).pointee.etype
                if kind == XML_INTERNAL_PARAMETER_ENTITY || kind == XML_EXTERNAL_PARAMETER_ENTITY { continue }
            }
            xmlNodeDump(buffer, nil, current, 0, 0)
            xmlBufferCCat(buffer, "\n")
        }
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(content).assumingMemoryBound(to: UInt8.self), count: Int(xmlBufferLength(buffer))))
    }

    static func cacheFile(_ dtd: DTDIdentity, in folder: URL) -> URL {
        folder.appendingPathComponent("dtd-\(dtd.idPrefix)-flat.dtd")
    }


    static var libxmlVersion: String { __xmlParserVersion()?.pointee.map { String(cString: $0) } ?? "unknown" }
}
