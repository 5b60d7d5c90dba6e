/// The state of one message in one locale, judged against the current source text.
public enum MessageStatus: String, Sendable, Equatable {
    /// Translated against the current source text.
    case translated
    /// Marked `#, fuzzy` by a translator or by `locales update`.
    case fuzzy
    /// The entry's msgid is not the current source text: the source changed since.
    case stale
    /// Present with an empty msgstr.
    case untranslated
    /// The PO file has no entry for the key.
    case missing
}

/// One locale's translations, indexed by message key, judged against the source text.
///
/// A translation holds its whole PO file (for `check` and `locales update`), or, once
/// `compacted()`, only what a build reads: per key a hash of the msgid (to tell a stale entry), the
/// msgstr, the fuzzy flag and the positions. That keeps a project of 100,000 rows in ten languages
/// within memory bounds. (String hashes agree for equal strings; two different texts sharing a
/// 64-bit hash for the same key is not a practical concern.)
public struct Translation: Sendable {
    public var locale: String
    /// The PO file; after `compacted()`, its header only.
    public private(set) var file: POFile
    private var byKey: [String: Int] = [:]
    private(set) var compact: CompactTable?
    /// After `compacted()`: every msgstr's UTF-8, one after the other. One buffer instead of a
    /// string object per message measured about 60 MB less resident memory after loading 100,000
    /// messages in ten locales (460 → 398 MB).
    private var arena: [UInt8] = []

    struct Compact: Sendable {
        /// The msgid's hash; while the translation has `pendingIDs`, where its msgid stands in
        /// them instead (`Compact.pending`).
        var idHash: Int
        /// The msgstr: `length` bytes of `arena` from `start`.
        var start: Int32
        var length: Int32
        var line: Int32
        var column: Int32
        var stringLine: Int32
        var stringColumn: Int32
        var fuzzy: Bool

        /// An entry whose msgstr is `length` bytes of the arena from `start`.
        init(idHash: Int, start: Int, length: Int, location: SourceLocation?, stringLocation: SourceLocation?, fuzzy: Bool) {
            self.idHash = idHash
            self.start = Int32(clamping: start)
            self.length = Int32(clamping: length)
            self.line = Int32(clamping: location?.line ?? 1)
            self.column = Int32(clamping: location?.column ?? 1)
            self.stringLine = Int32(clamping: stringLocation?.line ?? location?.line ?? 1)
            self.stringColumn = Int32(clamping: stringLocation?.column ?? 1)
            self.fuzzy = fuzzy
        }

        /// Where a msgid stands in `pendingIDs`, in the place of its hash (input files are at most
        /// `Limits.maxInputBytes`, 32 MB, so both fit in 32 bits).
        static func pending(start: Int, length: Int) -> Int { start << 32 | length }

        /// The hash of the msgid `idHash` places in `ids`.
        static func hash(ofPending idHash: Int, in ids: [UInt8]) -> Int {
            ids.withUnsafeBufferPointer { String(decoding: $0[(idHash >> 32)..<((idHash >> 32) + (idHash & 0xFFFF_FFFF))], as: UTF8.self) }.hashValue
        }
    }

    /// Compacted entries in the order they were read, and where each key's entry stands. The
    /// order lets `indexed(by:)` walk a PO file alongside the source text, which usually lists the
    /// same keys in the same order: looking every key up in a hash table instead cost random
    /// memory accesses that grew slower with the table (0.6 s of 100k x 10's loading on both cores,
    /// 2.7 times 50k x 10's).
    struct CompactTable: Sendable {
        private(set) var keys: [String] = []
        private(set) var entries: [Compact] = []
        private var place: [String: Int] = [:]

        init(capacity: Int = 0) {
            keys.reserveCapacity(capacity)
            entries.reserveCapacity(capacity)
            place.reserveCapacity(capacity)
        }

        subscript(key: String) -> Compact? { place[key].map { entries[$0] } }

        /// Where `key`'s entry stands in `entries`, trying `guess` first (as `SourceText.index(of:guess:)`
        /// does; a table holds each key once, so the guess needs no check for repeats).
        func index(of key: String, guess: Int) -> Int? {
            if guess >= 0, guess < keys.count, keys[guess] == key { return guess }
            return place[key]
        }

        /// Adds `entry` unless `key` has one already; then that earlier entry is returned and kept.
        mutating func add(_ entry: Compact, for key: String) -> Compact? {
            // One hash table operation for a new key; a second one only for a repeated key.
            if let earlier = place.updateValue(entries.count, forKey: key) {
                place[key] = earlier
                return entries[earlier]
            }
            keys.append(key)
            entries.append(entry)
            return nil
        }
    }

    /// A translation read by `POParser.parseCompacted` keeps its msgids' bytes here until it is
    /// `indexed(by:)` the source text: there a msgid with the bytes of the current source text
    /// takes that text's hash, and only the others (stale entries) are made Strings and hashed.
    /// Hashing every msgid as it was read (a String each, and Swift's hash, which normalises
    /// non-ASCII text first) took about 1,700 instructions a message.
    private var pendingIDs: [UInt8]?

