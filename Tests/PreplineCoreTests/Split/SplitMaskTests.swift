import Testing
@testable import PreplineCore

@Suite("SplitMask")
struct SplitMaskTests {
    @Test("one bit per row reads back as [Bool] would, across word boundaries")
    func readsLikeBools() {
        var generator = SplitMix64(seed: 0x5EED_0005)
        for count in [0, 1, 63, 64, 65, 130, 1000] {
            var mask = SplitMask(count: count)
            var bools = [Bool](repeating: false, count: count)
            for _ in 0..<(count * 2) {
                let row = Int.random(in: 0..<count, using: &generator)
                let value = Bool.random(using: &generator)
                mask[row] = value
                bools[row] = value
            }
            #expect(Array(mask) == bools)
            #expect(mask.count == count)
            #expect(mask.testCount == bools.filter { $0 }.count)
        }
    }
}
