/// The profile as the JSON document `--json` writes and `ProfileHTML` renders (version 1; the
/// README's "profile" section lists every key). Keys that do not apply are absent: numeric
/// figures for integer and number columns, length and top values for the others, nothing but
/// the counts for a column with no value.
package enum ProfileDocument {
    package static let version = 1
    package static let quantileLevels: [(key: String, q: Double)] = [("0.05", 0.05), ("0.25", 0.25), ("0.5", 0.5), ("0.75", 0.75), ("0.95", 0.95)]
    package static let topCount = 10
    package static let histogramBins = 20

    private static func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    private static func count(_ n: Int) -> JSONValue { .number(Double(n)) }

    /// A figure pandas can give as ±inf although the data are finite (an overflowing std or
    /// interpolation): JSON has no infinity, so it is the string "inf" or "-inf", as a fitted spec
    /// writes an infinite idf; NaN is null.
    private static func figure(_ x: Double) -> JSONValue {
        if x == .infinity { return .string("inf") }
        if x == -.infinity { return .string("-inf") }
        return number(x)
    }

    /// pandas' std: ddof 1, from the correctly rounded population variance (of two values or
    /// more). When the sum of squared deviations passes a double's range (values of ±1e308, or
    /// ±1.5e154 among zeros) it is infinite, as pandas' sum of them is; JSON has no infinity, so
    /// it is written "inf", as a fitted spec writes an infinite idf.
    private static func standardDeviation(_ moments: Moments) -> JSONValue {
        let n = moments.count
        // variance * n is the sum of squared deviations, rounded: infinite where pandas' is.
        let std = (moments.variance * n / (n - 1)).squareRoot()
        return figure(std)
    }

    package static func build(_ profile: ProfileAccumulator) -> JSONValue {
        // Bytes that are not UTF-8 (a Latin-1 header read without `input.encoding`) are shown
        // as `\xE9`, as validate's messages show them, not as private-use characters.
        let names = profile.names.map(LosslessText.display)
        let rows = profile.rows
        // Columns are described in parallel: sorting the distinct numbers of large numeric columns
        // was most of the serial tail after the pass.
        let described = profile.columns
        let columns: [JSONValue] = ColumnParallel.map(described.count) { c in
            var order = ExactNumberOrder()
            return .object(describe(name: names[c], described[c], rows: rows, order: &order))
        }
        let missingCells = described.reduce(0) { $0 + $1.missing }
        let duplicates = profile.duplicateRows
        var members: [(key: String, value: JSONValue)] = [
            ("profile", count(version)),
            ("rows", count(rows)),
            ("column_count", count(names.count)),
            ("missing_cells", count(missingCells)),
            ("duplicate_rows", count(duplicates.count)),
            ("duplicate_rows_exact", .bool(duplicates.exact)),
            ("malformed_rows", count(profile.malformedRows)),
            ("budgets", .object([("distinct", count(profile.budgets.distinct)), ("quantile", count(profile.budgets.quantile))])),
            ("columns", .array(columns)),
        ]
        let bands = profile.groups.bands(rows: rows).map { band -> JSONValue in
            let size = Double(band.last - band.first + 1)
            return .object([
                ("first_row", count(band.first)), ("last_row", count(band.last)),
                ("missing", .object(zip(names, band.missing).map { ($0, .number(Double($1) / size)) })),
            ])
        }
        members.append(("missingness", .object([("bands", .array(bands))])))
        if profile.coMissing != nil {
            let width = names.count
            members.append(("nullity_correlation", .object((0..<width).map { i in
                (names[i], .object((0..<width).map { j in (names[j], number(profile.nullityCorrelation(i, j))) }))
            })))
        }
        return .object(members)
    }

    private static func describe(name: String, _ column: ColumnAccumulator, rows: Int, order: inout ExactNumberOrder) -> [(key: String, value: JSONValue)] {
        let distinct = column.distinct
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)),
            ("type", .string(column.candidates.typeName(present: column.present))),
            ("count", count(column.present)),
            ("missing", count(column.missing)),
            ("missing_ratio", rows > 0 ? .number(Double(column.missing) / Double(rows)) : .null),
            ("distinct", count(distinct.count)),
            ("distinct_exact", .bool(distinct.exact)),
        ]
        guard column.present > 0 else { return members }
        if column.isNumeric {
            let n = column.moments.count
            members.append(("min", number(column.minimum)))
            members.append(("max", number(column.maximum)))
            members.append(("mean", n > 0 ? number(column.moments.mean) : .null))
            members.append(("std", n >= 2 ? standardDeviation(column.moments) : .null))
            // Exact: the distinct numbers radix-sorted in place of the (value, count) tuples.
            let exactNumbers = column.numbers
            let exact = exactNumbers != nil
            let values = exact ? [] : column.ascendingNumbers().values
            let levels = quantileLevels.map(\.q)
            let quantiles = exactNumbers.map { order.quantiles(levels, of: $0) } ?? OrderStatistics.quantiles(levels, of: values)
            // numpy's interpolation a + (b - a) * g overflows past ±8.9e307: ±inf, as pandas gives it.
            members.append(("quantiles", .object(zip(quantileLevels, quantiles).map { ($0.key, figure($1)) })))
            members.append(("quantiles_exact", .bool(exact)))
            // No finite value (a column of `inf`): no range to bin.
            if n > 0 {
                let histogram = exactNumbers.map { ExactNumberOrder.histogram(of: $0, minimum: column.minimum, maximum: column.maximum, bins: histogramBins) }
                    ?? OrderStatistics.histogram(values, minimum: column.minimum, maximum: column.maximum, bins: histogramBins)
                members.append(("histogram", .object([
                    ("edges", .array(histogram.edges.map { number($0) })),
                    ("counts", .array(histogram.counts.map { count($0) })),
                ])))
                members.append(("histogram_exact", .bool(exact)))
            }
            members.append(("zeros", count(column.zeros)))
            // -inf is negative, as in pandas' (s < 0).sum().
            members.append(("negatives", count(column.negatives + column.negativeInfinities)))
            // The figures above but count, distinct and negatives are of the finite values.
            if column.positiveInfinities + column.negativeInfinities > 0 {
                members.append(("infinite", count(column.positiveInfinities + column.negativeInfinities)))
            }
        } else {
            members.append(("length", .object([
                ("min", count(column.lengthMin)),
                ("mean", .number(Double(column.lengthSum) / Double(column.present))),
                ("max", count(column.lengthMax)),
            ])))
            members.append(("top", .array(column.table.top(topCount).map { entry in
                .object([("value", .string(LosslessText.display(LosslessText.string(entry.value)))), ("count", count(entry.count))])
            })))
            members.append(("top_exact", .bool(!column.tableFull)))
        }
        return members
    }
}
