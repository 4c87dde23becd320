import Foundation
import Testing

/// Stage behaviour that golden cases (one `run` each) cannot express: the summary's counts, the
/// fitted spec's numbers, `fit` + `apply` on different files, `apply` on stdin, and refusals.
///
/// Expected numbers are worked out by hand in the comments (and were checked with scikit-learn
/// 1.9.1: SimpleImputer, StandardScaler, OneHotEncoder), never copied from prepline's output.
@Suite("Stage behaviour")
struct StageBehaviourTests {
    static func fixture(_ name: String, _ file: String) throws -> String {
        try String(contentsOf: E2E.fixtures.appendingPathComponent(name).appendingPathComponent(file), encoding: .utf8)
    }

    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "not a JSON object: \(String(decoding: bytes, as: UTF8.self))")
    }

    static func fitted(_ spec: [String: Any], stage: Int, column: String) -> [String: Any] {
        let stages = spec["stages"] as? [[String: Any]] ?? []
        guard stage < stages.count else { return [:] }
        return (stages[stage]["fitted"] as? [String: Any])?[column] as? [String: Any] ?? [:]
    }

    static func number(_ object: [String: Any], _ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }

    static func close(_ a: Double, _ b: Double) -> Bool { a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }

    // MARK: - non-numbers under on_error

    /// Tests/Fixtures/stage-not-a-number-*: rows 2 ('abc' in age) and 6 ('n/a' in income) are bad.
    @Test("skip and reject count the bad rows, and the fitted statistics leave them out")
    func badRowsAreCountedAndLeftOutOfTheFit() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", try Self.fixture("stage-not-a-number-skip", "input.csv"))
        try tmp.write("skip.json", try Self.fixture("stage-not-a-number-skip", "spec.json"))
        try tmp.write("reject.json", try Self.fixture("stage-not-a-number-reject", "spec.json"))

        let skip = try prepline(["run", "skip.json", "in.csv"], cwd: tmp.path)
        #expect(skip.status == 0, "\(skip)")
        let s = try CommandLineTests.summary(skip)
        #expect(s.rowsIn == 6 && s.out == 4 && s.skipped == 2 && s.rejected == 0, "\(skip)")

        let reject = try prepline(["run", "reject.json", "in.csv"], cwd: tmp.path)
        #expect(reject.status == 0, "\(reject)")
        let r = try CommandLineTests.summary(reject)
        #expect(r.rowsIn == 6 && r.out == 4 && r.skipped == 0 && r.rejected == 2, "\(reject)")
        expectSameBytes(reject.stdout, skip.stdout, "reject and skip write the same rows")

        // The good rows: age 30, 50, -, 70; income 1000, 3000, 2000, - ; city a, b, a, b.
        // fill income: mean(1000, 3000, 2000) = 2000 (999999 of the 'abc' row must not count).
        // zscore age: mean 50, var (400 + 0 + 400) / 3; income after the fill: 1000, 3000, 2000,
        // 2000: mean 2000, var (1e6 + 1e6) / 4 = 5e5. Categories a, b (not zzz, not yyy).
        // fit's summary says how many rows it left out of the statistics.
        let fitSummary = try CommandLineTests.summary(try prepline(["fit", "reject.json", "in.csv", "-o", "fitted.json"], cwd: tmp.path))
        #expect(fitSummary.rowsIn == 6 && fitSummary.out == 4 && fitSummary.skipped == 2, "\(fitSummary)")

        let fit = try prepline(["fit", "skip.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(fit.status == 0, "\(fit)")
        let spec = try Self.parse(fit.stdout)
        #expect(Self.number(Self.fitted(spec, stage: 0, column: "income"), "value") == 2000, "\(spec)")
        let age = Self.fitted(spec, stage: 1, column: "age"), income = Self.fitted(spec, stage: 1, column: "income")
        #expect(Self.number(age, "mean") == 50, "\(age)")
        #expect(Self.close(Self.number(age, "scale"), (800.0 / 3).squareRoot()), "\(age)")
        #expect(Self.number(income, "mean") == 2000, "\(income)")
        #expect(Self.close(Self.number(income, "scale"), 500_000.0.squareRoot()), "\(income)")
        #expect(Self.fitted(spec, stage: 2, column: "city")["categories"] as? [String] == ["a", "b"], "\(spec)")
    }

    @Test("fit under on_error fail stops at a non-number, names it, and writes no fitted spec")
    func fitFailsOnANonNumber() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", try Self.fixture("stage-not-a-number-fail", "input.csv"))
        try tmp.write("spec.json", try Self.fixture("stage-not-a-number-fail", "spec.json"))
        let result = try prepline(["fit", "spec.json", "in.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("in.csv:3: record 2: column 'age': 'abc' is not a number (stages[1] scale)"), "\(result)")
        #expect(!tmp.exists("fitted.json"), "a failed fit left fitted.json")
    }

    // MARK: - unknown categories at apply time

    static let fitCities = "id,city\n1,a\n2,b\n3,\n"
    static let testCities = "id,city\n1,b\n2,zzz\n3,NA\n4,a\n"

    static func fitCitiesSpec(_ stage: String, onError: String = "fail", in tmp: TempDir) throws -> TempDir {
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [\#(stage)], "output": {"on_error": "\#(onError)"}}"#)
        try tmp.write("fit.csv", fitCities)
        try tmp.write("test.csv", testCities)
        let fit = try prepline(["fit", "spec.json", "fit.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        return tmp
    }

    @Test("handle_unknown error: an unknown category in apply is a row-level error naming file, line, column and value")
    func unknownCategoryIsARowError() throws {
        let tmp = try Self.fitCitiesSpec(#"{"stage": "onehot", "columns": ["city"]}"#, in: TempDir())
        let fitted = try Self.parse(try tmp.read("fitted.json"))
        let categories = Self.fitted(fitted, stage: 0, column: "city")["categories"] as? [Any] ?? []
        #expect(categories.count == 3 && categories[0] as? String == "a" && categories[1] as? String == "b" && categories[2] is NSNull,
                "the missing value is a category, last: \(categories)")

        let file = try prepline(["apply", "fitted.json", "test.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(file.status == 1, "\(file)")
        #expect(file.stderr.contains("test.csv:3: record 2: column 'city': unknown category 'zzz' (stages[0] onehot)"), "\(file)")
        #expect(!tmp.exists("out.csv"), "a failed apply left its output")

        let piped = try prepline(["apply", "fitted.json", "-q"], stdin: .pipe(Array(Self.testCities.utf8)), cwd: tmp.path)
        #expect(piped.status == 1, "\(piped)")
        #expect(piped.stderr.contains("stdin:3: record 2: column 'city': unknown category 'zzz'"), "\(piped)")
    }

    @Test("handle_unknown error under reject: apply writes the unknown row to the rejects file")
    func unknownCategoryRejected() throws {
        let tmp = try Self.fitCitiesSpec(#"{"stage": "onehot", "columns": ["city"]}"#, onError: "reject", in: TempDir())
        let result = try prepline(["apply", "fitted.json", "test.csv", "--rejects", "bad.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,city_a,city_b,city_nan\n1,0,1,0\n3,0,0,1\n4,1,0,0\n", "\(result)")
        let s = try CommandLineTests.summary(result)
        #expect(s.rowsIn == 4 && s.out == 3 && s.rejected == 1, "\(result)")
        #expect(String(decoding: try tmp.read("bad.csv"), as: UTF8.self)
                == "file,line,reason,record\ntest.csv,3,column 'city': unknown category 'zzz' (stages[0] onehot),\"2,zzz\"\n")
    }

    /// scikit-learn: handle_unknown="ignore" and "infrequent_if_exist" without infrequent categories
    /// both encode an unknown as all zeros; with an infrequent group, it goes there.
    @Test("handle_unknown ignore and infrequent in apply", arguments: [
        (#"{"stage": "onehot", "columns": ["city"], "handle_unknown": "ignore"}"#, "id,city_a,city_b,city_nan\n1,0,1,0\n2,0,0,0\n3,0,0,1\n4,1,0,0\n"),
        (#"{"stage": "onehot", "columns": ["city"], "handle_unknown": "infrequent"}"#, "id,city_a,city_b,city_nan\n1,0,1,0\n2,0,0,0\n3,0,0,1\n4,1,0,0\n"),
    ])
    func unknownIgnoredOrInfrequent(stage: String, expected: String) throws {
        let tmp = try Self.fitCitiesSpec(stage, in: TempDir())
        let result = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == expected, "\(result)")
    }

    @Test("handle_unknown infrequent: an unknown category joins <col>_infrequent in apply")
    func unknownJoinsInfrequent() throws {
        // Fit: a ×3, b, c, missing → min_frequency 2 keeps only a; b, c and the missing value are infrequent.
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "min_frequency": 2, "handle_unknown": "infrequent"}]}"#)
        try tmp.write("fit.csv", "id,city\n1,a\n2,a\n3,a\n4,b\n5,\n6,c\n")
        try tmp.write("test.csv", Self.testCities)
        let fit = try prepline(["fit", "spec.json", "fit.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let city = Self.fitted(try Self.parse(try tmp.read("fitted.json")), stage: 0, column: "city")
        #expect((city["infrequent"] as? [Any])?.count == 3, "\(city)")
        let result = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,city_a,city_infrequent\n1,0,1\n2,0,1\n3,0,1\n4,1,0\n", "\(result)")
    }

    // MARK: - apply needs a fitted spec

    @Test("apply refuses a spec with something left to learn: exit 2, naming the stage", arguments: [
        (#"{"stage": "fill", "columns": ["age"], "strategy": "mean"}"#, "stages[0]: the fill stage has no fitted parameters"),
        (#"{"stage": "fill", "columns": ["age"], "strategy": "constant", "value": 0}, {"stage": "scale", "columns": ["age"], "method": "maxabs"}"#,
         "stages[1]: the scale stage has no fitted parameters"),
        (#"{"stage": "onehot", "columns": ["city"], "categories": {"city": ["a", "b"]}, "min_frequency": 2}"#,
         "stages[0]: the onehot stage has no fitted parameters"),
        (#"{"stage": "onehot", "columns": ["city"], "categories": {"city": ["a", "b"]}}, {"stage": "onehot", "columns": ["id"]}"#,
         "stages[1]: the onehot stage has no fitted parameters"),
    ])
    func applyRefusesUnfitted(stages: String, message: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [\#(stages)]}"#)
        try tmp.write("in.csv", "id,age,city\n1,30,a\n2,,b\n")
        let result = try prepline(["apply", "spec.json", "in.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("spec.json: \(message)"), "\(result)")
        #expect(result.stderr.contains("prepline fit"), "the message says how to make a fitted spec: \(result)")
        #expect(!tmp.exists("out.csv"))
        let piped = try prepline(["apply", "spec.json", "-q"], stdin: .pipe(Array("id,age,city\n1,30,a\n".utf8)), cwd: tmp.path)
        #expect(piped.status == 2 && piped.stdout.isEmpty, "\(piped)")
    }

    @Test("apply takes a spec with nothing to learn as it is: constant fill, given categories")
    func applyNeedsNoFitWhenNothingIsLearned() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["city"], "strategy": "constant", "value": "none"}, {"stage": "onehot", "columns": ["city"], "categories": {"city": ["none", "b", "a"]}}]}"#)
        let input = "id,city\n1,a\n2,\n3,b\n"
        let result = try prepline(["apply", "spec.json", "-q"], stdin: .pipe(Array(input.utf8)), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "id,city_none,city_b,city_a\n1,0,0,1\n2,1,0,0\n3,0,1,0\n", "\(result)")
    }

    // MARK: - known problems (each block fails today; a fix makes it pass and this test fail until the wrapper goes)

    /// Found crashing (SIGILL in ScaleStage.apply) and silently skipping the column (fill); refused since 9e3338c.
    @Test("a fitted spec whose glob matches a column it was not fitted on is refused (exit 2, naming it), not a crash", arguments: [
        #"{"stage": "scale", "columns": ["x_*"], "method": "maxabs"}"#,
        #"{"stage": "fill", "columns": ["x_*"], "strategy": "mean"}"#,
        #"{"stage": "onehot", "columns": ["x_*"]}"#,
    ])
    func globMatchesANewColumnAtApply(stage: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [\#(stage)]}"#)
        try tmp.write("fit.csv", "id,x_a\n1,1\n2,4\n")
        try tmp.write("new.csv", "id,x_a,x_b\n1,,5\n2,3,\n")
        let fit = try prepline(["fit", "spec.json", "fit.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        // With the training block fit writes, x_b is a column the fit did not see: an input error.
        let unseen = try prepline(["apply", "fitted.json", "new.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(unseen.status == 3, "\(unseen.status): \(unseen.stderr.prefix(300))")
        #expect(unseen.stderr.contains("new.csv:1:") && unseen.stderr.contains("'x_b'"), "\(unseen.stderr.prefix(300))")
        #expect(!tmp.exists("out.csv"))
        // Without it (a hand-written fitted spec, columns by position), the glob meets x_b when bound.
        var root = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])
        root.removeValue(forKey: "training")
        try tmp.write("fitted.json", try JSONSerialization.data(withJSONObject: root).map { $0 })
        let apply = try prepline(["apply", "fitted.json", "new.csv", "-q", "-o", "out.csv"], cwd: tmp.path)
        #expect(apply.status == 2, "\(apply.status): \(apply.stderr.prefix(300))")
        #expect(apply.stderr.contains("fitted.json: stages[0]") && apply.stderr.contains("'x_b'"), "\(apply.stderr.prefix(300))")
        #expect(!tmp.exists("out.csv"))
        // The data it was fitted on still applies.
        let same = try prepline(["apply", "fitted.json", "fit.csv", "-q"], cwd: tmp.path)
        #expect(same.status == 0, "\(same)")
    }

    @Test("on_error skip: a row dropped by a later stage (unknown given category) is left out of earlier stages' fit")
    func skippedRowLeftOutOfEarlierFit() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["income"], "method": "minmax"}, {"stage": "onehot", "columns": ["city"], "categories": {"city": ["a", "b"]}}], "output": {"on_error": "skip"}}"#)
        try tmp.write("in.csv", "id,income,city\n1,10,a\n2,1000,zzz\n3,20,b\n4,30,a\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        // Without the skipped row, income 10, 20, 30 scales to 0, 0.5, 1.
        #expect(result.stdoutText == "id,income,city_a,city_b\n1,0.0,1,0\n3,0.5,0,1\n4,1.0,1,0\n", "\(result)")
    }

    @Test("fit with given categories and an unknown value under on_error fail stops (scikit-learn raises in fit)")
    func fitWithUnknownGivenCategory() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["income"], "method": "minmax"}, {"stage": "onehot", "columns": ["city"], "categories": {"city": ["a", "b"]}}]}"#)
        try tmp.write("in.csv", "id,income,city\n1,10,a\n2,1000,zzz\n3,20,b\n")
        let fit = try prepline(["fit", "spec.json", "in.csv", "-q", "-o", "fitted.json"], cwd: tmp.path)
        #expect(fit.status == 1 && fit.stderr.contains("unknown category 'zzz'"), "\(fit)")
    }

    @Test("given categories: duplicates, and null anywhere but last, are spec errors (scikit-learn raises)", arguments: [
        #"["a", "a"]"#, #"[null, "a"]"#,
    ])
    func badGivenCategories(categories: String) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "categories": {"city": \#(categories)}}]}"#)
        try tmp.write("in.csv", "id,city\n1,a\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 2 && result.stderr.contains("stages[0].categories.city"), "\(result)")
    }

    /// DESIGN "fill" and the README's stage table: a column with no observed values takes `value`
    /// as its fallback. A text `"7"` on a numeric fill is read as the number 7 (a text that is not
    /// a number is a spec error, exit 2).
    @Test("a fallback value given as text \"7\" for a mean fill on a column with no observed values fills it with 7.0")
    func textFallbackForANumericFill() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "strategy": "mean", "value": "7"}]}"#)
        try tmp.write("in.csv", "id,age\n1,NA\n2,\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0 && result.stdoutText == "id,age\n1,7.0\n2,7.0\n", "\(result)")
        try tmp.write("word.json", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "strategy": "mean", "value": "abc"}]}"#)
        let word = try prepline(["run", "word.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(word.status == 2 && word.stderr.contains("stages[0].value") && word.stdoutText.isEmpty, "\(word)")
    }

    @Test("categories may name a column the stage selects with a glob")
    func categoriesForAGlobbedColumn() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["ci*"], "categories": {"city": ["b", "a"]}}]}"#)
        try tmp.write("in.csv", "id,city\n1,a\n2,b\n")
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0 && result.stdoutText == "id,city_b,city_a\n1,0,1\n2,1,0\n", "\(result)")
    }
}
