/// The budgets that bound a profile's memory (per column), whatever the number of rows.
package struct ProfileBudgets: Sendable {
    /// Distinct texts kept per column (and row keys kept for `duplicate_rows`): exact counts up to
    /// here, then HyperLogLog. About 22 bytes each (`ValueTable`), 12 per row key (`KeySet`).
    package var distinct = 1_000_000
    /// Distinct numbers kept per numeric column, with their counts: exact quantiles, histogram
    /// and distinct count up to here, then `LogBucketSketch` and HyperLogLog. About 40 bytes each.
    package var quantile = 262_144
    /// Distinct texts kept per column while all its values are numbers (in case a later one is
    /// not: its distinct count and top values are then exact if the column had at most this
    /// many before): a numeric column spends 1.4 MB, not 22 MB, on texts it will never report.
    package static let textsWhileNumeric = 65_536

    package init() {}
}

/// One column's figures over every chunk merged so far, in input order.
package struct ColumnAccumulator: Sendable {
    package var present = 0
    package var missing = 0
    package var candidates = TypeCandidates.all
    // Numbers (dropped once a value is not a number).
    package var moments = Moments()
    package var minimum = Double.infinity
    package var maximum = -Double.infinity
    package var zeros = 0
    package var negatives = 0
    package var positiveInfinities = 0
    package var negativeInfinities = 0
    /// Each distinct number (bit pattern, -0 as 0) and its count, while within the quantile budget.
    package var numbers: NumberCounts? = NumberCounts()
    package var sketch: LogBucketSketch?
    package var numberHLL: HyperLogLog?
    // Texts.
    package var table = ValueTable()
    package var tableFull = false
    package var textHLL: HyperLogLog?
    package var lengthMin = Int.max
    package var lengthMax = 0
    package var lengthSum = 0

    package init() {}

    /// How many values ahead the merge asks for a large table's slot.
    private static let lookahead = 8

    package var isNumeric: Bool { present > 0 && candidates.contains(.number) }

    package mutating func merge(_ chunk: ChunkColumnProfile, budgets: ProfileBudgets) {
        let wasNumeric = candidates.contains(.number)
        present += chunk.present
        missing += chunk.missing
        candidates.formIntersection(chunk.candidates)
        if candidates.contains(.number) {
            mergeNumbers(chunk, budget: budgets.quantile)
        } else if numbers != nil || sketch != nil {
            numbers = nil; sketch = nil; numberHLL = nil
        }
        lengthSum += chunk.lengthSum
        if chunk.present > 0 {
            lengthMin = Swift.min(lengthMin, chunk.lengthMin)
            lengthMax = Swift.max(lengthMax, chunk.lengthMax)
        }
        // The chunk's texts through one pointer: a closure capturing `chunk` copied the whole
        // struct (eight array retains) per value, 5% of a profile's time.
        // The arrays are read through pointers, and the text is made by a closure written at each
        // call: a closure kept in a local captured the arrays in a heap context per value (retain
        // and release of each, 5% of a 200k-row profile's CPU).
        let textsWhileNumeric = chunk.textsWhileNumeric
        chunk.textBytes.withUnsafeBufferPointer { texts in
        chunk.textEnds.withUnsafeBufferPointer { ends in
        chunk.textHashes.withUnsafeBufferPointer { hashes in
        chunk.textCounts.withUnsafeBufferPointer { counts in
            let prefetching = table.isLarge
            for i in 0..<hashes.count {
                let hash = hashes[i], copies = counts[i]
                if prefetching, i + Self.lookahead < hashes.count { table.prefetch(hashes[i + Self.lookahead]) }
                let start = i == 0 ? 0 : ends[i - 1], end = ends[i]
                if !tableFull {
                    // Rows in input order while the column reads as numbers keep fewer texts.
                    let numericPhase = wasNumeric && i < textsWhileNumeric
                    let budget = numericPhase ? Swift.min(budgets.distinct, ProfileBudgets.textsWhileNumeric) : budgets.distinct
                    if table.add(hash: hash, copies: copies, budget: budget, bytes: { Array(UnsafeBufferPointer(rebasing: texts[start..<end])) }) { continue }
                    tableFull = true
                    var hll = HyperLogLog()
                    for h in table.hashes { hll.add(hash: h) }
                    textHLL = hll
                } else if table.contains(hash) {
                    table.add(hash: hash, copies: copies, budget: budgets.distinct, bytes: { Array(UnsafeBufferPointer(rebasing: texts[start..<end])) })
                }
                textHLL!.add(hash: hash)
            }
        }
        }
        }
        }
    }

    private mutating func mergeNumbers(_ chunk: ChunkColumnProfile, budget: Int) {
        guard chunk.present > 0 else { return }
        positiveInfinities += chunk.positiveInfinities
        negativeInfinities += chunk.negativeInfinities
        moments.merge(chunk.moments)
        minimum = Swift.min(minimum, chunk.minimum)
        maximum = Swift.max(maximum, chunk.maximum)
        zeros += chunk.zeros
        negatives += chunk.negatives
        var from = 0
        if var table = numbers {
            numbers = nil
            let values = chunk.numberValues, counts = chunk.numberCounts
            while from < values.count && table.count <= budget {
                if from + Self.lookahead < values.count { table.prefetch(values[from + Self.lookahead].bitPattern) }
                table.add(values[from].bitPattern, copies: counts[from], budget: budget)
                from += 1
            }
            if table.count <= budget { numbers = table; return }
            // Past the budget: the sketch takes the table, then the chunk's numbers not yet added.
            var sketch = LogBucketSketch()
            var hll = HyperLogLog()
            table.forEach { bits, c in
                let v = Double(bitPattern: bits)
                sketch.add(v, copies: c)
                hll.add(hash: ByteHash.hash(number: v))
            }
            self.sketch = sketch
            numberHLL = hll
        }
        for (v, c) in zip(chunk.numberValues[from...], chunk.numberCounts[from...]) {
            sketch!.add(v, copies: c)
            numberHLL!.add(hash: ByteHash.hash(number: v))
        }
    }

    /// Distinct present values and whether the count is exact.
    package var distinct: (count: Int, exact: Bool) {
        if isNumeric {
            let infinities = (positiveInfinities > 0 ? 1 : 0) + (negativeInfinities > 0 ? 1 : 0)
            if let numbers { return (numbers.count + infinities, true) }
            return ((numberHLL?.estimate ?? 0) + infinities, false)
        }
        if tableFull { return (textHLL!.estimate, false) }
        return (table.count, true)
    }

    /// The numbers in increasing order with their counts: exact, or the sketch's buckets
    /// (clamped to the exact minimum and maximum).
    package func ascendingNumbers() -> (values: [(value: Double, count: Int)], exact: Bool) {
        if let numbers {
            var values: [(value: Double, count: Int)] = []
            numbers.forEach { bits, c in values.append((Double(bitPattern: bits), c)) }
            return (values.sorted { $0.value < $1.value }, true)
        }
        let buckets = (sketch ?? LogBucketSketch()).ascendingBuckets().map { (value: Swift.min(maximum, Swift.max(minimum, $0.value)), count: $0.count) }
        return (buckets, false)
    }
}

