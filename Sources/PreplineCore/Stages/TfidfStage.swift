import Foundation

/// A term sink that counts each document's terms (the fit pass's state of one column).
protocol DocumentCountingSink: TermSink {
    var counts: TermCounts { get set }
}

/// `tfidf`: scikit-learn's TfidfVectorizer (CountVectorizer, then TfidfTransformer) on a text
/// column, tokenized by the `tokenize` stage before it on that column or with the defaults.
/// Output `dense`: one column per term, `<col>_<term>`, at the column's place; `sparse`: the
/// column becomes `term:weight` pairs separated by one space, in vocabulary order.
package struct TfidfStage: PipelineStage {
    package enum Norm: String, Sendable, CaseIterable { case l2, l1, none }
    package enum Output: String, Sendable, CaseIterable { case dense, sparse }

    /// A document-count threshold as scikit-learn reads it: an integer counts documents, a
    /// float is a fraction of them (`1` and `1.0` differ, so the JSON text decides).
    package struct Threshold: Sendable, Equatable {
        package var value: Double
        package var isFraction: Bool

        func documents(of n: Int) -> Double { isFraction ? value * Double(n) : value }

        var text: String {
            isFraction ? "\(NumberText.format(value)) (a fraction of the documents)" : "\(Int(value)) (documents)"
        }
    }

    /// What apply needs for one column: the vocabulary (output order) and its idf.
    package struct Fit: Sendable {
        package var vocabulary: [[UInt8]]
        package var idf: [Double]?
        package var lookup: TermTable
        package var filter: TermFilter
        /// Some idf is infinite (`smooth_idf: false`, a given vocabulary term no fitted document
        /// holds): only then does apply check the terms it weighs.
        package var hasInfiniteIDF: Bool

        init(vocabulary: [[UInt8]], idf: [Double]?) {
            self.vocabulary = vocabulary
            self.idf = idf
            hasInfiniteIDF = idf?.contains { !$0.isFinite } ?? false
            lookup = TermTable(vocabulary)
            filter = TermFilter(vocabulary)
        }
    }

    package static let kind = "tfidf"
    package static let summary = "TF-IDF weights as scikit-learn's TfidfVectorizer: min_df, max_df, max_features, vocabulary, binary, use_idf, smooth_idf, sublinear_tf, norm; dense or sparse; hash_features (HashingVectorizer, no vocabulary)"

    package let position: Int
    package let selectors: [String]
    package let minDF: Threshold
    package let maxDF: Threshold
    package let maxFeatures: Int?
    package let givenVocabulary: [[UInt8]]?
    package let binary: Bool
    package let useIDF: Bool
    package let smoothIDF: Bool
    package let sublinearTF: Bool
    package let norm: Norm
    package let output: Output
    /// HashingVectorizer's `n_features` (TfidfHashing.swift): no vocabulary, sparse output.
    package let hashFeatures: Int?
    let file: String
    package private(set) var fits: [String: Fit] = [:]
    /// The learned idf per column of a hashed tfidf.
    package private(set) var hashedFits: [String: HashedIDF] = [:]
    private var fittedNames: [String] = []
    var bound: [Int] = []
    var boundNames: [String] = []
    var tokenizers: [Tokenizer] = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        func threshold(_ key: String) -> Threshold {
            let (value, isFraction) = options.number(key)!
            return Threshold(value: value, isFraction: isFraction)
        }
        minDF = threshold("min_df")
        maxDF = threshold("max_df")
        maxFeatures = options.integer("max_features")
        givenVocabulary = options.strings("vocabulary")?.map { Array($0.utf8) }
        binary = options.bool("binary")
        useIDF = options.bool("use_idf")
        smoothIDF = options.bool("smooth_idf")
        sublinearTF = options.bool("sublinear_tf")
        norm = Norm(rawValue: options.string("norm")!)!
        hashFeatures = options.integer("hash_features")
        if hashFeatures != nil {
            // HashingVectorizer + TfidfTransformer keep no vocabulary, so nothing can choose one.
            for key in ["min_df", "max_df", "max_features", "vocabulary"] where options.isGiven(key) {
                throw reader.fail(key, "needs a vocabulary; with hash_features no vocabulary is kept (scikit-learn's HashingVectorizer has no \(key))")
            }
            if options.string("output") == Output.dense.rawValue && options.isGiven("output") {
                throw reader.fail("output", "with hash_features the output is \"sparse\" (index:weight pairs): one column per hashed index would make hash_features columns")
            }
            output = .sparse
        } else {
            output = Output(rawValue: options.string("output")!)!
        }
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                if let hashFeatures {
                    guard useIDF else { throw entry.fail("idf", "a hashed tfidf with use_idf false learns nothing; remove stages[\(position)].fitted") }
                    hashedFits[column] = try Self.readHashedFit(&entry, column: column, features: hashFeatures)
                    continue
                }
                guard let words = try entry.stringArray("vocabulary") else { throw entry.fail("vocabulary", "missing: the learned vocabulary of column '\(column)'") }
                var idf: [Double]?
                if let value = entry.value("idf") {
                    guard case .array(let items) = value else { throw entry.fail("idf", "expected an array of numbers") }
                    var list: [Double] = []
                    for item in items { list.append(try Self.fittedIDF(item, entry: entry, key: "idf")) }
                    guard list.count == words.count else { throw entry.fail("idf", "expected \(words.count) numbers, one per vocabulary term, got \(list.count)") }
                    idf = list
                }
                if useIDF && idf == nil { throw entry.fail("idf", "missing: the learned idf of column '\(column)' (use_idf is true)") }
                try entry.finish()
                fits[column] = Fit(vocabulary: words.map { LosslessText.bytes($0) }, idf: useIDF ? idf : nil)
            }
        }
        try reader.finish()
    }

    /// JSON has no infinity: a non-finite idf is written as one of these strings, which only the
    /// fitted `idf` array accepts, so `apply` reads back what `fit` wrote.
    private static let nonFiniteWords: [String: Double] = ["inf": .infinity, "-inf": -.infinity, "nan": .nan]

    static func fittedNumber(_ x: Double) -> JSONValue {
        if x.isFinite { return .number(x) }
        return .string(x.isNaN ? "nan" : x < 0 ? "-inf" : "inf")
    }

    /// One fitted idf: a number, or a word for a non-finite one.
    static func fittedIDF(_ item: JSONValue, entry: SpecObjectReader, key: String) throws(PreplineError) -> Double {
        switch item {
        case .number(let x, _): return x
        case .string(let word) where nonFiniteWords[word] != nil: return nonFiniteWords[word]!
        default: throw entry.fail(key, "expected numbers (or \"inf\", which fit writes for an infinite idf), got \(item.typeName)")
        }
    }

    /// Nothing to learn when the vocabulary is given (or hashed) and no idf is used.
    package var isFitted: Bool {
        !fits.isEmpty || !hashedFits.isEmpty || ((givenVocabulary != nil || hashFeatures != nil) && !useIDF)
    }

    package var fittedJSON: JSONValue? {
        if !hashedFits.isEmpty {
            return .object(boundNames.compactMap { name in hashedFits[name].map { (name, Self.hashedFittedJSON($0)) } })
        }
        guard !fits.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            guard let fit = fits[name] else { return nil }
            var members: [(key: String, value: JSONValue)] = [("vocabulary", .array(fit.vocabulary.map { .string(LosslessText.string($0)) }))]
            if let idf = fit.idf { members.append(("idf", .array(idf.map(Self.fittedNumber)))) }
            return (name, .object(members))
        })
    }

    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { hashFeatures != nil ? [.terms, .hashedTerms] : .terms }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        tokenizers = []
        for name in boundNames {
            if let (stage, tokenizer, tokenizedName) = columns.tokenized.removeValue(forKey: name) {
                columns.tokenConsumers["\(stage):\(tokenizedName)"] = position
                tokenizers.append(tokenizer)
            } else {
                tokenizers.append(try! Tokenizer(TokenizerOptions(), label: label))
            }
            columns.expandedBy[name] = label
        }
        if fits.isEmpty, let givenVocabulary, !useIDF {
            for name in boundNames { fits[name] = Fit(vocabulary: givenVocabulary, idf: nil) }
        }
        // Dense weight columns a later stage may name (`<col>_<term>`): known when this stage
        // runs with its vocabulary; otherwise a stage naming them fits in the next pass.
        guard output == .dense else { return }
        for name in boundNames {
            if columns.stageRunsLearned, let fit = fits[name] {
                columns.blocks[name] = fit.vocabulary.map { "\(name)_\(LosslessText.string($0))" }
            } else {
                columns.namesLearnedLater[name] = label
            }
        }
    }

    /// Its dense weight columns are new: a later stage that names them waits for the vocabulary.
    package var mayDeferLaterStages: Bool { output == .dense }

    /// Counts each term once per document it occurs in, and in total.
    private struct CountingSink: DocumentCountingSink {
        var counts = TermCounts()
        let only: TermTable?

        mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
            if let only, only.find(bytes, hash: hash) == nil { return }
            counts.add(bytes, hash: hash)
        }
    }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        if let hashFeatures {
            if useIDF { observeHashed(&batch, into: &state, features: hashFeatures) } else { apply(&batch) }
            return
        }
        let only = givenVocabulary.map { TermTable($0) }
        // With unigrams, stop words may as well be counted and dropped when the vocabulary is
        // chosen (selectVocabulary): no other term's counts change, and a lookup per token is saved.
        observeDocuments(&batch, into: &state, tokenizer: { tokenizers[$0].withoutStopWords(forVocabulary: givenVocabulary ?? []) },
                         sink: { CountingSink(only: only) })
    }

    /// Fit: every bound column's documents into its profile through a fresh `makeSink()` per
    /// column (vocabulary terms, or hashed columns: TfidfHashing.swift), with the placeholder,
    /// missing and invalid-UTF-8 bookkeeping both share.
    func observeDocuments<Sink: DocumentCountingSink>(_ batch: inout Batch, into state: inout StageFitState,
                                                      tokenizer: (Int) -> Tokenizer, sink makeSink: () -> Sink) {
        var scratch = TokenScratch()
        for (i, c) in bound.enumerated() {
            let text = batch.textColumn(c)
            let tokenizer = tokenizer(i)
            var sink = makeSink()
            for r in 0..<batch.rowCount where batch.work.isGood(r) {
                let ref = text.refs[r]
                if let stage = Placeholder.stage(ofRef: ref) {
                    state.profiles[i].placeholders[stage, default: 0] += 1
                    continue
                }
                guard let bytes = batch.bytes(of: ref, in: text) else {
                    state.profiles[i].missing += 1
                    continue
                }
                sink.counts.nextDocument()
                if let bad = tokenizer.terms(of: bytes, scratch: &scratch, into: &sink) {
                    batch.work.reject(record: r, reason: TokenizeStage.invalidUTF8(column: boundNames[i], offset: bad, label: tokenizer.label), fix: TokenizeStage.invalidUTF8Fix)
                    continue
                }
                state.profiles[i].observed += 1
            }
            state.profiles[i].terms = sink.counts
            batch.columns[c] = .text(text)
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        if let hashFeatures {
            if hashedFits.isEmpty && useIDF { hashedFits = learnHashed(from: profiles, features: hashFeatures) }
            return
        }
        guard fits.isEmpty else { return }
        for (i, name) in boundNames.enumerated() {
            var counts = profiles[i].terms
            var scratch = TokenScratch()
            let only = givenVocabulary.map { TermTable($0) }
            for case let (text, copies) in profiles[i].filledDocuments.map({ ($0.text, $0.count) }) {
                var sink = CountingSink(only: only)
                sink.counts.nextDocument()
                _ = text.withUnsafeBufferPointer { tokenizers[i].terms(of: $0, scratch: &scratch, into: &sink) }
                counts.merge(sink.counts, copies: copies)
            }
            let documents = profiles[i].observed + profiles[i].missing
            let vocabulary: [[UInt8]]
            if let givenVocabulary { vocabulary = givenVocabulary } else { vocabulary = try selectVocabulary(counts, documents: documents, column: name, tokenizer: tokenizers[i]) }
            var idf: [Double]?
            if useIDF {
                let smooth = smoothIDF ? 1.0 : 0.0
                idf = vocabulary.map { term in
                    let df = term.withUnsafeBufferPointer { counts.terms.find($0) }.map { counts.documentFrequency($0) } ?? 0
                    // scikit-learn: log(n_samples / df) + 1, both smoothed by one when smooth_idf.
                    return log((Double(documents) + smooth) / (Double(df) + smooth)) + 1
                }
            }
            fits[name] = Fit(vocabulary: vocabulary, idf: idf)
        }
    }

    /// svmlight writes only the non-zero weights already: a sparse vocabulary tfidf has no place
    /// in it. A hashed one is a sparse block, which svmlight writes as `hash_features` features.
    package func checkOutput(format: OutputFormat) throws(PreplineError) {
        guard format == .svmlight, output == .sparse, hashFeatures == nil else { return }
        throw PreplineError.spec(file: file, path: "stages[\(position)].output",
                                 message: "svmlight output writes only non-zero weights already: use \"dense\" (\(label))")
    }

    /// CountVectorizer's `_limit_features`: keep terms with min_df <= df <= max_df, then the
    /// `max_features` with the highest corpus counts (ties: the earlier term in code-point
    /// order), sorted by code point.
    /// Stop words the fit pass counted (see `observe`) are dropped first, as if never counted.
    private func selectVocabulary(_ counts: TermCounts, documents: Int, column: String, tokenizer: Tokenizer) throws(PreplineError) -> [[UInt8]] {
        // Terms are read where the table keeps them: only the chosen ones become arrays (an
        // array per term of a 20,000-term vocabulary was a third of merging 4 parts).
        let table = counts.terms
        let candidates = (0..<table.count).filter { index in !table.withTerm(index) { tokenizer.isStopWord($0) } }
        guard !candidates.isEmpty else {
            throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                     message: "column '\(column)': empty vocabulary; perhaps the documents only contain stop words (\(label))")
        }
        let high = maxDF.documents(of: documents)
        let low = minDF.documents(of: documents)
        guard high >= low else {
            throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                     message: "column '\(column)': max_df \(maxDF.text) corresponds to fewer documents than min_df \(minDF.text) over \(documents) documents (\(label))")
        }
        let kept = candidates.filter {
            let df = Double(counts.documentFrequency($0))
            return df <= high && df >= low
        }
        guard !kept.isEmpty else {
            throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                     message: "column '\(column)': after pruning, no terms remain: min_df \(minDF.text), max_df \(maxDF.text), \(documents) documents; try a lower min_df or a higher max_df (\(label))")
        }
        /// Whether kept term `a` comes before kept term `b` in the vocabulary's (byte) order.
        func precedes(_ a: Int, _ b: Int) -> Bool {
            table.withTerm(kept[a]) { first in table.withTerm(kept[b]) { second in ByteOrder.precedes(first, second) } }
        }
        var order: [Int]
        if let maxFeatures, kept.count > maxFeatures {
            // scikit-learn keeps the max_features most frequent terms, ties in vocabulary
            // (alphabetical) order: a stable argsort of -frequency over the sorted vocabulary.
            // The same terms without sorting the whole vocabulary: every term above the
            // max_features-th frequency, then those at it in alphabetical order.
            // With binary counts scikit-learn ranks by the binary matrix's sums: the df.
            let rank = kept.map { binary ? counts.documentFrequency($0) : counts.total($0) }
            let threshold = Self.largest(maxFeatures, of: rank)
            order = rank.indices.filter { rank[$0] > threshold }
            let tied = rank.indices.filter { rank[$0] == threshold }.sorted(by: precedes)
            order += tied.prefix(maxFeatures - order.count)
            order.sort(by: precedes)
        } else {
            order = Array(kept.indices).sorted(by: precedes)
        }
        return order.map { table.term(kept[$0]) }
    }

    /// The `k`-th largest of `values` (1 ≤ k ≤ count), through a min-heap of the `k` largest
    /// seen: n log k steps, where sorting them all was n log n (max_features is usually small).
    static func largest(_ k: Int, of values: [Int]) -> Int {
        precondition(k >= 1 && k <= values.count)
        var heap = Array(values.prefix(k))
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < k, heap[left] < heap[smallest] { smallest = left }
                if right < k, heap[right] < heap[smallest] { smallest = right }
                if smallest == parent { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        for start in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(start) }
        for value in values.dropFirst(k) where value > heap[0] {
            heap[0] = value
            siftDown(0)
        }
        return heap[0]
    }

    /// Counts a document's vocabulary terms into a row.
    private struct WeightSink: TermSink {
        let lookup: TermTable
        let filter: TermFilter
        let row: UnsafeMutablePointer<Double>
        var touched: [Int] = []

        func mayTake(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { filter.mayContain(bytes) }

        mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
            guard let j = lookup.find(bytes, hash: hash) else { return }
            if row[j] == 0 { touched.append(j) }
            row[j] += 1
        }
    }

    /// TfidfTransformer.transform on one row's counts (at `touched`, sorted): binary, sublinear
    /// tf, idf, then the norm summed in column order, as scikit-learn's CSR loops do.
    private func weigh(_ row: UnsafeMutablePointer<Double>, touched: [Int], idf: [Double]?) {
        for j in touched {
            var x = binary ? 1 : row[j]
            if sublinearTF { x = log(x) + 1 }
            if let idf { x *= idf[j] }
            row[j] = x
        }
        switch norm {
        case .none: return
        case .l2:
            var sum = 0.0
            for j in touched { sum += row[j] * row[j] }
            guard sum != 0 else { return }
            sum = sum.squareRoot()
            for j in touched { row[j] /= sum }
        case .l1:
            var sum = 0.0
            for j in touched { sum += abs(row[j]) }
            guard sum != 0 else { return }
            for j in touched { row[j] /= sum }
        }
    }

    package func apply(_ batch: inout Batch) {
        if let hashFeatures { return applyHashed(&batch, features: hashFeatures) }
        var scratch = TokenScratch()
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let fit = fits[name]!
            let width = fit.vocabulary.count
            let text = batch.textColumn(c)
            let rows = batch.rowCount
            let tokenizer = tokenizers[i].withoutStopWords(forVocabulary: fit.vocabulary)
            var values = output == .dense ? batch.weightBuffers.zeros(count: rows * width) : [Double](repeating: 0, count: width)
            var sparse = TextColumn(refs: [Int32](repeating: TextColumn.missing, count: output == .sparse ? rows : 0))
            values.withUnsafeMutableBufferPointer { buffer in
                var sink = WeightSink(lookup: fit.lookup, filter: fit.filter, row: buffer.baseAddress!)
                for r in 0..<rows where batch.work.isGood(r) {
                    let row = output == .dense ? buffer.baseAddress! + r * width : buffer.baseAddress!
                    if let bytes = batch.bytes(of: text.refs[r], in: text) {
                        sink = WeightSink(lookup: fit.lookup, filter: fit.filter, row: row, touched: sink.touched)
                        sink.touched.removeAll(keepingCapacity: true)
                        if let bad = tokenizer.terms(of: bytes, scratch: &scratch, into: &sink) {
                            batch.work.reject(record: r, reason: TokenizeStage.invalidUTF8(column: name, offset: bad, label: tokenizer.label), fix: TokenizeStage.invalidUTF8Fix)
                            for j in sink.touched { row[j] = 0 }
                            continue
                        }
                        if sink.touched.count > 1 { sink.touched.sort() }
                        if fit.hasInfiniteIDF, let j = sink.touched.first(where: { !fit.idf![$0].isFinite }) {
                            // scikit-learn's transform refuses the row too ("Input contains
                            // infinity", or writes inf with norm none): a weight must be finite.
                            batch.work.reject(record: r, reason: "column '\(name)': term '\(LosslessText.display(LosslessText.string(fit.vocabulary[j])))' has an infinite idf: no document the stage was fitted on holds it (smooth_idf: false) (\(label))")
                            for j in sink.touched { row[j] = 0 }
                            sink.touched.removeAll(keepingCapacity: true)
                            continue
                        }
                        weigh(row, touched: sink.touched, idf: fit.idf)
                    } else {
                        sink.touched.removeAll(keepingCapacity: true)
                    }
                    guard output == .sparse else { continue }
                    var pairs: [UInt8] = []
                    for (k, j) in sink.touched.enumerated() {
                        if k > 0 { pairs.append(0x20) }
                        pairs.append(contentsOf: fit.vocabulary[j])
                        pairs.append(UInt8(ascii: ":"))
                        NumberText.append(row[j], to: &pairs)
                        row[j] = 0
                    }
                    sparse.refs[r] = TextColumn.extraRef(sparse.extras.count)
                    sparse.extras.append(pairs)
                }
            }
            if output == .dense {
                batch.columns[c] = .weights(names: fit.vocabulary.map { "\(name)_\(LosslessText.string($0))" }, values: values)
            } else {
                batch.columns[c] = .text(sparse)
            }
        }
    }
}

