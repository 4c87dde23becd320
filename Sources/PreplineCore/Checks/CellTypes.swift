#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A typed cell value: what constraints compare and what `unique` / `primaryKey` remember.
///
/// Equality follows Python's, since frictionless compares Python values: numbers by value
/// (`1.0` and `1` are the same key), text by code points, a naive datetime never equal to an
/// aware one.
package enum CellValue: Hashable, Sendable {
    case number(Double)
    case text([UInt8])
    case bool(Bool)
    /// Days since 1970-01-01.
    case date(Int)
    /// Seconds since 1970-01-01 (UTC when `aware`, wall clock otherwise).
    case datetime(Double, aware: Bool)

    /// `a < b` for bounds; nil when the values cannot be ordered (different kinds).
    static func less(_ a: CellValue, _ b: CellValue) -> Bool? {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y
        case let (.date(x), .date(y)): return x < y
        case let (.datetime(x, _), .datetime(y, _)): return x < y
        case let (.text(x), .text(y)): return x.lexicographicallyPrecedes(y)
        default: return nil
        }
    }
}

/// ASCII whitespace as Python's `str.strip()` sees it (the non-ASCII ones are a listed gap).
@inline(__always)
func isPythonSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F) }

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

/// Reads cells of one field as frictionless-py 5 does (its `value_reader`s), from the bytes.
package final class CellParser: Sendable {
    let field: SchemaField
    private let trueValues: [[UInt8]]
    private let falseValues: [[UInt8]]
    private let pattern: DatePattern?
    private let groupChar: [UInt8]
    private let decimalChar: [UInt8]

    package init(field: SchemaField) {
        self.field = field
        // Only a boolean reads them (spared a dozen small arrays per column of other types).
        trueValues = field.type == .boolean ? field.trueValues.map { Array($0.utf8) } : []
        falseValues = field.type == .boolean ? field.falseValues.map { Array($0.utf8) } : []
        switch field.type {
        case .date: pattern = try? DatePattern(field.format == "default" ? "%Y-%m-%d" : field.format)
        case .datetime: pattern = field.format == "default" ? nil : try? DatePattern(field.format)
        default: pattern = nil
        }
        groupChar = Array(field.groupChar.utf8)
        decimalChar = Array(field.decimalChar.utf8)
    }

    /// The typed value of a cell, or nil when it is not of the field's type (a `type-error`).
    /// A `string` cell's bytes are copied only when `materialize` (a constraint or a key needs them).
    @inline(__always)
    package func read(_ cell: UnsafeBufferPointer<UInt8>, materialize: Bool = true) -> CellValue? {
        switch field.type {
        case .string, .any: return .text(materialize ? Array(cell) : [])
        case .integer:
            if field.bareNumber { return Self.integer(cell) }
            return withPreprocessed(cell) { Self.integer($0) }
        case .number:
            if field.numberOptionsGiven { return withPreprocessed(cell) { Self.decimal($0) } }
            return Self.decimal(cell)
        case .boolean:
            if trueValues.contains(where: { Self.equal($0, cell) }) { return .bool(true) }
            if falseValues.contains(where: { Self.equal($0, cell) }) { return .bool(false) }
            return nil
        case .year: return Self.year(cell)
        case .date:
            if field.format == "default", let days = Self.isoDate(cell) { return .date(days) }
            guard let parts = pattern?.match(cell) else { return nil }
            return .date(parts.days)
        case .datetime:
            if let pattern {
                guard let parts = pattern.match(cell) else { return nil }
                return .datetime(parts.seconds, aware: parts.offset != nil)
            }
            return Self.isoDatetime(cell)
        }
    }

    /// A bound or enum entry written in the schema (JSON), read as frictionless casts it.
    func constant(_ value: JSONValue) -> CellValue? {
        switch value {
        case .number(let n, _):
            switch field.type {
            case .number: return .number(n)
            case .integer, .year:
                guard n == n.rounded() else { return nil }
                if field.type == .year, n < 0 || n > 9999 { return nil }
                return .number(n)
            default: return nil
            }
        case .bool(let b): return field.type == .boolean ? .bool(b) : nil
        case .string(let s):
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { read(UnsafeBufferPointer($0)) }
        default: return nil
        }
    }

    static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        if b.isEmpty { return true }
        // A few bytes ("true", "1"): an inline loop costs less than a memcmp call.
        return a.withUnsafeBufferPointer { a in
            var i = 0
            while i < b.count && a[i] == b[i] { i += 1 }
            return i == b.count
        }
    }

    /// frictionless' number preprocessing: strip; drop non-digits around the number unless
    /// `bareNumber`; remove `groupChar`; refuse a `.` when the decimal mark is another; map the
    /// decimal mark to `.`.
    private func withPreprocessed(_ cell: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> CellValue?) -> CellValue? {
        var start = 0, end = cell.count
        while start < end, isPythonSpace(cell[start]) { start += 1 }
        while end > start, isPythonSpace(cell[end - 1]) { end -= 1 }
        if !field.bareNumber {
            while start < end, !(isDigit(cell[start]) || cell[start] == UInt8(ascii: "-")) { start += 1 }
            while end > start, !isDigit(cell[end - 1]) { end -= 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        while i < end {
            if !groupChar.isEmpty, Self.hasPrefix(cell, at: i, end: end, groupChar) { i += groupChar.count; continue }
            if field.type == .number, decimalChar != [UInt8(ascii: ".")] {
                if cell[i] == UInt8(ascii: ".") { return nil }
                if Self.hasPrefix(cell, at: i, end: end, decimalChar) { out.append(UInt8(ascii: ".")); i += decimalChar.count; continue }
            }
            out.append(cell[i]); i += 1
        }
        return out.withUnsafeBufferPointer { body($0) }
    }

    private static func hasPrefix(_ cell: UnsafeBufferPointer<UInt8>, at i: Int, end: Int, _ token: [UInt8]) -> Bool {
        guard i + token.count <= end else { return false }
        for k in 0..<token.count where cell[i + k] != token[k] { return false }
        return true
    }

    /// Python's `int(text)`: blanks around, a sign, digits with single underscores between them.
    package static func integer(_ cell: UnsafeBufferPointer<UInt8>) -> CellValue? {
        var i = 0, end = cell.count
        while i < end, isPythonSpace(cell[i]) { i += 1 }
        while end > i, isPythonSpace(cell[end - 1]) { end -= 1 }
        var negative = false
        if i < end, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { negative = cell[i] == UInt8(ascii: "-"); i += 1 }
        guard i < end, isDigit(cell[i]) else { return nil }
        var value: Double = 0
        var exact: Int64 = 0
        var overflow = false
        var previousUnderscore = false
        while i < end {
            let b = cell[i]
            if isDigit(b) {
                let d = Int64(b &- 0x30)
                if !overflow {
                    let (m, o1) = exact.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 { overflow = true; value = Double(exact) * 10 + Double(d) } else { exact = s }
                } else {
                    value = value * 10 + Double(d)
                }
                previousUnderscore = false
            } else if b == UInt8(ascii: "_"), !previousUnderscore, i + 1 < end, isDigit(cell[i + 1]) {
                previousUnderscore = true
            } else {
                return nil
            }
            i += 1
        }
        let magnitude = overflow ? value : Double(exact)
        return .number(negative ? -magnitude : magnitude)
    }

    /// Python's `Decimal(text)`: blanks around, a sign, digits with an optional point and
    /// exponent, or Infinity / Inf / NaN / sNaN (any case). CPython's decimal drops *every*
    /// underscore before reading (`1__0`, `_1` and `1_` are numbers), so this does too.
    package static func decimal(_ cell: UnsafeBufferPointer<UInt8>) -> CellValue? {
        var i = 0, end = cell.count
        while i < end, isPythonSpace(cell[i]) { i += 1 }
        while end > i, isPythonSpace(cell[end - 1]) { end -= 1 }
        guard i < end else { return nil }
        let text = UnsafeBufferPointer(rebasing: cell[i..<end])
        guard text.contains(UInt8(ascii: "_")) else { return plainDecimal(text) }
        let clean = text.filter { $0 != UInt8(ascii: "_") }
        return clean.withUnsafeBufferPointer { plainDecimal($0) }
    }

    /// Decimal's grammar without underscores: NumberText's (sign, digits with an optional
    /// point, exponent), then the named values.
    private static func plainDecimal(_ text: UnsafeBufferPointer<UInt8>) -> CellValue? {
        guard !text.isEmpty, !isPythonSpace(text[0]), !isPythonSpace(text[text.count - 1]) else { return nil }
        if let value = NumberText.parseAllowingOverflow(text) { return .number(value) }
        var p = 0
        var negative = false
        if text[0] == UInt8(ascii: "+") || text[0] == UInt8(ascii: "-") { negative = text[0] == UInt8(ascii: "-"); p = 1 }
        guard p < text.count, !isDigit(text[p]), text[p] != UInt8(ascii: ".") else { return nil }
        return special(text, from: p, to: text.count, negative: negative)
    }

    private static func special(_ cell: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, negative: Bool) -> CellValue? {
        var word: [UInt8] = []
        for k in start..<end { word.append(cell[k] | 0x20) }
        if word == Array("infinity".utf8) || word == Array("inf".utf8) { return .number(negative ? -.infinity : .infinity) }
        for prefix in ["nan", "snan"] {
            let p = Array(prefix.utf8)
            if word.count >= p.count, Array(word[0..<p.count]) == p, word[p.count...].allSatisfy(isDigit) { return .number(.nan) }
        }
        return nil
    }

    /// The common `YYYY-MM-DD` spelling of a valid date, without the general matcher (it gives
    /// the same answer; `2020-1-5` and the like fall through to it).
    @inline(__always)
    static func isoDate(_ c: UnsafeBufferPointer<UInt8>) -> Int? {
        guard c.count == 10, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-") else { return nil }
        func d(_ i: Int) -> Int { Int(c[i] &- 0x30) }
        guard isDigit(c[0]), isDigit(c[1]), isDigit(c[2]), isDigit(c[3]), isDigit(c[5]), isDigit(c[6]), isDigit(c[8]), isDigit(c[9]) else { return nil }
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3), month = d(5) * 10 + d(6), day = d(8) * 10 + d(9)
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    /// Frictionless' year: exactly four characters that Python's `int()` reads, 0…9999.
    package static func year(_ cell: UnsafeBufferPointer<UInt8>) -> CellValue? {
        guard cell.count == 4, case .number(let n)? = integer(cell), n >= 0, n <= 9999 else { return nil }
        return .number(n)
    }

    /// Frictionless' default datetime: `cell[16] == ":"`, at least 19 characters, then dateutil's
    /// `isoparse`: `YYYY-MM-DD`, any one separator, `HH:MM:SS`, an optional fraction (`.` or `,`),
    /// an optional offset (`Z`, `±HH`, `±HHMM`, `±HH:MM`).
    package static func isoDatetime(_ c: UnsafeBufferPointer<UInt8>) -> CellValue? {
        guard c.count >= 19, c[16] == UInt8(ascii: ":") else { return nil }
        func two(_ at: Int) -> Int? {
            guard at + 1 < c.count, isDigit(c[at]), isDigit(c[at + 1]) else { return nil }
            return Int(c[at] &- 0x30) * 10 + Int(c[at + 1] &- 0x30)
        }
        guard let y1 = two(0), let y2 = two(2), c[4] == UInt8(ascii: "-"), let month = two(5), c[7] == UInt8(ascii: "-"),
              let day = two(8), let hour = two(11), c[13] == UInt8(ascii: ":"), let minute = two(14), let second = two(17) else { return nil }
        let year = y1 * 100 + y2
        var pos = 19
        var fraction = 0.0
        if pos < c.count, c[pos] == UInt8(ascii: ".") || c[pos] == UInt8(ascii: ",") {
            var k = pos + 1, scale = 0.1, digits = 0
            while k < c.count, isDigit(c[k]) { if digits < 6 { fraction += Double(c[k] &- 0x30) * scale; scale /= 10 }; digits += 1; k += 1 }
            if digits > 0 { pos = k }
        }
        var offset: Int?
        if pos < c.count {
            let rest = c.count - pos
            if rest == 1, c[pos] == UInt8(ascii: "Z") || c[pos] == UInt8(ascii: "z") { offset = 0 }
            else {
                guard c[pos] == UInt8(ascii: "+") || c[pos] == UInt8(ascii: "-"), [3, 5, 6].contains(rest), let h = two(pos + 1) else { return nil }
                var m = 0
                // dateutil: minutes are int() of what follows the hours and an optional ':'.
                if rest > 3 {
                    let from = c[pos + 3] == UInt8(ascii: ":") ? pos + 4 : pos + 3
                    guard from < c.count else { return nil }
                    for k in from..<c.count { guard isDigit(c[k]) else { return nil }; m = m * 10 + Int(c[k] &- 0x30) }
                }
                if !(h == 0 && m == 0) { guard m <= 59, h <= 23 else { return nil } }
                offset = (c[pos] == UInt8(ascii: "-") ? -1 : 1) * (h * 60 + m) * 60
            }
        }
        var h = hour, extraDay = 0
        if hour == 24 {
            guard minute == 0, second == 0, fraction == 0 else { return nil }
            h = 0; extraDay = 1
        }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), h < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day) + extraDay
        let seconds = Double(days * 86400 + h * 3600 + minute * 60 + second - (offset ?? 0)) + fraction
        return .datetime(seconds, aware: offset != nil)
    }
}

func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
}
