import PreplineTestSupport
import Foundation
import Testing

/// Seeded reviews: ASCII words in mixed case, accented and non-Latin words, digits, underscores,
/// emoji, stop words, empty and missing texts, quoted commas and newlines.
struct ReviewTable {
    static let words = ["Great", "great", "GREAT", "product", "the", "and", "is", "not", "bad", "café", "Cafe\u{301}",
                        "東京", "Москва", "ΟΔΟΣ", "x_y", "42", "2nd", "😀", "good", "terrible", "fast", "slow", "it", "a",
                        "naïve", "value", "price", "price,", "\"quoted\"", "line\nbreak"]

    var bytes: [UInt8] = []

    init(rows: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func roll(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var text = "id,review,rating\n"
        for i in 0..<rows {
            let review: String
            switch roll(20) {
            case 0: review = "NA"
            case 1: review = ""
            default: review = (0..<roll(14)).map { _ in Self.words[min(roll(Self.words.count), roll(Self.words.count))] }.joined(separator: " ")
            }
            text += "\(i + 1),\(GeneratedCSV.quotedString(review)),\(1 + roll(5))\n"
        }
        bytes = Array(text.utf8)
    }
}

/// The text stages end to end: determinism across threads and chunk sizes, fit + apply = run,
/// row-level and spec-level errors. (Weights against scikit-learn: ConformanceTests.)
@Suite("text stages (tokenize, tfidf)")
struct TextStageTests {
    static let spec = """
        {"prepline": 1, "stages": [
          {"stage": "tokenize", "columns": ["review"], "stopwords": "english", "ngrams": [1, 2], "strip_accents": "unicode"},
          {"stage": "tfidf", "columns": ["review"], "min_df": 2, "max_df": 0.9, "max_features": 40, "sublinear_tf": true}
        ]}
        """
    static let sparseSpec = """
        {"prepline": 1, "stages": [
          {"stage": "tokenize", "columns": ["review"], "ngrams": [1, 2]},
          {"stage": "tfidf", "columns": ["review"], "min_df": 2, "output": "sparse", "norm": "l1"}
        ]}
        """

    static func workspace(rows: Int = 2_000) throws -> TempDir {
        let tmp = try TempDir("prepline-text")
        _ = try tmp.write("in.csv", ReviewTable(rows: rows, seed: 4).bytes)
        _ = try tmp.write("spec.json", spec)
        _ = try tmp.write("sparse.json", sparseSpec)
        return tmp
    }

    @Test("run: byte-identical output for --threads 1...4 and chunk sizes 1, 7, 4096 and 1M (integer counts merge exactly)",
          arguments: ["spec.json", "sparse.json"])
    func deterministic(specName: String) throws {
        let tmp = try Self.workspace()
        var reference: [UInt8]?
        for size in ["1M", "4096", "7", "1"] {
            for threads in 1...4 {
                let result = try prepline(["run", specName, "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", size], cwd: tmp.path, timeout: 120)
                #expect(result.status == 0 && result.stderr.isEmpty, "threads \(threads), chunk \(size): \(result)")
                if let reference { expectSameBytes(result.stdout, reference, "\(specName): threads \(threads), chunk \(size) vs threads 1, chunk 1M") } else { reference = result.stdout }
            }
        }
        let header = CSVRecords.split(String(decoding: reference ?? [], as: UTF8.self)).first ?? ""
        if specName == "spec.json" {
            #expect(CSVRecords.fields(header).count == 42, "id, 40 terms, rating: \(header)")
        } else {
            #expect(header == "id,review,rating")
        }
    }

