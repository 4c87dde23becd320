/// `ordinal`: scikit-learn's OrdinalEncoder, one integer code per category in the column's
/// place. Categories as `onehot` learns them (code-point order, the missing value last, or
/// given); the missing category keeps `encoded_missing_value` (default: missing) and, as in
/// scikit-learn, takes no part in infrequent grouping, though its rows count in the total.
package struct OrdinalStage: PipelineStage {
    package enum Unknown: String, Sendable, CaseIterable { case error, useEncodedValue = "use_encoded_value" }

    /// What apply needs for one column: each category's code.
    package struct Encoding: Sendable {
        /// Every category (nil = missing), in code order before grouping.
        var categories: [[UInt8]?]
        var infrequent: Set<[UInt8]?>
        var lookup = CategoryLookup([:])
        /// Whether the missing value is a category (it was seen, or given as null).
        var missingIsKnown = false
        /// Codes used by the categories that are not missing: the frequent ones, 0..<n
        /// (scikit-learn's cardinality, which leaves out the infrequent group's code n).
        var frequentCount = 0

        /// Frequent categories take 0, 1, … in order, the infrequent ones share the next code
        /// (scikit-learn's `_default_to_infrequent_mappings`).
        init(categories: [[UInt8]?], infrequent: Set<[UInt8]?>) {
            self.categories = categories
            self.infrequent = infrequent
            var codeOf: [[UInt8]: Int32] = [:]
            for case let category? in categories where !infrequent.contains(category) {
                codeOf[category] = Int32(frequentCount)
                frequentCount += 1
            }
            for case let category? in categories where infrequent.contains(category) { codeOf[category] = Int32(frequentCount) }
            missingIsKnown = categories.contains(nil)
            lookup = CategoryLookup(codeOf)
        }
    }

    package static let kind = "ordinal"
    package static let summary = "one integer code per category (code-point order, or given); handle_unknown, unknown_value, encoded_missing_value, min_frequency, max_categories"

    package let position: Int
    package let selectors: [String]
    package let givenCategories: [String: [[UInt8]?]]
    package let handleUnknown: Unknown
    /// The code of an unknown value under `use_encoded_value` (NaN: missing).
    package let unknownValue: Double
    /// The code of a missing value where missing is a category (NaN: it stays missing).
    package let encodedMissingValue: Double
    package let minFrequency: Double?
    package let maxCategories: Int?
    private let file: String
    package private(set) var encodings: [String: Encoding] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    private var fittedNames: [String] = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        givenCategories = try CategoryLearning.given(options.value("categories"), file: reader.file, path: reader.childPath("categories"))
        handleUnknown = Unknown(rawValue: options.string("handle_unknown")!)!
        unknownValue = options.number("unknown_value")?.value ?? .nan
        encodedMissingValue = options.number("encoded_missing_value")?.value ?? .nan
        minFrequency = options.number("min_frequency")?.value
        maxCategories = options.integer("max_categories")
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard entry.has("categories") else { throw entry.fail("categories", "missing: the learned categories of column '\(column)'") }
                let categories = try CategoryLearning.fittedList(&entry, "categories")
                let infrequent = Set(try CategoryLearning.fittedList(&entry, "infrequent"))
                try entry.finish()
                let encoding = Encoding(categories: categories, infrequent: infrequent)
                try checkCodes(encoding, column: column)
                encodings[column] = encoding
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
    package var encodedColumns: [String] { boundNames }
    package var profileNeeds: ColumnProfile.Needs { .textCounts }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        for key in givenCategories.keys.sorted() where !boundNames.contains(key) {
            throw PreplineError.spec(file: file, path: "stages[\(position)].categories.\(key)",
                                     message: "'\(key)' is not one of this stage's columns\(Suggestion.didYouMean(key, in: boundNames)) (\(Suggestion.shortList(boundNames)))")
        }
        if encodings.isEmpty && isFitted {
            for name in boundNames {
                let encoding = Encoding(categories: givenCategories[name]!, infrequent: [])
                try checkCodes(encoding, column: name)
                encodings[name] = encoding
            }
        }
    }

    /// scikit-learn's checks in `fit`: `unknown_value`, and `encoded_missing_value` where the
    /// missing value is a category, must not be the code of a category.
    private func checkCodes(_ encoding: Encoding, column: String) throws(PreplineError) {
        func check(_ value: Double, _ key: String, _ what: String) throws(PreplineError) {
            guard value >= 0, value < Double(encoding.frequentCount) else { return }
            throw PreplineError.spec(file: file, path: "stages[\(position)].\(key)",
                                     message: "\(Int64(value)) is already the code of a category of column '\(column)' (codes 0 to \(encoding.frequentCount - 1)); \(what) needs a code of its own, e.g. -1")
        }
        if handleUnknown == .useEncodedValue { try check(unknownValue, "unknown_value", "an unknown value") }
        if encoding.missingIsKnown { try check(encodedMissingValue, "encoded_missing_value", "the missing value") }
    }

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

    /// A later stage on an encoded column fits in the next pass, on the codes: the fit pass
    /// reads the categories as text.
    package func passesStatistics(of column: String) -> Bool { false }
    package var mayDeferLaterStages: Bool { true }

    private var unknownFix: String {
        "set stages[\(position)].handle_unknown to \"use_encoded_value\" with an unknown_value (e.g. -1) to encode categories the stage does not know"
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard encodings.isEmpty else { return }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            let (categories, counts) = CategoryLearning.learn(profile, given: givenCategories[name])
            guard !categories.isEmpty else {
                throw PreplineError.spec(file: file, path: "stages[\(position)]", message: "column '\(name)' has no values to learn categories from (\(label))")
            }
            // The missing category is never infrequent, but its rows count (`n_samples`).
            let infrequent = CategoryLearning.infrequent(categories.filter { $0 != nil }, counts: counts, rows: profile.observed + profile.missing,
                                                         minFrequency: minFrequency, maxCategories: maxCategories)
            let encoding = Encoding(categories: categories, infrequent: infrequent)
            try checkCodes(encoding, column: name)
            encodings[name] = encoding
        }
    }

    /// Codes are written as integers (`0`, `1`, as scikit-learn's codes read as integers), so
    /// the column is text holding the code texts: 0...n (the infrequent code last), then the
    /// unknown code and the missing code. Later stages and svmlight read them as numbers.
    package func apply(_ batch: inout Batch) {
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let encoding = encodings[name]!
            let text = batch.textColumn(c)
            var output = TextColumn(refs: [Int32](repeating: TextColumn.missing, count: batch.rowCount))
            let codeCount = encoding.frequentCount + (encoding.infrequent.isEmpty ? 0 : 1)
            output.extras = (0..<codeCount).map { Self.integerText(Double($0)) }
            let unknownRef = Self.ref(for: unknownValue, in: &output)
            let missingRef = Self.ref(for: encodedMissingValue, in: &output)
            for r in 0..<batch.rowCount where batch.work.isGood(r) {
                let bytes = batch.bytes(of: text.refs[r], in: text)
                if let bytes {
                    if let code = encoding.lookup[bytes] { output.refs[r] = TextColumn.extraRef(Int(code)); continue }
                } else if encoding.missingIsKnown {
                    output.refs[r] = missingRef
                    continue
                }
                switch handleUnknown {
                case .useEncodedValue:
                    output.refs[r] = unknownRef
                case .error:
                    batch.work.reject(record: r, reason: CategoryLearning.unknownReason(bytes, column: name, label: label), fix: unknownFix)
                }
            }
            batch.columns[c] = .text(output)
        }
    }

    /// The reference of code `value` (NaN: missing), its text added to the column's extras.
    private static func ref(for value: Double, in column: inout TextColumn) -> Int32 {
        guard !value.isNaN else { return TextColumn.missing }
        column.extras.append(integerText(value))
        return TextColumn.extraRef(column.extras.count - 1)
    }

    private static func integerText(_ value: Double) -> [UInt8] {
        var bytes: [UInt8] = []
        NumberText.appendInteger(Int64(value), to: &bytes)
        return bytes
    }
}

