import PreplineTestSupport
import Foundation
import Testing

/// A seeded table for the stages: numbers with missing values, skewed categories (Unicode, rare
/// ones, missing), and a free-text column that must pass through untouched.
///
/// The values are kept beside the bytes, so the tests can check fitted statistics against numbers
/// computed here, independently of prepline.
struct StageTable {
    static let header = ["id", "age", "income", "score", "city", "device", "note"]
    static let cities = ["Zürich", "東京", "São Paulo", "Oslo", "oslo", "Ålesund", "Berlin", "Lima"]
    static let devices = ["phone", "tablet", "desktop"]
    static let notes = ["plain", "with, comma", "say \"hi\"", "two\nlines", "", "NA"]

    var ages: [Double?] = []
    var incomes: [Double?] = []
    var cities: [String?] = []
    var devices: [String?] = []
    var bytes: [UInt8] = []

    init(rows: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func roll(_ n: UInt64) -> Int { Int(rng.next() % n) }
        var text = Self.header.joined(separator: ",") + "\n"
        for i in 0..<rows {
            let age: Double? = roll(9) == 0 ? nil : Double(18 + roll(70))
            let income: Double? = roll(11) == 0 ? nil : Double(roll(20_000_000)) / 100 + 1_000
            let score: String = roll(7) == 0 ? "" : String(format: "%.4f", Double(roll(1_000_000)) / 1e6 - 0.25)
            // Skewed: the first cities are common, the last ones rare (min_frequency groups them).
            let city: String? = roll(13) == 0 ? nil : Self.cities[min(roll(8), roll(8), roll(9) % 8)]
            let device: String? = roll(17) == 0 ? nil : Self.devices[roll(3)]
            let note = Self.notes[roll(UInt64(Self.notes.count))]
            ages.append(age); incomes.append(income); cities.append(city); devices.append(device)
            let fields = [String(i + 1), age.map { String(Int($0)) } ?? ["", "NA"][roll(2)],
                          income.map { String(format: "%.2f", $0) } ?? "NA", score, city ?? "NA", device ?? "",
                          note.contains(",") || note.contains("\"") || note.contains("\n") ? GeneratedCSV.quotedString(note) : note]
            text += fields.joined(separator: ",") + "\n"
        }
        bytes = Array(text.utf8)
    }

    /// Splits the data rows into two files, each with the header (for multi-input fits).
    func halves(at row: Int) -> ([UInt8], [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let records = CSVRecords.split(text)
        let head = records[0] + "\n"
        return (Array((head + records[1...row].map { $0 + "\n" }.joined()).utf8),
                Array((head + records[(row + 1)...].map { $0 + "\n" }.joined()).utf8))
    }
}

extension GeneratedCSV {
    static func quotedString(_ field: String) -> String { String(decoding: quoted(field), as: UTF8.self) }
}

/// Minimal RFC 4180 reading for comparing outputs cell by cell (quotes, doubled quotes, LF).
enum CSVRecords {
    /// The records' raw text (without the final LF), split on LFs outside quotes.
    static func split(_ text: String) -> [String] {
        var records: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle() }
            if c == "\n" && !quoted { records.append(current); current = ""; continue }
            current.append(c)
        }
        if !current.isEmpty { records.append(current) }
        return records
    }

    static func fields(_ record: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var previousWasQuote = false
        for c in record {
            if c == "\"" {
                if quoted { quoted = false; previousWasQuote = true; continue }
                if previousWasQuote { current.append("\""); }
                quoted = true
                previousWasQuote = false
                continue
            }
            previousWasQuote = false
            if c == "," && !quoted { fields.append(current); current = ""; continue }
            current.append(c)
        }
        fields.append(current)
        return fields
    }

    static func table(_ bytes: [UInt8]) -> [[String]] { split(String(decoding: bytes, as: UTF8.self)).map(fields) }
}

/// DESIGN.md, "Engine": "Output is byte-identical whatever `--threads` is, and whatever the chunk
/// size is for stages with nothing to fit; fitted statistics agree across chunk sizes within 1e-12
/// relative (merge partial states in sequence order, never in completion order)."
@Suite("Determinism with stages")
struct StageDeterminismTests {
    static let table = StageTable(rows: 3_000, seed: 20_250_314)
    static let chunkSizes = ["1", "7", "4096", "1M"]

