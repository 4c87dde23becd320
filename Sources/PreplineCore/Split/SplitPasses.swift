/// The two kinds of pass `split` makes over its inputs, both on the streaming engine (one
/// reader, parallel workers, an ordered consumer): a counting pass (records, and the codes of a
/// stratify or group column), and a writing pass that sends each record's original bytes to its
/// part. Records are the chunker's (quote-aware: a quoted newline is inside its record).

/// What the counting pass learns: the rows, where each chunk starts, the label column's codes.
package struct SplitCount: Sendable {
    package var rows = 0
    /// The first row of each chunk, by the chunk's sequence number (-1: a header chunk). The
    /// writing pass cuts the same file into the same chunks, so its workers know their rows.
    package var chunkStarts: [Int] = []
    /// The label column's codes (first-appearance order), when one was asked for.
    package var labels: SplitLabels?
    package var header: DatasetHeader?
}

/// Where each row goes in the writing pass.
package enum SplitPlacement: Sendable {
    /// One bit per row: set = test.
    case testBits([UInt64])
    /// A fold per row (0..<k).
    case folds([UInt16], k: Int)
    /// By the hash of the key column: test when below the fraction.
    case keyFraction(column: Int, fraction: Double, seed: UInt64)
    /// By the hash of the key column, modulo k.
    case keyFolds(column: Int, k: Int, seed: UInt64)

    /// Parts written: train and test, or one file with a fold column.
    var writesFoldColumn: Bool {
        switch self {
        case .testBits, .keyFraction: return false
        case .folds, .keyFolds: return true
        }
    }

    var partCount: Int {
        switch self {
        case .testBits, .keyFraction: return 2
        case .folds(_, let k), .keyFolds(_, let k, _): return k
        }
    }

    /// The column the workers read, if any.
    var keyColumn: Int? {
        switch self {
        case .keyFraction(let column, _, _), .keyFolds(let column, _, _): return column
        default: return nil
        }
    }
}

/// One chunk's output: the bytes for each file (train, test; or the one fold file), gzip
/// members when the output is compressed, and the rows each part received.
struct SplitChunkOutput: Sendable {
    var sequence: Int
    var files: [[UInt8]]
    var rowsPerPart: [Int]
}

/// One chunk of the counting pass: its records, and the label column's local codes.
struct CountedChunk: Sendable {
    var sequence: Int
    var codes: [Int32]
    var values: [[UInt8]]
}

