import Foundation
import Testing

/// The command line itself: help, usage errors, the summary line.
@Suite("Command line")
struct CommandLineTests {
    static let summaryPattern = #"^prepline: (\d+) rows? in, (\d+) out, (\d+) skipped, (\d+) rejected; \d+\.\d\d s, \d+\.\d MB/s$"#

    /// The numbers of the one summary line on stderr (which must be the only line).
    static func summary(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (rowsIn: Int, out: Int, skipped: Int, rejected: Int) {
        try #require(result.stderr.hasSuffix("\n"), "stderr should end with a newline: \(result)", sourceLocation: sourceLocation)
        let lines = result.stderrLines
        try #require(lines.count == 1, "expected exactly one summary line: \(result)", sourceLocation: sourceLocation)
        let regex = try Regex(summaryPattern)
        let match = try #require(try regex.wholeMatch(in: lines[0]), "summary line format: \(lines[0])", sourceLocation: sourceLocation)
        func number(_ i: Int) -> Int { Int(match.output[i].substring.map(String.init) ?? "") ?? -1 }
        return (number(1), number(2), number(3), number(4))
    }

    @Test("the summary line: format and accounting on a clean file")
    func summaryClean() throws {
        let data = GeneratedCSV(records: 250, seed: 3)
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", data.input)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let s = try Self.summary(result)
        #expect(s.rowsIn == 250 && s.out == 250 && s.skipped == 0 && s.rejected == 0, "\(result)")
    }

    static let raggedInput = "id,name\n1,a\n2\n3,c\n\n4,d,extra\n\"5\n5\",e\n6,f,g,h\n7\n"

    @Test("the summary accounts for skipped rows: in = out + skipped + rejected")
    func summarySkip() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "skip"}}"#)
        try tmp.write("in.csv", Self.raggedInput)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,name\n1,a\n3,c\n\"5\n5\",e\n", "\(result)")
        let s = try Self.summary(result)
        #expect(s.rowsIn == 7 && s.out == 3 && s.skipped == 4 && s.rejected == 0, "\(result)")
        #expect(s.rowsIn == s.out + s.skipped + s.rejected)
    }

    @Test("the summary accounts for rejected rows, and the rejects file holds exactly them")
    func summaryReject() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject"}}"#)
        try tmp.write("in.csv", Self.raggedInput)
        let result = try prepline(["run", "spec.json", "in.csv", "--rejects", "bad.csv", "--chunk-size", "8"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,name\n1,a\n3,c\n\"5\n5\",e\n", "\(result)")
        let s = try Self.summary(result)
        #expect(s.rowsIn == 7 && s.out == 3 && s.skipped == 0 && s.rejected == 4, "\(result)")
        let rejects = String(decoding: try tmp.read("bad.csv"), as: UTF8.self)
        #expect(rejects == """
            file,line,reason,record
            in.csv,3,"expected 2 fields, found 1",2
            in.csv,6,"expected 2 fields, found 3","4,d,extra"
            in.csv,9,"expected 2 fields, found 4","6,f,g,h"
            in.csv,10,"expected 2 fields, found 1",7

            """)
    }

    @Test("--rejects overrides output.rejects")
    func rejectsOverride() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject", "rejects": "from-spec.csv"}}"#)
        try tmp.write("in.csv", "a,b\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "--rejects", "from-cli.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(tmp.exists("from-cli.csv"))
        #expect(!tmp.exists("from-spec.csv"))
    }

    @Test("on_error fail: exit 1, nothing on stdout, the error and a hint on stderr")
    func failListsErrors() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", Self.raggedInput)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("in.csv:3: record 2: expected 2 fields, found 1"), "\(result)")
        #expect(!result.stderr.contains(" in, ") || !result.stderr.contains(" out, "), "no summary after a failed run: \(result)")
    }

    @Test("-q: no summary line")
    func quiet() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("--help lists the exit codes", arguments: [["--help"], ["run", "--help"], ["apply", "--help"], ["help", "run"]])
    func helpListsExitCodes(_ arguments: [String]) throws {
        let result = try prepline(arguments)
        #expect(result.status == 0, "\(result)")
        let text = result.stdoutText
        #expect(text.contains("EXIT CODES"), "\(result)")
        for code in ["0  success", "1  rows rejected", "2  usage or spec error", "3  malformed or unreadable input", "4  I/O error"] {
            #expect(text.contains(code), "help lacks '\(code)'")
        }
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try prepline(["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(result)")
    }

    static let usageErrors: [[String]] = [
        ["--threads", "0"],
        ["--threads", "-2"],
        ["--threads", "two"],
        ["--bogus"],
        ["--chunk-size", "0"],
        ["--chunk-size", "12Q"],
        ["--chunk-size", "K"],
        ["--progress", "sometimes"],
        ["--parser", "pandas"],
        ["--gzip-level", "0"],
        ["--gzip-level", "10"],
        ["-o"],
    ]

    @Test("usage errors exit 2 with a message and write nothing", arguments: usageErrors)
    func usageError(_ extra: [String]) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv"] + extra, cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(!result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("usage errors without a valid command exit 2", arguments: [["frobnicate"], ["run"], ["run", "--threads", "1"]])
    func badCommand(_ arguments: [String]) throws {
        let result = try prepline(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(!result.stderr.isEmpty, "\(result)")
    }

    @Test("valid option spellings are accepted", arguments: [
        ["--threads", "1"], ["--chunk-size", "512K"], ["--chunk-size", "2m"], ["--chunk-size", "100"],
        ["--progress", "never"], ["--progress", "auto"], ["--gzip-level", "1"],
        ["--parser", "fast"], ["--parser", "libcsv"],
    ])
    func validOptions(_ extra: [String]) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"] + extra, cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "a\n1\n", "\(result)")
    }

    @Test("--progress always never touches stdout")
    func progressAlways() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("in.csv", "a\n1\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q", "--progress", "always"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "a\n1\n", "\(result)")
        #expect(!result.stderr.contains(" in, ") || !result.stderr.contains(" out, "), "-q still suppresses the summary: \(result)")
    }
}