    /// fill (mean with indicator, median, constant) + scale (zscore, robust, minmax) + onehot
    /// (infrequent grouping, missing as a category).
    static let spec = """
        {
          "prepline": 1,
          "stages": [
            { "stage": "fill", "columns": ["age"], "strategy": "mean", "indicator": true },
            { "stage": "fill", "columns": ["income"], "strategy": "mean" },
            { "stage": "fill", "columns": ["score"], "strategy": "median" },
            { "stage": "fill", "columns": ["city"], "strategy": "constant", "value": "unknown" },
            { "stage": "scale", "columns": ["age", "income"], "method": "zscore" },
            { "stage": "scale", "columns": ["score"], "method": "robust", "quantile_range": [10, 90] },
            { "stage": "scale", "columns": ["id"], "method": "minmax", "range": [-1, 1] },
            { "stage": "onehot", "columns": ["city"], "min_frequency": 0.02, "handle_unknown": "infrequent" },
            { "stage": "onehot", "columns": ["device"] }
          ]
        }
        """

    /// Nothing to fit: the output must be byte-identical for every chunk size too.
    static let fittedSpec = """
        {
          "prepline": 1,
          "stages": [
            { "stage": "fill", "columns": ["city", "device"], "strategy": "constant", "value": "none", "indicator": true },
            { "stage": "onehot", "columns": ["device"], "categories": { "device": ["tablet", "phone", "desktop", "none"] } }
          ]
        }
        """

