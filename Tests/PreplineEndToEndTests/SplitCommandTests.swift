import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PreplineCore
import PreplineTestSupport
import Testing

/// `prepline split` through the binary: the parts are the input record for record (bytes as
/// read, input order, one header each) in every mode, whatever the threads and chunk size;
/// gzip, stdin, quoted newlines, CRLF; `--by-key` stable across runs and partitions; errors.
@Suite("split end to end")
struct SplitCommandTests {
    // MARK: - an independent record reader

    /// The records of CSV bytes as the test reads them (not prepline's chunker): a quote opens a
    /// quoted field only at a field's start, a doubled quote stays inside, LF, CRLF and CR end a
    /// record outside quotes, blank lines are no records. Each record keeps its own line end; a
    /// last record without one gets LF, as `split` writes it.
    static func records(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        while i < bytes.count {
            if bytes[i] == lf || bytes[i] == cr { i += 1; continue }
            let start = i
            var fieldStart = true, quoted = false
            while i < bytes.count {
                let b = bytes[i]
                if quoted {
                    if b == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { i += 2; continue }
                        quoted = false
                    }
                    i += 1
                    continue
                }
                if b == lf || b == cr { break }
                if b == quote && fieldStart { quoted = true }
                fieldStart = b == comma
                i += 1
            }
            var record = Array(bytes[start..<i])
            if i == bytes.count {
                record.append(lf)
            } else if bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf {
                record += [cr, lf]; i += 2
            } else {
                record.append(bytes[i]); i += 1
            }
            out.append(record)
        }
        return out
    }

    /// Checks that `parts` (each with the input's header) hold the input's data records in input
    /// order, each exactly once, byte for byte; returns each input row's part.
    static func partition(input: [UInt8], parts: [[UInt8]], header: Bool = true,
                          sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        var inputRecords = records(input)
        var partRecords = parts.map(records)
        if header {
            let head = inputRecords.removeFirst()
            for p in partRecords.indices {
                #expect(partRecords[p].first == head, "part \(p) must start with the input's header bytes", sourceLocation: sourceLocation)
                if !partRecords[p].isEmpty { partRecords[p].removeFirst() }
            }
        }
        var next = [Int](repeating: 0, count: parts.count)
        var assignment: [Int] = []
        for (row, record) in inputRecords.enumerated() {
            guard let p = partRecords.indices.first(where: { next[$0] < partRecords[$0].count && partRecords[$0][next[$0]] == record }) else {
                Issue.record("input row \(row) (\(visible(record))) is not the next record of any part", sourceLocation: sourceLocation)
                return assignment
            }
            next[p] += 1
            assignment.append(p)
        }
        for p in parts.indices {
            #expect(next[p] == partRecords[p].count, "part \(p) has \(partRecords[p].count - next[p]) records not in the input", sourceLocation: sourceLocation)
        }
        // Byte for byte: each part is exactly its header and its records, nothing else.
        for p in parts.indices {
            #expect(parts[p] == partRecords[p].flatMap { $0 } .prepending(header ? records(input).first! : []),
                    "part \(p) has bytes beyond its records", sourceLocation: sourceLocation)
        }
        return assignment
    }

    static let generated = GeneratedCSV(records: 400, seed: 16)

    /// 400 records with a class column that pandas reads without missing values (stratify
    /// refuses NaN, as scikit-learn does), and the same hard parts: quoted newlines, doubled
    /// quotes, CRLF, CR, blank lines, no final newline.
    static let classed: [UInt8] = {
        var rng = SplitMix64(seed: 77)
        var out = Array("id,class,note\r\n".utf8)
        for i in 0..<400 {
            let note = GeneratedCSV.pick(GeneratedCSV.notes, &rng)
            out += GeneratedCSV.encode([String(i), ["a", "a", "a", "b", "b", "c"][Int(rng.next() % 6)], note], rng: &rng)
            if i < 399 { out += Array(GeneratedCSV.pick(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"], &rng).utf8) }
        }
        return out
    }()

    /// The input a mode is tested on: `classed` for --stratify and --group, else `generated`.
    static func input(for mode: [String]) -> [UInt8] { mode.contains("--stratify") || mode.contains("--group") ? classed : generated.input }

    /// The four train/test modes on the generated input.
    static let trainTestModes: [[String]] = [
        ["--test-size", "0.25", "--seed", "3"],
        ["--test-size", "57", "--no-shuffle"],
        ["--test-size", "0.3", "--seed", "11", "--stratify", "class"],
        ["--by-key", "name", "--test-size", "0.3"],
    ]

    func splitTrainTest(_ mode: [String], input: [UInt8], extra: [String] = [], train: String = "train.csv", test: String = "test.csv",
                        in tmp: TempDir, sourceLocation: SourceLocation = #_sourceLocation) throws -> (train: [UInt8], test: [UInt8]) {
        try tmp.write("in.csv", input)
        let result = try prepline(["split", "in.csv"] + mode + ["--train", train, "--test", test] + extra, cwd: tmp.path, sourceLocation: sourceLocation)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        func read(_ name: String) throws -> [UInt8] {
            name.hasSuffix(".gz") ? try gunzip(file: tmp.file(name)).stdout : try tmp.read(name)
        }
        return (try read(train), try read(test))
    }

    // MARK: - the parts are the input

    @Test("train ∪ test is the input record for record: order, header bytes, quoted newlines, CRLF, CR, blank lines",
          arguments: trainTestModes)
    func partsAreTheInput(mode: [String]) throws {
        let tmp = try TempDir("prepline-split")
        let (train, test) = try splitTrainTest(mode, input: Self.input(for: mode), in: tmp)
        let assignment = Self.partition(input: Self.input(for: mode), parts: [train, test])
        #expect(assignment.count == 400)
        let testRows = assignment.filter { $0 == 1 }.count
        switch mode[1] {
        case "0.25": #expect(testRows == 100)  // ceil(0.25 × 400), as scikit-learn counts
        case "57": #expect(assignment == Array(repeating: 0, count: 343) + Array(repeating: 1, count: 57))
        case "0.3" where mode.contains("--stratify"): #expect(testRows == 120)
        default: #expect(testRows > 60 && testRows < 180)
        }
    }

    @Test("output bytes do not depend on --threads or --chunk-size", arguments: trainTestModes + [["--folds", "4", "--seed", "5"], ["--folds", "3"], ["--by-key", "note", "--folds", "5"],
                                                                                    ["--folds", "4", "--seed", "2", "--stratify", "class"], ["--folds", "3", "--group", "class"]])
    func deterministic(mode: [String]) throws {
        let tmp = try TempDir("prepline-split-determinism")
        try tmp.write("in.csv", Self.input(for: mode))
        var seen: [[UInt8]]?
        for (threads, chunk) in [("1", "1M"), ("2", "300"), ("3", "4K")] {
            let folds = mode.contains("--folds")
            let outputs = folds ? ["-o", "folds.csv"] : ["--train", "train.csv", "--test", "test.csv"]
            let result = try prepline(["split", "in.csv"] + mode + outputs + ["--threads", threads, "--chunk-size", chunk, "-q"], cwd: tmp.path)
            try #require(result.status == 0, "\(result)")
            let bytes = folds ? [try tmp.read("folds.csv")] : [try tmp.read("train.csv"), try tmp.read("test.csv")]
            if let seen { #expect(bytes == seen, "--threads \(threads) --chunk-size \(chunk) differs") } else { seen = bytes }
        }
    }

    @Test("gzip by name and stdin give the same parts as plain files")
    func gzipAndStdin() throws {
        let tmp = try TempDir("prepline-split-gzip")
        for mode in [Self.trainTestModes[0], Self.trainTestModes[3]] {
            let plain = try splitTrainTest(mode, input: Self.generated.input, in: tmp)
            let zipped = try splitTrainTest(mode, input: Self.generated.input, train: "tr.csv.gz", test: "te.csv", in: tmp)
            #expect(zipped.train == plain.train && zipped.test == plain.test)
            #expect(try tmp.read("tr.csv.gz").prefix(2) == [0x1F, 0x8B])
            let piped = try prepline(["split"] + mode + ["--train", "p-tr.csv", "--test", "p-te.csv.gz", "-q"],
                                     stdin: .pipe(try gzip(Self.generated.input, in: tmp)), cwd: tmp.path)
            try #require(piped.status == 0, "\(piped)")
            #expect(try tmp.read("p-tr.csv") == plain.train)
            #expect(try gunzip(file: tmp.file("p-te.csv.gz")).stdout == plain.test)
        }
        #expect(try tmp.listing().allSatisfy { !$0.contains(".prepline-") && !$0.hasPrefix("prepline-stdin-") })
    }

    @Test("several inputs are one dataset with one header; --no-header and --delimiter")
    func severalInputsAndDialect() throws {
        let tmp = try TempDir("prepline-split-inputs")
        let rows = (0..<90).map { "\($0);v\($0 % 7)\n" }
        try tmp.write("a.csv", "id;v\n" + rows[0..<40].joined())
        try tmp.write("b.csv", "id;v\n" + rows[40...].joined())
        try tmp.write("all.csv", "id;v\n" + rows.joined())
        let both = try prepline(["split", "a.csv", "b.csv", "--delimiter", ";", "--test-size", "0.2", "--seed", "1", "--train", "t1.csv", "--test", "s1.csv", "-q"], cwd: tmp.path)
        let one = try prepline(["split", "all.csv", "--delimiter", ";", "--test-size", "0.2", "--seed", "1", "--train", "t2.csv", "--test", "s2.csv", "-q"], cwd: tmp.path)
        #expect(both.status == 0 && one.status == 0, "\(both) \(one)")
        #expect(try tmp.read("t1.csv") == tmp.read("t2.csv") && tmp.read("s1.csv") == tmp.read("s2.csv"))
        try tmp.write("nohead.csv", rows.joined())
        let headless = try prepline(["split", "nohead.csv", "--no-header", "--delimiter", ";", "--folds", "3", "-o", "f.csv", "-q"], cwd: tmp.path)
        try #require(headless.status == 0, "\(headless)")
        let lines = String(decoding: try tmp.read("f.csv"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 90)
        #expect(lines.first == "0;v0;0" && lines.last == "89;v5;2")  // KFold(3) without shuffle: contiguous blocks
    }

    // MARK: - folds

    @Test("--folds appends the fold column to each record's bytes; --fold-column names it; stdout by default")
    func foldColumn() throws {
        let tmp = try TempDir("prepline-split-folds")
        try tmp.write("in.csv", Self.generated.input)
        for (arguments, name) in [(["--folds", "4", "--seed", "9"], "fold"), (["--folds", "3", "--fold-column", "cv split"], "cv split"),
                                  (["--by-key", "tag", "--folds", "6", "--seed", "12"], "fold")] {
            let result = try prepline(["split", "in.csv", "-q"] + arguments, cwd: tmp.path)
            try #require(result.status == 0, "\(result)")
            var out = Self.records(result.stdout)
            var input = Self.records(Self.generated.input)
            let head = input.removeFirst()
            let outHead = out.removeFirst()
            #expect(outHead == Array(head.dropLast(2)) + Array(",\(name)\r\n".utf8), "\(visible(outHead))")
            try #require(out.count == input.count)
            var folds: [Int] = []
            for (record, written) in zip(input, out) {
                let lineEnd = record.suffix(record.last == 0x0A && record.dropLast().last == 0x0D ? 2 : 1)
                let body = Array(record.dropLast(lineEnd.count))
                try #require(Array(written.prefix(body.count)) == body && written.suffix(lineEnd.count) == lineEnd, "\(visible(written))")
                let fold = String(decoding: written.dropFirst(body.count + 1).dropLast(lineEnd.count), as: UTF8.self)
                folds.append(try #require(Int(fold)))
            }
            let k = Int(arguments[arguments.firstIndex(of: "--folds")! + 1])!
            #expect(Set(folds).isSubset(of: Set(0..<k)))
            if arguments.contains("--by-key") {
                // fold = XXH64(seed, the key's unquoted bytes) mod k.
                let expected = Self.generated.records.map { Int(KeyHash.xxh64(Array($0[4].utf8), seed: 12) % UInt64(k)) }
                #expect(folds == expected)
            } else {
                #expect(Set(folds) == Set(0..<k))
            }
        }
        let clash = try prepline(["split", "in.csv", "--folds", "3", "--fold-column", "note"], cwd: tmp.path)
        #expect(clash.status == 2 && clash.stderr.contains("already has a column 'note'"), "\(clash)")
    }

    // MARK: - by key

    @Test("--by-key: each key in one part, the part XXH64's, the same across runs, seeds change it, partitions agree with the whole")
    func byKeyStability() throws {
        let tmp = try TempDir("prepline-split-bykey")
        let data = Self.generated
        let (train, test) = try splitTrainTest(["--by-key", "name", "--test-size", "0.4"], input: data.input, in: tmp)
        let assignment = Self.partition(input: data.input, parts: [train, test])
        let expected = data.records.map { KeyHash.isTest(hash: KeyHash.xxh64(Array($0[1].utf8), seed: 0), fraction: 0.4) ? 1 : 0 }
        #expect(assignment == expected)
        var partOfKey: [String: Int] = [:]
        for (record, part) in zip(data.records, assignment) {
            #expect(partOfKey[record[1], default: part] == part, "key \(record[1]) in two parts")
            partOfKey[record[1]] = part
        }
        let again = try splitTrainTest(["--by-key", "name", "--test-size", "0.4"], input: data.input, extra: ["--threads", "1", "--chunk-size", "500"], in: tmp)
        #expect(again.train == train && again.test == test)
        let seeded = try splitTrainTest(["--by-key", "name", "--test-size", "0.4", "--seed", "99"], input: data.input, in: tmp)
        #expect(seeded.test != test)

        // The file cut in three partitions, each with the header: the parts' results, in order,
        // are the whole file's.
        let header = Self.records(data.input)[0]
        let rows = Self.records(data.input).dropFirst()
        var trains: [UInt8] = header, tests: [UInt8] = header
        for (index, range) in [0..<130, 130..<131, 131..<400].enumerated() {
            let name = "part\(index).csv"
            try tmp.write(name, header + rows[(range.lowerBound + 1)..<(range.upperBound + 1)].flatMap { $0 })
            let result = try prepline(["split", name, "--by-key", "name", "--test-size", "0.4", "--train", "tr\(index).csv", "--test", "te\(index).csv", "-q"], cwd: tmp.path)
            try #require(result.status == 0, "\(result)")
            trains += try tmp.read("tr\(index).csv").dropFirst(header.count)
            tests += try tmp.read("te\(index).csv").dropFirst(header.count)
        }
        #expect(trains == train && tests == test)
    }

    // MARK: - errors and streams

    @Test("usage errors exit 2 with the reason, before anything is written", arguments: [
        (["--test-size", "0.2", "--seed", "1", "--train", "t.csv"], "needs both --train FILE and --test FILE"),
        (["--folds", "3", "--stratify", "tag", "--group", "name"], "--stratify and --group cannot be combined"),
        (["--test-size", "0.2", "--no-shuffle", "--seed", "1", "--train", "t.csv", "--test", "s.csv"], "--no-shuffle"),
        (["--test-size", "0.2", "--train", "t.csv", "--test", "s.csv"], "needs --seed"),
        (["--by-key", "name", "--test-size", "40", "--train", "t.csv", "--test", "s.csv"], "not a row count"),
        (["--by-key", "name", "--test-size", "1.5", "--train", "t.csv", "--test", "s.csv"], "(0, 1)"),
        (["--test-size", "0.2", "--seed", "1", "--stratify", "tga", "--train", "t.csv", "--test", "s.csv"], "unknown column 'tga' (did you mean \"tag\"?)"),
        (["--by-key", "nmae", "--folds", "3"], "unknown column 'nmae' (did you mean \"name\"?)"),
        (["--folds", "1"], "n_splits=2 or more"),
        (["--test-size", "5000", "--seed", "1", "--train", "t.csv", "--test", "s.csv"], "test_size=5000"),
        (["--folds", "3", "--train", "t.csv", "--test", "s.csv"], "not --train/--test"),
        (["--test-size", "0.2", "--seed=-1", "--train", "t.csv", "--test", "s.csv"], "2**32 - 1"),
        (["--test-size", "0.2", "--seed", "1", "--train", "in.csv", "--test", "s.csv"], "in.csv"),
    ] as [([String], String)])
    func usageErrors(arguments: [String], message: String) throws {
        let tmp = try TempDir("prepline-split-usage")
        try tmp.write("in.csv", Self.generated.input)
        let result = try prepline(["split", "in.csv"] + arguments, cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(try tmp.listing() == ["in.csv"])
        #expect(try tmp.read("in.csv") == Self.generated.input)
    }

    @Test("bad input exits 3 naming the file and line; no output is left", arguments: [
        ("id,v\n1,2\n2,\"open\n", "in.csv:3"),
        ("id,v\n1,2\n2,3,4\n", "in.csv:3"),
        ("id,v\n1,2\n3,\"x\"y\n", "in.csv:3"),
    ])
    func badInput(text: String, position: String) throws {
        let tmp = try TempDir("prepline-split-bad")
        try tmp.write("in.csv", text)
        for mode in [["--test-size", "1", "--seed", "0", "--train", "t.csv", "--test", "s.csv"], ["--by-key", "id", "--test-size", "0.5", "--train", "t.csv", "--test", "s.csv"],
                     ["--folds", "2", "-o", "f.csv"]] {
            let result = try prepline(["split", "in.csv"] + mode, cwd: tmp.path)
            #expect(result.status == 3, "\(result)")
            #expect(result.stderr.contains(position), "\(result)")
            #expect(try tmp.listing() == ["in.csv"])
        }
        #expect(try prepline(["split", "missing.csv", "--folds", "2"], cwd: tmp.path).status == 3)
    }

    @Test("a closed stdout ends --folds -o - quietly with exit 0")
    func closedStdout() throws {
        let tmp = try TempDir("prepline-split-pipe")
        let big = GeneratedCSV(records: 30000, seed: 3)
        try tmp.write("in.csv", big.input)
        for mode in [["--folds", "5", "--seed", "1"], ["--by-key", "id", "--folds", "5"]] {
            let script = #"set -o pipefail; "$0" split in.csv "$@" --chunk-size 4K | head -c 100 > /dev/null"#
            let result = try runProcess(try E2E.tool("bash"), ["-c", script, try E2E.requireBinary()] + mode, cwd: tmp.path)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        }
    }

    @Test("--train - into a reader that stops early: TEST is still written in full; a typo in an option is named as such")
    func oneClosedPartLeavesTheOtherComplete() throws {
        let tmp = try TempDir("prepline-split-one-pipe")
        let big = GeneratedCSV(records: 30000, seed: 4)
        try tmp.write("in.csv", big.input)
        let script = #"set -o pipefail; "$0" split in.csv --test-size 0.2 --seed 1 --train - --test te.csv --chunk-size 4K | head -c 100 > /dev/null"#
        let result = try runProcess(try E2E.tool("bash"), ["-c", script, try E2E.requireBinary()], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        let whole = try prepline(["split", "in.csv", "--test-size", "0.2", "--seed", "1", "--train", "tr.csv", "--test", "all-te.csv"], cwd: tmp.path)
        try #require(whole.status == 0, "\(whole)")
        #expect(try tmp.read("te.csv") == tmp.read("all-te.csv"))

        let typo = try prepline(["split", "in.csv", "--sede", "1", "--train", "a.csv", "--test", "b.csv"], cwd: tmp.path)
        #expect(typo.status == 2 && typo.stderr.contains("Unknown option '--sede'"), "\(typo)")
    }

    @Test("SIGINT while writing, SIGTERM while stdin is spooled: temporary files removed, exit 130 / 143")
    func signals() throws {
        let tmp = try TempDir("prepline-split-signal")
        let keyed = try StreamSafetyTests.interrupt(["split", "--by-key", "a", "--test-size", "0.5", "--train", "train.csv", "--test", "test.csv.gz"],
                                                    cwd: tmp.path, watch: tmp.path, appears: { $0.hasPrefix(".test.csv.gz.prepline-") }, signal: SIGINT)
        #expect(keyed.terminationReason == .exit && keyed.terminationStatus == 130)
        #expect(try tmp.listing().isEmpty)
        let spoolDirectory = tmp.file("tmpdir")
        try FileManager.default.createDirectory(atPath: spoolDirectory, withIntermediateDirectories: false)
        let seeded = try StreamSafetyTests.interrupt(["split", "--test-size", "1", "--seed", "0", "--train", "train.csv", "--test", "test.csv"],
                                                     cwd: tmp.path, environment: ["TMPDIR": spoolDirectory], watch: spoolDirectory,
                                                     appears: { $0.hasPrefix("prepline-stdin-") }, signal: SIGTERM)
        #expect(seeded.terminationReason == .exit && seeded.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spoolDirectory).isEmpty)
        #expect(try tmp.listing() == ["tmpdir"])
    }

    @Test("the summary line counts the rows of each part")
    func summaryLine() throws {
        let tmp = try TempDir("prepline-split-summary")
        try tmp.write("in.csv", Self.generated.input)
        let result = try prepline(["split", "in.csv", "--test-size", "0.25", "--seed", "3", "--train", "t.csv", "--test", "s.csv"], cwd: tmp.path)
        #expect(result.status == 0 && result.stderr.hasPrefix("prepline: split 400 rows in: 300 train, 100 test; "), "\(result)")
    }
}

private extension Array where Element == UInt8 {
    func prepending(_ head: [UInt8]) -> [UInt8] { head + self }
}
