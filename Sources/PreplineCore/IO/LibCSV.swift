import CLibCSV

/// The fields of a chunk's records, stored column-friendly: one contiguous byte buffer and the
/// end offset of every field, so stages read fields as byte slices without a `String` per field.
package struct ParsedChunk: Sendable {
    /// Field contents (unquoted, unescaped), back to back.
    package var fieldBytes: [UInt8] = []
    /// `fieldEnds[i]` is where field `i` ends in `fieldBytes`; it starts where field `i-1` ends.
    package var fieldEnds: [Int32] = []
    /// `recordEnds[r]` is one past the index of record `r`'s last field in `fieldEnds`.
    package var recordEnds: [Int32] = []

    package var recordCount: Int { recordEnds.count }

    package func fieldRange(ofRecord r: Int) -> Range<Int> {
        (r == 0 ? 0 : Int(recordEnds[r - 1]))..<Int(recordEnds[r])
    }

    package func fieldCount(ofRecord r: Int) -> Int { fieldRange(ofRecord: r).count }

    package func byteRange(ofField f: Int) -> Range<Int> {
        (f == 0 ? 0 : Int(fieldEnds[f - 1]))..<Int(fieldEnds[f])
    }

    package func field(_ f: Int) -> ArraySlice<UInt8> { fieldBytes[byteRange(ofField: f)] }

    /// The fields of record `r` as strings (for headers and messages, not for hot paths).
    package func strings(ofRecord r: Int) -> [String] {
        fieldRange(ofRecord: r).map { String(decoding: field($0), as: UTF8.self) }
    }
}

/// Owns one libcsv parser; one per worker thread, since a `csv_parser` is not thread-safe.
///
/// It runs libcsv in its lenient mode: the chunker has already rejected the malformed inputs
/// that lenient mode would misread, and lenient mode keeps a quote inside an unquoted field.
package final class LibCSVParser {
    private let parser: UnsafeMutablePointer<csv_parser>

    /// Callback state, reached from C through the context pointer.
    private final class Sink {
        var chunk = ParsedChunk()
    }

    package init(delimiter: UInt8, quote: UInt8) {
        parser = .allocate(capacity: 1)
        let status = csv_init(parser, 0)
        precondition(status == 0, "csv_init failed")
        csv_set_delim(parser, delimiter)
        csv_set_quote(parser, quote)
        // Keep leading and trailing blanks: libcsv trims them unless told nothing is a space.
        csv_set_space_func(parser, prepline_csv_no_space)
        // Grow the field buffer in large steps: long text fields otherwise grow 128 bytes at a time.
        csv_set_blk_size(parser, 1 << 16)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// Parses whole records. The chunk must come from `RecordChunker` (structurally valid).
    package func parse(_ bytes: [UInt8], expectedRecords: Int) -> ParsedChunk {
        var chunk = ParsedChunk()
        parse(bytes, expectedRecords: expectedRecords, into: &chunk)
        return chunk
    }

    /// Parses into `chunk`, reusing its storage (a worker parses every chunk into the same one).
    package func parse(_ bytes: [UInt8], expectedRecords: Int, into chunk: inout ParsedChunk) {
        let sink = Sink()
        swap(&sink.chunk, &chunk)
        defer { swap(&sink.chunk, &chunk) }
        sink.chunk.fieldBytes.removeAll(keepingCapacity: true)
        sink.chunk.fieldEnds.removeAll(keepingCapacity: true)
        sink.chunk.recordEnds.removeAll(keepingCapacity: true)
        sink.chunk.fieldBytes.reserveCapacity(bytes.count)
        sink.chunk.fieldEnds.reserveCapacity(expectedRecords * 8 + 8)
        sink.chunk.recordEnds.reserveCapacity(expectedRecords)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            if let data, length > 0 {
                sink.chunk.fieldBytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            }
            sink.chunk.fieldEnds.append(Int32(truncatingIfNeeded: sink.chunk.fieldBytes.count))
        }
        let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            sink.chunk.recordEnds.append(Int32(truncatingIfNeeded: sink.chunk.fieldEnds.count))
        }
        let consumed = bytes.withUnsafeBytes { raw in
            csv_parse(parser, raw.baseAddress, raw.count, onField, onRecord, context)
        }
        // Lenient mode only fails on memory exhaustion.
        precondition(consumed == bytes.count, "libcsv stopped: \(String(cString: csv_strerror(csv_error(parser))))")
        csv_fini(parser, onField, onRecord, context)
    }
}
