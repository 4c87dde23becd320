import Foundation
import Synchronization

/// A closable FIFO shared by the reader and the workers. Capacity is bounded elsewhere (by the
/// engine's in-flight semaphore), so this queue never grows beyond that many chunks.
// @unchecked: every stored var is read and written only while `condition` is locked (an
// NSCondition, not a Mutex, because `pop` waits on it), and items are themselves Sendable.
final class WorkQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Popped slots are set to nil at once: a popped chunk must not stay referenced here, or it
    /// would pin its megabytes and defeat buffer recycling.
    private var items: [Item?] = []
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
        let item = items[head].take()
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
// @unchecked: `ready` and `total` are touched only while `condition` is locked (an NSCondition
// because `take` waits on it), and outcomes are themselves Sendable.
final class ReorderBoard<Outcome: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Outcome] = [:]
    private var total: Int?

    /// Takes ownership of `outcome`: the worker keeps no reference that would make the consumer's
    /// copy of a payload buffer shared (and copied on write when a pool takes it back).
    func put(_ sequence: Int, _ outcome: consuming Outcome) {
        condition.lock()
        ready[sequence] = consume outcome
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

/// How many chunks may be between the reader and the consumer: a counting semaphore that an
/// early stop opens for good.
///
/// Not a `DispatchSemaphore`: libdispatch traps (SIGILL) when one is freed with a value below
/// its initial one, which is exactly the state an early stop leaves behind.
// @unchecked: `available` and `cancelled` are touched only while `condition` is locked (an
// NSCondition because `acquire` waits on it).
final class InFlightLimit: @unchecked Sendable {
    private let condition = NSCondition()
    private var available: Int
    private var cancelled = false

    init(_ limit: Int) { available = limit }

    /// Takes a slot, waiting for one; false once cancelled (the reader then stops).
    func acquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while available == 0 && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        available -= 1
        return true
    }

    func release() {
        condition.lock()
        available += 1
        condition.signal()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A flag set once by the consumer and read by the other threads (once per chunk).
final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
    func cancel() { cancelled.store(true, ordering: .releasing) }
}

/// Lets a non-Sendable value cross to exactly one other thread that becomes its only user.
// @unchecked: safe only as used — the creating thread builds the value, captures it in one new
// `Thread`'s block and touches it no more; `Thread.start()` (pthread_create) happens-before the
// block runs, so the new thread sees the value whole and is its only user from then on.
struct HandOff<Value>: @unchecked Sendable {
    let value: Value
}

/// Carries a value from one chunk to the next for stages that depend on input order (`ffill`):
/// chunk k posts the last value it saw, and chunk k+1's leading missing values take it.
///
/// Chunks run in parallel; only a chunk that starts with missing values (or has no value at
/// all) waits, and it waits on a chunk dispatched before it, so the earliest chunk in progress
/// never waits: no deadlock. Memory stays bounded: once the writer has taken chunk k, every
/// chunk up to k is finished, so their entries fold into one latest value per key.
// @unchecked: every stored var is touched only while `condition` is locked (an NSCondition
// because `carried(into:key:)` waits on it). Used by apply and by fit passes after the first
// (an ffill learned earlier); the first fit pass never waits: its carry is in the `FitState`.
package final class CarryBoard: @unchecked Sendable {
    private let condition = NSCondition()
    /// Per chunk sequence and key: the carried value (nil: nothing seen since the start).
    private var posted: [Int: [String: FillValue?]] = [:]
    /// Chunks that carry nothing of their own (a later input's header).
    private var forwards: Set<Int> = []
    /// Every chunk up to here is finished; `releasedValue` is what they left, per key.
    private var releasedThrough = -1
    private var releasedValue: [String: FillValue?] = [:]
    private var cancelled = false

    package init() {}

    package func post(_ sequence: Int, key: String, value: FillValue?) {
        condition.lock()
        posted[sequence, default: [:]][key] = .some(value)
        condition.broadcast()
        condition.unlock()
    }

    /// Marks a chunk that passes the carry through unchanged.
    package func forward(_ sequence: Int) {
        condition.lock()
        forwards.insert(sequence)
        condition.broadcast()
        condition.unlock()
    }

    /// Called by the writer once it has taken every chunk up to `sequence` (all finished).
    package func release(through sequence: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard sequence > releasedThrough else { return }
        for s in (releasedThrough + 1)...sequence {
            if let entries = posted.removeValue(forKey: s) {
                for (key, value) in entries { releasedValue[key] = .some(value) }
            }
            forwards.remove(s)
        }
        releasedThrough = sequence
    }

    /// Wakes every waiter (the run is stopping).
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// What the chunks left for `key` once every chunk has run: nil when no chunk ever saw a
    /// value (a column with no observed values).
    package func finalValue(key: String) -> FillValue? {
        condition.lock()
        defer { condition.unlock() }
        if let latest = posted.keys.sorted(by: >).lazy.compactMap({ self.posted[$0]?[key] }).first { return latest }
        return releasedValue[key] ?? nil
    }

    /// The value carried into chunk `sequence` for `key`: what the chunks before it left.
    package func carried(into sequence: Int, key: String) -> FillValue? {
        condition.lock()
        defer { condition.unlock() }
        var s = sequence - 1
        while s >= 0 {
            if cancelled { return nil }
            if s <= releasedThrough { return releasedValue[key] ?? nil }
            if forwards.contains(s) { s -= 1; continue }
            if let entry = posted[s]?[key] { return entry }
            condition.wait()
        }
        return nil
    }
}
