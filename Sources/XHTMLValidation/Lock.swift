import Foundation

/// A small mutex (Foundation's NSLock) with a closure API.
final class Lock: @unchecked Sendable {
    private let lock = NSLock()
    func withLock<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
