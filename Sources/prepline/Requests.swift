import ArgumentParser
import Foundation
import PreplineCore

// What `fit`, `merge` and `apply` were asked to do, as plain values. Both parsers build these: the
// ArgumentParser commands in main.swift (help, completions, every error message) and
// `DirectArguments` (the common well-formed shapes, read without ArgumentParser's start-up cost).
// The command's checks and its run live here once, whichever parser read the arguments.

/// `SpecOptionGroup`'s values: where the spec comes from and the one-run overrides of its input block.
struct SpecArguments: Equatable {
    var specJSON: String?
    var delimiter: String?
    var noHeader = false

    var overrides: SpecOverrides {
        var overrides = SpecOverrides()
        overrides.delimiter = delimiter.flatMap(SpecOverrides.delimiterByte)
        overrides.noHeader = noHeader
        return overrides
    }

    /// The spec's source and the data inputs, from the positionals: with --spec-json every
    /// positional is an input. The spec may be stdin only when no data comes from stdin.
    func resolve(_ positionals: (String?, [String]), dataFromStdin: Bool = true) throws -> (SpecSource, [String]) {
        if let delimiter, SpecOverrides.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter: expected one byte such as ';' or '\\t', got '\(delimiter)'")
        }
        let (first, rest) = positionals
        let source: SpecSource
        var inputs = rest
        if let specJSON {
            source = .inline(specJSON)
            if let first { inputs.insert(first, at: 0) }
        } else {
            guard let first else {
                throw ValidationError("missing the spec: give a spec file ('-' for stdin) or --spec-json '{…}'")
            }
            source = SpecSource(path: first)
        }
        if dataFromStdin && source == .stdin && (inputs.isEmpty || inputs.contains("-")) {
            throw ValidationError("the spec is read from stdin ('-'), so the data cannot be: name the input files, or pass the spec as a file, <(…) or --spec-json")
        }
        return (source, inputs)
    }
}

/// The engine option groups' values: threads, chunking, parser, progress, verbosity.
struct EngineArguments: Equatable {
    /// `--chunk-size`'s default, as the help shows it.
    static let defaultChunkSize = "1M"

    var threads: Int?
    var chunkSize = defaultChunkSize
    var parser: FieldParser = .fast
    var progress: ProgressMode = .auto
    var quiet = false

    func check() throws {
        _ = try engine
    }

    var engine: EngineOptions {
        get throws {
            guard let size = Self.parseSize(chunkSize), size > 0 else {
                throw ValidationError("--chunk-size: expected a positive byte count such as 65536, 512K or 4M, got '\(chunkSize)'")
            }
            try Self.checkThreads(threads)
            var options = EngineOptions(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, chunkSize: size)
            options.parser = parser
            return options
        }
    }

    /// `--threads`' one check, for every command that has it.
    static func checkThreads(_ threads: Int?) throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var progressMode: ProgressMode {
        quiet && progress == .auto ? .never : progress
    }

    private static func parseSize(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        if let last = text.last, let multiplier = multipliers[last] {
            return Int(text.dropLast()).map { $0 * multiplier }
        }
        return Int(text)
    }
}

/// `OutputOptionGroup`'s values: where and how `run` and `apply` write.
struct OutputArguments: Equatable {
    var output = "-"
    var crlf = false
    var rejects: String?
    var gzipLevel = 6
    var onError: OnError?

    func check() throws {
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be from 1 to 9") }
    }

    func transformOptions(spec: SpecArguments, positionals: (String?, [String]), engine: EngineArguments, dataFromStdin: Bool = true) throws -> TransformOptions {
        let (source, inputs) = try spec.resolve(positionals, dataFromStdin: dataFromStdin)
        var options = TransformOptions(specPath: "-")
        options.spec = source
        options.overrides = spec.overrides
        options.overrides.onError = onError
        options.inputs = inputs
        options.output = output
        options.engine = try engine.engine
        options.progress = engine.progressMode
        options.crlf = crlf
        options.rejects = rejects
        options.gzipLevel = Int32(gzipLevel)
        return options
    }
}

