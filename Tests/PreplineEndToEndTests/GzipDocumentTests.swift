import Foundation
import Testing

/// The JSON documents follow the data's gzip rule (G2): written compressed to a name ending in
/// `.gz`, read compressed by their magic bytes. Before, `fit -o fitted.json.gz` wrote plain JSON
/// under a gzip name, and a gzip-compressed spec or part was refused as invalid JSON.
@Suite("gzip documents")
struct GzipDocumentTests {
    static let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
    static var penguins: String { E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path }
    static var spec: String { E2E.packageRoot.appendingPathComponent("pipelines/penguins-features.json").path }

    /// The file is gzip data (checked by the system's gzip) whose contents are `plain`'s bytes.
    static func expectGzip(_ path: String, holding plain: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)).prefix(2))
        #expect(head == [0x1F, 0x8B], "\(what): not gzip data", sourceLocation: sourceLocation)
        let inflated = try gunzip(file: path)
        #expect(inflated.status == 0, "\(what): \(inflated)", sourceLocation: sourceLocation)
        let same = inflated.stdout == plain
        #expect(same, "\(what): the compressed document differs from the plain one", sourceLocation: sourceLocation)
    }

    @Test func fittedSpecsAndPartsAreCompressedByNameAndReadBack() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let env = Self.environment
        #expect(try prepline(["fit", Self.spec, Self.penguins, "-o", dir.file("fitted.json"), "-q"], environment: env).status == 0)
        let fit = try prepline(["fit", Self.spec, Self.penguins, "-o", dir.file("fitted.json.gz"), "-q"], environment: env)
        #expect(fit.status == 0, "\(fit)")
        try Self.expectGzip(dir.file("fitted.json.gz"), holding: try dir.read("fitted.json"), "fit -o fitted.json.gz")

        let plainApply = try prepline(["apply", dir.file("fitted.json"), Self.penguins, "-q"])
        let gzipApply = try prepline(["apply", dir.file("fitted.json.gz"), Self.penguins, "-q"])
        #expect(plainApply.status == 0 && gzipApply.status == 0, "\(gzipApply)")
        #expect(gzipApply.stdout == plainApply.stdout, "apply reads the compressed fitted spec")
        let fromStdin = try prepline(["apply", "-", Self.penguins, "-q"], stdin: .file(dir.file("fitted.json.gz")))
        #expect(fromStdin.status == 0 && fromStdin.stdout == plainApply.stdout, "a compressed spec on stdin: \(fromStdin.stderr)")

        // Two partitions: compressed parts merge to the fit's bytes; merge compresses by name too.
        let records = try String(contentsOfFile: Self.penguins, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let middle = records.count / 2
        let first = try dir.write("p0.csv", records[..<middle].joined(separator: "\n") + "\n")
        let second = try dir.write("p1.csv", ([records[0]] + records[middle...]).joined(separator: "\n"))
        for (index, input) in [first, second].enumerated() {
            #expect(try prepline(["fit", Self.spec, input, "--partial", "-o", dir.file("p\(index).part"), "-q"]).status == 0)
            #expect(try prepline(["fit", Self.spec, input, "--partial", "-o", dir.file("p\(index).part.gz"), "-q"]).status == 0)
            try Self.expectGzip(dir.file("p\(index).part.gz"), holding: try dir.read("p\(index).part"), "fit --partial -o p\(index).part.gz")
        }
        let merged = try prepline(["merge", dir.file("p0.part.gz"), dir.file("p1.part.gz"), "-o", dir.file("merged.json.gz"), "-q"], environment: env)
        #expect(merged.status == 0, "\(merged)")
        try Self.expectGzip(dir.file("merged.json.gz"), holding: try dir.read("fitted.json"), "merge of compressed parts")
        // A reducer's stdin (parts one a line), compressed as a whole.
        let lines = try gzip(try dir.read("p0.part") + dir.read("p1.part"), in: dir)
        let reducer = try prepline(["merge", "-", "--partial", "-o", dir.file("both.part.gz"), "-q"], stdin: .pipe(lines))
        #expect(reducer.status == 0, "\(reducer.stderr)")
        let plainReducer = try prepline(["merge", dir.file("p0.part"), dir.file("p1.part"), "--partial", "-o", "-", "-q"])
        try Self.expectGzip(dir.file("both.part.gz"), holding: plainReducer.stdout, "merge --partial -o both.part.gz")
    }

    @Test func profileAndReportDocumentsAreCompressedByName() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let plain = try prepline(["profile", Self.penguins, "-q", "--json", dir.file("p.json"), "--emit-spec", dir.file("s.json")], environment: Self.environment)
        #expect(plain.status == 0, "\(plain)")
        let compressed = try prepline(["profile", Self.penguins, "-q", "--json", dir.file("p.json.gz"), "--emit-spec", dir.file("s.json.gz")], environment: Self.environment)
        #expect(compressed.status == 0, "\(compressed)")
        try Self.expectGzip(dir.file("p.json.gz"), holding: try dir.read("p.json"), "profile --json p.json.gz")
        try Self.expectGzip(dir.file("s.json.gz"), holding: try dir.read("s.json"), "profile --emit-spec s.json.gz")
        // The emitted spec is read back compressed, as validate's spec.
        let validate = try prepline(["validate", dir.file("s.json.gz"), Self.penguins, "--report", "json:\(dir.file("r.json.gz"))", "-q"])
        let validatePlain = try prepline(["validate", dir.file("s.json"), Self.penguins, "--report", "json:\(dir.file("r.json"))", "-q"])
        #expect(validate.status == validatePlain.status, "\(validate)")
        // The report carries its run time: compared without the `seconds` lines.
        func timeless(_ bytes: [UInt8]) -> [Substring] { String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.contains("\"seconds\"") } }
        let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("r.json.gz"))).prefix(2))
        #expect(head == [0x1F, 0x8B], "validate --report json:r.json.gz: not gzip data")
        let report = try gunzip(file: dir.file("r.json.gz"))
        let plainReport = try dir.read("r.json")
        let same = report.status == 0 && timeless(report.stdout) == timeless(plainReport)
        #expect(same, "validate --report json:r.json.gz")
    }

    /// A spec is at most 256 MiB once inflated: a gzip bomb given as a spec is refused, in
    /// bounded memory, instead of being inflated into the machine's memory.
    @Test func aCompressedSpecIsBoundedOnceInflated() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let bomb = dir.file("bomb.json.gz")
        let made = try runProcess(try E2E.tool("sh"), ["-c", "head -c 280000000 /dev/zero | gzip -1 > '\(bomb)'"], timeout: 60)
        try #require(made.status == 0, "\(made)")
        let result = try prepline(["explain", bomb])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("larger than 256 MiB once inflated"), "\(result.stderr)")
        // The same bytes as a part, a reducer's stdin, a pass state or an input list: refused, no temporary file left.
        let spec = Self.spec
        for arguments in [["merge", bomb, "-o", dir.file("m.json")], ["merge", "-", "-o", dir.file("m.json")],
                          ["fit", spec, Self.penguins, "--partial", "--pass-state", bomb, "-o", dir.file("p.part")],
                          ["fit", spec, "--partial", "--input-list", bomb, "-o", dir.file("p.part")]] {
            let refused = try prepline(arguments + ["-q"], stdin: arguments.contains("-") ? .file(bomb) : .null, timeout: 60)
            #expect(refused.status == 2, "\(arguments): \(refused)")
            #expect(refused.stderr.contains("MiB once inflated"), "\(arguments): \(refused.stderr)")
        }
        let left = try dir.listing()
        #expect(left.allSatisfy { !$0.hasSuffix(".tmp") }, "\(left)")
    }

    /// A truncated compressed part is a malformed part (exit 2), as a truncated plain one is.
    @Test func aTruncatedCompressedPartIsMalformed() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        #expect(try prepline(["fit", Self.spec, Self.penguins, "--partial", "-o", dir.file("p.part.gz"), "-q"]).status == 0)
        let part = try dir.read("p.part.gz")
        let truncated = try dir.write("t.part.gz", Array(part.prefix(part.count / 2)))
        let plain = try dir.write("t.part", Array(try gunzip(file: dir.file("p.part.gz")).stdout.prefix(1000)))
        for path in [truncated, plain] {
            let result = try prepline(["merge", path, "-o", dir.file("m.json"), "-q"])
            #expect(result.status == 2, "\(path): \(result)")
        }
    }

    /// A Table Schema file a spec names may be compressed too; a spec compressed twice is refused
    /// with its first byte shown as `\x1F` (the raw control byte was invisible on a terminal).
    @Test func aReferencedSchemaMayBeCompressed() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        _ = try dir.write("schema.json.gz", try gzip(Array(#"{"fields":[{"name":"a","type":"integer"}]}"#.utf8), in: dir))
        let spec = try dir.write("v.json", #"{"prepline":1,"schema":"schema.json.gz","stages":[]}"#)
        let valid = try prepline(["validate", spec, "-"], stdin: .pipe(Array("a\n1\n".utf8)))
        #expect(valid.status == 0, "\(valid)")
        let invalid = try prepline(["validate", spec, "-"], stdin: .pipe(Array("a\nx\n".utf8)))
        #expect(invalid.status == 1, "the compressed schema's integer type is checked: \(invalid)")
        let twice = try dir.write("twice.json.gz", try gzip(try gzip(Array(#"{"prepline":1,"stages":[]}"#.utf8), in: dir), in: dir))
        let refused = try prepline(["explain", twice])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("unexpected character '\\x1F'"), "\(refused.stderr)")
    }
}
