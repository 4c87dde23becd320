import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that names an input or another output is a usage error (exit 2) before anything
/// is read or written: renamed into place, it would replace the input or the other output.
@Suite("Output paths that collide")
struct PathCollisionTests {
    /// 2,000 records, every tenth one short (a row error to reject).
    static let input: String = {
        var text = "a,b\n"
        for row in 0..<2_000 { text += row % 10 == 0 ? "\(row)\n" : "\(row),\(row * 3)\n" }
        return text
    }()
    /// The same shape with no row errors, so a run that is not refused writes its output.
    static let cleanInput: String = {
        var text = "a,b\n"
        for row in 0..<2_000 { text += "\(row),\(row * 3)\n" }
        return text
    }()
    static let zscoreSpec = #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "method": "zscore"}], "output": {"on_error": "skip"}}"#

    /// A project directory with pass.json, zscore.json and the input under each given name.
    func project(inputs: [String] = ["in.csv"], clean: Bool = false) throws -> TempDir {
        let tmp = try TempDir("prepline-paths")
        try tmp.write("pass.json", passthroughSpec)
        try tmp.write("zscore.json", Self.zscoreSpec)
        for name in inputs { try tmp.write(name, clean ? Self.cleanInput : Self.input) }
        return tmp
    }

    /// Exit 2 naming both paths, every input byte-identical, and no other file left behind.
    func expectRefused(_ arguments: [String], in tmp: TempDir, names: [String], inputs: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try tmp.listing()
        let inputBytes = try inputs.map { try tmp.read($0) }
        let result = try prepline(arguments + ["-q"], cwd: tmp.path)
        #expect(result.status == 2, "\(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        for name in names {
            #expect(result.stderr.contains(name), "the message names \(name): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stderr.contains("same file"), "\(result.stderr)", sourceLocation: sourceLocation)
        for (name, bytes) in zip(inputs, inputBytes) {
            #expect(try tmp.read(name) == bytes, "\(name) was changed", sourceLocation: sourceLocation)
        }
        #expect(try tmp.listing() == before, "files appeared or vanished", sourceLocation: sourceLocation)
    }

    @Test("--rejects naming the input")
    func rejectsIsInput() throws {
        let tmp = try project(inputs: ["rj.csv"])
        try expectRefused(["run", "pass.json", "rj.csv", "--on-error", "reject", "--rejects", "rj.csv", "-o", "/dev/null"],
                          in: tmp, names: ["--rejects rj.csv", "input rj.csv"], inputs: ["rj.csv"])
    }

