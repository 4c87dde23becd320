import Foundation
import Testing

let passthroughSpec = #"{"prepline": 1, "stages": []}"#
let headerlessSpec = #"{"prepline": 1, "input": {"header": false}, "stages": [], "output": {"header": false}}"#

/// Inputs: stdin, several files, gzip (by content), and inputs that cannot be read.
@Suite("Inputs")
struct InputTests {
    let data = GeneratedCSV(records: 400, seed: 7)

    // MARK: stdin

    @Test("stdin through a pipe, named '-' or by giving no input", arguments: [["-"], []])
    func stdinPipe(_ inputArgs: [String]) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["run", "spec.json"] + inputArgs + ["-q"], stdin: .pipe(data.input), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        expectSameBytes(result.stdout, data.expectedOutput, "\(result)")
    }

    @Test("apply streams stdin to stdout like run")
    func applyFromStdin() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["apply", "spec.json", "-q"], stdin: .pipe(data.input), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, data.expectedOutput, "\(result)")
    }

    @Test("stdin is named 'stdin' in row errors")
    func stdinNamedInErrors() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["run", "spec.json", "-q"], stdin: .pipe(Array("a,b\n1,2\n3\n".utf8)), cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("stdin:3: record 2: expected 2 fields, found 1"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("stdin can be given only once")
    func stdinTwice() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["run", "spec.json", "-", "-", "-q"], stdin: .pipe(Array("a\n1\n".utf8)), cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    // MARK: several inputs

    @Test("several inputs with the same header are one dataset with one header")
    func severalInputsSameHeader() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "id,name\n1,x\n2,\"y,z\"\n")
        try tmp.write("b.csv", "id,name\r\n3,w\r\n")
        try tmp.write("c.csv", "\u{FEFF}id,name\n4,v")  // BOM and no final newline in a later file
        let result = try prepline(["run", "spec.json", "a.csv", "b.csv", "c.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,name\n1,x\n2,\"y,z\"\n3,w\n4,v\n", "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("the same file twice, as the README's example does, doubles the rows")
    func sameFileTwice() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv", "in.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let body = data.expectedOutput.drop(while: { $0 != 0x0A }).dropFirst()
        expectSameBytes(result.stdout, data.expectedOutput + body, "\(result)")
        let n = data.records.count * 2
        #expect(result.stderr.hasPrefix("prepline: \(n) rows in, \(n) out, 0 skipped, 0 rejected;"), "\(result)")
    }

    @Test("a file and stdin together")
    func fileAndStdin() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "id,name\n1,x\n")
        let result = try prepline(["run", "spec.json", "a.csv", "-", "-q"], stdin: .pipe(Array("id,name\n2,y\n".utf8)), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,name\n1,x\n2,y\n", "\(result)")
    }

    @Test("several header-less inputs are concatenated")
    func severalHeaderlessInputs() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", headerlessSpec)
        try tmp.write("a.csv", "1,x\n2,y\n")
        try tmp.write("b.csv", "3,z\n")
        let result = try prepline(["run", "spec.json", "a.csv", "b.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "1,x\n2,y\n3,z\n", "\(result)")
    }

    @Test("inputs with different headers: exit 3, naming the file whose header differs")
    func severalInputsDifferentHeaders() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "id,name\n1,x\n")
        try tmp.write("b.csv", "id,label\n2,y\n")
        let result = try prepline(["run", "spec.json", "a.csv", "b.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("b.csv:1: header differs"), "\(result)")
        #expect(!tmp.exists("out.csv"), "a failed run must leave no output file")
    }

    @Test("a row error in a later input names that file and counts records across files")
    func rowErrorInSecondInput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "id,name\n1,x\n2,y\n")
        try tmp.write("b.csv", "id,name\n3,z\n4\n")
        let result = try prepline(["run", "spec.json", "a.csv", "b.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("b.csv:3: record 4: expected 2 fields, found 1"), "\(result)")
    }

    // MARK: gzip

    @Test("a gzip file is detected by its content, whatever its name")
    func gzipFile() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let packed = try gzip(data.input, in: tmp)
        try tmp.write("in.csv.gz", packed)
        try tmp.write("misnamed.csv", packed)
        for name in ["in.csv.gz", "misnamed.csv"] {
            let result = try prepline(["run", "spec.json", name, "-q"], cwd: tmp.path)
            #expect(result.status == 0, "\(name): \(result)")
            expectSameBytes(result.stdout, data.expectedOutput, "\(name): \(result)")
        }
    }

    @Test("gzip on stdin")
    func gzipStdin() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["run", "spec.json", "-q"], stdin: .pipe(try gzip(data.input, in: tmp)), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, data.expectedOutput, "\(result)")
    }

    @Test("multi-member gzip (members concatenated) is read to the end", arguments: [false, true])
    func multiMemberGzip(onStdin: Bool) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        // Split at a record boundary and also inside a record: a member boundary is not a record boundary.
        let half = data.recordBytes.count / 2
        let first = data.headerBytes + data.recordBytes[..<half].flatMap { $0 }
        let rest = data.recordBytes[half...].flatMap { $0 }
        let cut = rest.count / 3
        let packed = try gzip(first, level: 1, in: tmp) + (try gzip(Array(rest[..<cut]), level: 9, in: tmp))
            + (try gzip(Array(rest[cut...]), in: tmp))
        try tmp.write("multi.gz", packed)
        let result = onStdin
            ? try prepline(["run", "spec.json", "-q"], stdin: .pipe(packed), cwd: tmp.path)
            : try prepline(["run", "spec.json", "multi.gz", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        expectSameBytes(result.stdout, data.expectedOutput, "\(result)")
    }

    @Test("corrupt gzip: exit 3 and the message names the file")
    func corruptGzip() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let packed = try gzip(data.input, in: tmp)
        // The magic bytes, then a header that announces an unknown compression method.
        try tmp.write("garbage.gz", [0x1F, 0x8B, 0x63] + Array(repeating: 0x41, count: 64))
        // A good stream whose CRC-32 (trailer) is wrong: caught when the member ends.
        var badCRC = packed
        badCRC[badCRC.count - 8] ^= 0xFF
        try tmp.write("badcrc.gz", badCRC)
        // Bytes after the last member that are not another member.
        try tmp.write("trailing.gz", packed + Array("not gzip".utf8))
        for name in ["garbage.gz", "badcrc.gz", "trailing.gz"] {
            let result = try prepline(["run", "spec.json", name, "-q", "-o", "out.csv"], cwd: tmp.path)
            #expect(result.status == 3, "\(name): \(result)")
            #expect(result.stderr.contains("\(name): corrupt gzip data"), "\(name): \(result)")
            #expect(!tmp.exists("out.csv"), "\(name): a failed run must leave no output file")
        }
    }

    @Test("truncated gzip: exit 3, on a file and on stdin", arguments: [false, true])
    func truncatedGzip(onStdin: Bool) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let packed = try gzip(data.input, in: tmp)
        let truncated = Array(packed[..<(packed.count / 2)])
        try tmp.write("truncated.gz", truncated)
        let result = onStdin
            ? try prepline(["run", "spec.json", "-q"], stdin: .pipe(truncated), cwd: tmp.path)
            : try prepline(["run", "spec.json", "truncated.gz", "-q"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        let name = onStdin ? "stdin" : "truncated.gz"
        #expect(result.stderr.contains("\(name): corrupt gzip data"), "\(result)")
        #expect(result.stderr.contains("truncated"), "\(result)")
    }

    // MARK: unreadable inputs

    @Test("a missing input file: exit 3, naming it, nothing on stdout")
    func missingInput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "a\n1\n")
        let result = try prepline(["run", "spec.json", "a.csv", "nope.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("nope.csv"), "\(result)")
        #expect(!tmp.exists("out.csv"))
    }

    @Test("a directory as input: exit 3")
    func directoryInput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try FileManager.default.createDirectory(atPath: tmp.file("dir"), withIntermediateDirectories: false)
        let result = try prepline(["run", "spec.json", "dir", "-q"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("dir"), "\(result)")
    }

    @Test("a missing spec file: exit 2")
    func missingSpec() throws {
        let tmp = try TempDir()
        try tmp.write("a.csv", "a\n1\n")
        let result = try prepline(["run", "nospec.json", "a.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("nospec.json"), "\(result)")
        #expect(result.stdout.isEmpty)
    }
}
