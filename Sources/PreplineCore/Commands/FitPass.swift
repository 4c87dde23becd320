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
                if spec.output.onError == .fail, delivery.issues.total > 0 {
                    // Rows that break a stage stop the run before anything is written.
                    throw PreplineError.rowsFailed(delivery.issues.prefix(10).map {
                        RowError(position: InputPosition(file: displayNames[delivery.inputIndex], line: $0.issue.line),
                                 record: $0.record, reason: $0.issue.reason)
                    })
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
package final class StdinSpool {
    package let path: String

    package init() throws(PreplineError) {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        path = "\(directory)/prepline-stdin-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).spool"
        guard let output = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else {
            throw PreplineError.output(file: path, "cannot create a temporary file to hold stdin for the fit pass")
        }
        defer { try? output.close() }
        let input = FileHandle.standardInput
        while true {
            let data = input.readData(ofLength: 1 << 20)
            if data.isEmpty { break }
            do { try output.write(contentsOf: data) } catch {
                throw PreplineError.output(file: path, "cannot spool stdin: \(error.localizedDescription)")
            }
        }
    }

    deinit { unlink(path) }
}
