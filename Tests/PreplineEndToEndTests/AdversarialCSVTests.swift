import Foundation
import PreplineTestSupport
import Testing

/// Hostile CSV through the real binary, at several thread counts, chunk sizes and both parsers,
/// under each `on_error`. Properties (DESIGN.md "Bad input", "Engine"; issue 12):
/// - no exit by a signal, no hang, exit codes only 0–4;
/// - malformed CSV is always located (stderr names `in.csv:LINE`, the line the reference reader
///   finds), never accepted, and well-formed CSV is never refused as malformed;
/// - rows in = out + skipped + rejected, counting the records of the output and of the rejects
///   file with an independent reader (and the summary line agrees with those counts);
/// - a rejects record holds the input record's bytes and line; a pass-through keeps every field;
/// - nothing partial is left: no output or rejects file after a failure, no temporary file ever;
/// - exit code, output and rejects are identical for every --threads, --chunk-size and --parser.
///
/// Seeded and reproducible: each case is one seed (PREPLINE_ADVERSARIAL_SEED moves the base,
/// PREPLINE_ADVERSARIAL_CASES sets the count); a failure prints the seed, the command and the
/// input as a printf line. Every violation fails; one that matches a defect fixed in issue 12 is
/// labelled with it (see `KnownDefect`).
@Suite("Adversarial CSV")
struct AdversarialCSVTests {
    static let seedBase: UInt64 = ProcessInfo.processInfo.environment["PREPLINE_ADVERSARIAL_SEED"].flatMap { UInt64($0) } ?? 0xAD5E_0000
    static let caseCount = ProcessInfo.processInfo.environment["PREPLINE_ADVERSARIAL_CASES"].flatMap { Int($0) } ?? 64

    /// A spec from the repository and the columns a file needs for its stages to run.
    struct Profile: Sendable {
        var spec: String
        var columns: [(name: String, kind: HostileCSV.Kind)]
        var header = true
        var delimiter: UInt8 = 0x2C
        var outputDelimiter: UInt8 = 0x2C
        var outputHeader = true
        /// No stages: every field must come out as it went in.
        var passThrough = false
    }

    static let profiles: [Profile] = [
        Profile(spec: "pipelines/passthrough.json", columns: [], passThrough: true),
        Profile(spec: "pipelines/defaults.json", columns: [], passThrough: true),
        Profile(spec: "pipelines/headerless.json", columns: [], header: false, outputHeader: false, passThrough: true),
        Profile(spec: "pipelines/tsv-to-csv.json", columns: [], delimiter: 0x09, passThrough: true),
        Profile(spec: "bench/specs/tabular.json",
                columns: [("id", .number), ("age", .number), ("income", .number), ("score", .number), ("city", .category), ("device", .category)]),
        Profile(spec: "bench/specs/full.json",
                columns: [("age", .number), ("income", .number), ("score", .number), ("city", .category), ("device", .category), ("review", .text)]),
        Profile(spec: "pipelines/penguins-features.json",
                columns: [("species", .category), ("island", .category), ("bill_length_mm", .number), ("bill_depth_mm", .number),
                          ("flipper_length_mm", .number), ("body_mass_g", .number), ("sex", .category)]),
        Profile(spec: "pipelines/penguins-robust.json",
                columns: [("bill_length_mm", .number), ("bill_depth_mm", .number), ("flipper_length_mm", .number),
                          ("body_mass_g", .number), ("year", .number)]),
        Profile(spec: "pipelines/penguins-onehot-infrequent.json",
                columns: [("species", .category), ("island", .category), ("sex", .category), ("year", .category)]),
        Profile(spec: "pipelines/iris-scale.json",
                columns: [("column_1", .number), ("column_2", .number), ("column_3", .number), ("column_4", .number), ("column_5", .category)],
                header: false, outputHeader: false),
        Profile(spec: "pipelines/commons-speeches-tfidf.json", columns: [("party", .category), ("text", .text)]),
    ]

    /// One way of running the same input: every combination must give the same result.
    struct Config: Sendable, CustomStringConvertible {
        var threads: Int
        var chunkSize: String?
        var parser: String
        var toFile: Bool

        var arguments: [String] {
            var list = ["--threads", String(threads), "--parser", parser]
            if let chunkSize { list += ["--chunk-size", chunkSize] }
            return list
        }

