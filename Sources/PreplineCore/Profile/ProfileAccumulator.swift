import Dispatch

/// Missing counts per column over groups of rows in input order, for the missingness bands.
///
/// Groups hold `groupSize` rows, a power of two that doubles (adjacent groups merge) whenever
/// the rows outgrow `maxGroups` groups, so the grouping at the end depends only on the row
/// count: the bands are the same for any chunk size and thread count.
package struct MissingnessGroups: Sendable {
    package static let maxGroups = 4096
    package static let maxBands = 200
    package private(set) var groupSize = 1
    private var shift = 0
    /// counts[column][group]
    private var counts: [[Int32]]

    package init(width: Int) { counts = [[Int32]](repeating: [], count: width) }

    private mutating func coarsen() {
        for c in counts.indices where !counts[c].isEmpty {
            var merged = [Int32](repeating: 0, count: (counts[c].count + 1) / 2)
            for (g, n) in counts[c].enumerated() { merged[g / 2] += n }
            counts[c] = merged
        }
        groupSize *= 2
        shift += 1
    }

    /// Adds a chunk's missing bits, its first row being `firstRow`.
    package mutating func add(_ chunk: ChunkProfile, firstRow: Int) {
        while firstRow + chunk.rows > Self.maxGroups * groupSize { coarsen() }
        for (c, column) in chunk.columns.enumerated() where !column.missingBits.isEmpty {
            if counts[c].count < Self.maxGroups { counts[c] += [Int32](repeating: 0, count: Self.maxGroups - counts[c].count) }
            for (w, word) in column.missingBits.enumerated() where word != 0 {
                var bits = word
                while bits != 0 {
                    let row = firstRow + w * 64 + bits.trailingZeroBitCount
                    counts[c][row >> shift] += 1
                    bits &= bits - 1
                }
            }
        }
    }

    /// min(200, groups) bands of whole groups, as even as whole groups allow (band b holds groups
    /// b·G/B ..< (b+1)·G/B): (first row, last row, missing count per column).
    package func bands(rows: Int) -> [(first: Int, last: Int, missing: [Int])] {
        guard rows > 0 else { return [] }
        let groups = (rows + groupSize - 1) / groupSize
        let bandCount = Swift.min(Self.maxBands, groups)
        var out: [(first: Int, last: Int, missing: [Int])] = []
        for b in 0..<bandCount {
            let g = b * groups / bandCount, end = (b + 1) * groups / bandCount
            let first = g * groupSize, last = Swift.min(end * groupSize, rows) - 1
            let missing = counts.map { column -> Int in
                guard !column.isEmpty else { return 0 }
                var n = 0
                for i in g..<end { n += Int(column[i]) }
                return n
            }
            out.append((first, last, missing))
        }
        return out
    }
}