    @Test("the spec's output.rejects naming the input")
    func specRejectsIsInput() throws {
        let tmp = try project()
        try tmp.write("reject.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject", "rejects": "in.csv"}}"#)
        try expectRefused(["run", "reject.json", "in.csv", "-o", "out.csv"],
                          in: tmp, names: ["output.rejects in.csv", "input in.csv"], inputs: ["in.csv"])
    }

    @Test("--rejects and -o naming one file")
    func rejectsIsOutput() throws {
        let tmp = try project()
        try expectRefused(["run", "pass.json", "in.csv", "--on-error", "reject", "--rejects", "same.csv", "-o", "same.csv"],
                          in: tmp, names: ["--rejects same.csv", "-o same.csv"], inputs: ["in.csv"])
        // Two spellings of one file that does not exist yet.
        try FileManager.default.createDirectory(atPath: tmp.file("sub"), withIntermediateDirectories: false)
        try expectRefused(["run", "pass.json", "in.csv", "--on-error", "reject", "--rejects", "sub/../same.csv", "-o", "./same.csv"],
                          in: tmp, names: ["--rejects sub/../same.csv", "-o ./same.csv"], inputs: ["in.csv"])
    }

    @Test("run, apply and fit with -o naming an input", arguments: ["run", "apply", "fit"])
    func outputIsInput(_ command: String) throws {
        let tmp = try project(inputs: ["in.csv", "other.csv"], clean: true)
        let spec = command == "run" ? "zscore.json" : "pass.json"
        try expectRefused([command, spec, "other.csv", "in.csv", "-o", "in.csv"],
                          in: tmp, names: ["-o in.csv", "input in.csv"], inputs: ["in.csv", "other.csv"])
    }

    @Test("validate --report naming the input, or two reports naming one file")
    func reportCollides() throws {
        let tmp = try project(inputs: ["in1.csv"])
        try expectRefused(["validate", "pass.json", "in1.csv", "--report", "json:in1.csv"],
                          in: tmp, names: ["--report in1.csv", "input in1.csv"], inputs: ["in1.csv"])
        try expectRefused(["validate", "pass.json", "in1.csv", "--report", "json:r.txt", "--report", "junit:./r.txt"],
                          in: tmp, names: ["--report r.txt", "--report ./r.txt"], inputs: ["in1.csv"])
    }

    @Test("a symbolic link or a hard link to the input as -o")
    func linkToInput() throws {
        let tmp = try project(clean: true)
        try FileManager.default.createSymbolicLink(atPath: tmp.file("link.csv"), withDestinationPath: "in.csv")
        try expectRefused(["run", "pass.json", "in.csv", "-o", "link.csv"],
                          in: tmp, names: ["-o link.csv", "input in.csv"], inputs: ["in.csv"])
        #expect(link(tmp.file("in.csv"), tmp.file("hard.csv")) == 0)
        try expectRefused(["run", "pass.json", "in.csv", "-o", "hard.csv"],
                          in: tmp, names: ["-o hard.csv", "input in.csv"], inputs: ["in.csv"])
        try expectRefused(["run", "pass.json", tmp.file("in.csv"), "-o", "./in.csv"],
                          in: tmp, names: ["-o ./in.csv", tmp.file("in.csv")], inputs: ["in.csv"])
    }

    @Test("-o a symbolic link to another file writes that file, and the link stays")
    func linkToOtherFile() throws {
        let tmp = try project(clean: true)
        try tmp.write("target.csv", "old\n")
        try FileManager.default.createSymbolicLink(atPath: tmp.file("out.csv"), withDestinationPath: "target.csv")
        let result = try prepline(["run", "pass.json", "in.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(try tmp.read("target.csv") == Array(Self.cleanInput.utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tmp.file("out.csv")) == "target.csv")
    }

    @Test("different files, /dev/null twice and one input given twice still work")
    func distinctPathsWork() throws {
        let tmp = try project()
        let run = try prepline(["run", "pass.json", "in.csv", "-q", "--on-error", "reject", "--rejects", "rj.csv", "-o", "out.csv"], cwd: tmp.path)
        #expect(run.status == 0, "\(run)")
        #expect(tmp.exists("out.csv") && tmp.exists("rj.csv"))
        let devNull = try prepline(["run", "pass.json", "in.csv", "in.csv", "-q", "--on-error", "reject", "--rejects", "/dev/null", "-o", "/dev/null"], cwd: tmp.path)
        #expect(devNull.status == 0, "\(devNull)")
        try tmp.write("clean.csv", "a,b\n1,2\n")
        let validate = try prepline(["validate", "pass.json", "clean.csv", "-q", "--report", "json:/dev/null", "--report", "junit:/dev/null", "--report", "json:r.json"], cwd: tmp.path)
        #expect(validate.status == 0, "\(validate)")
        #expect(tmp.exists("r.json"))
        let fit = try prepline(["fit", "zscore.json", "in.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        #expect(fit.status == 0, "\(fit)")
        #expect(try tmp.read("in.csv") == Array(Self.input.utf8))
    }

    @Test("-o naming the --input-list file is refused (fit --partial, apply)")
    func outputOverInputListRefused() throws {
        let tmp = try project(clean: true)
        try tmp.write("list", "in.csv\n")
        try expectRefused(["fit", "zscore.json", "--partial", "--input-list", "list", "-o", "list"], in: tmp, names: ["--input-list", "list"], inputs: ["list", "in.csv"])
        let fit = try prepline(["fit", "zscore.json", "in.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        #expect(fit.status == 0, "\(fit)")
        try expectRefused(["apply", "fitted.json", "--input-list", "list", "-o", "list"], in: tmp, names: ["--input-list", "list"], inputs: ["list", "in.csv"])
    }
}
