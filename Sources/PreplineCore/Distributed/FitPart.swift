import Foundation

/// What `fit --partial` writes and `merge` reads (DESIGN.md E2): the fit state of one partition
/// of the data (A2's `FitState`) with what a merge needs to check that parts belong together
/// and to finish the fit alone — the spec itself, its digest, the header, the pass.
///
/// One line of JSON (`prepline_part: 1`), so a reducer reads parts one a line. The spec is
/// embedded as its text (`spec`): the spec as `fit` would write it back (command-line overrides
/// written into `input`, the schema inline), without `fitted` or `training` blocks, as prepline
/// serializes JSON; `spec_digest` is `sha256:` and the SHA-256 of those UTF-8 bytes. Two parts
/// merge only with one digest, one header and one pass.
///
/// A part's size is that of its statistics: per fitted column a few exact-sum limbs, plus the
/// distinct values of exact-median columns (histograms), the categories of category stages and
/// the vocabulary of tfidf ones. Nothing in it grows with rows otherwise.
///
/// A pass state (`prepline_pass_state: 1`, written by `merge` when the spec needs another fit
/// pass) has the same fields, no `state`: `fit --partial --pass-state` reads the stages learned
/// so far from it (`learned_stages`) and fits the next pass.
package struct FitPart: Sendable {
    /// The format version of parts this prepline writes and reads.
    package static let version = 1

    /// True for a pass state, false for a part.
    package var isPassState = false
    /// The embedded spec's text and `sha256:<hex>` of its bytes.
    package var specText: String
    package var specDigest: String
    /// 1 for the first fit pass.
    package var pass = 1
    /// The first stage this pass fits (`ExecutionPlan.fitFrom`).
    package var fitFrom = 0
    /// In a pass after the first: the stages (JSON text of the array) with the `fitted` blocks
    /// the earlier passes wrote.
    package var learnedStages: String?
    /// The column names of the partition (nil: an empty partition, no record read).
    package var header: [String]?
    package var rows = 0
    package var rowsLeftOut = 0
    /// How many `fit --partial` runs were merged into this part (1 for one partition).
    package var partitions = 1
    /// The merged fit state (nil: no data row).
    package var state: FitState?

    package init(specText: String) {
        self.specText = specText
        specDigest = Self.digest(of: specText)
    }

    /// `sha256:` and the SHA-256 of the spec text's UTF-8 bytes.
    package static func digest(of specText: String) -> String { "sha256:" + SHA256.hex(Array(specText.utf8)) }

    /// The spec as a part embeds it (see the type's comment): what its digest is taken of.
    package static func embeddedSpecText(_ spec: Spec, overrides: SpecOverrides) -> String {
        let placeholder = TrainingRecord(header: [], rows: 0, rowsLeftOut: 0, missing: [], fittedAt: "")
        guard case .object(var members) = spec.fittedRoot(stages: spec.stagesToFit, training: placeholder, overrides: overrides) else {
            return spec.root.serialized()
        }
        members.removeAll { $0.key == "training" }
        // `--on-error` is not written in, as `fit` does not write it: the merged spec stays `fit`'s.
        return JSONValue.object(members).serialized()
    }

    /// The part as one line of JSON (no line break inside: JSON escapes them in strings).
    package func line() throws(PreplineError) -> [UInt8] {
        var out = "{"
        func member(_ key: String, _ value: JSONValue) {
            if out.count > 1 { out += "," }
            JSONValue.writeString(key, into: &out)
            out += ":"
            out += value.serialized()
        }
        member(isPassState ? "prepline_pass_state" : "prepline_part", .number(Double(Self.version)))
        member("spec_digest", .string(specDigest))
        member("pass", .number(Double(pass)))
        member("fit_from", .number(Double(fitFrom)))
        member("header", header.map { .array($0.map { .string($0) }) } ?? .null)
        if !isPassState {
            member("rows", .number(Double(rows)))
            member("rows_left_out", .number(Double(rowsLeftOut)))
            member("partitions", .number(Double(partitions)))
        }
        member("spec", .string(specText))
        if let learnedStages { member("learned_stages", .string(learnedStages)) }
        var bytes = Array(out.utf8)
        if !isPassState {
            bytes += Array(",\"state\":".utf8)
            if let state {
                do {
                    bytes += try Self.encoder.encode(state)
                } catch {
                    throw PreplineError.output(file: "part", "cannot encode the fit state: \(error)")
                }
            } else {
                bytes += Array("null".utf8)
            }
        }
        bytes += Array("}\n".utf8)
        return bytes
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The extremes of a profile with no value are ±infinity.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The coded form: every field, optional where a pass state or an empty part has none.
    private struct Coded: Decodable {
        var prepline_part: Int?
        var prepline_pass_state: Int?
        var spec_digest: String
        var pass: Int
        var fit_from: Int
        var header: [String]?
        var rows: Int?
        var rows_left_out: Int?
        var partitions: Int?
        var spec: String
        var learned_stages: String?
        var state: FitState?
    }

    /// Reads a part (or a pass state) from its JSON; `name` names it in messages.
    package static func decode(_ bytes: [UInt8], name: String) throws(PreplineError) -> FitPart {
        let coded: Coded
        do {
            coded = try decoder.decode(Coded.self, from: Data(bytes))
        } catch {
            let start = bytes.prefix(1)
            let hint = start == [UInt8(ascii: "{")] ? "" : " (it does not start with '{')"
            throw PreplineError.usage("\(name): not a prepline part\(hint): \(Self.describe(error))")
        }
        let version = coded.prepline_part ?? coded.prepline_pass_state
        guard let version else {
            throw PreplineError.usage("\(name): not a prepline part (no \"prepline_part\" or \"prepline_pass_state\" key)")
        }
        guard version == Self.version else {
            throw PreplineError.usage("\(name): part format \(version); this prepline reads format \(Self.version)")
        }
        var part = FitPart(specText: coded.spec)
        guard part.specDigest == coded.spec_digest else {
            throw PreplineError.usage("\(name): spec_digest \(coded.spec_digest) is not the digest of the spec the part holds (\(part.specDigest)): the part was altered")
        }
        part.isPassState = coded.prepline_part == nil
        part.pass = coded.pass
        part.fitFrom = coded.fit_from
        part.header = coded.header
        part.rows = coded.rows ?? 0
        part.rowsLeftOut = coded.rows_left_out ?? 0
        part.partitions = coded.partitions ?? 1
        part.learnedStages = coded.learned_stages
        part.state = coded.state
        return part
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at '\(path)': \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// The spec the part was fitted with (its `file` is `name`, for messages).
    package func decodedSpec(name: String) throws(PreplineError) -> Spec {
        try Spec.parse(bytes: Array(specText.utf8), file: name)
    }

    /// The stages as this pass starts them: the spec's (without fitted blocks) in the first
    /// pass, the learned ones after.
    package func stageSpecs(of spec: Spec, name: String) throws(PreplineError) -> [JSONValue] {
        guard let learnedStages else { return spec.stagesToFit }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(learnedStages.utf8))
        } catch {
            throw PreplineError.usage("\(name): learned_stages is not JSON: \(error)")
        }
        guard case .array(let stages) = value, stages.count == spec.stages.count else {
            throw PreplineError.usage("\(name): learned_stages is not the spec's \(spec.stages.count) stages")
        }
        return stages
    }

    /// Throws a usage error (exit 2) naming both when `other` does not belong with this part:
    /// another spec, another pass, or another header.
    package func checkBelongs(_ other: FitPart, name: String, otherName: String) throws(PreplineError) {
        if other.specDigest != specDigest {
            throw PreplineError.usage("\(otherName) was fitted with another spec than \(name): spec_digest \(other.specDigest) vs \(specDigest)")
        }
        if other.pass != pass || other.fitFrom != fitFrom || other.learnedStages != learnedStages {
            throw PreplineError.usage("\(otherName) is a part of fit pass \(other.pass), \(name) of pass \(pass)\(other.pass == pass ? " with other learned stages" : ""): parts of one pass merge")
        }
        if let mine = header, let theirs = other.header, mine != theirs {
            throw PreplineError.usage("\(otherName) has another header than \(name): \(HeaderCheck.difference(found: theirs, expected: mine))")
        }
    }
}
