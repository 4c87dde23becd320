/// A dataset-level check from the spec's `checks` list (DESIGN.md): a statistic of the whole
/// input compared with bounds. Each is computed from per-chunk partial states merged in input
/// order, so it streams in constant memory (except `distinct`, O(distinct values)).
package struct DatasetCheck: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case missing_ratio, rows, columns, distinct, range
        /// From `validate --against FITTED` only: values of a one-hot column never seen at fit
        /// time, a scaled column's mean moved by more than `max` fitted stds, and a column's
        /// missing ratio grown by more than `max` since fit time.
        case drift_categories, drift_mean, drift_missing

        /// The kinds a spec's `checks` list may name.
        package static var inSpecs: [Kind] { [.missing_ratio, .rows, .columns, .distinct, .range] }
    }
    package var kind: Kind
    /// Columns the check applies to (missing_ratio, distinct, range), one result each.
    package var columns: [String] = []
    package var min: Double?
    package var max: Double?
    /// `columns` check: names that must be present, or the exact header in order.
    package var required: [String]?
    package var exact: [String]?
    /// `range` check: the statistic, `mean` or `std` (population, ddof 0 as scikit-learn's scaler).
    package var stat = "mean"
    /// Spec path, for messages.
    package var path: String
    /// The spec path of each entry of `columns` as the user wrote it (`checks[0].column` for the
    /// single-column form, `checks[0].columns[1]` for the list), so a typo is reported there.
    package var columnPaths: [String] = []
    /// Drift: the categories a fitted one-hot stage knows, or the fitted mean and scale.
    package var fittedCategories: [String] = []
    package var fittedMean = 0.0
    package var fittedScale = 1.0
    package var fittedMissingRatio = 0.0
}

/// The outcome of one check on one column, for the reports.
package struct CheckOutcome: Sendable {
    package var name: String
    package var column: String?
    package var passed: Bool
    package var observed: JSONValue
    package var bound: [(key: String, value: JSONValue)]
    package var note: String
    package var label: String { column.map { "\(name)(\($0))" } ?? name }
}

