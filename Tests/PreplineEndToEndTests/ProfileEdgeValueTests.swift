import Foundation
import Testing

/// Numbers at the ends of a double's range: a column holding both -1.7e308 and 1.7e308 has a
/// range wider than a double holds. numpy's histogram refuses it ("Too many bins for data
/// range"); profile trapped converting a NaN bin position to Int. It now draws finite bins.
@Suite("profile: numbers at the ends of a double's range")
struct ProfileEdgeValueTests {
    @Test func aRangeWiderThanADoubleGetsFiniteBins() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let input = try dir.write("wide.csv", "x\n-1.7e308\n0\n1.7e308\n1e308\n")
        let result = try prepline(["profile", input, "-q", "--json", dir.file("p.json")])
        #expect(result.status == 0, "\(result)")
        let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p.json"))) as? [String: Any]
        let column = (document?["columns"] as? [[String: Any]])?.first
        let histogram = column?["histogram"] as? [String: Any]
        let edges = histogram?["edges"] as? [Double] ?? []
        let counts = histogram?["counts"] as? [Int] ?? []
        #expect(edges.count == counts.count + 1 && !counts.isEmpty, "\(String(describing: histogram))")
        #expect(edges.allSatisfy(\.isFinite) && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "\(edges)")
        #expect(edges.first == -1.7e308 && edges.last == 1.7e308, "\(edges)")
        #expect(counts.reduce(0, +) == 4 && counts.first == 1 && counts.last == 1, "\(counts)")
    }

    /// A std whose squared deviations pass a double's range was `null`, the JSON of an undefined
    /// figure, where pandas' `s.std()` gives inf: it is written "inf". Each file's std is
    /// compared with pandas' on the same file, finite ones within 1e-12. (`[1.7e308] * 3` is
    /// left out: pandas' float sum overflows its mean to inf and its std with it; profile's
    /// exact sums give mean 1.7e308 and std 0.)
    /// numpy interpolates a quantile as a + (b - a) * g: between values of opposite sign past
    /// ±8.9e307 the difference overflows and pandas' quantile is ±inf, written "inf" / "-inf"
    /// (it was null); finite quantiles of the same columns stay bit-equal to pandas'.
    @Test func anOverflowingQuantileIsInfAsInPandas() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let columns: [[String]] = [
            ["1e308", "-1e308", "1e308"], Array(repeating: "1e308", count: 8) + Array(repeating: "-1e308", count: 8),
            ["1.7e308", "-1.7e308"], ["-1.7e308", "1", "2", "1.7e308"], ["1", "2", "4", "8"],
        ]
        let levels = ["0.05", "0.25", "0.5", "0.75", "0.95"]
        var got: [String] = []
        for (index, values) in columns.enumerated() {
            let input = try dir.write("c\(index).csv", "x\n" + values.joined(separator: "\n") + "\n")
            let result = try prepline(["profile", input, "-q", "--json", dir.file("p\(index).json")])
            try #require(result.status == 0, "\(result)")
            let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p\(index).json"))) as? [String: Any]
            let quantiles = (document?["columns"] as? [[String: Any]])?.first?["quantiles"] as? [String: Any]
            for level in levels {
                switch quantiles?[level] {
                case let text as String: got.append(text)
                case let value as NSNumber: got.append(String(reflecting: value.doubleValue))
                default: got.append("missing")
                }
            }
        }
        let script = """
            import sys, warnings, pandas as pd
            warnings.simplefilter("ignore")
            for path in sys.argv[1:]:
                for v in pd.read_csv(path)["x"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]):
                    print(repr(float(v)))
            """
        let pandas = try runProcess(try E2E.tool("env"), ["python3", "-c", script] + columns.indices.map { dir.file("c\($0).csv") }, timeout: 120)
        try #require(pandas.status == 0, "\(pandas.stderr)")
        let wanted = pandas.stdoutText.split(separator: "\n").map(String.init)
        try #require(wanted.count == got.count, "\(pandas)")
        #expect(got == wanted, "prepline \(got)\npandas   \(wanted)")
        #expect(wanted.contains("inf") && wanted.contains("-inf"), "the columns overflow in pandas: \(wanted)")
    }

    @Test func anOverflowingStdIsInfAsInPandas() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let columns: [[String]] = [
            ["1e308", "-1e308", "1e308"], ["1.7e308", "-1.7e308"], ["1e154", "-1e154"], ["1.3e154", "-1.3e154", "0"],
            ["1.5e154", "-1.5e154"] + Array(repeating: "0", count: 998), Array(repeating: "1.7e308", count: 8) + Array(repeating: "-1.7e308", count: 8),
            ["9e153", "-9e153"], ["1e153", "-1e153", "5"], ["1", "2", "4"],
        ]
        var stds: [String] = []
        for (index, values) in columns.enumerated() {
            let input = try dir.write("c\(index).csv", "x\n" + values.joined(separator: "\n") + "\n")
            let result = try prepline(["profile", input, "-q", "--json", dir.file("p\(index).json"), "--html", dir.file("p\(index).html")])
            try #require(result.status == 0, "\(result)")
            let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p\(index).json"))) as? [String: Any]
            let std = (document?["columns"] as? [[String: Any]])?.first?["std"]
            stds.append(std.map { "\($0)" } ?? "missing")
            if std as? String == "inf" {
                #expect(String(decoding: try dir.read("p\(index).html"), as: UTF8.self).contains("<dt>std</dt><dd>inf</dd>"), "the page shows it")
            }
        }
        let script = """
            import sys, warnings, pandas as pd
            warnings.simplefilter("ignore")
            for path in sys.argv[1:]:
                print(repr(float(pd.read_csv(path)["x"].std())))
            """
        let files = columns.indices.map { dir.file("c\($0).csv") }
        let pandas = try runProcess(try E2E.tool("env"), ["python3", "-c", script] + files, timeout: 120)
        try #require(pandas.status == 0, "\(pandas.stderr)")
        let wanted = pandas.stdoutText.split(separator: "\n").map(String.init)
        try #require(wanted.count == columns.count, "\(pandas)")
        for (index, (got, want)) in zip(stds, wanted).enumerated() {
            if want == "inf" {
                #expect(got == "inf", "\(columns[index].prefix(3)): prepline \(got), pandas inf")
            } else {
                let expected = try #require(Double(want)), actual = Double(got)
                #expect(actual.map { abs($0 - expected) <= 1e-12 * abs(expected) } == true, "\(columns[index].prefix(3)): prepline \(got), pandas \(want)")
            }
        }
        #expect(wanted.filter { $0 == "inf" }.count == 6, "the first six overflow in pandas: \(wanted)")
    }
}
