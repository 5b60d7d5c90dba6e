import Foundation
import PortDocCore
import PortDocIO
import Testing

/// The repository root, found from this file's path (tests read the real Catalog/, Locales/, Templates/).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixturesRoot = repoRoot.appendingPathComponent("Tests/PortDocTests/Fixtures")

/// A builder for every format: the XHTML and SVG validators, and Graphviz for the diagram.
func fullBuilder(_ project: Project) throws -> Builder {
    Builder(project: project, validators: try Builder.validators(for: OutputFormat.allCases), graphviz: try Graphviz.locate())
}

/// Compares each file with its golden file under `root` (`expected/<path>`), showing the first
/// difference; with PORTDOC_RECORD=1 it writes the golden files instead.
func checkGoldenFiles(_ files: [(path: String, contents: String)], under root: URL) throws {
    let record = ProcessInfo.processInfo.environment["PORTDOC_RECORD"] == "1"
    for (path, text) in files.sorted(by: { $0.path < $1.path }) {
        let url = root.appendingPathComponent(path)
        if record {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            continue
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(path) differs from its golden file:\n\(firstDifference(expected, text))")
    }
}

/// Diagnostics printed as users see them.
func lines(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.description) }

/// A small valid catalog; tests replace parts of it to provoke one diagnostic each.
let miniCatalog = """
document:
  id: mini
  source-locale: de
  title: doc.title
  intro: [doc.intro]
  man:
    name: mini
    section: "7"
    date: "2024-01-02"
    source: Mini
footnotes:
  - id: note
    text: footnote.note
sections:
  - id: main
    heading: section.main
    tables:
      - id: main-ports
        rows:
          - protocol: TCP
            transport: tcp
            ports: [443]
            description:
              - line: row.web
                args:
                  url: {url: "https://example.com"}
                footnotes: [note]
"""

func parseCatalog(_ text: String) -> (Catalog?, [String]) {
    let (c, d) = CatalogParser.parse(text, path: "c.yaml")
    return (c, lines(d))
}

/// Runs an external tool found on PATH through the one helper the tool itself uses
/// (`Subprocess`); returns exit status and both outputs, or nil when it is not installed.
func runTool(_ name: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil,
             directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String)? {
    guard let path = Subprocess.find(name) else { return nil }
    let r = try Subprocess.run(path, arguments, input: Data((stdin ?? "").utf8), environment: environment, directory: directory?.path)
    return (r.status, r.stdoutText, r.stderr)
}

/// Starts the built `portdoc` binary (debug build, as `swift test` leaves it) in `directory`, without
/// waiting; with `shell`, through bash with that prefix (such as `ulimit -f 8;`).
func startPortdoc(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> Subprocess.Running {
    let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    if let shell {
        return try Subprocess.start("/bin/bash", ["-c", shell + " exec \"$0\" \"$@\"", CLITests.binary.path] + arguments, environment: env, directory: directory.path)
    }
    return try Subprocess.start(CLITests.binary.path, arguments, environment: env, directory: directory.path)
}

/// Runs `portdoc` to the end; exit status and both outputs.
func runPortdoc(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let r = try startPortdoc(arguments, in: directory, environment: environment, shell: shell).wait()
    return (r.status, r.stdoutText, r.stderr)
}

/// Replaces `old` by `new` in a text file; fails the test when `old` is not there.
func edit(_ file: URL, replacing old: String, with new: String) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    try #require(text.contains(old), "'\(old)' is not in \(file.lastPathComponent)")
    try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
}
