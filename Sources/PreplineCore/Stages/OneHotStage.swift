/// `onehot`: scikit-learn's OneHotEncoder (dense), one 0/1 column per category in the
/// column's place. Categories sort by code point; a missing value is the category `nan`, last.
package struct OneHotStage: PipelineStage {
    package enum Drop: String, Sendable, CaseIterable { case first, ifBinary = "if_binary" }
    package enum Unknown: String, Sendable, CaseIterable { case error, ignore, infrequent }

    /// What apply needs for one column: which output column each category lights up.
    package struct Encoding: Sendable {
        /// Every category (nil = missing), in output order before grouping.
        var categories: [[UInt8]?]
        /// Categories grouped into `<col>_infrequent`.
        var infrequent: Set<[UInt8]?>
        /// Output names and, per category, its output column (-1: all zeros, a dropped column).
        var names: [String] = []
        /// Each category's output column, looked up by borrowed field bytes (no array per row).
        var lookup = CategoryLookup([:])
        var missingColumn: Int32 = -2
        var infrequentColumn: Int32 = -1

        /// Output columns: the frequent categories in order, then the infrequent group; `drop`
        /// removes grouped column 0 (scikit-learn's `_drop_idx_after_grouping`).
        init(column: String, categories: [[UInt8]?], infrequent: Set<[UInt8]?>, drop: Drop?) {
            self.categories = categories
            self.infrequent = infrequent
            var grouped: [(name: String, members: [[UInt8]?])] = []
            for category in categories where !infrequent.contains(category) {
                grouped.append(("\(column)_\(category.map { LosslessText.string($0) } ?? "nan")", [category]))
            }
            if !infrequent.isEmpty {
                grouped.append(("\(column)_infrequent", categories.filter { infrequent.contains($0) }))
            }
            var columnOf: [[UInt8]: Int32] = [:]
            let dropFirst = drop == .first || (drop == .ifBinary && grouped.count == 2)
            for (index, group) in grouped.enumerated() {
                let output: Int32 = dropFirst ? Int32(index) - 1 : Int32(index)
                if !(dropFirst && index == 0) { names.append(group.name) }
                for member in group.members {
                    if let member { columnOf[member] = output } else { missingColumn = output }
                }
                if group.name == "\(column)_infrequent" && !infrequent.isEmpty { infrequentColumn = output }
            }
            lookup = CategoryLookup(columnOf)
        }
    }

    package static let kind = "onehot"
    package static let summary = "one 0/1 column per category (code-point order, missing as <col>_nan); drop, handle_unknown, min_frequency, max_categories"

    package let position: Int
    package let selectors: [String]
    /// Categories given in the spec, in the given order (nil is the missing category).
    package let givenCategories: [String: [[UInt8]?]]
    package let drop: Drop?
    package let handleUnknown: Unknown
    package let minFrequency: Double?
    package let maxCategories: Int?
    private let file: String
    package private(set) var encodings: [String: Encoding] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    /// The columns the spec's `fitted` block covers.
    private var fittedNames: [String] = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        givenCategories = try CategoryLearning.given(options.value("categories"), file: reader.file, path: reader.childPath("categories"))
        drop = options.string("drop").map { Drop(rawValue: $0)! }
        handleUnknown = Unknown(rawValue: options.string("handle_unknown")!)!
        minFrequency = options.number("min_frequency")?.value
        maxCategories = options.integer("max_categories")
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard entry.has("categories") else { throw entry.fail("categories", "missing: the learned categories of column '\(column)'") }
                let categories = try CategoryLearning.fittedList(&entry, "categories")
                let infrequent = Set(try CategoryLearning.fittedList(&entry, "infrequent"))
                try entry.finish()
                encodings[column] = Encoding(column: column, categories: categories, infrequent: infrequent, drop: drop)
            }
        }
        try reader.finish()
    }

    /// Learns nothing when every column's categories are given and nothing can be infrequent.
    package var isFitted: Bool {
        !encodings.isEmpty || CategoryLearning.learnsNothing(columns: boundNames.isEmpty ? selectors : boundNames, given: givenCategories,
                                                             minFrequency: minFrequency, maxCategories: maxCategories)
    }

    package var fittedJSON: JSONValue? {
        guard !encodings.isEmpty else { return nil }
        return CategoryLearning.fittedJSON(columns: boundNames) { encodings[$0].map { ($0.categories, $0.infrequent) } }
    }

    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { .textCounts }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        for key in givenCategories.keys.sorted() where !boundNames.contains(key) {
            throw PreplineError.spec(file: file, path: "stages[\(position)].categories.\(key)",
                                     message: "'\(key)' is not one of this stage's columns\(Suggestion.didYouMean(key, in: boundNames)) (\(Suggestion.shortList(boundNames)))")
        }
        for name in boundNames { columns.expandedBy[name] = label }
        if encodings.isEmpty && isFitted {
            for name in boundNames {
                encodings[name] = Encoding(column: name, categories: givenCategories[name]!, infrequent: [], drop: drop)
            }
        }
        // The output columns a later stage may name: known when this stage runs with its
        // categories; otherwise a stage naming them fits in the next pass.
        for name in boundNames {
            if columns.stageRunsLearned, let encoding = encodings[name] {
                columns.blocks[name] = encoding.names
            } else {
                columns.namesLearnedLater[name] = label
            }
        }
    }

    /// Its output columns are new: a later stage that names them waits for the categories.
    package var mayDeferLaterStages: Bool { true }

    /// In the fit pass, a value outside given categories under `handle_unknown: error` is a
    /// row-level error already (scikit-learn raises in fit), so that row is fitted by no stage.
    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        for (i, c) in bound.enumerated() {
            let text = batch.textColumn(c)
            if handleUnknown == .error, let given = givenCategories[boundNames[i]] {
                CategoryLearning.rejectUnknown(in: text, of: &batch, given: given, column: boundNames[i], label: label, fix: unknownFix)
            }
            state.profiles[i].observe(text: text, in: batch, where: batch.work.isGood)
            batch.columns[c] = .text(text)
        }
    }

    /// The option that accepts a category the stage does not know (the hint of a failed run).
    private var unknownFix: String {
        "set stages[\(position)].handle_unknown to \"ignore\" to encode categories the stage does not know as all zeros"
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard encodings.isEmpty else { return }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            let (categories, counts) = CategoryLearning.learn(profile, given: givenCategories[name])
            guard !categories.isEmpty else {
                throw PreplineError.spec(file: file, path: "stages[\(position)]", message: "column '\(name)' has no values to learn categories from (\(label))")
            }
            let rows = profile.observed + profile.missing
            encodings[name] = Encoding(column: name, categories: categories,
                                       infrequent: CategoryLearning.infrequent(categories, counts: counts, rows: rows, minFrequency: minFrequency, maxCategories: maxCategories),
                                       drop: drop)
        }
    }

    package func apply(_ batch: inout Batch) {
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let encoding = encodings[name]!
            let text = batch.textColumn(c)
            var hot = [Int32](repeating: -1, count: batch.rowCount)
            for r in 0..<batch.rowCount where batch.work.isGood(r) {
                let column: Int32?
                if let bytes = batch.bytes(of: text.refs[r], in: text) {
                    column = encoding.lookup[bytes]
                } else {
                    column = encoding.missingColumn == -2 ? nil : encoding.missingColumn
                }
                if let column {
                    hot[r] = column
                    continue
                }
                switch handleUnknown {
                case .ignore:
                    break
                case .infrequent:
                    hot[r] = encoding.infrequentColumn
                case .error:
                    batch.work.reject(record: r, reason: CategoryLearning.unknownReason(batch.bytes(of: text.refs[r], in: text), column: name, label: label), fix: unknownFix)
                }
            }
            batch.columns[c] = .oneHot(names: encoding.names, hot: hot)
        }
    }
}

