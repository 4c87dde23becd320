import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the input CSV is spelled. Defaults follow RFC 4180 and pandas' missing-value tokens.
package struct InputDialect: Sendable, Equatable {
    package var delimiter: UInt8 = UInt8(ascii: ",")
    package var quote: UInt8 = UInt8(ascii: "\"")
    package var header = true
    /// `input.columns`: the column names of a headerless input (partitions of a file split by
    /// lines have no header, or only the first has it); nil: the header, or `column_1`…
    package var columns: [String]?
    /// `input.header: "if-present"`: the first record of each input is the header when it holds
    /// exactly `columns`, else a data record (`header` is then true, so it is cut on its own).
    package var headerIfPresent = false

    /// With `input.header: "if-present"`: whether a first record is the header (it holds exactly
    /// the bytes of `columns`, in order).
    package func isHeaderRecord(_ fields: [String]) -> Bool {
        guard let columns else { return true }
        return fields.count == columns.count && zip(fields, columns).allSatisfy { LosslessText.sameBytes($0, $1) }
    }
    /// Tokens read as a missing value (stages use them; a pass-through keeps the text as it is).
    package var missing: [String] = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]
    /// The input's character encoding; output is always UTF-8.
    package var encoding = TextEncoding.utf8
    /// How numeric stages read numbers (`input.decimal`, default "."; `input.group`, default
    /// none). Output numbers are always written with "." and no grouping.
    package var numberFormat = NumberFormat.standard
    /// Per column, the schema's own `decimalChar` / `groupChar` where a number field gives them:
    /// the field's spelling is more specific than `input`'s, and validate reads it so too.
    package var fieldNumberFormats: [String: NumberFormat] = [:]

    /// The number spelling of column `name`.
    package func numberFormat(for name: String) -> NumberFormat { fieldNumberFormats[name] ?? numberFormat }

    package init() {}
}

/// An input character encoding (`input.encoding`). Single-byte encodings are transcoded to UTF-8
/// before records are cut (`TranscodingSource`); UTF-8 input is read as bytes, untouched.
package enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is the code point of its value.
    case latin1 = "latin-1"
    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F; 0x81, 0x8D, 0x8F, 0x90 and
    /// 0x9D are undefined and a malformed-input error, as Python's `cp1252` codec decides.
    case cp1252
}

/// What to do with a row-level error (DESIGN.md, "Bad input").
package enum OnError: String, Sendable, CaseIterable {
    case fail, skip, reject
}

/// The output file format.
package enum OutputFormat: String, Sendable, CaseIterable {
    case csv
    /// svmlight / libsvm text (`label index:value …`), read by XGBoost, LightGBM and
    /// scikit-learn's `load_svmlight_file`: features numbered from 1 in output column order,
    /// the label column left out; zero and missing values are not written.
    case svmlight
}

/// How the output is written.
package struct OutputOptions: Sendable, Equatable {
    package var format: OutputFormat = .csv
    /// The label column of `svmlight` output.
    package var label: String?
    package var delimiter: UInt8?
    package var quote: UInt8?
    /// Write a header record (DESIGN.md: default true; a header-less input gets `column_1`… names).
    package var header = true
    package var onError: OnError = .fail
    package var rejects: String?
    /// `output.columns` as a list: the columns written, in order (nil: `"all"`).
    package var columns: [String]?

    package init() {}
}

