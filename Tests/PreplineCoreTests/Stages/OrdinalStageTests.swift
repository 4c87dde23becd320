import Foundation
import Testing

/// `ordinal` in-process: options and their errors, the codes (code-point order against a
/// plain-Swift sort, written as integers), unknown and missing handling, infrequent grouping with
/// the missing value kept out of it, the fitted spec read back, and the fit at every chunking.
/// The numbers against scikit-learn itself: Tests/Conformance/cases_ordinal.py.
@Suite struct OrdinalStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "ordinal", "columns": ["c"]}"#,
        #"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": -1}"#,
        #"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": null, "encoded_missing_value": -2}"#,
        #"{"stage": "ordinal", "columns": ["c"], "min_frequency": 0.25, "max_categories": 3, "encoded_missing_value": null}"#,
        #"{"stage": "ordinal", "columns": ["c"], "categories": {"c": ["b", "a", null]}}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "ignore"}"#, "stages[0].handle_unknown", #""use_encoded_value""#),
            (#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value"}"#, "stages[0].unknown_value", "missing; use_encoded_value needs"),
            (#"{"stage": "ordinal", "columns": ["c"], "unknown_value": -1}"#, "stages[0].unknown_value", #"applies to handle_unknown "use_encoded_value""#),
            (#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": 0.5}"#, "stages[0].unknown_value", "expected an integer"),
            (#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": "x"}"#, "stages[0].unknown_value", "or null"),
            (#"{"stage": "ordinal", "columns": ["c"], "encoded_missing_value": true}"#, "stages[0].encoded_missing_value", "expected an integer"),
            (#"{"stage": "ordinal", "columns": ["c"], "min_frequency": 0}"#, "stages[0].min_frequency", "expected an integer count >= 1"),
            (#"{"stage": "ordinal", "columns": ["c"], "max_categories": 0}"#, "stages[0].max_categories", "expected an integer from 1"),
            (#"{"stage": "ordinal", "columns": ["c"], "categories": {"c": ["a", "a"]}}"#, "stages[0].categories.c[1]", "given twice"),
            (#"{"stage": "ordinal", "columns": ["c"], "categories": {"c": [null, "a"]}}"#, "stages[0].categories.c[0]", "must be the last"),
            (#"{"stage": "ordinal", "columns": ["c"], "drop": "first"}"#, "stages[0].drop", "unknown key"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Fit and apply

    /// Codes follow code-point order, written as integers; a missing value seen in fit stays missing.
    @Test(arguments: 0..<4)
    func codesFollowCodePointOrder(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(9400 + seed))
        let pool = ["b", "a", "B", "é", "a b", "_", "10", "9", "zz"]
        let count = Int.random(in: 1...80, using: &rng)
        let cells = (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < 0.15 ? "" : pool.randomElement(using: &rng)! }
        let ids = (0..<count).map(String.init)
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"]}"#), csv: csvText([("id", ids), ("c", cells)]))
        let observed = StageReference.categories(cells.filter { !$0.isEmpty })
        #expect(fitted.strings(stage: 0, column: "c", key: "categories") == observed + (cells.contains("") ? [nil] : []))
        let out = SimpleTable(output)
        #expect(out.header == ["id", "c"])
        #expect(out.column("c") == cells.map { $0.isEmpty ? "" : String(observed.firstIndex(of: $0)!) })
    }

    @Test func unknownValuesFollowHandleUnknown() throws {
        let train = "c,k\nx,1\ny,2\n,3\n", new = "c,k\ny,1\nw,2\n,3\n"
        let encoded = try H.fitAndApply(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": -1, "encoded_missing_value": -2}"#),
                                        csv: train, applyTo: new)
        #expect(SimpleTable(encoded.output).column("c") == ["1", "-1", "-2"])
        let toMissing = try H.fitAndApply(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": null}"#),
                                          csv: train, applyTo: new)
        #expect(SimpleTable(toMissing.output).column("c") == ["1", "", ""])

        let strict = try FittedSpec(try H.fit(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"]}"#), csv: "c,k\nx,1\ny,2\n"))
        let failure = try #require(H.failure { try H.apply(spec: strict.text, csv: new) })
        #expect(failure.exitCode == 1)
        // A missing value the fit never saw is unknown too, as in scikit-learn.
        #expect(failure.rowReasons == ["column 'c': unknown category 'w' (stages[0] ordinal)",
                                       "column 'c': missing value, not a known category (stages[0] ordinal)"])
        let given = H.spec(#"{"stage": "ordinal", "columns": ["c"], "categories": {"c": ["x", "y"]}}"#)
        let fitFailure = try #require(H.failure { try H.fit(spec: given, csv: "c,k\nx,1\nw,2\n") })
        #expect(fitFailure.rowReasons == ["column 'c': unknown category 'w' (stages[0] ordinal)"])
    }

    /// scikit-learn refuses an unknown_value or encoded_missing_value that is a category's code.
    @Test func aCodeOfACategoryIsRefused() throws {
        let csv = "c,k\nx,1\ny,2\n,3\n"
        let unknown = try #require(H.failure { try H.fit(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "handle_unknown": "use_encoded_value", "unknown_value": 1}"#), csv: csv) })
        #expect(unknown.exitCode == 2)
        #expect(unknown.path == "stages[0].unknown_value")
        #expect(unknown.message.contains("already the code of a category of column 'c' (codes 0 to 1)"), "\(unknown)")
        let missing = try #require(H.failure { try H.fit(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "encoded_missing_value": 0}"#), csv: csv) })
        #expect(missing.path == "stages[0].encoded_missing_value")
        // Without a missing value in the data, encoded_missing_value is never used: accepted.
        #expect(H.failure { try H.fit(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "encoded_missing_value": 0}"#), csv: "c,k\nx,1\n") } == nil)
    }

    /// Categories seen fewer than min_frequency times share the code after the frequent ones;
    /// the missing value is never grouped but its rows count in a fraction's total.
    @Test func infrequentCategoriesShareOneCode() throws {
        let cells = Array(repeating: "", count: 6) + Array(repeating: "dog", count: 5) + Array(repeating: "cat", count: 3) + ["ant", "yak"]
        let csv = csvText([("c", cells), ("k", cells.indices.map(String.init))])
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "min_frequency": 0.25}"#), csv: csv)
        // 16 rows: the threshold is 4, so cat (3), ant and yak are infrequent; missing (6) is not grouped.
        #expect(fitted.strings(stage: 0, column: "c", key: "infrequent") == ["ant", "cat", "yak"])
        let codes = SimpleTable(output).column("c")
        #expect(codes == cells.map { ["": "", "dog": "0"][$0] ?? "1" })
        let capped = try H.fitAndApply(spec: H.spec(#"{"stage": "ordinal", "columns": ["c"], "max_categories": 2}"#), csv: csv)
        #expect(capped.fitted.strings(stage: 0, column: "c", key: "infrequent") == ["ant", "cat", "yak"], "missing is not counted in max_categories")
    }

    @Test func givenCategoriesNeedNoFit() throws {
        let spec = H.spec(#"{"stage": "ordinal", "columns": ["c"], "categories": {"c": ["y", "x", null]}, "encoded_missing_value": 7}"#)
        #expect(SimpleTable(try H.apply(spec: spec, csv: "c,k\nx,1\ny,2\n,3\n")).column("c") == ["1", "0", "7"])
    }

    /// A numeric stage after ordinal reads the codes (the input column is not read as a number).
    @Test func aLaterNumericStageReadsTheCodes() throws {
        let spec = H.spec(#"{"stage": "ordinal", "columns": ["c"]}"#, #"{"stage": "scale", "columns": ["c"], "method": "minmax"}"#)
        #expect(SimpleTable(try H.run(spec: spec, csv: "c,k\nb,1\na,2\nc,3\n")).column("c") == ["0.5", "0.0", "1.0"])
    }

    // MARK: The fitted spec

    @Test func fittedSpecRoundTrips() throws {
        let csv = "c,d\nx,1\ny,2\n,3\nx,4\nz,5\n"
        let spec = H.spec(#"{"stage": "ordinal", "columns": ["c"], "min_frequency": 2}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        #expect(fitted.strings(stage: 0, column: "c", key: "categories") == ["x", "y", "z", nil])
        #expect(fitted.strings(stage: 0, column: "c", key: "infrequent") == ["y", "z"])
        let edited = try fitted.replacing(stage: 0, column: "c", key: "categories", json: #"["z", "x", "y", null]"#)
        let regrouped = try FittedSpec(edited).replacing(stage: 0, column: "c", key: "infrequent", json: #"["x"]"#)
        #expect(SimpleTable(try H.apply(spec: regrouped, csv: csv)).column("c") == ["2", "1", "", "2", "0"])
        for item: (key: String, json: String?, says: String) in [("categories", nil, "missing"), ("categories", #""x""#, "expected an array"),
                                                                 ("infrequent", #"[1]"#, "expected strings"), ("codes", "[]", "unknown key")] {
            let text = try fitted.replacing(stage: 0, column: "c", key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == "stages[0].fitted.c.\(item.key)", "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Chunking

    @Test func fitAndOutputAreTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 9500)
        let cells = (0..<300).map { _ in Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : "v\(Int.random(in: 0..<12, using: &rng) * Int.random(in: 0..<3, using: &rng))" }
        let csv = csvText([("c", cells), ("k", cells.indices.map(String.init))])
        let spec = H.spec(#"{"stage": "ordinal", "columns": ["c"], "min_frequency": 0.04, "max_categories": 6, "encoded_missing_value": -1}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        let output = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == output, "\(chunking)")
        }
    }
}
