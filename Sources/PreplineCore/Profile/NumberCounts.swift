/// Each distinct number of a column (its bit pattern, -0 as 0) with its count: the exact numeric
/// figures' table while within the quantile budget.
///
/// Open addressing (linear probing, load at most 1/2) with the counts in a parallel array at the
/// same slot, 12 bytes a slot, so that both lines a number touches can be loaded a few numbers
/// ahead (`prefetch`): with `KeyIndex` and a counts array, a value was three dependent cache
/// misses in a table of hundreds of thousands, the largest part of the merge. (Key and count in
/// one 16-byte slot made the table a third larger: more page faults than misses saved.) Entries are in no particular order:
/// every figure taken from them (quantiles, histogram, sketch, distinct count) ignores order.
package struct NumberCounts: Sendable {
    /// A NaN: never the bits of the finite numbers the table holds.
    private static let emptyBits: UInt64 = 0x7FF8_0000_0000_0001
    /// Slot by slot: the number's bits, and its count (`UInt32.max`: the count is in `largeCounts`).
    private var slotBits: [UInt64] = []
    private var slotCounts: [UInt32] = []
    private var largeCounts: [Int: Int] = [:]
    private var mask = 0
    package private(set) var count = 0

    package init() {}

    /// Slots, occupied or not (`bits(atSlot:)` is nil for an empty one).
    package var slotCount: Int { slotBits.count }

    @inline(__always)
    private static func home(_ bits: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: ByteHash.mix(bits)) & mask }

    private mutating func grow() {
        let capacity = Swift.max(16, slotBits.count * 2)
        let oldBits = slotBits, oldCounts = slotCounts, oldLarge = largeCounts
        slotBits = []; slotCounts = []; largeCounts = [:]
        slotBits = [UInt64](repeating: Self.emptyBits, count: capacity)
        slotCounts = [UInt32](repeating: 0, count: capacity)
        mask = capacity - 1
        for (old, bits) in oldBits.enumerated() where bits != Self.emptyBits {
            var s = Self.home(bits, mask: mask)
            while slotBits[s] != Self.emptyBits { s = (s + 1) & mask }
            slotBits[s] = bits
            slotCounts[s] = oldCounts[old]
            if oldCounts[old] == UInt32.max { largeCounts[s] = oldLarge[old]! }
        }
    }

    /// Adds `copies` of the number of bit pattern `bits` (finite, -0 as 0). Holding `budget`
    /// numbers, the table no longer doubles at a load of 1/2 (a merge drops it for a sketch
    /// once past the budget: the doubling was a transient 12 MB per column at 4M rows), only
    /// past 0.9.
    @inline(__always)
    package mutating func add(_ bits: UInt64, copies: Int, budget: Int = .max) {
        if (count + 1) * 2 > slotBits.count && (count < budget || (count + 1) * 10 > slotBits.count * 9) { grow() }
        let mask = mask
        var s = Self.home(bits, mask: mask)
        while true {
            let held = slotBits[s]
            if held == bits { break }
            if held == Self.emptyBits {
                slotBits[s] = bits
                count += 1
                break
            }
            s = (s + 1) & mask
        }
        let n = slotCounts[s]
        if n != UInt32.max, copies < Int(UInt32.max - n) {
            slotCounts[s] = n + UInt32(copies)
        } else {
            largeCounts[s] = count(atSlot: s) + copies
            slotCounts[s] = UInt32.max
        }
    }

    /// Starts loading the slot `bits` probes first and its count (a loop asks a few numbers ahead).
    @inline(__always)
    package func prefetch(_ bits: UInt64) {
        guard slotBits.count >= 1 << 12 else { return }
        let s = Self.home(bits, mask: mask)
        slotBits.withUnsafeBufferPointer { MemoryHints.prefetch($0.baseAddress! + s) }
        slotCounts.withUnsafeBufferPointer { MemoryHints.prefetch($0.baseAddress! + s) }
    }

    /// The number's bits in slot `s`, nil when the slot is empty.
    @inline(__always)
    package func bits(atSlot s: Int) -> UInt64? {
        let bits = slotBits[s]
        return bits == Self.emptyBits ? nil : bits
    }

    /// The count in slot `s` (0 when empty).
    @inline(__always)
    package func count(atSlot s: Int) -> Int { slotCounts[s] == UInt32.max ? largeCounts[s]! : Int(slotCounts[s]) }

    /// Every number's bits and count, in slot order.
    package func forEach(_ body: (UInt64, Int) -> Void) {
        for (s, bits) in slotBits.enumerated() where bits != Self.emptyBits { body(bits, count(atSlot: s)) }
    }
}
