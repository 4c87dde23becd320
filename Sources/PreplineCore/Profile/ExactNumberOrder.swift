/// Exact quantiles and histogram of a column's distinct numbers and their counts, as
/// `OrderStatistics` computes them from `ColumnAccumulator.ascendingNumbers()`, without building
/// and comparison-sorting an array of (value, count) tuples.
///
/// The values are put in order by an LSD radix sort of order-preserving integer keys that
/// carries the 32-bit counts (or slot indexes, should a count not fit); the histogram needs no
/// order at all. The sorted
/// tuples, their copy and the cumulative counts were three arrays of megabytes per numeric column,
/// fresh pages each (a fault costs microseconds here), sorted on the main thread after the
/// pass: a sixth of a 200k-row profile's page faults and most of its serial tail.
package struct ExactNumberOrder {
    /// The order keys and their counts (or slots), and their radix sort's second buffers; reused
    /// from one column to the next.
    private var keys: [UInt64] = []
    private var payloads: [UInt32] = []
    private var spareKeys: [UInt64] = []
    private var sparePayloads: [UInt32] = []
    private var payloadsAreCounts = true

    package init() {}

    /// An unsigned key that orders as the double of these bits does (no NaN here): negatives
    /// flipped whole, positives above them.
    @inline(__always)
    static func orderKey(_ bits: UInt64) -> UInt64 { bits >> 63 == 1 ? ~bits : bits | (1 << 63) }

    @inline(__always)
    static func bits(ofOrderKey key: UInt64) -> UInt64 { key >> 63 == 1 ? key & ~(1 << 63) : ~key }

    /// Sorts the numbers of `table` ascending into `keys` (order keys) and `payloads`: their
    /// counts when every count fits (`payloadsAreCounts`), else their slots. Returns the total count.
    private mutating func sort(_ table: NumberCounts) -> Int {
        let n = table.count
        keys.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        keys.reserveCapacity(n)
        payloads.reserveCapacity(n)
        var total = 0
        payloadsAreCounts = true
        for s in 0..<table.slotCount where table.bits(atSlot: s) != nil {
            if table.count(atSlot: s) >= Int(UInt32.max) { payloadsAreCounts = false; break }
        }
        // One pass counts every byte position's digits; a position where all keys share a digit
        // is not sorted on.
        var histograms = [Int](repeating: 0, count: 8 * 256)
        histograms.withUnsafeMutableBufferPointer { histograms in
            for s in 0..<table.slotCount {
                guard let b = table.bits(atSlot: s) else { continue }
                let key = Self.orderKey(b)
                let c = table.count(atSlot: s)
                total += c
                keys.append(key)
                payloads.append(UInt32(truncatingIfNeeded: payloadsAreCounts ? c : s))
                for d in 0..<8 { histograms[d &* 256 &+ Int(truncatingIfNeeded: (key >> UInt64(d &* 8)) & 0xFF)] &+= 1 }
            }
        }
        guard n > 0 else { return total }
        if spareKeys.count < n {
            spareKeys = [UInt64](repeating: 0, count: n)
            sparePayloads = [UInt32](repeating: 0, count: n)
        }
        var offsets = [Int](repeating: 0, count: 256)
        for d in 0..<8 {
            let base = d * 256
            if histograms[base + Int(truncatingIfNeeded: (keys[0] >> UInt64(d * 8)) & 0xFF)] == n { continue }
            var sum = 0
            for v in 0..<256 { offsets[v] = sum; sum += histograms[base + v] }
            let shift = UInt64(d * 8)
            keys.withUnsafeBufferPointer { from in
                payloads.withUnsafeBufferPointer { fromPayloads in
                    spareKeys.withUnsafeMutableBufferPointer { to in
                        sparePayloads.withUnsafeMutableBufferPointer { toPayloads in
                            offsets.withUnsafeMutableBufferPointer { offsets in
                                for i in 0..<n {
                                    let key = from[i]
                                    let v = Int(truncatingIfNeeded: (key >> shift) & 0xFF)
                                    let at = offsets[v]
                                    offsets[v] = at &+ 1
                                    to[at] = key
                                    toPayloads[at] = fromPayloads[i]
                                }
                            }
                        }
                    }
                }
            }
            // The spare buffers hold at least n; only the first n count.
            swap(&keys, &spareKeys)
            swap(&payloads, &sparePayloads)
        }
        return total
    }

    /// `OrderStatistics.quantiles(qs, of: ascending values with counts)` of the numbers of `table`.
    package mutating func quantiles(_ qs: [Double], of table: NumberCounts) -> [Double] {
        let total = sort(table)
        guard total > 0 else { return qs.map { _ in .nan } }
        let positions = qs.map { OrderStatistics.position(quantile: $0, total: total) }
        let wanted = Array(Set(positions.flatMap { [$0.lowerRank, $0.upperRank] })).sorted()
        // The value of rank k is the first in order whose cumulative count exceeds k.
        var valueAt: [Int: Double] = [:]
        var cumulative = 0, next = 0
        for i in 0..<table.count where next < wanted.count {
            cumulative += payloadsAreCounts ? Int(payloads[i]) : table.count(atSlot: Int(payloads[i]))
            while next < wanted.count, cumulative > wanted[next] {
                valueAt[wanted[next]] = Double(bitPattern: Self.bits(ofOrderKey: keys[i]))
                next += 1
            }
        }
        return positions.map { p in OrderStatistics.interpolate(valueAt[p.lowerRank]!, valueAt[p.upperRank]!, gamma: p.gamma) }
    }

    /// `OrderStatistics.histogram` of the numbers of `table`, taken in slot order.
    package static func histogram(of table: NumberCounts, minimum: Double, maximum: Double, bins: Int)
        -> (edges: [Double], counts: [Int]) {
        var binning = OrderStatistics.Binning(minimum: minimum, maximum: maximum, bins: bins)
        table.forEach { b, c in binning.add(Double(bitPattern: b), copies: c) }
        return (binning.edges, binning.counts)
    }
}
