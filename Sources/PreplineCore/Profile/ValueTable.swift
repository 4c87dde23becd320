/// The distinct text values of one column seen so far, in order of first appearance, with their
/// exact counts: what `distinct` and `top` come from while the column is within its budget.
///
/// A value is keyed by its 64-bit `ByteHash`; its bytes are kept only when they can be needed
/// for the top 10: when its count reaches 2, or when it is one of the first 10 values seen. The
/// top 10 is ordered by count, then first appearance (pandas' `value_counts()`), so a value seen
/// once is in it only if fewer than 10 values repeat, and then it is among the first 10 values
/// seen. Memory: 16 bytes per value plus an 8-byte slot (load ≤ 1/2), plus the bytes of the
/// repeated ones: about 24 MB per million distinct values that each occur once.
package struct ValueTable: Sendable {
    private(set) var hashes: [UInt64] = []
    private(set) var counts: [Int] = []
    /// Index into `texts` + 1, or 0 when the bytes are not kept.
    private var textIndex: [Int32] = []
    private var texts: [[UInt8]] = []
    private var slots: [Int32] = []
    private var mask = 0

    package init() {}

    package var count: Int { hashes.count }

    private mutating func grow() {
        let capacity = Swift.max(64, slots.count * 2)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    /// The index of `hash`, or nil.
    @inline(__always)
    private func find(_ hash: UInt64) -> (index: Int?, slot: Int) {
        guard !slots.isEmpty else { return (nil, 0) }
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let i = slots[s]
            if i < 0 { return (nil, s) }
            if hashes[Int(i)] == hash { return (Int(i), s) }
            s = (s + 1) & mask
        }
    }

    /// Adds `copies` of the value; `bytes` gives its text when it must be kept. Returns false,
    /// adding nothing, when the value is new and the table already holds `budget` values.
    @discardableResult
    package mutating func add(hash: UInt64, copies: Int, budget: Int, bytes: () -> [UInt8]) -> Bool {
        var (index, slot) = find(hash)
        if let i = index {
            counts[i] += copies
            if textIndex[i] == 0 && counts[i] >= 2 { texts.append(bytes()); textIndex[i] = Int32(texts.count) }
            return true
        }
        guard hashes.count < budget else { return false }
        if (hashes.count + 1) * 2 > slots.count {
            grow()
            slot = find(hash).slot
        }
        slots[slot] = Int32(hashes.count)
        hashes.append(hash)
        counts.append(copies)
        if copies >= 2 || hashes.count <= 10 {
            texts.append(bytes())
            textIndex.append(Int32(texts.count))
        } else {
            textIndex.append(0)
        }
        return true
    }

    /// Whether the table holds `hash`.
    package func contains(_ hash: UInt64) -> Bool { find(hash).index != nil }

    /// The `k` most frequent values (count descending, then first appearance), with their bytes.
    package func top(_ k: Int) -> [(value: [UInt8], count: Int)] {
        let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        return order.prefix(k).map { (textIndex[$0] > 0 ? texts[Int(textIndex[$0]) - 1] : [], counts[$0]) }
    }
}
