import Foundation
import Testing
@testable import PreplineCore

/// The fit pass's projected splitter must read exactly what libcsv reads: the same record
/// widths, and the same bytes in every field it copies.
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

    /// Splits `bytes` both ways, chunk by chunk, and compares every record.
    static func compare(_ bytes: [UInt8], columns: Int, chunkSize: Int, label: String) throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("in.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var dialect = InputDialect()
        dialect.header = false
        let chunker = RecordChunker(inputs: [path], dialect: dialect, chunkSize: chunkSize)
        let libcsv = LibCSVParser(delimiter: 0x2C, quote: 0x22)
        let projected = ProjectedSplitter(delimiter: 0x2C, quote: 0x22)
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
