import Foundation
import Testing

/// `onehot` in-process: options and their errors, binding, the categories learned (code-point
/// order, missing last) and the 0/1 columns, drop, handle_unknown, infrequent grouping against a
/// plain-Swift count, the fitted spec read back, and the fit at every chunk size and thread count.
@Suite struct OneHotStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "onehot", "columns": ["c"]}"#,
        #"{"stage": "onehot", "columns": ["c"], "drop": "first", "handle_unknown": "ignore"}"#,
        #"{"stage": "onehot", "columns": ["c"], "drop": null, "handle_unknown": "infrequent", "min_frequency": 2, "max_categories": 3}"#,
        #"{"stage": "onehot", "columns": ["c"], "drop": "if_binary", "min_frequency": 0.25}"#,
        #"{"stage": "onehot", "columns": ["c"], "categories": {"c": ["b", "a", null]}}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "onehot", "columns": ["c"], "handle_unknwn": "ignore"}"#, "stages[0].handle_unknwn", #"did you mean "handle_unknown""#),
            (#"{"stage": "onehot", "columns": ["c"], "handle_unknown": "ignor"}"#, "stages[0].handle_unknown", #"did you mean "ignore""#),
            (#"{"stage": "onehot", "columns": ["c"], "drop": 1}"#, "stages[0].drop", #"expected null, "first" or "if_binary""#),
            (#"{"stage": "onehot", "columns": ["c"], "drop": "last"}"#, "stages[0].drop", #"expected null, "first" or "if_binary""#),
            (#"{"stage": "onehot", "columns": ["c"], "min_frequency": 0}"#, "stages[0].min_frequency", "expected an integer count >= 1"),
            (#"{"stage": "onehot", "columns": ["c"], "min_frequency": 1.5}"#, "stages[0].min_frequency", "strictly between 0 and 1"),
            (#"{"stage": "onehot", "columns": ["c"], "min_frequency": 1.0}"#, "stages[0].min_frequency", "strictly between 0 and 1"),
            (#"{"stage": "onehot", "columns": ["c"], "min_frequency": "2"}"#, "stages[0].min_frequency", "expected a number"),
            (#"{"stage": "onehot", "columns": ["c"], "max_categories": 0}"#, "stages[0].max_categories", "expected an integer from 1"),
            (#"{"stage": "onehot", "columns": ["c"], "max_categories": 2.5}"#, "stages[0].max_categories", "expected an integer from 1"),
            (#"{"stage": "onehot", "columns": ["c"], "categories": ["a"]}"#, "stages[0].categories", "expected an object"),
            (#"{"stage": "onehot", "columns": ["c"], "categories": {"c": "a"}}"#, "stages[0].categories.c", "expected an array"),
            (#"{"stage": "onehot", "columns": ["c"], "categories": {"c": ["a", 1]}}"#, "stages[0].categories.c[1]", "expected a string"),
            (#"{"stage": "onehot", "columns": ["c"], "categories": {"c": ["a", "b", "a"]}}"#, "stages[0].categories.c[2]", "given twice"),
            (#"{"stage": "onehot", "columns": ["c"], "categories": {"c": [null, "a"]}}"#, "stages[0].categories.c[0]", "must be the last"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Binding

    @Test func globsAndUnknownColumns() throws {
        let bound = try H.bind(spec: H.spec(#"{"stage": "onehot", "columns": ["[ab]*"]}"#), columns: ["bird", "cat", "ant", "Bee"])
        #expect(bound == [["bird", "ant"]])
        let failure = try #require(H.bindFailure(spec: H.spec(#"{"stage": "onehot", "columns": ["colour"]}"#), columns: ["color", "size"]))
        #expect(failure.path == "stages[0].columns[0]")
        #expect(failure.message.contains(#"did you mean "color""#), "\(failure)")
    }

    @Test func categoriesForAnotherColumnAreRefused() throws {
        let spec = H.spec(#"{"stage": "onehot", "columns": ["size"], "categories": {"sise": ["s", "m"]}}"#)
        let failure = try #require(H.bindFailure(spec: spec, columns: ["size", "colour"]))
        #expect(failure.path == "stages[0].categories.sise")
        #expect(failure.message.contains(#"not one of this stage's columns (did you mean "size"?)"#), "\(failure)")
    }

    @Test func anExpandedColumnCannotBeNamedAgain() throws {
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"]}"#, #"{"stage": "onehot", "columns": ["c"]}"#)
        let failure = try #require(H.bindFailure(spec: spec, columns: ["c"]))
        #expect(failure.path == "stages[1].columns[0]")
        #expect(failure.message.contains("expanded by stages[0] onehot"), "\(failure)")
    }

    // MARK: Fit and apply

    /// Categories in code-point order with the missing category last, each column in its place,
    /// one 1 per row in the column of its value.
    @Test(arguments: 0..<4)
    func categoriesAndColumnsMatchTheReference(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(9100 + seed))
        let pool = ["b", "a", "B", "é", "a b", "_", "10", "9", "zz"]
        let count = Int.random(in: 1...80, using: &rng)
        let cells = (0..<count).map { _ in Double.random(in: 0..<1, using: &rng) < 0.15 ? "" : pool.randomElement(using: &rng)! }
        let ids = (0..<count).map(String.init)
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#), csv: csvText([("id", ids), ("c", cells), ("k", ids)]))

        let observed = StageReference.categories(cells.filter { !$0.isEmpty })
        let hasMissing = cells.contains("")
        let expected: [String?] = observed + (hasMissing ? [nil] : [])
        #expect(fitted.strings(stage: 0, column: "c", key: "categories") == expected)
        let out = SimpleTable(output)
        let names = expected.map { "c_\($0 ?? "nan")" }
        #expect(out.header == ["id"] + names + ["k"])
        for (r, cell) in cells.enumerated() {
            let hot = expected.firstIndex(of: cell.isEmpty ? nil : cell)!
            #expect(out.rows[r] == [ids[r]] + names.indices.map { $0 == hot ? "1" : "0" } + [ids[r]], "row \(r)")
        }
    }

    @Test func dropRemovesTheFirstColumn() throws {
        let csv = "c,d\nx,p\ny,q\nz,p\n"
        let first = SimpleTable(try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["c", "d"], "drop": "first"}"#), csv: csv))
        #expect(first.header == ["c_y", "c_z", "d_q"])
        #expect(first.rows == [["0", "0", "0"], ["1", "0", "1"], ["0", "1", "0"]])
        let binary = SimpleTable(try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["c", "d"], "drop": "if_binary"}"#), csv: csv))
        #expect(binary.header == ["c_x", "c_y", "c_z", "d_q"])
    }

    @Test func unknownCategoriesFollowHandleUnknown() throws {
        let train = "c\nx\ny\n", new = "c\ny\nw\n"
        let ignore = try H.fitAndApply(spec: H.spec(#"{"stage": "onehot", "columns": ["c"], "handle_unknown": "ignore"}"#), csv: train, applyTo: new)
        #expect(SimpleTable(ignore.output).rows == [["0", "1"], ["0", "0"]])

        let strict = try FittedSpec(try H.fit(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#), csv: train))
        let failure = try #require(H.failure { try H.apply(spec: strict.text, csv: new) })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons == ["column 'c': unknown category 'w' (stages[0] onehot)"])

        // A given category list: a value outside it is a row error in the fit already.
        let given = H.spec(#"{"stage": "onehot", "columns": ["c"], "categories": {"c": ["x", "y"]}}"#)
        let fitFailure = try #require(H.failure { try H.fit(spec: given, csv: new) })
        #expect(fitFailure.rowReasons == ["column 'c': unknown category 'w' (stages[0] onehot)"])
    }

    /// Categories seen fewer than min_frequency times (a count, or a fraction of the rows) are
    /// grouped into <col>_infrequent, which also takes unknown values under "infrequent".
    @Test(arguments: ["3", "0.2"])
    func infrequentCategoriesAreGrouped(minFrequency: String) throws {
        var rng = SplitMix64(seed: 9200)
        let cells = (0..<40).map { _ in ["a", "a", "a", "b", "b", "c", "d", "d", "d", "d", "e", ""].randomElement(using: &rng)! }
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"], "handle_unknown": "infrequent", "min_frequency": \#(minFrequency)}"#)
        let csv = csvText([("c", cells), ("k", cells.indices.map(String.init))])
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv, applyTo: "c,k\nnever,0\n")

        var counts: [String?: Int] = [:]
        for cell in cells { counts[cell.isEmpty ? nil : cell, default: 0] += 1 }
        let threshold = minFrequency.contains(".") ? Double(minFrequency)! * Double(cells.count) : Double(minFrequency)!
        let categories: [String?] = StageReference.categories(cells.filter { !$0.isEmpty }) + (counts[nil] != nil ? [nil] : [])
        let infrequent = categories.filter { Double(counts[$0]!) < threshold }
        #expect(!infrequent.isEmpty && infrequent.count < categories.count, "the data should have both kinds")
        #expect(fitted.strings(stage: 0, column: "c", key: "categories") == categories)
        #expect(fitted.strings(stage: 0, column: "c", key: "infrequent") == infrequent)
        let out = SimpleTable(output)
        #expect(out.header == categories.filter { !infrequent.contains($0) }.map { "c_\($0 ?? "nan")" } + ["c_infrequent", "k"])
        #expect(out.rows == [Array(repeating: "0", count: out.header.count - 2) + ["1", "0"]], "an unknown value is infrequent")
    }

    /// max_categories keeps the most frequent categories and groups the rest; as scikit-learn's
    /// `_identify_infrequent` (a stable ascending sort of the counts, the last ones kept), a tie
    /// keeps the later category.
    @Test func maxCategoriesKeepsTheMostFrequent() throws {
        let cells = ["p", "q", "q", "r", "r", "s", "s", "s", "t"]
        let (fitted, _) = try H.fitAndApply(spec: H.spec(#"{"stage": "onehot", "columns": ["c"], "max_categories": 3}"#),
                                            csv: csvText([("c", cells), ("k", cells)]))
        var counts: [String: Int] = [:]
        for cell in cells { counts[cell, default: 0] += 1 }
        let categories = StageReference.categories(cells)
        // Two frequent ones (the third output column is the group).
        let ascending = categories.enumerated().sorted { counts[$0.element]! != counts[$1.element]! ? counts[$0.element]! < counts[$1.element]! : $0.offset < $1.offset }
        let kept = ascending.suffix(2).map(\.element)
        #expect(Set(kept) == ["r", "s"], "q and r tie: the data tests the tie")
        #expect(fitted.strings(stage: 0, column: "c", key: "infrequent") == categories.filter { !kept.contains($0) })
    }

    @Test func givenCategoriesNeedNoFit() throws {
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"], "categories": {"c": ["y", "x", null]}}"#)
        let out = SimpleTable(try H.apply(spec: spec, csv: "c,k\nx,1\ny,2\n,3\n"))
        #expect(out.header == ["c_y", "c_x", "c_nan", "k"])
        #expect(out.rows == [["0", "1", "0", "1"], ["1", "0", "0", "2"], ["0", "0", "1", "3"]])
        let failure = try #require(H.failure { try H.apply(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#), csv: "c\nx\n") })
        #expect(failure.path == "stages[0]")
        #expect(failure.message.contains("no fitted parameters"))
    }

    // MARK: The fitted spec

    /// apply with the fitted spec gives run's output; the categories and the infrequent group are
    /// read back from it (apply follows an edited list), and a bad entry is an error at its path.
    @Test func fittedSpecRoundTrips() throws {
        let csv = "c,d\nx,1\ny,2\n,3\nx,4\nz,5\n"
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"], "handle_unknown": "infrequent", "min_frequency": 2}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))

        let edited = try FittedSpec(try fitted.replacing(stage: 0, column: "c", key: "categories", json: #"["z", "x", "y", null]"#))
        let regrouped = try edited.replacing(stage: 0, column: "c", key: "infrequent", json: #"["x"]"#)
        let out = SimpleTable(try H.apply(spec: regrouped, csv: csv))
        #expect(out.header == ["c_z", "c_y", "c_nan", "c_infrequent", "d"])
        #expect(out.column("c_infrequent") == ["1", "0", "0", "1", "0"])
        #expect(out.column("c_z") == ["0", "0", "0", "0", "1"])

        let bad: [(key: String, json: String?, says: String)] = [
            ("categories", nil, "missing"),
            ("categories", #""x""#, "expected an array"),
            ("categories", #"["x", 2]"#, "expected strings"),
            ("infrequent", "{}", "expected an array"),
            ("drop", "null", "unknown key"),
        ]
        for item in bad {
            let text = try fitted.replacing(stage: 0, column: "c", key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == "stages[0].fitted.c.\(item.key)", "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Chunking

    @Test func fittedSpecIsTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 9300)
        let cells = (0..<300).map { _ in Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : "v\(Int.random(in: 0..<12, using: &rng) * Int.random(in: 0..<3, using: &rng))" }
        let csv = csvText([("c", cells), ("k", cells.indices.map(String.init))])
        let spec = H.spec(#"{"stage": "onehot", "columns": ["c"], "min_frequency": 0.04, "max_categories": 8, "handle_unknown": "infrequent"}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
    }
}
