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
}
