import Foundation
import Testing
@testable import PreplineCore

/// `ColumnProfile` with `.sketch` (a stage's `"quantiles": "sketch"`): on the data sets of
/// `ColumnProfileMergeTests` (repeats, both signs, ±0, magnitudes 1e-300 … 1e12, missing values,
/// excluded rows, random chunk cuts), the sketch's median and percentiles are within the stated
/// error of numpy's; merged chunk sketches equal one sketch, also through a part; infinities,
/// values next to the largest double, subnormals and −0 are handled as the exact path has them.
@Suite struct ColumnProfileSketchTests {
    static let needs = ColumnProfile.Needs.quantiles(sketch: true)

    static func sketched(_ data: ColumnProfileMergeTests.DataSet) -> ColumnProfile {
        var total = ColumnProfile(needs: needs)
        for (start, end) in zip(data.cuts, data.cuts.dropFirst()) {
            total.merge(ColumnProfileMergeTests.profile(data.values[start..<end], data.included[start..<end], needs: needs))
        }
        return total
    }

    static func exact(_ values: [Double]) -> ColumnProfile {
        ColumnProfileMergeTests.profile(values[...], Array(repeating: true, count: values.count)[...], needs: [.extremes, .histogram])
    }

    static func sketched(_ values: [Double]) -> ColumnProfile {
        ColumnProfileMergeTests.profile(values[...], Array(repeating: true, count: values.count)[...], needs: needs)
    }

    /// The sketch's bound at percentile q of the sorted values: 0.1% of the larger magnitude of
    /// the two ranks numpy interpolates (and the ranks either side, for the rounding of the virtual
    /// index), plus the subnormal spacing, and never more than the range.
    static func bound(_ sorted: [Double], percentile q: Double) -> Double {
        let position = Double(sorted.count - 1) * q / 100
        let base = Int(position.rounded(.down))
        let ranks = (base - 1...base + 2).filter { sorted.indices.contains($0) }
        let magnitude = ranks.map { abs(sorted[$0]) }.max()!
        return min(LogBucketSketch.relativeAccuracy * magnitude * (1 + 1e-9) + 1e-323, sorted.last! - sorted.first!)
    }

    @Test("sketch percentiles and medians are within 0.1% of the magnitudes they interpolate, and of numpy's; the extremes are exact")
    func withinTheBoundOfNumpy() throws {
        let numpy = try #require(ColumnProfileMergeTests.numpy, "python3 with numpy is needed (make test installs it)")
        var compared = 0, differing = 0
        for (index, data) in ColumnProfileMergeTests.dataSets.enumerated() {
            let profile = Self.sketched(data)
            let sorted = data.observed.sorted()
            let expected = numpy[index]
            #expect(profile.observed == sorted.count)
            let median = profile.median()
            #expect(abs(median - expected[2]) <= Self.bound(sorted, percentile: 50), "data set \(index): median \(median), numpy \(expected[2])")
            for (k, q) in ColumnProfileMergeTests.quantiles.enumerated() {
                let got = profile.percentile(q), want = expected[3 + k]
                compared += 1
                if got != want { differing += 1 }
                #expect(abs(got - want) <= Self.bound(sorted, percentile: q), "data set \(index): percentile \(q): sketch \(got), numpy \(want)")
            }
            #expect(profile.percentile(0) == sorted.first! && profile.percentile(100) == sorted.last!, "data set \(index): the extremes")
        }
        #expect(differing * 3 > compared, "only \(differing) of \(compared) sketch percentiles differ from numpy's: is the sketch used?")
    }

