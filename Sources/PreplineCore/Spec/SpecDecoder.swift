/// Reads one JSON object of a spec while tracking its JSON path, so every mistake is reported
/// as `stages[3].method: expected one of "zscore", "minmax", got "z"`.
///
/// Each reader must end with `finish()`, which rejects keys nobody asked for: unknown keys are
/// spec errors, never silently ignored (a typo'd option must not fall back to a default).
package struct SpecObjectReader {
    package let file: String
    package let path: String
    private let members: [(key: String, value: JSONValue)]
    /// Each key's position in `members`, for objects big enough that a linear search per key
    /// would be quadratic (a fitted block with one entry per column of a 100,000-column file).
    private let positions: [String: Int]
    private var consumed: Set<String> = []

    package init(_ value: JSONValue, file: String, path: String) throws(PreplineError) {
        guard case .object(let members) = value else {
            throw PreplineError.spec(file: file, path: path, message: "expected an object, got \(value.typeName)")
        }
        self.file = file
        self.path = path
        self.members = members
        var positions: [String: Int] = [:]
        if members.count > 16 {
            positions.reserveCapacity(members.count)
            for (i, member) in members.enumerated() where positions[member.key] == nil { positions[member.key] = i }
        }
        self.positions = positions
    }

    private func member(_ key: String) -> JSONValue? {
        if members.count > 16 { return positions[key].map { members[$0].value } }
        return members.first { $0.key == key }?.value
    }

    package func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    package func fail(_ key: String, _ message: String) -> PreplineError {
        .spec(file: file, path: childPath(key), message: message)
    }

    package func has(_ key: String) -> Bool { member(key) != nil }

    /// A member's value without marking it read (for messages that quote what was written).
    package func peek(_ key: String) -> JSONValue? { member(key) }

    /// The keys present, in order.
    package var keys: [String] { members.map(\.key) }

    package mutating func value(_ key: String) -> JSONValue? {
        consumed.insert(key)
        return member(key)
    }

    package mutating func string(_ key: String) throws(PreplineError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let s) = value else { throw fail(key, "expected a string, got \(value.typeName)") }
        return s
    }

    package mutating func bool(_ key: String) throws(PreplineError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let b) = value else { throw fail(key, "expected true or false, got \(value.typeName)") }
        return b
    }

    package mutating func number(_ key: String) throws(PreplineError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let n, _) = value else { throw fail(key, "expected a number, got \(value.typeName)") }
        return n
    }

    /// A number and whether its JSON text had a fraction or exponent (`1.0` vs `1`), for options
    /// where, as in scikit-learn, an integer counts and a float is a fraction.
    package mutating func numberWithForm(_ key: String) throws(PreplineError) -> (value: Double, fractionForm: Bool)? {
        guard let value = value(key) else { return nil }
        guard case .number(let n, let fractionForm) = value else { throw fail(key, "expected a number, got \(value.typeName)") }
        return (n, fractionForm)
    }

    package mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(PreplineError) -> Int? {
        guard let n = try number(key) else { return nil }
        guard n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            throw fail(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(JSONValue.number(n).serialized())")
        }
        return Int(n)
    }

    package mutating func stringArray(_ key: String) throws(PreplineError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw fail(key, "expected an array of strings, got \(value.typeName)") }
        var result: [String] = []
        for (i, element) in elements.enumerated() {
            guard case .string(let s) = element else {
                throw PreplineError.spec(file: file, path: "\(childPath(key))[\(i)]", message: "expected a string, got \(element.typeName)")
            }
            result.append(s)
        }
        return result
    }

    /// A string that must be one of `allowed`; the error lists them.
    package mutating func choice(_ key: String, _ allowed: [String]) throws(PreplineError) -> String? {
        guard let s = try string(key) else { return nil }
        guard allowed.contains(s) else {
            throw fail(key, "expected one of \(Suggestion.quoted(allowed)), got \"\(s)\"\(Suggestion.didYouMean(s, in: allowed))")
        }
        return s
    }

    /// A string of exactly one byte (delimiters and quotes are single bytes in prepline's CSV).
    package mutating func singleByte(_ key: String) throws(PreplineError) -> UInt8? {
        guard let s = try string(key) else { return nil }
        let utf8 = Array(s.utf8)
        guard utf8.count == 1 else { throw fail(key, "expected a single-byte string such as \",\" or \"\\t\", got \"\(s)\"") }
        return utf8[0]
    }

    package mutating func object(_ key: String) throws(PreplineError) -> SpecObjectReader? {
        guard let value = value(key) else { return nil }
        return try SpecObjectReader(value, file: file, path: childPath(key))
    }

    /// Rejects keys that no one read, naming the allowed ones.
    package func finish() throws(PreplineError) {
        for member in members where !consumed.contains(member.key) {
            let allowed = consumed.sorted()
            throw PreplineError.spec(file: file, path: childPath(member.key),
                                     message: "unknown key\(Suggestion.didYouMean(member.key, in: allowed)); allowed keys here: \(Suggestion.quoted(allowed, limit: 40))")
        }
    }
}