/// A pipeline spec (DESIGN.md, "The spec"). Only the parts the engine runs today are modelled;
/// the rest is rejected by name instead of being ignored.
package struct Spec: Sendable {
    package var version = 1
    package var input = InputDialect()
    package var output = OutputOptions()
    /// The stage list; empty means a faithful pass-through.
    package var stages: [JSONValue] = []
    /// `stages` decoded (once, by `decode`), fitted blocks included; not yet bound to columns.
    /// What `apply` and `explain` run.
    package var decodedStages: [any PipelineStage] = []
    /// The stages as `fit` and `run` learn them, without their `fitted` blocks: the same
    /// values as `decodedStages` where a stage has no `fitted` block (decoded again only
    /// where it has one).
    package var stagesForFitting: [any PipelineStage] = []
    /// The Frictionless Table Schema rows are checked against (`validate`), if any.
    package var schema: TableSchema?
    /// Dataset-level checks (`validate`).
    package var checks: [DatasetCheck] = []
    /// What a fitted spec records of its training data (`fit` writes it; `apply` matches the
    /// input's columns to its header by name). Nil in a hand-written spec.
    package var training: TrainingRecord?
    /// The whole spec as written, to write it back with learned parameters (`fit`).
    package var root: JSONValue = .object([])
    package var file = ""

    package init() {}

    /// The stages without their `fitted` blocks: what `fit` and `run` learn from (they always
    /// refit, as scikit-learn's `fit` does; only `apply` uses fitted blocks).
    package var stagesToFit: [JSONValue] {
        stages.map { stage in
            guard case .object(let members) = stage else { return stage }
            return .object(members.filter { $0.key != "fitted" })
        }
    }

    /// True when some stage has parameters to learn, so `run` needs a fit pass.
    package var needsFitting: Bool { stagesForFitting.contains { !$0.isFitted } }

    /// Reads a spec file, a FIFO or process substitution (`<(…)`), or `-` (stdin).
    package static func load(path: String) throws(PreplineError) -> Spec {
        try load(SpecSource(path: path))
    }

    /// Reads and decodes a spec from where the command line says, then applies the one-run
    /// overrides (`--delimiter`, `--no-header`, `--on-error`) as if the spec said them.
    package static func load(_ source: SpecSource, overrides: SpecOverrides = SpecOverrides(),
                             kinds: [any PipelineStage.Type] = StageRegistry.kinds) throws(PreplineError) -> Spec {
        var spec = try parse(bytes: source.contents(), file: source.displayName, kinds: kinds)
        try overrides.apply(to: &spec)
        return spec
    }

    package static func parse(bytes: [UInt8], file: String, kinds: [any PipelineStage.Type] = StageRegistry.kinds) throws(PreplineError) -> Spec {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw PreplineError.specSyntax(file: file, line: error.line, column: error.column, message: error.message)
        }
        return try decode(root, file: file, kinds: kinds)
    }

    /// Decodes a spec whose stages are of `kinds` (the registry's unless a test adds its own).
    package static func decode(_ root: JSONValue, file: String, kinds: [any PipelineStage.Type] = StageRegistry.kinds) throws(PreplineError) -> Spec {
        try root.requireFiniteNumbers(file: file)
        var spec = Spec()
        spec.root = root
        spec.file = file
        var reader = try SpecObjectReader(root, file: file, path: "")
        guard reader.has("prepline") else {
            // The other JSON documents prepline writes, given where a spec belongs.
            if reader.has("prepline_part") {
                throw PreplineError.usage("\(file) is a part written by `prepline fit --partial`, not a spec: merge the parts with `prepline merge PART... -o fitted.json`, then use the fitted spec")
            }
            if reader.has("prepline_pass_state") {
                throw PreplineError.usage("\(file) is a pass state written by `prepline merge`, not a spec: give it to `prepline fit SPEC --partial --pass-state \(file)` for the next fit pass")
            }
            if reader.has("profile") {
                throw PreplineError.usage("\(file) is a profile written by `prepline profile --json`, not a spec (`prepline profile --emit-spec FILE` writes a starting spec)")
            }
            throw PreplineError.spec(file: file, path: "prepline", message: "missing; a spec starts with \"prepline\": 1 (the format version)")
        }
        spec.version = try reader.integer("prepline", in: 1...1)!
        // Editors attach a JSON Schema with "$schema" (see `prepline schema`): accepted, ignored.
        _ = try reader.string("$schema")

        if var input = try reader.object("input") {
            if let d = try input.singleByte("delimiter") { spec.input.delimiter = d }
            if let q = try input.singleByte("quote") { spec.input.quote = q }
            if let h = input.value("header") {
                switch h {
                case .bool(let value): spec.input.header = value
                case .string("if-present"): (spec.input.header, spec.input.headerIfPresent) = (true, true)
                case .string(let other): throw input.fail("header", "expected true, false or \"if-present\" (a first record equal to input.columns is the header), got \(h.serialized())\(Suggestion.didYouMean(other, in: ["if-present"]))")
                default: throw input.fail("header", "expected true, false or \"if-present\" (a first record equal to input.columns is the header), got \(h.typeName)")
                }
            }
            if let columns = try input.stringArray("columns") {
                guard !columns.isEmpty else { throw input.fail("columns", "expected at least one column name") }
                if let (first, second) = HeaderCheck.firstDuplicate(columns) {
                    throw PreplineError.spec(file: file, path: "input.columns[\(second)]", message: "'\(columns[second])' is also input.columns[\(first)]: column names must be unique")
                }
                spec.input.columns = columns
            }
            if let m = try input.stringArray("missing") { spec.input.missing = m }
            if let e = try input.choice("encoding", TextEncoding.allCases.map(\.rawValue)) { spec.input.encoding = TextEncoding(rawValue: e)! }
            spec.input.numberFormat = try decodeNumberFormat(&input, delimiter: spec.input.delimiter, quote: spec.input.quote)
            // Unknown keys first: a misspelt "columns" is named as such, not as a missing one.
            try input.finish()
            if spec.input.headerIfPresent && spec.input.columns == nil {
                throw input.fail("header", "\"if-present\" needs input.columns: the names a first record must hold to be the header")
            }
            if spec.input.columns != nil && spec.input.header && !spec.input.headerIfPresent {
                throw input.fail("columns", "names the columns of an input without a header: set input.header to false or \"if-present\" (with a header, the header names them)")
            }
            try checkDialect(delimiter: spec.input.delimiter, quote: spec.input.quote, file: file, path: "input")
        }

        if let stages = reader.value("stages") {
            guard case .array(let list) = stages else {
                throw PreplineError.spec(file: file, path: "stages", message: "expected an array of stages, got \(stages.typeName)")
            }
            // Decoded now so a spec error stops the run before any data is read; bound to the
            // columns later, once the header is known.
            for (i, stage) in list.enumerated() { spec.decodedStages.append(try StageRegistry.decode(stage, position: i, file: file, kinds: kinds)) }
            spec.stages = list
            for (i, stage) in spec.stagesToFit.enumerated() {
                spec.stagesForFitting.append(list[i]["fitted"] == nil ? spec.decodedStages[i] : try StageRegistry.decode(stage, position: i, file: file, kinds: kinds))
            }
        }

        if let schema = reader.value("schema") {
            spec.schema = try TableSchema.decode(schema, specFile: file, path: "schema")
            spec.shareNumberFormats()
        }
        if let checks = reader.value("checks") {
            guard case .array(let list) = checks else {
                throw PreplineError.spec(file: file, path: "checks", message: "expected an array of checks, got \(checks.typeName)")
            }
            for (i, check) in list.enumerated() { spec.checks.append(try DatasetCheck.decode(check, index: i, file: file)) }
        }

        if let training = reader.value("training") { spec.training = try TrainingRecord.decode(training, file: file) }

        if var output = try reader.object("output") {
            if let f = try output.choice("format", OutputFormat.allCases.map(\.rawValue)) { spec.output.format = OutputFormat(rawValue: f)! }
            spec.output.label = try output.string("label")
            if spec.output.format == .svmlight && spec.output.label == nil {
                throw output.fail("label", "missing; svmlight output needs the label column, e.g. \"label\": \"rating\"")
            }
            if spec.output.format == .csv && spec.output.label != nil {
                throw output.fail("label", "only svmlight output has a label column")
            }
            if let columns = output.value("columns") {
                switch columns {
                case .string:
                    _ = try output.choice("columns", ["all"])
                case .array:
                    let names = try output.stringArray("columns")!
                    guard !names.isEmpty else { throw output.fail("columns", "expected \"all\" or at least one column name") }
                    try SelectStage.refuseRepeats(names, path: "output.columns", file: file)
                    spec.output.columns = names
                default:
                    throw output.fail("columns", "expected \"all\" or a list of column names and globs, got \(columns.typeName)")
                }
            }
            if let d = try output.singleByte("delimiter") { spec.output.delimiter = d }
            if let q = try output.singleByte("quote") { spec.output.quote = q }
            if let h = try output.bool("header") { spec.output.header = h }
            if let e = try output.choice("on_error", OnError.allCases.map(\.rawValue)) { spec.output.onError = OnError(rawValue: e)! }
            spec.output.rejects = try output.string("rejects")
            try output.finish()
            try checkDialect(delimiter: spec.output.delimiter ?? spec.input.delimiter,
                             quote: spec.output.quote ?? spec.input.quote, file: file, path: "output")
        }
        try reader.finish()
        // `output.columns` is one last select, after every stage.
        let outputStages = spec.outputStages
        spec.decodedStages += outputStages
        spec.stagesForFitting += outputStages
        return spec
    }

    /// What `output` adds after the spec's stages: the select `output.columns` stands for.
    /// Not in `stages` (the fitted spec keeps `output.columns` where it was written).
    /// svmlight output writes its label apart, so a list that leaves it out keeps it too.
    package var outputStages: [any PipelineStage] {
        guard var columns = output.columns else { return [] }
        if output.format == .svmlight, let label = output.label, !columns.contains(label) { columns.append(label) }
        return [SelectStage(outputColumns: columns, position: stages.count)]
    }

    /// `input.decimal` (one character, default ".") and `input.group` (one character or "",
    /// default none): refused when they collide with each other, the delimiter or the quote, or
    /// when the decimal mark is a digit, a sign or an exponent letter.
    private static func decodeNumberFormat(_ input: inout SpecObjectReader, delimiter: UInt8, quote: UInt8) throws(PreplineError) -> NumberFormat {
        let decimal = try input.string("decimal") ?? "."
        let group = try input.string("group") ?? ""
        guard decimal.count == 1 else { throw input.fail("decimal", "expected one character (\".\" or \",\"), got \"\(decimal)\"") }
        guard group.count <= 1 else { throw input.fail("group", "expected one character (such as \".\", \" \" or \"'\") or \"\", got \"\(group)\"") }
        if let c = decimal.unicodeScalars.first, "0123456789+-eE".unicodeScalars.contains(c) {
            throw input.fail("decimal", "\"\(decimal)\" cannot be the decimal mark (a digit, sign or exponent letter)")
        }
        if let c = group.unicodeScalars.first, "0123456789+-eE".unicodeScalars.contains(c) {
            throw input.fail("group", "\"\(group)\" cannot be the group separator (a digit, sign or exponent letter)")
        }
        if decimal == group { throw input.fail("group", "the group separator must differ from the decimal mark \"\(decimal)\"") }
        for (key, value) in [("decimal", decimal), ("group", group)] where Array(value.utf8) == [delimiter] || Array(value.utf8) == [quote] {
            throw input.fail(key, "\"\(value)\" is the \(Array(value.utf8) == [delimiter] ? "delimiter" : "quote"); the \(key == "decimal" ? "decimal mark" : "group separator") must differ from it")
        }
        return NumberFormat(decimal: Array(decimal.utf8), group: Array(group.utf8))
    }

    /// One number spelling per column for stages and validate: a schema number field that
    /// gives `decimalChar` / `groupChar` keeps its own (stages read that column so too); one
    /// that gives neither reads `input.decimal` / `input.group`, so validate and run agree.
    private mutating func shareNumberFormats() {
        guard var schema else { return }
        for i in schema.fields.indices where schema.fields[i].type == .number {
            let field = schema.fields[i]
            if field.decimalChar != "." || !field.groupChar.isEmpty {
                input.fieldNumberFormats[field.name] = NumberFormat(decimal: Array(field.decimalChar.utf8), group: Array(field.groupChar.utf8))
            } else if !input.numberFormat.isStandard {
                schema.fields[i].decimalChar = String(decoding: input.numberFormat.decimal, as: UTF8.self)
                schema.fields[i].groupChar = String(decoding: input.numberFormat.group, as: UTF8.self)
                schema.fields[i].numberOptionsGiven = true
            }
        }
        self.schema = schema
    }

    private static func checkDialect(delimiter: UInt8, quote: UInt8, file: String, path: String) throws(PreplineError) {
        let forbidden: Set<UInt8> = [0x0A, 0x0D]
        if forbidden.contains(delimiter) {
            throw PreplineError.spec(file: file, path: "\(path).delimiter", message: "a line break cannot be the delimiter")
        }
        if forbidden.contains(quote) {
            throw PreplineError.spec(file: file, path: "\(path).quote", message: "a line break cannot be the quote")
        }
        if delimiter == quote {
            throw PreplineError.spec(file: file, path: "\(path).quote", message: "the quote must differ from the delimiter")
        }
    }
}

