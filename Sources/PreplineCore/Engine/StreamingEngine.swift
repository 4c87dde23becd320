import Foundation
import Synchronization

/// How the engine runs: thread count and chunk size never change a byte of output.
package struct EngineOptions: Sendable {
    package var threads: Int
    package var chunkSize: Int
    package var parser: FieldParser = .fast
    /// How many of a chunk's row-level issues keep their details (line, reason, bytes); all are
    /// counted. A chunk of bad records holds up to 65,536 of them (`keepingIssues(for:)`,
    /// `RecordChunker.maxRecordsPerChunk`).
    package var issuesKeptPerChunk = Int.max
    /// Chunks in flight at once when not `maxChunksInFlight(threads:)`: a consumer that keeps
    /// large tables of its own (`profile`) holds fewer.
    package var chunksInFlight: Int?

    /// Chunks between the reader and the writer at once: the bound on memory.
    package static func maxChunksInFlight(threads: Int) -> Int { threads * 2 + 2 }

    package init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, chunkSize: Int = 1 << 20) {
        self.threads = max(1, threads)
        self.chunkSize = max(1, chunkSize)
    }

    /// The options with only the issue details `policy` reports: `fail` lists the first 10,
    /// `skip` only counts, `reject` writes every record.
    package func keepingIssues(for policy: OnError) -> EngineOptions {
        var options = self
        switch policy {
        case .fail: options.issuesKeptPerChunk = RowIssues.listedOnFailure
        case .skip: options.issuesKeptPerChunk = 0
        case .reject: options.issuesKeptPerChunk = Int.max
        }
        return options
    }
}

/// One record that a worker found wrong, with what the consumer needs to report or reject it.
package struct RecordIssue: Sendable {
    package var recordIndex: Int
    package var line: Int
    package var reason: String
    /// The record's bytes as they were in the input (a slice of its chunk's issue bytes).
    package var originalBytes: ArraySlice<UInt8>
    /// The stage option that would accept the row, when there is one (an unknown category under
    /// `handle_unknown: "error"`): the hint then names it rather than skip/reject.
    package var fix: String? = nil
}

