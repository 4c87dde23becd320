/// What `fit --partial` writes and `merge` reads (DESIGN.md E2): the fit state of one partition
/// of the data (A2's `FitState`) with what a merge needs to check that parts belong together
/// and to finish the fit alone — the spec itself, its digest, the header, the pass.
///
/// One line of JSON (`prepline_part: 2`; written and read by hand, PartCoding.swift), so a reducer reads parts one a line. The spec is
/// embedded as its text (`spec`): the spec as `fit` would write it back (command-line overrides
/// written into `input`, the schema inline), without `fitted` or `training` blocks, as prepline
/// serializes JSON; `spec_digest` is `sha256:` and the SHA-256 of those UTF-8 bytes. Two parts
/// merge only with one digest, one header and one pass.
///
/// A part's size is that of its statistics: per fitted column a few exact-sum limbs, plus the
/// distinct values of exact-median columns (histograms), the categories of category stages and
/// the vocabulary of tfidf ones. Nothing in it grows with rows otherwise.
///
/// A pass state (`prepline_pass_state: 2`, written by `merge` when the spec needs another fit
/// pass) has the same fields, no `state`: `fit --partial --pass-state` reads the stages learned
/// so far from it (`learned_stages`) and fits the next pass.
package struct FitPart: Sendable {
    /// The format version of parts this prepline writes and reads.
    package static let version = 2

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
    /// In a pass after the first: the rows the pass before read (its pass state's `rows`). Every
    /// part of the pass carries it, and the merge that finishes the pass checks its parts read as
    /// many: a partition left out or given twice would mix statistics of other rows.
    package var passRows: Int?
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
    package func line() -> [UInt8] {
        var writer = PartWriter()
        writer.beginObject()
        writer.key(isPassState ? "prepline_pass_state" : "prepline_part"); writer.int(Self.version)
        writer.key("spec_digest"); writer.string(specDigest)
        writer.key("pass"); writer.int(pass)
        writer.key("fit_from"); writer.int(fitFrom)
        writer.key("header")
        if let header {
            writer.beginArray(); for name in header { writer.string(name) }; writer.endArray()
        } else {
            writer.null()
        }
        writer.key("rows"); writer.int(rows)
        if !isPassState {
            writer.key("rows_left_out"); writer.int(rowsLeftOut)
            writer.key("partitions"); writer.int(partitions)
        }
        if let passRows { writer.key("pass_rows"); writer.int(passRows) }
        writer.key("spec"); writer.string(specText)
        if let learnedStages { writer.key("learned_stages"); writer.string(learnedStages) }
        if !isPassState {
            writer.key("state")
            if let state { state.write(to: &writer) } else { writer.null() }
        }
        writer.endObject()
        return writer.bytes + [0x0A]
    }

    /// Reads a part (or a pass state) from its JSON; `name` names it in messages.
    package static func decode(_ bytes: [UInt8], name: String) throws(PreplineError) -> FitPart {
        var nothingMerged: FitState?
        return try decode(bytes, name: name, mergingTermsInto: &nothingMerged)
    }

    /// Reads a part that `merge` merges into `total` next; its term counts go straight into
    /// `total`'s (`FitState.init(from:mergingTermsInto:)`).
    package static func decode(_ bytes: [UInt8], name: String, mergingTermsInto total: inout FitState?) throws(PreplineError) -> FitPart {
        var version: Int?, passStateVersion: Int?
        var digest: String?, spec: String?, header: [String]?
        var pass: Int?, fitFrom: Int?, rows = 0, rowsLeftOut = 0, partitions = 1, passRows: Int?
        var learnedStages: String?, state: FitState?
        do throws(PartFormatError) {
            try PartReader.read(bytes) { reader throws(PartFormatError) in
                guard reader.peek() == UInt8(ascii: "{") else { throw PartFormatError(message: "it does not start with '{'", column: 1) }
                try reader.object { reader, key throws(PartFormatError) in
                    // The version first: a part of another format is refused as such, not for its keys.
                    if version == nil, passStateVersion == nil, key != "prepline_part", key != "prepline_pass_state" {
                        throw PartFormatError(message: "no \"prepline_part\" or \"prepline_pass_state\" key first", column: 2)
                    }
                    switch key {
                    case "prepline_part", "prepline_pass_state":
                        let found = try reader.int()
                        guard found == Self.version else {
                            throw PartFormatError(message: "part format \(found); this prepline reads format \(Self.version)", column: 1, isVersion: true)
                        }
                        if key == "prepline_part" { version = found } else { passStateVersion = found }
                    case "spec_digest": digest = try reader.string()
                    case "pass": pass = try reader.int()
                    case "fit_from": fitFrom = try reader.int()
                    case "header":
                        if !reader.null() {
                            var names: [String] = []
                            try reader.array { reader throws(PartFormatError) in names.append(try reader.string()) }
                            header = names
                        }
                    case "rows": rows = try reader.count()
                    case "rows_left_out": rowsLeftOut = try reader.count()
                    case "partitions": partitions = try reader.int()
                    case "pass_rows": passRows = try reader.count()
                    case "spec": spec = try reader.string()
                    case "learned_stages": learnedStages = try reader.string()
                    case "state": if !reader.null() { state = try FitState(from: &reader, mergingTermsInto: &total) }
                    default: throw reader.unknownKey(key, in: "a part")
                    }
                }
            }
        } catch {
            if error.isVersion { throw PreplineError.usage("\(name): \(error.message)") }
            throw PreplineError.usage("\(name): not a prepline part: \(error.message) (column \(error.column))")
        }
        guard let digest, let spec, let pass, let fitFrom else {
            let missing = [("spec_digest", digest == nil), ("spec", spec == nil), ("pass", pass == nil), ("fit_from", fitFrom == nil)].first { $0.1 }!.0
            throw PreplineError.usage("\(name): not a prepline part: no \"\(missing)\" key")
        }
        var part = FitPart(specText: spec)
        guard part.specDigest == digest else {
            throw PreplineError.usage("\(name): spec_digest \(digest) is not the digest of the spec the part holds (\(part.specDigest)): the part was altered")
        }
        part.isPassState = version == nil
        part.pass = pass
        part.fitFrom = fitFrom
        part.header = header
        part.rows = rows
        part.rowsLeftOut = rowsLeftOut
        part.partitions = partitions
        part.passRows = passRows
        part.learnedStages = learnedStages
        part.state = state
        return part
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
            throw PreplineError.usage(other.pass == pass
                ? "\(otherName) and \(name) were fitted on different pass states (both pass \(pass), other learned stages): merge the parts fitted on one pass state"
                : "\(otherName) is a part of fit pass \(other.pass), \(name) of pass \(pass): only the parts of one pass merge")
        }
        if let mine = header, let theirs = other.header, mine != theirs {
            throw PreplineError.usage("\(otherName) has another header than \(name): \(HeaderCheck.difference(found: theirs, expected: mine))")
        }
        if other.passRows != passRows {
            throw PreplineError.usage("\(otherName) was fitted on another pass state than \(name) (pass \(pass - 1) read \(other.passRows.map(String.init) ?? "?") rows for one, \(passRows.map(String.init) ?? "?") for the other): merge the parts fitted on one pass state")
        }
    }
}
