import Foundation
import Testing

/// Golden cases: `Tests/Fixtures/<case>/` (see Tests/Fixtures/README.md for the format).
///
/// Each case runs `prepline run spec.json input.csv -q <args>` in a fresh temporary directory that
/// holds copies of `spec.json` and `input.csv`, so messages name `input.csv` and any file the run
/// writes (a rejects file) lands in that directory, never among the fixtures.
enum GoldenCases {
    /// The files a case directory may hold; anything else is a typo that would silently check nothing.
    static let knownFiles: Set<String> = ["spec.json", "input.csv", "args", "expected.csv", "expected.err",
                                          "expected.exit", "expected-files", "README.md"]

    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: E2E.fixtures.path)) ?? []
        return entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: E2E.fixtures.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }()
}

@Suite("Golden cases")
struct GoldenCaseTests {
    @Test("The fixture directory holds golden cases")
    func fixturesExist() {
        #expect(GoldenCases.names.count >= 30, "found \(GoldenCases.names) in \(E2E.fixtures.path)")
    }

    @Test("Golden case", arguments: GoldenCases.names)
    func golden(_ name: String) throws {
        let caseDir = E2E.fixtures.appendingPathComponent(name)
        func caseFile(_ file: String) -> URL { caseDir.appendingPathComponent(file) }
        func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: caseFile(file).path) }

        let present = Set(try FileManager.default.contentsOfDirectory(atPath: caseDir.path))
        #expect(present.subtracting(GoldenCases.knownFiles).isEmpty,
                "unknown files in \(name): \(present.subtracting(GoldenCases.knownFiles).sorted())")
        try #require(exists("spec.json") && exists("input.csv"), "\(name) needs spec.json and input.csv")
        #expect(exists("expected.csv") || exists("expected.err") || exists("expected-files"),
                "\(name) must say what it expects")

        let tmp = try TempDir("prepline-golden-\(name)")
        try FileManager.default.copyItem(at: caseFile("spec.json"), to: tmp.url.appendingPathComponent("spec.json"))
        try FileManager.default.copyItem(at: caseFile("input.csv"), to: tmp.url.appendingPathComponent("input.csv"))

        var extra: [String] = []
        if exists("args") {
            extra = try String(contentsOf: caseFile("args"), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: true)
                .map { $0.replacingOccurrences(of: "{tmp}", with: tmp.path) }
        }
        var expectedExit: Int32 = 0
        if exists("expected.exit") {
            let text = try String(contentsOf: caseFile("expected.exit"), encoding: .utf8)
            expectedExit = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), "bad expected.exit in \(name)")
        }

        let result = try prepline(["run", "spec.json", "input.csv", "-q"] + extra, cwd: tmp.path)
        let context = "case \(name)\n\(result)"

        #expect(result.status == expectedExit, "exit status; \(context)")

        // stdout: exactly expected.csv, or nothing at all.
        let expectedOut = exists("expected.csv") ? try [UInt8](Data(contentsOf: caseFile("expected.csv"))) : []
        expectSameBytes(result.stdout, expectedOut, "on stdout; \(context)")

        // stderr: every line of expected.err appears; with -q and no expected.err, nothing at all.
        if exists("expected.err") {
            let wanted = try String(contentsOf: caseFile("expected.err"), encoding: .utf8)
                .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            for line in wanted {
                #expect(result.stderr.contains(line), "stderr lacks \"\(line)\"; \(context)")
            }
        } else {
            #expect(result.stderr.isEmpty, "stderr should be empty with -q; \(context)")
        }

        // Side files: expected-files/<name> must equal <tmp>/<name> byte for byte.
        if exists("expected-files") {
            let names = try FileManager.default.contentsOfDirectory(atPath: caseFile("expected-files").path).sorted()
            #expect(!names.isEmpty, "\(name)/expected-files is empty")
            for file in names {
                let expected = try [UInt8](Data(contentsOf: caseFile("expected-files").appendingPathComponent(file)))
                guard tmp.exists(file) else {
                    Issue.record("\(file) was not written; \(context)")
                    continue
                }
                let actual = try tmp.read(file)
                #expect(actual == expected, "\(file) differs; expected:\n\(visible(expected))\ngot:\n\(visible(actual))")
            }
        }

        // A run never leaves temporary files behind, whatever its outcome, nor an output file when it fails.
        let leftovers = try tmp.listing().filter { $0.contains(".prepline-") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
        if result.status != 0, let o = extra.firstIndex(of: "-o"), o + 1 < extra.count {
            #expect(!FileManager.default.fileExists(atPath: extra[o + 1]), "a failed run left \(extra[o + 1])")
        }
    }
}
