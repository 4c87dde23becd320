/// `clip`: bounds numeric columns by fixed `min` / `max`, or by fences learned on the observed
/// values — `quantiles` (numpy's linear percentiles: winsorizing), `iqr` (Tukey's fences
/// Q1 − k·IQR, Q3 + k·IQR) or `zscore` (mean ± k·population std) — feature-engine's
/// Winsorizer / OutlierTrimmer idea computed as numpy does. A value outside the fences is
/// clipped to them, becomes missing, or fails its row (`action`); `indicator` adds
/// `<col>_outlier`. Missing stays missing.
package struct ClipStage: PipelineStage {
    package enum Action: String, Sendable, CaseIterable {
        case clip, missing, reject
    }

    /// Where the fences come from.
    package enum Fences: Sendable, Equatable {
        case fixed(low: Double, high: Double)
        /// Fractions of the observed values: the `low`·100 and `high`·100 percentiles.
        case quantiles(low: Double, high: Double)
        case iqr(Double)
        case zscore(Double)

        var isLearned: Bool { if case .fixed = self { false } else { true } }
    }

    /// One column's fences: values below `low` or above `high` are outliers.
    package struct Bounds: Sendable, Equatable {
        package var low: Double
        package var high: Double
    }

    package static let kind = "clip"
    package static let summary = "bound numbers by fixed min/max or learned fences (quantiles, iqr, zscore); action clip, missing or reject; indicator adds <col>_outlier"

    package let position: Int
    package let selectors: [String]
    package let fences: Fences
    package let action: Action
    package let indicator: Bool
    /// How the quantile and iqr fences' percentiles are learned (`"fence_quantiles"`: clip's
    /// `"quantiles"` are the fence fractions).
    package let fenceQuantiles: QuantileEstimate
    private let file: String
    /// The fences per column: learned (or read from the fitted spec), or the fixed ones.
    package private(set) var bounds: [String: Bounds] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    private var fittedNames: [String] = []
    /// Bound columns an earlier stage of this fit pass rewrote (not final there).
    private var notFinalInFitPass: Set<String> = []
    /// Indicator columns whose values this fit pass does not know yet (fences learned here, or
    /// the column not final).
    private var indicatorsNotFinal: Set<String> = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        // fill, scale and bin take "quantiles": "sketch"; clip's "quantiles" are its fences.
        if case .string(let s)? = reader.value("quantiles"), QuantileEstimate(rawValue: s) != nil {
            throw reader.fail("quantiles", "expected two numbers [low, high], the fence fractions; for fences from a quantile sketch give \"fence_quantiles\": \"\(s)\" with \"quantiles\" or \"iqr\"")
        }
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        action = Action(rawValue: options.string("action")!)!
        indicator = options.bool("indicator")
        let low = options.number("min")?.value, high = options.number("max")?.value
        if let low, let high, low >= high {
            throw reader.fail("max", "expected max > min, got min \(NumberText.format(low)) and max \(NumberText.format(high))")
        }
        let learned = ["quantiles", "iqr", "zscore"].filter { options.isGiven($0) }
        if learned.count > 1 {
            throw reader.fail(learned[1], "\"\(learned[0])\" and \"\(learned[1])\" both give the fences; choose one")
        }
        if let method = learned.first, low != nil || high != nil {
            throw reader.fail(method, "\"\(method)\" learns the fences, so fixed \"\(low != nil ? "min" : "max")\" cannot be given too; use one or the other")
        }
        let fences: Fences?
        switch learned.first {
        case "quantiles":
            let (lo, hi) = options.pair("quantiles")!
            fences = .quantiles(low: lo, high: hi)
        case "iqr": fences = .iqr(options.number("iqr")!.value)
        case "zscore": fences = .zscore(options.number("zscore")!.value)
        default: fences = low != nil || high != nil ? .fixed(low: low ?? -.infinity, high: high ?? .infinity) : nil
        }
        fenceQuantiles = QuantileEstimate(rawValue: options.string("fence_quantiles") ?? QuantileEstimate.exact.rawValue)!
        if options.isGiven("fence_quantiles"), fences != nil, !["quantiles", "iqr"].contains(learned.first ?? "") {
            let fenced = learned.first.map { "\"\($0)\" fences" } ?? "fixed bounds"
            throw reader.fail("fence_quantiles", "applies to \"quantiles\" or \"iqr\" fences, not \(fenced)")
        }
        if let fitted = try reader.fittedColumns(), let fences {
            guard fences.isLearned else { throw reader.fail("fitted", "fixed fences learn nothing; remove \"fitted\"") }
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard let low = try entry.number("low") else { throw entry.fail("low", "missing: the learned lower fence") }
                guard let high = try entry.number("high") else { throw entry.fail("high", "missing: the learned upper fence") }
                guard low <= high else { throw entry.fail("high", "expected high >= low, got low \(NumberText.format(low)) and high \(NumberText.format(high))") }
                try entry.finish()
                bounds[column] = Bounds(low: low, high: high)
            }
        }
        // After the unknown keys: a misspelt "minimum" is named as such.
        try reader.finish()
        guard let fences else {
            throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                     message: "no fences: give fixed \"min\" and/or \"max\", or learned \"quantiles\", \"iqr\" or \"zscore\"")
        }
        self.fences = fences
    }

    package var isFitted: Bool { !fences.isLearned || !bounds.isEmpty }

    package var fittedJSON: JSONValue? {
        guard fences.isLearned, !bounds.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            bounds[name].map { (name, .object([("low", .number($0.low)), ("high", .number($0.high))])) }
        })
    }

    package var numericColumns: [String] { boundNames }

    package var profileNeeds: ColumnProfile.Needs {
        switch fences {
        case .fixed: return []
        case .quantiles, .iqr: return .quantiles(sketch: fenceQuantiles == .sketch)
        case .zscore: return .moments
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        notFinalInFitPass = columns.rewrittenInFitPass.intersection(boundNames)
        if case .fixed(let low, let high) = fences {
            for name in boundNames { bounds[name] = Bounds(low: low, high: high) }
        }
        if indicator {
            // `<col>_outlier` right after each column, checked against the other names by the plan.
            bound = columns.insertColumns(after: bound, suffix: "_outlier", by: label)
            // The indicator's values are final in this pass only where the column's are and the
            // fences are known: otherwise a stage naming `<col>_outlier` (any `<col>_…`) fits in
            // the next pass, and one reaching it by another glob is refused (`checkPlan`).
            if !columns.stageRunsLearned {
                for name in boundNames where !isFitted || notFinalInFitPass.contains(name) {
                    columns.namesLearnedLater[name] = label
                    indicatorsNotFinal.insert("\(name)_outlier")
                }
            }
        }
    }

    /// Fences to learn: the statistics of the observed values (an earlier fill's placeholders
    /// are counted and resolved by its `replay`), the values left as they are. Fences known
    /// (fixed, or fitted): applied as in `apply`.
    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        guard !isFitted else { return apply(&batch) }
        if indicator { batch.insertFlagSlots(after: bound, suffix: "_outlier") }
        for (i, c) in bound.enumerated() {
            let numbers = batch.numberColumn(c, stage: label)
            state.profiles[i].observe(numbers: numbers, where: batch.work.isGood)
            batch.columns[c] = .numbers(numbers)
            if indicator { batch.columns[c + 1] = .flags([UInt8](repeating: 0, count: numbers.count)) }
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard !isFitted else { return }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            guard profile.observed > 0 else {
                throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                         message: "column '\(name)' has no observed values, so its fences are undefined (\(label))")
            }
            switch fences {
            case .fixed: break
            case .quantiles(let low, let high):
                // np.percentile(x, 100 * q): the same division by 100 as numpy's.
                bounds[name] = Bounds(low: profile.percentile(100 * low), high: profile.percentile(100 * high))
            case .iqr(let k):
                let q1 = profile.percentile(25), q3 = profile.percentile(75)
                let iqr = q3 - q1
                bounds[name] = Bounds(low: q1 - k * iqr, high: q3 + k * iqr)
            case .zscore(let k):
                let mean = profile.moments.mean, variance = profile.moments.variance
                guard variance.isFinite, mean.isFinite else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                             message: "column '\(name)': its variance is larger than a double can hold, so it has no z-score fences (\(label)); use \"quantiles\" or \"iqr\"")
                }
                let std = variance.squareRoot()
                bounds[name] = Bounds(low: mean - k * std, high: mean + k * std)
            }
        }
    }

    /// A later stage on a column whose fences this pass learns sees the values unclipped; what
    /// clipping does to its statistics is no algebra on moments (nor on the fill values an
    /// earlier stage's placeholders stand for), so it fits in the next pass, with the fences
    /// applied. Fences known: as `log` (final unless an earlier stage of the pass rewrote it).
    package func passesStatistics(of column: String) -> Bool {
        isFitted && !notFinalInFitPass.contains(column)
    }

    package var mayDeferLaterStages: Bool { true }

    /// A later stage of this pass that reaches a `<col>_outlier` whose values are not known yet
    /// through a glob the deferral does not see (`*`, `*_outlier`) would fit on placeholder
    /// zeros: refused, naming the way that works.
    package func checkPlan(_ stages: [any PipelineStage]) throws(PreplineError) {
        guard !indicatorsNotFinal.isEmpty else { return }
        for later in stages where later.position > position {
            if let name = later.columnNames.first(where: { indicatorsNotFinal.contains($0) }) {
                throw PreplineError.spec(file: file, path: "stages[\(later.position)].columns",
                                         message: "'\(name)' is made by \(label) from fences learned in this fit pass, and \(later.label) reaches it through a glob; name it as '\(name)' (or by a glob starting '\(name.dropLast("_outlier".count))_'), so that stage fits in the next pass on its values")
            }
        }
    }

    package func apply(_ batch: inout Batch) {
        if indicator { batch.insertFlagSlots(after: bound, suffix: "_outlier") }
        for (i, c) in bound.enumerated() {
            var numbers = batch.numberColumn(c, stage: label)
            let fence = bounds[boundNames[i]]!
            var flags = indicator ? [UInt8](repeating: 0, count: numbers.count) : []
            for r in numbers.indices {
                let x = numbers[r]
                // NaN (missing, or a fit pass's placeholder) compares false: left as it is.
                guard x < fence.low || x > fence.high else { continue }
                if indicator { flags[r] = 1 }
                switch action {
                case .clip: numbers[r] = x < fence.low ? fence.low : fence.high
                case .missing: numbers[r] = .nan
                case .reject:
                    if batch.isGood(r) {
                        let side = x < fence.low ? "below the lower fence \(NumberText.format(fence.low))" : "above the upper fence \(NumberText.format(fence.high))"
                        batch.reject(record: r, reason: "column '\(boundNames[i])': \(NumberText.format(x)) is \(side) (\(label))")
                    }
                }
            }
            batch.columns[c] = .numbers(numbers)
            if indicator { batch.columns[c + 1] = .flags(flags) }
        }
    }
}

