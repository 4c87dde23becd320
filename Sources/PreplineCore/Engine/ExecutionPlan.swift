/// The spec's stages bound to a dataset's columns: what runs on every chunk.
///
/// A plan runs in one of two modes. An apply plan runs every stage with its learned parameters.
/// A fit plan (`fitFrom: k`) is one fit pass: the stages before `k` were learned in earlier
/// passes and run with their parameters; stages from `k` on gather statistics (`observe`) on
/// the column as the stages before them leave it. A stage whose column is not final in this
/// pass (it names the columns an unfitted one-hot will make, or follows a stage that cannot
/// replay its statistics) ends the pass: it and the stages after it fit in the next pass
/// (`passEnd`, `deferral`), which `FitPass` runs once this one is learned.
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
    /// Stages before this index run with learned parameters; from it on, in fit mode (an
    /// apply plan: `stages.count`).
    package let fitFrom: Int
    /// The stages this plan runs: `stages[..<passEnd]` (all, unless a later fit pass is needed).
    package let passEnd: Int
    /// Why `stages[passEnd]` waits for the next fit pass.
    package let deferral: String?
    /// Per stage: the blocks to expand (indexes in the batch) right before it runs.
    private let expansionsBefore: [[Int]]
    /// Per stage: the identity of each of its columns (`PlanColumns.ids`, in `columnNames`
    /// order): an input column's index in the header, or a number of its own for a column a
    /// stage made. The plan follows a column through the stages by it, whatever renames it.
    private let columnIDs: [[Int]]
    /// Per stage: where each column id is in its `columnNames`.
    private let columnIndexByID: [[Int: Int]]
    /// Where each column of `header` is in the records read, when that is not where `header`
    /// has it (`apply` matching by name against the fitted spec's training header); nil: the same.
    package var inputLayout: InputLayout?

    /// An apply plan: every stage runs with its parameters (`firstUnfitted` says if one has none).
    /// `outputStages`: what the spec's `output` adds after its stages (`Spec.outputStages`).
    package init(stageSpecs: [JSONValue], outputStages: [any PipelineStage] = [], header: DatasetHeader, dialect: InputDialect, file: String) throws(PreplineError) {
        try self.init(stageSpecs: stageSpecs, outputStages: outputStages, header: header, dialect: dialect, file: file, fitFrom: nil)
    }

    /// `fitFrom`: nil for an apply plan; k for a fit pass in which `stages[..<k]` are learned.
    package init(stageSpecs: [JSONValue], outputStages: [any PipelineStage] = [], header: DatasetHeader, dialect: InputDialect, file: String, fitFrom: Int?) throws(PreplineError) {
        var stages: [any PipelineStage] = []
        for (position, value) in stageSpecs.enumerated() {
            stages.append(try StageRegistry.decode(value, position: position, file: file))
        }
        try self.init(stages: stages + outputStages, header: header, dialect: dialect, file: file, fitFrom: fitFrom)
    }

    /// A plan of stages already decoded (`Spec.decodedStages`, `Spec.stagesForFitting`), unbound.
    package init(stages: [any PipelineStage], header: DatasetHeader, dialect: InputDialect, file: String, fitFrom: Int?) throws(PreplineError) {
        self.header = header
        missing = MissingTokens(dialect.missing)
        self.dialect = dialect
        var stages = stages
        let fitFrom = fitFrom ?? stages.count
        var columns = PlanColumns(names: header.names, file: file)
        var passEnd = stages.count
        var deferral: String?
        var expansionsBefore: [[Int]] = []
        var columnIDs: [[Int]] = []
        var columnIndexByID: [[Int: Int]] = []
        bindLoop: for i in stages.indices {
            // In an apply plan too: there it means an earlier stage is not fitted (`firstUnfitted`).
            if let reason = stages[i].deferral(in: columns) {
                (passEnd, deferral) = (i, reason)
                break
            }
            columns.stageRunsLearned = i < fitFrom
            var candidate = stages[i]
            var bound = columns
            try candidate.bind(columns: &bound)
            let ids = bound.boundIDs
            // A stage that only reshapes the table reads no value: nothing of it waits.
            if i > fitFrom && candidate.rewritesValues {
                // A column rewritten in this pass by a stage that cannot replay its statistics.
                for (c, id) in ids.enumerated() {
                    for e in fitFrom..<i {
                        guard let k = columnIndexByID[e][id], !stages[e].passesStatistics(of: stages[e].columnNames[k]) else { continue }
                        // A stage with nothing to learn (clean) leaves final values, unless a stage
                        // before it in this pass still learns what the column holds (a fill's placeholders).
                        guard !stages[e].isFitted || (fitFrom..<e).contains(where: { !stages[$0].isFitted && columnIndexByID[$0][id] != nil }) else { continue }
                        // A stage with nothing to learn defers after an earlier stage of the pass (log after a fill).
                        let why = stages[e].isFitted ? "after an earlier stage of this pass, so its values are final only in the next pass" : "which must be fitted first"
                        (passEnd, deferral) = (i, "column '\(candidate.columnNames[c])' is rewritten by \(stages[e].label), \(why)")
                        break bindLoop
                    }
                }
            }
            try bound.checkUnique(path: candidate.path)
            stages[i] = candidate
            if i >= fitFrom && candidate.rewritesValues { bound.markRewrittenInFitPass(ids) }
            expansionsBefore.append(bound.takeExpansions())
            columnIDs.append(ids)
            columnIndexByID.append(Self.indexByID(ids))
            columns = bound
        }
        self.fitFrom = fitFrom
        self.passEnd = passEnd
        self.deferral = deferral
        self.expansionsBefore = expansionsBefore
        // The stages of later passes are bound now too, leaving out the names this pass learns:
        // a typo is reported before any data is read, and the columns they read as numbers are
        // numbers in this pass already, so every pass leaves out the same rows (a row one stage
        // rejects is fitted by none) and a fill learns a number for them.
        var later = columns
        later.skipsNamesLearnedLater = true
        later.stageRunsLearned = false
        var laterStages: [any PipelineStage] = []
        var laterIDs: [[Int]] = []
        for i in passEnd..<stages.count {
            var stage = stages[i]
            try stage.bind(columns: &later)
            laterStages.append(stage)
            laterIDs.append(later.boundIDs)
        }
        // Numbers by column identity: a column a stage reads as numbers is numbers for every
        // stage on it, under any name; an input column among them is parsed before any stage.
        var numericIDs: Set<Int> = []
        var numericInputs: [(Int, String)] = []
        // A column an earlier stage encodes from text into numbers (ordinal) is read as text from
        // the input; a numeric stage after the encoding reads the codes.
        var encodedIDs: Set<Int> = [], encodedBefore: [Set<Int>] = []
        for (stage, ids) in zip(stages[..<passEnd] + laterStages, columnIDs + laterIDs) {
            encodedBefore.append(encodedIDs)
            let numeric = Set(stage.numericColumns), encoded = Set(stage.encodedColumns)
            guard !numeric.isEmpty || !encoded.isEmpty else { continue }
            for (name, id) in zip(stage.columnNames, ids) where numeric.contains(name) && !encodedIDs.contains(id) && numericIDs.insert(id).inserted {
                if id < header.names.count { numericInputs.append((id, stage.label)) }
            }
            for (name, id) in zip(stage.columnNames, ids) where encoded.contains(name) { encodedIDs.insert(id) }
        }
        for i in stages[..<passEnd].indices {
            let numeric = zip(stages[i].columnNames, columnIDs[i]).filter { numericIDs.contains($0.1) || encodedBefore[i].contains($0.1) }.map(\.0)
            try stages[i].setNumeric(Set(numeric))
        }
        for i in stages[..<passEnd].indices { try stages[i].planBound(columns) }
        let boundStages = Array(stages[..<passEnd])
        for stage in boundStages { try stage.checkPlan(boundStages) }
        self.stages = stages
        self.numericInputs = numericInputs.sorted { $0.0 < $1.0 }
        self.columnIDs = columnIDs
        self.columnIndexByID = columnIndexByID
        // A stage that only reshapes the table reads no value: the columns it moves need no split.
        let lastRead = zip(stages[..<passEnd], columnIDs).filter { $0.0.rewritesValues }.flatMap(\.1).filter { $0 < header.names.count }.max() ?? -1
        leadingInputColumnsRead = max(lastRead, self.numericInputs.last?.column ?? -1) + 1
    }

    /// Where each id is in `ids`.
    private static func indexByID(_ ids: [Int]) -> [Int: Int] {
        var result: [Int: Int] = [:]
        result.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() where result[id] == nil { result[id] = index }
        return result
    }

    /// How many leading input columns the stages read (numbers read for later passes' stages
    /// included): the fit pass splits no field after them.
    package let leadingInputColumnsRead: Int

    /// The first stage that still has parameters to learn.
    package var firstUnfitted: (any PipelineStage)? { stages[..<passEnd].first { !$0.isFitted } }

    package func makeBatch(_ work: ChunkWork) -> Batch {
        var batch = Batch(names: header.names, columns: inputLayout?.inputColumns() ?? header.names.indices.map { .input($0) }, work: work, missing: missing)
        batch.dialect = dialect
        for (column, stage) in numericInputs { batch.columns[column] = .numbers(batch.numberColumn(column, stage: stage)) }
        return batch
    }

    /// Runs stage `s` with its parameters, after expanding the blocks it names.
    @inline(__always)
    private func applyStage(_ s: Int, _ batch: inout Batch) {
        for index in expansionsBefore[s] { batch.expandBlock(at: index) }
        stages[s].apply(&batch)
    }

    /// Fit pass, per chunk: every fitting stage's statistics for its columns. A row that some
    /// stage rejects is left out of every stage's statistics: when a stage rejects rows the
    /// others had already counted, the chunk is observed again without them (rare: only bad
    /// data). In the first pass nothing here depends on another chunk; in a later one, only an
    /// ffill learned before reads what the chunk before it carries out (posted once final).
    package func observe(_ work: inout ChunkWork) -> FitState {
        while true {
            var batch = makeBatch(work)
            let badBefore = batch.work.badRecordCount
            var state = emptyFitState()
            for s in 0..<passEnd {
                if s < fitFrom {
                    applyStage(s, &batch)
                } else {
                    for index in expansionsBefore[s] { batch.expandBlock(at: index) }
                    stages[s].observe(&batch, into: &state.stages[s])
                }
            }
            work = batch.work
            if work.badRecordCount == badBefore {
                // An ffill learned in an earlier pass runs with the live carry, as in apply.
                Self.postCarries(of: batch)
                return state
            }
        }
    }

    /// Posts what the chunk's ffill stages carry out, once the chunk is final (no stage rejects
    /// another row), so what the next chunk reads never depends on timing.
    private static func postCarries(of batch: Batch) {
        for (key, value) in batch.carriesOut { batch.work.carry.post(batch.work.sequence, key: key, value: value) }
    }

    /// The fit state of no rows: the identity of `merge`.
    package func emptyFitState() -> FitState {
        FitState(stages: stages.indices.map { s in
            guard s >= fitFrom && s < passEnd else { return StageFitState(profiles: [], carried: []) }
            let stage = stages[s]
            return StageFitState(profiles: stage.columnNames.map { _ in ColumnProfile(needs: stage.profileNeeds) },
                                 carried: stage.carriesAcrossChunks ? stage.columnNames.map { _ in nil } : [])
        })
    }

    /// Merges the fit state of the data after `total`'s into it (input order; associative).
    /// A later part's placeholders for what an ffill carries in are first resolved with the
    /// value the earlier part carries out.
    package func merge(_ total: inout FitState?, _ later: FitState) {
        // Taken out of `total`, so it is the only reference and merges in place (a copy of the
        // whole merged state per merge, its term tables with it, cost `merge` of 1000 parts).
        guard var merged = total.take() else { total = later; return }
        var later = later
        for f in fitFrom..<passEnd where stages[f].carriesAcrossChunks {
            let carrier = stages[f]
            for (i, id) in columnIDs[f].enumerated() {
                guard let value = merged.stages[f].carried[i] else { continue }
                for s in (f + 1)..<passEnd {
                    guard let c = columnIndexByID[s][id] else { continue }
                    if !later.stages[s].profiles.isEmpty { later.stages[s].profiles[c].resolve(stage: carrier.position, carried: value) }
                    if !later.stages[s].carried.isEmpty, later.stages[s].carried[c] == .placeholder(stage: carrier.position) {
                        later.stages[s].carried[c] = value
                    }
                }
            }
        }
        for s in merged.stages.indices { merged.stages[s].merge(later.stages[s]) }
        total = merged
    }

    /// Learns the parameters of the stages this pass fits, in order. A stage's statistics were
    /// taken on the column as the pass saw it, so they are first replayed through the stages
    /// before it in this pass that rewrote the column (`PipelineStage.replay`), in order.
    package mutating func learn(from state: FitState?) throws(PreplineError) {
        for s in fitFrom..<passEnd {
            if let state { try stages[s].checkAfterFit(state.stages[s]) }
            var stageProfiles = state?.stages[s].profiles ?? stages[s].columnNames.map { _ in ColumnProfile(needs: stages[s].profileNeeds) }
            if state != nil { recordInputMissingRatios(stage: s, stageProfiles) }
            for (c, id) in columnIDs[s].enumerated() {
                for e in fitFrom..<s {
                    // The earlier stage's name for the column (a rename may lie between them).
                    if let k = columnIndexByID[e][id] { stages[e].replay(&stageProfiles[c], column: stages[e].columnNames[k]) }
                }
                stageProfiles[c].settleUncarried()
            }
            try stages[s].learn(from: stageProfiles)
        }
    }

    /// Only for a column that comes raw from the input under its input name (no stage before
    /// rewrote or renamed it), as the drift checks compare it with the input column of that name.
    private mutating func recordInputMissingRatios(stage s: Int, _ profiles: [ColumnProfile]) {
        for (c, name) in stages[s].columnNames.enumerated() {
            let id = columnIDs[s][c]
            guard id < header.names.count, header.names[id] == name,
                  !(0..<s).contains(where: { stages[$0].rewritesValues && columnIndexByID[$0][id] != nil }) else { continue }
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
        while true {
            let badBefore = batch.work.badRecordCount
            for s in 0..<passEnd { applyStage(s, &batch) }
            if batch.work.badRecordCount == badBefore { inputLayout?.appendExtras(to: &batch); break }
            // A stage rejected rows that an earlier one (ffill) had already used: run the chunk
            // again without them, as the fit does (rare: only bad data).
            batch.weightBuffers.recycle(&batch.columns)
            swap(&batch.weightBuffers, &weightBuffers)
            batch = makeBatch(batch.work)
            swap(&batch.weightBuffers, &weightBuffers)
        }
        Self.postCarries(of: batch)
        let rows = writer.append(&batch, into: &out)
        batch.weightBuffers.recycle(&batch.columns)
        swap(&batch.weightBuffers, &weightBuffers)
        work = batch.work
        return rows
    }

    /// After a complete apply pass: each stage's check of what the live carry saw (an `ffill`
    /// column that never had a value is an error naming it, unless it has a fallback).
    package func checkCarried(_ carry: CarryBoard, file: String) throws(PreplineError) {
        for stage in stages[..<passEnd] { try stage.checkAfterPass(carry: carry) }
    }

    /// The batch of no rows after every stage: its column names and kinds.
    private func emptyBatch(_ emptyWork: ChunkWork) -> Batch {
        var batch = Batch(names: header.names, columns: inputLayout?.inputColumns() ?? header.names.indices.map { .input($0) }, work: emptyWork, missing: missing)
        for s in 0..<passEnd { applyStage(s, &batch) }
        inputLayout?.appendExtras(to: &batch)
        return batch
    }

    /// svmlight output: the index of the label among the final columns; a spec error when no
    /// single column has that name, or a stage cannot write svmlight.
    package func svmlightLabel(named label: String, emptyWork: ChunkWork, file: String) throws(PreplineError) -> Int {
        for stage in stages[..<passEnd] { try stage.checkOutput(format: .svmlight) }
        let batch = emptyBatch(emptyWork)
        guard let index = batch.names.firstIndex(of: label) else {
            throw PreplineError.spec(file: file, path: "output.label",
                                     message: "unknown column '\(label)'\(Suggestion.didYouMean(label, in: batch.names)); columns: \(Suggestion.shortList(Batch.outputNames(names: batch.names, columns: batch.columns)))")
        }
        switch batch.columns[index] {
        case .oneHot, .weights, .sparse:
            throw PreplineError.spec(file: file, path: "output.label", message: "column '\(label)' was expanded into several columns; the label must be one column")
        default:
            return index
        }
    }

    /// The output column names, one-hot columns expanded (known once fitted).
    package func outputNames(emptyWork: ChunkWork) -> [String] {
        let batch = emptyBatch(emptyWork)
        return Batch.outputNames(names: batch.names, columns: batch.columns)
    }

    /// `stageSpecs` (this plan's) with the `fitted` blocks of the stages it learned.
    package func fittedStages(_ stageSpecs: [JSONValue]) -> [JSONValue] {
        guard case .object(let members) = fittedSpec(.object([("stages", .array(stageSpecs))])),
              case .array(let fitted)? = members.first?.value else { return stageSpecs }
        return fitted
    }

    /// The spec with the learned parameters of the stages this plan fitted under `"fitted"`
    /// (a stage learned in an earlier pass keeps the block that pass wrote).
    package func fittedSpec(_ root: JSONValue) -> JSONValue {
        guard case .object(var members) = root, let index = members.firstIndex(where: { $0.key == "stages" }),
              case .array(var stageValues) = members[index].value else { return root }
        for stage in stages[fitFrom..<passEnd] where stage.position < stageValues.count {
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
