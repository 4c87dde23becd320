/// A run of whole CSV records cut from one input, as handed to a parse worker.
///
/// The chunker records where each record starts and ends and on which physical line, so that
/// workers can report errors with exact lines and copy a rejected record's original bytes.
package struct RawChunk: Sendable {
    /// The raw (decompressed) bytes: whole records, possibly with blank lines between them.
    package var bytes: [UInt8]
    /// Byte offset in `bytes` where each record starts.
    package var recordStarts: [Int32]
    /// Byte offset just past each record's last byte (its line terminator excluded).
    package var recordEnds: [Int32]
    /// Physical line of each record's first byte, relative to `startLine`.
    package var recordLines: [Int32]
    /// 1-based physical line number of `bytes[0]` in its input.
    package var startLine: Int
    /// Which input (index into the run's input list) this chunk came from.
    package var inputIndex: Int
    /// The chunk holds exactly the header record of its input.
    package var isHeader: Bool

    package var recordCount: Int { recordStarts.count }

    /// The 1-based physical line of record `index`.
    package func line(ofRecord index: Int) -> Int { startLine + Int(recordLines[index]) }

    /// The record's original bytes, as they were in the input.
    package func originalBytes(ofRecord index: Int) -> ArraySlice<UInt8> {
        bytes[Int(recordStarts[index])..<Int(recordEnds[index])]
    }
}

