import Foundation
import Testing

/// Every input's header is checked before the first byte of output (DESIGN.md G2).
@Suite("Header check ahead")
struct HeaderCheckTests {
    static let penguins = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path

    static func penguinsText() throws -> String { try String(contentsOfFile: penguins, encoding: .utf8) }

    /// penguins.csv with its third column renamed to `x`.
    static func ragged(in tmp: TempDir) throws -> String {
        let text = try penguinsText()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try tmp.write("ragged.csv", lines[0].replacingOccurrences(of: "bill_length_mm", with: "x") + "\n" + lines[1...3].joined(separator: "\n") + "\n")
    }

    @Test("run, apply and validate fail with exit 3 before writing anything when a later input's header differs",
          arguments: ["run", "apply", "validate"])
    func laterHeaderDiffers(_ command: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        _ = try Self.ragged(in: tmp)
        let result = try prepline([command, "spec.json", Self.penguins, "ragged.csv"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.isEmpty, "nothing may be written before the header check: \(result.stdout.count) bytes")
        #expect(result.stderr.contains("ragged.csv:1: header differs from \(Self.penguins)'s: column 3 is 'x', expected 'bill_length_mm'"), "\(result)")
        if command != "validate" {
            let toFile = try prepline([command, "spec.json", Self.penguins, "ragged.csv", "-o", "out.csv"], cwd: tmp.path)
            #expect(toFile.status == 3 && !tmp.exists("out.csv"), "\(toFile)")
        }
    }

    @Test("a gzip input's header and a missing input are checked ahead too")
    func gzipAndMissingAhead() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("ragged.csv.gz", try gzip(try tmp.read(try Self.ragged(in: tmp).components(separatedBy: "/").last!), in: tmp))
        let gz = try prepline(["run", "spec.json", Self.penguins, "ragged.csv.gz"], cwd: tmp.path)
        #expect(gz.status == 3 && gz.stdout.isEmpty && gz.stderr.contains("ragged.csv.gz:1: header differs"), "\(gz)")
        let missing = try prepline(["run", "spec.json", Self.penguins, "absent.csv"], cwd: tmp.path)
        #expect(missing.status == 3 && missing.stdout.isEmpty && missing.stderr.contains("absent.csv"), "\(missing)")
    }

    @Test("the same names in another order are still a different header, said so; long lists are cut after 10")
    func orderAndLongLists() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "a,b,c\n1,2,3\n")
        try tmp.write("b.csv", "b,a,c\n1,2,3\n")
        let swapped = try prepline(["run", "spec.json", "a.csv", "b.csv"], cwd: tmp.path)
        #expect(swapped.status == 3 && swapped.stdout.isEmpty, "\(swapped)")
        #expect(swapped.stderr.contains("b.csv:1: header differs from a.csv's: column 1 is 'b', expected 'a'; column 2 is 'a', expected 'b' (the same names in another order"), "\(swapped)")
        let wide = (1...30).map { "c\($0)" }
        try tmp.write("wide.csv", wide.joined(separator: ",") + "\n" + wide.map { _ in "1" }.joined(separator: ",") + "\n")
        try tmp.write("other.csv", wide.map { "d" + $0 }.joined(separator: ",") + ",extra\n")
        let long = try prepline(["run", "spec.json", "wide.csv", "other.csv"], cwd: tmp.path)
        #expect(long.status == 3 && long.stdout.isEmpty, "\(long)")
        #expect(long.stderr.contains("other.csv:1: header differs from wide.csv's: it has 31 columns, expected 30: column 1 is 'dc1', expected 'c1';"), "\(long)")
        #expect(long.stderr.contains("column 10 is 'dc10', expected 'c10' … and 21 more"), "\(long)")
        #expect(long.stderr.count < 600, "\(long.stderr.count) bytes: \(long.stderr)")
    }

    @Test("a pipe among the inputs is not read ahead (it could not be read again): its rows all come out")
    func pipeNotConsumedAhead() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("a.csv", "a,b\n1,2\n")
        try tmp.write("b.csv", "a,b\n3,4\n5,6\n")
        let binary = try E2E.requireBinary()
        let result = try runProcess(try E2E.tool("bash"), ["-c", "\"$0\" run spec.json a.csv <(cat b.csv) -q", binary], cwd: tmp.path)
        #expect(result.status == 0 && result.stdoutText == "a,b\n1,2\n3,4\n5,6\n", "\(result)")
        // stdin cannot be read twice: a bad header there is found when the run reaches it.
        let stdin = try prepline(["apply", "spec.json", "a.csv", "-"], stdin: .pipe(Array("a,x\n3,4\n".utf8)), cwd: tmp.path)
        #expect(stdin.status == 3 && stdin.stderr.contains("stdin:1: header differs from a.csv's: column 2 is 'x', expected 'b'"), "\(stdin)")
    }

    @Test("a header that differs only in bytes (a different Unicode normalization) is a different header")
    func headerComparedByBytes() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("nfc.csv", "caf\u{E9},b\n1,2\n")
        try tmp.write("nfd.csv", "cafe\u{301},b\n3,4\n")
        let result = try prepline(["run", "spec.json", "nfc.csv", "nfd.csv"], cwd: tmp.path)
        #expect(result.status == 3 && result.stdout.isEmpty && result.stderr.contains("nfd.csv:1: header differs"), "\(result)")
    }
}
