import ArgumentParser
import Foundation
import PreplineCore

#if canImport(Glibc)
import Glibc
#endif

/// Exit codes, shared by every command's help.
let exitCodesHelp = """
    EXIT CODES
      0  success (also when the output pipe closes early, as with `| head`)
      1  rows rejected under on_error "fail", or checks failed
      2  usage or spec error
      3  malformed or unreadable input (bad CSV, bad gzip, missing file)
      4  I/O error on the output
      130, 143  interrupted by SIGINT, SIGTERM (temporary files removed, no partial output file)
    """

struct Prepline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepline",
        abstract: "Preprocess CSV data with a declarative JSON pipeline spec, streaming and in parallel.",
        discussion: """
            A spec chains stages (fill, scale, onehot) over CSV, with scikit-learn's numbers; prepline \
            runs them as a concurrent streaming pipeline in constant memory. `fit` learns the \
            parameters into a fitted spec, `apply` streams data through a fitted spec, `run` does both. \
            An empty stage list is a faithful, fast CSV pass-through.

            \(exitCodesHelp)
            """,
        version: "0.1.0",
        subcommands: [Run.self, Fit.self, Apply.self, Validate.self, Explain.self, SchemaCommand.self]
    )
}

/// How every data command runs: threads, chunking, progress, verbosity.
struct EngineOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Worker threads. Output is byte-identical for any value. (default: all cores)", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Bytes of CSV handed to a worker at once (K/M suffixes). Memory is about threads × 2 × this; output never depends on it.", valueName: "size"))
    var chunkSize: String = "1M"

    @Option(help: ArgumentHelp("Who splits records into fields: fast (prepline's splitter, checked against libcsv in the tests) or libcsv (the reference parser, about 4× slower to parse). Output is the same either way.", valueName: "parser"))
    var parser: String = "fast"

    @Option(help: ArgumentHelp("Progress bar on stderr: auto (only on a terminal), always, never.", valueName: "when"))
    var progress: String = "auto"

    @Flag(name: .shortAndLong, help: "No summary line on stderr (errors are still printed).")
    var quiet = false

    /// Checked while parsing, so a bad value is reported with the subcommand's usage.
    func validate() throws {
        _ = try engine
        _ = try progressMode
    }

    var engine: EngineOptions {
        get throws { try Self.engineOptions(threads: threads, chunkSize: chunkSize, parser: parser) }
    }

    var progressMode: ProgressMode {
        get throws { try Self.progressMode(progress, quiet: quiet) }
    }

    static func engineOptions(threads: Int?, chunkSize: String, parser: String) throws -> EngineOptions {
        guard let size = parseSize(chunkSize), size > 0 else {
            throw ValidationError("--chunk-size: expected a positive byte count such as 65536, 512K or 4M, got '\(chunkSize)'")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard let fieldParser = FieldParser(rawValue: parser) else {
            throw ValidationError("--parser: expected fast or libcsv, got '\(parser)'")
        }
        var options = EngineOptions(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, chunkSize: size)
        options.parser = fieldParser
        return options
    }

    static func progressMode(_ text: String, quiet: Bool) throws -> ProgressMode {
        guard let mode = ProgressMode(rawValue: text) else {
            throw ValidationError("--progress: expected auto, always or never, got '\(text)'")
        }
        return quiet && mode == .auto ? .never : mode
    }

    private static func parseSize(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        if let last = text.last, let multiplier = multipliers[last] {
            return Int(text.dropLast()).map { $0 * multiplier }
        }
        return Int(text)
    }
}

