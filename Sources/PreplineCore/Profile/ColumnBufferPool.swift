import Synchronization

/// Chunk text arenas recycled column by column. A chunk's distinct texts of one column are back
/// to back in one array (`ChunkColumnProfile.textBytes`), hundreds of KB for a column of long
/// unique texts: allocated afresh for every chunk (and grown by doubling), they caused three
/// quarters of a profile's page faults, and more once large blocks come from mmap
/// (`MallocTuning`). Per column, so that each arena keeps about its own column's capacity.
package final class ColumnBufferPool: Sendable {
    private let idle = Mutex<[[[UInt8]]]>([])
    private let limitPerColumn: Int

    /// `limitPerColumn`: arenas kept per column (the chunks that can be in flight at once).
    package init(limitPerColumn: Int) { self.limitPerColumn = limitPerColumn }

    /// An empty arena for `column`, recycled when one is idle.
    package func take(column: Int) -> [UInt8] {
        idle.withLock { idle in column < idle.count ? idle[column].popLast() : nil } ?? []
    }

    /// Takes `buffer` (leaving it empty) for reuse by a later chunk's `column`.
    package func give(_ buffer: inout [UInt8], column: Int) {
        var recycled: [UInt8] = []
        swap(&recycled, &buffer)
        guard recycled.capacity > 0 else { return }
        recycled.removeAll(keepingCapacity: true)
        // One not kept is freed when `recycled` goes, outside the lock.
        idle.withLock { idle in
            while idle.count <= column { idle.append([]) }
            if idle[column].count < limitPerColumn { idle[column].append(recycled) }
        }
    }
}
