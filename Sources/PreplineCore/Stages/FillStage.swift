/// `fill`: replaces missing values (scikit-learn's SimpleImputer; `ffill` is pandas').
package struct FillStage: PipelineStage {
    package enum Strategy: String, Sendable, CaseIterable {
        case constant, mean, median, mostFrequent = "most_frequent", ffill
    }

    package static let kind = "fill"
    package static let summary = "replace missing values: constant, mean, median, most_frequent (ties: smallest), ffill (the last value seen); indicator adds <col>_missing"

    package let position: Int
    package let selectors: [String]
    package let strategy: Strategy
    /// The constant, or a fallback for a column with no observed values.
    package let value: JSONValue?
    package let indicator: Bool
    /// How the median is learned (`"quantiles"`).
    package let quantiles: QuantileEstimate
    private let file: String
    /// Learned (or given) value per column name.
    package private(set) var values: [String: FillValue] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// The columns the spec's `fitted` block covers.
    private var fittedNames: [String] = []
    package var columnNames: [String] { boundNames }
    private var numeric: Set<String> = []

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        strategy = Strategy(rawValue: options.string("strategy")!)!
        value = options.value("value")
        indicator = options.bool("indicator")
        quantiles = QuantileEstimate(rawValue: options.string("quantiles")!)!
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard let learned = entry.value("value") else { throw entry.fail("value", "missing: the learned fill value") }
                switch learned {
                case .number(let x, _): values[column] = .number(x)
                case .string(let s): values[column] = .text(LosslessText.bytes(s))
                default: throw entry.fail("value", "expected a string or a number, got \(learned.typeName)")
                }
                try entry.finish()
            }
            hasLearned = true
        }
        try reader.finish()
    }

    /// The values are learned: read from a fitted spec, or by `learn` in this run.
    private var hasLearned = false

    package var isFitted: Bool { strategy == .constant || strategy == .ffill || hasLearned }

    package var fittedJSON: JSONValue? {
        guard strategy != .constant, !values.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            guard let value = values[name] else { return nil }
            switch value {
            case .number(let x): return (name, .object([("value", .number(x))]))
            case .text(let bytes): return (name, .object([("value", .string(LosslessText.string(bytes)))]))
            }
        })
    }

    package var numericColumns: [String] {
        strategy == .mean || strategy == .median ? boundNames : []
    }

    package var profileNeeds: ColumnProfile.Needs {
        switch strategy {
        case .mean: return .moments
        case .median: return .quantiles(sketch: quantiles == .sketch)
        case .mostFrequent: return [.histogram, .textCounts]
        case .constant, .ffill: return []
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        if indicator { bound = columns.insertColumns(after: bound, suffix: "_missing", by: label) }
        if strategy == .constant {
            for name in boundNames { values[name] = constantValue(forNumbers: false) }
        }
    }

    /// Marks which bound columns the plan reads as numbers (fixed before any chunk is read).
    package mutating func setNumeric(_ names: Set<String>) throws(PreplineError) {
        numeric = names
        // A string fallback for a numeric column must read as a number (never silently unused).
        if strategy != .constant, case .string(let s)? = value, !names.isDisjoint(with: boundNames), NumberText.parse(s) == nil {
            throw PreplineError.spec(file: file, path: "stages[\(position)].value",
                                     message: "\"\(s)\" is not a number, but column '\(boundNames.first { names.contains($0) }!)' is numeric")
        }
        guard strategy == .constant, let value else { return }
        for name in boundNames where numeric.contains(name) {
            switch value {
            case .number(let x, _): values[name] = .number(x)
            case .string(let s):
                guard let x = NumberText.parse(s) else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)].value",
                                             message: "\"\(s)\" is not a number, but column '\(name)' is numeric (another stage scales or averages it)")
                }
                values[name] = .number(x)
            default: break
            }
        }
    }

    private func constantValue(forNumbers: Bool) -> FillValue {
        switch value {
        case .string(let s)? where forNumbers:
            return .number(NumberText.parse(s) ?? .nan)
        case .number(let x, _)?:
            if forNumbers { return .number(x) }
            var bytes: [UInt8] = []
            if x == x.rounded(), abs(x) < 1e15 { NumberText.appendInteger(Int64(x), to: &bytes) } else { NumberText.append(x, to: &bytes) }
            return .text(bytes)
        case .string(let s)?: return .text(Array(s.utf8))
        default: return .text([])
        }
    }

    /// In the fit pass every fill leaves placeholders, constants included: a scaler before it on
    /// the same column is not applied yet, so the value is only placed once the plan replays
    /// the stages in order (ExecutionPlan.learn, `replay`). `ffill` fills within the chunk and
    /// leaves placeholders for its leading missing run, which the merge resolves with the value
    /// the chunks before it carry out (`StageFitState.carried`): a chunk never waits on another.
    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        if indicator { batch.insertFlagSlots(after: bound) }
        if strategy == .ffill {
            for (i, c) in bound.enumerated() { state.carried[i] = forwardFillObserving(&batch, column: c, name: boundNames[i]) }
            return
        }
        let learns = strategy != .constant && !hasLearned
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            if numeric.contains(name) {
                var numbers = batch.numberColumn(c, stage: label)
                if learns { state.profiles[i].observe(numbers: numbers, where: batch.work.isGood) }
                let flags = indicator ? numbers.map { $0.isNaN && Placeholder.stage(of: $0) == nil ? UInt8(1) : 0 } : []
                let replacement = Placeholder.number(stage: position)
                for r in numbers.indices where numbers[r].isNaN && Placeholder.stage(of: numbers[r]) == nil { numbers[r] = replacement }
                batch.columns[c] = .numbers(numbers)
                if indicator { batch.columns[c + 1] = .flags(flags) }
            } else {
                var text = batch.textColumn(c)
                if learns { state.profiles[i].observe(text: text, in: batch, where: batch.work.isGood) }
                let flags = indicator ? text.refs.map { $0 == TextColumn.missing ? UInt8(1) : 0 } : []
                let replacement = Placeholder.ref(stage: position)
                for r in text.refs.indices where text.refs[r] == TextColumn.missing { text.refs[r] = replacement }
                batch.columns[c] = .text(text)
                if indicator { batch.columns[c + 1] = .flags(flags) }
            }
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        if strategy == .ffill || strategy == .constant || hasLearned { return }
        defer { hasLearned = true }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            if profile.observed == 0 {
                guard value != nil else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                             message: "column '\(name)' has no observed values, so its \(strategy.rawValue) is undefined (\(label)); give \"value\" as a fallback")
                }
                values[name] = constantValue(forNumbers: numeric.contains(name))
                continue
            }
            switch strategy {
            case .mean: values[name] = .number(profile.moments.mean)
            case .median: values[name] = .number(profile.median())
            case .mostFrequent:
                if numeric.contains(name) {
                    values[name] = .number(profile.mostFrequentNumber()!)
                } else {
                    values[name] = .text(profile.mostFrequentText()!)
                }
            case .constant, .ffill: break
            }
        }
    }

    /// A later stage's statistics count this fill's placeholders: they are its value. An
    /// ffill's placeholders left at the start of the data (nothing carried in) take the
    /// fallback `value`, or stay missing, or become a later fill's (`uncarried`).
    package func replay(_ profile: inout ColumnProfile, column: String) {
        if strategy == .ffill {
            if let start = startValue(for: column) {
                profile.resolve(stage: position, value: start)
            } else {
                profile.leaveUncarried(stage: position)
            }
            return
        }
        profile.takeUncarried(asPlaceholdersOf: position)
        if let value = values[column] { profile.resolve(stage: position, value: value) }
    }

    package func passesStatistics(of column: String) -> Bool { true }
    package var mayDeferLaterStages: Bool { false }
    package var carriesAcrossChunks: Bool { strategy == .ffill }

    /// The value an ffill carries into the start of the data: the fallback `value`, if given.
    private func startValue(for column: String) -> FillValue? {
        value.map { _ in constantValue(forNumbers: numeric.contains(column)) }
    }

    private func noValueToCarry(_ name: String) -> PreplineError {
        PreplineError.spec(file: file, path: "stages[\(position)]",
                           message: "column '\(name)' has no observed values, so ffill has nothing to carry (\(label)); give \"value\" as a fallback")
    }

    /// An `ffill` column that never had a value is an error naming it (unless the stage gives a
    /// fallback `value`), as for the other fill strategies.
    package func checkAfterPass(carry: CarryBoard) throws(PreplineError) {
        guard strategy == .ffill, value == nil else { return }
        for name in boundNames where carry.finalValue(key: "\(position):\(name)") == nil { throw noValueToCarry(name) }
    }

    package func checkAfterFit(_ state: StageFitState) throws(PreplineError) {
        guard strategy == .ffill, value == nil else { return }
        for (i, name) in boundNames.enumerated() where state.carried[i] == nil { throw noValueToCarry(name) }
    }

    package func apply(_ batch: inout Batch) {
        if indicator { batch.insertFlagSlots(after: bound) }
        if strategy == .ffill {
            for (i, c) in bound.enumerated() { forwardFillApplying(&batch, column: c, name: boundNames[i]) }
            return
        }
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            guard let fill = values[name] else { continue }
            if numeric.contains(name) {
                var numbers = batch.numberColumn(c, stage: label)
                if indicator { batch.columns[c + 1] = .flags(numbers.map { $0.isNaN ? 1 : 0 }) }
                if case .number(let x) = fill {
                    for r in numbers.indices where numbers[r].isNaN { numbers[r] = x }
                }
                batch.columns[c] = .numbers(numbers)
            } else {
                var text = batch.textColumn(c)
                if indicator { batch.columns[c + 1] = .flags(text.refs.map { $0 == TextColumn.missing ? 1 : 0 }) }
                if case .text(let bytes) = fill {
                    let ref = TextColumn.extraRef(text.extras.count)
                    text.extras.append(bytes)
                    for r in text.refs.indices where text.refs[r] == TextColumn.missing { text.refs[r] = ref }
                }
                batch.columns[c] = .text(text)
            }
        }
    }
}

