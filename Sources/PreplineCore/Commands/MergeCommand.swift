import Foundation

/// Options of `prepline merge`.
package struct MergeOptions: Sendable {
    /// Part files in input order; `-` reads parts from stdin, one a line.
    package var parts: [String] = []
    package var output = "-"
    /// `--partial`: write the merged part instead of finishing the fit.
    package var partial = false
    /// `training.fitted_at`; nil: `SOURCE_DATE_EPOCH` when set, else now.
    package var fittedAt: String?

    package init() {}
}

/// What `merge` did, for the summary and the note on stderr.
package struct MergeResult: Sendable {
    package var summary = Summary()
    /// Set when the spec needs another fit pass: what to run next.
    package var nextPassNote: String?
}

/// `merge`: merges the parts `fit --partial` wrote, in the order given, into the fitted spec —
/// the very spec `fit` writes for the concatenated input — or (`--partial`) into one part.
/// When the spec needs another fit pass, it writes a pass state for `fit --partial --pass-state`.
package enum MergeCommand {
    package static func execute(_ options: MergeOptions) throws(PreplineError) -> MergeResult {
        let started = ContinuousClock.now
        // Freed blocks stay in the heap for the next part's tables instead of being faulted in
        // afresh (4 parts of `full`: 1,947 page faults, 2,179 with glibc's defaults; peak RSS the
        // same). One thread, one arena: `fit` with this kept freed memory in every worker's arena
        // (a 400k-term vocabulary peaked at 285 MB on 2 threads, 195 MB without).
        MallocTuning.keepFreedMemory()
        guard !options.parts.isEmpty else { throw PreplineError.usage("no parts to merge: name part files, or '-' to read parts from stdin one a line") }
        if options.parts.filter({ $0 == "-" }).count > 1 { throw PreplineError.usage("stdin ('-') can be given only once") }
        try PathCollision.check(inputs: options.parts, outputs: [PathCollision.NamedPath("-o", options.output)])
        var fittedAt: String?
        if !options.partial { fittedAt = options.fittedAt; if fittedAt == nil { fittedAt = try TrainingRecord.fitTime() } }
        let sink = try OutputSink(path: options.output)
        // One part at a time: decoded, checked, merged and dropped, so memory holds the merged
        // state and one part (1000 parts of a 20,000-term vocabulary held together took 1 GB).
        var firstSeen: (name: String, part: FitPart)?
        var merged: FitPart?
        var mergePlan: ExecutionPlan?
        var context: (spec: Spec, stageSpecs: [JSONValue], header: DatasetHeader, empty: FitState)?
        var total: FitState?
        func take(_ name: String, _ part: FitPart) throws(PreplineError) {
            if part.isPassState {
                throw PreplineError.usage("\(name): a pass state, not a part: give it to `prepline fit --partial --pass-state` for the next fit pass")
            }
            guard let (firstName, firstPart) = firstSeen else {
                firstSeen = (name, part)
                merged = part
                merged!.state = nil
                try take2(name, part)
                return
            }
            try firstPart.checkBelongs(part, name: firstName, otherName: name)
            merged!.rows += part.rows
            merged!.rowsLeftOut += part.rowsLeftOut
            merged!.partitions += part.partitions
            try take2(name, part)
        }
        func take2(_ name: String, _ part: FitPart) throws(PreplineError) {
            if merged!.header == nil { merged!.header = part.header }
            guard let state = part.state else { return }
            if context == nil {
                let stageSpecs = try firstSeen!.part.stageSpecs(of: firstSeen!.part.decodedSpec(name: firstSeen!.name), name: firstSeen!.name)
                // Decoded again under the name errors of the merged statistics give (it parsed above).
                let spec = try firstSeen!.part.decodedSpec(name: Self.mergedName)
                let header = DatasetHeader(names: part.header ?? [], fromInput: spec.input.header)
                mergePlan = try FitPass.passPlan(spec: spec, stageSpecs: stageSpecs, fitFrom: firstSeen!.part.fitFrom, header: header)
                context = (spec, stageSpecs, header, mergePlan!.emptyFitState())
            }
            try checkShape(state, like: context!.empty, name: name)
            mergePlan!.merge(&total, state)
        }
        var partBytes = 0
        for path in options.parts {
            if path == "-" {
                try readStdinParts { name, bytes throws(PreplineError) in
                    partBytes += bytes.count
                    try take(name, FitPart.decode(bytes, name: name, mergingTermsInto: &total))
                }
            } else {
                let bytes = try InputList.readAll(path, what: "the part")
                partBytes += bytes.count
                try take(path, FitPart.decode(bytes, name: path, mergingTermsInto: &total))
            }
        }
        guard let (firstName, firstPart) = firstSeen, var merged else { throw PreplineError.usage("stdin held no part (one part a line)") }
        var result = MergeResult()
        result.summary.rowsIn = merged.rows
        // The summary's MB/s: of the parts read (inflated, as the data's is).
        result.summary.inputBytes = partBytes
        result.summary.skipped = merged.rowsLeftOut
        result.summary.rowsOut = merged.rows - merged.rowsLeftOut
        guard let header = merged.header else {
            // Every partition was empty.
            guard options.partial else {
                throw PreplineError.malformedInput(InputPosition(file: firstName, line: 1), "every part is of an empty partition: there is nothing to fit")
            }
            try write(merged.line(), to: sink)
            result.summary.seconds = Summary.seconds(since: started)
            return result
        }
        if context == nil {
            // Parts with a header but no data row: the plan of no rows.
            let stageSpecs = try firstPart.stageSpecs(of: firstPart.decodedSpec(name: firstName), name: firstName)
            let spec = try firstPart.decodedSpec(name: Self.mergedName)
            let datasetHeader = DatasetHeader(names: header, fromInput: spec.input.header)
            mergePlan = try FitPass.passPlan(spec: spec, stageSpecs: stageSpecs, fitFrom: firstPart.fitFrom, header: datasetHeader)
            context = (spec, stageSpecs, datasetHeader, mergePlan!.emptyFitState())
        }
        let first = firstPart
        let (spec, stageSpecs, datasetHeader, _) = context!
        var plan = mergePlan!
        if options.partial {
            merged.state = total
            try write(merged.line(), to: sink)
            result.summary.seconds = Summary.seconds(since: started)
            return result
        }
        if let passRows = merged.passRows, passRows != merged.rows {
            throw PreplineError.usage("the parts of fit pass \(first.pass) read \(merged.rows) rows, pass \(first.pass - 1) read \(passRows): a partition is missing or was given twice; merge the parts of every partition, each once")
        }
        try plan.learn(from: total)
        let after = FitPass.afterPass(plan, stageSpecs: stageSpecs)
        if after.done {
            // Bound anew with every stage learned, as `fit` does: names the learned stages make are checked.
            _ = try ExecutionPlan(stageSpecs: after.stageSpecs, outputStages: spec.outputStages, header: datasetHeader, dialect: spec.input, file: spec.file)
            let training = TrainingRecord(header: header, rows: merged.rows, rowsLeftOut: merged.rowsLeftOut, missing: spec.input.missing, fittedAt: fittedAt!)
            try write(Array((spec.fittedRoot(stages: after.stageSpecs, training: training, overrides: SpecOverrides()).serialized() + "\n").utf8), to: sink)
        } else {
            var next = FitPart(specText: first.specText)
            next.isPassState = true
            next.pass = first.pass + 1
            next.fitFrom = plan.passEnd
            next.header = header
            next.learnedStages = JSONValue.array(after.stageSpecs).serialized()
            next.rows = merged.rows
            try write(next.line(), to: sink)
            let waiting = plan.stages[plan.passEnd]
            result.nextPassNote = "prepline: note: fit pass \(first.pass) of the spec is learned, not the whole fit: \(waiting.label) waits for pass \(next.pass)"
                + (plan.deferral.map { " (\($0))" } ?? "")
                + "; wrote a pass state to \(options.output == "-" ? "stdout" : options.output): run `prepline fit SPEC INPUT… --partial --pass-state STATE -o PART` per partition again, then merge those parts"
        }
        result.summary.seconds = Summary.seconds(since: started)
        return result
    }

    /// What an error of the merged statistics names (a variance too large to z-score): all the
    /// parts, not the first one, whose spec the plan was decoded from.
    static let mergedName = "the merged parts"

    /// Parts from stdin, one a line. A Hadoop Streaming reducer gets each mapper line as
    /// `KEY<TAB>VALUE`, and a line without a tab as the key followed by a tab: a trailing tab
    /// (and CR) is dropped, and a line that does not start with `{` is read from after its first
    /// tab (the key a mapper put first, to sort the parts into input order). A part has no raw
    /// tab inside: JSON escapes them.
    private static func readStdinParts(_ take: (String, [UInt8]) throws(PreplineError) -> Void) throws(PreplineError) {
        let bytes = try InputList.readAll("-", what: "the parts")
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = line
            while let last = line.last, last == 0x09 || last == 0x0D || last == 0x20 { line = line.dropLast() }
            guard !line.isEmpty else { continue }
            if line.first != UInt8(ascii: "{"), let tab = line.firstIndex(of: 0x09) { line = line[(tab + 1)...] }
            let name = "stdin:\(lineNumber)"
            try take(name, Array(line))
        }
    }

    /// A part altered by hand could index past the plan's stages or columns.
    private static func checkShape(_ state: FitState, like empty: FitState, name: String) throws(PreplineError) {
        let fits = state.stages.count == empty.stages.count && zip(state.stages, empty.stages).allSatisfy {
            $0.profiles.count == $1.profiles.count && $0.carried.count == $1.carried.count
        }
        if !fits { throw PreplineError.usage("\(name): the fit state does not have the spec's stages and columns: the part was altered") }
    }

    private static func write(_ bytes: [UInt8], to sink: OutputSink) throws(PreplineError) {
        do {
            try sink.writeDocument(bytes)
        } catch let error as PreplineError {
            throw error
        } catch {
            // A closed pipe: nothing more to do.
        }
        try sink.commit()
    }
}
