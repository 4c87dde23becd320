import Foundation
import Testing

/// An input that is a pipe (`<(…)`, a FIFO) and must be read twice (`run` fits then
/// transforms; `split` counts then places) is copied to a spool file first, as stdin is: opened a
/// second time, a pipe waits for a writer that is gone, and the run hung in open().
@Suite("pipes as inputs read twice")
struct PipeInputTests {
    static let penguins = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path
    static let spec = E2E.packageRoot.appendingPathComponent("pipelines/penguins-features.json").path

    /// Runs `script` under bash with PREPLINE, SPEC, DATA and OUT set; OUT is a fresh directory.
    static func bash(_ script: String, in dir: TempDir) throws -> RunResult {
        let binary = try E2E.requireBinary()
        // TMPDIR in the directory: the spool files must be gone from it afterwards.
        let result = try runProcess(try E2E.tool("bash"), ["-c", script],
                                    environment: ["PREPLINE": binary, "SPEC": spec, "DATA": penguins, "OUT": dir.path, "TMPDIR": dir.path])
        #expect(!result.timedOut, "bash -c \(script) timed out: a pipe was opened twice?")
        return result
    }

    /// The ways a pipe reaches prepline: process substitution, and a FIFO written in the background.
    static let pipes: [(name: String, input: String, setup: String)] = [
        ("<(cat DATA)", "<(cat \"$DATA\")", ""),
        ("a FIFO", "\"$OUT/fifo\"", "mkfifo \"$OUT/fifo\"; cat \"$DATA\" > \"$OUT/fifo\" &"),
    ]

    @Test("run with stages to fit reads a pipe as it reads the file", arguments: [0, 1])
    func runReadsAPipeOnce(pipe: Int) throws {
        let dir = try TempDir()
        let expected = try prepline(["run", Self.spec, Self.penguins, "-q"])
        try #require(expected.status == 0, "\(expected)")
        for threads in ["1", "2"] {
            let (name, input, setup) = Self.pipes[pipe]
            let result = try Self.bash("\(setup) \"$PREPLINE\" run \"$SPEC\" \(input) -q --threads \(threads)", in: dir)
            #expect(result.status == 0, "\(name), --threads \(threads): \(result)")
            expectSameBytes(result.stdout, expected.stdout, "\(name), --threads \(threads)")
            try? FileManager.default.removeItem(atPath: dir.file("fifo"))
        }
        // Nothing of the data stays behind in the temporary directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasPrefix("prepline-") })
    }

    @Test("a seeded split and folds read a pipe as they read the file", arguments: [0, 1])
    func splitReadsAPipeOnce(pipe: Int) throws {
        let dir = try TempDir()
        let modes = [["--test-size", "0.2", "--seed", "42"], ["--test-size", "50", "--no-shuffle"]]
        for mode in modes {
            let fromFile = try prepline(["split", Self.penguins] + mode + ["--train", dir.file("a-train.csv"), "--test", dir.file("a-test.csv"), "-q"])
            try #require(fromFile.status == 0, "\(fromFile)")
            let (name, input, setup) = Self.pipes[pipe]
            let result = try Self.bash("\(setup) \"$PREPLINE\" split \(input) \(mode.joined(separator: " ")) --train \"$OUT/b-train.csv\" --test \"$OUT/b-test.csv\" -q", in: dir)
            #expect(result.status == 0, "\(name), \(mode): \(result)")
            #expect(try dir.read("b-train.csv") == dir.read("a-train.csv"), "\(name), \(mode)")
            #expect(try dir.read("b-test.csv") == dir.read("a-test.csv"), "\(name), \(mode)")
            try? FileManager.default.removeItem(atPath: dir.file("fifo"))
        }
        let folds = try prepline(["split", Self.penguins, "--folds", "5", "--seed", "0", "-o", dir.file("a-folds.csv"), "-q"])
        try #require(folds.status == 0, "\(folds)")
        let (name, input, setup) = Self.pipes[pipe]
        let result = try Self.bash("\(setup) \"$PREPLINE\" split \(input) --folds 5 --seed 0 -o \"$OUT/b-folds.csv\" -q", in: dir)
        #expect(result.status == 0, "\(name), folds: \(result)")
        #expect(try dir.read("b-folds.csv") == dir.read("a-folds.csv"), "\(name), folds")
    }
}
