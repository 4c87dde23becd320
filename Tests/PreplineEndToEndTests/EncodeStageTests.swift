import PreplineTestSupport
import Foundation
import Testing

/// `ordinal` and `bin` through the binary: a text label made usable for svmlight output.
@Suite("ordinal and bin end to end")
struct EncodeStageTests {
    /// A text label failed every row of svmlight output ("'cat' is not a number"); encoded by
    /// `ordinal`, scikit-learn's reader reads back OrdinalEncoder's codes as the labels, and the
    /// binned feature as KBinsDiscretizer's onehot block.
    @Test("svmlight with a text label encoded by ordinal reads back as OrdinalEncoder's codes")
    func textLabelForSVMLight() throws {
        let tmp = try TempDir("prepline-ordinal-svmlight")
        var rng = SplitMix64(seed: 15)
        var text = "x,species\n"
        for _ in 0..<200 { text += "\(Double(rng.next() % 1000) / 10),\(["cat", "dog", "élan", "Zebu"][Int(rng.next() % 4)])\n" }
        _ = try tmp.write("in.csv", text)
        _ = try tmp.write("raw.json", #"{"prepline": 1, "output": {"format": "svmlight", "label": "species"}}"#)
        _ = try tmp.write("svm.json", #"""
            {"prepline": 1, "stages": [{"stage": "ordinal", "columns": ["species"]},
                                       {"stage": "bin", "columns": ["x"], "n_bins": 3, "strategy": "kmeans", "encode": "onehot"}],
             "output": {"format": "svmlight", "label": "species"}}
            """#)
        let raw = try prepline(["run", "raw.json", "in.csv", "-o", "raw.svm", "-q"], cwd: tmp.path)
        #expect(raw.status == 1 && raw.stderr.contains("'cat' is not a number"), "\(raw)")
        let fit = try prepline(["fit", "svm.json", "in.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        let svm = try prepline(["apply", "fitted.json", "in.csv", "-o", "out.svm", "-q"], cwd: tmp.path)
        #expect(fit.status == 0 && svm.status == 0, "\(fit) \(svm)")
        let script = """
            import numpy as np, pandas as pd
            from sklearn.datasets import load_svmlight_file
            from sklearn.preprocessing import KBinsDiscretizer, OrdinalEncoder
            table = pd.read_csv("in.csv", dtype={"species": object})
            codes = OrdinalEncoder().fit_transform(table[["species"]])[:, 0]
            bins = KBinsDiscretizer(n_bins=3, strategy="kmeans", encode="onehot-dense", subsample=None).fit_transform(table[["x"]])
            X, y = load_svmlight_file("out.svm", n_features=bins.shape[1])
            ok = np.array_equal(y, codes) and np.array_equal(X.toarray(), bins)
            print("equal" if ok else f"different: {y[:5]} vs {codes[:5]}")
            """
        let env = try E2E.tool("env")
        let result = try runProcess(env, ["python3", "-c", script], cwd: tmp.path, timeout: 120)
        #expect(result.status == 0 && result.stdoutText == "equal\n", "\(result)")
    }
}
