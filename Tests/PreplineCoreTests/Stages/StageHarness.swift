import Foundation
import Testing
@testable import PreplineCore

// The one file through which the stage unit tests reach PreplineCore.
//
// The stage protocol, the execution plan, the fit pass and the writers are being reshaped
// (issue 13). So the tests in this folder speak only in spec JSON text and CSV text, read
// fitted specs through `FittedSpec`, and call nothing but this file (and the plain-Swift
// references in StageReferences.swift); when the library's seams move, this file is the one to
// adapt. Today: decoding is `Spec.parse` (every stage is decoded there), binding is
// `ExecutionPlan.init` on a header, and fit / apply / run are the package-level command entry
// points (`FitCommand.execute`, `TransformCommand.execute`) in-process on temporary files, the
// route the executable takes after parsing its arguments, without starting a process.

/// A failure as the stage tests check it: the exit code it maps to, the JSON path of a spec
/// error (nil for other kinds), and the whole message.
struct StageFailure: Error, CustomStringConvertible {
    var exitCode: Int32
    var path: String?
    var message: String
    /// For row-level failures: each failed row's reason, in input order.
    var rowReasons: [String] = []

    var description: String { "exit \(exitCode) at \(path ?? "-"): \(message)" }

    init(exitCode: Int32, path: String?, message: String) {
        self.exitCode = exitCode
        self.path = path
        self.message = message
    }

    init(_ error: PreplineError) {
        exitCode = error.exitCode
        message = error.description
        switch error {
        case .spec(_, let path, let message):
            self.path = path
            self.message = message
        case .rowsFailed(let errors, _, _):
            rowReasons = errors.map(\.reason)
        default:
            break
        }
    }
}

/// How much of the input each chunk holds and how many workers run: fitted statistics and
/// output must not depend on either.
struct Chunking: Sendable, CustomStringConvertible {
    var chunkSize: Int
    var threads: Int

    static let standard = Chunking(chunkSize: 1 << 20, threads: 2)
    /// Small chunks (one record each at size 1) at several thread counts, and one big chunk.
    static let variety: [Chunking] = [
        Chunking(chunkSize: 1 << 20, threads: 1), Chunking(chunkSize: 1, threads: 1), Chunking(chunkSize: 1, threads: 3),
        Chunking(chunkSize: 7, threads: 2), Chunking(chunkSize: 61, threads: 4), Chunking(chunkSize: 500, threads: 2),
    ]

    var description: String { "chunk size \(chunkSize), \(threads) threads" }
}

enum StageHarness {
    // MARK: Specs

    /// A spec text holding `stages` (each a JSON object text), with optional extra top-level
    /// members (e.g. `"output": {"on_error": "skip"}`).
    static func spec(_ stages: String..., extra: String? = nil) -> String {
        spec(stages: stages, extra: extra)
    }

    static func spec(stages: [String], extra: String? = nil) -> String {
        #"{"prepline": 1, "stages": ["# + stages.joined(separator: ", ") + "]" + (extra.map { ", " + $0 } ?? "") + "}"
    }

    // MARK: Decoding

    /// Decodes a spec holding the one stage `stage` (no data, no columns): nil when it is accepted.
    /// Each stage object (JSON) is refused as a spec error (exit 2) at `path`, with a message
    /// containing `says`.
    static func expectDecodeFailures(_ cases: [(stage: String, path: String, says: String)],
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (stage, path, says) in cases {
            let failure = try #require(decodeFailure(stage), "accepted: \(stage)", sourceLocation: sourceLocation)
            #expect(failure.exitCode == 2, "\(stage)", sourceLocation: sourceLocation)
            #expect(failure.path == path, "\(stage): \(failure)", sourceLocation: sourceLocation)
            #expect(failure.message.contains(says), "\(stage): \(failure)", sourceLocation: sourceLocation)
        }
    }

    static func decodeFailure(_ stage: String) -> StageFailure? {
        decodeFailure(spec: spec(stage))
    }

    /// Decodes a whole spec text (no data, no columns): nil when it is accepted.
    static func decodeFailure(spec: String) -> StageFailure? {
        do {
            _ = try Spec.parse(bytes: Array(spec.utf8), file: "spec.json")
            return nil
        } catch {
            return StageFailure(error)
        }
    }

    // MARK: Binding

