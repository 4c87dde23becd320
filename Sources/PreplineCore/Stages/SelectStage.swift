/// `select`: keeps exactly the columns it names, in that order (dplyr's `select`, pandas'
/// `df[[…]]`). `output.columns` is a shorthand for one last `select`. Only the column list
/// changes: no value is read or copied, so it costs nothing per row.
package struct SelectStage: ColumnListStage {
    package static let kind = "select"
    package static let summary = "keep exactly these columns, in this order (globs in column order; `<col>_*` keeps a one-hot or TF-IDF block whole)"
    package static let options = StageOptionTable([])

    package let position: Int
    package let selectors: [String]
    package let path: String
    private var kept: [Int] = []
    private var keptNames: [String] = []
    package var columnNames: [String] { keptNames }
    package var columnEffect: String? { "keeps only these columns, in this order" }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        path = "stages[\(position)]"
        selectors = try reader.stageOptions(Self.options).columns
        try Self.refuseRepeats(selectors, path: "\(path).columns", file: reader.file)
        try reader.finish()
    }

    /// The select that `output.columns` stands for, after every stage of the spec.
    package init(outputColumns: [String], position: Int) {
        self.position = position
        path = "output"
        selectors = outputColumns
    }

    /// A name given twice would write one column twice (pandas does): refused, as every name
    /// is one column's. Globs may overlap: each column is kept once, where it is first matched.
    static func refuseRepeats(_ selectors: [String], path: String, file: String) throws(PreplineError) {
        var seen: Set<[UInt8]> = []  // bytes: NFC and NFD spellings are two names
        for (i, selector) in selectors.enumerated() where !seen.insert(Array(selector.utf8)).inserted {
            throw PreplineError.spec(file: file, path: "\(path)[\(i)]", message: "'\(selector)' is given twice; a column is written once")
        }
    }

    package var label: String { path == "output" ? "output.columns" : "\(path) \(Self.kind)" }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        kept = try columns.bindShaping(selectors, path: "\(path).columns", pendingTakesBlock: true)
        keptNames = kept.map { columns.names[$0] }
        try columns.keep(kept, by: label, path: "\(path).columns")
    }

    package func apply(_ batch: inout Batch) { batch.keepColumns(kept) }
}
