import Foundation
import Testing

/// Counts in the summary lines are singular where they should be ("1 row checked, 1 error").
@Suite("summary wording")
struct SummaryWordingTests {
    @Test func validateCountsAreSingularForOne() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("v.json", #"{"prepline":1,"schema":{"fields":[{"name":"a","type":"integer"}]}}"#)
        let one = try prepline(["validate", spec, "-"], stdin: .pipe(Array("a\n1\n".utf8)))
        #expect(one.status == 0, "\(one)")
        #expect(one.stderr.contains("valid: 1 row checked, 0 errors;"), "\(one.stderr)")
        let bad = try prepline(["validate", spec, "-"], stdin: .pipe(Array("a\n1\nx\n".utf8)))
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("INVALID: 2 rows checked, 1 error;"), "\(bad.stderr)")
    }

    @Test func runSummaryAndWidthErrorsAreSingularForOne() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("p.json", #"{"prepline":1,"stages":[]}"#)
        let one = try prepline(["run", spec, "-", "--on-error", "skip"], stdin: .pipe(Array("x\n1\n1,2\n".utf8)))
        #expect(one.status == 0, "\(one)")
        #expect(one.stderr.contains("prepline: 2 rows in, 1 out, 1 skipped"), "\(one.stderr)")
        let fail = try prepline(["run", spec, "-"], stdin: .pipe(Array("x\n1,2\n".utf8)))
        #expect(fail.stderr.contains("expected 1 field, found 2"), "\(fail.stderr)")
        let single = try prepline(["run", spec, "-"], stdin: .pipe(Array("x\n1\n".utf8)))
        #expect(single.stderr.contains("prepline: 1 row in, 1 out,"), "\(single.stderr)")
    }
}
