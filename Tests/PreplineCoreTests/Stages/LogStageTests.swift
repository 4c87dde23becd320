import Foundation
import Testing

/// `log` in-process: options and their errors, each method's values (the C library's
/// functions, which numpy's float64 loops call; numpy itself is compared in the conformance),
/// the domain errors per row, missing values, and how it chains after a fill and before a
/// scaler in the fit passes.
@Suite struct LogStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "log", "columns": ["a"]}"#,
        #"{"stage": "log", "columns": ["a", "b*"], "method": "log10"}"#,
        #"{"stage": "log", "columns": ["a"], "method": "sqrt"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "log", "columns": ["a"], "method": "log3"}"#, "stages[0].method", #"did you mean "log""#),
            (#"{"stage": "log", "columns": ["a"], "method": "ln"}"#, "stages[0].method", "expected one of"),
            (#"{"stage": "log", "columns": ["a"], "base": 2}"#, "stages[0].base", "unknown key"),
            (#"{"stage": "log", "columns": ["a"], "fitted": {}}"#, "stages[0].fitted", "unknown key"),
            (#"{"stage": "log"}"#, "stages[0].columns", "missing"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Values

    @Test func eachMethodIsTheCFunction() throws {
        let x = ["0", "0.5", "", "1", "2.718281828459045", "1e300", "1e-300", "123.456"]
        // log1p and sqrt take 0; the logs do not (below).
        for (method, function) in [("log1p", Foundation.log1p), ("sqrt", Foundation.sqrt)] as [(String, (Double) -> Double)] {
            let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "log", "columns": ["v"], "method": "\#(method)"}"#), csv: keyed(x)))
            #expect(out.numbers("v") == x.map { $0.isEmpty ? nil : function(Double($0)!) }, "\(method)")
        }
        let positive = Array(x.dropFirst())
        for (method, function) in [("log", Foundation.log), ("log2", Foundation.log2), ("log10", Foundation.log10)] as [(String, (Double) -> Double)] {
            let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "log", "columns": ["v"], "method": "\#(method)"}"#), csv: keyed(positive)))
            #expect(out.numbers("v") == positive.map { $0.isEmpty ? nil : function(Double($0)!) }, "\(method)")
        }
    }

    /// A value outside the domain fails its row, naming the column, the value and the stage;
    /// the domain's edge values are accepted (log1p of -0.5, sqrt of 0, -0).
    @Test(arguments: [
        ("log1p", ["-1", "-3"], ["-0.5", "0"]),
        ("log", ["0", "-2"], ["1e-300", "5"]),
        ("log2", ["-0", "-1e-300"], ["0.25"]),
        ("log10", ["0", "-10"], ["1000"]),
        ("sqrt", ["-1e-300", "-4"], ["0", "-0", "4"]),
    ])
    func valuesOutsideTheDomainFailTheirRow(method: String, outside: [String], inside: [String]) throws {
        let spec = H.spec(#"{"stage": "log", "columns": ["v"], "method": "\#(method)"}"#)
        _ = try H.run(spec: spec, csv: keyed(inside))
        let failure = try #require(H.failure { try H.run(spec: spec, csv: keyed(["1"] + outside)) })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons.count == outside.count, "\(failure.rowReasons)")
        for (reason, value) in zip(failure.rowReasons, outside) {
            #expect(reason.hasPrefix("column 'v': \(formatPython(Double(value)!)) is outside the domain of \(method)"), "\(reason)")
            #expect(reason.hasSuffix("(stages[0] log)"), "\(reason)")
        }
        // Under skip the rows are dropped.
        let skipped = SimpleTable(try H.run(spec: H.spec(#"{"stage": "log", "columns": ["v"], "method": "\#(method)"}"#, extra: #""output": {"on_error": "skip"}"#),
                                            csv: keyed(["1"] + outside)))
        #expect(skipped.rows.count == 1)
    }

    @Test func nothingIsLearnedAndMissingStaysMissing() throws {
        let spec = H.spec(#"{"stage": "log", "columns": ["v"]}"#)
        let fitted = try FittedSpec(try H.fit(spec: spec, csv: "v\n1\n\n"))
        #expect(!fitted.hasFittedBlock(stage: 0))
        #expect(SimpleTable(try H.apply(spec: spec, csv: "v,w\n,x\n3,y\n")).column("v") == ["", "\(Foundation.log1p(3.0))"])
    }

    // MARK: Chains and fit passes

    /// fill → log → scale: the fill's placeholders are not final where log runs in the first
    /// pass, so the scaler fits in the next pass, on the logged filled values. Equal to running
    /// the stages one after another, at every chunking.
    @Test func fillThenLogThenScaleFitsTheScalerOnLoggedValues() throws {
        var rng = SplitMix64(seed: 9300)
        let x = (0..<120).map { _ in Double.random(in: 0..<1, using: &rng) < 0.2 ? "" : formatShortest(Double(Int.random(in: 0...4000, using: &rng)) / 8) }
        let csv = keyed(x)
        let fill = #"{"stage": "fill", "columns": ["v"], "strategy": "mean"}"#, log = #"{"stage": "log", "columns": ["v"]}"#
        let scale = #"{"stage": "scale", "columns": ["v"]}"#
        let stepwise = try H.run(spec: H.spec(scale), csv: try H.run(spec: H.spec(fill, log), csv: csv))
        for chunking in [Chunking.standard] + Chunking.variety {
            #expect(try H.run(spec: H.spec(fill, log, scale), csv: csv, chunking: chunking) == stepwise, "\(chunking)")
        }
        // log first: the scaler fits in the same pass, on the logged values.
        let logFirst = try H.run(spec: H.spec(scale), csv: try H.run(spec: H.spec(log), csv: csv))
        #expect(try H.run(spec: H.spec(log, scale), csv: csv) == logFirst)
    }

    /// A fill value outside the domain fails the rows it fills (the fill runs before the log).
    @Test func aFillValueOutsideTheDomainFailsItsRows() throws {
        let spec = H.spec(#"{"stage": "fill", "columns": ["v"], "strategy": "constant", "value": -5}"#, #"{"stage": "log", "columns": ["v"]}"#)
        let failure = try #require(H.failure { try H.run(spec: spec, csv: keyed(["1", "", "2"])) })
        #expect(failure.rowReasons == ["column 'v': -5.0 is outside the domain of log1p (a number greater than -1) (stages[1] log)"])
    }
}

/// Python's `repr` of a double, as prepline writes it in messages (`-1.0`, `1e-300`): Swift's
/// description agrees on the values these tests use.
func formatPython(_ x: Double) -> String { "\(x)" }

/// A CSV of column `v` with a key column `k` (a one-column CSV's empty field would be a blank
/// line, which the reader skips).
func keyed(_ v: [String]) -> String { csvText([("v", v), ("k", v.indices.map(String.init))]) }