/// Where and how `run` and `apply` write.
struct OutputOptionGroup: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file; '-' is stdout. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "out"))
    var output: String = "-"

    @Flag(help: "End output records with CRLF instead of LF.")
    var crlf = false

    @Option(help: ArgumentHelp("Where on_error \"reject\" writes rejected records (CSV: file,line,reason,record; the record's bytes as read). Overrides output.rejects; a usage error unless on_error is \"reject\".", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Gzip level for a .gz output, 1 (fast) to 9 (small). Chunks are compressed in parallel.", valueName: "n"))
    var gzipLevel: Int = 6

    func validate() throws {
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be from 1 to 9") }
    }

    func transformOptions(spec: String, inputs: [String], engine: EngineOptionGroup) throws -> TransformOptions {
        var options = TransformOptions(specPath: spec)
        options.inputs = inputs
        options.output = output
        options.engine = try engine.engine
        options.progress = try engine.progressMode
        options.crlf = crlf
        options.rejects = rejects
        options.gzipLevel = Int32(gzipLevel)
        return options
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the spec on the input, then transform the same input.",
        discussion: """
            Reads each input file at most twice (once to fit, once to transform). With an empty \
            stage list nothing is fitted and the data streams through in one pass.

            EXAMPLES
              prepline run spec.json data.csv -o features.csv.gz
              zcat big.csv.gz | prepline run spec.json | head

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("The JSON pipeline spec.", valueName: "spec"))
    var spec: String

    @Argument(help: ArgumentHelp("Input CSV files (gzip detected by content); '-' or none reads stdin. Several inputs are one dataset with one header.", valueName: "input"))
    var inputs: [String] = []

    @OptionGroup var outputOptions: OutputOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    func run() throws {
        try execute(outputOptions.transformOptions(spec: spec, inputs: inputs, engine: engineOptions), quiet: engineOptions.quiet)
    }
}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transform the input with a fitted spec in one streaming pass (stdin to stdout by default).",
        discussion: """
            EXAMPLES
              zcat big.csv.gz | prepline apply fitted.json | head
              prepline apply fitted.json part-*.csv -o out.csv.gz --threads 2

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("A fitted spec (every learned parameter frozen in it).", valueName: "fitted"))
    var fitted: String

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"))
    var inputs: [String] = []

    @OptionGroup var outputOptions: OutputOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    func run() throws {
        var options = try outputOptions.transformOptions(spec: fitted, inputs: inputs, engine: engineOptions)
        options.requireFitted = true
        try execute(options, quiet: engineOptions.quiet)
    }
}

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learn every stage's parameters and write a fitted spec.",
        discussion: """
            Reads the inputs once, in parallel, and writes the same spec with each learned \
            parameter (means, scales, categories) under "fitted" in its stage. `prepline apply` \
            then needs nothing else. Several inputs are one dataset.

            EXAMPLES
              prepline fit spec.json train.csv -o fitted.json
              prepline apply fitted.json test.csv -o features.csv

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("The JSON pipeline spec.", valueName: "spec"))
    var spec: String

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the fitted spec; '-' is stdout. Written to a temporary file and renamed on success.", valueName: "fitted"))
    var output: String = "-"

    @OptionGroup var engineOptions: EngineOptionGroup

    func run() throws {
        var options = FitOptions(specPath: spec)
        options.inputs = inputs
        options.output = output
        options.engine = try engineOptions.engine
        options.progress = try engineOptions.progressMode
        let summary = try FitCommand.execute(options)
        if !engineOptions.quiet {
            StandardError.write(summary.line + "\n")
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the data against the spec's schema and checks: exit 0 when all pass, 1 when any fails.",
        discussion: """
            One parallel streaming pass, writing no data. The spec's "schema" is a Frictionless \
            Table Schema (inline, a path, or a datapackage.json resource): types string, number, \
            integer, boolean, date, datetime, year; constraints required, minimum, maximum, \
            exclusiveMinimum/Maximum, minLength, maxLength, pattern, enum, unique; missingValues; \
            primaryKey. The header, wrong-width rows and blank rows are checked as frictionless \
            does, and rows are numbered as it numbers them (the header is row 1, a blank line is \
            a row). The spec's "checks" are dataset-level: missing_ratio, rows, columns, \
            distinct, range (mean or std). Without a schema only the structure is checked. \
            --against adds drift checks from a fitted spec.

            COST: memory is constant, except for `unique` fields, `primaryKey` and `distinct` \
            checks, which remember every distinct key seen: O(distinct keys), about 60-100 bytes \
            per key plus the key's text.

            REPORTS (--report, repeatable)
              text          a table on stderr (the default)
              json[:PATH]   Frictionless' report vocabulary (valid, stats, errors[type, rowNumber,
                            fieldName, fieldNumber, cell, note, message], plus file, line, checks)
              junit:PATH    JUnit XML: one test case per field type and constraint, and per check
              github        ::error file=…,line=…:: annotations on stdout for GitHub Actions

            EXAMPLES
              prepline validate spec.json data.csv
              prepline validate spec.json data.csv --report json:report.json --report junit:junit.xml
              zcat big.csv.gz | prepline validate spec.json --max-errors 5
              prepline fit spec.json train.csv -o fitted.json
              prepline validate spec.json today.csv --against fitted.json --drift-k 2

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("The JSON pipeline spec (its input block says how to read the CSV).", valueName: "spec"))
    var spec: String

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("List at most this many errors (all are counted; the verdict and exit code count them all).", valueName: "n"))
    var maxErrors: Int = 20

    @Option(name: .customLong("report"), help: ArgumentHelp("text, json[:PATH], junit:PATH or github (repeatable).", valueName: "format[:path]"))
    var reports: [String] = []

    @Option(help: ArgumentHelp("A fitted spec (prepline fit) to check drift against: categories of its one-hot columns never seen at fit time, means of its z-scored columns moved by more than --drift-k fitted stds, and missing ratios grown by more than --drift-missing.", valueName: "fitted.json"))
    var against: String?

    @Option(help: ArgumentHelp("How many fitted standard deviations a z-scored column's mean may move (with --against).", valueName: "k"))
    var driftK: Double = 3

    @Option(help: ArgumentHelp("How much a column's missing ratio may grow since fit time, as a share of rows (with --against; 0.05 = five more in a hundred).", valueName: "share"))
    var driftMissing: Double = 0.05

    @OptionGroup var engineOptions: EngineOptionGroup

    func validate() throws {
        _ = try parsedReports()
        guard driftK >= 0, driftK.isFinite else { throw ValidationError("--drift-k must be a non-negative number") }
        guard (0...1).contains(driftMissing) else { throw ValidationError("--drift-missing must be a share from 0 to 1") }
    }

    func parsedReports() throws -> [(ReportFormat, String?)] {
        let list = try reports.map { text -> (ReportFormat, String?) in
            guard let parsed = ReportFormat.parse(text) else {
                throw ValidationError("--report: expected text, json[:PATH], junit:PATH or github, got '\(text)'")
            }
            if parsed.0 == .junit && parsed.1 == nil { throw ValidationError("--report junit needs a path: junit:report.xml") }
            return parsed
        }
        return list.isEmpty ? [(.text, nil)] : list
    }

    func run() throws {
        var options = ValidateOptions(specPath: spec)
        options.inputs = inputs
        options.maxErrors = max(0, maxErrors)
        options.engine = try engineOptions.engine
        options.progress = try engineOptions.progressMode
        options.against = against
        options.driftK = driftK
        options.driftMissing = driftMissing
        let result = try ValidateCommand.execute(options)
        // A closed stdout (`--report github | head -1`) ends the command quietly with exit 0.
        guard try ReportOutput.write(result, reports: parsedReports()) else { return }
        if !engineOptions.quiet {
            let verdict = result.valid ? "valid" : "INVALID"
            StandardError.write("prepline: \(verdict): \(result.summary.rowsIn) rows checked, \(result.errorCount) errors; \(result.summary.timing)\n")
        }
        if !result.valid { throw ExitCode(1) }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the plan: the stages, what they learn, the data passes, the output columns.",
        discussion: """
            Reads no data. Without --input the columns are the spec's names and globs; with \
            --input, only that file's header is read, the globs are resolved against it as `run` \
            resolves them (an unknown column is the same spec error, exit 2), and the output \
            columns are listed in order. One-hot columns show as `city_<category>…` until their \
            categories are known (a fitted spec, or "categories" given). Nothing is printed on \
            stderr unless there is an error.

            EXAMPLES
              prepline explain spec.json
              prepline explain spec.json --input data.csv
              prepline fit spec.json train.csv -o fitted.json
              prepline explain fitted.json --input test.csv

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("The JSON pipeline spec (fitted or not).", valueName: "spec"))
    var spec: String

    @Option(help: ArgumentHelp("A CSV (gzip detected by content; '-' is stdin) whose header resolves the columns. Only the first record is read.", valueName: "file"))
    var input: String?

    func run() throws {
        try StdoutText.write(ExplainCommand.execute(ExplainOptions(specPath: spec, input: input)))
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of the spec format, for editors and CI checks.",
        discussion: """
            The schema is generated from the spec decoder and the stage registry of this \
            version: every key, every stage's options with their types, allowed values, defaults \
            and descriptions, and the "fitted" block that `prepline fit` writes. Every object is \
            closed, so a misspelt key is flagged as prepline would refuse it; keys this version \
            refuses ("schema", "checks") are not in it. What needs the data (column names, globs \
            that match nothing) and a few rules between values (range low < high, a quote that \
            differs from the delimiter) are checked by prepline only; `prepline explain SPEC \
            --input FILE` checks a spec against a file's header without reading its data. \
            Editors use the schema through their settings (VS Code: "json.schemas", with \
            "fileMatch" patterns for your spec files).

            EXAMPLES
              prepline schema > prepline.schema.json
              check-jsonschema --schemafile prepline.schema.json pipelines/*.json

            \(exitCodesHelp)
            """
    )

    func run() throws {
        try StdoutText.write(SpecSchema.document.serialized() + "\n")
    }
}

/// Runs a transform and prints its summary; errors propagate to `main` for their exit code.
func execute(_ options: TransformOptions, quiet: Bool) throws {
    let result = try TransformCommand.execute(options)
    if !quiet && !result.stoppedByClosedPipe {
        StandardError.write(result.summary.line + "\n")
    }
}

// A closed pipe must surface as EPIPE on write (and end the run quietly), not kill the process;
// SIGINT/SIGTERM remove the temporary files.
ProcessStreams.prepare()

do {
    var command = try Prepline.parseAsRoot()
    try command.run()
    exit(0)
} catch let error as PreplineError {
    let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
    for line in lines { StandardError.write("prepline: error: \(line)\n") }
    if case .rowsFailed = error {
        StandardError.write("prepline: hint: set output.on_error to \"skip\" or \"reject\" to go on past bad rows\n")
    }
    exit(error.exitCode)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    // Argument parser errors: help and version exit 0, every usage error exits 2 (not 64).
    let code = Prepline.exitCode(for: error)
    let message = Prepline.fullMessage(for: error)
    if code == .success {
        print(message)
        exit(0)
    }
    StandardError.write(message + "\n")
    exit(2)
}
