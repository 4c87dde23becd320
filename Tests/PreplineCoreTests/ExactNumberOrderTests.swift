import Testing
@testable import PreplineCore

/// The selected quantiles and the unordered histogram give exactly what `OrderStatistics`
/// gives from the (value, count) tuples sorted by value, as the document computed them before.
@Suite struct ExactNumberOrderTests {
    /// The plain path: tuples sorted by value.
    static func reference(_ values: [Double], _ counts: [Int]) -> (quantiles: [Double], edges: [Double], histogram: [Int]) {
        let sorted = zip(values, counts).map { (value: $0, count: $1) }.sorted { $0.value < $1.value }
        let qs = ProfileDocument.quantileLevels.map(\.q) + [0, 1, 0.001, 0.999]
        let (edges, histogram) = OrderStatistics.histogram(sorted, minimum: values.min()!, maximum: values.max()!, bins: 20)
        return (OrderStatistics.quantiles(qs, of: sorted), edges, histogram)
    }

    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool { a.map(\.bitPattern) == b.map(\.bitPattern) }

    @Test func selectedQuantilesEqualTheSortedTuples() {
        var rng = ProfileSketchTests.Rng(state: 17)
        var order = ExactNumberOrder()
        let qs = ProfileDocument.quantileLevels.map(\.q) + [0, 1, 0.001, 0.999]
        // Sizes up and down, so that the reused buffers are both larger and smaller than needed.
        let sizes = [1, 2, 3, 10, 5000, 7, 20_000, 300, 1, 40_000, 64]
        for (round, size) in sizes.enumerated() {
            var seen = Set<UInt64>()
            var values: [Double] = []
            while values.count < size {
                let r = rng.next()
                let v: Double
                switch r % 6 {
                case 0: v = Double(Int64(bitPattern: rng.next()) % 1000)            // small integers, negatives, zero
                case 1: v = Double(rng.next() % 2_000_000) / 100 - 5000               // money-like
                case 2: v = Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF)    // subnormals
                case 3: v = -Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF)
                case 4: v = Double(bitPattern: rng.next() & 0x7E7F_FFFF_FFFF_FFFF) * (r & 64 == 0 ? 1 : -1) // up to 2^1000 (a wider range overflows max - min)
                default: v = Double(rng.next() % 100) * 1e300
                }
                let normalized = v == 0 ? 0.0 : v
                guard normalized.isFinite, seen.insert(normalized.bitPattern).inserted else { continue }
                values.append(normalized)
            }
            let counts = values.map { _ in rng.next() % 4 == 0 ? Int(rng.next() % 50) + 1 : 1 }
            let expected = Self.reference(values, counts)
            var table = NumberCounts()
            // Added in two halves, as chunks merge: the second adds to counts already held.
            for (v, c) in zip(values, counts) { table.add(v.bitPattern, copies: c - c / 2) }
            for (v, c) in zip(values, counts) where c / 2 > 0 { table.add(v.bitPattern, copies: c / 2) }
            #expect(table.count == values.count)
            let quantiles = order.quantiles(qs, of: table)
            #expect(Self.sameBits(quantiles, expected.quantiles), "round \(round), \(size) values")
            let histogram = ExactNumberOrder.histogram(of: table, minimum: values.min()!, maximum: values.max()!, bins: 20)
            #expect(Self.sameBits(histogram.edges, expected.edges), "round \(round)")
            #expect(histogram.counts == expected.histogram, "round \(round)")
        }
    }

    /// The selection in orders a hash table never gives but a bad pivot rule would choke on:
    /// sorted, reversed, organ pipe, all one count, and a range deep enough to hit the sorted
    /// fallback. Every rank's key equals the one read off the sorted keys.
    @Test func selectionFindsEveryWantedRankInAdversarialOrders() {
        var rng = ProfileSketchTests.Rng(state: 29)
        for n in [1, 2, 3, 33, 100, 1000, 20_000] {
            let ascending = (0..<n).map { UInt64($0) * 7 + 3 }
            let half = ascending.count / 2
            let orders: [(String, [UInt64])] = [
                ("sorted", ascending),
                ("reversed", ascending.reversed()),
                ("organ pipe", stride(from: 0, to: n, by: 2).map { ascending[$0] } + stride(from: n - 1 - (n % 2 == 0 ? 0 : 1), through: 0, by: -2).map { ascending[$0] }),
                ("halves swapped", Array(ascending[half...] + ascending[..<half])),
            ]
            for (name, keys) in orders {
                #expect(Set(keys).count == n, "\(name) \(n)")
                for countsKind in 0..<2 {
                    let counts = keys.map { countsKind == 0 ? 1 : Int($0 % 5) + 1 }
                    let byKey = Dictionary(uniqueKeysWithValues: zip(keys, counts))
                    var cumulative: [(key: UInt64, end: Int)] = []
                    var total = 0
                    for key in ascending { total += byKey[key]!; cumulative.append((key, total)) }
                    var wanted = Set([0, total - 1, total / 2])
                    for _ in 0..<8 { wanted.insert(Int(rng.next() % UInt64(total))) }
                    let ranks = wanted.sorted()
                    let expected = ranks.map { rank in cumulative.first { $0.end > rank }!.key }
                    // nil: the pivots' own depth; 1 and 0: the sorted fallback after one split, and at once.
                    for depthLimit in [nil, 1, 0] as [Int?] {
                        var keysCopy = keys, countsCopy = counts
                        var found = [UInt64](repeating: 0, count: ranks.count)
                        keysCopy.withUnsafeMutableBufferPointer { k in
                            countsCopy.withUnsafeMutableBufferPointer { c in
                                ExactNumberOrder.select(ranks, keys: k, counts: c, into: &found, depthLimit: depthLimit)
                            }
                        }
                        #expect(found == expected, "\(name), \(n) keys, counts \(countsKind), depth limit \(String(describing: depthLimit))")
                    }
                }
            }
        }
    }

    @Test func orderKeysOrderAsTheDoublesDo() {
        let values: [Double] = [-.greatestFiniteMagnitude, -1e10, -1, -.leastNonzeroMagnitude, 0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1, 2.5, 1e308]
        let keys = values.map { ExactNumberOrder.orderKey($0.bitPattern) }
        #expect(keys == keys.sorted())
        #expect(keys.map { Double(bitPattern: ExactNumberOrder.bits(ofOrderKey: $0)) } == values)
    }

    @Test func numberCountsKeepCountsPastUInt32() {
        var table = NumberCounts()
        let big = Int(UInt32.max) - 3
        for v in 0..<100 { table.add(Double(v).bitPattern, copies: v == 7 ? big : 1) }
        table.add(Double(7).bitPattern, copies: 10)
        table.add(Double(8).bitPattern, copies: big)
        table.add(Double(8).bitPattern, copies: big)
        var counts: [Double: Int] = [:]
        table.forEach { counts[Double(bitPattern: $0)] = $1 }
        #expect(table.count == 100)
        #expect(counts[7] == big + 10)
        #expect(counts[8] == 2 * big + 1)
        #expect(counts[9] == 1)
        // Counts past 32 bits.
        let sorted = counts.map { (value: $0.key, count: $0.value) }.sorted { $0.value < $1.value }
        let qs = ProfileDocument.quantileLevels.map(\.q) + [0, 1]
        var order = ExactNumberOrder()
        #expect(Self.sameBits(order.quantiles(qs, of: table), OrderStatistics.quantiles(qs, of: sorted)))
    }

    /// A chunk's tables sized from the last chunk's distinct counts give the indexes the
    /// tables grown from empty give, below, at and past the expected size.
    @Test func presizedKeyIndexEqualsTheGrownOne() {
        var rng = ProfileSketchTests.Rng(state: 23)
        for expected in [0, 1, 9, 100, 4000] {
            for distinct in [1, 50, 100, 5000] {
                var plain = KeyIndex(), sized = KeyIndex(expected: expected)
                let pool = (0..<distinct).map { _ in rng.next() }
                var same = true
                for _ in 0..<(2 * distinct) {
                    let key = pool[Int(rng.next() % UInt64(distinct))]
                    if plain.index(of: key) != sized.index(of: key) { same = false }
                }
                #expect(same && plain.keys == sized.keys, "expected \(expected), \(distinct) distinct")
                #expect(pool.allSatisfy { plain.find($0) == sized.find($0) })
            }
        }
    }
}
