import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A full disk: a tiny tmpfs mounted for the test (when root may mount one) and /dev/full.
/// Every write path must exit 4 and leave nothing partial: no temporary file, no output file,
/// no rejects file, no report file (DESIGN.md "Bad input": never a partial output file; issue 12:
/// "Report files are written in place", "`try!` on failed writes").
@Suite("Adversarial disk full")
struct AdversarialDiskFullTests {
    /// Nil when a tmpfs can be mounted here; else why not (recorded as the tests' skip reason).
    static let tmpfsProblem: String? = {
        guard getuid() == 0 else { return "not root: mounting a tmpfs needs root" }
        guard let dir = try? TempDir("prepline-tmpfs-probe") else { return "no temporary directory" }
        let mounted = SmallTmpfs.mount(at: dir.file("mnt"), size: "64k")
        if mounted == nil { SmallTmpfs.unmount(dir.file("mnt")) }
        return mounted
    }()

    static var canMount: Bool { tmpfsProblem == nil }

    /// A 300 KB pass-through input: more than the 64 KiB tmpfs holds.
    static func bigInput() -> [UInt8] {
        var text = "id,name,value\n"
        for i in 0..<12_000 { text += "\(i),name-\(i % 97),\(Double(i) / 7)\n" }
        return Array(text.utf8)
    }

    /// Rows that all fail a two-column header (300 KB of rejects).
    static func raggedInput() -> [UInt8] {
        var text = "a,b\n"
        for i in 0..<20_000 { text += "x\(i)\n" }
        return Array(text.utf8)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Arguments; `MNT` stands for the mount point, `DIR` for the working directory.
        var arguments: [String]
        /// Fill the tmpfs to the last byte first (else it starts empty and fills during the run).
        var prefill: Bool
        /// Files that must not exist in DIR afterwards.
        var absentInDir: [String] = []
        var known: KnownDefect? = nil

        var testDescription: String { label }
    }

    static let tmpfsCases: [Case] = [
        Case(label: "run -o on a tmpfs that fills up", arguments: ["run", "passthrough.json", "big.csv", "-o", "MNT/out.csv"], prefill: false),
        Case(label: "run -o .gz on a full tmpfs", arguments: ["run", "passthrough.json", "big.csv", "-o", "MNT/out.csv.gz"], prefill: true),
        Case(label: "rejects file on a tmpfs that fills up",
             arguments: ["run", "reject.json", "ragged.csv", "-o", "DIR/out.csv", "--rejects", "MNT/rejects.csv"], prefill: false,
             absentInDir: ["out.csv"]),
        Case(label: "fit -o on a full tmpfs", arguments: ["fit", "features.json", "penguins.csv", "-o", "MNT/fitted.json"], prefill: true),
        Case(label: "validate --report json:PATH on a full tmpfs",
             arguments: ["validate", "ci.json", "penguins.csv", "--report", "json:MNT/report.json"], prefill: true, known: .reportWrittenInPlace),
        Case(label: "validate --report junit:PATH on a full tmpfs",
             arguments: ["validate", "ci.json", "penguins.csv", "--report", "junit:MNT/report.xml"], prefill: true, known: .reportWrittenInPlace),
    ]

    @Test("a full tmpfs: exit 4, nothing partial left", .enabled(if: canMount, Comment(rawValue: tmpfsProblem ?? "")), arguments: tmpfsCases)
    func fullTmpfs(_ testCase: Case) throws {
        let binary = try E2E.requireBinary()
        let dir = try TempDir("prepline-diskfull")
        try Self.writeInputs(dir)
        let mount = dir.file("mnt")
        if let problem = SmallTmpfs.mount(at: mount, size: "64k") {
            Issue.record("mount failed although the probe succeeded: \(problem)")
            return
        }
        // Unmount before the directory is removed (the tmpfs is inside it).
        defer { withExtendedLifetime(dir) { SmallTmpfs.unmount(mount) } }
        if testCase.prefill { try SmallTmpfs.fill(mount) }
        let before = try FileManager.default.contentsOfDirectory(atPath: mount).sorted()
        let arguments = testCase.arguments.map { $0.replacingOccurrences(of: "MNT", with: mount).replacingOccurrences(of: "DIR", with: dir.path) }
        let outcome = try AdversarialRunner.run(binary, arguments, cwd: dir.path)
        let after = try FileManager.default.contentsOfDirectory(atPath: mount).sorted()
        let leftInDir = testCase.absentInDir.filter { dir.exists($0) }
        var problems: [String] = []
        if outcome.exitCode != 4 { problems.append("\(outcome.summary), expected exit 4") }
        if after != before { problems.append("left on the full disk: \(Set(after).subtracting(before).sorted())") }
        if !leftInDir.isEmpty { problems.append("left in the working directory: \(leftInDir)") }
        if outcome.exitCode == 4 && !outcome.stderr.contains("cannot write") && !outcome.stderr.contains("space") {
            problems.append("the message does not say the write failed: \(outcome.stderr.prefix(300))")
        }
        let temporaries = try dir.listing().filter { $0.contains(".tmp") || $0.contains("prepline-") }
        if !temporaries.isEmpty { problems.append("temporary files left: \(temporaries)") }
        if !problems.isEmpty {
            recordViolations(problems.map {
                Violation(property: "a full disk: exit 4, nothing partial", detail: $0,
                          command: "prepline " + arguments.joined(separator: " "),
                          known: outcome.signal != nil ? .crashOnFailedWrite : testCase.known)
            }, context: "\(testCase.label); stderr: \(outcome.stderr.prefix(600))")
        }
    }