/// Which statistics each column needs, decided once from the checks and the header.
package struct CheckPlan: Sendable {
    package var checks: [DatasetCheck] = []
    var missingColumns: Set<Int> = []
    var distinctColumns: Set<Int> = []
    var momentColumns: Set<Int> = []
    /// The same sets as flags per column, for the per-cell path.
    var countsMissing: [Bool] = []
    var collectsMoments: [Bool] = []
    var longestMissing = 0
    /// Tokens a check counts as missing: the schema's missingValues, or `input.missing` without a schema.
    var missingTokens = TokenSet([""])
    var columnIndex: [String: Int] = [:]

    package init() {}

    package init(checks: [DatasetCheck], labels: [String], missingTokens: [String], file: String) throws(PreplineError) {
        self.checks = checks
        self.missingTokens = TokenSet(missingTokens)
        for (i, name) in labels.enumerated() where columnIndex[name] == nil { columnIndex[name] = i }
        for check in checks {
            for (k, column) in check.columns.enumerated() {
                guard let i = columnIndex[column] else {
                    let path = k < check.columnPaths.count ? check.columnPaths[k] : "\(check.path).columns[\(k)]"
                    throw PreplineError.spec(file: file, path: path,
                                             message: "no column \"\(column)\" in the input\(Suggestion.didYouMean(column, in: labels)); columns: \(Suggestion.shortList(labels))")
                }
                switch check.kind {
                case .missing_ratio, .drift_missing: missingColumns.insert(i)
                case .distinct, .drift_categories: distinctColumns.insert(i)
                case .range, .drift_mean: momentColumns.insert(i)
                case .rows, .columns: break
                }
            }
        }
        countsMissing = labels.indices.map { missingColumns.contains($0) }
        collectsMoments = labels.indices.map { momentColumns.contains($0) }
        longestMissing = missingTokens.map(\.utf8.count).max() ?? 0
    }

    var isEmpty: Bool { checks.isEmpty }

    @inline(__always) func needsValue(_ column: Int) -> Bool { column < collectsMoments.count && collectsMoments[column] }

    func makePartials(width: Int) -> CheckPartials {
        var p = CheckPartials()
        guard !checks.isEmpty else { return p }
        p.active = true
        p.missing = Array(repeating: 0, count: width)
        p.distinct = (0..<width).map { distinctColumns.contains($0) ? TermTable() : nil }
        p.moments = Array(repeating: Moments(), count: width)
        p.pending = Array(repeating: [], count: width)
        return p
    }

    func isMissing(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        if cell.count > longestMissing { return false }
        return missingTokens.contains(cell)
    }

    /// Evaluates every check on the merged state.
    package func evaluate(_ p: CheckPartials, labels: [String]) -> [CheckOutcome] {
        var out: [CheckOutcome] = []
        func bounds(_ c: DatasetCheck) -> [(key: String, value: JSONValue)] {
            var b: [(key: String, value: JSONValue)] = []
            if let m = c.min { b.append(("min", .number(m))) }
            if let m = c.max { b.append(("max", .number(m))) }
            return b
        }
        func within(_ x: Double, _ c: DatasetCheck) -> Bool { !(x.isNaN) && (c.min.map { x >= $0 } ?? true) && (c.max.map { x <= $0 } ?? true) }
        func describe(_ c: DatasetCheck) -> String {
            [c.min.map { "≥ \(TableSchema.pythonText(.number($0)))" }, c.max.map { "≤ \(TableSchema.pythonText(.number($0)))" }].compactMap { $0 }.joined(separator: " and ")
        }
        for check in checks {
            switch check.kind {
            case .rows:
                let n = Double(p.rows)
                out.append(CheckOutcome(name: "rows", column: nil, passed: within(n, check), observed: .number(n), bound: bounds(check),
                                        note: "\(Plural.of(p.rows, "row")), expected \(describe(check))"))
            case .columns:
                if let exact = check.exact {
                    let ok = exact == labels
                    out.append(CheckOutcome(name: "columns", column: nil, passed: ok, observed: .array(labels.map(JSONValue.string)),
                                            bound: [("exact", .array(exact.map(JSONValue.string)))],
                                            note: ok ? "columns as expected" : Self.exactColumnsNote(labels, exact)))
                }
                if let required = check.required {
                    let absent = required.filter { !labels.contains($0) }
                    out.append(CheckOutcome(name: "columns", column: nil, passed: absent.isEmpty, observed: .array(labels.map(JSONValue.string)),
                                            bound: [("required", .array(required.map(JSONValue.string)))],
                                            note: absent.isEmpty ? "required columns present" : "required columns absent: \(Suggestion.shortList(absent))"))
                }
            case .drift_categories:
                for column in check.columns {
                    let values = p.distinct[columnIndex[column]!] ?? TermTable()
                    // By bytes, as the values were collected (Python compares code points).
                    let fitted = TermTable(check.fittedCategories.map { LosslessText.bytes($0) })
                    let unseen = (0..<values.count).filter { t in values.withTerm(t) { fitted.find($0) == nil } }
                        .map { LosslessText.display(LosslessText.string(values.term($0))) }
                        .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                    let listed = Suggestion.shortList(unseen.map { "'\($0)'" })
                    out.append(CheckOutcome(name: "drift.categories", column: column, passed: unseen.isEmpty, observed: .number(Double(unseen.count)),
                                            bound: [("max", .number(0))],
                                            note: unseen.isEmpty ? "every category was seen at fit time"
                                                : "\(unseen.count) categories never seen at fit time: \(listed)"))
                }
            case .drift_mean:
                for column in check.columns {
                    let m = p.moments[columnIndex[column]!]
                    let shift = m.count == 0 ? Double.nan : abs(m.mean - check.fittedMean) / (check.fittedScale == 0 ? 1 : check.fittedScale)
                    out.append(CheckOutcome(name: "drift.mean", column: column, passed: within(shift, check), observed: shift.isNaN ? .null : .number(shift),
                                            bound: bounds(check),
                                            note: m.count == 0 ? "no numeric values"
                                                : "mean \(NumberText.format(m.mean)) is \(NumberText.format(shift)) fitted stds from the fitted mean \(NumberText.format(check.fittedMean)), expected \(describe(check))"))
                }
            case .drift_missing:
                for column in check.columns {
                    let i = columnIndex[column]!
                    let ratio = p.rows == 0 ? 0 : Double(p.missing[i]) / Double(p.rows)
                    let growth = ratio - check.fittedMissingRatio
                    out.append(CheckOutcome(name: "drift.missing_ratio", column: column, passed: within(growth, check), observed: .number(growth),
                                            bound: bounds(check),
                                            note: "missing ratio \(NumberText.format(ratio)) (\(p.missing[i]) of \(p.rows)) against \(NumberText.format(check.fittedMissingRatio)) at fit time: grown by \(NumberText.format(growth)), expected \(describe(check))"))
                }
            case .missing_ratio, .distinct, .range:
                for column in check.columns {
                    let i = columnIndex[column]!
                    let observed: Double
                    var note: String
                    switch check.kind {
                    case .missing_ratio:
                        observed = p.rows == 0 ? 0 : Double(p.missing[i]) / Double(p.rows)
                        note = "\(p.missing[i]) of \(p.rows) missing (\(NumberText.format(observed))), expected \(describe(check))"
                    case .distinct:
                        observed = Double(p.distinct[i]?.count ?? 0)
                        note = "\(Int(observed)) distinct values, expected \(describe(check))"
                    default:
                        let m = p.moments[i]
                        observed = m.count == 0 ? .nan : (check.stat == "mean" ? m.mean : m.variance.squareRoot())
                        note = m.count == 0 ? "no numeric values, expected a \(check.stat) \(describe(check))"
                            : "\(check.stat) \(NumberText.format(observed)) over \(Int(m.count)) numeric values, expected \(describe(check))"
                    }
                    out.append(CheckOutcome(name: check.kind == .range ? "range.\(check.stat)" : check.kind.rawValue, column: column,
                                            passed: within(observed, check), observed: observed.isNaN ? .null : .number(observed),
                                            bound: bounds(check), note: note))
                }
            }
        }
        return out
    }
}

