import Foundation
import Testing
import PreplineTestSupport

/// Numbers that must never be silently wrong (issue 12, DESIGN.md G2): a number in a numeric
/// stage is finite, and a fitted spec's numbers read back. Numbers are compared with prepline's
/// own output on the same data without the bad rows, or with scikit-learn (Tests/Conformance).
@Suite("Numbers are finite")
struct NumberTrustTests {
    static let nonFinite = ["1e999", "-1e400", "inf", "-inf", "Infinity", "nan", "NaN"]

    /// Every numeric stage, on one column `a`.
    static let numericSpecs: [(name: String, stages: String)] = [
        ("zscore", #"[{"stage": "scale", "columns": ["a"], "method": "zscore"}]"#),
        ("minmax", #"[{"stage": "scale", "columns": ["a"], "method": "minmax"}]"#),
        ("robust", #"[{"stage": "scale", "columns": ["a"], "method": "robust"}]"#),
        ("maxabs", #"[{"stage": "scale", "columns": ["a"], "method": "maxabs"}]"#),
        ("mean", #"[{"stage": "fill", "columns": ["a"], "strategy": "mean"}]"#),
        ("median", #"[{"stage": "fill", "columns": ["a"], "strategy": "median"}]"#),
    ]

    static func spec(_ stages: String, onError: String = "fail") -> String {
        // "nan" and "NaN" are not missing tokens here, so they reach the stage as values.
        #"{"prepline": 1, "input": {"missing": ["", "NA"]}, "stages": \#(stages), "output": {"on_error": "\#(onError)"}}"#
    }

    @Test("a non-finite value is a row-level error naming file, line, column, value and stage",
          arguments: nonFinite)
    func nonFiniteIsARowError(value: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a,b\n1,x\n\(value),y\n3,z\nNA,w\n")
        for (name, stages) in Self.numericSpecs {
            try tmp.write("spec.json", Self.spec(stages))
            let run = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
            #expect(run.status == 1, "\(name) on \(value): \(run)")
            #expect(run.stdout.isEmpty, "\(name) on \(value): \(run)")
            #expect(run.stderr.contains("in.csv:3: record 2: column 'a': '\(value)' is not a finite number (stages[0] \(name == "mean" || name == "median" ? "fill" : "scale"))"),
                    "\(name) on \(value): \(run)")
        }
    }

    @Test("under skip, a non-finite row is dropped and the rest is as if it had never been there")
    func skippedNonFiniteRowsLeaveTheRest() throws {
        let tmp = try TempDir()
        let good = ["1", "2.5", "NA", "-4", "10"]
        try tmp.write("clean.csv", "a,b\n" + good.enumerated().map { "\($0.element),\($0.offset)\n" }.joined())
        var dirty = "a,b\n"
        for (i, value) in good.enumerated() {
            dirty += "\(value),\(i)\n"
            dirty += "\(Self.nonFinite[i % Self.nonFinite.count]),bad\n"
        }
        try tmp.write("dirty.csv", dirty)
        for (name, stages) in Self.numericSpecs {
            try tmp.write("spec.json", Self.spec(stages, onError: "skip"))
            let clean = try prepline(["run", "spec.json", "clean.csv", "-q"], cwd: tmp.path)
            let skipped = try prepline(["run", "spec.json", "dirty.csv"], cwd: tmp.path)
            #expect(clean.status == 0 && skipped.status == 0, "\(name): \(clean)\n\(skipped)")
            expectSameBytes(skipped.stdout, clean.stdout, name)
            #expect(skipped.stderr.contains("5 skipped"), "\(name): \(skipped)")
            // The column is never blanked: every observed value comes out as a number.
            let column = clean.stdoutText.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] }
            #expect(column.filter { !$0.isEmpty }.count >= 4, "\(name): \(clean)")
        }
    }

    // MARK: - fitted values that are not finite

    /// scikit-learn's test_tfidf_no_smoothing: with smooth_idf false, a given vocabulary term
    /// that no document holds has idf ln(n/0) + 1 = inf (the conformance cases
    /// tfidf-no-smooth-absent-term-* compare the weights with scikit-learn).
    @Test("fit writes an infinite idf so that apply reads it back; apply equals run; a row with the term is refused")
    func infiniteIDFRoundTrips() throws {
        let tmp = try TempDir()
        try tmp.write("docs.csv", "id,text\n1,apple banana\n2,apple\n3,banana apple cherry\n4,NA\n")
        for output in ["dense", "sparse"] {
            try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["text"], "vocabulary": ["apple", "banana", "zebra"], "smooth_idf": false, "output": "\#(output)"}]}"#)
            let fit = try prepline(["fit", "spec.json", "docs.csv", "-o", "fitted.json", "-q"], cwd: tmp.path)
            #expect(fit.status == 0, "\(fit)")
            let fitted = String(decoding: try tmp.read("fitted.json"), as: UTF8.self)
            // Not JSON null (the training block's missing tokens hold the string "null").
            #expect(fitted.contains(#""inf""#) && !fitted.contains(": null"), "\(fitted)")
            let run = try prepline(["run", "spec.json", "docs.csv", "-q"], cwd: tmp.path)
            let apply = try prepline(["apply", "fitted.json", "docs.csv", "-q"], cwd: tmp.path)
            #expect(run.status == 0 && apply.status == 0, "\(run)\n\(apply)")
            expectSameBytes(apply.stdout, run.stdout, output)

            try tmp.write("new.csv", "id,text\n1,apple\n2,zebra apple\n")
            let refused = try prepline(["apply", "fitted.json", "new.csv"], cwd: tmp.path)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("new.csv:3: record 2: column 'text': term 'zebra' has an infinite idf"), "\(refused)")
        }
    }

    // MARK: - exact moments

    /// scikit-learn's test_standard_scaler_near_constant_features shape: columns 1e10 ± 10^k
    /// (half the rows +, half -), plus large offsets with small noise (1e8 + N(0, 1e-4),
    /// -1e10 + N(0, 1)) and mixed magnitudes.
    static func nearConstantColumns(rows: Int) -> (csv: String, names: [String]) {
        var rng = SplitMix64(seed: 13)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        func gauss() -> Double { (-2 * log(uniform() + 1e-300)).squareRoot() * cos(2 * .pi * uniform()) }
        var columns: [(String, (Int) -> Double)] = stride(from: -30, through: 18, by: 3).map { k in
            ("s\(k + 30)", { i in 1e10 + (i < rows / 2 ? 1 : -1) * pow(10, Double(k)) })
        }
        columns.append(("offset_1e8", { _ in 1e8 + gauss() * 1e-4 }))
        columns.append(("offset_1e8_uniform", { _ in 1e8 + uniform() * 1e-3 }))
        columns.append(("offset_neg_1e10", { _ in -1e10 + gauss() }))
        columns.append(("mixed", { _ in [1e10, -1e-5, 3.0, 1e-300, 123456.789][Int(rng.next() % 5)] }))
        var csv = columns.map(\.0).joined(separator: ",") + "\n"
        for i in 0..<rows { csv += columns.map { "\($0.1(i))" }.joined(separator: ",") + "\n" }
        return (csv, columns.map(\.0))
    }

    @Test("zscore means and variances are exact (1e-13 of fractions.Fraction's) and byte-identical at every chunk size and thread count")
    func exactMomentsAtEveryChunking() throws {
        let tmp = try TempDir()
        let (csv, names) = Self.nearConstantColumns(rows: 400)
        try tmp.write("data.csv", csv)
        let columns = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": [\#(columns)], "method": "zscore"}]}"#)
        var reference: [UInt8]?
        for chunk in ["1", "7", "64", "1K", nil] {
            for threads in 1...4 {
                let options = (chunk.map { ["--chunk-size", $0] } ?? []) + ["--threads", "\(threads)"]
                let fit = try prepline(["fit", "spec.json", "data.csv", "-o", "fitted.json", "-q"] + options, cwd: tmp.path)
                try #require(fit.status == 0, "\(fit)")
                let fitted = try tmp.read("fitted.json")
                if let reference { expectSameBytes(fitted, reference, "chunk size \(chunk ?? "default"), \(threads) threads") } else { reference = fitted }
            }
        }
        let env = try E2E.tool("env")
        let script = E2E.packageRoot.appendingPathComponent("Tests/Conformance/exact_moments.py").path
        let check = try runProcess(env, ["python3", script, tmp.file("data.csv"), tmp.file("fitted.json"), "--tolerance", "1e-13"], timeout: 120)
        #expect(check.status == 0, "\(check)")
    }

    // MARK: - decimal commas

    /// Cells as a European file writes them, with the same numbers in "." spelling (nil: not a
    /// number in that spelling, as frictionless reads it with decimalChar "," and groupChar ".").
    static let europeanCells: [(String, String?)] = [
        ("1,50", "1.50"), ("2,25", "2.25"), ("1.234,5", "1234.5"), ("-0,5", "-0.5"), ("3", "3"), ("1,5e3", "1.5e3"),
        ("12.345.678,9", "12345678.9"), ("1,2,3", nil), ("abc", nil),
    ]

    @Test("input.decimal / the schema's decimalChar: run reads what validate accepts, as the '.' file reads")
    func decimalCommasAgreeWithValidate() throws {
        let tmp = try TempDir()
        let scale = #"[{"stage": "scale", "columns": ["price"], "method": "zscore"}, {"stage": "fill", "columns": ["qty"], "strategy": "mean"}]"#
        let schema = #"{"fields": [{"name": "price", "type": "number", "decimalChar": ",", "groupChar": "."}, {"name": "qty", "type": "number"}]}"#
        let plainSchema = #"{"fields": [{"name": "price", "type": "number"}, {"name": "qty", "type": "number"}]}"#
        let specs = [
            // the schema's own decimalChar, and input.decimal with a schema that gives none.
            #"{"prepline": 1, "input": {"delimiter": ";"}, "schema": \#(schema), "stages": \#(scale)}"#,
            #"{"prepline": 1, "input": {"delimiter": ";", "decimal": ",", "group": "."}, "schema": \#(plainSchema), "stages": \#(scale)}"#,
        ]
        for (i, cell) in Self.europeanCells.enumerated() {
            try tmp.write("eu.csv", "price;qty\n\(cell.0);1\n4,5;\n7;2\n")
            try tmp.write("dot.csv", "price;qty\n\(cell.1 ?? "x");1\n4.5;\n7;2\n")
            try tmp.write("dot.json", #"{"prepline": 1, "input": {"delimiter": ";"}, "stages": \#(scale)}"#)
            let expected = try prepline(["run", "dot.json", "dot.csv", "-q"], cwd: tmp.path)
            for (k, spec) in specs.enumerated() {
                try tmp.write("eu.json", spec)
                let validate = try prepline(["validate", "eu.json", "eu.csv", "-q"], cwd: tmp.path)
                let run = try prepline(["run", "eu.json", "eu.csv", "-q"], cwd: tmp.path)
                #expect(validate.status == (cell.1 == nil ? 1 : 0), "cell \(i) '\(cell.0)', spec \(k): \(validate)")
                #expect(run.status == validate.status, "cell \(i) '\(cell.0)', spec \(k): validate \(validate.status), run \(run)")
                if cell.1 != nil { expectSameBytes(run.stdout, expected.stdout, "cell \(i) '\(cell.0)', spec \(k)") }
            }
        }
    }

    @Test("input.decimal and input.group are refused when they collide", arguments: [
        (#"{"delimiter": ";", "decimal": ";"}"#, "input.decimal"),
        (#"{"decimal": ","}"#, "input.decimal"),
        (#"{"delimiter": ";", "decimal": ",", "group": ","}"#, "input.group"),
        (#"{"delimiter": ";", "decimal": ",,"}"#, "input.decimal"),
        (#"{"delimiter": ";", "decimal": "e"}"#, "input.decimal"),
    ])
    func collidingNumberSpellingsAreSpecErrors(input: String, path: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a\n1\n")
        try tmp.write("spec.json", #"{"prepline": 1, "input": \#(input), "stages": []}"#)
        let run = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(run.status == 2 && run.stderr.contains("spec.json: \(path):"), "\(run)")
    }
}

/// Found by a review after the issue 12 fixes: finite values whose variance overflows a double
/// were z-scored with a scale of 1 (x - mean written, exit 0), and a spec with a UTF-8 BOM was
/// refused at a position past its end.
@Suite("Numbers and specs at the edges")
struct NumberEdgeTests {
    @Test("a variance that overflows a double is an error naming the column, never a scale of 1")
    func overflowingVariance() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a\n1\n1e200\n3\n")
        try tmp.write("z.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "method": "zscore"}]}"#)
        for command in ["run", "fit"] {
            let result = try prepline([command, "z.json", "in.csv"], cwd: tmp.path)
            #expect(result.status == 2, "\(command): \(result)")
            #expect(result.stderr.contains("column 'a'") && result.stderr.contains("variance"), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command): \(visible(result.stdout))")
        }
    }

    @Test("a spec file that starts with a UTF-8 BOM is read like one without")
    func specWithBOM() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a\n1\n")
        try tmp.write("bom.json", [0xEF, 0xBB, 0xBF] + Array(#"{"prepline": 1, "stages": []}"#.utf8) + [0x0A])
        let result = try prepline(["run", "bom.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == "a\n1\n")
    }
}

@Suite("One-hot on a scaled column")
struct OneHotAfterScaleTests {
    /// A one-hot on a z-scored column read an ordinary number's significand as a fit-time
    /// placeholder and trapped (exit 132, "Not enough bits"), found while fixing issue 12.
    @Test("onehot after zscore on the same column: no trap, one column per scaled value")
    func oneHotOfScaled() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a,b\n1,2\n3,4\n1,5\n")
        try tmp.write("s.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a", "b"], "method": "zscore"}, {"stage": "onehot", "columns": ["a"]}]}"#)
        let result = try prepline(["run", "s.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutText.split(separator: "\n")
        #expect(lines.count == 4, "\(result)")
        #expect(lines.first.map { $0.split(separator: ",").filter { $0.hasPrefix("a_") }.count } == 2, "\(result)")
    }
}
