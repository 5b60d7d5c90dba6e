import Foundation

/// Replaces one file through a temporary file in the same folder and a rename, so that readers see
/// either the old or the new contents, never a mix. An existing file's permissions are kept;
/// a new file gets 0644.
public enum AtomicFile {
    public static func write(_ contents: String, to url: URL) throws {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        let mode = (try? fm.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temporary)
        guard fm.createFile(atPath: temporary.path, contents: Data(contents.utf8), attributes: [.posixPermissions: mode]) else {
            try? fm.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        do {
            // createFile applies the umask; set the mode explicitly.
            try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }
}
