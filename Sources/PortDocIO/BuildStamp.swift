import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore

/// What the last successful build saw, so that a build with nothing changed can stop at once
/// (like make or ninja): the size and modification time of every input file (Catalog/,
/// Locales/, Templates/ and the portdoc executable itself), the options and environment that
/// shape the output, every output file's size and modification time, and the warnings printed.
/// Kept in `.<output>.stamp` next to the output folder. `build --check` never uses it.
public struct BuildStamp: Equatable, Sendable {
    public var inputs: [String]
    public var outputs: [String]
    public var warnings: [String]

    public init(inputs: [String], outputs: [String], warnings: [String]) {
        self.inputs = inputs
        self.outputs = outputs
        self.warnings = warnings
    }

    public static func url(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).stamp")
    }

    /// `path size mtime-ns` for every regular file below `folders` (relative to `root`), sorted,
    /// then the executable and `settings` (options, SOURCE_DATE_EPOCH …).
    public static func inputs(root: URL, folders: [String], templates: URL, settings: [String]) -> [String] {
        var lines: [String] = []
        for folder in folders {
            lines += describe(root.appendingPathComponent(folder), prefix: folder)
        }
        lines += describe(templates, prefix: "templates:" + templates.standardizedFileURL.path)
        lines += describeFile(path: executablePath, name: "executable")
        lines += settings.map { "setting \($0)" }
        return lines
    }

    /// The running program: /proc/self/exe (Bundle.main read the program's folder twice to find it).
    static let executablePath: String = {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 { return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "portdoc").standardizedFileURL.path
    }()

    /// `path size mtime-ns` for every regular file below `folder`, sorted by path.
    public static func describe(_ folder: URL, prefix: String) -> [String] {
        let base = folder.standardizedFileURL.path
        guard let files = FileWalk.regularFiles(under: base) else { return ["\(prefix) missing"] }
        return files.flatMap { describeFile(path: base + "/" + $0, name: prefix + "/" + $0) }.sorted()
    }

    static func describeFile(path: String, name: String) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else { return ["\(name) missing"] }
        return ["\(name) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"]
    }

    public func text() -> String {
        (["portdoc build stamp 1"] + inputs.map { "in \($0)" } + outputs.map { "out \($0)" } + warnings.map { "warning \($0)" })
            .joined(separator: "\n") + "\n"
    }

    public static func read(_ url: URL) -> BuildStamp? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        // Lines split on the bytes: split by Character, a stamp with the 14,000 fallback warnings
        // of an empty translation at 10k rows took 674 M instructions to read.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard lines.first == "portdoc build stamp 1" else { return nil }
        lines.removeFirst()
        var stamp = BuildStamp(inputs: [], outputs: [], warnings: [])
        for line in lines where !line.isEmpty {
            if line.hasPrefix("in ") { stamp.inputs.append(String(line.dropFirst(3))) }
            else if line.hasPrefix("out ") { stamp.outputs.append(String(line.dropFirst(4))) }
            else if line.hasPrefix("warning ") { stamp.warnings.append(String(line.dropFirst(8))) }
            else { return nil }
        }
        return stamp
    }
}
