/// A stage of a pipeline, decoded from its spec object and bound to the dataset's columns.
///
/// One protocol drives decoding, fitting, applying and the fitted spec, so a new stage is one
/// file: its options, what it learns, how it transforms (DESIGN.md, "Layout").
package protocol PipelineStage: Sendable {
    /// The stage's `"stage"` value in specs.
    static var kind: String { get }
    /// One line for help, explain and the JSON Schema.
    static var summary: String { get }
    /// Every option besides `stage` and `columns`: the decoder's checks and the JSON Schema
    /// both come from this table (`SpecObjectReader.stageOptions`, `StageOptionTable.schema`).
    static var options: StageOptionTable { get }

    /// Decodes the stage's spec object (the registry has read `stage`); reads its options
    /// with `reader.stageOptions(Self.options)`, then its `fitted` block, then `finish()`.
    init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError)

    /// Index in the spec's `stages` array (the output's `output.columns` select comes last).
    var position: Int { get }
    /// Where the stage is in the spec, for messages: `stages[3]` (or `output.columns`).
    var path: String { get }
    /// The stage in messages and `explain`: `stages[3] scale`.
    var label: String { get }
    /// The column names or globs the spec gave.
    var selectors: [String] { get }
    /// The columns it is bound to (after `bind`), in order.
    var columnNames: [String] { get }
    /// True when nothing is left to learn (a fitted spec, or a stage that learns nothing).
    var isFitted: Bool { get }
    /// The learned parameters, written under `"fitted"` in a fitted spec.
    var fittedJSON: JSONValue? { get }

    /// Resolves the selectors against the column names at this point of the pipeline; returns
    /// how the logical column list changes (an indicator column inserted, a column expanded).
    mutating func bind(columns: inout PlanColumns) throws(PreplineError)
    /// Which columns must be read as numbers from the start (their values are never text).
    var numericColumns: [String] { get }
    /// Columns it rewrites from text into numbers (ordinal codes): the input column stays text,
    /// and a later numeric stage on them reads the numbers it writes.
    var encodedColumns: [String] { get }
    /// Told, after every stage is bound, which of its columns the plan reads as numbers.
    mutating func setNumeric(_ names: Set<String>) throws(PreplineError)
    /// Told, after every stage is bound, what the later stages did with the columns (a
    /// `tokenize` learns whether a `tfidf` consumes its tokens).
    mutating func planBound(_ columns: PlanColumns) throws(PreplineError)
    /// What each bound column's fit profile must collect.
    var profileNeeds: ColumnProfile.Needs { get }

    /// Fit mode: records statistics of its columns into `state` (a profile per bound column,
    /// and what it carries out of the chunk), then rewrites them for later stages, with
    /// placeholders where the value is learned later or carried in from earlier chunks. Never
    /// waits on another chunk: the fit of a chunk is a pure function of its rows.
    func observe(_ batch: inout Batch, into state: inout StageFitState)
    /// Learns its parameters from the merged profiles (already replayed through the stages
    /// before it on each column, see `replay`).
    mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError)
    /// Transforms a batch with the learned parameters.
    func apply(_ batch: inout Batch)

    /// How a value of `column` passes through this (now learned) stage, applied to a later
    /// stage's statistics that the same fit pass took before this stage's parameters were
    /// known: a fill adds the values its placeholders stand for, a scaler maps the statistics
    /// through its formula. Only called when `passesStatistics(of:)` is true.
    func replay(_ profile: inout ColumnProfile, column: String)
    /// Whether a later stage on `column` can fit in the same pass as this stage (its statistics
    /// then replayed through `replay`); false: it fits in the next pass, once this stage is learned.
    func passesStatistics(of column: String) -> Bool
    /// Whether a later stage may need a pass of its own because of this one (it produces
    /// columns, or cannot replay): the fit then keeps stdin in a file, to read it again.
    var mayDeferLaterStages: Bool { get }
    /// What this stage carries from one chunk into the next (ffill's last value), per column;
    /// empty for stages that carry nothing. A later chunk's placeholders of this stage are the
    /// value an earlier chunk carries out (`ExecutionPlan.merge`).
    var carriesAcrossChunks: Bool { get }

    /// Why this stage must wait for the next fit pass, given the columns before it (it names
    /// columns a stage of this pass learns the names of); nil: it binds now.
    func deferral(in columns: PlanColumns) -> String?

    /// False for the stages that only change the column list (select, drop, rename): they
    /// leave every value as it is, so a tokenize's tokens may pass through them.
    var rewritesValues: Bool { get }

    /// Checks the whole bound plan for a combination this stage cannot run in.
    func checkPlan(_ stages: [any PipelineStage]) throws(PreplineError)
    /// Checks the output format (svmlight writes only non-zero weights already).
    func checkOutput(format: OutputFormat) throws(PreplineError)
    /// After a complete pass in apply mode (the live carry): a stage that needs a value seen
    /// somewhere in the data says so.
    func checkAfterPass(carry: CarryBoard) throws(PreplineError)
    /// After a complete fit pass: the same check on the merged fit state.
    func checkAfterFit(_ state: StageFitState) throws(PreplineError)

    /// What fitting learns for each column, as a noun phrase: "the mean", "the categories"
    /// (`explain`). Read only while the stage is not fitted.
    var learnedParameters: String { get }
    /// How the stage changes the column list beyond rewriting values in place, in words that
    /// need no header ("adds <col>_missing after each column"); nil when it does not.
    var columnEffect: String? { get }
    /// The output columns `column` becomes, when this stage expands it (one-hot): the real
    /// names once known (fitted, or categories given), else a placeholder such as
    /// `city_<category>…`. Nil when the stage does not expand the column.
    func expandedNames(of column: String) -> [String]?
    /// What each placeholder column stands for until fitted ("one per category").
    var expandedUnit: String { get }
}

