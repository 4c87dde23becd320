import Foundation
import Testing

/// `bin` in-process: options and their errors, uniform edges against numpy's linspace written
/// plainly, quantile edges against a plain averaged-inverted-CDF, bins as searchsorted, onehot
/// names and missing rows, fixed edges, the fitted spec read back, and the fit at every chunking.
/// The numbers against scikit-learn itself: Tests/Conformance/cases_bin.py.
@Suite struct BinStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "bin", "columns": ["x"]}"#,
        #"{"stage": "bin", "columns": ["x"], "n_bins": 2, "strategy": "uniform", "encode": "onehot"}"#,
        #"{"stage": "bin", "columns": ["x"], "n_bins": 7, "strategy": "kmeans"}"#,
        #"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1.5, 10]}, "encode": "onehot"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "bin", "columns": ["x"], "n_bins": 1}"#, "stages[0].n_bins", "expected an integer from 2"),
            (#"{"stage": "bin", "columns": ["x"], "n_bins": 2.5}"#, "stages[0].n_bins", "expected an integer from 2"),
            (#"{"stage": "bin", "columns": ["x"], "strategy": "kmean"}"#, "stages[0].strategy", #"did you mean "kmeans""#),
            (#"{"stage": "bin", "columns": ["x"], "encode": "onehot-dense"}"#, "stages[0].encode", "onehot"),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1]}, "n_bins": 3}"#, "stages[0].n_bins", "does not apply with \"edges\""),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1]}, "strategy": "uniform"}"#, "stages[0].strategy", "does not apply"),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0]}}"#, "stages[0].edges.x", "at least two edges"),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 2, 2]}}"#, "stages[0].edges.x[2]", "strictly increasing"),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, "1"]}}"#, "stages[0].edges.x[1]", "expected a number"),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": 3}}"#, "stages[0].edges.x", "expected an array"),
        ]
        try H.expectDecodeFailures(cases)
    }

    @Test func edgesMustCoverTheStagesColumns() throws {
        let stray = try #require(H.bindFailure(spec: H.spec(#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1], "z": [0, 1]}}"#), columns: ["x", "y"]))
        #expect(stray.path == "stages[0].edges.z")
        let missing = try #require(H.bindFailure(spec: H.spec(#"{"stage": "bin", "columns": ["x", "y"], "edges": {"x": [0, 1]}}"#), columns: ["x", "y"]))
        #expect(missing.path == "stages[0].edges")
        #expect(missing.message.contains("no edges for column 'y'"), "\(missing)")
    }

    // MARK: Fit and apply

    /// The bin of x: the number of inner edges at or below it (np.searchsorted, side right).
    private static func bins(_ xs: [Double?], edges: [Double]) -> [String] {
        xs.map { x in x.map { x in "\(Double(edges.dropFirst().dropLast().filter { $0 <= x }.count))" } ?? "" }
    }

    /// Uniform edges are numpy's linspace (i·step + min, the last exactly max).
    @Test(arguments: 0..<4)
    func uniformEdgesAndBins(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(9600 + seed))
        let count = Int.random(in: 3...60, using: &rng)
        let cells = (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : "\(Double(Int.random(in: -40...40, using: &rng)) / 4)" }
        let n = Int.random(in: 2...6, using: &rng)
        let spec = H.spec(#"{"stage": "bin", "columns": ["x"], "strategy": "uniform", "n_bins": \#(n)}"#)
        let values = cells.map { Double($0) }
        let observed = values.compactMap { $0 }
        guard let low = observed.min(), let high = observed.max(), low < high else { return }
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csvText([("x", cells), ("k", cells.indices.map(String.init))]))
        let step = (high - low) / Double(n)
        let expected = (0..<n).map { Double($0) * step + low } + [high]
        #expect(fitted.numbers(stage: 0, column: "x", key: "edges") == expected)
        #expect(SimpleTable(output).column("x") == Self.bins(values, edges: expected))
    }

    /// Quantile edges: numpy's averaged_inverted_cdf percentiles of the observed values.
    @Test func quantileEdgesAreAveragedInvertedCDF() throws {
        let values: [Double] = [5, 1, 3, 3, 9, 2, 8, 7, 3, 4, 6]
        let cells = values.map { "\($0)" } + [""]
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "bin", "columns": ["x"], "n_bins": 4}"#),
                                                 csv: csvText([("x", cells), ("k", cells.indices.map(String.init))]))
        let sorted = values.sorted(), n = Double(sorted.count)
        let expected = (0...4).map { i -> Double in
            let position = n * (Double(i) * 25 / 100) - 1
            if position < 0 { return sorted[0] }
            if position >= n - 1 { return sorted[sorted.count - 1] }
            let low = Int(position.rounded(.down))
            return position == position.rounded(.down) ? (sorted[low] + sorted[low + 1]) / 2 : sorted[low + 1]
        }
        #expect(fitted.numbers(stage: 0, column: "x", key: "edges") == expected)
        #expect(SimpleTable(output).column("x") == Self.bins(cells.map { Double($0) }, edges: expected))
    }

    /// scikit-learn's test_redundant_bins: bins narrower than 1e-8 are removed; and a constant
    /// column has one bin (its edges written [v, v]).
    @Test func narrowBinsAreRemovedAndAConstantColumnHasOneBin() throws {
        let csv = "x,c\n0,4\n0,4\n0,4\n0,4\n3,4\n3,4\n"
        for strategy in ["quantile", "kmeans"] {
            let fitted = try FittedSpec(try H.fit(spec: H.spec(#"{"stage": "bin", "columns": ["x", "c"], "n_bins": 3, "strategy": "\#(strategy)"}"#), csv: csv))
            #expect(fitted.numbers(stage: 0, column: "x", key: "edges") == [0, 1.5, 3], "\(strategy)")
            #expect(fitted.numbers(stage: 0, column: "c", key: "edges") == [4, 4], "\(strategy)")
        }
        let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "bin", "columns": ["c"], "encode": "onehot"}"#), csv: csv))
        #expect(out.header == ["x", "c_0.0"])
        #expect(out.column("c_0.0") == Array(repeating: "1", count: 6))
    }

    @Test func onehotBinsReplaceTheColumn() throws {
        let spec = H.spec(#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1, 2, 3]}, "encode": "onehot"}"#)
        let out = SimpleTable(try H.apply(spec: spec, csv: "k,x,z\na,0.5,1\nb,,2\nc,9,3\nd,-1,4\n"))
        #expect(out.header == ["k", "x_0.0", "x_1.0", "x_2.0", "z"])
        #expect(out.rows == [["a", "1", "0", "0", "1"], ["b", "0", "0", "0", "2"], ["c", "0", "0", "1", "3"], ["d", "1", "0", "0", "4"]])
        // A later stage names the bins by a glob (after the edges are learned, in a second pass).
        let chained = H.spec(#"{"stage": "bin", "columns": ["x"], "n_bins": 2, "strategy": "uniform", "encode": "onehot"}"#,
                             #"{"stage": "scale", "columns": ["x_*"], "method": "maxabs"}"#)
        #expect(SimpleTable(try H.run(spec: chained, csv: "x,k\n0,1\n1,2\n4,3\n")).header == ["x_0.0", "x_1.0", "k"])
    }

    @Test func aTextValueIsARowError() throws {
        let failure = try #require(H.failure { try H.run(spec: H.spec(#"{"stage": "bin", "columns": ["x"]}"#), csv: "x,k\n1,1\nabc,2\n") })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons == ["column 'x': 'abc' is not a number (stages[0] bin)"])
        let empty = try #require(H.failure { try H.fit(spec: H.spec(#"{"stage": "bin", "columns": ["x"]}"#), csv: "x,k\n,1\n") })
        #expect(empty.exitCode == 2)
        #expect(empty.message.contains("no observed values"), "\(empty)")
        let few = try #require(H.failure { try H.fit(spec: H.spec(#"{"stage": "bin", "columns": ["x"], "strategy": "kmeans"}"#), csv: "x,k\n1,1\n2,2\n") })
        #expect(few.path == "stages[0].n_bins")
    }

    // MARK: The fitted spec

    @Test func fittedSpecRoundTrips() throws {
        let csv = "x,k\n1,a\n2,b\n3,c\n4,d\n10,e\n,f\n"
        let spec = H.spec(#"{"stage": "bin", "columns": ["x"], "n_bins": 3, "strategy": "kmeans"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        let edited = try fitted.replacing(stage: 0, column: "x", key: "edges", json: "[0, 2.5, 100]")
        #expect(SimpleTable(try H.apply(spec: edited, csv: csv)).column("x") == ["0.0", "0.0", "1.0", "1.0", "1.0", ""])
        for item: (json: String?, path: String, says: String) in [(nil, "stages[0].fitted.x.edges", "missing"), ("[1]", "stages[0].fitted.x.edges", "at least two"),
                                                                  ("[2, 1]", "stages[0].fitted.x.edges[1]", "increasing"), (#""a""#, "stages[0].fitted.x.edges", "expected an array")] {
            let text = try fitted.replacing(stage: 0, column: "x", key: "edges", json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == item.path, "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Chunking

    @Test(arguments: ["uniform", "quantile", "kmeans"])
    func fitAndOutputAreTheSameAtEveryChunking(strategy: String) throws {
        var rng = SplitMix64(seed: 9700)
        let cells = (0..<300).map { _ in Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : "\(Double(Int.random(in: 0...400, using: &rng)) / 8)" }
        let csv = csvText([("x", cells), ("k", cells.indices.map(String.init))])
        let spec = H.spec(#"{"stage": "fill", "columns": ["x"], "strategy": "mean"}"#,
                          #"{"stage": "bin", "columns": ["x"], "n_bins": 6, "strategy": "\#(strategy)", "encode": "onehot"}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        let output = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == output, "\(chunking)")
        }
    }
}
