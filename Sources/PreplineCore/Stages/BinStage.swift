/// `bin`: scikit-learn's KBinsDiscretizer (`quantile_method="averaged_inverted_cdf"`,
/// `subsample=None`: every row counts), or fixed edges. A value's bin is the number of inner
/// edges at or below it (`np.searchsorted(edges[1:-1], x, side="right")`), written as
/// scikit-learn writes it (`0.0`, `1.0`, …), or one 0/1 column per bin named `<col>_0.0`, … in
/// the column's place (`encode: onehot`). Missing stays missing (ordinal) or all zeros (onehot).
package struct BinStage: PipelineStage {
    package enum Strategy: String, Sendable, CaseIterable { case uniform, quantile, kmeans }
    package enum Encode: String, Sendable, CaseIterable { case ordinal, onehot }

    package static let kind = "bin"
    package static let summary = "bin numbers (KBinsDiscretizer): n_bins by uniform, quantile or kmeans edges, or fixed edges; encode ordinal or onehot"

    package let position: Int
    package let selectors: [String]
    package let nBins: Int
    package let strategy: Strategy
    package let encode: Encode
    /// How the quantile strategy's edges are learned (`"quantiles"`).
    package let quantiles: QuantileEstimate
    /// Edges given in the spec per column (nothing is learned).
    package let givenEdges: [String: [Double]]
    private let file: String
    /// The edges per column, learned or given: bin i is [edges[i], edges[i+1]).
    package private(set) var edges: [String: [Double]] = [:]
    private var bound: [Int] = []
    private var boundNames: [String] = []
    private var fittedNames: [String] = []
    package var columnNames: [String] { boundNames }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        file = reader.file
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        nBins = options.integer("n_bins")!
        strategy = Strategy(rawValue: options.string("strategy")!)!
        encode = Encode(rawValue: options.string("encode")!)!
        quantiles = QuantileEstimate(rawValue: options.string("quantiles")!)!
        var given: [String: [Double]] = [:]
        if let value = options.value("edges") {
            for key in ["n_bins", "strategy", "quantiles"] where options.isGiven(key) {
                throw reader.fail(key, "does not apply with \"edges\", which fixes the bins")
            }
            var object = try SpecObjectReader(value, file: reader.file, path: reader.childPath("edges"))
            for key in object.keys {
                given[key] = try Self.edgeList(&object, key, strictlyIncreasing: true)
            }
            try object.finish()
        }
        givenEdges = given
        if let fitted = try reader.fittedColumns() {
            fittedNames = fitted.map(\.name)
            for (column, var entry) in fitted {
                guard entry.has("edges") else { throw entry.fail("edges", "missing: the learned bin edges of column '\(column)'") }
                edges[column] = try Self.edgeList(&entry, "edges", strictlyIncreasing: false)
                try entry.finish()
            }
        }
        try reader.finish()
    }

    /// At least two finite numbers, increasing (given edges strictly; learned uniform edges of
    /// a tiny range may repeat, and a constant column's one bin is `[v, v]`).
    private static func edgeList(_ reader: inout SpecObjectReader, _ key: String, strictlyIncreasing: Bool) throws(PreplineError) -> [Double] {
        guard case .array(let items)? = reader.value(key) else { throw reader.fail(key, "expected an array of at least two increasing numbers") }
        var list: [Double] = []
        for (i, item) in items.enumerated() {
            guard case .number(let x, _) = item, x.isFinite else {
                throw PreplineError.spec(file: reader.file, path: "\(reader.childPath(key))[\(i)]", message: "expected a number, got \(item.serialized())")
            }
            if let last = list.last, strictlyIncreasing ? x <= last : x < last {
                throw PreplineError.spec(file: reader.file, path: "\(reader.childPath(key))[\(i)]",
                                         message: "edges must be \(strictlyIncreasing ? "strictly " : "")increasing: \(NumberText.format(x)) follows \(NumberText.format(last))")
            }
            list.append(x)
        }
        guard list.count >= 2 else { throw reader.fail(key, "expected at least two edges (one bin), got \(list.count)") }
        return list
    }

    package var isFitted: Bool { !edges.isEmpty || !givenEdges.isEmpty }

    package var fittedJSON: JSONValue? {
        guard givenEdges.isEmpty, !edges.isEmpty else { return nil }
        return .object(boundNames.compactMap { name in
            edges[name].map { (name, .object([("edges", .array($0.map { .number($0) }))])) }
        })
    }

    package var numericColumns: [String] { boundNames }

    package var profileNeeds: ColumnProfile.Needs {
        switch strategy {
        case .uniform: return .extremes
        case .quantile: return ColumnProfile.Needs.extremes.union(.quantiles(sketch: quantiles == .sketch))
        case .kmeans: return [.extremes, .histogram]
        }
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        (bound, boundNames) = try columns.bindStage(selectors, position: position, fittedNames: fittedNames)
        if !givenEdges.isEmpty {
            for key in givenEdges.keys.sorted() where !boundNames.contains(key) {
                throw PreplineError.spec(file: file, path: "stages[\(position)].edges.\(key)",
                                         message: "'\(key)' is not one of this stage's columns\(Suggestion.didYouMean(key, in: boundNames)) (\(Suggestion.shortList(boundNames)))")
            }
            if let missing = boundNames.first(where: { givenEdges[$0] == nil }) {
                throw PreplineError.spec(file: file, path: "stages[\(position)].edges",
                                         message: "no edges for column '\(missing)'; give edges for every column of the stage, or bin it in a stage of its own")
            }
            edges = givenEdges
        }
        guard encode == .onehot else { return }
        // LEAD: produced names — `<col>_0.0`, `<col>_1.0`, … replace the column (a `.oneHot` block).
        for name in boundNames {
            columns.expandedBy[name] = label
            if columns.stageRunsLearned, let columnEdges = edges[name] {
                columns.blocks[name] = Self.binNames(name, count: columnEdges.count - 1)
            } else {
                columns.namesLearnedLater[name] = label
            }
        }
    }

    /// scikit-learn's `get_feature_names_out` for onehot bins: `<col>_0.0`, `<col>_1.0`, ….
    private static func binNames(_ column: String, count: Int) -> [String] {
        (0..<count).map { "\(column)_\(NumberText.format(Double($0)))" }
    }

    /// A later stage on a binned column (or its onehot columns) fits in the next pass, on the
    /// bins: the fit pass reads the values unbinned, and a statistic cannot be mapped through bins.
    package func passesStatistics(of column: String) -> Bool { false }
    package var mayDeferLaterStages: Bool { true }

    package func observe(_ batch: inout Batch, into state: inout StageFitState) {
        for (i, c) in bound.enumerated() {
            let numbers = batch.numberColumn(c, stage: label)
            if !isFitted { state.profiles[i].observe(numbers: numbers, where: batch.work.isGood) }
            batch.columns[c] = .numbers(numbers)
        }
    }

    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {
        guard edges.isEmpty else { return }
        for (i, name) in boundNames.enumerated() {
            let profile = profiles[i]
            guard profile.observed > 0 else {
                throw PreplineError.spec(file: file, path: "stages[\(position)]", message: "column '\(name)' has no observed values to learn bin edges from (\(label))")
            }
            let low = profile.minimum, high = profile.maximum
            // A constant column: one bin (scikit-learn's edges [-inf, inf], written [v, v]).
            guard low != high else { edges[name] = [low, high]; continue }
            var learned: [Double]
            switch strategy {
            case .uniform:
                learned = Self.linspace(low, high, count: nBins + 1)
            case .quantile:
                let (values, counts) = profile.ranks()
                learned = Self.linspace(0, 100, count: nBins + 1).map { Self.averagedInvertedCDF($0 / 100, values: values, cumulative: counts) }
            case .kmeans:
                let (values, cumulative) = profile.ranks()
                guard profile.observed >= nBins else {
                    throw PreplineError.spec(file: file, path: "stages[\(position)].n_bins",
                                             message: "column '\(name)' has \(profile.observed) observed values, fewer than n_bins (\(nBins)) clusters, which k-means needs (\(label))")
                }
                var weights = [Double](repeating: 0, count: values.count)
                for j in values.indices { weights[j] = Double(cumulative[j] - (j == 0 ? 0 : cumulative[j - 1])) }
                let uniform = Self.linspace(low, high, count: nBins + 1)
                let initial = (0..<nBins).map { (uniform[$0 + 1] + uniform[$0]) * 0.5 }
                let centers = KMeans1D.fit(values: values, weights: weights, initial: initial).sorted()
                learned = [low] + (0..<(nBins - 1)).map { (centers[$0 + 1] + centers[$0]) * 0.5 } + [high]
            }
            if strategy != .uniform {
                // scikit-learn removes bins of width <= 1e-8 (with a warning).
                var kept = [learned[0]]
                for j in 1..<learned.count where learned[j] - learned[j - 1] > 1e-8 { kept.append(learned[j]) }
                learned = kept
            }
            edges[name] = learned
        }
    }

    /// numpy's `linspace(start, stop, count)`: `i * step + start`, the last exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        let divisions = Double(count - 1), delta = stop - start
        let step = delta / divisions
        var values = (0..<count).map { step == 0 ? Double($0) / divisions * delta + start : Double($0) * step + start }
        values[count - 1] = stop
        return values
    }

    /// numpy's `quantile(method="averaged_inverted_cdf")`, written as numpy evaluates it:
    /// virtual index n·q − 1, gamma 0.5 where it is an integer (else 1), numpy's `_lerp`.
    private static func averagedInvertedCDF(_ q: Double, values: [Double], cumulative: [Int]) -> Double {
        let n = cumulative.last!
        func value(atRank rank: Int) -> Double {
            var low = 0, high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[mid] > rank { high = mid } else { low = mid + 1 }
            }
            return values[low]
        }
        let virtualIndex = Double(n) * q - 1
        var previous = virtualIndex.rounded(.down)
        var next = previous + 1
        if virtualIndex >= Double(n - 1) { previous = Double(n - 1); next = previous }
        if virtualIndex < 0 { previous = 0; next = 0 }
        // numpy takes gamma against the clipped index (-1 stands for n - 1).
        let clippedPrevious = virtualIndex >= Double(n - 1) ? -1 : previous
        let gamma = virtualIndex - clippedPrevious == 0 ? 0.5 : 1.0
        let a = value(atRank: Int(previous)), b = value(atRank: Int(next))
        let difference = b - a
        return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
    }

    /// The bin of `x`: how many inner edges are at or below it.
    @inline(__always)
    private static func bin(_ x: Double, _ edges: [Double]) -> Int {
        var low = 1, high = edges.count - 1
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] <= x { low = mid + 1 } else { high = mid }
        }
        return low - 1
    }

    package func apply(_ batch: inout Batch) {
        for (i, c) in bound.enumerated() {
            let name = boundNames[i]
            let columnEdges = edges[name]!
            let numbers = batch.numberColumn(c, stage: label)
            switch encode {
            case .ordinal:
                var bins = numbers
                for r in bins.indices where !bins[r].isNaN { bins[r] = Double(Self.bin(bins[r], columnEdges)) }
                batch.columns[c] = .numbers(bins)
            case .onehot:
                var hot = [Int32](repeating: -1, count: numbers.count)
                for r in numbers.indices where !numbers[r].isNaN { hot[r] = Int32(Self.bin(numbers[r], columnEdges)) }
                batch.columns[c] = .oneHot(names: Self.binNames(name, count: columnEdges.count - 1), hot: hot)
            }
        }
    }
}