/// A chunk's row-level issues, compact: 20 bytes per kept issue, the bad records' bytes in one
/// buffer, and each distinct reason once. A `RecordIssue` (two heap objects) per bad record made
/// 10M bad rows peak at 294 / 430 / 880 MB under fail / skip / reject: the chunks in flight
/// held half a million each.
///
/// As a collection: the kept issues in record order, each with its 1-based record number across
/// the dataset (`recordsBefore` is set by the engine). `total` counts every issue, kept or not.
package struct RowIssues: Sendable, RandomAccessCollection {
    /// Issues `fail` lists (the first ones in input order).
    package static let listedOnFailure = 10

    private struct Entry: Sendable {
        var record: Int32
        var lineOffset: Int32
        var reason: Int32
        var bytesStart: Int32
        var bytesEnd: Int32
    }

    private var entries: [Entry] = []
    private var bytes: [UInt8] = []
    private var reasons: [String] = []
    /// The fix of each reason (a reason always comes from one stage option, so one fix).
    private var fixes: [String?] = []
    private var reasonIndex: [String: Int32] = [:]
    private var sorted = true
    private var startLine = 1
    /// Details kept at most: the issues of the smallest record indexes.
    private let limit: Int
    /// Every issue of the chunk, kept or not.
    package private(set) var total = 0
    /// Records of the inputs before this chunk's (set by the engine before delivery).
    package var recordsBefore = 0

    init(limit: Int = Int.max) { self.limit = limit }

    mutating func append(record: Int, of raw: RawChunk, reason: String, fix: String? = nil) {
        total += 1
        guard limit > 0 else { return }
        if entries.isEmpty && limit == Int.max {
            // Room for every record at once: growth by doubling reallocated and copied megabytes
            // per chunk of bad records, and the freed blocks fragmented the heap (10M bad rows
            // under reject: 218 MB). `finish` gives back what a chunk with few issues does not use.
            entries.reserveCapacity(raw.recordCount)
            bytes.reserveCapacity(raw.bytes.count)
        }
        if let last = entries.last, Int(last.record) > record { sorted = false }
        startLine = raw.startLine
        let reasonNumber: Int32
        if let known = reasonIndex[reason] {
            reasonNumber = known
        } else {
            reasonNumber = Int32(reasons.count)
            reasons.append(reason)
            fixes.append(fix)
            // Reasons that quote a value rarely repeat: stop looking them up past a few thousand.
            if reasons.count < 4096 { reasonIndex[reason] = reasonNumber }
        }
        let start = bytes.count
        // Only reject writes the bytes; a list of the first issues needs none.
        if limit == Int.max { bytes.append(contentsOf: raw.originalBytes(ofRecord: record)) }
        entries.append(Entry(record: Int32(record), lineOffset: raw.recordLines[record], reason: reasonNumber,
                             bytesStart: Int32(start), bytesEnd: Int32(bytes.count)))
        if limit < Int.max, entries.count >= 2 * Swift.max(limit, 512) { keepFirst() }
    }

    /// Entries in record order, at most `limit` of them, and only their reasons.
    private mutating func keepFirst() {
        if !sorted { entries.sort { $0.record < $1.record }; sorted = true }
        guard entries.count > limit else { return }
        entries.removeSubrange(limit...)
        let kept = reasons, keptFixes = fixes
        reasons = []
        fixes = []
        reasonIndex = [:]
        for i in entries.indices {
            let reason = kept[Int(entries[i].reason)]
            if let known = reasonIndex[reason] {
                entries[i].reason = known
            } else {
                entries[i].reason = Int32(reasons.count)
                reasonIndex[reason] = entries[i].reason
                reasons.append(reason)
                fixes.append(keptFixes[Int(entries[i].reason)])
            }
        }
    }

    /// Sorted, and with no spare capacity: a chunk waits for the consumer with its issues, and
    /// growth by doubling left up to half of each array unused (half a million issues: 10 MB).
    mutating func finish() {
        keepFirst()
        if entries.capacity > entries.count + entries.count / 8 + 64 {
            var exact: [Entry] = []
            exact.reserveCapacity(entries.count)
            exact.append(contentsOf: entries)
            entries = exact
        }
        if bytes.capacity > bytes.count + bytes.count / 8 + 4096 {
            var exact: [UInt8] = []
            exact.reserveCapacity(bytes.count)
            exact.append(contentsOf: bytes)
            bytes = exact
        }
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { entries.count }

    package subscript(position: Int) -> (record: Int, issue: RecordIssue) {
        let entry = entries[position]
        let issue = RecordIssue(recordIndex: Int(entry.record), line: startLine + Int(entry.lineOffset), reason: reasons[Int(entry.reason)],
                                originalBytes: bytes[Int(entry.bytesStart)..<Int(entry.bytesEnd)], fix: fixes[Int(entry.reason)])
        return (recordsBefore + Int(entry.record) + 1, issue)
    }
}

/// What a worker sees of one chunk: the raw records, their parsed fields, and the records the
/// engine already found unusable (wrong width). Stages add their own issues.
package struct ChunkWork: ParsedRecords {
    package let raw: RawChunk
    package let parsed: ParsedChunk
    package let header: DatasetHeader
    /// The chunk's place in input order, and the board that carries values between chunks.
    package let sequence: Int
    package let carry: CarryBoard
    /// One bit per record that has a row-level issue (empty while there is none); a stage skips them.
    private var badBits: [UInt64] = []
    package private(set) var issues: RowIssues

    init(raw: RawChunk, parsed: ParsedChunk, header: DatasetHeader, sequence: Int = 0, carry: CarryBoard = CarryBoard(),
         issuesKept: Int = Int.max) {
        self.raw = raw
        self.parsed = parsed
        self.header = header
        self.sequence = sequence
        self.carry = carry
        issues = RowIssues(limit: issuesKept)
    }

    /// A chunk with no records: running stages on it tells the output columns.
    package static func empty(header: DatasetHeader) -> ChunkWork {
        let raw = RawChunk(bytes: [], recordStarts: [], recordEnds: [], recordLines: [], startLine: 1, inputIndex: 0, isHeader: false)
        return ChunkWork(raw: raw, parsed: LibCSVParser(delimiter: 0x2C, quote: 0x22).parse([], expectedRecords: 0), header: header)
    }

    /// Hands the raw chunk back for reuse (the work is finished with it).
    consuming func rawChunk() -> RawChunk { raw }

    /// How many records have a row-level issue.
    package var badRecordCount: Int { issues.total }

    /// Marks record `index` as a row-level error; only its first reason is kept.
    package mutating func reject(record index: Int, reason: String, fix: String? = nil) {
        if badBits.isEmpty { badBits = [UInt64](repeating: 0, count: (raw.recordCount + 63) / 64) }
        let bit: UInt64 = 1 << UInt64(index & 63)
        guard badBits[index >> 6] & bit == 0 else { return }
        badBits[index >> 6] |= bit
        issues.append(record: index, of: raw, reason: reason, fix: fix)
    }

    @inline(__always)
    package func isGood(_ record: Int) -> Bool { badBits.isEmpty || badBits[record >> 6] & (1 << UInt64(record & 63)) == 0 }

    /// The issues in record order, for delivery.
    mutating func finishIssues() -> RowIssues {
        issues.finish()
        return issues
    }
}

/// A finished data chunk, delivered to the consumer in input order.
package struct ChunkDelivery<Payload: Sendable>: Sendable {
    package var payload: Payload
    package var inputIndex: Int
    package var records: Int
    /// Issues sorted by record, each with its 1-based record number across the whole dataset;
    /// `issues.total` counts them all, `issues.count` those with details (see `EngineOptions`).
    package var issues: RowIssues
}

/// Counters the engine keeps for the summary line and the progress bar.
package final class EngineCounters: Sendable {
    package let rawBytesRead = Atomic<Int>(0)
    package let bytesParsed = Atomic<Int>(0)
    package let recordsRead = Atomic<Int>(0)
    package init() {}
}

/// record reader (one thread) → N parse workers → ordered consumer (the calling thread).
///
/// Memory is bounded by the number of chunks in flight (a semaphore the reader waits on and the
/// consumer releases), never by the number of rows.
package enum StreamingEngine {
    private enum Outcome<Payload: Sendable>: Sendable {
        /// A chunk with nothing to deliver: a later input's header, or work dropped after cancellation.
        case nothing
        case data(ChunkDelivery<Payload>)
        case failure(PreplineError)
    }

    /// Runs one pass over `inputs`.
    /// - `makeProcessor` is called once per worker thread; the processor it returns turns a chunk
    ///   into a payload (it may hold per-thread state such as buffers).
    /// - `consume` is called on this thread, in input order; returning false stops the run early
    ///   (a closed output pipe).
    /// - `leadingColumnsRead`, asked once the header is known: when the processor reads only the
    ///   first N columns (the fit pass), fields after them are counted but not copied; nil means
    ///   every field is read. `options.parser` says who splits (`ChunkParser`).
    /// Returns the header (nil for an empty input).
    @discardableResult
    package static func run<Payload: Sendable>(
        inputs: [String],
        displayNames: [String]? = nil,
        dialect: InputDialect,
        options: EngineOptions,
        counters: EngineCounters,
        carry: CarryBoard = CarryBoard(),
        headerPolicy: HeaderPolicy = HeaderPolicy(),
        leadingColumnsRead: @escaping @Sendable (DatasetHeader) -> Int? = { _ in nil },
        onHeader: (DatasetHeader) throws(PreplineError) -> Void,
        makeProcessor: @escaping @Sendable (DatasetHeader) -> (inout ChunkWork) throws(PreplineError) -> Payload,
        consume: (consuming ChunkDelivery<Payload>) throws(PreplineError) -> Bool
    ) throws(PreplineError) -> DatasetHeader? {
        let maxInFlight = options.chunksInFlight.map { Swift.max(1, $0) } ?? EngineOptions.maxChunksInFlight(threads: options.threads)
        // Never more raw buffers exist than chunks in flight plus the one being cut, so a pool
        // that size never frees one: freeing and reallocating megabyte buffers across thread
        // arenas fragmented the heap (RSS crept from 43 to 58 MB over 4M rows).
        let rawPool = BufferPool(limit: maxInFlight + 1)
        let names = displayNames ?? InputNames.display(inputs)
        let reader: any RecordReader = CSVRecordReader(inputs: inputs, displayNames: names, dialect: dialect, chunkSize: options.chunkSize,
                                                       pool: rawPool, parser: options.parser)

        // The first record is read here, before any worker starts, so every worker knows the columns.
        guard let first = try reader.next() else { return nil }
        let header = reader.header(of: first)
        if headerPolicy.uniqueNames { try HeaderCheck.checkUniqueNames(header, file: names[header.inputIndex], line: header.line) }
        try HeaderCheck.checkAhead(inputs: inputs, displayNames: names, after: first.inputIndex, header: header, dialect: dialect, policy: headerPolicy)
        try onHeader(header)
        counters.rawBytesRead.store(reader.rawBytesRead, ordering: .relaxed)

        let queue = WorkQueue<(Int, RawChunk?, PreplineError?)>()
        let board = ReorderBoard<Outcome<Payload>>()
        let cancelled = CancellationFlag()
        let inFlight = InFlightLimit(maxInFlight)
        // One parser per worker, made before the reader thread owns the reader; each worker is
        // its parser's only user.
        let leadingColumns = leadingColumnsRead(header)
        let parsers = (0..<options.threads).map { _ in HandOff(value: reader.makeParser(leadingColumns: leadingColumns)) }
        // Under `input.header: "if-present"` a first record that is not the header is data.
        let firstIsHeader = dialect.header && (!dialect.headerIfPresent || dialect.isHeaderRecord(
            LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote).parse(first.bytes, expectedRecords: 1).strings(ofRecord: 0)))
        if options.threads == 1 {
            return try runOnThisThread(reader: reader, first: firstIsHeader ? nil : first, parser: parsers[0].value, rawPool: rawPool,
                                       header: header, names: names, dialect: dialect, options: options, counters: counters, carry: carry,
                                       headerPolicy: headerPolicy, makeProcessor: makeProcessor, consume: consume)
        }
        let handOff = HandOff(value: (reader, first, firstIsHeader))
        // Joined on every way out, so no worker still runs while the caller cleans up (removes
        // the temporary output) and the process exits: a live worker at exit crashed (SIGILL).
        let workersDone = DispatchGroup()
        let readerDone = DispatchSemaphore(value: 0)
        // A reader blocked in read() on a pipe or terminal must not hang an early exit, so it is
        // joined only when every input is a regular file (its reads always return).
        let readerAlwaysReturns = inputs.allSatisfy(Self.isRegularFile)

        let readerThread = Thread {
            defer { readerDone.signal() }
            let (reader, first, firstIsHeader) = handOff.value
            var sequence = 0
            func send(_ chunk: RawChunk?, _ error: PreplineError?) {
                guard inFlight.acquire() else { return }
                queue.push((sequence, chunk, error))
                sequence += 1
            }
            if !firstIsHeader { send(first, nil) }
            while !cancelled.isCancelled {
                do throws(PreplineError) {
                    guard let chunk = try reader.next() else { break }
                    counters.rawBytesRead.store(reader.rawBytesRead, ordering: .relaxed)
                    send(chunk, nil)
                } catch {
                    send(nil, error)
                    break
                }
            }
            counters.rawBytesRead.store(reader.rawBytesRead, ordering: .relaxed)
            queue.close()
            board.finish(total: sequence)
        }
        readerThread.name = "prepline-reader"
        readerThread.stackSize = 1 << 20
        readerThread.start()

        for parserHandOff in parsers {
            workersDone.enter()
            let worker = Thread {
                defer { workersDone.leave() }
                let parser = parserHandOff.value
                let process = makeProcessor(header)
                while let (sequence, chunk, error) = queue.pop() {
                    if cancelled.isCancelled { carry.forward(sequence); board.put(sequence, .nothing); continue }
                    guard var chunk else { carry.cancel(); board.put(sequence, .failure(error!)); continue }
                    let outcome = work(&chunk, sequence: sequence, carry: carry, parser: parser, header: header, names: names, headerPolicy: headerPolicy,
                                       headerIfPresent: dialect.headerIfPresent ? dialect : nil,
                                       process: process, counters: counters, issuesKept: options.issuesKeptPerChunk)
                    switch outcome {
                    case .nothing: carry.forward(sequence)
                    case .failure: carry.cancel()
                    case .data: break
                    }
                    rawPool.give(&chunk.bytes)
                    board.put(sequence, consume outcome)
                }
            }
            worker.name = "prepline-worker"
            worker.stackSize = 1 << 20
            worker.start()
        }

        var sequence = 0
        var recordsBefore = 0
        var completed = false
        defer {
            // On an early stop, let the reader see the flag instead of blocking on the semaphore,
            // and let idle workers see a closed queue (work still queued is dropped unprocessed).
            cancelled.cancel()
            if !completed { carry.cancel() }
            inFlight.cancel()
            queue.close()
            workersDone.wait()
            if readerAlwaysReturns { readerDone.wait() }
        }
        while let outcome = board.take(sequence) {
            carry.release(through: sequence)
            sequence += 1
            inFlight.release()
            // Consumed, not copied: the payload's buffers reach `consume` uniquely referenced, so
            // a pool can take them back without copy-on-write allocating a fresh one per chunk.
            switch consume outcome {
            case .nothing: continue
            case .failure(let error): throw error
            case .data(var delivery):
                place(&delivery, after: &recordsBefore, counters: counters)
                guard try consume(consume delivery) else { return header }
            }
        }
        completed = true
        return header
    }

    /// `--threads 1`: read, parse, process and consume each chunk in turn on the calling thread,
    /// one chunk at a time. What an engine's task wants from the one core it has: no reader
    /// thread, no hand-offs, one raw buffer. The same chunks in the same order as the threaded
    /// path, so the same output to the byte.
    private static func runOnThisThread<Payload: Sendable>(
        reader: any RecordReader, first: RawChunk?, parser: ChunkParser, rawPool: BufferPool, header: DatasetHeader, names: [String],
        dialect: InputDialect, options: EngineOptions, counters: EngineCounters, carry: CarryBoard, headerPolicy: HeaderPolicy,
        makeProcessor: @Sendable (DatasetHeader) -> (inout ChunkWork) throws(PreplineError) -> Payload,
        consume: (consuming ChunkDelivery<Payload>) throws(PreplineError) -> Bool
    ) throws(PreplineError) -> DatasetHeader {
        let process = makeProcessor(header)
        var pending = first
        var sequence = 0
        var recordsBefore = 0
        while true {
            var chunk: RawChunk
            if let taken = pending.take() {
                chunk = taken
            } else {
                guard let next = try reader.next() else { break }
                chunk = next
                counters.rawBytesRead.store(reader.rawBytesRead, ordering: .relaxed)
            }
            let outcome = work(&chunk, sequence: sequence, carry: carry, parser: parser, header: header, names: names, headerPolicy: headerPolicy,
                               headerIfPresent: dialect.headerIfPresent ? dialect : nil,
                               process: process, counters: counters, issuesKept: options.issuesKeptPerChunk)
            if case .nothing = outcome { carry.forward(sequence) }
            rawPool.give(&chunk.bytes)
            carry.release(through: sequence)
            sequence += 1
            switch consume outcome {
            case .nothing: continue
            case .failure(let error): throw error
            case .data(var delivery):
                place(&delivery, after: &recordsBefore, counters: counters)
                guard try consume(consume delivery) else { return header }
            }
        }
        counters.rawBytesRead.store(reader.rawBytesRead, ordering: .relaxed)
        return header
    }

    /// Numbers a delivered chunk's issues after the records before it, and counts its records.
    /// (The switch that delivers stays in each loop: moved into a function taking the outcome,
    /// the payload reached `consume` as a copy in debug builds, which `BufferPoolTests` catches.)
    private static func place<Payload: Sendable>(_ delivery: inout ChunkDelivery<Payload>, after recordsBefore: inout Int, counters: EngineCounters) {
        delivery.issues.recordsBefore = recordsBefore
        recordsBefore += delivery.records
        counters.recordsRead.store(recordsBefore, ordering: .relaxed)
    }

    /// True for a regular file (or the spool file holding stdin); false for "-", FIFOs, devices.
    private static func isRegularFile(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Parses and processes one chunk. `chunk` comes back with its buffer uniquely owned
    /// again, so the caller can recycle it.
    private static func work<Payload: Sendable>(
        _ chunk: inout RawChunk, sequence: Int, carry: CarryBoard, parser: ChunkParser, header: DatasetHeader, names: [String], headerPolicy: HeaderPolicy,
        headerIfPresent: InputDialect? = nil, process: (inout ChunkWork) throws(PreplineError) -> Payload, counters: EngineCounters, issuesKept: Int
    ) -> Outcome<Payload> {
        let parsed = parser.parse(chunk)
        counters.bytesParsed.add(chunk.bytes.count, ordering: .relaxed)
        guard parsed.recordCount == chunk.recordCount else {
            return .failure(.malformedInput(InputPosition(file: names[chunk.inputIndex], line: chunk.startLine),
                                            "internal error: the chunker found \(chunk.recordCount) records, the parser \(parsed.recordCount); please report this input"))
        }
        if chunk.isHeader, let dialect = headerIfPresent {
            // "if-present": the header when it holds the columns' names, else the input's first data record.
            if dialect.isHeaderRecord(parsed.strings(ofRecord: 0)) { return .nothing }
        } else if chunk.isHeader {
            do throws(PreplineError) {
                try HeaderCheck.check(parsed.strings(ofRecord: 0), against: header, file: names[chunk.inputIndex],
                                      line: chunk.line(ofRecord: 0), firstFile: names[0], policy: headerPolicy)
            } catch {
                return .failure(error)
            }
            return .nothing
        }
        var work = ChunkWork(raw: chunk, parsed: parsed, header: header, sequence: sequence, carry: carry, issuesKept: issuesKept)
        let width = header.names.count
        for r in 0..<parsed.recordCount {
            let count = parsed.fieldCount(ofRecord: r)
            if count != width { work.reject(record: r, reason: "expected \(Plural.of(width, "field")), found \(count)") }
        }
        let outcome: Outcome<Payload>
        do {
            let payload = try process(&work)
            let issues = work.finishIssues()
            outcome = .data(ChunkDelivery(payload: payload, inputIndex: chunk.inputIndex, records: chunk.recordCount, issues: issues))
        } catch {
            outcome = .failure(error)
        }
        chunk = work.rawChunk()
        return outcome
    }
}
