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
    /// Every column's idf as a two-byte slot into `distinct` (the idf depends only on the df,
    /// so a few thousand values serve a million columns: 2 MB for 2^20 columns where an array
    /// of doubles took 8), when the space is at most 2^24 columns and has at most 65,536
    /// distinct idf values; otherwise the reached columns are looked up in `sparse`.
    let slots: [UInt16]
    /// The distinct idf values, `other` first.
    let distinct: [Double]
    private let sparse: [Int: Double]

    /// The widest space whose idf is kept as one slot per column.
    static let slotLimit = 1 << 24

    init(features: Int, indexes: [Int], values: [Double], other: Double) {
        self.indexes = indexes
        self.values = values
        self.other = other
        hasInfinite = !other.isFinite || values.contains { !$0.isFinite }
        var distinct = [other]
        var slotOf: [UInt64: UInt16] = [other.bitPattern: 0]
        var fits = features <= Self.slotLimit
        var valueSlots: [UInt16] = []
        if fits {
            valueSlots.reserveCapacity(values.count)
            for value in values {
                if let slot = slotOf[value.bitPattern] { valueSlots.append(slot); continue }
                guard distinct.count <= Int(UInt16.max) else { fits = false; break }
                slotOf[value.bitPattern] = UInt16(distinct.count)
                valueSlots.append(UInt16(distinct.count))
                distinct.append(value)
            }
        }
        if fits {
            var slots = [UInt16](repeating: 0, count: features)
            for (index, slot) in zip(indexes, valueSlots) { slots[index] = slot }
            self.slots = slots
            self.distinct = distinct
            sparse = [:]
        } else {
            slots = []
            self.distinct = []
            sparse = Dictionary(uniqueKeysWithValues: zip(indexes, values))
        }
    }

    @inline(__always)
    subscript(_ index: Int) -> Double {
        slots.isEmpty ? sparse[index] ?? other : distinct[Int(slots[index])]
    }
}

/// Counts, per document, the hashed columns its terms reach: the column's index, as four
/// little-endian bytes, is the "term" of a `TermCounts`, which counts documents once each.
private struct HashedCountingSink: DocumentCountingSink {
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

extension ColumnProfile {
    /// Merges a later part's hashed document frequencies. They stay sparse (the reached columns
    /// in `terms`, about 70 bytes each) while that is smaller than one count per column: the
    /// bench data reaches 19,828 of 2^20 columns, 1.4 MB where the dense counts took 8 MB (and
    /// a copy in `learn`). Past a sixteenth of the space they become dense, the fit state's
    /// bound whatever the number of terms (wider spaces than HashedIDF keeps in slots stay sparse).
    mutating func mergeHashed(_ other: ColumnProfile) {
        hashedWidth = max(hashedWidth, other.hashedWidth)
        guard hashedWidth > 0 else { return }
        if !other.hashedFrequencies.isEmpty && hashedFrequencies.isEmpty { densifyHashed() }
        if hashedFrequencies.isEmpty {
            terms.merge(other.terms)
            if hashedWidth <= HashedIDF.slotLimit && terms.terms.count > hashedWidth / Self.denseFraction { densifyHashed() }
            return
        }
        Self.fold(other.terms, into: &hashedFrequencies)
        if !other.hashedFrequencies.isEmpty {
            for (index, count) in other.hashedFrequencies.enumerated() where count != 0 { hashedFrequencies[index] += count }
        }
    }

    /// Sparse hashed counts turn dense past this fraction of the space reached.
    static let denseFraction = 16

    private mutating func densifyHashed() {
        hashedFrequencies = [Int](repeating: 0, count: hashedWidth)
        Self.fold(terms, into: &hashedFrequencies)
        terms = TermCounts(capacity: 0)
    }

