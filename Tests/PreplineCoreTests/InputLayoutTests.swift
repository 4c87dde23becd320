import Foundation
import Testing
@testable import PreplineCore

/// `InputLayout` (apply's match of the input's columns to the training header by name) and the
/// time of fit in the `training` block.
@Suite("input layout and training record")
struct InputLayoutTests {
    @Test func sameLayoutIsTheIdentity() throws {
        let layout = try InputLayout.match(training: ["a", "b"], input: ["a", "b"], extraColumns: .error, file: "t.csv", line: 1)
        #expect(layout.isIdentity)
    }

    @Test func reorderedAndKeptColumns() throws {
        let layout = try InputLayout.match(training: ["a", "b", "c"], input: ["x", "c", "a", "y", "b"], extraColumns: .keep, file: "t.csv", line: 1)
        #expect(layout.fields == [2, 4, 1])
        #expect(layout.extras == [InputLayout.Extra(name: "x", field: 0), InputLayout.Extra(name: "y", field: 3)])
        #expect(!layout.isIdentity)
        let dropped = try InputLayout.match(training: ["a"], input: ["a", "z"], extraColumns: .drop, file: "t.csv", line: 1)
        #expect(dropped.fields == [0] && dropped.extras.isEmpty && dropped.dropped == 1 && !dropped.isIdentity)
    }

    /// Names are compared byte for byte: the NFD spelling of "é" is another column (Swift's
    /// `==` would call them equal).
    @Test func namesMatchByBytes() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        #expect(throws: PreplineError.self) {
            try InputLayout.match(training: [nfc], input: [nfd], extraColumns: .drop, file: "t.csv", line: 1)
        }
    }

    @Test func missingAndUnseenColumnsAreNamed() throws {
        do {
            _ = try InputLayout.match(training: ["a", "year"], input: ["a"], extraColumns: .keep, file: "t.csv", line: 2)
            Issue.record("a missing column must fail")
        } catch {
            #expect(error.exitCode == 3)
            #expect("\(error)".contains("t.csv:2") && "\(error)".contains("'year'"), "\(error)")
        }
        do {
            _ = try InputLayout.match(training: ["a"], input: ["a"] + (1...12).map { "n\($0)" }, extraColumns: .error, file: "t.csv", line: 1)
            Issue.record("an unseen column must fail")
        } catch {
            #expect(error.exitCode == 3)
            #expect("\(error)".contains("'n10' … and 2 more"), "\(error)")
        }
    }

    @Test func fitTimeHonoursSourceDateEpoch() throws {
        #expect(try TrainingRecord.fitTime(environment: ["SOURCE_DATE_EPOCH": "0"]) == "1970-01-01T00:00:00Z")
        #expect(try TrainingRecord.fitTime(environment: ["SOURCE_DATE_EPOCH": "951782400"]) == "2000-02-29T00:00:00Z")
        #expect(throws: PreplineError.self) { try TrainingRecord.fitTime(environment: ["SOURCE_DATE_EPOCH": "soon"]) }
        // Without it, the clock: ISO 8601 UTC, to the second, within a minute of now.
        let now = try TrainingRecord.fitTime(environment: [:])
        let formatter = ISO8601DateFormatter()
        let parsed = try #require(formatter.date(from: now), "\(now)")
        #expect(abs(parsed.timeIntervalSinceNow) < 60, "\(now)")
    }
}