extension FillStage {
    package static let options = StageOptionTable([
        StageOption("strategy", .choice(Strategy.allCases.map(\.rawValue)), default: .string(Strategy.mean.rawValue),
                    "What replaces a missing value: constant (\"value\"), mean, median (average of the two middle values), most_frequent (ties: the smallest), ffill (the last value seen before it, in input order)."),
        StageOption("value", .stringOrNumber, requiredWhen: .init(values: [Strategy.constant.rawValue], reason: "strategy \"constant\" fills with \"value\""),
                    "The constant of strategy \"constant\" (required then); with another strategy, the fallback for a column with no observed values."),
        StageOption("indicator", .bool, default: .bool(false), "Add <col>_missing (1 where the value was missing, else 0) right after each column."),
        QuantileEstimate.option("quantiles", statistic: "the learned medians", appliesTo: [Strategy.median.rawValue]),
    ], selector: "strategy",
    fitted: SchemaPiece.fitted("The learned fill value per column.",
                               entry: ["value": SchemaPiece.object(["type": SchemaPiece.strings(["string", "number"])])],
                               required: ["value"]))

    package var learnedParameters: String {
        switch strategy {
        case .constant: return "nothing (a constant)"
        case .mean: return "the mean"
        case .median: return quantiles == .sketch ? "the median" + QuantileEstimate.approximateNote : "the median"
        case .mostFrequent: return "the most frequent value"
        case .ffill: return "nothing (the last value seen carries forward)"
        }
    }