    @Test("fit then apply gives exactly run's bytes; the fitted spec holds vocabulary and idf")
    func fitThenApply() throws {
        let tmp = try Self.workspace()
        let run = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path, timeout: 60)
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", "fitted.json", "-q", "--chunk-size", "7"], cwd: tmp.path, timeout: 60)
        #expect(run.status == 0 && fit.status == 0, "\(run) \(fit)")
        let applied = try prepline(["apply", "fitted.json", "-q"], stdin: .file(tmp.file("in.csv")), cwd: tmp.path, timeout: 60)
        #expect(applied.status == 0, "\(applied)")
        expectSameBytes(applied.stdout, run.stdout, "apply(fit) vs run")
        let fitted = try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any]
        let stage = (fitted?["stages"] as? [[String: Any]])?[1]
        let column = (stage?["fitted"] as? [String: Any])?["review"] as? [String: Any]
        let vocabulary = column?["vocabulary"] as? [String]
        let idf = column?["idf"] as? [Double]
        #expect(vocabulary?.count == 40 && idf?.count == 40, "\(String(describing: column))")
        #expect(vocabulary == vocabulary?.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(Array($1.unicodeScalars.map(\.value))) },
                "vocabulary in code-point order")
    }

    @Test("invalid UTF-8 in a text column is a row-level error naming file, line, column and byte offset")
    func invalidUTF8() throws {
        let tmp = try TempDir("prepline-text-utf8")
        var bytes = Array("id,review\n1,good product\n2,bad ".utf8) + [0xC3, 0x28] + Array(" value\n3,good value\n".utf8)
        _ = try tmp.write("in.csv", bytes)
        _ = try tmp.write("tfidf.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["review"]}]}"#)
        _ = try tmp.write("tokenize.json", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["review"]}]}"#)
        _ = try tmp.write("skip.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["review"]}], "output": {"on_error": "skip"}}"#)
        for spec in ["tfidf.json", "tokenize.json"] {
            let result = try prepline(["run", spec, "in.csv"], cwd: tmp.path)
            #expect(result.status == 1, "\(spec): \(result)")
            #expect(result.stderr.contains("in.csv:3") && result.stderr.contains("column 'review'") && result.stderr.contains("invalid UTF-8 at byte 5"),
                    "\(spec): \(result.stderr)")
            // The hint is the encoding, not skip/reject.
            #expect(result.stderr.contains("input.encoding") && !result.stderr.contains("\"skip\""), "\(spec): \(result.stderr)")
        }
        let skipped = try prepline(["run", "skip.json", "in.csv"], cwd: tmp.path)
        #expect(skipped.status == 0, "\(skipped)")
        let rows = CSVRecords.table(skipped.stdout)
        #expect(rows.first == ["id", "review_good", "review_product", "review_value"] && rows.dropFirst().map { $0[0] } == ["1", "3"],
                "the bad row is skipped and learns nothing: \(skipped.stdoutText)")
        #expect(skipped.stderr.contains("1 skipped"), "\(skipped.stderr)")
        bytes.removeAll()
    }

    @Test("an empty vocabulary is a spec error naming the stage and the thresholds")
    func emptyVocabulary() throws {
        let tmp = try TempDir("prepline-text-empty")
        _ = try tmp.write("in.csv", "id,review\n1,alpha beta\n2,gamma\n3,\n")
        _ = try tmp.write("pruned.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["review"], "min_df": 2, "max_df": 1.0}]}"#)
        _ = try tmp.write("stop.json", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["review"], "stopwords": ["alpha", "beta", "gamma"]}, {"stage": "tfidf", "columns": ["review"]}]}"#)
        let pruned = try prepline(["run", "pruned.json", "in.csv"], cwd: tmp.path)
        #expect(pruned.status == 2, "\(pruned)")
        #expect(pruned.stderr.contains("stages[0] tfidf") && pruned.stderr.contains("min_df 2 (documents)")
                && pruned.stderr.contains("max_df 1.0 (a fraction of the documents)") && pruned.stderr.contains("3 documents"), "\(pruned.stderr)")
        let stop = try prepline(["run", "stop.json", "in.csv"], cwd: tmp.path)
        #expect(stop.status == 2 && stop.stderr.contains("empty vocabulary") && stop.stderr.contains("stages[1] tfidf"), "\(stop)")
    }

    @Test("no stage may rewrite a column between its tokenize and the tfidf that consumes the tokens")
    func stageBetweenTokenizeAndTfidf() throws {
        let tmp = try TempDir("prepline-text-between")
        _ = try tmp.write("in.csv", "id,review\n1,alpha beta\n")
        _ = try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["review"]}, {"stage": "fill", "columns": ["review"], "strategy": "constant", "value": "x"}, {"stage": "tfidf", "columns": ["review"]}]}"#)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 2 && result.stderr.contains("stages[1]") && result.stderr.contains("tokenized by stages[0] tokenize"), "\(result)")
    }
}

