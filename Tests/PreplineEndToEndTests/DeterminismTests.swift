import Foundation
import Testing

/// Output bytes never depend on `--threads` or `--chunk-size` (README: "Output is byte-identical
/// whatever N is"), and they are the bytes an independent model of RFC 4180 predicts.
@Suite("Determinism")
struct DeterminismTests {
    static let chunkSizes = ["1", "7", "64", "4096", "1M"]

    /// 2,000 records with every quoting and line-ending case the generator knows (about 100 KB).
    static let data = GeneratedCSV(records: 2_000, seed: 20_240_601)

    @Test("pass-through output equals the model for every chunk size, with either parser", arguments: 1...4)
    func passThrough(threads: Int) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", Self.data.input)
        let expected = Self.data.expectedOutput
        for parser in ["fast", "libcsv"] {
            for size in Self.chunkSizes {
                let label = "threads \(threads), chunk \(size), parser \(parser)"
                let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", size,
                                           "--parser", parser], cwd: tmp.path)
                #expect(result.status == 0, "\(label): \(result)")
                #expect(result.stderr.isEmpty, "\(label): \(result)")
                expectSameBytes(result.stdout, expected, label)
            }
        }
    }

    /// The generated data with a 2-field record (the data has 5) after every 11th record.
    static func withBadRows() -> (input: [UInt8], bad: Int) {
        var input = data.headerBytes
        var bad = 0
        for (i, record) in data.recordBytes.enumerated() {
            input += record
            if i % 11 == 5 && i < data.recordBytes.count - 1 {
                input += Array("bad,\"row\"\n".utf8)
                bad += 1
            }
        }
        return (input, bad)
    }

    @Test("rejects file and output are identical for every thread count and chunk size")
    func rejects() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject"}}"#)
        let (input, bad) = Self.withBadRows()
        try tmp.write("in.csv", input)
        var reference: [UInt8]? = nil
        for threads in [1, 3] {
            for size in Self.chunkSizes {
                let label = "threads \(threads), chunk \(size)"
                let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", size,
                                           "--rejects", "rejects.csv"], cwd: tmp.path)
                #expect(result.status == 0, "\(label): \(result)")
                expectSameBytes(result.stdout, Self.data.expectedOutput, "\(label): output differs")
                let rejects = try tmp.read("rejects.csv")
                let lines = rejects.split(separator: 0x0A)
                #expect(lines.count == bad + 1, "\(label): \(lines.count - 1) rejected, expected \(bad)")
                if let reference {
                    #expect(rejects == reference, "\(label): rejects file differs")
                } else {
                    reference = rejects
                }
            }
        }
    }

    @Test("gzip output decompresses to the same bytes for every thread count")
    func gzipOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", Self.data.input)
        for threads in [1, 4] {
            let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", "2K",
                                       "-o", "out.csv.gz"], cwd: tmp.path)
            #expect(result.status == 0, "\(result)")
            let unpacked = try gunzip(file: tmp.file("out.csv.gz"))
            #expect(unpacked.status == 0, "\(unpacked)")
            expectSameBytes(unpacked.stdout, Self.data.expectedOutput, "threads \(threads)")
        }
    }

    @Test("stdin through a pipe gives the same bytes as the file, for small and default chunks", arguments: ["7", "1M"])
    func stdinMatchesFile(size: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["apply", "spec.json", "-q", "--threads", "2", "--chunk-size", size],
                                  stdin: .pipe(Self.data.input), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, Self.data.expectedOutput)
    }
}