extension TfidfStage {
    package static let options: StageOptionTable = {
        let threshold = StageOption.ValueType.countOrFraction(counts: 0...Double(Int32.max), fractions: 0...1, exclusiveFractions: false)
        let thresholdMessage: @Sendable (JSONValue) -> String = { value in
            if case .number(let x, true) = value {
                return "a float is a fraction of the documents, from 0.0 to 1.0; got \(NumberText.format(x)) (an integer counts documents)"
            }
            return "expected a document count >= 0 (an integer) or a fraction from 0.0 to 1.0"
        }
        return StageOptionTable([
            StageOption("min_df", threshold, default: .number(1),
                        "Keep terms in at least this many documents (an integer) or this fraction of them (a float, 0.0 to 1.0).", invalidMessage: thresholdMessage),
            StageOption("max_df", threshold, default: .number(1, fractionForm: true),
                        "Keep terms in at most this many documents (an integer) or this fraction of them (a float: 1.0 is all).", invalidMessage: thresholdMessage,
                        check: { value in
                            if case .number(let x, false) = value, x < 1 { return "an integer max_df counts documents and must be at least 1" }
                            return nil
                        }),
            StageOption("max_features", .integer(1...Int(Int32.max)), "Keep only the terms with the highest corpus counts (ties: the earlier term in code-point order)."),
            StageOption("vocabulary", .distinctStrings(item: "term"), "The terms, in output order (min_df, max_df and max_features are then not used)."),
            StageOption("binary", .bool, default: .bool(false), "Count a term once per document."),
            StageOption("use_idf", .bool, default: .bool(true), "Multiply by the inverse document frequency."),
            StageOption("smooth_idf", .bool, default: .bool(true), "idf = ln((1 + n) / (1 + df)) + 1, as if one document held every term."),
            StageOption("sublinear_tf", .bool, default: .bool(false), "Use 1 + ln(tf) instead of tf."),
            StageOption("norm", .nullableChoice(Norm.allCases.map(\.rawValue), nullMeans: Norm.none.rawValue), default: .string(Norm.l2.rawValue),
                        "Normalize each row: l2 (unit Euclidean length), l1, or none."),
            StageOption("output", .choice(Output.allCases.map(\.rawValue)), default: .string(Output.dense.rawValue),
                        "dense: one column per term, <col>_<term>, at the column's place; sparse: one column of term:weight pairs (with hash_features, the only one: index:weight)."),
            StageOption("hash_features", .integer(1...Int(Int32.max)),
                        "Hash terms into this many columns (scikit-learn's HashingVectorizer, alternate_sign false, then TfidfTransformer): no vocabulary is kept, the fit holds at most this many document frequencies; output sparse index:weight pairs, index from 0 (svmlight output: N features at the column's place). min_df, max_df, max_features and vocabulary do not apply."),
        ], fitted: SchemaPiece.fitted("The learned vocabulary per column, in output order, and its idf; with hash_features, the hashed columns some document reached (indexes), their idf, and idf_other for the rest.",
                                      entry: ["vocabulary": SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("string")])]),
                                              "indexes": SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("integer"), "minimum": .number(0)])]),
                                              "idf_other": SchemaPiece.object(["oneOf": .array([SchemaPiece.object(["type": .string("number")]), SchemaPiece.object(["enum": .array(nonFiniteWords.keys.sorted().map { .string($0) })])])]),
                                              "idf": SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["oneOf": .array([
                                                  SchemaPiece.object(["type": .string("number")]),
                                                  SchemaPiece.object(["enum": .array(nonFiniteWords.keys.sorted().map { .string($0) }),
                                                                      "description": .string("A non-finite idf (smooth_idf false, a term no fitted document holds).")]),
                                              ])])])],
                                      required: []))
    }()

    package var learnedParameters: String {
        if hashFeatures != nil { return "the idf of each hashed column" }
        return useIDF ? "the vocabulary and its idf" : "the vocabulary"
    }

    package var columnEffect: String? {
        if hashFeatures != nil { return "replaces each text by index:weight pairs of its hashed terms" }
        return output == .dense ? "expands each column, in its place, into one weight column per term: <col>_<term>" : "replaces each text by term:weight pairs"
    }

    package func expandedNames(of column: String) -> [String]? {
        guard output == .dense, columnNames.contains(column) else { return nil }
        return fits[column].map { $0.vocabulary.map { "\(column)_\(LosslessText.string($0))" } } ?? ["\(column)_<term>…"]
    }

    package var expandedUnit: String { "one per vocabulary term" }
}
