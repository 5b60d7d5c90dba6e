import Foundation
import PortDocCore

/// Writes generated files into the output folder through a staging folder, and compares them
/// with what is there (`build --check`).
public struct OutputTree {
    public let directory: URL

    public init(directory: URL) { self.directory = directory.standardizedFileURL }

    /// Every regular file below the folder, relative paths sorted; empty if the folder is missing.
    public func existingFiles() -> [String] {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var result: [String] = []
        let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            if path.hasPrefix(base) { result.append(String(path.dropFirst(base.count))) }
        }
        return result.sorted()
    }

    /// Files that differ from `files`: changed, missing, or present but not generated.
    /// With `complete` false (a build of some locales or formats), extra files are not reported.
    public func differences(from files: [OutputFile], complete: Bool) -> [String] {
        var problems: [String] = []
        let expected = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
        for path in expected.keys.sorted() {
            let url = directory.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append("\(path): missing")
                continue
            }
            if data != Data(expected[path]!.utf8) { problems.append("\(path): differs from what a build produces") }
        }
        if complete {
            for path in existingFiles() where expected[path] == nil {
                problems.append("\(path): not produced by a build")
            }
        }
        return problems
    }

    /// Replaces the output folder with `files`. With `complete` false, other existing files are kept.
    /// Everything is written into a staging folder next to the output first; the old folder is
    /// replaced only when every file is written, so a failure leaves it as it was.
    public func replace(with files: [OutputFile], complete: Bool) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let name = directory.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).staging-\(pid)")
        let old = parent.appendingPathComponent(".\(name).old-\(pid)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            if !complete && fm.fileExists(atPath: directory.path) {
                for path in existingFiles() {
                    let target = staging.appendingPathComponent(path)
                    try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try fm.copyItem(at: directory.appendingPathComponent(path), to: target)
                }
            }
            for file in files {
                let target = staging.appendingPathComponent(file.path)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
                guard fm.createFile(atPath: target.path, contents: Data(file.contents.utf8), attributes: [.posixPermissions: 0o644]) else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
                }
            }
            try setDirectoryPermissions(staging)
            if fm.fileExists(atPath: directory.path) {
                try fm.moveItem(at: directory, to: old)
                do {
                    try fm.moveItem(at: staging, to: directory)
                } catch {
                    try? fm.moveItem(at: old, to: directory)
                    throw error
                }
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: directory)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Folders get 0755 whatever the umask, so that the tree is the same on every machine.
    private func setDirectoryPermissions(_ url: URL) throws {
        let fm = FileManager.default
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        guard let enumerator = fm.enumerator(at: url, includingPropertiesForKeys: [.isDirectoryKey]) else { return }
        for case let item as URL in enumerator where (try? item.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: item.path)
        }
    }
}
