import Foundation
import Testing
@testable import PreplineCore

/// Runs scikit-learn / numpy themselves (the python3 on PATH, the one `make test` installs them
/// into) on a batch of cases in one process, so a test compares hundreds of splits in seconds.
enum SplitReference {
    /// Each case is a JSON object; the answer is one JSON value per case, in order.
    static func run(_ cases: [[String: Any]]) throws -> [Any] {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.json")
        let output = directory.appendingPathComponent("answers.json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, input.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0,
                     "python3 with scikit-learn, pandas and numpy failed:\n\(String(decoding: stderr, as: UTF8.self))")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [Any])
        try #require(answers.count == cases.count)
        return answers
    }

    /// Imports scikit-learn only for splitter cases (the stream cases need numpy alone).
    /// Labels are read by pandas from a CSV column, as a user's script would read the file.
    static let script = #"""
    import io, json, sys, warnings
    import numpy as np, pandas as pd
    warnings.simplefilter("ignore")

    def column(labels):
        text = "x,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(labels))
        return pd.read_csv(io.StringIO(text), dtype={"x": int})["y"]

    def answer(case):
        kind = case["kind"]
        if kind == "stream":
            rs = np.random.RandomState(case["seed"])
            out = []
            for op in case["ops"]:
                if op[0] == "raw":
                    out += [int(v) for v in rs.randint(0, 2**32, size=op[1], dtype=np.uint64)]
                elif op[0] == "interval":
                    out += [int(v) for v in rs.randint(0, op[1] + 1, size=op[2], dtype=np.uint64)]
                elif op[0] == "perm":
                    out += [int(v) for v in rs.permutation(op[1])]
            return out
        from sklearn.model_selection import train_test_split, KFold, StratifiedKFold, GroupKFold
        n = case["n"]
        labels = column(case["labels"]) if case.get("labels") is not None else None
        groups = column(case["groups"]) if case.get("groups") is not None else None
        seed = case.get("seed")
        try:
            if kind == "tts":
                size = case["test"]
                size = float(size["f"]) if "f" in size else int(size["i"])
                _, test = train_test_split(np.arange(n), test_size=size, random_state=seed,
                                           shuffle=case["shuffle"], stratify=labels)
                return sorted(int(v) for v in test)
            k = case["k"]
            if kind == "kfold":
                cv, y, g = KFold(k, shuffle=seed is not None, random_state=seed), None, None
            elif kind == "skf":
                cv, y, g = StratifiedKFold(k, shuffle=seed is not None, random_state=seed), labels, None
            else:
                cv, y, g = GroupKFold(k, shuffle=seed is not None, random_state=seed), None, groups
            folds = [-1] * n
            for f, (_, test) in enumerate(cv.split(np.zeros(n), y, g)):
                for r in test:
                    folds[int(r)] = f
            return folds
        except (ValueError, TypeError) as e:
            return {"error": str(e)}

    cases = json.load(open(sys.argv[1], encoding="utf-8"))
    json.dump([answer(c) for c in cases], open(sys.argv[2], "w", encoding="utf-8"))
    """#

    /// The column as the CLI hands it over: codes by first appearance and the distinct values.
    static func labels(_ values: [String]) -> SplitLabels {
        // Keyed by bytes: Swift's String equality would make NFC and NFD spellings one value.
        var codeOf: [[UInt8]: Int32] = [:]
        var distinct: [[UInt8]] = []
        let codes = values.map { value -> Int32 in
            let bytes = Array(value.utf8)
            if let code = codeOf[bytes] { return code }
            let code = Int32(distinct.count)
            codeOf[bytes] = code
            distinct.append(bytes)
            return code
        }
        return SplitLabels(codes: codes, values: distinct)
    }
}

/// Several tests' cases run in one python process (scikit-learn's import is most of a small
/// batch's time): the first test that asks runs them all, each reads its own list's answers.
final class SplitReferenceBatch: @unchecked Sendable {
    private let lists: [[[String: Any]]]
    private let lock = NSLock()
    private var result: Result<[[Any]], any Error>?

    init(_ lists: [[[String: Any]]]) { self.lists = lists }

    func answers(_ index: Int) throws -> [Any] {
        lock.lock()
        defer { lock.unlock() }
        if result == nil {
            result = Result {
                let all = try SplitReference.run(lists.flatMap { $0 })
                var offset = 0
                return lists.map { list in
                    defer { offset += list.count }
                    return Array(all[offset..<(offset + list.count)])
                }
            }
        }
        return try result!.get()[index]
    }
}