    static let devFullCases: [Case] = [
        Case(label: "run -o /dev/full", arguments: ["run", "passthrough.json", "big.csv", "-o", "/dev/full"], prefill: false),
        Case(label: "run > /dev/full", arguments: ["run", "passthrough.json", "big.csv"], prefill: false),
        Case(label: "run --rejects /dev/full", arguments: ["run", "reject.json", "ragged.csv", "-o", "out.csv", "--rejects", "/dev/full"],
             prefill: false, absentInDir: ["out.csv"]),
        Case(label: "fit -o /dev/full", arguments: ["fit", "features.json", "penguins.csv", "-o", "/dev/full"], prefill: false),
        Case(label: "fit > /dev/full", arguments: ["fit", "features.json", "penguins.csv"], prefill: false),
        Case(label: "validate --report json:/dev/full", arguments: ["validate", "ci.json", "penguins.csv", "--report", "json:/dev/full"], prefill: false),
        Case(label: "validate --report junit:/dev/full", arguments: ["validate", "ci.json", "penguins.csv", "--report", "junit:/dev/full"], prefill: false),
        Case(label: "validate --report json > /dev/full", arguments: ["validate", "ci.json", "penguins.csv", "--report", "json"], prefill: false),
        // github annotations are written only for errors: the data has one (a lost report is an
        // output error, exit 4, before the verdict's exit 1).
        Case(label: "validate --report github > /dev/full", arguments: ["validate", "ci.json", "penguins-bad.csv", "--report", "github"], prefill: false),
        Case(label: "explain > /dev/full", arguments: ["explain", "features.json"], prefill: false),
        Case(label: "schema > /dev/full", arguments: ["schema"], prefill: false),
    ]

    /// Output to /dev/full: stdout redirected there, or named as the output or report path.
    @Test("/dev/full: exit 4, nothing partial left", arguments: devFullCases)
    func devFull(_ testCase: Case) throws {
        let binary = try E2E.requireBinary()
        try #require(FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full here")
        let dir = try TempDir("prepline-devfull")
        try Self.writeInputs(dir)
        let before = try dir.listing()
        let outcome = try AdversarialRunner.run(binary, testCase.arguments, cwd: dir.path, stdoutPath: "/dev/full")
        var problems: [String] = []
        if outcome.exitCode != 4 { problems.append("\(outcome.summary), expected exit 4") }
        let after = try dir.listing().filter { !$0.hasPrefix(".stdout-") && !$0.hasPrefix(".stderr-") }
        if after != before { problems.append("left in the working directory: \(Set(after).subtracting(before).sorted())") }
        if !problems.isEmpty {
            recordViolations(problems.map {
                Violation(property: "/dev/full: exit 4, nothing partial", detail: $0,
                          command: "prepline " + testCase.arguments.joined(separator: " ") + " > /dev/full",
                          known: outcome.signal != nil ? .crashOnFailedWrite : testCase.known)
            }, context: "\(testCase.label); stderr: \(outcome.stderr.prefix(600))")
        }
    }

    static func writeInputs(_ dir: TempDir) throws {
        try dir.write("big.csv", bigInput())
        try dir.write("ragged.csv", raggedInput())
        try dir.write("passthrough.json", #"{"prepline": 1, "stages": []}"#)
        try dir.write("reject.json", #"{"prepline": 1, "stages": [], "output": {"on_error": "reject"}}"#)
        for (name, source) in [("features.json", "pipelines/penguins-features.json"), ("ci.json", "pipelines/penguins-ci.json"),
                               ("penguins.csv", "samples/penguins.csv")] {
            try dir.write(name, [UInt8](Data(contentsOf: E2E.packageRoot.appendingPathComponent(source))))
        }
        try dir.write("penguins-bad.csv", try dir.read("penguins.csv") + Array("Adelie,Nowhere,1,1,1,1,male,1999\n".utf8))
    }
}

/// mount(8) and umount(8) of a size-limited tmpfs.
enum SmallTmpfs {
    /// Nil on success, else what went wrong.
    static func mount(at path: String, size: String) -> String? {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard let tool = ["/usr/bin/mount", "/bin/mount"].first(where: FileManager.default.isExecutableFile) else { return "no mount(8)" }
            let result = try runProcess(tool, ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path], timeout: 10)
            return result.status == 0 ? nil : "mount -t tmpfs: exit \(result.status): \(result.stderr)"
        } catch {
            return "mount -t tmpfs: \(error)"
        }
    }

    static func unmount(_ path: String) {
        guard let tool = ["/usr/bin/umount", "/bin/umount"].first(where: FileManager.default.isExecutableFile) else { return }
        _ = try? runProcess(tool, [path], timeout: 10)
    }

    /// Writes a filler file until the file system refuses a byte.
    static func fill(_ path: String) throws {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let block = [UInt8](repeating: 0x78, count: 4096)
        var size = 4096
        while size > 0 {
            let n = block.withUnsafeBytes { write(fd, $0.baseAddress!, size) }
            if n <= 0 { size /= 2 }
        }
    }
}
