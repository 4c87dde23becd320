import Foundation
import Testing
@testable import PreplineCore

/// Random CSVs whose records are known in advance: every chunk size and thread count must read
/// back exactly those records and write exactly the same bytes.
@Suite struct ChunkingPropertyTests {
    static let pieces = ["a", "b", "xyz", " ", "  lead", "trail ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "日本", "😀", "1.5", "NA", "'"]

    struct Case {
        var records: [[String]]
        var bytes: [UInt8]
        /// The 1-based physical line each record starts on (CRLF, LF and CR each end one line).
        var lines: [Int]
    }

    /// Encodes records the way a messy real file would: optional quoting, mixed line ends,
    /// blank lines, a BOM, and sometimes no final newline.
    static func makeCase(seed: UInt64) -> Case {
        var rng = SplitMix64(seed: seed)
        let width = Int.random(in: 1...5, using: &rng)
        let count = Int.random(in: 1...40, using: &rng)
        var records: [[String]] = []
        for _ in 0..<count {
            records.append((0..<width).map { _ in
                (0..<Int.random(in: 0...3, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            })
        }
        var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
        var lines: [Int] = []
        for (r, record) in records.enumerated() {
            if r > 0 && Int.random(in: 0..<8, using: &rng) == 0 { text += "\n" }  // a blank line
            // Characters merge an adjacent "\r" + "\n" into one "\r\n", one line end as in the reader.
            // (Counted in place: a filtered String would merge a lone "\r" with a later "\n".)
            lines.append(1 + text.reduce(0) { $0 + ($1 == "\n" || $1 == "\r" || $1 == "\r\n" ? 1 : 0) })
            for (f, field) in record.enumerated() {
                if f > 0 { text += "," }
                let mustQuote = field.contains(where: { $0 == "," || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                    || field.hasPrefix("\"") || (width == 1 && field.isEmpty)
                if mustQuote || Int.random(in: 0..<4, using: &rng) == 0 {
                    text += "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                } else {
                    text += field
                }
            }
            let last = r == records.count - 1
            if !last || Bool.random(using: &rng) {
                // A CR alone must not be followed by a record that begins with LF: fields with LF are quoted.
                text += ["\n", "\r\n", "\r"].randomElement(using: &rng)!
            }
        }
        return Case(records: records, bytes: Array(text.utf8), lines: lines)
    }

    /// The output an RFC 4180 minimal-quoting writer must produce, written independently of prepline.
    static func expectedOutput(_ records: [[String]]) -> [UInt8] {
        let width = records.first?.count ?? 0
        var lines = [(1...max(1, width)).map { "column_\($0)" }.joined(separator: ",")]
        for record in records {
            lines.append(record.map { field in
                if field.isEmpty && record.count == 1 { return "\"\"" }
                if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
                return field
            }.joined(separator: ","))
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// A case written to a temporary directory, with a header-less pass-through spec beside it.
    struct CaseFiles {
        let directory: URL
        let input: String
        let spec: String

        init(_ bytes: [UInt8]) throws {
            directory = try TestPaths.temporaryDirectory()
            input = directory.appendingPathComponent("in.csv").path
            spec = directory.appendingPathComponent("spec.json").path
            _ = FileManager.default.createFile(atPath: input, contents: Data(bytes))
            _ = FileManager.default.createFile(atPath: spec, contents: Data(#"{"prepline": 1, "input": {"header": false}}"#.utf8))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// Runs the pass-through into `name` in the directory; returns the written bytes.
        func passThrough(threads: Int, chunkSize: Int, to name: String) throws -> (TransformResult, [UInt8]) {
            let output = directory.appendingPathComponent(name).path
            var options = TransformOptions(specPath: spec)
            options.inputs = [input]
            options.output = output
            options.engine = EngineOptions(threads: threads, chunkSize: chunkSize)
            options.progress = .never
            let result = try TransformCommand.execute(options)
            return (result, try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))))
        }
    }

    @Test(arguments: 0..<24)
    func everyChunkSizeAndThreadCountReadsTheSameRecords(seed: Int) throws {
        let testCase = Self.makeCase(seed: UInt64(seed))
        let files = try CaseFiles(testCase.bytes)
        defer { files.remove() }
        var dialect = InputDialect()
        dialect.header = false
        for parser in FieldParser.allCases {
            for chunkSize in [1, 2, 3, 7, 64, 4096, 1 << 20] {
                for threads in 1...4 {
                    let (_, records) = try readRecords([files.input], dialect: dialect, threads: threads, chunkSize: chunkSize, parser: parser)
                    #expect(records == testCase.records, "seed \(seed), \(parser) parser, chunk \(chunkSize), threads \(threads)")
                }
            }
        }
    }

    /// Several inputs are one dataset: records split over files read back in order, whatever
    /// the chunk size (a chunker that leaked one file's pending records into the next failed here).
    @Test(arguments: 0..<12)
    func severalInputsReadAsOneDataset(seed: Int) throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var rng = SplitMix64(seed: UInt64(9000 + seed))
        let width = Int.random(in: 1...4, using: &rng)
        var expected: [[String]] = []
        var paths: [String] = []
        for part in 0..<Int.random(in: 1...3, using: &rng) {
            var testCase = Self.makeCase(seed: UInt64(9100 + seed * 7 + part))
            // Make every part the same width: keep the first `width` fields, padding with "x".
            testCase.records = testCase.records.map { record in (0..<width).map { $0 < record.count ? record[$0] : "x" } }
            let text = testCase.records.map { record in
                record.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
            }.joined(separator: part % 2 == 0 ? "\n" : "\r\n")
            let path = directory.appendingPathComponent("part\(part).csv").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            paths.append(path)
            expected += testCase.records
        }
        var dialect = InputDialect()
        dialect.header = false
        for chunkSize in [1, 3, 64, 1 << 20] {
            for threads in [1, 3] {
                let (_, records) = try readRecords(paths, dialect: dialect, threads: threads, chunkSize: chunkSize)
                #expect(records == expected, "seed \(seed), chunk \(chunkSize), threads \(threads), \(paths.count) files")
            }
        }
    }

    @Test(arguments: 0..<24)
    func theChunkerKnowsTheLineOfEveryRecord(seed: Int) throws {
        let testCase = Self.makeCase(seed: UInt64(500 + seed))
        let files = try CaseFiles(testCase.bytes)
        defer { files.remove() }
        let input = files.input
        var dialect = InputDialect()
        dialect.header = false
        for chunkSize in [1, 7, 4096] {
            let chunker = RecordChunker(inputs: [input], dialect: dialect, chunkSize: chunkSize)
            var lines: [Int] = []
            var originals: [String] = []
            while let chunk = try chunker.next() {
                for r in 0..<chunk.recordCount {
                    lines.append(chunk.line(ofRecord: r))
                    originals.append(String(decoding: chunk.originalBytes(ofRecord: r), as: UTF8.self))
                }
            }
            #expect(lines == testCase.lines, "seed \(500 + seed), chunk \(chunkSize)")
            // A record's original bytes are exactly what a reject file must reproduce.
            #expect(originals.count == testCase.records.count)
            for (original, record) in zip(originals, testCase.records) {
                let reparsed = LibCSVParser(delimiter: 0x2C, quote: 0x22).parse(Array(original.utf8), expectedRecords: 1)
                #expect(reparsed.recordCount == 1 && reparsed.strings(ofRecord: 0) == record)
            }
        }
    }

    @Test(arguments: 0..<12)
    func everyChunkSizeAndThreadCountWritesTheSameBytes(seed: Int) throws {
        let testCase = Self.makeCase(seed: UInt64(1000 + seed))
        let files = try CaseFiles(testCase.bytes)
        defer { files.remove() }
        let expected = Self.expectedOutput(testCase.records)
        for chunkSize in [1, 2, 3, 7, 64, 4096] {
            for threads in 1...4 {
                let (result, written) = try files.passThrough(threads: threads, chunkSize: chunkSize, to: "out-\(chunkSize)-\(threads).csv")
                #expect(result.summary.rowsIn == testCase.records.count)
                #expect(written == expected, "seed \(1000 + seed), chunk \(chunkSize), threads \(threads)")
            }
        }
    }

    /// Gzip output is one member per chunk, compressed in parallel: it must decode to the same
    /// records at any setting, and for a given chunk size be byte-identical at any thread count.
    @Test func gzipOutputIsIdenticalAcrossThreadCounts() throws {
        let testCase = Self.makeCase(seed: 77)
        let files = try CaseFiles(testCase.bytes)
        defer { files.remove() }
        for chunkSize in [1, 7, 64, 1 << 20] {
            var compressedByThreads: [[UInt8]] = []
            for threads in 1...4 {
                let name = "out-\(threads)-\(chunkSize).csv.gz"
                let (_, compressed) = try files.passThrough(threads: threads, chunkSize: chunkSize, to: name)
                // Read back through prepline's own gzip reader: a multi-member file must decode whole.
                let (_, records) = try readRecords([files.directory.appendingPathComponent(name).path], dialect: InputDialect(),
                                                   threads: 1, chunkSize: 1 << 20)
                #expect(records == testCase.records, "chunk \(chunkSize), threads \(threads)")
                compressedByThreads.append(compressed)
            }
            #expect(Set(compressedByThreads).count == 1, "chunk \(chunkSize): gzip bytes differ between thread counts")
        }
    }
}
