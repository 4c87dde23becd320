/// `tokenize`: scikit-learn's word analyzer (CountVectorizer's `lowercase`, `token_pattern`,
/// `stop_words`, `ngram_range`, `strip_accents`). A `tfidf` later on the same column consumes
/// the tokens directly (they never become text); otherwise the column becomes its terms joined
/// by one space. A missing value stays missing.
package struct TokenizeStage: PipelineStage {
    package static let kind = "tokenize"
    package static let summary = "split text into terms as scikit-learn's analyzer: lowercase, pattern, stopwords, ngrams, strip_accents"

    package let position: Int
    package let selectors: [String]
    package let tokenizer: Tokenizer
    private let file: String
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// Column name → position of the `tfidf` that consumes its tokens.
    package private(set) var consumers: [String: Int] = [:]
    package var columnNames: [String] { boundNames }
    package var isFitted: Bool { true }
    package var fittedJSON: JSONValue? { nil }
    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { [] }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let values = try reader.stageOptions(Self.options)
        selectors = values.columns
        let options = TokenizerOptions(values)
        try reader.finish()
        do {
            tokenizer = try Tokenizer(options, label: "stages[\(position)] \(Self.kind)")
        } catch {
            throw reader.fail("pattern", error.message)
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position)
        for name in boundNames { columns.tokenized[name] = (position, tokenizer, name) }
    }

    package mutating func planBound(_ columns: PlanColumns) throws(PreplineError) {
        consumers = [:]
        for name in boundNames { consumers[name] = columns.tokenConsumers["\(position):\(name)"] }
    }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) { apply(&batch) }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}

    /// Between a `tokenize` and the `tfidf` that consumes its tokens, no stage may rewrite the
    /// column: the tokens are never materialized there, so that stage would see the raw text.
    package func checkPlan(_ stages: [any PipelineStage]) throws(PreplineError) {
        for (name, consumer) in consumers {
            if let between = stages.first(where: { $0.position > position && $0.position < consumer && $0.rewritesValues && $0.columnNames.contains(name) }) {
                throw PreplineError.spec(file: file, path: "stages[\(between.position)]",
                                         message: "column '\(name)' is tokenized by \(label) for the tfidf at stages[\(consumer)]; no stage may rewrite it in between (\(between.label))")
            }
        }
    }

    package func apply(_ batch: inout Batch) {
        var scratch = TokenScratch()
        for (i, c) in bound.enumerated() where consumers[boundNames[i]] == nil {
            var text = batch.textColumn(c)
            var joined = TextColumn(refs: text.refs)
            for r in 0..<batch.rowCount where batch.work.isGood(r) {
                guard let bytes = batch.bytes(of: text.refs[r], in: text) else { continue }
                var sink = JoinedTerms()
                if let bad = tokenizer.terms(of: bytes, scratch: &scratch, into: &sink) {
                    batch.work.reject(record: r, reason: Self.invalidUTF8(column: boundNames[i], offset: bad, label: label), fix: Self.invalidUTF8Fix)
                    continue
                }
                joined.refs[r] = TextColumn.extraRef(joined.extras.count)
                joined.extras.append(sink.bytes)
            }
            text = joined
            batch.columns[c] = .text(text)
        }
    }

    /// The row-level error for a text that is not UTF-8 (the line and file are added by the report).
    package static func invalidUTF8(column: String, offset: Int, label: String) -> String {
        "column '\(column)': invalid UTF-8 at byte \(offset + 1) of the value (\(label))"
    }

    /// The fix for a text that is not UTF-8 is usually the file's encoding, not skipping rows.
    package static let invalidUTF8Fix = "if the file is not UTF-8, set input.encoding to \"latin-1\" or \"cp1252\""
}

extension TokenizerOptions {
    /// The analyzer options of a `tokenize` stage, as its option table checked them.
    init(_ values: StageOptionValues) {
        self.init()
        lowercase = values.bool("lowercase")
        pattern = values.string("pattern")!
        switch values.value("stopwords") {
        case .string("english")?: stopWords = EnglishStopWords.words
        case .array?: stopWords = values.strings("stopwords")!
        default: break
        }
        if let (low, high) = values.pair("ngrams") { ngrams = (Int(low), Int(high)) }
        stripAccents = values.string("strip_accents") == "unicode"
    }
}

extension TokenizeStage {
    package static let options = StageOptionTable([
        StageOption("lowercase", .bool, default: .bool(true), "Lowercase first, as Python's str.lower()."),
        StageOption("pattern", .string(nonEmpty: "expected a non-empty regular expression"), default: .string(TokenizerOptions.defaultPattern),
                    "The token regular expression (scikit-learn's token_pattern). The default has a hand-written fast path equal to Python's re; other patterns run on ICU regular expressions with \\w, \\W, \\b and \\B given Python's meaning."),
        StageOption("stopwords", .namedOrStrings(["english"]), "Terms removed before n-grams: \"english\" (scikit-learn's ENGLISH_STOP_WORDS) or a list.",
                    invalidMessage: { value in
                        let typo: String
                        if case .string(let name) = value { typo = Suggestion.didYouMean(name, in: ["english"]) } else { typo = "" }
                        return "expected \"english\" (scikit-learn's list), an array of words, or null, got \(value.serialized())\(typo)"
                    }),
        StageOption("ngrams", .integerPair(within: 1...16), default: .array([.number(1), .number(1)]),
                    "[min, max] word n-grams, joined by one space (scikit-learn's ngram_range)."),
        StageOption("strip_accents", .nullableChoice(["unicode", nil]), default: .null,
                    "unicode: NFKD, then combining marks removed (scikit-learn's strip_accents_unicode), after lowercasing.",
                    invalidMessage: { "expected \"unicode\" or null, got \($0.serialized()) (scikit-learn's \"ascii\" is not available)" }),
    ])

    package var learnedParameters: String { "nothing" }

    package var columnEffect: String? {
        let consumed = boundNames.compactMap { name in consumers[name].map { "\(name) → stages[\($0)] tfidf" } }
        if !consumed.isEmpty && consumed.count == boundNames.count {
            return "hands the terms to the tfidf that reads the column, never written as text (\(consumed.joined(separator: ", ")))"
        }
        return "replaces each text by its terms joined by one space, unless a later tfidf consumes them"
    }
}
