/// The distinct text values of one column seen so far, in order of first appearance, with their
/// exact counts: what `distinct` and `top` come from while the column is within its budget.
///
/// A value is keyed by its 64-bit `ByteHash`; its bytes are kept only when they can be needed
/// for the top 10: when its count reaches 2, or when it is one of the first 10 values seen. The
/// top 10 is ordered by count, then first appearance (pandas' `value_counts()`), so a value seen
/// once is in it only if fewer than 10 values repeat, and then it is among the first 10 values
/// seen. Memory: 16 bytes per value (hash, 32-bit count, 32-bit text reference) plus a 4-byte
/// slot (index and hash bits) at a load of at most 1/2, the slots capped at budget / 0.7 (the
/// table never holds more): about 22 MB per million distinct values that each occur once; the
/// kept bytes are back to back in one arena (no array per value).
package struct ValueTable: Sendable {
    private(set) var hashes: [UInt64] = []
    /// Counts below `UInt32.max`; `UInt32.max` marks a count kept in `largeCounts`.
    private var counts: [UInt32] = []
    private var largeCounts: [Int: Int] = [:]
    /// Index + 1 into `textEnds` of the value's bytes, or 0 when they are not kept.
    private var textRefs: [UInt32] = []
    private var textBytes: [UInt8] = []
    private var textEnds: [Int] = []
    /// Index + 1 into `hashes` in the low `indexBits` bits, 0 for an empty slot, and the hash's
    /// low bits in the rest, so that a probe reads `hashes` (a cache miss in a large table) only
    /// when those bits match; linear probing from `home(_:)`.
    private var slots: [UInt32] = []
    private var indexBits: UInt32 = 32

    package init() {}

    package var count: Int { hashes.count }

    /// The slot a hash starts probing at (multiply-shift onto any capacity, not only powers of 2).
    @inline(__always)
    private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(slots.count)).high)
    }

    /// Indexes are 32-bit.
    private static let largestBudget = 1 << 31

    /// Never more slots than a full table needs at a load of 0.7.
    @inline(__always)
    private static func maxSlots(budget: Int) -> Int { Swift.max(64, budget / 7 * 10 + 10) }

    /// The slot of value `i`: its index + 1 and its hash's tag bits.
    @inline(__always)
    private func slotValue(index i: Int, hash: UInt64) -> UInt32 {
        UInt32(i + 1) | (indexBits == 32 ? 0 : UInt32(truncatingIfNeeded: hash) << indexBits)
    }

    private mutating func grow(budget: Int) {
        let capacity = Swift.min(Swift.max(64, slots.count * 2), Self.maxSlots(budget: budget))
        slots = []
        slots = [UInt32](repeating: 0, count: capacity)
        // Every index + 1 is at most the capacity.
        indexBits = UInt32(Int.bitWidth - capacity.leadingZeroBitCount)
        for (i, h) in hashes.enumerated() {
            var s = home(h)
            while slots[s] != 0 { s += 1; if s == capacity { s = 0 } }
            slots[s] = slotValue(index: i, hash: h)
        }
    }

    /// The index of `hash`, or nil, and the slot where it is or would go.
    @inline(__always)
    private func find(_ hash: UInt64) -> (index: Int?, slot: Int) {
        guard !slots.isEmpty else { return (nil, 0) }
        let indexMask: UInt32 = indexBits == 32 ? ~0 : (1 << indexBits) - 1
        let tag = slotValue(index: 0, hash: hash) & ~indexMask
        var s = home(hash)
        while true {
            let v = slots[s]
            if v == 0 { return (nil, s) }
            if v & ~indexMask == tag {
                let i = Int(v & indexMask) - 1
                if hashes[i] == hash { return (i, s) }
            }
            s += 1; if s == slots.count { s = 0 }
        }
    }

    /// The count of value `i`.
    @inline(__always)
    private func count(at i: Int) -> Int { counts[i] == UInt32.max ? largeCounts[i]! : Int(counts[i]) }

    @inline(__always)
    private mutating func setCount(_ n: Int, at i: Int) {
        if n < Int(UInt32.max) { counts[i] = UInt32(n) } else { counts[i] = UInt32.max; largeCounts[i] = n }
    }

    private mutating func keepText(_ bytes: [UInt8], at i: Int) {
        textBytes.append(contentsOf: bytes)
        textEnds.append(textBytes.count)
        textRefs[i] = UInt32(textEnds.count)
    }

    /// Adds `copies` of the value; `bytes` gives its text when it must be kept. Returns false,
    /// adding nothing, when the value is new and the table already holds `budget` values.
    @discardableResult
    package mutating func add(hash: UInt64, copies: Int, budget: Int, bytes: () -> [UInt8]) -> Bool {
        let budget = Swift.min(budget, Self.largestBudget)
        var (index, slot) = find(hash)
        if let i = index {
            let n = count(at: i) + copies
            setCount(n, at: i)
            if textRefs[i] == 0 && n >= 2 { keepText(bytes(), at: i) }
            return true
        }
        guard hashes.count < budget else { return false }
        if (hashes.count + 1) * 2 > slots.count && slots.count < Self.maxSlots(budget: budget) {
            grow(budget: budget)
            slot = find(hash).slot
        }
        let i = hashes.count
        slots[slot] = slotValue(index: i, hash: hash)
        hashes.append(hash)
        counts.append(0)
        textRefs.append(0)
        setCount(copies, at: i)
        if copies >= 2 || hashes.count <= 10 { keepText(bytes(), at: i) }
        return true
    }

    /// Whether prefetching slots pays: the table is past what caches hold.
    package var isLarge: Bool { slots.count >= 1 << 16 }

    /// Starts loading the slot `hash` probes first (a merge loop asks a few values ahead).
    @inline(__always)
    package func prefetch(_ hash: UInt64) {
        guard !slots.isEmpty else { return }
        slots.withUnsafeBufferPointer { MemoryHints.prefetch($0.baseAddress! + home(hash)) }
    }

    /// Whether the table holds `hash`.
    package func contains(_ hash: UInt64) -> Bool { find(hash).index != nil }

    /// The `k` most frequent values (count descending, then first appearance), with their bytes.
    package func top(_ k: Int) -> [(value: [UInt8], count: Int)] {
        // A partial selection: k passes would do, but the order must be exactly pandas'.
        var best: [(index: Int, count: Int)] = []
        for i in hashes.indices {
            let c = count(at: i)
            if best.count == k, let last = best.last, c <= last.count { continue }
            var at = best.count
            while at > 0 && best[at - 1].count < c { at -= 1 }
            best.insert((i, c), at: at)
            if best.count > k { best.removeLast() }
        }
        return best.map { entry in
            let ref = Int(textRefs[entry.index])
            guard ref > 0 else { return ([], entry.count) }
            let start = ref == 1 ? 0 : textEnds[ref - 2]
            return (Array(textBytes[start..<textEnds[ref - 1]]), entry.count)
        }
    }
}

