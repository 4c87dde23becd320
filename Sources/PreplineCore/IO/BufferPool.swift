import Foundation
import Synchronization

/// Recycles megabyte-sized byte buffers between threads.
///
/// Allocating a fresh array per chunk made the kernel zero new pages for every chunk: a quarter
/// of a pass-through's time in perf (`clear_page_erms`). Buffers cycle reader → worker → pool
/// and worker → writer → pool; at most `limit` idle ones are kept, so memory stays bounded.
package final class BufferPool: Sendable {
    private struct State {
        var idle: [[UInt8]] = []
        var returns = 0
        var shared = 0
    }
    private let state = Mutex(State())
    private let limit: Int

    package init(limit: Int) { self.limit = limit }

    /// An empty buffer with room for at least `minimumCapacity` bytes, recycled when possible.
    ///
    /// Capacities are rounded up to whole MiB: chunks differ in size by up to a record, and
    /// buffers that are a little too small would be reallocated and fragment the heap (RSS
    /// crept up over long runs before this).
    package func take(minimumCapacity: Int) -> [UInt8] {
        var buffer = state.withLock { $0.idle.popLast() } ?? []
        if buffer.capacity < minimumCapacity {
            buffer.reserveCapacity((minimumCapacity + (1 << 20) - 1) & ~((1 << 20) - 1))
        }
        return buffer
    }

    /// Takes `buffer` (leaving it empty) for reuse.
    package func give(_ buffer: inout [UInt8]) {
        var recycled: [UInt8] = []
        swap(&recycled, &buffer)
        guard recycled.capacity > 0 else { return }
        let address = recycled.withUnsafeBufferPointer { $0.baseAddress }
        recycled.removeAll(keepingCapacity: true)
        // Still referenced elsewhere, the buffer was just copied on write: the pool saves nothing.
        let wasShared = recycled.withUnsafeBufferPointer { $0.baseAddress } != address
        state.withLock { state in
            state.returns += 1
            if wasShared { state.shared += 1 }
            if state.idle.count < limit { state.idle.append(recycled) }
        }
    }

    /// Buffers given back, and those of them that were still referenced elsewhere (each cost a
    /// fresh allocation; across threads that fragmented the heap): the engine hands payloads
    /// over by move, so a test holds `sharedReturns` to zero.
    package var returnCount: Int { state.withLock { $0.returns } }
    package var sharedReturns: Int { state.withLock { $0.shared } }
}
