import ArgumentParser
import Foundation
import PreplineCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Prepline: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Every command names itself: without `commandName` ArgumentParser derives the name by
        // reflection (conformance lookups over the whole binary) at every start.
        commandName: "prepline",
        abstract: "Preprocess CSV data with a declarative JSON pipeline spec, streaming and in parallel.",
        discussion: """
            A spec chains stages (\(StageRegistry.kinds.map { $0.kind }.joined(separator: ", "))) over CSV, with scikit-learn's numbers; prepline \
            runs them as a concurrent streaming pipeline in constant memory. `fit` learns the \
            parameters into a fitted spec, `apply` streams data through a fitted spec, `run` does both. \
            An empty stage list is a faithful, fast CSV pass-through.

            \(StageRegistry.helpText())

            \(exitCodesHelp)
            """,
        version: PreplineVersion.current,
        subcommands: [Run.self, Fit.self, Apply.self, Merge.self, Split.self, Validate.self, Profile.self, Explain.self, SchemaCommand.self]
    )
}

/// Arguments whose checks (a missing spec, a value out of range) run as ArgumentParser's
/// `validate()`, which comes before its check for unknown options: `fit --partail` would say the
/// spec is missing. After a failed parse `main` parses again with `ArgumentChecks.skipped`; an
/// unknown option that parse finds is the error reported.
protocol CheckedArguments: ParsableArguments {
    func check() throws
}

extension CheckedArguments {
    func validate() throws {
        if !ArgumentChecks.skipped { try check() }
    }
}

enum ArgumentChecks {
    /// Set only by `parseErrorBehindChecks`, on the main thread, around one parse.
    nonisolated(unsafe) static var skipped = false

    /// The error parsing `arguments` gives when no `check()` runs (an unknown option, an
    /// unexpected argument), or nil when that parse succeeds.
    static func parseErrorBehindChecks(_ arguments: [String]) -> Error? {
        skipped = true
        defer { skipped = false }
        do {
            _ = try Prepline.parseAsRoot(arguments)
            return nil
        } catch {
            return error
        }
    }
}

/// How every data command runs: threads, chunking, progress, verbosity.
struct EngineOptionGroup: EngineOptionsParsing {
    @Option(help: threadsHelp)
    var threads: Int?

    @Option(help: ArgumentHelp("Bytes of CSV handed to a worker at once (K/M/G suffixes). At most 2 × threads + 2 chunks are in flight (1 under --threads 1); with their input and output buffers memory is bounded by about (5 × threads + 5) × this, more when stages widen the rows, plus the stages' state. Output never depends on it.", valueName: "size"))
    var chunkSize: String = EngineArguments.defaultChunkSize

    @OptionGroup var common: CommonEngineOptions
}

/// The engine options of the commands that read data and run no stages (`profile`, `split`):
/// the same options as `EngineOptionGroup`, with a `--chunk-size` help that says what applies to them.
struct ReadingEngineOptionGroup: EngineOptionsParsing {
    @Option(help: threadsHelp)
    var threads: Int?

    @Option(help: ArgumentHelp("Bytes of CSV handed to a worker at once (K/M/G suffixes). A few chunks of about this size are in flight per thread (profile: threads + 2, beside its budgets' tables; split: 2 × threads + 2). Output never depends on it.", valueName: "size"))
    var chunkSize: String = EngineArguments.defaultChunkSize

    @OptionGroup var common: CommonEngineOptions
}

/// The engine options every data command shares, after `--threads` and `--chunk-size` (whose
/// help depends on the command).
struct CommonEngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Who splits records into fields: fast (prepline's splitter, checked against libcsv in the tests) or libcsv (the reference parser, about 4× slower to parse). Output is the same either way.", valueName: "parser"))
    var parser: FieldParser = .fast

    @Option(help: ArgumentHelp("Progress bar on stderr: auto (only on a terminal), always, never.", valueName: "when"))
    var progress: ProgressMode = .auto

    @Flag(name: .shortAndLong, help: "No summary line on stderr (errors are still printed).")
    var quiet = false
}

/// What both engine option groups give a command: the engine options, the progress mode and
/// `quiet`, checked while parsing so a bad value is reported with the subcommand's usage.
protocol EngineOptionsParsing: CheckedArguments {
    var threads: Int? { get }
    var chunkSize: String { get }
    var common: CommonEngineOptions { get }
}

extension EngineOptionsParsing {
    static var threadsHelp: ArgumentHelp {
        ArgumentHelp("Worker threads. Output is byte-identical for any value. 1: everything on one thread, one chunk in memory (one core per task, as engines run them). (default: all cores)", valueName: "n")
    }

    func check() throws { try arguments.check() }

    var arguments: EngineArguments {
        EngineArguments(threads: threads, chunkSize: chunkSize, parser: common.parser, progress: common.progress, quiet: common.quiet)
    }

    var quiet: Bool { common.quiet }

    var engine: EngineOptions {
        get throws { try arguments.engine }
    }

    var progressMode: ProgressMode { arguments.progressMode }
}

/// An option value that is one of an enum's string raw values. ArgumentParser's defaults for
/// such enums build the same strings at every start by key path and interpolation, case by case
/// (about 2M instructions, a sixth of a `fit`'s parse): here they are the raw values themselves.
package protocol RawValueArgument: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension RawValueArgument {
    package static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    /// ArgumentParser lists a description only where it differs from the value; none does.
    package static var allValueDescriptions: [String: String] { [:] }
    package var defaultValueDescription: String { rawValue }
}

