#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exact sum of finite doubles (or of their exact squares): a fixed-point accumulator wide
/// enough for every double (a Kulisch accumulator), so adding is exact and merging is exact,
/// associative and commutative. Whatever the chunk size, thread count or partition count, the
/// same values give the same sum to the last bit, and the mean and variance derived from it are
/// correctly rounded (scikit-learn's `test_standard_scaler_near_constant_features` shape,
/// 1e10 ± 10^k, lost up to 3.9e-4 relative with Chan's merge of float moments).
///
/// Digits are 32 bits wide in `Int64` limbs: each value adds at most 2^32 to a limb, so 2^30
/// additions fit before carries must be propagated (`normalize`). Cost per value: a few shifts
/// and three (sum) or five (squares) integer additions. Only the window of digits a column's
/// values reach is stored (a few limbs for most columns, not the 72 / 140 of the whole range):
/// a fit state holds two of these per numeric column, and 100k columns took 300 MB otherwise.
package struct ExactSum: Sendable, Equatable {
    /// What is summed: the values, or their squares (computed exactly, as 106-bit integers).
    package enum Kind: String, Sendable { case values, squares }

    /// Bit 0 of the accumulator has weight 2^-1074 (values) or 2^-2148 (squares).
    package static let valueScale = -1074
    package static let squareScale = -2148
    private static let normalizeEvery = 1 << 30

    package let kind: Kind
    /// Little-endian 32-bit digits from digit `low` up; empty until the first value (most
    /// profiles never need one). Every digit but the top one is in 0..<2^32 after `normalize`,
    /// the top one (which carries the sign) in -2^31..<2^31.
    private var limbs: [Int64] = []
    /// The digit index of `limbs[0]`.
    private var low = 0
    private var pending = 0

    package init(_ kind: Kind) { self.kind = kind }

    package static func == (a: ExactSum, b: ExactSum) -> Bool {
        a.kind == b.kind && a.exact() == b.exact()
    }

    /// Makes room for digits `first...last` (and two above, for carries).
    @inline(__always)
    private mutating func ensure(_ first: Int, _ last: Int) {
        if limbs.isEmpty {
            low = first
            limbs = [Int64](repeating: 0, count: last - first + 3)
            return
        }
        if first < low {
            limbs.insert(contentsOf: repeatElement(0, count: low - first), at: 0)
            low = first
        }
        let needed = last - low + 3
        if needed > limbs.count { limbs.append(contentsOf: repeatElement(0, count: needed - limbs.count)) }
    }

    /// Room for a shifted value at bit `position` (five digits), counted toward the next carry.
    @inline(__always)
    private mutating func prepare(at position: Int) {
        let digit = position >> 5
        if limbs.isEmpty || digit < low || digit + 4 >= low + limbs.count { ensure(digit, digit + 4) }
        pending += 1
        if pending >= Self.normalizeEvery { normalize() }
    }

    /// Adds a finite `x` (values) or `x * x` (squares), exactly.
    @inline(__always)
    package mutating func add(_ x: Double) {
        guard x != 0 else { return }
        let biased = Int(x.exponentBitPattern)
        let mantissa = biased == 0 ? x.significandBitPattern : x.significandBitPattern | (1 << 52)
        // x = ±mantissa * 2^(e), e = max(biased, 1) - 1075.
        let position = max(biased, 1) - 1
        let negative = x.sign == .minus
        prepare(at: kind == .values ? position : 2 * position)
        switch kind {
        case .values:
            addShifted(low: mantissa, high: 0, at: position, negative: negative)
        case .squares:
            let square = mantissa.multipliedFullWidth(by: mantissa)
            addShifted(low: square.low, high: square.high, at: 2 * position, negative: false)
        }
    }

    /// Adds `copies * x` (or `copies * x * x`), exactly, for `copies` below 2^53.
    package mutating func add(copies: Int, of x: Double) {
        guard x != 0, copies > 0 else { return }
        let biased = Int(x.exponentBitPattern)
        let mantissa = biased == 0 ? x.significandBitPattern : x.significandBitPattern | (1 << 52)
        var magnitude = BigMagnitude(words: [mantissa])
        if kind == .squares { magnitude = magnitude.multiplied(by: magnitude) }
        magnitude = magnitude.multiplied(by: BigMagnitude(words: [UInt64(copies)]))
        let position = (max(biased, 1) - 1) * (kind == .squares ? 2 : 1)
        // Added 64 bits at a time: every word is exact at its own position.
        for (i, word) in magnitude.words.enumerated() where word != 0 {
            prepare(at: position + 64 * i)
            addShifted(low: word, high: 0, at: position + 64 * i, negative: kind == .values && x.sign == .minus)
        }
    }

    /// Adds `high:low * 2^position` (a 128-bit magnitude in the accumulator's units), exactly.
    @inline(__always)
    private mutating func add(low: UInt64, high: UInt64, at position: Int, negative: Bool) {
        prepare(at: position)
        addShifted(low: low, high: high, at: position, negative: negative)
    }

    /// Adds the finite values of a chunk to `sum` and their squares to `squares`, exactly (the
    /// same digits as `add` value by value), skipping NaN and the indices `include` rejects.
    /// Returns how many values were included (infinite ones too) and the sum of the infinite ones.
    ///
    /// One value at a time into the wide accumulator cost ~50 ns (a range check, a carry count,
    /// a buffer access and five limb additions per value and per sum): here the values are
    /// first summed exactly by binary exponent, their mantissas (< 2^53) and squared mantissas
    /// (< 2^106) into 128-bit integers, one pair per exponent in the chunk's range, and those
    /// few sums are added to the accumulators once per chunk. A block of 2^20 values cannot
    /// overflow them (2^106 * 2^20 < 2^128).
    package static func add(
        _ values: [Double], where include: (Int) -> Bool, sum: inout ExactSum, squares: inout ExactSum
    ) -> (included: Int, nonFinite: Double) {
        precondition(sum.kind == .values && squares.kind == .squares)
        var included = 0, nonFinite = 0.0
        return values.withUnsafeBufferPointer { values in
            // The range of positions (bit 0 of the mantissa, as in `add`) of the finite nonzero
            // values, included or not: a superset is as exact, and this loop needs no `include`.
            var lowest = Int.max, highest = Int.min
            for x in values where x.isFinite && x != 0 {
                let position = max(Int(x.exponentBitPattern), 1) - 1
                lowest = min(lowest, position)
                highest = max(highest, position)
            }
            let width = lowest <= highest ? highest - lowest + 1 : 0
            // A wide range with few values (1e-300 and 1e300 in a small chunk): value by value.
            if width > 64 && width > values.count / 4 {
                for (i, x) in values.enumerated() where !x.isNaN && include(i) {
                    included += 1
                    if x.isFinite { sum.add(x); squares.add(x) } else { nonFinite += x }
                }
                return (included, nonFinite)
            }
            guard width > 0 else {
                for (i, x) in values.enumerated() where !x.isNaN && include(i) {
                    included += 1
                    nonFinite += x
                }
                return (included, nonFinite)
            }
            // Four words per position: the sum (low, high; two's complement) and the sum of
            // squares (low, high).
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4 * width) { buckets in
                let blockSize = 1 << 20
                var start = 0
                while start < values.count {
                    let end = min(start + blockSize, values.count)
                    buckets.initialize(repeating: 0)
                    for i in start..<end {
                        let x = values[i]
                        guard !x.isNaN, include(i) else { continue }
                        included &+= 1
                        let biased = Int(x.exponentBitPattern)
                        guard biased != 0x7FF else { nonFinite += x; continue }
                        guard x != 0 else { continue }
                        let mantissa = biased == 0 ? x.significandBitPattern : x.significandBitPattern | (1 << 52)
                        let b = 4 &* (max(biased, 1) &- 1 &- lowest)
                        // ±mantissa as a 128-bit two's complement number: sign word 0 or all ones.
                        let sign = UInt64(bitPattern: Int64(bitPattern: x.bitPattern) >> 63)
                        let signed = (mantissa ^ sign) &- sign
                        let (low, carry) = buckets[b].addingReportingOverflow(signed)
                        buckets[b] = low
                        buckets[b + 1] = buckets[b + 1] &+ sign &+ (carry ? 1 : 0)
                        let square = mantissa.multipliedFullWidth(by: mantissa)
                        let (squareLow, squareCarry) = buckets[b + 2].addingReportingOverflow(square.low)
                        buckets[b + 2] = squareLow
                        buckets[b + 3] = buckets[b + 3] &+ square.high &+ (squareCarry ? 1 : 0)
                    }
                    for k in 0..<width {
                        let b = 4 * k, position = lowest + k
                        var low = buckets[b], high = buckets[b + 1]
                        if low != 0 || high != 0 {
                            let negative = Int64(bitPattern: high) < 0
                            if negative { (low, high) = (~low &+ 1, ~high &+ (low == 0 ? 1 : 0)) }
                            sum.add(low: low, high: high, at: position, negative: negative)
                        }
                        if buckets[b + 2] != 0 || buckets[b + 3] != 0 {
                            squares.add(low: buckets[b + 2], high: buckets[b + 3], at: 2 * position, negative: false)
                        }
                    }
                    start = end
                }
                return (included, nonFinite)
            }
        }
    }

    /// `high:low` (a 128-bit magnitude) times 2^position into the digits.
    @inline(__always)
    private mutating func addShifted(low: UInt64, high: UInt64, at position: Int, negative: Bool) {
        let digit = (position >> 5) - self.low, shift = UInt64(position & 31)
        // The value shifted left by `shift`: up to 160 bits in three words.
        let w0 = low << shift
        let w1 = shift == 0 ? high : (high << shift) | (low >> (64 - shift))
        let w2 = shift == 0 ? 0 : high >> (64 - shift)
        let parts: (Int64, Int64, Int64, Int64, Int64) = (
            Int64(w0 & 0xFFFF_FFFF), Int64(w0 >> 32), Int64(w1 & 0xFFFF_FFFF), Int64(w1 >> 32), Int64(w2))
        limbs.withUnsafeMutableBufferPointer { l in
            if negative {
                l[digit] &-= parts.0; l[digit + 1] &-= parts.1; l[digit + 2] &-= parts.2
                if parts.3 != 0 || parts.4 != 0 { l[digit + 3] &-= parts.3; l[digit + 4] &-= parts.4 }
            } else {
                l[digit] &+= parts.0; l[digit + 1] &+= parts.1; l[digit + 2] &+= parts.2
                if parts.3 != 0 || parts.4 != 0 { l[digit + 3] &+= parts.3; l[digit + 4] &+= parts.4 }
            }
        }
    }

    /// Propagates carries: every digit but the last in 0..<2^32, the last carries the sign.
    private mutating func normalize() {
        pending = 0
        guard !limbs.isEmpty else { return }
        var carry: Int64 = 0
        for i in 0..<(limbs.count - 1) {
            let v = limbs[i] &+ carry
            limbs[i] = v & 0xFFFF_FFFF
            carry = v >> 32  // arithmetic shift: floor division, so negative carries propagate
        }
        limbs[limbs.count - 1] &+= carry
        // The top digit stays small, so the next 2^30 additions cannot overflow it.
        while let top = limbs.last, top >= 1 << 31 || top < -(1 << 31) {
            limbs[limbs.count - 1] = top & 0xFFFF_FFFF
            limbs.append(top >> 32)
        }
    }

    /// After `normalize`: the shortest digits of the same value (no zero digit below, no
    /// digit above that only carries the sign), so a part's bytes do not depend on which values
    /// came first and widened the range (the chunk size, the order of partitions merged).
    private mutating func trim() {
        while limbs.count > 1, limbs[0] == 0 { limbs.removeFirst(); low += 1 }
        while limbs.count > 1 {
            let top = limbs[limbs.count - 1], below = limbs[limbs.count - 2]
            if top == 0 && below < 1 << 31 {
                limbs.removeLast()
            } else if top == -1 && below >= 1 << 31 {
                limbs.removeLast()
                limbs[limbs.count - 1] = below - (1 << 32)
            } else {
                break
            }
        }
        if limbs == [0] { limbs = []; low = 0 }
    }

    package mutating func merge(_ other: ExactSum) {
        guard !other.limbs.isEmpty else { return }
        var other = other
        other.normalize()
        normalize()
        if limbs.isEmpty { limbs = other.limbs; low = other.low; return }
        ensure(other.low, other.low + other.limbs.count - 1)
        let offset = other.low - low
        for i in other.limbs.indices { limbs[offset + i] &+= other.limbs[i] }
        normalize()
    }

    /// In a part (docs/distributed.md): `{"low": L, "limbs": [...]}`, the normalized 32-bit
    /// digits from digit L up (the kind is the member's name).
    package func write(to writer: inout PartWriter) {
        var copy = self
        copy.normalize()
        copy.trim()
        writer.beginObject()
        writer.key("low"); writer.int(copy.limbs.isEmpty ? 0 : copy.low)
        writer.key("limbs"); writer.beginArray()
        for limb in copy.limbs { writer.int(Int(limb)) }
        writer.endArray()
        writer.endObject()
    }

    /// Reads what `write` wrote; digits out of their normalized range (an altered part) are refused.
    package init(_ kind: Kind, from reader: inout PartReader) throws(PartFormatError) {
        self.init(kind)
        var low = 0, limbs: [Int64] = []
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "low": low = try reader.int()
            case "limbs": try reader.array { reader throws(PartFormatError) in limbs.append(Int64(try reader.int())) }
            default: throw reader.unknownKey(key, in: "an exact sum")
            }
        }
        let digitsInRange = limbs.dropLast().allSatisfy { (0..<(1 << 32)).contains($0) } && limbs.last.map { (-(1 << 31)..<(1 << 31)).contains($0) } ?? true
        guard low >= 0, low + limbs.count <= 200, digitsInRange else { throw reader.error("an exact sum's digits are out of range") }
        self.low = low
        self.limbs = limbs
    }

    /// The sum as a sign and a magnitude in units of 2^scale (`valueScale` / `squareScale`).
    package func exact() -> (negative: Bool, magnitude: BigMagnitude) {
        var copy = self
        copy.normalize()
        guard !copy.limbs.isEmpty else { return (false, BigMagnitude(words: [])) }
        var digits = [Int64](repeating: 0, count: copy.low) + copy.limbs
        let negative = digits.last! < 0
        if negative {
            // Two's complement over the digits: negate, then renormalize.
            for i in digits.indices { digits[i] = -digits[i] }
            var carry: Int64 = 0
            for i in digits.indices {
                let v = digits[i] &+ carry
                digits[i] = i == digits.count - 1 ? v : v & 0xFFFF_FFFF
                carry = v >> 32
            }
        }
        var words: [UInt64] = []
        words.reserveCapacity((digits.count + 1) / 2)
        var i = 0
        while i < digits.count {
            let low = UInt64(digits[i]), high = i + 1 < digits.count ? UInt64(digits[i + 1]) : 0
            words.append(low | high << 32)
            i += 2
        }
        return (negative, BigMagnitude(words: words))
    }
}

