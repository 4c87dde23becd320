#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes RFC 4180 CSV: a field is quoted only when it must be (it holds the delimiter, the
/// quote, CR or LF), the way Python's csv module and xsv write, so output diffs stay small.
package struct CSVFormatter: Sendable {
    package let delimiter: UInt8
    package let quote: UInt8
    package let crlf: Bool
    private let special: ByteScan
    /// The delimiter or quote can appear in a number's text.
    private let numbersNeedChecking: Bool

    package init(delimiter: UInt8, quote: UInt8, crlf: Bool) {
        self.delimiter = delimiter
        self.quote = quote
        self.crlf = crlf
        special = ByteScan(delimiter, quote, 0x0A, 0x0D)
        numbersNeedChecking = Array("0123456789.-+einfa".utf8).contains(delimiter) || Array("0123456789.-+einfa".utf8).contains(quote)
    }

    /// Appends a number's shortest round-trip text; quoted only when the delimiter or quote is a
    /// character numbers use (a "." delimiter, say), so the output always reads back.
    @inline(__always)
    package func appendNumber(_ value: Double, into out: inout [UInt8]) {
        guard numbersNeedChecking else {
            NumberText.append(value, to: &out)
            return
        }
        var text: [UInt8] = []
        NumberText.append(value, to: &text)
        text.withUnsafeBytes { appendField($0, fieldCount: 2, into: &out) }
    }

    /// True when a number's text never needs quoting (the usual delimiters and quotes), so
    /// writers may append number bytes directly.
    package var writesNumbersBare: Bool { !numbersNeedChecking }

    package func appendTerminator(into out: inout [UInt8]) {
        if crlf { out.append(0x0D) }
        out.append(0x0A)
    }

    /// Appends one field. `fieldCount` is the record's width: a record made of a single empty
    /// field is written as `""`, because an empty line would be read back as no record at all.
    @inline(__always)
    package func appendField(_ field: UnsafeRawBufferPointer, fieldCount: Int, into out: inout [UInt8]) {
        if field.isEmpty {
            if fieldCount == 1 { out.append(quote); out.append(quote) }
            return
        }
        let start = field.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard special.firstMatch(start, from: 0, end: field.count) < field.count else {
            out.append(contentsOf: field)
            return
        }
        // Quoted: copied in runs between quote bytes (each doubled), not byte by byte; a long
        // text field with a comma is the common case and was 40% of formatting.
        out.append(quote)
        var runStart = 0
        while runStart < field.count,
              let hit = memchr(field.baseAddress! + runStart, Int32(quote), field.count - runStart) {
            let quoteAt = UnsafeRawPointer(hit) - field.baseAddress!
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: field[runStart...quoteAt]))
            out.append(quote)
            runStart = quoteAt + 1
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: field[runStart...]))
        out.append(quote)
    }

    /// Appends a name or text as the bytes it stands for (`LosslessText`: a header's invalid
    /// UTF-8 is written back as it was read).
    package func appendField(_ text: String, fieldCount: Int, into out: inout [UInt8]) {
        LosslessText.bytes(text).withUnsafeBytes { appendField($0, fieldCount: fieldCount, into: &out) }
    }

    /// Appends a whole record of strings (headers, rejects: not the hot path).
    package func appendRecord(_ fields: [String], into out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(delimiter) }
            appendField(field, fieldCount: fields.count, into: &out)
        }
        appendTerminator(into: &out)
    }
}
