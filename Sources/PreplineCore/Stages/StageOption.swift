/// One option a stage takes, declared once: the decoder's checks (type, range, unknown key,
/// an option of another method) and the JSON Schema that `prepline schema` prints both come
/// from it, so the two cannot drift apart.
package struct StageOption: Sendable {
    /// What values an option takes; each case has one decoder check and one schema shape.
    package enum ValueType: Sendable {
        case bool
        /// A string; `nonEmpty` is the message for an empty one (nil: empty is fine).
        case string(nonEmpty: String? = nil)
        /// One of these strings (the error lists them and suggests the closest).
        case choice([String])
        /// One of these strings or JSON null (nil), listed in this order in the error and the
        /// schema's enum. `nullMeans`: null is accepted and read as that value, though not listed.
        case nullableChoice([String?], nullMeans: String? = nil)
        /// A string or a number (fill's constant).
        case stringOrNumber
        case integer(ClosedRange<Int>)
        /// An integer within the range, or JSON null (read as missing; `nullMeans` says what it does).
        case integerOrNull(ClosedRange<Int>, nullMeans: String)
        /// A number, within `within` when given (clip's bounds and fence widths).
        case number(within: ClosedRange<Double>? = nil)
        /// `[low, high]`, two numbers with low < high, each within `within`.
        case numberPair(within: ClosedRange<Double>? = nil)
        /// `[min, max]`, two integers with min <= max, each within `within` (n-gram ranges).
        case integerPair(within: ClosedRange<Int>)
        /// A non-empty list of distinct strings; `item` names one in messages ("term").
        case distinctStrings(item: String)
        /// An integer count within `counts`, or (the JSON text has a fraction or exponent, as
        /// scikit-learn reads `1` and `1.0` differently) a fraction within `fractions`.
        case countOrFraction(counts: ClosedRange<Double>, fractions: ClosedRange<Double>, exclusiveFractions: Bool)
        /// One of these names, an array of strings, or null (stop-word lists).
        case namedOrStrings([String])
        /// A JSON object, checked further by the stage; `schema` describes it.
        case object(schema: JSONValue)
        /// A JSON array, checked further by the stage (with paths into its items); `schema`
        /// describes it.
        case array(schema: JSONValue)

        /// Whether `explain` shows the default of this option when the spec leaves it out.
        var isChoice: Bool {
            switch self {
            case .choice, .nullableChoice: return true
            default: return false
            }
        }
    }

    /// When an option must be given: the selector has one of `values`; `reason` ends the message.
    package struct Requirement: Sendable {
        package var values: [String]
        package var reason: String
    }

    package let name: String
    package let type: ValueType
    /// The value used when the option is absent (nil: none; the stage decides).
    package let defaultValue: JSONValue?
    package let description: String
    /// The values of the stage's selector (`method`, `strategy`) this option belongs to; nil: all.
    package let appliesTo: [String]?
    package let requiredWhen: Requirement?
    /// The message for a value of the right JSON type that the option refuses, replacing the
    /// generic one ("expected …, got …") where the stage has a more helpful wording.
    package let invalidMessage: (@Sendable (JSONValue) -> String)?
    /// A further rule on an accepted value; returns the message when it is broken.
    package let check: (@Sendable (JSONValue) -> String?)?

    package init(_ name: String, _ type: ValueType, default defaultValue: JSONValue? = nil, appliesTo: [String]? = nil,
                 requiredWhen: Requirement? = nil, _ description: String,
                 invalidMessage: (@Sendable (JSONValue) -> String)? = nil, check: (@Sendable (JSONValue) -> String?)? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.description = description
        self.appliesTo = appliesTo
        self.requiredWhen = requiredWhen
        self.invalidMessage = invalidMessage
        self.check = check
    }
}

