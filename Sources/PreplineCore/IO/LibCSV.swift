import CLibCSV

/// Growable raw arrays filled by libcsv's callbacks. A plain struct reached through a pointer,
/// so a callback costs no reference counting and no Array bookkeeping: at ~35 ns per field the
/// callbacks are the parse's hot path (retain/release alone was 10% of a pass-through in perf).
struct FieldTable {
    var bytes: UnsafeMutablePointer<UInt8>?
    var byteCount = 0
    var byteCapacity = 0
    var fieldEnds: UnsafeMutablePointer<Int32>?
    var fieldCount = 0
    var fieldCapacity = 0
    var recordEnds: UnsafeMutablePointer<Int32>?
    var recordCount = 0
    var recordCapacity = 0

    mutating func reset(bytes minimumBytes: Int, fields minimumFields: Int, records minimumRecords: Int) {
        byteCount = 0
        fieldCount = 0
        recordCount = 0
        if byteCapacity < minimumBytes { Self.grow(&bytes, &byteCapacity, to: minimumBytes, keeping: 0) }
        if fieldCapacity < minimumFields { Self.grow(&fieldEnds, &fieldCapacity, to: minimumFields, keeping: 0) }
        if recordCapacity < minimumRecords { Self.grow(&recordEnds, &recordCapacity, to: minimumRecords, keeping: 0) }
    }

    @inline(__always)
    mutating func appendField(_ data: UnsafeRawPointer?, _ length: Int) {
        appendBytes(data, length)
        closeField()
    }

    /// Adds bytes to the field being built (a quoted field arrives in pieces).
    @inline(__always)
    mutating func appendBytes(_ data: UnsafeRawPointer?, _ length: Int) {
        if byteCount + length > byteCapacity {
            Self.grow(&bytes, &byteCapacity, to: max(byteCapacity * 2, byteCount + length), keeping: byteCount)
        }
        if length > 0 { (bytes! + byteCount).update(from: data!.assumingMemoryBound(to: UInt8.self), count: length) }
        byteCount += length
    }

    @inline(__always)
    mutating func closeField() {
        if fieldCount == fieldCapacity { Self.grow(&fieldEnds, &fieldCapacity, to: max(64, fieldCapacity * 2), keeping: fieldCount) }
        fieldEnds![fieldCount] = Int32(truncatingIfNeeded: byteCount)
        fieldCount += 1
    }

    @inline(__always)
    mutating func endRecord() {
        if recordCount == recordCapacity { Self.grow(&recordEnds, &recordCapacity, to: max(64, recordCapacity * 2), keeping: recordCount) }
        recordEnds![recordCount] = Int32(truncatingIfNeeded: fieldCount)
        recordCount += 1
    }

    static func grow<T>(_ pointer: inout UnsafeMutablePointer<T>?, _ capacity: inout Int, to newCapacity: Int, keeping count: Int) {
        let grown = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        if let pointer {
            grown.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
        }
        pointer = grown
        capacity = newCapacity
    }

    func free() {
        bytes?.deallocate()
        fieldEnds?.deallocate()
        recordEnds?.deallocate()
    }
}

/// Owns a `FieldTable`; shared by the parser and the `ParsedChunk`s that read it.
final class FieldStorage {
    let table: UnsafeMutablePointer<FieldTable>

    init() {
        table = .allocate(capacity: 1)
        table.initialize(to: FieldTable())
    }

    deinit {
        table.pointee.free()
        table.deinitialize(count: 1)
        table.deallocate()
    }
}

