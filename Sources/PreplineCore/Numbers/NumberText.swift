#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes numbers as CSV text, without Foundation and without a `String` per value.
///
/// What is a number is decided here, explicitly: an optional sign, digits with an optional
/// fraction, an optional exponent, and surrounding blanks (Python's `float()` accepts them).
/// `nan`, `inf`, hex floats and digit separators are not numbers: the spec's missing tokens
/// say what is missing, and anything else is a row-level error. A number is finite: a text
/// that overflows a Double (`1e999`) is refused by `parse` rather than read as infinity, which
/// would silently turn a whole scaled column into missing values.
/// How a column spells its numbers: the decimal mark and an optional digit-group separator
/// (`input.decimal` / `input.group`, or a schema field's `decimalChar` / `groupChar`). Output
/// numbers are always written with "." and no grouping.
package struct NumberFormat: Sendable, Equatable {
    package let decimal: [UInt8]
    package let group: [UInt8]
    /// "." and no group: `NumberText.parse` as it is, with no copy (the hot loop's case).
    package let isStandard: Bool

    package init(decimal: [UInt8] = [UInt8(ascii: ".")], group: [UInt8] = []) {
        self.decimal = decimal
        self.group = group
        isStandard = decimal == [UInt8(ascii: ".")] && group.isEmpty
    }

    package static let standard = NumberFormat()
}

package enum NumberText {
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses a finite decimal number, exactly rounded (Clinger's fast path, `strtod` otherwise);
    /// nil when the text is not a number or overflows (`1e999`).
    package static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        parse(field, finite: true)
    }

    /// A number spelled in `format`: group separators dropped, the decimal mark read as ".".
    /// As frictionless does, a "." is refused when the decimal mark is another (and "." is not
    /// the group separator): `1.5` is not a number in a column written `1,5`.
    package static func parse(_ field: UnsafeBufferPointer<UInt8>, format: NumberFormat) -> Double? {
        if format.isStandard { return parse(field) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: field.count) { buffer in
            var count = 0, i = 0
            func matches(_ token: [UInt8], at i: Int) -> Bool {
                guard !token.isEmpty, i + token.count <= field.count else { return false }
                for k in token.indices where field[i + k] != token[k] { return false }
                return true
            }
            while i < field.count {
                if matches(format.group, at: i) { i += format.group.count; continue }
                if matches(format.decimal, at: i) { buffer[count] = UInt8(ascii: "."); count += 1; i += format.decimal.count; continue }
                if field[i] == UInt8(ascii: ".") { return nil }
                buffer[count] = field[i]; count += 1; i += 1
            }
            return parse(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// As `parse`, but an overflowing text reads as ±infinity (Python's `Decimal` / `float`
    /// accept `1e999`; the schema's number type follows them).
    package static func parseAllowingOverflow(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        parse(field, finite: false)
    }

    /// Why a field that `parse` refused is refused: "a finite number" when it spells a number
    /// too large for a Double or a named non-finite value (`inf`, `-Infinity`, `nan`), else
    /// "a number". Only called on the error path.
    package static func expectation(for field: UnsafeBufferPointer<UInt8>) -> String {
        if let value = parseAllowingOverflow(field), !value.isFinite { return "a finite number" }
        var word: [UInt8] = []
        for byte in field where byte != 0x20 && byte != 0x09 { word.append(byte | 0x20) }
        if let first = word.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { word.removeFirst() }
        let names: [[UInt8]] = [Array("inf".utf8), Array("infinity".utf8), Array("nan".utf8)]
        return names.contains(word) ? "a finite number" : "a number"
    }

    @inline(__always)
    private static func parse(_ field: UnsafeBufferPointer<UInt8>, finite: Bool) -> Double? {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return nil }
        var i = start
        var negative = false
        if field[i] == UInt8(ascii: "-") || field[i] == UInt8(ascii: "+") {
            negative = field[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var decimalExponent = 0
        var overflowDigits = false
        while i < end, field[i] &- 0x30 < 10 {
            let digit = UInt64(field[i] &- 0x30)
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ digit
                if mantissa != 0 { significantDigits += 1 }
            } else {
                overflowDigits = true
                decimalExponent += 1
            }
            digitsSeen += 1
            i += 1
        }
        if i < end, field[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, field[i] &- 0x30 < 10 {
                let digit = UInt64(field[i] &- 0x30)
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    if mantissa != 0 { significantDigits += 1 }
                    decimalExponent -= 1
                } else {
                    overflowDigits = true
                }
                digitsSeen += 1
                i += 1
            }
        }
        guard digitsSeen > 0 else { return nil }
        if i < end, field[i] == UInt8(ascii: "e") || field[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, field[i] == UInt8(ascii: "-") || field[i] == UInt8(ascii: "+") {
                exponentNegative = field[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while i < end, field[i] &- 0x30 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(field[i] &- 0x30) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        guard i == end else { return nil }
        // Clinger: an exact mantissa and an exact power of ten give a correctly rounded result
        // with one IEEE operation.
        if !overflowDigits, mantissa < (1 << 53), decimalExponent >= -22, decimalExponent <= 22 {
            var value = Double(mantissa)
            value = decimalExponent < 0 ? value / exactPowers[-decimalExponent] : value * exactPowers[decimalExponent]
            return negative ? -value : value
        }
        // Only this path can overflow (the fast path's values are below 2^53 * 10^22).
        guard let value = slowParse(UnsafeBufferPointer(rebasing: field[start..<end])), !finite || value.isFinite else { return nil }
        return value
    }

    private static func slowParse(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for (i, byte) in text.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[text.count] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard endPointer == buffer.baseAddress! + text.count else { return nil }
            return value
        }
    }

    package static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// Appends the shortest text that reads back as `value`, as Python's `repr` writes it (`0.1`,
    /// `3.0`, `1e-05`, `1e+16`; see `ShortestDouble`). NaN is a missing value: nothing is written.
    package static func append(_ value: Double, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestDouble.maxLength) { buffer in
            let count = ShortestDouble.write(value, to: buffer.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    package static func appendInteger(_ value: Int64, negativeZero: Bool = false, to out: inout [UInt8]) {
        if value < 0 || negativeZero { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }

    package static func format(_ value: Double) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