    /// After `indexed(by:)`: the compacted entries in the order of the source text's entries (nil
    /// where the PO file has none), found through the source's own key index, which this shares.
    /// Per locale that is an array and the msgstr buffer, instead of a dictionary with a copy of
    /// every key.
    private var bySource: [Compact?]?
    private var sourceKeys: [String: Int] = [:]
    /// The entries of the source text this was indexed by: the same array, shared, not a copy,
    /// so that a source text can be told to be that one by its storage (`isIndexed(by:)`).
    private var sourceEntries: [SourceText.Entry] = []

    /// Whether `bySource` follows the entries of `source`: its entries are the very array this
    /// was indexed by (an array's storage is shared by its copies and never changes while shared).
    private func isIndexed(by source: SourceText) -> Bool {
        guard bySource != nil, sourceEntries.count == source.entries.count else { return false }
        return sourceEntries.withUnsafeBufferPointer { a in source.entries.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }

    /// The status of `source.entries[index]`: read by position, without hashing its key, when
    /// this translation was indexed by `source` (counting a locale's translated messages for the
    /// language index hashed 140,000 keys per locale at 10k rows, after the pages, on one core).
    public func status(ofEntryAt index: Int, in source: SourceText) -> MessageStatus {
        if let bySource, isIndexed(by: source) {
            guard let c = bySource[index] else { return .missing }
            return Self.status(of: c, textHash: source.entries[index].textHash)
        }
        return status(of: source.entries[index].key, source: source.entries[index])
    }

    private var isCompacted: Bool { compact != nil || bySource != nil }

    /// The compacted entry of `key`, in either form.
    func compactEntry(_ key: String) -> Compact? {
        if let bySource {
            guard let index = sourceKeys[key], index < bySource.count else { return nil }
            return bySource[index]
        }
        guard var entry = compact?[key] else { return nil }
        if let pendingIDs { entry.idHash = Compact.hash(ofPending: entry.idHash, in: pendingIDs) }
        return entry
    }

    /// The compacted translation with its entries in the order of `source`'s; entries for keys
    /// the source lacks are dropped (a build never asks for them).
    public func indexed(by source: SourceText) -> Translation {
        guard let compact else { return self }
        var copy = self
        // The PO file's next entry is tried first; a key found elsewhere moves the walk there.
        var next = 0
        copy.bySource = source.entries.map { entry in
            guard let found = compact.index(of: entry.key, guess: next) else { return nil }
            next = found + 1
            var c = compact.entries[found]
            if let pendingIDs {
                let start = c.idHash >> 32, length = c.idHash & 0xFFFF_FFFF
                let same = length == entry.text.utf8.count && pendingIDs.withUnsafeBufferPointer { ids in
                    UTF8Bytes.equal(ids[start..<(start + length)], entry.text)
                }
                // Equal bytes are equal texts, so the source text's hash is the msgid's.
                c.idHash = same ? entry.textHash : Compact.hash(ofPending: c.idHash, in: pendingIDs)
            }
            return c
        }
        copy.sourceKeys = source.keyIndex
        copy.sourceEntries = source.entries
        copy.compact = nil
        copy.pendingIDs = nil
        return copy
    }

    /// A compacted entry's msgstr.
    private func string(of c: Compact) -> String {
        arena.withUnsafeBufferPointer { String(decoding: $0[Int(c.start)..<Int(c.start + c.length)], as: UTF8.self) }
    }

    public init(locale: String, file: POFile) {
        self.locale = locale
        self.file = file
        // Backwards, so that the first entry of a key is the one that stays, with one hash
        // table operation per entry instead of a lookup and an insertion.
        byKey.reserveCapacity(file.entries.count)
        for index in file.entries.indices.reversed() where !file.entries[index].isObsolete {
            if let key = file.entries[index].context { byKey[key] = index }
        }
    }

    /// A compacted translation made by `POParser.parseCompacted`: `file` holds the header only.
    init(locale: String, file: POFile, compact: CompactTable, arena: [UInt8], pendingIDs: [UInt8]) {
        self.locale = locale
        self.file = file
        self.compact = compact
        self.pendingIDs = pendingIDs
        // The parser's buffer grew by doubling: what it holds, in a buffer of its size.
        self.arena = arena.capacity > arena.count + arena.count / 8 ? arena.withUnsafeBufferPointer { Array($0) } : arena
    }

    /// The same translation keeping only what rendering needs; the PO entries are released.
    public func compacted() -> Translation {
        guard !isCompacted else { return self }
        var copy = self
        var arena: [UInt8] = []
        arena.reserveCapacity(byKey.values.reduce(0) { $0 + file.entries[$1].string.utf8.count })
        // In the file's order, each key's first entry (the one `byKey` holds).
        var table = CompactTable(capacity: byKey.count)
        for (index, e) in file.entries.enumerated() {
            guard let key = e.context, byKey[key] == index else { continue }
            let start = arena.count
            arena.append(contentsOf: e.string.utf8)
            _ = table.add(Compact(idHash: e.id.hashValue, start: start, length: arena.count - start, location: e.location, stringLocation: e.stringLocation, fuzzy: e.isFuzzy), for: key)
        }
        copy.arena = arena
        copy.compact = table
        copy.byKey = [:]
        copy.file = POFile(path: file.path, header: file.header, entries: [])
        return copy
    }

    /// The whole PO entry; nil when the key has none, or after `compacted()`.
    public func entry(for key: String) -> POEntry? { byKey[key].map { file.entries[$0] } }

    public func status(of key: String, source: String) -> MessageStatus {
        if isCompacted {
            guard let c = compactEntry(key) else { return .missing }
            return Self.status(fuzzy: c.fuzzy, current: c.idHash == source.hashValue, string: string(of: c))
        }
        guard let e = entry(for: key) else { return .missing }
        return Self.status(fuzzy: e.isFuzzy, current: e.id == source, string: e.string)
    }

    /// The status of `key` against the source entry, without reading its msgstr.
    public func status(of key: String, source: SourceText.Entry) -> MessageStatus {
        if isCompacted {
            guard let c = compactEntry(key) else { return .missing }
            return Self.status(of: c, textHash: source.textHash)
        }
        return lookup(key, source: source).status
    }

    /// `status(fuzzy:current:string:)` of a compacted entry, against a source text's hash.
    static func status(of c: Compact, textHash: Int) -> MessageStatus {
        c.fuzzy ? .fuzzy : c.idHash != textHash ? .stale : c.length == 0 ? .untranslated : .translated
    }

    /// The one rule: fuzzy first, then stale (made for another source text), then empty or not.
    static func status(fuzzy: Bool, current: Bool, string: String) -> MessageStatus {
        fuzzy ? .fuzzy : !current ? .stale : string.isEmpty ? .untranslated : .translated
    }

    /// Status, msgstr and msgstr position of `key` in one lookup (what rendering asks for each message).
    public func lookup(_ key: String, source: SourceText.Entry) -> (status: MessageStatus, string: String?, stringLocation: SourceLocation?) {
        lookup(key, sourceText: source.text, textHash: source.textHash)
    }

    /// `lookup(_:source:)` of `source.entries[index]`: by position, without hashing its key, when
    /// this translation was indexed by `source`.
    func lookup(entryAt index: Int, of source: SourceText) -> (status: MessageStatus, string: String?, stringLocation: SourceLocation?) {
        // The entry's fields, not the entry: a copy of it costs more than the rest of the lookup.
        guard let bySource, isIndexed(by: source) else {
            return lookup(source.entries[index].key, sourceText: source.entries[index].text, textHash: source.entries[index].textHash)
        }
        return lookup(found: bySource[index], textHash: source.entries[index].textHash)
    }

    /// What a lookup gives for a compacted entry (nil: none), against the source text's hash.
    private func lookup(found c: Compact?, textHash: Int) -> (status: MessageStatus, string: String?, stringLocation: SourceLocation?) {
        guard let c else { return (.missing, nil, nil) }
        let string = string(of: c)
        let status = Self.status(fuzzy: c.fuzzy, current: c.idHash == textHash, string: string)
        return (status, string, SourceLocation(path: file.path, line: Int(c.stringLine), column: Int(c.stringColumn)))
    }

    /// `lookup(_:source:)` with the two fields of the source entry it reads.
    func lookup(_ key: String, sourceText: String, textHash: Int) -> (status: MessageStatus, string: String?, stringLocation: SourceLocation?) {
        if isCompacted { return lookup(found: compactEntry(key), textHash: textHash) }
        guard let index = byKey[key] else { return (.missing, nil, nil) }
        let e = file.entries[index]
        let status = Self.status(fuzzy: e.isFuzzy, current: e.id == sourceText, string: e.string)
        return (status, e.string, e.stringLocation ?? e.location)
    }

    /// The msgstr, whatever its status.
    public func string(for key: String) -> String? {
        if isCompacted { return compactEntry(key).map(string(of:)) }
        return entry(for: key)?.string
    }

    /// Where the entry for `key` starts, and where its msgstr stands.
    public func location(of key: String) -> SourceLocation? {
        if isCompacted { return compactEntry(key).map { SourceLocation(path: file.path, line: Int($0.line), column: Int($0.column)) } }
        return entry(for: key)?.location
    }

    public func stringLocation(of key: String) -> SourceLocation? {
        if isCompacted { return compactEntry(key).map { SourceLocation(path: file.path, line: Int($0.stringLine), column: Int($0.stringColumn)) } }
        return entry(for: key).flatMap { $0.stringLocation ?? $0.location }
    }

    /// The translated text when it is usable (translated against the current source), else nil.
    public func text(for key: String, source: String) -> String? {
        status(of: key, source: source) == .translated ? string(for: key) : nil
    }

    /// Entries whose key the source no longer has (none are known after `compacted()`).
    public func unknownEntries(in source: SourceText) -> [POEntry] {
        file.activeEntries.filter { $0.context.map { source[$0] == nil } ?? true }
    }
}
