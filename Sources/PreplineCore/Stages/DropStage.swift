/// `drop`: removes the columns it names (pandas' `drop(columns=…)`). Only the column list
/// changes: no value is read or copied.
package struct DropStage: ColumnListStage {
    package static let kind = "drop"
    package static let summary = "remove these columns (globs allowed; `<col>_*` drops a one-hot or TF-IDF block whole)"
    package static let options = StageOptionTable([])

    package let position: Int
    package let selectors: [String]
    private var kept: [Int] = []
    private var droppedNames: [String] = []
    package var columnNames: [String] { droppedNames }
    package var columnEffect: String? { "removes these columns" }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        selectors = try reader.stageOptions(Self.options).columns
        try reader.finish()
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        let dropped = try columns.bindShaping(selectors, path: "\(path).columns", pendingTakesBlock: false)
        droppedNames = dropped.map { columns.names[$0] }
        let removed = Set(dropped)
        kept = columns.names.indices.filter { !removed.contains($0) }
        try columns.keep(kept, by: label, path: "\(path).columns")
    }

    package func apply(_ batch: inout Batch) { batch.keepColumns(kept) }
}