extension PipelineStage {
    package var path: String { "stages[\(position)]" }
    package var label: String { "\(path) \(Self.kind)" }
    package func deferral(in columns: PlanColumns) -> String? { columns.deferral(of: selectors) }
    package func expandedNames(of column: String) -> [String]? { nil }
    package var expandedUnit: String { "one per category" }
    package var columnEffect: String? { nil }
    package mutating func setNumeric(_ names: Set<String>) throws(PreplineError) {}
    package var encodedColumns: [String] { [] }
    package mutating func planBound(_ columns: PlanColumns) throws(PreplineError) {}
    package func replay(_ profile: inout ColumnProfile, column: String) {}
    /// A stage with nothing to learn leaves final values; one that learns cannot replay unless it says so.
    package func passesStatistics(of column: String) -> Bool { isFitted }
    package var mayDeferLaterStages: Bool { !isFitted }
    package var carriesAcrossChunks: Bool { false }
    package var rewritesValues: Bool { true }
    package func checkPlan(_ stages: [any PipelineStage]) throws(PreplineError) {}
    package func checkOutput(format: OutputFormat) throws(PreplineError) {}
    package func checkAfterPass(carry: CarryBoard) throws(PreplineError) {}
    package func checkAfterFit(_ state: StageFitState) throws(PreplineError) {}
}