/// scikit-learn's KMeans (`init` an array, `n_init=1`, Lloyd's algorithm, `tol=1e-4`,
/// `max_iter=300`) on one feature given as distinct values with their counts: the data centered
/// on its mean, distances as `‖c‖² − 2·x·c`, empty clusters given the samples farthest from
/// their centers, strict convergence (labels unchanged) or a total squared shift within tol.
enum KMeans1D {
    static func fit(values: [Double], weights: [Double], initial: [Double], maxIterations: Int = 300, tolerance: Double = 1e-4) -> [Double] {
        let total = weights.reduce(0, +)
        var sum = 0.0
        for j in values.indices { sum += values[j] * weights[j] }
        let mean = sum / total
        let x = values.map { $0 - mean }
        // np.var of the data, as `_tolerance` takes it (shift-invariant, so on the centered data).
        var xMean = 0.0
        for j in x.indices { xMean += weights[j] * x[j] }
        xMean /= total
        var variance = 0.0
        for j in x.indices { variance += weights[j] * (x[j] - xMean) * (x[j] - xMean) }
        let tol = variance / total * tolerance
        let k = initial.count
        var centers = initial.map { $0 - mean }
        var labels = [Int](repeating: -1, count: x.count)
        var oldLabels = labels
        func assign(_ centers: [Double]) {
            let squared = centers.map { $0 * $0 }
            for j in x.indices {
                var best = 0, bestDistance = squared[0] + -2 * (x[j] * centers[0])
                for c in 1..<k {
                    let d = squared[c] + -2 * (x[j] * centers[c])
                    if d < bestDistance { bestDistance = d; best = c }
                }
                labels[j] = best
            }
        }
        for _ in 0..<maxIterations {
            assign(centers)
            var sums = [Double](repeating: 0, count: k), inCluster = [Double](repeating: 0, count: k)
            for j in x.indices {
                sums[labels[j]] += x[j] * weights[j]
                inCluster[labels[j]] += weights[j]
            }
            relocateEmpty(x: x, weights: weights, centers: centers, labels: labels, sums: &sums, inCluster: &inCluster)
            let biggest = inCluster.indices.max { inCluster[$0] < inCluster[$1] || (inCluster[$0] == inCluster[$1] && $0 > $1) }!
            // `_average_centers`, in its order: an empty cluster takes the biggest one's value as
            // it is at that point (still a sum when the biggest comes later).
            var updated = sums
            for c in 0..<k {
                if inCluster[c] > 0 { updated[c] *= 1 / inCluster[c] } else { updated[c] = updated[biggest] }
            }
            var shift = 0.0
            for c in 0..<k { shift += (updated[c] - centers[c]) * (updated[c] - centers[c]) }
            centers = updated
            if labels == oldLabels { break }
            if shift <= tol { break }
            oldLabels = labels
        }
        return centers.map { $0 + mean }
    }

