import Foundation
import Testing

/// prepline against scikit-learn itself: Tests/Conformance generates cases covering every stage
/// option, runs the scikit-learn reference on each, runs the built binary the same way (`run`, or
/// `fit` then `apply`), and compares every cell by column name.
@Suite("scikit-learn conformance", .serialized)
struct ConformanceTests {
    /// Cases that need a feature this version refuses with a spec error (exit 2): each must keep
    /// failing exactly that way. A gap that starts passing fails this test until it is removed
    /// from the list, so the list can only shrink honestly.
    static let knownGaps: [String: String] = [:]

    @Test("every case agrees with scikit-learn, or is a listed refusal")
    func conformance() throws {
        let binary = try E2E.requireBinary()
        // The python3 on PATH: the one `make test` installed scikit-learn into (not /usr/bin's).
        let env = try E2E.tool("env")
        let work = try TempDir("prepline-conformance")
        let scripts = E2E.packageRoot.appendingPathComponent("Tests/Conformance").path
        let made = try runProcess(env, ["python3", "\(scripts)/make_cases.py", work.file("cases")], timeout: 120)
        try #require(made.status == 0, "make_cases.py failed: \(made.stderr)")
        let result = try runProcess(env, ["python3", "\(scripts)/run_conformance.py", work.file("cases"), "--prepline", binary,
                                             "--keep", work.file("out"), "-j", "2"], timeout: 2400)
        let report = result.stdoutText + result.stderr
        let failed = Set(report.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("FAIL ") else { return nil }
            return String(line.dropFirst(5).prefix { $0 != ":" })
        })
        let summary = report.split(separator: "\n").last { $0.contains("cases pass") } ?? "no summary"
        #expect(summary.contains("/"), "the runner printed no summary:\n\(report.suffix(2000))")
        let unexpected = failed.subtracting(Self.knownGaps.keys)
        #expect(unexpected.isEmpty, "cases that differ from scikit-learn (\(summary)):\n\(report.suffix(6000))")
        for (gap, feature) in Self.knownGaps.sorted(by: { $0.key < $1.key }) {
            #expect(failed.contains(gap), "\(gap) passes now (\(feature)): remove it from knownGaps")
            let line = report.split(separator: "\n").first { $0.hasPrefix("FAIL \(gap):") } ?? ""
            #expect(!failed.contains(gap) || line.contains("prepline exited 2, the reference 0"),
                    "\(gap) must be refused as a spec error (exit 2), got: \(line)")
        }
    }
}
