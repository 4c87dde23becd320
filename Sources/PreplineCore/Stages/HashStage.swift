/// `hash`: scikit-learn's FeatureHasher with `input_type="dict"` on categorical columns. The
/// value of column `c` is the feature `"c=value"`, hashed with signed 32-bit MurmurHash3 (seed 0)
/// into column `abs(h) % n_features`, +1 (or -1 when `h < 0` under `alternate_sign`); every
/// hashed column of the stage adds into one block `<output>_0 … <output>_<n-1>`, which replaces
/// them where the first (leftmost) of them was. A missing value adds nothing. Nothing to learn.
package struct HashStage: PipelineStage {
    package static let kind = "hash"
    package static let summary = "FeatureHasher (input_type dict): \"<col>=<value>\" hashed with signed MurmurHash3 into one block of n_features columns <output>_<i>; alternate_sign"

    /// The block is dense (rows × n_features numbers per chunk, all written to CSV): a wider
    /// space would cost gigabytes per chunk. `tfidf` with `hash_features` is the sparse form.
    package static let maxFeatures = 4096

    package let position: Int
    package let selectors: [String]
    package let features: Int
    package let alternateSign: Bool
    package let output: String
    private let file: String
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// `<output>_<i>`, built once (every chunk's block shares it).
    private var blockNames: [String] = []
    /// Per bound column, the feature's prefix `"<col>="` as UTF-8.
    private var prefixes: [[UInt8]] = []
    package var columnNames: [String] { boundNames }
    package var isFitted: Bool { true }
    package var fittedJSON: JSONValue? { nil }
    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { [] }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        guard let features = options.integer("n_features") else {
            throw reader.fail("n_features", "missing; the number of output columns, e.g. 16 (scikit-learn's default 2^20 is too wide for a dense block)")
        }
        self.features = features
        alternateSign = options.bool("alternate_sign")
        output = options.string("output")!
        try reader.finish()
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position)
        prefixes = boundNames.map { Array("\($0)=".utf8) }
        blockNames = (0..<features).map { "\(output)_\($0)" }
        // LEAD: produced names — the block takes the place of the leftmost hashed column, named
        // `output`; the other hashed columns leave the list.
        let hashed = Set(bound)
        let first = bound.min()!
        if let clash = columns.names.enumerated().first(where: { !hashed.contains($0.offset) && $0.element == output }) {
            throw PreplineError.spec(file: file, path: "stages[\(position)].output",
                                     message: "'\(output)' is already a column (index \(clash.offset)); name the block otherwise")
        }
        let existing = Set(columns.names.enumerated().filter { !hashed.contains($0.offset) }.map(\.element))
        if let clash = blockNames.first(where: { existing.contains($0) }) {
            throw PreplineError.spec(file: file, path: "stages[\(position)].output",
                                     message: "column '\(clash)' that \(label) makes is also a column of its own; set output to another prefix")
        }
        // Before the merge: the hashed columns leave the list with it.
        let hashesFinalValues = columns.rewrittenInFitPass.isDisjoint(with: boundNames)
        columns.merge(bound, into: output, at: first, by: label)
        columns.expandedBy[output] = label
        // The block's columns are known now. A later stage of the same fit pass may name them
        // unless an earlier stage of this pass rewrote a hashed column: its values may still be
        // placeholders there (a fill not learned yet), which would hash as missing.
        if columns.stageRunsLearned || hashesFinalValues {
            columns.blocks[output] = blockNames
        } else {
            columns.namesLearnedLater[output] = label
        }
    }

    /// A later stage naming `<output>_<i>` in the same fit pass waits for the next one.
    package var mayDeferLaterStages: Bool { true }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) { apply(&batch) }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}

    package func apply(_ batch: inout Batch) {
        let rows = batch.rowCount
        let width = features
        var values = batch.weightBuffers.zeros(count: rows * width)
        var feature: [UInt8] = []
        values.withUnsafeMutableBufferPointer { block in
            for (i, c) in bound.enumerated() {
                let text = batch.textColumn(c)
                for r in 0..<rows where batch.work.isGood(r) {
                    guard let bytes = batch.bytes(of: text.refs[r], in: text) else { continue }
                    feature.removeAll(keepingCapacity: true)
                    feature.append(contentsOf: prefixes[i])
                    feature.append(contentsOf: bytes)
                    let hash = feature.withUnsafeBytes { MurmurHash3.x86_32($0) }
                    let (index, negative) = MurmurHash3.featureIndex(hash, features: width)
                    block[r * width + index] += alternateSign && negative ? -1 : 1
                }
            }
        }
        // The block goes where the leftmost hashed column was; the others leave (right to
        // left, so the indexes still to remove stay valid).
        let first = bound.min()!
        for c in bound.sorted(by: >) where c != first {
            batch.columns.remove(at: c)
            batch.names.remove(at: c)
        }
        batch.columns[first] = .weights(names: blockNames, values: values)
        batch.names[first] = output
    }
}

extension HashStage {
    package static let options = StageOptionTable([
        StageOption("n_features", .integer(1...maxFeatures),
                    "The number of output columns (required; at most \(maxFeatures): the block is dense, rows × n_features numbers per chunk)."),
        StageOption("alternate_sign", .bool, default: .bool(true), "Add -1 instead of +1 where the signed hash is negative (scikit-learn's default), so collisions tend to cancel."),
        StageOption("output", .string(nonEmpty: "expected a non-empty column name prefix"), default: .string("hash"),
                    "The block's name: its columns are <output>_0 … <output>_<n_features - 1>."),
    ])

    package var learnedParameters: String { "nothing" }

    package var columnEffect: String? {
        "replaces its columns by one block of \(features) columns \(output)_0 … \(output)_\(features - 1), where the first of them was"
    }

    /// The block, for its name in the column list and for the leftmost hashed column.
    package func expandedNames(of column: String) -> [String]? {
        let leftmost = bound.indices.min { bound[$0] < bound[$1] }.map { boundNames[$0] }
        guard column == output || column == leftmost else { return nil }
        return blockNames.isEmpty ? (0..<features).map { "\(output)_\($0)" } : blockNames
    }

    package var expandedUnit: String { "one per hashed feature index" }
}
