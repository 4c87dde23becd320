import Foundation
import Testing
@testable import PreplineCore

/// Column globs against Python's `fnmatch.fnmatchcase` (the semantics the docs promise), and
/// their cost on patterns that made the recursive matcher backtrack exponentially.
@Suite("globs")
struct GlobTests {
    /// Random patterns and names over a small alphabet (so they match often), with stars,
    /// `?`, classes (ranges, negation, `]` first, unclosed `[`) and non-ASCII characters.
    static func cases(count: Int, seed: UInt64) -> [(pattern: String, name: String)] {
        var rng = SplitMix64(seed: seed)
        let nameAlphabet: [String] = ["a", "b", "c", "-", "]", "[", "é", "日", "!"]
        let patternPieces: [String] = ["a", "b", "c", "*", "*", "?", "[ab]", "[!a]", "[a-c]", "[]a]", "[!]]", "[", "é", "[é日]", "-", "[c-a]", "[a-]", "!"]
        return (0..<count).map { _ in
            let pattern = (0..<Int.random(in: 0...6, using: &rng)).map { _ in patternPieces.randomElement(using: &rng)! }.joined()
            let name = (0..<Int.random(in: 0...7, using: &rng)).map { _ in nameAlphabet.randomElement(using: &rng)! }.joined()
            return (pattern, name)
        }
    }

    @Test("matches as Python's fnmatch.fnmatchcase on random patterns and names")
    func agreesWithFnmatch() throws {
        let cases = Self.cases(count: 3000, seed: 12)
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.json")
        let json = try JSONSerialization.data(withJSONObject: cases.map { [$0.pattern, $0.name] })
        try json.write(to: input)
        let script = "import json, sys, fnmatch\nprint(''.join('1' if fnmatch.fnmatchcase(n, p) else '0' for p, n in json.load(open(sys.argv[1], encoding='utf-8'))))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        let expected = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        try #require(expected.count == cases.count)
        var mismatches: [String] = []
        for (i, (pattern, name)) in cases.enumerated() where Glob(pattern).matches(name) != (expected[i] == "1") {
            mismatches.append("\(pattern) on \(name): fnmatch says \(expected[i] == "1")")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test("a run of stars does not backtrack exponentially")
    func starsAreLinear() {
        // 20 names of 45 characters, none ending in "zz": the recursive matcher took minutes.
        var rng = SplitMix64(seed: 3)
        let names = (0..<20).map { _ in String((0..<45).map { _ in Bool.random(using: &rng) ? "a" : "z" }) + "a" }
        let glob = Glob("************zz")
        let alternating = Glob("*a*a*a*a*a*a*a*a*a*a*a*a*b")
        let started = ContinuousClock.now
        for _ in 0..<100 {
            for name in names {
                #expect(!glob.matches(name))
                #expect(!alternating.matches(name))
            }
        }
        // 4,000 matches of about 46 × 14 steps each: milliseconds; the old matcher needed minutes for one pass.
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("bytes that are not UTF-8 are characters of their own")
    func invalidUTF8() {
        let name = String(decoding: [0x47, 0x72, 0xF6, 0xDF, 0x65], as: UTF8.self)  // U+FFFD each, as a String holds it
        #expect(Glob("Gr??e").matches(name))
        let bytes: [UInt8] = [0x47, 0x72, 0xF6, 0xDF, 0x65]
        #expect(bytes.withUnsafeBufferPointer { Glob("Gr??e").matches(utf8: $0) })
        #expect(bytes.withUnsafeBufferPointer { Glob("G*e").matches(utf8: $0) })
        #expect(!bytes.withUnsafeBufferPointer { Glob("Gr?e").matches(utf8: $0) })
    }
}
