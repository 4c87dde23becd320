import PreplineTestSupport
import Foundation
import Testing

/// svmlight output of a `tfidf` with `hash_features`: the hashed block is `hash_features`
/// features at the column's place, equal to scikit-learn's dump of the same matrix.
@Suite("hashed tfidf svmlight output")
struct HashedTfidfSVMLightTests {
    /// The data: a label, a number before the text, the text (some missing, some with
    /// invalid-free Unicode), a number after it, so the block's indexes must be offset by the
    /// features before it and the one after it by the block's whole width.
    private static func input() -> String {
        var rng = SplitMix64(seed: 2015)
        let words = ["good", "bad", "café", "slow", "fast", "42", "Été", "naïve", "x_y", "ok"]
        var text = "id,x,review,z\n"
        for i in 0..<400 {
            let x = rng.next() % 7 == 0 ? "0" : String(Double(rng.next() % 1000) / 8)
            let review = rng.next() % 11 == 0 ? "" : (0..<Int(rng.next() % 9)).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            text += "\(i % 3),\(x),\(review),\(Int(rng.next() % 5) - 2)\n"
        }
        return text
    }

    /// scikit-learn's HashingVectorizer + TfidfTransformer with the other columns around it,
    /// written by `dump_svmlight_file` (features from 1, as prepline numbers them), then both
    /// files read back by `load_svmlight_file` and compared within 1e-12 relative.
    private static let reference = """
        import sys, numpy as np, pandas as pd, scipy.sparse as sp
        from sklearn.datasets import dump_svmlight_file, load_svmlight_file
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        n, sublinear, norm = int(sys.argv[1]), sys.argv[2] == "true", sys.argv[3]
        table = pd.read_csv("in.csv", keep_default_na=False, dtype={"review": str})
        counts = HashingVectorizer(n_features=n, alternate_sign=False, norm=None).transform(table["review"])
        tfidf = TfidfTransformer(sublinear_tf=sublinear, norm=None if norm == "none" else norm).fit_transform(counts)
        X = sp.hstack([sp.csr_matrix(table[["x"]].to_numpy(float)), tfidf, sp.csr_matrix(table[["z"]].to_numpy(float))]).tocsr()
        dump_svmlight_file(X, table["id"].to_numpy(float), "ref.svm", zero_based=False)
        X_ref, y_ref = load_svmlight_file("ref.svm", n_features=n + 2, zero_based=False)
        X_out, y_out = load_svmlight_file(sys.argv[4], n_features=n + 2, zero_based=False)
        X_ref.sort_indices(); X_out.sort_indices()
        same_shape = np.array_equal(X_ref.indptr, X_out.indptr) and np.array_equal(X_ref.indices, X_out.indices)
        close = same_shape and np.allclose(X_out.data, X_ref.data, rtol=1e-12, atol=0)
        ok = close and np.array_equal(y_ref, y_out) and X_ref.nnz > 400
        print("equal" if ok else f"different: nnz {X_out.nnz} vs {X_ref.nnz}, same shape {same_shape}")
        """

    @Test("run and fit/apply write the hashed block as hash_features features: equal to dump_svmlight_file of HashingVectorizer + TfidfTransformer",
          arguments: [(1 << 20, false, "l2"), (16, true, "l1")])
    func equalToScikitLearn(features: Int, sublinear: Bool, norm: String) throws {
        let tmp = try TempDir("prepline-hashed-svmlight")
        _ = try tmp.write("in.csv", Self.input())
        _ = try tmp.write("spec.json", #"""
            {"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["review"], "hash_features": \#(features),
                                        "sublinear_tf": \#(sublinear), "norm": "\#(norm)"}],
             "output": {"format": "svmlight", "label": "id"}}
            """#)
        let run = try prepline(["run", "spec.json", "in.csv", "-o", "run.svm", "-q"], cwd: tmp.path)
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        let apply = try prepline(["apply", "fitted.json", "in.csv", "-o", "apply.svm", "-q", "--threads", "2", "--chunk-size", "4096"], cwd: tmp.path)
        #expect(run.status == 0 && fit.status == 0 && apply.status == 0, "\(run) \(fit) \(apply)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.file("run.svm"))) == Data(contentsOf: URL(fileURLWithPath: tmp.file("apply.svm"))))
        let env = try E2E.tool("env")
        let result = try runProcess(env, ["python3", "-c", Self.reference, String(features), String(sublinear), norm, "run.svm"], cwd: tmp.path, timeout: 120)
        #expect(result.status == 0 && result.stdoutText == "equal\n", "\(result)")
    }

    @Test("csv output of a hashed tfidf is still one column of index:weight pairs (an empty document: an empty field)")
    func csvPairs() throws {
        let tmp = try TempDir("prepline-hashed-csv")
        _ = try tmp.write("in.csv", "id,review\n1,the cat the\n2,\n3,dog\n")
        _ = try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["review"], "hash_features": 8, "use_idf": false, "norm": "none"}]}"#)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5 && lines[0] == "id,review" && lines[2] == "2," && lines[4] == "", "\(lines)")
    }
}
