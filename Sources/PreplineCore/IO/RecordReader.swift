/// The reading side of the format seam: where a run's records come from, as chunks of whole
/// records (`RawChunk`, cut on one thread) that any worker splits into a columnar field table
/// (`ParsedChunk`). The engine reads only through this protocol; CSV is the one format today
/// (`CSVRecordReader`: ByteSource → `RecordChunker` → `ChunkParser`).
///
/// IO names no Engine type: the engine (`StreamingEngine`, the plan, the writers' caller) uses
/// IO, never the other way round.
package protocol RecordReader: AnyObject {
    /// The next chunk of whole records in input order, nil when every input is exhausted.
    /// Called on one thread only (the engine's reader).
    func next() throws(PreplineError) -> RawChunk?
    /// Raw bytes read from all inputs so far (compressed bytes for gzip), for progress.
    var rawBytesRead: Int { get }
    /// The dataset's columns, from the first chunk handed out (the header record, or the first
    /// data record when the input has none).
    func header(of first: RawChunk) -> DatasetHeader
    /// A field splitter for one worker thread; `leadingColumns` (when not nil) is how many
    /// leading fields of each record are copied, the rest only counted.
    func makeParser(leadingColumns: Int?) -> ChunkParser
}

/// CSV records: the byte sources (files, stdin, gzip, transcoded) cut into chunks by the
/// quote-aware `RecordChunker`, each split by `ChunkParser` (the fast splitter or libcsv).
package final class CSVRecordReader: RecordReader {
    private let chunker: RecordChunker
    private let dialect: InputDialect
    private let parser: FieldParser

    package init(inputs: [String], displayNames: [String], dialect: InputDialect, chunkSize: Int, pool: BufferPool, parser: FieldParser) {
        chunker = RecordChunker(inputs: inputs, displayNames: displayNames, dialect: dialect, chunkSize: chunkSize, pool: pool)
        self.dialect = dialect
        self.parser = parser
    }

    package func next() throws(PreplineError) -> RawChunk? { try chunker.next() }

    package var rawBytesRead: Int { chunker.rawBytesRead }

    package func header(of first: RawChunk) -> DatasetHeader {
        let firstFields = LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote).parse(first.bytes, expectedRecords: 1)
        var header = if let columns = dialect.columns {
            DatasetHeader(names: columns, fromInput: false)
        } else if dialect.header {
            DatasetHeader(names: firstFields.strings(ofRecord: 0), fromInput: true)
        } else {
            DatasetHeader(names: (1...firstFields.fieldCount(ofRecord: 0)).map { "column_\($0)" }, fromInput: false)
        }
        header.inputIndex = first.inputIndex
        header.line = first.line(ofRecord: 0)
        // The first chunk is cut right after the first record: the rest of it is its line end.
        if dialect.header { header.record = Array(first.bytes[Int(first.recordStarts[0])...]) }
        return header
    }

    package func makeParser(leadingColumns: Int?) -> ChunkParser {
        ChunkParser(dialect: dialect, parser: parser, leadingColumns: leadingColumns)
    }
}

/// The columns of the dataset, learned from the first record before any worker starts.
package struct DatasetHeader: Sendable, Equatable {
    /// Column names: the header record, or `column_1`… when the input has no header.
    package var names: [String]
    /// True when the names came from the input.
    package var fromInput: Bool
    /// Where the first record (the header, when `fromInput`) was read: the input's index and
    /// its line, for messages about the header.
    package var inputIndex = 0
    package var line = 1
    /// The header record's bytes as read, with its line end when it has one (empty without a
    /// header), for `split`, which writes the header back exactly as it came.
    package var record: [UInt8] = []
}

/// How inputs are named in messages: stdin is "stdin", not "-".
package enum InputNames {
    package static func display(_ inputs: [String]) -> [String] { inputs.map { $0 == "-" ? "stdin" : $0 } }
}

/// Who splits the records of a chunk into fields.
///
/// libcsv is the reference parser. The fast splitter reads the same fields from the chunks the
/// chunker hands out (proved well-formed), jumping over plain bytes with `memchr` where libcsv
/// runs its state machine on each; `ProjectedSplitterTests` checks it against libcsv itself on
/// random ragged input and on csv-spectrum. libcsv stays one option away, for the parse-floor
/// benchmark and for anyone who wants the reference on their data.
package enum FieldParser: String, Sendable, CaseIterable {
    /// `ProjectedSplitter`: about 4× libcsv's throughput on the benchmark data.
    case fast
    /// libcsv 3.0.3, every field through its state machine.
    case libcsv
}

/// A worker's parser. A header record is always parsed whole by libcsv, to compare it.
package struct ChunkParser {
    let libcsv: LibCSVParser
    let splitter: ProjectedSplitter?
    /// Fields the splitter copies in each record; the rest are only counted.
    let copiedColumns: Int

    init(dialect: InputDialect, parser: FieldParser, leadingColumns: Int?) {
        libcsv = LibCSVParser(delimiter: dialect.delimiter, quote: dialect.quote)
        splitter = parser == .fast ? ProjectedSplitter(delimiter: dialect.delimiter, quote: dialect.quote) : nil
        copiedColumns = leadingColumns ?? Int.max
    }

    package func parse(_ chunk: RawChunk) -> ParsedChunk {
        if let splitter, !chunk.isHeader { return splitter.split(chunk, columns: copiedColumns) }
        return libcsv.parse(chunk.bytes, expectedRecords: chunk.recordCount)
    }
}
