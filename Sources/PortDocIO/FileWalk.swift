import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Walks a folder with `opendir`/`readdir`. FileManager's enumerator with a resource value per
/// item measured about 0.8 million instructions per file here (1.25 G instructions to walk the
/// 1,500 files of a set of 50 documents in 10 locales).
/// Symbolic links are neither followed nor listed.
enum FileWalk {
    /// The relative paths of the regular files below `root`, sorted; nil when `root` is not a
    /// folder that can be read.
    static func regularFiles(under root: String) -> [String]? {
        var files: [String] = [], directories: [String] = []
        guard walk(root, relative: "", files: &files, directories: &directories) else { return nil }
        return files.sorted()
    }

    /// The relative paths of the folders below `root` (not `root` itself).
    static func directories(under root: String) -> [String] {
        var files: [String] = [], directories: [String] = []
        _ = walk(root, relative: "", files: &files, directories: &directories)
        return directories
    }

    private static func walk(_ path: String, relative: String, files: inout [String], directories: inout [String]) -> Bool {
        guard let dir = opendir(path) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            let full = path + "/" + name
            let child = relative.isEmpty ? name : relative + "/" + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                // Some file systems leave the type out: ask lstat, which does not follow links.
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = UInt8(DT_DIR)
                case S_IFREG: type = UInt8(DT_REG)
                default: continue
                }
            }
            if type == UInt8(DT_DIR) {
                directories.append(child)
                _ = walk(full, relative: child, files: &files, directories: &directories)
            } else if type == UInt8(DT_REG) {
                files.append(child)
            }
        }
        return true
    }
}
