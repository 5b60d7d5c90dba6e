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

/// Runs an external tool; returns exit status and combined output, or nil when it is not installed.
func runTool(_ name: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String)? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    guard let dir = paths.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "\(dir)/\(name)")
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Starts the built `portdoc` binary (debug build, as `swift test` leaves it) in `directory`, without
/// waiting; with `shell`, through bash with that prefix (such as `ulimit -f 8;`).
func startPortdoc(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> (Process, Pipe, Pipe) {
    let p = Process()
    if let shell {
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", shell + " exec \"$0\" \"$@\"", CLITests.binary.path] + arguments
    } else {
        p.executableURL = CLITests.binary
        p.arguments = arguments
    }
    p.currentDirectoryURL = directory
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    return (p, out, err)
}

/// Runs `portdoc` to the end; exit status and both outputs.
func runPortdoc(_ arguments: [String], in directory: URL, environment: [String: String] = [:], shell: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let (p, out, err) = try startPortdoc(arguments, in: directory, environment: environment, shell: shell)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Replaces `old` by `new` in a text file; fails the test when `old` is not there.
func edit(_ file: URL, replacing old: String, with new: String) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    try #require(text.contains(old), "'\(old)' is not in \(file.lastPathComponent)")
    try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
}