/// Everything a stage's spec object may hold besides `stage` and `columns`: its options, in the
/// order the decoder reads them and the schema lists them, and the shape of its `fitted` block.
package struct StageOptionTable: Sendable {
    package var options: [StageOption]
    /// The choice option that decides which other options apply (scale's `method`), if any.
    package var selector: String?
    /// The schema of the `fitted` block `prepline fit` writes.
    package var fitted: JSONValue?
    /// Where the learned keys depend on the selector, the `fitted` shape per selector value
    /// (checked when the selector has that value).
    package var fittedBySelector: [String: JSONValue]
    /// Whether the stage names its columns in `columns` (required then); `rename` names them
    /// in its `map` instead.
    package var takesColumns = true
    /// Options the stage always needs, with the message when one is absent (`rename`'s `map`).
    package var required: [(name: String, reason: String)] = []

    package init(_ options: [StageOption], selector: String? = nil, fitted: JSONValue? = nil, fittedBySelector: [String: JSONValue] = [:],
                 takesColumns: Bool = true, required: [(name: String, reason: String)] = []) {
        self.takesColumns = takesColumns
        self.required = required
        self.options = options
        self.selector = selector
        self.fitted = fitted
        self.fittedBySelector = fittedBySelector
    }

    package subscript(name: String) -> StageOption? { options.first { $0.name == name } }
}

