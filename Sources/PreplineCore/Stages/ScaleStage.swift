/// `scale`: scikit-learn's StandardScaler, MinMaxScaler, RobustScaler and MaxAbsScaler, with
/// their exact formulas, so the numbers agree to the last bits. Missing values stay missing.
package struct ScaleStage: PipelineStage {
    package enum Method: String, Sendable, CaseIterable {
        case zscore, minmax, robust, maxabs
    }

    /// What transform needs for one column: y = (x - center) * multiplier / divisor + offset,
    /// with only the operations scikit-learn performs (each rounding matters).
    package struct Parameters: Sendable, Equatable {
        var center = 0.0
        var scale = 1.0
        var offset = 0.0
        /// Extra learned values shown in the fitted spec (data_min, data_max, var, …).
        var details: [(String, Double)] = []

        package static func == (a: Parameters, b: Parameters) -> Bool {
            a.center == b.center && a.scale == b.scale && a.offset == b.offset
        }
    }

    package static let kind = "scale"
    package static let summary = "scale numbers: zscore (ddof 0), minmax (range, clip), robust (median, quantile_range), maxabs"

    package let position: Int
    package let selectors: [String]
    package let method: Method
    package let range: (Double, Double)
    package let clip: Bool
    package let quantileRange: (Double, Double)
    package let withCentering: Bool
    package let withScaling: Bool
    /// How robust's median and quantile range are learned (`"quantiles"`).
    package let quantiles: QuantileEstimate
    private let file: String
    package private(set) var parameters: [String: Parameters] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// The columns the spec's `fitted` block covers.
    private var fittedNames: [String] = []
    package var columnNames: [String] { boundNames }

    /// scikit-learn's `_handle_zeros_in_scale`: scales below 10 ulp of 1 become 1.
    private static let nearZero = 10 * Double.ulpOfOne

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        let method = Method(rawValue: options.string("method")!)!
        self.method = method
        range = options.pair("range")!
        clip = options.bool("clip")
        quantileRange = options.pair("quantile_range")!
        withCentering = options.bool(method == .zscore ? "with_mean" : "with_centering")
        withScaling = options.bool(method == .zscore ? "with_std" : "with_scaling")
        quantiles = QuantileEstimate(rawValue: options.string("quantiles")!)!
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                var p = Parameters()
                func required(_ key: String) throws(PreplineError) -> Double {
                    // null: learned from a column with no observed values (every value stays missing).
                    if entry.value(key) == .null { return .nan }
                    guard let x = try entry.number(key) else { throw entry.fail(key, "missing: a learned parameter of \(method.rawValue) scaling") }
                    return x
                }
                switch method {
                case .zscore:
                    p.center = try required("mean")
                    p.scale = try required("scale")
                    if entry.value("var") == .null {} else { _ = try entry.number("var") }
                case .minmax:
                    p.scale = try required("scale")
                    p.offset = try required("min")
                    for key in ["data_min", "data_max"] where entry.value(key) != .null { _ = try entry.number(key) }
                case .robust:
                    p.center = try required("center")
                    p.scale = try required("scale")
                case .maxabs:
                    p.scale = try required("scale")
                    if entry.value("max_abs") != .null { _ = try entry.number("max_abs") }
                }
                try entry.finish()
                parameters[column] = p
            }
        }
        try reader.finish()
    }

    package var isFitted: Bool { !parameters.isEmpty }

    package var fittedJSON: JSONValue? {
        guard !parameters.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            guard let p = parameters[name] else { return nil }
            var members: [(key: String, value: JSONValue)] = p.details.map { ($0.0, .number($0.1)) }
            switch method {
            case .zscore: members += [("mean", .number(p.center)), ("scale", .number(p.scale))]
            case .minmax: members += [("scale", .number(p.scale)), ("min", .number(p.offset))]
            case .robust: members += [("center", .number(p.center)), ("scale", .number(p.scale))]
            case .maxabs: members += [("scale", .number(p.scale))]
            }
            return (name, .object(members))
        })
    }

    package var numericColumns: [String] { boundNames }

    package var profileNeeds: ColumnProfile.Needs {
        switch method {
        case .zscore: return .moments
        case .minmax, .maxabs: return .extremes
        case .robust: return .quantiles(sketch: quantiles == .sketch)
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)

    }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        for (i, c) in bound.enumerated() {
            let numbers = batch.numberColumn(c, stage: label)
            if parameters.isEmpty { state.profiles[i].observe(numbers: numbers, where: batch.work.isGood) }
            batch.columns[c] = .numbers(numbers)
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard parameters.isEmpty else { return }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            var p = Parameters()
            guard profile.observed > 0 else {
                // Nothing observed: like scikit-learn, the parameters are undefined and every
                // value stays missing (written as null in the fitted spec).
                p.center = .nan
                p.scale = .nan
                p.offset = .nan
                parameters[name] = p
                continue
            }
            switch method {
            case .zscore:
                let n = profile.moments.count, mean = profile.moments.mean, variance = profile.moments.variance
                // Every value is finite, but their variance (the square of their spread) can
                // exceed a double: a scale of 1 would silently write x - mean.
                guard variance.isFinite, mean.isFinite else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                             message: "column '\(name)': its variance is larger than a double can hold, so it cannot be z-scored (\(label)); rescale it first (e.g. divide by a power of ten) or use method \"robust\" or \"maxabs\"")
                }
                // scikit-learn's _is_constant_feature: variance within the 2-pass error bound.
                let eps = Double.ulpOfOne
                let bound = n * eps * variance + (n * mean * eps) * (n * mean * eps)
                p.center = withCentering ? mean : 0
                p.scale = withScaling ? (variance <= bound ? 1 : variance.squareRoot()) : 1
                p.details = [("var", variance)]
            case .minmax:
                let dataRange = profile.maximum - profile.minimum
                p.scale = (range.1 - range.0) / (dataRange < Self.nearZero ? 1 : dataRange)
                p.offset = range.0 - profile.minimum * p.scale
                p.details = [("data_min", profile.minimum), ("data_max", profile.maximum)]
            case .robust:
                p.center = withCentering ? profile.median() : 0
                if withScaling {
                    let spread = profile.percentile(quantileRange.1) - profile.percentile(quantileRange.0)
                    p.scale = spread < Self.nearZero ? 1 : spread
                }
            case .maxabs:
                let maxAbs = max(abs(profile.minimum), abs(profile.maximum))
                p.scale = maxAbs < Self.nearZero ? 1 : maxAbs
                p.details = [("max_abs", maxAbs)]
            }
            parameters[name] = p
        }
    }

    /// The fit pass reads the column unscaled: a later stage's statistics are mapped through
    /// the learned formula (extremes, value counts and categories exactly; moments by algebra).
    package func replay(_ profile: inout ColumnProfile, column: String) {
        guard let slope = slope(for: column) else { return }
        profile.map(through: { transform($0, column: column) }, slope: slope)
    }

    package func passesStatistics(of column: String) -> Bool { true }
    package var mayDeferLaterStages: Bool { false }

    /// The slope of the learned map for `column` (for rewriting later stages' statistics).
    private func slope(for column: String) -> Double? {
        guard let p = parameters[column] else { return nil }
        switch method {
        case .zscore: return withScaling ? 1 / p.scale : 1
        case .robust: return withScaling ? 1 / p.scale : 1
        case .minmax: return p.scale
        case .maxabs: return 1 / p.scale
        }
    }

    /// One value through the learned map, with scikit-learn's operations in its order.
    private func transform(_ x: Double, column: String) -> Double {
        transform(x, parameters[column]!)
    }

    @inline(__always)
    private func transform(_ x: Double, _ p: Parameters) -> Double {
        switch method {
        case .zscore, .robust:
            var y = x
            if withCentering { y -= p.center }
            if withScaling { y /= p.scale }
            return y
        case .minmax:
            let y = x * p.scale + p.offset
            return clip ? min(max(y, range.0), range.1) : y
        case .maxabs:
            return x / p.scale
        }
    }

    package func apply(_ batch: inout Batch) {
        for (i, c) in bound.enumerated() {
            var numbers = batch.numberColumn(c, stage: label)
            let p = parameters[boundNames[i]]!
            for r in numbers.indices where !numbers[r].isNaN { numbers[r] = transform(numbers[r], p) }
            batch.columns[c] = .numbers(numbers)
        }
    }
}