    /// Binds `spec`'s stages to a dataset whose header is `columns`: the columns each stage
    /// is bound to, in order (globs resolved).
    static func bind(spec: String, columns: [String]) throws -> [[String]] {
        do {
            let decoded = try Spec.parse(bytes: Array(spec.utf8), file: "spec.json")
            let plan = try ExecutionPlan(stageSpecs: decoded.stages, header: DatasetHeader(names: columns, fromInput: true),
                                         dialect: decoded.input, file: decoded.file)
            return plan.stages.map(\.columnNames)
        } catch {
            throw StageFailure(error)
        }
    }

    /// The failure of `bind(spec:columns:)`; nil when every selector resolves.
    static func bindFailure(spec: String, columns: [String]) -> StageFailure? {
        failure { try bind(spec: spec, columns: columns) }
    }

    // MARK: Running

    /// `fit`: the fitted spec's text.
    static func fit(spec: String, csv: String, chunking: Chunking = .standard) throws -> String {
        try withFiles(csv: csv) { (input: String, output: String) throws(PreplineError) in
            var options = FitOptions(specPath: "spec.json")
            options.spec = .inline(spec)
            options.inputs = [input]
            options.output = output
            options.engine = EngineOptions(threads: chunking.threads, chunkSize: chunking.chunkSize)
            options.progress = .never
            // Fixed, so fitted specs compare byte for byte across chunkings.
            options.fittedAt = "2023-11-14T22:13:20Z"
            _ = try FitCommand.execute(options)
        }
    }

    /// `apply`: the output of a spec whose stages must all be fitted already.
    static func apply(spec: String, csv: String, chunking: Chunking = .standard) throws -> String {
        try transform(spec: spec, csv: csv, chunking: chunking, requireFitted: true)
    }

    /// `run`: fits on `csv`, then transforms it.
    static func run(spec: String, csv: String, chunking: Chunking = .standard) throws -> String {
        try transform(spec: spec, csv: csv, chunking: chunking, requireFitted: false)
    }

    /// Fits on `csv`, then applies the fitted spec (as written) to `applyTo` (default: `csv`).
    static func fitAndApply(spec: String, csv: String, applyTo: String? = nil,
                            chunking: Chunking = .standard) throws -> (fitted: FittedSpec, output: String) {
        let fitted = try FittedSpec(try fit(spec: spec, csv: csv, chunking: chunking))
        let output = try apply(spec: fitted.text, csv: applyTo ?? csv, chunking: chunking)
        return (fitted, output)
    }

    /// Runs `body`, turning a `PreplineError` into a `StageFailure`; nil when it succeeds.
    static func failure(_ body: () throws -> Any) -> StageFailure? {
        do {
            _ = try body()
            return nil
        } catch let failure as StageFailure {
            return failure
        } catch {
            return StageFailure(exitCode: -1, path: nil, message: "\(error)")
        }
    }

    private static func transform(spec: String, csv: String, chunking: Chunking, requireFitted: Bool) throws -> String {
        try withFiles(csv: csv) { (input: String, output: String) throws(PreplineError) in
            var options = TransformOptions(specPath: "spec.json")
            options.spec = .inline(spec)
            options.inputs = [input]
            options.output = output
            options.engine = EngineOptions(threads: chunking.threads, chunkSize: chunking.chunkSize)
            options.progress = .never
            options.requireFitted = requireFitted
            _ = try TransformCommand.execute(options)
        }
    }

    /// Writes `csv` to a temporary input, runs `body(inputPath, outputPath)` and returns what it
    /// wrote to the output; a `PreplineError` comes out as a `StageFailure`.
    private static func withFiles(csv: String, _ body: (String, String) throws(PreplineError) -> Void) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prepline-stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input.csv").path
        let output = directory.appendingPathComponent("output").path
        guard FileManager.default.createFile(atPath: input, contents: Data(csv.utf8)) else {
            throw StageFailure(exitCode: -1, path: nil, message: "cannot write \(input)")
        }
        do {
            try body(input, output)
        } catch {
            throw StageFailure(error)
        }
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    // MARK: JSON

    fileprivate static func json(_ text: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            throw StageFailure(exitCode: -1, path: nil, message: "not JSON: \(error.message)")
        }
    }
}

/// A fitted spec as `fit` wrote it, read through accessors so the tests need no JSON model.
struct FittedSpec {
    let text: String
    private let root: JSONValue

    init(_ text: String) throws {
        self.text = text
        root = try StageHarness.json(text)
    }

