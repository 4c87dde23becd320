/// A test size as the user wrote it: an integer is a row count, a number with a decimal point a
/// fraction (Python int / float).
package enum SplitSize: Sendable, Equatable {
    case fraction(Double)
    case count(Int)

    /// As Python prints the value in scikit-learn's messages (`0.2`, `1e-05`, `7`).
    package var pythonText: String {
        switch self {
        case .count(let count): return String(count)
        case .fraction(let fraction): return SplitLabels.pythonRepr(fraction)
        }
    }
}

/// Why scikit-learn would refuse the split; the message is scikit-learn's own, reworded only where
/// the Python call has no counterpart here.
package struct SplitError: Error, Sendable, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package init(message: String) { self.message = message }
}

/// The values of a stratify/group column: per row, the code of its value (codes in order of first
/// appearance), and the distinct values' bytes in that order.
///
/// scikit-learn sees the column as pandas `read_csv` made it, so the classes are the values as
/// pandas would have read them (`SplitLabels.classes`):
/// - a value pandas reads as missing (its default `na_values`: "", "NA", "NaN", "null", "None", …)
///   is refused, as scikit-learn refuses NaN in `y` and `groups`;
/// - every value an integer (blanks around, a sign, ASCII digits, within Int64): an int64 column,
///   equal numbers are one class ("1", "01", " +1") and classes sort numerically;
/// - every value a number (decimal with fraction or exponent, `inf`/`Infinity` any case, a sign):
///   a float64 column, the same with doubles ("1" and "1.0" are one class); an infinity (or an
///   overflow such as 1e999) is refused, as scikit-learn's check_array refuses it;
/// - every value one of True/TRUE/true/False/FALSE/false: a bool column, False before True;
/// - otherwise text: each distinct byte string is a class, sorted by code point (UTF-8 byte order
///   is code-point order), as `np.unique` sorts Python strings.
/// Integers beyond Int64 are compared as doubles (pandas would read them as uint64 or objects).
package struct SplitLabels: Sendable {
    package var codes: [Int32]
    package var values: [[UInt8]]
    package init(codes: [Int32], values: [[UInt8]]) {
        self.codes = codes
        self.values = values
    }

    /// How pandas would have typed the column.
    package enum Kind: Sendable, Equatable { case integer, float, boolean, text }

    /// The classes as scikit-learn's `np.unique` sees them.
    package struct Classes: Sendable {
        package var kind: Kind
        /// Per code (distinct value), its class: the rank in np.unique's sorted order.
        package var classOfCode: [Int32]
        /// Per class (in sorted order), the first code of that class in sorted order, for messages.
        package var representative: [Int32]
        /// Per class (in sorted order), its number of rows.
        package var counts: [Int]
        package var count: Int { counts.count }

        /// Per class (in sorted order), its rank by first appearance in the rows: what
        /// `StratifiedKFold` encodes y by (`np.unique(y_idx, return_inverse=True)`).
        package var firstAppearanceRank: [Int32] {
            // Codes are in order of first appearance, so a class first appears with its lowest code.
            var lowestCode = [Int32](repeating: .max, count: count)
            for (code, cls) in classOfCode.enumerated() where Int32(code) < lowestCode[Int(cls)] {
                lowestCode[Int(cls)] = Int32(code)
            }
            let order = (0..<count).sorted { lowestCode[$0] < lowestCode[$1] }
            var rank = [Int32](repeating: 0, count: count)
            for (position, cls) in order.enumerated() { rank[cls] = Int32(position) }
            return rank
        }
    }

    /// pandas' default `na_values` (`pandas._libs.parsers.STR_NA_VALUES`), matched exactly.
    package static let pandasMissingTokens: Set<[UInt8]> = Set([
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) })

    /// The classes, sorted as np.unique sorts the column pandas would have read; `input` names the
    /// argument in the NaN message ("y" for stratify, "groups" for groups).
    package func classes(input: String) throws(SplitError) -> Classes {
        for value in values where Self.pandasMissingTokens.contains(value) {
            throw SplitError("Input \(input) contains NaN (the value \(Self.pythonRepr(value)) is missing as pandas reads it).")
        }
        let kind = Self.kind(of: values)
        // check_array's ensure_all_finite, after NaN.
        if kind == .float, values.contains(where: { Self.float($0)!.isInfinite }) {
            throw SplitError("Input \(input) contains infinity or a value too large for dtype('float64').")
        }
        let order: [Int]
        let same: (Int, Int) -> Bool
        switch kind {
        case .integer:
            let numbers = values.map { Self.integer($0)! }
            order = values.indices.sorted { numbers[$0] < numbers[$1] || (numbers[$0] == numbers[$1] && $0 < $1) }
            same = { numbers[$0] == numbers[$1] }
        case .float:
            let numbers = values.map { Self.float($0)! }
            order = values.indices.sorted { numbers[$0] < numbers[$1] || (numbers[$0] == numbers[$1] && $0 < $1) }
            same = { numbers[$0] == numbers[$1] }
        case .boolean:
            let truths = values.map { Self.boolean($0)! }
            order = values.indices.sorted { (!truths[$0] && truths[$1]) || (truths[$0] == truths[$1] && $0 < $1) }
            same = { truths[$0] == truths[$1] }
        case .text:
            order = values.indices.sorted { values[$0].lexicographicallyPrecedes(values[$1]) }
            same = { values[$0] == values[$1] }  // distinct by contract; equal bytes are one class regardless
        }
        var classOfCode = [Int32](repeating: 0, count: values.count)
        var representative: [Int32] = []
        for (position, code) in order.enumerated() {
            if position == 0 || !same(order[position - 1], code) { representative.append(Int32(code)) }
            classOfCode[code] = Int32(representative.count - 1)
        }
        var counts = [Int](repeating: 0, count: representative.count)
        for code in codes {
            guard code >= 0 && Int(code) < values.count else { throw SplitError("label code \(code) has no value") }
            counts[Int(classOfCode[Int(code)])] += 1
        }
        return Classes(kind: kind, classOfCode: classOfCode, representative: representative, counts: counts)
    }

    /// A class as Python prints it in a list (`'a'`, `3`, `1.5`, `True`).
    package func pythonRepr(ofClass cls: Int, in classes: Classes) -> String {
        let value = values[Int(classes.representative[cls])]
        switch classes.kind {
        case .integer: return String(Self.integer(value)!)
        case .float: return Self.pythonRepr(Self.float(value)!)
        case .boolean: return Self.boolean(value)! ? "True" : "False"
        case .text: return Self.pythonRepr(value)
        }
    }

    // MARK: - pandas' reading of one value

    static func kind(of values: [[UInt8]]) -> Kind {
        if values.allSatisfy({ integer($0) != nil }) { return .integer }
        if values.allSatisfy({ float($0) != nil }) { return .float }
        if values.allSatisfy({ boolean($0) != nil }) { return .boolean }
        return .text
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// An int64 as pandas reads it: blanks around, an optional sign, ASCII digits.
    static func integer(_ value: [UInt8]) -> Int64? {
        var start = 0, end = value.count
        while start < end && isBlank(value[start]) { start += 1 }
        while end > start && isBlank(value[end - 1]) { end -= 1 }
        var negative = false
        if start < end && (value[start] == UInt8(ascii: "+") || value[start] == UInt8(ascii: "-")) {
            negative = value[start] == UInt8(ascii: "-")
            start += 1
        }
        guard start < end else { return nil }
        var magnitude: UInt64 = 0
        for byte in value[start..<end] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A float64 as pandas reads it: a decimal number (blanks around; overflow is infinity) or a
    /// signed `inf` / `infinity` in any case.
    static func float(_ value: [UInt8]) -> Double? {
        var body = value[...]
        var sign = 1.0
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            body = body.dropFirst()
        }
        if let first = body.first, first | 0x20 == UInt8(ascii: "i") {  // skip the String for numbers
            let lowered = String(decoding: body, as: UTF8.self).lowercased()
            if lowered == "inf" || lowered == "infinity" { return sign * .infinity }
        }
        let parsed = value.withUnsafeBufferPointer { NumberText.parseAllowingOverflow($0) }
        guard let parsed, !parsed.isNaN else { return nil }
        return parsed
    }

    static func boolean(_ value: [UInt8]) -> Bool? {
        switch String(decoding: value, as: UTF8.self) {
        case "True", "TRUE", "true": return true
        case "False", "FALSE", "false": return false
        default: return nil
        }
    }

    /// Python's `repr` of a float.
    static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return NumberText.format(value)
    }

    /// Python's `repr` of a str (quotes and the common escapes).
    /// A byte that is not UTF-8 is shown as `\xE9` (as the other messages show it), not as U+FFFD.
    static func pythonRepr(_ bytes: [UInt8]) -> String {
        let text = LosslessText.string(bytes)
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{10FE80}"..."\u{10FEFF}": out += "\\x" + String(scalar.value - 0x10FE00, radix: 16, uppercase: true)
            default:
                if Character(scalar) == quote { out += "\\\(quote)" }
                else if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else { out.unicodeScalars.append(scalar) }
            }
        }
        out.append(quote)
        return out
    }
}