extension ScaleStage {
    package static let options: StageOptionTable = {
        let learned = SchemaPiece.learnedNumber
        let description = "The learned parameters per column (null where a column had no observed values)."
        let fitted: [Method: JSONValue] = [
            .zscore: SchemaPiece.fitted(description, entry: ["var": learned, "mean": learned, "scale": learned], required: ["mean", "scale"]),
            .minmax: SchemaPiece.fitted(description, entry: ["data_min": learned, "data_max": learned, "scale": learned, "min": learned],
                                        required: ["scale", "min"]),
            .robust: SchemaPiece.fitted(description, entry: ["center": learned, "scale": learned], required: ["center", "scale"]),
            .maxabs: SchemaPiece.fitted(description, entry: ["max_abs": learned, "scale": learned], required: ["scale"]),
        ]
        let pair = { (low: Double, high: Double) in JSONValue.array([.number(low), .number(high)]) }
        return StageOptionTable([
            StageOption("method", .choice(Method.allCases.map(\.rawValue)), default: .string(Method.zscore.rawValue),
                        "zscore: (x - mean) / std, population std (ddof 0), a constant column gets scale 1; minmax: to \"range\"; robust: (x - median) / IQR; maxabs: x / max|x|."),
            StageOption("range", .numberPair(), default: pair(0, 1), appliesTo: ["minmax"], "minmax only: the target range [low, high], low < high."),
            StageOption("clip", .bool, default: .bool(false), appliesTo: ["minmax"], "minmax only: clip transformed values to \"range\" (values outside the fitted data's range)."),
            StageOption("quantile_range", .numberPair(within: 0...100), default: pair(25, 75), appliesTo: ["robust"],
                        "robust only: the percentiles [low, high] whose difference is the scale (linear interpolation)."),
            StageOption("with_mean", .bool, default: .bool(true), appliesTo: ["zscore"], "zscore only: subtract the mean."),
            StageOption("with_std", .bool, default: .bool(true), appliesTo: ["zscore"], "zscore only: divide by the standard deviation."),
            StageOption("with_centering", .bool, default: .bool(true), appliesTo: ["robust"], "robust only: subtract the median."),
            StageOption("with_scaling", .bool, default: .bool(true), appliesTo: ["robust"], "robust only: divide by the quantile range."),
            QuantileEstimate.option("quantiles", only: "robust only: ", statistic: "the learned medians and quantile ranges", appliesTo: [Method.robust.rawValue]),
        ], selector: "method",
        fitted: SchemaPiece.object([
            "description": .string("The learned parameters per column; their keys depend on \"method\". Written by `prepline fit`."),
            "type": .string("object"),
            "additionalProperties": SchemaPiece.object(["type": .string("object")]),
        ]),
        fittedBySelector: Dictionary(uniqueKeysWithValues: fitted.map { ($0.key.rawValue, $0.value) }))
    }()

    package var learnedParameters: String {
        switch method {
        case .zscore:
            switch (withCentering, withScaling) {
            case (true, true): return "the mean and standard deviation"
            case (true, false): return "the mean"
            case (false, true): return "the standard deviation"
            case (false, false): return "the variance (used by neither centering nor scaling)"
            }
        case .minmax: return "the minimum and maximum"
        case .robust:
            let note = quantiles == .sketch && (withCentering || withScaling) ? QuantileEstimate.approximateNote : ""
            let spread = "the \(NumberText.format(quantileRange.0))th–\(NumberText.format(quantileRange.1))th percentile range"
            switch (withCentering, withScaling) {
            case (true, true): return "the median and \(spread)\(note)"
            case (true, false): return "the median\(note)"
            case (false, true): return spread + note
            case (false, false): return "nothing used (neither centering nor scaling)"
            }
        case .maxabs: return "the maximum absolute value"
        }
    }
}