extension StageOption {
    /// `a`, `a or b`, `a, b or c`: the allowed values in a message.
    static func orList(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}

/// A stage's options as decoded: each given value (checked against its table entry) or the
/// table's default. Read by name; a name not in the table is a programming error.
package struct StageOptionValues: Sendable {
    package let columns: [String]
    private let table: StageOptionTable
    private let given: [String: JSONValue]

    fileprivate init(columns: [String], table: StageOptionTable, given: [String: JSONValue]) {
        self.columns = columns
        self.table = table
        self.given = given
    }

    /// The value given in the spec, or the default; nil when neither (or when null was given).
    package func value(_ name: String) -> JSONValue? {
        precondition(table[name] != nil, "\(name) is not in the option table")
        if let value = given[name] { return value == .null ? nil : value }
        return table[name]?.defaultValue
    }

    /// Whether the spec gave the option (null counts as given).
    package func isGiven(_ name: String) -> Bool { given[name] != nil }

    package func bool(_ name: String) -> Bool {
        guard case .bool(let b)? = value(name) else { preconditionFailure("\(name) has no boolean value") }
        return b
    }

    package func string(_ name: String) -> String? {
        if case .string(let s)? = value(name) { return s }
        if given[name] == .null, case .nullableChoice(_, let nullMeans)? = table[name]?.type { return nullMeans }
        return nil
    }

    package func number(_ name: String) -> (value: Double, fractionForm: Bool)? {
        guard case .number(let x, let fractionForm)? = value(name) else { return nil }
        return (x, fractionForm)
    }

    package func integer(_ name: String) -> Int? { number(name).map { Int($0.value) } }

    package func pair(_ name: String) -> (Double, Double)? {
        guard case .array(let items)? = value(name), items.count == 2, case .number(let a, _) = items[0], case .number(let b, _) = items[1] else { return nil }
        return (a, b)
    }

    package func strings(_ name: String) -> [String]? {
        guard case .array(let items)? = value(name) else { return nil }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
}

extension SpecObjectReader {
    /// Reads a stage's `columns` and every option of `table` in table order, with the checks
    /// the table declares: the type and range of each, an option of another selector value
    /// (right after the selector is read), a required option. Unknown keys are left to
    /// `finish()`, which the stage calls after its `fitted` block.
    package mutating func stageOptions(_ table: StageOptionTable) throws(PreplineError) -> StageOptionValues {
        let columns = table.takesColumns ? try self.columns() : []
        for (name, reason) in table.required where !has(name) { throw fail(name, "missing; \(reason)\(typoHint(for: name))") }
        var given: [String: JSONValue] = [:]
        var selected: String?
        for option in table.options {
            if let value = try read(option) { given[option.name] = value }
            if option.name == table.selector {
                selected = given[option.name].flatMap { if case .string(let s) = $0 { s } else { nil } }
                    ?? option.defaultValue.flatMap { if case .string(let s) = $0 { s } else { nil } }
                for other in table.options where has(other.name) {
                    if let values = other.appliesTo, let selected, !values.contains(selected) {
                        throw fail(other.name, "applies to \(option.name) \(StageOption.orList(values.map { "\"\($0)\"" })), not \"\(selected)\"")
                    }
                }
            }
            if let requirement = option.requiredWhen, given[option.name] == nil, let selected, requirement.values.contains(selected) {
                throw fail(option.name, "missing; \(requirement.reason)")
            }
        }
        return StageOptionValues(columns: columns, table: table, given: given)
    }

    /// One option's value, checked; nil when absent.
    private mutating func read(_ option: StageOption) throws(PreplineError) -> JSONValue? {
        let key = option.name
        guard let value = value(key) else { return nil }
        func invalid(_ generic: @autoclosure () -> String) -> PreplineError {
            fail(key, option.invalidMessage?(value) ?? generic())
        }
        switch option.type {
        case .bool:
            _ = try bool(key)
        case .string(let nonEmpty):
            let s = try string(key)!
            if let nonEmpty, s.isEmpty { throw fail(key, nonEmpty) }
        case .choice(let allowed):
            _ = try choice(key, allowed)
        case .nullableChoice(let allowed, let nullMeans):
            let accepted: Bool
            switch value {
            case .null: accepted = allowed.contains(nil) || nullMeans != nil
            case .string(let s): accepted = allowed.contains(s)
            default: accepted = false
            }
            if !accepted {
                throw invalid("expected \(StageOption.orList(allowed.map { $0.map { "\"\($0)\"" } ?? "null" })), got \(value.serialized())")
            }
        case .stringOrNumber:
            switch value {
            case .string, .number: break
            default: throw fail(key, "expected a string or a number, got \(value.typeName)")
            }
        case .integer(let range):
            _ = try integer(key, in: range)
        case .integerOrNull(let range, let nullMeans):
            if value != .null, case .number(let n, _) = value, n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) {
            } else if value != .null {
                throw invalid("expected an integer from \(range.lowerBound) to \(range.upperBound), or null (\(nullMeans)), got \(value.serialized())")
            }
        case .number(let bounds):
            guard case .number(let x, _) = value else { throw invalid("expected a number, got \(value.typeName)") }
            if let bounds, !bounds.contains(x) {
                throw invalid(bounds.upperBound == .infinity ? "expected a number >= \(NumberText.format(bounds.lowerBound)), got \(NumberText.format(x))"
                                  : "expected a number from \(NumberText.format(bounds.lowerBound)) to \(NumberText.format(bounds.upperBound)), got \(NumberText.format(x))")
            }
        case .numberPair(let bounds):
            _ = try numberPair(key, within: bounds)
        case .integerPair(let bounds):
            guard case .array(let items) = value, items.count == 2, case .number(let low, _) = items[0], case .number(let high, _) = items[1],
                  low == low.rounded(), high == high.rounded(), low >= Double(bounds.lowerBound), low <= high, high <= Double(bounds.upperBound) else {
                throw invalid("expected [min, max], integers with \(bounds.lowerBound) <= min <= max <= \(bounds.upperBound), got \(value.serialized())")
            }
        case .distinctStrings(let item):
            let words = try stringArray(key)!
            guard !words.isEmpty else { throw fail(key, "expected at least one \(item)") }
            // A set, not a search of the items before each: 50,000 terms took 8.6 s that way.
            var seen = Set<String>(minimumCapacity: words.count)
            for (i, word) in words.enumerated() where !seen.insert(word).inserted {
                throw PreplineError.spec(file: file, path: "\(childPath(key))[\(i)]", message: "\(item) \"\(word)\" is given twice")
            }
        case .countOrFraction(let counts, let fractions, let exclusive):
            let (x, isFraction) = try numberWithForm(key)!
            let fits = isFraction ? (exclusive ? x > fractions.lowerBound && x < fractions.upperBound : fractions.contains(x))
                : counts.contains(x) && x == x.rounded()
            if !fits {
                let fraction = exclusive ? "strictly between \(NumberText.format(fractions.lowerBound)) and \(NumberText.format(fractions.upperBound))"
                    : "from \(NumberText.format(fractions.lowerBound)) to \(NumberText.format(fractions.upperBound))"
                throw invalid("expected an integer count >= \(NumberText.format(counts.lowerBound)) or a fraction \(fraction), got \(value.serialized())")
            }
        case .namedOrStrings(let names):
            switch value {
            case .null: break
            case .string(let s) where names.contains(s): break
            case .array(let items):
                for (i, item) in items.enumerated() {
                    guard case .string = item else {
                        throw PreplineError.spec(file: file, path: "\(childPath(key))[\(i)]", message: "expected a string, got \(item.typeName)")
                    }
                }
            default:
                let typo: String
                if case .string(let name) = value { typo = Suggestion.didYouMean(name, in: names) } else { typo = "" }
                throw invalid("expected \(StageOption.orList(names.map { "\"\($0)\"" })), an array of strings, or null, got \(value.serialized())\(typo)")
            }
        case .object:
            _ = try object(key)
        case .array:
            guard case .array = value else { throw fail(key, "expected an array, got \(value.typeName)") }
        }
        if let message = option.check?(value) { throw fail(key, message) }
        return value
    }
}

