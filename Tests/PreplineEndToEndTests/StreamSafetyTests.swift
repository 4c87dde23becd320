import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A spec that must be fitted (so `run` reading stdin copies it to a spool file first).
let fittingSpec = #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "method": "zscore"}]}"#

/// Runs `script` with bash (`$0` is the binary, `$1`… the extra arguments) in `cwd`.
func bash(_ script: String, _ arguments: [String] = [], cwd: String, timeout: Double = 30) throws -> RunResult {
    let binary = try E2E.requireBinary()
    return try runProcess(try E2E.tool("bash"), ["-c", script, binary] + arguments, cwd: cwd, timeout: timeout)
}

/// Streams, signals, temporary files and early exits (issue 12): never a death by signal,
/// exit codes as documented, nothing partial left behind.
@Suite("Stream safety")
struct StreamSafetyTests {
    static let penguinsSpec = E2E.packageRoot.appendingPathComponent("pipelines/penguins-features.json").path
    static let penguins = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path

    /// Runs prepline with stderr a pipe whose reader has already gone.
    static func runWithDeadStderr(_ arguments: [String], cwd: String) throws -> Process {
        E2E.ignoreSIGPIPE
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try E2E.requireBinary())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let errorEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        process.standardError = errorEnd
        try process.run()
        try errorEnd.close()
        process.waitUntilExit()
        return process
    }

    @Test("stderr a pipe whose reader has gone: run, apply, fit and validate exit 0, never by a signal")
    func deadStderr() throws {
        let tmp = try TempDir()
        let fit = try prepline(["fit", Self.penguinsSpec, Self.penguins, "-q", "-o", "fitted.json"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let commands: [[String]] = [
            ["run", Self.penguinsSpec, Self.penguins],
            ["apply", "fitted.json", Self.penguins],
            ["fit", Self.penguinsSpec, Self.penguins],
            ["validate", Self.penguinsSpec, Self.penguins],
        ]
        for arguments in commands {
            let process = try Self.runWithDeadStderr(arguments, cwd: tmp.path)
            #expect(process.terminationReason == .exit, "\(arguments[0]) died by signal \(process.terminationStatus)")
            #expect(process.terminationStatus == 0, "\(arguments[0])")
        }
    }

    @Test("`2>&1 | head -3` 20 times: prepline's status is always 0")
    func mergedStreamsIntoHead() throws {
        let tmp = try TempDir()
        let script = #"for i in $(seq 20); do "$0" run "$1" "$2" 2>&1 | head -3 >/dev/null; printf '%s ' "${PIPESTATUS[0]}"; done"#
        let result = try bash(script, [Self.penguinsSpec, Self.penguins], cwd: tmp.path, timeout: 60)
        #expect(result.stdoutText == String(repeating: "0 ", count: 20), "\(result)")
    }

    @Test("a run stopped by a row error exits 1 every time and leaves no temporary file (30 runs)")
    func earlyStopJoinsWorkers() throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        try tmp.write("bad.csv", "a,b\n" + String(repeating: "x\n", count: 20_000))
        let script = #"for i in $(seq 30); do "$0" run pass.json bad.csv -o out.csv --chunk-size 1K --threads 2 2>/dev/null; printf '%s ' "$?"; done"#
        let result = try bash(script, cwd: tmp.path, timeout: 120)
        #expect(result.stdoutText == String(repeating: "1 ", count: 30), "\(result)")
        #expect(try tmp.listing() == ["bad.csv", "pass.json"])
    }

    @Test("validate's stdout reports into `| head -1` or a closed stdout: no crash, and the exit code is the verdict (1 for invalid data)", arguments: ["github", "json"])
    func reportIntoHead(format: String) throws {
        let tmp = try TempDir()
        let script = #"for i in $(seq 5); do "$0" validate "$1" "$2" --report "$3" --max-errors 100000 2>/dev/null | head -1 >/dev/null; printf '%s ' "${PIPESTATUS[0]}"; done"#
        // Many listed errors so the report is larger than a pipe's buffer.
        var csv = "a,b\n"
        for i in 0..<20_000 { csv += "\(i)\n" }
        try tmp.write("ragged.csv", csv)
        try tmp.write("pass.json", passthroughSpec)
        let result = try bash(script, ["pass.json", "ragged.csv", format], cwd: tmp.path, timeout: 180)
        #expect(result.stdoutText == String(repeating: "1 ", count: 5), "\(result)")
        // `| true` and `>&-`: the reader is gone before anything is written; still the verdict.
        let gone = try bash(#""$0" validate "$1" "$2" --report "$3" -q | true; printf '%s ' "${PIPESTATUS[0]}"; "$0" validate "$1" "$2" --report "$3" -q >&-; printf '%s' "$?" >&2"#,
                            ["pass.json", "ragged.csv", format], cwd: tmp.path, timeout: 60)
        #expect(gone.stdoutText == "1 " && gone.stderr.hasSuffix("1"), "\(gone)")
        // Valid data into a closed pipe: 0.
        try tmp.write("good.csv", "a,b\n1,2\n")
        let good = try bash(#""$0" validate "$1" "$2" --report "$3" -q | true; printf '%s' "${PIPESTATUS[0]}""#, ["pass.json", "good.csv", format], cwd: tmp.path)
        #expect(good.stdoutText == "0", "\(good)")
    }

    @Test("validate's report to /dev/full: exit 4 naming stdout")
    func reportToFullDevice() throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        try tmp.write("in.csv", "a,b\n1,2\n")
        let result = try bash(#""$0" validate pass.json in.csv --report json > /dev/full"#, cwd: tmp.path)
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("stdout"), "\(result)")
    }

    @Test("stdin closed (`<&-`): run (which spools stdin) and apply exit 3 saying stdin is closed",
          arguments: ["run", "apply"])
    func closedStdin(command: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", command == "run" ? fittingSpec : passthroughSpec)
        let result = try bash(#""$0" "$1" spec.json <&-"#, [command], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("stdin is closed"), "\(result)")
    }

    /// Starts prepline reading from a pipe that stays open, waits for `appears` in `watch`, then
    /// sends `signal`; returns the process once it has ended.
    static func interrupt(_ arguments: [String], cwd: String, environment: [String: String] = [:],
                          watch: String, appears: (String) -> Bool, signal: Int32) throws -> Process {
        E2E.ignoreSIGPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try E2E.requireBinary())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data("a,b\n1,2\n3,4\n".utf8))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !((try? FileManager.default.contentsOfDirectory(atPath: watch)) ?? []).contains(where: appears) {
            usleep(10_000)
        }
        kill(process.processIdentifier, signal)
        // Bounded: a process that ignores the signal is killed and reported as such.
        let ended = Date().addingTimeInterval(10)
        while process.isRunning && Date() < ended { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        return process
    }

    @Test("SIGINT / SIGTERM during -o: the temporary file is removed, no output, exit 130 / 143",
          arguments: [("out.csv", SIGINT), ("out.csv.gz", SIGTERM), ("out.csv", SIGTERM), ("out.csv.gz", SIGINT)])
    func signalDuringOutput(output: String, signal: Int32) throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        let process = try Self.interrupt(["run", "pass.json", "-o", output], cwd: tmp.path, watch: tmp.path,
                                         appears: { $0.hasPrefix(".\(output).prepline-") }, signal: signal)
        #expect(process.terminationReason == .exit, "died by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 128 + signal)
        #expect(try tmp.listing() == ["pass.json"])
    }

    @Test("SIGTERM while run copies stdin: the spool file is removed, exit 143")
    func signalDuringSpool() throws {
        let tmp = try TempDir()
        let spoolDirectory = tmp.file("tmpdir")
        try FileManager.default.createDirectory(atPath: spoolDirectory, withIntermediateDirectories: false)
        try tmp.write("spec.json", fittingSpec)
        let process = try Self.interrupt(["run", "spec.json"], cwd: tmp.path, environment: ["TMPDIR": spoolDirectory],
                                         watch: spoolDirectory, appears: { $0.hasPrefix("prepline-stdin-") }, signal: SIGTERM)
        #expect(process.terminationReason == .exit, "died by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory).isEmpty)
    }

    @Test("a symlink planted under the old temporary name is not followed")
    func temporaryNameNotHijacked() throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        try tmp.write("in.csv", "a,b\n1,2\n")
        try tmp.write("victim", "precious\n")
        let result = try bash(#"ln -s victim ".out.csv.prepline-$$.tmp" && exec "$0" run pass.json in.csv -q -o out.csv"#, cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(try tmp.read("victim") == Array("precious\n".utf8))
        var info = stat()
        #expect(lstat(tmp.file("out.csv"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG, "out.csv must be a regular file")
        #expect(try tmp.read("out.csv") == Array("a,b\n1,2\n".utf8))
    }

    @Test("the output file's mode is 0666 less the umask, as for any new file")
    func outputModeHonoursUmask() throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        try tmp.write("in.csv", "a,b\n1,2\n")
        let result = try bash(#"umask 027 && exec "$0" run pass.json in.csv -q -o out.csv"#, cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        var info = stat()
        #expect(stat(tmp.file("out.csv"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
    }

    @Test("a report that does not fit on the disk: exit 4 and no truncated file (a 64 KiB tmpfs, as root)",
          arguments: ["json", "junit"])
    func reportOnFullDisk(format: String) throws {
        guard getuid() == 0 else { return }
        let tmp = try TempDir()
        let mountPoint = tmp.file("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mounted = try runProcess(try E2E.tool("mount"), ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
        guard mounted.status == 0 else { return }  // no permission to mount here: nothing to test
        defer { _ = try? runProcess(try E2E.tool("umount"), [mountPoint]) }
        try tmp.write("pass.json", passthroughSpec)
        var csv = "a,b\n"
        for i in 0..<5_000 { csv += "\(i)\n" }
        try tmp.write("ragged.csv", csv)
        let result = try prepline(["validate", "pass.json", "ragged.csv", "--max-errors", "5000", "--report", "\(format):\(mountPoint)/report"],
                                  cwd: tmp.path)
        #expect(result.status == 4, "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)
    }

    @Test("a dangling -o symlink is refused before any input is read: exit 4 naming it", arguments: ["run", "fit"])
    func danglingOutputLink(command: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", fittingSpec)
        try FileManager.default.createSymbolicLink(atPath: tmp.file("link.csv"), withDestinationPath: "missing/dir/x.csv")
        // stdin never ends: only a check made before reading can end the command.
        let result = try bash(#"exec "$0" "$1" spec.json -o link.csv < <(printf 'a\n1\n'; sleep 20)"#, [command], cwd: tmp.path, timeout: 15)
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("link.csv"), "\(result)")
    }

    @Test("the first error in input order decides the exit code, at every chunk size and thread count",
          arguments: ["1", "2", "5", "64", "1M"])
    func errorOrder(chunkSize: String) throws {
        let tmp = try TempDir()
        try tmp.write("pass.json", passthroughSpec)
        for threads in ["1", "3"] {
            // A ragged record (line 2) before a malformed one (line 4): the row error decides.
            let ragged = try prepline(["run", "pass.json", "--chunk-size", chunkSize, "--threads", threads],
                                      stdin: .pipe(Array("a,b\n1\n2,2\n\"x\"y,3\n".utf8)), cwd: tmp.path)
            #expect(ragged.status == 1, "\(ragged)")
            // A malformed record (line 2) before a ragged one (line 3): exit 3.
            let malformed = try prepline(["run", "pass.json", "--chunk-size", chunkSize, "--threads", threads],
                                         stdin: .pipe(Array("a,b\n\"x\"y,3\n1\n".utf8)), cwd: tmp.path)
            #expect(malformed.status == 3, "\(malformed)")
            // An unclosed quote after good records: those records go out first, at any chunk size.
            let unclosed = try prepline(["run", "pass.json", "--chunk-size", chunkSize, "--threads", threads],
                                        stdin: .pipe(Array("a,b\n1,2\n2,2\n\"x,3\n".utf8)), cwd: tmp.path)
            #expect(unclosed.status == 3, "\(unclosed)")
            #expect(unclosed.stdoutText == "a,b\n1,2\n2,2\n", "\(unclosed)")
        }
    }

    @Test("errors on spooled stdin say stdin, not the spool file's path")
    func spooledStdinIsNamedStdin() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", fittingSpec)
        var csv = "a,b\n"
        for i in 0..<100 { csv += "\(i),\(i)\n" }
        let truncated = Array(try gzip(Array(csv.utf8), in: tmp).prefix(25))
        let result = try prepline(["run", "spec.json"], stdin: .pipe(truncated), cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("stdin"), "\(result)")
        #expect(!result.stderr.contains("spool"), "\(result)")
    }

    @Test("the rejects file holds the record's original bytes (invalid UTF-8 kept)")
    func rejectsKeepBytes() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject", "rejects": "rejects.csv"}}"#)
        let input: [UInt8] = Array("a,b\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array("\n\"q,\"\"x\"\"\"\n1,2\n".utf8)
        let result = try prepline(["run", "spec.json", "-q"], stdin: .pipe(input), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let expected: [UInt8] = Array("file,line,reason,record\nstdin,2,\"expected 2 fields, found 1\",".utf8) + [0x63, 0x61, 0x66, 0xE9]
            + Array("\nstdin,3,\"expected 2 fields, found 1\",\"\"\"q,\"\"\"\"x\"\"\"\"\"\"\"\n".utf8)
        expectSameBytes(try tmp.read("rejects.csv"), expected)
    }

    @Test("--rejects without on_error reject is a usage error (exit 2)", arguments: ["fail", "skip"])
    func rejectsNeedsReject(onError: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "\#(onError)"}}"#)
        let result = try prepline(["run", "spec.json", "--rejects", "r.csv"], stdin: .pipe(Array("a,b\n1,2\n".utf8)), cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("--rejects") && result.stderr.contains("reject"), "\(result)")
        #expect(!tmp.exists("r.csv"))
    }
}