extension OrdinalStage {
    package static let options: StageOptionTable = {
        let codes = Int(Int32.min)...Int(Int32.max)
        return StageOptionTable([
            StageOption("categories", .object(schema: CategoryLearning.givenSchema),
                        "Categories given per column (keys: this stage's column names), in code order; null is the missing value. Given for every column, and with no min_frequency or max_categories, nothing is learned."),
            StageOption("handle_unknown", .choice(Unknown.allCases.map(\.rawValue)), default: .string(Unknown.error.rawValue),
                        "A category not seen in fitting (or a missing value where missing is not a category): error (a row-level error), use_encoded_value (the code unknown_value)."),
            StageOption("unknown_value", .integerOrNull(codes, nullMeans: "missing"), appliesTo: [Unknown.useEncodedValue.rawValue],
                        requiredWhen: StageOption.Requirement(values: [Unknown.useEncodedValue.rawValue], reason: "use_encoded_value needs the code of an unknown value: an integer no category has (e.g. -1), or null for missing, as scikit-learn requires"),
                        "use_encoded_value only: the code of an unknown value, an integer that is no category's code (e.g. -1), or null (missing)."),
            StageOption("encoded_missing_value", .integerOrNull(codes, nullMeans: "stays missing"), default: .null,
                        "The code of a missing value where missing is a category: null (default: it stays missing, written empty) or an integer that is no category's code."),
            // As in scikit-learn, the JSON text decides: `2` is a count, `0.2` a fraction, `2.0` neither.
            StageOption("min_frequency", .countOrFraction(counts: 1...Double.infinity, fractions: 0...1, exclusiveFractions: true),
                        "Categories seen fewer times than this (an integer count >= 1, or a fraction of the rows in (0, 1)) share one code, after the frequent ones. The missing value is never grouped.",
                        invalidMessage: { "expected an integer count >= 1 (e.g. 5) or a fraction strictly between 0 and 1 (e.g. 0.05), got \($0.serialized())" }),
            StageOption("max_categories", .integer(1...Int(Int32.max)),
                        "At most this many codes per column besides the missing value's, counting the shared code of the least frequent categories."),
        ], selector: "handle_unknown",
        fitted: SchemaPiece.fitted("The learned categories per column, in code order (null: the missing value), and those sharing the infrequent code.",
                                   entry: ["categories": CategoryLearning.listSchema, "infrequent": CategoryLearning.listSchema], required: []))
    }()

    package var learnedParameters: String {
        minFrequency != nil || maxCategories != nil ? "the categories (and which are infrequent)" : "the categories"
    }
}
