import PreplineTestSupport
import Foundation
import Testing

/// The fit is a pure function of the input: `ffill` (whose fit-time values depend on the chunks
/// before) together with rows that a later stage leaves out (`on_error: skip`) gives the same
/// fitted spec at every thread count and chunk size, run after run, and pandas' + scikit-learn's
/// numbers. (Before the fit state was a value, ffill posted its carry to the other chunks while a
/// chunk could still be re-observed without a rejected row, so fitted values could depend on timing.)
@Suite("fit purity: ffill with skipped rows", .serialized)
struct FitPurityTests {
    /// Long missing runs in `grp` and `y` cross many chunk boundaries at small chunk sizes; `x`
    /// holds words that are not numbers, so the zscore stage on `x` rejects their rows.
    static func data(rows: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        var text = "id,grp,x,y\n"
        var grpRun = 0, yRun = 0
        for i in 0..<rows {
            if grpRun == 0 && rng.next() % 40 == 0 { grpRun = Int(rng.next() % 300) }
            if yRun == 0 && rng.next() % 30 == 0 { yRun = Int(rng.next() % 400) }
            // The data starts with a missing run of y: nothing to carry, the mean fill takes it.
            let grp = grpRun > 0 || i < 5 ? "NA" : ["north", "south", "east", "west"][Int(rng.next() % 4)]
            let y = yRun > 0 || i < 120 ? "" : String(1e9 + Double(rng.next() % 1000) / 8)
            let x = rng.next() % 97 == 0 ? "oops" : String(Double(rng.next() % 100_000) / 100)
            grpRun = max(0, grpRun - 1)
            yRun = max(0, yRun - 1)
            text += "\(i),\(grp),\(x),\(y)\n"
        }
        return text
    }

    static let spec = """
        {"prepline": 1, "output": {"on_error": "skip"}, "stages": [
          {"stage": "fill", "columns": ["grp", "y"], "strategy": "ffill"},
          {"stage": "fill", "columns": ["y"], "strategy": "mean"},
          {"stage": "scale", "columns": ["x", "y"]},
          {"stage": "onehot", "columns": ["grp"]},
          {"stage": "scale", "columns": ["grp_*"], "method": "minmax"}
        ]}
        """

    /// A second pass (scale on grp_*) in which the ffill learned in the first runs with its
    /// live carry, and a zscore of the ffilled column fits in that pass too.
    static let twoPassSpec = """
        {"prepline": 1, "output": {"on_error": "skip"}, "stages": [
          {"stage": "fill", "columns": ["grp", "y"], "strategy": "ffill", "value": 0},
          {"stage": "scale", "columns": ["x"]},
          {"stage": "onehot", "columns": ["grp"]},
          {"stage": "scale", "columns": ["grp_*", "y"]}
        ]}
        """

    @Test("a later pass with ffill learned before: one fitted spec and one output everywhere")
    func sameTwoPassFitEverywhere() throws {
        let dir = try TempDir("prepline-fit-purity-2")
        let input = try dir.write("data.csv", Self.data(rows: 4000, seed: 11))
        let spec = try dir.write("spec.json", Self.twoPassSpec)
        var reference: [UInt8]?
        var output: [UInt8]?
        for threads in [1, 2, 4] {
            for chunk in ["97", "2K", "1M"] {
                for _ in 0..<2 {
                    let fit = try prepline(["fit", spec, input, "--threads", String(threads), "--chunk-size", chunk, "-q"])
                    try #require(fit.status == 0, "fit failed at --threads \(threads) --chunk-size \(chunk): \(fit.stderr)")
                    let run = try prepline(["run", spec, input, "--threads", String(threads), "--chunk-size", chunk, "-q"])
                    try #require(run.status == 0, "run failed: \(run.stderr)")
                    if let reference, let output {
                        #expect(fit.stdout == reference, "the fitted spec differs at --threads \(threads) --chunk-size \(chunk)")
                        #expect(run.stdout == output, "run's output differs at --threads \(threads) --chunk-size \(chunk)")
                    } else {
                        (reference, output) = (fit.stdout, run.stdout)
                    }
                }
            }
        }
        // apply of the fitted spec writes what run wrote.
        let fitted = try dir.write("fitted.json", reference!)
        let applied = try prepline(["apply", fitted, input, "-q"])
        #expect(applied.status == 0 && applied.stdout == output, "apply differs from run: \(applied.stderr)")
    }

