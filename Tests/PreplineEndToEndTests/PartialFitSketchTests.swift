import Foundation
import PreplineTestSupport
import Testing

/// `"quantiles": "sketch"` (fill median, scale robust, bin quantile; clip's `"fence_quantiles"`):
/// the fitted values against numpy's and scikit-learn's exact ones on the same data, within the
/// stated error (and not simply the exact values); parts in 1, 3 and 7 partitions, any chunk
/// size and thread count, merge byte-identical to one fit; a part's size stays constant as the
/// distinct values grow; the option's errors, schema and explain.
@Suite("partial fits: quantile sketch")
struct PartialFitSketchTests {
    static let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
    static let script = E2E.packageRoot.appendingPathComponent("Tests/Conformance/sketch_reference.py").path

    /// One spec per reference group of sketch_reference.py (one stage each).
    static let specs: [(name: String, stage: String)] = [
        ("fill", #"{"stage": "fill", "columns": ["pos", "mixed", "offset", "extreme"], "strategy": "median", "quantiles": "sketch"}"#),
        ("scale", #"{"stage": "scale", "columns": ["pos", "mixed", "offset", "extreme"], "method": "robust", "quantiles": "sketch"}"#),
        ("bin", #"{"stage": "bin", "columns": ["pos", "mixed", "extreme"], "n_bins": 5, "quantiles": "sketch"}"#),
        ("clip_iqr", #"{"stage": "clip", "columns": ["pos", "mixed", "offset"], "iqr": 1.5, "fence_quantiles": "sketch"}"#),
        ("clip_quantiles", #"{"stage": "clip", "columns": ["pos", "mixed", "offset", "extreme"], "quantiles": [0.05, 0.95], "fence_quantiles": "sketch"}"#),
    ]

    static func spec(_ stages: String) -> String { #"{"prepline": 1, "stages": [\#(stages)]}"# }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// The fitted statistics of a one-stage fitted spec, keyed as the reference keys them
    /// (bin edges as edge0, edge1, …).
    static func fitted(_ spec: [String: Any]) throws -> [String: [String: Double]] {
        let stages = try #require(spec["stages"] as? [[String: Any]])
        let fitted = try #require(stages[0]["fitted"] as? [String: [String: Any]])
        return fitted.mapValues { entry in
            var out: [String: Double] = [:]
            for (key, value) in entry where key != "missing_ratio" {
                if let x = value as? Double { out[key] = x }
                if let edges = value as? [Double] { for (i, e) in edges.enumerated() { out["edge\(i)"] = e } }
            }
            return out
        }
    }

    static func makeData(_ dir: TempDir) throws -> String {
        let data = dir.file("data.csv")
        let made = try runProcess(try E2E.tool("env"), ["python3", script, "data", data], timeout: 120)
        try #require(made.status == 0, "\(made.stderr)")
        return data
    }

    @Test("sketch-fitted medians, robust center and scale, quantile bin edges and clip fences are within the stated error of numpy's and scikit-learn's, and not the exact values")
    func withinTheStatedErrorOfTheLibrary() throws {
        let dir = try TempDir("prepline-sketch-ref")
        let data = try Self.makeData(dir)
        let referenceRun = try runProcess(try E2E.tool("env"), ["python3", "-W", "ignore", Self.script, "reference", data], timeout: 120)
        try #require(referenceRun.status == 0, "\(referenceRun.stderr)")
        let reference = try #require(try Self.json(referenceRun.stdout) as? [String: [String: [String: [Double]]]])
        var compared = 0, differing = 0
        for (name, stage) in Self.specs {
            let spec = try dir.write("\(name).json", Self.spec(stage))
            let fit = try prepline(["fit", spec, data, "-q"])
            try #require(fit.status == 0, "\(name): \(fit.stderr)")
            let learned = try Self.fitted(try Self.json(fit.stdout))
            let expected = try #require(reference[name])
            for (column, statistics) in expected.sorted(by: { $0.key < $1.key }) {
                let got = try #require(learned[column], "\(name): no fitted \(column)")
                #expect(Set(got.keys) == Set(statistics.keys), "\(name) \(column): \(got) vs \(statistics)")
                for (key, pair) in statistics.sorted(by: { $0.key < $1.key }) {
                    let (exact, bound) = (pair[0], pair[1])
                    guard let sketched = got[key] else { continue }
                    compared += 1
                    if sketched != exact { differing += 1 }
                    #expect(abs(sketched - exact) <= bound, "\(name) \(column).\(key): sketch \(sketched), exact \(exact), bound \(bound)")
                    // A value of one sign on a continuous column: 0.1% of itself.
                    if ["pos", "mixed"].contains(column), key != "scale", exact != 0 {
                        #expect(abs(sketched - exact) <= 0.001 * abs(exact) * 1.01,
                                "\(name) \(column).\(key): relative error \(abs(sketched - exact) / abs(exact))")
                    }
                }
            }
        }
        #expect(compared >= 40, "\(compared) statistics compared")
        // Continuous columns: the sketch's values are its buckets', not the data's.
        #expect(differing * 2 > compared, "only \(differing) of \(compared) sketch values differ from the exact ones: is the sketch used?")

        // The near-constant column 1e10 ± 1e-3: 0.1% relative is 1e7 there, but the sketch's
        // values never leave the column's exact range, so the median is within 2e-3.
        let fill = try Self.fitted(try Self.json(try prepline(["fit", dir.file("fill.json"), data, "-q"]).stdout))
        let offset = try #require(fill["offset"]?["value"])
        #expect(abs(offset - 1e10) <= 1e-3, "\(offset)")
        // Its spread is below the sketch's resolution: the quantile edges collapse to the exact
        // minimum and maximum (one bin).
        let offsetBin = try dir.write("offset-bin.json", Self.spec(#"{"stage": "bin", "columns": ["offset"], "n_bins": 5, "quantiles": "sketch"}"#))
        let edges = try Self.fitted(try Self.json(try prepline(["fit", offsetBin, data, "-q"]).stdout))["offset"] ?? [:]
        #expect(edges.count == 2 && abs(edges["edge0"]! - 1e10) <= 1e-3 && edges["edge1"]! > edges["edge0"]!, "\(edges)")
    }

    static let mergedSpec = spec(#"""
        {"stage": "fill", "columns": ["pos"], "strategy": "median", "quantiles": "sketch"},
          {"stage": "scale", "columns": ["mixed"], "method": "robust", "quantile_range": [10, 90], "quantiles": "sketch"},
          {"stage": "clip", "columns": ["offset"], "iqr": 3, "fence_quantiles": "sketch"},
          {"stage": "scale", "columns": ["pos"], "method": "zscore"},
          {"stage": "bin", "columns": ["mixed", "extreme"], "n_bins": 7, "quantiles": "sketch"}
        """#)

    @Test("partial fits with the sketch in 1, 3 and 7 partitions, and fits at other chunk sizes and thread counts, write one fitted spec, which apply reads")
    func partitionsMergeToTheSingleFit() throws {
        let dir = try TempDir("prepline-sketch-merge")
        let data = try Self.makeData(dir)
        let spec = try dir.write("spec.json", Self.mergedSpec)
        let single = try prepline(["fit", spec, data, "-q"], environment: Self.environment)
        try #require(single.status == 0, "\(single.stderr)")
        for arguments in [["--threads", "1"], ["--threads", "3", "--chunk-size", "4K"], ["--chunk-size", "64K"]] {
            let other = try prepline(["fit", spec, data, "-q"] + arguments, environment: Self.environment)
            expectSameBytes(other.stdout, single.stdout, "fit \(arguments)")
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: data)))
        for count in [1, 3, 7] {
            let files = try PartialFitTests.partitions(bytes, count: count, header: true).enumerated().map { try dir.write("p\(count).\($0).csv", $1) }
            let (merged, rounds) = try PartialFitTests.partitionedFit(spec: spec, partitionFiles: files, dir: dir, tag: "k\(count)",
                                                                      fitArguments: ["--chunk-size", count == 3 ? "8K" : "1M"])
            #expect(rounds == 1 && merged.status == 0, "\(merged.stderr)")
            expectSameBytes(merged.stdout, single.stdout, "\(count) partitions")
        }
        // The fitted spec keeps the option; apply reads it; explain says the values are approximate.
        let fitted = try dir.write("fitted.json", single.stdout)
        let text = String(decoding: single.stdout, as: UTF8.self)
        #expect(text.contains(#""quantiles": "sketch""#) && text.contains(#""fence_quantiles": "sketch""#))
        let applied = try prepline(["apply", fitted, data, "-q"])
        let run = try prepline(["run", spec, data, "-q"])
        #expect(applied.status == 0, "\(applied.stderr)")
        expectSameBytes(applied.stdout, run.stdout, "apply of the fitted spec, run")
        let explain = try prepline(["explain", fitted])
        #expect(explain.status == 0)
        let approximate = explain.stdoutText.split(separator: "\n").filter { $0.contains("fitted:") && $0.contains("approximate: from a quantile sketch, each within 0.1%") }
        #expect(approximate.count == 4, "\(explain.stdoutText)")
    }

    /// `rows` values, all distinct, from 1000 to 2000 (about 350 sketch buckets, all occupied).
    static func distinctColumn(rows: Int) -> [UInt8] {
        var rng = SplitMix64(seed: 42)
        var order = Array(0..<rows)
        for i in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var text = "x\n"
        for i in order { text += "\(1000 + Double(i) * 1000 / Double(rows))\n" }
        return Array(text.utf8)
    }

    @Test("a part's size with the sketch does not grow from 20,000 to 200,000 distinct values; with exact value counts it does")
    func partSizeStaysConstant() throws {
        let dir = try TempDir("prepline-sketch-size")
        var sizes: [String: [Int]] = [:]
        let files = try [20_000, 200_000].map { try dir.write("\($0).csv", Self.distinctColumn(rows: $0)) }
        for quantiles in ["exact", "sketch"] {
            let spec = try dir.write("\(quantiles).json", Self.spec(#"{"stage": "fill", "columns": ["x"], "strategy": "median", "quantiles": "\#(quantiles)"}"#))
            for file in files {
                let part = try prepline(["fit", spec, file, "--partial", "-o", "-", "-q"])
                #expect(part.status == 0, "\(part.stderr)")
                sizes[quantiles, default: []].append(part.stdout.count)
            }
        }
        let sketch = sizes["sketch"]!, exact = sizes["exact"]!
        // Only the digits of the bucket counts grow (one more each at 10x the rows).
        #expect(sketch[1] < sketch[0] + sketch[0] / 4, "sketch part sizes \(sketch)")
        #expect(sketch[1] < 8_000, "sketch part sizes \(sketch)")
        #expect(exact[1] > 8 * exact[0] && exact[1] > 100 * sketch[1], "exact \(exact), sketch \(sketch)")
    }

    @Test("the option's errors: a misspelt value gets did you mean, it applies only to the quantile methods, clip names its own; schema and explain show it")
    func optionErrorsAndSchema() throws {
        let dir = try TempDir("prepline-sketch-spec")
        for (stage, message) in [
            (#"{"stage": "fill", "columns": ["x"], "strategy": "median", "quantiles": "skecth"}"#, #"did you mean "sketch""#),
            (#"{"stage": "fill", "columns": ["x"], "strategy": "mean", "quantiles": "sketch"}"#, #"stages[0].quantiles: applies to strategy "median", not "mean""#),
            (#"{"stage": "scale", "columns": ["x"], "quantiles": "sketch"}"#, #"stages[0].quantiles: applies to method "robust", not "zscore""#),
            (#"{"stage": "bin", "columns": ["x"], "strategy": "kmeans", "quantiles": "sketch"}"#, #"stages[0].quantiles: applies to strategy "quantile", not "kmeans""#),
            (#"{"stage": "bin", "columns": ["x"], "edges": {"x": [0, 1]}, "quantiles": "sketch"}"#, #"stages[0].quantiles: does not apply with "edges""#),
            (#"{"stage": "clip", "columns": ["x"], "quantiles": "sketch"}"#, #"stages[0].quantiles: expected two numbers [low, high], the fence fractions; for fences from a quantile sketch give "fence_quantiles": "sketch""#),
            (#"{"stage": "clip", "columns": ["x"], "zscore": 3, "fence_quantiles": "sketch"}"#, #"stages[0].fence_quantiles: applies to "quantiles" or "iqr" fences, not "zscore" fences"#),
            (#"{"stage": "clip", "columns": ["x"], "iqr": 1.5, "fence_quantiles": "sketchy"}"#, #"did you mean "sketch""#),
        ] {
            let spec = try dir.write("spec.json", Self.spec(stage))
            let result = try prepline(["explain", spec])
            #expect(result.status == 2 && result.stderr.contains(message), "\(stage): \(result.stderr)")
        }
        let schema = try prepline(["schema"])
        #expect(schema.stdoutText.contains("fence_quantiles") && schema.stdoutText.contains("each quantile within 0.1% relative"), "schema")
        // explain of an unfitted spec says what the stage learns is approximate, and leaves out
        // the defaults of options of another method.
        let spec = try dir.write("robust.json", Self.spec(#"{"stage": "scale", "columns": ["x"], "method": "robust", "quantiles": "sketch"}, {"stage": "scale", "columns": ["y"]}"#))
        let explain = try prepline(["explain", spec])
        #expect(explain.stdoutText.contains("learns the median and the 25.0th–75.0th percentile range (approximate: from a quantile sketch"), "\(explain.stdoutText)")
        #expect(explain.stdoutText.contains("[0] scale  method=robust quantiles=sketch\n"), "\(explain.stdoutText)")
        #expect(explain.stdoutText.contains("[1] scale  method=zscore (default)\n"), "\(explain.stdoutText)")
    }
}
