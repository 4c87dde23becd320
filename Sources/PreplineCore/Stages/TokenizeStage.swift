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
        selectors = try reader.columns()
        let options = try TokenizerOptions(&reader)
        try reader.finish()
        do {
            tokenizer = try Tokenizer(options, label: "stages[\(position)] \(Self.kind)")
        } catch {
            throw reader.fail("pattern", error.message)
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position)
        for name in boundNames { columns.tokenized[name] = (position, tokenizer) }
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
            if let between = stages.first(where: { $0.position > position && $0.position < consumer && $0.columnNames.contains(name) }) {
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
    /// Reads the analyzer options a `tokenize` stage takes.
    init(_ reader: inout SpecObjectReader) throws(PreplineError) {
        self.init()
        if let lower = try reader.bool("lowercase") { lowercase = lower }
        if let pattern = try reader.string("pattern") {
            guard !pattern.isEmpty else { throw reader.fail("pattern", "expected a non-empty regular expression") }
            self.pattern = pattern
        }
        if let value = reader.value("stopwords"), value != .null {
            switch value {
            case .string("english"): stopWords = EnglishStopWords.words
            case .array(let items):
                var words: [String] = []
                for (i, item) in items.enumerated() {
                    guard case .string(let word) = item else {
                        throw PreplineError.spec(file: reader.file, path: "\(reader.childPath("stopwords"))[\(i)]", message: "expected a string, got \(item.typeName)")
                    }
                    words.append(word)
                }
                stopWords = words
            default:
                let typo: String
                if case .string(let name) = value { typo = Suggestion.didYouMean(name, in: ["english"]) } else { typo = "" }
                throw reader.fail("stopwords", "expected \"english\" (scikit-learn's list), an array of words, or null, got \(value.serialized())\(typo)")
            }
        }
        if let value = reader.value("ngrams") {
            guard case .array(let items) = value, items.count == 2, case .number(let low, _) = items[0], case .number(let high, _) = items[1],
                  low == low.rounded(), high == high.rounded(), low >= 1, low <= high, high <= 16 else {
                throw reader.fail("ngrams", "expected [min, max], integers with 1 <= min <= max <= 16, got \(value.serialized())")
            }
            ngrams = (Int(low), Int(high))
        }
        if let value = reader.value("strip_accents"), value != .null {
            guard case .string("unicode") = value else {
                throw reader.fail("strip_accents", "expected \"unicode\" or null, got \(value.serialized()) (scikit-learn's \"ascii\" is not available)")
            }
            stripAccents = true
        }
    }
}

extension TokenizeStage: StageDescribing {
    package static var optionsSchema: JSONValue {
        SchemaPiece.object([
            "properties": TokenizerOptions.schemaProperties,
        ])
    }

    package var learnedParameters: String { "nothing" }

    package var columnEffect: String? {
        let consumed = boundNames.compactMap { name in consumers[name].map { "\(name) → stages[\($0)] tfidf" } }
        if !consumed.isEmpty && consumed.count == boundNames.count {
            return "hands the terms to the tfidf that reads the column, never written as text (\(consumed.joined(separator: ", ")))"
        }
        return "replaces each text by its terms joined by one space, unless a later tfidf consumes them"
    }
}

extension TokenizerOptions {
    /// The analyzer options, as `tokenize` documents them in the JSON Schema.
    static var schemaProperties: JSONValue {
        SchemaPiece.object([
            "lowercase": SchemaPiece.boolean(default: true, "Lowercase first, as Python's str.lower()."),
            "pattern": SchemaPiece.object([
                "description": .string("The token regular expression (scikit-learn's token_pattern). The default has a hand-written fast path equal to Python's re; other patterns run on ICU regular expressions with \\w, \\W, \\b and \\B given Python's meaning."),
                "type": .string("string"), "default": .string(TokenizerOptions.defaultPattern),
            ]),
            "stopwords": SchemaPiece.object([
                "description": .string("Terms removed before n-grams: \"english\" (scikit-learn's ENGLISH_STOP_WORDS) or a list."),
                "anyOf": .array([
                    SchemaPiece.object(["enum": .array([.string("english"), .null])]),
                    SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("string")])]),
                ]),
            ]),
            "ngrams": SchemaPiece.object([
                "description": .string("[min, max] word n-grams, joined by one space (scikit-learn's ngram_range)."),
                "type": .string("array"), "items": SchemaPiece.object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(16)]),
                "minItems": .number(2), "maxItems": .number(2), "default": .array([.number(1), .number(1)]),
            ]),
            "strip_accents": SchemaPiece.object([
                "description": .string("unicode: NFKD, then combining marks removed (scikit-learn's strip_accents_unicode), after lowercasing."),
                "enum": .array([.string("unicode"), .null]), "default": .null,
            ]),
        ])
    }
}
