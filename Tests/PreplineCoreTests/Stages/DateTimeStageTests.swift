import Foundation
import Testing

/// `datetime` in-process: options and their errors, the ISO 8601 forms read and refused, every
/// part against Foundation's Gregorian calendar in UTC (an independent reference; pandas itself
/// is compared in Tests/Conformance/cases_datetime.py), strptime formats, the cyclical sine and
/// cosine with learned and given maxima, missing values, row errors, the fitted spec, chains
/// through the fit passes, and the same fit and output at every chunking.
@Suite struct DateTimeStageTests {
    typealias H = StageHarness

    static let allParts = ["year", "month", "day", "hour", "minute", "second", "dayofweek", "dayofyear", "quarter", "epoch"]
    static var allPartsJSON: String { "[" + allParts.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "datetime", "columns": ["d"]}"#,
        #"{"stage": "datetime", "columns": ["d", "e*"], "parts": ["epoch"], "format": "%d/%m/%Y"}"#,
        #"{"stage": "datetime", "columns": ["d"], "parts": ["month", "hour"], "cyclical": true}"#,
        #"{"stage": "datetime", "columns": ["d"], "parts": ["month", "hour"], "cyclical": true, "max_values": {"hour": 24}}"#,
        #"{"stage": "datetime", "columns": ["d"], "format": "ISO8601"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["year", "weekday"]}"#, "stages[0].parts[1]", #"did you mean "dayofweek""#),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["yaer"]}"#, "stages[0].parts[0]", #"did you mean "year""#),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["day", "day"]}"#, "stages[0].parts[1]", "given twice"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": []}"#, "stages[0].parts", "at least one part"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": [3]}"#, "stages[0].parts[0]", "expected a part name"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": "year"}"#, "stages[0].parts", "expected an array"),
            (#"{"stage": "datetime", "columns": ["d"], "format": "yyyy-mm-dd"}"#, "stages[0].format", "no % directive"),
            (#"{"stage": "datetime", "columns": ["d"], "format": "%Y-%Q"}"#, "stages[0].format", "%Q is not supported"),
            (#"{"stage": "datetime", "columns": ["d"], "format": "%Y-%"}"#, "stages[0].format", "lone %"),
            (#"{"stage": "datetime", "columns": ["d"], "format": ""}"#, "stages[0].format", "expected"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "max_values": {"month": 12}}"#, "stages[0].max_values", "\"cyclical\": true"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "cyclical": true, "max_values": {"mnth": 12}}"#, "stages[0].max_values.mnth", #"did you mean "month""#),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "cyclical": true, "max_values": {"hour": 24}}"#, "stages[0].max_values.hour", "not among the stage's parts"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "cyclical": true, "max_values": {"month": 0}}"#, "stages[0].max_values.month", "> 0"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "cyclical": true, "max_values": {"month": "12"}}"#, "stages[0].max_values.month", "expected a number"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["year", "quarter"], "cyclical": true}"#, "stages[0].cyclical", "parts has none of them"),
            (#"{"stage": "datetime", "columns": ["d"], "cyclical": "yes"}"#, "stages[0].cyclical", "expected true or false"),
            (#"{"stage": "datetime", "columns": ["d"], "parts": ["year"], "fitted": {"d": {}}}"#, "stages[0].fitted", "learns nothing"),
            (#"{"stage": "datetime", "columns": ["d"], "part": ["year"]}"#, "stages[0].part", "unknown key"),
            (#"{"stage": "datetime"}"#, "stages[0].columns", "missing"),
        ]
        try H.expectDecodeFailures(cases)
    }

    // MARK: ISO 8601

    /// The forms read (README's list) and some pandas also takes that prepline refuses, plus
    /// impossible dates and times: a refused value is a row-level error naming it.
    @Test func isoFormsReadAndRefused() throws {
        let read = ["2024-03-05", "2024-03-05T14", "2024-03-05 14", "2024-03-05T14:07", "2024-03-05T14:07:09", "2024-03-05 14:07:09",
                    "2024-03-05T14:07:09.5", "2024-03-05T14:07:09.123456789", "2024-03-05T14:07:09.1234567891", "2024-03-05T14:07:09Z",
                    "2024-03-05T14Z", "2024-03-05T14:07:09+02:00", "2024-03-05T14:07:09+0200", "2024-03-05T14:07:09+02",
                    "2024-03-05T14:07:09-05:30", "2024-03-05 14:07:09 +02:00", "2024-03-05T14:07:09.5 Z", "0000-01-01", "9999-12-31T23:59:59",
                    "2000-02-29", "2024-03-05T14:07:09+23:59"]
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["year"]}"#)
        _ = try H.run(spec: spec, csv: keyed(read))
        let refused = ["2024-3-5", "2024/03/05", "20240305", "2024-03", "2024", "-2024-03-05", " 2024-03-05", "2024-03-05 ", "2024-03-05T",
                       "2024-03-05T14:", "2024-03-05T14:07:", "2024-03-05T14:07:09.", "2024-03-05t14", "2024-03-05T14:07:09z",
                       "2024-03-05Z", "2024-03-05+02:00", "2024-03-05T24:00", "2024-03-05T23:60", "2024-03-05T23:59:60",
                       "2024-02-30", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-03-05T14:07:09+24:00",
                       "2024-03-05T14:07:09+02:60", "2024-03-05T14:07:09+2:00", "2024-03-05T14:07:09+020", "2024-03-05T14:07:09:5",
                       "2024-03-05  14:07", "2024-03-05T140709", "2024-03-05T14:07:09UTC", "12024-03-05", "yesterday"]
        // In groups: a failed run reports its first 10 row errors.
        for start in stride(from: 0, to: refused.count, by: 8) {
            let group = Array(refused[start..<min(start + 8, refused.count)])
            let failure = try #require(H.failure { try H.run(spec: spec, csv: keyed(["2024-03-05"] + group)) })
            #expect(failure.exitCode == 1)
            #expect(failure.rowReasons.count == group.count, "\(failure.rowReasons)")
            for (reason, value) in zip(failure.rowReasons, group) {
                #expect(reason.hasPrefix("column 'v': '\(value)' is not an ISO 8601 date or datetime"), "\(reason)")
                #expect(reason.hasSuffix("(stages[0] datetime)"), "\(reason)")
            }
        }
    }

    // MARK: Parts against Foundation's calendar

    /// A random datetime in a random ISO form, and its parts computed by Foundation (proleptic
    /// Gregorian from 1600 on, where Foundation's calendar is Gregorian too).
    struct Sample {
        var text: String
        var parts: [String: Double]
    }

    static func samples(count: Int, seed: UInt64, offsets: Bool) -> [Sample?] {
        var rng = SplitMix64(seed: seed)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func pad(_ x: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(x).count)) + String(x) }
        return (0..<count).map { _ -> Sample? in
            if Int.random(in: 0..<10, using: &rng) == 0 { return nil }
            let year = Int.random(in: 1600...2400, using: &rng), month = Int.random(in: 1...12, using: &rng)
            let first = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            let day = Int.random(in: 1...calendar.range(of: .day, in: .month, for: first)!.count, using: &rng)
            var hour = 0, minute = 0, second = 0, offset = 0
            var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
            let form = Int.random(in: 0..<6, using: &rng)
            if form > 0 {
                hour = Int.random(in: 0...23, using: &rng)
                text += (Bool.random(using: &rng) ? "T" : " ") + pad(hour, 2)
            }
            if form > 1 { minute = Int.random(in: 0...59, using: &rng); text += ":" + pad(minute, 2) }
            if form > 2 { second = Int.random(in: 0...59, using: &rng); text += ":" + pad(second, 2) }
            if form > 3 { text += "." + String(Int.random(in: 0...999_999_999, using: &rng)) }
            if form > 0 && offsets {
                let hours = Int.random(in: 0...14, using: &rng), minutes = [0, 30, 45][Int.random(in: 0..<3, using: &rng)]
                let negative = Bool.random(using: &rng)
                offset = (negative ? -1 : 1) * (hours * 3600 + minutes * 60)
                text += offset == 0 && Bool.random(using: &rng) ? "Z" : "\(negative ? "-" : "+")\(pad(hours, 2)):\(pad(minutes, 2))"
            }
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
            let weekday = calendar.component(.weekday, from: date) // Sunday = 1
            let parts: [String: Double] = [
                "year": Double(year), "month": Double(month), "day": Double(day), "hour": Double(hour), "minute": Double(minute),
                "second": Double(second), "dayofweek": Double((weekday + 5) % 7),
                "dayofyear": Double(calendar.ordinality(of: .day, in: .year, for: date)!), "quarter": Double((month + 2) / 3),
                "epoch": date.timeIntervalSince1970 - Double(offset),
            ]
            return Sample(text: text, parts: parts)
        }
    }

    static func cells(_ samples: [Sample?]) -> [String] { samples.map { $0?.text ?? "" } }

    @Test(arguments: [false, true])
    func everyPartIsTheCalendars(offsets: Bool) throws {
        let samples = Self.samples(count: 400, seed: offsets ? 41 : 40, offsets: offsets)
        let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": \#(Self.allPartsJSON)}"#), csv: keyed(Self.cells(samples))))
        #expect(out.header == Self.allParts.map { "v_\($0)" } + ["k"])
        for part in Self.allParts {
            #expect(out.numbers("v_\(part)") == samples.map { $0?.parts[part] }, "\(part)")
        }
    }

    @Test func theDefaultPartsAreTheDate() throws {
        let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "datetime", "columns": ["v"]}"#), csv: "k,v,w\n1,2024-03-05T23:00,x\n"))
        #expect(out.header == ["k", "v_year", "v_month", "v_day", "v_dayofweek", "w"])
    }

    /// A strptime format gives the same parts as the ISO text of the same moment.
    @Test func aFormatGivesTheSameParts() throws {
        let samples = Self.samples(count: 200, seed: 42, offsets: false).map { sample -> Sample? in
            guard var sample else { return nil }
            let p = sample.parts
            func two(_ x: Double) -> String { Int(x) < 10 ? "0\(Int(x))" : "\(Int(x))" }
            sample.text = "\(two(p["day"]!))/\(two(p["month"]!))/\(Int(p["year"]!)) \(two(p["hour"]!))h\(two(p["minute"]!)):\(two(p["second"]!)).123456789"
            return sample
        }
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "format": "%d/%m/%Y %Hh%M:%S.%f", "parts": \#(Self.allPartsJSON)}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: keyed(Self.cells(samples))))
        for part in Self.allParts { #expect(out.numbers("v_\(part)") == samples.map { $0?.parts[part] }, "\(part)") }
        // %z reads an offset; the parts stay as written, epoch moves.
        let zoned = SimpleTable(try H.run(spec: H.spec(#"{"stage": "datetime", "columns": ["v"], "format": "%Y-%m-%d %H:%M%z", "parts": ["hour", "epoch"]}"#),
                                          csv: keyed(["1970-01-01 02:00+0200", "1970-01-01 02:00Z"])))
        #expect(zoned.numbers("v_hour") == [2, 2])
        #expect(zoned.numbers("v_epoch") == [0, 7200])
        let failure = try #require(H.failure { try H.run(spec: spec, csv: keyed(["05/03/2024 14h07:09.5", "2024-03-05"])) })
        #expect(failure.rowReasons == [#"column 'v': '2024-03-05' does not match the format "%d/%m/%Y %Hh%M:%S.%f" (stages[0] datetime)"#])
    }

    // MARK: Missing values and row errors

    @Test func missingStaysMissingInEveryColumnAndBadValuesFailTheirRow() throws {
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": \#(Self.allPartsJSON), "cyclical": true, "max_values": {"month": 12, "day": 31, "hour": 24, "dayofweek": 7}}"#)
        let out = SimpleTable(try H.apply(spec: spec, csv: "k,v\n1,NA\n2,\n3,2024-03-05\n"))
        #expect(out.header.count == 1 + 10 + 8)
        for row in out.rows.prefix(2) { #expect(row.dropFirst().allSatisfy { $0.isEmpty }, "\(row)") }
        #expect(out.rows[2].dropFirst().allSatisfy { !$0.isEmpty })
        let bad = "k,v\n1,2024-03-05\n2,2024-02-30\n3,\n4,never\n"
        let failure = try #require(H.failure { try H.run(spec: spec, csv: bad) })
        #expect(failure.exitCode == 1)
        #expect(failure.rowReasons.count == 2)
        #expect(failure.rowReasons.first?.hasPrefix("column 'v': '2024-02-30' is not an ISO 8601 date") == true, "\(failure.rowReasons)")
        let skipped = SimpleTable(try H.run(spec: H.spec(#"{"stage": "datetime", "columns": ["v"]}"#, extra: #""output": {"on_error": "skip"}"#), csv: bad))
        #expect(skipped.column("k") == ["1", "3"])
    }

    /// A one-column output whose only value is missing is written `""`: an empty line would read
    /// back as no record at all (the block's cells had no such care; the other columns do).
    @Test func aMissingValueAloneOnItsLineIsWrittenQuoted() throws {
        let out = try H.run(spec: H.spec(#"{"stage": "datetime", "columns": ["d"], "parts": ["year"]}"#), csv: "d\nNA\n2024-01-01\n")
        #expect(out == "d_year\n\"\"\n2024.0\n")
    }

    // MARK: Cyclical

    @Test func cyclicalMaximaAreLearnedAsTheLargestValueSeen() throws {
        let fitSamples = Self.samples(count: 300, seed: 43, offsets: true)
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["year", "month", "day", "hour", "dayofweek"], "cyclical": true}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: keyed(Self.cells(fitSamples)))
        let out = SimpleTable(output)
        #expect(out.header == ["v_year", "v_month", "v_month_sin", "v_month_cos", "v_day", "v_day_sin", "v_day_cos",
                               "v_hour", "v_hour_sin", "v_hour_cos", "v_dayofweek", "v_dayofweek_sin", "v_dayofweek_cos", "k"])
        for part in ["month", "day", "hour", "dayofweek"] {
            let largest = fitSamples.compactMap { $0?.parts[part] }.max()!
            #expect(fitted.json(stage: 0, column: "v", key: "max_values") != nil)
            let values = fitSamples.map { $0?.parts[part] }
            #expect(out.numbers("v_\(part)_sin") == values.map { $0.map { Foundation.sin($0 * (2 * Double.pi / largest)) } }, "\(part)")
            #expect(out.numbers("v_\(part)_cos") == values.map { $0.map { Foundation.cos($0 * (2 * Double.pi / largest)) } }, "\(part)")
        }
        // The fitted maxima, in parts order; a larger value at apply keeps them (sin(2π·12/6)).
        let small = "k,v\n1,2024-01-07T03:00\n2,2024-06-03T05:00\n3,\n"
        let (smallFit, applied) = try H.fitAndApply(spec: spec, csv: small, applyTo: "k,v\n1,2024-12-31T23:59\n")
        #expect(smallFit.json(stage: 0, column: "v", key: "max_values")?.filter { !$0.isWhitespace } == #"{"month":6,"day":7,"hour":5,"dayofweek":6}"#)
        let row = SimpleTable(applied)
        #expect(row.numbers("v_month_sin") == [Foundation.sin(12 * (2 * Double.pi / 6))])
        #expect(row.numbers("v_hour_cos") == [Foundation.cos(23 * (2 * Double.pi / 5))])
    }

    @Test func givenMaximaLearnNothingAndPartlyGivenLearnTheRest() throws {
        let csv = "k,v\n1,2024-01-07T03:00\n2,2024-06-03T05:00\n"
        let all = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["month", "hour"], "cyclical": true, "max_values": {"month": 12, "hour": 24}}"#)
        let fitted = try FittedSpec(try H.fit(spec: all, csv: csv))
        #expect(!fitted.hasFittedBlock(stage: 0))
        #expect(SimpleTable(try H.apply(spec: all, csv: csv)).numbers("v_hour_sin") == [Foundation.sin(3 * (2 * Double.pi / 24)), Foundation.sin(5 * (2 * Double.pi / 24))])
        let partly = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["month", "hour"], "cyclical": true, "max_values": {"hour": 24}}"#)
        let learned = try FittedSpec(try H.fit(spec: partly, csv: csv))
        #expect(learned.json(stage: 0, column: "v", key: "max_values")?.filter { !$0.isWhitespace } == #"{"month":6}"#)
        // Without cyclical nothing is learned either.
        #expect(!(try FittedSpec(try H.fit(spec: H.spec(#"{"stage": "datetime", "columns": ["v"]}"#), csv: csv))).hasFittedBlock(stage: 0))
    }

    @Test func aMaximumOfZeroOrNoValueIsASpecError() throws {
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["hour"], "cyclical": true}"#)
        let zero = try #require(H.failure { try H.fit(spec: spec, csv: "k,v\n1,2024-01-07\n2,2024-01-08\n") })
        #expect(zero.path == "stages[0].max_values")
        #expect(zero.message.contains("every hour seen in column 'v' is 0"), "\(zero)")
        let none = try #require(H.failure { try H.fit(spec: spec, csv: "k,v\n1,\n") })
        #expect(none.exitCode == 2)
        #expect(none.message.contains("no observed values"), "\(none)")
    }

    @Test func fittedSpecRoundTripsAndItsErrorsNameThePath() throws {
        let csv = "k,v\n1,2024-01-07T03:00\n2,2024-06-03T05:00\n"
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": ["month", "hour"], "cyclical": true}"#)
        let (fitted, output) = try H.fitAndApply(spec: spec, csv: csv)
        #expect(output == (try H.run(spec: spec, csv: csv)))
        let edited = try fitted.replacing(stage: 0, column: "v", key: "max_values", json: #"{"month": 12, "hour": 24}"#)
        #expect(SimpleTable(try H.apply(spec: edited, csv: csv)).numbers("v_month_cos") == [Foundation.cos(1 * (2 * Double.pi / 12)), Foundation.cos(6 * (2 * Double.pi / 12))])
        for item: (json: String?, path: String, says: String) in [
            (nil, "stages[0].fitted.v.max_values", "missing"), (#"{"month": 12}"#, "stages[0].fitted.v.max_values.hour", "missing"),
            (#"{"month": 12, "hour": -1}"#, "stages[0].fitted.v.max_values.hour", "> 0"),
            (#"{"month": 12, "hour": 24, "day": 31}"#, "stages[0].fitted.v.max_values.day", "unknown key"),
        ] {
            let text = try fitted.replacing(stage: 0, column: "v", key: "max_values", json: item.json)
            let failure = try #require(H.failure { try H.apply(spec: text, csv: csv) }, "accepted: \(item)")
            #expect(failure.path == item.path, "\(failure)")
            #expect(failure.message.contains(item.says), "\(failure)")
        }
    }

    // MARK: Columns and chains

    @Test func producedNamesAreCheckedAgainstTheOtherColumns() throws {
        let clash = try #require(H.bindFailure(spec: H.spec(#"{"stage": "datetime", "columns": ["d"], "parts": ["year", "month"]}"#), columns: ["d", "d_month"]))
        #expect(clash.path == "stages[0]")
        #expect(clash.message.contains("column 'd_month' that stages[0] datetime makes from 'd' is already a column"), "\(clash)")
        // Also while the block is learned in the fit pass (its names are known all the same).
        let learning = try #require(H.bindFailure(spec: H.spec(#"{"stage": "datetime", "columns": ["d"], "parts": ["month"], "cyclical": true}"#), columns: ["d", "d_month_sin"]))
        #expect(learning.message.contains("'d_month_sin'"), "\(learning)")
        // The column itself is gone: a later stage naming it is told why.
        let later = try #require(H.bindFailure(spec: H.spec(#"{"stage": "datetime", "columns": ["d"]}"#, #"{"stage": "fill", "columns": ["d"], "strategy": "most_frequent"}"#), columns: ["d"]))
        #expect(later.message.contains("expanded by stages[0] datetime"), "\(later)")
    }

    /// Later stages on the block's columns fit in the next pass, on the final values; a learned
    /// fill before a learning datetime makes it wait for the filled values. Equal to running
    /// the stages one after another, at every chunking.
    @Test func chainsEqualTheStagesRunOneAfterAnother() throws {
        let samples = Self.samples(count: 150, seed: 44, offsets: true)
        let csv = keyed(Self.cells(samples))
        let fill = #"{"stage": "fill", "columns": ["v"], "strategy": "most_frequent"}"#
        let datetime = #"{"stage": "datetime", "columns": ["v"], "parts": ["year", "month", "hour", "epoch"], "cyclical": true}"#
        let scale = #"{"stage": "scale", "columns": ["v_year", "v_hour_*", "v_epoch"], "method": "zscore"}"#
        let stepwise = try H.run(spec: H.spec(scale), csv: try H.run(spec: H.spec(datetime), csv: try H.run(spec: H.spec(fill), csv: csv)))
        for chunking in [Chunking.standard] + Chunking.variety {
            #expect(try H.run(spec: H.spec(fill, datetime, scale), csv: csv, chunking: chunking) == stepwise, "\(chunking)")
        }
        let plain = #"{"stage": "datetime", "columns": ["v"], "parts": ["dayofyear"]}"#
        let oneAfterOther = try H.run(spec: H.spec(#"{"stage": "scale", "columns": ["v_dayofyear"], "method": "minmax"}"#), csv: try H.run(spec: H.spec(plain), csv: csv))
        #expect(try H.run(spec: H.spec(plain, #"{"stage": "scale", "columns": ["v_dayofyear"], "method": "minmax"}"#), csv: csv) == oneAfterOther)
        // select keeps part of the block, drop removes it whole.
        let selected = SimpleTable(try H.run(spec: H.spec(datetime, #"{"stage": "select", "columns": ["k", "v_month_*"]}"#), csv: csv))
        #expect(selected.header == ["k", "v_month_sin", "v_month_cos"])
        #expect(SimpleTable(try H.run(spec: H.spec(plain, #"{"stage": "drop", "columns": ["v_*"]}"#), csv: csv)).header == ["k"])
    }

    // MARK: Chunking

    @Test func fitAndOutputAreTheSameAtEveryChunking() throws {
        let csv = keyed(Self.cells(Self.samples(count: 300, seed: 45, offsets: true)))
        let spec = H.spec(#"{"stage": "datetime", "columns": ["v"], "parts": \#(Self.allPartsJSON), "cyclical": true}"#)
        let (reference, output) = try H.fitAndApply(spec: spec, csv: csv)
        for chunking in Chunking.variety {
            let (fitted, again) = try H.fitAndApply(spec: spec, csv: csv, chunking: chunking)
            #expect(fitted.text == reference.text, "\(chunking)")
            #expect(again == output, "\(chunking)")
        }
    }
}