extension StageOptionTable {
    /// The JSON Schema of a stage's own options: `properties` (its options and `fitted`) and
    /// `allOf` (an option of another selector value is absent; a required option is present;
    /// the `fitted` shape of each selector value).
    package var schema: (properties: [(key: String, value: JSONValue)], rules: [JSONValue]) {
        var properties = options.map { ($0.name, $0.schema) }
        if let fitted { properties.append(("fitted", fitted)) }
        var rules: [JSONValue] = []
        if let selector, let choice = self[selector], case .choice(let values) = choice.type {
            let defaultValue = choice.defaultValue.flatMap { if case .string(let s) = $0 { s } else { nil } }
            for value in values {
                let only = options.filter { $0.appliesTo == [value] }.map(\.name)
                let then = fittedBySelector[value].map { SchemaPiece.object(["properties": SchemaPiece.object(["fitted": $0])]) }
                guard !only.isEmpty || then != nil else { continue }
                rules.append(SpecSchema.onlyWhen(selector, is: value, isDefault: value == defaultValue, allows: only, then: then))
            }
            // An option of several selector values (none today): absent unless the selector is one of them.
            for option in options {
                guard let allowed = option.appliesTo, allowed.count > 1 else { continue }
                var condition: [(key: String, value: JSONValue)] = [
                    ("properties", .object([(selector, SchemaPiece.object(["not": SchemaPiece.object(["enum": SchemaPiece.strings(allowed)])]))])),
                ]
                if let defaultValue, allowed.contains(defaultValue) { condition.append(("required", SchemaPiece.strings([selector]))) }
                rules.append(SchemaPiece.object(["if": .object(condition), "then": SchemaPiece.object(["properties": .object([(option.name, .bool(false))])])]))
            }
        }
        for option in options {
            guard let requirement = option.requiredWhen, let selector, let choice = self[selector] else { continue }
            var condition: [(key: String, value: JSONValue)] = [
                ("properties", .object([(selector, requirement.values.count == 1 ? SchemaPiece.object(["const": .string(requirement.values[0])])
                                                   : SchemaPiece.object(["enum": SchemaPiece.strings(requirement.values)]))])),
            ]
            if let defaultValue = choice.defaultValue, case .string(let s) = defaultValue, requirement.values.contains(s) {} else {
                condition.append(("required", SchemaPiece.strings([selector])))
            }
            rules.append(SchemaPiece.object(["if": .object(condition), "then": SchemaPiece.object(["required": SchemaPiece.strings([option.name])])]))
        }
        return (properties, rules)
    }
}

