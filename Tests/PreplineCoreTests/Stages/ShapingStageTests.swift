import Foundation
import Testing

/// `select`, `drop`, `rename` and `output.columns` in-process: their options and errors, what
/// they keep and in which order (globs, whole blocks), names kept unique, and that the fit
/// follows a column through a rename (the numbers equal those without the rename).
@Suite struct ShapingStageTests {
    typealias H = StageHarness

    static let csv = "id,city,age,income\n1,b,30,100\n2,a,,200\n3,b,50,\n4,c,40,400\n5,a,35,250\n"

    // MARK: Decoding

    @Test func errorsNameTheOptionsPath() throws {
        try H.expectDecodeFailures([
            (#"{"stage": "select"}"#, "stages[0].columns", "missing"),
            (#"{"stage": "select", "columns": []}"#, "stages[0].columns", "at least one"),
            (#"{"stage": "drop", "columns": "a"}"#, "stages[0].columns", "expected an array"),
            (#"{"stage": "select", "columns": ["a"], "map": {"a": "b"}}"#, "stages[0].map", "unknown key"),
            (#"{"stage": "rename"}"#, "stages[0].map", "missing"),
            (#"{"stage": "rename", "map": {}}"#, "stages[0].map", "at least one"),
            (#"{"stage": "rename", "map": {"a": 1}}"#, "stages[0].map.a", "expected a string"),
            (#"{"stage": "rename", "map": {"a": ""}}"#, "stages[0].map.a", "expected a new name"),
            (#"{"stage": "rename", "map": {"a": "z", "b": "z"}}"#, "stages[0].map.b", "would both be named 'z'"),
            (#"{"stage": "rename", "map": {"a": "b"}, "columns": ["a"]}"#, "stages[0].columns", "unknown key"),
        ])
        let output = try #require(H.decodeFailure(spec: #"{"prepline": 1, "output": {"columns": 3}}"#))
        #expect(output.path == "output.columns" && output.message.contains("expected \"all\" or a list"), "\(output)")
        let empty = try #require(H.decodeFailure(spec: #"{"prepline": 1, "output": {"columns": []}}"#))
        #expect(empty.path == "output.columns", "\(empty)")
        #expect(H.decodeFailure(spec: #"{"prepline": 1, "output": {"columns": "all"}}"#) == nil)
    }

    // MARK: What comes out

    private func header(_ output: String) -> [String] {
        String(output.prefix { $0 != "\n" }).components(separatedBy: ",")
    }

    @Test func selectKeepsTheNamedColumnsInTheGivenOrder() throws {
        let out = try H.run(spec: H.spec(#"{"stage": "select", "columns": ["income", "[ac]*", "id"]}"#), csv: Self.csv)
        #expect(header(out) == ["income", "city", "age", "id"])
        #expect(out.components(separatedBy: "\n")[2] == "200,a,,2", "values move with their column, missing tokens kept")
        let dropped = try H.run(spec: H.spec(#"{"stage": "drop", "columns": ["c*", "income"]}"#), csv: Self.csv)
        #expect(header(dropped) == ["id", "age"])
    }

    @Test func renameIsAllAtOnceAndLaterStagesUseTheNewNames() throws {
        let spec = H.spec(#"{"stage": "rename", "map": {"age": "income", "income": "age"}}"#,
                          #"{"stage": "scale", "columns": ["age"], "method": "minmax"}"#)
        let out = try H.run(spec: spec, csv: Self.csv)
        #expect(header(out) == ["id", "city", "income", "age"])
        // The column now named age is the old income, scaled as income itself would be.
        let direct = try H.run(spec: H.spec(#"{"stage": "scale", "columns": ["income"], "method": "minmax"}"#), csv: Self.csv)
        #expect(SimpleTable(out).column("age") == SimpleTable(direct).column("income"))
        #expect(SimpleTable(out).column("income") == SimpleTable(Self.csv).column("age"))
    }

    @Test func outputColumnsIsALastSelect() throws {
        let spec = H.spec(#"{"stage": "fill", "columns": ["age"], "strategy": "mean", "indicator": true}"#,
                          extra: #""output": {"columns": ["age_missing", "id"]}"#)
        let out = try H.run(spec: spec, csv: Self.csv)
        #expect(header(out) == ["age_missing", "id"])
        let fitted = try H.fit(spec: spec, csv: Self.csv)
        #expect(try H.apply(spec: fitted, csv: Self.csv) == out, "the fitted spec keeps output.columns")
    }

    @Test func aOneHotBlockIsSelectedWholeOrInPart() throws {
        let whole = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "select", "columns": ["city_*", "id"]}"#), csv: Self.csv)
        #expect(header(whole) == ["city_a", "city_b", "city_c", "id"])
        let part = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "select", "columns": ["city_c", "city_a"]}"#), csv: Self.csv)
        #expect(header(part) == ["city_c", "city_a"])
        #expect(SimpleTable(part).column("city_a") == ["0", "1", "0", "0", "1"])
        let gone = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "drop", "columns": ["city_*"]}"#), csv: Self.csv)
        #expect(header(gone) == ["id", "age", "income"])
        let typo = try #require(H.failure { try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "select", "columns": ["city_d"]}"#), csv: Self.csv) })
        #expect(typo.exitCode == 2 && typo.message.contains("not one of the columns made from 'city'"), "\(typo)")
    }

    // MARK: One name, one column

    @Test func aNameWrittenTwiceIsASpecErrorNamingBoth() throws {
        let cases: [(spec: String, csv: String, says: String)] = [
            (H.spec(#"{"stage": "rename", "map": {"age": "city"}}"#), Self.csv, "column 'city' would be written twice, by input column 2 and by input column 3 ('age') renamed"),
            (H.spec(#"{"stage": "onehot", "columns": ["a"]}"#), "a,a_x\nx,1\ny,2\n", "column 'a_x' would be written twice, by stages[0] onehot from 'a' and by input column 2"),
            (H.spec(#"{"stage": "fill", "columns": ["b"], "strategy": "mean", "indicator": true}"#), "b,b_missing\n1,0\n,1\n", "column 'b_missing' would be written twice, by stages[0] fill and by input column 2"),
            (H.spec(#"{"stage": "onehot", "columns": ["a", "a_x"]}"#), "a,a_x\nx_y,y\n", "column 'a_x_y' would be written twice"),
            (H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "rename", "map": {"id": "city_a"}}"#), Self.csv, "column 'city_a' would be written twice"),
        ]
        for (spec, csv, says) in cases {
            for run in [{ try H.run(spec: spec, csv: csv) }, { try H.fit(spec: spec, csv: csv) }] {
                let failure = try #require(H.failure(run), "accepted: \(spec)")
                #expect(failure.exitCode == 2 && failure.message.contains(says), "\(failure)")
            }
        }
    }

    @Test func whatCannotBeWrittenIsRefused() throws {
        let cases: [(spec: String, path: String, says: String)] = [
            (H.spec(#"{"stage": "drop", "columns": ["*"]}"#), "stages[0].columns", "leaves no column to write"),
            (H.spec(#"{"stage": "select", "columns": ["age", "age"]}"#), "stages[0].columns[1]", "'age' is given twice"),
            (H.spec(#"{"stage": "onehot", "columns": ["city"]}"#, #"{"stage": "rename", "map": {"id": "city"}}"#), "stages[1].map.id", "still names the block stages[0] onehot made"),
            (H.spec(#"{"stage": "rename", "map": {"age": "city"}}"#), "stages[0].map.age", "column 'city' would be written twice"),
            (H.spec(#"{"stage": "rename", "map": {"age": "years"}}"#, #"{"stage": "scale", "columns": ["age"]}"#), "stages[1].columns[0]", "unknown column 'age' (renamed to 'years' by stages[0])"),
            (H.spec(#"{"stage": "drop", "columns": ["age"]}"#, #"{"stage": "scale", "columns": ["age"]}"#), "stages[1].columns[0]", "unknown column 'age' (left out by stages[0] drop)"),
            (H.spec(#"{"stage": "select", "column": ["age"]}"#), "stages[0].columns", #"is "column" a typo of "columns"?"#),
        ]
        for (spec, path, says) in cases {
            let failure = try #require(H.failure { try H.run(spec: spec, csv: Self.csv) }, "accepted: \(spec)")
            #expect(failure.exitCode == 2 && failure.path == path && failure.message.contains(says), "\(failure)")
        }
    }

    /// A glob of a stage other than select/drop reaches one-hot columns only when aimed at
    /// their block: the same whether a select before it kept the block whole or expanded it.
    @Test func aBareGlobMeansTheSameWhetherABlockWasExpandedOrNot() throws {
        let csv = "c,x\np,1\nr,2\np,4\n"
        let expanded = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#, #"{"stage": "select", "columns": ["c_p", "c_r", "x"]}"#,
                                              #"{"stage": "scale", "columns": ["*"]}"#), csv: csv)
        let whole = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#, #"{"stage": "select", "columns": ["c_*", "x"]}"#,
                                           #"{"stage": "scale", "columns": ["*"]}"#), csv: csv)
        #expect(expanded == whole)
        #expect(SimpleTable(whole).column("c_p") == ["1", "0", "1"], "the one-hot columns are not scaled by '*'")
        let aimed = try H.run(spec: H.spec(#"{"stage": "onehot", "columns": ["c"]}"#, #"{"stage": "select", "columns": ["c_p", "x"]}"#,
                                           #"{"stage": "scale", "columns": ["c_*"], "method": "minmax"}"#), csv: csv)
        #expect(SimpleTable(aimed).column("c_p") == ["1.0", "0.0", "1.0"])
    }

    // MARK: Fitting through a rename

    @Test(arguments: Chunking.variety)
    func aFitFollowsItsColumnThroughARename(chunking: Chunking) throws {
        let plain = try H.run(spec: H.spec(#"{"stage": "fill", "columns": ["age"], "strategy": "median", "indicator": true}"#,
                                           #"{"stage": "scale", "columns": ["age", "age_missing"], "method": "zscore"}"#), csv: Self.csv, chunking: chunking)
        let renamed = try H.run(spec: H.spec(#"{"stage": "fill", "columns": ["age"], "strategy": "median", "indicator": true}"#,
                                             #"{"stage": "rename", "map": {"age": "years", "age_missing": "no_age"}}"#,
                                             #"{"stage": "scale", "columns": ["years", "no_age"], "method": "zscore"}"#), csv: Self.csv, chunking: chunking)
        #expect(SimpleTable(renamed).column("years") == SimpleTable(plain).column("age"))
        #expect(SimpleTable(renamed).column("no_age") == SimpleTable(plain).column("age_missing"))
    }

    @Test func tokensPassThroughARenameToTheirTfidf() throws {
        let csv = "id,review\n1,good movie good plot\n2,bad movie\n3,good acting bad plot\n"
        let plain = try H.run(spec: H.spec(#"{"stage": "tokenize", "columns": ["review"], "ngrams": [1, 2]}"#, #"{"stage": "tfidf", "columns": ["review"]}"#), csv: csv)
        let renamed = try H.run(spec: H.spec(#"{"stage": "tokenize", "columns": ["review"], "ngrams": [1, 2]}"#, #"{"stage": "rename", "map": {"review": "text"}}"#,
                                             #"{"stage": "tfidf", "columns": ["text"]}"#), csv: csv)
        #expect(renamed.replacingOccurrences(of: "text_", with: "review_") == plain, "the tfidf reads the tokenize's bigrams, not the joined text again")
    }
}
