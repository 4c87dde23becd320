#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `datetime`: the parts of a date or datetime column as pandas' `dt` accessors give them
/// (`year` … `second`, `dayofweek` with Monday = 0, `dayofyear`, `quarter`) and `epoch`, the
/// whole seconds since 1970-01-01 UTC (`(ts - Timestamp("1970-01-01", tz="UTC")) // 1s`, a naive
/// value read as UTC: the fraction of a second is dropped, towards the past). Each part is a
/// column `<col>_<part>`, the block replacing the column in its place; `cyclical` adds
/// `<col>_<part>_sin` / `_cos` after each of month, day, hour, dayofweek: feature-engine's
/// CyclicalFeatures, sin(x · (2π / max)) with max the largest value seen at fit, or given.
///
/// Values are read on their bytes: ISO 8601 (`ISODateTime`) or a strptime pattern
/// (`DatePattern`, pandas' `%f` of up to 9 digits). The parts are the wall-clock fields as
/// written (pandas keeps a fixed offset's local time); `epoch` subtracts the offset. An
/// unparsable value is a row-level error; missing stays missing in every column of the block.
package struct DateTimeStage: PipelineStage {
    package enum Part: String, Sendable, CaseIterable {
        case year, month, day, hour, minute, second, dayofweek, dayofyear, quarter, epoch

        /// The parts `cyclical` adds a sine and a cosine for.
        static let cyclical: [Part] = [.month, .day, .hour, .dayofweek]
        var isCyclical: Bool { Self.cyclical.contains(self) }

        /// The part of a parsed value.
        @inline(__always)
        func value(of m: ISODateTime.Moment, days: Int) -> Double {
            switch self {
            case .year: return Double(m.year)
            case .month: return Double(m.month)
            case .day: return Double(m.day)
            case .hour: return Double(m.hour)
            case .minute: return Double(m.minute)
            case .second: return Double(m.second)
            // 1970-01-01 was a Thursday (3 with Monday = 0).
            case .dayofweek: return Double(((days + 3) % 7 + 7) % 7)
            case .dayofyear: return Double(days - daysFromCivil(year: m.year, month: 1, day: 1) + 1)
            case .quarter: return Double((m.month - 1) / 3 + 1)
            case .epoch: return Double(days * 86_400 + m.hour * 3_600 + m.minute * 60 + m.second - m.offset)
            }
        }
    }

    /// Date parts only: a date column has no time, and a constant hour column says nothing.
    package static let defaultParts: [Part] = [.year, .month, .day, .dayofweek]
    /// The `format` value that means ISO 8601 (pandas' `format="ISO8601"`).
    package static let iso8601 = "ISO8601"

    /// One column of a datetime column's block: a part, or the sine or cosine of a cyclical part.
    struct Slot: Sendable {
        enum Wave: Sendable { case value, sin, cos }
        var part: Part
        var wave: Wave

        var suffix: String {
            switch wave {
            case .value: return "_\(part.rawValue)"
            case .sin: return "_\(part.rawValue)_sin"
            case .cos: return "_\(part.rawValue)_cos"
            }
        }
    }

    package static let kind = "datetime"
    package static let summary = "date/datetime parts (pandas dt): year … second, dayofweek, dayofyear, quarter, epoch as <col>_<part> in the column's place; ISO 8601 or a strptime format; cyclical sin/cos (feature-engine CyclicalFeatures)"

    package let position: Int
    package let selectors: [String]
    package let parts: [Part]
    package let cyclical: Bool
    /// The `format` option: `ISO8601`, or a strptime pattern.
    package let format: String
    /// The maxima given in `max_values`, by part.
    package let givenMaxima: [Part: Double]
    /// nil: ISO 8601.
    private let pattern: DatePattern?
    private let file: String
    private let slots: [Slot]
    /// The cyclical parts whose maximum is learned (not given), in `parts` order.
    private let learnedParts: [Part]
    /// The learned maxima per column (read from the fitted spec, or learned), by part.
    package private(set) var learnedMaxima: [String: [Part: Double]] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    private var fittedNames: [String] = []
    /// Per bound column, its block's names (`<col>_<part>`…), built once.
    private var blockNames: [[String]] = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        format = options.string("format")!
        if format == Self.iso8601 {
            pattern = nil
        } else {
            guard format.utf8.contains(UInt8(ascii: "%")) else {
                throw reader.fail("format", "\"\(format)\" has no % directive; give a strptime pattern such as \"%d/%m/%Y %H:%M\", or \"\(Self.iso8601)\" (the default)")
            }
            do {
                pattern = try DatePattern(format, fractionDigits: 9)
            } catch {
                throw reader.fail("format", error.message)
            }
        }
        parts = try Self.readParts(options.value("parts")!, reader: reader)
        cyclical = options.bool("cyclical")
        var given: [Part: Double] = [:]
        if let value = options.value("max_values") {
            guard cyclical else { throw reader.fail("max_values", "applies with \"cyclical\": true (the sine and cosine of the cyclical parts)") }
            var object = try SpecObjectReader(value, file: reader.file, path: reader.childPath("max_values"))
            let cyclicalNames = Part.cyclical.map(\.rawValue)
            for key in object.keys {
                guard let part = Part(rawValue: key), part.isCyclical else {
                    throw object.fail(key, "\"\(key)\" is not a cyclical part\(Suggestion.didYouMean(key, in: cyclicalNames)); max_values takes \(StageOption.orList(cyclicalNames))")
                }
                guard parts.contains(part) else {
                    throw object.fail(key, "\"\(key)\" is not among the stage's parts (\(parts.map(\.rawValue).joined(separator: ", "))); add it to parts or remove it here")
                }
                guard let x = try object.number(key), x.isFinite, x > 0 else {
                    throw object.fail(key, "expected a number > 0: the length of the \(key) cycle, e.g. \(Self.period(of: part))")
                }
                given[part] = x
            }
            try object.finish()
        }
        givenMaxima = given
        if cyclical && !parts.contains(where: \.isCyclical) {
            throw reader.fail("cyclical", "adds the sine and cosine of month, day, hour and dayofweek, and parts has none of them (\(parts.map(\.rawValue).joined(separator: ", ")))")
        }
        var slots: [Slot] = []
        for part in parts {
            slots.append(Slot(part: part, wave: .value))
            if cyclical && part.isCyclical { slots += [Slot(part: part, wave: .sin), Slot(part: part, wave: .cos)] }
        }
        self.slots = slots
        learnedParts = cyclical ? parts.filter { $0.isCyclical && given[$0] == nil } : []
        if let fitted = try reader.fittedColumns() {
            guard !learnedParts.isEmpty else {
                throw reader.fail("fitted", "this stage learns nothing (no cyclical part without max_values); remove \"fitted\"")
            }
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard var maxima = try entry.object("max_values") else {
                    throw entry.fail("max_values", "missing: the largest \(Self.andList(learnedParts.map(\.rawValue))) seen in column '\(column)'")
                }
                var learned: [Part: Double] = [:]
                for part in learnedParts {
                    guard maxima.has(part.rawValue) else { throw maxima.fail(part.rawValue, "missing: the largest \(part.rawValue) seen in column '\(column)'") }
                    guard let x = try maxima.number(part.rawValue), x.isFinite, x > 0 else { throw maxima.fail(part.rawValue, "expected a number > 0") }
                    learned[part] = x
                }
                try maxima.finish()
                try entry.finish()
                learnedMaxima[column] = learned
            }
        }
        try reader.finish()
    }

    /// `parts`: a non-empty list of distinct part names, each checked at its own path.
    private static func readParts(_ value: JSONValue, reader: SpecObjectReader) throws(PreplineError) -> [Part] {
        let path = reader.childPath("parts")
        let names = Part.allCases.map(\.rawValue)
        guard case .array(let items) = value else {
            throw PreplineError.spec(file: reader.file, path: path, message: "expected an array of part names (\(names.joined(separator: ", "))), got \(value.typeName)")
        }
        guard !items.isEmpty else { throw PreplineError.spec(file: reader.file, path: path, message: "expected at least one part (\(names.joined(separator: ", ")))") }
        var parts: [Part] = []
        for (i, item) in items.enumerated() {
            guard case .string(let name) = item else {
                throw PreplineError.spec(file: reader.file, path: "\(path)[\(i)]", message: "expected a part name, got \(item.typeName)")
            }
            guard let part = Part(rawValue: name) else {
                let hint = aliases[name].map { " (did you mean \"\($0.rawValue)\"?)" } ?? Suggestion.didYouMean(name, in: names)
                throw PreplineError.spec(file: reader.file, path: "\(path)[\(i)]",
                                         message: "unknown part \"\(name)\"\(hint); parts: \(names.joined(separator: ", "))")
            }
            guard !parts.contains(part) else {
                throw PreplineError.spec(file: reader.file, path: "\(path)[\(i)]", message: "part \"\(name)\" is given twice")
            }
            parts.append(part)
        }
        return parts
    }

    /// Other names of the parts (pandas' `dt.weekday`, `dt.day_of_week`, …), for "did you mean".
    private static let aliases: [String: Part] = [
        "weekday": .dayofweek, "day_of_week": .dayofweek, "dow": .dayofweek, "day_of_year": .dayofyear, "doy": .dayofyear,
        "timestamp": .epoch, "unix": .epoch,
    ]

    /// The usual cycle of a part, for messages.
    private static func period(of part: Part) -> String {
        switch part {
        case .month: return "12 for month"
        case .day: return "31 for day"
        case .hour: return "24 for hour"
        default: return "7 for dayofweek"
        }
    }

    package var isFitted: Bool { learnedParts.isEmpty || !learnedMaxima.isEmpty }

    package var fittedJSON: JSONValue? {
        guard !learnedParts.isEmpty, !learnedMaxima.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            learnedMaxima[name].map { maxima in
                (name, .object([("max_values", .object(learnedParts.map { ($0.rawValue, .number(maxima[$0]!)) }))]))
            }
        })
    }

    package var numericColumns: [String] { [] }

    /// The histogram holds, per learned part k, each chunk's largest value as the key k·64 +
    /// value (a value is at most 31): a few dozen keys whatever the number of rows, merged by
    /// the profile's own merge.
    package var profileNeeds: ColumnProfile.Needs { isFitted ? [] : .histogram }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        blockNames = boundNames.map { name in slots.map { name + $0.suffix } }
        // LEAD: produced names — each column becomes `<col>_<part>`… in its place (a `.weights`
        // block, as bin's onehot block). Checked here against every other column, also while the
        // block's values are not final in this pass (the plan's check skips such a block).
        let boundSet = Set(bound)
        var taken: [[UInt8]: String] = [:]
        for (index, name) in columns.names.enumerated() where !boundSet.contains(index) {
            if let members = columns.blocks[name], columns.expandedBy[name] != nil {
                for member in members { taken[Array(member.utf8)] = "a column made from '\(LosslessText.display(name))'" }
            } else {
                taken[Array(name.utf8)] = "a column"
            }
        }
        for (column, names) in zip(boundNames, blockNames) {
            for name in names {
                if let owner = taken[Array(name.utf8)] {
                    throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                             message: "column '\(LosslessText.display(name))' that \(label) makes from '\(LosslessText.display(column))' is already \(owner); rename one of them first (a rename stage)")
                }
                taken[Array(name.utf8)] = "made from '\(LosslessText.display(column))'"
            }
        }
        // The block's values are final in this pass unless the stage learns its maxima here or
        // an earlier stage of the pass rewrote the column (a fill's placeholders, read here as
        // missing): a later stage naming `<col>_…` then fits in the next pass.
        let final = columns.stageRunsLearned || (isFitted && columns.rewrittenInFitPass.isDisjoint(with: boundNames))
        for (column, names) in zip(boundNames, blockNames) {
            columns.expandedBy[column] = label
            if final { columns.blocks[column] = names } else { columns.namesLearnedLater[column] = label }
        }
    }

    /// Maxima learned on values an earlier stage of this pass still rewrites (a learned fill's
    /// placeholders) would miss the values that stage puts there: the stage waits for the next
    /// pass, where they are final.
    package func deferral(in columns: PlanColumns) -> String? {
        if let reason = columns.deferral(of: selectors) { return reason }
        guard !isFitted else { return nil }
        let rewritten = columns.rewrittenInFitPass
        guard !rewritten.isEmpty, let indexes = try? columns.resolve(selectors, path: "\(path).columns") else { return nil }
        guard let name = indexes.map({ columns.names[$0] }).first(where: rewritten.contains) else { return nil }
        return "column '\(name)' is rewritten by an earlier stage of this pass; the largest \(Self.andList(learnedParts.map(\.rawValue))) are learned on its final values, in the next pass"
    }

    /// A later stage naming the block's columns may wait for the next pass (see `bind`).
    package var mayDeferLaterStages: Bool { true }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        let seen = expand(&batch, collect: !isFitted)
        guard !isFitted else { return }
        for i in bound.indices {
            state.profiles[i].observed += seen[i].observed
            state.profiles[i].missing += seen[i].missing
            for (k, largest) in seen[i].largest.enumerated() where largest >= 0 {
                state.profiles[i].histogram[Double(k * 64 + largest), default: 0] += 1
            }
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard !isFitted else { return }
        for (i, name) in boundNames.enumerated() {
            var largest = [Int](repeating: -1, count: learnedParts.count)
            for key in profiles[i].histogram.keys {
                let k = Int(key) / 64
                largest[k] = max(largest[k], Int(key) % 64)
            }
            var maxima: [Part: Double] = [:]
            for (k, part) in learnedParts.enumerated() {
                guard largest[k] >= 0 else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)]",
                                             message: "column '\(name)' has no observed values to learn the largest \(part.rawValue) from (\(label)); give max_values")
                }
                // feature-engine divides by the maximum: 0 would make every sine and cosine NaN.
                guard largest[k] > 0 else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)].max_values",
                                             message: "every \(part.rawValue) seen in column '\(name)' is 0, so sin(2π·\(part.rawValue)/max) divides by 0 (\(label)); give max_values.\(part.rawValue), e.g. \(Self.period(of: part))")
                }
                maxima[part] = Double(largest[k])
            }
            learnedMaxima[name] = maxima
        }
    }

    package func apply(_ batch: inout Batch) { _ = expand(&batch, collect: false) }

    /// What a chunk showed of one column: its observed and missing values, and the largest
    /// value of each learned part (-1: none).
    private struct Seen {
        var observed = 0, missing = 0
        var largest: [Int]
    }

    /// Replaces each bound column by its block. `collect`: also the largest value of each
    /// learned part (the sines and cosines are NaN then: their maxima are not known yet).
    private func expand(_ batch: inout Batch, collect: Bool) -> [Seen] {
        let rows = batch.rowCount
        let width = slots.count
        var seen: [Seen] = []
        seen.reserveCapacity(bound.count)
        let learnedSlots = learnedParts.map { part in parts.firstIndex(of: part)! }
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            // 2π / max per slot, as feature-engine computes it (NaN where not known).
            let scales: [Double] = slots.map { slot in
                guard slot.wave != .value else { return 0 }
                guard let maximum = givenMaxima[slot.part] ?? learnedMaxima[name]?[slot.part] else { return .nan }
                return 2.0 * Double.pi / maximum
            }
            var column = Seen(largest: [Int](repeating: -1, count: collect ? learnedParts.count : 0))
            let text = batch.textColumn(c)
            var values = batch.weightBuffers.zeros(count: rows * width)
            var partValues = [Double](repeating: 0, count: parts.count)
            values.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    let base = r * width
                    guard batch.isGood(r), let bytes = batch.bytes(of: text.refs[r], in: text) else {
                        if batch.isGood(r) { column.missing += 1 }
                        for j in 0..<width { out[base + j] = .nan }
                        continue
                    }
                    let parsed = if let pattern { ISODateTime.moment(pattern, bytes) } else { ISODateTime.parse(bytes) }
                    guard let moment = parsed else {
                        let reason = "column '\(name)': '\(LosslessText.display(LosslessText.string(bytes)))' \(expectation) (\(label))"
                        batch.work.reject(record: r, reason: reason, fix: fix)
                        for j in 0..<width { out[base + j] = .nan }
                        continue
                    }
                    column.observed += 1
                    let days = daysFromCivil(year: moment.year, month: moment.month, day: moment.day)
                    for (p, part) in parts.enumerated() { partValues[p] = part.value(of: moment, days: days) }
                    if collect {
                        for (k, p) in learnedSlots.enumerated() where Int(partValues[p]) > column.largest[k] { column.largest[k] = Int(partValues[p]) }
                    }
                    var p = -1
                    for (j, slot) in slots.enumerated() {
                        switch slot.wave {
                        case .value:
                            p += 1
                            out[base + j] = partValues[p]
                        case .sin: out[base + j] = sin(partValues[p] * scales[j])
                        case .cos: out[base + j] = cos(partValues[p] * scales[j])
                        }
                    }
                }
            }
            batch.columns[c] = .weights(names: blockNames[i], values: values)
            seen.append(column)
        }
        return seen
    }

    /// What an unparsable value is not, for the row-level error.
    private var expectation: String {
        pattern == nil ? "is not an ISO 8601 date or datetime (YYYY-MM-DD, then optionally T or a space, HH[:MM[:SS[.fraction]]] and Z or ±HH[:MM])"
            : "does not match the format \"\(format)\""
    }

    private var fix: String {
        pattern == nil ? "give the values' strptime pattern in stages[\(position)].format (e.g. \"%d/%m/%Y\")"
            : "check stages[\(position)].format against the values"
    }
}

