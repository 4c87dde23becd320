/// numpy's legacy `np.random.RandomState(seed)` with an integer seed, as far as scikit-learn's
/// splitters draw from it: the MT19937 stream, bounded integers by masked rejection
/// (`random_interval`), and `shuffle` / `permutation` of a 1-d array.
///
/// Followed line by line from numpy 2.x: `_mt19937.pyx` `_legacy_seeding` → `mt19937_seed`
/// (Knuth's initialisation of the reference implementation, no `init_by_array`),
/// `mt19937.h` `mt19937_next` (tempering), `distributions.c` `random_interval`, and
/// `mtrand.pyx` `shuffle` (`for i in reversed(range(1, n)): j = random_interval(i); swap`) and
/// `permutation(n)` (`arange(n)` shuffled). numpy keeps this stream stable by policy (NEP 19),
/// so the same seed gives the same rows on every numpy version scikit-learn runs on.
package struct NumpyRandomState: Sendable {
    private static let stateLength = 624
    private static let shift = 397
    private var key: [UInt32]
    private var position: Int

    /// `np.random.RandomState(seed)`.
    package init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateLength)
        var value = seed
        for index in 0..<Self.stateLength {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
        }
        self.key = key
        self.position = Self.stateLength
    }

    /// The next 32 bits of the stream (`mt19937_next32`).
    @inline(__always)
    package mutating func nextUInt32() -> UInt32 {
        if position == Self.stateLength { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two 32-bit draws, the first in the high half (`mt19937_next64`).
    package mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// A uniform integer in 0...max: the smallest all-ones mask covering `max`, redrawn until the
    /// masked value is at most `max` (numpy's `random_interval`; 32-bit draws while max < 2^32).
    @inline(__always)
    package mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        if max <= 0xFFFF_FFFF {
            let mask32 = UInt32(truncatingIfNeeded: mask), max32 = UInt32(truncatingIfNeeded: max)
            while true {
                let value = nextUInt32() & mask32
                if value <= max32 { return UInt64(value) }
            }
        }
        while true {
            let value = nextUInt64() & mask
            if value <= max { return value }
        }
    }

    /// `RandomState.shuffle(x)` of a 1-d array, in place: the same draws and swaps.
    package mutating func shuffle<Element>(_ buffer: UnsafeMutableBufferPointer<Element>) {
        var i = buffer.count - 1
        while i >= 1 {
            let j = Int(interval(UInt64(i)))
            buffer.swapAt(i, j)
            i -= 1
        }
    }

    /// `RandomState.shuffle(x)` of an array, in place.
    package mutating func shuffle<Element>(_ array: inout [Element]) {
        array.withUnsafeMutableBufferPointer { shuffle($0) }
    }

    /// `RandomState.permutation(n)`: 0..<n shuffled (4 bytes per element).
    package mutating func permutation(_ count: Int) -> [Int32] {
        precondition(count >= 0 && count <= Int(Int32.max), "a permutation of \(count) elements")
        var result = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int32(index) }
            initialized = count
        }
        shuffle(&result)
        return result
    }

    /// `mt19937_gen`: the next 624 words of state.
    private mutating func regenerate() {
        let n = Self.stateLength, m = Self.shift
        key.withUnsafeMutableBufferPointer { key in
            @inline(__always) func twist(_ i: Int, _ next: Int, _ far: Int) {
                let y = (key[i] & 0x8000_0000) | (key[next] & 0x7FFF_FFFF)
                key[i] = key[far] ^ (y >> 1) ^ ((0 &- (y & 1)) & 0x9908_B0DF)
            }
            for i in 0..<(n - m) { twist(i, i + 1, i + m) }
            for i in (n - m)..<(n - 1) { twist(i, i + 1, i + m - n) }
            twist(n - 1, 0, m - 1)
        }
        position = 0
    }
}