extension StageOption {
    /// This option's JSON Schema: description, type and limits, default.
    package var schema: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("description", .string(description))]
        switch type {
        case .bool:
            members.append(("type", .string("boolean")))
        case .string(let nonEmpty):
            members.append(("type", .string("string")))
            if nonEmpty != nil { members.append(("minLength", .number(1))) }
        case .choice(let values):
            members += [("type", .string("string")), ("enum", SchemaPiece.strings(values))]
        case .nullableChoice(let values, let nullMeans):
            var listed: [JSONValue] = values.map { $0.map { .string($0) } ?? .null }
            if nullMeans != nil && !values.contains(nil) { listed.append(.null) }
            members.append(("enum", .array(listed)))
        case .stringOrNumber:
            members.append(("type", SchemaPiece.strings(["string", "number"])))
        case .integer(let range):
            members += [("type", .string("integer")), ("minimum", .number(Double(range.lowerBound))), ("maximum", .number(Double(range.upperBound)))]
        case .integerOrNull(let range, _):
            members += [("type", SchemaPiece.strings(["integer", "null"])), ("minimum", .number(Double(range.lowerBound))), ("maximum", .number(Double(range.upperBound)))]
        case .number(let bounds):
            members.append(("type", .string("number")))
            if let bounds {
                if bounds.lowerBound.isFinite { members.append(("minimum", .number(bounds.lowerBound))) }
                if bounds.upperBound.isFinite { members.append(("maximum", .number(bounds.upperBound))) }
            }
        case .numberPair(let bounds):
            // low < high is the decoder's alone: JSON Schema cannot compare two items.
            var item: [(key: String, value: JSONValue)] = [("type", .string("number"))]
            if let bounds { item += [("minimum", .number(bounds.lowerBound)), ("maximum", .number(bounds.upperBound))] }
            members += [("type", .string("array")), ("prefixItems", .array([.object(item), .object(item)])), ("items", .bool(false)), ("minItems", .number(2))]
        case .integerPair(let bounds):
            members += [("type", .string("array")),
                        ("items", SchemaPiece.object(["type": .string("integer"), "minimum": .number(Double(bounds.lowerBound)), "maximum": .number(Double(bounds.upperBound))])),
                        ("minItems", .number(2)), ("maxItems", .number(2))]
        case .distinctStrings:
            members += [("type", .string("array")), ("items", SchemaPiece.object(["type": .string("string")])), ("minItems", .number(1)), ("uniqueItems", .bool(true))]
        case .countOrFraction(let counts, let fractions, let exclusive):
            var count: [(key: String, value: JSONValue)] = [("type", .string("integer")), ("minimum", .number(counts.lowerBound))]
            if counts.upperBound.isFinite { count.append(("maximum", .number(counts.upperBound))) }
            let fraction: [(key: String, value: JSONValue)] = [("type", .string("number")),
                                                               (exclusive ? "exclusiveMinimum" : "minimum", .number(fractions.lowerBound)),
                                                               (exclusive ? "exclusiveMaximum" : "maximum", .number(fractions.upperBound))]
            members.append(("anyOf", .array([.object(count), .object(fraction)])))
        case .namedOrStrings(let names):
            members.append(("anyOf", .array([
                SchemaPiece.object(["enum": .array(names.map { .string($0) } + [.null])]),
                SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("string")])]),
            ])))
        case .object(let schema), .array(let schema):
            if case .object(let own) = schema { members += own }
        }
        if let defaultValue { members.append(("default", defaultValue)) }
        return .object(members)
    }
}