/// The fields of a chunk's records: one contiguous byte buffer and the end offset of every
/// field, so stages read fields as byte slices without a `String` per field.
package struct ParsedChunk {
    /// Keeps the memory below alive.
    private let storage: FieldStorage?
    /// Field contents (unquoted, unescaped), back to back.
    package let fieldBytes: UnsafeBufferPointer<UInt8>
    /// `fieldEnds[i]` is where field `i` ends in `fieldBytes`; it starts where field `i-1` ends.
    package let fieldEnds: UnsafeBufferPointer<Int32>
    /// `recordEnds[r]` is one past the index of record `r`'s last field.
    package let recordEnds: UnsafeBufferPointer<Int32>

    init(storage: FieldStorage) {
        self.storage = storage
        let table = storage.table.pointee
        fieldBytes = UnsafeBufferPointer(start: table.bytes, count: table.byteCount)
        fieldEnds = UnsafeBufferPointer(start: table.fieldEnds, count: table.fieldCount)
        recordEnds = UnsafeBufferPointer(start: table.recordEnds, count: table.recordCount)
    }

    package var recordCount: Int { recordEnds.count }

    package func fieldRange(ofRecord r: Int) -> Range<Int> {
        (r == 0 ? 0 : Int(recordEnds[r - 1]))..<Int(recordEnds[r])
    }

    package func fieldCount(ofRecord r: Int) -> Int { fieldRange(ofRecord: r).count }

    package func byteRange(ofField f: Int) -> Range<Int> {
        (f == 0 ? 0 : Int(fieldEnds[f - 1]))..<Int(fieldEnds[f])
    }

    package func field(_ f: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: fieldBytes[byteRange(ofField: f)]) }

    /// The fields of record `r` as strings (for headers and messages, not for hot paths), each
    /// standing for its bytes exactly (`LosslessText`), invalid UTF-8 included.
    package func strings(ofRecord r: Int) -> [String] {
        fieldRange(ofRecord: r).map { LosslessText.string(field($0)) }
    }
}

/// Owns one libcsv parser; one per worker thread, since a `csv_parser` is not thread-safe.
///
/// It runs libcsv in its lenient mode: the chunker has already rejected the malformed inputs
/// that lenient mode would misread, and lenient mode keeps a quote inside an unquoted field.
package final class LibCSVParser {
    private let parser: UnsafeMutablePointer<csv_parser>
    private var storage = FieldStorage()

    /// Keeps leading and trailing blanks, which libcsv trims unless told nothing is a space. (The
    /// chunker once found the chunks with no blanks at field edges, for libcsv's faster built-in
    /// test; that cost a stop at every delimiter and made the whole libcsv pass 5–7% slower.)
    package init(delimiter: UInt8, quote: UInt8) {
        parser = UnsafeMutablePointer<csv_parser>.allocate(capacity: 1)
        let status = csv_init(parser, 0)
        precondition(status == 0, "csv_init failed")
        csv_set_delim(parser, delimiter)
        csv_set_quote(parser, quote)
        // Grow the field buffer in large steps: long text fields otherwise grow 128 bytes at a time.
        csv_set_blk_size(parser, 1 << 16)
        csv_set_space_func(parser, prepline_csv_no_space)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// Parses whole records (a chunk from `RecordChunker`, so structurally valid). The storage
    /// is reused when no earlier `ParsedChunk` still holds it.
    package func parse(_ bytes: [UInt8], expectedRecords: Int) -> ParsedChunk {
        if !isKnownUniquelyReferenced(&storage) { storage = FieldStorage() }
        let table = storage.table
        // Unescaped field bytes never outnumber the raw bytes.
        table.pointee.reset(bytes: bytes.count, fields: expectedRecords * 8 + 8, records: expectedRecords + 1)
        let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, context in
            context!.assumingMemoryBound(to: FieldTable.self).pointee.appendField(data, length)
        }
        let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
            context!.assumingMemoryBound(to: FieldTable.self).pointee.endRecord()
        }
        let consumed = bytes.withUnsafeBytes { raw in
            csv_parse(parser, raw.baseAddress, raw.count, onField, onRecord, UnsafeMutableRawPointer(table))
        }
        // Lenient mode only fails on memory exhaustion.
        precondition(consumed == bytes.count, "libcsv stopped: \(String(cString: csv_strerror(csv_error(parser))))")
        csv_fini(parser, onField, onRecord, UnsafeMutableRawPointer(table))
        return ParsedChunk(storage: storage)
    }
}
