import Testing
@testable import PreplineCore

/// XXH64 against the reference implementation's published sanity vectors (xxHash's
/// `cli/xsum_sanity_check.c`: its generated buffer, lengths 0, 1, 4, 14 and 222, seeds 0 and
/// PRIME32), so `split --by-key` assigns what any other XXH64 would.
@Suite("KeyHash (XXH64)")
struct KeyHashTests {
    /// xxHash's `fillTestBuffer`: byteGen starts at PRIME32 and is multiplied by PRIME64.
    static func sanityBuffer(_ count: Int) -> [UInt8] {
        var generator: UInt64 = 2_654_435_761
        return (0..<count).map { _ in
            defer { generator &*= 11_400_714_785_074_694_797 }
            return UInt8(truncatingIfNeeded: generator >> 56)
        }
    }

    @Test("the reference sanity vectors", arguments: [
        (0, UInt64(0), UInt64(0xEF46_DB37_51D8_E999)), (0, 2_654_435_761, 0xAC75_FDA2_929B_17EF),
        (1, 0, 0xE934_A84A_DB05_2768), (1, 2_654_435_761, 0x5014_6076_43A9_B4C3),
        (4, 0, 0x9136_A0DC_A574_57EE), (14, 0, 0x8282_DCC4_994E_35C8),
        (14, 2_654_435_761, 0xC3BD_6BF6_3DEB_6DF0), (222, 0, 0xB641_AE8C_B691_C174),
        (222, 2_654_435_761, 0x20CB_8AB7_AE10_C14A),
    ] as [(Int, UInt64, UInt64)])
    func sanityVectors(length: Int, seed: UInt64, expected: UInt64) {
        #expect(KeyHash.xxh64(Self.sanityBuffer(length), seed: seed) == expected)
    }

    @Test("every tail length agrees when hashed from an offset inside a larger buffer (unaligned reads)")
    func unalignedInput() {
        let buffer = Self.sanityBuffer(300)
        for length in 0...70 {
            let copy = Array(buffer[3..<(3 + length)])
            let fromSlice = buffer.withUnsafeBytes { KeyHash.xxh64(UnsafeRawBufferPointer(rebasing: $0[3..<(3 + length)]), seed: 7) }
            #expect(fromSlice == KeyHash.xxh64(copy, seed: 7))
        }
    }

    @Test("the test fraction compares the low 53 bits with fraction × 2^53")
    func fractionRule() {
        #expect(KeyHash.isTest(hash: 0, fraction: 1e-300))
        #expect(!KeyHash.isTest(hash: 1 << 52, fraction: 0.5))
        #expect(KeyHash.isTest(hash: (1 << 52) - 1, fraction: 0.5))
        // Bits above the 53rd do not count.
        #expect(KeyHash.isTest(hash: (1 << 63) | 5, fraction: 0.25))
        #expect(!KeyHash.isTest(hash: (1 << 53) - 1, fraction: 0.9999))
    }
}
