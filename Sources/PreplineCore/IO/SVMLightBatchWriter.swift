/// svmlight output (libsvm / scikit-learn's `load_svmlight_file`): `label index:value …` per
/// good row, features numbered from 1 in output column order without the label.
package struct SVMLightBatchWriter: BatchWriter {
    /// The label's index among the final columns (found on the plan once the header is known).
    package let label: Int

    package init(label: Int) { self.label = label }

    /// svmlight has no header line.
    package func header(columns names: [String]) -> [UInt8] { [] }

    package func append<Columns: ColumnarBatch>(_ batch: inout Columns, into out: inout [UInt8]) -> Int {
        prepare(&batch)
        return format(batch, into: &out)
    }

    /// Before formatting: the label and every other plain column must be numbers; a row where
    /// one is not (or the label is missing) is a row-level error.
    private func prepare<Columns: ColumnarBatch>(_ batch: inout Columns) {
        let rowCount = batch.rowCount
        for c in batch.columns.indices {
            switch batch.columns[c] {
            case .input, .text, .numbers:
                let values = batch.numberColumn(c, stage: "svmlight output")
                if c == label {
                    for r in 0..<rowCount where batch.isGood(r) && values[r].isNaN {
                        batch.reject(record: r, reason: "column '\(batch.names[c])': the label is missing (svmlight output)")
                    }
                }
                batch.columns[c] = .numbers(values)
            case .flags, .oneHot, .weights, .sparse:
                break
            }
        }
    }

    /// Writes the good records as svmlight lines: `label index:value …`, features numbered from
    /// 1 in output column order without the label; zero and missing values left out.
    private func format<Columns: ColumnarBatch>(_ batch: Columns, into out: inout [UInt8]) -> Int {
        let columns = batch.columns
        var written = 0
        for r in 0..<batch.rowCount where batch.isGood(r) {
            guard case .numbers(let labels) = columns[label] else { preconditionFailure("prepare makes the label numeric") }
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
                case .sparse(let block):
                    // `width` features, as a dense block would be, of which only the row's
                    // entries (increasing) are written.
                    let start = index
                    for k in block.starts[r]..<block.starts[r + 1] {
                        index = start + Int(block.indexes[k])
                        feature(block.values[k])
                    }
                    index = start + block.width
                case .input, .text:
                    preconditionFailure("prepare makes every plain column numeric")
                }
            }
            out.append(0x0A)
            written += 1
        }
        return written
    }
}