        var description: String { "threads \(threads), chunk \(chunkSize ?? "default"), parser \(parser), \(toFile ? "-o out.csv" : "stdout")" }
    }

    static let threadChoices = [1, 2, 3]
    static let chunkChoices: [String?] = ["1", "7", "1K", nil]
    static let parserChoices = ["fast", "libcsv"]

    /// What one run left, read back.
    struct RunRecord {
        var config: Config
        var command: String
        var outcome: AdversarialOutcome
        var output: [UInt8]
        var rejects: [UInt8]?
    }

    @Test("hostile CSV keeps every property", arguments: 0..<caseCount)
    func hostileCSV(index: Int) throws {
        let binary = try E2E.requireBinary()
        let seed = Self.seedBase &+ UInt64(index)
        var rng = SplitMix64(seed: seed)
        let profile = Self.profiles[Int(rng.next() % UInt64(Self.profiles.count))]
        let onError = ["fail", "skip", "reject"][Int(rng.next() % 3)]

        // The columns: the profile's, or for a pass-through 1-5 generic ones.
        var columns = profile.columns
        if columns.isEmpty {
            let names = ["id", "name", "note", "value", "tag", "city"]
            columns = (0..<(1 + Int(rng.next() % 5))).map { (names[$0], HostileCSV.Kind.any) }
        }
        if !profile.header { columns = columns.enumerated().map { ("column_\($0.offset + 1)", $0.element.kind) } }
        var generator = HostileCSV(seed: rng.next(), delimiter: profile.delimiter)
        var input = generator.file(columns: columns, header: profile.header)
        if profile.passThrough && profile.header && generator.chance(10) {
            // A header cell that is not UTF-8 (Latin-1 "Größe"), which a pass-through must keep.
            input = Array("Gr".utf8) + [0xF6, 0xDF, 0x65, profile.delimiter] + input
        }

        let dir = try TempDir("prepline-adversarial")
        try dir.write("in.csv", input)
        try dir.write("spec.json", try Self.spec(profile.spec, onError: onError))

        // A baseline and three other configurations drawn from the matrix.
        var configs = [Config(threads: 1, chunkSize: nil, parser: "libcsv", toFile: false)]
        for _ in 0..<3 {
            configs.append(Config(threads: Self.threadChoices[Int(rng.next() % 3)], chunkSize: Self.chunkChoices[Int(rng.next() % 4)],
                                  parser: Self.parserChoices[Int(rng.next() % 2)], toFile: rng.next() % 2 == 0))
        }

        var violations: [Violation] = []
        var runs: [RunRecord] = []
        for config in configs {
            var arguments = ["run", "spec.json", "in.csv"] + config.arguments
            if config.toFile { arguments += ["-o", "out.csv"] }
            if onError == "reject" { arguments += ["--rejects", "rejects.csv"] }
            let command = "prepline " + arguments.joined(separator: " ")
            let outcome = try AdversarialRunner.run(binary, arguments, cwd: dir.path)
            let output = config.toFile ? ((try? dir.read("out.csv")) ?? []) : outcome.stdout
            let rejects = try? dir.read("rejects.csv")
            let run = RunRecord(config: config, command: command, outcome: outcome, output: output, rejects: rejects)
            violations += Self.check(run, input: input, profile: profile, onError: onError, dir: dir)
            runs.append(run)
            for name in ["out.csv", "rejects.csv"] { try? FileManager.default.removeItem(atPath: dir.file(name)) }
        }
        violations += Self.compare(runs, passThrough: profile.passThrough, outputDelimiter: profile.outputDelimiter)

        // fit + apply on the same input is run: the fitted spec applies, and gives run's bytes.
        if !profile.passThrough && rng.next() % 4 == 0 {
            violations += try Self.fitThenApply(binary: binary, dir: dir, input: input, baseline: runs[0], onError: onError)
        }
        // validate reads the same CSV: the same properties of exit codes and located errors.
        if rng.next() % 4 == 0 {
            violations += try Self.validate(binary: binary, dir: dir, input: input, profile: profile, rng: &rng)
        }
        if !violations.isEmpty {
            let context = """
                seed \(seed) (case \(index); rerun: PREPLINE_ADVERSARIAL_SEED=\(seed) PREPLINE_ADVERSARIAL_CASES=1 swift test --filter AdversarialCSV)
                profile \(profile.spec), on_error \(onError)
                input: \(printfCommand(input, to: "in.csv"))
                """
            recordViolations(violations, context: context)
        }
    }