extension OneHotStage {
    package static let options: StageOptionTable = {
        let categoryList = CategoryLearning.listSchema
        return StageOptionTable([
            StageOption("categories", .object(schema: CategoryLearning.givenSchema),
                        "Categories given per column (keys: this stage's column names), in output order; null is the missing value. Given for every column, and with no min_frequency or max_categories, nothing is learned."),
            StageOption("drop", .nullableChoice([nil] + Drop.allCases.map(\.rawValue)), default: .null,
                        "Drop the first output column of each column (first), or only where there are two (if_binary)."),
            StageOption("handle_unknown", .choice(Unknown.allCases.map(\.rawValue)), default: .string(Unknown.error.rawValue),
                        "A category not seen in fitting: error (a row-level error), ignore (all zeros), infrequent (the <col>_infrequent column)."),
            // As in scikit-learn, the JSON text decides: `2` is a count, `0.2` a fraction, `2.0` neither.
            StageOption("min_frequency", .countOrFraction(counts: 1...Double.infinity, fractions: 0...1, exclusiveFractions: true),
                        "Categories seen fewer times than this (an integer count >= 1, or a fraction of the rows in (0, 1)) are grouped into <col>_infrequent.",
                        invalidMessage: { "expected an integer count >= 1 (e.g. 5) or a fraction strictly between 0 and 1 (e.g. 0.05), got \($0.serialized())" }),
            StageOption("max_categories", .integer(1...Int(Int32.max)),
                        "At most this many output columns per column, counting <col>_infrequent, which groups the least frequent categories."),
        ], fitted: SchemaPiece.fitted("The learned categories per column, in output order (null: the missing value), and those grouped as infrequent.",
                                      entry: ["categories": categoryList, "infrequent": categoryList], required: []))
    }()

    package var learnedParameters: String {
        minFrequency != nil || maxCategories != nil ? "the categories (and which are infrequent)" : "the categories"
    }

    package var columnEffect: String? { "expands each column, in its place, into one 0/1 column per category: <col>_<category>" }

    package func expandedNames(of column: String) -> [String]? {
        guard columnNames.contains(column) else { return nil }
        return encodings[column]?.names ?? ["\(column)_<category>…"]
    }
}
