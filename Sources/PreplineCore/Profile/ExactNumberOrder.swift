/// Exact quantiles and histogram of a column's distinct numbers and their counts, as
/// `OrderStatistics` computes them from `ColumnAccumulator.ascendingNumbers()`, without putting
/// the numbers in order.
///
/// A quantile needs the values of two ranks, and five quantiles ten at most: a selection by
/// count-weighted partitions (quickselect that follows every wanted rank at once) finds them in
/// a few passes over the distinct values, where sorting them (a radix sort, before this; a
/// comparison sort of (value, count) tuples before that) took eight and was most of a 200k-row
/// profile's serial tail. The histogram needs no order at all.
package struct ExactNumberOrder {
    /// The order keys and counts of the distinct values, in table order, then partitioned in
    /// place; reused from one column to the next.
    private var keys: [UInt64] = []
    private var counts: [Int] = []

    package init() {}

    /// An unsigned key that orders as the double of these bits does (no NaN here): negatives
    /// flipped whole, positives above them.
    @inline(__always)
    static func orderKey(_ bits: UInt64) -> UInt64 { bits >> 63 == 1 ? ~bits : bits | (1 << 63) }

    @inline(__always)
    static func bits(ofOrderKey key: UInt64) -> UInt64 { key >> 63 == 1 ? key & ~(1 << 63) : ~key }

    /// `OrderStatistics.quantiles(qs, of: ascending values with counts)` of the numbers of `table`.
    package mutating func quantiles(_ qs: [Double], of table: NumberCounts) -> [Double] {
        keys.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        keys.reserveCapacity(table.count)
        counts.reserveCapacity(table.count)
        var total = 0
        table.forEach { bits, count in
            keys.append(Self.orderKey(bits))
            counts.append(count)
            total += count
        }
        guard total > 0 else { return qs.map { _ in .nan } }
        let positions = qs.map { OrderStatistics.position(quantile: $0, total: total) }
        let wanted = Array(Set(positions.flatMap { [$0.lowerRank, $0.upperRank] })).sorted()
        var found = [UInt64](repeating: 0, count: wanted.count)
        keys.withUnsafeMutableBufferPointer { keys in
            counts.withUnsafeMutableBufferPointer { counts in
                Self.select(wanted, keys: keys, counts: counts, into: &found)
            }
        }
        let valueAt = Dictionary(uniqueKeysWithValues: zip(wanted, found.map { Double(bitPattern: Self.bits(ofOrderKey: $0)) }))
        return positions.map { p in OrderStatistics.interpolate(valueAt[p.lowerRank]!, valueAt[p.upperRank]!, gamma: p.gamma) }
    }

    /// The key of each rank in `wanted` (ascending; rank k is the value whose cumulative count,
    /// in key order, first exceeds k): `found[i]` for `wanted[i]`. Keys are distinct.
    /// `depthLimit` (tests) forces the sorted fallback sooner.
    static func select(_ wanted: [Int], keys: UnsafeMutableBufferPointer<UInt64>, counts: UnsafeMutableBufferPointer<Int>,
                               into found: inout [UInt64], depthLimit: Int? = nil) {
        // Ranges still to split: [lo, hi) of the arrays, the count of everything ordered before
        // it, the wanted ranks it holds (wanted[first..<last]), and partitions left before a
        // range is sorted instead (a bad run of pivots cannot go quadratic).
        var work: [(lo: Int, hi: Int, before: Int, first: Int, last: Int, depth: Int)] = []
        var maxDepth = 2
        var n = keys.count
        while n > 1 { maxDepth += 2; n >>= 1 }
        work.append((0, keys.count, 0, 0, wanted.count, depthLimit ?? maxDepth))
        while let (lo, hi, before, first, last, depth) = work.popLast() {
            guard first < last else { continue }
            if hi - lo <= 32 || depth == 0 {
                sortRange(lo, hi, keys: keys, counts: counts)
                var cumulative = before, w = first
                for i in lo..<hi where w < last {
                    cumulative += counts[i]
                    while w < last, cumulative > wanted[w] { found[w] = keys[i]; w += 1 }
                }
                continue
            }
            // Median of three as the pivot, moved to the end; table order is hash order, which
            // does not follow the values.
            let mid = lo + (hi - lo) / 2
            let a = keys[lo], b = keys[mid], c = keys[hi - 1]
            let pivotAt = (a < b) == (b < c) ? mid : ((b < a) == (a < c) ? lo : hi - 1)
            swapAt(pivotAt, hi - 1, keys: keys, counts: counts)
            let pivot = keys[hi - 1]
            var store = lo, below = 0
            for i in lo..<(hi - 1) where keys[i] < pivot {
                swapAt(i, store, keys: keys, counts: counts)
                below += counts[store]
                store += 1
            }
            swapAt(store, hi - 1, keys: keys, counts: counts)
            // Wanted ranks below the pivot, at it, and above it.
            let pivotStart = before + below, pivotEnd = pivotStart + counts[store]
            var w = first
            while w < last, wanted[w] < pivotStart { w += 1 }
            let belowLast = w
            while w < last, wanted[w] < pivotEnd { found[w] = pivot; w += 1 }
            work.append((lo, store, before, first, belowLast, depth - 1))
            work.append((store + 1, hi, pivotEnd, w, last, depth - 1))
        }
    }

    @inline(__always)
    private static func swapAt(_ i: Int, _ j: Int, keys: UnsafeMutableBufferPointer<UInt64>, counts: UnsafeMutableBufferPointer<Int>) {
        keys.swapAt(i, j)
        counts.swapAt(i, j)
    }

    /// Sorts keys[lo..<hi] ascending, the counts with them.
    private static func sortRange(_ lo: Int, _ hi: Int, keys: UnsafeMutableBufferPointer<UInt64>, counts: UnsafeMutableBufferPointer<Int>) {
        if hi - lo <= 32 {
            for i in (lo + 1)..<Swift.max(hi, lo + 1) {
                let key = keys[i], count = counts[i]
                var j = i
                while j > lo, keys[j - 1] > key { keys[j] = keys[j - 1]; counts[j] = counts[j - 1]; j -= 1 }
                keys[j] = key
                counts[j] = count
            }
            return
        }
        var pairs = (lo..<hi).map { (key: keys[$0], count: counts[$0]) }
        pairs.sort { $0.key < $1.key }
        for (offset, pair) in pairs.enumerated() { keys[lo + offset] = pair.key; counts[lo + offset] = pair.count }
    }

    /// `OrderStatistics.histogram` of the numbers of `table`, taken in slot order.
    package static func histogram(of table: NumberCounts, minimum: Double, maximum: Double, bins: Int)
        -> (edges: [Double], counts: [Int]) {
        var binning = OrderStatistics.Binning(minimum: minimum, maximum: maximum, bins: bins)
        table.forEach { b, c in binning.add(Double(bitPattern: b), copies: c) }
        return (binning.edges, binning.counts)
    }
}
