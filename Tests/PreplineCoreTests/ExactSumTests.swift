import Testing
import PreplineTestSupport
@testable import PreplineCore

/// The chunk-at-once `ExactSum.add(_:where:sum:squares:)` must give the very digits that adding
/// value by value gives (that path is checked against Python's exact fractions end to end).
@Suite struct ExactSumTests {
    func oneByOne(_ values: [Double], where include: (Int) -> Bool) -> (ExactSum, ExactSum, Int, Double) {
        var sum = ExactSum(.values), squares = ExactSum(.squares)
        var included = 0, nonFinite = 0.0
        for (i, x) in values.enumerated() where !x.isNaN && include(i) {
            included += 1
            if x.isFinite { sum.add(x); squares.add(x) } else { nonFinite += x }
        }
        return (sum, squares, included, nonFinite)
    }

    func expectSame(_ values: [Double], where include: (Int) -> Bool = { _ in true }, _ comment: Comment) {
        let (sum, squares, included, nonFinite) = oneByOne(values, where: include)
        var bulkSum = ExactSum(.values), bulkSquares = ExactSum(.squares)
        let bulk = ExactSum.add(values, where: include, sum: &bulkSum, squares: &bulkSquares)
        #expect(bulkSum == sum, comment)
        #expect(bulkSquares == squares, comment)
        #expect(bulk.included == included, comment)
        #expect(bulk.nonFinite.bitPattern == nonFinite.bitPattern, comment)
    }

    @Test func chunkAtOnceIsTheSameExactSumAsOneByOne() {
        var rng = SplitMix64(seed: 13)
        func uniform(_ range: Range<Double>) -> Double { Double.random(in: range, using: &rng) }
        let shapes: [(String, () -> Double)] = [
            ("prices", { (uniform(0..<100_000) * 100).rounded() / 100 }),
            ("signed", { uniform(-1000..<1000) }),
            ("near-constant offset", { 1e10 + uniform(-1e-3..<1e-3) }),
            ("integers and zeros", { Double(Int.random(in: -3...3, using: &rng)) }),
            ("subnormal and tiny", { Double(bitPattern: rng.next() & 0x001F_FFFF_FFFF_FFFF) * (rng.next() & 1 == 0 ? 1 : -1) }),
            ("any finite", { Double(bitPattern: rng.next() & 0xFFEF_FFFF_FFFF_FFFF) }),
            ("huge", { uniform(-1..<1) * 1.7e308 }),
        ]
        for (name, draw) in shapes {
            for count in [0, 1, 2, 7, 100, 5000] {
                var values = (0..<count).map { _ in draw() }
                expectSame(values, "\(name) \(count)")
                // Missing values, -0, skipped rows and infinite values (a typed schema value).
                if count > 3 {
                    values[0] = .nan; values[1] = -0.0; values[count / 2] = Double(nan: 5, signaling: false)
                    expectSame(values, where: { $0 % 3 != 1 }, "\(name) \(count) with NaN, skipped")
                    values[2] = .infinity
                    expectSame(values, "\(name) \(count) with +inf")
                    values[3] = -.infinity
                    expectSame(values, "\(name) \(count) with ±inf")
                }
            }
        }
    }

    @Test func aChunkLongerThanOneBlockOfBucketsStaysExact() {
        // The buckets are flushed every 2^20 values (4x below where the largest squares could
        // overflow 128 bits): a chunk past that flushes twice, with the largest mantissas.
        let count = (1 << 20) + 1000
        let values = (0..<count).map { i in i % 2 == 0 ? 2.0.nextDown : -(1.0.nextDown) }
        expectSame(values, "largest mantissas")
    }
}