/// Cuts the byte stream of one or more inputs into chunks that end on record boundaries.
///
/// It runs an exact RFC 4180 state machine rather than counting quote parity, because a quote
/// inside an unquoted field is literal in practice (`37.8"N` in csv-spectrum) and would flip the
/// parity. The same pass finds the structural errors that make CSV malformed (an unterminated
/// quote, bytes after a closing quote) with their line and column, so the parallel libcsv
/// workers only ever see well-formed chunks.
package final class RecordChunker {
    private enum State: UInt8 { case recordStart, fieldStart, unquoted, quoted, afterQuote }
    private static let other: UInt8 = 0, delimiterClass: UInt8 = 1, quoteClass: UInt8 = 2, lf: UInt8 = 3, cr: UInt8 = 4

    private let inputs: [String]
    private let headerInEachInput: Bool
    private let chunkSize: Int
    private let maxRecordBytes: Int
    /// Records a chunk holds at most, whatever its bytes: a chunk's cost in flight is per record
    /// (12 bytes of offsets, and under reject 20 bytes of issue per bad record), so a megabyte of
    /// 2-byte records weighed 11 MB more than one of real rows, and 10M bad rows under reject
    /// peaked at 151 MB against 60 MB for 1M, the pipeline filling with such chunks.
    package static let maxRecordsPerChunk = 1 << 16
    /// Bytes read past a chunk's size, so the record it ends in is usually whole in one read.
    static let readahead = 1 << 16
    private var classes = [UInt8](repeating: 0, count: 256)

    private var inputIndex = -1
    private var source: ByteSource?
    private var sourcesDoneRawBytes = 0
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var dataEnd = 0
    private var scanPos = 0
    private var endOfInput = true
    private var atInputStart = false
    private var firstRecordPending = false

    private var state = State.recordStart
    /// Current 1-based physical line at `scanPos`, and the buffer offset where that line starts.
    private var line = 1
    private var lineStart = 0
    private var chunkStartLine = 1
    private var quoteOpenLine = 0
    /// Buffer offsets of the open quote and of the start of its line (for a column in characters).
    private var quoteOpenOffset = 0
    private var quoteOpenLineStart = 0
    /// Quote, LF, CR: the only bytes the scan stops at, in and out of quotes. In an unquoted field
    /// it jumps over delimiters too (a quote right after a delimiter opens a quoted field,
    /// elsewhere it is data): about nine stops per record of the benchmark data became two.
    private let stops: ByteScan
    private let delimiter: UInt8
    /// Inputs in another encoding are transcoded to UTF-8 as they are read.
    private let encoding: TextEncoding
    private var recordStarts: [Int32] = []
    private var recordEnds: [Int32] = []
    private var recordLines: [Int32] = []

    /// Data records handed out in chunks so far, across inputs (header records not counted),
    /// so a malformed record is named by the same record number row-level errors use.
    private var dataRecordsCut = 0

    /// "record N" for the record being scanned (`pending` records started in this chunk), or
    /// "the header".
    private func recordLabel(pending: Int) -> String {
        if firstRecordPending && headerInEachInput && pending <= 1 { return "the header" }
        return "record \(dataRecordsCut + pending - (headerInEachInput && firstRecordPending ? 1 : 0))"
    }

    /// Decompressed bytes handed out in chunks so far (for MB/s).
    package private(set) var bytesConsumed = 0
    /// File sizes where known, to draw a percentage.
    package private(set) var knownSizes: [Int?] = []

    /// Where chunk byte arrays come from; workers give them back when done.
    package let pool: BufferPool

    package init(inputs: [String], displayNames: [String]? = nil, dialect: InputDialect, chunkSize: Int,
                 pool: BufferPool = BufferPool(limit: 0), maxRecordBytes: Int = 256 << 20) {
        self.delimiter = dialect.delimiter
        self.encoding = dialect.encoding
        self.inputs = inputs
        self.displayNames = displayNames ?? InputNames.display(inputs)
        self.pool = pool
        self.headerInEachInput = dialect.header
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = maxRecordBytes
        capacity = max(1 << 16, min(self.chunkSize * 2, 1 << 26))
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        stops = ByteScan(dialect.quote, 0x0A, 0x0D, 0x0D)
        classes[Int(dialect.delimiter)] = Self.delimiterClass
        classes[Int(dialect.quote)] = Self.quoteClass
        classes[0x0A] = Self.lf
        classes[0x0D] = Self.cr
    }

    deinit { buffer.deallocate() }

    /// Raw bytes read from all inputs so far (compressed bytes for gzip), for progress.
    package var rawBytesRead: Int { sourcesDoneRawBytes + (source?.rawBytesRead ?? 0) }

    /// How errors name each input ("stdin" for "-", and for stdin spooled to a file).
    private let displayNames: [String]

    private var displayName: String { inputIndex >= 0 && inputIndex < inputs.count ? displayNames[inputIndex] : "" }

    /// A malformed record found after complete records of the same chunk: those records go out
    /// first (a row error among them comes earlier in input order and must decide the exit
    /// code, whatever the chunk size), and the next call throws this.
    private var deferredError: PreplineError?

    /// The next chunk, or nil when every input is exhausted.
    package func next() throws(PreplineError) -> RawChunk? {
        if let deferredError { throw deferredError }
        while true {
            if source == nil {
                guard try openNextInput() else { return nil }
            }
            if let chunk = try scan() { return chunk }
            if endOfInput {
                let last = try finishInput()
                source.map { sourcesDoneRawBytes += $0.rawBytesRead }
                source = nil
                if let last { return last }
                continue
            }
            try fill()
        }
    }

    private func openNextInput() throws(PreplineError) -> Bool {
        inputIndex += 1
        guard inputIndex < inputs.count else { return false }
        let opened = try InputOpener.open(inputs[inputIndex], displayName: displayNames[inputIndex])
        source = encoding == .utf8 ? opened.source : TranscodingSource(base: opened.source, encoding: encoding)
        knownSizes.append(opened.knownSize)
        dataEnd = 0
        scanPos = 0
        endOfInput = false
        atInputStart = true
        firstRecordPending = headerInEachInput || inputIndex == 0
        state = .recordStart
        line = 1
        lineStart = 0
        chunkStartLine = 1
        return true
    }

    private func fill() throws(PreplineError) {
        if dataEnd == capacity {
            if dataEnd > chunkSize + maxRecordBytes {
                let recordLine = recordLines.last.map { chunkStartLine + Int($0) } ?? chunkStartLine
                let hint = state == .quoted ? " (a quote opened at line \(quoteOpenLine) is never closed?)" : ""
                throw PreplineError.malformedInput(InputPosition(file: displayName, line: recordLine),
                                                   "\(recordLabel(pending: recordStarts.count)) is longer than \(maxRecordBytes >> 20) MiB\(hint)")
            }
            let newCapacity = capacity * 2
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 64)
            grown.copyMemory(from: buffer, byteCount: dataEnd)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        // Up to a little past a chunk while no chunk is whole: a cut moves what follows it to the
        // buffer's front, and a full buffer made that about a chunk's bytes per chunk (a second
        // copy of the input); now at most the readahead and the record the cut falls in.
        let room = dataEnd < chunkSize ? Swift.min(capacity - dataEnd, chunkSize + Self.readahead - dataEnd) : capacity - dataEnd
        // A gzip error names the compressed byte: zlib inflates ahead of the scan (a small file in
        // one read), so no line or record number would be truthful there.
        let n: Int
        do {
            n = try source!.read(into: UnsafeMutableRawBufferPointer(start: buffer + dataEnd, count: room))
        } catch {
            if let transcoding = source as? TranscodingSource, let byte = transcoding.undefinedByte {
                throw PreplineError.malformedInput(positionAtDataEnd(), TranscodingSource.undefinedMessage(byte, transcoding.encoding))
            }
            throw error
        }
        if n == 0 { endOfInput = true }
        dataEnd += n
        if atInputStart, dataEnd >= 3 || endOfInput {
            atInputStart = false
            if dataEnd >= 3, buffer.load(fromByteOffset: 0, as: UInt8.self) == 0xEF,
               buffer.load(fromByteOffset: 1, as: UInt8.self) == 0xBB, buffer.load(fromByteOffset: 2, as: UInt8.self) == 0xBF {
                // A UTF-8 byte-order mark is not data.
                buffer.copyMemory(from: buffer + 3, byteCount: dataEnd - 3)
                dataEnd -= 3
            }
        }
    }

    /// Scans from `scanPos`; returns a chunk when a record end qualifies as a cut.
    private func scan() throws(PreplineError) -> RawChunk? {
        if atInputStart { return nil }
        let p = buffer.assumingMemoryBound(to: UInt8.self)
        let end = dataEnd
        let eof = endOfInput
        var pos = scanPos
        var state = self.state
        var line = self.line
        var lineStart = self.lineStart
        var cutAt = -1
        let stops = self.stops, delimiter = self.delimiter
        let chunkStartLine = self.chunkStartLine
        let cutAfterFirst = firstRecordPending
        let chunkSize = self.chunkSize
        let maxRecords = Self.maxRecordsPerChunk
        var starts = self.recordStarts, ends = self.recordEnds, lines = self.recordLines
        self.recordStarts = []; self.recordEnds = []; self.recordLines = []
        defer {
            self.recordStarts = starts; self.recordEnds = ends; self.recordLines = lines
        }

        try classes.withUnsafeBufferPointer { table throws(PreplineError) in
            scanning: while pos < end {
                switch state {
                case .recordStart:
                    let c = table[Int(p[pos])]
                    if c == Self.lf {
                        pos += 1; line += 1; lineStart = pos
                        continue scanning
                    }
                    if c == Self.cr {
                        if pos + 1 == end && !eof { break scanning }
                        pos += 1
                        if pos < end && p[pos] == 0x0A { pos += 1 }
                        line += 1; lineStart = pos
                        continue scanning
                    }
                    starts.append(Int32(pos))
                    lines.append(Int32(line - chunkStartLine))
                    state = .fieldStart
                case .fieldStart:
                    let c = table[Int(p[pos])]
                    if c == Self.quoteClass {
                        state = .quoted
                        quoteOpenLine = line
                        quoteOpenOffset = pos
                        quoteOpenLineStart = lineStart
                        pos += 1
                    } else if c == Self.delimiterClass {
                        pos += 1
                    } else if c >= Self.lf {
                        if c == Self.cr && pos + 1 == end && !eof { break scanning }
                        ends.append(Int32(pos))
                        pos += (c == Self.cr && pos + 1 < end && p[pos + 1] == 0x0A) ? 2 : 1
                        line += 1; lineStart = pos
                        state = .recordStart
                        if cutAfterFirst || pos >= chunkSize || ends.count >= maxRecords { cutAt = pos; break scanning }
                    } else {
                        state = .unquoted
                        pos += 1
                    }
                case .unquoted:
                    // Hot loop: plain bytes and delimiters, skipped sixteen at a time. A quote is
                    // literal inside an unquoted field and opens a quoted one right after a delimiter.
                    pos = stops.firstMatch(p, from: pos, end: end)
                    if pos == end { break scanning }
                    let c = table[Int(p[pos])]
                    if c == Self.quoteClass {
                        if p[pos - 1] == delimiter {
                            state = .quoted
                            quoteOpenLine = line
                            quoteOpenOffset = pos
                            quoteOpenLineStart = lineStart
                        }
                        pos += 1
                    } else {
                        if c == Self.cr && pos + 1 == end && !eof { break scanning }
                        ends.append(Int32(pos))
                        pos += (c == Self.cr && pos + 1 < end && p[pos + 1] == 0x0A) ? 2 : 1
                        line += 1; lineStart = pos
                        state = .recordStart
                        if cutAfterFirst || pos >= chunkSize || ends.count >= maxRecords { cutAt = pos; break scanning }
                    }
                case .quoted:
                    // Skip to the next quote, counting the line ends inside the field.
                    while true {
                        pos = stops.firstMatch(p, from: pos, end: end)
                        if pos == end { break scanning }
                        let c = table[Int(p[pos])]
                        if c == Self.quoteClass { break }
                        if c == Self.lf {
                            line += 1; lineStart = pos + 1
                        } else {
                            if pos + 1 == end && !eof { break scanning }
                            if pos + 1 == end || p[pos + 1] != 0x0A { line += 1; lineStart = pos + 1 }
                        }
                        pos += 1
                    }
                    state = .afterQuote
                    pos += 1
                case .afterQuote:
                    let c = table[Int(p[pos])]
                    if c == Self.quoteClass {
                        state = .quoted
                        pos += 1
                    } else if c == Self.delimiterClass {
                        state = .fieldStart
                        pos += 1
                    } else if c >= Self.lf {
                        if c == Self.cr && pos + 1 == end && !eof { break scanning }
                        ends.append(Int32(pos))
                        pos += (c == Self.cr && pos + 1 < end && p[pos + 1] == 0x0A) ? 2 : 1
                        line += 1; lineStart = pos
                        state = .recordStart
                        if cutAfterFirst || pos >= chunkSize || ends.count >= maxRecords { cutAt = pos; break scanning }
                    } else {
                        let column = Self.column(p, from: lineStart, to: pos)
                        let error = PreplineError.malformedInput(
                            InputPosition(file: displayName, line: line, column: column),
                            "malformed CSV: unexpected \(Self.describe(p[pos])) after a closing quote (a quote inside a quoted field must be doubled); \(recordLabel(pending: starts.count))")
                        guard let before = deferring(error, starts: &starts, lines: &lines) else { throw error }
                        cutAt = before
                        break scanning
                    }
                }
            }
        }
        self.state = state
        self.line = line
        self.lineStart = lineStart
        self.scanPos = pos
        guard cutAt >= 0 else { return nil }
        return cut(at: cutAt, starts: &starts, ends: &ends, lines: &lines,
                   line: deferredError == nil ? line : chunkStartLine + cutLineOffset)
    }

    /// Lines from the chunk's start to the malformed record that ends it (set with `deferredError`).
    private var cutLineOffset = 0

    /// When complete records precede the malformed one in this chunk, drops the malformed
    /// record's start, keeps `error` for the next call and returns where to cut (the malformed
    /// record's first byte); nil when there is nothing before it to hand out.
    private func deferring(_ error: PreplineError, starts: inout [Int32], lines: inout [Int32]) -> Int? {
        guard !firstRecordPending, starts.count >= 2, let start = starts.popLast(), let startLine = lines.popLast() else { return nil }
        deferredError = error
        cutLineOffset = Int(startLine)
        return Int(start)
    }

    /// Hands out bytes [0, at) as a chunk and moves the rest to the front of the buffer.
    private func cut(at: Int, starts: inout [Int32], ends: inout [Int32], lines: inout [Int32], line: Int) -> RawChunk {
        var bytes = pool.take(minimumCapacity: at)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: at))
        let chunk = RawChunk(bytes: bytes, recordStarts: starts, recordEnds: ends, recordLines: lines,
                             startLine: chunkStartLine, inputIndex: inputIndex,
                             isHeader: firstRecordPending && headerInEachInput)
        if !chunk.isHeader { dataRecordsCut += chunk.recordCount }
        firstRecordPending = false
        starts = []; ends = []; lines = []
        starts.reserveCapacity(chunk.recordCount)
        ends.reserveCapacity(chunk.recordCount)
        lines.reserveCapacity(chunk.recordCount)
        buffer.copyMemory(from: buffer + at, byteCount: dataEnd - at)
        dataEnd -= at
        scanPos -= at
        lineStart -= at
        chunkStartLine = line
        bytesConsumed += at
        return chunk
    }

    /// At the end of an input: the last record may lack its newline; a quote may be open.
    private func finishInput() throws(PreplineError) -> RawChunk? {
        switch state {
        case .quoted:
            let column = Self.column(buffer.assumingMemoryBound(to: UInt8.self), from: quoteOpenLineStart, to: quoteOpenOffset)
            let error = PreplineError.malformedInput(
                InputPosition(file: displayName, line: quoteOpenLine, column: column),
                "malformed CSV: the quoted field opened here is never closed; \(recordLabel(pending: recordStarts.count))")
            var starts = recordStarts, ends = recordEnds, lines = recordLines
            guard let before = deferring(error, starts: &starts, lines: &lines) else { throw error }
            recordStarts = []; recordEnds = []; recordLines = []
            return cut(at: before, starts: &starts, ends: &ends, lines: &lines, line: chunkStartLine + cutLineOffset)
        case .recordStart:
            break
        case .fieldStart, .unquoted, .afterQuote:
            recordEnds.append(Int32(dataEnd))
            state = .recordStart
        }
        // Blank lines after the last cut still go out, as a chunk with no records: `validate`
        // counts them as rows (frictionless does), and the others ignore an empty chunk.
        guard !recordStarts.isEmpty || (dataEnd > 0 && !firstRecordPending) else {
            bytesConsumed += dataEnd
            return nil
        }
        var starts = recordStarts, ends = recordEnds, lines = recordLines
        recordStarts = []; recordEnds = []; recordLines = []
        return cut(at: dataEnd, starts: &starts, ends: &ends, lines: &lines, line: line)
    }

    /// The line and column of the byte that would follow the buffered data (every byte before it
    /// is in the buffer; those past `scanPos` are not scanned yet).
    private func positionAtDataEnd() -> InputPosition {
        let p = buffer.assumingMemoryBound(to: UInt8.self)
        var line = self.line, lineStart = self.lineStart, i = scanPos
        while i < dataEnd {
            if p[i] == 0x0A || (p[i] == 0x0D && (i + 1 == dataEnd || p[i + 1] != 0x0A)) { line += 1; lineStart = i + 1 }
            i += 1
        }
        return InputPosition(file: displayName, line: line, column: Self.column(p, from: lineStart, to: dataEnd))
    }

    private static func column(_ p: UnsafeMutablePointer<UInt8>, from start: Int, to pos: Int) -> Int {
        var column = 1
        var i = start
        while i < pos {
            if p[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
