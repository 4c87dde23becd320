import Foundation
import Testing

/// `clip` in-process: options and the impossible combinations (with their JSON paths), fixed
/// bounds, the learned fences against numpy's definitions (linear percentiles, population
/// std), each action, the indicator, the fitted spec read back, the fences at every chunk size
/// and thread count (also on a near-constant column with a large offset), and how it chains
/// with fill and scale in the fit passes.
@Suite struct ClipStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "clip", "columns": ["a"], "min": 0}"#,
        #"{"stage": "clip", "columns": ["a"], "max": 10.5, "action": "missing"}"#,
        #"{"stage": "clip", "columns": ["a"], "min": -1, "max": 1, "indicator": true}"#,
        #"{"stage": "clip", "columns": ["a"], "quantiles": [0.05, 0.95]}"#,
        #"{"stage": "clip", "columns": ["a"], "quantiles": [0, 1], "action": "reject"}"#,
        #"{"stage": "clip", "columns": ["a"], "iqr": 1.5}"#,
        #"{"stage": "clip", "columns": ["a"], "iqr": 0}"#,
        #"{"stage": "clip", "columns": ["a"], "zscore": 3, "indicator": true}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func impossibleOptionsNameTheirPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "clip", "columns": ["a"]}"#, "stages[0]", "no fences"),
            (#"{"stage": "clip", "columns": ["a"], "min": 5, "max": 5}"#, "stages[0].max", "expected max > min, got min 5.0 and max 5.0"),
            (#"{"stage": "clip", "columns": ["a"], "min": 5, "max": 1}"#, "stages[0].max", "expected max > min"),
            (#"{"stage": "clip", "columns": ["a"], "min": "0"}"#, "stages[0].min", "expected a number"),
            (#"{"stage": "clip", "columns": ["a"], "min": 0, "iqr": 1.5}"#, "stages[0].iqr", #"fixed "min" cannot be given too"#),
            (#"{"stage": "clip", "columns": ["a"], "max": 0, "quantiles": [0.1, 0.9]}"#, "stages[0].quantiles", #"fixed "max" cannot be given too"#),
            (#"{"stage": "clip", "columns": ["a"], "iqr": 1.5, "zscore": 3}"#, "stages[0].zscore", #""iqr" and "zscore" both give the fences"#),
            (#"{"stage": "clip", "columns": ["a"], "quantiles": [5, 95]}"#, "stages[0].quantiles", "expected values from 0.0 to 1.0"),
            (#"{"stage": "clip", "columns": ["a"], "quantiles": [-0.1, 0.5]}"#, "stages[0].quantiles", "expected values from 0.0 to 1.0"),
            (#"{"stage": "clip", "columns": ["a"], "quantiles": [0.9, 0.1]}"#, "stages[0].quantiles", "expected low < high"),
            (#"{"stage": "clip", "columns": ["a"], "quantiles": [0.5, 0.5]}"#, "stages[0].quantiles", "expected low < high"),
            (#"{"stage": "clip", "columns": ["a"], "quantiles": [0.5]}"#, "stages[0].quantiles", "expected two numbers"),
            (#"{"stage": "clip", "columns": ["a"], "iqr": -1}"#, "stages[0].iqr", "expected a number >= 0.0, got -1.0"),
            (#"{"stage": "clip", "columns": ["a"], "zscore": -0.5}"#, "stages[0].zscore", "expected a number >= 0.0"),
            (#"{"stage": "clip", "columns": ["a"], "zscore": true}"#, "stages[0].zscore", "expected a number"),
            (#"{"stage": "clip", "columns": ["a"], "min": 0, "action": "drop"}"#, "stages[0].action", "expected one of"),
            (#"{"stage": "clip", "columns": ["a"], "min": 0, "action": "rejct"}"#, "stages[0].action", #"did you mean "reject""#),
            (#"{"stage": "clip", "columns": ["a"], "min": 0, "indicator": 1}"#, "stages[0].indicator", "expected true or false"),
            (#"{"stage": "clip", "columns": ["a"], "min": 0, "fitted": {"a": {"low": 0, "high": 1}}}"#, "stages[0].fitted", "fixed fences learn nothing"),
            (#"{"stage": "clip", "columns": ["a"], "minimum": 0}"#, "stages[0].minimum", "unknown key"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Fixed bounds

    @Test func fixedBoundsClipEachSide() throws {
        let x = ["-5", "0", "", "3.5", "12"]
        let spec = H.spec(#"{"stage": "clip", "columns": ["both"], "min": 0, "max": 10}"#,
                          #"{"stage": "clip", "columns": ["low"], "min": 1}"#,
                          #"{"stage": "clip", "columns": ["high"], "max": 1}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: csvText([("both", x), ("low", x), ("high", x)])))
        #expect(out.numbers("both") == [0, 0, nil, 3.5, 10])
        #expect(out.numbers("low") == [1, 1, nil, 3.5, 12])
        #expect(out.numbers("high") == [-5, 0, nil, 1, 1])
        let fitted = try FittedSpec(try H.fit(spec: spec, csv: csvText([("both", x), ("low", x), ("high", x)])))
        #expect(!fitted.hasFittedBlock(stage: 0), "fixed bounds learn nothing")
    }

    @Test func actionsAndTheIndicator() throws {
        let x = ["-5", "0", "", "3.5", "12"]
        let spec = H.spec(#"{"stage": "clip", "columns": ["c"], "min": 0, "max": 10, "indicator": true}"#,
                          #"{"stage": "clip", "columns": ["m"], "min": 0, "max": 10, "action": "missing", "indicator": true}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: csvText([("c", x), ("m", x), ("k", ["1", "2", "3", "4", "5"])])))
        #expect(out.header == ["c", "c_outlier", "m", "m_outlier", "k"])
        #expect(out.numbers("c") == [0, 0, nil, 3.5, 10])
        #expect(out.column("c_outlier") == ["1", "0", "0", "0", "1"])
        #expect(out.numbers("m") == [nil, 0, nil, 3.5, nil])
        #expect(out.column("m_outlier") == ["1", "0", "0", "0", "1"])

        let reject = H.spec(#"{"stage": "clip", "columns": ["v"], "min": 0, "max": 10, "action": "reject"}"#)
        let failure = try #require(H.failure { try H.run(spec: reject, csv: keyed(x)) })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons == ["column 'v': -5.0 is below the lower fence 0.0 (stages[0] clip)",
                                       "column 'v': 12.0 is above the upper fence 10.0 (stages[0] clip)"])
        let skipped = SimpleTable(try H.run(spec: H.spec(#"{"stage": "clip", "columns": ["v"], "min": 0, "max": 10, "action": "reject"}"#, extra: #""output": {"on_error": "skip"}"#), csv: keyed(x)))
        #expect(skipped.column("k") == ["1", "2", "3"])
    }

    // MARK: Learned fences

    /// Each learned fence against numpy's definitions on multiples of 1/4: percentiles
    /// (np.percentile(x, 100 q), linear), Tukey's fences on the quartiles, mean ± k·std (ddof 0).
    @Test(arguments: 0..<4)
    func learnedFencesMatchTheReference(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(9400 + seed))
        let count = Int.random(in: 8...160, using: &rng)
        var x = quarterCells(count: count, limit: 50, missing: 0.2, using: &rng)
        x[0] = "400"; x[1] = "-300" // outliers on both sides
        let csv = csvText([("q", x), ("i", x), ("z", x), ("k", x.indices.map(String.init))])
        let spec = H.spec(#"{"stage": "clip", "columns": ["q"], "quantiles": [0.05, 0.9]}"#,
                          #"{"stage": "clip", "columns": ["i"], "iqr": 1.5}"#,
                          #"{"stage": "clip", "columns": ["z"], "zscore": 2}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        let values = observedNumbers(x)
        let out = SimpleTable(output)

        let qLow = StageReference.percentile(values, 100 * 0.05), qHigh = StageReference.percentile(values, 100 * 0.9)
        #expect(fitted.number(stage: 0, column: "q", key: "low") == qLow)
        #expect(fitted.number(stage: 0, column: "q", key: "high") == qHigh)
        #expect(out.numbers("q") == x.map { $0.isEmpty ? nil : min(max(Double($0)!, qLow), qHigh) })

        let q1 = StageReference.percentile(values, 25), q3 = StageReference.percentile(values, 75)
        let iLow = q1 - 1.5 * (q3 - q1), iHigh = q3 + 1.5 * (q3 - q1)
        #expect(fitted.number(stage: 1, column: "i", key: "low") == iLow)
        #expect(fitted.number(stage: 1, column: "i", key: "high") == iHigh)
        #expect(out.numbers("i") == x.map { $0.isEmpty ? nil : min(max(Double($0)!, iLow), iHigh) })

        let mean = StageReference.mean(values), std = StageReference.populationVariance(quarters: values).squareRoot()
        #expect(fitted.number(stage: 2, column: "z", key: "low") == mean - 2 * std)
        #expect(fitted.number(stage: 2, column: "z", key: "high") == mean + 2 * std)
        #expect(out.numbers("z") == x.map { $0.isEmpty ? nil : min(max(Double($0)!, mean - 2 * std), mean + 2 * std) })
    }

    /// Learned fences apply to other data, with each action: values beyond the fit data's fences.
    @Test func learnedFencesApplyToOtherData() throws {
        let fit = keyed(["1", "2", "3", "4", "5", ""])
        let spec = H.spec(#"{"stage": "clip", "columns": ["v"], "quantiles": [0.25, 0.75], "action": "missing", "indicator": true}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: fit, applyTo: keyed(["0", "2", "", "4.5", "100"]))
        #expect(fitted.number(stage: 0, column: "v", key: "low") == 2)
        #expect(fitted.number(stage: 0, column: "v", key: "high") == 4)
        let out = SimpleTable(output)
        #expect(out.numbers("v") == [nil, 2, nil, nil, nil])
        #expect(out.column("v_outlier") == ["1", "0", "0", "1", "1"])
    }

    @Test func aColumnWithNothingObservedIsAnError() throws {
        let failure = try #require(H.failure { try H.run(spec: H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1.5}"#), csv: "v,k\n,1\n,2\n") })
        #expect(failure.exitCode == 2)
        #expect(failure.message.contains("column 'v' has no observed values, so its fences are undefined"), "\(failure)")
    }

    // MARK: The fitted spec

    @Test func fittedSpecRoundTrips() throws {
        let csv = keyed(["1", "2", "", "3", "40"])
        let spec = H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        #expect(fitted.fittedKeys(stage: 0, column: "v") == ["low", "high", "missing_ratio"])
        // apply uses the fences as written.
        var edited = try FittedSpec(try fitted.replacing(stage: 0, column: "v", key: "low", json: "1.5"))
        edited = try FittedSpec(try edited.replacing(stage: 0, column: "v", key: "high", json: "2.5"))
        #expect(SimpleTable(try H.apply(spec: edited.text, csv: csv)).numbers("v") == [1.5, 2, nil, 2.5, 2.5])

        let bad: [(key: String, json: String?, says: String)] = [
            ("low", nil, "missing: the learned lower fence"),
            ("high", #""3""#, "expected a number"),
            ("high", "-100", "expected high >= low"),
            ("mean", "1", "unknown key"),
        ]
        for item in bad {
            let text = try fitted.replacing(stage: 0, column: "v", key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == "stages[0].fitted.v.\(item.key)", "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Chunking

    /// The learned fences are byte-identical at every chunk size and thread count, on arbitrary
    /// doubles (where sums round) with missing values.
    @Test func fencesAreTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 9500)
        let x = arbitraryCells(count: 400, missing: 0.15, using: &rng)
        let csv = csvText([("q", x), ("i", x), ("z", x)])
        let spec = H.spec(#"{"stage": "clip", "columns": ["q"], "quantiles": [0.01, 0.97]}"#,
                          #"{"stage": "clip", "columns": ["i"], "iqr": 3}"#,
                          #"{"stage": "clip", "columns": ["z"], "zscore": 2.5, "indicator": true}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        let output = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == output, "\(chunking)")
        }
    }

    /// scikit-learn's test_standard_scaler_near_constant_features shape: 1e10 plus a small
    /// spread. The zscore fences come from the exact mean and variance (one rounding each), at
    /// every chunking; a float merge of moments drifts there.
    @Test func zscoreFencesOnANearConstantColumnWithALargeOffset() throws {
        // 1e10 + k/1024 for k in 0..<n: exact in a double; mean and variance in integers.
        let n = 257
        let ks = (0..<n).map { ($0 * 37) % n }
        let x = ks.map { formatShortest(1e10 + Double($0) / 1024) }
        let sumK = ks.reduce(0, +), squaresK = ks.reduce(0) { $0 + $1 * $1 }
        #expect(sumK % n == 0)
        let mean = 1e10 + Double(sumK / n) / 1024
        let variance = Double(n * squaresK - sumK * sumK) / Double(n * n * 1024 * 1024)
        let std = variance.squareRoot()
        let spec = H.spec(#"{"stage": "clip", "columns": ["v"], "zscore": 1}"#)
        for chunking in Chunking.variety {
            let fitted = try FittedSpec(try H.fit(spec: spec, csv: keyed(x), chunking: chunking))
            #expect(fitted.number(stage: 0, column: "v", key: "low") == mean - std, "\(chunking)")
            #expect(fitted.number(stage: 0, column: "v", key: "high") == mean + std, "\(chunking)")
        }
    }

    // MARK: Chains and fit passes

    /// fill → clip → scale: the clip learns on the filled values (the fill's placeholders
    /// resolved in its statistics), the scaler in the next pass on the clipped ones. Equal to
    /// running the stages one after another, at every chunking.
    @Test func fillThenClipThenScale() throws {
        var rng = SplitMix64(seed: 9600)
        var x = quarterCells(count: 150, limit: 40, missing: 0.25, using: &rng)
        x[3] = "900"; x[7] = "-700"
        let csv = keyed(x)
        let fill = #"{"stage": "fill", "columns": ["v"], "strategy": "median"}"#
        for clip in [#"{"stage": "clip", "columns": ["v"], "quantiles": [0.1, 0.9]}"#, #"{"stage": "clip", "columns": ["v"], "zscore": 1}"#,
                     #"{"stage": "clip", "columns": ["v"], "min": 5, "max": 30}"#] {
            let scale = #"{"stage": "scale", "columns": ["v"]}"#
            let stepwise = try H.run(spec: H.spec(scale), csv: try H.run(spec: H.spec(clip), csv: try H.run(spec: H.spec(fill), csv: csv)))
            for chunking in [Chunking.standard, Chunking.variety[1], Chunking.variety[4]] {
                #expect(try H.run(spec: H.spec(fill, clip, scale), csv: csv, chunking: chunking) == stepwise, "\(clip) \(chunking)")
            }
        }
    }

    /// clip (action missing) → fill: the fill learns in the next pass, on the values the fences
    /// made missing too.
    @Test func clipToMissingThenFill() throws {
        let csv = keyed(["1", "2", "3", "4", "", "100"])
        let spec = H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1.5, "action": "missing"}"#, #"{"stage": "fill", "columns": ["v"], "strategy": "mean", "indicator": true}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: csv))
        #expect(out.numbers("v") == [1, 2, 3, 4, 2.5, 2.5])
        #expect(out.column("v_missing") == ["0", "0", "0", "0", "1", "1"])
    }

    /// A stage on `<col>_outlier` of fences this pass learns fits in the next pass, on the
    /// indicator's real values.
    @Test func aStageOnTheIndicatorOfLearnedFences() throws {
        let csv = keyed(["1", "2", "3", "4", "100"])
        let spec = H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1.5, "indicator": true}"#, #"{"stage": "scale", "columns": ["v_outlier"], "method": "maxabs"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(fitted.number(stage: 1, column: "v_outlier", key: "max_abs") == 1)
        #expect(SimpleTable(output).column("v_outlier") == ["0.0", "0.0", "0.0", "0.0", "1.0"])
        // By a glob starting `v_` too; a glob the deferral cannot see is refused.
        let glob = H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1.5, "indicator": true}"#, #"{"stage": "scale", "columns": ["v_*"], "method": "maxabs"}"#)
        #expect(try H.run(spec: glob, csv: csv) == output)
        let hidden = H.spec(#"{"stage": "clip", "columns": ["v"], "iqr": 1.5, "indicator": true}"#, #"{"stage": "scale", "columns": ["*_outlier"], "method": "maxabs"}"#)
        let failure = try #require(H.failure { try H.run(spec: hidden, csv: csv) })
        #expect(failure.path == "stages[1].columns")
        #expect(failure.message.contains("'v_outlier' is made by stages[0] clip from fences learned in this fit pass"), "\(failure)")
        // Fixed fences after a fill of the same column: the indicator of the filled rows is
        // known in the next pass (a filled value beyond a fence is an outlier).
        let fixed = H.spec(#"{"stage": "fill", "columns": ["v"], "strategy": "constant", "value": 50}"#,
                           #"{"stage": "clip", "columns": ["v"], "max": 10, "indicator": true}"#,
                           #"{"stage": "fill", "columns": ["v_outlier"], "strategy": "mean"}"#,
                           #"{"stage": "scale", "columns": ["v_outlier"], "method": "maxabs"}"#)
        let (fixedFitted, fixedOutput) = try H.fitAndApply(spec: fixed, csv: keyed(["1", "", "3"]))
        #expect(fixedFitted.number(stage: 3, column: "v_outlier", key: "max_abs") == 1)
        #expect(SimpleTable(fixedOutput).column("v_outlier") == ["0.0", "1.0", "0.0"])
    }
}
