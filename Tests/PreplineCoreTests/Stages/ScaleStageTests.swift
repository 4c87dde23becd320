import Foundation
import Testing

/// `scale` in-process: options and their errors (another method's option, bad ranges),
/// binding, what each method learns against numpy's definitions, how apply maps values, the
/// fitted spec read back, and the fitted statistics at every chunk size and thread count.
@Suite struct ScaleStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "scale", "columns": ["a"]}"#,
        #"{"stage": "scale", "columns": ["a"], "method": "zscore", "with_mean": false, "with_std": true}"#,
        #"{"stage": "scale", "columns": ["a"], "method": "minmax", "range": [-1, 1], "clip": true}"#,
        #"{"stage": "scale", "columns": ["a"], "method": "robust", "quantile_range": [10, 90], "with_centering": false}"#,
        #"{"stage": "scale", "columns": ["a"], "method": "robust", "quantile_range": [0, 100], "with_scaling": false}"#,
        #"{"stage": "scale", "columns": ["a"], "method": "maxabs"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "scale", "columns": ["a"], "methd": "zscore"}"#, "stages[0].methd", #"did you mean "method""#),
            (#"{"stage": "scale", "columns": ["a"], "method": "zscor"}"#, "stages[0].method", #"did you mean "zscore""#),
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "clip": 1}"#, "stages[0].clip", "expected true or false"),
            (#"{"stage": "scale", "columns": ["a"], "with_mean": "no"}"#, "stages[0].with_mean", "expected true or false"),
            // An option of another method.
            (#"{"stage": "scale", "columns": ["a"], "range": [0, 2]}"#, "stages[0].range", #"applies to method "minmax", not "zscore""#),
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "with_mean": false}"#, "stages[0].with_mean", #"applies to method "zscore", not "minmax""#),
            (#"{"stage": "scale", "columns": ["a"], "method": "zscore", "with_centering": false}"#, "stages[0].with_centering", #"applies to method "robust""#),
            (#"{"stage": "scale", "columns": ["a"], "method": "maxabs", "quantile_range": [25, 75]}"#, "stages[0].quantile_range", #"applies to method "robust""#),
            // Bad ranges.
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "range": [1, 0]}"#, "stages[0].range", "expected low < high"),
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "range": [1, 1]}"#, "stages[0].range", "expected low < high"),
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "range": [0]}"#, "stages[0].range", "expected two numbers"),
            (#"{"stage": "scale", "columns": ["a"], "method": "minmax", "range": [0, "1"]}"#, "stages[0].range", "expected two numbers"),
            (#"{"stage": "scale", "columns": ["a"], "method": "robust", "quantile_range": [10, 120]}"#, "stages[0].quantile_range", "expected values from 0.0 to 100.0"),
            (#"{"stage": "scale", "columns": ["a"], "method": "robust", "quantile_range": [-1, 50]}"#, "stages[0].quantile_range", "expected values from 0.0 to 100.0"),
            (#"{"stage": "scale", "columns": ["a"], "method": "robust", "quantile_range": [75, 25]}"#, "stages[0].quantile_range", "expected low < high"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Binding

    @Test func globsAndUnknownColumns() throws {
        let bound = try H.bind(spec: H.spec(#"{"stage": "scale", "columns": ["m?", "price[usd]"]}"#), columns: ["m1", "mm", "m10", "price[usd]", "m2"])
        #expect(bound == [["m1", "mm", "m2", "price[usd]"]], "an exact name beats a glob reading; ? is one character")
        let failure = try #require(H.bindFailure(spec: H.spec(#"{"stage": "scale", "columns": ["heigth"]}"#), columns: ["height", "weight"]))
        #expect(failure.path == "stages[0].columns[0]")
        #expect(failure.message.contains(#"unknown column 'heigth' (did you mean "height"?)"#), "\(failure)")
    }

    @Test func aColumnExpandedByOneHotCannotBeScaled() throws {
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"]}"#, #"{"stage": "scale", "columns": ["c"]}"#)
        let failure = try #require(H.bindFailure(spec: spec, columns: ["c", "x"]))
        #expect(failure.path == "stages[1].columns[0]")
        #expect(failure.message.contains("expanded by stages[0] onehot"), "\(failure)")
    }

    // MARK: Fit and apply

    /// Each method's learned values against numpy on multiples of 1/4 (where the naive
    /// formulas are exact), and every output value through scikit-learn's formula with them.
    @Test(arguments: 0..<4)
    func methodsMatchTheReference(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(8100 + seed))
        let count = Int.random(in: 4...150, using: &rng)
        var x = quarterCells(count: count, limit: 100, missing: 0.2, using: &rng)
        x[0] = "0.25"; x[1] = "-2" // two distinct observed values
        let csv = csvText([("z", x), ("m", x), ("r", x), ("a", x)])
        let spec = H.spec(#"{"stage": "scale", "columns": ["z"]}"#,
                          #"{"stage": "scale", "columns": ["m"], "method": "minmax", "range": [-1, 3]}"#,
                          #"{"stage": "scale", "columns": ["r"], "method": "robust", "quantile_range": [20, 90]}"#,
                          #"{"stage": "scale", "columns": ["a"], "method": "maxabs"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        let values = observedNumbers(x)
        let out = SimpleTable(output)

        // zscore: numpy's mean and var (ddof 0); scale is the square root.
        let mean = StageReference.mean(values), variance = StageReference.populationVariance(quarters: values)
        #expect(fitted.number(stage: 0, column: "z", key: "mean") == mean)
        #expect(fitted.number(stage: 0, column: "z", key: "var") == variance)
        #expect(fitted.number(stage: 0, column: "z", key: "scale") == variance.squareRoot())
        #expect(out.numbers("z") == x.map { $0.isEmpty ? nil : (Double($0)! - mean) / variance.squareRoot() })

        // minmax: scikit-learn's scale_ = (high - low) / (max - min), min_ = low - min * scale_.
        let low = values.min()!, high = values.max()!
        let scale = 4 / (high - low), offset = -1 - low * scale
        #expect(fitted.number(stage: 1, column: "m", key: "data_min") == low)
        #expect(fitted.number(stage: 1, column: "m", key: "data_max") == high)
        #expect(fitted.number(stage: 1, column: "m", key: "scale") == scale)
        #expect(fitted.number(stage: 1, column: "m", key: "min") == offset)
        #expect(out.numbers("m") == x.map { $0.isEmpty ? nil : Double($0)! * scale + offset })

        // robust: the median, and the 20th–90th percentile range (numpy's linear method).
        let median = StageReference.median(values), spread = StageReference.percentile(values, 90) - StageReference.percentile(values, 20)
        #expect(fitted.number(stage: 2, column: "r", key: "center") == median)
        #expect(fitted.number(stage: 2, column: "r", key: "scale") == spread)
        #expect(out.numbers("r") == x.map { $0.isEmpty ? nil : (Double($0)! - median) / spread })

        // maxabs.
        let maxAbs = values.map(abs).max()!
        #expect(fitted.number(stage: 3, column: "a", key: "max_abs") == maxAbs)
        #expect(fitted.number(stage: 3, column: "a", key: "scale") == maxAbs)
        #expect(out.numbers("a") == x.map { $0.isEmpty ? nil : Double($0)! / maxAbs })
    }

    @Test func centeringAndScalingCanBeTurnedOff() throws {
        let x = ["1", "2", "", "5", "8"]
        let values = observedNumbers(x)
        let spec = H.spec(#"{"stage": "scale", "columns": ["p"], "with_mean": false}"#,
                          #"{"stage": "scale", "columns": ["q"], "method": "robust", "with_scaling": false}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: csvText([("p", x), ("q", x)])))
        let std = StageReference.populationVariance(quarters: values).squareRoot()
        #expect(out.numbers("p") == x.map { $0.isEmpty ? nil : Double($0)! / std })
        #expect(out.numbers("q") == x.map { $0.isEmpty ? nil : Double($0)! - StageReference.median(values) })
    }

    /// scikit-learn's zero-variance rule: a constant column is scaled by 1 (zscore, maxabs of 0,
    /// robust) or maps to the range's low end (minmax).
    @Test func aConstantColumnKeepsScaleOne() throws {
        let x = ["3", "3", "", "3"]
        let spec = H.spec(#"{"stage": "scale", "columns": ["z"]}"#, #"{"stage": "scale", "columns": ["m"], "method": "minmax"}"#,
                          #"{"stage": "scale", "columns": ["r"], "method": "robust"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csvText([("z", x), ("m", x), ("r", x)]))
        #expect(fitted.number(stage: 0, column: "z", key: "scale") == 1)
        #expect(fitted.number(stage: 1, column: "m", key: "scale") == 1)
        #expect(fitted.number(stage: 2, column: "r", key: "scale") == 1)
        let out = SimpleTable(output)
        for column in ["z", "m", "r"] { #expect(out.numbers(column) == [0, 0, nil, 0], "\(column)") }
    }

    @Test func aColumnWithNothingObservedStaysMissing() throws {
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "scale", "columns": ["e"]}"#), csv: "e,k\n,1\n,2\n")
        #expect(fitted.isNull(stage: 0, column: "e", key: "mean"))
        #expect(fitted.isNull(stage: 0, column: "e", key: "scale"))
        #expect(SimpleTable(output).column("e") == ["", ""])
    }

    /// clip bounds values outside the fitted data's range to the target range.
    @Test func minmaxClipsNewData() throws {
        let spec = H.spec(#"{"stage": "scale", "columns": ["v"], "method": "minmax", "range": [0, 10], "clip": true}"#)
        let (_, output) = try H.fitAndApply(spec: spec, csv: "v\n2\n4\n", applyTo: "v\n-5\n3\n100\n")
        #expect(SimpleTable(output).numbers("v") == [0, 5, 10])
        let unclipped = try H.fitAndApply(spec: H.spec(#"{"stage": "scale", "columns": ["v"], "method": "minmax", "range": [0, 10]}"#),
                                          csv: "v\n2\n4\n", applyTo: "v\n-5\n3\n100\n")
        #expect(SimpleTable(unclipped.output).numbers("v") == [-35, 5, 490])
    }

    @Test func aNonNumberFailsItsRow() throws {
        let failure = try #require(H.failure { try H.run(spec: H.spec(#"{"stage": "scale", "columns": ["v"]}"#), csv: "v\n1\nx1\n2\n") })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons == ["column 'v': 'x1' is not a number (stages[0] scale)"])
        // Under skip the row is left out of the statistics too.
        let skipped = try H.fitAndApply(spec: H.spec(#"{"stage": "scale", "columns": ["v"]}"#, extra: #""output": {"on_error": "skip"}"#),
                                        csv: "v\n1\nx1\n2\n", applyTo: "v\n1\n2\n")
        #expect(skipped.fitted.number(stage: 0, column: "v", key: "mean") == 1.5)
    }

    // MARK: The fitted spec

    /// apply with the fitted spec gives run's output; each value apply uses is read back
    /// (changing it changes the output as the formula says); the informational ones are checked.
    @Test func fittedSpecRoundTrips() throws {
        let csv = "z,m,r,a\n1,1,1,1\n2,4,2,-8\n,,,\n4,9,7,2\n"
        let spec = H.spec(#"{"stage": "scale", "columns": ["z"]}"#, #"{"stage": "scale", "columns": ["m"], "method": "minmax"}"#,
                          #"{"stage": "scale", "columns": ["r"], "method": "robust"}"#, #"{"stage": "scale", "columns": ["a"], "method": "maxabs"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))

        var edited = fitted
        for (stage, column, key, value) in [(0, "z", "mean", "10"), (0, "z", "scale", "2"), (1, "m", "scale", "3"), (1, "m", "min", "100"),
                                            (2, "r", "center", "-1"), (2, "r", "scale", "4"), (3, "a", "scale", "0.5")] {
            edited = try FittedSpec(try edited.replacing(stage: stage, column: column, key: key, json: value))
        }
        let out = SimpleTable(try H.apply(spec: edited.text, csv: csv))
        #expect(out.numbers("z") == [-4.5, -4, nil, -3])
        #expect(out.numbers("m") == [103, 112, nil, 127])
        #expect(out.numbers("r") == [0.5, 0.75, nil, 2])
        #expect(out.numbers("a") == [2, -16, nil, 4])

        let bad: [(stage: Int, column: String, key: String, json: String?, says: String)] = [
            (0, "z", "mean", nil, "missing"),
            (0, "z", "scale", #""1""#, "expected a number"),
            (0, "z", "var", #""x""#, "expected a number"),
            (1, "m", "data_min", "true", "expected a number"),
            (1, "m", "min", nil, "missing"),
            (2, "r", "center", nil, "missing"),
            (3, "a", "max_abs", "[]", "expected a number"),
            (3, "a", "mean", "1", "unknown key"),
        ]
        for item in bad {
            let text = try fitted.replacing(stage: item.stage, column: item.column, key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == "stages[\(item.stage)].fitted.\(item.column).\(item.key)", "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    @Test func aFittedBlockMustCoverEveryBoundColumn() throws {
        let spec = H.spec(#"{"stage": "scale", "columns": ["x*"], "method": "maxabs", "fitted": {"x1": {"scale": 2}}}"#)
        let failure = try #require(H.failure { try H.apply(spec: spec, csv: "x1,x2\n1,2\n") })
        #expect(failure.path == "stages[0].fitted")
        #expect(failure.message.contains("no learned parameters for column 'x2'"), "\(failure)")
        #expect(SimpleTable(try H.apply(spec: spec, csv: "x1,y\n1,2\n")).numbers("x1") == [0.5])
    }

    // MARK: Chunking

    /// Every method's fitted values are byte-identical at every chunk size and thread count, on
    /// arbitrary doubles (where sums round) with missing values.
    @Test func fittedSpecIsTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 8200)
        let x = arbitraryCells(count: 400, missing: 0.15, using: &rng)
        let csv = csvText([("z", x), ("m", x), ("r", x), ("a", x)])
        let spec = H.spec(#"{"stage": "scale", "columns": ["z"]}"#, #"{"stage": "scale", "columns": ["m"], "method": "minmax"}"#,
                          #"{"stage": "scale", "columns": ["r"], "method": "robust", "quantile_range": [5, 63]}"#,
                          #"{"stage": "scale", "columns": ["a"], "method": "maxabs"}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
    }
}
