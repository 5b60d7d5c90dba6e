import Foundation
import PortDocCore

/// Runs `mandoc -T lint -W warning` on a man page when mandoc is installed.
public enum Mandoc {
    public static func executable() -> URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("mandoc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Lint findings as diagnostics; mandoc prints `mandoc: file:line:col: LEVEL: message`.
    public static func lint(file: URL, displayPath: String) throws -> [Diagnostic] {
        guard let mandoc = executable() else { return [] }
        let process = Process()
        process.executableURL = mandoc
        process.arguments = ["-T", "lint", "-W", "warning", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        var result: [Diagnostic] = []
        for line in output.split(separator: "\n") {
            var rest = Substring(line)
            if rest.hasPrefix("mandoc: ") { rest = rest.dropFirst("mandoc: ".count) }
            if rest.hasPrefix(file.path + ":") { rest = rest.dropFirst(file.path.count + 1) }
            let parts = rest.split(separator: ":", maxSplits: 3)
            if parts.count == 4, let l = Int(parts[0]), let c = Int(parts[1]) {
                result.append(.error("mandoc: \(parts[2].trimmingCharacters(in: .whitespaces)): \(parts[3].trimmingCharacters(in: .whitespaces))", at: SourceLocation(path: displayPath, line: l, column: c), id: "man.mandoc-lint"))
            } else {
                result.append(.error("mandoc: \(rest)", at: SourceLocation(path: displayPath, line: 1, column: 1), id: "man.mandoc-lint"))
            }
        }
        if process.terminationStatus != 0 && result.isEmpty {
            result.append(.error("mandoc -T lint exited with status \(process.terminationStatus)", at: SourceLocation(path: displayPath, line: 1, column: 1), id: "man.mandoc-lint"))
        }
        return result
    }
}