/// Where a spec comes from: a path (a regular file, a FIFO, `/dev/fd/N` from `<(…)`), stdin
/// (`-`), or the text of `--spec-json`. Messages name it as the user gave it.
package enum SpecSource: Sendable, Equatable {
    case file(String)
    case stdin
    case inline(String)

    /// `-` is stdin; anything else is a path.
    package init(path: String) { self = path == "-" ? .stdin : .file(path) }

    /// The name messages use: the path, `stdin` or `--spec-json`.
    package var displayName: String {
        switch self {
        case .file(let path): return path
        case .stdin: return "stdin"
        case .inline: return "--spec-json"
        }
    }

    /// The spec's bytes. A FIFO is read to its end with read(2): Foundation's
    /// `contents(atPath:)` refuses anything that is not a regular file.
    /// A gzip-compressed spec (`fitted.json.gz`, as `fit -o` writes it) is inflated.
    func contents() throws(PreplineError) -> [UInt8] {
        switch self {
        case .inline(let text):
            return Array(text.utf8)
        case .stdin:
            return try Self.inflated(Self.readAll(fd: 0, name: "stdin"), name: "stdin")
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
                throw PreplineError.usage("\(path): cannot open the spec: \(reason)")
            }
            defer { close(fd) }
            return try Self.inflated(Self.readAll(fd: fd, name: path), name: path)
        }
    }

    /// A spec is at most 256 MiB, compressed or not.
    private static let sizeLimit = 256 << 20

    private static func inflated(_ bytes: [UInt8], name: String) throws(PreplineError) -> [UInt8] {
        try GzipDocument.inflatedIfCompressed(bytes, name: name, limit: sizeLimit)
    }

    private static func readAll(fd: Int32, name: String) throws(PreplineError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return bytes }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errno == EISDIR ? "it is a directory" : String(cString: strerror(errno))
                throw PreplineError.usage("\(name): cannot read the spec: \(reason)")
            }
            bytes += buffer[0..<n]
            // A spec is small; a runaway stream (a data file given as the spec) is cut short.
            if bytes.count > sizeLimit { throw PreplineError.usage("\(name): cannot read the spec: larger than 256 MiB") }
        }
    }
}

