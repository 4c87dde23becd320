/// How scikit-learn's encoders (OneHotEncoder, OrdinalEncoder) learn a text column's categories,
/// shared by `onehot` and `ordinal`: the `categories` option and the fitted lists, code-point
/// order with the missing category last, unknown values in a fit on given categories, and
/// `_identify_infrequent`. A category is its UTF-8 bytes; nil is the missing value.
package enum CategoryLearning {
    /// The `categories` option: lists per column, in the given order; null (the missing value)
    /// only last and no category twice, as scikit-learn requires.
    package static func given(_ value: JSONValue?, file: String, path: String) throws(PreplineError) -> [String: [[UInt8]?]] {
        guard let value else { return [:] }
        var given: [String: [[UInt8]?]] = [:]
        var categories = try SpecObjectReader(value, file: file, path: path)
        for key in categories.keys {
            guard case .array(let items)? = categories.value(key) else {
                throw categories.fail(key, "expected an array of categories (strings; null for the missing value)")
            }
            var list: [[UInt8]?] = []
            for (i, item) in items.enumerated() {
                switch item {
                case .string(let s): list.append(LosslessText.bytes(s))
                case .null: list.append(nil)
                default:
                    throw PreplineError.spec(file: file, path: "\(categories.childPath(key))[\(i)]",
                                             message: "expected a string (or null for the missing value), got \(item.typeName)")
                }
            }
            // A set, not a search of the categories before each (quadratic on long lists).
            var seen = Set<[UInt8]?>(minimumCapacity: list.count)
            if let repeated = list.enumerated().first(where: { !seen.insert($0.element).inserted }) {
                throw PreplineError.spec(file: file, path: "\(categories.childPath(key))[\(repeated.offset)]",
                                         message: "category \(repeated.element.map { "\"\(LosslessText.display(LosslessText.string($0)))\"" } ?? "null") is given twice")
            }
            if let null = list.firstIndex(where: { $0 == nil }), null != list.count - 1 {
                throw PreplineError.spec(file: file, path: "\(categories.childPath(key))[\(null)]",
                                         message: "null (the missing value) must be the last category, as scikit-learn requires")
            }
            given[key] = list
        }
        try categories.finish()
        return given
    }

    /// A list of categories in a fitted entry (`categories`, `infrequent`); empty when absent.
    package static func fittedList(_ entry: inout SpecObjectReader, _ key: String) throws(PreplineError) -> [[UInt8]?] {
        guard let value = entry.value(key) else { return [] }
        guard case .array(let items) = value else { throw entry.fail(key, "expected an array of categories") }
        var result: [[UInt8]?] = []
        for item in items {
            switch item {
            case .string(let s): result.append(LosslessText.bytes(s))
            case .null: result.append(nil)
            default: throw entry.fail(key, "expected strings (or null for missing), got \(item.typeName)")
            }
        }
        return result
    }

    /// A list of categories as the fitted spec writes it.
    /// The `fitted` block of a categorical stage (onehot, ordinal): per column, its categories
    /// and the infrequent ones.
    package static func fittedJSON(columns: [String], _ learned: (String) -> (categories: [[UInt8]?], infrequent: Set<[UInt8]?>)?) -> JSONValue {
        let blocks: [(key: String, value: JSONValue)] = columns.compactMap { name in
            guard let (categories, infrequent) = learned(name) else { return nil }
            var members: [(key: String, value: JSONValue)] = [("categories", json(categories))]
            if !infrequent.isEmpty { members.append(("infrequent", json(categories.filter { infrequent.contains($0) }))) }
            return (name, .object(members))
        }
        return .object(blocks)
    }

    /// Whether a categorical stage has nothing to learn: every column's categories are given
    /// and nothing can be infrequent.
    package static func learnsNothing(columns: [String], given: [String: [[UInt8]?]], minFrequency: Double?, maxCategories: Int?) -> Bool {
        minFrequency == nil && maxCategories == nil && columns.allSatisfy { given[$0] != nil }
    }

    package static func json(_ categories: [[UInt8]?]) -> JSONValue {
        .array(categories.map { $0.map { .string(LosslessText.string($0)) } ?? .null })
    }

    /// The schema of a category list.
    package static let listSchema = SchemaPiece.object([
        "type": .string("array"),
        "items": SchemaPiece.object(["type": SchemaPiece.strings(["string", "null"])]),
    ])

    /// The schema of the `categories` option.
    package static let givenSchema = SchemaPiece.object(["type": .string("object"), "additionalProperties": listSchema])

    /// A column's categories and their counts (nil: the missing value): the given list, or the
    /// values seen in code-point order (UTF-8 byte order), the missing category last.
    package static func learn(_ profile: ColumnProfile, given: [[UInt8]?]?) -> (categories: [[UInt8]?], counts: [[UInt8]?: Int]) {
        var counts: [[UInt8]?: Int] = [:]
        for (text, count) in profile.textCounts { counts[text] = count }
        if profile.missing > 0 { counts[nil] = profile.missing }
        if let given { return (given, counts) }
        let categories = counts.keys.compactMap { $0 }.sorted { $0.lexicographicallyPrecedes($1) } + (counts[nil] != nil ? [nil] : [])
        return (categories, counts)
    }

    /// scikit-learn's `_identify_infrequent` on `categories` (counts of `rows` rows): below
    /// `minFrequency` (a count >= 1, or a fraction of the rows), then beyond `maxCategories - 1`
    /// by a stable ascending sort on counts.
    package static func infrequent(_ categories: [[UInt8]?], counts: [[UInt8]?: Int], rows: Int,
                                   minFrequency: Double?, maxCategories: Int?) -> Set<[UInt8]?> {
        guard minFrequency != nil || maxCategories != nil else { return [] }
        let categoryCounts = categories.map { counts[$0] ?? 0 }
        var infrequent = [Bool](repeating: false, count: categories.count)
        if let f = minFrequency {
            let threshold = f >= 1 ? f : f * Double(rows)
            for (i, count) in categoryCounts.enumerated() where Double(count) < threshold { infrequent[i] = true }
        }
        let currentFeatures = categories.count - infrequent.filter { $0 }.count + 1
        if let maxCategories, maxCategories < currentFeatures {
            let frequentCount = maxCategories - 1
            if frequentCount == 0 {
                infrequent = infrequent.map { _ in true }
            } else {
                let ascending = categoryCounts.indices.sorted { a, b in categoryCounts[a] != categoryCounts[b] ? categoryCounts[a] < categoryCounts[b] : a < b }
                for i in ascending.dropLast(frequentCount) { infrequent[i] = true }
            }
        }
        return Set(categories.indices.filter { infrequent[$0] }.map { categories[$0] })
    }

    /// In a fit on given categories under `handle_unknown: error`, a value outside them is a
    /// row-level error already (scikit-learn raises in fit), so that row is fitted by no stage.
    package static func rejectUnknown(in text: TextColumn, of batch: inout Batch, given: [[UInt8]?], column: String,
                                      label: String, fix: String) {
        let known = Set(given)
        for r in 0..<batch.rowCount where batch.work.isGood(r) && Placeholder.stage(ofRef: text.refs[r]) == nil {
            let bytes = batch.bytes(of: text.refs[r], in: text)
            if !known.contains(bytes.map { Array($0) }) {
                batch.work.reject(record: r, reason: unknownReason(bytes, column: column, label: label), fix: fix)
            }
        }
    }

    /// The reason of a row whose value (nil: missing) is not a known category.
    package static func unknownReason(_ value: UnsafeBufferPointer<UInt8>?, column: String, label: String) -> String {
        "column '\(column)': \(value.map { "unknown category '\(LosslessText.display(LosslessText.string($0)))'" } ?? "missing value, not a known category") (\(label))"
    }
}
