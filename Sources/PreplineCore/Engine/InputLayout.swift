/// What `apply` does with an input column the fit never saw (`--extra-columns`).
package enum ExtraColumns: String, Sendable, CaseIterable {
    /// An input error (exit 3) naming it: the default, as a changed layout is usually a mistake.
    case error
    /// Left out of the output.
    case drop
    /// Passed through after the training layout, in input order.
    case keep
}

/// How the columns of the data `apply` reads map onto the layout the spec was fitted on (its
/// `training.header`): columns are matched by name, so the stages run, and the output is
/// written, in the training layout whatever order tomorrow's file has. Unseen input columns
/// are dropped or kept after the training layout (`ExtraColumns`).
package struct InputLayout: Sendable, Equatable {
    /// An input column kept after the training layout.
    package struct Extra: Sendable, Equatable {
        package var name: String
        /// Its position in the input's records.
        package var field: Int
    }

    /// Per training column, in training order: its position in the input's records.
    package let fields: [Int]
    /// Unseen input columns kept (`--extra-columns keep`), in input order.
    package let extras: [Extra]
    /// Input columns that are neither in the training layout nor kept.
    package let dropped: Int

    /// True when the input is the training layout itself: the run is then exactly as without one.
    package var isIdentity: Bool { extras.isEmpty && dropped == 0 && fields.indices.allSatisfy { fields[$0] == $0 } }

    /// Matches `input`'s names against `training`'s, byte for byte; a training column missing
    /// from the input, or an unseen input column under `ExtraColumns.error`, is an input error
    /// naming them (up to 10) and the file.
    package static func match(training: [String], input: [String], extraColumns: ExtraColumns,
                              file: String, line: Int) throws(PreplineError) -> InputLayout {
        var inputPositions: [[UInt8]: Int] = [:]
        inputPositions.reserveCapacity(input.count)
        for (i, name) in input.enumerated() where inputPositions[Array(name.utf8)] == nil { inputPositions[Array(name.utf8)] = i }
        var fields: [Int] = []
        fields.reserveCapacity(training.count)
        var missing: [String] = []
        for name in training {
            if let position = inputPositions[Array(name.utf8)] { fields.append(position) } else { missing.append(name) }
        }
        let position = InputPosition(file: file, line: line)
        if !missing.isEmpty {
            throw PreplineError.malformedInput(position, "\(Self.count(missing.count, "column")) of the training data \(missing.count == 1 ? "is" : "are") missing: \(Self.list(missing)) (the fitted spec's training.header names the columns apply needs)")
        }
        let trainingNames = Set(training.map { Array($0.utf8) })
        var extras: [Extra] = []
        for (i, name) in input.enumerated() where !trainingNames.contains(Array(name.utf8)) { extras.append(Extra(name: name, field: i)) }
        switch extraColumns {
        case .error where !extras.isEmpty:
            throw PreplineError.malformedInput(position, "\(Self.count(extras.count, "column")) the fit did not see: \(Self.list(extras.map(\.name))); pass --extra-columns drop to leave \(extras.count == 1 ? "it" : "them") out, or keep to write \(extras.count == 1 ? "it" : "them") after the training columns")
        case .keep:
            return InputLayout(fields: fields, extras: extras, dropped: 0)
        default:
            return InputLayout(fields: fields, extras: [], dropped: extras.count)
        }
    }

    private static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(10).map { "'\(LosslessText.display($0))'" }.joined(separator: ", ")
        return names.count > 10 ? "\(shown) … and \(names.count - 10) more" : shown
    }

    /// `schema` (positional, over the training columns) rearranged to the input's column order,
    /// for the row checks that read the records as they are: each field checks its own column
    /// wherever it now is; an unseen column is checked by nothing.
    package func inInputOrder(_ schema: TableSchema, inputNames: [String]) -> TableSchema {
        var byInputPosition: [Int: Int] = [:]
        for (i, field) in fields.enumerated() { byInputPosition[field] = i }
        var rearranged = schema
        rearranged.fields = inputNames.indices.map { j in
            guard let i = byInputPosition[j], i < schema.fields.count else { return SchemaField(name: inputNames[j], type: .any) }
            return schema.fields[i]
        }
        return rearranged
    }

    /// The batch's input columns, in training order.
    func inputColumns() -> [ColumnValues] { fields.map { .input($0) } }

    /// Appends the kept unseen columns after the stages' output: the pass-through at the end.
    func appendExtras(to batch: inout Batch) {
        for extra in extras {
            batch.names.append(extra.name)
            batch.columns.append(.input(extra.field))
        }
    }
}