extension FieldParser: RawValueArgument {}
extension ProgressMode: RawValueArgument {}
extension OnError: RawValueArgument {}
extension ExtraColumns: RawValueArgument {}

/// The help of a command's first positional: the spec, which `--spec-json` replaces.
func specHelp(_ what: String, name: String = "spec") -> ArgumentHelp {
    ArgumentHelp("\(what): a file, '-' for stdin (when the data is not read from stdin), or a FIFO such as <(…). Omitted with --spec-json, where every positional is an input.", valueName: name)
}

/// Where the spec comes from and the one-run overrides of its input block.
struct SpecOptionGroup: ParsableArguments {
    @Option(name: .customLong("spec-json"), help: ArgumentHelp("The spec inline, as JSON text; then there is no SPEC argument and every positional argument is an input. Messages name it --spec-json.", valueName: "json"))
    var specJSON: String?

    @Option(help: ArgumentHelp("The input's delimiter for this run, one byte ('\\t' or tab for a tab); overrides input.delimiter (the output keeps output.delimiter, or follows this).", valueName: "char"))
    var delimiter: String?

    @Flag(name: .customLong("no-header"), help: "The input has no header record (overrides input.header; columns are named column_1, column_2…).")
    var noHeader = false

    var arguments: SpecArguments { SpecArguments(specJSON: specJSON, delimiter: delimiter, noHeader: noHeader) }

    var overrides: SpecOverrides { arguments.overrides }

    func resolve(_ positionals: (String?, [String]), dataFromStdin: Bool = true) throws -> (SpecSource, [String]) {
        try arguments.resolve(positionals, dataFromStdin: dataFromStdin)
    }
}

/// Where and how `run` and `apply` write.
struct OutputOptionGroup: CheckedArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file; '-' is stdout. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "out"), completion: .file())
    var output: String = "-"

    @Flag(help: "End output records with CRLF instead of LF.")
    var crlf = false

    @Option(help: ArgumentHelp("Where on_error \"reject\" writes rejected records (CSV: file,line,reason,record; the record's bytes as read). Overrides output.rejects; a usage error unless on_error is \"reject\".", valueName: "file"), completion: .file())
    var rejects: String?

    @Option(help: ArgumentHelp("Gzip level for a .gz output, 1 (fast) to 9 (small). Chunks are compressed in parallel.", valueName: "n"))
    var gzipLevel: Int = 6

    @Option(help: ArgumentHelp("What a row-level error does, for this run (overrides output.on_error): fail (stop, exit 1), skip (drop and count), reject (write to the rejects file).", valueName: "mode"))
    var onError: OnError?

    var arguments: OutputArguments {
        OutputArguments(output: output, crlf: crlf, rejects: rejects, gzipLevel: gzipLevel, onError: onError)
    }

    func check() throws { try arguments.check() }

    func transformOptions(spec: SpecOptionGroup, positionals: (String?, [String]), engine: EngineOptionGroup, dataFromStdin: Bool = true) throws -> TransformOptions {
        try arguments.transformOptions(spec: spec.arguments, positionals: positionals, engine: engine.arguments, dataFromStdin: dataFromStdin)
    }
}

struct Run: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fit the spec on the input, then transform the same input.",
        discussion: """
            Reads each input file at most twice (once to fit, once to transform). With an empty \
            stage list nothing is fitted and the data streams through in one pass. `run` fits \
            the very input it transforms, so it has no --extra-columns (that is `apply`'s, for \
            data other than the training data). Two columns of one name in a header are an \
            input error (exit 3).

            EXAMPLES
              prepline run spec.json data.csv -o features.csv.gz
              zcat big.csv.gz | prepline run spec.json | head

            \(exitCodesHelp)
            """
    )

    @Argument(help: specHelp("The JSON pipeline spec"), completion: .file())
    var spec: String?

    @Argument(help: ArgumentHelp("Input CSV files (gzip detected by content); '-' or none reads stdin. Several inputs are one dataset with one header.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @OptionGroup var specOptions: SpecOptionGroup
    @OptionGroup var outputOptions: OutputOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    func check() throws { _ = try specOptions.resolve((spec, inputs)) }

    func run() throws {
        try execute(outputOptions.transformOptions(spec: specOptions, positionals: (spec, inputs), engine: engineOptions), quiet: engineOptions.quiet)
    }
}

struct Apply: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Transform the input with a fitted spec in one streaming pass (stdin to stdout by default).",
        discussion: """
            Input columns are matched by name to the columns the spec was fitted on (its \
            "training" header): the output has the training layout whatever the input's column \
            order. A training column missing from the input is an input error (exit 3), and so \
            is a column the fit did not see, unless --extra-columns says drop or keep. A fitted \
            spec without a "training" block (written by hand) matches columns by position. \
            Several inputs must share one header, in one order. Two columns of one name in a \
            header are an input error (exit 3).

            EXAMPLES
              zcat big.csv.gz | prepline apply fitted.json | head
              prepline apply fitted.json part-*.csv -o out.csv.gz --threads 2
              prepline apply fitted.json tomorrow.csv --extra-columns drop -o features.csv

            \(exitCodesHelp)
            """
    )

    @Argument(help: specHelp("A fitted spec (every learned parameter frozen in it)", name: "fitted"), completion: .file())
    var fitted: String?

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @Option(help: ArgumentHelp("What an input column the fit did not see (not in the fitted spec's training header) does: error (exit 3, naming it), drop (left out of the output), keep (written after the training columns, in input order, unchanged). A usage error with a fitted spec that has no training block. (default: error)", valueName: "mode"))
    var extraColumns: ExtraColumns?

    @Option(help: ArgumentHelp("Read the input paths from this file ('-': stdin), one a line, blank lines ignored (the shape Spark's RDD.pipe gives a partition of paths); the INPUT arguments are then not allowed. An empty list writes an empty output.", valueName: "file"), completion: .file())
    var inputList: String?

    @Flag(name: .customLong("no-output-header"), help: "Write no header record (overrides output.header): for the partitions after the first, so their outputs concatenate into one CSV.")
    var noOutputHeader = false

    @OptionGroup var specOptions: SpecOptionGroup
    @OptionGroup var outputOptions: OutputOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    var request: ApplyRequest {
        ApplyRequest(fitted: fitted, inputs: inputs, extraColumns: extraColumns, inputList: inputList, noOutputHeader: noOutputHeader,
                     specArguments: specOptions.arguments, outputArguments: outputOptions.arguments, engineArguments: engineOptions.arguments)
    }

    func check() throws { try request.check() }

    func run() throws { try request.run() }
}

