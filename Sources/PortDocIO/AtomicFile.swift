import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed on a file: its errno and the path (`BuildSession.describe` shows
/// "No space left on device (path)").
public struct PathError: Error, Sendable {
    public var errno: Int32
    public var path: String

    public init(errno: Int32, path: String) {
        self.errno = errno
        self.path = path
    }
}

/// Replaces one file through a temporary file in the same folder and a rename, so that readers see
/// either the old or the new contents, never a mix. An existing file's permissions are kept;
/// a new file gets 0644.
public enum AtomicFile {
    /// `durable`: the contents reach the disk before the rename (translators' PO files). A cache
    /// such as the build stamp skips that: losing it in a crash only costs the next build time,
    /// and the fsync cost the seed's build about a millisecond.
    public static func write(_ contents: String, to url: URL, durable: Bool = true) throws {
        var info = stat()
        let mode = stat(url.path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        // A name of its own per call: two threads of one process never share a temporary file.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        func failure(_ path: String) -> PathError { PathError(errno: errno, path: path) }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(temporary.path) }
        var isOpen = true
        do {
            // fchmod: the mode must not depend on the umask.
            guard fchmod(fd, mode) == 0 else { throw failure(temporary.path) }
            var text = contents
            guard text.withUTF8({ writeAll(fd, UnsafeRawBufferPointer($0)) }) else { throw failure(temporary.path) }
            if durable, fsync(fd) != 0 { throw failure(temporary.path) }
            isOpen = false
            guard close(fd) == 0 else { throw failure(temporary.path) }
        } catch {
            if isOpen { close(fd) }
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let error = failure(url.path)
            unlink(temporary.path)
            throw error
        }
    }
}
