#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mergeable quantile sketch with a relative value error (DDSketch, Masson et al. 2019): each
/// value falls in the bucket ceil(log_γ |x|) for γ = (1 + α) / (1 − α), α = 0.001, counted per
/// sign, zeros (+0 and −0) apart. A bucket's representative 2γ^i / (γ + 1) is within α·|x| of
/// every value x in it, so the value of any rank is within 0.1% relative of the exact one, and
/// numpy's linear interpolation between two ranks within 0.1% of the larger magnitude of the two
/// (relative to the result itself when both have one sign). Buckets add on merge: the sketch of
/// a data set is the same whatever the chunking or order. Memory: one count per occupied bucket,
/// about 1,150 buckets per factor of 10 of the values' range (a range of 1e-6 … 1e9: about
/// 17,000 buckets, 270 KB), never more than the distinct values.
///
/// Used by `profile` (past its exact budget) and by the fits of stages with `"quantiles":
/// "sketch"` (`ColumnProfile`). Infinities have a bucket of their own per sign (`Int32.max`,
/// whose representative is infinite); subnormal magnitudes keep their own buckets, but their
/// representatives are rounded to the subnormal spacing (an extra absolute error below 2.5e-324).
package struct LogBucketSketch: Sendable, Equatable {
    package static let relativeAccuracy = 0.001
    private static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    private static let logGamma = log(gamma)
    /// The bucket of an infinite magnitude.
    private static let infinityBucket = Int32.max

    private(set) var positive: [Int32: Int] = [:]
    private(set) var negative: [Int32: Int] = [:]
    private(set) var zeros = 0
    package private(set) var count = 0

    package init() {}

    /// Every finite magnitude's bucket fits an Int32: about −372,000 for 4.9e-324, 355,000
    /// for 1.8e308.
    @inline(__always)
    private static func bucket(_ magnitude: Double) -> Int32 {
        guard magnitude < .infinity else { return infinityBucket }
        return Int32((log(magnitude) / logGamma).rounded(.up))
    }

    private static func representative(_ bucket: Int32) -> Double {
        2 * pow(gamma, Double(bucket)) / (gamma + 1)
    }

    /// Adds `copies` of `value` (not NaN).
    package mutating func add(_ value: Double, copies: Int = 1) {
        count += copies
        if value == 0 { zeros += copies }
        else if value > 0 { positive[Self.bucket(value), default: 0] += copies }
        else { negative[Self.bucket(-value), default: 0] += copies }
    }

    package mutating func merge(_ other: LogBucketSketch) {
        count += other.count
        zeros += other.zeros
        for (k, c) in other.positive { positive[k, default: 0] += c }
        for (k, c) in other.negative { negative[k, default: 0] += c }
    }

    /// (representative value, count) in increasing value order.
    package func ascendingBuckets() -> [(value: Double, count: Int)] {
        var out: [(value: Double, count: Int)] = []
        for k in negative.keys.sorted(by: >) { out.append((-Self.representative(k), negative[k]!)) }
        if zeros > 0 { out.append((0, zeros)) }
        for k in positive.keys.sorted() { out.append((Self.representative(k), positive[k]!)) }
        return out
    }

    /// (value, count) in increasing value order, each representative clamped into the exact
    /// `minimum` … `maximum` of the values added, and the smallest and the largest value split
    /// off their buckets as those exact extremes: ranks 0 and n − 1 are exact, a near-constant
    /// column's quantiles stay within its range (1e10 ± 1e-3 shares one bucket), and the bucket
    /// of a finite value next to the largest double (whose representative rounds up past it)
    /// never stands for an infinity.
    package func ascendingValues(minimum: Double, maximum: Double) -> [(value: Double, count: Int)] {
        var out: [(value: Double, count: Int)] = []
        out.reserveCapacity(negative.count + positive.count + 1)
        // −0 reads as 0, as the exact value counts have it.
        func clamped(_ x: Double) -> Double {
            let y = Swift.min(maximum, Swift.max(minimum, x))
            return y == 0 ? 0 : y
        }
        // Past 9e307, 2γ^i overflows before the division: γ^i / (γ + 1) first (a bucket whose
        // γ^i itself passes the largest double stands for values next to it).
        func magnitude(_ k: Int32) -> Double {
            if k == Self.infinityBucket { return .infinity }
            let r = Self.representative(k)
            return r.isFinite ? r : Swift.min(2 * (pow(Self.gamma, Double(k)) / (Self.gamma + 1)), .greatestFiniteMagnitude)
        }
        for k in negative.keys.sorted(by: >) { out.append((clamped(-magnitude(k)), negative[k]!)) }
        if zeros > 0 { out.append((clamped(0), zeros)) }
        for k in positive.keys.sorted() { out.append((clamped(magnitude(k)), positive[k]!)) }
        guard !out.isEmpty else { return out }
        if out[0].value != minimum {
            if out[0].count == 1 { out[0].value = minimum } else { out[0].count -= 1; out.insert((minimum, 1), at: 0) }
        }
        let last = out.count - 1
        if out[last].value != maximum {
            if out[last].count == 1 { out[last].value = maximum } else { out[last].count -= 1; out.append((maximum, 1)) }
        }
        return out
    }

    /// Occupied buckets (what a part holds).
    package var bucketCount: Int { positive.count + negative.count + (zeros > 0 ? 1 : 0) }
}

