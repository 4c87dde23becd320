/// How a transform run ended.
package struct TransformResult: Sendable {
    package var summary: Summary
    /// The output pipe closed early (`| head`): not an error, and no summary is printed.
    package var stoppedByClosedPipe = false
}

/// The output formats a run can write. Each case holds a concrete `BatchWriter`, so the calls
/// per chunk are specialized for it (behind `any BatchWriter`, the generic formatting loops would
/// reach every cell through a witness table). A new format is one more writer type and case.
package enum OutputWriter: Sendable {
    case csv(CSVBatchWriter)
    case svmlight(SVMLightBatchWriter)

    /// What opens the output (a CSV header), empty for nothing.
    func header(columns names: [String]) -> [UInt8] {
        switch self {
        case .csv(let writer): writer.header(columns: names)
        case .svmlight(let writer): writer.header(columns: names)
        }
    }

    /// One chunk through the plan's stages and this format's writer. With no plan (no stage, CSV
    /// output) the good records are copied as they are: the pass-through.
    func write(_ work: inout ChunkWork, plan: ExecutionPlan?, weightBuffers: inout WeightBuffers, into out: inout [UInt8]) -> Int {
        switch self {
        case .csv(let writer):
            guard let plan else { return writer.appendRecords(of: work, into: &out) }
            return plan.apply(&work, writer: writer, weightBuffers: &weightBuffers, into: &out)
        case .svmlight(let writer):
            guard let plan else { preconditionFailure("svmlight output always runs a plan (the label is found on it)") }
            return plan.apply(&work, writer: writer, weightBuffers: &weightBuffers, into: &out)
        }
    }
}

