import Foundation
import Testing
@testable import PreplineCore

/// The profile's sketches: estimates within their stated errors, and merges that depend only on
/// the values, never on how they were split (so the profile is the same at any chunk size).
@Suite struct ProfileSketchTests {
    /// A deterministic pseudo-random sequence (SplitMix64).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    @Test func hyperLogLogIsWithinFiveStandardErrors() {
        for n in [10, 1_000, 50_000, 300_000] {
            var hll = HyperLogLog()
            for i in 0..<n { hll.add(hash: ByteHash.hash(Array("value \(i)".utf8))) }
            let error = abs(Double(hll.estimate - n)) / Double(n)
            #expect(error <= 5 * HyperLogLog.standardError, "n \(n): estimate \(hll.estimate)")
        }
    }

    @Test func hyperLogLogMergeEqualsOneSketch() {
        var rng = Rng(state: 7)
        let hashes = (0..<20_000).map { _ in ByteHash.mix(rng.next() % 5_000) }
        var whole = HyperLogLog()
        for h in hashes { whole.add(hash: h) }
        var left = HyperLogLog(), right = HyperLogLog()
        for h in hashes[..<7_000] { left.add(hash: h) }
        for h in hashes[7_000...].reversed() { right.add(hash: h) }
        right.merge(left)
        #expect(right == whole)
    }

    @Test func logBucketSketchQuantilesAreWithinTheRelativeAccuracy() {
        var rng = Rng(state: 11)
        // Heavy-tailed, both signs, some zeros.
        let values: [Double] = (0..<50_000).map { i in
            if i % 97 == 0 { return 0 }
            let x = exp(12 * rng.uniform() - 4)
            return rng.next() % 3 == 0 ? -x : x
        }
        var sketch = LogBucketSketch()
        for v in values { sketch.add(v) }
        let exactValues = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +).map { (value: $0.key, count: $0.value) }.sorted { $0.value < $1.value }
        let levels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
        let exact = OrderStatistics.quantiles(levels, of: exactValues)
        let estimated = OrderStatistics.quantiles(levels, of: sketch.ascendingBuckets())
        for (e, s) in zip(exact, estimated) {
            #expect(abs(s - e) <= LogBucketSketch.relativeAccuracy * abs(e) * 1.000001, "exact \(e), sketch \(s)")
        }
    }

    @Test func logBucketSketchMergeEqualsOneSketch() {
        var rng = Rng(state: 3)
        let values = (0..<10_000).map { _ in (rng.uniform() - 0.3) * 1e6 }
        var whole = LogBucketSketch()
        for v in values { whole.add(v) }
        var parts = [LogBucketSketch](repeating: LogBucketSketch(), count: 7)
        for (i, v) in values.enumerated() { parts[(i * 31) % 7].add(v) }
        var merged = LogBucketSketch()
        for p in parts.reversed() { merged.merge(p) }
        #expect(merged == whole)
    }

    @Test func valueTableOrdersTopByCountThenFirstAppearance() {
        var table = ValueTable()
        // Values seen once each, then "b" and "c" twice more, "z" once more.
        let stream = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "c", "b", "z", "z", "c", "b"]
        for v in stream { table.add(hash: ByteHash.hash(Array(v.utf8)), copies: 1, budget: 100) { Array(v.utf8) } }
        let top = table.top(10).map { (String(decoding: $0.value, as: UTF8.self), $0.count) }
        let expected: [(String, Int)] = [("b", 3), ("c", 3), ("z", 2), ("a", 1), ("d", 1), ("e", 1), ("f", 1), ("g", 1), ("h", 1), ("i", 1)]
        #expect(top.map(\.0) == expected.map(\.0))
        #expect(top.map(\.1) == expected.map(\.1))
    }

    @Test func valueTableRefusesNewValuesPastItsBudget() {
        var table = ValueTable()
        #expect(table.add(hash: 1, copies: 1, budget: 2) { [1] })
        #expect(table.add(hash: 2, copies: 1, budget: 2) { [2] })
        #expect(!table.add(hash: 3, copies: 1, budget: 2) { [3] })
        #expect(table.add(hash: 1, copies: 4, budget: 2) { [1] })
        #expect(table.count == 2 && table.top(1).first?.count == 5)
    }

    /// The bands come from the row count alone: chunk profiles of any sizes give the same ones.
    @Test func missingnessBandsDoNotDependOnChunking() {
        let rows = 123_457
        func missing(_ r: Int) -> Bool { r % 13 == 0 || (r / 1000) % 7 == 3 }
        func bands(chunkRows: Int) -> [(first: Int, last: Int, missing: [Int])] {
            var groups = MissingnessGroups(width: 1)
            var start = 0
            while start < rows {
                let n = min(chunkRows, rows - start)
                var column = ChunkColumnProfile()
                column.missingBits = [UInt64](repeating: 0, count: (n + 63) / 64)
                for r in 0..<n where missing(start + r) { column.missingBits[r >> 6] |= 1 << UInt64(r & 63) }
                var chunk = ChunkProfile()
                chunk.rows = n
                chunk.columns = [column]
                groups.add(chunk, firstRow: start)
                start += n
            }
            return groups.bands(rows: rows)
        }
        let reference = bands(chunkRows: rows)
        #expect(reference.count <= MissingnessGroups.maxBands)
        #expect(reference.first?.first == 0 && reference.last?.last == rows - 1)
        for band in reference {
            #expect(band.missing[0] == (band.first...band.last).filter(missing).count)
        }
        for size in [1, 63, 1000, 4097, 65_536] {
            let other = bands(chunkRows: size)
            #expect(other.map(\.first) == reference.map(\.first) && other.map(\.last) == reference.map(\.last)
                && other.map(\.missing) == reference.map(\.missing), "chunks of \(size) rows")
        }
    }

    /// The compact table against a plain dictionary: the same counts (one past 2^32 too, kept
    /// apart from the 32-bit counts), the same top 10 with its ties, through every regrowth.
    @Test func valueTableCountsLikeADictionary() {
        var rng = Rng(state: 17)
        var table = ValueTable()
        var counts: [UInt64: Int] = [:]
        var order: [UInt64] = []
        for _ in 0..<50_000 {
            let key = rng.next() % 20_000
            let hash = ByteHash.hash(number: Double(key))
            if counts[hash] == nil { order.append(hash) }
            counts[hash, default: 0] += 1
            #expect(table.add(hash: hash, copies: 1, budget: 1_000_000) { Array("\(key)".utf8) })
        }
        let huge = Int(UInt32.max) + 5
        table.add(hash: order[3], copies: huge, budget: 1_000_000) { [] }
        counts[order[3], default: 0] += huge
        #expect(table.count == counts.count)
        let expected = order.enumerated().sorted { a, b in
            counts[a.element]! != counts[b.element]! ? counts[a.element]! > counts[b.element]! : a.offset < b.offset
        }.prefix(10).map { counts[$0.element]! }
        #expect(table.top(10).map(\.count) == expected)
    }

    /// The key set against `Set`, with the key 0 and the budget's refusal.
    @Test func keySetHoldsTheFirstKeysUpToItsBudget() {
        var rng = Rng(state: 5)
        var set = KeySet()
        var reference = Set<UInt64>()
        let budget = 3_000
        for i in 0..<20_000 {
            let key = i % 7 == 0 ? 0 : rng.next() % 5_000
            let (present, inserted) = set.insert(key, budget: budget)
            #expect(present == reference.contains(key))
            #expect(inserted == (!present && reference.count < budget))
            if inserted { reference.insert(key) }
        }
        #expect(set.count == reference.count && set.count == budget)
    }
}
