import Foundation

// `tfidf` with `hash_features: N`: scikit-learn's HashingVectorizer(n_features=N,
// alternate_sign=False, norm=None) then TfidfTransformer. Each term goes to column
// abs(murmurhash3_32(term)) % N (MurmurHash3.featureIndex); no vocabulary is kept, so the fit
// state is at most N document frequencies whatever the number of distinct terms, and the
// fitted spec holds the idf of the columns some document reached (the others share one idf).

/// The learned idf of a hashed tfidf column: one value for every column no fitted document
/// reached (df 0), and the columns that were reached with their own.
package struct HashedIDF: Sendable {
    /// The columns with a document frequency above zero, increasing, and their idf.
    package let indexes: [Int]
    package let values: [Double]
    /// The idf of every other column: ln((1 + n) / 1) + 1 (infinite with smooth_idf false).
    package let other: Double
    /// Some idf is infinite: only then does apply check the columns it weighs.
    let hasInfinite: Bool
    /// Every column's idf, when the space is small enough to hold one number per column
    /// (2^22 columns: 32 MB); a wider space looks the reached columns up in `sparse`.
    private let dense: [Double]
    private let sparse: [Int: Double]

    /// The widest space whose idf is kept as one array.
    static let denseLimit = 1 << 22

    init(features: Int, indexes: [Int], values: [Double], other: Double) {
        self.indexes = indexes
        self.values = values
        self.other = other
        hasInfinite = !other.isFinite || values.contains { !$0.isFinite }
        if features <= Self.denseLimit {
            var dense = [Double](repeating: other, count: features)
            for (index, value) in zip(indexes, values) { dense[index] = value }
            self.dense = dense
            sparse = [:]
        } else {
            dense = []
            sparse = Dictionary(uniqueKeysWithValues: zip(indexes, values))
        }
    }

    @inline(__always)
    subscript(_ index: Int) -> Double {
        dense.isEmpty ? sparse[index] ?? other : dense[index]
    }
}

/// Counts, per document, the hashed columns its terms reach: the column's index, as four
/// little-endian bytes, is the "term" of a `TermCounts`, which counts documents once each.
private struct HashedCountingSink: TermSink {
    var counts = TermCounts()
    let features: Int

    @inline(__always)
    mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        let index = MurmurHash3.featureIndex(MurmurHash3.x86_32(UnsafeRawBufferPointer(bytes)), features: features).index
        var key = UInt32(truncatingIfNeeded: index).littleEndian
        withUnsafeBytes(of: &key) { raw in
            let key = raw.bindMemory(to: UInt8.self)
            counts.add(key, hash: TermTable.hash(key))
        }
    }
}

/// The hashed columns of one document's terms, in term order (sorted by the caller).
private struct HashedIndexSink: TermSink {
    var indexes: [Int32] = []
    let features: Int

    @inline(__always)
    mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        indexes.append(Int32(truncatingIfNeeded: MurmurHash3.featureIndex(MurmurHash3.x86_32(UnsafeRawBufferPointer(bytes)), features: features).index))
    }
}

extension HashedIDF {
    /// The column index a `HashedCountingSink` key stands for.
    static func index(ofKey key: [UInt8]) -> Int {
        Int(UInt32(key[0]) | UInt32(key[1]) << 8 | UInt32(key[2]) << 16 | UInt32(key[3]) << 24)
    }
}

