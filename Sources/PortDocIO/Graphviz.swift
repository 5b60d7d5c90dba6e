import Foundation
import PortDocCore
import XHTMLValidation

/// Lays out DOT as SVG with Graphviz's `dot`, with only its core plugins: text is then measured
/// with Graphviz's built-in font metrics instead of Pango and the machine's fonts, so the same
/// input gives the same SVG bytes on every machine with the same Graphviz (Debian 12: 2.43).
/// Measured on the seed: 5.1 ms per diagram through `dot` (libgvc in process: 5.7 ms for the
/// context, which loads Pango too, plus 3.4 ms per diagram); see README ("The network diagram").
public struct Graphviz: Sendable {
    public let dot: URL
    /// A folder holding links to the core and dot-layout plugins and their `config6a`
    /// (`GVBINDIR`): no Pango, no Cairo.
    public let pluginDirectory: URL

    /// Folders where Debian and others install Graphviz's plugins.
    static let pluginFolders = ["/usr/lib/x86_64-linux-gnu/graphviz", "/usr/lib/aarch64-linux-gnu/graphviz",
                                "/usr/lib64/graphviz", "/usr/lib/graphviz", "/usr/local/lib/graphviz"]
    static let plugins = ["libgvplugin_core.so.6", "libgvplugin_dot_layout.so.6"]

    /// Finds `dot` and its plugins and prepares the core-only plugin folder (once per user and
    /// Graphviz installation, in the user's cache folder: a build leaves nothing in TMPDIR).
    public static func locate() throws(DiagnosticsError) -> Graphviz {
        let fm = FileManager.default
        guard let dot = Subprocess.find("dot") else {
            throw DiagnosticsError([.error("Graphviz's dot is not installed; the network diagram needs it (make deps installs Debian's graphviz)", at: nil, id: "diagram.graphviz-missing")])
        }
        guard let folder = pluginFolders.first(where: { f in plugins.allSatisfy { fm.fileExists(atPath: "\(f)/\($0)") } }) else {
            throw DiagnosticsError([.error("Graphviz's core plugins (\(plugins.joined(separator: ", "))) were not found in \(pluginFolders.joined(separator: ", "))", at: nil, id: "diagram.graphviz-missing")])
        }
        // One folder per plugin folder, named after it; made in a scratch folder beside it and
        // renamed into place, so that builds running at once never see half of it.
        let cache = UserCache.folder()
        let target = cache.appendingPathComponent("graphviz-\(stableHash(folder))")
        if !fm.fileExists(atPath: target.appendingPathComponent("config6a").path) {
            let scratch = cache.appendingPathComponent(".graphviz-\(getpid())-\(UUID().uuidString)")
            do {
                try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
                for plugin in plugins {
                    try fm.createSymbolicLink(atPath: scratch.appendingPathComponent(plugin).path, withDestinationPath: "\(folder)/\(plugin)")
                }
                let result = try run(URL(fileURLWithPath: dot), ["-c"], input: Data(), pluginDirectory: scratch)
                guard result.status == 0 else {
                    throw DiagnosticsError([.error("dot -c failed: \(result.stderr)", at: nil, id: "diagram.graphviz")])
                }
                try? fm.removeItem(at: target)
                if rename(scratch.path, target.path) != 0 { try? fm.removeItem(at: scratch) }
            } catch let error as DiagnosticsError {
                try? fm.removeItem(at: scratch)
                throw error
            } catch {
                try? fm.removeItem(at: scratch)
                throw DiagnosticsError([.error("cannot prepare Graphviz's plugin folder: \(error.localizedDescription)", at: nil, id: "diagram.graphviz")])
            }
        }
        return Graphviz(dot: URL(fileURLWithPath: dot), pluginDirectory: target)
    }

    /// A stable FNV-1a hash of a string, for folder names (Swift's hashValue changes per process).
    static func stableHash(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    /// The SVG for `dotText`; Graphviz's complaints become diagnostics at `path` (the output file).
    public func svg(_ dotText: String, path: String) -> Result<String, Diagnostic> {
        start(dotText, path: path).svg()
    }

    /// Starts laying out `dotText` and returns at once: `Layout.svg()` waits for the SVG. A build
    /// starts each diagram before rendering the document's other formats, so that `dot` (about
    /// 5 ms a diagram, most of it starting up) runs while they render.
    public func start(_ dotText: String, path: String) -> Layout {
        do {
            let running = try Subprocess.start(dot.path, ["-Tsvg"], input: Data(dotText.utf8), environment: Self.environment(pluginDirectory))
            return Layout(running: running, dot: dot.path, path: path)
        } catch {
            return Layout(failure: .error("cannot run \(dot.path): \(error.description)", at: SourceLocation(path: path, line: 1, column: 1), id: "diagram.graphviz"))
        }
    }

    /// A diagram being laid out.
    public struct Layout: Sendable {
        let running: Subprocess.Running?
        let dot: String
        let path: String
        let failure: Diagnostic?

        init(running: Subprocess.Running, dot: String, path: String) {
            self.running = running
            self.dot = dot
            self.path = path
            failure = nil
        }

        init(failure: Diagnostic) {
            running = nil
            dot = ""
            path = ""
            self.failure = failure
        }

        /// Waits for `dot`; its complaints become diagnostics at the output file.
        public func svg() -> Result<String, Diagnostic> {
            guard let running else { return .failure(failure!) }
            let result = running.wait()
            guard result.status == 0, !result.stdout.isEmpty else {
                return .failure(.error("Graphviz could not lay out the diagram: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))", at: SourceLocation(path: path, line: 1, column: 1), id: "diagram.graphviz"))
            }
            return .success(String(decoding: result.stdout, as: UTF8.self))
        }
    }

    /// Only what dot needs: no font configuration, no locale from the caller.
    static func environment(_ pluginDirectory: URL) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "GVBINDIR": pluginDirectory.path]
    }

    static func run(_ executable: URL, _ arguments: [String], input: Data, pluginDirectory: URL) throws -> (status: Int32, stdout: Data, stderr: String) {
        let result = try Subprocess.run(executable.path, arguments, input: input, environment: environment(pluginDirectory))
        return (result.status, result.stdout, result.stderr)
    }
}