/// ISO 8601 dates and datetimes as pandas' `to_datetime(format="ISO8601")` reads them, on
/// bytes. Accepted: `YYYY-MM-DD` (year 0000–9999, a real calendar date), optionally followed by
/// `T` or one space and `HH`, `HH:MM` or `HH:MM:SS` (00–23, 00–59, 00–59), seconds optionally
/// with `.` and one or more digits (a fraction, dropped), then optionally (after one optional
/// space) `Z` or an offset `+HH`, `+HHMM`, `+HH:MM` (or `-`; hours 00–23, minutes 00–59).
/// pandas' ISO parser also takes forms this refuses — one-digit fields (`2024-3-5`), `/` as
/// separator, `20240305`, `2024-03` and `2024`, negative years, a leading space, `+2:00`:
/// give a `format` for those.
package enum ISODateTime {
    /// A parsed value: the wall-clock fields as written, and the offset in seconds east of UTC
    /// (0 for a naive value, read as UTC).
    package struct Moment: Sendable, Equatable {
        package var year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, offset = 0
    }

    @inline(__always)
    private static func two(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        guard i + 1 < t.count else { return nil }
        let a = t[i] &- 0x30, b = t[i + 1] &- 0x30
        guard a < 10, b < 10 else { return nil }
        return Int(a) * 10 + Int(b)
    }

    package static func parse(_ t: UnsafeBufferPointer<UInt8>) -> Moment? {
        let n = t.count
        guard n >= 10, let century = two(t, 0), let yy = two(t, 2), t[4] == UInt8(ascii: "-"), let month = two(t, 5),
              t[7] == UInt8(ascii: "-"), let day = two(t, 8) else { return nil }
        var m = Moment(year: century * 100 + yy, month: month, day: day)
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: m.year) else { return nil }
        var i = 10
        guard i < n else { return m }
        guard t[i] == UInt8(ascii: "T") || t[i] == UInt8(ascii: " "), let hour = two(t, i + 1), hour < 24 else { return nil }
        m.hour = hour
        i += 3
        if i < n, t[i] == UInt8(ascii: ":") {
            guard let minute = two(t, i + 1), minute < 60 else { return nil }
            m.minute = minute
            i += 3
            if i < n, t[i] == UInt8(ascii: ":") {
                guard let second = two(t, i + 1), second < 60 else { return nil }
                m.second = second
                i += 3
                if i < n, t[i] == UInt8(ascii: ".") {
                    i += 1
                    let start = i
                    while i < n, t[i] &- 0x30 < 10 { i += 1 }
                    guard i > start else { return nil }
                }
            }
        }
        guard i < n else { return m }
        if t[i] == UInt8(ascii: " ") { i += 1 }
        guard i < n else { return nil }
        if t[i] == UInt8(ascii: "Z") {
            i += 1
        } else if t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") {
            let sign = t[i] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = two(t, i + 1), hours < 24 else { return nil }
            i += 3
            var minutes = 0
            if i < n, t[i] == UInt8(ascii: ":") { i += 1 }
            if i < n {
                guard let mm = two(t, i), mm < 60 else { return nil }
                minutes = mm
                i += 2
            }
            m.offset = sign * (hours * 3_600 + minutes * 60)
        } else {
            return nil
        }
        return i == n ? m : nil
    }

    /// A strptime pattern's match as a moment (pandas' strptime: Python's, `%f` up to 9 digits).
    package static func moment(_ pattern: DatePattern, _ t: UnsafeBufferPointer<UInt8>) -> Moment? {
        guard let p = pattern.match(t) else { return nil }
        return Moment(year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, offset: p.offset ?? 0)
    }
}

