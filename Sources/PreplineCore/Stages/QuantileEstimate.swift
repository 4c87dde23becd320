/// How a stage learns medians and percentiles (fill median, scale robust, bin quantile, clip's
/// quantile and iqr fences): from the exact value counts (the default: numpy's value to the last
/// bit, memory and part size growing with the distinct values), or from a mergeable quantile
/// sketch (`LogBucketSketch`: a few thousand buckets whatever the distinct values, each value of
/// a rank within 0.1% relative of the exact one).
package enum QuantileEstimate: String, Sendable, CaseIterable {
    case exact, sketch

    /// The words `explain` adds after what a sketch-fitted stage learns (fitted or not).
    static let approximateNote = " (approximate: from a quantile sketch, each within 0.1% relative of the exact value)"

    /// The option: `"quantiles"` on fill, scale and bin, `"fence_quantiles"` on clip (whose
    /// `"quantiles"` are its fence fractions). `statistic` names what the sketch estimates.
    static func option(_ name: String, only: String = "", statistic: String, appliesTo: [String]?, default defaultValue: JSONValue? = .string(Self.exact.rawValue)) -> StageOption {
        StageOption(name, .choice(allCases.map(\.rawValue)), default: defaultValue, appliesTo: appliesTo,
                    only + (only.isEmpty ? "Where" : "where") + " \(statistic) come from: exact (the default: numpy's value exactly; the fit state and each `fit --partial` part keep every distinct value of the column, so they grow with the distinct values) or sketch (a mergeable log-bucket quantile sketch, DDSketch with alpha 0.001: about 1,150 buckets per factor of 10 of the values' magnitudes, whatever the rows or distinct values; each quantile within 0.1% relative of numpy's, i.e. within 0.001*|value| in absolute terms, and never outside the column's exact minimum and maximum; a difference of two quantiles, such as an IQR, within 0.001*(|high| + |low|)). The fitted spec keeps the option, so `explain` says the values are approximate.")
    }
}
