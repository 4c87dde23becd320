import Foundation

/// Options of `prepline validate`.
package struct ValidateOptions: Sendable {
    package var specPath: String
    package var inputs: [String] = ["-"]
    package var engine = EngineOptions()
    package var progress = ProgressMode.auto
    /// How many errors to list; all are counted.
    package var maxErrors = 20

    package init(specPath: String) { self.specPath = specPath }
}

/// The outcome of a validation: every row-level error counted, the first ones kept.
package struct ValidationResult: Sendable {
    package var summary = Summary()
    package var errorCount = 0
    package var listed: [RowError] = []
    package var valid: Bool { errorCount == 0 }
}

/// `validate`: one streaming pass that parses every record and checks it, writing no data.
///
/// Today it checks what the engine knows: well-formed CSV (exit 3 otherwise) and the width of
/// every record. It is also the measure of the parser's throughput, since nothing is written.
package enum ValidateCommand {
    package static func execute(_ options: ValidateOptions) throws(PreplineError) -> ValidationResult {
        let started = ContinuousClock.now
        let spec = try Spec.load(path: options.specPath)
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        let names = InputNames.display(inputs)
        let counters = EngineCounters()
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: nil) : nil
        defer { progress?.stop() }

        var result = ValidationResult()
        try StreamingEngine.run(
            inputs: inputs, dialect: spec.input, options: options.engine, counters: counters,
            onHeader: { _ in },
            makeProcessor: { _ in { (_: inout ChunkWork) throws(PreplineError) in () } },
            consume: { delivery in
                result.summary.rowsIn += delivery.records
                result.errorCount += delivery.issues.count
                for (record, issue) in delivery.issues where result.listed.count < options.maxErrors {
                    result.listed.append(RowError(position: InputPosition(file: names[delivery.inputIndex], line: issue.line),
                                                  record: record, reason: issue.reason))
                }
                return true
            })
        result.summary.rowsOut = result.summary.rowsIn - result.errorCount
        result.summary.rejected = result.errorCount
        result.summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        result.summary.seconds = Summary.seconds(since: started)
        return result
    }
}