extension TfidfStage {
    /// Fit: the document frequency of every hashed column the chunk's documents reach.
    func observeHashed(_ batch: inout Batch, into state: inout StageFitState, features: Int) {
        var scratch = TokenScratch()
        for (i, c) in bound.enumerated() {
            let text = batch.textColumn(c)
            let tokenizer = tokenizers[i]
            var sink = HashedCountingSink(features: features)
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

    /// TfidfTransformer.fit on the hashed counts: idf = ln((n + s) / (df + s)) + 1 per column.
    func learnHashed(from profiles: [ColumnProfile], features: Int) -> [String: HashedIDF] {
        var result: [String: HashedIDF] = [:]
        let smooth = smoothIDF ? 1.0 : 0.0
        for (i, name) in boundNames.enumerated() {
            var counts = profiles[i].terms
            var scratch = TokenScratch()
            for filled in profiles[i].filledDocuments {
                var sink = HashedCountingSink(features: features)
                sink.counts.nextDocument()
                _ = filled.text.withUnsafeBufferPointer { tokenizers[i].terms(of: $0, scratch: &scratch, into: &sink) }
                counts.merge(sink.counts, copies: filled.count)
            }
            let documents = Double(profiles[i].observed + profiles[i].missing)
            let reached = (0..<counts.terms.count).map { (HashedIDF.index(ofKey: counts.terms.term($0)), counts.documentFrequency($0)) }
                .filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
            result[name] = HashedIDF(features: features, indexes: reached.map(\.0),
                                     values: reached.map { log((documents + smooth) / (Double($0.1) + smooth)) + 1 },
                                     other: log((documents + smooth) / smooth) + 1)
        }
        return result
    }

    /// HashingVectorizer's counts, then TfidfTransformer.transform, written as `index:weight`
    /// pairs in index order (the CSR order scikit-learn sums the norm in).
    func applyHashed(_ batch: inout Batch, features: Int) {
        var scratch = TokenScratch()
        var counted: [(index: Int, weight: Double)] = []
        var pairs: [UInt8] = []
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let idf = useIDF ? hashedFits[name]! : nil
            let text = batch.textColumn(c)
            let tokenizer = tokenizers[i]
            var out = TextColumn(refs: [Int32](repeating: TextColumn.missing, count: batch.rowCount))
            out.extras.reserveCapacity(batch.rowCount)
            var sink = HashedIndexSink(features: features)
            rows: for r in 0..<batch.rowCount where batch.work.isGood(r) {
                pairs.removeAll(keepingCapacity: true)
                if let bytes = batch.bytes(of: text.refs[r], in: text) {
                    sink.indexes.removeAll(keepingCapacity: true)
                    if let bad = tokenizer.terms(of: bytes, scratch: &scratch, into: &sink) {
                        batch.work.reject(record: r, reason: TokenizeStage.invalidUTF8(column: name, offset: bad, label: tokenizer.label), fix: TokenizeStage.invalidUTF8Fix)
                        continue
                    }
                    sink.indexes.sort()
                    counted.removeAll(keepingCapacity: true)
                    for index in sink.indexes {
                        if let last = counted.last, last.index == Int(index) {
                            counted[counted.count - 1].weight += 1
                        } else {
                            counted.append((Int(index), 1))
                        }
                    }
                    if let idf, idf.hasInfinite, let j = counted.first(where: { !idf[$0.index].isFinite }) {
                        // As for a vocabulary term (TfidfStage.apply): scikit-learn's transform
                        // refuses the row ("Input contains infinity").
                        batch.work.reject(record: r, reason: "column '\(name)': hashed column \(j.index) has an infinite idf: no document the stage was fitted on reached it (smooth_idf: false) (\(label))")
                        continue rows
                    }
                    weighHashed(&counted, idf: idf)
                    for (k, entry) in counted.enumerated() {
                        if k > 0 { pairs.append(0x20) }
                        NumberText.appendInteger(Int64(entry.index), to: &pairs)
                        pairs.append(UInt8(ascii: ":"))
                        NumberText.append(entry.weight, to: &pairs)
                    }
                }
                out.refs[r] = TextColumn.extraRef(out.extras.count)
                out.extras.append(pairs)
            }
            batch.columns[c] = .text(out)
        }
    }

    /// TfidfTransformer.transform on one row's counts (sorted by index), as `weigh` does for a
    /// vocabulary: binary (HashingVectorizer's), sublinear tf, idf, then the norm in index order.
    private func weighHashed(_ row: inout [(index: Int, weight: Double)], idf: HashedIDF?) {
        for k in row.indices {
            var x = binary ? 1 : row[k].weight
            if sublinearTF { x = log(x) + 1 }
            if let idf { x *= idf[row[k].index] }
            row[k].weight = x
        }
        switch norm {
        case .none: return
        case .l2:
            var sum = 0.0
            for entry in row { sum += entry.weight * entry.weight }
            guard sum != 0 else { return }
            sum = sum.squareRoot()
            for k in row.indices { row[k].weight /= sum }
        case .l1:
            var sum = 0.0
            for entry in row { sum += abs(entry.weight) }
            guard sum != 0 else { return }
            for k in row.indices { row[k].weight /= sum }
        }
    }

    /// The fitted entry of a hashed column: `indexes` and `idf` of the columns reached, and
    /// `idf_other` for the rest.
    static func hashedFittedJSON(_ idf: HashedIDF) -> JSONValue {
        .object([
            ("indexes", .array(idf.indexes.map { .number(Double($0)) })),
            ("idf", .array(idf.values.map(fittedNumber))),
            ("idf_other", fittedNumber(idf.other)),
        ])
    }

    /// Reads a hashed column's fitted entry back, checking what `fit` guarantees.
    static func readHashedFit(_ entry: inout SpecObjectReader, column: String, features: Int) throws(PreplineError) -> HashedIDF {
        guard case .array(let items)? = entry.value("indexes") else { throw entry.fail("indexes", "missing or not an array: the hashed columns of '\(column)' that fitted documents reached") }
        var indexes: [Int] = []
        indexes.reserveCapacity(items.count)
        for item in items {
            guard case .number(let x, _) = item, x == x.rounded(), x >= 0, x < Double(features), indexes.last.map({ Double($0) < x }) ?? true else {
                throw entry.fail("indexes", "expected increasing integers from 0 to \(features - 1) (hash_features - 1), got \(item.serialized())")
            }
            indexes.append(Int(x))
        }
        guard case .array(let idfItems)? = entry.value("idf") else { throw entry.fail("idf", "missing or not an array: one idf per index") }
        var values: [Double] = []
        for item in idfItems { values.append(try fittedIDF(item, entry: entry, key: "idf")) }
        guard values.count == indexes.count else { throw entry.fail("idf", "expected \(indexes.count) numbers, one per index, got \(values.count)") }
        guard let other = entry.value("idf_other") else { throw entry.fail("idf_other", "missing: the idf of the hashed columns no fitted document reached") }
        let otherValue = try fittedIDF(other, entry: entry, key: "idf_other")
        try entry.finish()
        return HashedIDF(features: features, indexes: indexes, values: values, other: otherValue)
    }
}
