import Foundation
import PreplineTestSupport
import Testing

/// A fitted spec records the data it was fitted on (its `training` block), and `apply` matches
/// tomorrow's columns to that header by name (issue 14, DESIGN.md B2): the output is always the
/// training layout, a missing column or an unseen one is an input error (exit 3) unless
/// `--extra-columns drop|keep`. Files are rewritten, and counted, by Python's csv module, not by
/// prepline.
@Suite("Training layout: fit records the input, apply matches columns by name")
struct TrainingLayoutTests {
    /// Python helpers (csv module): `count FILE` prints {"header", "rows"}; `reorder IN OUT a,b,…`
    /// writes IN's columns in that order (names left out are dropped); `addcol IN OUT POS NAME`
    /// inserts a column NAME (values NAME0, NAME1, …) at 0-based POS; `keepcheck PLAIN KEEP IN
    /// NAME…` checks that KEEP's records are PLAIN's with IN's columns NAME… appended.
    static let python = #"""
        import csv, json, sys
        def rows(path):
            with open(path, newline="", encoding="utf-8") as f:
                return list(csv.reader(f))
        def write(path, table):
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(table)
        mode = sys.argv[1]
        if mode == "count":
            table = rows(sys.argv[2])
            print(json.dumps({"header": table[0], "rows": len(table) - 1}))
        elif mode == "reorder":
            table = rows(sys.argv[2])
            order = [table[0].index(name) for name in sys.argv[4].split(",")]
            write(sys.argv[3], [[row[i] for i in order] for row in table])
        elif mode == "addcol":
            table = rows(sys.argv[2])
            position, name = int(sys.argv[4]), sys.argv[5]
            for i, row in enumerate(table):
                row.insert(position, name if i == 0 else f"{name}{i - 1}")
            write(sys.argv[3], table)
        elif mode == "keepcheck":
            plain, kept, source = rows(sys.argv[2]), rows(sys.argv[3]), rows(sys.argv[4])
            columns = [source[0].index(name) for name in sys.argv[5:]]
            expected = [p + [s[i] for i in columns] for p, s in zip(plain, source)]
            print("ok" if kept == expected else f"differs: {kept[:3]} vs {expected[:3]}")
        """#

    static func py(_ arguments: [String], cwd: String) throws -> String {
        let result = try runProcess(try E2E.tool("env"), ["python3", "-c", python] + arguments, cwd: cwd, timeout: 60)
        try #require(result.status == 0, "python: \(result)")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The training columns, in the order fit sees them.
    static let columns = ["id", "age", "income", "city", "note", "year"]

    /// `count` rows of mixed data: numbers with missing tokens, categories, quoted text with
    /// commas, quotes and line breaks (so records and lines differ), a pass-through year.
    static func data(rows count: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
        var text = columns.joined(separator: ",") + "\n"
        let notes = ["plain", "\"a, b\"", "\"two\nlines\"", "\"say \"\"hi\"\"\"", ""]
        for i in 0..<count {
            let age = pick(["", "NA", "17", "23.5", "41", "64", "30"])
            let income = pick(["1000", "2500.25", "", "40000", "-12"])
            text += "\(i),\(age),\(income),\(pick(["Oslo", "Lima", "Pune"])),\(pick(notes)),\(2000 + i % 25)\n"
        }
        return text
    }

    static let spec = #"""
        {"prepline": 1,
         "stages": [
           {"stage": "fill", "columns": ["age"], "strategy": "mean", "indicator": true},
           {"stage": "fill", "columns": ["income"], "strategy": "median"},
           {"stage": "scale", "columns": ["age", "income"], "method": "zscore"},
           {"stage": "onehot", "columns": ["city"], "handle_unknown": "ignore"}]}
        """#

    /// A fitted spec (fitted on `data(rows: 300, seed: 1)`) and a test file from other rows.
    static func fitted(in tmp: TempDir) throws {
        try tmp.write("spec.json", spec)
        try tmp.write("train.csv", data(rows: 300, seed: 1))
        try tmp.write("test.csv", data(rows: 200, seed: 2))
        let fit = try prepline(["fit", "spec.json", "train.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
    }

    static func training(_ path: String) throws -> [String: Any] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        return try #require(root["training"] as? [String: Any], "no training block in \(path)")
    }

    @Test("the training block holds the header and row count Python's csv reads, the missing tokens, the version and SOURCE_DATE_EPOCH's time")
    func trainingBlockMatchesTheData() throws {
        let tmp = try TempDir()
        try tmp.write("train.csv", Self.data(rows: 257, seed: 7))
        // Custom missing tokens, and a bad number left out under skip.
        try tmp.write("spec.json", #"""
            {"prepline": 1, "input": {"missing": ["", "NA", "?"]},
             "stages": [{"stage": "scale", "columns": ["income"]}], "output": {"on_error": "skip"}}
            """#)
        var csv = String(decoding: try tmp.read("train.csv"), as: UTF8.self)
        csv += "9999,?,lots,Oslo,x,2001\n"
        try tmp.write("train.csv", csv)
        let fit = try prepline(["fit", "spec.json", "train.csv", "-o", "fitted.json", "-q"],
                               environment: ["SOURCE_DATE_EPOCH": "1234567890"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let training = try Self.training(tmp.file("fitted.json"))
        let counted = try #require(try JSONSerialization.jsonObject(with: Data(Self.py(["count", "train.csv"], cwd: tmp.path).utf8)) as? [String: Any])
        #expect(training["header"] as? [String] == counted["header"] as? [String])
        #expect(training["rows"] as? Int == counted["rows"] as? Int)
        #expect(training["rows_left_out"] as? Int == 1, "the row with income 'lots'")
        #expect(training["missing"] as? [String] == ["", "NA", "?"])
        let version = try prepline(["--version"])
        #expect(training["prepline"] as? String == version.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
        let iso = try runProcess(try E2E.tool("env"), ["python3", "-c",
            "import datetime; print(datetime.datetime.fromtimestamp(1234567890, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))"]).stdoutText
        #expect(training["fitted_at"] as? String == iso.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("fit's --delimiter and --no-header are written into the fitted spec's input block: apply reads the next file the same way")
    func fitOverridesAreRecorded() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["column_2"]}]}"#)
        try tmp.write("train.csv", "a;1\nb;2\nc;6\n")
        try tmp.write("test.csv", "d;3\ne;9\n")
        let fit = try prepline(["fit", "spec.json", "train.csv", "--delimiter", ";", "--no-header", "-o", "fitted.json", "-q"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let input = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])["input"] as? [String: Any]
        #expect(input?["delimiter"] as? String == ";" && input?["header"] as? Bool == false, "\(String(describing: input))")
        let applied = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        let flagged = try prepline(["apply", "fitted.json", "test.csv", "--delimiter", ";", "--no-header", "-q"], cwd: tmp.path)
        #expect(applied.status == 0, "\(applied)")
        #expect(flagged.status == 0, "\(flagged)")
        expectSameBytes(applied.stdout, flagged.stdout, "apply without the flags reads as fit did")
        #expect(applied.stdoutText.hasPrefix("column_1;column_2\nd;"), "\(applied)")
    }

    @Test("columns in another order give the training layout, byte for byte: from a file, stdin and gzip, any threads")
    func reorderedColumnsGiveTheTrainingLayout() throws {
        let tmp = try TempDir()
        try Self.fitted(in: tmp)
        let plain = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        try #require(plain.status == 0, "\(plain)")
        _ = try Self.py(["reorder", "test.csv", "shuffled.csv", "year,note,city,income,id,age"], cwd: tmp.path)
        try tmp.write("shuffled.csv.gz", try gzip(try tmp.read("shuffled.csv"), in: tmp))
        for threads in ["1", "2"] {
            let file = try prepline(["apply", "fitted.json", "shuffled.csv", "-q", "--threads", threads, "--chunk-size", "700"], cwd: tmp.path)
            #expect(file.status == 0, "\(file)")
            expectSameBytes(file.stdout, plain.stdout, "reordered file, \(threads) threads")
        }
        let piped = try prepline(["apply", "fitted.json", "-q"], stdin: .pipe(try tmp.read("shuffled.csv")), cwd: tmp.path)
        #expect(piped.status == 0, "\(piped)")
        expectSameBytes(piped.stdout, plain.stdout, "reordered stdin")
        let zipped = try prepline(["apply", "fitted.json", "shuffled.csv.gz", "-q"], cwd: tmp.path)
        #expect(zipped.status == 0, "\(zipped)")
        expectSameBytes(zipped.stdout, plain.stdout, "reordered gzip")
    }

    @Test("a fitted pass-through (no stages) reorders too: the copy-as-is fast path is not taken")
    func passThroughReorders() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": []}"#)
        try tmp.write("train.csv", Self.data(rows: 50, seed: 3))
        try tmp.write("test.csv", Self.data(rows: 40, seed: 4))
        let fit = try prepline(["fit", "spec.json", "train.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let plain = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        _ = try Self.py(["reorder", "test.csv", "shuffled.csv", "note,year,id,city,age,income"], cwd: tmp.path)
        let shuffled = try prepline(["apply", "fitted.json", "shuffled.csv", "-q"], cwd: tmp.path)
        #expect(plain.status == 0 && shuffled.status == 0, "\(plain)\n\(shuffled)")
        expectSameBytes(shuffled.stdout, plain.stdout, "pass-through of a reordered file")
    }

    @Test("a fitted spec with a schema checks each column wherever the input has it")
    func schemaRowChecksFollowTheNames() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"""
            {"prepline": 1,
             "schema": {"fields": [{"name": "k", "type": "string"}, {"name": "v", "type": "number", "constraints": {"minimum": 0}}]},
             "stages": [{"stage": "scale", "columns": ["v"], "method": "minmax"}], "output": {"on_error": "skip"}}
            """#)
        try tmp.write("train.csv", "k,v\na,1\nb,3\n")
        try tmp.write("test.csv", "k,v\nc,2\nd,-1\ne,5\n")
        let fit = try prepline(["fit", "spec.json", "train.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        try #require(fit.status == 0, "\(fit)")
        let plain = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        try #require(plain.status == 0, "\(plain)")
        #expect(!plain.stdoutText.contains("d,"), "the schema rejects v = -1: \(plain)")
        _ = try Self.py(["reorder", "test.csv", "swapped.csv", "v,k"], cwd: tmp.path)
        let swapped = try prepline(["apply", "fitted.json", "swapped.csv", "-q"], cwd: tmp.path)
        #expect(swapped.status == 0, "\(swapped)")
        expectSameBytes(swapped.stdout, plain.stdout, "the same rows checked and kept")
    }

    @Test("a training column missing from the input is exit 3 naming it and the file; without the training block apply is positional as before")
    func missingColumnIsAnInputError() throws {
        let tmp = try TempDir()
        try Self.fitted(in: tmp)
        _ = try Self.py(["reorder", "test.csv", "noyear.csv", "id,age,income,city,note"], cwd: tmp.path)
        let result = try prepline(["apply", "fitted.json", "noyear.csv", "-o", "out.csv"], cwd: tmp.path)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("noyear.csv:1:") && result.stderr.contains("'year'"), "\(result)")
        #expect(!tmp.exists("out.csv"), "no output on an input error")
        let piped = try prepline(["apply", "fitted.json"], stdin: .pipe(try tmp.read("noyear.csv")), cwd: tmp.path)
        #expect(piped.status == 3 && piped.stderr.contains("stdin:1:") && piped.stderr.contains("'year'"), "\(piped)")

        // A hand-written fitted spec (no training block) keeps matching by position.
        var root = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])
        root.removeValue(forKey: "training")
        try tmp.write("positional.json", try JSONSerialization.data(withJSONObject: root).map { $0 })
        let positional = try prepline(["apply", "positional.json", "noyear.csv", "-q"], cwd: tmp.path)
        #expect(positional.status == 0, "\(positional)")
    }

    @Test("an unseen input column is exit 3 naming it; --extra-columns drop equals the plain output, keep appends it in input order")
    func extraColumns() throws {
        let tmp = try TempDir()
        try Self.fitted(in: tmp)
        let plain = try prepline(["apply", "fitted.json", "test.csv", "-q"], cwd: tmp.path)
        try #require(plain.status == 0, "\(plain)")
        try tmp.write("plain.csv", plain.stdout)
        _ = try Self.py(["addcol", "test.csv", "extra1.csv", "2", "batch"], cwd: tmp.path)
        _ = try Self.py(["addcol", "extra1.csv", "extra.csv", "0", "source"], cwd: tmp.path)

        let refused = try prepline(["apply", "fitted.json", "extra.csv", "-o", "out.csv"], cwd: tmp.path)
        #expect(refused.status == 3, "\(refused)")
        #expect(refused.stderr.contains("extra.csv:1:") && refused.stderr.contains("'source', 'batch'") && refused.stderr.contains("--extra-columns"), "\(refused)")
        #expect(!tmp.exists("out.csv"))

        let dropped = try prepline(["apply", "fitted.json", "extra.csv", "--extra-columns", "drop", "-q"], cwd: tmp.path)
        #expect(dropped.status == 0, "\(dropped)")
        expectSameBytes(dropped.stdout, plain.stdout, "--extra-columns drop")

        for threads in ["1", "2"] {
            let kept = try prepline(["apply", "fitted.json", "extra.csv", "--extra-columns", "keep", "-o", "kept.csv", "-q", "--threads", threads, "--chunk-size", "900"], cwd: tmp.path)
            #expect(kept.status == 0, "\(kept)")
            #expect(try Self.py(["keepcheck", "plain.csv", "kept.csv", "extra.csv", "source", "batch"], cwd: tmp.path) == "ok")
        }

        // Never silently ignored: without a training block nothing is extra; svmlight has no place for a kept column.
        var root = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])
        root.removeValue(forKey: "training")
        try tmp.write("positional.json", try JSONSerialization.data(withJSONObject: root).map { $0 })
        let positional = try prepline(["apply", "positional.json", "test.csv", "--extra-columns", "drop"], cwd: tmp.path)
        #expect(positional.status == 2 && positional.stderr.contains("no training block"), "\(positional)")
        var svm = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])
        svm["output"] = ["format": "svmlight", "label": "year"]
        try tmp.write("svm.json", try JSONSerialization.data(withJSONObject: svm).map { $0 })
        let svmlight = try prepline(["apply", "svm.json", "extra.csv", "--extra-columns", "keep"], cwd: tmp.path)
        #expect(svmlight.status == 2 && svmlight.stderr.contains("svmlight"), "\(svmlight)")
    }

    @Test("several inputs must share one column order; the message says apply matches by name")
    func severalInputsInDifferentOrders() throws {
        let tmp = try TempDir()
        try Self.fitted(in: tmp)
        _ = try Self.py(["reorder", "test.csv", "shuffled.csv", "year,note,city,income,id,age"], cwd: tmp.path)
        let both = try prepline(["apply", "fitted.json", "shuffled.csv", "test.csv"], cwd: tmp.path)
        #expect(both.status == 3, "\(both)")
        #expect(both.stderr.contains("test.csv:1: header differs from shuffled.csv's") && both.stderr.contains("matches the columns to the fitted spec's by name"), "\(both)")
        #expect(!both.stderr.contains("columns are matched by position"), "\(both)")
    }

    @Test("a header with two columns of one name is exit 3 for fit and apply, naming the name and both positions")
    func duplicateNamesInFitAndApply() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["a"], "strategy": "mean"}]}"#)
        try tmp.write("ok.csv", "a,b,c\n1,2,3\n,5,6\n")
        try tmp.write("dup.csv", "a,b,a\n1,2,3\n,5,6\n")
        let fit = try prepline(["fit", "spec.json", "dup.csv", "-o", "fitted.json"], cwd: tmp.path)
        #expect(fit.status == 3, "\(fit)")
        #expect(fit.stderr.contains("dup.csv:1: duplicate column name 'a' (columns 1 and 3)"), "\(fit)")
        #expect(!tmp.exists("fitted.json"))
        let good = try prepline(["fit", "spec.json", "ok.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
        try #require(good.status == 0, "\(good)")
        // A hand-written fitted spec too: the check is on the input, not on the training block.
        var root = try #require(try JSONSerialization.jsonObject(with: Data(tmp.read("fitted.json"))) as? [String: Any])
        root.removeValue(forKey: "training")
        try tmp.write("positional.json", try JSONSerialization.data(withJSONObject: root).map { $0 })
        for spec in ["fitted.json", "positional.json"] {
            let apply = try prepline(["apply", spec], stdin: .pipe(Array("a,b,a\n1,2,3\n".utf8)), cwd: tmp.path)
            #expect(apply.status == 3, "\(spec): \(apply)")
            #expect(apply.stderr.contains("stdin:1: duplicate column name 'a' (columns 1 and 3)"), "\(spec): \(apply)")
        }
    }

    @Test("the training block is decoded: an unknown key in it is a spec error (exit 2)")
    func trainingBlockIsDecoded() throws {
        let tmp = try TempDir()
        try Self.fitted(in: tmp)
        var text = String(decoding: try tmp.read("fitted.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"rows_left_out\"", with: "\"rows_skipped\"")
        try tmp.write("typo.json", text)
        let result = try prepline(["apply", "typo.json", "test.csv"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("training.rows_skipped"), "\(result)")
    }
}