extension DateTimeStage {
    package static let options: StageOptionTable = {
        let partNames = Part.allCases.map(\.rawValue), cyclicalNames = Part.cyclical.map(\.rawValue)
        let maxima = SchemaPiece.object([
            "type": .string("object"),
            "propertyNames": SchemaPiece.object(["enum": SchemaPiece.strings(cyclicalNames)]),
            "additionalProperties": SchemaPiece.object(["type": .string("number"), "exclusiveMinimum": .number(0)]),
        ])
        return StageOptionTable([
            StageOption("format", .string(nonEmpty: "expected \"\(iso8601)\" or a strptime pattern such as \"%d/%m/%Y\""), default: .string(iso8601),
                        "How the values are written: \"ISO8601\" (default: YYYY-MM-DD, optionally T or a space, HH[:MM[:SS[.fraction]]] and Z or ±HH[:MM]), or a strptime pattern (%Y %y %m %d %H %I %p %M %S %f %z %j %b %B %a %A %%), matched as pandas' to_datetime(format=...) does. A value that does not parse is a row-level error."),
            StageOption("parts", .array(schema: SchemaPiece.object([
                "type": .string("array"), "items": SchemaPiece.object(["enum": SchemaPiece.strings(partNames)]),
                "minItems": .number(1), "uniqueItems": .bool(true),
            ])), default: .array(defaultParts.map { .string($0.rawValue) }),
                        "The parts to write, in this order, each a column <col>_<part>: year, month, day, hour, minute, second, dayofweek (Monday = 0), dayofyear, quarter (pandas' dt numbers), epoch (whole seconds since 1970-01-01 UTC; a value without an offset is read as UTC)."),
            StageOption("cyclical", .bool, default: .bool(false),
                        "Add <col>_<part>_sin and <col>_<part>_cos right after each of month, day, hour and dayofweek among the parts: sin(2π·x/max) and cos(2π·x/max), max the largest value seen at fit unless given in max_values (feature-engine's CyclicalFeatures)."),
            StageOption("max_values", .object(schema: maxima),
                        "With cyclical: the max of some cyclical parts, e.g. {\"month\": 12, \"hour\": 24} (numbers > 0); the others are learned. All given: nothing is learned."),
        ], fitted: SchemaPiece.fitted("The largest value of each cyclical part (those not in max_values) seen at fit, per column.",
                                      entry: ["max_values": maxima], required: ["max_values"]))
    }()

    package var learnedParameters: String {
        learnedParts.isEmpty ? "nothing" : "the largest \(Self.andList(learnedParts.map(\.rawValue))) seen (the max of the sines and cosines)"
    }

    /// `a`, `a and b`, `a, b and c`.
    static func andList(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    package var columnEffect: String? {
        let names = slots.map { "<col>\($0.suffix)" }
        return "replaces each column, in its place, by \(names.count) column\(names.count == 1 ? "" : "s"): \(Suggestion.shortList(names))"
    }

    package func expandedNames(of column: String) -> [String]? {
        guard let i = boundNames.firstIndex(of: column) else { return nil }
        return blockNames[i]
    }

    package var expandedUnit: String { "one per part" }
}