struct Fit: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Learn every stage's parameters and write a fitted spec.",
        discussion: """
            Reads the inputs once, in parallel, and writes the same spec with each learned \
            parameter (means, scales, categories) under "fitted" in its stage, and its schema \
            inline. `prepline apply` then needs nothing else. Several inputs are one dataset. \
            A "training" block records the data fitted on: its header (which `apply` matches \
            columns to by name), rows, missing tokens, the prepline version and the time of \
            the fit (SOURCE_DATE_EPOCH, when set, for reproducible output). The input block \
            is written as this run read the data (--delimiter and --no-header included).

            EXAMPLES
              prepline fit spec.json train.csv -o fitted.json
              prepline apply fitted.json test.csv -o features.csv

            \(exitCodesHelp)
            """
    )

    @Argument(help: specHelp("The JSON pipeline spec"), completion: .file())
    var spec: String?

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the fitted spec; '-' is stdout. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "fitted"), completion: .file())
    var output: String = "-"

    @Option(help: ArgumentHelp("What a row-level error does, for this run (overrides output.on_error): fail (stop, exit 1); skip or reject (the row is left out of the statistics; fit writes no rejects).", valueName: "mode"))
    var onError: OnError?

    @Flag(help: "Write the fit state of this partition (a part: one line of JSON with the spec's digest, the header and the statistics) for `prepline merge`, instead of a fitted spec. Its size grows with categories, vocabulary and the distinct values of median/percentile columns, never with rows otherwise.")
    var partial = false

    @Option(help: ArgumentHelp("With --partial: the pass state `prepline merge` wrote for a spec that needs another fit pass; fits that pass.", valueName: "state"), completion: .file())
    var passState: String?

    @Option(help: ArgumentHelp("Read the input paths from this file ('-': stdin), one a line, blank lines ignored (the shape Spark's RDD.pipe gives a partition of paths); the INPUT arguments are then not allowed. An empty list is an empty partition.", valueName: "file"), completion: .file())
    var inputList: String?

    @OptionGroup var specOptions: SpecOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    var request: FitRequest {
        FitRequest(spec: spec, inputs: inputs, output: output, onError: onError, partial: partial, passState: passState, inputList: inputList,
                   specArguments: specOptions.arguments, engineArguments: engineOptions.arguments)
    }

    func check() throws { try request.check() }

    func run() throws { try request.run() }
}

