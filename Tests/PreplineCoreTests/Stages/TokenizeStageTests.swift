import Foundation
import Testing

/// `tokenize` in-process: options and their errors, binding, the terms of each text against a
/// plain-Swift analyzer (lowercase, stop words, n-grams), the options a later `tfidf` inherits,
/// the rewrite a `tfidf` forbids in between, and the same output at every chunk size.
@Suite struct TokenizeStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "tokenize", "columns": ["t"]}"#,
        #"{"stage": "tokenize", "columns": ["t"], "lowercase": false, "stopwords": "english", "ngrams": [1, 3]}"#,
        #"{"stage": "tokenize", "columns": ["t"], "stopwords": ["a", "b"], "strip_accents": "unicode", "pattern": "\\w+"}"#,
        #"{"stage": "tokenize", "columns": ["t"], "stopwords": null, "strip_accents": null, "ngrams": [16, 16]}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "tokenize", "columns": ["t"], "lowercse": true}"#, "stages[0].lowercse", #"did you mean "lowercase""#),
            (#"{"stage": "tokenize", "columns": ["t"], "lowercase": "yes"}"#, "stages[0].lowercase", "expected true or false"),
            (#"{"stage": "tokenize", "columns": ["t"], "pattern": 5}"#, "stages[0].pattern", "expected a string"),
            (#"{"stage": "tokenize", "columns": ["t"], "pattern": ""}"#, "stages[0].pattern", "non-empty"),
            (#"{"stage": "tokenize", "columns": ["t"], "pattern": "("}"#, "stages[0].pattern", "not a valid regular expression"),
            (#"{"stage": "tokenize", "columns": ["t"], "stopwords": "englsh"}"#, "stages[0].stopwords", #"did you mean "english""#),
            (#"{"stage": "tokenize", "columns": ["t"], "stopwords": ["a", 1]}"#, "stages[0].stopwords[1]", "expected a string"),
            (#"{"stage": "tokenize", "columns": ["t"], "ngrams": [2, 1]}"#, "stages[0].ngrams", "1 <= min <= max <= 16"),
            (#"{"stage": "tokenize", "columns": ["t"], "ngrams": [0, 1]}"#, "stages[0].ngrams", "1 <= min <= max <= 16"),
            (#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1, 17]}"#, "stages[0].ngrams", "1 <= min <= max <= 16"),
            (#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1.5, 2]}"#, "stages[0].ngrams", "integers"),
            (#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1]}"#, "stages[0].ngrams", "expected [min, max]"),
            (#"{"stage": "tokenize", "columns": ["t"], "strip_accents": "ascii"}"#, "stages[0].strip_accents", #"expected "unicode" or null"#),
            // An option of another stage.
            (#"{"stage": "tokenize", "columns": ["t"], "min_df": 2}"#, "stages[0].min_df", "unknown key"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Binding

    @Test func globsAndUnknownColumns() throws {
        let bound = try H.bind(spec: H.spec(#"{"stage": "tokenize", "columns": ["*_text"]}"#), columns: ["title_text", "id", "body_text"])
        #expect(bound == [["title_text", "body_text"]])
        let failure = try #require(H.bindFailure(spec: H.spec(#"{"stage": "tokenize", "columns": ["titel"]}"#), columns: ["title", "body"]))
        #expect(failure.path == "stages[0].columns[0]")
        #expect(failure.message.contains(#"did you mean "title""#), "\(failure)")
    }

    @Test func noStageMayRewriteTokensATfidfConsumes() throws {
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"]}"#, #"{"stage": "fill", "columns": ["t"], "strategy": "constant", "value": "x"}"#,
                          #"{"stage": "tfidf", "columns": ["t"]}"#)
        let failure = try #require(H.bindFailure(spec: spec, columns: ["t"]))
        #expect(failure.path == "stages[1]")
        #expect(failure.message.contains("tokenized by stages[0] tokenize for the tfidf at stages[2]"), "\(failure)")
    }

    // MARK: Apply

    /// Each text becomes its terms joined by one space, as the reference analyzer splits it; a
    /// missing value stays missing. Nothing is learned: apply takes the spec as it is.
    @Test(arguments: [
        (#""lowercase": true"#, true, Set<String>(), 1, 1),
        (#""lowercase": false, "ngrams": [1, 2]"#, false, Set<String>(), 1, 2),
        (#""stopwords": ["the", "of"], "ngrams": [2, 3]"#, true, Set(["the", "of"]), 2, 3),
    ])
    func termsMatchTheReference(options: String, lowercase: Bool, stopWords: Set<String>, low: Int, high: Int) throws {
        var rng = SplitMix64(seed: 9400)
        let words = ["The", "cat", "of", "a", "DOG", "x_1", "42", "b2b", "sat", "the"]
        let separators = [" ", "  ", "-", ". ", "!", "'"]
        let texts = (0..<40).map { _ in
            Double.random(in: 0..<1, using: &rng) < 0.1 ? "" :
                (0..<Int.random(in: 1...8, using: &rng)).map { _ in words.randomElement(using: &rng)! + separators.randomElement(using: &rng)! }.joined()
        }
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"], \#(options)}"#)
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let out = SimpleTable(try H.apply(spec: spec, csv: csv))
        #expect(out.header == ["id", "t"])
        for (r, text) in texts.enumerated() {
            let expected = text.isEmpty ? "" : StageReference.terms(text, lowercase: lowercase, stopWords: stopWords, ngrams: (low, high)).joined(separator: " ")
            #expect(out.rows[r][1] == expected, "\(text)")
        }
        #expect(!(try FittedSpec(try H.fit(spec: spec, csv: csv))).hasFittedBlock(stage: 0), "tokenize learns nothing")
    }

    @Test func stripAccentsRemovesCombiningMarks() throws {
        let out = SimpleTable(try H.apply(spec: H.spec(#"{"stage": "tokenize", "columns": ["t"], "strip_accents": "unicode"}"#), csv: "t\nCafé Über naïve\n"))
        #expect(out.column("t") == ["cafe uber naive"])
    }

    /// A `tfidf` after a `tokenize` on the same column uses its options: here its vocabulary
    /// keeps case and holds the bigrams.
    @Test func aLaterTfidfUsesTheTokenizersOptions() throws {
        let texts = ["Red fox", "red Fox jumps", "RED"]
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"], "lowercase": false, "ngrams": [1, 2]}"#, #"{"stage": "tfidf", "columns": ["t"]}"#)
        let fitted = try FittedSpec(try H.fit(spec: spec, csv: csvText([("t", texts)])))
        let expected = StageReference.categories(texts.flatMap { StageReference.terms($0, lowercase: false, ngrams: (1, 2)) })
        #expect(fitted.strings(stage: 1, column: "t", key: "vocabulary") == expected)
        #expect(!fitted.hasFittedBlock(stage: 0))
    }

    // MARK: Chunking

    @Test func outputIsTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 9500)
        let texts = (0..<200).map { _ in (0..<Int.random(in: 0...6, using: &rng)).map { _ in ["alpha", "Beta", "gamma_2", "d", "é"].randomElement(using: &rng)! }.joined(separator: " ") }
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1, 2], "stopwords": "english"}"#)
        let reference = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
    }
}