/// A chunk's contribution to the dataset checks.
package struct CheckPartials: Sendable {
    var active = false
    var rows = 0
    var missing: [Int] = []
    /// Values by their bytes (as Python compares strings), looked up without making a `String`
    /// per cell: a `Set<String>` cost a String, a hash and a probe per cell.
    var distinct: [TermTable?] = []
    /// Numeric values of `range` columns seen in this chunk, folded into `moments` by `finish()`
    /// with the fit pass' accurate two-pass sum.
    var pending: [[Double]] = []
    var moments: [Moments] = []

    mutating func finish() {
        guard active else { return }
        for i in pending.indices where !pending[i].isEmpty {
            moments[i].add(pending[i], where: { _ in true })
            pending[i].removeAll()
        }
    }

    @inline(__always)
    mutating func observe(column i: Int, value: CellValue?, cell: UnsafeBufferPointer<UInt8>?, plan: CheckPlan) {
        guard active else { return }
        guard let cell else { if plan.countsMissing[i] { missing[i] += 1 }; return }
        if plan.isMissing(cell) {
            if plan.countsMissing[i] { missing[i] += 1 }
            return
        }
        if distinct[i] != nil { _ = distinct[i]!.insert(cell) }
        if plan.collectsMoments[i] {
            // A typed number, else the text read as a number (columns without a schema, strings).
            if case .number(let x)? = value { if !x.isNaN { pending[i].append(x) } }
            else if let x = NumberText.parse(cell) { pending[i].append(x) }
        }
    }

    /// A blank line: a row whose every cell is missing.
    mutating func observeBlankRow(plan: CheckPlan) {
        guard active else { return }
        rows += 1
        for i in plan.missingColumns { missing[i] += 1 }
    }

    @inline(__always) mutating func endRow() { if active { rows += 1 } }

    mutating func merge(_ o: CheckPartials) {
        guard active, o.active else { return }
        rows += o.rows
        for i in missing.indices { missing[i] += o.missing[i] }
        for i in distinct.indices where distinct[i] != nil {
            let other = o.distinct[i]!
            for t in 0..<other.count { other.withTerm(t) { _ = distinct[i]!.insert($0, hash: other.hash(at: t)) } }
        }
        for i in moments.indices { moments[i].merge(o.moments[i]) }
    }
}

