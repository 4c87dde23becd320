import Foundation

/// Fitting, shared by `run` and `fit`: one parallel read per fit pass, each gathering the
/// mergeable fit state of the stages that pass fits (merged in input order), then learning
/// them stage by stage. Most specs fit in one pass; a stage that names columns an earlier stage
/// makes (`scale` on `city_*` after `onehot city`) fits in the next one, on the data as the
/// stages learned before it leave it (`ExecutionPlan`, `fitFrom` / `passEnd`).
package enum FitPass {
    /// What a fit learned.
    package struct Outcome: Sendable {
        /// Every stage learned, ready to apply.
        package var plan: ExecutionPlan
        /// The spec's stages with their `fitted` blocks.
        package var fittedStages: [JSONValue]
        /// Rows left out of the statistics (row-level errors under `on_error: skip` or `reject`).
        package var rowsLeftOut: Int
        /// Records read in one pass.
        package var records: Int
        /// How many passes over the data the fit took.
        package var passes: Int
    }

    /// Learns the spec's parameters from `inputs`; nil when the input is empty.
    /// Every stage learns anew: the `fitted` blocks of a fitted spec given to `fit` or `run` are
    /// dropped (only `apply` uses them), as scikit-learn's `fit` always refits.
    package static func run(spec: Spec, inputs: [String], displayNames: [String], engine: EngineOptions,
                            counters: EngineCounters) throws(PreplineError) -> Outcome? {
        var stageSpecs = spec.stagesToFit
        // Each pass reads the inputs anew: stdin and pipes are kept in files when a later pass may be needed.
        let rereadable = try mayNeedSeveralPasses(stageSpecs, file: spec.file) ? RereadableInputs(inputs) : nil
        defer { withExtendedLifetime(rereadable) {} }
        let inputs = rereadable?.paths ?? inputs
        var fitFrom = 0
        var passes = 0
        while true {
            passes += 1
            guard let pass = try runPass(spec: spec, stageSpecs: stageSpecs, fitFrom: fitFrom, inputs: inputs,
                                         displayNames: displayNames, engine: engine, counters: counters) else { return nil }
            let after = afterPass(pass.plan, stageSpecs: stageSpecs)
            stageSpecs = after.stageSpecs
            if after.done {
                // Bound anew with every stage learned: the columns later stages name, and the
                // names the learned stages make (checked for collisions), exist only now.
                let plan = try ExecutionPlan(stageSpecs: stageSpecs, outputStages: spec.outputStages, header: pass.plan.header, dialect: spec.input, file: spec.file)
                return Outcome(plan: plan, fittedStages: stageSpecs, rowsLeftOut: pass.rowsLeftOut, records: pass.records, passes: passes)
            }
            fitFrom = pass.plan.passEnd
        }
    }

    /// Whether some stage may make a later one with something to learn wait for another pass.
    private static func mayNeedSeveralPasses(_ stageSpecs: [JSONValue], file: String) throws(PreplineError) -> Bool {
        var deferring = false
        for (position, value) in stageSpecs.enumerated() {
            let stage = try StageRegistry.decode(value, position: position, file: file)
            if deferring && !stage.isFitted { return true }
            deferring = deferring || stage.mayDeferLaterStages
        }
        return false
    }

    /// One read of the inputs that fits `stages[fitFrom..<passEnd]`.
    private static func runPass(spec: Spec, stageSpecs: [JSONValue], fitFrom: Int, inputs: [String], displayNames: [String],
                                engine: EngineOptions, counters: EngineCounters) throws(PreplineError) -> (plan: ExecutionPlan, rowsLeftOut: Int, records: Int)? {
        guard let read = try readPass(spec: spec, stageSpecs: stageSpecs, fitFrom: fitFrom, inputs: inputs, displayNames: displayNames,
                                      engine: engine, counters: counters) else { return nil }
        var fitted = read.plan
        try fitted.learn(from: read.state)
        return (fitted, read.rowsLeftOut, read.records)
    }

    /// What one read of a fit pass gathers, before anything is learned: `fit --partial` writes it.
    package struct PassRead: Sendable {
        /// The pass's plan, bound to the header, its stages not yet learned.
        package var plan: ExecutionPlan
        /// The merged fit state of the rows read (nil: no data rows).
        package var state: FitState?
        package var rowsLeftOut: Int
        package var records: Int
    }

    /// The plan of the fit pass that starts at `fitFrom`: the first binds the spec's stages as
    /// decoded; a later one decodes the stages with the `fitted` blocks the passes before it wrote.
    package static func passPlan(spec: Spec, stageSpecs: [JSONValue], fitFrom: Int, header: DatasetHeader) throws(PreplineError) -> ExecutionPlan {
        fitFrom == 0 ? try ExecutionPlan(stages: spec.stagesForFitting, header: header, dialect: spec.input, file: spec.file, fitFrom: 0)
            : try ExecutionPlan(stageSpecs: stageSpecs, outputStages: spec.outputStages, header: header, dialect: spec.input, file: spec.file, fitFrom: fitFrom)
    }

    /// The fitted stages once pass `plan` is learned, and whether another pass is needed.
    package static func afterPass(_ plan: ExecutionPlan, stageSpecs: [JSONValue]) -> (stageSpecs: [JSONValue], done: Bool) {
        // Done when the stages left have nothing to learn (a select of `city_*` after an
        // unfitted onehot waits for its names, not for another pass).
        (plan.fittedStages(stageSpecs), plan.stages[plan.passEnd...].allSatisfy(\.isFitted))
    }

    /// Reads the inputs once for the pass that starts at `fitFrom`; nil when the input is empty.
    package static func readPass(spec: Spec, stageSpecs: [JSONValue], fitFrom: Int, inputs: [String], displayNames: [String],
                                 engine: EngineOptions, counters: EngineCounters,
                                 expectHeader: ((DatasetHeader) throws(PreplineError) -> Void)? = nil) throws(PreplineError) -> PassRead? {
        var plan: ExecutionPlan?
        var total: FitState?
        var rowsLeftOut = 0
        var recordsSeen = 0
        let box = PlanBox()
        let header = try StreamingEngine.run(
            inputs: inputs, displayNames: displayNames, dialect: spec.input, options: engine.keepingIssues(for: spec.output.onError == .fail ? .fail : .skip), counters: counters,
            headerPolicy: HeaderPolicy(uniqueNames: true),
            // A schema checks every column of every row, so only a schema-less fit may split
            // just the leading columns its stages read.
            leadingColumnsRead: { [hasSchema = spec.schema != nil] _ in hasSchema ? nil : box.plan!.leadingInputColumnsRead },
            onHeader: { header throws(PreplineError) in
                // The first pass binds the spec's stages as decoded; a later one decodes the
                // stages with the `fitted` blocks the passes before it wrote.
                try expectHeader?(header)
                plan = try passPlan(spec: spec, stageSpecs: stageSpecs, fitFrom: fitFrom, header: header)
                box.plan = plan
            },
            makeProcessor: { [schema = spec.schema] header in
                let plan = box.plan!
                let rowChecker = SchemaValidator.rowChecker(schema: schema, header: header)
                return { (work: inout ChunkWork) throws(PreplineError) -> FitState in
                    rowChecker?.rejectBadRows(&work)
                    return plan.observe(&work)
                }
            },
            consume: { delivery throws(PreplineError) -> Bool in
                recordsSeen += delivery.records
                if spec.output.onError == .fail, delivery.issues.total > 0 {
                    // Rows that break a stage stop the run before anything is written.
                    throw PreplineError.rowsFailed(delivery.issues, file: displayNames[delivery.inputIndex], recordsRead: recordsSeen)
                }
                rowsLeftOut += delivery.issues.total
                box.plan!.merge(&total, delivery.payload)
                return true
            })
        guard header != nil, let plan else { return nil }
        return PassRead(plan: plan, state: total, rowsLeftOut: rowsLeftOut, records: recordsSeen)
    }
}

