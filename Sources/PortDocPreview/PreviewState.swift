import Foundation

/// What the browser needs to know about the builds: the generation of the last successful build,
/// the files each build changed, and the errors of the last build when it failed. Shared between
/// the build thread, which publishes, and every open event stream, which subscribes.
public final class PreviewState: @unchecked Sendable {  // mutable state guarded by `lock`
    public struct Snapshot: Sendable {
        /// Counts successful builds that changed something; a page is served from one.
        public var generation: Int
        /// The errors of the last build, empty when it succeeded (the site is then its output).
        public var errors: [String]
        /// The files each build changed, by generation (the last 64 builds).
        public var changes: [(generation: Int, paths: [String])]
    }

    private let lock = NSLock()
    private var snapshot = Snapshot(generation: 0, errors: [], changes: [])
    private var subscribers: [UUID: AsyncStream<Snapshot>.Continuation] = [:]

    public init() {}

    public var current: Snapshot { lock.lock(); defer { lock.unlock() }; return snapshot }

    /// A build succeeded and changed `paths` (relative to the site); subscribers hear of it.
    public func succeeded(changed paths: [String]) {
        update { s in
            s.errors = []
            if !paths.isEmpty {
                s.generation += 1
                s.changes.append((s.generation, paths))
                if s.changes.count > 64 { s.changes.removeFirst(s.changes.count - 64) }
            }
        }
    }

    /// A build failed; the site keeps its last good pages.
    public func failed(errors: [String]) { update { $0.errors = errors } }

    private func update(_ change: (inout Snapshot) -> Void) {
        lock.lock()
        change(&snapshot)
        let now = snapshot
        let streams = Array(subscribers.values)
        lock.unlock()
        for stream in streams { stream.yield(now) }
    }

    /// Sends the current snapshot again to every stream, so that a stream whose reader has gone
    /// notices on its next write and ends (the event streams use it as a keep-alive).
    public func ping() { update { _ in } }

    /// Every later snapshot, starting with the current one; the stream ends when its reader goes.
    public func subscribe() -> AsyncStream<Snapshot> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot.self, bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        lock.lock()
        subscribers[id] = continuation
        continuation.yield(snapshot)
        lock.unlock()
        return stream
    }

    private func remove(_ id: UUID) { lock.lock(); subscribers[id] = nil; lock.unlock() }
}
