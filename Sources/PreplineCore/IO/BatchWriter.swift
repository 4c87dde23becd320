/// The writing side of the format seam: a `BatchWriter` turns a finished columnar chunk into
/// output bytes. CSV (`CSVBatchWriter`) and svmlight (`SVMLightBatchWriter`) today; a new format
/// is one more type conforming to `BatchWriter` (and one more case where the engine picks it).
///
/// IO names no Engine type: a writer reads a chunk through `ColumnarBatch` and `ParsedRecords`,
/// which the engine's `Batch` and `ChunkWork` conform to. Writers are called generically with the
/// concrete batch type, so the per-cell code is specialized as if written for it.

/// Text values of one column of a chunk, without a `String` per value.
///
/// `refs[r]` is a field index into the parsed chunk (the input text), `missing`, or an index
/// into `extras` (text a stage produced, such as a fill value).
package struct TextColumn {
    package static let missing: Int32 = -1
    package var refs: [Int32]
    package var extras: [[UInt8]] = []

    package static func extraRef(_ index: Int) -> Int32 { Int32(-2 - index) }
}

/// One logical column of a chunk as it flows through the stages.
package enum ColumnValues {
    /// Input field `k` of every record, untouched (the cheap default for pass-through columns).
    case input(Int)
    case text(TextColumn)
    /// Numbers; NaN marks a missing value (during fitting, a NaN payload marks a placeholder).
    case numbers([Double])
    /// 0/1 values (missing indicators).
    case flags([UInt8])
    /// A one-hot block: `names.count` output columns; `hot[r]` is the 1-column or -1 (all zeros).
    case oneHot(names: [String], hot: [Int32])
    /// A dense block of weights (TF-IDF): `names.count` output columns, row-major
    /// (`values[r * names.count + j]`).
    case weights(names: [String], values: [Double])
    /// A sparse block (hashed TF-IDF): `width` logical columns of which a row holds a few. CSV
    /// writes it as one column of `index:weight` pairs; svmlight as `width` features.
    case sparse(SparseBlock)
}

/// A chunk's rows of a sparse block, compressed by row: row `r`'s entries are
/// `indexes[starts[r]..<starts[r + 1]]` (increasing) with their `values`. Twelve bytes per
/// non-zero, where the `index:weight` text of each row took about twenty plus an array per row.
package struct SparseBlock {
    /// The number of logical columns (hash_features).
    package var width: Int
    /// `rowCount + 1` offsets into `indexes` and `values`.
    package var starts: [Int]
    package var indexes: [Int32]
    package var values: [Double]

    package init(width: Int, rowCapacity: Int = 0) {
        self.width = width
        starts = [0]
        starts.reserveCapacity(rowCapacity + 1)
        indexes = []
        values = []
    }

    /// Closes the current row (its entries are the ones appended since the last call).
    @inline(__always)
    package mutating func endRow() { starts.append(indexes.count) }

    /// Row `r` as `index:weight` pairs separated by one space (index from 0): the CSV text.
    @inline(__always)
    package func appendPairs(row r: Int, to out: inout [UInt8]) {
        for k in starts[r]..<starts[r + 1] {
            if k > starts[r] { out.append(0x20) }
            NumberText.appendInteger(Int64(indexes[k]), to: &out)
            out.append(UInt8(ascii: ":"))
            NumberText.append(values[k], to: &out)
        }
    }
}

/// What a writer reads of a chunk's input records: the parsed fields and which records are
/// still good (a record with a row-level error is never written).
package protocol ParsedRecords {
    var parsed: ParsedChunk { get }
    func isGood(_ record: Int) -> Bool
}

/// What a writer reads of a finished chunk: its columns (after every stage), the input fields
/// they refer to, and the good records. `numberColumn` and `reject` let a format that needs
/// numbers (svmlight) turn plain columns into numbers and reject the rows where it cannot.
package protocol ColumnarBatch {
    var names: [String] { get }
    var columns: [ColumnValues] { get set }
    var rowCount: Int { get }
    func isGood(_ record: Int) -> Bool
    /// Input field `column` of `record` (a `.input` column's text).
    func text(record: Int, column: Int) -> UnsafeBufferPointer<UInt8>
    /// The bytes of a text reference (nil when missing).
    func bytes(of ref: Int32, in column: TextColumn) -> UnsafeBufferPointer<UInt8>?
    /// Column `c` as numbers; a value that is neither missing nor a number rejects its row.
    mutating func numberColumn(_ c: Int, stage: String) -> [Double]
    /// Marks `record` as a row-level error (only its first reason is kept).
    mutating func reject(record: Int, reason: String)
}

/// An output format: the bytes that open the output, then each chunk's good records in turn
/// (the engine writes chunks in input order, gzips them when asked, and commits the file).
package protocol BatchWriter: Sendable {
    /// What opens the output before any record (a CSV header); empty for nothing.
    func header(columns names: [String]) -> [UInt8]
    /// Appends the good records of a finished batch; a format may first reject the rows it
    /// cannot write (they then go to `on_error` like any row-level error). Returns how many
    /// records it wrote.
    func append<Columns: ColumnarBatch>(_ batch: inout Columns, into out: inout [UInt8]) -> Int
}
