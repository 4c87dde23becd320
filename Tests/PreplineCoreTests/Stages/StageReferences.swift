import Foundation

// Plain-Swift references for the stage unit tests, written the obvious way from the definitions
// (numpy's / scikit-learn's), independent of prepline's code. Where exact equality is asserted,
// the test data is chosen so the naive formula is exact too (small multiples of 1/4: every sum
// and square is a double without rounding), so a single correctly rounded step remains.

enum StageReference {
    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    /// numpy's `var` (ddof 0), from exact integer arithmetic on `xs * 4` (xs are multiples of
    /// 1/4 here): n·Σx² − (Σx)² over n², one rounding at the end.
    static func populationVariance(quarters xs: [Double]) -> Double {
        let q = xs.map { Int($0 * 4) }
        precondition(zip(q, xs).allSatisfy { Double($0) == $1 * 4 }, "the data must be multiples of 1/4")
        let n = q.count, sum = q.reduce(0, +), squares = q.reduce(0) { $0 + $1 * $1 }
        let numerator = n * squares - sum * sum // exact: 16·n²·var
        return Double(numerator) / Double(16 * n * n)
    }

    /// numpy's `percentile(xs, q)` with the default linear method, step by step as numpy does
    /// it: q / 100, position (n-1)·q in the sorted values, then `_lerp` (from the upper
    /// neighbour when the fraction is at least one half).
    static func percentile(_ xs: [Double], _ q: Double) -> Double {
        let sorted = xs.sorted()
        let position = Double(sorted.count - 1) * (q / 100)
        let low = Int(position.rounded(.down))
        let t = position - Double(low)
        guard low + 1 < sorted.count else { return sorted[low] }
        let a = sorted[low], b = sorted[low + 1], difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// numpy's `median`: the middle value, or the mean of the two middle values.
    static func median(_ xs: [Double]) -> Double {
        let sorted = xs.sorted(), n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// The most frequent string; ties go to the smallest by code point (as scikit-learn's
    /// SimpleImputer on an object column, which sorts the values).
    static func mostFrequent(_ xs: [String]) -> String {
        var counts: [String: Int] = [:]
        for x in xs { counts[x, default: 0] += 1 }
        let top = counts.values.max()!
        return counts.filter { $0.value == top }.keys.min { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(Array($1.unicodeScalars.map(\.value))) }!
    }

    /// Distinct values sorted by code point (scikit-learn's `np.unique` on strings).
    static func categories(_ xs: [String]) -> [String] {
        Set(xs).sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(Array($1.unicodeScalars.map(\.value))) }
    }

    /// scikit-learn's default analyzer on ASCII text: lowercase, then runs of 2+ word characters
    /// (`(?u)\b\w\w+\b`; on ASCII `\w` is [A-Za-z0-9_]), then n-grams joined by one space.
    static func terms(_ text: String, lowercase: Bool = true, stopWords: Set<String> = [], ngrams: (Int, Int) = (1, 1)) -> [String] {
        let source = lowercase ? text.lowercased() : text
        var words: [String] = []
        var current = ""
        for c in source + " " {
            if c.isASCII && (c.isLetter || c.isNumber || c == "_") {
                current.append(c)
            } else {
                if current.count >= 2 { words.append(current) }
                current = ""
            }
        }
        words = words.filter { !stopWords.contains($0) }
        var result: [String] = []
        for n in ngrams.0...ngrams.1 where n <= words.count {
            for start in 0...(words.count - n) { result.append(words[start..<(start + n)].joined(separator: " ")) }
        }
        return result
    }
}

/// Random multiples of 1/4 in [-limit, limit], or "" (missing) with probability `missing`.
func quarterCells(count: Int, limit: Int, missing: Double, using rng: inout SplitMix64) -> [String] {
    (0..<count).map { _ in
        if Double.random(in: 0..<1, using: &rng) < missing { return "" }
        let q = Int.random(in: (-4 * limit)...(4 * limit), using: &rng)
        return formatShortest(Double(q) / 4)
    }
}

/// Swift's shortest round-trip spelling, without a trailing ".0" on integers.
func formatShortest(_ x: Double) -> String {
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

/// Random doubles with many significant digits (nothing exact about their sums), or "".
func arbitraryCells(count: Int, missing: Double, using rng: inout SplitMix64) -> [String] {
    (0..<count).map { _ in
        if Double.random(in: 0..<1, using: &rng) < missing { return "" }
        return "\(Double.random(in: -1000...1000, using: &rng) * Double.random(in: 0.001...10, using: &rng))"
    }
}

/// A CSV text of columns given as names and cells.
func csvText(_ columns: [(String, [String])]) -> String {
    SimpleTable(header: columns.map(\.0), rows: (0..<columns[0].1.count).map { r in columns.map { $0.1[r] } }).csv
}
