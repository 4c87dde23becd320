import Foundation
import Testing

/// `tfidf` with `hash_features` in-process: the options it refuses, its weights against the
/// vocabulary tfidf's (where no two terms share a column the two are the same TF-IDF, keyed by
/// index instead of term), a fit state bounded by the width, the fitted spec read back, and the
/// fit at every chunk size and thread count. Its hashing is checked against scikit-learn in
/// MurmurHash3Tests and the conformance cases.
@Suite struct TfidfHashingTests {
    typealias H = StageHarness

    @Test func vocabularyOptionsAreRefused() throws {
        try H.expectDecodeFailures([
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "min_df": 2}"#, "stages[0].min_df", "needs a vocabulary"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "max_df": 0.5}"#, "stages[0].max_df", "needs a vocabulary"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "max_features": 3}"#, "stages[0].max_features", "needs a vocabulary"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "vocabulary": ["a"]}"#, "stages[0].vocabulary", "needs a vocabulary"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "output": "dense"}"#, "stages[0].output", "sparse"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 0}"#, "stages[0].hash_features", "expected an integer from 1"),
            (#"{"stage": "tfidf", "columns": ["t"], "hash_features": 2147483648}"#, "stages[0].hash_features", "expected an integer from 1"),
        ])
        #expect(H.decodeFailure(#"{"stage": "tfidf", "columns": ["t"], "hash_features": 8, "output": "sparse", "binary": true, "norm": "l1"}"#) == nil)
    }

