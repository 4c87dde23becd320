import Foundation
import Synchronization

/// Options of `prepline validate`.
package struct ValidateOptions: Sendable {
    /// Where the spec comes from (a path, `-`, a FIFO, or `--spec-json`).
    package var spec: SpecSource
    /// The command line's one-run overrides of the spec (`--delimiter`, `--no-header`, `--on-error`).
    package var overrides = SpecOverrides()
    /// The spec's name in messages.
    package var specPath: String { spec.displayName }
    package var inputs: [String] = ["-"]
    package var engine = EngineOptions()
    package var progress = ProgressMode.auto
    /// How many errors to list; all are counted.
    package var maxErrors = 20
    /// A fitted spec to check drift against, and how many fitted stds a mean may move.
    package var against: String?
    package var driftK = 3.0
    /// How much a column's missing ratio may grow since fit time (an absolute share: 0.05 is
    /// five more missing values in a hundred).
    package var driftMissing = 0.05
    /// The files `--report` writes (checked against the inputs and each other before reading).
    package var reportPaths: [String] = []
    /// The reports written to stdout, as given (`--report json`, `--report junit:-`): at most one.
    package var stdoutReports: [String] = []

    package init(specPath: String) { spec = SpecSource(path: specPath) }
}

/// The outcome of a validation: every finding counted, the first ones kept, every check's result.
package struct ValidationResult: Sendable {
    package var summary = Summary()
    package var errorCount = 0
    package var countsByType: [ValidationIssue.Kind: Int] = [:]
    package var listed: [ValidationIssue] = []
    package var checks: [CheckOutcome] = []
    package var rows = 0
    package var labels: [String] = []
    package var files: [String] = []
    /// The schema's fields and their constraints, for one JUnit test case each.
    package var fields: [SchemaField] = []
    package var hasPrimaryKey = false
    package var valid: Bool { errorCount == 0 }
}

/// `validate`: one streaming pass that checks every record against the spec's Table Schema and
/// computes its dataset checks, writing no data.
///
/// Workers check cells in parallel (types, constraints, widths, blank rows) and collect the keys
/// of `unique` fields and the primary key; the ordered consumer numbers the rows, compares keys
/// with every earlier row and merges the check states, so findings and their order are the same
/// for any `--threads` and chunk size. Without a schema, the columns are the header's, of type
/// `any`: only the structure is checked (widths, blank rows).
package enum ValidateCommand {
    /// The spec's schema (or `any` columns named by the header) and checks, bound to the header.
    static func validator(spec: Spec, header: DatasetHeader) throws(PreplineError) -> SchemaValidator {
        let schema = spec.schema ?? TableSchema(fields: header.names.map { SchemaField(name: $0, type: .any) }, source: "")
        let plan = try CheckPlan(checks: spec.checks, labels: header.names,
                                 missingTokens: spec.schema?.missingValues ?? spec.input.missing, file: spec.file)
        return SchemaValidator(schema: schema, labels: header.names, checks: plan)
    }

    package static func execute(_ options: ValidateOptions) throws(PreplineError) -> ValidationResult {
        let started = ContinuousClock.now
        var spec = try Spec.load(options.spec, overrides: options.overrides)
        if let against = options.against {
            let fitted = try Spec.load(path: against)
            let drift = DatasetCheck.drift(against: fitted, k: options.driftK, missingGrowth: options.driftMissing)
            if drift.isEmpty {
                throw PreplineError.usage("--against \(against): no fitted stage to compare with (fit the spec first: prepline fit)")
            }
            spec.checks += drift
        }
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        try PathCollision.checkStdinGivenOnce(inputs)
        try PathCollision.checkStdoutWrittenOnce(options.stdoutReports.map { ($0, true) })
        try PathCollision.check(inputs: inputs, alsoRead: PathCollision.specFile(options.spec) + (options.against.map { [PathCollision.NamedPath("--against", $0)] } ?? []),
                                outputs: options.reportPaths.map { PathCollision.NamedPath("--report", $0) })
        let names = InputNames.display(inputs)
        let counters = EngineCounters()
        let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: nil) : nil
        defer { progress?.stop() }

        var result = ValidationResult()
        result.files = names
        var ledger: ValidationLedger?
        var plan = CheckPlan()
        // One validator, built on the header and shared by the workers (it is immutable): one
        // per worker cost a copy of every field per column (100,000 columns: 560 MB).
        let shared = ValidatorBox()
        let header = try StreamingEngine.run(
            inputs: inputs, dialect: spec.input, options: options.engine, counters: counters,
            onHeader: { [spec] (header: DatasetHeader) throws(PreplineError) in
                let validator = try validator(spec: spec, header: header)
                shared.validator = validator
                plan = validator.checkPlan
                let schema = validator.schema
                var fold = ValidationLedger(validator: validator, maxListed: options.maxErrors)
                if header.fromInput {
                    for issue in validator.headerIssues(labels: header.names, file: names[0], line: 1) { fold.record(issue) }
                }
                ledger = fold
                result.labels = header.names
                result.fields = schema.fields
                result.hasPrimaryKey = !schema.primaryKey.isEmpty
            },
            makeProcessor: { (header: DatasetHeader) in
                // Set by onHeader before any worker starts (onHeader throws on a spec error).
                let validator = shared.validator!
                return { (work: inout ChunkWork) throws(PreplineError) in validator.check(work, file: names[work.raw.inputIndex]) }
            },
            consume: { delivery in
                ledger!.fold(delivery.payload, inputIndex: delivery.inputIndex, file: names[delivery.inputIndex])
                result.summary.rowsIn += delivery.records
                return true
            })
        if var ledger {
            let outcomes = plan.evaluate(ledger.checks, labels: header?.names ?? [])
            for outcome in outcomes where !outcome.passed {
                ledger.record(ValidationIssue(type: .checkError, fieldName: outcome.column, note: "\(outcome.label): \(outcome.note)", file: names[0]))
            }
            result.checks = outcomes
            result.errorCount = ledger.errorCount
            result.countsByType = ledger.countsByType
            result.listed = ledger.issues
            result.rows = ledger.rows
        } else if !spec.checks.isEmpty {
            // An empty input: only the checks that need no columns can say anything.
            let empty = try CheckPlan(checks: spec.checks.filter { $0.columns.isEmpty }, labels: [], missingTokens: [], file: spec.file)
            var partials = empty.makePartials(width: 0)
            partials.active = true
            result.checks = empty.evaluate(partials, labels: [])
            result.errorCount = result.checks.filter { !$0.passed }.count
        }
        result.summary.rowsOut = result.summary.rowsIn
        result.summary.inputBytes = counters.bytesParsed.load(ordering: .relaxed)
        result.summary.seconds = Summary.seconds(since: started)
        return result
    }
}

/// Hands the validator built on the header to the worker threads (which start after it is set).
/// Each worker reads it once, when it starts.
final class ValidatorBox: Sendable {
    private let slot = Mutex<SchemaValidator?>(nil)

    var validator: SchemaValidator? {
        get { slot.withLock { $0 } }
        set { slot.withLock { $0 = newValue } }
    }
}
