#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CSV output (RFC 4180 through `CSVFormatter`): the header, then one record per good row,
/// one-hot and dense TF-IDF blocks expanded in place.
package struct CSVBatchWriter: BatchWriter {
    package let formatter: CSVFormatter
    /// Whether the output starts with the column names (`output.header`).
    package let writesHeader: Bool

    package init(formatter: CSVFormatter, writesHeader: Bool) {
        self.formatter = formatter
        self.writesHeader = writesHeader
    }

    package func header(columns names: [String]) -> [UInt8] {
        guard writesHeader else { return [] }
        var bytes: [UInt8] = []
        formatter.appendRecord(names, into: &bytes)
        return bytes
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
        /// A sparse block, written as one column of `index:weight` pairs.
        case sparse(column: Int)
    }

    package func append<Columns: ColumnarBatch>(_ batch: inout Columns, into out: inout [UInt8]) -> Int {
        format(batch, into: &out)
    }

    /// Formats the good records.
    private func format<Columns: ColumnarBatch>(_ batch: Columns, into out: inout [UInt8]) -> Int {
        let formatter = self.formatter
        let columns = batch.columns
        let rowCount = batch.rowCount
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
            case .sparse:
                cells.append(.sparse(column: c))
            }
        }
        variantStarts.append(variantBytes.count)
        guard rowCount > 0 else { return 0 }
        let bareZeros = formatter.writesNumbersBare
        var written = 0
        var pairs: [UInt8] = []
        withExtendedLifetime(columns) {
            variantBytes.withUnsafeBufferPointer { variants in
                for r in 0..<rowCount where batch.isGood(r) {
                    for (c, cell) in cells.enumerated() {
                        switch cell {
                        case .input(let k):
                            if c > 0 { out.append(formatter.delimiter) }
                            formatter.appendField(UnsafeRawBufferPointer(batch.text(record: r, column: k)), fieldCount: width, into: &out)
                        case .text(let refs, let column):
                            if c > 0 { out.append(formatter.delimiter) }
                            guard case .text(let text) = columns[column] else { continue }
                            if let bytes = batch.bytes(of: refs[r], in: text) {
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
                                } else if width == 1 && value.isNaN {
                                    // A record of one missing cell (a datetime block of one part) is `""`.
                                    formatter.appendField(UnsafeRawBufferPointer(start: nil, count: 0), fieldCount: 1, into: &out)
                                } else {
                                    formatter.appendNumber(value, into: &out)
                                }
                            }
                        case .sparse(let column):
                            if c > 0 { out.append(formatter.delimiter) }
                            guard case .sparse(let block) = columns[column] else { continue }
                            // Through a scratch row, so the field is quoted as its text would be.
                            pairs.removeAll(keepingCapacity: true)
                            block.appendPairs(row: r, to: &pairs)
                            pairs.withUnsafeBytes { formatter.appendField($0, fieldCount: width, into: &out) }
                        }
                    }
                    formatter.appendTerminator(into: &out)
                    written += 1
                }
            }
        }
        return written
    }

    /// Appends the good records of a parsed chunk unchanged (the pass-through: no stage ran).
    package func appendRecords<Records: ParsedRecords>(of work: Records, into out: inout [UInt8]) -> Int {
        let formatter = self.formatter
        let delimiter = formatter.delimiter
        let parsed = work.parsed
        let bytes = UnsafeRawBufferPointer(parsed.fieldBytes)
        let ends = parsed.fieldEnds
        var written = 0
        var fieldIndex = 0
        for r in 0..<parsed.recordCount {
            let recordEnd = Int(parsed.recordEnds[r])
            defer { fieldIndex = recordEnd }
            guard work.isGood(r) else { continue }
            let count = recordEnd - fieldIndex
            var start = fieldIndex == 0 ? 0 : Int(ends[fieldIndex - 1])
            for f in fieldIndex..<recordEnd {
                if f > fieldIndex { out.append(delimiter) }
                let end = Int(ends[f])
                formatter.appendField(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), fieldCount: count, into: &out)
                start = end
            }
            formatter.appendTerminator(into: &out)
            written += 1
        }
        return written
    }
}
