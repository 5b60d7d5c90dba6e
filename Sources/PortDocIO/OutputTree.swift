import CPortDocSystem
import FoundationEssentials
import XHTMLValidation
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore

/// Writes generated files into the output folder, and compares them with what is there (`build --check`).
///
/// A write never leaves a half-written folder behind, even when the process is killed:
/// 1. nothing is written when every file is already as generated (modification times are kept);
/// 2. a lock on the parent folder keeps two builds from writing at once;
/// 3. leftovers of a killed build (`.<name>.staging-PID`, `.<name>.old-PID`) are cleaned up or restored;
/// 4. the new tree is assembled in `.<name>.staging-PID`: unchanged files are hard links to the
///    current ones (their modification time stays), changed files are written;
/// 5. the staging folder and the output folder are exchanged in one atomic `renameat2` call.
///    Where the file system cannot exchange, two renames are used, and step 3 of the next build
///    restores the old folder if the process died between them.
public struct OutputTree {
    public let directory: URL

    public init(directory: URL) { self.directory = directory.standardizedFileURL }

    public enum WriteResult: Equatable, Sendable {
        /// Every file was already as generated; nothing was written.
        case unchanged
        /// `changed` files were written (or removed); `kept` files were linked unchanged.
        case written(changed: [String], kept: Int)
    }

    /// Every regular file below the folder, relative paths sorted; empty if the folder is missing.
    public func existingFiles() -> [String] {
        FileWalk.regularFiles(under: directory.standardizedFileURL.path) ?? []
    }

