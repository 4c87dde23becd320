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
}

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

/// The columns of one chunk, named, with the row-level errors found so far.
package struct Batch {
    package var names: [String]
    package var columns: [ColumnValues]
    package var work: ChunkWork
    package let missing: MissingTokens
    /// The input dialect: how each column spells its numbers (with the schema's per field).
    package var dialect = InputDialect()
    /// The worker's recycled buffers for dense weight blocks, lent to this batch.
    package var weightBuffers = WeightBuffers()

    package var rowCount: Int { work.parsed.recordCount }

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
        case .flags, .oneHot, .weights:
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
        case .oneHot, .weights:
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
    package mutating func insertFlagSlots(after columns: [Int]) {
        for c in columns.sorted() {
            self.columns.insert(.flags([]), at: c + 1)
            names.insert("\(names[c])_missing", at: c + 1)
        }
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

    /// One output cell of every row, resolved once per chunk: the row loop then reads values
    /// through raw pointers instead of copying an enum payload (and retaining its array) per cell.
    private enum FormatCell {
        case input(Int)
        case text(refs: UnsafePointer<Int32>, column: Int)
        case numbers(UnsafePointer<Double>)
        case flags(UnsafePointer<UInt8>)
        /// `variants` indexes the block's pre-formatted texts ("," + "0,0,1,0"), one per hot column.
        case oneHot(hot: UnsafePointer<Int32>, variants: Int)
        /// A dense block of `count` numbers per row, row-major (TF-IDF weights).
        case weights(UnsafePointer<Double>, count: Int)
    }

    /// Formats the good records.
    package func format(with formatter: CSVFormatter, into out: inout [UInt8]) -> Int {
        let columns = self.columns
        let width = columns.reduce(0) { sum, column in
            switch column {
            case .oneHot(let names, _), .weights(let names, _): return sum + names.count
            default: return sum + 1
            }
        }
        // A one-hot block's text depends only on which column is hot: build each variant once
        // per chunk (",0,0,1,0") and write a block with one append instead of two per column.
        var variantBytes: [UInt8] = []
        var variantStarts: [Int] = []
        var cells: [FormatCell] = []
        // The pointers stay valid: `columns` is a constant copy, alive until the end of this call.
        for (c, column) in columns.enumerated() {
            switch column {
            case .input(let k): cells.append(.input(k))
            case .text(let text): cells.append(.text(refs: text.refs.withUnsafeBufferPointer { $0.baseAddress! }, column: c))
            case .numbers(let values): cells.append(.numbers(values.withUnsafeBufferPointer { $0.baseAddress! }))
            case .flags(let flags): cells.append(.flags(flags.withUnsafeBufferPointer { $0.baseAddress! }))
            case .oneHot(let names, let hot):
                cells.append(.oneHot(hot: hot.withUnsafeBufferPointer { $0.baseAddress! }, variants: variantStarts.count))
                for hotColumn in -1..<names.count {
                    variantStarts.append(variantBytes.count)
                    for j in 0..<names.count {
                        if c > 0 || j > 0 { variantBytes.append(formatter.delimiter) }
                        variantBytes.append(j == hotColumn ? 0x31 : 0x30)
                    }
                }
            case .weights(let names, let values):
                cells.append(.weights(values.withUnsafeBufferPointer { $0.baseAddress! }, count: names.count))
            }
        }
        variantStarts.append(variantBytes.count)
        guard rowCount > 0 else { return 0 }
        let bareZeros = formatter.writesNumbersBare
        var written = 0
        withExtendedLifetime(columns) {
            variantBytes.withUnsafeBufferPointer { variants in
                for r in 0..<rowCount where work.isGood(r) {
                    for (c, cell) in cells.enumerated() {
                        switch cell {
                        case .input(let k):
                            if c > 0 { out.append(formatter.delimiter) }
                            formatter.appendField(UnsafeRawBufferPointer(text(record: r, column: k)), fieldCount: width, into: &out)
                        case .text(let refs, let column):
                            if c > 0 { out.append(formatter.delimiter) }
                            guard case .text(let text) = columns[column] else { continue }
                            if let bytes = bytes(of: refs[r], in: text) {
                                formatter.appendField(UnsafeRawBufferPointer(bytes), fieldCount: width, into: &out)
                            } else if width == 1 {
                                formatter.appendField(UnsafeRawBufferPointer(start: nil, count: 0), fieldCount: 1, into: &out)
                            }
                        case .numbers(let values):
                            if c > 0 { out.append(formatter.delimiter) }
                            if values[r].isNaN && width == 1 {
                                formatter.appendField(UnsafeRawBufferPointer(start: nil, count: 0), fieldCount: 1, into: &out)
                            } else {
                                formatter.appendNumber(values[r], into: &out)
                            }
                        case .flags(let flags):
                            if c > 0 { out.append(formatter.delimiter) }
                            out.append(0x30 + flags[r])
                        case .oneHot(let hot, let first):
                            let variant = first + Int(hot[r]) + 1
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: variants[variantStarts[variant]..<variantStarts[variant + 1]]))
                        case .weights(let values, let count):
                            let base = r * count
                            for j in 0..<count {
                                if c > 0 || j > 0 { out.append(formatter.delimiter) }
                                let value = values[base + j]
                                // Most weights are zero (Python's 0.0): three bytes, no formatting.
                                if bareZeros && value == 0 && value.sign == .plus {
                                    out.append(0x30); out.append(0x2E); out.append(0x30)
                                } else {
                                    formatter.appendNumber(value, into: &out)
                                }
                            }
                        }
                    }
                    formatter.appendTerminator(into: &out)
                    written += 1
                }
            }
        }
        return written
    }
}

