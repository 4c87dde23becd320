/// Python's `datetime.strptime(text, format)` for the directives dates in CSV use, over bytes.
///
/// It follows CPython's `_strptime`: each directive is a regular-expression alternation tried in
/// its order (`%m` is `1[0-2]|0[1-9]|[1-9]`, so `2020-1-5` is a date), a run of blanks in the
/// format matches one or more blanks, letters match in any case, the *first* match is taken and
/// then must cover the whole text, and the calendar is checked after (`2021-02-29` is refused).
package struct DatePattern: Sendable {
    package struct Parts: Sendable {
        var year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0
        var offset: Int?
        var twelveHour: Int?
        var pm: Bool?
        var days: Int { daysFromCivil(year: year, month: month, day: day) }
        var seconds: Double {
            Double(days * 86400 + hour * 3600 + minute * 60 + second - (offset ?? 0)) + Double(microsecond) / 1e6
        }
    }

    package struct FormatError: Error { package var message: String }

    private enum Token: Sendable {
        case literal(UInt8)
        case blanks
        case directive(UInt8)
    }

    private let tokens: [Token]
    /// How many digits `%f` takes at most: 6 in Python's strptime, 9 in pandas' (nanoseconds;
    /// digits past the sixth are read and dropped, `microsecond` stays microseconds).
    private let fractionDigits: Int
    private static let supported = Set("YymdHIMSfzjbBpaA%".utf8)
    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december"].map { Array($0.utf8) }
    private static let dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map { Array($0.utf8) }

    package init(_ format: String, fractionDigits: Int = 6) throws(FormatError) {
        self.fractionDigits = fractionDigits
        var tokens: [Token] = []
        let bytes = Array(format.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 1 < bytes.count else { throw FormatError(message: "format \"\(format)\" ends with a lone %") }
                let d = bytes[i + 1]
                guard Self.supported.contains(d) else {
                    throw FormatError(message: "format \"\(format)\": directive %\(Character(Unicode.Scalar(d))) is not supported (supported: %Y %y %m %d %H %I %p %M %S %f %z %j %b %B %a %A %%)")
                }
                tokens.append(d == UInt8(ascii: "%") ? .literal(d) : .directive(d))
                i += 2
            } else if isPythonSpace(b) {
                while i < bytes.count, isPythonSpace(bytes[i]) { i += 1 }
                tokens.append(.blanks)
            } else {
                tokens.append(.literal(b)); i += 1
            }
        }
        self.tokens = tokens
    }

    /// The fields of `text`, or nil when strptime would raise.
    package func match(_ text: UnsafeBufferPointer<UInt8>) -> Parts? {
        var parts = Parts()
        var end = -1
        guard search(text, 0, 0, &parts, &end), end == text.count else { return nil }
        if let h12 = parts.twelveHour {
            parts.hour = h12 % 12 + (parts.pm == true ? 12 : 0)
        }
        guard parts.year >= 1, parts.day <= daysIn(month: parts.month, year: parts.year),
              parts.hour < 24, parts.minute < 60, parts.second < 60 else { return nil }
        return parts
    }

    /// Depth-first over the alternatives in the regex's order: the first complete match wins.
    private func search(_ t: UnsafeBufferPointer<UInt8>, _ k: Int, _ pos: Int, _ parts: inout Parts, _ end: inout Int) -> Bool {
        if k == tokens.count { end = pos; return true }
        switch tokens[k] {
        case .literal(let b):
            guard pos < t.count, lower(t[pos]) == lower(b) else { return false }
            return search(t, k + 1, pos + 1, &parts, &end)
        case .blanks:
            var n = pos
            while n < t.count, isPythonSpace(t[n]) { n += 1 }
            guard n > pos else { return false }
            var stop = n
            while stop > pos {
                if search(t, k + 1, stop, &parts, &end) { return true }
                stop -= 1
            }
            return false
        case .directive(let d):
            for (length, value) in alternatives(d, t, pos) {
                let saved = parts
                assign(d, value, &parts)
                if search(t, k + 1, pos + length, &parts, &end) { return true }
                parts = saved
            }
            return false
        }
    }

    @inline(__always) private func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    private func assign(_ d: UInt8, _ v: Int, _ p: inout Parts) {
        switch d {
        case UInt8(ascii: "Y"): p.year = v
        case UInt8(ascii: "y"): p.year = v < 69 ? 2000 + v : 1900 + v
        case UInt8(ascii: "m"), UInt8(ascii: "b"), UInt8(ascii: "B"): p.month = v
        case UInt8(ascii: "d"): p.day = v
        case UInt8(ascii: "H"): p.hour = v
        case UInt8(ascii: "I"): p.twelveHour = v
        case UInt8(ascii: "p"): p.pm = v == 1
        case UInt8(ascii: "M"): p.minute = v
        case UInt8(ascii: "S"): p.second = v
        case UInt8(ascii: "f"): p.microsecond = v
        case UInt8(ascii: "z"): p.offset = v
        case UInt8(ascii: "j"):
            // Day of the year: month and day follow once the year is known (CPython does the same).
            p.month = 1; p.day = v
            var day = v, month = 1
            while month <= 12, day > daysIn(month: month, year: p.year) { day -= daysIn(month: month, year: p.year); month += 1 }
            if month <= 12 { p.month = month; p.day = day }
        default: break
        }
    }

    /// (length, value) of each way the directive's regex can match at `pos`, in the regex's order.
    private func alternatives(_ d: UInt8, _ t: UnsafeBufferPointer<UInt8>, _ pos: Int) -> [(Int, Int)] {
        func digit(_ i: Int) -> Int? { pos + i < t.count && isDigit(t[pos + i]) ? Int(t[pos + i] &- 0x30) : nil }
        func byte(_ i: Int) -> UInt8? { pos + i < t.count ? t[pos + i] : nil }
        var out: [(Int, Int)] = []
        /// Two digits whose first is in `first` (and the pair in `range` when given).
        func pair(_ first: ClosedRange<Int>, _ second: ClosedRange<Int> = 0...9) {
            if let a = digit(0), let b = digit(1), first.contains(a), second.contains(b) { out.append((2, a * 10 + b)) }
        }
        func single(_ range: ClosedRange<Int>) { if let a = digit(0), range.contains(a) { out.append((1, a)) } }
        switch d {
        case UInt8(ascii: "Y"):
            if let a = digit(0), let b = digit(1), let c = digit(2), let e = digit(3) { out.append((4, a * 1000 + b * 100 + c * 10 + e)) }
        case UInt8(ascii: "y"): pair(0...9)
        case UInt8(ascii: "m"), UInt8(ascii: "I"): pair(1...1, 0...2); pair(0...0, 1...9); single(1...9)
        case UInt8(ascii: "d"):
            pair(3...3, 0...1); pair(1...2); pair(0...0, 1...9); single(1...9)
            if byte(0) == 0x20, let a = digit(1), a >= 1 { out.append((2, a)) }
        case UInt8(ascii: "H"): pair(2...2, 0...3); pair(0...1); single(0...9)
        case UInt8(ascii: "M"): pair(0...5); single(0...9)
        case UInt8(ascii: "S"): pair(6...6, 0...1); pair(0...5); single(0...9)
        case UInt8(ascii: "f"):
            var n = 0
            while n < fractionDigits, digit(n) != nil { n += 1 }
            while n >= 1 {
                var v = 0
                for i in 0..<min(n, 6) { v = v * 10 + digit(i)! }
                for _ in min(n, 6)..<6 { v *= 10 }
                out.append((n, v)); n -= 1
            }
        case UInt8(ascii: "j"):
            if let a = digit(0), let b = digit(1), let c = digit(2) {
                let v = a * 100 + b * 10 + c
                if (a == 3 && b == 6 && c <= 6) || (a == 3 && b <= 5) || (1...2).contains(a) || (a == 0 && v >= 10) || (a == 0 && b == 0 && c >= 1) { out.append((3, v)) }
            }
            pair(1...9); pair(0...0, 1...9); single(1...9)
        case UInt8(ascii: "z"):
            if byte(0) == UInt8(ascii: "Z") { out.append((1, 0)); break }
            guard let s = byte(0), s == UInt8(ascii: "+") || s == UInt8(ascii: "-"), let h1 = digit(1), let h2 = digit(2) else { break }
            var i = 3
            if byte(i) == UInt8(ascii: ":") { i += 1 }
            guard let m1 = digit(i), m1 <= 5, let m2 = digit(i + 1) else { break }
            let sign = s == UInt8(ascii: "-") ? -1 : 1
            out.append((i + 2, sign * ((h1 * 10 + h2) * 3600 + (m1 * 10 + m2) * 60)))
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            // CPython sorts the names longest first, full names and abbreviations alike.
            var names: [(Int, Int)] = []
            for (m, name) in Self.monthNames.enumerated() {
                if d == UInt8(ascii: "B") { names.append((name.count, m + 1)) } else { names.append((3, m + 1)) }
            }
            for (length, month) in names.sorted(by: { $0.0 > $1.0 }) where matchesWord(Self.monthNames[month - 1], length, t, pos) {
                out.append((length, month))
            }
        case UInt8(ascii: "a"), UInt8(ascii: "A"):
            for name in Self.dayNames {
                let length = d == UInt8(ascii: "A") ? name.count : 3
                if matchesWord(name, length, t, pos) { out.append((length, 0)) }
            }
        case UInt8(ascii: "p"):
            if matchesWord(Array("am".utf8), 2, t, pos) { out.append((2, 0)) }
            if matchesWord(Array("pm".utf8), 2, t, pos) { out.append((2, 1)) }
        default: break
        }
        return out
    }

    private func matchesWord(_ word: [UInt8], _ length: Int, _ t: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
        guard pos + length <= t.count else { return false }
        for i in 0..<length where lower(t[pos + i]) != word[i] { return false }
        return true
    }
}