/// Order statistics from values in increasing order with counts: numpy's `quantile` with
/// method "linear" (pandas' `quantile` default) and `histogram`.
package enum OrderStatistics {
    /// The value of 0-based rank `k`.
    static func value(atRank k: Int, _ values: [(value: Double, count: Int)], cumulative: [Int]) -> Double {
        // First index whose cumulative count exceeds k.
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > k { hi = mid } else { lo = mid + 1 }
        }
        return values[lo].value
    }

    /// numpy's linear quantile of `q` (as pandas asks it: `np.percentile(x, q * 100)`).
    package static func quantiles(_ qs: [Double], of values: [(value: Double, count: Int)]) -> [Double] {
        var cumulative: [Int] = []
        cumulative.reserveCapacity(values.count)
        var total = 0
        for v in values { total += v.count; cumulative.append(total) }
        guard total > 0 else { return qs.map { _ in .nan } }
        return qs.map { q in
            let p = position(quantile: q, total: total)
            let a = value(atRank: p.lowerRank, values, cumulative: cumulative)
            let b = value(atRank: p.upperRank, values, cumulative: cumulative)
            return interpolate(a, b, gamma: p.gamma)
        }
    }

    /// The two 0-based ranks numpy's linear quantile `q` of `total` values lies between, and
    /// how far between.
    package static func position(quantile q: Double, total: Int) -> (lowerRank: Int, upperRank: Int, gamma: Double) {
        let p = (q * 100) / 100
        let virtual = Double(total - 1) * p
        let previous = virtual.rounded(.down)
        let gamma = virtual - previous
        let lowerRank = Swift.min(Swift.max(Int(previous), 0), total - 1)
        let upperRank = Swift.min(lowerRank + 1, total - 1)
        return (lowerRank, upperRank, gamma)
    }

    /// numpy's _lerp: a + (b - a) * t, or b - (b - a) * (1 - t) from t = 0.5 on.
    @inline(__always)
    package static func interpolate(_ a: Double, _ b: Double, gamma: Double) -> Double {
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// numpy's `histogram(x, bins=20)`: 21 edges from `linspace(min, max)` (±0.5 around a
    /// single value) and the counts, the last bin closed.
    package static func histogram(_ values: [(value: Double, count: Int)], minimum: Double, maximum: Double, bins: Int = 20)
        -> (edges: [Double], counts: [Int]) {
        var binning = Binning(minimum: minimum, maximum: maximum, bins: bins)
        for (x, c) in values { binning.add(x, copies: c) }
        return (binning.edges, binning.counts)
    }

    /// The histogram's bins, filled value by value in any order.
    package struct Binning {
        package private(set) var edges: [Double]
        package private(set) var counts: [Int]
        private let first: Double, norm: Double, bins: Int
        /// The range is wider than a double holds (−1.7e308 … 1.7e308, where numpy refuses with
        /// "Too many bins for data range"): the bins are placed on halved values, so they stay finite.
        private let halved: Bool

        package init(minimum: Double, maximum: Double, bins: Int) {
            var first = minimum, last = maximum
            if first == last { first -= 0.5; last += 0.5 }
            halved = !(last - first).isFinite
            counts = [Int](repeating: 0, count: bins)
            self.bins = bins
            if halved {
                let halfStep = (last / 2 - first / 2) / Double(bins)
                edges = (0...bins).map { (Double($0) * halfStep + first / 2) * 2 }
                norm = Double(bins) / (last / 2 - first / 2)
                self.first = first / 2
            } else {
                let step = (last - first) / Double(bins)
                edges = (0...bins).map { Double($0) * step + first }
                norm = Double(bins) / (last - first)
                self.first = first
            }
            edges[bins] = last
        }

        @inline(__always)
        package mutating func add(_ x: Double, copies c: Int) {
            let position = ((halved ? x / 2 : x) - first) * norm
            // Clamped before the conversion: Int(_:) of a NaN or of a double past Int's range traps.
            var index = position >= Double(bins) ? bins - 1 : position > 0 ? Int(position) : 0
            if x < edges[index] { index -= 1 }
            if index + 1 <= bins, x >= edges[index + 1], index != bins - 1 { index += 1 }
            counts[Swift.max(0, Swift.min(bins - 1, index))] += c
        }
    }
}
