import Foundation

/// Options of `prepline split`, filled in by the executable's argument parser.
package struct SplitOptions: Sendable {
    /// What decides each row's part.
    package enum Mode: Sendable, Equatable {
        /// scikit-learn's `train_test_split` (two passes).
        case trainTest(testSize: SplitSize, seed: UInt32?, shuffle: Bool, stratify: String?)
        /// `KFold` / `StratifiedKFold` / `GroupKFold` test-fold indices as a column (two passes).
        case folds(k: Int, seed: UInt32?, stratify: String?, group: String?)
        /// XXH64 of the key column's value: test when its low 53 bits / 2^53 < `testFraction` (one pass).
        case keyTrainTest(column: String, testFraction: Double, seed: UInt64)
        /// XXH64 of the key column's value, modulo k, as a fold column (one pass).
        case keyFolds(column: String, k: Int, seed: UInt64)
    }

    package var mode: Mode
    package var inputs: [String] = ["-"]
    /// `--delimiter` (default ','), `--no-header`.
    package var delimiter: UInt8 = UInt8(ascii: ",")
    package var noHeader = false
    package var train: String?
    package var test: String?
    /// The folds' output ("-" is stdout).
    package var output = "-"
    package var foldColumn = "fold"
    package var engine = EngineOptions()
    package var progress = ProgressMode.auto
    package var gzipLevel: Int32 = 6

    package init(mode: Mode) { self.mode = mode }
}

/// What `split` did, for its summary line.
package struct SplitResult: Sendable {
    package var rowsIn = 0
    /// Rows per part: train, test; or per fold.
    package var rowsPerPart: [Int] = []
    package var isFolds = false
    package var inputBytes = 0
    package var seconds = 0.0
    package var stoppedByClosedPipe = false

    package var line: String {
        var summary = Summary()
        summary.inputBytes = inputBytes
        summary.seconds = seconds
        let parts = isFolds
            ? "\(Plural.of(rowsPerPart.count, "fold")) of \(rowsPerPart.map(String.init).joined(separator: ", ")) rows"
            : "\(rowsPerPart.first ?? 0) train, \(rowsPerPart.dropFirst().first ?? 0) test"
        return "prepline: split \(Plural.of(rowsIn, "row")) in: \(parts); \(summary.timing)"
    }
}