    static func workspace() throws -> TempDir {
        let tmp = try TempDir()
        try tmp.write("spec.json", spec)
        try tmp.write("fitted-by-hand.json", fittedSpec)
        try tmp.write("in.csv", table.bytes)
        return tmp
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b)) || abs(a - b) <= 1e-15
    }

    /// Two CSV outputs with the same header and rows, cells equal as text or as numbers within 1e-12
    /// (relative, or absolute below 1).
    static func expectSameNumbers(_ a: [UInt8], _ b: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let x = CSVRecords.table(a), y = CSVRecords.table(b)
        #expect(x.count == y.count, "\(label): \(x.count) vs \(y.count) records", sourceLocation: sourceLocation)
        guard x.count == y.count, let header = x.first else { return }
        #expect(x[0] == y[0], "\(label): headers differ", sourceLocation: sourceLocation)
        var mismatches: [String] = []
        for r in 1..<x.count {
            guard x[r].count == y[r].count else { mismatches.append("record \(r): width"); continue }
            for c in x[r].indices where x[r][c] != y[r][c] {
                // Output cells: 1e-12 relative, or 1e-12 absolute for the scaled values of order 1
                // (a z-score near 0 inherits the mean's rounding: |x - mean| / scale loses all
                // relative precision as x approaches the mean).
                if let u = Double(x[r][c]), let v = Double(y[r][c]), abs(u - v) <= 1e-12 * max(abs(u), abs(v), 1) { continue }
                mismatches.append("record \(r) \(header[c]): \(x[r][c]) vs \(y[r][c])")
            }
        }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.count) cells differ beyond 1e-12: \(mismatches.prefix(5))",
                sourceLocation: sourceLocation)
    }

    /// Every number in two fitted specs agrees within 1e-12 relative; everything else is equal.
    static func compareJSON(_ a: Any, _ b: Any, path: String, into mismatches: inout [String]) {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            if Set(x.keys) != Set(y.keys) { mismatches.append("\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())"); return }
            for key in x.keys.sorted() { compareJSON(x[key]!, y[key]!, path: "\(path).\(key)", into: &mismatches) }
        case let (x as [Any], y as [Any]):
            if x.count != y.count { mismatches.append("\(path): \(x.count) vs \(y.count) items"); return }
            for i in x.indices { compareJSON(x[i], y[i], path: "\(path)[\(i)]", into: &mismatches) }
        case let (x as String, y as String):
            if x != y { mismatches.append("\(path): \(x) vs \(y)") }
        case let (x as NSNumber, y as NSNumber):
            if !close(x.doubleValue, y.doubleValue) { mismatches.append("\(path): \(x) vs \(y)") }
        case (is NSNull, is NSNull):
            break
        default:
            mismatches.append("\(path): \(a) vs \(b)")
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "not a JSON object")
    }

    static func fitted(_ spec: [String: Any], stage: Int, column: String) -> [String: Any]? {
        let stages = spec["stages"] as? [[String: Any]]
        return (stages?[stage]["fitted"] as? [String: Any])?[column] as? [String: Any]
    }

    @Test("run: byte-identical output for --threads 1...4, for each chunk size", arguments: chunkSizes)
    func runAcrossThreads(chunkSize: String) throws {
        let tmp = try Self.workspace()
        var reference: [UInt8]? = nil
        for threads in 1...4 {
            let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", chunkSize], cwd: tmp.path)
            #expect(result.status == 0 && result.stderr.isEmpty, "threads \(threads), chunk \(chunkSize): \(result)")
            #expect(CSVRecords.table(result.stdout).count == 3_001, "threads \(threads), chunk \(chunkSize)")
            if let reference { expectSameBytes(result.stdout, reference, "threads \(threads) vs 1, chunk \(chunkSize)") } else { reference = result.stdout }
        }
    }

    @Test("run: output agrees within 1e-12 across chunk sizes; byte-identical when nothing is fitted")
    func runAcrossChunkSizes() throws {
        let tmp = try Self.workspace()
        var outputs: [String: [UInt8]] = [:]
        var unfittedOutputs: [String: [UInt8]] = [:]
        for size in Self.chunkSizes {
            let result = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "3", "--chunk-size", size], cwd: tmp.path)
            #expect(result.status == 0, "chunk \(size): \(result)")
            outputs[size] = result.stdout
            let plain = try prepline(["run", "fitted-by-hand.json", "in.csv", "-q", "--threads", "3", "--chunk-size", size], cwd: tmp.path)
            #expect(plain.status == 0, "chunk \(size): \(plain)")
            unfittedOutputs[size] = plain.stdout
        }
        for size in Self.chunkSizes.dropLast() {
            Self.expectSameNumbers(outputs[size]!, outputs["1M"]!, "chunk \(size) vs 1M")
            expectSameBytes(unfittedOutputs[size]!, unfittedOutputs["1M"]!, "nothing to fit: chunk \(size) vs 1M")
        }
        // The nothing-to-fit spec did its work: indicators after city and device, device expanded in the given order.
        let header = CSVRecords.table(unfittedOutputs["1M"]!).first ?? []
        #expect(header == ["id", "age", "income", "score", "city", "city_missing", "device_tablet", "device_phone", "device_desktop",
                           "device_none", "device_missing", "note"], "\(header)")
    }

    @Test("fit: every fitted number agrees within 1e-12 across chunk sizes, and is byte-identical across threads")
    func fitAcrossChunkSizesAndThreads() throws {
        let tmp = try Self.workspace()
        var specs: [String: [UInt8]] = [:]
        for size in Self.chunkSizes {
            var reference: [UInt8]? = nil
            for threads in [1, 2, 4] {
                let result = try prepline(["fit", "spec.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", size], cwd: tmp.path)
                #expect(result.status == 0 && result.stderr.isEmpty, "chunk \(size), threads \(threads): \(result)")
                if let reference { expectSameBytes(result.stdout, reference, "fit, chunk \(size): threads \(threads) vs 1") } else { reference = result.stdout }
            }
            specs[size] = reference
        }
        let whole = try Self.parse(specs["1M"]!)
        for size in Self.chunkSizes.dropLast() {
            var mismatches: [String] = []
            Self.compareJSON(try Self.parse(specs[size]!), whole, path: "$", into: &mismatches)
            #expect(mismatches.isEmpty, "chunk \(size) vs 1M: \(mismatches.prefix(5))")
        }
    }

    @Test("fit learns the statistics computed here from the generated values")
    func fitMatchesIndependentStatistics() throws {
        let tmp = try Self.workspace()
        let result = try prepline(["fit", "spec.json", "in.csv", "-q", "--chunk-size", "7", "--threads", "4"], cwd: tmp.path)
        try #require(result.status == 0, "\(result)")
        let spec = try Self.parse(result.stdout)
        let ages = Self.table.ages.compactMap { $0 }
        let ageMean = ages.reduce(0, +) / Double(ages.count)
        let learnedAge = try #require(Self.fitted(spec, stage: 0, column: "age")?["value"] as? NSNumber)
        #expect(Self.close(learnedAge.doubleValue, ageMean), "fill mean of age: \(learnedAge) vs \(ageMean)")
        // The scaler sees the filled column: the same mean, and a variance shrunk by the filled values.
        let n = Double(Self.table.ages.count)
        let variance = ages.reduce(0) { $0 + ($1 - ageMean) * ($1 - ageMean) } / n
        let zscore = try #require(Self.fitted(spec, stage: 4, column: "age"))
        #expect(Self.close((zscore["mean"] as? NSNumber)?.doubleValue ?? .nan, ageMean), "\(zscore)")
        #expect(Self.close((zscore["scale"] as? NSNumber)?.doubleValue ?? .nan, variance.squareRoot()), "\(zscore) vs \(variance.squareRoot())")
        // minmax of id 1...3000 onto [-1, 1].
        let minmax = try #require(Self.fitted(spec, stage: 6, column: "id"))
        #expect((minmax["scale"] as? NSNumber)?.doubleValue == 2.0 / 2999.0, "\(minmax)")
        // Categories: code-point order, the missing value (null) last; the fill made city complete.
        let device = try #require(Self.fitted(spec, stage: 8, column: "device")?["categories"] as? [Any])
        #expect(device.compactMap { $0 as? String } == ["desktop", "phone", "tablet"] && device.count == 4 && device[3] is NSNull, "\(device)")
        let city = try #require(Self.fitted(spec, stage: 7, column: "city"))
        let categories = try #require(city["categories"] as? [String])
        let expected = (Set(Self.table.cities.compactMap { $0 }).union(["unknown"])).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(categories == expected, "\(categories)")
        var counts: [String: Int] = [:]
        for c in Self.table.cities { counts[c ?? "unknown", default: 0] += 1 }
        let rare = expected.filter { Double(counts[$0]!) < 0.02 * 3_000 }
        #expect(!rare.isEmpty, "the data should have rare cities")
        #expect((city["infrequent"] as? [String] ?? []) == rare, "\(city)")
    }

    @Test("fit then apply gives exactly run's bytes (apply on a file and on stdin, any chunk size and threads)", arguments: ["7", "1M"])
    func fitThenApplyEqualsRun(chunkSize: String) throws {
        let tmp = try Self.workspace()
        let run = try prepline(["run", "spec.json", "in.csv", "-q", "--threads", "2", "--chunk-size", chunkSize], cwd: tmp.path)
        #expect(run.status == 0, "\(run)")
        let fit = try prepline(["fit", "spec.json", "in.csv", "-q", "--threads", "2", "--chunk-size", chunkSize, "-o", "fitted.json"], cwd: tmp.path)
        #expect(fit.status == 0 && fit.stdout.isEmpty, "\(fit)")
        for (threads, size) in [(1, "1M"), (4, "4096"), (3, "1")] {
            let apply = try prepline(["apply", "fitted.json", "in.csv", "-q", "--threads", "\(threads)", "--chunk-size", size], cwd: tmp.path)
            #expect(apply.status == 0, "\(apply)")
            expectSameBytes(apply.stdout, run.stdout, "apply (threads \(threads), chunk \(size)) vs run (chunk \(chunkSize))")
        }
        let piped = try prepline(["apply", "fitted.json", "-q"], stdin: .pipe(Self.table.bytes), cwd: tmp.path)
        #expect(piped.status == 0, "\(piped)")
        expectSameBytes(piped.stdout, run.stdout, "apply from stdin vs run")
        // Fitting a fitted spec again on the same data gives the same fitted spec (whether `fit`
        // refits or keeps the frozen parameters). Today the frozen scale stages lose their
        // details (var, data_min, data_max, max_abs) on the way through.
        let refit = try prepline(["fit", "fitted.json", "in.csv", "-q", "--chunk-size", "1"], cwd: tmp.path)
        #expect(refit.status == 0, "\(refit)")
        var mismatches: [String] = []
        Self.compareJSON(try Self.parse(refit.stdout), try Self.parse(try tmp.read("fitted.json")), path: "$", into: &mismatches)
        #expect(mismatches.isEmpty, "fit of a fitted spec: \(mismatches.prefix(5))")
    }

    @Test("run on stdin (spooled for the fit pass) gives the file's bytes and leaves no spool file", arguments: ["7", "1M"])
    func stdinEqualsFile(chunkSize: String) throws {
        let tmp = try Self.workspace()
        let spoolDirectory = try TempDir("prepline-spool")
        let file = try prepline(["run", "spec.json", "in.csv", "-q", "--chunk-size", chunkSize], cwd: tmp.path)
        let piped = try prepline(["run", "spec.json", "-q", "--chunk-size", chunkSize], stdin: .pipe(Self.table.bytes),
                                 environment: ["TMPDIR": spoolDirectory.path], cwd: tmp.path)
        #expect(file.status == 0 && piped.status == 0, "\(file)\n\(piped)")
        expectSameBytes(piped.stdout, file.stdout, "stdin vs file, chunk \(chunkSize)")
        let left = try spoolDirectory.listing()
        #expect(left.isEmpty, "left in TMPDIR: \(left)")
    }

    @Test("several inputs are one dataset: fit on two halves agrees with fit on the whole")
    func twoInputsAreOneDataset() throws {
        let tmp = try Self.workspace()
        let (first, second) = Self.table.halves(at: 1_234)
        try tmp.write("a.csv", first)
        try tmp.write("b.csv", second)
        let whole = try prepline(["fit", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        let split = try prepline(["fit", "spec.json", "a.csv", "b.csv", "-q", "--threads", "3"], cwd: tmp.path)
        #expect(whole.status == 0 && split.status == 0, "\(whole)\n\(split)")
        var mismatches: [String] = []
        Self.compareJSON(try Self.parse(split.stdout), try Self.parse(whole.stdout), path: "$", into: &mismatches)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let runSplit = try prepline(["run", "spec.json", "a.csv", "b.csv", "-q"], cwd: tmp.path)
        let runWhole = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(runSplit.status == 0 && runWhole.status == 0)
        Self.expectSameNumbers(runSplit.stdout, runWhole.stdout, "run on two halves vs the whole")
    }
}