    package var columnEffect: String? { indicator ? "adds <col>_missing (0/1) after each column" : nil }

    /// Fit mode's `ffill` of one column: the leading missing run (before the chunk's first
    /// value) gets this stage's placeholders, which the merge resolves with what the data before
    /// carries out. Returns the chunk's last value (nil: none). Rows are the good ones only:
    /// re-observing a chunk without a rejected row gives the same result as if it had never been
    /// there.
    private func forwardFillObserving(_ batch: inout Batch, column c: Int, name: String) -> CarriedValue? {
        forwardFill(&batch, column: c, name: name, carriedIn: { .placeholder(stage: position) }).last
    }

    /// Apply mode's `ffill` of one column: the chunk's leading missing values take the value the
    /// chunks before it left (`CarryBoard`), or the fallback `value` at the very start. What this
    /// chunk carries out is posted by the plan once no later stage rejects another row
    /// (`Batch.carriesOut`): a rejected row's value is carried no further, as in the fit. Every
    /// chunk posts, even one with no usable row, or the next chunk would wait forever.
    private func forwardFillApplying(_ batch: inout Batch, column c: Int, name: String) {
        let key = "\(position):\(name)"
        let (sequence, carry) = (batch.work.sequence, batch.work.carry)
        let start = value.map { _ in constantValue(forNumbers: numeric.contains(name)) }
        let carriedIn = { (carry.carried(into: sequence, key: key) ?? start).map(CarriedValue.init(fill:)) }
        let (last, askedCarry) = forwardFill(&batch, column: c, name: name, carriedIn: carriedIn)
        batch.carriesOut.append((key, (last ?? askedCarry ?? carriedIn())?.fillValue))
    }

