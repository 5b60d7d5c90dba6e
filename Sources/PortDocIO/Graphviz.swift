import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
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
    /// Layouts made before, by this `dot` and these plugins; nil: none kept.
    public let layouts: LayoutCache?

    public init(dot: URL, pluginDirectory: URL, layouts: LayoutCache? = nil) {
        self.dot = dot
        self.pluginDirectory = pluginDirectory
        self.layouts = layouts
    }

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
                throw DiagnosticsError([.error("cannot prepare Graphviz's plugin folder: \(BuildSession.describe(error))", at: nil, id: "diagram.graphviz")])
            }
        }
        let identity = ([dot] + plugins.map { "\(folder)/\($0)" }).map { "\($0) \(FileStamp.of($0))" }.joined(separator: "\n")
        return Graphviz(dot: URL(fileURLWithPath: dot), pluginDirectory: target,
                        layouts: LayoutCache(folder: cache.appendingPathComponent("layouts"), identity: identity))
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
    /// A layout made before by the same `dot` and plugins from the same text is read from the
    /// cache instead.
    public func start(_ dotText: String, path: String) -> Layout {
        if let svg = layouts?.svg(for: dotText) { return Layout(svg: svg) }
        do {
            let running = try Subprocess.start(dot.path, ["-Tsvg"], input: Data(dotText.utf8), environment: Self.environment(pluginDirectory))
            return Layout(running: running, path: path, store: layouts.map { ($0, dotText) })
        } catch {
            return Layout(failure: .error("cannot run \(dot.path): \(error.description)", at: SourceLocation(path: path, line: 1, column: 1), id: "diagram.graphviz"))
        }
    }

    /// A diagram being laid out.
    public struct Layout: Sendable {
        private enum State: Sendable {
            /// `dot` runs; its SVG goes to `store` (the cache and the DOT text) when made.
            case running(Subprocess.Running, path: String, store: (cache: LayoutCache, text: String)?)
            case failed(Diagnostic)
            /// From the cache.
            case laidOut(String)
        }
        private let state: State

        init(running: Subprocess.Running, path: String, store: (cache: LayoutCache, text: String)?) {
            state = .running(running, path: path, store: store)
        }
        init(failure: Diagnostic) { state = .failed(failure) }
        init(svg: String) { state = .laidOut(svg) }

        /// Waits for `dot`; its complaints become diagnostics at the output file. A layout that
        /// `dot` made without a word is kept for the next build.
        public func svg() -> Result<String, Diagnostic> {
            switch state {
            case .laidOut(let svg): return .success(svg)
            case .failed(let diagnostic): return .failure(diagnostic)
            case let .running(running, path, store):
                let result = running.wait()
                guard result.status == 0, !result.stdout.isEmpty else {
                    return .failure(.error("Graphviz could not lay out the diagram: \(result.stderr.trimmedWhitespace)", at: SourceLocation(path: path, line: 1, column: 1), id: "diagram.graphviz"))
                }
                let svg = String(decoding: result.stdout, as: UTF8.self)
                if let store, result.stderr.isEmpty { store.cache.keep(svg, for: store.text) }
                return .success(svg)
            }
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

/// The SVGs `dot` made, in the user's cache folder: one file per DOT text, named by its hash and
/// holding the text it was made from, so that a hit is checked byte for byte, never trusted to
/// the hash. `identity` (the path, size and modification time of `dot` and of each plugin) is
/// part of both, so another Graphviz makes its own layouts. A hit renews a file's modification
/// time. Once per build, when it first keeps a layout, the cache lets go of files unused for
/// `maxAge` and then of the least recently used beyond `limit`, never of one this build used or
/// made (a set with more diagrams than `limit` would otherwise evict its own layouts each build).
/// Best effort: a cache that cannot be read or written costs only the `dot` run.
public struct LayoutCache: Sendable {
    public let folder: URL
    public let identity: String
    public var limit = 1024
    public var maxAge = 30 * 24 * 3600
    /// When this build began to use the cache, in nanoseconds since 1970; files touched since are kept.
    let since: Int
    private let pruning = Once()

    public init(folder: URL, identity: String) {
        self.folder = folder
        self.identity = identity
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        // A second's margin: a file system may keep coarser modification times than the clock.
        since = (now.tv_sec - 1) * 1_000_000_000 + now.tv_nsec
    }

    /// Whether something has happened yet, set once.
    private final class Once: @unchecked Sendable {  // guarded by `lock`
        private let lock = Lock()
        private var done = false
        func first() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if done { return false }
            done = true
            return true
        }
    }

    /// What a file starts with before the SVG: a format line, the identity and the DOT text.
    func header(_ text: String) -> [UInt8] {
        Array("portdoc layout 1\n\(identity)\n\(text.utf8.count)\n\(text)".utf8)
    }

    /// The file that holds the layout of `text`.
    public func file(_ text: String) -> String {
        folder.appendingPathComponent("\(Graphviz.stableHash(identity + "\n" + text)).svg").path
    }

    /// The SVG made before from `text`, or nil.
    public func svg(for text: String) -> String? {
        let path = file(text)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        let head = header(text)
        guard bytes.count > head.count, bytes.starts(with: head) else { return nil }
        _ = utimes(path, nil)
        return String(decoding: bytes[head.count...], as: UTF8.self)
    }

    /// Keeps `svg`, made from `text` (and, the first time in a build, lets go of old files).
    public func keep(_ svg: String, for text: String) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        UserCache.replace(URL(fileURLWithPath: file(text)), with: Data(header(text) + Array(svg.utf8)))
        if pruning.first() { prune() }
    }

    /// Removes the files unused for `maxAge`, then the least recently used beyond `limit`, except
    /// those used or made since `since`.
    func prune() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        var dated = names.filter { $0.hasSuffix(".svg") && !$0.hasPrefix(".") }.map { name -> (path: String, time: Int) in
            var info = stat()
            let path = folder.appendingPathComponent(name).path
            return (path, stat(path, &info) == 0 ? info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec : 0)
        }.sorted { $0.time < $1.time }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let tooOld = (now.tv_sec - maxAge) * 1_000_000_000
        while let oldest = dated.first, oldest.time < since, oldest.time < tooOld || dated.count > limit {
            unlink(oldest.path)
            dated.removeFirst()
        }
    }
}