struct Merge: CheckedArguments, ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the parts `fit --partial` wrote into the fitted spec (or, with --partial, into one part).",
        discussion: """
            Parts merge in the order given, which is the order of the data (ffill's carry and \
            every statistic follow it): the fitted spec is the one `prepline fit` writes for the \
            concatenated inputs, byte for byte but the time in its training block \
            (SOURCE_DATE_EPOCH, when set). Merging is associative: merged parts merge again. \
            Parts of another spec (spec_digest), header or fit pass are refused (exit 2). '-' \
            reads parts from stdin one a line, as a Hadoop Streaming reducer gets them: a \
            trailing tab is dropped, and a line that starts with a key and a tab is read after \
            the tab. A spec that needs another fit pass gets a pass state instead, said on stderr: \
            run `fit --partial --pass-state STATE` per partition again and merge those parts. \
            Cost: reading the parts (each the size of its statistics) and merging them, one at a \
            time on each thread; each thread holds a merged state and the part it reads.

            EXAMPLES
              prepline fit spec.json part-1.csv --partial -o p1.part
              prepline fit spec.json part-2.csv --partial -o p2.part
              prepline merge p1.part p2.part -o fitted.json
              cat parts.txt | prepline merge - -o fitted.json

            \(exitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("Part files, in data order; '-' reads parts from stdin, one a line.", valueName: "part"), completion: .file())
    var parts: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the fitted spec (or part, or pass state); '-' is stdout. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "fitted"), completion: .file())
    var output: String = "-"

    @Flag(help: "Write the merged part (one line) instead of the fitted spec, to merge again later.")
    var partial = false

    @Option(help: ArgumentHelp("Threads that read and merge parts, each a run of consecutive parts (at least \(MergeCommand.minimumPartsPerThread) a thread), merged in order at the end. Output is byte-identical for any value; each thread holds a merged state. (default: the cores, at most \(MergeCommand.defaultThreadLimit))", valueName: "n"))
    var threads: Int?

    @Flag(name: .shortAndLong, help: "No summary line on stderr (errors are still printed).")
    var quiet = false

    var request: MergeRequest { MergeRequest(parts: parts, output: output, partial: partial, threads: threads, quiet: quiet) }

    func check() throws { try request.check() }

    func run() throws { try request.run() }
}

struct Validate: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "validate",
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
              json[:PATH]   Frictionless' report vocabulary: valid, stats, errors (type,
                            rowNumber, fieldName, fieldNumber, cell, note, message),
                            plus file, line and checks
              junit:PATH    JUnit XML: one test case per field type and constraint,
                            and one per check
              github        ::error file=…,line=…:: annotations on stdout (GitHub Actions)

            EXAMPLES
              prepline validate spec.json data.csv
              prepline validate spec.json data.csv --report json:report.json
              prepline validate spec.json data.csv --report junit:junit.xml --report github
              zcat big.csv.gz | prepline validate spec.json --max-errors 5
              prepline fit spec.json train.csv -o fitted.json
              prepline validate spec.json today.csv --against fitted.json --drift-k 2

            \(exitCodesHelp)
            """
    )

    @Argument(help: specHelp("The JSON pipeline spec (its input block says how to read the CSV)"), completion: .file())
    var spec: String?

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @Option(help: ArgumentHelp("List at most this many errors (all are counted; the verdict and exit code count them all).", valueName: "n"))
    var maxErrors: Int = 20

    @Option(name: .customLong("report"), help: ArgumentHelp("text, json[:PATH], junit:PATH or github (repeatable); PATH '-' is stdout, which one report at most may use. A PATH ending in .gz is written gzip-compressed.", valueName: "format[:path]"),
            completion: .list(["text", "json", "json:", "junit:", "github"]))
    var reports: [String] = []

    @Option(help: ArgumentHelp("A fitted spec (prepline fit) to check drift against: categories of its one-hot columns never seen at fit time, means of its z-scored columns moved by more than --drift-k fitted stds, and missing ratios grown by more than --drift-missing.", valueName: "fitted.json"), completion: .file())
    var against: String?

    @Option(help: ArgumentHelp("How many fitted standard deviations a z-scored column's mean may move (with --against).", valueName: "k"))
    var driftK: Double = 3

    @Option(help: ArgumentHelp("How much a column's missing ratio may grow since fit time, as a share of rows (with --against; 0.05 = five more in a hundred).", valueName: "share"))
    var driftMissing: Double = 0.05

    @OptionGroup var specOptions: SpecOptionGroup
    @OptionGroup var engineOptions: EngineOptionGroup

    func check() throws {
        let (source, inputs) = try specOptions.resolve((spec, inputs))
        if against == "-" && (source == .stdin || inputs.isEmpty || inputs.contains("-")) {
            throw ValidationError("--against -: stdin is already read for the spec or the data; name the fitted spec's file")
        }
        _ = try parsedReports()
        guard driftK >= 0, driftK.isFinite else { throw ValidationError("--drift-k must be a non-negative number") }
        guard (0...1).contains(driftMissing) else { throw ValidationError("--drift-missing must be a share from 0 to 1") }
    }

    func parsedReports() throws -> [(ReportFormat, String?)] {
        let list = try reports.map { text -> (ReportFormat, String?) in
            guard let parsed = ReportFormat.parse(text) else {
                let format = String(text.prefix { $0 != ":" })
                throw ValidationError("--report: expected text, json[:PATH], junit:PATH or github, got '\(text)'\(Suggestion.didYouMean(format, in: ["text", "json", "junit", "github"]))")
            }
            if parsed.0 == .junit && parsed.1 == nil { throw ValidationError("--report junit needs a path: junit:report.xml") }
            return parsed
        }
        return list.isEmpty ? [(.text, nil)] : list
    }

    func run() throws {
        let (source, inputs) = try specOptions.resolve((spec, inputs))
        var options = ValidateOptions(specPath: "-")
        options.spec = source
        options.overrides = specOptions.overrides
        options.inputs = inputs
        options.maxErrors = max(0, maxErrors)
        options.engine = try engineOptions.engine
        options.progress = engineOptions.progressMode
        options.against = against
        options.driftK = driftK
        options.driftMissing = driftMissing
        options.reportPaths = try parsedReports().compactMap { $0.1 }
        options.stdoutReports = try zip(reports, parsedReports()).filter { ReportOutput.writesStdout($1.0, $1.1) }.map { "--report \($0.0)" }
        let result = try ValidateCommand.execute(options)
        // A closed stdout (`--report github | head -1`) ends the command quietly, but the data
        // was all checked: the exit code is still the verdict, so a CI step never turns green.
        guard try ReportOutput.write(result, reports: parsedReports()) else {
            if !result.valid { throw ExitCode(1) }
            return
        }
        if !engineOptions.quiet {
            let verdict = result.valid ? "valid" : "INVALID"
            StandardError.write("prepline: \(verdict): \(Plural.of(result.summary.rowsIn, "row")) checked, \(Plural.of(result.errorCount, "error")); \(result.summary.timing)\n")
        }
        if !result.valid { throw ExitCode(1) }
    }
}