/// `prepline fit`.
struct FitRequest: Equatable {
    var spec: String?
    var inputs: [String] = []
    var output = "-"
    var onError: OnError?
    var partial = false
    var passState: String?
    var inputList: String?
    var specArguments = SpecArguments()
    var engineArguments = EngineArguments()

    func check() throws {
        try engineArguments.check()
        _ = try specArguments.resolve((spec, inputs), dataFromStdin: inputList == nil)
        if inputList != nil && !inputs.isEmpty { throw ValidationError("--input-list: give the inputs in the list or as arguments, not both") }
        if passState != nil && !partial { throw ValidationError("--pass-state needs --partial") }
    }

    func run() throws {
        var (source, inputs) = try specArguments.resolve((spec, inputs), dataFromStdin: inputList == nil)
        var options = FitOptions(specPath: "-")
        try PathCollision.checkStdinReadOnce([("the spec", source == .stdin), ("--input-list", inputList == "-"), ("--pass-state", passState == "-"),
                                              ("an input", inputList == nil && (inputs.isEmpty || inputs.contains("-")))])
        if let inputList {
            inputs = try InputList.read(inputList)
            options.inputsFromList = true
            try PathCollision.checkStdinReadOnce([("the spec", source == .stdin), ("--input-list", inputList == "-"), ("--pass-state", passState == "-"),
                                                  ("an input in the list", inputs.contains("-"))])
            try PathCollision.check(inputs: [], alsoRead: [PathCollision.NamedPath("--input-list", inputList)], outputs: [PathCollision.NamedPath("-o", output)])
        }
        options.partial = partial
        options.passState = passState
        options.spec = source
        options.overrides = specArguments.overrides
        options.overrides.onError = onError
        options.inputs = inputs
        options.output = output
        options.engine = try engineArguments.engine
        options.progress = engineArguments.progressMode
        let summary = try FitCommand.execute(options)
        if !engineArguments.quiet {
            StandardError.write(summary.line + "\n")
        }
    }
}

/// `prepline merge`.
struct MergeRequest: Equatable {
    var parts: [String] = []
    var output = "-"
    var partial = false
    var threads: Int?
    var quiet = false

    func check() throws { try EngineArguments.checkThreads(threads) }

    func run() throws {
        var options = MergeOptions()
        options.parts = parts
        options.output = output
        options.partial = partial
        if let threads { options.threads = threads }
        let result = try MergeCommand.execute(options)
        if let note = result.nextPassNote { StandardError.write(note + "\n") }
        if !quiet { StandardError.write(result.summary.line + "\n") }
    }
}

/// `prepline apply`.
struct ApplyRequest: Equatable {
    var fitted: String?
    var inputs: [String] = []
    var extraColumns: ExtraColumns?
    var inputList: String?
    var noOutputHeader = false
    var specArguments = SpecArguments()
    var outputArguments = OutputArguments()
    var engineArguments = EngineArguments()

    func check() throws {
        try engineArguments.check()
        try outputArguments.check()
        _ = try specArguments.resolve((fitted, inputs), dataFromStdin: inputList == nil)
        if inputList != nil && !inputs.isEmpty { throw ValidationError("--input-list: give the inputs in the list or as arguments, not both") }
    }

    func run() throws {
        var options = try outputArguments.transformOptions(spec: specArguments, positionals: (fitted, inputs), engine: engineArguments, dataFromStdin: inputList == nil)
        if let inputList {
            try PathCollision.checkStdinReadOnce([("the fitted spec", options.spec == .stdin), ("--input-list", inputList == "-")])
            options.inputs = try InputList.read(inputList)
            options.inputsFromList = true
            try PathCollision.checkStdinReadOnce([("the fitted spec", options.spec == .stdin), ("--input-list", inputList == "-"), ("an input in the list", options.inputs.contains("-"))])
            try PathCollision.check(inputs: [], alsoRead: [PathCollision.NamedPath("--input-list", inputList)], outputs: [PathCollision.NamedPath("-o", options.output)])
        }
        options.noOutputHeader = noOutputHeader
        options.requireFitted = true
        options.extraColumns = extraColumns
        try execute(options, quiet: engineArguments.quiet)
    }
}
