import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import PortDocCore

/// Runs `mandoc -T lint -W warning` on a man page when mandoc is installed.
public enum Mandoc {
    public static func executable() -> URL? {
        Subprocess.find("mandoc").map { URL(fileURLWithPath: $0) }
    }

    /// Lint findings as diagnostics; mandoc prints `mandoc: file:line:col: LEVEL: message`.
    public static func lint(file: URL, displayPath: String) throws -> [Diagnostic] {
        guard let mandoc = executable() else { return [] }
        let run = try Subprocess.run(mandoc.path, ["-T", "lint", "-W", "warning", file.path], environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
        let output = String(decoding: run.stdout, as: UTF8.self) + run.stderr
        var findings: [Diagnostic] = []
        for line in output.split(separator: "\n") {
            var rest = Substring(line)
            if rest.hasPrefix("mandoc: ") { rest = rest.dropFirst("mandoc: ".count) }
            if rest.hasPrefix(file.path + ":") { rest = rest.dropFirst(file.path.count + 1) }
            let parts = rest.split(separator: ":", maxSplits: 3)
            if parts.count == 4, let l = Int(parts[0]), let c = Int(parts[1]) {
                findings.append(.error("mandoc: \(parts[2].trimmedWhitespace): \(parts[3].trimmedWhitespace)", at: SourceLocation(path: displayPath, line: l, column: c), id: "man.mandoc-lint"))
            } else {
                findings.append(.error("mandoc: \(rest)", at: SourceLocation(path: displayPath, line: 1, column: 1), id: "man.mandoc-lint"))
            }
        }
        if run.status != 0 && findings.isEmpty {
            findings.append(.error("mandoc -T lint exited with status \(run.status)", at: SourceLocation(path: displayPath, line: 1, column: 1), id: "man.mandoc-lint"))
        }
        return findings
    }
}