    /// The repository's spec with `output.on_error` set (and no rejects path of its own).
    static func spec(_ path: String, onError: String) throws -> [UInt8] {
        let data = try Data(contentsOf: E2E.packageRoot.appendingPathComponent(path))
        var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var output = root["output"] as? [String: Any] ?? [:]
        output["on_error"] = onError
        output["rejects"] = nil
        root["output"] = output
        return Array(try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]))
    }

    // MARK: - one run

    static var summaryPattern: Regex<(Substring, Substring, Substring, Substring, Substring)> { #/(\d+) rows? in, (\d+) out, (\d+) skipped, (\d+) rejected/# }

    static func check(_ run: RunRecord, input: [UInt8], profile: Profile, onError: String, dir: TempDir) -> [Violation] {
        var found: [Violation] = []
        func violation(_ property: String, _ detail: String, known: KnownDefect? = nil) {
            found.append(Violation(property: property, detail: "\(detail) [\(run.config)]", command: run.command, known: known))
        }
        let outcome = run.outcome
        let firstError = outcome.stderr.split(separator: "\n").first { $0.hasPrefix("prepline: error") }.map(String.init) ?? ""
        if outcome.timedOut {
            violation("no hang", "still running after \(AdversarialRunner.timeout) s")
            return found
        }
        if outcome.signal != nil {
            violation("no exit by a signal", "\(outcome.summary); stderr: \(outcome.stderr.prefix(600))",
                      known: KnownDefect.isEarlyStopSignal(stderr: outcome.stderr) ? .signalOnEarlyStop : nil)
            return found
        }
        let code = outcome.exitCode!
        guard (0...4).contains(code) else {
            violation("exit codes 0-4", "exit \(code); stderr: \(outcome.stderr.prefix(600))")
            return found
        }

        let reference = ReferenceCSV.read(input, delimiter: profile.delimiter)
        if code == 3 {
            if outcome.stderr.firstMatch(of: #/in\.csv:\d+/#) == nil {
                violation("malformed CSV is located", "exit 3 without in.csv:LINE: \(firstError)")
            }
            switch reference {
            case .failure(let malformed):
                if outcome.stderr.firstMatch(of: try! Regex("in\\.csv:\(malformed.line)(:|\\D|$)")) == nil {
                    violation("malformed CSV is located", "reference reader: \(malformed.what) at line \(malformed.line); prepline: \(firstError)")
                }
            case .success:
                violation("well-formed CSV is not refused", "exit 3 on input the reference reader reads: \(firstError)")
            }
        }
        if case .failure(let malformed) = reference, code == 0 {
            violation("malformed CSV is never accepted", "exit 0 on input with \(malformed.what) at line \(malformed.line)")
        }

        // Nothing partial, nothing temporary.
        let listing = ((try? dir.listing()) ?? []).filter { !$0.hasPrefix(".stdout-") && !$0.hasPrefix(".stderr-") }
        let expected: Set<String> = code == 0 ? ["in.csv", "spec.json", "out.csv", "rejects.csv"] : ["in.csv", "spec.json"]
        let extra = listing.filter { !expected.contains($0) }
        if !extra.isEmpty { violation("nothing partial is left", "exit \(code) left \(extra)") }
        guard code == 0, case .success(let records) = reference else { return found }

        // Accounting, by counting records.
        let inputRows = profile.header ? Array(records.dropFirst()) : records
        guard case .success(let outRecords) = ReferenceCSV.read(run.output, delimiter: profile.outputDelimiter) else {
            violation("output is well-formed CSV", "the output does not read back: \(escaped(run.output, limit: 300))")
            return found
        }
        let outRows = profile.outputHeader && !outRecords.isEmpty ? Array(outRecords.dropFirst()) : outRecords
        var rejectRows: [ReferenceRecord] = []
        if onError == "reject" {
            guard let rejects = run.rejects, case .success(let rejectRecords) = ReferenceCSV.read(rejects) else {
                violation("rejects file is well-formed CSV", "missing or unreadable: \(escaped(run.rejects ?? [], limit: 300))")
                return found
            }
            rejectRows = Array(rejectRecords.dropFirst())
        }
        guard let summary = outcome.stderr.firstMatch(of: summaryPattern) else {
            violation("a summary line on stderr", "none in: \(outcome.stderr.prefix(300))")
            return found
        }
        let claimed = (rowsIn: Int(summary.1)!, out: Int(summary.2)!, skipped: Int(summary.3)!, rejected: Int(summary.4)!)
        if claimed.rowsIn != inputRows.count || claimed.out != outRows.count || claimed.rejected != rejectRows.count {
            violation("the summary agrees with the records written",
                      "summary \(summary.0); counted \(inputRows.count) in, \(outRows.count) out, \(rejectRows.count) rejected")
        }
        return found + accounting(run, inputRows: inputRows, outRows: outRows, rejectRows: rejectRows, skipped: claimed.skipped,
                                  onError: onError, profile: profile, input: records)
    }

    static func accounting(_ run: RunRecord, inputRows: [ReferenceRecord], outRows: [ReferenceRecord], rejectRows: [ReferenceRecord],
                           skipped: Int, onError: String, profile: Profile, input: [ReferenceRecord]) -> [Violation] {
        var found: [Violation] = []
        func violation(_ property: String, _ detail: String, known: KnownDefect? = nil) {
            found.append(Violation(property: property, detail: "\(detail) [\(run.config)]", command: run.command, known: known))
        }
        // Skipped rows leave no record to count: the summary's count is the only witness, and
        // it must be zero unless on_error is skip.
        let skippedRows = onError == "skip" ? skipped : 0
        if skipped != skippedRows || inputRows.count != outRows.count + skippedRows + rejectRows.count {
            violation("rows in = out + skipped + rejected",
                      "\(inputRows.count) records in, \(outRows.count) out, \(rejectRows.count) in the rejects file, \(skipped) skipped (summary)")
        }

        // A rejects record is the input record: its line, its bytes.
        let byLine = Dictionary(inputRows.map { ($0.line, $0) }, uniquingKeysWith: { a, _ in a })
        for reject in rejectRows {
            guard reject.fields.count == 4, let line = Int(String(decoding: reject.fields[1], as: UTF8.self)),
                  let original = byLine[line] else {
                violation("a rejects record names an input record", "\(reject.fields.map { escaped($0, limit: 80) })")
                continue
            }
            if reject.fields[3] != original.original {
                let known: KnownDefect? = isValidUTF8(original.original) ? nil : .rejectsNotOriginalBytes
                violation("a rejects record holds the original bytes",
                          "line \(line): input \(escaped(original.original, limit: 120)), rejects \(escaped(reject.fields[3], limit: 120))", known: known)
            }
        }

        // A pass-through keeps every field of every record it writes, in order.
        if profile.passThrough {
            if profile.header && profile.outputHeader, let inHeader = input.first {
                let outHeader = run.output.isEmpty ? nil : (try? ReferenceCSV.read(run.output, delimiter: profile.outputDelimiter).get())?.first
                if let outHeader, outHeader.fields != inHeader.fields {
                    let invalid = inHeader.fields.contains { !isValidUTF8($0) }
                    violation("a pass-through keeps the header's bytes",
                              "in \(inHeader.fields.map { escaped($0, limit: 60) }), out \(outHeader.fields.map { escaped($0, limit: 60) })",
                              known: invalid ? .headerBytesRewritten : nil)
                }
            }
            let rejectedLines = Set(rejectRows.compactMap { $0.fields.count == 4 ? Int(String(decoding: $0.fields[1], as: UTF8.self)) : nil })
            var next = 0
            for out in outRows {
                while next < inputRows.count && (rejectedLines.contains(inputRows[next].line) || (onError == "skip" && inputRows[next].fields != out.fields)) {
                    next += 1
                }
                guard next < inputRows.count, inputRows[next].fields == out.fields else {
                    violation("a pass-through keeps every field", "output record \(out.fields.map { escaped($0, limit: 60) }) is not the next input record")
                    break
                }
                next += 1
            }
        }
        return found
    }

    // MARK: - across runs

    /// DESIGN.md "Engine": byte-identical for any --threads (and parser); across chunk sizes,
    /// byte-identical for a pass-through, and fitted numbers within 1e-12 relative otherwise.
    static func compare(_ runs: [RunRecord], passThrough: Bool, outputDelimiter: UInt8) -> [Violation] {
        guard let base = runs.first, base.outcome.signal == nil, !base.outcome.timedOut else { return [] }
        var found: [Violation] = []
        for run in runs.dropFirst() where run.outcome.signal == nil && !run.outcome.timedOut {
            let detail = "[\(base.config)] vs [\(run.config)]"
            if run.outcome.exitCode != base.outcome.exitCode {
                let codes = Set([run.outcome.exitCode, base.outcome.exitCode])
                found.append(Violation(property: "exit code identical for any threads/chunk size/parser",
                                       detail: "exit \(base.outcome.exitCode!) vs \(run.outcome.exitCode!) \(detail); stderr: \(base.outcome.stderr.prefix(300)) | \(run.outcome.stderr.prefix(300))",
                                       command: run.command, known: codes == [1, 3] ? .firstErrorNotInInputOrder : nil))
                continue
            }
            if base.outcome.exitCode == 0 {
                let exact = passThrough || run.config.chunkSize == base.config.chunkSize
                if run.output != base.output && (exact || !numericallyEqual(base.output, run.output, delimiter: outputDelimiter)) {
                    found.append(Violation(property: exact ? "output byte-identical for any threads/parser (and chunk size, with no fit)"
                                                           : "output equal within 1e-12 relative across chunk sizes",
                                           detail: "\(base.output.count) vs \(run.output.count) bytes \(detail)", command: run.command))
                }
                if run.rejects != base.rejects {
                    found.append(Violation(property: "rejects identical for any threads/chunk size/parser",
                                           detail: "\(base.rejects?.count ?? -1) vs \(run.rejects?.count ?? -1) bytes \(detail)", command: run.command))
                }
            } else {
                let a = base.outcome.stderr.firstMatch(of: #/in\.csv:\d+/#).map { String($0.output) }
                let b = run.outcome.stderr.firstMatch(of: #/in\.csv:\d+/#).map { String($0.output) }
                if a != b {
                    found.append(Violation(property: "the first error reported is the same for any threads/chunk size/parser",
                                           detail: "\(a ?? "none") vs \(b ?? "none") \(detail)", command: run.command))
                }
            }
        }
        return found
    }

    /// Same records and fields; numbers may differ within 1e-12 relative (1e-12 absolute near 0).
    static func numericallyEqual(_ a: [UInt8], _ b: [UInt8], delimiter: UInt8) -> Bool {
        guard case .success(let left) = ReferenceCSV.read(a, delimiter: delimiter),
              case .success(let right) = ReferenceCSV.read(b, delimiter: delimiter), left.count == right.count else { return false }
        for (x, y) in zip(left, right) where x.fields != y.fields {
            guard x.fields.count == y.fields.count else { return false }
            for (f, g) in zip(x.fields, y.fields) where f != g {
                guard let u = Double(String(decoding: f, as: UTF8.self)), let v = Double(String(decoding: g, as: UTF8.self)),
                      abs(u - v) <= 1e-12 * max(abs(u), abs(v)) + 1e-12 else { return false }
            }
        }
        return true
    }

    // MARK: - fit + apply, validate

    static func fitThenApply(binary: String, dir: TempDir, input: [UInt8], baseline: RunRecord, onError: String) throws -> [Violation] {
        var found: [Violation] = []
        let fitArguments = ["fit", "spec.json", "in.csv", "-o", "fitted.json", "--threads", "2", "--chunk-size", "1K"]
        let fit = try AdversarialRunner.run(binary, fitArguments, cwd: dir.path)
        defer { try? FileManager.default.removeItem(atPath: dir.file("fitted.json")) }
        found += basics(fit, command: "prepline " + fitArguments.joined(separator: " "))
        guard fit.exitCode == 0 else { return found }
        var applyArguments = ["apply", "fitted.json", "in.csv", "--threads", "1", "--parser", "libcsv"]
        if onError == "reject" { applyArguments += ["--rejects", "rejects.csv"] }
        let apply = try AdversarialRunner.run(binary, applyArguments, cwd: dir.path)
        try? FileManager.default.removeItem(atPath: dir.file("rejects.csv"))
        let command = "prepline " + applyArguments.joined(separator: " ")
        found += basics(apply, command: command)
        if apply.exitCode == 2 {
            let fitted = (try? dir.read("fitted.json")) ?? []
            found.append(Violation(property: "every fitted spec fit writes applies", detail: "apply exits 2: \(apply.stderr.prefix(400))",
                                   command: command, known: fitted.contains(Array("null".utf8)) ? .fittedSpecDoesNotApply : nil))
        } else if apply.exitCode == 0 && baseline.outcome.exitCode == 0 && apply.stdout != baseline.output {
            // fit learns at chunk size 1K, run at the default: equal within 1e-12, not to the bit.
            if !numericallyEqual(apply.stdout, baseline.output, delimiter: 0x2C) {
                found.append(Violation(property: "apply(fit(x), x) gives run(x)",
                                       detail: "\(apply.stdout.count) vs \(baseline.output.count) bytes", command: command,
                                       known: isValidUTF8(input) ? nil : .invalidUTF8CategoryLost))
            }
        }
        return found
    }

    static func validate(binary: String, dir: TempDir, input: [UInt8], profile: Profile, rng: inout SplitMix64) throws -> [Violation] {
        var found: [Violation] = []
        var outcomes: [(String, AdversarialOutcome)] = []
        for config in [["--threads", "1"], ["--threads", String(2 + rng.next() % 2), "--chunk-size", ["1", "7", "1K"][Int(rng.next() % 3)],
                                            "--parser", rng.next() % 2 == 0 ? "fast" : "libcsv"]] {
            let arguments = ["validate", "spec.json", "in.csv", "--report", "json:report.json"] + config
            let command = "prepline " + arguments.joined(separator: " ")
            let outcome = try AdversarialRunner.run(binary, arguments, cwd: dir.path)
            try? FileManager.default.removeItem(atPath: dir.file("report.json"))
            found += basics(outcome, command: command)
            if outcome.exitCode == 3 {
                switch ReferenceCSV.read(input, delimiter: profile.delimiter) {
                case .failure(let malformed):
                    if outcome.stderr.firstMatch(of: try! Regex("in\\.csv:\(malformed.line)(:|\\D|$)")) == nil {
                        found.append(Violation(property: "malformed CSV is located",
                                               detail: "reference: \(malformed.what) at line \(malformed.line); validate: \(outcome.stderr.prefix(300))",
                                               command: command))
                    }
                case .success:
                    found.append(Violation(property: "well-formed CSV is not refused", detail: "validate exit 3: \(outcome.stderr.prefix(300))",
                                           command: command))
                }
            } else if case .failure(let malformed) = ReferenceCSV.read(input, delimiter: profile.delimiter), outcome.exitCode == 0 {
                found.append(Violation(property: "malformed CSV is never accepted",
                                       detail: "validate exit 0 on \(malformed.what) at line \(malformed.line)", command: command))
            }
            outcomes.append((command, outcome))
        }
        if let a = outcomes[0].1.exitCode, let b = outcomes[1].1.exitCode, a != b {
            found.append(Violation(property: "validate: exit code identical for any threads/chunk size/parser",
                                   detail: "exit \(a) vs \(b): \(outcomes[0].1.stderr.prefix(300)) | \(outcomes[1].1.stderr.prefix(300))",
                                   command: outcomes[1].0, known: Set([a, b]) == [1, 3] ? .firstErrorNotInInputOrder : nil))
        }
        return found
    }

    /// No signal, no hang, exit 0-4.
    static func basics(_ outcome: AdversarialOutcome, command: String) -> [Violation] {
        if outcome.timedOut { return [Violation(property: "no hang", detail: "still running after \(AdversarialRunner.timeout) s", command: command)] }
        if outcome.signal != nil {
            return [Violation(property: "no exit by a signal", detail: "\(outcome.summary); stderr: \(outcome.stderr.prefix(600))", command: command,
                              known: KnownDefect.isEarlyStopSignal(stderr: outcome.stderr) ? .signalOnEarlyStop : nil)]
        }
        if let code = outcome.exitCode, !(0...4).contains(code) {
            return [Violation(property: "exit codes 0-4", detail: "exit \(code): \(outcome.stderr.prefix(600))", command: command)]
        }
        return []
    }
}
