import Foundation

/// Options of `prepline profile`.
package struct ProfileOptions: Sendable {
    /// A spec whose `input` block says how to read the data (delimiter, missing tokens, header);
    /// nil reads it with the defaults.
    package var spec: SpecSource?
    package var overrides = SpecOverrides()
    package var inputs: [String] = ["-"]
    package var jsonPath: String?
    package var htmlPath: String?
    package var emitSpecPath: String?
    package var budgets = ProfileBudgets()
    package var engine = EngineOptions()
    package var progress = ProgressMode.auto
    /// Width of the text table; nil: the terminal's (`ProfileTable.terminalWidth`).
    package var width: Int?

    package init() {}
}

/// What a profile run made: the JSON document and, when wanted, the text table (already written).
package struct ProfileResult: Sendable {
    package var document: JSONValue
    package var summary = Summary()
    package var malformedRows = 0
    package var firstMalformed: String?
    /// Lines for stderr (`prepline: warning: …`).
    package var warnings: [String] = []
    /// stdout's reader went away while a document was written there: the run ends quietly.
    package var stdoutClosed = false
}

/// `profile`: one parallel streaming pass that describes every column (type, counts, distinct
/// values, numeric figures or text lengths and top values) and the data set (duplicate rows,
/// missingness by band of rows, nullity correlation), in memory bounded by the budgets.
///
/// Workers profile their chunks (`ChunkProfiler`); the consumer merges the chunk profiles in
/// input order (`ProfileAccumulator`), so the document is byte-identical for any `--threads`
/// and `--chunk-size`. Records of the wrong width are left out and counted (`malformed_rows`).
package enum ProfileCommand {
    /// Freed blocks stay in the heap for reuse until malloc holds this much; then they go back
    /// to the system as they are freed (`MallocTuning.keepFreedMemory`). 200k rows stay below
    /// (peak RSS 71 MB, 58 MB before), 4M rows peak at 83 MB (74 MB before).
    static let heapKeptWithFreedMemory = 64 << 20

    package static func execute(_ options: ProfileOptions) throws(PreplineError) -> ProfileResult {
        let started = ContinuousClock.now
        MallocTuning.keepFreedMemory()
        var keepingFreedMemory = true
        var dialect = InputDialect()
        if let source = options.spec {
            dialect = try Spec.load(source, overrides: options.overrides).input
        } else {
            var spec = Spec()
            try options.overrides.apply(to: &spec)
            dialect = spec.input
        }
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        var outputs: [PathCollision.NamedPath] = []
        if let path = options.jsonPath { outputs.append(PathCollision.NamedPath("--json", path)) }
        if let path = options.htmlPath { outputs.append(PathCollision.NamedPath("--html", path)) }
        if let path = options.emitSpecPath { outputs.append(PathCollision.NamedPath("--emit-spec", path)) }
        try PathCollision.checkStdinGivenOnce(inputs)
        try PathCollision.checkStdoutWrittenOnce(outputs.map { ("\($0.role) \($0.path)", $0.path == "-") })
        try PathCollision.check(inputs: inputs, alsoRead: options.spec.map { PathCollision.specFile($0, role: "--spec") } ?? [], outputs: outputs)
        // Opened before reading: an output that cannot be written is reported at once.
        let jsonSink = try options.jsonPath.map { path throws(PreplineError) in try OutputSink(path: path) }
        let htmlSink = try options.htmlPath.map { path throws(PreplineError) in try OutputSink(path: path) }
        let specSink = try options.emitSpecPath.map { path throws(PreplineError) in try OutputSink(path: path) }
        let names = InputNames.display(inputs)
        let counters = EngineCounters()
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: nil) : nil
        defer { progress?.stop() }

        var accumulator: ProfileAccumulator?
        var malformed = 0
        var firstMalformed: String?
        var rowsRead = 0
        let missing = MissingTokens(dialect.missing)
        let input = dialect
        let tabIsBlank = dialect.delimiter != 0x09
        // A chunk per worker, one being read and one being merged: the default twice as many
        // cost about 2 MB each (raw bytes and the chunk's texts) next to the tables.
        var engine = options.engine
        if engine.chunksInFlight == nil { engine.chunksInFlight = engine.threads + 2 }
        let textPool = ColumnBufferPool(limitPerColumn: engine.chunksInFlight! + engine.threads)
        let header = try StreamingEngine.run(
            inputs: inputs, dialect: dialect, options: engine, counters: counters,
            // Two columns of one name would be one key of the JSON document: refused (exit 3), as run does.
            headerPolicy: HeaderPolicy(uniqueNames: true),
            onHeader: { (header: DatasetHeader) throws(PreplineError) in
                accumulator = ProfileAccumulator(names: header.names, budgets: options.budgets)
            },
            makeProcessor: { (header: DatasetHeader) in
                var profiler = ChunkProfiler(width: header.names.count, missing: missing, numberFormats: header.names.map(input.numberFormat(for:)), textPool: textPool)
                profiler.tabIsBlank = tabIsBlank
                profiler.sizeHints = DistinctSizeHints(width: header.names.count)
                return { (work: inout ChunkWork) throws(PreplineError) in profiler.profile(work) }
            },
            consume: { (delivery: consuming ChunkDelivery<ChunkProfile>) throws(PreplineError) -> Bool in
                accumulator!.merge(delivery.payload)
                if keepingFreedMemory, (MallocTuning.heapBytes ?? .max) > Self.heapKeptWithFreedMemory {
                    MallocTuning.releaseLargeBlocksPromptly()
                    MallocTuning.trim()
                    keepingFreedMemory = false
                }
                for c in delivery.payload.columns.indices { textPool.give(&delivery.payload.columns[c].textBytes, column: c) }
                rowsRead += delivery.records
                // A line of blanks is no row to pandas, not a record of the wrong width.
                let rejectedBlank = delivery.payload.rejectedBlankLines
                malformed += delivery.issues.total - rejectedBlank
                if firstMalformed == nil, rejectedBlank == 0, let first = delivery.issues.first {
                    firstMalformed = "\(names[delivery.inputIndex]):\(first.issue.line): \(first.issue.reason)"
                } else if firstMalformed == nil, let first = delivery.payload.firstMalformed {
                    firstMalformed = "\(names[delivery.inputIndex]):\(first.line): expected \(Plural.of(accumulator!.names.count, "field")), found \(first.fields)"
                }
                return true
            })
        // A header-only file is an empty table (0 rows, its columns); 0 bytes has no columns at
        // all, which pandas refuses too (EmptyDataError): nothing is written.
        guard let header else {
            throw PreplineError.malformedInput(InputPosition(file: names[0], line: 1),
                                               dialect.header ? "the input is empty: there is no header to profile" : "the input is empty: there is no record to profile")
        }
        var profile = accumulator ?? ProfileAccumulator(names: header.names, budgets: options.budgets)
        profile.malformedRows = malformed
        let document = ProfileDocument.build(profile)
        // A closed stdout drops the document written there; the files are still written.
        var stdoutOpen = true
        if let jsonSink { stdoutOpen = try ReportOutput.writeDocument(Array((document.serialized() + "\n").utf8), to: jsonSink) && stdoutOpen }
        if let htmlSink { stdoutOpen = try ReportOutput.writeDocument(Array(try ProfileHTML.render(document).utf8), to: htmlSink) && stdoutOpen }
        if let specSink { stdoutOpen = try ReportOutput.writeDocument(Array((ProfileSpec.build(profile, dialect: dialect).serialized() + "\n").utf8), to: specSink) && stdoutOpen }
        try jsonSink?.commit()
        try htmlSink?.commit()
        try specSink?.commit()
        var result = ProfileResult(document: document)
        result.stdoutClosed = !stdoutOpen
        if header.names.contains(where: { LosslessText.bytes($0) != Array($0.utf8) }) {
            result.warnings.append("the header is not UTF-8 (\(Suggestion.shortList(header.names.map(LosslessText.display)))): its bytes are shown as \\xE9 escapes; a --spec with \"input\": {\"encoding\": \"latin-1\"} (or \"cp1252\") decodes them")
        }
        if options.emitSpecPath != nil, profile.blankRows + profile.whitespaceLines + profile.emptyLines > 0 {
            var what: [String] = []
            if profile.blankRows > 0 { what.append("\(Plural.of(profile.blankRows, "row")) with every cell missing (rows to pandas)") }
            if profile.whitespaceLines > 0 { what.append("\(Plural.of(profile.whitespaceLines, "line")) of blanks only") }
            if profile.emptyLines > 0 { what.append("\(Plural.of(profile.emptyLines, "empty line")) (pandas and profile skip both)") }
            result.warnings.append("\(what.joined(separator: " and ")): validate reports each as an error (frictionless' blank-row, or the cells of the line), so it will not accept this data with the emitted spec until they are removed")
        }
        result.malformedRows = malformed
        result.firstMalformed = firstMalformed
        result.summary.rowsIn = rowsRead
        result.summary.rowsOut = profile.rows
        result.summary.skipped = malformed
        result.summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        result.summary.seconds = Summary.seconds(since: started)
        return result
    }

    /// Writes the text table to stdout; false when the reader of stdout has gone.
    package static func writeTable(_ document: JSONValue, width: Int?) throws(PreplineError) -> Bool {
        let text = ProfileTable.render(document, width: width ?? ProfileTable.terminalWidth())
        return try ReportOutput.writeStdout(Array(text.utf8))
    }
}
