import Testing
@testable import PreplineCore

/// `ByteScan` skips sixteen, then eight bytes a step: it must still find the first target at
/// every offset, including across and at the ends of its steps.
@Suite struct ByteScanTests {
    @Test(arguments: [(UInt8(0x2C), UInt8(0x22), UInt8(0x0A), UInt8(0x0D)), (UInt8(0x22), UInt8(0x0A), UInt8(0x0D), UInt8(0x0D))])
    func findsTheFirstTargetLikeALoop(targets: (UInt8, UInt8, UInt8, UInt8)) {
        let scan = ByteScan(targets.0, targets.1, targets.2, targets.3)
        let wanted: Set<UInt8> = [targets.0, targets.1, targets.2, targets.3]
        var rng = SplitMix64(seed: 41)
        // Mostly plain bytes, some targets, and bytes that differ from a target in one bit.
        let alphabet: [UInt8] = [0x61, 0x62, 0x20, 0x2D, 0x23, 0x0B, 0x0E, 0xE9, 0x80, 0xFF] + Array(wanted)
        for _ in 0..<5000 {
            let count = Int.random(in: 0...70, using: &rng)
            let density = Int.random(in: 1...60, using: &rng)
            let bytes: [UInt8] = (0..<count).map { _ in
                Int.random(in: 0..<density, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : 0x61
            }
            let from = count == 0 ? 0 : Int.random(in: 0...count, using: &rng)
            let expected = (from..<count).first { wanted.contains(bytes[$0]) } ?? count
            let found = bytes.withUnsafeBufferPointer { scan.firstMatch($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: from, end: count) }
            #expect(found == expected, "\(bytes) from \(from)")
        }
    }
}
