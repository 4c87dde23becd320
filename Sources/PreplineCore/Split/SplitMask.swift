/// One bit per row: `mask[row]` is true when the row goes to TEST. A collection of Bool, so it reads
/// like `[Bool]` (`mask[i]`, `mask.count`, `for isTest in mask`) at an eighth of the memory.
package struct SplitMask: RandomAccessCollection, Sendable, Equatable {
    private var words: [UInt64]
    package let count: Int

    /// `count` rows, none in TEST.
    package init(count: Int) {
        precondition(count >= 0)
        self.count = count
        self.words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { count }

    package subscript(row: Int) -> Bool {
        get {
            precondition(row >= 0 && row < count, "row \(row) of \(count)")
            return words[row >> 6] & (1 << UInt64(row & 63)) != 0
        }
        set {
            precondition(row >= 0 && row < count, "row \(row) of \(count)")
            if newValue { words[row >> 6] |= 1 << UInt64(row & 63) } else { words[row >> 6] &= ~(1 << UInt64(row & 63)) }
        }
    }

    /// The number of TEST rows.
    package var testCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}