    /// `ffill` (pandas'): a missing value takes the last value seen before it in input order;
    /// within the chunk that is local, and the leading missing values take `carriedIn`, asked
    /// for only when the chunk starts missing (in apply it may wait on the chunk before).
    /// Returns the chunk's last value (nil: none seen) and the carried-in value if it was asked.
    private func forwardFill(_ batch: inout Batch, column c: Int, name: String,
                             carriedIn: () -> CarriedValue?) -> (last: CarriedValue?, carriedIn: CarriedValue??) {
        var asked: CarriedValue?? = nil
        if numeric.contains(name) {
            var numbers = batch.numberColumn(c, stage: label)
            if indicator { batch.columns[c + 1] = .flags(numbers.map { $0.isNaN && Placeholder.stage(of: $0) == nil ? 1 : 0 }) }
            var current: Double?
            var last: Double?
            for r in numbers.indices where batch.work.isGood(r) {
                let x = numbers[r]
                guard x.isNaN && Placeholder.stage(of: x) == nil else { current = x; last = x; continue }
                if current == nil && asked == nil {
                    asked = .some(carriedIn())
                    current = asked!?.cellNumber
                }
                if let current { numbers[r] = current }
            }
            batch.columns[c] = .numbers(numbers)
            return (last.map(CarriedValue.init(number:)), asked)
        }
        var text = batch.textColumn(c)
        if indicator { batch.columns[c + 1] = .flags(text.refs.map { $0 == TextColumn.missing ? 1 : 0 }) }
        var current: Int32?
        var last: Int32?
        for r in text.refs.indices where batch.work.isGood(r) {
            guard text.refs[r] == TextColumn.missing else { current = text.refs[r]; last = current; continue }
            if current == nil && asked == nil {
                asked = .some(carriedIn())
                switch asked! {
                case .placeholder(let stage)?: current = Placeholder.ref(stage: stage)
                case let value?:
                    current = TextColumn.extraRef(text.extras.count)
                    text.extras.append(value.textBytes)
                case nil: break
                }
            }
            if let current { text.refs[r] = current }
        }
        batch.columns[c] = .text(text)
        guard let last else { return (nil, asked) }
        if let stage = Placeholder.stage(ofRef: last) { return (.placeholder(stage: stage), asked) }
        return (batch.bytes(of: last, in: text).map { .text(Array($0)) }, asked)
    }
}
