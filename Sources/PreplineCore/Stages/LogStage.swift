#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions under names the method cases do not shadow.
@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cLog2(_ x: Double) -> Double { log2(x) }
@inline(__always) private func cLog10(_ x: Double) -> Double { log10(x) }

/// `log`: numpy's `log1p`, `log`, `log2`, `log10` and `sqrt` on numeric columns, as
/// scikit-learn's `FunctionTransformer(np.log1p)` applies them. The C library's functions,
/// which numpy's float64 loops call on Linux (sqrt is correctly rounded everywhere). A value
/// outside the function's domain is a row-level error; missing stays missing; nothing is learned.
package struct LogStage: PipelineStage {
    package enum Method: String, Sendable, CaseIterable {
        case log1p, log, log2, log10, sqrt

        /// The function (for a value it `accepts`).
        @inline(__always)
        func callAsFunction(_ x: Double) -> Double {
            switch self {
            case .log1p: return cLog1p(x)
            case .log: return cLog(x)
            case .log2: return cLog2(x)
            case .log10: return cLog10(x)
            case .sqrt: return x.squareRoot()
            }
        }

        /// Whether `x` is in the domain where the result is a finite number or +inf: numpy
        /// returns -inf (log 0, log1p -1) or NaN there with a warning, which is no value to write.
        @inline(__always)
        func accepts(_ x: Double) -> Bool {
            switch self {
            case .log1p: return x > -1
            case .log, .log2, .log10: return x > 0
            case .sqrt: return x >= 0
            }
        }

        /// The domain in words, for the row-level error.
        var domain: String {
            switch self {
            case .log1p: return "greater than -1"
            case .log, .log2, .log10: return "greater than 0"
            case .sqrt: return "0 or more"
            }
        }
    }

    package static let kind = "log"
    package static let summary = "log1p (default), log, log2, log10 or sqrt of numbers (numpy's); a value outside the domain fails its row"

    package let position: Int
    package let selectors: [String]
    package let method: Method
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// Bound columns an earlier stage of this fit pass rewrote (not final there).
    private var notFinalInFitPass: Set<String> = []
    package var columnNames: [String] { boundNames }
    package var isFitted: Bool { true }
    package var fittedJSON: JSONValue? { nil }
    package var numericColumns: [String] { boundNames }
    package var profileNeeds: ColumnProfile.Needs { [] }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        method = Method(rawValue: options.string("method")!)!
        try reader.finish()
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position)
        notFinalInFitPass = columns.rewrittenInFitPass.intersection(boundNames)
    }

    /// In a fit pass the values are mapped as in apply, so a later stage's statistics see final
    /// values, unless an earlier stage of the pass rewrote the column: its placeholders (a fill
    /// not yet learned) would reach the later statistics unmapped, and the log is no algebra a
    /// replay can apply to moments. That later stage then fits in the next pass.
    package func observe(_ batch: inout Batch, into state: inout StageFitState) { apply(&batch) }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}

    package func passesStatistics(of column: String) -> Bool { !notFinalInFitPass.contains(column) }
    /// A later stage may wait for the next pass (see `passesStatistics`): stdin is kept.
    package var mayDeferLaterStages: Bool { true }

    package func apply(_ batch: inout Batch) {
        for (i, c) in bound.enumerated() {
            var numbers = batch.numberColumn(c, stage: label)
            for r in numbers.indices where !numbers[r].isNaN {
                let x = numbers[r]
                if method.accepts(x) {
                    numbers[r] = method(x)
                } else if batch.isGood(r) {
                    batch.reject(record: r, reason: "column '\(boundNames[i])': \(NumberText.format(x)) is outside the domain of \(method.rawValue) (a number \(method.domain)) (\(label))")
                    numbers[r] = .nan
                }
            }
            batch.columns[c] = .numbers(numbers)
        }
    }
}

extension LogStage {
    package static let options = StageOptionTable([
        StageOption("method", .choice(Method.allCases.map(\.rawValue)), default: .string(Method.log1p.rawValue),
                    "log1p: ln(1 + x), for x > -1; log: ln x, log2, log10: for x > 0; sqrt: for x >= 0 (numpy's functions). A value outside the domain is a row-level error."),
    ], selector: "method")

    package var learnedParameters: String { "nothing (a fixed function)" }
}
