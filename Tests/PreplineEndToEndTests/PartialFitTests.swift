import Foundation
import PreplineTestSupport
import Testing

/// `fit --partial` per partition and `merge` (DESIGN E2): the fitted spec is the one `fit` writes
/// for the whole input, byte for byte (the training time fixed by SOURCE_DATE_EPOCH), for every
/// example pipeline on its sample split into 1…7 partitions at record boundaries, for ffill across
/// partitions, near-constant columns with a large offset, exact medians and percentiles, and
/// specs that need a second fit pass.
@Suite("partial fits and merge")
struct PartialFitTests {
    static let environment = ["SOURCE_DATE_EPOCH": "1700000000"]

    /// The records of a CSV, each with its terminator (LF, CRLF or CR outside quotes); a quote
    /// opens a quoted field only at the start of a field, as RFC 4180 and prepline read it.
    static func records(_ bytes: [UInt8], quote: UInt8, delimiter: UInt8) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var start = 0, i = 0, quoted = false, fieldStart = true
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { i += 1 } else { quoted = false }
                }
            } else if byte == quote && fieldStart {
                quoted = true
            } else if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                records.append(Array(bytes[start...i]))
                start = i + 1
                fieldStart = true
                i += 1
                continue
            }
            fieldStart = !quoted && byte == delimiter
            i += 1
        }
        if start < bytes.count { records.append(Array(bytes[start...]) + [0x0A]) }
        return records
    }

    /// `bytes` cut into `count` partitions of consecutive records; the header (when `header`)
    /// starts each one, or only the first with `headerInFirstOnly`.
    static func partitions(_ bytes: [UInt8], count: Int, header: Bool, quote: UInt8 = 0x22, delimiter: UInt8 = 0x2C,
                           headerInFirstOnly: Bool = false) -> [[UInt8]] {
        var records = records(bytes, quote: quote, delimiter: delimiter)
        let head = header ? records.removeFirst() : []
        return (0..<count).map { p in
            let range = (records.count * p / count)..<(records.count * (p + 1) / count)
            return (p == 0 || !headerInFirstOnly ? head : []) + records[range].flatMap { $0 }
        }
    }

    /// Fits each partition file with `fit --partial`, merges, and runs the next round on the pass
    /// state while merge writes one. Returns merge's last result and the rounds it took.
    static func partitionedFit(spec: String, partitionFiles: [String], dir: TempDir, tag: String,
                               fitArguments: [String] = []) throws -> (result: RunResult, rounds: Int) {
        var passState: [String] = []
        for round in 1...4 {
            var parts: [String] = []
            for (i, file) in partitionFiles.enumerated() {
                let part = dir.file("\(tag).round\(round).\(i).part")
                let fit = try prepline(["fit", spec, file, "--partial", "-o", part, "-q"] + passState + fitArguments, environment: environment)
                #expect(fit.status == 0, "fit --partial \(file): \(fit.stderr)")
                parts.append(part)
            }
            let merged = try prepline(["merge"] + parts + ["-q"], environment: environment)
            guard merged.status == 0, merged.stderr.contains("wrote a pass state") else { return (merged, round) }
            let state = try dir.write("\(tag).state\(round)", merged.stdout)
            passState = ["--pass-state", state]
        }
        Issue.record("more than 4 rounds")
        return (try prepline(["merge"], environment: environment), 5)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var spec: String
        var sample: String
        var testDescription: String { "\(spec) on \(sample)" }
    }

    static let cases: [Case] = {
        var seen = Set<String>()
        return PipelineExamples.rows.compactMap { row in
            seen.insert(row.spec + row.sample).inserted ? Case(spec: row.spec, sample: row.sample) : nil
        }
    }()

    @Test("every example pipeline, its sample in 1, 3 and 7 partitions: merge writes fit's fitted spec, and apply of it run's output", arguments: cases)
    func examplesMergeToTheSingleFit(example: Case) throws {
        let dir = try TempDir("prepline-partial")
        let spec = E2E.packageRoot.appendingPathComponent("pipelines/\(example.spec)").path
        let sample = E2E.packageRoot.appendingPathComponent("samples/\(example.sample)").path
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spec))) as? [String: Any]
        let input = json?["input"] as? [String: Any]
        let header = input?["header"] as? Bool ?? true
        let quote = (input?["quote"] as? String).flatMap { $0.utf8.first } ?? 0x22
        let delimiter = (input?["delimiter"] as? String).flatMap { $0.utf8.first } ?? 0x2C
        let single = try prepline(["fit", spec, sample, "-q"], environment: Self.environment)
        #expect(single.status == 0, "\(single.stderr)")
        let run = try prepline(["run", spec, sample, "-q"])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample)))
        for count in [1, 3, 7] {
            let files = try Self.partitions(bytes, count: count, header: header, quote: quote, delimiter: delimiter).enumerated().map { i, part in
                try dir.write("p\(count).\(i).csv", part)
            }
            let (merged, _) = try Self.partitionedFit(spec: spec, partitionFiles: files, dir: dir, tag: "k\(count)")
            #expect(merged.status == 0, "\(count) partitions: \(merged.stderr)")
            expectSameBytes(merged.stdout, single.stdout, "\(example.spec) in \(count) partitions")
            // The rejects file of on_error "reject" is per run: its apply is not split here.
            guard count > 1, !example.spec.contains("reject") else { continue }
            let fitted = try dir.write("fitted\(count).json", merged.stdout)
            var concatenated: [UInt8] = []
            for (i, file) in files.enumerated() {
                let list = try dir.write("list\(count).\(i)", "\(file)\n")
                let applied = try prepline(["apply", fitted, "--input-list", list, "-q"] + (i > 0 ? ["--no-output-header"] : []))
                #expect(applied.status == 0, "apply \(file): \(applied.stderr)")
                concatenated += applied.stdout
            }
            expectSameBytes(concatenated, run.stdout, "apply per partition of \(count), concatenated")
        }
    }

    @Test("the line-split shape: a header only in the first partition, read through stdin with input.header \"if-present\" and input.columns; apply's concatenated output is run's")
    func lineSplitPartitions() throws {
        let dir = try TempDir("prepline-partial-lines")
        let original = E2E.packageRoot.appendingPathComponent("pipelines/penguins-features.json").path
        let sample = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample)))
        let names = String(decoding: Self.records(bytes, quote: 0x22, delimiter: 0x2C)[0].dropLast(), as: UTF8.self).split(separator: ",").map { "\"\($0)\"" }
        var specText = String(decoding: try [UInt8](Data(contentsOf: URL(fileURLWithPath: original))), as: UTF8.self)
        specText = specText.replacingOccurrences(of: "\"input\": {", with: "\"input\": {\"header\": \"if-present\", \"columns\": [\(names.joined(separator: ", "))],")
            .replacingOccurrences(of: "\"header\": true,", with: "")
        let spec = try dir.write("spec.json", specText)
        let run = try prepline(["run", original, sample, "-q"])
        for count in [2, 4] {
            let partitions = Self.partitions(bytes, count: count, header: true, headerInFirstOnly: true)
            var parts: [UInt8] = []
            for partition in partitions {
                let part = try prepline(["fit", spec, "--partial", "-o", "-", "-q"], stdin: .pipe(partition))
                #expect(part.status == 0, "\(part.stderr)")
                parts += part.stdout
            }
            let merged = try prepline(["merge", "-", "-q"], stdin: .pipe(parts))
            #expect(merged.status == 0, "\(merged.stderr)")
            let fitted = try dir.write("fitted\(count).json", merged.stdout)
            var concatenated: [UInt8] = []
            for (i, partition) in partitions.enumerated() {
                let applied = try prepline(["apply", fitted, "-q"] + (i > 0 ? ["--no-output-header"] : []), stdin: .pipe(partition))
                #expect(applied.status == 0, "\(applied.stderr)")
                concatenated += applied.stdout
            }
            expectSameBytes(concatenated, run.stdout, "\(count) line-split partitions")
        }
    }

    @Test("input.header and input.columns: decoder errors with their JSON path, and the JSON Schema knows them")
    func headerIfPresentSpecErrors() throws {
        let dir = try TempDir("prepline-partial-spec")
        for (input, message) in [
            (#"{"header": "maybe"}"#, #"input.header: expected true, false or "if-present""#),
            (#"{"header": "if-present"}"#, #"input.header: "if-present" needs input.columns"#),
            (#"{"header": false, "columns": ["a", "a"]}"#, "input.columns[1]: 'a' is also input.columns[0]"),
            (#"{"columns": ["a"]}"#, "input.columns: names the columns of an input without a header"),
        ] {
            let spec = try dir.write("spec.json", #"{"prepline": 1, "input": \#(input), "stages": []}"#)
            let result = try prepline(["explain", spec])
            #expect(result.status == 2 && result.stderr.contains(message), "\(input): \(result.stderr)")
        }
        let schema = try prepline(["schema"])
        #expect(schema.stdoutText.contains("if-present") && schema.stdoutText.contains("\"columns\""))
    }

    /// A column of runs of missing values that cross partition boundaries (the data starts
    /// missing, one partition is missing throughout), ffilled then z-scored and one-hot encoded,
    /// and a near-constant column with a large offset, median-filled and robust-scaled.
    static func generated(rows: Int, seed: UInt64, offsets: Int = 2001) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var text = "id,level,city,offset\n"
        for r in 0..<rows {
            let missingRun = r < 5 || (r / 17) % 3 == 1
            let level = missingRun ? "" : String(Double(Int(rng.next() % 1000)) / 8)
            let city = missingRun && r % 2 == 0 ? "" : ["Oslo", "Zürich", "Lyon"][Int(rng.next() % 3)]
            let offset = rng.next() % 9 == 0 ? "NA" : String(1e10 + Double(Int(rng.next() % UInt64(offsets)) - offsets / 2) * 1e-3)
            text += "\(r),\(level),\(city),\(offset)\n"
        }
        return Array(text.utf8)
    }

    static let ffillSpec = """
        {"prepline": 1, "input": {"missing": ["", "NA"]}, "stages": [
          {"stage": "fill", "columns": ["level", "city"], "strategy": "ffill", "value": "0"},
          {"stage": "scale", "columns": ["level"], "method": "zscore"},
          {"stage": "onehot", "columns": ["city"]},
          {"stage": "fill", "columns": ["offset"], "strategy": "median"},
          {"stage": "scale", "columns": ["offset"], "method": "robust", "quantile_range": [10, 90]}
        ]}
        """

    @Test("ffill's carry across partitions, exact medians and percentiles, a large offset: 1…7 partitions merge to the single fit", arguments: [1, 2, 3, 4, 5, 6, 7])
    func ffillAndQuantilesAcrossPartitions(count: Int) throws {
        let dir = try TempDir("prepline-partial-ffill")
        let spec = try dir.write("spec.json", Self.ffillSpec)
        let data = Self.generated(rows: 400, seed: 18)
        let whole = try dir.write("whole.csv", data)
        let single = try prepline(["fit", spec, whole, "-q"], environment: Self.environment)
        #expect(single.status == 0, "\(single.stderr)")
        let files = try Self.partitions(data, count: count, header: true).enumerated().map { try dir.write("p\($0).csv", $1) }
        let (merged, rounds) = try Self.partitionedFit(spec: spec, partitionFiles: files, dir: dir, tag: "ffill")
        #expect(rounds == 1)
        expectSameBytes(merged.stdout, single.stdout, "\(count) partitions")
    }

    @Test("merging is associative: merge(merge(a,b),c), merge(a,merge(b,c)) and merge(a,b,c) write one fitted spec")
    func mergeIsAssociative() throws {
        let dir = try TempDir("prepline-partial-assoc")
        let spec = try dir.write("spec.json", Self.ffillSpec)
        let files = try Self.partitions(Self.generated(rows: 300, seed: 7), count: 3, header: true).enumerated().map { try dir.write("p\($0).csv", $1) }
        let parts = try files.enumerated().map { i, file -> String in
            let part = dir.file("\(i).part")
            let fit = try prepline(["fit", spec, file, "--partial", "-o", part, "-q"])
            #expect(fit.status == 0, "\(fit.stderr)")
            return part
        }
        let ab = dir.file("ab.part"), bc = dir.file("bc.part")
        #expect(try prepline(["merge", "--partial", parts[0], parts[1], "-o", ab, "-q"]).status == 0)
        #expect(try prepline(["merge", "--partial", parts[1], parts[2], "-o", bc, "-q"]).status == 0)
        let left = try prepline(["merge", ab, parts[2], "-q"], environment: Self.environment)
        let right = try prepline(["merge", parts[0], bc, "-q"], environment: Self.environment)
        let flat = try prepline(["merge"] + parts + ["-q"], environment: Self.environment)
        #expect(flat.status == 0, "\(flat.stderr)")
        expectSameBytes(left.stdout, flat.stdout, "merge(merge(a,b),c)")
        expectSameBytes(right.stdout, flat.stdout, "merge(a,merge(b,c))")
        let partOfParts = try prepline(["merge", "--partial", ab, parts[2], "-q"])
        #expect(partOfParts.stdout.filter { $0 == 0x0A }.count == 1, "a merged part is one line")
    }

    @Test("parts of another spec or another header are refused with exit 2, naming both")
    func mismatchedPartsAreRefused() throws {
        let dir = try TempDir("prepline-partial-refuse")
        let spec = try dir.write("spec.json", Self.ffillSpec)
        let other = try dir.write("other.json", Self.ffillSpec.replacingOccurrences(of: "[10, 90]", with: "[25, 75]"))
        let data = try dir.write("a.csv", Self.generated(rows: 50, seed: 1))
        let renamed = try dir.write("b.csv", String(decoding: Self.generated(rows: 50, seed: 2), as: UTF8.self).replacingOccurrences(of: "id,level", with: "key,level"))
        let a = dir.file("a.part"), b = dir.file("b.part"), c = dir.file("c.part")
        #expect(try prepline(["fit", spec, data, "--partial", "-o", a, "-q"]).status == 0)
        #expect(try prepline(["fit", other, data, "--partial", "-o", b, "-q"]).status == 0)
        #expect(try prepline(["fit", spec, renamed, "--partial", "-o", c, "-q"]).status == 0)
        let otherSpec = try prepline(["merge", a, b])
        #expect(otherSpec.status == 2)
        #expect(otherSpec.stderr.contains(a) && otherSpec.stderr.contains(b) && otherSpec.stderr.contains("another spec"), "\(otherSpec.stderr)")
        let otherHeader = try prepline(["merge", a, c])
        #expect(otherHeader.status == 2)
        #expect(otherHeader.stderr.contains(a) && otherHeader.stderr.contains(c) && otherHeader.stderr.contains("'key'"), "\(otherHeader.stderr)")
        let notAPart = try prepline(["merge", data])
        #expect(notAPart.status == 2 && notAPart.stderr.contains("not a prepline part"), "\(notAPart.stderr)")
    }

    @Test("merge - reads parts one a line, as a Hadoop Streaming reducer gets them (a key and a tab before, or a tab after)")
    func mergeReadsPartsFromStdin() throws {
        let dir = try TempDir("prepline-partial-stdin")
        let spec = try dir.write("spec.json", Self.ffillSpec)
        let data = Self.generated(rows: 200, seed: 3)
        let whole = try dir.write("whole.csv", data)
        let single = try prepline(["fit", spec, whole, "-q"], environment: Self.environment)
        var lines: [UInt8] = []
        for (i, partition) in Self.partitions(data, count: 3, header: true).enumerated() {
            let file = try dir.write("p\(i).csv", partition)
            let part = try prepline(["fit", spec, file, "--partial", "-o", "-", "-q"])
            #expect(part.status == 0 && part.stdout.filter { $0 == 0x0A }.count == 1, "one line: \(part.stderr)")
            let line = part.stdout.dropLast()
            lines += i == 1 ? Array("00001\t".utf8) + line + [0x0A] : line + Array("\t\n".utf8)
        }
        let merged = try prepline(["merge", "-", "-q"], stdin: .pipe(lines), environment: Self.environment)
        #expect(merged.status == 0, "\(merged.stderr)")
        expectSameBytes(merged.stdout, single.stdout, "merge -")
    }

    @Test("a spec that needs a second fit pass: merge writes a pass state and says so, the second round merges to fit's fitted spec; explain counts the rounds")
    func twoPassSpec() throws {
        let dir = try TempDir("prepline-partial-2pass")
        let spec = try dir.write("spec.json", FitPassesTests.spec)
        let penguins = FitPassesTests.penguins
        let single = try prepline(["fit", spec, penguins, "-q"], environment: Self.environment)
        let files = try Self.partitions(try [UInt8](Data(contentsOf: URL(fileURLWithPath: penguins))), count: 4, header: true)
            .enumerated().map { try dir.write("p\($0).csv", $1) }
        let first = try files.enumerated().map { i, file -> String in
            let part = dir.file("\(i).part")
            let fit = try prepline(["fit", spec, file, "--partial", "-o", part, "-q"])
            #expect(fit.status == 0, "\(fit.stderr)")
            return part
        }
        let state = try prepline(["merge"] + first + ["-o", dir.file("state")])
        let stateBytes = try dir.read("state")
        #expect(stateBytes.starts(with: Array("{\"prepline_pass_state\":2".utf8)))
        #expect(state.status == 0, "\(state.stderr)")
        #expect(state.stderr.contains("waits for pass 2") && state.stderr.contains("--pass-state"), "\(state.stderr)")
        let wrongRound = try prepline(["merge", first[0], dir.file("state")])
        #expect(wrongRound.status == 2 && wrongRound.stderr.contains("pass state"), "\(wrongRound.stderr)")
        let (merged, rounds) = try Self.partitionedFit(spec: spec, partitionFiles: files, dir: dir, tag: "two")
        #expect(rounds == 2)
        expectSameBytes(merged.stdout, single.stdout, "2 rounds")
        let explain = try prepline(["explain", spec])
        #expect(explain.stdoutText.contains("partitions: 2 or more rounds"), "\(explain.stdoutText)")
    }

    @Test("--input-list reads the inputs one a line, blank lines ignored; an empty list is an empty partition, which merges as nothing")
    func inputList() throws {
        let dir = try TempDir("prepline-partial-list")
        let spec = try dir.write("spec.json", Self.ffillSpec)
        let data = Self.generated(rows: 120, seed: 5)
        let whole = try dir.write("whole.csv", data)
        let single = try prepline(["fit", spec, whole, "-q"], environment: Self.environment)
        let files = try Self.partitions(data, count: 4, header: true).enumerated().map { try dir.write("p\($0).csv", $1) }
        let list = try dir.write("list", "\(files[0])\n\n\(files[1])\r\n")
        let fromFile = try prepline(["fit", spec, "--input-list", list, "--partial", "-o", dir.file("a.part"), "-q"])
        let fromStdin = try prepline(["fit", spec, "--input-list", "-", "--partial", "-o", dir.file("b.part"), "-q"], stdin: .pipe(Array("\(files[2])\n\(files[3])\n".utf8)))
        let empty = try prepline(["fit", spec, "--input-list", "-", "--partial", "-o", dir.file("e.part"), "-q"], stdin: .pipe(Array("\n".utf8)))
        #expect(fromFile.status == 0 && fromStdin.status == 0 && empty.status == 0, "\(fromFile.stderr)\(fromStdin.stderr)\(empty.stderr)")
        let merged = try prepline(["merge", dir.file("e.part"), dir.file("a.part"), dir.file("e.part"), dir.file("b.part"), "-q"], environment: Self.environment)
        #expect(merged.status == 0, "\(merged.stderr)")
        expectSameBytes(merged.stdout, single.stdout, "--input-list")
    }

    @Test("a part's size does not grow with rows: 2,000 and 20,000 rows of the same distinct values")
    func partSizeDoesNotGrowWithRows() throws {
        let dir = try TempDir("prepline-partial-size")
        let spec = try dir.write("spec.json", """
            {"prepline": 1, "stages": [
              {"stage": "fill", "columns": ["level"], "strategy": "mean"},
              {"stage": "scale", "columns": ["level"], "method": "zscore"},
              {"stage": "onehot", "columns": ["city"]},
              {"stage": "scale", "columns": ["offset"], "method": "robust"}
            ]}
            """)
        var sizes: [Int] = []
        for rows in [2_000, 20_000] {
            let file = try dir.write("\(rows).csv", Self.generated(rows: rows, seed: 11, offsets: 101))
            let part = try prepline(["fit", spec, file, "--partial", "-o", "-", "-q"])
            #expect(part.status == 0, "\(part.stderr)")
            sizes.append(part.stdout.count)
        }
        // Only the digits of the counts grow: the offset column has 101 distinct values in both.
        #expect(sizes[1] < sizes[0] + sizes[0] / 5, "\(sizes)")
    }
}
