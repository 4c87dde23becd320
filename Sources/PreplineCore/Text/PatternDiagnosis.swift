/// Says where a regular expression is wrong, in the pattern as the user wrote it.
///
/// ICU reports an error on the translated pattern (where `\w` is a set of hundreds of ranges)
/// and Foundation's NSError text holds that whole translation: thousands of bytes that point
/// nowhere. The common mistakes are found here on the user's own text instead, by one scan.
package enum PatternDiagnosis {
    /// The 1-based character position of the first problem found and what it is, or nil when
    /// the scan finds none (the engine may still refuse the pattern for a rarer reason).
    package static func locate(_ pattern: String) -> (position: Int, problem: String)? {
        let chars = Array(pattern)
        var openGroups: [Int] = []
        /// Whether the last item can take a quantifier (false at the start, after `(` or `|`).
        var canRepeat = false
        /// Whether the last item is a quantifier (a second one is an error, but `?`/`+` after
        /// one make it lazy or possessive).
        var afterQuantifier = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                guard i + 1 < chars.count else { return (i + 1, "a trailing \"\\\" escapes nothing") }
                i += 2
                canRepeat = true; afterQuantifier = false
                continue
            case "[":
                guard let end = classEnd(chars, from: i) else { return (i + 1, "\"[\" opens a character set that is never closed with \"]\"") }
                if let (position, problem) = checkRanges(chars, from: i, to: end) { return (position, problem) }
                i = end + 1
                canRepeat = true; afterQuantifier = false
                continue
            case "(":
                openGroups.append(i)
                if i + 1 < chars.count, chars[i + 1] == "?" {
                    let rest = String(chars[(i + 2)...].prefix(3))
                    let known = [":", "=", "!", "<=", "<!", "<", "P<", "i", "m", "s", "x", "u", "#", ">", "-"]
                    if !known.contains(where: { rest.hasPrefix($0) }) {
                        return (i + 1, "\"(?\(rest.prefix(1))\" is not a known group kind")
                    }
                    if rest.hasPrefix("u)") { openGroups.removeLast(); i += 4; continue }
                    i += 2
                } else {
                    i += 1
                }
                canRepeat = false; afterQuantifier = false
                continue
            case ")":
                guard openGroups.popLast() != nil else { return (i + 1, "\")\" closes no group") }
                canRepeat = true; afterQuantifier = false
            case "|":
                canRepeat = false; afterQuantifier = false
            case "*", "+", "?", "{":
                var end = i
                if c == "{" {
                    // `{m}`, `{m,}`, `{m,n}` is a repetition; anything else is a literal "{" in Python.
                    guard let close = chars[i...].firstIndex(of: "}"),
                          chars[(i + 1)..<close].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ",") }),
                          chars[(i + 1)..<close].first?.isNumber == true else {
                        canRepeat = true; afterQuantifier = false
                        break
                    }
                    let bounds = String(chars[(i + 1)..<close]).split(separator: ",", omittingEmptySubsequences: false)
                    if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]), low > high {
                        return (i + 1, "\"\(String(chars[i...close]))\" repeats at least \(low) but at most \(high) times")
                    }
                    end = close
                }
                if afterQuantifier && (c == "?" || c == "+") {
                    afterQuantifier = false
                } else if !canRepeat || afterQuantifier {
                    return (i + 1, "\"\(String(chars[i...end]))\" has nothing to repeat")
                } else {
                    afterQuantifier = true
                }
                if afterQuantifier { canRepeat = false }
                i = end + 1
                continue
            default:
                canRepeat = true; afterQuantifier = false
            }
            i += 1
        }
        if let open = openGroups.last { return (open + 1, "\"(\" opens a group that is never closed with \")\"") }
        return nil
    }

    /// A short sentence for the spec error: where and what, with the pattern quoted (cut when long).
    package static func message(for pattern: String) -> String {
        let shown = pattern.count > 120 ? String(pattern.prefix(120)) + "…" : pattern
        guard let (position, problem) = locate(pattern) else {
            return "not a valid regular expression: \"\(shown)\""
        }
        return "not a valid regular expression at character \(position) of \"\(shown)\": \(problem)"
    }

    /// The index of the "]" that ends the set opened at `start` (a "]" first in the set, or
    /// after "^", is a literal, as in Python), or nil when there is none.
    private static func classEnd(_ chars: [Character], from start: Int) -> Int? {
        var i = start + 1
        if i < chars.count, chars[i] == "^" { i += 1 }
        if i < chars.count, chars[i] == "]" { i += 1 }
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "]" { return i }
            if chars[i] == "[", i + 1 < chars.count, chars[i + 1] == ":" {
                // A POSIX class such as [:alpha:] inside a set.
                if let close = chars[(i + 2)...].firstIndex(of: "]") { i = close + 1; continue }
            }
            i += 1
        }
        return nil
    }

    /// A range `z-a` whose ends are out of order.
    private static func checkRanges(_ chars: [Character], from start: Int, to end: Int) -> (Int, String)? {
        var i = start + 1
        while i + 2 < end {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i + 1] == "-", chars[i + 2] != "]", chars[i + 2] != "\\", chars[i] > chars[i + 2] {
                return (i + 1, "the range \"\(chars[i])-\(chars[i + 2])\" is out of order")
            }
            i += 1
        }
        return nil
    }
}
