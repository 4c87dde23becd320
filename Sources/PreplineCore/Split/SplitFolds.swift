extension SplitAssignment {
    /// The test-fold index of each row: `KFold(k, shuffle=seed is not None, random_state=seed)`,
    /// `StratifiedKFold` (stratify) or `GroupKFold` (groups; shuffled with a seed, as scikit-learn
    /// 1.6+ allows, else its greedy balancing), as scikit-learn 1.9 gives each row in `split()`.
    /// Stratify and groups together (StratifiedGroupKFold) are refused. `onWarning` receives the
    /// UserWarning scikit-learn prints but does not refuse (a class with fewer members than k).
    package static func folds(rows: Int, k: Int, seed: UInt32?, stratify: SplitLabels?,
                              groups: SplitLabels?,
                              onWarning: (String) -> Void = { _ in }) throws(SplitError) -> [UInt16] {
        if k <= 1 {
            throw SplitError("k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits=\(k).")
        }
        guard k <= Int(UInt16.max) + 1 else { throw SplitError("n_splits=\(k) is more folds than a fold column holds (65536)") }
        if stratify != nil && groups != nil {
            throw SplitError("stratified group folds (StratifiedGroupKFold) are not supported: give stratify or groups, not both")
        }
        for labels in [stratify, groups].compactMap({ $0 }) where labels.codes.count != rows {
            throw SplitError("the label column has \(labels.codes.count) values for \(rows) rows")
        }
        // StratifiedKFold.split validates y before the count; the others check the count first.
        let stratifyClasses = try stratify?.classes(input: "y")
        if k > rows {
            throw SplitError("Cannot have number of splits n_splits=\(k) greater than the number of samples: n_samples=\(rows).")
        }
        guard rows <= Int(Int32.max) else { throw SplitError("\(rows) rows are more than a split assigns (2^31 - 1)") }
        if let stratify, let stratifyClasses {
            return try stratifiedFolds(rows: rows, k: k, seed: seed, labels: stratify, classes: stratifyClasses,
                                       onWarning: onWarning)
        }
        if let groups { return try groupFolds(rows: rows, k: k, seed: seed, labels: groups) }
        // KFold: arange(n), shuffled with a seed, cut into k runs, the first n % k one longer.
        var folds = [UInt16](repeating: 0, count: rows)
        let permutation: [Int32]? = seed.map { seed in
            var random = NumpyRandomState(seed: seed)
            return random.permutation(rows)
        }
        var position = 0
        for fold in 0..<k {
            let size = rows / k + (fold < rows % k ? 1 : 0)
            for _ in 0..<size {
                folds[permutation.map { Int($0[position]) } ?? position] = UInt16(fold)
                position += 1
            }
        }
        return folds
    }

    /// StratifiedKFold._make_test_folds.
    private static func stratifiedFolds(rows: Int, k: Int, seed: UInt32?, labels: SplitLabels,
                                        classes: SplitLabels.Classes,
                                        onWarning: (String) -> Void) throws(SplitError) -> [UInt16] {
        // type_of_target: a float column with a non-integral value is "continuous".
        if classes.kind == .float {
            for cls in 0..<classes.count {
                let value = SplitLabels.float(labels.values[Int(classes.representative[cls])])!
                if value.rounded(.towardZero) != value {
                    throw SplitError("Supported target types are: ('binary', 'multiclass'). Got 'continuous' instead.")
                }
            }
        }
        // y encoded by order of first appearance.
        let encodedOfClass = classes.firstAppearanceRank
        let classCount = classes.count
        var counts = [Int](repeating: 0, count: classCount)
        for cls in 0..<classCount { counts[Int(encodedOfClass[cls])] = classes.counts[cls] }
        if counts.allSatisfy({ k > $0 }) {
            throw SplitError("n_splits=\(k) cannot be greater than the number of members in each class.")
        }
        if let least = counts.min(), k > least {
            onWarning("The least populated class in y has only \(least) members, which is less than n_splits=\(k).")
        }
        // allocation[f][c]: how many of y_order[f::k] are class c, y_order being the encoded
        // classes sorted (class c holds positions [s_c, s_c + n_c)).
        func below(_ bound: Int, _ fold: Int) -> Int { bound > fold ? (bound - fold - 1) / k + 1 : 0 }
        var start = [Int](repeating: 0, count: classCount + 1)
        for c in 0..<classCount { start[c + 1] = start[c] + counts[c] }
        // folds_for_class = arange(k).repeat(allocation[:, c]), each class's block in one array.
        var blocks = [UInt16](repeating: 0, count: rows)
        var random = seed.map { NumpyRandomState(seed: $0) }
        for c in 0..<classCount {
            var position = start[c]
            for fold in 0..<k {
                let allocated = below(start[c + 1], fold) - below(start[c], fold)
                for _ in 0..<allocated { blocks[position] = UInt16(fold); position += 1 }
            }
            if random != nil {
                blocks.withUnsafeMutableBufferPointer { all in
                    random!.shuffle(UnsafeMutableBufferPointer(rebasing: all[start[c]..<start[c + 1]]))
                }
            }
        }
        // test_folds[y_encoded == c] = folds_for_class: the class's rows in order.
        var cursor = Array(start.dropLast())
        var folds = [UInt16](repeating: 0, count: rows)
        for row in 0..<rows {
            let c = Int(encodedOfClass[Int(classes.classOfCode[Int(labels.codes[row])])])
            folds[row] = blocks[cursor[c]]
            cursor[c] += 1
        }
        return folds
    }

    /// GroupKFold._iter_test_indices.
    private static func groupFolds(rows: Int, k: Int, seed: UInt32?, labels: SplitLabels) throws(SplitError) -> [UInt16] {
        let classes = try labels.classes(input: "groups")  // np.unique: sorted groups
        let groupCount = classes.count
        if k > groupCount {
            throw SplitError("Cannot have number of splits n_splits=\(k) greater than the number of groups: \(groupCount).")
        }
        var foldOfGroup = [UInt16](repeating: 0, count: groupCount)
        if let seed {
            // rng.permutation(unique_groups), then np.array_split into k runs (the first G % k longer).
            var random = NumpyRandomState(seed: seed)
            let permutation = random.permutation(groupCount)
            var position = 0
            for fold in 0..<k {
                let size = groupCount / k + (fold < groupCount % k ? 1 : 0)
                for _ in 0..<size { foldOfGroup[Int(permutation[position])] = UInt16(fold); position += 1 }
            }
        } else {
            // argsort(counts, kind="stable")[::-1]: most rows first, ties by the later group first;
            // each group to the lightest fold, the lowest index among equals (np.argmin).
            let order = (0..<groupCount).sorted {
                classes.counts[$0] > classes.counts[$1] || (classes.counts[$0] == classes.counts[$1] && $0 > $1)
            }
            var heap = LightestFold(folds: k)
            for group in order {
                foldOfGroup[group] = UInt16(heap.add(classes.counts[group]))
            }
        }
        var folds = [UInt16](repeating: 0, count: rows)
        for row in 0..<rows { folds[row] = foldOfGroup[Int(classes.classOfCode[Int(labels.codes[row])])] }
        return folds
    }
}

/// The folds' total weights as a binary min-heap on (weight, fold): `add` gives the weight to
/// the fold np.argmin would pick (the lightest, the lowest index among equals) in O(log k).
private struct LightestFold {
    private var heap: [(weight: Int, fold: Int)]

    init(folds: Int) { heap = (0..<folds).map { (0, $0) } }  // already a heap: all zero, increasing folds

    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].weight < heap[b].weight || (heap[a].weight == heap[b].weight && heap[a].fold < heap[b].fold)
    }

    mutating func add(_ weight: Int) -> Int {
        let fold = heap[0].fold
        heap[0].weight += weight
        var node = 0
        while true {
            let left = 2 * node + 1, right = left + 1
            var smallest = node
            if left < heap.count && less(left, smallest) { smallest = left }
            if right < heap.count && less(right, smallest) { smallest = right }
            if smallest == node { return fold }
            heap.swapAt(node, smallest)
            node = smallest
        }
    }
}
