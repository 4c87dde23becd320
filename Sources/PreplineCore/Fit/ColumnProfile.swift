/// Mean and variance that merge exactly, population variance (ddof 0) as scikit-learn's
/// StandardScaler uses.
///
/// The count, the sum of the values and the sum of their squares are kept exactly (`ExactSum`),
/// so merging chunks is exact and associative: the fitted mean and variance are the correctly
/// rounded values of the exact ones, bit-identical at every chunk size, thread count and
/// partition count, also for near-constant columns with large offsets (1e10 ± 1e-3), where
/// float moments merged with Chan's formula drifted by up to 3.9e-4 relative.
package struct Moments: Sendable, Equatable {
    package var count = 0.0
    private var sum = ExactSum(.values)
    private var squares = ExactSum(.squares)
    /// The sum of the non-finite values seen (a typed schema value can be infinite): when not
    /// zero, the mean is it and the variance NaN, as numpy's.
    private var nonFinite = 0.0
    /// Moments rewritten after an affine map (`map`), once the fit is merged: no longer exact
    /// sums, so later copies merge by Chan's formula on these (at learn time, in one order).
    private var mapped: Mapped?

    /// The mean and sum of squared deviations after a map.
    private struct Mapped: Sendable {
        var mean: Double
        var m2: Double
    }

    package static func == (a: Moments, b: Moments) -> Bool {
        a.count == b.count && a.sum == b.sum && a.squares == b.squares && a.nonFinite.bitPattern == b.nonFinite.bitPattern
            && a.mapped?.mean == b.mapped?.mean && a.mapped?.m2 == b.mapped?.m2
    }

    private var isPoisoned: Bool { nonFinite != 0 || nonFinite.isNaN }

    /// The correctly rounded mean of the values.
    package var mean: Double {
        guard count > 0 else { return 0 }
        if isPoisoned { return nonFinite }
        if let mapped { return mapped.mean }
        let (negative, magnitude) = sum.exact()
        guard !magnitude.isZero else { return 0 }
        // Extra words first, so the quotient keeps every bit the rounding needs.
        let (quotient, inexact) = magnitude.shiftedLeft(words: 2).divided(by: UInt64(count))
        let value = quotient.double(scale: ExactSum.valueScale - 128, inexact: inexact)
        return negative ? -value : value
    }

    /// The correctly rounded population variance: (n * sum(x^2) - sum(x)^2) / n^2, exactly.
    package var variance: Double {
        guard count > 0 else { return .nan }
        if isPoisoned { return .nan }
        if let mapped { return max(0, mapped.m2 / count) }
        let n = UInt64(count)
        let s = sum.exact().magnitude
        let q = squares.exact().magnitude
        // Both in units of 2^-2148: s^2 (s in 2^-1074) and q.
        let numerator = q.multiplied(by: BigMagnitude(words: [n])).subtracting(s.multiplied(by: s))
        guard !numerator.isZero else { return 0 }
        let once = numerator.shiftedLeft(words: 3).divided(by: n)
        let twice = once.quotient.divided(by: n)
        return twice.quotient.double(scale: ExactSum.squareScale - 192, inexact: once.inexact || twice.inexact)
    }

    /// Adds a chunk's values (NaN is missing and skipped).
    package mutating func add(_ values: [Double], where include: (Int) -> Bool) {
        precondition(mapped == nil, "Moments.add after map")
        let (included, nonFinite) = ExactSum.add(values, where: include, sum: &sum, squares: &squares)
        count += Double(included)
        self.nonFinite += nonFinite
    }

    /// `count` copies of `value` (a fill value standing in for the missing ones).
    package mutating func add(copies count: Int, of value: Double) {
        guard count > 0 else { return }
        if var mapped {
            // After a map: Chan's merge with `count` values of zero spread.
            let n = self.count + Double(count)
            let delta = value - mapped.mean
            mapped.m2 += delta * delta * self.count * Double(count) / n
            mapped.mean += delta * Double(count) / n
            self.mapped = mapped
            self.count = n
            return
        }
        self.count += Double(count)
        if value.isFinite {
            sum.add(copies: count, of: value)
            squares.add(copies: count, of: value)
        } else {
            nonFinite += value
        }
    }

    /// In a part: `{"count": N, "sum": S, "squares": S}` (exact sums, `ExactSum.write`), with
    /// `"non_finite": X` when not zero and `"mapped": [MEAN, M2]` after a map.
    package func write(to writer: inout PartWriter) {
        writer.beginObject()
        writer.key("count"); writer.double(count)
        writer.key("sum"); sum.write(to: &writer)
        writer.key("squares"); squares.write(to: &writer)
        if nonFinite != 0 || nonFinite.isNaN { writer.key("non_finite"); writer.double(nonFinite) }
        if let mapped {
            writer.key("mapped"); writer.beginArray(); writer.double(mapped.mean); writer.double(mapped.m2); writer.endArray()
        }
        writer.endObject()
    }

    package mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        precondition(mapped == nil && other.mapped == nil, "Moments.merge after map")
        count += other.count
        sum.merge(other.sum)
        squares.merge(other.squares)
        nonFinite += other.nonFinite
    }

    /// Rewrites the moments after an affine map x -> a*x + b given as the map's own formula
    /// (used when a later stage's statistics are replayed through an earlier scaler).
    package mutating func map(mean newMean: Double, slope: Double) {
        let m2 = variance * count
        mapped = Mapped(mean: newMean, m2: m2 * slope * slope)
    }
}

