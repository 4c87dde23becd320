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
    """

struct Prepline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepline",
        abstract: "Preprocess CSV data with a declarative JSON pipeline spec, streaming and in parallel.",
        discussion: """
            A spec chains stages (fill, scale, onehot, tokenize, tfidf) over CSV; prepline runs them as \
            a concurrent streaming pipeline in constant memory. This version runs specs with an empty \
            stage list: a faithful, fast CSV pass-through (re-quoting, BOM and line-ending normalisation, \
            gzip in and out, delimiter conversion).

            \(exitCodesHelp)
            """,
        version: "0.1.0",
        subcommands: [Run.self, Apply.self]
    )
}

/// Options every data command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file; '-' is stdout. Gzip when the name ends in .gz. Written to a temporary file and renamed on success.", valueName: "out"))
    var output: String = "-"

    @Option(help: ArgumentHelp("Worker threads. Output is byte-identical for any value. (default: all cores)", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Bytes of CSV handed to a worker at once (K/M suffixes). Memory is about threads × 2 × this; output never depends on it.", valueName: "size"))
    var chunkSize: String = "1M"

    @Option(help: ArgumentHelp("Progress bar on stderr: auto (only on a terminal), always, never.", valueName: "when"))
    var progress: String = "auto"

    @Flag(name: .shortAndLong, help: "No summary line on stderr.")
    var quiet = false

    @Flag(help: "End output records with CRLF instead of LF.")
    var crlf = false

    @Option(help: ArgumentHelp("Where on_error \"reject\" writes rejected records (CSV: file,line,reason,record). Overrides output.rejects.", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Gzip level for a .gz output, 1 (fast) to 9 (small). Chunks are compressed in parallel.", valueName: "n"))
    var gzipLevel: Int = 6

    func transformOptions(spec: String, inputs: [String]) throws -> TransformOptions {
        var options = TransformOptions(specPath: spec)
        options.inputs = inputs
        options.output = output
        guard let size = parseSize(chunkSize), size > 0 else {
            throw ValidationError("--chunk-size: expected a positive byte count such as 65536, 512K or 4M, got '\(chunkSize)'")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        options.engine = EngineOptions(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, chunkSize: size)
        guard let mode = ProgressMode(rawValue: progress) else {
            throw ValidationError("--progress: expected auto, always or never, got '\(progress)'")
        }
        options.progress = quiet && mode == .auto ? .never : mode
        options.crlf = crlf
        options.rejects = rejects
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be from 1 to 9") }
        options.gzipLevel = Int32(gzipLevel)
        return options
    }

    private func parseSize(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        if let last = text.last, let multiplier = multipliers[last] {
            return Int(text.dropLast()).map { $0 * multiplier }
        }
        return Int(text)
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

    @OptionGroup var common: CommonOptions

    func run() throws {
        try execute(common.transformOptions(spec: spec, inputs: inputs), quiet: common.quiet)
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

    @OptionGroup var common: CommonOptions

    func run() throws {
        try execute(common.transformOptions(spec: fitted, inputs: inputs), quiet: common.quiet)
    }
}

/// Runs a transform and prints its summary; errors propagate to `main` for their exit code.
func execute(_ options: TransformOptions, quiet: Bool) throws {
    let result = try TransformCommand.execute(options)
    if !quiet && !result.stoppedByClosedPipe {
        FileHandle.standardError.write(Data((result.summary.line + "\n").utf8))
    }
}

// A closed pipe must surface as EPIPE on write (and end the run quietly), not kill the process.
signal(SIGPIPE, SIG_IGN)

do {
    var command = try Prepline.parseAsRoot()
    try command.run()
    exit(0)
} catch let error as PreplineError {
    let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
    for line in lines { FileHandle.standardError.write(Data("prepline: error: \(line)\n".utf8)) }
    if case .rowsFailed = error {
        FileHandle.standardError.write(Data("prepline: hint: set output.on_error to \"skip\" or \"reject\" to go on past bad rows\n".utf8))
    }
    exit(error.exitCode)
} catch {
    // Argument parser errors: help and version exit 0, every usage error exits 2 (not 64).
    let code = Prepline.exitCode(for: error)
    let message = Prepline.fullMessage(for: error)
    if code == .success {
        print(message)
        exit(0)
    }
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}
