import CPortDocSystem
import FoundationEssentials
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import XHTMLValidation
#if canImport(Glibc)
import Glibc
#endif

/// The one way PortDoc and its tests start external tools (Graphviz, mandoc, msgfmt, Chromium,
/// portdoc itself): `posix_spawn`, with standard input written and both outputs read at once on
/// threads of their own, so that no pipe fills while another waits. Foundation's `Process` takes
/// about 50 ms per start on this platform (measured: 52 ms for /bin/true with 20,000 open-file
/// slots), which made Graphviz the slowest part of a small build; with this, a build of the seed
/// went from 0.11–0.13 s to 0.07–0.09 s. Every pipe is close-on-exec, so a tool started by one
/// thread never holds another tool's pipes open.
public enum Subprocess {
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended the process (as a shell reports it).
        public var status: Int32
        /// The signal that ended the process, if one did.
        public var signal: Int32?
        public var stdout: Data
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs a tool to its end.
    /// - Parameters:
    ///   - environment: the whole environment of the tool; `nil` passes this process's own.
    ///   - directory: where the tool starts; `nil` is this process's working directory.
    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String]?,
                           directory: String? = nil) throws(Failure) -> Result {
        try start(executable, arguments, input: input, environment: environment, directory: directory).wait()
    }

    /// Starts a tool and returns at once; `Running.wait()` collects its end.
    public static func start(_ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String]?,
                             directory: String? = nil) throws(Failure) -> Running {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard portdoc_pipe_cloexec(&inPipe) == 0, portdoc_pipe_cloexec(&outPipe) == 0, portdoc_pipe_cloexec(&errPipe) == 0 else {
            throw Failure(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let directory { _ = portdoc_spawn_addchdir(&actions, directory) }
        let env = environment ?? ProcessEnvironment.values
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return Running(pid: pid, input: input, stdin: inPipe[1], stdout: outPipe[0], stderr: errPipe[0])
    }

    /// The full path of `name` on `PATH` (or `name` itself when it holds a slash), or nil.
    public static func find(_ name: String, path: String? = ProcessEnvironment.values["PATH"]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "/usr/bin:/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// A started tool. Its outputs are read as they come (`stdoutSoFar`), so a long-running tool
    /// (a server) can be watched; `wait()` returns the whole result once.
    public final class Running: @unchecked Sendable {  // mutable state guarded by `lock`
        public let pid: pid_t
        private let lock = Lock()
        private let pipesDone = DispatchGroup()
        private var out = Data(), err = Data()
        private var reaped: Int32?
        private var result: Result?

        init(pid: pid_t, input: Data, stdin: Int32, stdout: Int32, stderr: Int32) {
            self.pid = pid
            for _ in 0..<3 { pipesDone.enter() }
            // Threads of their own, not Dispatch's pool, which the build's parallel loop occupies.
            startThread { [pipesDone] in
                // A tool that exits without reading all of it ends the write early; `wait()` reports it.
                _ = input.withUnsafeBytes { writeAll(stdin, $0) }
                close(stdin)
                pipesDone.leave()
            }
            for (fd, isOut) in [(stdout, true), (stderr, false)] {
                startThread { [self] in
                    Subprocess.readAll(fd) { chunk in
                        lock.lock()
                        if isOut { out.append(chunk) } else { err.append(chunk) }
                        lock.unlock()
                    }
                    close(fd)
                    pipesDone.leave()
                }
            }
        }

        /// What the tool has written to standard output (error) so far.
        public var stdoutSoFar: Data { lock.lock(); defer { lock.unlock() }; return out }
        public var stderrSoFar: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

        /// Sends a signal (SIGINT, SIGTERM, SIGKILL, …) unless the process has already been reaped.
        public func send(_ signal: Int32) {
            lock.lock(); defer { lock.unlock() }
            if reaped == nil { kill(pid, signal) }
        }

        /// Whether the process has not ended yet (reaps it when it has).
        public var isRunning: Bool {
            lock.lock(); defer { lock.unlock() }
            if reaped != nil { return false }
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { reaped = status; return false }
            return r == 0
        }

        /// Waits for the end of the process and of its outputs.
        public func wait() -> Result {
            pipesDone.wait()
            lock.lock(); defer { lock.unlock() }
            if let result { return result }
            var status = reaped ?? 0
            if reaped == nil {
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                reaped = status
            }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which do not import into Swift.
            let signal = status & 0x7f
            let r = Result(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal, signal: signal == 0 ? nil : signal,
                           stdout: out, stderr: String(decoding: err, as: UTF8.self))
            result = r
            return r
        }
    }

    static func readAll(_ fd: Int32, _ chunk: (Data) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { chunk(Data(buffer[0..<n])); continue }
            if n < 0 && errno == EINTR { continue }
            return
        }
    }
}
