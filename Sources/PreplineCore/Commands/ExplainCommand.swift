/// Options of `prepline explain`.
package struct ExplainOptions: Sendable {
    /// Where the spec comes from (a path, `-`, a FIFO, or `--spec-json`).
    package var spec: SpecSource
    /// The command line's one-run overrides of the spec (`--delimiter`, `--no-header`, `--on-error`).
    package var overrides = SpecOverrides()
    /// The spec's name in messages.
    package var specPath: String { spec.displayName }
    /// A CSV whose header resolves the stages' columns (globs expanded); only its header is read.
    package var input: String?
    /// The stage kinds the spec may use: the registry's (a test adds its own).
    package var stageKinds: [any PipelineStage.Type] = StageRegistry.kinds

    package init(specPath: String, input: String? = nil) {
        spec = SpecSource(path: specPath)
        self.input = input
    }
}

/// `explain`: the plan in words, before any data is read — what each stage does and learns, how
/// many passes over the data each command needs, and (given an input's header) which columns
/// each stage binds to and which columns come out.
///
/// It decodes and binds exactly as `run` does, so a spec that `explain --input` accepts is
/// refused by `run` only for what the data holds, never for the spec.
package enum ExplainCommand {
    /// The explanation, as printed (it ends with a newline).
    package static func execute(_ options: ExplainOptions) throws(PreplineError) -> String {
        let spec = try Spec.load(options.spec, overrides: options.overrides, kinds: options.stageKinds)
        let stages = spec.decodedStages

        var out = "spec: \(spec.file)\n"
        var header: DatasetHeader?
        var binding: Binding?
        if let input = options.input {
            guard let found = try readHeader(input, dialect: spec.input) else {
                throw PreplineError.malformedInput(InputPosition(file: InputNames.display([input])[0], line: 1),
                                                   "the input is empty: there is no header to resolve the columns with")
            }
            let origin = found.fromInput ? "from its header" : "no header: numbered"
            out += "input: \(InputNames.display([input])[0]): \(found.names.count) columns (\(origin)): \(Suggestion.shortList(found.names))\n"
            // A fitted spec runs on its training layout: `apply` matches the input's columns to it by name.
            if let training = spec.training, found.fromInput, training.header != found.names {
                let missing = training.header.filter { !found.names.contains($0) }
                let extra = found.names.filter { !training.header.contains($0) }
                out += "training layout: \(training.header.count) columns (apply matches the input's by name): \(Suggestion.shortList(training.header))\n"
                if !missing.isEmpty { out += "  missing from the input (apply exits 3): \(Suggestion.shortList(missing))\n" }
                if !extra.isEmpty { out += "  not seen by the fit (apply exits 3 unless --extra-columns drop|keep): \(Suggestion.shortList(extra))\n" }
                header = DatasetHeader(names: training.header, fromInput: true)
            } else {
                header = found
            }
            binding = try Binding(spec: spec, header: header!)
        }

        if let schema = spec.schema {
            // run, fit and apply check every row against the schema before the stages see it.
            out += "\nschema: \(schema.fields.count) fields; run, fit and apply check every row against it first: a row that breaks it follows output.on_error (\"\(spec.output.onError.rawValue)\")\n"
        }
        out += "\nstages:\n"
        if stages.isEmpty {
            out += spec.schema == nil ? "  none: the CSV passes through as it is\n"
                : "  none: the rows the schema accepts pass through as they are\n"
        }
        for (i, stage) in stages.enumerated() {
            let written = i < spec.stages.count ? spec.stages[i] : .object([("columns", .array(stage.selectors.map { .string($0) }))])
            out += describe(stage, spec: written, bound: binding?.stages[i], binding: binding)
            if let second = binding?.secondPass, second.stage == i {
                out += "      fits in a second pass, with the stages after it: \(second.reason)\n"
            }
        }

        let unfitted = stages.first { !$0.isFitted }
        out += "\npasses:\n"
        if let unfitted, let second = binding?.secondPass ?? Self.likelySecondPass(stages) {
            let first = second.stage == 1 ? "stages[0]" : "stages[0]…stages[\(second.stage - 1)]"
            out += "  run:   3 or more passes: fit \(first), then stages[\(second.stage)] and after on their output, then transform (stdin is kept in a temporary file to be read again)\n"
            out += "  fit:   2 or more passes (stages[\(second.stage)] waits for the second: \(second.reason); a stage after it may wait for one more), then writes the fitted spec (stdin is kept in a temporary file)\n"
            out += "  apply: 1 pass, on a fitted spec (this one is refused: \(unfitted.label) has parameters to learn; `prepline fit` writes the fitted spec)\n"
            if let carrier = stages[..<second.stage].first(where: \.carriesAcrossChunks) {
                out += "  partitions: refused: \(carrier.label) carries values from row to row and runs before fit pass 2, so that pass cannot be fitted in partitions (each would start without the carry); fit this spec on one machine\n"
            } else {
                out += "  partitions: 2 or more rounds of `fit --partial` per partition and `merge` (each merge but the last writes a pass state for `fit --partial --pass-state`; it says so)\n"
            }
        } else if let unfitted {
            out += "  run:   2 passes: fit, then transform (stdin is copied to a temporary file to be read twice)\n"
            out += "  fit:   1 pass, then writes the fitted spec\n"
            out += "  apply: 1 pass, on a fitted spec (this one is refused: \(unfitted.label) has parameters to learn; `prepline fit` writes the fitted spec)\n"
            out += "  partitions: 1 round: `fit --partial` per partition, then `merge` writes the fitted spec\n"
        } else {
            out += "  run:   1 pass: nothing to fit\n"
            out += "  fit:   1 pass (nothing to learn: the fitted spec is this spec)\n"
            out += "  apply: 1 pass\n"
        }

        out += "\n"
        if let binding, let header {
            out += try outputColumns(binding, spec: spec, header: header)
        } else {
            let effects = stages.compactMap { stage -> String? in
                stage.columnEffect.map { "  \(stage.label): \($0)\n" }
            }
            out += "output columns: the input's columns in their order, each stage rewriting its columns in place"
            out += effects.isEmpty ? ".\n" : "; except:\n" + effects.joined()
            out += "  (give an input, INPUT or --input FILE, to list them)\n"
        }
        return out
    }

    /// Without an input's header: the first stage that names `<col>_…` of a column an earlier,
    /// unfitted stage expands (it fits in a second pass), as `PlanColumns.deferral` decides.
    private static func likelySecondPass(_ stages: [any PipelineStage]) -> (stage: Int, reason: String)? {
        // A stage with nothing to learn that waits (a select of some one-hot columns) costs a
        // pass only when a stage from it on has something to learn.
        for (j, later) in stages.enumerated() where stages[j...].contains(where: { !$0.isFitted }) {
            for earlier in stages[..<j] where !earlier.isFitted && earlier.mayDeferLaterStages {
                for column in earlier.selectors where !Glob.isPattern(column) {
                    if let selector = later.selectors.first(where: { $0.hasPrefix("\(column)_") }) {
                        return (j, "'\(selector)' names columns that \(earlier.label) makes from '\(column)'")
                    }
                }
            }
            // A column rewritten by an earlier stage whose statistics cannot be replayed through
            // it (clip, bin, ordinal, clean; `ExecutionPlan` decides the same on the header).
            guard j > 0, later.rewritesValues else { continue }
            for (e, earlier) in stages[..<j].enumerated() where earlier.rewritesValues {
                for column in later.selectors where !Glob.isPattern(column) && earlier.selectors.contains(column) {
                    guard !earlier.passesStatistics(of: column) else { continue }
                    let learnsBefore = stages[..<e].contains { !$0.isFitted && $0.selectors.contains(column) }
                    guard !earlier.isFitted || learnsBefore else { continue }
                    let why = earlier.isFitted ? "after an earlier stage of this pass, so its values are final only in the next pass" : "which must be fitted first"
                    return (j, "column '\(column)' is rewritten by \(earlier.label), \(why)")
                }
            }
        }
        return nil
    }

    /// The stages bound to the input's columns as `run` binds them, and the columns after them.
    /// A stage that fits in a later pass (it names columns a stage of this pass makes) is not
    /// bound: its columns are known only once the stages before it are fitted.
    private struct Binding {
        var stages: [(any PipelineStage)?] = []
        /// Columns each stage inserted (fill's indicators), by position.
        var added: [[String]] = []
        /// The columns after each stage, as they would be written (a block still to be learned
        /// as its placeholder, `city_<category>…`), by position.
        var outputs: [[String]] = []
        var columns: PlanColumns
        /// The plan `run` would build (it also checks what binding alone does not).
        var plan: ExecutionPlan

        init(spec: Spec, header: DatasetHeader) throws(PreplineError) {
            // As apply would run it when every stage is fitted; as fit would, otherwise.
            let fitting = spec.decodedStages.contains { !$0.isFitted }
            plan = try ExecutionPlan(stages: fitting ? spec.stagesForFitting : spec.decodedStages, header: header, dialect: spec.input, file: spec.file, fitFrom: fitting ? 0 : nil)
            columns = PlanColumns(names: header.names, file: spec.file)
            for (i, var stage) in (fitting ? spec.stagesForFitting : spec.decodedStages).enumerated() {
                guard i < plan.passEnd else { stages.append(nil); added.append([]); outputs.append([]); continue }
                columns.stageRunsLearned = !fitting
                let before = Set(columns.names)
                try stage.bind(columns: &columns)
                added.append(stage.rewritesValues ? columns.names.filter { !before.contains($0) } : [])
                stages.append(stage)
                outputs.append(Self.written(columns, stages: stages.compactMap { $0 }))
            }
            for i in stages.indices { try stages[i]?.planBound(columns) }
        }

        /// The column names as written, a block still to be learned as its stage's placeholder.
        static func written(_ columns: PlanColumns, stages: [any PipelineStage]) -> [String] {
            columns.names.flatMap { name -> [String] in
                if let members = columns.blocks[name], columns.expandedBy[name] != nil { return members }
                guard let label = columns.namesLearnedLater[name] else { return [name] }
                return stages.first { $0.label == label }?.expandedNames(of: name) ?? ["\(name)_…"]
            }
        }

        /// The first stage of the second fit pass, and why it waits.
        var secondPass: (stage: Int, reason: String)? {
            plan.deferral.map { (plan.passEnd, $0) }
        }
    }

    private static func describe(_ stage: any PipelineStage, spec: JSONValue, bound: (any PipelineStage)?, binding: Binding?) -> String {
        let kind = type(of: stage)
        var out = stage.path == "output" ? "  [output.columns] \(kind.kind)" : "  [\(stage.position)] \(kind.kind)"
        let options = optionsLine(spec, table: kind.options)
        if !options.isEmpty { out += "  \(options)" }
        out += "\n"
        let indent = "      "
        let columns: [String]
        if let bound {
            columns = bound.columnNames
            let named = stage.selectors.joined(separator: ", ")
            out += "\(indent)columns: \(columns.joined(separator: ", "))"
            out += stage.selectors.contains(where: Glob.isPattern) ? "  (from \(named))\n" : "\n"
            if let added = binding?.added[stage.position], !added.isEmpty {
                out += "\(indent)adds \(added.joined(separator: ", "))\n"
            }
            let expansions = columns.compactMap { column in bound.expandedNames(of: column).map { (column, $0) } }
            for (column, names) in expansions {
                out += "\(indent)expands \(column) into \(abbreviated(names))\n"
            }
            // A stage that neither adds nor expands columns may still say where they go (tokenize).
            if expansions.isEmpty, binding?.added[stage.position].isEmpty ?? true, let effect = bound.columnEffect {
                out += "\(indent)\(effect)\n"
            }
        } else {
            columns = stage.selectors
            out += "\(indent)columns: \(columns.joined(separator: ", "))\n"
            if let effect = stage.columnEffect { out += "\(indent)\(effect)\n" }
        }
        if let written = binding?.outputs[stage.position], bound != nil {
            let count = written.contains { $0.hasSuffix("…") } ? "columns (some known once fitted)" : "\(written.count) column\(written.count == 1 ? "" : "s")"
            out += "\(indent)→ \(count): \(Suggestion.shortList(written))\n"
        }
        let learned = stage.learnedParameters
        if !stage.isFitted {
            out += "\(indent)learns \(learned) of \(columns.joined(separator: ", "))\n"
        } else if case .object(let fitted)? = spec["fitted"] {
            out += "\(indent)fitted: \(learned) of \(fitted.map(\.key).joined(separator: ", ")) frozen in the spec\n"
        } else {
            out += "\(indent)nothing to learn\n"
        }
        return out
    }

    /// The stage's options as `key=value`, those given in the spec, then the defaults of its
    /// choices that were not given (marked), so the line says what will actually run.
    private static func optionsLine(_ spec: JSONValue, table: StageOptionTable) -> String {
        guard case .object(let members) = spec else { return "" }
        var parts = members.filter { !["stage", "columns", "fitted"].contains($0.key) }.map { "\($0.key)=\(compact($0.value))" }
        // An option of other selector values (robust's "quantiles" on a zscore scale) is not shown.
        let selected = table.selector.flatMap { spec[$0] ?? table[$0]?.defaultValue }
        for option in table.options where spec[option.name] == nil && option.type.isChoice {
            guard let value = option.defaultValue, value != .null else { continue }
            if let allowed = option.appliesTo, case .string(let s)? = selected, !allowed.contains(s) { continue }
            parts.append("\(option.name)=\(compact(value)) (default)")
        }
        return parts.joined(separator: " ")
    }

    /// One-line JSON, with plain words unquoted.
    private static func compact(_ value: JSONValue) -> String {
        switch value {
        case .string(let s):
            let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
            return plain ? s : value.serialized()
        case .array(let items): return "[" + items.map { item in
            if case .string = item { return item.serialized() }
            return compact(item)
        }.joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { "\(JSONValue.string($0.key).serialized()): \(compact($0.value))" }.joined(separator: ", ") + "}"
        default: return value.serialized()
        }
    }

    private static func abbreviated(_ names: [String], limit: Int = 8) -> String {
        names.count <= limit ? names.joined(separator: ", ")
            : names.prefix(limit).joined(separator: ", ") + ", … (\(names.count) columns)"
    }

    private static func outputColumns(_ binding: Binding, spec: Spec, header: DatasetHeader) throws(PreplineError) -> String {
        var lines: [String] = []
        var complete = true
        if binding.plan.firstUnfitted == nil {
            lines = binding.plan.outputNames(emptyWork: .empty(header: header))
        } else {
            if let second = binding.secondPass {
                complete = false
                lines.append("(after stages[\(second.stage - 1)]; stages[\(second.stage)] and after bind once it is fitted)")
            }
            for name in binding.columns.names {
                guard let label = binding.columns.expandedBy[name] else { lines.append(name); continue }
                let stage = binding.stages.compactMap { $0 }.first { $0.label == label }
                let names = stage?.expandedNames(of: name) ?? ["\(name)_…"]
                if names.contains(where: { $0.hasSuffix("…") }) {
                    complete = false
                    lines += names.map { "\($0)  (\(stage?.expandedUnit ?? "one per category"), learned by \(label))" }
                } else {
                    lines += names
                }
            }
        }
        let count = complete ? "\(lines.count)" : "known once fitted"
        return "output columns (\(count)):\n" + lines.map { "  \($0)\n" }.joined()
    }

    /// The input's column names: its first record only, read as the engine reads it (gzip,
    /// BOM, quoting), so `explain` resolves globs against the same names `run` sees.
    package static func readHeader(_ path: String, dialect: InputDialect) throws(PreplineError) -> DatasetHeader? {
        let chunker = RecordChunker(inputs: [path], dialect: dialect, chunkSize: 1 << 16)
        guard let first = try chunker.next() else { return nil }
        let fields = LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote).parse(first.bytes, expectedRecords: 1)
        if let columns = dialect.columns { return DatasetHeader(names: columns, fromInput: false) }
        if dialect.header { return DatasetHeader(names: fields.strings(ofRecord: 0), fromInput: true) }
        return DatasetHeader(names: (1...max(1, fields.fieldCount(ofRecord: 0))).map { "column_\($0)" }, fromInput: false)
    }
}

/// Small text outputs (`explain`, `schema`) written to stdout like the data is: an output error
/// is exit 4, and a reader that has gone (`| head`) ends the command quietly.
package enum StdoutText {
    package static func write(_ text: String) throws(PreplineError) {
        let sink = try OutputSink(path: "-")
        do {
            try sink.write(LosslessText.bytes(text))
        } catch is BrokenPipe {
            return
        } catch let error as PreplineError {
            throw error
        } catch {
            throw PreplineError.output(file: sink.displayName, "\(error)")
        }
        try sink.commit()
    }
}
