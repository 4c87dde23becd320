#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 64-bit hash of a byte string (8 bytes at a time, then MurmurHash3's finalizer): what the
/// profile's distinct counts, top values and duplicate rows key values by. Two different values
/// share a hash with probability about 2^-64 per pair (a million values: about 3e-8 that any do).
package enum ByteHash {
    @inline(__always)
    package static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x87C3_7B91_1142_53D5)
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                h = (h ^ mix(word)) &* 0x9FB2_1C65_1E98_DF25
                h = (h << 27) | (h >> 37)
                i += 8
            }
            if i < n {
                // The last n - i < 8 bytes, little-endian, by whole loads (a byte loop was 8% of
                // a profile's worker time); the same word a byte-by-byte loop builds.
                let rest = n - i
                let tail: UInt64
                if n >= 8 {
                    tail = UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self) >> UInt64((8 - rest) * 8)
                } else if rest >= 4 {
                    let low = UInt64(UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self))
                    let high = UInt64(UnsafeRawPointer(base + n - 4).loadUnaligned(as: UInt32.self))
                    tail = low | (high >> UInt64((8 - rest) * 8)) << 32
                } else {
                    tail = UInt64(base[i]) | UInt64(base[i + rest / 2]) << UInt64(8 * (rest / 2)) | UInt64(base[n - 1]) << UInt64(8 * (rest - 1))
                }
                h = (h ^ mix(tail ^ 0xA5)) &* 0x9FB2_1C65_1E98_DF25
            }
        }
        return mix(h)
    }

    package static func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { hash($0) } }

    /// The hash a number is counted by: its bits, with -0 read as 0 (pandas' `nunique` counts
    /// them as one value).
    @inline(__always)
    package static func hash(number: Double) -> UInt64 { mix((number == 0 ? 0.0 : number).bitPattern ^ 0x5851_F42D_4C95_7F2D) }
}

/// HyperLogLog with 2^14 one-byte registers (16 KB): a distinct-count estimate with a relative
/// standard error of 1.04 / sqrt(16384) ≈ 0.81% (Flajolet et al. 2007, with linear counting for
/// small counts). Registers merge by maximum, so the estimate depends only on the set of values
/// added, never on the order, the chunking or the thread count.
package struct HyperLogLog: Sendable, Equatable {
    package static let precision = 14
    package static let registerCount = 1 << precision
    /// The relative standard error the README states.
    package static let standardError = 1.04 / Double(registerCount).squareRoot()
    private(set) var registers = [UInt8](repeating: 0, count: registerCount)

    package init() {}

    @inline(__always)
    package mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rest = (hash << UInt64(Self.precision)) | (1 << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    package mutating func merge(_ other: HyperLogLog) {
        for i in 0..<Self.registerCount where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct hashes added.
    package var estimate: Int {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 {
            return Int((m * log(m / Double(zeros))).rounded())
        }
        return Int(raw.rounded())
    }
}

/// An open-addressing map from 64-bit keys to dense indexes 0, 1, 2… in insertion order (Swift's
/// `Dictionary` hashes each key again with SipHash: the per-cell cost the profile pays most).
/// Keys are mixed before probing, so raw number bit patterns spread as well as byte hashes.
package struct KeyIndex: Sendable {
    package private(set) var keys: [UInt64] = []
    private var slots: [Int32] = []
    private var mask = 0

    package init() {}

    /// Room for `expected` keys before the first growth (a chunk's column sized from the last
    /// chunk's distinct count: the doublings from 16 were a rehash chain per chunk and column).
    package init(expected: Int) {
        guard expected > 8 else { return }
        keys.reserveCapacity(expected)
        let capacity = 1 << (Int.bitWidth - (2 * expected + 1).leadingZeroBitCount)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    package var count: Int { keys.count }

    private mutating func grow() {
        let capacity = Swift.max(16, slots.count * 2)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (i, key) in keys.enumerated() {
            var s = Int(truncatingIfNeeded: ByteHash.mix(key)) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    /// The index of `key`, inserting it (as the next index) when new.
    @inline(__always)
    package mutating func index(of key: UInt64) -> (index: Int, inserted: Bool) {
        if (keys.count + 1) * 2 > slots.count { grow() }
        var s = Int(truncatingIfNeeded: ByteHash.mix(key)) & mask
        while true {
            let i = slots[s]
            if i < 0 {
                slots[s] = Int32(keys.count)
                keys.append(key)
                return (keys.count - 1, true)
            }
            if keys[Int(i)] == key { return (Int(i), false) }
            s = (s + 1) & mask
        }
    }

    /// The index of `key`, or nil.
    @inline(__always)
    package func find(_ key: UInt64) -> Int? {
        guard !slots.isEmpty else { return nil }
        var s = Int(truncatingIfNeeded: ByteHash.mix(key)) & mask
        while true {
            let i = slots[s]
            if i < 0 { return nil }
            if keys[Int(i)] == key { return Int(i) }
            s = (s + 1) & mask
        }
    }
}
