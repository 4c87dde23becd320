#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Table Schema types every present value of a column can still be read as. The inferred
/// type is the first of integer, number, boolean, date, datetime that all values read as (as
/// `validate` reads them, `CellParser`), else string.
package struct TypeCandidates: OptionSet, Sendable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    package static let integer = TypeCandidates(rawValue: 1)
    package static let number = TypeCandidates(rawValue: 2)
    package static let boolean = TypeCandidates(rawValue: 4)
    package static let date = TypeCandidates(rawValue: 8)
    package static let datetime = TypeCandidates(rawValue: 16)
    package static let all: TypeCandidates = [.integer, .number, .boolean, .date, .datetime]

    /// The Table Schema type name; `any` for a column with no value at all.
    package func typeName(present: Int) -> String {
        guard present > 0 else { return "any" }
        if contains(.integer) { return "integer" }
        if contains(.number) { return "number" }
        if contains(.boolean) { return "boolean" }
        if contains(.date) { return "date" }
        if contains(.datetime) { return "datetime" }
        return "string"
    }
}

/// One column's figures over one chunk (a worker computes them; the consumer merges them in
/// input order into a `ColumnAccumulator`).
package struct ChunkColumnProfile: Sendable {
    package var present = 0
    package var missing = 0
    package var candidates = TypeCandidates.all
    /// While the chunk's values are all numbers: the distinct values (first appearance order),
    /// their counts, and the moments.
    package var numberValues: [Double] = []
    package var numberCounts: [Int] = []
    package var moments = Moments()
    package var minimum = Double.infinity
    package var maximum = -Double.infinity
    package var zeros = 0
    package var negatives = 0
    /// Values that read as +infinity / -infinity (`ProfileInfinity`): counted, kept out of the
    /// other numeric figures.
    package var positiveInfinities = 0
    package var negativeInfinities = 0
    /// How many of the distinct texts were first seen while every value so far was a number.
    package var textsWhileNumeric = 0
    /// The distinct texts (first appearance order): hash, count, and bytes in `textBytes`.
    package var textHashes: [UInt64] = []
    package var textCounts: [Int] = []
    package var textEnds: [Int] = []
    package var textBytes: [UInt8] = []
    /// Lengths in code points of the present values.
    package var lengthMin = Int.max
    package var lengthMax = 0
    package var lengthSum = 0
    /// One bit per (good) row of the chunk, set where the value is missing; empty when none is.
    package var missingBits: [UInt64] = []

    package func text(_ i: Int) -> ArraySlice<UInt8> { textBytes[(i == 0 ? 0 : textEnds[i - 1])..<textEnds[i]] }
}

/// What a worker hands over for one chunk.
package struct ChunkProfile: Sendable {
    package var rows = 0
    package var columns: [ChunkColumnProfile] = []
    /// A hash of every good row's values (missing values all alike), for `duplicate_rows`.
    package var rowHashes: [UInt64] = []
    /// Rows whose every cell is missing (a `,` line): pandas' all-NaN rows, validate's blank rows.
    package var blankRows = 0
    /// Unquoted lines of spaces (and tabs, unless tab is the delimiter): pandas skips them as
    /// blank lines, so they are no rows; `rejectedBlankLines` of them the engine had marked as
    /// of the wrong width, and `firstMalformed` is then the first other such record.
    package var whitespaceLines = 0
    /// Empty lines (no record to pandas nor to profile; a blank row to validate, as to frictionless).
    package var emptyLines = 0
    package var rejectedBlankLines = 0
    package var firstMalformed: (line: Int, fields: Int)?
    /// Rows missing in both columns i < j (only pairs that both miss something in the chunk),
    /// for the nullity correlation; nil when the table is too wide for it.
    package var coMissing: [(i: Int32, j: Int32, count: Int32)]? = []
}

/// One worker's last distinct counts per column (`ChunkProfiler.sizeHints`); capacities only,
/// so the figures never depend on them.
package final class DistinctSizeHints: @unchecked Sendable {
    package var numbers: [Int]
    package var texts: [Int]
    package init(width: Int) {
        numbers = [Int](repeating: 0, count: width)
        texts = [Int](repeating: 0, count: width)
    }
}

