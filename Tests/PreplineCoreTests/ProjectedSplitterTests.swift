import Foundation
import Testing
@testable import PreplineCore

/// The fast splitter (the default parser, and the fit pass's projection) must read exactly what
/// libcsv reads: the same record widths, and the same bytes in every field it copies.
@Suite struct ProjectedSplitterTests {
    /// Field pieces that stress the rules: blanks at the edges, quotes (literal in an unquoted
    /// field), doubled quotes, line breaks and delimiters inside quotes, multi-byte text.
    static let pieces = ["a", "xyz", " ", "\t", "  lead", "trail ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "😀", "1.5", "", "37.8\"N"]

    /// Random records of random widths (ragged: the width check must count every field).
    static func makeBytes(seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let width = Int.random(in: 1...6, using: &rng)
        var text = ""
        for r in 0..<Int.random(in: 1...30, using: &rng) {
            if r > 0 { text += ["\n", "\r\n", "\r"].randomElement(using: &rng)! }
            let fields = Int.random(in: 0..<5, using: &rng) == 0 ? Int.random(in: 1...8, using: &rng) : width
            for f in 0..<fields {
                if f > 0 { text += "," }
                let field = (0..<Int.random(in: 0...3, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                let mustQuote = field.contains { $0 == "," || $0 == "\n" || $0 == "\r" || $0 == "\r\n" } || field.hasPrefix("\"")
                    || (fields == 1 && field.isEmpty)
                if mustQuote || Int.random(in: 0..<3, using: &rng) == 0 {
                    text += "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                } else {
                    text += field
                }
            }
        }
        return Array(text.utf8)
    }

    /// The same CSV in another dialect: the delimiter and quote swap places with `,` and `"`
    /// byte for byte, a permutation that keeps every field and record as it was.
    static func inDialect(_ bytes: [UInt8], delimiter: UInt8, quote: UInt8) -> [UInt8] {
        func swap(_ b: UInt8, _ x: UInt8, _ y: UInt8) -> UInt8 { b == x ? y : b == y ? x : b }
        return bytes.map { swap(swap($0, 0x2C, delimiter), 0x22, quote) }
    }

    /// Splits `bytes` both ways, chunk by chunk, and compares every record.
    static func compare(_ bytes: [UInt8], columns: Int, chunkSize: Int, label: String,
                        delimiter: UInt8 = 0x2C, quote: UInt8 = 0x22) throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("in.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var dialect = InputDialect()
        dialect.header = false
        dialect.delimiter = delimiter
        dialect.quote = quote
        let chunker = RecordChunker(inputs: [path], dialect: dialect, chunkSize: chunkSize)
        let libcsv = LibCSVParser(delimiter: delimiter, quote: quote)
        let projected = ProjectedSplitter(delimiter: delimiter, quote: quote)
        while let chunk = try chunker.next() {
            let expected = libcsv.parse(chunk.bytes, expectedRecords: chunk.recordCount)
            let found = projected.split(chunk, columns: columns)
            try #require(found.recordCount == expected.recordCount, "\(label): record count")
            for r in 0..<expected.recordCount {
                let want = expected.strings(ofRecord: r)
                let got = found.strings(ofRecord: r)
                #expect(got.count == want.count, "\(label), record \(r): width \(got.count), libcsv \(want.count)")
                let copied = min(columns, want.count)
                #expect(Array(got.prefix(copied)) == Array(want.prefix(copied)), "\(label), record \(r)")
                let restEmpty = got.dropFirst(copied).allSatisfy { $0.isEmpty }
                #expect(restEmpty, "\(label), record \(r): fields past the projection are empty")
            }
        }
    }

    @Test(arguments: 0..<40)
    func readsWhatLibCSVReads(seed: Int) throws {
        let bytes = Self.makeBytes(seed: UInt64(9000 + seed))
        for columns in [0, 1, 2, 3, 8, Int.max] {
            for chunkSize in [1, 64, 1 << 20] {
                try Self.compare(bytes, columns: columns, chunkSize: chunkSize, label: "seed \(9000 + seed), columns \(columns), chunk \(chunkSize)")
            }
        }
    }

    /// Tab, semicolon and space delimiters, a single-quote quote: the splitter and the chunker
    /// take both bytes from the dialect.
    @Test(arguments: 0..<12)
    func readsWhatLibCSVReadsInOtherDialects(seed: Int) throws {
        let bytes = Self.makeBytes(seed: UInt64(9500 + seed))
        for (delimiter, quote) in [(UInt8(ascii: "\t"), UInt8(ascii: "\"")), (UInt8(ascii: ";"), UInt8(ascii: "'")),
                                   (UInt8(ascii: " "), UInt8(ascii: "\"")), (UInt8(ascii: ","), UInt8(ascii: "'"))] {
            let dialectBytes = Self.inDialect(bytes, delimiter: delimiter, quote: quote)
            for chunkSize in [1, 64, 1 << 20] {
                try Self.compare(dialectBytes, columns: Int.max, chunkSize: chunkSize,
                                 label: "seed \(9500 + seed), delimiter \(delimiter), quote \(quote), chunk \(chunkSize)",
                                 delimiter: delimiter, quote: quote)
            }
        }
    }

    @Test func readsCSVSpectrumAsLibCSVDoes() throws {
        let directory = TestPaths.shared.appendingPathComponent("conformance/csv-spectrum/csvs")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".csv") }
        try #require(!files.isEmpty, "csv-spectrum not found at \(directory.path)")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            for columns in [1, 2, 100, Int.max] {
                try Self.compare(bytes, columns: columns, chunkSize: 1 << 20, label: "\(file), columns \(columns)")
            }
        }
    }
}
