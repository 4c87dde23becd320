import Foundation
import PreplineTestSupport
import Testing

/// Mutated specs (from pipelines/*.json and bench/specs: keys dropped, values swapped, types
/// changed, numbers pushed to extremes) through `run`, `fit` + `apply`, `validate` and
/// `explain --input`, on data the unmutated spec accepts. Properties:
/// - no exit by a signal, no hang, exit codes only 0–4;
/// - a spec error (exit 2) names the spec file;
/// - `run`: exit code and output the same at 1 thread / default chunk and 3 threads / small chunks;
/// - a fitted spec that `fit` wrote is one `apply` accepts (it does not exit 2 on it).
///
/// Seeded like AdversarialCSVTests (PREPLINE_ADVERSARIAL_SEED, PREPLINE_ADVERSARIAL_CASES).
@Suite("Adversarial specs")
struct AdversarialSpecTests {
    static let seedBase: UInt64 = (ProcessInfo.processInfo.environment["PREPLINE_ADVERSARIAL_SEED"].flatMap { UInt64($0) } ?? 0xAD5E_0000) &+ 0x5EC
    static let caseCount = ProcessInfo.processInfo.environment["PREPLINE_ADVERSARIAL_CASES"].flatMap { Int($0) } ?? 48

    /// A spec and an input it accepts unmutated.
    struct Source: Sendable {
        var spec: String
        var input: Input
        /// Files the spec refers to by a relative path.
        var companions: [String] = []

        enum Input: Sendable { case sample(String), mixed }
    }

    static let sources: [Source] = [
        Source(spec: "pipelines/commons-speeches-tfidf.json", input: .sample("samples/commons-speeches.csv")),
        Source(spec: "pipelines/defaults.json", input: .sample("samples/tricky.csv")),
        Source(spec: "pipelines/headerless.json", input: .sample("samples/iris.csv")),
        Source(spec: "pipelines/iris-scale.json", input: .sample("samples/iris.csv")),
        Source(spec: "pipelines/passthrough.json", input: .sample("samples/penguins.csv")),
        Source(spec: "pipelines/penguins-ci.json", input: .sample("samples/penguins.csv")),
        Source(spec: "pipelines/penguins-features.json", input: .sample("samples/penguins.csv")),
        Source(spec: "pipelines/penguins-onehot-infrequent.json", input: .sample("samples/penguins.csv")),
        Source(spec: "pipelines/penguins-robust.json", input: .sample("samples/penguins.csv")),
        Source(spec: "pipelines/reject-ragged.json", input: .sample("samples/ragged.csv")),
        Source(spec: "pipelines/skip-ragged.json", input: .sample("samples/ragged.csv")),
        Source(spec: "pipelines/tsv-to-csv.json", input: .sample("samples/tricky.tsv")),
        Source(spec: "bench/specs/full.json", input: .mixed),
        Source(spec: "bench/specs/tabular.json", input: .mixed),
        Source(spec: "bench/specs/passthrough.json", input: .mixed),
        Source(spec: "bench/specs/validate.json", input: .mixed, companions: ["bench/specs/validate.schema.json"]),
    ]