    /// The `fitted` block of stage `stage` (nil when it has none).
    private func block(_ stage: Int) -> JSONValue? {
        guard case .array(let stages)? = root["stages"], stage < stages.count else { return nil }
        return stages[stage]["fitted"]
    }

    func hasFittedBlock(stage: Int) -> Bool { block(stage) != nil }

    /// The columns of stage `stage`'s fitted block, in order.
    func fittedColumns(stage: Int) -> [String] {
        guard case .object(let members)? = block(stage) else { return [] }
        return members.map(\.key)
    }

    /// The keys of one column's fitted entry, in order.
    func fittedKeys(stage: Int, column: String) -> [String] {
        guard case .object(let members)? = block(stage)?[column] else { return [] }
        return members.map(\.key)
    }

    private func value(_ stage: Int, _ column: String, _ key: String) -> JSONValue? { block(stage)?[column]?[key] }

    /// The JSON text of `fitted[column][key]` (nil when absent).
    func json(stage: Int, column: String, key: String) -> String? { value(stage, column, key)?.serialized() }

    func number(stage: Int, column: String, key: String) -> Double? {
        if case .number(let x, _)? = value(stage, column, key) { return x }
        return nil
    }

    func isNull(stage: Int, column: String, key: String) -> Bool { value(stage, column, key) == .null }

    func string(stage: Int, column: String, key: String) -> String? {
        if case .string(let s)? = value(stage, column, key) { return s }
        return nil
    }

    /// An array of numbers (nil if anything else).
    func numbers(stage: Int, column: String, key: String) -> [Double]? {
        guard case .array(let items)? = value(stage, column, key) else { return nil }
        var result: [Double] = []
        for item in items {
            guard case .number(let x, _) = item else { return nil }
            result.append(x)
        }
        return result
    }

    /// An array of strings; a `null` item is nil (the missing category).
    func strings(stage: Int, column: String, key: String) -> [String?]? {
        guard case .array(let items)? = value(stage, column, key) else { return nil }
        var result: [String?] = []
        for item in items {
            switch item {
            case .string(let s): result.append(s)
            case .null: result.append(nil)
            default: return nil
            }
        }
        return result
    }

    /// The spec text with `fitted[column][key]` of stage `stage` replaced by the JSON text
    /// `json` (added if absent, removed when nil).
    func replacing(stage: Int, column: String, key: String, json: String?) throws -> String {
        let value = try json.map { try StageHarness.json($0) }
        return Self.replacing(root, at: ["stages", "\(stage)", "fitted", column, key], with: value).serialized()
    }

    /// The spec text with stage `stage`'s option `key` replaced by the JSON text `json`
    /// (removed when nil).
    func replacingOption(stage: Int, key: String, json: String?) throws -> String {
        let value = try json.map { try StageHarness.json($0) }
        return Self.replacing(root, at: ["stages", "\(stage)", key], with: value).serialized()
    }

    /// `root` with the member at `path` (object keys; array indexes as decimal strings) replaced.
    private static func replacing(_ root: JSONValue, at path: [String], with value: JSONValue?) -> JSONValue {
        guard let head = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch root {
        case .object(var members):
            if let i = members.firstIndex(where: { $0.key == head }) {
                if rest.isEmpty && value == nil { members.remove(at: i) } else { members[i].value = replacing(members[i].value, at: rest, with: value) }
            } else if let value {
                // An absent member is created (objects along the way).
                members.append((head, replacing(.object([]), at: rest, with: value)))
            }
            return .object(members)
        case .array(var items):
            guard let i = Int(head), i < items.count else { return root }
            items[i] = replacing(items[i], at: rest, with: value)
            return .array(items)
        default:
            return root
        }
    }
}

// MARK: - CSV helpers for the tests (plain Swift: simple unquoted CSV only)

/// A simple CSV table: the tests' inputs and outputs have no quoted fields.
struct SimpleTable: Equatable {
    var header: [String]
    var rows: [[String]]

    init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    var csv: String { ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n" }

    func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    /// A column's cells as numbers; an empty cell is nil.
    func numbers(_ name: String) -> [Double?] { column(name).map { $0.isEmpty ? nil : Double($0) } }
}

/// The numbers of a column, missing ("") left out, in input order.
func observedNumbers(_ cells: [String]) -> [Double] { cells.compactMap { $0.isEmpty ? nil : Double($0)! } }