    private static func fold(_ counts: TermCounts, into frequencies: inout [Int]) {
        for i in 0..<counts.terms.count {
            frequencies[HashedIDF.index(ofKey: counts.terms.term(i))] += counts.documentFrequency(i)
        }
    }
}

extension TfidfStage {
    /// Fit: the document frequency of every hashed column the chunk's documents reach.
    func observeHashed(_ batch: inout Batch, into state: inout StageFitState, features: Int) {
        observeDocuments(&batch, into: &state, tokenizer: { tokenizers[$0] }, sink: { HashedCountingSink(features: features) })
        for i in bound.indices { state.profiles[i].hashedWidth = features }
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
            // What is still per column (sparse merges, filled documents), in index order, then
            // walked along the dense counts when the merge made them (not copied: 8 MB at 2^20).
            let sparse = (0..<counts.terms.count).map { (HashedIDF.index(ofKey: counts.terms.term($0)), counts.documentFrequency($0)) }
                .filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
            var reached: [(Int, Int)] = []
            if profiles[i].hashedFrequencies.isEmpty {
                reached = sparse
            } else {
                var k = 0
                for (j, count) in profiles[i].hashedFrequencies.enumerated() {
                    var df = count
                    if k < sparse.count && sparse[k].0 == j { df += sparse[k].1; k += 1 }
                    if df > 0 { reached.append((j, df)) }
                }
            }
            result[name] = HashedIDF(features: features, indexes: reached.map(\.0),
                                     values: reached.map { log((documents + smooth) / (Double($0.1) + smooth)) + 1 },
                                     other: log((documents + smooth) / smooth) + 1)
        }
        return result
    }

    /// HashingVectorizer's counts, then TfidfTransformer.transform, kept as a sparse block in
    /// index order (the CSR order scikit-learn sums the norm in): CSV writes it as `index:weight`
    /// pairs, svmlight as features.
    func applyHashed(_ batch: inout Batch, features: Int) {
        var scratch = TokenScratch()
        var counted: [(index: Int, weight: Double)] = []
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let idf = useIDF ? hashedFits[name]! : nil
            let text = batch.textColumn(c)
            let tokenizer = tokenizers[i]
            var block = SparseBlock(width: features, rowCapacity: batch.rowCount)
            var sink = HashedIndexSink(features: features)
            rows: for r in 0..<batch.rowCount {
                defer { block.endRow() }
                guard batch.work.isGood(r), let bytes = batch.bytes(of: text.refs[r], in: text) else { continue }
                sink.indexes.removeAll(keepingCapacity: true)
                if let bad = tokenizer.terms(of: bytes, scratch: &scratch, into: &sink) {
                    batch.work.reject(record: r, reason: TokenizeStage.invalidUTF8(column: name, offset: bad, label: tokenizer.label), fix: TokenizeStage.invalidUTF8Fix)
                    continue
                }
                sink.indexes.sort()
                counted.removeAll(keepingCapacity: true)
                sink.indexes.withUnsafeBufferPointer { indexes in
                    var k = 0
                    while k < indexes.count {
                        var end = k + 1
                        while end < indexes.count && indexes[end] == indexes[k] { end += 1 }
                        counted.append((Int(indexes[k]), Double(end - k)))
                        k = end
                    }
                }
                if let idf, idf.hasInfinite, let j = counted.first(where: { !idf[$0.index].isFinite }) {
                    // As for a vocabulary term (TfidfStage.apply): scikit-learn's transform
                    // refuses the row ("Input contains infinity").
                    batch.work.reject(record: r, reason: "column '\(name)': hashed column \(j.index) has an infinite idf: no document the stage was fitted on reached it (smooth_idf: false) (\(label))")
                    continue rows
                }
                weighHashed(&counted, idf: idf)
                for entry in counted {
                    block.indexes.append(Int32(truncatingIfNeeded: entry.index))
                    block.values.append(entry.weight)
                }
            }
            batch.columns[c] = .sparse(block)
        }
    }

    /// TfidfTransformer.transform on one row's counts (sorted by index), as `weigh` does for a
    /// vocabulary: binary (HashingVectorizer's), sublinear tf, idf, then the norm in index order.
    private func weighHashed(_ counted: inout [(index: Int, weight: Double)], idf: HashedIDF?) {
        counted.withUnsafeMutableBufferPointer { row in
            if let idf, !idf.slots.isEmpty {
                idf.slots.withUnsafeBufferPointer { slots in
                    idf.distinct.withUnsafeBufferPointer { distinct in
                        for k in row.indices {
                            var x = binary ? 1 : row[k].weight
                            if sublinearTF { x = log(x) + 1 }
                            row[k].weight = x * distinct[Int(slots[row[k].index])]
                        }
                    }
                }
            } else {
                for k in row.indices {
                    var x = binary ? 1 : row[k].weight
                    if sublinearTF { x = log(x) + 1 }
                    if let idf { x *= idf[row[k].index] }
                    row[k].weight = x
                }
            }
            Self.normalize(row, norm)
        }
    }

    /// Divides a row by its l2 or l1 norm, summed in index order.
    @inline(__always)
    private static func normalize(_ row: UnsafeMutableBufferPointer<(index: Int, weight: Double)>, _ norm: Norm) {
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