    /// `_relocate_empty_clusters_dense`: each empty cluster takes one of the samples farthest
    /// from their (old) centers, farthest first; a value seen m times is m samples.
    private static func relocateEmpty(x: [Double], weights: [Double], centers: [Double], labels: [Int],
                                      sums: inout [Double], inCluster: inout [Double]) {
        let empty = inCluster.indices.filter { inCluster[$0] == 0 }
        guard !empty.isEmpty else { return }
        let distance = x.indices.map { (x[$0] - centers[labels[$0]]) * (x[$0] - centers[labels[$0]]) }
        guard distance.max()! != 0 else { return }
        let farthest = x.indices.sorted { distance[$0] != distance[$1] ? distance[$0] > distance[$1] : $0 > $1 }
        var next = 0, left = 0.0
        var current = -1
        for cluster in empty {
            if left == 0 {
                guard next < farthest.count else { return }
                current = farthest[next]; next += 1
                left = weights[current]
            }
            left -= 1
            sums[labels[current]] -= x[current]
            sums[cluster] = x[current]
            inCluster[cluster] = 1
            inCluster[labels[current]] -= 1
        }
    }
}

extension BinStage {
    package static let options: StageOptionTable = {
        let edgeList = SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("number")]), "minItems": .number(2)])
        return StageOptionTable([
            StageOption("n_bins", .integer(2...Int(Int32.max)), default: .number(5),
                        "The number of bins per column (an integer >= 2); quantile and kmeans remove bins narrower than 1e-8, as scikit-learn does, and a constant column has one."),
            StageOption("strategy", .choice(Strategy.allCases.map(\.rawValue)), default: .string(Strategy.quantile.rawValue),
                        "uniform: equal widths from the minimum to the maximum; quantile: equal counts (numpy's averaged_inverted_cdf percentiles); kmeans: edges midway between the centers of scikit-learn's 1-D k-means."),
            StageOption("encode", .choice(Encode.allCases.map(\.rawValue)), default: .string(Encode.ordinal.rawValue),
                        "ordinal: the bin index (0.0, 1.0, …) in place; onehot: one 0/1 column per bin, <col>_0.0, <col>_1.0, …, in the column's place."),
            QuantileEstimate.option("quantiles", only: "quantile only: ", statistic: "the learned inner edges", appliesTo: [Strategy.quantile.rawValue]),
            StageOption("edges", .object(schema: SchemaPiece.object(["type": .string("object"), "additionalProperties": edgeList])),
                        "Fixed edges per column (keys: every column of the stage), strictly increasing; nothing is learned, and n_bins and strategy do not apply. A value below the first edge is in bin 0, one above the last in the last bin."),
        ], selector: "strategy",
        fitted: SchemaPiece.fitted("The learned bin edges per column (a constant column's one bin: [v, v]).",
                                      entry: ["edges": edgeList], required: ["edges"]))
    }()

    package var learnedParameters: String {
        strategy == .quantile && quantiles == .sketch && givenEdges.isEmpty ? "the bin edges" + QuantileEstimate.approximateNote : "the bin edges"
    }

    package var columnEffect: String? {
        encode == .onehot ? "expands each column, in its place, into one 0/1 column per bin: <col>_0.0, <col>_1.0, …" : nil
    }

    package func expandedNames(of column: String) -> [String]? {
        guard encode == .onehot, columnNames.contains(column) else { return nil }
        return edges[column].map { Self.binNames(column, count: $0.count - 1) } ?? ["\(column)_<bin>…"]
    }

    package var expandedUnit: String { "one per bin" }
}