/// One transform pass over the inputs, as the engine runs it:
///
/// record reader → workers (schema row checks, the plan's stages, the format's `BatchWriter`,
/// gzip per chunk) → the ordered writer on this thread, which applies `on_error` to each chunk's
/// row-level issues in input order (`fail` stops, `skip` counts, `reject` writes the rejects
/// file), writes the output bytes, and commits the outputs at the end (or removes them on an
/// error). The command only opens the outputs and hands them here.
package struct TransformRun {
    package var spec: Spec
    /// The inputs as read (stdin may have been spooled to a file for a fit pass first).
    package var inputs: [String]
    /// How messages name each input.
    package var displayNames: [String]
    package var engine: EngineOptions
    package var counters: EngineCounters
    /// The plan learned by a fit pass (`run`); nil builds the plan from the spec on the header,
    /// and then every stage must already be fitted (`apply`, or a spec with nothing to learn).
    package var fittedPlan: ExecutionPlan?
    package var output: OutputSink
    /// Where rejected records go (`on_error: reject` only).
    package var rejects: OutputSink?
    /// Each chunk is written as a gzip member at this level; nil writes plain bytes.
    package var gzipLevel: Int32?
    /// CSV records end with CRLF.
    package var crlf = false
    /// `apply` of a fitted spec with a `training` block: the training header, which the input's
    /// columns are matched to by name (the stages run, and the output is written, in its order).
    package var trainingHeader: [String]?
    /// What `apply` does with an input column the fit did not see.
    package var extraColumns = ExtraColumns.error
    /// An `ffill` column that never had a value is an error (`run`: as for every fill strategy).
    /// `apply` of a fitted spec leaves such a run missing instead: a partition, or the header
    /// line alone, may hold no value to carry although the data as a whole has one.
    package var requireCarriedValues = true

    package init(spec: Spec, inputs: [String], displayNames: [String], engine: EngineOptions, counters: EngineCounters,
                 fittedPlan: ExecutionPlan?, output: OutputSink, rejects: OutputSink?, gzipLevel: Int32?, crlf: Bool) {
        self.spec = spec
        self.inputs = inputs
        self.displayNames = displayNames
        self.engine = engine
        self.counters = counters
        self.fittedPlan = fittedPlan
        self.output = output
        self.rejects = rejects
        self.gzipLevel = gzipLevel
        self.crlf = crlf
    }

    private struct OutputChunk: Sendable {
        var bytes: [UInt8]
        var rowsOut: Int
    }

    /// Runs the pass; the summary holds the row counts (the caller adds bytes and time).
    package func run() throws(PreplineError) -> TransformResult {
        let spec = self.spec, names = displayNames, sink = output, rejectsSink = rejects
        let onError = spec.output.onError
        let formatter = CSVFormatter(delimiter: spec.output.delimiter ?? spec.input.delimiter,
                                     quote: spec.output.quote ?? spec.input.quote, crlf: crlf)
        let gzipLevel = self.gzipLevel
        let rejectsFormatter = CSVFormatter(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), crlf: false)
        // Sized so no output buffer is ever freed (see the raw pool in StreamingEngine.run).
        let outputPool = BufferPool(limit: EngineOptions.maxChunksInFlight(threads: engine.threads) + engine.threads)
        let fittedPlan = self.fittedPlan
        let planBox = PlanBox()
        let svmlight = spec.output.format == .svmlight
        let writerBox = WriterBox()
        let trainingHeader = self.trainingHeader, extraColumns = self.extraColumns
        // With no header row there are no names to match: the columns stay matched by position.
        let matchesByName = trainingHeader != nil && spec.input.header

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
                throw Self.asOutputError(error, sink)
            }
        }
        do throws(PreplineError) {
            if let rejectsSink {
                var head: [UInt8] = []
                rejectsFormatter.appendRecord(["file", "line", "reason", "record"], into: &head)
                do { try rejectsSink.write(head) } catch { throw Self.asOutputError(error, rejectsSink) }
            }
            let carry = CarryBoard()
            var rejectBytes: [UInt8] = []
            try StreamingEngine.run(
                inputs: inputs, displayNames: names, dialect: spec.input, options: engine.keepingIssues(for: onError), counters: counters, carry: carry,
                headerPolicy: HeaderPolicy(uniqueNames: true, matchesTrainingByName: matchesByName),
                onHeader: { header throws(PreplineError) in
                    var outputNames = header.names
                    var writer = OutputWriter.csv(CSVBatchWriter(formatter: formatter, writesHeader: spec.output.header))
                    // Matched by name to the training header; the identity leaves the run as it was.
                    var layout: InputLayout?
                    if matchesByName, let trainingHeader {
                        let matched = try InputLayout.match(training: trainingHeader, input: header.names, extraColumns: extraColumns,
                                                            file: names[header.inputIndex], line: header.line)
                        if !matched.isIdentity { layout = matched }
                    }
                    writerBox.rowSchema = layout.flatMap { layout in spec.schema.map { layout.inInputOrder($0, inputNames: header.names) } } ?? spec.schema
                    if !spec.decodedStages.isEmpty || svmlight || layout != nil {
                        var plan: ExecutionPlan
                        if let fittedPlan { plan = fittedPlan } else {
                            let planHeader = layout == nil ? header : DatasetHeader(names: trainingHeader!, fromInput: true)
                            plan = try ExecutionPlan(stages: spec.decodedStages, header: planHeader, dialect: spec.input, file: spec.file, fitFrom: nil)
                            plan.inputLayout = layout
                        }
                        if let unfitted = plan.firstUnfitted {
                            throw PreplineError.spec(file: spec.file, path: "stages[\(unfitted.position)]",
                                                     message: "the \(type(of: unfitted).kind) stage has no fitted parameters; make a fitted spec with `prepline fit`, or use `prepline run`, which fits first")
                        }
                        planBox.plan = plan
                        outputNames = plan.outputNames(emptyWork: .empty(header: header))
                        if svmlight {
                            writer = .svmlight(SVMLightBatchWriter(label: try plan.svmlightLabel(named: spec.output.label!, emptyWork: .empty(header: header), file: spec.file)))
                        }
                    }
                    writerBox.writer = writer
                    let bytes = writer.header(columns: outputNames)
                    guard !bytes.isEmpty else { return }
                    pendingHeader = gzipLevel.map { GzipMemberEncoder.compress(bytes, level: $0) } ?? bytes
                },
                makeProcessor: { header in
                    var scratch: [UInt8] = []
                    var weightBuffers = WeightBuffers()
                    let plan = planBox.plan
                    let writer = writerBox.writer!
                    let rowChecker = SchemaValidator.rowChecker(schema: writerBox.rowSchema, header: header)
                    return { (work: inout ChunkWork) throws(PreplineError) -> OutputChunk in
                        rowChecker?.rejectBadRows(&work)
                        var out = outputPool.take(minimumCapacity: work.raw.bytes.count + work.raw.bytes.count / 8)
                        let rows = writer.write(&work, plan: plan, weightBuffers: &weightBuffers, into: &out)
                        if let gzipLevel {
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
                                Self.appendReject(issue, file: names[delivery.inputIndex], formatter: rejectsFormatter, into: &rejectBytes)
                                if rejectBytes.count >= 1 << 20 {
                                    do { try rejectsSink!.write(rejectBytes) } catch { throw Self.asOutputError(error, rejectsSink!) }
                                    rejectBytes.removeAll(keepingCapacity: true)
                                }
                            }
                            do { try rejectsSink!.write(rejectBytes) } catch { throw Self.asOutputError(error, rejectsSink!) }
                            summary.rejected += delivery.issues.total
                        }
                    }
                    summary.rowsOut += delivery.payload.rowsOut
                    let more = try emit(delivery.payload.bytes)
                    outputPool.give(&delivery.payload.bytes)
                    return more
                })
            if requireCarriedValues { try planBox.plan?.checkCarried(carry, file: spec.file) }
            if try emit([]), let gzipLevel, sink.bytesWritten == 0 {
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
        result.summary = summary
        return result
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

/// Hands the writer chosen on the header to the workers, which start after it is set (the
/// engine calls `makeProcessor` only after `onHeader` returns), so the unlocked field is safe.
final class WriterBox: @unchecked Sendable {
    var writer: OutputWriter?
    /// The schema the rows are checked against, in the input's column order.
    var rowSchema: TableSchema?
}
