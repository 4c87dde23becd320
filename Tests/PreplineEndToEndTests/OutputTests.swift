import Foundation
import Testing

/// Outputs: files, gzip, the temporary-file-and-rename rule, closed pipes, write errors.
@Suite("Outputs")
struct OutputTests {
    let data = GeneratedCSV(records: 300, seed: 11, finalNewline: true)

    /// Entries of the directory that are not the test's own inputs.
    func extraEntries(_ tmp: TempDir, besides known: Set<String>) throws -> [String] {
        try tmp.listing().filter { !known.contains($0) }
    }

    @Test("-o FILE writes exactly the stdout bytes and leaves no temporary file")
    func outputFile() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.isEmpty, "nothing on stdout with -o: \(result)")
        expectSameBytes(try tmp.read("out.csv"), data.expectedOutput)
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv", "out.csv"]).isEmpty)
    }

    @Test("-o - is stdout")
    func dashIsStdout() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "-"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, data.expectedOutput)
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv"]).isEmpty)
    }

    @Test("--crlf ends every record with CRLF, line breaks inside fields untouched")
    func crlfOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "--crlf"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        var expected = GeneratedCSV.line(GeneratedCSV.header).dropLast() + [0x0D, 0x0A]
        for record in data.records { expected += GeneratedCSV.line(record).dropLast() + [0x0D, 0x0A] }
        expectSameBytes(result.stdout, Array(expected))
    }

    @Test(".gz output decompresses (with the system gzip) to the plain output", arguments: ["1", "6", "9"])
    func gzipOutput(level: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        // Small chunks: the parallel writer emits many gzip members, which must form one valid file.
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "out.csv.gz", "--gzip-level", level,
                                   "--chunk-size", "4K", "--threads", "3"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let packed = try tmp.read("out.csv.gz")
        #expect(packed.starts(with: [0x1F, 0x8B]), "not gzip")
        let unpacked = try gunzip(file: tmp.file("out.csv.gz"))
        #expect(unpacked.status == 0, "gzip -dc: \(unpacked)")
        expectSameBytes(unpacked.stdout, data.expectedOutput)
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv", "out.csv.gz"]).isEmpty)
    }

    @Test("gzip in, gzip out, and prepline reads its own .gz output back")
    func gzipRoundTrip() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv.gz", try gzip(data.input, in: tmp))
        let first = try prepline(["run", "spec.json", "in.csv.gz", "-q", "-o", "out.csv.gz", "--chunk-size", "1K"], cwd: tmp.path)
        #expect(first.status == 0, "\(first)")
        let second = try prepline(["run", "spec.json", "out.csv.gz", "-q"], cwd: tmp.path)
        #expect(second.status == 0, "\(second)")
        expectSameBytes(second.stdout, data.expectedOutput)
    }

    @Test("an empty input gives a valid, empty .gz file")
    func emptyGzipOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("empty.csv", [])
        let result = try prepline(["run", "spec.json", "empty.csv", "-q", "-o", "out.csv.gz"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let unpacked = try gunzip(file: tmp.file("out.csv.gz"))
        #expect(unpacked.status == 0, "\(unpacked)")
        #expect(unpacked.stdout.isEmpty)
    }

    @Test("an unwritable output: exit 4, naming it, and no temporary file in the working directory")
    func unwritableOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "/nonexistent/dir/x.csv"], cwd: tmp.path)
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("/nonexistent/dir/x.csv"), "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv"]).isEmpty)
    }

    @Test("an unwritable rejects file: exit 4")
    func unwritableRejects() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject"}}"#)
        try tmp.write("in.csv", "a,b\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "--rejects", "/nonexistent/dir/r.csv", "-o", "out.csv"],
                                  cwd: tmp.path)
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("/nonexistent/dir/r.csv"), "\(result)")
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv"]).isEmpty)
    }

    /// Inputs that fail after many chunks have already been written to the temporary file.
    static let failingInputs: [(name: String, bytes: String, exit: Int32)] = [
        ("row error", "a,b\n" + String(repeating: "1,2\n", count: 5000) + "3\n", 1),
        ("unterminated quote", "a,b\n" + String(repeating: "1,2\n", count: 5000) + "3,\"open\n", 3),
        ("bytes after a closing quote", "a,b\n" + String(repeating: "1,2\n", count: 5000) + "3,\"x\"y\n", 3),
    ]

    @Test("a failing run leaves no output file (and no temporary file) at -o",
          arguments: [0, 1, 2], ["out.csv", "out.csv.gz"])
    func failedRunLeavesNothing(_ index: Int, _ output: String) throws {
        let input = Self.failingInputs[index]
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", input.bytes)
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", output, "--chunk-size", "64", "--threads", "2"],
                                  cwd: tmp.path)
        #expect(result.status == input.exit, "\(input.name): \(result)")
        #expect(!result.stderr.isEmpty, "\(input.name): an error must be reported")
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv"]).isEmpty, "\(input.name)")
    }

    @Test("a failing run leaves an existing file at -o untouched")
    func failedRunKeepsOldOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a,b\n1,2\n3,\"x\"y\n")
        try tmp.write("out.csv", "previous,content\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(try tmp.read("out.csv") == Array("previous,content\n".utf8))
        #expect(try extraEntries(tmp, besides: ["spec.json", "in.csv", "out.csv"]).isEmpty)
    }

    @Test("a successful run replaces an existing file at -o")
    func successReplacesOldOutput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a,b\n1,2\n")
        try tmp.write("out.csv", String(repeating: "longer previous content\n", count: 10))
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(try tmp.read("out.csv") == Array("a,b\n1,2\n".utf8))
    }

    /// ~20 MB of CSV, written in blocks so that generating it costs next to nothing.
    static func writeLargeCSV(in tmp: TempDir, name: String, megabytes: Int = 20) throws -> String {
        var block = ""
        for i in 0..<16_000 { block += "\(i),name \(i),\"quoted, \"\"text\"\" \(i % 97)\",\(i * 7 % 1000).25\n" }
        let path = try tmp.write(name, "id,name,text,value\n")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        let blockData = Data(block.utf8)
        for _ in 0..<max(1, megabytes * 1_000_000 / blockData.count + 1) { try handle.write(contentsOf: blockData) }
        return path
    }

    @Test("| head -1 on a large input: exit 0, nothing on stderr (not even the summary)",
          arguments: [false, true])
    func closedPipe(gzipInput: Bool) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let csv = try Self.writeLargeCSV(in: tmp, name: "big.csv")
        var input = csv
        if gzipInput {
            let packed = try runProcess(try E2E.tool("gzip"), ["-1", "-k", "-f", csv])
            #expect(packed.status == 0, "\(packed)")
            input = csv + ".gz"
        }
        let binary = try E2E.requireBinary()
        // pipefail: the pipeline's status is prepline's unless head fails.
        let script = #"set -o pipefail; "$0" run spec.json "$1" --threads 2 | head -1"#
        let started = Date()
        let result = try runProcess(try E2E.tool("bash"), ["-c", script, binary, input], cwd: tmp.path)
        #expect(!result.timedOut)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,name,text,value\n", "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(Date().timeIntervalSince(started) < 30, "prepline should stop soon after the reader goes")
    }
}
