import Foundation
import Testing

/// Every example in `pipelines/` runs on the sample pipelines/README.md names for it.
///
/// The table in pipelines/README.md is the single source: a row's spec, sample and command
/// (extra arguments after the sample, up to a `|`, with `/tmp/...` paths moved into a temporary
/// directory). Counts the row claims ("5 in, 3 out, 2 skipped", "151 rows") are checked against the
/// summary line. A `pipelines/*.json` without a row fails the suite, so no example goes untested.
enum PipelineExamples {
    struct Row: Sendable, CustomTestStringConvertible {
        var spec: String
        var sample: String
        var extraArguments: [String]
        var claims: String
        var testDescription: String { "\(spec) on \(sample)" }
    }

    static let readme = E2E.packageRoot.appendingPathComponent("pipelines/README.md")

    /// Splits a Markdown table row on the `|` that are not escaped as `\|`.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var previous: Character? = nil
        for character in line {
            if character == "|" && previous != "\\" {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        cells.append(current.trimmingCharacters(in: .whitespaces))
        return Array(cells.dropFirst().dropLast())  // the text before the first and after the last bar
    }

    static func backticked(_ cell: String) -> String? {
        guard let open = cell.firstIndex(of: "`") else { return nil }
        let rest = cell[cell.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<close])
    }

    static let rows: [Row] = {
        guard let text = try? String(contentsOf: readme, encoding: .utf8) else { return [] }
        var rows: [Row] = []
        for line in text.split(separator: "\n").map(String.init) where line.hasPrefix("| `") {
            let cells = cells(line)
            guard cells.count >= 4, let spec = backticked(cells[0]), spec.hasSuffix(".json"),
                  let sample = backticked(cells[1]), let command = backticked(cells[2]) else { continue }
            // The arguments after the sample path, up to a shell pipe.
            var words = command.replacingOccurrences(of: "\\|", with: "|").split(separator: " ").map(String.init)
            if let bar = words.firstIndex(of: "|") { words = Array(words[..<bar]) }
            var extra: [String] = []
            if let at = words.firstIndex(where: { $0.hasSuffix("samples/\(sample)") }) { extra = Array(words[(at + 1)...]) }
            rows.append(Row(spec: spec, sample: sample, extraArguments: extra, claims: cells[3]))
        }
        return rows
    }()

    static var specFiles: [String] {
        let directory = E2E.packageRoot.appendingPathComponent("pipelines").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }
}

