import Testing
@testable import PreplineCore
import PreplineTestSupport

/// `merge` reads a part's term counts straight into the merged table (`TermCounts.merge(from:)`,
/// `TermTable.insertAll`) and its numbers eight bytes at a time (`PartReader.ints`): the same
/// table, in the same order, with the same tallies as decoding the part and merging it.
@Suite struct PartMergeTests {
    static func counts(_ documents: [[[UInt8]]]) -> TermCounts {
        var counts = TermCounts()
        for document in documents {
            counts.nextDocument()
            for term in document { term.withUnsafeBufferPointer { counts.add($0, hash: TermTable.hash($0)) } }
        }
        return counts
    }

    static func json(_ counts: TermCounts) -> [UInt8] {
        var writer = PartWriter()
        counts.write(to: &writer)
        return writer.bytes
    }

    static func mergedFromBytes(_ total: TermCounts, _ bytes: [UInt8]) throws -> TermCounts {
        var total = total
        try PartReader.read(bytes) { reader throws(PartFormatError) in try total.merge(from: &reader) }
        return total
    }

    static func expectSame(_ a: TermCounts, _ b: TermCounts) {
        #expect(a.terms.count == b.terms.count)
        for i in 0..<min(a.terms.count, b.terms.count) {
            #expect(a.terms.term(i) == b.terms.term(i))
            #expect(a.documentFrequency(i) == b.documentFrequency(i) && a.total(i) == b.total(i))
            // The table finds every term where it lists it.
            #expect(a.terms.term(i).withUnsafeBufferPointer { a.terms.find($0) } == i)
        }
    }

    @Test("term counts merged from a part's bytes equal the decoded part merged: new and known terms, escapes, bytes that are not UTF-8, a table that grows", arguments: 0..<6)
    func mergeFromBytesEqualsDecodedMerge(seed: Int) throws {
        var rng = SplitMix64(seed: 4100 + UInt64(seed))
        let special: [[UInt8]] = [Array("a\"b\\c".utf8), [0xFF, 0x41], Array("Zürich".utf8), [], Array("tab\there".utf8)]
        func term() -> [UInt8] {
            if rng.next() % 17 == 0 { return special[Int(rng.next() % UInt64(special.count))] }
            // Enough distinct terms that the merged table grows more than once during a merge.
            return Array("t\(rng.next() % UInt64(40 + seed * 400))".utf8)
        }
        func documents(_ n: Int) -> [[[UInt8]]] { (0..<n).map { _ in (0..<Int(rng.next() % 9)).map { _ in term() } } }
        var direct = Self.counts(documents(30))
        var fromBytes = direct
        for _ in 0..<5 {
            let part = Self.counts(documents(20 + seed * 60))
            direct.merge(try FitStateCodableTests.roundTrip(part))
            fromBytes = try Self.mergedFromBytes(fromBytes, Self.json(part))
        }
        Self.expectSame(fromBytes, direct)
        // An empty table takes a part as decoding it would.
        Self.expectSame(try Self.mergedFromBytes(TermCounts(), Self.json(direct)), try FitStateCodableTests.roundTrip(direct))
    }

    @Test("a part that lists a term twice is refused when merged from its bytes, as when decoded; members in another order are read")
    func duplicateTermsAndMemberOrder() throws {
        let total = Self.counts([[Array("a".utf8), Array("b".utf8)]])
        let twice = Array(#"{"terms":["c","a","c"],"documents":[1,1,1],"occurrences":[1,1,1]}"#.utf8)
        #expect(throws: PartFormatError.self) { try Self.mergedFromBytes(total, twice) }
        #expect(throws: PartFormatError.self) { try PartReader.read(twice) { reader throws(PartFormatError) in try TermCounts(from: &reader) } }
        let newTwice = Array(#"{"terms":["z","z"],"documents":[1,1],"occurrences":[1,1]}"#.utf8)
        #expect(throws: PartFormatError.self) { try Self.mergedFromBytes(total, newTwice) }
        let short = Array(#"{"terms":["a","b"],"documents":[1],"occurrences":[1,1]}"#.utf8)
        #expect(throws: PartFormatError.self) { try Self.mergedFromBytes(total, short) }
        let reordered = Array(#"{ "occurrences": [5, 2], "documents": [3, 1], "terms": ["b", "q"] }"#.utf8)
        let merged = try Self.mergedFromBytes(total, reordered)
        #expect(merged.terms.count == 3 && merged.terms.term(2) == Array("q".utf8))
        #expect(merged.documentFrequency(1) == 4 && merged.total(1) == 6 && merged.documentFrequency(2) == 1 && merged.total(2) == 2)
    }

    @Test("integer arrays read eight bytes at a time equal the digit-by-digit reading: every length, signs, whitespace, the end of the part; fractions and exponents refused")
    func integerArrays() throws {
        var rng = SplitMix64(seed: 77)
        var values: [Int] = [0, 7, 1_234_567, 12_345_678, 99_999_999, 100_000_000, Int.max, Int.min, -5, 10, 9_999_999]
        for digits in 1...19 { values.append(Int(rng.next() % UInt64(pow10(digits)))) }
        let text = "[" + values.map(String.init).joined(separator: ",") + "]"
        #expect(try PartReader.read(Array(text.utf8)) { reader throws(PartFormatError) in try reader.ints() } == values)
        // Whitespace, and short arrays that end within eight bytes of the part's end.
        for text in ["[ 3 , 42\n,5]", "[1]", "[12,3]", "[]", "[123456]"] {
            let expected = text.dropFirst().dropLast().split(separator: ",").map { Int($0.trimmingCharacters()) ?? -1 }
            #expect(try PartReader.read(Array(text.utf8)) { reader throws(PartFormatError) in try reader.ints() } == expected, "\(text)")
        }
        for bad in ["[1.5,2,3,4,5,6]", "[12e3,1,2,3,4]", "[12E3,1,2,3,4]", "[123456789.0]", "[1,]", "[1 2]"] {
            #expect(throws: PartFormatError.self, "\(bad)") { try PartReader.read(Array(bad.utf8)) { reader throws(PartFormatError) in try reader.ints() } }
        }
    }

    private func pow10(_ n: Int) -> Int { n >= 19 ? Int.max : (0..<n).reduce(1) { r, _ in r * 10 } }
}

private extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" { s = s.dropLast() }
        return s
    }
}
