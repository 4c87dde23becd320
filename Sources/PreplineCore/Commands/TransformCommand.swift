import Foundation

/// Options shared by `run` and `apply`, filled in by the executable's argument parser.
package struct TransformOptions: Sendable {
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
    package var crlf = false
    package var rejects: String?
    package var gzipLevel: Int32 = 6
    /// `apply`: every stage must already be fitted (no fit pass, one streaming read).
    package var requireFitted = false
    /// `apply`: what an input column the fit did not see does (`--extra-columns`; nil: not
    /// given, which is `error`).
    package var extraColumns: ExtraColumns?
    /// `--no-output-header`: no header record (overrides output.header), for partitions after the first.
    package var noOutputHeader = false
    /// `--input-list`: the inputs came from a list, so none at all is an empty partition (no output), not stdin.
    package var inputsFromList = false

    package init(specPath: String) { spec = SpecSource(path: specPath) }
}

/// `run` and `apply`: checks the options, opens the outputs, fits first for `run`, and hands the
/// pass to the engine (`TransformRun`: stages, writer, `on_error`, rejects, gzip, commit).
///
/// With no stages this is a faithful pass-through; it is also the frame every stage runs in.
package enum TransformCommand {
    package static func execute(_ options: TransformOptions) throws(PreplineError) -> TransformResult {
        let started = ContinuousClock.now
        var spec = try Spec.load(options.spec, overrides: options.overrides)
        if options.noOutputHeader { spec.output.header = false }
        let specRead = PathCollision.specFile(options.spec, role: options.requireFitted ? "the fitted spec" : "the spec")
        if options.inputsFromList && options.inputs.isEmpty {
            // An empty partition: an empty output, still written by rename.
            try PathCollision.check(inputs: [], alsoRead: specRead, outputs: [PathCollision.NamedPath("-o", options.output)])
            let sink = try OutputSink(path: options.output)
            try sink.commit()
            var summary = Summary()
            summary.seconds = Summary.seconds(since: started)
            return TransformResult(summary: summary)
        }
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        try PathCollision.checkStdinGivenOnce(inputs)
        if let extra = options.extraColumns, spec.training == nil || !spec.input.header {
            throw PreplineError.usage("--extra-columns \(extra.rawValue): \(spec.training == nil ? "the fitted spec has no training block (it was not written by `prepline fit`)" : "the input has no header row"), so its columns are matched by position and none is extra")
        }
        if options.extraColumns == .keep && spec.output.format == .svmlight {
            throw PreplineError.usage("--extra-columns keep: svmlight output has no place for columns the fit did not see (use drop)")
        }
        let onError = spec.output.onError
        try checkRejectsOption(options.rejects, onError: onError)
        let rejectsPath = options.rejects ?? spec.output.rejects
        if onError == .reject && rejectsPath == nil {
            throw PreplineError.spec(file: options.specPath, path: "output.on_error",
                                     message: "\"reject\" needs a rejects file: set output.rejects or pass --rejects FILE")
        }
        var outputs = [PathCollision.NamedPath("-o", options.output)]
        if onError == .reject, let rejectsPath {
            outputs.append(PathCollision.NamedPath(options.rejects != nil ? "--rejects" : "output.rejects", rejectsPath))
        }
        try PathCollision.check(inputs: inputs, alsoRead: specRead, outputs: outputs)

        // Opened before reading: an output that cannot be written is reported at once.
        let sink = try OutputSink(path: options.output)
        let rejectsSink = try onError == .reject ? OutputSink(path: rejectsPath!) : nil
        let names = InputNames.display(inputs)
        let counters = EngineCounters()
        let totalBytes: Int? = inputs.contains("-") ? nil : inputs.reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: totalBytes) : nil
        defer { progress?.stop() }

        // `run` learns first; stdin and pipes are kept in temporary files only when they must be read twice.
        var dataInputs = inputs
        var spool: RereadableInputs?
        var fittedPlan: ExecutionPlan?
        if !options.requireFitted && spec.needsFitting {
            spool = try RereadableInputs(inputs)
            dataInputs = spool!.paths
            fittedPlan = try FitPass.run(spec: spec, inputs: dataInputs, displayNames: names, engine: options.engine, counters: EngineCounters())?.plan
        }
        // The spool files live until the run ends: a bare `_ = spool` let the optimizer remove
        // them after the fit, and the transform found no file (release builds only).
        defer { withExtendedLifetime(spool) {} }
        var run = TransformRun(spec: spec, inputs: dataInputs, displayNames: names, engine: options.engine, counters: counters,
                               fittedPlan: fittedPlan, output: sink, rejects: rejectsSink,
                               gzipLevel: options.output.hasSuffix(".gz") ? options.gzipLevel : nil, crlf: options.crlf)
        if options.requireFitted {
            // `apply` matches the columns to the training header by name; `run` refits on the input as it is.
            run.trainingHeader = spec.training?.header
            run.extraColumns = options.extraColumns ?? .error
            run.requireCarriedValues = false
        }
        var result = try run.run()
        if result.stoppedByClosedPipe { return result }
        result.summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        result.summary.seconds = Summary.seconds(since: started)
        return result
    }

    /// `--rejects FILE` only has a use under on_error "reject"; elsewhere it would be silently
    /// ignored, so it is a usage error. `onError` is the effective policy for this run (the
    /// spec's, or a command-line override of it).
    package static func checkRejectsOption(_ rejects: String?, onError: OnError) throws(PreplineError) {
        guard rejects != nil, onError != .reject else { return }
        throw PreplineError.usage("--rejects needs on_error \"reject\", but this run's on_error is \"\(onError.rawValue)\" (set output.on_error to \"reject\" in the spec)")
    }
}