/// Profiles one chunk of records: the per-cell work, run on the worker threads.
package struct ChunkProfiler: Sendable {
    let width: Int
    let missing: MissingTokens
    /// How each column's numbers are spelt: the input's decimal mark and group separator, or a
    /// schema number field's own `decimalChar` / `groupChar`, as validate and the stages read it.
    let numberFormats: [NumberFormat]
    /// Where each column's text arena comes from (the consumer gives them back once merged).
    let textPool: ColumnBufferPool?
    /// Columns past which the pairwise nullity counts are not taken (they cost width² / 2).
    package static let correlationColumnLimit = 512
    private static let trueTexts: [[UInt8]] = SchemaField.defaultTrueValues.map { Array($0.utf8) }
    private static let falseTexts: [[UInt8]] = SchemaField.defaultFalseValues.map { Array($0.utf8) }
    private static let missingRowHash: UInt64 = 0x6A09_E667_F3BC_C908

    /// Whether a tab counts as a blank in a line of blanks (not when it is the delimiter).
    package var tabIsBlank = true
    /// The distinct numbers and texts per column of the last chunk this worker profiled: the
    /// next chunk's tables start that large. One per worker (never shared between threads).
    package var sizeHints: DistinctSizeHints?

    package init(width: Int, missing: MissingTokens, numberFormats: [NumberFormat], textPool: ColumnBufferPool? = nil) {
        precondition(numberFormats.count == width, "one number format per column")
        self.width = width
        self.missing = missing
        self.numberFormats = numberFormats
        self.textPool = textPool
    }

    /// `[+-]?[0-9]{1,18}`: an integer both pandas (int64) and Python's `int()` read alike.
    @inline(__always)
    static func isPlainInteger(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < cell.count, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { i += 1 }
        let digits = cell.count - i
        guard digits >= 1, digits <= 18 else { return false }
        while i < cell.count { guard isDigit(cell[i]) else { return false }; i += 1 }
        return true
    }

    /// Code points of UTF-8 text: the bytes that are not continuation bytes (10xxxxxx), counted
    /// 8 at a time (a byte loop was a sixth of the worker's time on long texts).
    @inline(__always)
    static func codePoints(_ cell: UnsafeBufferPointer<UInt8>) -> Int {
        let n = cell.count
        guard let base = cell.baseAddress else { return 0 }
        var continuation = 0, i = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            continuation += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            i += 8
        }
        while i < n { if base[i] & 0xC0 == 0x80 { continuation += 1 }; i += 1 }
        return n - continuation
    }

    @inline(__always)
    static func isOneOf(_ cell: UnsafeBufferPointer<UInt8>, _ texts: [[UInt8]]) -> Bool {
        texts.contains { CellParser.equal($0, cell) }
    }

    /// A record of one unquoted field of spaces (tabs) only: a blank line to pandas.
    @inline(__always)
    func isWhitespaceLine(_ work: ChunkWork, _ r: Int) -> Bool {
        guard work.parsed.fieldCount(ofRecord: r) == 1 else { return false }
        let raw = work.raw
        let start = Int(raw.recordStarts[r]), end = Int(raw.recordEnds[r])
        guard start < end else { return false }
        for i in start..<end {
            let byte = raw.bytes[i]
            guard byte == 0x20 || (byte == 0x09 && tabIsBlank) else { return false }
        }
        return true
    }

    /// The empty lines between and after the chunk's records, counted as validate counts them.
    static func emptyLines(_ raw: RawChunk) -> Int {
        raw.bytes.withUnsafeBufferPointer { bytes in
            var lines = 0
            for r in 0..<raw.recordCount {
                let gapStart = r == 0 ? 0 : Int(raw.recordEnds[r - 1]), gapEnd = Int(raw.recordStarts[r])
                // A one-byte gap is the previous record's terminator.
                if gapEnd - gapStart > (r == 0 ? 0 : 1) { lines += SchemaValidator.terminators(bytes, from: gapStart, to: gapEnd) - (r == 0 ? 0 : 1) }
            }
            let tailStart = raw.recordCount == 0 ? 0 : Int(raw.recordEnds[raw.recordCount - 1])
            lines += Swift.max(0, SchemaValidator.terminators(bytes, from: tailStart, to: bytes.count) - (raw.recordCount == 0 ? 0 : 1))
            return lines
        }
    }

    package func profile(_ work: ChunkWork) -> ChunkProfile {
        let parsed = work.parsed
        var good: [Int] = []
        good.reserveCapacity(parsed.recordCount)
        var out = ChunkProfile()
        out.emptyLines = Self.emptyLines(work.raw)
        for r in 0..<parsed.recordCount {
            if isWhitespaceLine(work, r) {
                out.whitespaceLines += 1
                if !work.isGood(r) { out.rejectedBlankLines += 1 }
            } else if work.isGood(r) {
                good.append(r)
            } else if out.firstMalformed == nil {
                out.firstMalformed = (work.raw.line(ofRecord: r), parsed.fieldCount(ofRecord: r))
            }
        }
        out.rows = good.count
        // Every cell mixes into its row's hash: through a pointer, not an array inside `out`
        // (a uniqueness check per cell).
        var rowHashArray = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: good.count)
        out.columns.reserveCapacity(width)
        let words = (good.count + 63) / 64
        rowHashArray.withUnsafeMutableBufferPointer { rowHashes in
        for k in 0..<width {
            let numberFormat = numberFormats[k]
            var column = ChunkColumnProfile()
            if let textPool { column.textBytes = textPool.take(column: k) }
            var numberIndex = KeyIndex(expected: sizeHints?.numbers[k] ?? 0)
            var textIndex = KeyIndex(expected: sizeHints?.texts[k] ?? 0)
            var values: [Double] = []
            for (row, r) in good.enumerated() {
                let cell = parsed.field(Int(r == 0 ? 0 : parsed.recordEnds[r - 1]) + k)
                if missing.isMissing(cell) {
                    column.missing += 1
                    if column.missingBits.isEmpty { column.missingBits = [UInt64](repeating: 0, count: words) }
                    column.missingBits[row >> 6] |= 1 << UInt64(row & 63)
                    rowHashes[row] = ByteHash.mix(rowHashes[row] ^ Self.missingRowHash) &+ UInt64(k)
                    continue
                }
                column.present += 1
                let hash = ByteHash.hash(cell)
                rowHashes[row] = ByteHash.mix(rowHashes[row] ^ hash) &+ UInt64(k)
                // Types: each test stops once a value fails it.
                var candidates = column.candidates
                if candidates.contains(.number) {
                    if let value = NumberText.parse(cell, format: numberFormat), value.isFinite {
                        values.append(value)
                        let key = (value == 0 ? 0.0 : value).bitPattern
                        let (i, inserted) = numberIndex.index(of: key)
                        if inserted {
                            column.numberValues.append(value == 0 ? 0.0 : value)
                            column.numberCounts.append(1)
                        } else {
                            column.numberCounts[i] += 1
                        }
                        if candidates.contains(.integer), !Self.isPlainInteger(cell) { candidates.remove(.integer) }
                    } else if let infinity = ProfileInfinity.value(cell, format: numberFormat) {
                        if infinity > 0 { column.positiveInfinities += 1 } else { column.negativeInfinities += 1 }
                        candidates.remove(.integer)
                    } else {
                        column.textsWhileNumeric = column.textHashes.count
                        candidates.remove([.number, .integer])
                        values = []; numberIndex = KeyIndex(); column.numberValues = []; column.numberCounts = []
                    }
                }
                if candidates.contains(.boolean), !(Self.isOneOf(cell, Self.trueTexts) || Self.isOneOf(cell, Self.falseTexts)) {
                    candidates.remove(.boolean)
                }
                if candidates.contains(.date), CellParser.isoDate(cell) == nil { candidates.remove(.date) }
                if candidates.contains(.datetime), CellParser.isoDatetime(cell) == nil { candidates.remove(.datetime) }
                column.candidates = candidates
                // Text figures.
                let length = Self.codePoints(cell)
                column.lengthSum += length
                if length < column.lengthMin { column.lengthMin = length }
                if length > column.lengthMax { column.lengthMax = length }
                let (t, inserted) = textIndex.index(of: hash)
                if !inserted { column.textCounts[t] += 1 } else {
                    column.textHashes.append(hash)
                    column.textCounts.append(1)
                    column.textBytes.append(contentsOf: cell)
                    column.textEnds.append(column.textBytes.count)
                }
            }
            if let sizeHints, k < sizeHints.numbers.count {
                sizeHints.numbers[k] = numberIndex.count
                sizeHints.texts[k] = textIndex.count
            }
            if column.candidates.contains(.number) { column.textsWhileNumeric = column.textHashes.count }
            if column.candidates.contains(.number) && !values.isEmpty {
                column.moments.add(values) { _ in true }
                for v in values {
                    if v < column.minimum { column.minimum = v }
                    if v > column.maximum { column.maximum = v }
                    if v == 0 { column.zeros += 1 } else if v < 0 { column.negatives += 1 }
                }
            }
            out.columns.append(column)
        }
        }
        out.rowHashes = rowHashArray
        if width > 0, out.columns.allSatisfy({ !$0.missingBits.isEmpty }) {
            for w in 0..<words {
                var all = ~UInt64(0)
                for column in out.columns { all &= column.missingBits[w] }
                out.blankRows += all.nonzeroBitCount
            }
        }
        if width <= Self.correlationColumnLimit {
            let missingColumns = out.columns.indices.filter { !out.columns[$0].missingBits.isEmpty }
            var pairs: [(i: Int32, j: Int32, count: Int32)] = []
            for a in missingColumns.indices {
                let bitsA = out.columns[missingColumns[a]].missingBits
                for b in missingColumns.indices where b > a {
                    let bitsB = out.columns[missingColumns[b]].missingBits
                    var count = 0
                    for w in 0..<words { count += (bitsA[w] & bitsB[w]).nonzeroBitCount }
                    if count > 0 { pairs.append((Int32(missingColumns[a]), Int32(missingColumns[b]), Int32(count))) }
                }
            }
            out.coMissing = pairs
        } else {
            out.coMissing = nil
        }
        return out
    }
}
