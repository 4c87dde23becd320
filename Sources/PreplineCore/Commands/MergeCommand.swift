import Foundation
import Synchronization

/// Options of `prepline merge`.
package struct MergeOptions: Sendable {
    /// Part files in input order; `-` reads parts from stdin, one a line.
    package var parts: [String] = []
    package var output = "-"
    /// `--partial`: write the merged part instead of finishing the fit.
    package var partial = false
    /// `training.fitted_at`; nil: `SOURCE_DATE_EPOCH` when set, else now.
    package var fittedAt: String?
    /// Threads that read and merge parts (each a run of them, merged in order at the end).
    /// Each holds a merged state, so the default stops at `defaultThreadLimit`.
    package var threads = min(ProcessInfo.processInfo.activeProcessorCount, MergeCommand.defaultThreadLimit)

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
        // same). Each merging thread keeps its own (`fit` with this kept freed memory in every
        // worker's arena: a 400k-term vocabulary peaked at 285 MB on 2 threads, 195 MB without).
        MallocTuning.keepFreedMemory()
        guard !options.parts.isEmpty else { throw PreplineError.usage("no parts to merge: name part files, or '-' to read parts from stdin one a line") }
        if options.parts.filter({ $0 == "-" }).count > 1 { throw PreplineError.usage("stdin ('-') can be given only once") }
        try PathCollision.check(inputs: options.parts, outputs: [PathCollision.NamedPath("-o", options.output)])
        var fittedAt: String?
        if !options.partial { fittedAt = options.fittedAt; if fittedAt == nil { fittedAt = try TrainingRecord.fitTime() } }
        let sink = try OutputSink(path: options.output)
        // One part at a time per thread: decoded, checked, merged and dropped, so memory holds a
        // merged state and one part per thread (1000 parts of a 20,000-term vocabulary held
        // together took 1 GB).
        var queue = PartQueue(options.parts)
        var firstSeen: (name: String, part: FitPart)?
        var mergePlan: ExecutionPlan?
        var context: (spec: Spec, stageSpecs: [JSONValue], header: DatasetHeader, empty: FitState)?
        var run = MergedRun()
        // Until the plan is known (the first part with data rows): one part at a time, here.
        while context == nil, let source = try queue.next() {
            let part = try run.read(source, first: firstSeen)
            if firstSeen == nil { firstSeen = part }
            guard let state = part.part.state else { continue }
            let stageSpecs = try firstSeen!.part.stageSpecs(of: firstSeen!.part.decodedSpec(name: firstSeen!.name), name: firstSeen!.name)
            // Decoded again under the name errors of the merged statistics give (it parsed above).
            let spec = try firstSeen!.part.decodedSpec(name: Self.mergedName)
            let header = DatasetHeader(names: part.part.header ?? [], fromInput: spec.input.header)
            mergePlan = try FitPass.passPlan(spec: spec, stageSpecs: stageSpecs, fitFrom: firstSeen!.part.fitFrom, header: header)
            context = (spec, stageSpecs, header, mergePlan!.emptyFitState())
            try Self.checkShape(state, like: context!.empty, name: part.name)
            mergePlan!.merge(&run.total, state)
        }
        if let (firstName, firstPart) = firstSeen, let plan = mergePlan, let empty = context?.empty {
            let first = (name: firstName, part: firstPart)
            // Stdin is read when the parts before it are merged, as one part at a time reads it.
            while queue.stdinAhead, let source = try queue.next() { try run.take(source, first: first, plan: plan, like: empty) }
            // The rest: in runs of consecutive parts, one a thread, merged in order (merging is
            // associative, so the result is the same for any number of runs). The first error
            // in input order is the one thrown, as merging one part at a time would throw it.
            let rest = queue.rest
            let runs = max(1, min(options.threads, rest.count / Self.minimumPartsPerThread))
            if runs == 1 {
                for source in rest { try run.take(source, first: first, plan: plan, like: empty) }
            } else {
                for later in MergedRun.merge(rest, in: runs, first: first, plan: plan, like: empty) { try run.append(later.get(), plan: plan) }
            }
        }
        guard let (firstName, firstPart) = firstSeen else { throw PreplineError.usage("stdin held no part (one part a line)") }
        // The first part's spec, digest and pass, with the counts and state of them all.
        var merged = firstPart
        merged.state = nil
        merged.rows = run.rows
        merged.rowsLeftOut = run.rowsLeftOut
        merged.partitions = run.partitions
        merged.header = run.header
        let total = run.total
        let partBytes = run.partBytes
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

    /// Fewer parts than this to a thread, and merging them on another costs more than it saves.
    package static let minimumPartsPerThread = 8
    /// `--threads`' default: the cores, up to this many (each thread holds a merged state).
    package static let defaultThreadLimit = 4

    /// A part altered by hand could index past the plan's stages or columns.
    fileprivate static func checkShape(_ state: FitState, like empty: FitState, name: String) throws(PreplineError) {
        let fits = state.stages.count == empty.stages.count && zip(state.stages, empty.stages).allSatisfy {
            $0.profiles.count == $1.profiles.count && $0.carried.count == $1.carried.count
                && zip($0.profiles, $1.profiles).allSatisfy { $0.needs == $1.needs }
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

/// What merging a run of consecutive parts gives: their row counts, the first header among them
/// and their merged fit state.
private struct MergedRun: Sendable {
    var rows = 0
    var rowsLeftOut = 0
    var partitions = 0
    var header: [String]?
    var total: FitState?
    var partBytes = 0
    /// The first part of the run, for a message about the run's counts.
    var firstName: String?

    /// Reads the next part, checks it belongs with the first part (none: it is the first) and
    /// counts its rows. Its term counts go straight into `total`'s as it is read
    /// (`FitPart.decode(_:name:mergingTermsInto:)`); the rest of its state is left to merge.
    mutating func read(_ source: PartSource, first: (name: String, part: FitPart)?) throws(PreplineError) -> (name: String, part: FitPart) {
        let (name, bytes) = try source.read()
        if firstName == nil { firstName = name }
        partBytes += bytes.count
        let part = try FitPart.decode(bytes, name: name, mergingTermsInto: &total)
        if part.isPassState {
            throw PreplineError.usage("\(name): a pass state, not a part: give it to `prepline fit --partial --pass-state` for the next fit pass")
        }
        try first?.part.checkBelongs(part, name: first!.name, otherName: name)
        try add(part.rows, part.rowsLeftOut, part.partitions, of: name)
        if header == nil { header = part.header }
        return (name, part)
    }

    /// Adds a part's (or a later run's) row counts; counts past Int.max come only from altered parts.
    private mutating func add(_ moreRows: Int, _ moreLeftOut: Int, _ morePartitions: Int, of name: String) throws(PreplineError) {
        let sums = (rows.addingReportingOverflow(moreRows), rowsLeftOut.addingReportingOverflow(moreLeftOut), partitions.addingReportingOverflow(morePartitions))
        guard !sums.0.overflow, !sums.1.overflow, !sums.2.overflow else {
            throw PreplineError.usage("\(name): its row counts overflow with the parts before it: the part was altered")
        }
        (rows, rowsLeftOut, partitions) = (sums.0.partialValue, sums.1.partialValue, sums.2.partialValue)
    }

    /// Reads, checks and merges the next part, once the plan is known.
    mutating func take(_ source: PartSource, first: (name: String, part: FitPart), plan: ExecutionPlan, like empty: FitState) throws(PreplineError) {
        let (name, part) = try read(source, first: first)
        guard let state = part.state else { return }
        try MergeCommand.checkShape(state, like: empty, name: name)
        plan.merge(&total, state)
    }

    /// `sources` in `count` runs of consecutive parts, each merged on its own thread. A run stops
    /// before a part when a part before it failed (what it merged is not used then: the
    /// earlier run's error is thrown), so a bad part early does not wait on every later one.
    static func merge(_ sources: [PartSource], in count: Int, first: (name: String, part: FitPart), plan: ExecutionPlan,
                      like empty: FitState) -> [Result<MergedRun, PreplineError>] {
        let firstFailure = FailureMark()
        return ColumnParallel.map(count) { r in
            var run = MergedRun()
            for index in (sources.count * r / count)..<(sources.count * (r + 1) / count) {
                guard firstFailure.index.load(ordering: .relaxed) > index else { break }
                do throws(PreplineError) {
                    try run.take(sources[index], first: first, plan: plan, like: empty)
                } catch {
                    firstFailure.index.min(index, ordering: .relaxed)
                    return .failure(error)
                }
            }
            return .success(run)
        }
    }

    /// The index of the first part that failed to merge (`Int.max`: none yet).
    private final class FailureMark: Sendable {
        let index = Atomic<Int>(Int.max)
    }

    /// Adds the run of the parts right after this run's.
    mutating func append(_ later: MergedRun, plan: ExecutionPlan) throws(PreplineError) {
        try add(later.rows, later.rowsLeftOut, later.partitions, of: later.firstName ?? MergeCommand.mergedName)
        if header == nil { header = later.header }
        partBytes += later.partBytes
        if let state = later.total { plan.merge(&total, state) }
    }
}

/// Where `merge` reads a part: a file, or a line of stdin.
private enum PartSource: Sendable {
    case file(String)
    /// Line `number` of stdin: `bytes[range]`, all of stdin read once.
    case line(number: Int, bytes: [UInt8], range: Range<Int>)

    /// Parts from stdin (all of it read at once), one a line. A Hadoop Streaming reducer gets
    /// each mapper line as `KEY<TAB>VALUE`, and a line without a tab as the key followed by a
    /// tab: a trailing tab (and CR) is dropped, and a line that does not start with `{` is read
    /// from after its first tab (the key a mapper put first, to sort the parts into input
    /// order). A part has no raw tab inside: JSON escapes them.
    static func stdinParts() throws(PreplineError) -> [PartSource] {
        var sources: [PartSource] = []
        let bytes = try InputList.readAll("-", what: "the parts")
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = line
            while let last = line.last, last == 0x09 || last == 0x0D || last == 0x20 { line = line.dropLast() }
            guard !line.isEmpty else { continue }
            if line.first != UInt8(ascii: "{"), let tab = line.firstIndex(of: 0x09) { line = line[(tab + 1)...] }
            sources.append(.line(number: lineNumber, bytes: bytes, range: line.startIndex..<line.endIndex))
        }
        return sources
    }

    /// The part's name in messages, and its bytes.
    func read() throws(PreplineError) -> (name: String, bytes: [UInt8]) {
        switch self {
        case .file(let path): return (path, try InputList.readAll(path, what: "the part"))
        case .line(let number, let bytes, let range): return ("stdin:\(number)", Array(bytes[range]))
        }
    }
}

/// The parts of `merge`'s arguments, in order, each path read when it is reached: '-' (all of
/// stdin) once the parts before it are taken, as merging one part at a time reads it.
private struct PartQueue {
    private var paths: ArraySlice<String>
    private var stdinLines: [PartSource] = []
    private var nextLine = 0

    init(_ paths: [String]) { self.paths = paths[...] }

    /// Whether stdin is still to be read.
    var stdinAhead: Bool { paths.contains("-") }

    mutating func next() throws(PreplineError) -> PartSource? {
        while nextLine == stdinLines.count {
            guard let path = paths.popFirst() else { return nil }
            guard path == "-" else { return .file(path) }
            stdinLines = try PartSource.stdinParts()
            nextLine = 0
        }
        nextLine += 1
        return stdinLines[nextLine - 1]
    }

    /// The parts not taken yet, once stdin is read (`stdinAhead` false).
    var rest: [PartSource] { Array(stdinLines[nextLine...]) + paths.map { PartSource.file($0) } }
}