    static func documents(rows: Int, seed: UInt64, words: [String]) -> String {
        var rng = SplitMix64(seed: seed)
        let texts = (0..<rows).map { _ in
            Double.random(in: 0..<1, using: &rng) < 0.1 ? "" : (0..<Int.random(in: 0...8, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        }
        return csvText([("id", texts.indices.map(String.init)), ("t", texts)])
    }

    /// Each row's pairs as (key, weight), in the order written.
    static func pairs(_ cell: String) -> [(key: String, weight: Double)] {
        cell.split(separator: " ").map { pair in
            let parts = pair.split(separator: ":")
            return (String(parts[0]), Double(parts[1])!)
        }
    }

    /// With a space wide enough that these few terms never share a column (2^20: the dense idf;
    /// 2^31 - 1: the idf looked up by index), every row holds the vocabulary tfidf's weights,
    /// keyed by index in increasing order; only the norm's summation order differs.
    @Test(arguments: [1 << 20, Int(Int32.max)])
    func wideSpaceGivesTheVocabularyWeights(features: Int) throws {
        let words = ["apple", "berry", "cherry", "date", "elder", "fig", "grape", "kiwi", "lime"]
        // One document per word first: each term's column is read off its own row.
        let random = SimpleTable(Self.documents(rows: 60, seed: 7, words: words))
        let csv = SimpleTable(header: random.header, rows: words.enumerated().map { ["w\($0.offset)", $0.element] } + random.rows).csv
        for options in [#""sublinear_tf": true"#, #""smooth_idf": false, "norm": "l1""#, #""binary": true, "norm": "none""#, #""use_idf": false"#] {
            let vocabulary = SimpleTable(try H.run(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "output": "sparse", \#(options)}"#), csv: csv))
            let hashed = SimpleTable(try H.run(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "hash_features": \#(features), \#(options)}"#), csv: csv))
            #expect(hashed.header == vocabulary.header)
            var columnOfTerm: [String: String] = [:]
            for (word, cell) in zip(words, hashed.column("t")) { columnOfTerm[word] = Self.pairs(cell).first?.key }
            for (termRow, indexRow) in zip(vocabulary.column("t"), hashed.column("t")) {
                let terms = Self.pairs(termRow), indexes = Self.pairs(indexRow)
                try #require(terms.count == indexes.count, "\(termRow) vs \(indexRow)")
                #expect(indexes.map { Int($0.key)! } == indexes.map { Int($0.key)! }.sorted(), "\(indexRow)")
                let byIndex = Dictionary(uniqueKeysWithValues: indexes.map { ($0.key, $0.weight) })
                for term in terms {
                    let weight = try #require(columnOfTerm[term.key].flatMap { byIndex[$0] }, "\(options): term \(term.key) not at its column in \(indexRow)")
                    #expect(abs(weight - term.weight) <= 1e-12 * abs(term.weight), "\(options): \(term) vs \(weight)")
                }
            }
            #expect(Set(columnOfTerm.values).count == columnOfTerm.count, "two terms in one column: \(columnOfTerm)")
        }
    }

    /// However many distinct terms, the fit keeps at most hash_features document frequencies:
    /// the fitted spec lists at most that many columns, in increasing order.
    @Test func theFitIsBoundedByTheWidth() throws {
        let words = (0..<3000).map { "w\($0)x" }
        let csv = Self.documents(rows: 400, seed: 8, words: words)
        let fitted = try FittedSpec(try H.fit(spec: H.spec(#"{"stage": "tfidf", "columns": ["t"], "hash_features": 16}"#), csv: csv))
        #expect(fitted.fittedKeys(stage: 0, column: "t") == ["indexes", "idf", "idf_other", "missing_ratio"])
        let indexes = try #require(fitted.numbers(stage: 0, column: "t", key: "indexes"))
        #expect(indexes.count <= 16 && indexes == indexes.sorted() && Set(indexes).count == indexes.count)
        #expect(fitted.numbers(stage: 0, column: "t", key: "idf")?.count == indexes.count)
    }

    /// apply with the fitted spec gives run's output; an edited idf is followed; a bad entry is
    /// an error at its path; with use_idf false nothing is learned.
    @Test func fittedSpecRoundTrips() throws {
        let csv = "t,k\nred fox,1\nred red dog,2\n,3\n"
        let spec = H.spec(#"{"stage": "tfidf", "columns": ["t"], "hash_features": 1000, "norm": "none"}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        let indexes = try #require(fitted.numbers(stage: 0, column: "t", key: "indexes"))
        #expect(indexes.count == 3)
        let other = try #require(fitted.number(stage: 0, column: "t", key: "idf_other"))
        #expect(other == log(4.0 / 1) + 1)

        let edited = try FittedSpec(try fitted.replacing(stage: 0, column: "t", key: "idf", json: "[2, 2, 2]"))
        let doubled = SimpleTable(try H.apply(spec: edited.text, csv: csv))
        #expect(Set(doubled.column("t")[0].split(separator: " ").map { $0.split(separator: ":")[1] }) == ["2.0"])

        let bad: [(key: String, json: String?, says: String)] = [
            ("indexes", nil, "missing"),
            ("indexes", "[5, 3, 1]", "increasing integers"),
            ("indexes", "[1, 2, 1000]", "increasing integers from 0 to 999"),
            ("idf", "[1, 2]", "expected 3 numbers"),
            ("idf", #"[1, "big", 3]"#, #"expected numbers (or "inf""#),
            ("idf_other", nil, "missing"),
            ("vocabulary", #"["a"]"#, "unknown key"),
        ]
        for item in bad {
            let text = try fitted.replacing(stage: 0, column: "t", key: item.key, json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path?.hasPrefix("stages[0].fitted.t.\(item.key)") == true, "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
        let plain = H.spec(#"{"stage": "tfidf", "columns": ["t"], "hash_features": 1000, "use_idf": false}"#)
        #expect(try H.apply(spec: plain, csv: csv) == (try H.run(spec: plain, csv: csv)))
    }

    /// smooth_idf false: a column no fitted document reached has an infinite idf, so a row that
    /// reaches it is refused at apply (as the vocabulary tfidf refuses such a term).
    @Test func anInfiniteIdfRejectsTheRow() throws {
        let spec = H.spec(#"{"stage": "tfidf", "columns": ["t"], "hash_features": 1000000, "smooth_idf": false}"#)
        let fitted = try FittedSpec(try H.fit(spec: spec, csv: "t\nred fox\n"))
        #expect(fitted.string(stage: 0, column: "t", key: "idf_other") == "inf")
        let failure = try #require(H.failure { try H.apply(spec: fitted.text, csv: "t\nred\nzebra\n") })
        #expect(failure.exitCode == 1, "\(failure)")
        #expect(failure.rowReasons.count == 1 && failure.rowReasons[0].contains("infinite idf"), "\(failure.rowReasons)")
    }

    @Test func fittedSpecAndOutputAreTheSameAtEveryChunking() throws {
        let words = (0..<200).map { "t\($0 * 7 % 211)" }
        let csv = Self.documents(rows: 250, seed: 9, words: words)
        let spec = H.spec(#"{"stage": "tokenize", "columns": ["t"], "ngrams": [1, 2]}"#,
                          #"{"stage": "tfidf", "columns": ["t"], "hash_features": 64, "sublinear_tf": true}"#)
        let reference = try H.fit(spec: spec, csv: csv, chunking: Chunking.variety[0])
        let output = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.fit(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == output, "\(chunking)")
        }
    }
}
