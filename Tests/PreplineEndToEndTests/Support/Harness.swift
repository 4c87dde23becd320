import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the package and the binary under test are.
///
/// The end-to-end tests run the real `prepline` executable, the way a user or a CI job does, so
/// they see exactly what a user sees: exit codes, stderr text, the bytes on stdout.
enum E2E {
    /// The package root: the first directory above this file that holds `Package.swift`.
    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// `prepline` beside the test runner (SwiftPM builds both into the same directory), else the
    /// package's `.build/debug/prepline`. Nil when neither exists (the tests then fail, naming both).
    static let binary: String? = {
        var candidates: [String] = []
        if let argv0 = CommandLine.arguments.first, !argv0.isEmpty {
            let runner = URL(fileURLWithPath: argv0).resolvingSymlinksInPath()
            candidates.append(runner.deletingLastPathComponent().appendingPathComponent("prepline").path)
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/prepline").path)
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
    }()

    /// The binary, or a recorded failure that says where it was looked for.
    static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(binary != nil, "prepline binary not found beside \(CommandLine.arguments.first ?? "?") nor in .build/debug; run `swift build` first", sourceLocation: sourceLocation)
        return binary!
    }

    /// A tool such as gzip or bash from the usual places.
    static func tool(_ name: String) throws -> String {
        let found = ["/usr/bin/\(name)", "/bin/\(name)", "/usr/local/bin/\(name)"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return try #require(found, "\(name) is needed by this test")
    }

    /// Writes to a pipe whose reader has exited must fail with EPIPE, not kill the test runner.
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN); return () }()
}

/// What a finished process left behind.
struct RunResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var timedOut: Bool

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// The non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String {
        let out = stdout.count > 600 ? String(decoding: stdout.prefix(600), as: UTF8.self) + "…(\(stdout.count) bytes)" : stdoutText
        return "exit \(status)\(timedOut ? " (TIMED OUT)" : "")\n--- stdout ---\n\(out)\n--- stderr ---\n\(stderr)"
    }
}

/// How a child process gets its standard input.
enum Stdin {
    /// `/dev/null`: an immediately empty stdin.
    case null
    /// These bytes through a real pipe (not a file), written by a background thread.
    case pipe([UInt8])
    /// A file opened for reading.
    case file(String)
}

/// A fresh directory per test, removed when the test is done with it.
final class TempDir: @unchecked Sendable {
    let url: URL
    var path: String { url.path }