    @Test("mutated specs keep every property", arguments: 0..<caseCount)
    func mutatedSpec(index: Int) throws {
        let binary = try E2E.requireBinary()
        let seed = Self.seedBase &+ UInt64(index)
        var rng = SplitMix64(seed: seed)
        let source = Self.sources[Int(rng.next() % UInt64(Self.sources.count))]
        let dir = try TempDir("prepline-adversarial-spec")
        let original = try Data(contentsOf: E2E.packageRoot.appendingPathComponent(source.spec))
        var mutator = SpecMutator(rng: SplitMix64(seed: rng.next()))
        let specBytes = SpecMutator.serialize(mutator.mutate(try JSONSerialization.jsonObject(with: original)))
        try dir.write("spec.json", specBytes)
        for companion in source.companions {
            try dir.write(URL(fileURLWithPath: companion).lastPathComponent, [UInt8](Data(contentsOf: E2E.packageRoot.appendingPathComponent(companion))))
        }
        let input: [UInt8]
        switch source.input {
        case .sample(let path): input = Self.firstRecords(of: [UInt8](try Data(contentsOf: E2E.packageRoot.appendingPathComponent(path))),
                                                          tab: path.hasSuffix(".tsv"))
        case .mixed: input = Self.mixedCSV(rows: 40, seed: rng.next())
        }
        try dir.write("in.csv", input)

        var violations: [Violation] = []
        func run(_ arguments: [String]) throws -> AdversarialOutcome {
            let outcome = try AdversarialRunner.run(binary, arguments, cwd: dir.path)
            let command = "prepline " + arguments.joined(separator: " ")
            func violation(_ property: String, _ detail: String, known: KnownDefect? = nil) {
                violations.append(Violation(property: property, detail: detail, command: command, known: known))
            }
            if outcome.timedOut { violation("no hang", "still running after \(AdversarialRunner.timeout) s") }
            if outcome.signal != nil {
                violation("no exit by a signal", "\(outcome.summary); stderr: \(outcome.stderr.prefix(600))",
                          known: KnownDefect.isEarlyStopSignal(stderr: outcome.stderr) ? .signalOnEarlyStop : nil)
            }
            if let code = outcome.exitCode {
                if !(0...4).contains(code) { violation("exit codes 0-4", "exit \(code): \(outcome.stderr.prefix(600))") }
                if code == 2 && !outcome.stderr.contains("spec.json") && !outcome.stderr.contains("fitted.json") {
                    violation("a spec error names the spec", "exit 2: \(outcome.stderr.prefix(600))")
                }
            }
            return outcome
        }

        let command = ["run", "fit", "validate", "explain"][Int(rng.next() % 4)]
        switch command {
        case "run":
            let parser = rng.next() % 2 == 0 ? "fast" : "libcsv"
            let chunk = rng.next() % 2 == 0 ? "7" : "1K"
            let extra = specBytes.contains(Array("reject".utf8)) ? ["--rejects", "rejects.csv"] : []
            let one = try run(["run", "spec.json", "in.csv", "--threads", "1"] + extra)
            let other = try run(["run", "spec.json", "in.csv", "--threads", "3", "--chunk-size", chunk, "--parser", parser] + extra)
            if let a = one.exitCode, let b = other.exitCode {
                if a != b {
                    violations.append(Violation(property: "exit code identical for any threads/chunk size/parser",
                                                detail: "exit \(a) at 1 thread, \(b) at 3 threads chunk \(chunk) \(parser): \(one.stderr.prefix(300)) | \(other.stderr.prefix(300))",
                                                command: "prepline run spec.json in.csv", known: Set([a, b]) == [1, 3] ? .firstErrorNotInInputOrder : nil))
                } else if a == 0 && one.stdout != other.stdout
                            && !AdversarialCSVTests.numericallyEqual(one.stdout, other.stdout, delimiter: Self.outputDelimiter(specBytes)) {
                    violations.append(Violation(property: "output equal for any threads/chunk size/parser",
                                                detail: "\(one.stdout.count) vs \(other.stdout.count) bytes (1 thread vs 3 threads chunk \(chunk) \(parser))",
                                                command: "prepline run spec.json in.csv"))
                }
            }
        case "fit":
            let fit = try run(["fit", "spec.json", "in.csv", "-o", "fitted.json", "--threads", "2", "--chunk-size", "1K"])
            if fit.exitCode == 0 {
                let apply = try run(["apply", "fitted.json", "in.csv", "--threads", "2"])
                if apply.exitCode == 2 {
                    let fitted = (try? dir.read("fitted.json")) ?? []
                    violations.append(Violation(property: "every fitted spec fit writes applies",
                                                detail: "apply exits 2 on fit's own output: \(apply.stderr.prefix(400))",
                                                command: "prepline apply fitted.json in.csv",
                                                known: fitted.contains(Array("null".utf8)) ? .fittedSpecDoesNotApply : nil))
                }
            }
        case "validate":
            _ = try run(["validate", "spec.json", "in.csv", "--report", "json:report.json", "--report", "junit:report.xml", "--threads", "2"])
        default:
            _ = try run(["explain", "spec.json", "--input", "in.csv"])
        }
        if !violations.isEmpty {
            let context = """
                seed \(seed) (case \(index); rerun: PREPLINE_ADVERSARIAL_SEED=\(seed &- 0x5EC) PREPLINE_ADVERSARIAL_CASES=1 swift test --filter 'Adversarial specs')
                from \(source.spec); mutated spec.json: \(String(decoding: specBytes, as: UTF8.self).prefix(1500))
                input: \(source.input)
                """
            recordViolations(violations, context: context)
        }
    }

    /// The header and the first 60 records, so a debug binary goes through each case quickly.
    static func firstRecords(of bytes: [UInt8], tab: Bool) -> [UInt8] {
        guard case .success(let records) = ReferenceCSV.read(bytes, delimiter: tab ? 0x09 : 0x2C) else { return bytes }
        guard records.count > 61 else { return bytes }
        return records.prefix(61).flatMap { $0.original + [0x0A] }
    }

    /// Clean data in the shape of bench/gen_mixed.py's (the bench specs' columns).
    static func mixedCSV(rows: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        var text = "id,age,income,score,city,device,signup_date,review,label\n"
        for i in 0..<rows {
            let age = rng.next() % 10 == 0 ? "NA" : String(18 + rng.next() % 70)
            let income = rng.next() % 10 == 0 ? "" : String(Double(rng.next() % 200_000) / 3)
            let review = (0..<(1 + rng.next() % 12)).map { _ in pick(["good", "bad", "fast", "slow", "great", "price", "quality", "the", "and"]) }.joined(separator: " ")
            text += "\(i),\(age),\(income),\(rng.next() % 101),city_\(10 + rng.next() % 20),\(pick(["mobile", "desktop", "tablet", "tv", "other"])),"
            text += "20\(10 + rng.next() % 15)-0\(1 + rng.next() % 9)-1\(rng.next() % 10),\(review),\(pick(["true", "false"]))\n"
        }
        return Array(text.utf8)
    }

    /// The output delimiter a (possibly mutated) spec asks for, for comparing outputs.
    static func outputDelimiter(_ spec: [UInt8]) -> UInt8 {
        guard let root = try? JSONSerialization.jsonObject(with: Data(spec)) as? [String: Any] else { return 0x2C }
        for key in ["output", "input"] {
            if let delimiter = (root[key] as? [String: Any])?["delimiter"] as? String, delimiter.utf8.count == 1 { return delimiter.utf8.first! }
        }
        return 0x2C
    }
}
