import Foundation
import Testing

/// Numbers that must never be silently wrong (issue 12, DESIGN.md G2): a number in a numeric
/// stage is finite, and a fitted spec's numbers read back. Numbers are compared with prepline's
/// own output on the same data without the bad rows, or with scikit-learn (Tests/Conformance).
@Suite("Numbers are finite")
struct NumberTrustTests {
    static let nonFinite = ["1e999", "-1e400", "inf", "-inf", "Infinity", "nan", "NaN"]

    /// Every numeric stage, on one column `a`.
    static let numericSpecs: [(name: String, stages: String)] = [
        ("zscore", #"[{"stage": "scale", "columns": ["a"], "method": "zscore"}]"#),
        ("minmax", #"[{"stage": "scale", "columns": ["a"], "method": "minmax"}]"#),
        ("robust", #"[{"stage": "scale", "columns": ["a"], "method": "robust"}]"#),
        ("maxabs", #"[{"stage": "scale", "columns": ["a"], "method": "maxabs"}]"#),
        ("mean", #"[{"stage": "fill", "columns": ["a"], "strategy": "mean"}]"#),
        ("median", #"[{"stage": "fill", "columns": ["a"], "strategy": "median"}]"#),
    ]

    static func spec(_ stages: String, onError: String = "fail") -> String {
        // "nan" and "NaN" are not missing tokens here, so they reach the stage as values.
        #"{"prepline": 1, "input": {"missing": ["", "NA"]}, "stages": \#(stages), "output": {"on_error": "\#(onError)"}}"#
    }

    @Test("a non-finite value is a row-level error naming file, line, column, value and stage",
          arguments: nonFinite)
    func nonFiniteIsARowError(value: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a,b\n1,x\n\(value),y\n3,z\nNA,w\n")
        for (name, stages) in Self.numericSpecs {
            try tmp.write("spec.json", Self.spec(stages))
            let run = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
            #expect(run.status == 1, "\(name) on \(value): \(run)")
            #expect(run.stdout.isEmpty, "\(name) on \(value): \(run)")
            #expect(run.stderr.contains("in.csv:3: record 2: column 'a': '\(value)' is not a finite number (stages[0] \(name == "mean" || name == "median" ? "fill" : "scale"))"),
                    "\(name) on \(value): \(run)")
        }
    }

    @Test("under skip, a non-finite row is dropped and the rest is as if it had never been there")
    func skippedNonFiniteRowsLeaveTheRest() throws {
        let tmp = try TempDir()
        let good = ["1", "2.5", "NA", "-4", "10"]
        try tmp.write("clean.csv", "a,b\n" + good.enumerated().map { "\($0.element),\($0.offset)\n" }.joined())
        var dirty = "a,b\n"
        for (i, value) in good.enumerated() {
            dirty += "\(value),\(i)\n"
            dirty += "\(Self.nonFinite[i % Self.nonFinite.count]),bad\n"
        }
        try tmp.write("dirty.csv", dirty)
        for (name, stages) in Self.numericSpecs {
            try tmp.write("spec.json", Self.spec(stages, onError: "skip"))
            let clean = try prepline(["run", "spec.json", "clean.csv", "-q"], cwd: tmp.path)
            let skipped = try prepline(["run", "spec.json", "dirty.csv"], cwd: tmp.path)
            #expect(clean.status == 0 && skipped.status == 0, "\(name): \(clean)\n\(skipped)")
            expectSameBytes(skipped.stdout, clean.stdout, name)
            #expect(skipped.stderr.contains("5 skipped"), "\(name): \(skipped)")
            // The column is never blanked: every observed value comes out as a number.
            let column = clean.stdoutText.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] }
            #expect(column.filter { !$0.isEmpty }.count >= 4, "\(name): \(clean)")
        }
    }

    // MARK: - fitted values that are not finite

    /// scikit-learn's test_tfidf_no_smoothing: with smooth_idf false, a given vocabulary term
    /// that no document holds has idf ln(n/0) + 1 = inf (the conformance cases
    /// tfidf-no-smooth-absent-term-* compare the weights with scikit-learn).
    @Test("fit writes an infinite idf so that apply reads it back; apply equals run; a row with the term is refused")
    func infiniteIDFRoundTrips() throws {
        let tmp = try TempDir()
        try tmp.write("docs.csv", "id,text\n1,apple banana\n2,apple\n3,banana apple cherry\n4,NA\n")
        for output in ["dense", "sparse"] {
            try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["text"], "vocabulary": ["apple", "banana", "zebra"], "smooth_idf": false, "output": "\#(output)"}]}"#)
            let fit = try prepline(["fit", "spec.json", "docs.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
            #expect(fit.status == 0, "\(fit)")
            let fitted = String(decoding: try tmp.read("fitted.json"), as: UTF8.self)
            #expect(fitted.contains(#""inf""#) && !fitted.contains("null"), "\(fitted)")
            let run = try prepline(["run", "spec.json", "docs.csv", "-q"], cwd: tmp.path)
            let apply = try prepline(["apply", "fitted.json", "docs.csv", "-q"], cwd: tmp.path)
            #expect(run.status == 0 && apply.status == 0, "\(run)\n\(apply)")
            expectSameBytes(apply.stdout, run.stdout, output)

            try tmp.write("new.csv", "id,text\n1,apple\n2,zebra apple\n")
            let refused = try prepline(["apply", "fitted.json", "new.csv"], cwd: tmp.path)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("new.csv:3: record 2: column 'text': term 'zebra' has an infinite idf"), "\(refused)")
        }
    }
}
