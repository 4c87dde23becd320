// PLACEHOLDER, deleted at merge: the real types and scikit-learn's exact algorithms come from the
// g5-splitalgo branch (same interface). Until then `split` runs its I/O path on this stand-in,
// whose shuffled assignments are NOT scikit-learn's.

/// A test size as Python types it: a fraction (float) or a row count (int).
package enum SplitSize: Sendable, Equatable { case fraction(Double), count(Int) }

/// A column's values per row as small codes in first-appearance order, and each code's bytes.
package struct SplitLabels: Sendable {
    package var codes: [Int32]
    package var values: [[UInt8]]
    package init(codes: [Int32], values: [[UInt8]]) { self.codes = codes; self.values = values }
}

/// A refusal, with scikit-learn's reason.
package struct SplitError: Error, Sendable, Equatable {
    package var message: String
    package init(message: String) { self.message = message }
}

/// Placeholder assignments (see the file comment).
package enum SplitAssignment {
    package static func trainTest(rows: Int, testSize: SplitSize, seed: UInt32?, shuffle: Bool, stratify: SplitLabels?) throws(SplitError) -> [Bool] {
        let testRows: Int
        switch testSize {
        case .fraction(let f):
            guard f > 0, f < 1 else { throw SplitError(message: "test_size=\(f) should be a float in the (0, 1) range") }
            testRows = Int((f * Double(rows)).rounded(.up))
        case .count(let n):
            guard n > 0, n < rows else { throw SplitError(message: "test_size=\(n) should be positive and smaller than the number of samples \(rows)") }
            testRows = n
        }
        guard testRows < rows, testRows > 0 else { throw SplitError(message: "With n_samples=\(rows), the resulting train set will be empty") }
        var test = [Bool](repeating: false, count: rows)
        if !shuffle {
            for i in (rows - testRows)..<rows { test[i] = true }
            return test
        }
        var order = Array(0..<rows)
        var state = UInt64(seed ?? 0) &+ 0x9E37_79B9_7F4A_7C15
        for i in stride(from: rows - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        for i in order.prefix(testRows) { test[i] = true }
        return test
    }

    package static func folds(rows: Int, k: Int, seed: UInt32?, stratify: SplitLabels?, groups: SplitLabels?) throws(SplitError) -> [UInt16] {
        guard k >= 2 else { throw SplitError(message: "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits=\(k).") }
        guard k <= rows else { throw SplitError(message: "Cannot have number of splits n_splits=\(k) greater than the number of samples: n_samples=\(rows).") }
        return (0..<rows).map { UInt16($0 * k / rows) }
    }
}
