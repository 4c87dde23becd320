import Testing
@testable import PreplineCore

/// The fit state is one value (DESIGN A2): what `fit --partial` writes and `merge` reads (PartCoding.swift).
/// A state coded and decoded must merge and learn exactly as the state itself: the same moments to
/// the bit, extremes, histograms, categories, term tallies, placeholders and ffill's carry.
@Suite struct FitStateCodableTests {
    /// Written as a part writes it, read back as merge reads it.
    static func roundTrip(_ value: ColumnProfile) throws -> ColumnProfile {
        var writer = PartWriter()
        value.write(to: &writer)
        return try PartReader.read(writer.bytes) { reader throws(PartFormatError) in try ColumnProfile(from: &reader) }
    }

    static func roundTrip(_ value: TermCounts) throws -> TermCounts {
        var writer = PartWriter()
        value.write(to: &writer)
        return try PartReader.read(writer.bytes) { reader throws(PartFormatError) in try TermCounts(from: &reader) }
    }

    static func roundTrip(_ value: FitState) throws -> FitState {
        var writer = PartWriter()
        value.write(to: &writer)
        return try PartReader.read(writer.bytes) { reader throws(PartFormatError) in try FitState(from: &reader) }
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
        // The table order is kept: it is the order of first occurrence that ties follow.
        #expect((0..<counts.terms.count).allSatisfy { coded.terms.term($0) == counts.terms.term($0) })
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

    @Test("every statistic survives coding: escapes and bytes that are not UTF-8 in texts and terms, infinite extremes, mapped moments, hashed counts, filled documents, uncarried values")
    func everyFieldSurvivesCoding() throws {
        let texts: [[UInt8]] = [Array("a\"b\\c\nd\te\u{1}".utf8), [0xFF, 0x41], Array("Zürich".utf8), [], Array("/".utf8)]
        var profile = ColumnProfile(needs: [.moments, .extremes, .histogram, .textCounts, .terms])
        profile.observe(numbers: [1e10, -0.0, 3.5e-300, .nan], where: { _ in true })
        for (i, text) in texts.enumerated() { profile.textCounts[text] = i + 1 }
        profile.terms.nextDocument()
        for text in texts { text.withUnsafeBufferPointer { profile.terms.add($0, hash: TermTable.hash($0)) } }
        profile.hashedWidth = 4
        profile.hashedFrequencies = [0, 3, 1, 9]
        profile.filledDocuments = [.init(text: texts[0], count: 2), .init(text: texts[1], count: 1)]
        profile.placeholders = [0: 2, 5: 1]
        profile.uncarried = 3
        var mapped = profile
        mapped.map(through: { $0 * 2 + 1 }, slope: 2)
        var empty = ColumnProfile(needs: [.moments, .extremes])
        empty.moments.add(copies: 2, of: .infinity)
        for original in [profile, mapped, empty] {
            let coded = try Self.roundTrip(original)
            #expect(Self.same(original, coded))
            #expect(coded.needs == original.needs && coded.hashedWidth == original.hashedWidth && coded.hashedFrequencies == original.hashedFrequencies)
            #expect(coded.filledDocuments == original.filledDocuments && coded.uncarried == original.uncarried)
            #expect((0..<original.terms.terms.count).allSatisfy { coded.terms.terms.term($0) == original.terms.terms.term($0) })
            #expect(coded.terms.terms.count == original.terms.terms.count)
        }
        #expect(try Self.roundTrip(empty).minimum == .infinity && Self.roundTrip(empty).moments.mean == .infinity)
    }

    @Test("a part that is not a part, of another format version, altered or cut short is refused with exit 2 and what is wrong")
    func damagedPartsAreRefused() throws {
        var part = FitPart(specText: "{}")
        part.header = ["a"]
        part.state = FitState(stages: [StageFitState(profiles: [Self.profile([1, 2], seed: 1)], carried: [.number(1)])])
        let line = part.line()
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
        let decoded = try FitPart.decode(line, name: "p")
        #expect(decoded.line() == line, "a part reads back to the same bytes")
        let text = String(decoding: line, as: UTF8.self)
        let cases: [(String, String)] = [
            ("id,level\n1,2\n", "not a prepline part: it does not start with '{'"),
            (text.replacingOccurrences(of: "\"prepline_part\":2", with: "\"prepline_part\":1"), "part format 1; this prepline reads format 2"),
            (text.replacingOccurrences(of: "\"observed\"", with: "\"observd\""), "unknown key \"observd\" in a column profile"),
            (String(text.prefix(text.count / 2)), "not a prepline part"),
            (text.replacingOccurrences(of: "\"limbs\":[", with: "\"limbs\":[-5,"), "digits are out of range"),
            (text.replacingOccurrences(of: "\"spec\":\"{}\"", with: "\"spec\":\"{ }\""), "the part was altered"),
        ]
        for (bytes, message) in cases {
            #expect(throws: PreplineError.self) { try FitPart.decode(Array(bytes.utf8), name: "p") }
            do {
                _ = try FitPart.decode(Array(bytes.utf8), name: "p")
            } catch {
                #expect(error.exitCode == 2 && "\(error)".contains(message), "\(error)")
            }
        }
    }
}
