import Foundation

/// The version written into fitted specs (`training.prepline`) and shown by `--version`.
package enum PreplineVersion {
    package static let current = "0.1.0"
}

/// What a fitted spec records of the data it was fitted on (its top-level `"training"` block),
/// written by `fit`: the header `apply` matches tomorrow's columns against by name, the rows
/// read, the missing tokens in effect, the prepline version and the time of the fit.
package struct TrainingRecord: Sendable, Equatable {
    /// The training input's column names, in order (`column_1`… for an input without a header).
    package var header: [String]
    /// Data records read (the header not counted).
    package var rows: Int
    /// Of `rows`, those left out of the statistics (row-level errors under skip or reject).
    package var rowsLeftOut: Int
    /// The `input.missing` tokens the fit read as missing.
    package var missing: [String]
    /// The prepline version that fitted.
    package var version: String
    /// When the fit ran: ISO 8601, UTC, to the second (`SOURCE_DATE_EPOCH` when set).
    package var fittedAt: String

    package init(header: [String], rows: Int, rowsLeftOut: Int, missing: [String], version: String = PreplineVersion.current, fittedAt: String) {
        self.header = header
        self.rows = rows
        self.rowsLeftOut = rowsLeftOut
        self.missing = missing
        self.version = version
        self.fittedAt = fittedAt
    }

    /// The block as written in a fitted spec.
    package var json: JSONValue {
        .object([
            ("header", .array(header.map { .string($0) })),
            ("rows", .number(Double(rows))),
            ("rows_left_out", .number(Double(rowsLeftOut))),
            ("missing", .array(missing.map { .string($0) })),
            ("prepline", .string(version)),
            ("fitted_at", .string(fittedAt)),
        ])
    }

    /// Reads the block back (`Spec.decode`); every key is required, as `fit` writes them all.
    static func decode(_ value: JSONValue, file: String) throws(PreplineError) -> TrainingRecord {
        var reader = try SpecObjectReader(value, file: file, path: "training")
        let header = try reader.stringArray("header")
        let rows = try reader.integer("rows", in: 0...Int(1 << 53))
        let rowsLeftOut = try reader.integer("rows_left_out", in: 0...Int(1 << 53))
        let missing = try reader.stringArray("missing")
        let version = try reader.string("prepline")
        let fittedAt = try reader.string("fitted_at")
        // Unknown keys first: a misspelt key is reported as such, not as the one it misses.
        try reader.finish()
        guard let header, let rows, let rowsLeftOut, let missing, let version, let fittedAt else {
            let absent = [("header", header == nil), ("rows", rows == nil), ("rows_left_out", rowsLeftOut == nil),
                          ("missing", missing == nil), ("prepline", version == nil), ("fitted_at", fittedAt == nil)].first { $0.1 }!.0
            throw reader.fail(absent, "missing; the training block is written by `prepline fit` (without the whole block, apply matches columns by position)")
        }
        if let (first, second) = HeaderCheck.firstDuplicate(header) {
            throw PreplineError.spec(file: file, path: "training.header[\(second)]",
                                     message: "'\(header[second])' is also column \(first + 1): the training header's names must be unique")
        }
        return TrainingRecord(header: header, rows: rows, rowsLeftOut: rowsLeftOut, missing: missing, version: version, fittedAt: fittedAt)
    }

    /// The time of a fit: `SOURCE_DATE_EPOCH` (seconds since 1970, for reproducible output) when
    /// set, else now; ISO 8601 in UTC, to the second.
    package static func fitTime(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PreplineError) -> String {
        var seconds = Int(Date().timeIntervalSince1970)
        if let epoch = environment["SOURCE_DATE_EPOCH"] {
            guard let value = Int(epoch), value >= 0 else {
                throw PreplineError.usage("SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01 UTC, got '\(epoch)'")
            }
            seconds = value
        }
        return iso8601(seconds: seconds)
    }

    /// `2026-12-01T15:04:05Z`.
    package static func iso8601(seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
