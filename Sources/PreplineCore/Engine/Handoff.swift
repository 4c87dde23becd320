import Foundation

/// A closable FIFO shared by the reader and the workers. Capacity is bounded elsewhere (by the
/// engine's in-flight semaphore), so this queue never grows beyond that many chunks.
final class WorkQueue<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private var closed = false

    func push(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, or nil once the queue is closed and empty.
    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}

/// Where workers drop finished chunks, keyed by sequence number, so the consumer can take them
/// in input order whatever order they finish in.
final class ReorderBoard<Outcome>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Outcome] = [:]
    private var total: Int?

    func put(_ sequence: Int, _ outcome: Outcome) {
        condition.lock()
        ready[sequence] = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// Called by the reader when it has handed out `count` chunks and will send no more.
    func finish(total count: Int) {
        condition.lock()
        total = count
        condition.broadcast()
        condition.unlock()
    }

    /// The outcome of chunk `sequence`, or nil if the stream ended before it.
    func take(_ sequence: Int) -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let outcome = ready.removeValue(forKey: sequence) { return outcome }
            if let total, sequence >= total { return nil }
            condition.wait()
        }
    }
}

/// A flag set once by the consumer and read by the other threads.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    var isCancelled: Bool { lock.withLock { cancelled } }
    func cancel() { lock.withLock { cancelled = true } }
}

/// Lets a non-Sendable value cross to exactly one other thread that becomes its only user.
struct HandOff<Value>: @unchecked Sendable {
    let value: Value
}