/// A set of 64-bit keys stored in the slots themselves (open addressing, linear probing; 0 marks
/// an empty slot, so the key 0 is a flag apart): 8 bytes per slot at a load of at most 1/2, the
/// slots capped at budget / 0.7, so at most about 11.5 bytes per key of a full table.
package struct KeySet: Sendable {
    private var slots: [UInt64] = []
    private var hasZero = false
    package private(set) var count = 0

    package init() {}

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: ByteHash.mix(key).multipliedFullWidth(by: UInt64(slots.count)).high)
    }

    private mutating func grow(budget: Int) {
        let capacity = Swift.min(Swift.max(64, slots.count * 2), Swift.max(64, budget / 7 * 10 + 10))
        let old = slots
        slots = []
        slots = [UInt64](repeating: 0, count: capacity)
        for key in old where key != 0 {
            var s = home(key)
            while slots[s] != 0 { s += 1; if s == capacity { s = 0 } }
            slots[s] = key
        }
    }

    /// Starts loading the slot `key` probes first (a loop asks a few keys ahead).
    @inline(__always)
    package func prefetch(_ key: UInt64) {
        guard slots.count >= 1 << 16 else { return }
        slots.withUnsafeBufferPointer { MemoryHints.prefetch($0.baseAddress! + home(key)) }
    }

    /// Inserts `key` unless the set holds it or already holds `budget` keys:
    /// (held before, inserted now).
    @inline(__always)
    package mutating func insert(_ key: UInt64, budget: Int) -> (present: Bool, inserted: Bool) {
        let budget = Swift.min(budget, 1 << 40)
        if key == 0 {
            if hasZero { return (true, false) }
            guard count < budget else { return (false, false) }
            hasZero = true; count += 1
            return (false, true)
        }
        if (count + 1) * 2 > slots.count && slots.count < Swift.max(64, budget / 7 * 10 + 10) { grow(budget: budget) }
        var s = home(key)
        while true {
            let k = slots[s]
            if k == key { return (true, false) }
            if k == 0 {
                guard count < budget else { return (false, false) }
                slots[s] = key; count += 1
                return (false, true)
            }
            s += 1; if s == slots.count { s = 0 }
        }
    }
}