    init(_ label: String = "prepline-e2e") throws {
        var template = Array((NSTemporaryDirectory() + "/\(label).XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil, "mkdtemp failed: \(String(cString: strerror(errno)))")
        url = URL(fileURLWithPath: String(cString: made!)).standardizedFileURL
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func read(_ name: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Every entry, hidden ones included (a leftover `.x.csv.prepline-123.tmp` must show).
    func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// Runs `executable` to completion and captures everything.
///
/// stdout and stderr go to files (never pipes), so a large output can never fill a pipe buffer and
/// deadlock the test; stdin, when it is a pipe, is fed from another thread for the same reason.
/// A process still running after `timeout` seconds is killed and reported as timed out.
func runProcess(_ executable: String, _ arguments: [String], stdin: Stdin = .null,
                environment: [String: String] = [:], cwd: String? = nil, timeout: Double = 30) throws -> RunResult {
    E2E.ignoreSIGPIPE
    let captures = try TempDir("prepline-e2e-capture")
    let outPath = captures.file("stdout"), errPath = captures.file("stderr")
    try #require(FileManager.default.createFile(atPath: outPath, contents: nil))
    try #require(FileManager.default.createFile(atPath: errPath, contents: nil))
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer { try? outHandle.close(); try? errHandle.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    // A fixed time of fit (`training.fitted_at`), so fitted specs compare byte for byte across
    // runs; a test of the time itself passes its own.
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    process.standardOutput = outHandle
    process.standardError = errHandle

    var pipeReader: FileHandle? = nil
    var pipeWriteEnd: Int32 = -1
    var stdinFile: FileHandle? = nil
    switch stdin {
    case .null:
        stdinFile = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        process.standardInput = stdinFile
    case .file(let path):
        stdinFile = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        process.standardInput = stdinFile
    case .pipe:
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0, "pipe failed")
        // FD_CLOEXEC: a child started concurrently by another test must not inherit the write end,
        // or this child would not see end-of-file until that other child exits.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        pipeReader = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        pipeWriteEnd = fds[1]
        process.standardInput = pipeReader
    }
    defer { try? stdinFile?.close() }

    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do {
        try process.run()
    } catch {
        if pipeWriteEnd >= 0 { close(pipeWriteEnd) }
        throw error
    }

    let fed = DispatchSemaphore(value: 0)
    if case .pipe(let bytes) = stdin {
        // The child has its own copy of the read end now; ours would keep the pipe open forever.
        try? pipeReader?.close()
        let payload = Data(bytes)
        let fd = pipeWriteEnd
        Thread.detachNewThread {
            // Raw write(2): the child may exit without reading (EPIPE), which is not a test failure.
            payload.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 { if errno == EINTR { continue }; break }
                    offset += n
                }
            }
            close(fd)  // end-of-file for the child
            fed.signal()
        }
    } else {
        fed.signal()
    }

    var timedOut = false
    if exited.wait(timeout: .now() + timeout) == .timedOut {
        timedOut = true
        process.terminate()
        kill(process.processIdentifier, SIGKILL)
        exited.wait()
    }
    process.waitUntilExit()
    fed.wait()

    let stdout = try [UInt8](Data(contentsOf: URL(fileURLWithPath: outPath)))
    let stderr = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
    return RunResult(status: process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
}

/// Runs the prepline binary.
func prepline(_ arguments: [String], stdin: Stdin = .null, environment: [String: String] = [:],
              cwd: String? = nil, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
    let binary = try E2E.requireBinary(sourceLocation: sourceLocation)
    let result = try runProcess(binary, arguments, stdin: stdin, environment: environment, cwd: cwd, timeout: timeout)
    #expect(!result.timedOut, "prepline \(arguments.joined(separator: " ")) timed out", sourceLocation: sourceLocation)
    return result
}

/// `gzip -c -n` of some bytes, by the system's gzip (the tests must not trust prepline's own zlib
/// code to check prepline's zlib code).
func gzip(_ bytes: [UInt8], level: Int = 6, in dir: TempDir) throws -> [UInt8] {
    let source = try dir.write(".gzip-source-\(UUID().uuidString)", bytes)
    defer { try? FileManager.default.removeItem(atPath: source) }
    let result = try runProcess(try E2E.tool("gzip"), ["-c", "-n", "-\(level)"], stdin: .file(source))
    try #require(result.status == 0, "gzip failed: \(result)")
    return result.stdout
}

/// `gzip -dc FILE`: the output must be a gzip file that the standard tool accepts in full.
func gunzip(file path: String) throws -> RunResult {
    try runProcess(try E2E.tool("gzip"), ["-dc", path])
}

/// Shows bytes with their line endings visible, for readable failure messages.
func visible(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
        .replacingOccurrences(of: "\r", with: "\\r")
        .replacingOccurrences(of: "\n", with: "\\n\n")
}

/// Compares bytes and, when they differ, reports where (instead of dumping both arrays whole).
func expectSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ context: @autoclosure () -> String = "",
                     sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let at = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actual.count, expected.count)
    func around(_ bytes: [UInt8]) -> String {
        visible(Array(bytes[max(0, at - 80)..<min(bytes.count, at + 80)]))
    }
    Issue.record("""
        bytes differ at offset \(at) (got \(actual.count) bytes, expected \(expected.count)) \(context())
        expected around there:
        \(around(expected))
        got:
        \(around(actual))
        """, sourceLocation: sourceLocation)
}