    @Test("one fitted spec at threads 1-4, chunk sizes 97 B to 1 MiB, three runs each")
    func sameFitEverywhere() throws {
        let dir = try TempDir("prepline-fit-purity")
        let input = try dir.write("data.csv", Self.data(rows: 6000, seed: 7))
        let spec = try dir.write("spec.json", Self.spec)
        var reference: [UInt8]?
        for threads in 1...4 {
            for chunk in ["97", "1K", "5K", "64K", "1M"] {
                for _ in 0..<3 {
                    let result = try prepline(["fit", spec, input, "--threads", String(threads), "--chunk-size", chunk, "-q"])
                    try #require(result.status == 0, "fit failed at --threads \(threads) --chunk-size \(chunk): \(result.stderr)")
                    if let reference {
                        #expect(result.stdout == reference, "the fitted spec differs at --threads \(threads) --chunk-size \(chunk)")
                    } else {
                        reference = result.stdout
                    }
                }
            }
        }
        // And it is pandas' ffill and scikit-learn's scalers on the rows that remain.
        let fitted = try dir.write("fitted.json", reference!)
        let env = try E2E.tool("env")
        let check = try runProcess(env, ["python3", "-c", Self.pandasCheck, input, fitted], timeout: 120)
        #expect(check.status == 0, "pandas/scikit-learn disagree: \(check.stdoutText)\(check.stderr)")
    }

    /// Drops the rows whose `x` is not a number, then: ffill, mean fill, StandardScaler,
    /// OneHotEncoder, MinMaxScaler, and compares every fitted value (1e-13 relative).
    static let pandasCheck = """
        import json, sys
        import numpy as np, pandas as pd
        from sklearn.preprocessing import StandardScaler, OneHotEncoder, MinMaxScaler
        data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, na_values=["", "NA"])
        fitted = json.load(open(sys.argv[2]))["stages"]
        data = data[pd.to_numeric(data["x"], errors="coerce").notna() | data["x"].isna()].copy()
        data[["grp", "y"]] = data[["grp", "y"]].ffill()
        data["y"] = data["y"].astype(float)
        mean_y = data["y"].mean()
        data["y"] = data["y"].fillna(mean_y)
        data["x"] = data["x"].astype(float)
        bad = []
        def close(name, got, want):
            if not (abs(got - want) <= 1e-13 * max(abs(want), 1e-300) or got == want):
                bad.append(f"{name}: prepline {got!r}, reference {want!r}")
        close("fill y", fitted[1]["fitted"]["y"]["value"], mean_y)
        scaler = StandardScaler().fit(data[["x", "y"]])
        for i, col in enumerate(["x", "y"]):
            close(f"{col} mean", fitted[2]["fitted"][col]["mean"], scaler.mean_[i])
            close(f"{col} var", fitted[2]["fitted"][col]["var"], scaler.var_[i])
        enc = OneHotEncoder(sparse_output=False).fit(data[["grp"]].fillna(np.nan))
        cats = ["nan" if isinstance(c, float) else c for c in enc.categories_[0]]
        got = [c if c is not None else "nan" for c in fitted[3]["fitted"]["grp"]["categories"]]
        if got != cats: bad.append(f"categories: prepline {got}, reference {cats}")
        hot = enc.transform(data[["grp"]].fillna(np.nan))
        mm = MinMaxScaler().fit(hot)
        for j, name in enumerate(enc.get_feature_names_out(["grp"])):
            close(f"{name} min", fitted[4]["fitted"][name]["min"], mm.min_[j])
            close(f"{name} scale", fitted[4]["fitted"][name]["scale"], mm.scale_[j])
        print("\\n".join(bad)); sys.exit(1 if bad else 0)
        """
}