/// svmlight output read back by scikit-learn's own reader equals the CSV output of the same spec.
@Suite("svmlight output")
struct SVMLightOutputTests {
    @Test("load_svmlight_file reads back exactly the CSV output's numbers (label, one-hot, flags, numbers, tf-idf)")
    func readsBackEqual() throws {
        let tmp = try TempDir("prepline-svmlight")
        var rng = SplitMix64(seed: 11)
        var text = "id,age,city,review,rating\n"
        for i in 0..<300 {
            let age = rng.next() % 9 == 0 ? "" : String(18 + rng.next() % 60)
            let city = ["Oslo", "東京", "Lima", "NA"][Int(rng.next() % 4)]
            let review = (0..<Int(rng.next() % 6)).map { _ in ["good", "bad", "café", "slow", "fast", "42"][Int(rng.next() % 6)] }.joined(separator: " ")
            text += "\(i),\(age),\(city),\(review),\(rng.next() % 5)\n"
        }
        _ = try tmp.write("in.csv", text)
        let stages = #"""
            [{"stage": "fill", "columns": ["age"], "strategy": "mean", "indicator": true},
             {"stage": "scale", "columns": ["age"], "method": "zscore"},
             {"stage": "onehot", "columns": ["city"]},
             {"stage": "tfidf", "columns": ["review"], "sublinear_tf": true}]
            """#
        _ = try tmp.write("csv.json", #"{"prepline": 1, "stages": "# + stages + "}")
        _ = try tmp.write("svm.json", #"{"prepline": 1, "stages": "# + stages + #", "output": {"format": "svmlight", "label": "rating"}}"#)
        let csv = try prepline(["run", "csv.json", "in.csv", "-o", "out.csv", "-q"], cwd: tmp.path)
        let svm = try prepline(["run", "svm.json", "in.csv", "-o", "out.svm", "-q"], cwd: tmp.path)
        #expect(csv.status == 0 && svm.status == 0, "\(csv) \(svm)")
        let script = """
            import sys, numpy as np, pandas as pd
            from sklearn.datasets import load_svmlight_file
            table = pd.read_csv("out.csv")
            y_csv = table.pop("rating").to_numpy(dtype=float)
            X_csv = table.to_numpy(dtype=float)
            X, y = load_svmlight_file("out.svm", n_features=X_csv.shape[1])
            X = X.toarray()
            X_csv = np.nan_to_num(X_csv, nan=0.0)
            ok = X.shape == X_csv.shape and np.array_equal(X, X_csv) and np.array_equal(y, y_csv)
            print("equal" if ok else f"different: {X.shape} vs {X_csv.shape}")
            """
        let env = try E2E.tool("env")
        let result = try runProcess(env, ["python3", "-c", script], cwd: tmp.path, timeout: 120)
        #expect(result.status == 0 && result.stdoutText == "equal\n", "\(result)")
    }

    @Test("svmlight needs a label column that exists; a non-numeric feature is a row-level error")
    func errors() throws {
        let tmp = try TempDir("prepline-svmlight-errors")
        _ = try tmp.write("in.csv", "id,city,rating\n1,Oslo,2\n2,Lima,x\n")
        _ = try tmp.write("nolabel.json", #"{"prepline": 1, "output": {"format": "svmlight"}}"#)
        _ = try tmp.write("unknown.json", #"{"prepline": 1, "output": {"format": "svmlight", "label": "nope"}}"#)
        _ = try tmp.write("text.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"]}], "output": {"format": "svmlight", "label": "rating"}}"#)
        let noLabel = try prepline(["run", "nolabel.json", "in.csv"], cwd: tmp.path)
        #expect(noLabel.status == 2 && noLabel.stderr.contains("output.label"), "\(noLabel)")
        let unknown = try prepline(["run", "unknown.json", "in.csv"], cwd: tmp.path)
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown column 'nope'"), "\(unknown)")
        let text = try prepline(["run", "text.json", "in.csv"], cwd: tmp.path)
        #expect(text.status == 1 && text.stderr.contains("in.csv:3") && text.stderr.contains("'x' is not a number"), "\(text)")
    }
}