extension Batch {
    /// svmlight output, before formatting: the label and every other plain column must be
    /// numbers; a row where one is not (or the label is missing) is a row-level error.
    package mutating func prepareSVMLight(label: Int) {
        for c in columns.indices {
            switch columns[c] {
            case .input, .text, .numbers:
                let values = numberColumn(c, stage: "svmlight output")
                if c == label {
                    for r in 0..<rowCount where work.isGood(r) && values[r].isNaN {
                        work.reject(record: r, reason: "column '\(names[c])': the label is missing (svmlight output)")
                    }
                }
                columns[c] = .numbers(values)
            case .flags, .oneHot, .weights:
                break
            }
        }
    }

    /// Writes the good records as svmlight lines: `label index:value …`, features numbered from
    /// 1 in output column order without the label; zero and missing values left out.
    package func formatSVMLight(label: Int, into out: inout [UInt8]) -> Int {
        var written = 0
        for r in 0..<rowCount where work.isGood(r) {
            guard case .numbers(let labels) = columns[label] else { preconditionFailure("prepareSVMLight makes the label numeric") }
            NumberText.append(labels[r], to: &out)
            var index = 0
            @inline(__always) func feature(_ value: Double) {
                index += 1
                guard value != 0 && !value.isNaN else { return }
                out.append(0x20)
                NumberText.appendInteger(Int64(index), to: &out)
                out.append(UInt8(ascii: ":"))
                NumberText.append(value, to: &out)
            }
            for (c, column) in columns.enumerated() where c != label {
                switch column {
                case .numbers(let values): feature(values[r])
                case .flags(let flags): feature(Double(flags[r]))
                case .oneHot(let names, let hot):
                    let start = index
                    if hot[r] >= 0 { index = start + Int(hot[r]); feature(1) }
                    index = start + names.count
                case .weights(let names, let values):
                    for j in 0..<names.count { feature(values[r * names.count + j]) }
                case .input, .text:
                    preconditionFailure("prepareSVMLight makes every plain column numeric")
                }
            }
            out.append(0x0A)
            written += 1
        }
        return written
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
