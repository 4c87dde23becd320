/// Buffers for dense weight blocks (TF-IDF: rows × terms doubles, megabytes per chunk), kept by
/// each worker from chunk to chunk. Allocating a fresh block per chunk, each a slightly different
/// size, fragmented the heap: the full workload's peak RSS grew with the number of rows.
package struct WeightBuffers {
    private var spare: [[Double]] = []

    package init() {}

    /// `count` zeros, in a recycled buffer when there is one (it grows to the largest chunk's size).
    package mutating func zeros(count: Int) -> [Double] {
        guard var values = spare.popLast() else { return [Double](repeating: 0, count: count) }
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(0, count: count))
        return values
    }

    /// Takes back the weight blocks of a finished batch, leaving `columns` empty.
    package mutating func recycle(_ columns: inout [ColumnValues]) {
        while let column = columns.popLast() {
            if case .weights(_, let values) = consume column { spare.append(values) }
        }
    }
}

/// Decides which field texts are missing values (the spec's `input.missing` tokens).
package struct MissingTokens: Sendable {
    private let tokens: [[UInt8]]
    private let emptyIsMissing: Bool

    package init(_ tokens: [String]) {
        self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
        emptyIsMissing = tokens.contains("")
    }

    @inline(__always)
    package func isMissing(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { return emptyIsMissing }
        guard field.count <= 8 || !tokens.isEmpty else { return false }
        for token in tokens where token.count == field.count {
            if token.withUnsafeBufferPointer({ memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 }) { return true }
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The columns of one chunk, named, with the row-level errors found so far: what the stages
/// transform and a `BatchWriter` (IO) then writes, through `ColumnarBatch`.
package struct Batch: ColumnarBatch {
    package var names: [String]
    package var columns: [ColumnValues]
    package var work: ChunkWork
    package let missing: MissingTokens
    /// The input dialect: how each column spells its numbers (with the schema's per field).
    package var dialect = InputDialect()
    /// The worker's recycled buffers for dense weight blocks, lent to this batch.
    package var weightBuffers = WeightBuffers()
    /// What the chunk's ffill stages carry out (key, last value), posted to the carry board by
    /// the plan after every stage has run.
    package var carriesOut: [(key: String, value: FillValue?)] = []

    package var rowCount: Int { work.parsed.recordCount }

    @inline(__always)
    package func isGood(_ record: Int) -> Bool { work.isGood(record) }

    package mutating func reject(record: Int, reason: String) { work.reject(record: record, reason: reason) }

    /// The field index of (record, input column): records with a wrong width are never read.
    @inline(__always)
    package func fieldIndex(record r: Int, column k: Int) -> Int {
        (r == 0 ? 0 : Int(work.parsed.recordEnds[r - 1])) + k
    }

    package func text(record r: Int, column k: Int) -> UnsafeBufferPointer<UInt8> {
        work.parsed.field(fieldIndex(record: r, column: k))
    }

    /// Column `c` as text (input fields resolved; missing tokens marked).
    package mutating func textColumn(_ c: Int) -> TextColumn {
        switch columns[c] {
        case .text(let column):
            return column
        case .input(let k):
            var refs = [Int32](repeating: TextColumn.missing, count: rowCount)
            for r in 0..<rowCount where work.isGood(r) {
                let f = fieldIndex(record: r, column: k)
                if !missing.isMissing(work.parsed.field(f)) { refs[r] = Int32(f) }
            }
            return TextColumn(refs: refs)
        case .numbers(let values):
            var column = TextColumn(refs: [Int32](repeating: TextColumn.missing, count: rowCount))
            for (r, value) in values.enumerated() where !value.isNaN || Placeholder.stage(of: value) != nil {
                if let stage = Placeholder.stage(of: value) {
                    column.refs[r] = Placeholder.ref(stage: stage)
                    continue
                }
                var bytes: [UInt8] = []
                NumberText.append(value, to: &bytes)
                column.refs[r] = TextColumn.extraRef(column.extras.count)
                column.extras.append(bytes)
            }
            return column
        case .flags(let flags):
            // An indicator or a one-hot column read as text (a fill, onehot or tfidf on it).
            var column = TextColumn(refs: flags.map { TextColumn.extraRef(Int($0)) })
            column.extras = [[UInt8(ascii: "0")], [UInt8(ascii: "1")]]
            return column
        case .oneHot, .weights, .sparse:
            // A later stage naming a tfidf or onehot column is a spec error (`expandedBy`).
            preconditionFailure("the plan never reads an expanded column as text")
        }
    }

    /// The bytes of a text reference (nil when missing, or a fit-time placeholder).
    package func bytes(of ref: Int32, in column: TextColumn) -> UnsafeBufferPointer<UInt8>? {
        if ref >= 0 { return work.parsed.field(Int(ref)) }
        if ref == TextColumn.missing || Placeholder.stage(ofRef: ref) != nil { return nil }
        return column.extras[Int(-2 - ref)].withUnsafeBufferPointer { $0 }
    }

    /// Column `c` as numbers; a value that is neither missing nor a number is a row-level error.
    package mutating func numberColumn(_ c: Int, stage: String) -> [Double] {
        let format = dialect.numberFormat(for: names[c])
        switch columns[c] {
        case .numbers(let values):
            return values
        case .input(let k):
            var values = [Double](repeating: .nan, count: rowCount)
            for r in 0..<rowCount where work.isGood(r) {
                let field = work.parsed.field(fieldIndex(record: r, column: k))
                if !missing.isMissing(field) { values[r] = number(field, format: format, record: r, column: c, stage: stage) }
            }
            return values
        case .text(let column):
            var values = [Double](repeating: .nan, count: rowCount)
            for r in 0..<rowCount where work.isGood(r) {
                if let stage = Placeholder.stage(ofRef: column.refs[r]) {
                    values[r] = Placeholder.number(stage: stage)
                } else if let field = bytes(of: column.refs[r], in: column) {
                    values[r] = number(field, format: format, record: r, column: c, stage: stage)
                }
            }
            return values
        case .flags(let flags):
            return flags.map { Double($0) }
        case .oneHot, .weights, .sparse:
            preconditionFailure("the plan never reads an expanded block as numbers")
        }
    }

    /// A field that must be a number: its value, or NaN after rejecting the record.
    @inline(__always)
    private mutating func number(_ field: UnsafeBufferPointer<UInt8>, format: NumberFormat, record r: Int, column c: Int, stage: String) -> Double {
        if let value = format.isStandard ? NumberText.parse(field) : NumberText.parse(field, format: format) { return value }
        work.reject(record: r, reason: "column '\(names[c])': '\(LosslessText.display(LosslessText.string(field)))' is not \(NumberText.expectation(for: field)) (\(stage))")
        return .nan
    }

    /// Makes room for indicator columns right after each of `columns` (indexes as they will be
    /// once the slots exist, as a stage's binding computed them).
    /// `suffix` ends each indicator's name (`<col>_missing`, `<col>_outlier`).
    package mutating func insertFlagSlots(after columns: [Int], suffix: String = "_missing") {
        for c in columns.sorted() {
            self.columns.insert(.flags([]), at: c + 1)
            names.insert("\(names[c])\(suffix)", at: c + 1)
        }
    }

    /// Keeps the columns at `indexes`, in that order (select, drop): only the column list
    /// changes; the values are shared, not copied.
    package mutating func keepColumns(_ indexes: [Int]) {
        columns = indexes.map { columns[$0] }
        names = indexes.map { names[$0] }
    }

    /// Output column names, one-hot blocks expanded in place.
    package static func outputNames(names: [String], columns: [ColumnValues]) -> [String] {
        var out: [String] = []
        for (name, column) in zip(names, columns) {
            switch column {
            case .oneHot(let blockNames, _), .weights(let blockNames, _): out += blockNames
            default: out.append(name)
            }
        }
        return out
    }
}

/// A field's bytes used as a dictionary key without copying them: counting and looking up
/// categories allocated an array per row per column before (two million allocations per
/// million rows on the tabular workload). Valid only while the bytes it points at are alive.
package struct BorrowedBytes: Hashable {
    package let base: UnsafePointer<UInt8>?
    package let count: Int

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress
        count = bytes.count
    }

    package static func == (a: BorrowedBytes, b: BorrowedBytes) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.base!, b.base!, a.count) == 0)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(bytes: UnsafeRawBufferPointer(start: base, count: count))
    }

    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Category texts copied once into memory of their own, so a lookup table of borrowed keys
/// stays valid as long as this object lives.
// @unchecked (the raw pointers are not Sendable): `storage` is written only in `init` and freed
// only in `deinit`, `table` is a `let`, so threads sharing the object only ever read memory that
// was complete before the object was published to them.
package final class CategoryLookup: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UInt8>
    private let table: [BorrowedBytes: Int32]

    package init(_ columns: [[UInt8]: Int32]) {
        let total = columns.keys.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, total))
        var offset = 0
        var table: [BorrowedBytes: Int32] = [:]
        for (text, column) in columns {
            for (i, byte) in text.enumerated() { buffer[offset + i] = byte }
            table[BorrowedBytes(UnsafeBufferPointer(start: buffer + offset, count: text.count))] = column
            offset += text.count
        }
        storage = buffer
        self.table = table
    }

    deinit { storage.deallocate() }

    package subscript(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? { table[BorrowedBytes(bytes)] }
}