/// The whole data set's figures, merged chunk by chunk in input order on the consumer thread.
package struct ProfileAccumulator: Sendable {
    package let names: [String]
    package let budgets: ProfileBudgets
    package var rows = 0
    package var malformedRows = 0
    package var columns: [ColumnAccumulator]
    package var groups: MissingnessGroups
    /// The first `budgets.distinct` distinct row keys; `rowKeysFull` once more were seen.
    package var rowKeys = KeySet()
    package var rowKeysFull = false
    package var duplicates = 0
    /// Rows with every cell missing, and lines of blanks skipped (`ChunkProfile`).
    package var blankRows = 0
    package var whitespaceLines = 0
    package var emptyLines = 0
    /// Rows missing in both of columns i < j, at i * width + j; nil when too wide.
    package var coMissing: [Int]?

    package init(names: [String], budgets: ProfileBudgets) {
        self.names = names
        self.budgets = budgets
        columns = [ColumnAccumulator](repeating: ColumnAccumulator(), count: names.count)
        groups = MissingnessGroups(width: names.count)
        coMissing = names.count <= ChunkProfiler.correlationColumnLimit ? [Int](repeating: 0, count: names.count * names.count) : nil
    }

    /// Merges the next chunk. Columns are independent, so they merge in parallel (with the rows'
    /// figures as one more task): merged on one thread, they were a third of a profile's CPU and
    /// kept the workers waiting. Each column still takes its chunks in input order.
    package mutating func merge(_ chunk: ChunkProfile) {
        groups.add(chunk, firstRow: rows)
        rows += chunk.rows
        blankRows += chunk.blankRows
        whitespaceLines += chunk.whitespaceLines
        emptyLines += chunk.emptyLines
        let budgets = budgets, width = names.count
        // Moved out of `self` so that each task owns what it mutates (no copy: still one reference).
        var rowFigures = RowFigures(keys: rowKeys, keysFull: rowKeysFull, duplicates: duplicates, coMissing: coMissing)
        rowKeys = KeySet(); coMissing = nil
        withUnsafeMutablePointer(to: &rowFigures) { figures in
            columns.withUnsafeMutableBufferPointer { columns in
                guard let first = columns.baseAddress else {
                    figures.pointee.merge(chunk, budget: budgets.distinct, width: width)
                    return
                }
                let tasks = TaskPointers(columns: first, rows: figures)
                DispatchQueue.concurrentPerform(iterations: columns.count + 1) { task in
                    if task < width {
                        tasks.columns[task].merge(chunk.columns[task], budgets: budgets)
                    } else {
                        tasks.rows.pointee.merge(chunk, budget: budgets.distinct, width: width)
                    }
                }
            }
        }
        rowKeys = rowFigures.keys; rowKeysFull = rowFigures.keysFull
        duplicates = rowFigures.duplicates; coMissing = rowFigures.coMissing
    }

    /// The figures over whole rows, merged as one task.
    private struct RowFigures {
        var keys: KeySet
        var keysFull: Bool
        var duplicates: Int
        var coMissing: [Int]?

        mutating func merge(_ chunk: ChunkProfile, budget: Int, width: Int) {
            let hashes = chunk.rowHashes
            for (i, h) in hashes.enumerated() {
                if i + 8 < hashes.count { keys.prefetch(hashes[i + 8]) }
                let (present, inserted) = keys.insert(h, budget: budget)
                if present { duplicates += 1 } else if !inserted { keysFull = true }
            }
            if coMissing != nil, let pairs = chunk.coMissing {
                for p in pairs { coMissing![Int(p.i) * width + Int(p.j)] += Int(p.count) }
            }
        }
    }

    /// What the merge tasks mutate: each task its own column, or the row figures.
    private struct TaskPointers: @unchecked Sendable {
        let columns: UnsafeMutablePointer<ColumnAccumulator>
        let rows: UnsafeMutablePointer<RowFigures>
    }

    /// `df.duplicated().sum()`, and whether it is exact. Past the budget, the rows equal to one
    /// of the first `budgets.distinct` distinct rows: a lower bound (duplicates of later rows
    /// are not seen), the same for any chunking since rows are keyed in input order.
    package var duplicateRows: (count: Int, exact: Bool) { (duplicates, !rowKeysFull) }

    /// pandas' `df.isna().corr()`: Pearson's r of the missing indicators, from exact counts;
    /// nil (NaN in pandas) where a column is never or always missing.
    package func nullityCorrelation(_ i: Int, _ j: Int) -> Double? {
        let n = Double(rows)
        let a = Double(columns[i].missing), b = Double(columns[j].missing)
        guard a > 0, a < n, b > 0, b < n else { return nil }
        if i == j { return 1 }
        let both = Double(coMissing![Swift.min(i, j) * names.count + Swift.max(i, j)])
        let r = (n * both - a * b) / ((a * (n - a)).squareRoot() * (b * (n - b)).squareRoot())
        return Swift.max(-1, Swift.min(1, r))
    }
}

/// Runs independent per-column work on the cores, results in column order.
package enum ColumnParallel {
    private struct Results<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T?>
    }

    /// `body(0..<count)`, in parallel (each index once, on any thread).
    package static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = Results(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { i in out.base[i] = body(i) }
        }
        return results.map { $0! }
    }
}