extension DatasetCheck {
    /// Decodes one entry of the spec's `checks` list.
    static func decode(_ value: JSONValue, index: Int, file: String) throws(PreplineError) -> DatasetCheck {
        let path = "checks[\(index)]"
        var reader = try SpecObjectReader(value, file: file, path: path)
        guard let kindName = try reader.choice("check", Kind.inSpecs.map(\.rawValue)) else {
            throw reader.fail("check", "every check needs \"check\": one of \(Kind.inSpecs.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        var check = DatasetCheck(kind: Kind(rawValue: kindName)!, path: path)
        check.min = try reader.number("min")
        check.max = try reader.number("max")
        switch check.kind {
        case .rows:
            break
        case .columns:
            check.required = try reader.stringArray("required")
            check.exact = try reader.stringArray("exact")
            if check.required == nil && check.exact == nil { throw reader.fail("required", "a columns check needs \"required\" or \"exact\"") }
        case .drift_categories, .drift_mean, .drift_missing:
            break
        case .missing_ratio, .distinct, .range:
            if let one = try reader.string("column") {
                check.columns = [one]
                check.columnPaths = [reader.childPath("column")]
            }
            if let many = try reader.stringArray("columns") {
                check.columns += many
                check.columnPaths += many.indices.map { "\(reader.childPath("columns"))[\($0)]" }
            }
            if check.columns.isEmpty { throw reader.fail("columns", "this check needs \"columns\" (a list of column names) or \"column\"") }
            if check.kind == .range { check.stat = try reader.choice("stat", ["mean", "std"]) ?? "mean" }
        }
        if check.kind != .columns, check.min == nil, check.max == nil {
            throw reader.fail("max", "this check needs \"min\", \"max\" or both")
        }
        if let lo = check.min, let hi = check.max, lo > hi { throw reader.fail("min", "min \(lo) is above max \(hi)") }
        try reader.finish()
        return check
    }
}

extension DatasetCheck {
    /// Drift checks against a fitted spec (`validate --against`): each fitted one-hot column
    /// must show no category unseen at fit time; each fitted z-score column's mean must stay
    /// within `k` fitted standard deviations of the fitted mean; each input column's missing
    /// ratio (recorded by `fit` on the first stage that reads it) may grow by at most
    /// `missingGrowth`.
    package static func drift(against fitted: Spec, k: Double, missingGrowth: Double) -> [DatasetCheck] {
        var checks: [DatasetCheck] = []
        var missingChecked: Set<String> = []
        for (position, stage) in fitted.stages.enumerated() {
            guard case .object(let members) = stage,
                  case .string(let kind)? = members.first(where: { $0.key == "stage" })?.value,
                  case .object(let columns)? = members.first(where: { $0.key == "fitted" })?.value else { continue }
            let path = "\(fitted.file): stages[\(position)].fitted"
            for (column, parameters) in columns {
                guard case .object(let values) = parameters else { continue }
                func number(_ key: String) -> Double? {
                    if case .number(let n, _)? = values.first(where: { $0.key == key })?.value { return n }
                    return nil
                }
                if let ratio = number("missing_ratio"), missingChecked.insert(column).inserted {
                    var check = DatasetCheck(kind: .drift_missing, path: path)
                    check.columns = [column]
                    check.fittedMissingRatio = ratio
                    check.max = missingGrowth
                    checks.append(check)
                }
                if kind == "onehot", case .array(let list)? = values.first(where: { $0.key == "categories" })?.value {
                    var check = DatasetCheck(kind: .drift_categories, path: path)
                    check.columns = [column]
                    check.fittedCategories = list.compactMap { if case .string(let s) = $0 { return s }; return nil }
                    checks.append(check)
                }
                if kind == "scale", let mean = number("mean"), let scale = number("scale") {
                    var check = DatasetCheck(kind: .drift_mean, path: path)
                    check.columns = [column]
                    check.fittedMean = mean
                    check.fittedScale = scale
                    check.max = k
                    checks.append(check)
                }
            }
        }
        return checks
    }
}

extension CheckPlan {
    /// Where a header differs from the `exact` list, briefly: a 1000-column header is not
    /// printed twice in full (the first difference and the two lengths, lists cut after 10).
    static func exactColumnsNote(_ labels: [String], _ exact: [String]) -> String {
        if labels.count + exact.count <= 2 * Suggestion.listLimit {
            return "columns are \(labels.joined(separator: ",")), expected exactly \(exact.joined(separator: ","))"
        }
        let first = (0..<min(labels.count, exact.count)).first { labels[$0] != exact[$0] } ?? min(labels.count, exact.count)
        let found = first < labels.count ? "'\(labels[first])'" : "nothing"
        let wanted = first < exact.count ? "'\(exact[first])'" : "nothing"
        return "columns differ from column \(first + 1): \(found) where \(wanted) was expected (\(labels.count) columns, \(exact.count) expected)"
    }
}
