import Foundation
import Testing

/// `prepline split` against scikit-learn itself (one `python3` process): the TEST rows equal
/// `train_test_split(..., random_state=seed, shuffle, stratify)`'s test set, and the fold column
/// `KFold` / `StratifiedKFold` / `GroupKFold`'s test-fold index, on random sizes (fractions and
/// counts) and seeds, on a CSV that pandas reads with its defaults.
///
/// Needs the scikit-learn algorithms of `SplitAssignment` (the g5-splitalgo branch): with the
/// I/O branch's placeholder alone it fails, as it should.
@Suite("split conformance with scikit-learn")
struct SplitConformanceTests {
    static let script = #"""
        import json, sys
        import numpy as np, pandas as pd
        from sklearn.model_selection import train_test_split, KFold, StratifiedKFold, GroupKFold
        rng = np.random.default_rng(20261201)
        n = 503
        table = pd.DataFrame({
            "id": np.arange(n),
            "x": np.round(rng.normal(size=n), 4),
            "label": rng.choice(["cat", "dog", "emu", "yak"], size=n, p=[0.5, 0.3, 0.15, 0.05]),
            "group": rng.integers(0, 40, size=n),
        })
        table.to_csv("in.csv", index=False)
        df = pd.read_csv("in.csv")
        cases = []
        sizes = ["0.2", "0.25", "37", "0.33", "1", "250"] + [str(round(float(rng.uniform(0.05, 0.6)), 3)) for _ in range(3)] + [str(int(rng.integers(2, 400))) for _ in range(3)]
        for i, size in enumerate(sizes):
            seed = [0, 42, 4294967295][i] if i < 3 else int(rng.integers(0, 2**32))
            test_size = float(size) if "." in size else int(size)
            for stratify in [None, "label"]:
                args = ["--test-size", size, "--seed", str(seed)] + (["--stratify", stratify] if stratify else [])
                try:
                    _, test = train_test_split(df.index.to_numpy(), test_size=test_size, random_state=seed,
                                               stratify=df[stratify] if stratify else None)
                except ValueError as refusal:  # e.g. fewer test rows than classes
                    cases.append({"args": args, "refused": str(refusal)})
                    continue
                cases.append({"args": args, "test": sorted(int(t) for t in test)})
        for size in ["0.2", "50"]:
            _, test = train_test_split(df.index.to_numpy(), test_size=float(size) if "." in size else int(size), shuffle=False)
            cases.append({"args": ["--test-size", size, "--no-shuffle"], "test": sorted(int(t) for t in test)})
        def folds_of(splitter, *extra):
            fold = np.empty(n, dtype=int)
            for k, (_, test) in enumerate(splitter.split(df.index.to_numpy(), *extra)):
                fold[test] = k
            return [int(f) for f in fold]
        for k in [2, 5, 7]:
            seed = int(rng.integers(0, 2**32))
            cases.append({"args": ["--folds", str(k)], "folds": folds_of(KFold(k))})
            cases.append({"args": ["--folds", str(k), "--seed", str(seed)], "folds": folds_of(KFold(k, shuffle=True, random_state=seed))})
            cases.append({"args": ["--folds", str(k), "--stratify", "label"], "folds": folds_of(StratifiedKFold(k), df["label"])})
            cases.append({"args": ["--folds", str(k), "--stratify", "label", "--seed", str(seed)],
                          "folds": folds_of(StratifiedKFold(k, shuffle=True, random_state=seed), df["label"])})
            cases.append({"args": ["--folds", str(k), "--group", "group"], "folds": folds_of(GroupKFold(k), None, df["group"])})
            cases.append({"args": ["--folds", str(k), "--group", "group", "--seed", str(seed)],
                          "folds": folds_of(GroupKFold(k, shuffle=True, random_state=seed), None, df["group"])})
        json.dump(cases, sys.stdout)
        """#

    struct Case: Decodable {
        var args: [String]
        var test: [Int]?
        var folds: [Int]?
        var refused: String?
    }

    @Test("TEST rows and fold columns equal scikit-learn's on random sizes, seeds, stratify and groups")
    func equalsScikitLearn() throws {
        let tmp = try TempDir("prepline-split-sklearn")
        let python = try runProcess(try E2E.tool("env"), ["python3", "-c", Self.script], cwd: tmp.path, timeout: 120)
        try #require(python.status == 0, "\(python)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(python.stdout))
        try #require(cases.count > 30)
        for entry in cases {
            if let refusal = entry.refused {
                let result = try prepline(["split", "in.csv"] + entry.args + ["--train", "train.csv", "--test", "test.csv", "-q"], cwd: tmp.path)
                #expect(result.status == 2, "split \(entry.args.joined(separator: " ")): scikit-learn refuses (\(refusal)); \(result)")
            } else if let expected = entry.test {
                let result = try prepline(["split", "in.csv"] + entry.args + ["--train", "train.csv", "--test", "test.csv", "-q"], cwd: tmp.path)
                guard result.status == 0 else { Issue.record("\(entry.args): \(result)"); continue }
                let ids = String(decoding: try tmp.read("test.csv"), as: UTF8.self).split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! }
                #expect(ids == expected, "split \(entry.args.joined(separator: " ")): TEST rows differ from train_test_split's")
            } else if let expected = entry.folds {
                let result = try prepline(["split", "in.csv"] + entry.args + ["-q"], cwd: tmp.path)
                guard result.status == 0 else { Issue.record("\(entry.args): \(result)"); continue }
                let folds = result.stdoutText.split(separator: "\n").dropFirst().map { Int($0.split(separator: ",").last!)! }
                #expect(folds == expected, "split \(entry.args.joined(separator: " ")): fold column differs from scikit-learn's")
            }
        }
    }

    @Test("scikit-learn's refusals exit 2 with its reason", arguments: [
        (["--test-size", "0.2", "--seed", "1", "--stratify", "label"], "only 1 member"),
        (["--test-size", "0", "--seed", "1"], "test_size"),
        (["--test-size", "4", "--seed", "1"], "test_size=4"),
        (["--folds", "5"], "n_splits=5"),
    ] as [([String], String)])
    func refusals(arguments: [String], message: String) throws {
        let tmp = try TempDir("prepline-split-refusals")
        try tmp.write("in.csv", "id,label\n0,a\n1,a\n2,b\n3,a\n")
        let outputs = arguments.contains("--folds") ? [] : ["--train", "t.csv", "--test", "s.csv"]
        let result = try prepline(["split", "in.csv"] + arguments + outputs, cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(try tmp.listing() == ["in.csv"])
    }
}