    @Test("chunk sketches merge to the sketch of all values, in any order, and a part keeps it", arguments: 0..<40)
    func mergeAndPartRoundTrip(index: Int) throws {
        let data = ColumnProfileMergeTests.dataSets[index]
        let whole = ColumnProfileMergeTests.profile(data.values[...], data.included[...], needs: Self.needs)
        let merged = Self.sketched(data)
        var reversed = ColumnProfile(needs: Self.needs)
        for (start, end) in zip(data.cuts, data.cuts.dropFirst()).reversed() {
            reversed.merge(ColumnProfileMergeTests.profile(data.values[start..<end], data.included[start..<end], needs: Self.needs))
        }
        #expect(merged.sketch == whole.sketch && reversed.sketch == whole.sketch, "data set \(index)")
        #expect(merged.histogram.isEmpty, "the sketch replaces the value counts")
        var writer = PartWriter()
        merged.write(to: &writer)
        let read = try PartReader.read(writer.bytes) { reader throws(PartFormatError) in try ColumnProfile(from: &reader) }
        #expect(read.sketch == merged.sketch && read.minimum == merged.minimum && read.maximum == merged.maximum)
        var again = PartWriter()
        read.write(to: &again)
        #expect(again.bytes == writer.bytes)
        for q in ColumnProfileMergeTests.quantiles { #expect(read.percentile(q).bitPattern == whole.percentile(q).bitPattern, "q \(q)") }
    }

    /// Same value, or both NaN (numpy's inf - inf).
    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    @Test("infinities have buckets of their own: percentiles are the exact path's where they reach them")
    func infinities() {
        let values: [Double] = [1, .infinity, .infinity, -.infinity, 3, 4, 2.5]
        let exact = Self.exact(values), sketch = Self.sketched(values)
        let sorted = values.sorted()
        for q in [0.0, 5, 10, 25, 50, 75, 90, 100] {
            let (e, s) = (exact.percentile(q), sketch.percentile(q))
            if e.isFinite {
                #expect(abs(s - e) <= Self.bound(sorted.filter(\.isFinite), percentile: 50) + 0.01 * abs(e), "q \(q): sketch \(s), exact \(e)")
            } else {
                #expect(Self.same(s, e), "q \(q): sketch \(s), exact \(e)")
            }
        }
        #expect(abs(sketch.median() - exact.median()) <= 0.001 * abs(exact.median()), "median: sketch \(sketch.median()), exact \(exact.median())")
    }

    @Test("values next to the largest double stay finite and within 0.1%; subnormals within 0.1% plus their spacing; −0 is 0")
    func extremeMagnitudes() {
        let huge: [Double] = [.greatestFiniteMagnitude, 1.7e308, 1.6e308, 1.79e308, .greatestFiniteMagnitude.nextDown]
        let hugeSketch = Self.sketched(huge), hugeExact = Self.exact(huge)
        for q in [0.0, 10, 50, 62.5, 90, 100] {
            let (e, s) = (hugeExact.percentile(q), hugeSketch.percentile(q))
            #expect(s.isFinite && abs(s - e) <= 0.001 * abs(e), "q \(q): sketch \(s), exact \(e)")
        }
        #expect(hugeSketch.percentile(100) == .greatestFiniteMagnitude)
        let negativeHuge = huge.map { -$0 }
        #expect(Self.sketched(negativeHuge).percentile(0) == -.greatestFiniteMagnitude)
        // numpy's median of an odd count is the middle value, not (x + x) / 2 (which overflows).
        #expect(Self.exact(negativeHuge).median() == -1.79e308, "exact \(Self.exact(negativeHuge).median())")
        #expect(Self.sketched(negativeHuge).median().isFinite && abs(Self.sketched(negativeHuge).median() + 1.79e308) <= 1.79e305)

        let tiny: [Double] = [5e-324, 1e-323, 3e-320, 1e-315, 1e-310, 2.2250738585072014e-308, 3e-308, -4e-320]
        let tinySketch = Self.sketched(tiny), tinyExact = Self.exact(tiny)
        for q in [0.0, 12.5, 25, 37.5, 50, 75, 87.5, 100] {
            let (e, s) = (tinyExact.percentile(q), tinySketch.percentile(q))
            #expect(abs(s - e) <= Self.bound(tiny.sorted(), percentile: q), "q \(q): sketch \(s), exact \(e)")
        }

        let zeros = Self.sketched([-0.0, -0.0, 0.0, -0.0])
        #expect(zeros.median() == 0 && zeros.median().sign == .plus, "\(zeros.median())")
        #expect(zeros.median().bitPattern == Self.exact([-0.0, -0.0, 0.0, -0.0]).median().bitPattern)
        #expect(Self.sketched([-0.0]).percentile(50).sign == .plus)
    }

    @Test("an earlier fill's values and an earlier scaler's map reach the sketch as they reach the exact counts")
    func resolveAndMap() {
        let values = (0..<500).map { Double($0) * 0.37 + 10 } + [Placeholder.number(stage: 0), Placeholder.number(stage: 0)]
        var sketch = Self.sketched(values), exact = Self.exact(values)
        sketch.resolve(stage: 0, value: .number(1000))
        exact.resolve(stage: 0, value: .number(1000))
        #expect(sketch.observed == 502 && sketch.sketch.count == 502)
        #expect(sketch.percentile(100) == 1000 && sketch.percentile(100) == exact.percentile(100))
        let transform = { (x: Double) in (x - 50) / 4 }
        sketch.map(through: transform, slope: 0.25)
        exact.map(through: transform, slope: 0.25)
        for q in [0.0, 25, 50, 75, 99, 100] {
            let (e, s) = (exact.percentile(q), sketch.percentile(q))
            // The raw values' bound, through the slope.
            let raw = abs(e * 4 + 50)
            #expect(abs(s - e) <= 0.001 * raw * 0.25 * 1.000001 + 1e-12, "q \(q): sketch \(s), exact \(e)")
        }
        // A later fill's value after the map lands in the mapped values.
        var later = sketch
        later.placeholders[3] = 10
        later.resolve(stage: 3, value: .number(-100))
        #expect(later.percentile(0) == -100 && later.observed == 512)
    }
}