/// Command-line options that override the spec's blocks for one run.
package struct SpecOverrides: Sendable, Equatable {
    /// `--delimiter`: the input's delimiter (the output's too, unless `output.delimiter` is set).
    package var delimiter: UInt8?
    /// `--no-header`: the input has no header record (columns are named `column_1`…).
    package var noHeader = false
    /// `--on-error`: replaces `output.on_error`.
    package var onError: OnError?

    package init() {}

    /// The byte a `--delimiter` value names: one byte, or `\t` / `tab` for a tab.
    package static func delimiterByte(_ text: String) -> UInt8? {
        if text == "\\t" || text == "tab" { return 0x09 }
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    func apply(to spec: inout Spec) throws(PreplineError) {
        if let delimiter {
            if delimiter == 0x0A || delimiter == 0x0D { throw PreplineError.usage("--delimiter: a line break cannot be the delimiter") }
            if delimiter == spec.input.quote {
                throw PreplineError.usage("--delimiter: \"\(String(decoding: [delimiter], as: UTF8.self))\" is the spec's quote character (input.quote); the two must differ")
            }
            if spec.output.delimiter == nil, delimiter == spec.output.quote {
                throw PreplineError.usage("--delimiter: \"\(String(decoding: [delimiter], as: UTF8.self))\" is the spec's output.quote, and the output uses the input's delimiter; the two must differ")
            }
            spec.input.delimiter = delimiter
        }
        if noHeader { (spec.input.header, spec.input.headerIfPresent) = (false, false) }
        if let onError { spec.output.onError = onError }
    }
}

extension Spec {
    /// The spec as written with `stages` in place of its stages (the fitted ones).
    package func withStages(_ stages: [JSONValue]) -> JSONValue {
        guard case .object(var members) = root, let index = members.firstIndex(where: { $0.key == "stages" }) else { return root }
        members[index].value = .array(stages)
        return .object(members)
    }

    /// The fitted spec `fit` writes: the spec as written, with the learned `stages`, the schema
    /// inline, the `input` block as this run read the data (the one-run `--delimiter` /
    /// `--no-header` written in, so `apply` reads tomorrow's file the same way) and the
    /// `training` block right after it (replacing any earlier one).
    package func fittedRoot(stages: [JSONValue], training: TrainingRecord, overrides: SpecOverrides) -> JSONValue {
        guard case .object(var members) = withSchemaInline(withStages(stages)) else { return root }
        members.removeAll { $0.key == "training" }
        var inputIndex = members.firstIndex { $0.key == "input" }
        if overrides.delimiter != nil || overrides.noHeader {
            if inputIndex == nil {
                inputIndex = (members.firstIndex { $0.key == "prepline" } ?? -1) + 1
                members.insert((key: "input", value: .object([])), at: inputIndex!)
            }
            if case .object(var input) = members[inputIndex!].value {
                func set(_ key: String, _ value: JSONValue) {
                    if let i = input.firstIndex(where: { $0.key == key }) { input[i].value = value } else { input.append((key: key, value: value)) }
                }
                if overrides.delimiter != nil { set("delimiter", .string(String(decoding: [self.input.delimiter], as: UTF8.self))) }
                if overrides.noHeader { set("header", .bool(false)) }
                members[inputIndex!].value = .object(input)
            }
        }
        let trainingIndex = inputIndex.map { $0 + 1 } ?? (members.firstIndex { $0.key == "prepline" }.map { $0 + 1 } ?? 0)
        members.insert((key: "training", value: training.json), at: trainingIndex)
        return .object(members)
    }

    /// `root` with the spec's `schema` written inline: a schema named by a (relative) path is
    /// read where the spec is, so a fitted spec written elsewhere would not find it. A fitted
    /// spec needs nothing but itself.
    package func withSchemaInline(_ root: JSONValue) -> JSONValue {
        guard let inline = schema?.json, case .object(var members) = root,
              let index = members.firstIndex(where: { $0.key == "schema" }) else { return root }
        members[index].value = inline
        return .object(members)
    }
}
