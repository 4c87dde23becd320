import Foundation
import Testing
@testable import PreplineCore

/// The fit state is one value (DESIGN A2): what `fit --partial` will write and `merge` read.
/// A state coded and decoded must merge and learn exactly as the state itself: the same moments to
/// the bit, extremes, histograms, categories, term tallies, placeholders and ffill's carry.
@Suite struct FitStateCodableTests {
    static func roundTrip<T: Codable>(_ value: T) throws -> T {
        let encoder = JSONEncoder()
        // Extremes of an empty profile are ±infinity; the state must keep them.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(T.self, from: encoder.encode(value))
    }

    static func profile(_ values: [Double], seed: UInt64) -> ColumnProfile {
        var profile = ColumnProfile(needs: [.moments, .extremes, .histogram, .textCounts])
        profile.observe(numbers: values, where: { _ in true })
        profile.placeholders[Int(seed % 3)] = Int(seed % 5)
        return profile
    }

    static func same(_ a: ColumnProfile, _ b: ColumnProfile) -> Bool {
        a.moments == b.moments && a.moments.mean.bitPattern == b.moments.mean.bitPattern
            && a.moments.variance.bitPattern == b.moments.variance.bitPattern
            && a.minimum.bitPattern == b.minimum.bitPattern && a.maximum.bitPattern == b.maximum.bitPattern
            && a.histogram == b.histogram && a.textCounts == b.textCounts && a.observed == b.observed
            && a.missing == b.missing && a.placeholders == b.placeholders
    }

    @Test("a coded profile merges as the profile itself: near-constant values with a large offset, and empty ones", arguments: 0..<8)
    func profilesSurviveCoding(seed: Int) throws {
        var rng = SplitMix64(seed: 900 + UInt64(seed))
        let parts = (0..<4).map { part in
            (0..<(part == 2 ? 0 : 50 + seed * 7)).map { _ -> Double in
                rng.next() % 11 == 0 ? .nan : 1e10 + Double(Int(rng.next() % 2001) - 1000) * 1e-3
            }
        }
        var direct = Self.profile(parts[0], seed: 0)
        var coded = try Self.roundTrip(direct)
        #expect(Self.same(direct, coded))
        for (i, part) in parts.enumerated().dropFirst() {
            let next = Self.profile(part, seed: UInt64(i))
            direct.merge(next)
            coded.merge(try Self.roundTrip(next))
            coded = try Self.roundTrip(coded)
        }
        #expect(Self.same(direct, coded), "mean \(direct.moments.mean) vs \(coded.moments.mean), var \(direct.moments.variance) vs \(coded.moments.variance)")
        #expect(direct.median().bitPattern == coded.median().bitPattern)
    }

    @Test("term tallies survive coding: document frequencies and totals per term")
    func termCountsSurviveCoding() throws {
        var counts = TermCounts()
        for document in [["b", "a", "a"], ["c"], ["a", "é", "c"], []] {
            counts.nextDocument()
            for term in document {
                let bytes = Array(term.utf8)
                bytes.withUnsafeBufferPointer { counts.add($0, hash: TermTable.hash($0)) }
            }
        }
        let coded = try Self.roundTrip(counts)
        #expect(coded.terms.count == counts.terms.count)
        for i in 0..<counts.terms.count {
            let term = counts.terms.term(i)
            let j = try #require(term.withUnsafeBufferPointer { coded.terms.find($0) })
            #expect(coded.documentFrequency(j) == counts.documentFrequency(i) && coded.total(j) == counts.total(i))
        }
    }

    @Test("a stage's state keeps what ffill carries out (values, texts, placeholders, nothing)")
    func carriedValuesSurviveCoding() throws {
        let state = FitState(stages: [StageFitState(profiles: [Self.profile([1, 2, .nan], seed: 1)],
                                                    carried: [.number(-0.0), .text(Array("Zürich".utf8)), .placeholder(stage: 2), nil])])
        let coded = try Self.roundTrip(state)
        #expect(coded.stages[0].carried == state.stages[0].carried)
        #expect(coded.stages[0].carried[0].map { if case .number(let x) = $0 { return x.sign == .minus } else { return false } } == true)
        #expect(Self.same(coded.stages[0].profiles[0], state.stages[0].profiles[0]))
    }
}
