import Foundation

/// The fitting pass shared by `run` and `fit`: one parallel read that gathers every stage's
/// mergeable statistics, merged in input order, then learned stage by stage.
package enum FitPass {
    /// Learns the spec's parameters from `inputs`; returns the fitted plan and how many rows
    /// were left out of the statistics (row-level errors under `on_error: skip` or `reject`).
    /// Every stage learns anew: the `fitted` blocks of a fitted spec given to `fit` or `run` are
    /// dropped (only `apply` uses them), as scikit-learn's `fit` always refits.
    package static func run(spec: Spec, inputs: [String], displayNames: [String], engine: EngineOptions,
                            counters: EngineCounters) throws(PreplineError) -> (plan: ExecutionPlan, rowsLeftOut: Int)? {
        var spec = spec
        spec.stages = spec.stagesToFit
        var plan: ExecutionPlan?
        var total: [[ColumnProfile]]?
        var rowsLeftOut = 0
        var recordsSeen = 0
        let box = PlanBox()
        let carry = CarryBoard()
        let header = try StreamingEngine.run(
            inputs: inputs, displayNames: displayNames, dialect: spec.input, options: engine.keepingIssues(for: spec.output.onError == .fail ? .fail : .skip), counters: counters, carry: carry,
            // A schema checks every column of every row, so only a schema-less fit may split
            // just the leading columns its stages read.
            leadingColumnsRead: { [hasSchema = spec.schema != nil] _ in hasSchema ? nil : box.plan!.leadingInputColumnsRead },
            onHeader: { header throws(PreplineError) in
                plan = try ExecutionPlan(stageSpecs: spec.stages, header: header, dialect: spec.input, file: spec.file)
                box.plan = plan
            },
            makeProcessor: { [schema = spec.schema] header in
                let plan = box.plan!
                let rowChecker = SchemaValidator.rowChecker(schema: schema, header: header)
                return { (work: inout ChunkWork) throws(PreplineError) -> [[ColumnProfile]] in
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
                ExecutionPlan.merge(&total, delivery.payload)
                return true
            })
        guard header != nil, var fitted = plan else { return nil }
        try fitted.checkCarried(carry, file: spec.file)
        try fitted.learn(from: total)
        return (fitted, rowsLeftOut)
    }
}

/// Hands the plan built on the header to the worker threads (which start after it is set).
final class PlanBox: @unchecked Sendable {
    var plan: ExecutionPlan?
}

/// Copies stdin to a temporary file when it must be read twice (fit, then transform).
///
/// The file is private (0600, a fresh random name) and known to the signal handler, so an
/// interrupted run leaves no copy of the data in the temporary directory.
package final class StdinSpool {
    private let file: TemporaryFile
    package var path: String { file.path }

    package init() throws(PreplineError) {
        var directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        if !directory.hasSuffix("/") { directory += "/" }
        // stdin is opened first: a closed stdin is an input error (exit 3), like `apply`'s.
        let input = try FileDescriptorSource(path: "-")
        do {
            file = try TemporaryFile(directory: directory, prefix: "prepline-stdin-\(getpid())-", suffix: ".spool", mode: 0o600)
        } catch {
            throw PreplineError.output(file: directory, "cannot create a temporary file to hold stdin for the fit pass: \(error.reason)")
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
                    throw PreplineError.output(file: file.path, "cannot hold a copy of stdin for the fit pass: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        completed = true
    }

    deinit { file.remove() }
}