package enum SplitPasses {
    /// A wrong-width record is malformed input for `split` (the rows must be whole to be split).
    static func checkIssues<P: Sendable>(_ delivery: borrowing ChunkDelivery<P>, names: [String]) throws(PreplineError) {
        guard delivery.issues.total > 0, let first = delivery.issues.first else { return }
        throw PreplineError.malformedInput(InputPosition(file: names[delivery.inputIndex], line: first.issue.line),
                                           "record \(first.record): \(first.issue.reason)")
    }

    /// Pass 1: counts the data records and, for `labelColumn`, codes each row's value by first
    /// appearance (the only per-row memory: 4 bytes a row).
    package static func count(inputs: [String], displayNames: [String], dialect: InputDialect, engine: EngineOptions,
                              counters: EngineCounters, labelColumn: (DatasetHeader) throws(PreplineError) -> Int?) throws(PreplineError) -> SplitCount {
        var result = SplitCount()
        var column: Int?
        var globalCodes: [ArraySlice<UInt8>: Int32] = [:]
        var codes: [Int32] = []
        var values: [[UInt8]] = []
        let box = ColumnBox()
        let header = try StreamingEngine.run(
            inputs: inputs, displayNames: displayNames, dialect: dialect, options: engine.keepingIssues(for: .fail), counters: counters,
            headerPolicy: HeaderPolicy(uniqueNames: true),
            leadingColumnsRead: { _ in box.column.map { $0 + 1 } ?? 0 },
            onHeader: { header throws(PreplineError) in
                column = try labelColumn(header)
                box.column = column
            },
            makeProcessor: { _ in
                let column = box.column
                return { (work: inout ChunkWork) throws(PreplineError) -> CountedChunk in
                    var chunk = CountedChunk(sequence: work.sequence, codes: [], values: [])
                    guard let column else { return chunk }
                    var local: [ArraySlice<UInt8>: Int32] = [:]
                    chunk.codes.reserveCapacity(work.raw.recordCount)
                    let parsed = work.parsed
                    for r in 0..<parsed.recordCount {
                        guard work.isGood(r) else { chunk.codes.append(0); continue }
                        let field = parsed.field(parsed.fieldRange(ofRecord: r).lowerBound + column)
                        let key = ArraySlice(field)
                        if let code = local[key] {
                            chunk.codes.append(code)
                        } else {
                            let code = Int32(chunk.values.count)
                            local[key] = code
                            chunk.values.append(Array(field))
                            chunk.codes.append(code)
                        }
                    }
                    return chunk
                }
            },
            consume: { (delivery: consuming ChunkDelivery<CountedChunk>) throws(PreplineError) -> Bool in
                try checkIssues(delivery, names: displayNames)
                let sequence = delivery.payload.sequence
                if result.chunkStarts.count <= sequence {
                    result.chunkStarts.append(contentsOf: repeatElement(-1, count: sequence + 1 - result.chunkStarts.count))
                }
                result.chunkStarts[sequence] = result.rows
                result.rows += delivery.records
                if column != nil {
                    // Local codes to global ones, in input order: first appearance is kept.
                    let local = delivery.payload.values.map { value -> Int32 in
                        if let code = globalCodes[value[...]] { return code }
                        let code = Int32(values.count)
                        globalCodes[value[...]] = code
                        values.append(value)
                        return code
                    }
                    for code in delivery.payload.codes { codes.append(local[Int(code)]) }
                }
                return true
            })
        result.header = header
        if column != nil { result.labels = SplitLabels(codes: codes, values: values) }
        return result
    }

    /// The writing pass: every record's bytes, as read, to its part; `chunkStarts` (from pass 1)
    /// tells each worker the rows of its chunk; nil for the one-pass by-key mode. Returns the
    /// rows each part received, or nil when stdout was closed (the run then ends quietly).
    static func write(inputs: [String], displayNames: [String], dialect: InputDialect, engine: EngineOptions, counters: EngineCounters,
                      placement: SplitPlacement, chunkStarts: [Int]?, expectedRows: Int?, foldColumn: String,
                      sinks: [OutputSink], gzipLevels: [Int32?],
                      resolveHeader: (DatasetHeader) throws(PreplineError) -> SplitPlacement) throws(PreplineError) -> (header: DatasetHeader?, rowsPerPart: [Int])? {
        let files = placement.writesFoldColumn ? 1 : 2
        var rowsPerPart = [Int](repeating: 0, count: placement.partCount)
        var pending: [[UInt8]?] = Array(repeating: nil, count: files)
        var stoppedByClosedPipe = false
        // A part on stdout whose reader has gone: the other part (a file) is still written in
        // full, so `--test -  | head` leaves a complete TRAIN; the run stops when every part is closed.
        var closed = [Bool](repeating: false, count: files)
        var rows = 0
        let box = PlacementBox()
        box.placement = placement
        // Sized so no output buffer is ever freed (as TransformRun's): every chunk in flight holds
        // one per file, and each worker one more while it fills them.
        let outputPool = BufferPool(limit: (EngineOptions.maxChunksInFlight(threads: engine.threads) + engine.threads) * files)
        func emit(_ file: Int, _ bytes: [UInt8]) throws(PreplineError) -> Bool {
            if closed[file] { return true }
            do {
                if let header = pending[file] {
                    pending[file] = nil
                    try sinks[file].write(header)
                }
                if !bytes.isEmpty { try sinks[file].write(bytes) }
                return true
            } catch is BrokenPipe {
                closed[file] = true
                guard closed.allSatisfy({ $0 }) else { return true }
                stoppedByClosedPipe = true
                return false
            } catch let error as PreplineError {
                throw error
            } catch {
                throw PreplineError.output(file: sinks[file].displayName, "\(error)")
            }
        }
        let header = try StreamingEngine.run(
            inputs: inputs, displayNames: displayNames, dialect: dialect, options: engine.keepingIssues(for: .fail), counters: counters,
            headerPolicy: HeaderPolicy(uniqueNames: true),
            leadingColumnsRead: { _ in box.placement!.keyColumn.map { $0 + 1 } ?? 0 },
            onHeader: { header throws(PreplineError) in
                box.placement = try resolveHeader(header)
                guard dialect.header else { return }
                for file in 0..<files {
                    var bytes = header.record
                    if box.placement!.writesFoldColumn {
                        let lineEnd = Self.lineEndLength(bytes, at: bytes.count)
                        let terminator = Array(bytes.suffix(lineEnd))
                        bytes.removeLast(lineEnd)
                        bytes.append(dialect.delimiter)
                        CSVFormatter(delimiter: dialect.delimiter, quote: dialect.quote, crlf: false)
                            .appendField(foldColumn, fieldCount: 2, into: &bytes)
                        bytes.append(contentsOf: terminator.isEmpty ? [0x0A] : terminator)
                    } else if Self.lineEndLength(bytes, at: bytes.count) == 0 {
                        bytes.append(0x0A)
                    }
                    pending[file] = gzipLevels[file].map { GzipMemberEncoder.compress(bytes, level: $0) } ?? bytes
                }
            },
            makeProcessor: { _ in
                let placement = box.placement!
                let delimiter = dialect.delimiter
                var scratch: [UInt8] = []
                var parts: [UInt16] = []
                return { (work: inout ChunkWork) throws(PreplineError) -> SplitChunkOutput in
                    let raw = work.raw
                    var output = SplitChunkOutput(sequence: work.sequence, files: [], rowsPerPart: [Int](repeating: 0, count: placement.partCount))
                    let firstRow = chunkStarts.map { $0[work.sequence] } ?? 0
                    let parsed = work.parsed
                    // Each record's part first, and each file's exact size, so every output buffer
                    // is taken from the pool once at its size (growth by doubling left freed
                    // megabyte blocks behind: about 6 MB more peak RSS at 1M rows).
                    parts.removeAll(keepingCapacity: true)
                    var sizes = [Int](repeating: 0, count: files)
                    raw.bytes.withUnsafeBufferPointer { bytes in
                        for r in 0..<raw.recordCount {
                            let part: Int
                            switch placement {
                            case .testBits(let bits):
                                let row = firstRow + r
                                part = Int((bits[row >> 6] >> UInt64(row & 63)) & 1)
                            case .folds(let folds, _):
                                part = Int(folds[firstRow + r])
                            case .keyFraction(let column, let fraction, let seed):
                                guard work.isGood(r) else { parts.append(UInt16.max); continue }
                                let hash = KeyHash.xxh64(UnsafeRawBufferPointer(parsed.field(parsed.fieldRange(ofRecord: r).lowerBound + column)), seed: seed)
                                part = KeyHash.isTest(hash: hash, fraction: fraction) ? 1 : 0
                            case .keyFolds(let column, let k, let seed):
                                guard work.isGood(r) else { parts.append(UInt16.max); continue }
                                let hash = KeyHash.xxh64(UnsafeRawBufferPointer(parsed.field(parsed.fieldRange(ofRecord: r).lowerBound + column)), seed: seed)
                                part = Int(hash % UInt64(k))
                            }
                            parts.append(UInt16(part))
                            output.rowsPerPart[part] += 1
                            let end = Int(raw.recordEnds[r])
                            let length = end - Int(raw.recordStarts[r]) + Swift.max(1, Self.lineEndLength(bytes, after: end))
                            if files == 1 { sizes[0] += length + 6 } else { sizes[part] += length }
                        }
                    }
                    var buffers = (0..<files).map { outputPool.take(minimumCapacity: sizes[$0]) }
                    raw.bytes.withUnsafeBufferPointer { bytes in
                        for r in 0..<raw.recordCount where parts[r] != UInt16.max {
                            let part = Int(parts[r])
                            let start = Int(raw.recordStarts[r]), end = Int(raw.recordEnds[r])
                            let lineEnd = Self.lineEndLength(bytes, after: end)
                            let file = files == 1 ? 0 : part
                            buffers[file].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                            if files == 1 {
                                buffers[0].append(delimiter)
                                Self.appendDecimal(part, into: &buffers[0])
                            }
                            if lineEnd > 0 {
                                buffers[file].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[end..<end + lineEnd]))
                            } else {
                                buffers[file].append(0x0A)
                            }
                        }
                    }
                    for f in 0..<files {
                        if let gzipLevel = gzipLevels[f] {
                            swap(&buffers[f], &scratch)
                            GzipMemberEncoder.compress(scratch, level: gzipLevel, into: &buffers[f])
                            scratch.removeAll(keepingCapacity: true)
                        }
                    }
                    output.files = buffers
                    return output
                }
            },
            consume: { (delivery: consuming ChunkDelivery<SplitChunkOutput>) throws(PreplineError) -> Bool in
                try checkIssues(delivery, names: displayNames)
                if let chunkStarts {
                    let sequence = delivery.payload.sequence
                    guard sequence < chunkStarts.count, chunkStarts[sequence] == rows else {
                        throw PreplineError.unreadableInput(file: displayNames[delivery.inputIndex], "the input changed between the counting pass and the writing pass")
                    }
                }
                rows += delivery.records
                for (part, count) in delivery.payload.rowsPerPart.enumerated() { rowsPerPart[part] += count }
                for file in delivery.payload.files.indices {
                    guard try emit(file, delivery.payload.files[file]) else { return false }
                    outputPool.give(&delivery.payload.files[file])
                }
                return true
            })
        if stoppedByClosedPipe { return nil }
        if let expectedRows, rows != expectedRows {
            throw PreplineError.unreadableInput(file: displayNames.last ?? "stdin", "the input changed between the counting pass and the writing pass (\(expectedRows) records, then \(rows))")
        }
        for file in 0..<files {
            guard try emit(file, []) else { return nil }
            if let gzipLevel = gzipLevels[file], sinks[file].bytesWritten == 0, !closed[file] {
                // An empty .gz output is still a valid gzip file.
                guard try emit(file, GzipMemberEncoder.compress([], level: gzipLevel)) else { return nil }
            }
        }
        return (header, rowsPerPart)
    }

    /// The length of the line end that follows a record ending at `end` (CRLF, LF or CR; 0 at
    /// the end of the input).
    @inline(__always)
    static func lineEndLength(_ bytes: UnsafeBufferPointer<UInt8>, after end: Int) -> Int {
        guard end < bytes.count else { return 0 }
        if bytes[end] == 0x0D { return end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1 }
        return bytes[end] == 0x0A ? 1 : 0
    }

    /// The length of the line end that closes `bytes[..<end]`.
    static func lineEndLength(_ bytes: [UInt8], at end: Int) -> Int {
        guard end > 0 else { return 0 }
        if bytes[end - 1] == 0x0A { return end >= 2 && bytes[end - 2] == 0x0D ? 2 : 1 }
        return bytes[end - 1] == 0x0D ? 1 : 0
    }

    @inline(__always)
    static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        if value < 10 { out.append(0x30 + UInt8(value)); return }
        out.append(contentsOf: Array(String(value).utf8))
    }
}

/// The label column, chosen on the header, read by the workers (which start after it is set).
// @unchecked: written once in `onHeader`, before `StreamingEngine.run` starts any worker.
final class ColumnBox: @unchecked Sendable {
    var column: Int?
}

/// The placement, completed on the header (the key column's index), read by the workers.
// @unchecked: written before the workers start (`onHeader`, or before the run), then only read.
final class PlacementBox: @unchecked Sendable {
    var placement: SplitPlacement?
}
