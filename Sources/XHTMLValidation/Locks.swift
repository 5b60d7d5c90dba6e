import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A mutual-exclusion lock (a pthread mutex): what `NSLock` was, without linking all of
/// Foundation into the program (FoundationEssentials has no locks).
public final class Lock: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
}

/// A lock with a condition to wait for (a pthread mutex and condition variable), as `NSCondition`.
public final class Condition: @unchecked Sendable {
    private let mutex = Lock()
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() { pthread_cond_init(condition, nil) }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    public func lock() { mutex.lock() }
    public func unlock() { mutex.unlock() }
    /// Waits, with the lock held, until signalled (and holds the lock again).
    public func wait() { pthread_cond_wait(condition, mutex.mutex) }
    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// Runs `body` on a new thread of its own (a detached pthread), as `Thread { … }.start()` did.
public func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    guard started == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        fatalError("cannot start a thread: \(String(cString: strerror(started)))")
    }
    pthread_detach(thread)
}