/// Hands the plan built on the header to the worker threads (which start after it is set).
// @unchecked: `plan` is written once, in `onHeader`, before `StreamingEngine.run` starts any
// worker (`Thread.start()` is the happens-before edge), and only read afterwards, by the workers
// and by the consumer, which runs on the thread that called `onHeader`.
final class PlanBox: @unchecked Sendable {
    var plan: ExecutionPlan?
}

/// The inputs of a command that reads them more than once (a fit pass, then the transform; a
/// split's counting pass): stdin, and every input that is not a regular file, is copied to a
/// spool file first. A pipe is read once: a FIFO or `<(…)` opened a second time waits for a
/// writer that is gone (the run hung in open()).
package struct RereadableInputs {
    /// The paths to read: the spool files in place of stdin and the pipes.
    package private(set) var paths: [String]
    private var spools: [InputSpool] = []

    package init(_ inputs: [String]) throws(PreplineError) {
        paths = inputs
        for (index, path) in inputs.enumerated() where !Self.isRereadable(path) {
            let spool = try InputSpool(path: path)
            spools.append(spool)
            paths[index] = spool.path
        }
    }

    /// False for what cannot be read twice (stdin, pipes, FIFOs, devices); true for regular
    /// files, and for directories and paths that do not open at all: their errors come from the
    /// pass itself, before any output.
    package static func isRereadable(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFREG || kind == S_IFDIR
    }
}

/// Copies stdin (or a pipe named by its path) to a temporary file when it must be read twice.
///
/// The file is private (0600, a fresh random name) and known to the signal handler, so an
/// interrupted run leaves no copy of the data in the temporary directory.
package final class InputSpool {
    private let file: TemporaryFile
    package var path: String { file.path }

    package init(path source: String = "-") throws(PreplineError) {
        var directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        if !directory.hasSuffix("/") { directory += "/" }
        let what = source == "-" ? "stdin" : source
        // The input is opened first: a closed stdin or a missing pipe is an input error (exit 3), like `apply`'s.
        let input = try FileDescriptorSource(path: source)
        do {
            file = try TemporaryFile(directory: directory, prefix: "prepline-stdin-\(getpid())-", suffix: ".spool", mode: 0o600)
        } catch {
            throw PreplineError.output(file: directory, "cannot create a temporary file to hold \(what) for a second pass: \(error.reason)")
        }
        var completed = false
        defer {
            close(file.fd)
            if !completed { file.remove() }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try input.read(into: buffer)
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let written = write(file.fd, buffer.baseAddress! + offset, n - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    throw PreplineError.output(file: file.path, "cannot hold a copy of \(what) for a second pass: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        completed = true
    }

    deinit { file.remove() }
}