struct Profile: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Describe every column and the data set in one pass: types, missing values, distinct counts, figures, duplicates, missingness.",
        discussion: """
            One parallel streaming pass. Per column: the inferred Table Schema type, count, \
            missing count and ratio, distinct count; for numbers min, max, mean, std (ddof 1), \
            quantiles 5/25/50/75/95 (numpy linear), a 20-bin histogram, zeros, negatives; for \
            text: length min/mean/max and the 10 most frequent values. Per data set: rows, \
            missing cells, duplicate rows, the missingness by band of rows (at most 200) and \
            the nullity correlation (pandas' df.isna().corr()). Numbers equal pandas' on the \
            same file: rows as pandas counts them (empty lines and lines of blanks are none), \
            inf and 1e999 are numbers (counted as infinite, the other figures of the finite \
            values). A table on stdout by default (COLUMNS or the terminal's width, else 80); \
            --json and --html write the whole profile (the README documents the JSON, version 1).

            COST: memory is bounded by the budgets, never by the rows: per column up to \
            --distinct-budget distinct texts (about 22 bytes each; 65,536 while a column reads \
            as numbers) and --quantile-budget distinct numbers (about 24 bytes each), and --distinct-budget row keys for the \
            duplicate count (about 12 bytes each). Past a budget the figure is an estimate, \
            marked so in the JSON: distinct counts by HyperLogLog (0.81% standard error), \
            quantiles and histogram from a log-bucket sketch (within 0.1% of the value), \
            duplicates counted against the first rows only (a lower bound), top values counted among the \
            first values seen. The nullity correlation costs width² / 2 counts (not taken past \
            512 columns).

            EXAMPLES
              prepline profile data.csv
              prepline profile data.csv --json profile.json --html profile.html
              prepline profile data.csv --spec spec.json --emit-spec start.json
              zcat big.csv.gz | prepline profile --distinct-budget 100000

            \(profileExitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("Input CSV files; '-' or none reads stdin.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @Option(help: ArgumentHelp("A spec that says how to read the data: its input block's delimiter, quote, header, columns, missing, encoding, decimal and group, and a schema number field's decimalChar and groupChar for its column; nothing else of it. Without it the defaults.", valueName: "spec"), completion: .file())
    var spec: String?

    @Option(help: ArgumentHelp("Write the profile as JSON (version 1, documented in the README); '-' is stdout. A name ending in .gz is written gzip-compressed.", valueName: "file"), completion: .file())
    var json: String?

    @Option(help: ArgumentHelp("Write the profile as one self-contained HTML page (inline SVG, no script); '-' is stdout. A name ending in .gz is written gzip-compressed.", valueName: "file"), completion: .file())
    var html: String?

    @Option(help: ArgumentHelp("Write a starting spec: the input block, a Table Schema with the inferred types (required where nothing was missing) and checks from what was seen; validate accepts the same data. '-' is stdout; a name ending in .gz is written gzip-compressed.", valueName: "file"), completion: .file())
    var emitSpec: String?

    @Option(help: ArgumentHelp("Distinct texts counted exactly per column (N of them: a column with N distinct values is exact), and row keys for the duplicate count; about 22 bytes each per column (12 per row key); a column that reads as numbers keeps at most 65,536 (its distinct count is exact within --quantile-budget). Past it: HyperLogLog estimates (0.81% standard error).", valueName: "n"))
    var distinctBudget: Int = 1_000_000

    @Option(help: ArgumentHelp("Distinct numbers kept with their counts per numeric column (exact quantiles, histogram, distinct count); about 24 bytes each. Past it: a log-bucket sketch within 0.1% of each quantile.", valueName: "n"))
    var quantileBudget: Int = 262_144

    @Option(help: ArgumentHelp("The input's delimiter for this run, one byte ('\\t' or tab for a tab); overrides the spec's input.delimiter.", valueName: "char"))
    var delimiter: String?

    @Flag(name: .customLong("no-header"), help: "The input has no header record (columns are named column_1, column_2…).")
    var noHeader = false

    @OptionGroup var engineOptions: ReadingEngineOptionGroup

    func check() throws {
        guard distinctBudget >= 1 else { throw ValidationError("--distinct-budget must be at least 1") }
        guard quantileBudget >= 1 else { throw ValidationError("--quantile-budget must be at least 1") }
        if let delimiter, SpecOverrides.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter: expected one byte such as ';' or '\\t', got '\(delimiter)'")
        }
        if spec == "-" && (inputs.isEmpty || inputs.contains("-")) {
            throw ValidationError("--spec -: stdin is the data; name the spec's file")
        }
    }

    func run() throws {
        var options = ProfileOptions()
        options.spec = spec.map { SpecSource(path: $0) }
        options.overrides.delimiter = delimiter.flatMap(SpecOverrides.delimiterByte)
        options.overrides.noHeader = noHeader
        options.inputs = inputs
        options.jsonPath = json
        options.htmlPath = html
        options.emitSpecPath = emitSpec
        options.budgets.distinct = distinctBudget
        options.budgets.quantile = quantileBudget
        options.engine = try engineOptions.engine
        options.progress = engineOptions.progressMode
        let result = try ProfileCommand.execute(options)
        for warning in result.warnings { StandardError.write("prepline: warning: \(warning)\n") }
        if result.malformedRows > 0 {
            StandardError.write("prepline: warning: \(Plural.of(result.malformedRows, "record")) of the wrong width left out of the profile (first: \(result.firstMalformed ?? ""))\n")
        }
        // A document written to stdout is the whole of stdout: no table after it.
        let documentOnStdout = [json, html, emitSpec].contains("-")
        // stdout's reader has gone (`| head`): the end is quiet, as for every command.
        if result.stdoutClosed { return }
        if !documentOnStdout {
            guard try ProfileCommand.writeTable(result.document, width: nil) else { return }
        }
        if !engineOptions.quiet {
            StandardError.write("prepline: profiled \(Plural.of(result.summary.rowsOut, "row")); \(result.summary.timing)\n")
        }
    }
}

struct Explain: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print the plan: the stages, what they learn, the data passes, the output columns.",
        discussion: """
            Reads no data. Without an input the columns are the spec's names and globs; with \
            one (INPUT or --input), only that file's header is read, the globs are resolved against it as `run` \
            resolves them (an unknown column is the same spec error, exit 2), and the output \
            columns are listed in order. One-hot columns show as `city_<category>…` until their \
            categories are known (a fitted spec, or "categories" given). Nothing is printed on \
            stderr unless there is an error.

            EXAMPLES
              prepline explain spec.json
              prepline explain spec.json data.csv
              prepline fit spec.json train.csv -o fitted.json
              prepline explain fitted.json --input test.csv

            \(exitCodesHelp)
            """
    )

    @Argument(help: specHelp("The JSON pipeline spec (fitted or not)"), completion: .file())
    var spec: String?

    @Argument(help: ArgumentHelp("A CSV whose header resolves the columns, as --input.", valueName: "input"), completion: .file())
    var positionalInputs: [String] = []

    @Option(help: ArgumentHelp("A CSV (gzip detected by content; '-' is stdin) whose header resolves the columns. Only the first record is read.", valueName: "file"), completion: .file())
    var input: String?

    @OptionGroup var specOptions: SpecOptionGroup

    /// The spec and the one input whose header is read (positional or --input, not both).
    func resolved() throws -> (SpecSource, String?) {
        let (source, inputs) = try specOptions.resolve((spec, positionalInputs), dataFromStdin: false)
        if inputs.count > 1 || (!inputs.isEmpty && input != nil) {
            throw ValidationError("explain reads one input's header: give one INPUT or --input FILE")
        }
        let chosen = input ?? inputs.first
        if source == .stdin && chosen == "-" {
            throw ValidationError("the spec is read from stdin ('-'), so the input cannot be: name the input file")
        }
        return (source, chosen)
    }

    func check() throws { _ = try resolved() }

    func run() throws {
        let (source, input) = try resolved()
        var options = ExplainOptions(specPath: "-", input: input)
        options.spec = source
        options.overrides = specOptions.overrides
        try StdoutText.write(ExplainCommand.execute(options))
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of the spec format, for editors and CI checks.",
        discussion: """
            The schema is generated from the spec decoder and the stage registry of this \
            version: every key, every stage's options with their types, allowed values, defaults \
            and descriptions, the "fitted" block that `prepline fit` writes, the Table Schema of \
            "schema" and the "checks". Every object is closed and a stage's options are chosen \
            by its "stage", so a misspelt key is flagged in its stage as prepline would refuse \
            it; svmlight output without "label", "label" with csv output and Table Schema \
            formats prepline cannot check are refused too. What needs the data (column names, \
            globs that match nothing) and a few rules between values (range low < high, a quote \
            that differs from the delimiter) are checked by prepline only; `prepline explain SPEC \
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

struct Split: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split the rows into train and test files, or k folds, as scikit-learn does (or by a key's hash).",
        discussion: """
            With --seed (or --no-shuffle) the TEST rows are exactly those scikit-learn's \
            train_test_split(rows, test_size, random_state=SEED, shuffle, stratify) puts in its \
            test set; --folds K adds a fold column equal to the test-fold index KFold(K, shuffle=SEED \
            given, random_state=SEED) gives each row (StratifiedKFold with --stratify, GroupKFold \
            with --group). Rows are data records after the header (a quoted line break stays inside \
            its record; blank lines are no rows), numbered in input order across the inputs, as \
            pandas.read_csv numbers them. Every output keeps input order, one header each, and each \
            record's bytes as read: TRAIN and TEST together are the input, record for record.

            COST: these modes read the input twice (count, then write; stdin is first copied to a \
            temporary file) and keep one bit per row (train/test), 2 bytes per row (folds), plus 4 \
            bytes per row and the distinct values of a --stratify or --group column.

            --by-key COL assigns each row by XXH64 (seed 0, or --seed) of the column's value (its \
            bytes after CSV unquoting): test when the hash's low 53 bits / 2^53 < --test-size, or \
            fold = hash mod K. One pass, constant memory: the same key lands in the same part on \
            every run, machine and partition, so it splits streams and distributed data alike.

            The leakage-free workflow fits on TRAIN only:
              prepline split data.csv --seed 42 --train train.csv --test test.csv
              prepline fit spec.json train.csv -o fitted.json
              prepline apply fitted.json test.csv -o test-features.csv

            EXAMPLES
              prepline split data.csv --test-size 0.2 --seed 0 --stratify y \\
                  --train tr.csv --test te.csv.gz
              prepline split data.csv --folds 5 --seed 42 --stratify y -o folds.csv
              zcat events.csv.gz | prepline split --by-key user_id \\
                  --test-size 0.1 --train tr.csv.gz --test te.csv.gz

            scikit-learn's refusals (a class with one member under --stratify, a test size of 0 or \
            of all the rows, more folds than rows) exit 2 with its reason.

            \(splitExitCodesHelp)
            """
    )

    @Argument(help: ArgumentHelp("Input CSV files (gzip detected by content); '-' or none reads stdin. Several inputs are one dataset with one header.", valueName: "input"), completion: .file())
    var inputs: [String] = []

    // Unconditional: `--test-size -1` is a value out of range, not an unknown option `-1`.
    @Option(parsing: .unconditional, help: ArgumentHelp("The test set's size, as Python types it: with a decimal point a fraction of the rows (0.2), without one a row count (200), as train_test_split's test_size. --by-key takes a fraction only. (default: 0.25, scikit-learn's)", valueName: "size"))
    var testSize: String?

    @Option(help: ArgumentHelp("scikit-learn's random_state (0 to 4294967295): the same seed gives the same rows as train_test_split / KFold(shuffle=True). With --by-key, the XXH64 seed (0 to 2^64-1, default 0).", valueName: "n"))
    var seed: String?

    @Flag(name: .customLong("no-shuffle"), help: "train_test_split(shuffle=False): the last rows are the test set. Takes no --seed and no --stratify.")
    var noShuffle = false

    @Option(help: ArgumentHelp("Keep this column's class proportions in both parts (stratify=, StratifiedKFold). Classes are the column's values as pandas.read_csv reads them by default (a missing value is NaN, which scikit-learn refuses). Costs 4 bytes per row plus the distinct values.", valueName: "column"))
    var stratify: String?

    @Option(help: ArgumentHelp("With --folds: GroupKFold on this column (no group in two folds). Costs 4 bytes per row plus the distinct values.", valueName: "column"))
    var group: String?

    @Option(help: ArgumentHelp("Write the data once with a fold column (0..K-1) instead of train and test files (KFold; StratifiedKFold with --stratify, GroupKFold with --group; shuffled with --seed). Costs 2 bytes per row.", valueName: "k"))
    var folds: Int?

    @Option(help: ArgumentHelp("The fold column's name; an input column of that name is a usage error.", valueName: "name"))
    var foldColumn: String = "fold"

    @Option(name: .customLong("by-key"), help: ArgumentHelp("Assign rows by XXH64 of this column's value: one pass, constant memory, the same key always in the same part (no scikit-learn equivalent).", valueName: "column"))
    var byKey: String?

    @Option(help: ArgumentHelp("The training rows' file. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "train"), completion: .file())
    var train: String?

    @Option(help: ArgumentHelp("The test rows' file. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "test"), completion: .file())
    var test: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("With --folds: the output file; '-' is stdout. Gzip when the name ends in .gz.", valueName: "out"), completion: .file())
    var output: String = "-"

    @Option(help: ArgumentHelp("The input's delimiter, one byte ('\\t' or tab for a tab); the outputs keep it.", valueName: "char"))
    var delimiter: String?

    @Flag(name: .customLong("no-header"), help: "The input has no header record (columns are named column_1, column_2…; the outputs have no header either).")
    var noHeader = false

    @Option(help: ArgumentHelp("Gzip level for a .gz output, 1 (fast) to 9 (small). Chunks are compressed in parallel.", valueName: "n"))
    var gzipLevel: Int = 6

    @OptionGroup var engineOptions: ReadingEngineOptionGroup

    /// Checked while parsing, so a usage error shows split's usage; an unknown option is
    /// reported first (`--sede 1` is a typo of --seed, not a missing seed: see CheckedArguments).
    func check() throws { _ = try options() }

    /// The options for the library, or a usage error naming what does not fit together.
    func options() throws -> SplitOptions {
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be from 1 to 9") }
        var size: SplitSize = .fraction(0.25)
        if let testSize {
            if let count = Int(testSize) { size = .count(count) } else if let fraction = Double(testSize), fraction.isFinite {
                size = .fraction(fraction)
            } else {
                throw ValidationError("--test-size: expected a fraction such as 0.2 or a row count such as 200, got '\(testSize)'")
            }
        }
        if stratify != nil && group != nil { throw ValidationError("--stratify and --group cannot be combined (StratifiedKFold or GroupKFold)") }
        if group != nil && folds == nil { throw ValidationError("--group needs --folds K (GroupKFold); a train/test split has no groups") }
        if foldColumn != "fold" && folds == nil { throw ValidationError("--fold-column needs --folds K") }
        if output != "-" && folds == nil { throw ValidationError("-o is the --folds output; a train/test split writes --train FILE and --test FILE") }
        if folds != nil && testSize != nil { throw ValidationError("--folds and --test-size cannot be combined: each fold is a test set") }
        if folds != nil && noShuffle { throw ValidationError("--folds is unshuffled without --seed; --no-shuffle is for a train/test split") }
        let mode: SplitOptions.Mode
        if let byKey {
            if stratify != nil || group != nil || noShuffle {
                throw ValidationError("--by-key assigns rows by the key's hash: it takes no \(stratify != nil ? "--stratify" : group != nil ? "--group" : "--no-shuffle")")
            }
            var hashSeed: UInt64 = 0
            if let seed {
                guard let parsed = UInt64(seed) else { throw ValidationError("--seed: expected an integer from 0 to 18446744073709551615 with --by-key, got '\(seed)'") }
                hashSeed = parsed
            }
            if let folds {
                mode = .keyFolds(column: byKey, k: folds, seed: hashSeed)
            } else {
                guard case .fraction(let fraction) = size else {
                    throw ValidationError("--test-size \(testSize ?? ""): --by-key takes a fraction (such as 0.2), not a row count: rows are assigned one by one, without counting them first")
                }
                mode = .keyTrainTest(column: byKey, testFraction: fraction, seed: hashSeed)
            }
        } else {
            var randomState: UInt32?
            if let seed {
                guard let parsed = UInt32(seed) else { throw ValidationError("--seed: Seed must be between 0 and 2**32 - 1, got '\(seed)'") }
                randomState = parsed
            }
            if let folds {
                mode = .folds(k: folds, seed: randomState, stratify: stratify, group: group)
            } else {
                mode = .trainTest(testSize: size, seed: randomState, shuffle: !noShuffle, stratify: stratify)
            }
        }
        var options = SplitOptions(mode: mode)
        options.inputs = inputs.isEmpty ? ["-"] : inputs
        if let delimiter {
            guard let byte = SpecOverrides.delimiterByte(delimiter) else {
                throw ValidationError("--delimiter: expected one byte such as ';' or '\\t', got '\(delimiter)'")
            }
            options.delimiter = byte
        }
        options.noHeader = noHeader
        options.train = train
        options.test = test
        options.output = output
        options.foldColumn = foldColumn
        options.engine = try engineOptions.engine
        options.progress = engineOptions.progressMode
        options.gzipLevel = Int32(gzipLevel)
        if let problem = SplitCommand.problem(options) { throw ValidationError(problem) }
        return options
    }

    func run() throws {
        let result = try SplitCommand.execute(options())
        if !engineOptions.quiet && !result.stoppedByClosedPipe {
            StandardError.write(result.line + "\n")
        }
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

/// An unknown subcommand (`prepline valdate`, `prepline help valdate`) is a usage error with a
/// suggestion, not "3 unexpected arguments" or the top help with exit 0.
func checkSubcommand(_ arguments: [String]) {
    var words = arguments.prefix(2).map { $0 }
    if words.first == "help" { words.removeFirst() } else { words = Array(words.prefix(1)) }
    // Each command sets `commandName`, so `_commandName` reads it instead of reflecting on the type.
    let names = Prepline.configuration.subcommands.map { $0._commandName }
    guard let word = words.first, !word.hasPrefix("-"), !names.contains(word), word != "help" else { return }
    let message = "prepline: error: unknown command '\(word)'\(Suggestion.didYouMean(word, in: names)); commands: \(names.joined(separator: ", "))\n"
        + "See 'prepline --help'.\n"
    StandardError.write(message)
    exit(2)
}

/// ArgumentParser's "The value 'skp' is invalid for '--on-error <mode>'" with a did-you-mean
/// from the option's cases, added to the first line.
func withSuggestion(_ message: String) -> String {
    let values: [String: [String]] = [
        "--parser": FieldParser.allValueStrings, "--progress": ProgressMode.allValueStrings,
        "--on-error": OnError.allValueStrings, "--extra-columns": ExtraColumns.allValueStrings,
    ]
    guard let start = message.range(of: "The value '"), let end = message[start.upperBound...].range(of: "' is invalid for '") else { return message }
    let value = String(message[start.upperBound..<end.lowerBound])
    let option = String(message[end.upperBound...].prefix { $0 != " " && $0 != "'" })
    guard let allowed = values[option] else { return message }
    let hint = Suggestion.didYouMean(value, in: allowed)
    guard !hint.isEmpty, let lineEnd = message.firstIndex(of: "\n") else { return hint.isEmpty ? message : message + hint }
    return String(message[..<lineEnd]) + hint + String(message[lineEnd...])
}

do {
    switch DirectArguments.parse(Array(CommandLine.arguments.dropFirst())) {
    case .fit(let request): try request.run()
    case .merge(let request): try request.run()
    case .apply(let request): try request.run()
    case nil:
        // Here, not before the direct reading: naming the commands builds the top-level help.
        checkSubcommand(Array(CommandLine.arguments.dropFirst()))
        var command = try Prepline.parseAsRoot()
        try command.run()
    }
    exit(0)
} catch let error as PreplineError {
    let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
    // A name or value that is not UTF-8 shows its bytes as `\xF6`, not LosslessText's private-use scalars.
    for line in lines { StandardError.write("prepline: error: \(LosslessText.display(String(line)))\n") }
    for hint in error.hints { StandardError.write("prepline: hint: \(LosslessText.display(hint))\n") }
    exit(error.exitCode)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch var error {
    // Argument parser errors: help and version exit 0, every usage error exits 2 (not 64).
    var code = Prepline.exitCode(for: error)
    // A failed check hides an unknown option (`fit --partail` is not "missing the spec").
    if code != .success, let behind = ArgumentChecks.parseErrorBehindChecks(Array(CommandLine.arguments.dropFirst())) {
        error = behind
        code = Prepline.exitCode(for: error)
    }
    let message = Prepline.fullMessage(for: error)
    if code == .success {
        print(message)
        exit(0)
    }
    StandardError.write(withSuggestion(message) + "\n")
    exit(2)
}