extension Moments {
    /// Reads what `write` wrote.
    package init(from reader: inout PartReader) throws(PartFormatError) {
        self.init()
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "count": count = try reader.countAsDouble()
            case "sum": sum = try ExactSum(.values, from: &reader)
            case "squares": squares = try ExactSum(.squares, from: &reader)
            case "non_finite": nonFinite = try reader.double()
            case "mapped":
                let pair = try reader.doubles()
                guard pair.count == 2 else { throw reader.error("\"mapped\" is [mean, m2]") }
                mapped = Mapped(mean: pair[0], m2: pair[1])
            default: throw reader.unknownKey(key, in: "moments")
            }
        }
    }
}

/// Every stage's fit statistics for one column: the parts it asked for, merged chunk by chunk
/// in input order. Values that an earlier stage's learned fill will produce are counted as
/// placeholders and added once that fill is learned, so chained fits need no extra data pass.
package struct ColumnProfile: Sendable {
    /// A text an earlier fill puts in place of `count` missing documents.
    package struct FilledDocument: Sendable, Equatable {
        package var text: [UInt8]
        package var count: Int
    }

    package struct Needs: Sendable, OptionSet {
        package let rawValue: Int
        package init(rawValue: Int) { self.rawValue = rawValue }
        package static let moments = Needs(rawValue: 1)
        package static let extremes = Needs(rawValue: 2)
        package static let histogram = Needs(rawValue: 4)
        package static let textCounts = Needs(rawValue: 8)
        /// Document frequencies and corpus counts of terms (tfidf).
        package static let terms = Needs(rawValue: 16)
        /// With `terms`: the terms are hashed columns (tfidf hash_features, TfidfHashing.swift),
        /// merged into one document frequency per column.
        package static let hashedTerms = Needs(rawValue: 32)
        /// A quantile sketch (`LogBucketSketch`) instead of the exact value counts: O(1) in the
        /// distinct values, quantiles within 0.1% relative. Always with `extremes`, which clamp
        /// the sketch's values (`quantiles(sketch:)`).
        package static let sketch = Needs(rawValue: 64)

        /// What medians and percentiles need: exact value counts, or the sketch (a stage's
        /// `"quantiles": "sketch"`).
        package static func quantiles(sketch: Bool) -> Needs { sketch ? [.sketch, .extremes] : .histogram }
    }

    package let needs: Needs
    package var moments = Moments()
    package var minimum = Double.infinity
    package var maximum = -Double.infinity
    /// Exact value counts (medians and percentiles need every distinct value: O(distinct) memory).
    package var histogram: [Double: Int] = [:]
    /// With `.sketch`: the values in log buckets, O(range) memory instead of O(distinct).
    package var sketch = LogBucketSketch()
    /// The sketch was rewritten into `histogram` (its clamped representatives) by `map`, once
    /// the fit is merged: ranks then come from `histogram`.
    private var sketchInHistogram = false
    /// Counts of text values (categories), keyed by their UTF-8 bytes.
    package var textCounts: [[UInt8]: Int] = [:]
    /// Terms of the documents (tfidf): O(vocabulary) memory, never O(documents).
    package var terms: TermCounts
    /// Hashed tfidf: the width, and once merged the document frequency of every hashed column
    /// (a chunk's own are in `terms`, keyed by column index): N counts for any number of terms.
    package var hashedWidth = 0
    package var hashedFrequencies: [Int] = []
    /// Texts an earlier stage's learned fill put in place of missing values, with how many
    /// documents they are: the stage that needs their terms tokenizes them once in `learn`.
    package var filledDocuments: [FilledDocument] = []
    package var observed = 0
    package var missing = 0
    /// Placeholder counts by the index of the stage whose fill value they stand for.
    package var placeholders: [Int: Int] = [:]
    /// Values an ffill found nothing to carry into (missing at the very start of the data),
    /// while its statistics are replayed: a later fill takes them as its own placeholders,
    /// else they are missing (`settleUncarried`). Zero outside `ExecutionPlan.learn`.
    package var uncarried = 0

    /// Only a profile that counts terms gets a sized term table: 16 KB per profile made a fit
    /// on 100,000 columns allocate 1.6 GB per chunk.
    package init(needs: Needs) {
        self.needs = needs
        terms = needs.contains(.terms) ? TermCounts() : TermCounts(capacity: 0)
    }

    package mutating func observe(numbers values: [Double], where include: (Int) -> Bool) {
        if needs.contains(.moments) { moments.add(values, where: include) }
        for (i, x) in values.enumerated() where include(i) {
            if x.isNaN {
                if let stage = Placeholder.stage(of: x) { placeholders[stage, default: 0] += 1 } else { missing += 1 }
                continue
            }
            observed += 1
            if needs.contains(.extremes) {
                if x < minimum { minimum = x }
                if x > maximum { maximum = x }
            }
            if needs.contains(.histogram) { histogram[x == 0 ? 0 : x, default: 0] += 1 }
            if needs.contains(.sketch) { sketch.add(x) }
            if needs.contains(.textCounts) {
                var bytes: [UInt8] = []
                NumberText.append(x, to: &bytes)
                textCounts[bytes, default: 0] += 1
            }
        }
    }

    package mutating func observe(text column: TextColumn, in batch: Batch, where include: (Int) -> Bool) {
        // Count by borrowed bytes within the chunk (no array per row), then copy the few
        // distinct texts into the profile.
        var chunkCounts: [BorrowedBytes: Int] = [:]
        for (r, ref) in column.refs.enumerated() where include(r) {
            if let stage = Placeholder.stage(ofRef: ref) { placeholders[stage, default: 0] += 1; continue }
            guard let bytes = batch.bytes(of: ref, in: column) else { missing += 1; continue }
            observed += 1
            if needs.contains(.textCounts) { chunkCounts[BorrowedBytes(bytes), default: 0] += 1 }
        }
        for (text, count) in chunkCounts { textCounts[text.bytes, default: 0] += count }
    }

    package mutating func merge(_ other: ColumnProfile) {
        moments.merge(other.moments)
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        for (value, count) in other.histogram { histogram[value, default: 0] += count }
        if needs.contains(.sketch) { sketch.merge(other.sketch) }
        for (text, count) in other.textCounts { textCounts[text, default: 0] += count }
        if needs.contains(.hashedTerms) { mergeHashed(other) } else if needs.contains(.terms) { terms.merge(other.terms) }
        observed += other.observed
        missing += other.missing
        for (stage, count) in other.placeholders { placeholders[stage, default: 0] += count }
        // The later data's filled texts (an ffill's carry resolved in a merge puts them there).
        for document in other.filledDocuments { addFilled(document.text, count: document.count) }
    }

    /// Adds `count` documents of the filled text `text`. The list is kept in byte order of the
    /// texts, each once, so it is the same however the data was split and merged (a carry
    /// resolved when two runs of parts merge comes after the later run's own).
    private mutating func addFilled(_ text: [UInt8], count: Int) {
        var low = 0, high = filledDocuments.count
        while low < high {
            let middle = (low + high) / 2
            if ByteOrder.precedes(filledDocuments[middle].text, text) { low = middle + 1 } else { high = middle }
        }
        if low < filledDocuments.count, filledDocuments[low].text == text {
            filledDocuments[low].count += count
        } else {
            filledDocuments.insert(FilledDocument(text: text, count: count), at: low)
        }
    }

    /// In a part (docs/distributed.md): `needs`, `observed`, `missing`, and each statistic the
    /// profile holds — the fixed ones its needs name, the collections when not empty. Value
    /// counts are written in increasing order of value (texts in byte order), so the same data
    /// writes the same part; terms in table order (their first occurrence in the data).
    package func write(to writer: inout PartWriter) {
        writer.beginObject()
        writer.key("needs"); writer.int(needs.rawValue)
        writer.key("observed"); writer.int(observed)
        writer.key("missing"); writer.int(missing)
        if needs.contains(.moments) { writer.key("moments"); moments.write(to: &writer) }
        if needs.contains(.extremes) {
            writer.key("minimum"); writer.double(minimum)
            writer.key("maximum"); writer.double(maximum)
        }
        if !histogram.isEmpty {
            let values = histogram.keys.sorted()
            writer.key("histogram"); writer.beginObject()
            writer.key("values"); writer.beginArray(); for value in values { writer.double(value) }; writer.endArray()
            writer.key("counts"); writer.beginArray(); for value in values { writer.int(histogram[value]!) }; writer.endArray()
            writer.endObject()
        }
        if needs.contains(.sketch) { writer.key("sketch"); sketch.write(to: &writer) }
        if !textCounts.isEmpty {
            let texts = textCounts.keys.sorted { ByteOrder.precedes($0, $1) }
            writer.key("text_counts"); writer.beginObject()
            writer.key("texts"); writer.beginArray(); for text in texts { writer.text(text) }; writer.endArray()
            writer.key("counts"); writer.beginArray(); for text in texts { writer.int(textCounts[text]!) }; writer.endArray()
            writer.endObject()
        }
        if terms.terms.count > 0 { writer.key("terms"); terms.write(to: &writer) }
        if hashedWidth != 0 { writer.key("hashed_width"); writer.int(hashedWidth) }
        if !hashedFrequencies.isEmpty {
            writer.key("hashed_frequencies"); writer.beginArray(); for count in hashedFrequencies { writer.int(count) }; writer.endArray()
        }
        if !filledDocuments.isEmpty {
            writer.key("filled_documents"); writer.beginArray()
            for document in filledDocuments {
                writer.beginObject()
                writer.key("text"); writer.text(document.text)
                writer.key("count"); writer.int(document.count)
                writer.endObject()
            }
            writer.endArray()
        }
        if !placeholders.isEmpty {
            writer.key("placeholders"); writer.beginArray()
            for stage in placeholders.keys.sorted() {
                writer.beginArray(); writer.int(stage); writer.int(placeholders[stage]!); writer.endArray()
            }
            writer.endArray()
        }
        if uncarried != 0 { writer.key("uncarried"); writer.int(uncarried) }
        writer.endObject()
    }

    /// `{"<keysKey>": [...], "counts": [...]}` (a histogram, text counts): each key with its count,
    /// one count per key and no key twice.
    private static func readCounts<Key: Hashable>(_ reader: inout PartReader, keysKey: String, what: String, uneven: String, twice: String,
                                                 keys readKeys: (inout PartReader) throws(PartFormatError) -> [Key]) throws(PartFormatError) -> [Key: Int] {
        var keys: [Key] = [], counts: [Int] = []
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case keysKey: keys = try readKeys(&reader)
            case "counts": counts = try reader.counts()
            default: throw reader.unknownKey(key, in: what)
            }
        }
        guard keys.count == counts.count else { throw reader.error(uneven) }
        var result: [Key: Int] = [:]
        result.reserveCapacity(keys.count)
        for (key, count) in zip(keys, counts) {
            guard result.updateValue(count, forKey: key) == nil else { throw reader.error(twice) }
        }
        return result
    }

    /// Reads what `write` wrote (a member left out has its empty value).
    package init(from reader: inout PartReader) throws(PartFormatError) {
        try self.init(from: &reader) { reader throws(PartFormatError) in try TermCounts(from: &reader) }
    }

    /// Reads what `write` wrote, the term counts with `readTerms` (nil: it merged them elsewhere).
    package init(from reader: inout PartReader, terms readTerms: (inout PartReader) throws(PartFormatError) -> TermCounts?) throws(PartFormatError) {
        var needs: Needs?
        var fields = ColumnProfile(needs: [])
        var terms: TermCounts?
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "needs": needs = Needs(rawValue: try reader.int())
            case "observed": fields.observed = try reader.count()
            case "missing": fields.missing = try reader.count()
            case "moments": fields.moments = try Moments(from: &reader)
            case "minimum": fields.minimum = try reader.double()
            case "maximum": fields.maximum = try reader.double()
            case "histogram":
                fields.histogram = try Self.readCounts(&reader, keysKey: "values", what: "a histogram",
                                                       uneven: "a histogram needs one count per value", twice: "a histogram lists a value twice") {
                    reader throws(PartFormatError) in try reader.doubles()
                }
            case "sketch": fields.sketch = try LogBucketSketch(from: &reader)
            case "text_counts":
                fields.textCounts = try Self.readCounts(&reader, keysKey: "texts", what: "text counts",
                                                        uneven: "text counts need one count per text", twice: "text counts list a text twice") {
                    reader throws(PartFormatError) in
                    var texts: [[UInt8]] = []
                    try reader.array { reader throws(PartFormatError) in texts.append(try reader.text()) }
                    return texts
                }
            case "terms": terms = try readTerms(&reader)
            case "hashed_width": fields.hashedWidth = try reader.count()
            case "hashed_frequencies": fields.hashedFrequencies = try reader.counts()
            case "filled_documents":
                try reader.array { reader throws(PartFormatError) in
                    var text: [UInt8]?, count: Int?
                    try reader.object { reader, key throws(PartFormatError) in
                        switch key {
                        case "text": text = try reader.text()
                        case "count": count = try reader.count()
                        default: throw reader.unknownKey(key, in: "a filled document")
                        }
                    }
                    guard let text, let count else { throw reader.error("a filled document has a text and a count") }
                    fields.filledDocuments.append(FilledDocument(text: text, count: count))
                }
            case "placeholders":
                try reader.array { reader throws(PartFormatError) in
                    let pair = try reader.ints()
                    guard pair.count == 2, pair[0] >= 0 else { throw reader.error("a placeholder count is [stage, count]") }
                    guard pair[1] >= 0 else { throw reader.error("a count is negative (\(pair[1]))") }
                    fields.placeholders[pair[0], default: 0] += pair[1]
                }
            case "uncarried": fields.uncarried = try reader.count()
            default: throw reader.unknownKey(key, in: "a column profile")
            }
        }
        guard let needs else { throw reader.error("a column profile without \"needs\"") }
        self = ColumnProfile(needs: needs)
        moments = fields.moments
        minimum = fields.minimum
        maximum = fields.maximum
        histogram = fields.histogram
        sketch = fields.sketch
        textCounts = fields.textCounts
        if let terms { self.terms = terms }
        hashedWidth = fields.hashedWidth
        hashedFrequencies = fields.hashedFrequencies
        for document in fields.filledDocuments { addFilled(document.text, count: document.count) }
        observed = fields.observed
        missing = fields.missing
        placeholders = fields.placeholders
        uncarried = fields.uncarried
    }

    /// Adds the value an earlier part of the data carries into this part's leading run of
    /// stage `stage`'s placeholders (ffill).
    package mutating func resolve(stage: Int, carried value: CarriedValue) {
        switch value {
        case .number(let x): resolve(stage: stage, value: .number(x))
        case .text(let bytes): resolve(stage: stage, value: .text(bytes))
        case .placeholder(let other):
            guard let count = placeholders.removeValue(forKey: stage) else { return }
            placeholders[other, default: 0] += count
        }
    }

    /// Stage `stage`'s placeholders have no value carried into them (the data starts missing):
    /// held in `uncarried` while the statistics are replayed.
    package mutating func leaveUncarried(stage: Int) {
        guard let count = placeholders.removeValue(forKey: stage) else { return }
        uncarried += count
    }

    /// A fill that replaces missing values takes the uncarried ones as its own placeholders.
    package mutating func takeUncarried(asPlaceholdersOf stage: Int) {
        guard uncarried > 0 else { return }
        placeholders[stage, default: 0] += uncarried
        uncarried = 0
    }

    /// After every replay: uncarried values stayed missing.
    package mutating func settleUncarried() {
        missing += uncarried
        uncarried = 0
    }

    /// Adds the values that stage `stage`'s placeholders stand for, now that it is learned.
    package mutating func resolve(stage: Int, value: FillValue) {
        guard let count = placeholders.removeValue(forKey: stage) else { return }
        do {
            observed += count
            switch value {
            case .number(let x):
                if needs.contains(.moments) { moments.add(copies: count, of: x) }
                if needs.contains(.extremes) { minimum = min(minimum, x); maximum = max(maximum, x) }
                if needs.contains(.histogram) || sketchInHistogram { histogram[x == 0 ? 0 : x, default: 0] += count }
                else if needs.contains(.sketch), !x.isNaN { sketch.add(x, copies: count) }
                if !needs.isDisjoint(with: [.textCounts, .terms]) {
                    var bytes: [UInt8] = []
                    NumberText.append(x, to: &bytes)
                    if needs.contains(.textCounts) { textCounts[bytes, default: 0] += count }
                    if needs.contains(.terms) { addFilled(bytes, count: count) }
                }
            case .text(let bytes):
                if needs.contains(.textCounts) { textCounts[bytes, default: 0] += count }
                if needs.contains(.terms) { addFilled(bytes, count: count) }
            }
        }
    }

    /// Rewrites the statistics as if they had been taken after an earlier scaling: the fit pass
    /// reads a column before its scalers are learned. `transform` is the scaler's own formula,
    /// so extremes, value counts and categories come out bit-identical; moments follow by algebra.
    package mutating func map(through transform: (Double) -> Double, slope: Double) {
        if needs.contains(.sketch) && !sketchInHistogram {
            // Buckets cannot be mapped: their representatives, clamped into the extremes before
            // those are mapped (each within 0.1% of the values it stands for), are, as exact values are.
            for (value, count) in sketch.ascendingValues(minimum: minimum, maximum: maximum) { histogram[value, default: 0] += count }
            sketch = LogBucketSketch()
            sketchInHistogram = true
        }
        if moments.count > 0 {
            moments.map(mean: transform(moments.mean), slope: slope)
        }
        if observed > 0 && minimum <= maximum {
            let (a, b) = (transform(minimum), transform(maximum))
            minimum = min(a, b)
            maximum = max(a, b)
        }
        if !histogram.isEmpty {
            var mapped: [Double: Int] = [:]
            for (value, count) in histogram {
                let y = transform(value)
                mapped[y == 0 ? 0 : y, default: 0] += count
            }
            histogram = mapped
        }
        if !textCounts.isEmpty {
            var mapped: [[UInt8]: Int] = [:]
            for (text, count) in textCounts {
                guard let x = text.withUnsafeBufferPointer({ NumberText.parse($0) }) else { mapped[text, default: 0] += count; continue }
                var bytes: [UInt8] = []
                NumberText.append(transform(x), to: &bytes)
                mapped[bytes, default: 0] += count
            }
            textCounts = mapped
        }
    }

    /// Distinct values in increasing order with their cumulative counts, for rank queries: the
    /// exact value counts, or (`.sketch`) the sketch's representatives clamped into the exact
    /// extremes, so every value of a rank is within 0.1% relative of the exact one.
    package func ranks() -> (values: [Double], cumulative: [Int]) {
        if needs.contains(.sketch) && !sketchInHistogram {
            var values: [Double] = [], cumulative: [Int] = []
            var seen = 0
            for (value, count) in sketch.ascendingValues(minimum: minimum, maximum: maximum) {
                seen += count
                values.append(value)
                cumulative.append(seen)
            }
            return (values, cumulative)
        }
        let values = histogram.keys.sorted()
        var cumulative: [Int] = []
        cumulative.reserveCapacity(values.count)
        var seen = 0
        for value in values {
            seen += histogram[value]!
            cumulative.append(seen)
        }
        return (values, cumulative)
    }

    private static func value(atRank rank: Int, _ ranks: (values: [Double], cumulative: [Int])) -> Double {
        var low = 0, high = ranks.cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if ranks.cumulative[mid] > rank { high = mid } else { low = mid + 1 }
        }
        return ranks.values[low]
    }

    /// The median as numpy computes it: the middle value, or the mean of the two middle ones
    /// (the middle value itself: (x + x) / 2 overflowed past 9e307, where numpy's is x).
    package func median() -> Double {
        let r = ranks()
        guard let total = r.cumulative.last, total > 0 else { return .nan }
        let high = Self.value(atRank: total / 2, r)
        if total % 2 == 1 { return high }
        let low = Self.value(atRank: total / 2 - 1, r)
        return (low + high) / 2
    }

    /// The q-th percentile (q in 0...100), numpy's default "linear" method, written the way
    /// numpy evaluates it so the result is the same to the last bit.
    package func percentile(_ q: Double) -> Double {
        let r = ranks()
        guard let total = r.cumulative.last, total > 0 else { return .nan }
        let fraction = q / 100
        let n = Double(total)
        // numpy's "linear" method: (n - 1) * q (its source prefers it to the alpha/beta form).
        let virtualIndex = (n - 1) * fraction
        let previous = virtualIndex.rounded(.down)
        let gamma = virtualIndex - previous
        let lowerRank = min(max(Int(previous), 0), total - 1)
        let upperRank = min(lowerRank + 1, total - 1)
        let lower = Self.value(atRank: lowerRank, r)
        let upper = Self.value(atRank: upperRank, r)
        // numpy's _lerp: a + (b-a)*t, or b - (b-a)*(1-t) when t >= 0.5.
        let difference = upper - lower
        return gamma >= 0.5 ? upper - difference * (1 - gamma) : lower + difference * gamma
    }

    /// The most frequent value; ties go to the smallest (scikit-learn's rule).
    package func mostFrequentNumber() -> Double? {
        histogram.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }

    /// The most frequent text. When every value is a number, values are compared as numbers, as
    /// scikit-learn sees a float column: `1.0` and `1` are one value (their counts add up), and
    /// ties go to the smallest number. The fill is then written in the data's own spelling of
    /// that value (its most frequent spelling, ties by code point), so a later onehot finds it
    /// among the categories it counted. Otherwise ties go to the smallest text by code point.
    package func mostFrequentText() -> [UInt8]? {
        var numbers: [[UInt8]: Double] = [:]
        for text in textCounts.keys {
            guard let x = text.withUnsafeBufferPointer({ NumberText.parse($0) }) else { numbers = [:]; break }
            numbers[text] = x
        }
        if !numbers.isEmpty {
            var byValue: [Double: Int] = [:]
            for (text, count) in textCounts { byValue[numbers[text]! == 0 ? 0 : numbers[text]!, default: 0] += count }
            guard let winner = byValue.max(by: { a, b in a.value != b.value ? a.value < b.value : a.key > b.key })?.key else { return nil }
            return textCounts.filter { numbers[$0.key]! == winner }.max { a, b in Self.ranksBelow(a, b) }?.key
        }
        return textCounts.max { a, b in Self.ranksBelow(a, b) }?.key
    }

    /// Orders (text, count) pairs for `max`: more frequent wins, ties go to the smaller text by
    /// code point (UTF-8 byte order is code-point order).
    private static func ranksBelow(_ a: (key: [UInt8], value: Int), _ b: (key: [UInt8], value: Int)) -> Bool {
        a.value != b.value ? a.value < b.value : !a.key.lexicographicallyPrecedes(b.key) && a.key != b.key
    }
}

/// A learned or given fill value.
package enum FillValue: Sendable, Equatable {
    case number(Double)
    case text([UInt8])
}

/// Marks values that stand for a fill value not yet learned (fit mode only).
package enum Placeholder {
    private static let payloadMask: UInt64 = (1 << 50) - 1

    package static func number(stage: Int) -> Double {
        Double(nan: Double.RawSignificand(stage + 1), signaling: false)
    }

    package static func stage(of value: Double) -> Int? {
        // Only a NaN carries a payload: an ordinary number's significand is not one (a one-hot
        // on a z-scored column read 0.5's significand as a stage and trapped).
        guard value.isNaN else { return nil }
        let payload = value.significandBitPattern & payloadMask
        return payload == 0 ? nil : Int(payload) - 1
    }

    package static func ref(stage: Int) -> Int32 { Int32.min + Int32(stage) }

    package static func stage(ofRef ref: Int32) -> Int? {
        ref < -1_000_000_000 ? Int(ref - Int32.min) : nil
    }
}
