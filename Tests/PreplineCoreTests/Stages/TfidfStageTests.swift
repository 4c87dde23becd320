import Foundation
import Testing

/// `tfidf` in-process: options and their errors, binding, the vocabulary (min_df, max_df,
/// max_features) and idf against scikit-learn's formulas computed here, the weights of dense and
/// sparse output, a given vocabulary, the fitted spec read back ("inf" included), and the fit at
/// every chunk size and thread count.
@Suite struct TfidfStageTests {
    typealias H = StageHarness

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "tfidf", "columns": ["t"]}"#,
        #"{"stage": "tfidf", "columns": ["t"], "min_df": 2, "max_df": 0.9, "max_features": 10, "norm": "l1", "output": "sparse"}"#,
        #"{"stage": "tfidf", "columns": ["t"], "min_df": 0.0, "max_df": 5, "binary": true, "sublinear_tf": true, "norm": null}"#,
        #"{"stage": "tfidf", "columns": ["t"], "vocabulary": ["a", "b"], "use_idf": false, "smooth_idf": false, "norm": "none"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "tfidf", "columns": ["t"], "min_dff": 2}"#, "stages[0].min_dff", #"did you mean "min_df""#),
            (#"{"stage": "tfidf", "columns": ["t"], "binary": "no"}"#, "stages[0].binary", "expected true or false"),
            (#"{"stage": "tfidf", "columns": ["t"], "min_df": "2"}"#, "stages[0].min_df", "expected a number"),
            (#"{"stage": "tfidf", "columns": ["t"], "min_df": 1.5}"#, "stages[0].min_df", "a float is a fraction of the documents, from 0.0 to 1.0"),
            (#"{"stage": "tfidf", "columns": ["t"], "min_df": -1}"#, "stages[0].min_df", "expected a document count >= 0"),
            (#"{"stage": "tfidf", "columns": ["t"], "max_df": 0}"#, "stages[0].max_df", "must be at least 1"),
            (#"{"stage": "tfidf", "columns": ["t"], "max_features": 0}"#, "stages[0].max_features", "expected an integer from 1"),
            (#"{"stage": "tfidf", "columns": ["t"], "norm": "l3"}"#, "stages[0].norm", #"expected "l2", "l1" or "none""#),
            (#"{"stage": "tfidf", "columns": ["t"], "output": "spars"}"#, "stages[0].output", #"did you mean "sparse""#),
            (#"{"stage": "tfidf", "columns": ["t"], "vocabulary": []}"#, "stages[0].vocabulary", "at least one term"),
            (#"{"stage": "tfidf", "columns": ["t"], "vocabulary": ["a", "b", "a"]}"#, "stages[0].vocabulary[2]", "given twice"),
            (#"{"stage": "tfidf", "columns": ["t"], "vocabulary": ["a", 2]}"#, "stages[0].vocabulary[1]", "expected a string"),
            // Options of the tokenizer belong to a `tokenize` stage.
            (#"{"stage": "tfidf", "columns": ["t"], "ngrams": [1, 2]}"#, "stages[0].ngrams", "unknown key"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: Binding

    @Test func globsAndUnknownColumns() throws {
        let bound = try H.bind(spec: H.spec(#"{"stage": "tfidf", "columns": ["note*"]}"#), columns: ["id", "notes", "note2"])
        #expect(bound == [["notes", "note2"]])
        let failure = try #require(H.bindFailure(spec: H.spec(#"{"stage": "tfidf", "columns": ["nots"]}"#), columns: ["id", "notes"]))
        #expect(failure.path == "stages[0].columns[0]")
        #expect(failure.message.contains(#"did you mean "notes""#), "\(failure)")
        let later = H.spec(#"{"stage": "tfidf", "columns": ["notes"]}"#, #"{"stage": "fill", "columns": ["notes"], "strategy": "constant", "value": ""}"#)
        let expanded = try #require(H.bindFailure(spec: later, columns: ["notes"]))
        #expect(expanded.path == "stages[1].columns[0]")
        #expect(expanded.message.contains("expanded by stages[0] tfidf"), "\(expanded)")
    }

    // MARK: Fit and apply

    /// The vocabulary, idf and dense weights against scikit-learn's TfidfVectorizer formulas
    /// computed here: df thresholds (a count, or a fraction of the documents), smooth idf
    /// ln((1+n)/(1+df)) + 1 (else ln(n/df) + 1), tf (binary, sublinear 1 + ln tf), then the norm.
    /// A missing text is an empty document.
    @Test(arguments: [
        (#""min_df": 2"#, 2.0, false, 1.0, true, true, false, false, "l2"),
        (#""min_df": 0.1, "max_df": 0.6, "smooth_idf": false, "norm": "l1""#, 0.1, true, 0.6, true, false, false, false, "l1"),
        (#""max_df": 12, "binary": true, "sublinear_tf": true"#, 1.0, false, 12.0, false, true, true, true, "l2"),
        (#""min_df": 2, "sublinear_tf": true, "norm": "none""#, 2.0, false, 1.0, true, true, false, true, "none"),
    ])
    func weightsMatchTheReference(options: String, minDF: Double, minIsFraction: Bool, maxDF: Double, maxIsFraction: Bool,
                                  smooth: Bool, binary: Bool, sublinear: Bool, norm: String) throws {
        var rng = SplitMix64(seed: 9600)
        let words = ["apple", "berry", "cherry", "date", "elder", "fig", "grape", "x", "apple", "apple", "berry"]
        // One document with two rare terms, so every threshold set here removes something.
        let texts = ["kiwi lime apple"] + (0..<30).map { _ in
            Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : (0..<Int.random(in: 1...7, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        }
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let (fitted, output) = try H.fitAndApply(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], \#(options)}"#), csv: csv)

        let documents = texts.map { StageReference.terms($0) }
        let n = Double(documents.count)
        var df: [String: Double] = [:]
        for document in documents { for term in Set(document) { df[term, default: 0] += 1 } }
        let low = minIsFraction ? minDF * n : minDF, high = maxIsFraction ? maxDF * n : maxDF
        let vocabulary = StageReference.categories(df.keys.filter { df[$0]! >= low && df[$0]! <= high })
        #expect(!vocabulary.isEmpty && vocabulary.count < df.count, "the thresholds should remove some terms")
        #expect(fitted.strings(stage: 0, column: "t", key: "vocabulary") == vocabulary)
        let idf = vocabulary.map { smooth ? log((1 + n) / (1 + df[$0]!)) + 1 : log(n / df[$0]!) + 1 }
        #expect(fitted.numbers(stage: 0, column: "t", key: "idf") == idf)

        let out = SimpleTable(output)
        #expect(out.header == ["id"] + vocabulary.map { "t_\($0)" })
        for (r, document) in documents.enumerated() {
            var weights = vocabulary.indices.map { i -> Double in
                let count = Double(document.filter { $0 == vocabulary[i] }.count)
                guard count > 0 else { return 0 }
                let tf = binary ? 1 : sublinear ? 1 + log(count) : count
                return tf * idf[i]
            }
            let total = norm == "l2" ? weights.map { $0 * $0 }.reduce(0, +).squareRoot() : norm == "l1" ? weights.map(abs).reduce(0, +) : 1
            if total > 0 { weights = weights.map { $0 / total } }
            let written = out.rows[r].dropFirst().map { Double($0)! }
            for (w, x) in zip(weights, written) { #expect(abs(w - x) <= 1e-15 * max(1, abs(w)), "row \(r): \(written) vs \(weights)") }
        }
    }

    /// max_features keeps the terms most frequent over the corpus; a tie keeps the earlier term
    /// (scikit-learn's stable sort of the negated counts, on the sorted vocabulary).
    @Test func maxFeaturesKeepsTheMostFrequentTerms() throws {
        let texts = ["aa bb", "bb cc dd", "dd dd ee", "aa", "cc ff"]
        let (fitted, _) = try H.fitAndApply(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "max_features": 3}"#), csv: csvText([("t", texts)]))
        var counts: [String: Int] = [:]
        for term in texts.flatMap({ StageReference.terms($0) }) { counts[term, default: 0] += 1 }
        let sorted = StageReference.categories(Array(counts.keys))
        let kept = sorted.enumerated().sorted { counts[$0.element]! != counts[$1.element]! ? counts[$0.element]! > counts[$1.element]! : $0.offset < $1.offset }
            .prefix(3).map(\.element)
        #expect(Set(kept) == ["dd", "aa", "bb"], "aa, bb and cc tie at 2: the data tests the tie")
        #expect(fitted.strings(stage: 0, column: "t", key: "vocabulary") == StageReference.categories(kept))
    }

    @Test func thresholdsThatLeaveNoDocumentsAreRefused() throws {
        let failure = try #require(H.failure { try H.fit(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "min_df": 3, "max_df": 2}"#), csv: "t\na b\nc d\nee ff\n") })
        #expect(failure.exitCode == 2)
        #expect(failure.path == "stages[0]")
        #expect(failure.message.contains("corresponds to fewer documents than min_df"), "\(failure)")
    }

    /// Sparse output: the column becomes term:weight pairs in vocabulary order (zero weights
    /// left out), the same weights as dense.
    @Test func sparseOutputHoldsTheDenseWeights() throws {
        let csv = "t,k\nred fox,1\nfox fox dog,2\n,3\n"
        let dense = SimpleTable(try H.run(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"]}"#), csv: csv))
        let sparse = SimpleTable(try H.run(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "output": "sparse"}"#), csv: csv))
        #expect(sparse.header == ["t", "k"])
        let terms = dense.header.filter { $0.hasPrefix("t_") }.map { String($0.dropFirst(2)) }
        for r in dense.rows.indices {
            let pairs = zip(terms, dense.rows[r].prefix(terms.count)).filter { Double($0.1)! != 0 }.map { "\($0.0):\($0.1)" }
            #expect(sparse.rows[r][0] == pairs.joined(separator: " "), "row \(r)")
        }
    }

    /// A given vocabulary keeps its order; without idf nothing is learned (apply takes the spec
    /// as it is) and the weights are the normalised counts.
    @Test func aGivenVocabularyWithoutIdfNeedsNoFit() throws {
        let spec = H.spec(#"{"stage": "tfidf", "columns": ["t"], "vocabulary": ["zebra", "ant"], "use_idf": false, "norm": "l1"}"#)
        let out = SimpleTable(try H.apply(spec: spec, csv: "t\nant ant zebra bee\nbee\n"))
        #expect(out.header == ["t_zebra", "t_ant"])
        #expect(out.rows.map { $0.map { Double($0)! } } == [[1.0 / 3, 2.0 / 3], [0, 0]])
    }

    // MARK: The fitted spec

    /// apply with the fitted spec gives run's output, an infinite idf (smooth_idf false, a given
    /// term no document holds) included; the vocabulary and idf are read back (apply follows an
    /// edited spec) and a bad entry is an error at its path.
    @Test func fittedSpecRoundTrips() throws {
        let csv = "t,k\nred fox,1\nred red dog,2\n,3\n"
        let spec = H.spec(#"{"stage": "tfidf", "columns": ["t"], "vocabulary": ["red", "cat", "dog", "fox"], "smooth_idf": false, "norm": "none"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        #expect(fitted.json(stage: 0, column: "t", key: "idf")?.contains(#""inf""#) == true)
        #expect(SimpleTable(output).header == ["t_red", "t_cat", "t_dog", "t_fox", "k"])

        var edited = try FittedSpec(try fitted.replacing(stage: 0, column: "t", key: "vocabulary", json: #"["dog", "red"]"#))
        edited = try FittedSpec(try edited.replacing(stage: 0, column: "t", key: "idf", json: "[3, 0.5]"))
        let out = SimpleTable(try H.apply(spec: edited.text, csv: csv))
        #expect(out.header == ["t_dog", "t_red", "k"])
        #expect(out.rows.map { $0.map { Double($0)! } } == [[0, 0.5, 1], [3, 1, 2], [0, 0, 3]])

        let bad: [(key: String, json: String?, says: String)] = [
            ("vocabulary", nil, "missing"),
            ("vocabulary", #"["a", 1]"#, "expected a string"),
            ("idf", nil, "missing"),
            ("idf", "[1, 2]", "expected 4 numbers"),
            ("idf", #"[1, 2, "big", 3]"#, #"expected numbers (or "inf""#),
            ("idf", "1", "expected an array"),
            ("norm", #""l2""#, "unknown key"),
        ]
        for item in bad {
            let text = try fitted.replacing(stage: 0, column: "t", key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path?.hasPrefix("stages[0].fitted.t.\(item.key)") == true, "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Chunking

    @Test func fittedSpecIsTheSameAtEveryChunking() throws {
        var rng = SplitMix64(seed: 9700)
        let words = (0..<40).map { "w\($0 * $0 % 97)" }
        let texts = (0..<250).map { _ in
            Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : (0..<Int.random(in: 0...9, using: &rng)).map { _ in words[Int.random(in: 0..<words.count, using: &rng) * Int.random(in: 0...1, using: &rng)] }.joined(separator: " ")
        }
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1, 2]}"#,
                          #"{"stage": "tfidf", "columns": ["t"], "min_df": 2, "max_df": 0.8, "max_features": 60, "sublinear_tf": true}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
        // And the output of run, which is written by chunk too.
        let output = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        #expect(try H.run(spec: spec, csv: csv, chunking: Chunking.variety[2]) == output)
    }
}
