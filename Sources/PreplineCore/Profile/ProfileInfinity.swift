/// The infinities a profile reads as numbers, as pandas reads them: `inf`, `infinity` in any case
/// with an optional sign, and a number too large for a Double (`1e999`, which overflows to
/// infinity in pandas' parser and in Python's `float`). `validate`'s number type accepts them
/// too (frictionless' `Decimal`), so a column of them is a number column, not text; the stages,
/// which need finite numbers, refuse them.
package enum ProfileInfinity {
    private static let names: [[UInt8]] = [Array("inf".utf8), Array("infinity".utf8)]

    /// +infinity or -infinity when `cell` spells one; nil otherwise (only called once `parse`
    /// refused the cell, off the common path).
    package static func value(_ cell: UnsafeBufferPointer<UInt8>, format: NumberFormat) -> Double? {
        if format.isStandard, let overflowing = NumberText.parseAllowingOverflow(cell), overflowing.isInfinite { return overflowing }
        guard !cell.isEmpty, cell.count <= 9 else { return nil }
        var i = 0
        var sign = 1.0
        if cell[0] == UInt8(ascii: "-") || cell[0] == UInt8(ascii: "+") { sign = cell[0] == UInt8(ascii: "-") ? -1 : 1; i = 1 }
        var word: [UInt8] = []
        while i < cell.count { word.append(cell[i] | 0x20); i += 1 }
        return names.contains(word) ? sign * .infinity : nil
    }
}
