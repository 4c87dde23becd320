#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a chunk's records into fields, the fast alternative to libcsv (`FieldParser.fast`),
/// optionally copying only the leading columns.
///
/// libcsv visits every byte through its state machine (59% of a fit pass, 45% of a validate in
/// perf); here `memchr` jumps to the next delimiter or quote. The fit pass needs only the columns
/// stages learn from, often a few short ones before a long text column: fields after the last
/// needed one are only counted (for the width check), never copied.
///
/// The chunker has already proved the chunk well-formed, so the rules are those of libcsv's
/// lenient mode on such input, which `ProjectedSplitterTests` checks against libcsv itself:
/// a field is quoted only when its first byte is the quote; inside it a doubled quote is one
/// quote and line breaks are data; in an unquoted field a quote is an ordinary byte; nothing is
/// trimmed. Fields after the needed ones are present but empty, so field indexes and record
/// widths are those libcsv would give.
package final class ProjectedSplitter {
    private let delimiter: UInt8
    private let quote: UInt8
    private var storage = FieldStorage()

    package init(delimiter: UInt8, quote: UInt8) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// Splits every record of `chunk`, copying the contents of its first `columns` fields.
    package func split(_ chunk: RawChunk, columns: Int) -> ParsedChunk {
        if !isKnownUniquelyReferenced(&storage) { storage = FieldStorage() }
        let table = storage.table
        // Unescaped field bytes never outnumber the raw bytes; untouched pages cost no memory.
        table.pointee.reset(bytes: chunk.bytes.count,
                            fields: chunk.recordCount * 8 + 8, records: chunk.recordCount + 1)
        chunk.bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            for r in 0..<chunk.recordCount {
                splitRecord(base, from: Int(chunk.recordStarts[r]), to: Int(chunk.recordEnds[r]), columns: columns, into: table)
                table.pointee.endRecord()
            }
        }
        return ParsedChunk(storage: storage)
    }

    @inline(__always)
    private func splitRecord(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, columns: Int,
                             into table: UnsafeMutablePointer<FieldTable>) {
        var position = start
        var column = 0
        while true {
            let copy = column < columns
            if position < end && base[position] == quote {
                // Quoted: runs up to each quote; a doubled quote is one quote of data.
                position += 1
                while true {
                    let close = find(quote, base, from: position, to: end)
                    if copy { table.pointee.appendBytes(base + position, close - position) }
                    position = close + 1
                    guard position < end && base[position] == quote else { break }
                    if copy { table.pointee.appendBytes(base + position, 1) }
                    position += 1
                }
            } else {
                let stop = find(delimiter, base, from: position, to: end)
                if copy { table.pointee.appendBytes(base + position, stop - position) }
                position = stop
            }
            table.pointee.closeField()
            column += 1
            guard position < end && base[position] == delimiter else { return }
            position += 1
        }
    }

    /// The offset of the first `byte` in `[from, to)`, or `to`.
    @inline(__always)
    private func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }
}
