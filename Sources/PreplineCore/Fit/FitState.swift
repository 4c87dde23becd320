/// What a carrying stage (ffill) carries out of a part of the data: the last value it saw, or
/// the placeholder of an earlier fill whose value is learned later.
package enum CarriedValue: Sendable, Equatable {
    case number(Double)
    case text([UInt8])
    case placeholder(stage: Int)

    /// The number in a numeric column's cell (a placeholder as its NaN payload).
    package var cellNumber: Double {
        switch self {
        case .number(let x): return x
        case .placeholder(let stage): return Placeholder.number(stage: stage)
        case .text(let bytes): return bytes.withUnsafeBufferPointer { NumberText.parse($0) } ?? .nan
        }
    }

    /// The text in a text column's cell (a number in its shortest spelling; not a placeholder).
    package var textBytes: [UInt8] {
        switch self {
        case .text(let bytes): return bytes
        case .number(let x):
            var bytes: [UInt8] = []
            NumberText.append(x, to: &bytes)
            return bytes
        case .placeholder: return []
        }
    }

    /// A value the live carry holds (apply mode).
    package init(fill: FillValue) {
        switch fill {
        case .number(let x): self = .number(x)
        case .text(let bytes): self = .text(bytes)
        }
    }

    /// The value for the live carry (apply mode has no placeholders).
    package var fillValue: FillValue? {
        switch self {
        case .number(let x): return .number(x)
        case .text(let bytes): return .text(bytes)
        case .placeholder: return nil
        }
    }

    /// The value of a numeric cell seen by ffill (placeholders kept as such).
    package init(number x: Double) {
        if let stage = Placeholder.stage(of: x) { self = .placeholder(stage: stage) } else { self = .number(x) }
    }
}

/// One stage's part of a fit state.
package struct StageFitState: Sendable {
    /// One profile per bound column (empty for a stage this pass does not fit).
    package var profiles: [ColumnProfile]
    /// Per bound column, what the stage carries out of the data seen (nil: no value seen);
    /// empty for a stage that carries nothing.
    package var carried: [CarriedValue?]

    package init(profiles: [ColumnProfile], carried: [CarriedValue?]) {
        self.profiles = profiles
        self.carried = carried
    }

    /// Appends the state of the data after this one. The later part's carry placeholders must be
    /// resolved first (`ExecutionPlan.merge`).
    package mutating func merge(_ later: StageFitState) {
        for c in profiles.indices { profiles[c].merge(later.profiles[c]) }
        for c in carried.indices where later.carried[c] != nil { carried[c] = later.carried[c] }
    }
}

/// Everything one fit pass accumulates, for one chunk or merged over many: each stage's
/// mergeable statistics per bound column (with row, missing and placeholder counts) and what
/// ffill carries out of the data (its boundary: the placeholders of its leading missing run
/// and its last value). A value: chunks merge it in input order (`ExecutionPlan.merge`, which
/// is associative), so no chunk of a fit waits on another, and parts fitted apart merge alike.
package struct FitState: Sendable {
    package var stages: [StageFitState]

    package init(stages: [StageFitState]) { self.stages = stages }
}

/// The fit state in a part (docs/distributed.md): `{"stages": [{"profiles": [...], "carried":
/// [...]}, ...]}`, a profile as `ColumnProfile.write` writes it, a carried value as `null`,
/// `{"number": X}`, `{"text": T}` or `{"placeholder": STAGE}`.
extension FitState {
    package func write(to writer: inout PartWriter) {
        writer.beginObject()
        writer.key("stages"); writer.beginArray()
        for stage in stages {
            writer.beginObject()
            writer.key("profiles"); writer.beginArray()
            for profile in stage.profiles { profile.write(to: &writer) }
            writer.endArray()
            writer.key("carried"); writer.beginArray()
            for value in stage.carried {
                switch value {
                case nil: writer.null()
                case .number(let x)?: writer.beginObject(); writer.key("number"); writer.double(x); writer.endObject()
                case .text(let bytes)?: writer.beginObject(); writer.key("text"); writer.text(bytes); writer.endObject()
                case .placeholder(let stage)?: writer.beginObject(); writer.key("placeholder"); writer.int(stage); writer.endObject()
                }
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    package init(from reader: inout PartReader) throws(PartFormatError) {
        var nothingMerged: FitState?
        try self.init(from: &reader, mergingTermsInto: &nothingMerged)
    }

    /// Reads a part's fit state for `merge`, which merges it into `total` next: the term counts
    /// of a column that `total` counts terms of go from the bytes straight into `total`'s table
    /// (`TermCounts.merge(from:)`: no table built per part), and the state read has none there,
    /// so merging it after adds the same as merging the whole part. On an error `total` is left
    /// partly merged (the merge stops).
    package init(from reader: inout PartReader, mergingTermsInto total: inout FitState?) throws(PartFormatError) {
        var stages: [StageFitState]?
        try reader.object { reader, key throws(PartFormatError) in
            guard key == "stages" else { throw reader.unknownKey(key, in: "the fit state") }
            var list: [StageFitState] = []
            try reader.array { reader throws(PartFormatError) in
                var profiles: [ColumnProfile] = [], carried: [CarriedValue?] = []
                try reader.object { reader, key throws(PartFormatError) in
                    switch key {
                    case "profiles":
                        let s = list.count
                        try reader.array { reader throws(PartFormatError) in
                            let c = profiles.count
                            profiles.append(try ColumnProfile(from: &reader) { reader throws(PartFormatError) -> TermCounts? in
                                // Only where `ColumnProfile.merge` would merge the terms as they are.
                                guard total != nil, s < total!.stages.count, c < total!.stages[s].profiles.count,
                                      total!.stages[s].profiles[c].needs.contains(.terms), !total!.stages[s].profiles[c].needs.contains(.hashedTerms)
                                else {
                                    // Read as merged into no counts (the same counts as `TermCounts(from:)`): by the
                                    // faster reading of the layout parts are written in.
                                    var counts = TermCounts(capacity: 0)
                                    try counts.merge(from: &reader)
                                    return counts
                                }
                                try total!.stages[s].profiles[c].terms.merge(from: &reader)
                                return nil
                            })
                        }
                    case "carried": try reader.array { reader throws(PartFormatError) in carried.append(try CarriedValue.read(from: &reader)) }
                    default: throw reader.unknownKey(key, in: "a stage's fit state")
                    }
                }
                list.append(StageFitState(profiles: profiles, carried: carried))
            }
            stages = list
        }
        guard let stages else { throw reader.error("the fit state has no \"stages\"") }
        self.init(stages: stages)
    }
}

extension CarriedValue {
    fileprivate static func read(from reader: inout PartReader) throws(PartFormatError) -> CarriedValue? {
        if reader.null() { return nil }
        var value: CarriedValue?
        try reader.object { reader, key throws(PartFormatError) in
            guard value == nil else { throw reader.error("a carried value has one member") }
            switch key {
            case "number": value = .number(try reader.double())
            case "text": value = .text(try reader.text())
            case "placeholder":
                let stage = try reader.int()
                guard stage >= 0 else { throw reader.error("a placeholder's stage is not negative") }
                value = .placeholder(stage: stage)
            default: throw reader.unknownKey(key, in: "a carried value")
            }
        }
        guard let value else { throw reader.error("a carried value is a number, a text or a placeholder") }
        return value
    }
}
