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

    package init(specPath: String) { spec = SpecSource(path: specPath) }
}

/// Hands the svmlight label's column index, found on the header, to the workers.
// @unchecked: `label` is written only in `onHeader`, which `StreamingEngine.run` calls on its own
// thread before it starts any worker, and read only in `makeProcessor` on the workers;
// `Thread.start()` (pthread_create) is the happens-before edge, and nothing writes it afterwards.
final class LabelBox: @unchecked Sendable {
    var label: Int?
}

/// How a transform run ended.
package struct TransformResult: Sendable {
    package var summary: Summary
    /// The output pipe closed early (`| head`): not an error, and no summary is printed.
    package var stoppedByClosedPipe = false
}

/// `run` and `apply`: stream the inputs through the spec's stages to the output.
///
/// With no stages this is a faithful pass-through; it is also the frame every stage runs in.
package enum TransformCommand {
    private struct OutputChunk: Sendable {
        var bytes: [UInt8]
        var rowsOut: Int
    }

    package static func execute(_ options: TransformOptions) throws(PreplineError) -> TransformResult {
        let started = ContinuousClock.now
        let spec = try Spec.load(options.spec, overrides: options.overrides)
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw PreplineError.usage("stdin ('-') can be given only once as an input")
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
        try PathCollision.check(inputs: inputs, outputs: outputs)

        let formatter = CSVFormatter(delimiter: spec.output.delimiter ?? spec.input.delimiter,
                                     quote: spec.output.quote ?? spec.input.quote, crlf: options.crlf)
        let gzipOutput = options.output.hasSuffix(".gz")
        let gzipLevel = options.gzipLevel
        let sink = try OutputSink(path: options.output)
        let rejectsSink = try onError == .reject ? OutputSink(path: rejectsPath!) : nil
        let rejectsFormatter = CSVFormatter(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), crlf: false)
        let names = InputNames.display(inputs)
        // Sized so no output buffer is ever freed (see the raw pool in StreamingEngine.run).
        let outputPool = BufferPool(limit: EngineOptions.maxChunksInFlight(threads: options.engine.threads) + options.engine.threads)

        let counters = EngineCounters()
        let totalBytes: Int? = inputs.contains("-") ? nil : inputs.reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: totalBytes) : nil
        defer { progress?.stop() }

        // `run` learns first; stdin is kept in a temporary file only when it must be read twice.
        var dataInputs = inputs
        var spool: StdinSpool?
        var fittedPlan: ExecutionPlan?
        if !spec.stages.isEmpty && !options.requireFitted && spec.needsFitting {
            if let stdinIndex = inputs.firstIndex(of: "-") {
                spool = try StdinSpool()
                dataInputs[stdinIndex] = spool!.path
            }
            fittedPlan = try FitPass.run(spec: spec, inputs: dataInputs, displayNames: names, engine: options.engine, counters: EngineCounters())?.plan
        }
        defer { _ = spool }
        let planBox = PlanBox()
        let svmlight = spec.output.format == .svmlight
        let labelBox = LabelBox()

        var summary = Summary()
        var result = TransformResult(summary: summary)
        var pendingHeader: [UInt8]? = nil
        /// Writes output bytes (after the header, which waits for the first write); false once
        /// the reader of stdout has gone.
        func emit(_ bytes: [UInt8]) throws(PreplineError) -> Bool {
            do {
                if let header = pendingHeader {
                    pendingHeader = nil
                    try sink.write(header)
                }
                if !bytes.isEmpty { try sink.write(bytes) }
                return true
            } catch is BrokenPipe {
                result.stoppedByClosedPipe = true
                return false
            } catch {
                throw asOutputError(error, sink)
            }
        }
        do throws(PreplineError) {
            if let rejectsSink {
                var head: [UInt8] = []
                rejectsFormatter.appendRecord(["file", "line", "reason", "record"], into: &head)
                do { try rejectsSink.write(head) } catch { throw asOutputError(error, rejectsSink) }
            }
            let carry = CarryBoard()
            var rejectBytes: [UInt8] = []
            try StreamingEngine.run(
                inputs: dataInputs, displayNames: names, dialect: spec.input, options: options.engine.keepingIssues(for: onError), counters: counters, carry: carry,
                onHeader: { header throws(PreplineError) in
                    var outputNames = header.names
                    if !spec.stages.isEmpty || svmlight {
                        let plan: ExecutionPlan
                        if let fittedPlan { plan = fittedPlan } else {
                            plan = try ExecutionPlan(stageSpecs: spec.stages, header: header, dialect: spec.input, file: spec.file)
                        }
                        if let unfitted = plan.firstUnfitted {
                            throw PreplineError.spec(file: spec.file, path: "stages[\(unfitted.position)]",
                                                     message: "the \(type(of: unfitted).kind) stage has no fitted parameters; make a fitted spec with `prepline fit`, or use `prepline run`, which fits first")
                        }
                        planBox.plan = plan
                        outputNames = plan.outputNames(emptyWork: .empty(header: header))
                        if svmlight {
                            labelBox.label = try plan.svmlightLabel(named: spec.output.label!, emptyWork: .empty(header: header), file: spec.file)
                        }
                    }
                    guard spec.output.header && !svmlight else { return }
                    var bytes: [UInt8] = []
                    formatter.appendRecord(outputNames, into: &bytes)
                    pendingHeader = gzipOutput ? GzipMemberEncoder.compress(bytes, level: gzipLevel) : bytes
                },
                makeProcessor: { header in
                    var scratch: [UInt8] = []
                    var weightBuffers = WeightBuffers()
                    let plan = planBox.plan
                    let label = labelBox.label
                    let rowChecker = SchemaValidator.rowChecker(schema: spec.schema, header: header)
                    return { (work: inout ChunkWork) throws(PreplineError) -> OutputChunk in
                        rowChecker?.rejectBadRows(&work)
                        var out = outputPool.take(minimumCapacity: work.raw.bytes.count + work.raw.bytes.count / 8)
                        let rows = plan.map { $0.apply(&work, formatter: formatter, svmlightLabel: label, weightBuffers: &weightBuffers, into: &out) } ?? formatter.appendRecords(of: work, into: &out)
                        if gzipOutput {
                            swap(&out, &scratch)
                            GzipMemberEncoder.compress(scratch, level: gzipLevel, into: &out)
                            scratch.removeAll(keepingCapacity: true)
                        }
                        return OutputChunk(bytes: out, rowsOut: rows)
                    }
                },
                consume: { (delivery: consuming ChunkDelivery<OutputChunk>) throws(PreplineError) -> Bool in
                    summary.rowsIn += delivery.records
                    if delivery.issues.total > 0 {
                        switch onError {
                        case .fail:
                            throw PreplineError.rowsFailed(delivery.issues, file: names[delivery.inputIndex], recordsRead: summary.rowsIn)
                        case .skip:
                            summary.skipped += delivery.issues.total
                        case .reject:
                            // Written a megabyte at a time into one reused buffer: a chunk of short
                            // bad records makes megabytes of rejects, a fresh array per chunk.
                            rejectBytes.removeAll(keepingCapacity: true)
                            for (_, issue) in delivery.issues {
                                appendReject(issue, file: names[delivery.inputIndex], formatter: rejectsFormatter, into: &rejectBytes)
                                if rejectBytes.count >= 1 << 20 {
                                    do { try rejectsSink!.write(rejectBytes) } catch { throw asOutputError(error, rejectsSink!) }
                                    rejectBytes.removeAll(keepingCapacity: true)
                                }
                            }
                            do { try rejectsSink!.write(rejectBytes) } catch { throw asOutputError(error, rejectsSink!) }
                            summary.rejected += delivery.issues.total
                        }
                    }
                    summary.rowsOut += delivery.payload.rowsOut
                    let more = try emit(delivery.payload.bytes)
                    outputPool.give(&delivery.payload.bytes)
                    return more
                })
            try planBox.plan?.checkCarried(carry, file: spec.file)
            if try emit([]), gzipOutput && sink.bytesWritten == 0 {
                // An empty .gz output is still a valid gzip file.
                _ = try emit(GzipMemberEncoder.compress([], level: gzipLevel))
            }
            if result.stoppedByClosedPipe { return result }
            try rejectsSink?.commit()
            try sink.commit()
        } catch {
            sink.abort()
            rejectsSink?.abort()
            throw error
        }
        summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        summary.seconds = Summary.seconds(since: started)
        result.summary = summary
        return result
    }

    /// `--rejects FILE` only has a use under on_error "reject"; elsewhere it would be silently
    /// ignored, so it is a usage error. `onError` is the effective policy for this run (the
    /// spec's, or a command-line override of it).
    package static func checkRejectsOption(_ rejects: String?, onError: OnError) throws(PreplineError) {
        guard rejects != nil, onError != .reject else { return }
        throw PreplineError.usage("--rejects needs on_error \"reject\", but this run's on_error is \"\(onError.rawValue)\" (set output.on_error to \"reject\" in the spec)")
    }

    /// One rejects record: file, line, reason, then the original record's bytes exactly as
    /// read (invalid UTF-8 included), quoted as CSV needs.
    static func appendReject(_ issue: RecordIssue, file: String, formatter: CSVFormatter, into out: inout [UInt8]) {
        formatter.appendField(file, fieldCount: 4, into: &out)
        out.append(UInt8(ascii: ","))
        formatter.appendField(String(issue.line), fieldCount: 4, into: &out)
        out.append(UInt8(ascii: ","))
        formatter.appendField(issue.reason, fieldCount: 4, into: &out)
        out.append(UInt8(ascii: ","))
        issue.originalBytes.withUnsafeBytes { formatter.appendField($0, fieldCount: 4, into: &out) }
        formatter.appendTerminator(into: &out)
    }

    private static func asOutputError(_ error: any Error, _ sink: OutputSink) -> PreplineError {
        if let error = error as? PreplineError { return error }
        return .output(file: sink.displayName, "\(error)")
    }
}
