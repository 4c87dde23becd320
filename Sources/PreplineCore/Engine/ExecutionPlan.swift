/// The spec's stages bound to a dataset's columns: what runs on every chunk, in both passes.
package struct ExecutionPlan: Sendable {
    package private(set) var stages: [any PipelineStage]
    package let header: DatasetHeader
    package let missing: MissingTokens
    /// How numbers are spelled (`input.decimal` / `input.group`, the schema's per field).
    private let dialect: InputDialect
    /// Input columns read as numbers before any stage runs, with the stage that needs them,
    /// so a non-number is one row-level error whichever stage would meet it first.
    private let numericInputs: [(column: Int, stage: String)]
    /// The share of missing values of each input column at fit time, by the position of the
    /// first stage that reads it (the raw column, before any stage): written beside that stage's
    /// fitted parameters, so `validate --against` can tell when more values go missing.
    package private(set) var inputMissingRatios: [Int: [String: Double]] = [:]

    package init(stageSpecs: [JSONValue], header: DatasetHeader, dialect: InputDialect, file: String) throws(PreplineError) {
        self.header = header
        missing = MissingTokens(dialect.missing)
        self.dialect = dialect
        var stages: [any PipelineStage] = []
        for (position, value) in stageSpecs.enumerated() {
            stages.append(try StageRegistry.decode(value, position: position, file: file))
        }
        var columns = PlanColumns(names: header.names, file: file)
        for i in stages.indices { try stages[i].bind(columns: &columns) }
        let inputIndex = Self.firstIndexes(header.names)
        var numericNames: Set<String> = []
        var numericInputs: [(Int, String)] = []
        for stage in stages {
            for name in stage.numericColumns where numericNames.insert(name).inserted {
                if let column = inputIndex[name] { numericInputs.append((column, stage.label)) }
            }
        }
        for i in stages.indices { try stages[i].setNumeric(numericNames.intersection(stages[i].columnNames)) }
        for i in stages.indices { try stages[i].planBound(columns) }
        try Self.checkTokenConsumers(stages, file: file)
        self.stages = stages
        self.numericInputs = numericInputs.sorted { $0.0 < $1.0 }
    }

    /// Each name's first index: lookups by name stay linear in the columns overall (a search of
    /// the header per column made 100,000 columns cost minutes).
    private static func firstIndexes(_ names: [String]) -> [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(names.count)
        for (index, name) in names.enumerated() where result[name] == nil { result[name] = index }
        return result
    }

    /// How many leading input columns the stages read: the fit pass splits no field after them.
    package var leadingInputColumnsRead: Int {
        let inputIndex = Self.firstIndexes(header.names)
        var last = -1
        for stage in stages {
            for name in stage.columnNames { if let index = inputIndex[name] { last = max(last, index) } }
        }
        return last + 1
    }

    /// Between a `tokenize` and the `tfidf` that consumes its tokens, no stage may rewrite the
    /// column: the tokens are never materialized there, so that stage would see the raw text.
    private static func checkTokenConsumers(_ stages: [any PipelineStage], file: String) throws(PreplineError) {
        for case let tokenize as TokenizeStage in stages {
            for (name, consumer) in tokenize.consumers {
                if let between = stages.first(where: { $0.position > tokenize.position && $0.position < consumer && $0.columnNames.contains(name) }) {
                    throw PreplineError.spec(file: file, path: "stages[\(between.position)]",
                                             message: "column '\(name)' is tokenized by \(tokenize.label) for the tfidf at stages[\(consumer)]; no stage may rewrite it in between (\(between.label))")
                }
            }
        }
    }

    /// The first stage that still has parameters to learn.
    package var firstUnfitted: (any PipelineStage)? { stages.first { !$0.isFitted } }

    package func makeBatch(_ work: ChunkWork) -> Batch {
        var batch = Batch(names: header.names, columns: header.names.indices.map { .input($0) }, work: work, missing: missing)
        batch.dialect = dialect
        for (column, stage) in numericInputs { batch.columns[column] = .numbers(batch.numberColumn(column, stage: stage)) }
        return batch
    }

    /// Fit pass, per chunk: every stage's statistics for its columns. A row that some stage
    /// rejects is left out of every stage's statistics: when a stage rejects rows the others
    /// had already counted, the chunk is observed again without them (rare: only bad data).
    package func observe(_ work: inout ChunkWork) -> [[ColumnProfile]] {
        while true {
            var batch = makeBatch(work)
            let badBefore = batch.work.badRecordCount
            var profiles = stages.map { stage in stage.columnNames.map { _ in ColumnProfile(needs: stage.profileNeeds) } }
            for (s, stage) in stages.enumerated() { stage.observe(&batch, into: &profiles[s]) }
            work = batch.work
            if work.badRecordCount == badBefore { return profiles }
        }
    }

    /// Merges a later chunk's statistics into the running ones (in input order).
    package static func merge(_ total: inout [[ColumnProfile]]?, _ chunk: [[ColumnProfile]]) {
        guard var merged = total else { total = chunk; return }
        for s in merged.indices { for c in merged[s].indices { merged[s][c].merge(chunk[s][c]) } }
        total = merged
    }

    /// Learns every stage's parameters in order. A stage's statistics were taken on the column
    /// as the fit pass saw it, so they are first replayed through the stages before it on that
    /// column: each fill's placeholders resolved, each scaler's formula applied, in order.
    package mutating func learn(from profiles: [[ColumnProfile]]?) throws(PreplineError) {
        var fills: [String: [Int: FillValue]] = [:]
        let columnSets = stages.map { Set($0.columnNames) }
        for s in stages.indices {
            var stageProfiles = profiles?[s] ?? stages[s].columnNames.map { _ in ColumnProfile(needs: stages[s].profileNeeds) }
            if profiles != nil { recordInputMissingRatios(stage: s, stageProfiles, columnSets: columnSets) }
            for (c, name) in stages[s].columnNames.enumerated() {
                for (e, earlier) in stages[..<s].enumerated() where columnSets[e].contains(name) {
                    if let value = fills[name]?[earlier.position] { stageProfiles[c].resolve(stage: earlier.position, value: value) }
                    if let scaler = earlier as? ScaleStage, let slope = scaler.slope(for: name) {
                        stageProfiles[c].map(through: { scaler.transform($0, column: name) }, slope: slope)
                    }
                }
            }
            let learned = try stages[s].learn(from: stageProfiles)
            for (name, value) in learned { fills[name, default: [:]][stages[s].position] = value }
        }
    }

    private mutating func recordInputMissingRatios(stage s: Int, _ profiles: [ColumnProfile], columnSets: [Set<String>]) {
        let inputNames = Set(header.names)
        for (c, name) in stages[s].columnNames.enumerated()
        where inputNames.contains(name) && !columnSets[..<s].contains(where: { $0.contains(name) }) {
            let profile = profiles[c]
            let seen = profile.observed + profile.missing + profile.placeholders.values.reduce(0, +)
            if seen > 0 { inputMissingRatios[stages[s].position, default: [:]][name] = Double(profile.missing) / Double(seen) }
        }
    }

    /// Apply pass, per chunk: the stages, then `writer` appends the good records to `out`.
    package func apply<Writer: BatchWriter>(_ work: inout ChunkWork, writer: Writer,
                                            weightBuffers: inout WeightBuffers, into out: inout [UInt8]) -> Int {
        var batch = makeBatch(work)
        swap(&batch.weightBuffers, &weightBuffers)
        for stage in stages { stage.apply(&batch) }
        let rows = writer.append(&batch, into: &out)
        batch.weightBuffers.recycle(&batch.columns)
        swap(&batch.weightBuffers, &weightBuffers)
        work = batch.work
        return rows
    }

    /// After a complete pass: an `ffill` column that never had a value is an error naming it
    /// (unless the stage gives a fallback `value`), as for the other fill strategies.
    package func checkCarried(_ carry: CarryBoard, file: String) throws(PreplineError) {
        for case let fill as FillStage in stages where fill.strategy == .ffill && fill.value == nil {
            for name in fill.columnNames where carry.finalValue(key: "\(fill.position):\(name)") == nil {
                throw PreplineError.spec(file: file, path: "stages[\(fill.position)]",
                                         message: "column '\(name)' has no observed values, so ffill has nothing to carry (\(fill.label)); give \"value\" as a fallback")
            }
        }
    }

    /// svmlight output: the index of the label among the final columns; a spec error when no
    /// single column has that name, or a tfidf column is sparse (svmlight is sparse already).
    package func svmlightLabel(named label: String, emptyWork: ChunkWork, file: String) throws(PreplineError) -> Int {
        for case let tfidf as TfidfStage in stages where tfidf.output == .sparse {
            throw PreplineError.spec(file: file, path: "stages[\(tfidf.position)].output",
                                     message: "svmlight output writes only non-zero weights already: use \"dense\" (\(tfidf.label))")
        }
        var batch = Batch(names: header.names, columns: header.names.indices.map { .input($0) }, work: emptyWork, missing: missing)
        for stage in stages { stage.apply(&batch) }
        guard let index = batch.names.firstIndex(of: label) else {
            throw PreplineError.spec(file: file, path: "output.label",
                                     message: "unknown column '\(label)'\(Suggestion.didYouMean(label, in: batch.names)); columns: \(Suggestion.shortList(Batch.outputNames(names: batch.names, columns: batch.columns)))")
        }
        switch batch.columns[index] {
        case .oneHot, .weights:
            throw PreplineError.spec(file: file, path: "output.label", message: "column '\(label)' was expanded into several columns; the label must be one column")
        default:
            return index
        }
    }

    /// The output column names, one-hot columns expanded (known once fitted).
    package func outputNames(emptyWork: ChunkWork) -> [String] {
        var batch = Batch(names: header.names, columns: header.names.indices.map { .input($0) }, work: emptyWork, missing: missing)
        for stage in stages { stage.apply(&batch) }
        return Batch.outputNames(names: batch.names, columns: batch.columns)
    }

    /// The spec with every stage's learned parameters under `"fitted"`.
    package func fittedSpec(_ root: JSONValue) -> JSONValue {
        guard case .object(var members) = root, let index = members.firstIndex(where: { $0.key == "stages" }),
              case .array(var stageValues) = members[index].value else { return root }
        for stage in stages {
            guard case .object(var stageMembers) = stageValues[stage.position] else { continue }
            stageMembers.removeAll { $0.key == "fitted" }
            if var fitted = stage.fittedJSON {
                if case .object(let columns) = fitted, let ratios = inputMissingRatios[stage.position] {
                    fitted = .object(columns.map { name, parameters in
                        guard case .object(let members) = parameters, let ratio = ratios[name] else { return (name, parameters) }
                        return (name, .object(members + [("missing_ratio", .number(ratio))]))
                    })
                }
                stageMembers.append(("fitted", fitted))
            }
            stageValues[stage.position] = .object(stageMembers)
        }
        members[index].value = .array(stageValues)
        return .object(members)
    }
}