/// In a part (docs/distributed.md): `{"zeros": N, "positive": [[BUCKET, ...], [COUNT, ...]],
/// "negative": [[...], [...]]}`, buckets in increasing order, so the same values write the
/// same part whatever their order.
extension LogBucketSketch {
    package func write(to writer: inout PartWriter) {
        writer.beginObject()
        writer.key("zeros"); writer.int(zeros)
        for (name, buckets) in [("positive", positive), ("negative", negative)] where !buckets.isEmpty {
            let keys = buckets.keys.sorted()
            if name == "positive" { writer.key("positive") } else { writer.key("negative") }
            writer.beginArray()
            writer.beginArray(); for k in keys { writer.int(Int(k)) }; writer.endArray()
            writer.beginArray(); for k in keys { writer.int(buckets[k]!) }; writer.endArray()
            writer.endArray()
        }
        writer.endObject()
    }

    /// Reads what `write` wrote.
    package init(from reader: inout PartReader) throws(PartFormatError) {
        self.init()
        var zeros = 0
        var positive: [Int32: Int] = [:], negative: [Int32: Int] = [:]
        try reader.object { reader, key throws(PartFormatError) in
            switch key {
            case "zeros":
                zeros = try reader.int()
                guard zeros >= 0 else { throw reader.error("a sketch's zero count is not negative") }
            case "positive", "negative":
                var lists: [[Int]] = []
                try reader.array { reader throws(PartFormatError) in lists.append(try reader.ints()) }
                guard lists.count == 2, lists[0].count == lists[1].count else { throw reader.error("sketch buckets are [[bucket, ...], [count, ...]]") }
                var buckets: [Int32: Int] = [:]
                buckets.reserveCapacity(lists[0].count)
                for (k, c) in zip(lists[0], lists[1]) {
                    guard let bucket = Int32(exactly: k), c > 0 else { throw reader.error("a sketch bucket is an Int32 with a positive count") }
                    guard buckets.updateValue(c, forKey: bucket) == nil else { throw reader.error("a sketch lists a bucket twice") }
                }
                if key == "positive" { positive = buckets } else { negative = buckets }
            default: throw reader.unknownKey(key, in: "a sketch")
            }
        }
        self.zeros = zeros
        self.positive = positive
        self.negative = negative
        count = zeros + positive.values.reduce(0, +) + negative.values.reduce(0, +)
    }
}