/// Shell-style globs for column names: `*` any run, `?` one character, `[abc]` / `[a-z]` /
/// `[!abc]` one character of a set (Python's fnmatch, which scikit-learn users know; a
/// character is a Unicode scalar, as a Python `str` character is).
///
/// Matching works on the name's UTF-8 bytes with the classic star-backtrack loop: on a mismatch
/// only the last `*` takes one more character, so a match costs at most pattern × name steps.
/// (The recursive matcher it replaces retried every split at every `*`: `"************zz"`
/// on 20 names of 45 characters ran for minutes.)
package struct Glob: Sendable {
    private enum Token: Sendable, Equatable {
        case star
        case any
        case scalar(UInt32)
        /// Inclusive ranges of scalar values (a single character is a range of one).
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
    }

    private let tokens: [Token]

    package static func isPattern(_ text: String) -> Bool { text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") } }

    package static func matches(_ pattern: String, _ name: String) -> Bool { Glob(pattern).matches(name) }

    package init(_ pattern: String) {
        let p = pattern.unicodeScalars.map(\.value)
        var tokens: [Token] = []
        var i = 0
        while i < p.count {
            switch p[i] {
            case 0x2A: // "*": a run of stars is one star
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            case 0x3F: // "?"
                tokens.append(.any)
                i += 1
            case 0x5B: // "["
                if let (set, next) = Self.parseClass(p, i) {
                    tokens.append(set)
                    i = next
                } else {
                    // An unclosed "[" is a literal character.
                    tokens.append(.scalar(p[i]))
                    i += 1
                }
            default:
                tokens.append(.scalar(p[i]))
                i += 1
            }
        }
        self.tokens = tokens
    }

    /// The class starting at `p[start]` ("[") and the index after its "]"; nil when unclosed.
    /// A "]" right after "[" or "[!" is a member; `a-z` is a range unless "-" ends the class.
    private static func parseClass(_ p: [UInt32], _ start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == 0x21 { negated = true; i += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while i < p.count, p[i] != 0x5D || first {
            first = false
            if i + 2 < p.count, p[i + 1] == 0x2D, p[i + 2] != 0x5D {
                // A reversed range (z-a) matches nothing, as in fnmatch.
                if p[i] <= p[i + 2] { ranges.append(p[i]...p[i + 2]) }
                i += 3
            } else {
                ranges.append(p[i]...p[i])
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (.set(ranges: ranges, negated: negated), i + 1)
    }

    package func matches(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 text `name` matches: each token but `*` takes one scalar.
    package func matches(utf8 name: UnsafeBufferPointer<UInt8>) -> Bool {
        var t = 0, n = 0
        // The last star seen and where its run of name ends for the current try.
        var starToken = -1, starEnd = 0
        while n < name.count {
            let (scalar, length) = Self.decode(name, at: n)
            if t < tokens.count {
                switch tokens[t] {
                case .star:
                    starToken = t
                    starEnd = n
                    t += 1
                    continue
                case .any:
                    t += 1; n += length
                    continue
                case .scalar(let wanted) where wanted == scalar:
                    t += 1; n += length
                    continue
                case .set(let ranges, let negated) where ranges.contains(where: { $0.contains(scalar) }) != negated:
                    t += 1; n += length
                    continue
                default:
                    break
                }
            }
            // Mismatch: the last star takes one more scalar, or there is no match.
            guard starToken >= 0 else { return false }
            starEnd += Self.decode(name, at: starEnd).length
            n = starEnd
            t = starToken + 1
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    /// The scalar at `i` and its length in bytes; a byte that is not valid UTF-8 is its own
    /// character (column names come from a header in any encoding).
    @inline(__always)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF8 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= bytes.count else { return (0x11_0000 + UInt32(lead), 1) }
        var value = UInt32(lead) & (0x7F >> UInt32(length))
        for k in 1..<length {
            let byte = bytes[i + k]
            guard byte & 0xC0 == 0x80 else { return (0x11_0000 + UInt32(lead), 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }
}

/// Every stage kind prepline knows: decoding, help, `explain` and the JSON Schema come from
/// this list, one line per stage.
package enum StageRegistry {
    package static let kinds: [any PipelineStage.Type] = [
        FillStage.self,
        ScaleStage.self,
        LogStage.self,
        ClipStage.self,
        OneHotStage.self,
        OrdinalStage.self,
        BinStage.self,
        HashStage.self,
        DateTimeStage.self,
        CleanStage.self,
        TokenizeStage.self,
        TfidfStage.self,
        SelectStage.self,
        DropStage.self,
        RenameStage.self,
    ]

    /// Decodes one stage object with the stage type its `"stage"` names, among `kinds`.
    package static func decode(_ value: JSONValue, position: Int, file: String,
                               kinds: [any PipelineStage.Type] = kinds) throws(PreplineError) -> any PipelineStage {
        let path = "stages[\(position)]"
        var reader = try SpecObjectReader(value, file: file, path: path)
        let names = kinds.map { $0.kind }
        guard let kind = try reader.string("stage") else {
            throw PreplineError.spec(file: file, path: "\(path).stage", message: "missing; one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        guard let type = kinds.first(where: { $0.kind == kind }) else {
            throw PreplineError.spec(file: file, path: "\(path).stage", message: "unknown stage \"\(kind)\"\(Suggestion.didYouMean(kind, in: names)); expected one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return try type.init(&reader, position: position)
    }

    /// The STAGES section of the top-level help: each kind and its summary, wrapped to fit 80
    /// columns itself (the help's wrapping would start a continuation at column 0).
    package static func helpText(kinds: [any PipelineStage.Type] = kinds) -> String {
        var lines = ["STAGES"]
        for kind in kinds {
            var line = "  \(kind.kind):"
            // The width is kept beside the line, in scalars (the summaries have no combining
            // marks): counting characters walked every line again, and every start builds this
            // text (the root command's discussion).
            var width = line.unicodeScalars.count
            for word in kind.summary.split(separator: " ") {
                let wordWidth = word.unicodeScalars.count
                if width + 1 + wordWidth > 78 {
                    lines.append(line)
                    line = "     "
                    width = 5
                }
                line += " " + word
                width += 1 + wordWidth
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

extension SpecObjectReader {
    /// The required non-empty `columns` list of a stage.
    package mutating func columns() throws(PreplineError) -> [String] {
        guard has("columns") else { throw fail("columns", "missing; a stage names the columns it rewrites, e.g. [\"age\"] or [\"income_*\"]\(typoHint(for: "columns"))") }
        let columns = try stringArray("columns")!
        guard !columns.isEmpty else { throw fail("columns", "expected at least one column name") }
        return columns
    }

    /// " (is \"column\" a typo of \"columns\"?)" when a key given is close to the missing `key`.
    package func typoHint(for key: String) -> String {
        Suggestion.closest(to: key, in: keys.filter { $0 != "stage" }).map { " (is \"\($0)\" a typo of \"\(key)\"?)" } ?? ""
    }

    /// A two-number array `[low, high]` with low < high.
    package mutating func numberPair(_ key: String, within bounds: ClosedRange<Double>? = nil) throws(PreplineError) -> (Double, Double)? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value, items.count == 2, case .number(let low, _) = items[0], case .number(let high, _) = items[1] else {
            throw fail(key, "expected two numbers [low, high], got \(value.serialized())")
        }
        guard low < high else { throw fail(key, "expected low < high, got [\(NumberText.format(low)), \(NumberText.format(high))]") }
        if let bounds, !bounds.contains(low) || !bounds.contains(high) {
            throw fail(key, "expected values from \(NumberText.format(bounds.lowerBound)) to \(NumberText.format(bounds.upperBound))")
        }
        return (low, high)
    }

    /// The stage's `fitted` object, keyed by column name. Each column's `missing_ratio` (the
    /// input column's share of missing values at fit time, for `validate --against`) is checked
    /// here and read by the drift checks, not by the stage.
    package mutating func fittedColumns() throws(PreplineError) -> [(name: String, reader: SpecObjectReader)]? {
        guard var fitted = try object("fitted") else { return nil }
        var result: [(String, SpecObjectReader)] = []
        for key in fitted.keys {
            guard var column = try fitted.object(key) else { continue }
            if let ratio = try column.number("missing_ratio"), !(0...1).contains(ratio) {
                throw column.fail("missing_ratio", "expected a number from 0 to 1, got \(NumberText.format(ratio))")
            }
            result.append((key, column))
        }
        try fitted.finish()
        return result
    }
}
