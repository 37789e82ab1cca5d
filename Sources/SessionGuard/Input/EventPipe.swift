import Foundation

/// Runs an `EventSource` (reading and parsing) on its own thread and hands its events over in
/// batches, so that parsing and sessionizing use both cores.
///
/// The producer owns the source and its interner until `consume` returns (it waits for the
/// producer to end); the consumer must not touch either before then — the `Sessionizer` works on
/// ids only while consuming.
public final class EventPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [[Event]] = []
    private var spare: [[Event]] = []
    private var done = false
    private let capacity = 4
    private let source: EventSource
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)
    static let batch = 16_384

    public init(source: EventSource) {
        self.source = source
        let box = Box()
        thread = Thread { box.pipe?.produce() }
        thread.stackSize = 1 << 20
        box.pipe = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var pipe: EventPipe? }

    private func produce() {
        var batch: [Event] = []
        batch.reserveCapacity(Self.batch)
        while let event = source.next() {
            batch.append(event)
            if batch.count == Self.batch { batch = hand(batch) }
        }
        if !batch.isEmpty { _ = hand(batch) }
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
        finished.signal()
    }

    /// Queues a full batch (waiting while the consumer is `capacity` batches behind) and returns an
    /// empty one to fill next, reusing the consumer's storage.
    private func hand(_ batch: [Event]) -> [Event] {
        condition.lock()
        while ready.count >= capacity { condition.wait() }
        ready.append(batch)
        var next = spare.popLast() ?? []
        condition.broadcast()
        condition.unlock()
        next.removeAll(keepingCapacity: true)
        if next.capacity == 0 { next.reserveCapacity(Self.batch) }
        return next
    }

    /// Calls `body` with every event, in the source's order; returns when the source is exhausted.
    public func consume(_ body: (Event) -> Void) {
        while true {
            condition.lock()
            while ready.isEmpty && !done { condition.wait() }
            if ready.isEmpty && done {
                condition.unlock()
                break
            }
            let batch = ready.removeFirst()
            condition.broadcast()
            condition.unlock()
            for event in batch { body(event) }
            condition.lock()
            if spare.count < capacity { spare.append(batch) }
            condition.unlock()
        }
        finished.wait()
    }
}