extension ClipStage {
    package static let options = StageOptionTable([
        StageOption("min", .number(), "A fixed lower bound (with or without \"max\"; min < max)."),
        StageOption("max", .number(), "A fixed upper bound (with or without \"min\")."),
        StageOption("quantiles", .numberPair(within: 0...1),
                    "Learned fences: the [low, high] quantiles of the observed values, fractions (numpy's linear percentiles: winsorizing)."),
        StageOption("iqr", .number(within: 0...Double.infinity), "Learned fences: Q1 - k*IQR and Q3 + k*IQR (Tukey's; 1.5 is usual), linear percentiles."),
        StageOption("zscore", .number(within: 0...Double.infinity), "Learned fences: mean - k*std and mean + k*std (population std)."),
        QuantileEstimate.option("fence_quantiles", only: "With \"quantiles\" or \"iqr\" fences (clip's \"quantiles\" are the fence fractions, so this option has its own name): ",
                                statistic: "the percentiles of the learned fences", appliesTo: nil, default: nil),
        StageOption("action", .choice(Action.allCases.map(\.rawValue)), default: .string(Action.clip.rawValue),
                    "What happens to a value outside the fences: clip (set to the fence), missing (becomes missing, e.g. for a later fill), reject (a row-level error)."),
        StageOption("indicator", .bool, default: .bool(false), "Add <col>_outlier (1 where the value was outside the fences, else 0) right after each column."),
    ],
    fitted: SchemaPiece.fitted("The learned fences per column.", entry: ["low": SchemaPiece.learnedNumber, "high": SchemaPiece.learnedNumber],
                               required: ["low", "high"]))

    package var learnedParameters: String {
        switch fences {
        case .fixed: return "nothing (fixed bounds)"
        case .quantiles(let low, let high): return "the \(NumberText.format(low)) and \(NumberText.format(high)) quantiles\(sketchNote)"
        case .iqr: return "the quartiles (Tukey's fences)\(sketchNote)"
        case .zscore: return "the mean and standard deviation"
        }
    }

    private var sketchNote: String { fenceQuantiles == .sketch ? QuantileEstimate.approximateNote : "" }

    package var columnEffect: String? { indicator ? "adds <col>_outlier (0/1) after each column" : nil }
}