    /// Replaces the output folder with `files`. With `complete` false, other existing files are kept.
    /// `onWait` is called once if another process holds the lock.
    @discardableResult
    public func replace(with files: [OutputFile], complete: Bool, lockTimeout: TimeInterval = 120,
                        onWait: (String) -> Void = { _ in }) throws -> WriteResult {
        let writer = try StagingWriter(tree: self, complete: complete, lockTimeout: lockTimeout, onWait: onWait)
        do {
            for file in files { try writer.accept(file) }
            return try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Puts the staging folder in place of the output folder.
    func commit(_ staging: URL, pid: Int32) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else {
            try fm.moveItem(at: staging, to: directory)
            return
        }
        if portdoc_exchange(staging.path, directory.path) == 0 { return }
        let code = errno
        guard code == EINVAL || code == ENOSYS || code == EXDEV else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }
        // No atomic exchange here: two renames, with the old tree kept until the new one is in place.
        let old = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).old-\(pid)")
        try fm.moveItem(at: directory, to: old)
        do {
            try fm.moveItem(at: staging, to: directory)
        } catch {
            try? fm.moveItem(at: old, to: directory)
            throw error
        }
        // The staging path now receives the old tree, which the caller removes.
        try fm.moveItem(at: old, to: staging)
    }

    /// Cleans up after a build that was killed: staging folders go; an old tree comes back when the
    /// output folder is missing (a kill between the two renames of the fallback path). Runs under the lock.
    func recoverLeftovers() throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let name = directory.lastPathComponent
        let entries = ((try? fm.contentsOfDirectory(atPath: parent.path)) ?? []).sorted()
        for entry in entries where entry.hasPrefix(".\(name).old-") {
            let url = parent.appendingPathComponent(entry)
            if !fm.fileExists(atPath: directory.path) {
                try fm.moveItem(at: url, to: directory)
            } else {
                try? fm.removeItem(at: url)
            }
        }
        for entry in entries where entry.hasPrefix(".\(name).staging-") {
            try? fm.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// Creates (or replaces) the file with mode 0644, whatever the umask: the tree must not depend on it.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws {
        func failure() -> PathError { PathError(errno: errno, path: path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        guard FileMode.ensure(fd, 0o644), writeAll(fd, UnsafeRawBufferPointer(bytes)) else { throw failure() }
    }

}

/// Builds the new output tree in `.<name>.staging-PID` while pages arrive (from several threads),
/// then puts it in place with `commit()`. Holds the output lock from creation to commit or abort.
/// Unchanged files are hard links to the current ones, so their modification time stays; when
/// nothing changed at all, `commit()` throws the staging folder away and touches nothing.
public final class StagingWriter: OutputSink, @unchecked Sendable {  // mutable state guarded by `state`
    public let tree: OutputTree
    public let complete: Bool
    let staging: URL
    private let stagingPath: String
    private let currentPath: String
    private let lock: DirectoryLock
    private let existing: Set<String>
    private let state = Lock()
    private var accepted: Set<String> = []
    private var changed: [String] = []
    private var kept = 0
    private var finished = false
    /// Folders made in the staging folder so far (relative paths), each with mode 0755.
    private var folders: Set<String> = [""]

    public init(tree: OutputTree, complete: Bool, lockTimeout: TimeInterval = 120, onWait: (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        self.tree = tree
        self.complete = complete
        let parent = tree.directory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        lock = try DirectoryLock(parent, timeout: lockTimeout, onWait: onWait)
        do {
            try tree.recoverLeftovers()
            existing = Set(fm.fileExists(atPath: tree.directory.path) ? tree.existingFiles() : [])
            staging = parent.appendingPathComponent(".\(tree.directory.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
            stagingPath = staging.path
            currentPath = tree.directory.path
            try? fm.removeItem(at: staging)
            Interruption.register(staging.path)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            lock.release()
            throw error
        }
    }

    deinit { abort() }

    /// Makes the folders of `path` (relative to the staging folder) that are not made yet, with
    /// mode 0755 whatever the umask, so that the tree is the same on every machine. Remembered,
    /// so that each folder costs one mkdir: creating files is slow on some file systems, and a
    /// set of 500 pages has as many folders.
    private func makeFolders(for path: String) throws {
        var relative = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: true).dropLast() {
            relative += relative.isEmpty ? part : "/" + part
            state.lock()
            let known = folders.contains(relative)
            state.unlock()
            if known { continue }
            let full = stagingPath + "/" + relative
            if (mkdir(full, 0o755) != 0 && errno != EEXIST) || !FileMode.ensure(full, 0o755) {
                throw PathError(errno: errno, path: full)
            }
            state.lock()
            folders.insert(relative)
            state.unlock()
        }
    }

    public func accept(_ file: OutputFile) throws {
        // Paths as strings: a URL's appendingPathComponent looked each path up on the disk (two
        // failed stats, and a folder opened, per page).
        let target = stagingPath + "/" + file.path
        try makeFolders(for: file.path)
        // The page's own bytes are compared and written, not a copy of them.
        let same = try file.bytes.withUnsafeBufferPointer { bytes -> Bool in
            if existing.contains(file.path) {
                let current = currentPath + "/" + file.path
                if let size = FilePaths.size(current), size == bytes.count, FilePaths.holds(bytes, at: current),
                   link(current, target) == 0 {
                    return true
                }
            }
            try OutputTree.write(bytes, to: target)
            return false
        }
        state.lock()
        accepted.insert(file.path)
        if same { kept += 1 } else { changed.append(file.path) }
        state.unlock()
    }

    /// Puts the new tree in place; with `complete` false, existing files that were not generated are kept.
    public func commit() throws -> OutputTree.WriteResult {
        let fm = FileManager.default
        state.lock()
        let accepted = self.accepted
        var changed = self.changed
        var kept = self.kept
        state.unlock()
        let others = existing.subtracting(accepted).sorted()
        if changed.isEmpty && (!complete || others.isEmpty) {
            abort()
            return .unchanged
        }
        do {
            for path in others {
                if complete { changed.append(path); continue }  // removed: not produced by a complete build
                let target = staging.appendingPathComponent(path)
                try makeFolders(for: path)
                if link(tree.directory.appendingPathComponent(path).path, target.path) != 0 {
                    try fm.copyItem(at: tree.directory.appendingPathComponent(path), to: target)
                }
                kept += 1
            }
            guard chmod(staging.path, 0o755) == 0 else { throw PathError(errno: errno, path: staging.path) }
            try Interruption.committing { try tree.commit(staging, pid: ProcessInfo.processInfo.processIdentifier) }
        } catch {
            abort()
            throw error
        }
        try? fm.removeItem(at: staging)  // after the exchange it holds the previous tree
        finish()
        return .written(changed: changed.sorted(), kept: kept)
    }

    /// Throws the staging folder away; the output folder stays as it was.
    public func abort() {
        state.lock()
        let done = finished
        state.unlock()
        guard !done else { return }
        try? FileManager.default.removeItem(at: staging)
        finish()
    }

    private func finish() {
        state.lock()
        finished = true
        state.unlock()
        Interruption.unregister(staging.path)
        lock.release()
    }
}

/// `build --check`: compares each generated file with the output folder instead of writing it.
public final class ComparingSink: OutputSink, @unchecked Sendable {  // guarded by `state`
    public let tree: OutputTree
    private let state = Lock()
    private var problems: [String] = []
    private var seen: Set<String> = []

    public init(tree: OutputTree) { self.tree = tree }

    public func accept(_ file: OutputFile) {
        let url = tree.directory.appendingPathComponent(file.path)
        let problem: String?
        if let data = FileManager.default.contents(atPath: url.path) {
            problem = data == Data(file.bytes) ? nil : "\(file.path): differs from what a build produces"
        } else {
            problem = "\(file.path): missing"
        }
        state.lock()
        seen.insert(file.path)
        if let problem { problems.append(problem) }
        state.unlock()
    }

    /// Every difference, sorted; with `complete`, then the files that a build would not produce.
    public func differences(complete: Bool) -> [String] {
        state.lock()
        defer { state.unlock() }
        var result = problems.sorted()
        if complete {
            result += tree.existingFiles().filter { !seen.contains($0) }.map { "\($0): not produced by a build" }
        }
        return result
    }
}

/// An exclusive `flock` on a folder, so that two processes do not write its children at once.
/// The kernel releases it when the process dies, so a killed build never leaves a stale lock.
public final class DirectoryLock {
    private var fd: Int32

    public struct Timeout: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "another portdoc process still holds the lock on \(path) after waiting; try again when it has finished" }
    }

    public init(_ url: URL, timeout: TimeInterval, onWait: (String) -> Void) throws {
        fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw PathError(errno: errno, path: url.path) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        onWait("another portdoc process is writing in \(url.path); waiting for it to finish")
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() > deadline {
                close(fd)
                fd = -1
                throw Timeout(path: url.path)
            }
            usleep(20_000)
        }
    }

    public func release() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    deinit { release() }
}

/// Paths to remove when a signal ends the process, and a lock that keeps a signal from cutting
/// the commit of the output folder in half.
public enum Interruption {
    private static let lock = Lock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var committed = false

    public static func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    public static func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Runs the commit so that a signal handler waits for it to finish.
    static func committing<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let result = try body()
        committed = true
        return result
    }

    /// Called by the signal handler: removes the registered temporary paths and tells whether the
    /// output was already replaced. Keeps the lock, so that nothing commits after it; the caller exits.
    public static func cleanUpForExit() -> (outputReplaced: Bool, removed: Int) {
        lock.lock()
        let toRemove = paths
        for path in toRemove { try? FileManager.default.removeItem(atPath: path) }
        return (committed, toRemove.count)
    }
}
