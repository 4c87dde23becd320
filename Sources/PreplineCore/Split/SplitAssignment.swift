/// Which rows scikit-learn 1.9 puts in TEST, and which fold it gives each row, computed from the
/// row count (and the stratify/group column) alone, with numpy's legacy RandomState
/// (`NumpyRandomState`) drawing exactly what scikit-learn draws, in the same order.
///
/// Memory: the output (one bit or one UInt16 per row) plus at most two Int32 per row while computing.
package enum SplitAssignment {
    /// The test rows of `sklearn.model_selection.train_test_split(range(rows), test_size=...,
    /// random_state=seed, shuffle=shuffle, stratify=labels)`: `mask[row]` is true for TEST.
    ///
    /// A shuffled split needs a seed: scikit-learn's `random_state=None` draws from numpy's global
    /// state, which nothing can reproduce, so `shuffle` with a nil seed throws.
    package static func trainTest(rows: Int, testSize: SplitSize, seed: UInt32?, shuffle: Bool,
                                  stratify: SplitLabels?) throws(SplitError) -> SplitMask {
        let (trainCount, testCount) = try validateShuffleSplit(rows: rows, testSize: testSize)
        guard rows <= Int(Int32.max) else { throw SplitError("\(rows) rows are more than a split assigns (2^31 - 1)") }
        var mask = SplitMask(count: rows)
        guard shuffle else {
            if stratify != nil { throw SplitError("Stratified train/test split is not implemented for shuffle=False") }
            for row in trainCount..<rows { mask[row] = true }
            return mask
        }
        guard let seed else {
            throw SplitError("a shuffled split needs a seed to be reproducible (scikit-learn's random_state=None draws from numpy's global state)")
        }
        var random = NumpyRandomState(seed: seed)
        guard let stratify else {
            // ShuffleSplit: the first n_test of permutation(n_samples).
            let permutation = random.permutation(rows)
            for position in 0..<testCount { mask[Int(permutation[position])] = true }
            return mask
        }
        try stratifiedTest(rows: rows, trainCount: trainCount, testCount: testCount, labels: stratify,
                           random: &random, into: &mask)
        return mask
    }

    /// `_validate_shuffle_split(n_samples, test_size, None)`: (n_train, n_test), ceil for a test
    /// fraction, with its refusals.
    package static func validateShuffleSplit(rows: Int, testSize: SplitSize) throws(SplitError) -> (train: Int, test: Int) {
        let testCount: Int
        // train_test_split's @validate_params refuses a fraction outside (0, 1) or a count below 1
        // before _validate_shuffle_split compares a count with the rows.
        let outOfDomain = "The 'test_size' parameter of train_test_split must be a float in the range (0.0, 1.0), an int in the range [1, inf) or None. Got \(testSize.pythonText) instead."
        switch testSize {
        case .count(let count):
            if count < 1 { throw SplitError(outOfDomain) }
            if count >= rows {
                throw SplitError("test_size=\(count) should be either positive and smaller than the number of samples \(rows) or a float in the (0, 1) range")
            }
            testCount = count
        case .fraction(let fraction):
            if !(fraction > 0 && fraction < 1) { throw SplitError(outOfDomain) }
            testCount = Int((fraction * Double(rows)).rounded(.up))
        }
        let trainCount = rows - testCount
        if trainCount <= 0 {
            throw SplitError("With n_samples=\(rows), test_size=\(testSize.pythonText) and train_size=None, the resulting train set will be empty. Adjust any of the aforementioned parameters.")
        }
        return (trainCount, testCount)
    }

    /// StratifiedShuffleSplit(test_size=n_test, train_size=n_train, random_state=seed): the first
    /// split's test rows. The final `rng.permutation(train)` / `(test)` only reorder the two sets
    /// and come after every draw that chose them, so they are not made.
    private static func stratifiedTest(rows: Int, trainCount: Int, testCount: Int, labels: SplitLabels,
                                       random: inout NumpyRandomState, into mask: inout SplitMask) throws(SplitError) {
        guard labels.codes.count == rows else {
            throw SplitError("stratify has \(labels.codes.count) values for \(rows) rows")
        }
        let classes = try labels.classes(input: "y")
        let classCount = classes.count
        if let least = classes.counts.min(), least < 2 {
            let few = classes.counts.indices.filter { classes.counts[$0] < 2 }
                .map { labels.pythonRepr(ofClass: $0, in: classes) }
            throw SplitError("The least populated classes in y have only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2. Classes with too few members are: [\(few.joined(separator: ", "))]")
        }
        if trainCount < classCount {
            throw SplitError("The train_size = \(trainCount) should be greater or equal to the number of classes = \(classCount)")
        }
        if testCount < classCount {
            throw SplitError("The test_size = \(testCount) should be greater or equal to the number of classes = \(classCount)")
        }
        // class_indices: the rows of each class in increasing order (a stable argsort), in one array.
        var start = [Int](repeating: 0, count: classCount + 1)
        for cls in 0..<classCount { start[cls + 1] = start[cls] + classes.counts[cls] }
        var rowsByClass = [Int32](repeating: 0, count: rows)
        var cursor = Array(start.dropLast())
        for row in 0..<rows {
            let cls = Int(classes.classOfCode[Int(labels.codes[row])])
            rowsByClass[cursor[cls]] = Int32(row)
            cursor[cls] += 1
        }
        let trainPerClass = approximateMode(classes.counts, draws: trainCount, random: &random)
        let remaining = zip(classes.counts, trainPerClass).map { $0 - $1 }
        let testPerClass = approximateMode(remaining, draws: testCount, random: &random)
        for cls in 0..<classCount {
            let size = classes.counts[cls]
            let permutation = random.permutation(size)
            // perm_indices_class_i[n_i : n_i + t_i], a slice clamped to the class.
            let from = min(trainPerClass[cls], size), to = min(trainPerClass[cls] + testPerClass[cls], size)
            guard from < to else { continue }
            for position in from..<to {
                mask[Int(rowsByClass[start[cls] + Int(permutation[position])])] = true
            }
        }
    }

    /// sklearn.utils.extmath._approximate_mode(class_counts, n_draws, rng): the floors of each
    /// class's share, then one more for the largest remainders, ties broken by
    /// `rng.choice(inds, size, replace=False)` = `inds[permutation(len(inds))[:size]]`.
    package static func approximateMode(_ counts: [Int], draws: Int, random: inout NumpyRandomState) -> [Int] {
        let total = Double(counts.reduce(0, +))
        let continuous = counts.map { Double($0) / total * Double(draws) }
        var floored = continuous.map { $0.rounded(.down) }
        var needToAdd = Int(Double(draws) - floored.reduce(0, +))
        if needToAdd > 0 {
            let remainder = zip(continuous, floored).map { $0 - $1 }
            // np.sort(np.unique(remainder))[::-1]
            var values = Array(Set(remainder)).sorted(by: >)
            if remainder.contains(where: \.isNaN) { values.removeAll(where: \.isNaN) }
            for value in values {
                let indices = remainder.indices.filter { remainder[$0] == value }
                let addNow = min(indices.count, needToAdd)
                let chosen = random.permutation(indices.count)
                for position in 0..<addNow { floored[indices[Int(chosen[position])]] += 1 }
                needToAdd -= addNow
                if needToAdd == 0 { break }
            }
        }
        return floored.map { Int($0) }
    }
}
