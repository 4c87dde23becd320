/// Mean and variance that merge exactly (Chan, Golub & LeVeque), population variance (ddof 0)
/// as scikit-learn's StandardScaler uses.
///
/// The sum is kept in double-double (an error-free running sum), so the mean is the correctly
/// rounded mean however many chunks were merged: a value near the mean then scales to the same
/// tiny number at any chunk size, where plain Chan merges drifted by ~1e-14 at tiny chunks.
package struct Moments: Sendable, Equatable {
    package var count = 0.0
    private var sumHigh = 0.0
    private var sumLow = 0.0
    package var m2 = 0.0

    package var mean: Double { count > 0 ? (sumHigh + sumLow) / count : 0 }

    /// Knuth's two-sum: s + e == a + b exactly.
    @inline(__always)
    private static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    private mutating func addToSum(_ high: Double, _ low: Double) {
        let (s, e) = Self.twoSum(sumHigh, high)
        let (t, f) = Self.twoSum(s, e + sumLow + low)
        sumHigh = t
        sumLow = f
    }

    /// Adds a chunk's values with a two-pass sum (as scikit-learn does per batch) for accuracy.
    package mutating func add(_ values: [Double], where include: (Int) -> Bool) {
        var chunk = Moments()
        var n = 0.0
        for (i, x) in values.enumerated() where !x.isNaN && include(i) {
            n += 1
            chunk.addToSum(x, 0)
        }
        guard n > 0 else { return }
        chunk.count = n
        let shift = chunk.mean
        var deviations = 0.0, squares = 0.0
        for (i, x) in values.enumerated() where !x.isNaN && include(i) {
            let d = x - shift
            deviations += d
            squares += d * d
        }
        chunk.m2 = squares - deviations * deviations / n
        merge(chunk)
    }

    /// `count` copies of `value` (a fill value standing in for the missing ones).
    package mutating func add(copies count: Int, of value: Double) {
        guard count > 0 else { return }
        var copies = Moments()
        copies.count = Double(count)
        // value * count exactly, as a product and its rounding error (one fused multiply-add).
        let product = value * Double(count)
        copies.addToSum(product, (-product).addingProduct(value, Double(count)))
        merge(copies)
    }

    package mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = count + other.count
        let delta = other.mean - mean
        m2 += other.m2 + delta * delta * count * other.count / n
        addToSum(other.sumHigh, other.sumLow)
        count = n
    }

    /// Rewrites the moments after an affine map x -> a*x + b given as the map's own formula
    /// (used when a later stage's statistics are replayed through an earlier scaler).
    package mutating func map(mean newMean: Double, slope: Double) {
        sumHigh = newMean * count
        sumLow = (-sumHigh).addingProduct(newMean, count)
        m2 *= slope * slope
    }

    package var variance: Double { count > 0 ? max(0, m2 / count) : .nan }
}

/// Every stage's fit statistics for one column: the parts it asked for, merged chunk by chunk
/// in input order. Values that an earlier stage's learned fill will produce are counted as
/// placeholders and added once that fill is learned, so chained fits need no extra data pass.
package struct ColumnProfile: Sendable {
    package struct Needs: Sendable, OptionSet {
        package let rawValue: Int
        package init(rawValue: Int) { self.rawValue = rawValue }
        package static let moments = Needs(rawValue: 1)
        package static let extremes = Needs(rawValue: 2)
        package static let histogram = Needs(rawValue: 4)
        package static let textCounts = Needs(rawValue: 8)
        /// Document frequencies and corpus counts of terms (tfidf).
        package static let terms = Needs(rawValue: 16)
    }

    package let needs: Needs
    package var moments = Moments()
    package var minimum = Double.infinity
    package var maximum = -Double.infinity
    /// Exact value counts (medians and percentiles need every distinct value: O(distinct) memory).
    package var histogram: [Double: Int] = [:]
    /// Counts of text values (categories), keyed by their UTF-8 bytes.
    package var textCounts: [[UInt8]: Int] = [:]
    /// Terms of the documents (tfidf): O(vocabulary) memory, never O(documents).
    package var terms: TermCounts
    /// Texts an earlier stage's learned fill put in place of missing values, with how many
    /// documents they are: the stage that needs their terms tokenizes them once in `learn`.
    package var filledDocuments: [(text: [UInt8], count: Int)] = []
    package var observed = 0
    package var missing = 0
    /// Placeholder counts by the index of the stage whose fill value they stand for.
    package var placeholders: [Int: Int] = [:]

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
        for (text, count) in other.textCounts { textCounts[text, default: 0] += count }
        if needs.contains(.terms) { terms.merge(other.terms) }
        observed += other.observed
        missing += other.missing
        for (stage, count) in other.placeholders { placeholders[stage, default: 0] += count }
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
                if needs.contains(.histogram) { histogram[x == 0 ? 0 : x, default: 0] += count }
                if !needs.isDisjoint(with: [.textCounts, .terms]) {
                    var bytes: [UInt8] = []
                    NumberText.append(x, to: &bytes)
                    if needs.contains(.textCounts) { textCounts[bytes, default: 0] += count }
                    if needs.contains(.terms) { filledDocuments.append((bytes, count)) }
                }
            case .text(let bytes):
                if needs.contains(.textCounts) { textCounts[bytes, default: 0] += count }
                if needs.contains(.terms) { filledDocuments.append((bytes, count)) }
            }
        }
    }

    /// Rewrites the statistics as if they had been taken after an earlier scaling: the fit pass
    /// reads a column before its scalers are learned. `transform` is the scaler's own formula,
    /// so extremes, value counts and categories come out bit-identical; moments follow by algebra.
    package mutating func map(through transform: (Double) -> Double, slope: Double) {
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

    /// Distinct values in increasing order with their cumulative counts, for rank queries.
    private func ranks() -> (values: [Double], cumulative: [Int]) {
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

    /// The median as numpy computes it: the middle value, or the mean of the two middle ones.
    package func median() -> Double {
        let r = ranks()
        guard let total = r.cumulative.last, total > 0 else { return .nan }
        let high = Self.value(atRank: total / 2, r)
        let low = total % 2 == 1 ? high : Self.value(atRank: total / 2 - 1, r)
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

    /// The most frequent text; ties go to the smallest number when every value is a number
    /// (scikit-learn then sees a float column), else the smallest by code point.
    package func mostFrequentText() -> [UInt8]? {
        var numbers: [[UInt8]: Double] = [:]
        for text in textCounts.keys {
            guard let x = text.withUnsafeBufferPointer({ NumberText.parse($0) }) else { numbers = [:]; break }
            numbers[text] = x
        }
        if !numbers.isEmpty {
            return textCounts.max { a, b in a.value != b.value ? a.value < b.value : numbers[a.key]! > numbers[b.key]! }?.key
        }
        return textCounts.max { a, b in a.value != b.value ? a.value < b.value : !a.key.lexicographicallyPrecedes(b.key) && a.key != b.key }?.key
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
        let payload = value.significandBitPattern & payloadMask
        return payload == 0 ? nil : Int(payload) - 1
    }

    package static func ref(stage: Int) -> Int32 { Int32.min + Int32(stage) }

    package static func stage(ofRef ref: Int32) -> Int? {
        ref < -1_000_000_000 ? Int(ref - Int32.min) : nil
    }
}
