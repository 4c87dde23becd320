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

    package init(specPath: String) { spec = SpecSource(path: specPath) }
}

/// `fit`: learns every stage's parameters in one parallel pass and writes the fitted spec,
/// which `apply` then uses alone (on another machine, in a pipe, per partition).
package enum FitCommand {
    package static func execute(_ options: FitOptions) throws(PreplineError) -> Summary {
        let started = ContinuousClock.now
        let spec = try Spec.load(options.spec, overrides: options.overrides)
        let fittedAt: String
        if let given = options.fittedAt { fittedAt = given } else { fittedAt = try TrainingRecord.fitTime() }
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        try PathCollision.check(inputs: inputs, outputs: [PathCollision.NamedPath("-o", options.output)])
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
            try sink.write(Array((spec.fittedRoot(stages: fitted.fittedStages, training: training, overrides: options.overrides).serialized() + "\n").utf8))
        } catch let error as PreplineError {
            throw error
        } catch {
            // A closed pipe while writing a small JSON document: nothing more to do.
        }
        try sink.commit()
        var summary = Summary()
        summary.rowsIn = fitted.records
        // Rows with a row-level error were left out of the statistics (fit writes no rejects).
        summary.skipped = fitted.rowsLeftOut
        summary.rowsOut = summary.rowsIn - fitted.rowsLeftOut
        summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        summary.seconds = Summary.seconds(since: started)
        return summary
    }
}
