import Foundation

/// Options of `prepline fit`.
package struct FitOptions: Sendable {
    /// Where the spec comes from (a path, `-`, a FIFO, or `--spec-json`).
    package var spec: SpecSource
    /// The command line's one-run overrides of the spec (`--delimiter`, `--no-header`, `--on-error`).
    package var overrides = SpecOverrides()
    /// The spec's name in messages.
    package var specPath: String { spec.displayName }
    package var inputs: [String] = ["-"]
    package var output = "-"
    package var engine = EngineOptions()
    package var progress = ProgressMode.auto
    /// `training.fitted_at`; nil: `SOURCE_DATE_EPOCH` when set, else now.
    package var fittedAt: String?
    /// `--partial`: write the fit state of this partition (a part, `FitPart`) instead of a fitted spec.
    package var partial = false
    /// `--pass-state`: the pass state `merge` wrote for the next fit pass (with `partial`).
    package var passState: String?
    /// `--input-list`: the inputs were read from a list, so none at all is an empty partition, not stdin.
    package var inputsFromList = false

    package init(specPath: String) { spec = SpecSource(path: specPath) }
}

/// `fit`: learns every stage's parameters in one parallel pass and writes the fitted spec,
/// which `apply` then uses alone (on another machine, in a pipe, per partition).
package enum FitCommand {
    package static func execute(_ options: FitOptions) throws(PreplineError) -> Summary {
        let started = ContinuousClock.now
        let spec = try Spec.load(options.spec, overrides: options.overrides)
        if options.partial { return try executePartial(options, spec: spec, started: started) }
        if options.passState != nil { throw PreplineError.usage("--pass-state needs --partial (it starts a fit pass of partitions)") }
        let fittedAt: String
        if let given = options.fittedAt { fittedAt = given } else { fittedAt = try TrainingRecord.fitTime() }
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        try PathCollision.check(inputs: inputs, alsoRead: PathCollision.specFile(options.spec), outputs: [PathCollision.NamedPath("-o", options.output)])
        let counters = EngineCounters()
        // Opened before reading: an output that cannot be written is reported at once.
        let sink = try OutputSink(path: options.output)
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: nil) : nil
        let fitted = try FitPass.run(spec: spec, inputs: inputs, displayNames: InputNames.display(inputs), engine: options.engine, counters: counters)
        progress?.stop()
        guard let fitted else {
            throw PreplineError.malformedInput(InputPosition(file: InputNames.display(inputs)[0], line: 1), "the input is empty: there is nothing to fit")
        }
        do {
            let training = TrainingRecord(header: fitted.plan.header.names, rows: fitted.records, rowsLeftOut: fitted.rowsLeftOut,
                                          missing: spec.input.missing, fittedAt: fittedAt)
            try sink.writeDocument(Array((spec.fittedRoot(stages: fitted.fittedStages, training: training, overrides: options.overrides).serialized() + "\n").utf8))
        } catch let error as PreplineError {
            throw error
        } catch {
            // A closed pipe while writing a small JSON document: nothing more to do.
        }
        try sink.commit()
        return fitSummary(rows: fitted.records, leftOut: fitted.rowsLeftOut, counters: counters, started: started)
    }

    /// `fit --partial`: one read of the partition for the pass the pass state names (the first
    /// without one), written as one line of JSON that `merge` reads.
    private static func executePartial(_ options: FitOptions, spec: Spec, started: ContinuousClock.Instant) throws(PreplineError) -> Summary {
        let inputs = options.inputs.isEmpty && !options.inputsFromList ? ["-"] : options.inputs
        try PathCollision.checkStdinGivenOnce(inputs)
        try PathCollision.check(inputs: inputs, alsoRead: PathCollision.specFile(options.spec) + (options.passState.map { [PathCollision.NamedPath("--pass-state", $0)] } ?? []),
                                outputs: [PathCollision.NamedPath("-o", options.output)])
        var part = FitPart(specText: FitPart.embeddedSpecText(spec, overrides: options.overrides))
        var stageSpecs = spec.stagesToFit
        var expectedHeader: [String]?
        if let statePath = options.passState {
            let state = try FitPart.decode(InputList.readAll(statePath, what: "the pass state (--pass-state)"), name: statePath)
            guard state.isPassState else {
                throw PreplineError.usage("--pass-state \(statePath): a part, not a pass state (`prepline merge` writes a pass state when a spec needs another fit pass)")
            }
            guard state.specDigest == part.specDigest else {
                throw PreplineError.usage("--pass-state \(statePath) belongs to another spec than \(options.specPath): spec_digest \(state.specDigest) vs \(part.specDigest)")
            }
            stageSpecs = try state.stageSpecs(of: spec, name: statePath)
            part.pass = state.pass
            part.fitFrom = state.fitFrom
            part.learnedStages = state.learnedStages
            part.passRows = state.rows
            expectedHeader = state.header
            // A stage learned earlier that carries values across rows (ffill) runs live in a later
            // pass: across partitions its carry would start anew at each one.
            for (position, value) in stageSpecs.prefix(state.fitFrom).enumerated() {
                let carrier = try StageRegistry.decode(value, position: position, file: spec.file)
                guard carrier.carriesAcrossChunks else { continue }
                throw carriedIntoLaterPass(carrier, pass: state.pass, specPath: options.specPath)
            }
        }
        let sink = try OutputSink(path: options.output)
        let counters = EngineCounters()
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: nil) : nil
        let read: FitPass.PassRead?
        if inputs.isEmpty {
            read = nil
        } else {
            read = try FitPass.readPass(spec: spec, stageSpecs: stageSpecs, fitFrom: part.fitFrom, inputs: inputs, displayNames: InputNames.display(inputs),
                                        engine: options.engine, counters: counters, expectHeader: { header throws(PreplineError) in
                guard let expectedHeader, expectedHeader != header.names else { return }
                throw PreplineError.usage("\(InputNames.display(inputs)[header.inputIndex]) has another header than the pass state \(options.passState!): \(HeaderCheck.difference(found: header.names, expected: expectedHeader))")
            })
        }
        progress?.stop()
        // Said at this pass already, not only when the next one starts on every partition.
        if let plan = read?.plan, plan.passEnd < plan.stages.count,
           let carrier = plan.stages[..<plan.passEnd].first(where: \.carriesAcrossChunks) {
            throw carriedIntoLaterPass(carrier, pass: part.pass + 1, specPath: options.specPath)
        }
        part.header = read?.plan.header.names
        part.rows = read?.records ?? 0
        part.rowsLeftOut = read?.rowsLeftOut ?? 0
        part.state = read?.state
        do {
            try sink.writeDocument(part.line())
        } catch let error as PreplineError {
            throw error
        } catch {
            // A closed pipe: nothing more to do.
        }
        try sink.commit()
        return fitSummary(rows: part.rows, leftOut: part.rowsLeftOut, counters: counters, started: started)
    }

    /// A stage that carries values across rows (ffill) runs live in every pass after the one it
    /// is learned in; in partitions its carry would restart at each one.
    private static func carriedIntoLaterPass(_ carrier: any PipelineStage, pass: Int, specPath: String) -> PreplineError {
        PreplineError.usage("\(specPath): \(carrier.label) carries values from row to row and runs before fit pass \(pass): that pass cannot be fitted in partitions (each would start without the carry); fit this spec on one machine")
    }

    /// What a fit tells on stderr: rows with a row-level error were left out of the statistics
    /// (a fit writes no rejects).
    private static func fitSummary(rows: Int, leftOut: Int, counters: EngineCounters, started: ContinuousClock.Instant) -> Summary {
        var summary = Summary()
        summary.rowsIn = rows
        summary.skipped = leftOut
        summary.rowsOut = rows - leftOut
        summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        summary.seconds = Summary.seconds(since: started)
        return summary
    }
}
