/// "Did you mean …" for every name a user types (stages, spec keys, option values, columns,
/// subcommands), and the one way long lists are cut, so messages stay short and point at the fix.
package enum Suggestion {
    /// The candidate closest to `word` by Damerau–Levenshtein distance (a swap of two neighbours
    /// counts one), when it is close enough to be a typo: at most 2 edits, and fewer than half of
    /// the longer word's characters (so `id` does not suggest `x`). Case differences cost nothing
    /// extra beyond one edit each; ties go to the earlier candidate.
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        // The same name in other case ("L2", "UTF-8"), or the start of exactly one name
        // ("most_freq"), is what was meant before any edit distance.
        let lowered = word.lowercased()
        if let sameButCase = candidates.first(where: { $0 != word && $0.lowercased() == lowered }) { return sameButCase }
        if word.count >= 3 {
            let extended = candidates.filter { $0 != word && $0.lowercased().hasPrefix(lowered) }
            if extended.count == 1 { return extended[0] }
        }
        let typed = Array(word.unicodeScalars)
        guard !typed.isEmpty, typed.count <= 200 else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let other = Array(candidate.unicodeScalars)
            guard abs(other.count - typed.count) <= 2, other.count <= 200 else { continue }
            let limit = min(2, (max(typed.count, other.count) - 1) / 2)
            let d = distance(typed, other)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// ` (did you mean "x"?)` or the empty string, to follow the name in a message.
    package static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    /// The optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of one
    /// substring), which is what a typo is: a missing, extra, wrong or swapped character.
    package static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// How many items a message lists before "… and N more".
    package static let listLimit = 10

    /// The first `limit` items joined by `separator`, then "… and N more" when there are more:
    /// a message about a 1000-column file stays one short line.
    package static func shortList(_ items: [String], limit: Int = listLimit, separator: String = ", ") -> String {
        guard items.count > limit else { return items.joined(separator: separator) }
        return items.prefix(limit).joined(separator: separator) + "\(separator)… and \(items.count - limit) more"
    }

    /// `"a", "b", "c"`: quoted names for "expected one of" lists.
    package static func quoted(_ items: [String], limit: Int = listLimit) -> String {
        shortList(items.map { "\"\($0)\"" }, limit: limit)
    }
}