/// A nonnegative integer of any size (little-endian 64-bit words): just what turning exact sums
/// into a correctly rounded mean and variance needs, once per fitted column.
package struct BigMagnitude: Sendable, Equatable {
    package private(set) var words: [UInt64]

    package init(words: [UInt64]) {
        self.words = words
        trim()
    }

    private mutating func trim() { while let last = words.last, last == 0 { words.removeLast() } }

    package var isZero: Bool { words.isEmpty }

    package func multiplied(by other: BigMagnitude) -> BigMagnitude {
        guard !isZero, !other.isZero else { return BigMagnitude(words: []) }
        // An exact sum in units of 2^-2148 has dozens of low zero words: multiply only the words
        // from the first nonzero one of each (a fit of 100k columns spent most of its time here).
        let za = words.firstIndex { $0 != 0 }!, zb = other.words.firstIndex { $0 != 0 }!
        let a = words[za...], b = other.words[zb...]
        var out = [UInt64](repeating: 0, count: za + zb + a.count + b.count)
        out.withUnsafeMutableBufferPointer { out in
            for (i, x) in a.enumerated() {
                var carry: UInt64 = 0
                let base = za + zb + i
                for (j, y) in b.enumerated() {
                    let product = x.multipliedFullWidth(by: y)
                    let (s1, o1) = out[base + j].addingReportingOverflow(product.low)
                    let (s2, o2) = s1.addingReportingOverflow(carry)
                    out[base + j] = s2
                    carry = product.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                out[base + b.count] = carry
            }
        }
        return BigMagnitude(words: out)
    }

    /// self - other, for self >= other.
    package func subtracting(_ other: BigMagnitude) -> BigMagnitude {
        var out = words
        var borrow = false
        for i in out.indices {
            let b = i < other.words.count ? other.words[i] : 0
            let (d1, o1) = out[i].subtractingReportingOverflow(b)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            out[i] = d2
            borrow = o1 || o2
        }
        precondition(!borrow, "BigMagnitude.subtracting: negative result")
        return BigMagnitude(words: out)
    }

    package static func < (a: BigMagnitude, b: BigMagnitude) -> Bool {
        if a.words.count != b.words.count { return a.words.count < b.words.count }
        for i in stride(from: a.words.count - 1, through: 0, by: -1) where a.words[i] != b.words[i] { return a.words[i] < b.words[i] }
        return false
    }

    /// self * 2^(64 * count).
    package func shiftedLeft(words count: Int) -> BigMagnitude {
        isZero ? self : BigMagnitude(words: [UInt64](repeating: 0, count: count) + words)
    }

    /// Floor division by a word, with whether anything remained.
    package func divided(by divisor: UInt64) -> (quotient: BigMagnitude, inexact: Bool) {
        var out = [UInt64](repeating: 0, count: words.count)
        var remainder: UInt64 = 0
        for i in stride(from: words.count - 1, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: words[i]))
            out[i] = q
            remainder = r
        }
        return (BigMagnitude(words: out), remainder != 0)
    }

    /// The correctly rounded double of self * 2^scale (round to nearest even; `inexact` says a
    /// nonzero remainder lies below the last word, as a sticky bit).
    package func double(scale: Int, inexact: Bool = false) -> Double {
        guard let top = words.last else { return 0 }
        let topBits = 64 - top.leadingZeroBitCount
        let bitCount = (words.count - 1) * 64 + topBits
        // The leading 63 bits, then a sticky bit: Double(UInt64) rounds it to nearest even.
        let drop = bitCount - 63
        var leading: UInt64
        var sticky = inexact
        if drop <= 0 {
            leading = words[0] << UInt64(-drop)
        } else {
            leading = bits(from: drop, count: 63)
            sticky = sticky || hasBits(below: drop)
        }
        leading = leading << 1 | (sticky ? 1 : 0)
        return scalbn(Double(leading), Int32(clamping: drop - 1 + scale))
    }

    private func bits(from start: Int, count: Int) -> UInt64 {
        let word = start / 64, shift = UInt64(start % 64)
        var value = words[word] >> shift
        if shift > 0, word + 1 < words.count { value |= words[word + 1] << (64 - shift) }
        return count >= 64 ? value : value & ((1 << UInt64(count)) - 1)
    }

    private func hasBits(below position: Int) -> Bool {
        let word = position / 64, shift = position % 64
        for i in 0..<min(word, words.count) where words[i] != 0 { return true }
        if shift > 0, word < words.count, words[word] & ((1 << UInt64(shift)) - 1) != 0 { return true }
        return false
    }
}
