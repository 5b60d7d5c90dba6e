import FlyingFox
import FlyingSocks
import Foundation

/// The bytes of one Server-Sent Events response: for every snapshot of the builds, the events
/// one open page needs (`errors`, `ok`, `reload`), or a comment that keeps the connection alive.
struct EventStream: AsyncBufferedSequence {
    typealias Element = UInt8
    let snapshots: AsyncStream<PreviewState.Snapshot>
    let page: String
    let since: Int

    func makeAsyncIterator() -> Iterator { Iterator(snapshots: snapshots.makeAsyncIterator(), page: page, since: since) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var snapshots: AsyncStream<PreviewState.Snapshot>.Iterator
        let page: String
        var since: Int
        var pending: [UInt8] = []
        var lastErrors: [String]? = nil
        var reloadSent = false

        mutating func next() async -> UInt8? { await nextBuffer(suggested: 1)?.first }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            while pending.isEmpty {
                if reloadSent { return nil }  // the page reloads and opens a new stream
                guard let snapshot = await snapshots.next() else { return nil }
                pending = Array(events(for: snapshot).utf8)
            }
            let n = Swift.max(1, Swift.min(count, pending.count))
            defer { pending.removeFirst(n) }
            return Array(pending.prefix(n))
        }

        mutating func events(for s: PreviewState.Snapshot) -> String {
            var text = ""
            if s.errors != lastErrors {
                text += s.errors.isEmpty ? PreviewPage.event("ok", data: "\(s.generation)")
                    : PreviewPage.event("errors", data: Self.json(s.errors))
                lastErrors = s.errors
            }
            if s.errors.isEmpty, PreviewPage.mustReload(page: page, since: since, changes: s.changes) {
                text += PreviewPage.event("reload", data: "\(s.generation)")
                since = s.generation
                reloadSent = true
            }
            return text.isEmpty ? ": keep-alive\n\n" : text
        }

        static func json(_ lines: [String]) -> String {
            let data = (try? JSONEncoder().encode(lines)) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
