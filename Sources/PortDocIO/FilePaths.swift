import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The few path and text helpers PortDoc took from all of Foundation (`NSString`'s path methods,
/// `ObjCBool`, `trimmingCharacters`), which FoundationEssentials lacks.
public enum FilePaths {
    /// The last component of a path: `Locales/en.po` → `en.po`.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The extension of a path's last component, without the dot; "" when it has none (a
    /// leading dot, as in `.po`, starts a name, not an extension).
    public static func pathExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// Whether `path` names a folder (through symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` exists (through symbolic links).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The text of a small file read to its end with stdio (files of /proc, whose size stat
    /// reports as 0), or nil.
    static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What `readBytes` found.
    public enum Contents: Equatable {
        case bytes([UInt8])
        /// Larger than the limit: not read (the size it has).
        case tooLarge(Int)
        /// Missing, a folder, or not readable.
        case unreadable
    }

    /// A file's bytes, read into one array the size `fstat` gives (and grown should the file grow
    /// meanwhile); a file over `limit` bytes is not read. FileManager's `Data`, copied into an
    /// array, wrote every byte twice into fresh memory (9 % of a 100k x 10 build's page faults were
    /// in reading; this read measured 3 % fewer in all), and read PO files whole before their size
    /// was checked.
    public static func readBytes(_ path: String, limit: Int = .max) -> Contents {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable }
        let size = Int(info.st_size)
        if size > limit { return .tooLarge(size) }
        var failed = false
        // One byte more than its size, so that reading to the end needs no second buffer.
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n > 0 { count += n } else if n == 0 || errno != EINTR { failed = n < 0; break }
            }
        }
        // Filled: the file grew while it was read (or stat reports it as empty, as /proc does).
        if !failed, bytes.count > size {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while bytes.count <= limit {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 { bytes += chunk[..<n] } else if n == 0 { break } else if errno != EINTR { failed = true; break }
            }
        }
        if failed { return .unreadable }
        return bytes.count > limit ? .tooLarge(bytes.count) : .bytes(bytes)
    }

    /// Whether the file at `path` holds exactly `bytes`: read with `readBytes` (not past their
    /// count) and compared with memcmp. A rebuild compares every page it made with the one on disk;
    /// FileManager's `Data` compared through the generic `elementsEqual`, a byte at a time through
    /// Data's iterator, took 9 % of the CPU of the 50-document set's rebuild after one locale's edit.
    public static func holds(_ bytes: UnsafeBufferPointer<UInt8>, at path: String) -> Bool {
        guard case .bytes(let old) = readBytes(path, limit: bytes.count), old.count == bytes.count else { return false }
        guard let expected = bytes.baseAddress else { return true }  // both empty
        return old.withUnsafeBufferPointer { memcmp($0.baseAddress!, expected, bytes.count) == 0 }
    }

    /// The size of a regular file, or nil.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}

/// Modes of the files and folders PortDoc creates, which must not depend on the umask or on a
/// folder's default ACL. A chmod changes the inode (a journal write) even when the mode is
/// already right: the mode is looked at first, which is cheap, and changed only when it differs.
enum FileMode {
    static func ensure(_ fd: Int32, _ mode: mode_t) -> Bool {
        var info = stat()
        return (fstat(fd, &info) == 0 && info.st_mode & 0o7777 == mode) || fchmod(fd, mode) == 0
    }

    static func ensure(_ path: String, _ mode: mode_t) -> Bool {
        var info = stat()
        return (stat(path, &info) == 0 && info.st_mode & 0o7777 == mode) || chmod(path, mode) == 0
    }
}

extension StringProtocol {
    /// Without white space and newlines at either end.
    public var trimmedWhitespace: String {
        let isBlank: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// Writes all of `bytes` to `fd`, again after a signal interrupts it and on after a short write;
/// false when a write fails (errno says why). Every file, pipe and stream PortDoc writes goes
/// through it.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

/// Standard error, written at once (unbuffered, as `FileHandle.standardError` was).
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}