/// `split`: train/test or k folds with scikit-learn's exact rows (counting pass, then writing
/// pass; stdin spooled), or by a key's hash in one pass. Rows keep input order and their bytes.
package enum SplitCommand {
    package static func execute(_ options: SplitOptions) throws(PreplineError) -> SplitResult {
        let started = ContinuousClock.now
        try check(options)
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        let names = InputNames.display(inputs)
        var dialect = InputDialect()
        dialect.delimiter = options.delimiter
        dialect.header = !options.noHeader

        let writesFolds: Bool
        switch options.mode {
        case .trainTest, .keyTrainTest: writesFolds = false
        case .folds, .keyFolds: writesFolds = true
        }
        let outputPaths = writesFolds ? [("-o", options.output)] : [("--train", options.train!), ("--test", options.test!)]
        try PathCollision.check(inputs: inputs, outputs: outputPaths.map { PathCollision.NamedPath($0.0, $0.1) })
        // Opened before reading: an output that cannot be written is reported at once.
        var sinks: [OutputSink] = []
        do throws(PreplineError) {
            for (_, path) in outputPaths { sinks.append(try OutputSink(path: path)) }
        } catch {
            for sink in sinks { sink.abort() }
            throw error
        }
        let gzipLevels = outputPaths.map { $0.1.hasSuffix(".gz") ? options.gzipLevel : nil }
        var result = SplitResult()
        result.isFolds = writesFolds
        let totalBytes: Int? = inputs.contains("-") ? nil : inputs.reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        do throws(PreplineError) {
            var dataInputs = inputs
            var spool: RereadableInputs?
            var placement: SplitPlacement
            var chunkStarts: [Int]?
            var expectedRows: Int?
            var passBytes = 0
            let foldColumn = options.foldColumn
            switch options.mode {
            case .keyTrainTest(_, let fraction, let seed):
                placement = .keyFraction(column: 0, fraction: fraction, seed: seed)
            case .keyFolds(_, let k, let seed):
                placement = .keyFolds(column: 0, k: k, seed: seed)
            case .trainTest(_, _, _, let stratify), .folds(_, _, let stratify, _):
                var label = stratify
                if case .folds(_, _, _, let group) = options.mode, group != nil { label = group }
                spool = try RereadableInputs(inputs)
                dataInputs = spool!.paths
                let counters = EngineCounters()
                let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: totalBytes) : nil
                let option = stratify != nil ? "--stratify" : "--group"
                let count = try SplitPasses.count(inputs: dataInputs, displayNames: names, dialect: dialect, engine: options.engine, counters: counters,
                                                  labelColumn: { header throws(PreplineError) in
                                                      if writesFolds { try checkFoldColumn(foldColumn, header: header) }
                                                      return try label.map { name throws(PreplineError) in try columnIndex(name, option: option, in: header) }
                                                  })
                progress?.stop()
                passBytes = counters.bytesParsed.load(ordering: .relaxed)
                chunkStarts = count.chunkStarts
                expectedRows = count.rows
                do throws(SplitError) {
                    switch options.mode {
                    case .trainTest(let testSize, let seed, let shuffle, _):
                        let test = try SplitAssignment.trainTest(rows: count.rows, testSize: testSize, seed: seed, shuffle: shuffle, stratify: count.labels)
                        var bits = [UInt64](repeating: 0, count: (count.rows + 63) / 64)
                        for (row, isTest) in test.enumerated() where isTest { bits[row >> 6] |= 1 << UInt64(row & 63) }
                        placement = .testBits(bits)
                    case .folds(let k, let seed, let stratify, let group):
                        let folds = try SplitAssignment.folds(rows: count.rows, k: k, seed: seed,
                                                              stratify: stratify != nil ? count.labels : nil, groups: group != nil ? count.labels : nil)
                        placement = .folds(folds, k: k)
                    default:
                        fatalError("unreachable: keyed modes have no counting pass")
                    }
                } catch {
                    throw PreplineError.usage("scikit-learn refuses this split: \(error.message)")
                }
            }
            let keyName: String?
            switch options.mode {
            case .keyTrainTest(let column, _, _), .keyFolds(let column, _, _): keyName = column
            default: keyName = nil
            }
            let counters = EngineCounters()
            let progress = options.progress.enabled ? ProgressBar(counters: counters, totalBytes: totalBytes) : nil
            let chosen = placement
            let written = try SplitPasses.write(
                inputs: dataInputs, displayNames: names, dialect: dialect, engine: options.engine, counters: counters,
                placement: placement, chunkStarts: chunkStarts, expectedRows: expectedRows, foldColumn: foldColumn,
                sinks: sinks, gzipLevels: gzipLevels,
                resolveHeader: { header throws(PreplineError) in
                    if writesFolds { try checkFoldColumn(foldColumn, header: header) }
                    guard let keyName else { return chosen }
                    let index = try columnIndex(keyName, option: "--by-key", in: header)
                    switch chosen {
                    case .keyFraction(_, let fraction, let seed): return .keyFraction(column: index, fraction: fraction, seed: seed)
                    case .keyFolds(_, let k, let seed): return .keyFolds(column: index, k: k, seed: seed)
                    default: return chosen
                    }
                })
            progress?.stop()
            // The spool files live until here (`_ = spool` let the optimizer end them early).
            withExtendedLifetime(spool) {}
            guard let written else {
                // stdout closed: end quietly; the other outputs are not complete, so none is kept.
                for sink in sinks { sink.abort() }
                result.stoppedByClosedPipe = true
                return result
            }
            for sink in sinks { try sink.commit() }
            result.rowsPerPart = written.rowsPerPart
            result.rowsIn = written.rowsPerPart.reduce(0, +)
            result.inputBytes = passBytes + counters.bytesParsed.load(ordering: .relaxed)
        } catch {
            for sink in sinks { sink.abort() }
            throw error
        }
        result.seconds = Summary.seconds(since: started)
        return result
    }

    /// The combinations no mode accepts, refused before anything is read (the executable checks
    /// the same while parsing; this keeps the library honest for other callers).
    package static func check(_ options: SplitOptions) throws(PreplineError) {
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        try PathCollision.checkStdinGivenOnce(inputs)
        if options.delimiter == 0x0A || options.delimiter == 0x0D { throw PreplineError.usage("--delimiter: a line break cannot be the delimiter") }
        if options.delimiter == UInt8(ascii: "\"") { throw PreplineError.usage("--delimiter: '\"' is the quote character; the two must differ") }
        switch options.mode {
        case .trainTest, .keyTrainTest:
            guard options.train != nil, options.test != nil else {
                throw PreplineError.usage("a train/test split needs both --train FILE and --test FILE")
            }
            if options.train == "-" && options.test == "-" { throw PreplineError.usage("--train and --test cannot both be stdout") }
        case .folds(let k, _, _, _), .keyFolds(_, let k, _):
            if options.train != nil || options.test != nil {
                throw PreplineError.usage("--folds writes one file with a fold column (-o FILE, default stdout), not --train/--test")
            }
            guard k >= 2 else {
                throw PreplineError.usage("--folds \(k): k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits=\(k).")
            }
            guard k <= Int(UInt16.max) else { throw PreplineError.usage("--folds \(k): at most \(UInt16.max) folds") }
        }
        if case .keyTrainTest(_, let fraction, _) = options.mode, !(fraction > 0 && fraction < 1) {
            throw PreplineError.usage("--test-size \(fraction): with --by-key the test size is a fraction in the (0, 1) range")
        }
        if case .folds(_, _, let stratify, let group) = options.mode, stratify != nil, group != nil {
            throw PreplineError.usage("--stratify and --group cannot be combined (StratifiedKFold or GroupKFold)")
        }
        if case .trainTest(_, let seed, let shuffle, let stratify) = options.mode {
            if !shuffle && seed != nil { throw PreplineError.usage("--no-shuffle takes the last rows as the test set; it has no use for --seed") }
            if !shuffle && stratify != nil { throw PreplineError.usage("--stratify with --no-shuffle: Stratified train/test split is not implemented for shuffle=False") }
            if shuffle && seed == nil { throw PreplineError.usage("a shuffled split needs --seed N (scikit-learn's random_state), or --no-shuffle for the last rows as the test set") }
        }
    }

    /// What `check` refuses, as a sentence (nil when the options fit together).
    package static func problem(_ options: SplitOptions) -> String? {
        do { try check(options) } catch { return error.description }
        return nil
    }

    /// The column `name` (bytes compared, as every column name is), or a usage error with a
    /// did-you-mean.
    static func columnIndex(_ name: String, option: String, in header: DatasetHeader) throws(PreplineError) -> Int {
        if let index = header.names.firstIndex(where: { Array($0.utf8) == Array(name.utf8) }) { return index }
        // A header byte that is not UTF-8 is shown as `\xE9` (in the list below, and in
        // profile): that spelling names the column too, since a shell cannot easily pass the byte.
        if let index = header.names.firstIndex(where: { LosslessText.display($0) == name && $0 != name }) { return index }
        throw PreplineError.usage("\(option): unknown column '\(name)'\(Suggestion.didYouMean(name, in: header.names)); columns: \(Suggestion.shortList(header.names))")
    }

    static func checkFoldColumn(_ name: String, header: DatasetHeader) throws(PreplineError) {
        if header.names.contains(where: { Array($0.utf8) == Array(name.utf8) }) {
            throw PreplineError.usage("--fold-column \(name): the input already has a column '\(name)'; name the fold column otherwise (--fold-column NAME)")
        }
    }
}