@Suite("Pipeline examples")
struct PipelineExampleTests {
    @Test("every pipelines/*.json has a row (spec and sample) in pipelines/README.md, and every row's files exist")
    func everyExampleIsDocumented() throws {
        let files = PipelineExamples.specFiles
        #expect(!files.isEmpty, "no pipelines/*.json found")
        let documented = Set(PipelineExamples.rows.map(\.spec))
        for file in files {
            #expect(documented.contains(file), "pipelines/\(file) has no row in pipelines/README.md, so no test runs it")
        }
        for row in PipelineExamples.rows {
            #expect(files.contains(row.spec), "pipelines/README.md names pipelines/\(row.spec), which does not exist")
            #expect(FileManager.default.fileExists(atPath: E2E.packageRoot.appendingPathComponent("samples/\(row.sample)").path),
                    "pipelines/README.md names samples/\(row.sample), which does not exist")
        }
    }

    @Test("the example runs on its sample with exit 0", arguments: PipelineExamples.rows)
    func example(_ row: PipelineExamples.Row) throws {
        let tmp = try TempDir()
        let extra = row.extraArguments.map { $0.hasPrefix("/tmp/") ? tmp.file(String($0.dropFirst(5))) : $0 }
        let arguments = ["run", "pipelines/\(row.spec)", "samples/\(row.sample)"] + extra
        let result = try prepline(arguments, cwd: E2E.packageRoot.path)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)")
        let summary = try CommandLineTests.summary(result)
        #expect(summary.rowsIn == summary.out + summary.skipped + summary.rejected, "\(result)")
        #expect(summary.rowsIn > 0, "\(result)")

        // Whatever the row claims about counts must be what the run prints.
        let claims = row.claims
        if let match = claims.firstMatch(of: try Regex(#"(\d+)(?: rows)? in, (\d+) out(?:, (\d+) (skipped|rejected))?"#)) {
            #expect(summary.rowsIn == Int(match.output[1].substring ?? ""), "claim '\(match.output[0].substring ?? "")': \(result)")
            #expect(summary.out == Int(match.output[2].substring ?? ""), "claim '\(match.output[0].substring ?? "")': \(result)")
            if let count = match.output[3].substring, let kind = match.output[4].substring {
                #expect((kind == "skipped" ? summary.skipped : summary.rejected) == Int(count), "\(result)")
            }
        } else if let match = claims.firstMatch(of: try Regex(#"\((\d+) rows\)"#)) {
            #expect(summary.rowsIn == Int(match.output[1].substring ?? ""), "\(result)")
            #expect(summary.out == summary.rowsIn, "\(result)")
        }

        // The data went somewhere: stdout, or the -o file (which must then be a complete gzip when .gz).
        if let o = extra.firstIndex(of: "-o"), o + 1 < extra.count {
            let path = extra[o + 1]
            #expect(FileManager.default.fileExists(atPath: path), "\(path) not written")
            if path.hasSuffix(".gz") {
                let unpacked = try gunzip(file: path)
                #expect(unpacked.status == 0, "\(unpacked)")
                #expect(unpacked.stdout.split(separator: 0x0A).count >= summary.out)
            }
        } else {
            #expect(!result.stdout.isEmpty)
        }
        if let r = extra.firstIndex(of: "--rejects"), r + 1 < extra.count {
            let rejects = String(decoding: try [UInt8](Data(contentsOf: URL(fileURLWithPath: extra[r + 1]))), as: UTF8.self)
            #expect(rejects.hasPrefix("file,line,reason,record\n"), "\(rejects)")
            #expect(rejects.split(separator: "\n").count == summary.rejected + 1, "\(rejects)")
        }
    }

    @Test("reject-ragged.json without --rejects is a spec error (exit 2), as pipelines/README.md says")
    func rejectNeedsRejectsFile() throws {
        let result = try prepline(["run", "pipelines/reject-ragged.json", "samples/ragged.csv", "-q"], cwd: E2E.packageRoot.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("output.on_error"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("passthrough.json on ragged.csv stops with exit 1 and the message pipelines/README.md shows")
    func ragedFails() throws {
        let result = try prepline(["run", "pipelines/passthrough.json", "samples/ragged.csv", "-q"], cwd: E2E.packageRoot.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("samples/ragged.csv:3: record 2: expected 3 fields, found 2"), "\(result)")
    }

    @Test("apply streams a sample from stdin, gzip-compressed or not, as pipelines/README.md shows")
    func applyFromStdin() throws {
        let tmp = try TempDir()
        let sample = try [UInt8](Data(contentsOf: E2E.packageRoot.appendingPathComponent("samples/tricky.tsv")))
        let plain = try prepline(["apply", "pipelines/tsv-to-csv.json", "-q"], stdin: .pipe(sample), cwd: E2E.packageRoot.path)
        let viaRun = try prepline(["run", "pipelines/tsv-to-csv.json", "samples/tricky.tsv", "-q"], cwd: E2E.packageRoot.path)
        let packed = try prepline(["apply", "pipelines/tsv-to-csv.json", "-q"], stdin: .pipe(try gzip(sample, in: tmp)),
                                  cwd: E2E.packageRoot.path)
        #expect(plain.status == 0 && viaRun.status == 0 && packed.status == 0, "\(plain)\n\(viaRun)\n\(packed)")
        #expect(!plain.stdout.isEmpty)
        expectSameBytes(plain.stdout, viaRun.stdout)
        expectSameBytes(packed.stdout, viaRun.stdout)
    }

    // MARK: - the stage examples: what pipelines/README.md says they print

    /// Runs an example and returns its output records as fields.
    static func table(_ spec: String, _ sample: String) throws -> [[String]] {
        let result = try prepline(["run", "pipelines/\(spec)", "samples/\(sample)", "-q"], cwd: E2E.packageRoot.path)
        try #require(result.status == 0, "\(spec): \(result)")
        return CSVRecords.table(result.stdout)
    }

    /// The penguins' input rows, to find what each output row came from.
    static let penguins: [[String]] = {
        let text = (try? String(contentsOf: E2E.packageRoot.appendingPathComponent("samples/penguins.csv"), encoding: .utf8)) ?? ""
        return CSVRecords.split(text).map(CSVRecords.fields)
    }()

    @Test("penguins-features.json: one-hot columns in place, in code-point order; filled measurements z-score to 0; sex_missing")
    func penguinsFeatures() throws {
        let out = try Self.table("penguins-features.json", "penguins.csv")
        try #require(out.count == 345 && Self.penguins.count == 345)
        #expect(out[0] == ["species_Adelie", "species_Chinstrap", "species_Gentoo", "island_Biscoe", "island_Dream", "island_Torgersen",
                           "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex_female", "sex_male", "sex_missing", "year"])
        for (input, output) in zip(Self.penguins.dropFirst(), out.dropFirst()) {
            // The two rows with no measurements get the means, which z-score to exactly 0.
            if input[2] == "NA" { #expect(Array(output[6...9]) == ["0.0", "0.0", "0.0", "0.0"], "\(input) -> \(output)") }
            // sex NA: filled with the most frequent value (male: 168 vs 165), flagged in sex_missing.
            let sex = input[6] == "NA" ? ["0", "1", "1"] : input[6] == "male" ? ["0", "1", "0"] : ["1", "0", "0"]
            #expect(Array(output[10...12]) == sex, "\(input) -> \(output)")
            #expect(output.filter { $0 == "1" }.count >= 3 && output[13] == input[7], "\(output)")
        }
        // A z-score column has mean 0 and population std 1.
        for c in 6...9 {
            let values = out.dropFirst().compactMap { Double($0[c]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            #expect(values.count == 344 && abs(mean) < 1e-12 && abs(variance - 1) < 1e-12, "\(out[0][c]): mean \(mean), var \(variance)")
        }
    }

    @Test("penguins-robust.json: minmax [-1, 1] maps 2700 g and 6300 g to the ends; maxabs maps 2009 to 1; NA stays empty")
    func penguinsRobust() throws {
        let out = try Self.table("penguins-robust.json", "penguins.csv")
        try #require(out.count == 345)
        #expect(out[0] == Self.penguins[0])
        for (input, output) in zip(Self.penguins.dropFirst(), out.dropFirst()) {
            switch input[5] {
            case "NA": #expect(output[5] == "", "\(output)")
            case "2700": #expect(output[5] == "-1.0", "\(output)")
            case "6300": #expect(output[5] == "1.0", "\(output)")
            default: #expect((Double(output[5]) ?? 9) > -1 && (Double(output[5]) ?? 9) < 1, "\(output)")
            }
            #expect(output[7] == (input[7] == "2009" ? "1.0" : String(Double(input[7])! / 2009)), "\(output)")
            // The median fill leaves no hole in the three robust-scaled columns.
            #expect(!output[2].isEmpty && !output[3].isEmpty && !output[4].isEmpty, "\(output)")
            #expect(output[0] == input[0] && output[6] == input[6], "untouched columns pass through: \(output)")
        }
    }

    @Test("penguins-onehot-infrequent.json: infrequent groups, sex_nan last, drop first")
    func penguinsOnehotInfrequent() throws {
        let out = try Self.table("penguins-onehot-infrequent.json", "penguins.csv")
        try #require(out.count == 345)
        #expect(out[0] == ["species_Adelie", "species_Gentoo", "species_infrequent", "island_Biscoe", "island_infrequent",
                           "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex_female", "sex_male", "sex_nan",
                           "year_2008", "year_2009"])
        for (input, output) in zip(Self.penguins.dropFirst(), out.dropFirst()) {
            let species = ["Adelie": ["1", "0", "0"], "Gentoo": ["0", "1", "0"], "Chinstrap": ["0", "0", "1"]][input[0]]
            #expect(Array(output[0...2]) == species, "\(input) -> \(output)")
            #expect(Array(output[3...4]) == (input[1] == "Biscoe" ? ["1", "0"] : ["0", "1"]), "\(input) -> \(output)")
            #expect(Array(output[9...11]) == (input[6] == "female" ? ["1", "0", "0"] : input[6] == "male" ? ["0", "1", "0"] : ["0", "0", "1"]))
            #expect(Array(output[12...13]) == (input[7] == "2007" ? ["0", "0"] : input[7] == "2008" ? ["1", "0"] : ["0", "1"]))
        }
    }

    @Test("iris-scale.json: the metadata line is skipped and never fitted; each measurement is divided by its column's max")
    func irisScale() throws {
        let out = try Self.table("iris-scale.json", "iris.csv")
        let text = try String(contentsOf: E2E.packageRoot.appendingPathComponent("samples/iris.csv"), encoding: .utf8)
        let input = CSVRecords.split(text).map(CSVRecords.fields).dropFirst()
        try #require(out.count == 150 && input.count == 150)
        // Column maxima of the 150 flowers: 7.9, 4.4, 6.9, 2.5 (150 and 4 from the metadata line must not count).
        let maxima = [7.9, 4.4, 6.9, 2.5]
        for (row, output) in zip(input, out) {
            for c in 0..<4 {
                #expect(Double(output[c]) == Double(row[c])! / maxima[c], "\(row) -> \(output)")
            }
            #expect(output[4] == row[4])
        }
    }

    /// The `## Fit once, apply many times` block of pipelines/README.md, run as written.
    @Test("the fit / apply example in pipelines/README.md: apply prints exactly what run prints")
    func fitApplyExample() throws {
        let text = try String(contentsOf: PipelineExamples.readme, encoding: .utf8)
        let section = try #require(text.range(of: "## Fit once, apply many times").map { String(text[$0.upperBound...]) },
                                   "pipelines/README.md has no fit/apply section")
        let lines = section.split(separator: "\n").map(String.init)
        let fitLine = try #require(lines.first { $0.hasPrefix("prepline fit ") })
        let applyLine = try #require(lines.first { $0.hasPrefix("prepline apply ") })
        let tmp = try TempDir()
        func words(_ line: String) -> [String] {
            var words = line.split(separator: " ").map(String.init).dropFirst()  // "prepline"
            if let bar = words.firstIndex(of: "|") { words = words[..<bar] }
            return words.map { $0.hasPrefix("/tmp/") ? tmp.file(String($0.dropFirst(5))) : $0 }
        }
        let fitWords = words(fitLine)
        let fit = try prepline(fitWords + ["-q"], cwd: E2E.packageRoot.path)
        #expect(fit.status == 0, "\(fitLine): \(fit)")
        let fitted = try #require(fitWords.firstIndex(of: "-o").map { fitWords[$0 + 1] })
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fitted))) as? [String: Any])
        for (i, stage) in (spec["stages"] as? [[String: Any]] ?? []).enumerated() {
            #expect(stage["fitted"] != nil, "stage \(i) of the fitted spec has no \"fitted\": \(stage)")
        }

        var applyWords = words(applyLine)
        let redirect = try #require(applyWords.firstIndex(of: "<"), "the apply example reads stdin: \(applyLine)")
        let sample = applyWords[redirect + 1]
        applyWords.removeSubrange(redirect...(redirect + 1))
        let input = try [UInt8](Data(contentsOf: E2E.packageRoot.appendingPathComponent(sample)))
        let apply = try prepline(applyWords + ["-q"], stdin: .pipe(input), cwd: E2E.packageRoot.path)
        #expect(apply.status == 0, "\(applyLine): \(apply)")

        let specPath = try #require(fitWords.dropFirst().first)
        let run = try prepline(["run", specPath, sample, "-q"], cwd: E2E.packageRoot.path)
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdout.isEmpty)
        expectSameBytes(apply.stdout, run.stdout, "apply of the fitted spec vs run")

        // The refusal the section quotes.
        let refusal = try #require(section.firstMatch(of: try Regex(#"`(stages\[\d+\]: [^`]+)`"#)).map { String($0.output[1].substring ?? "") })
        let unfitted = try prepline(["apply", specPath, "-q"], stdin: .pipe(input), cwd: E2E.packageRoot.path)
        #expect(unfitted.status == 2 && unfitted.stderr.contains(refusal), "expected '\(refusal)': \(unfitted)")
        #expect(unfitted.stdout.isEmpty)
    }
}
