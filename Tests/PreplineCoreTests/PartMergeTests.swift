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

    /// The same term counts with a space after each comma: not the compact layout, read member by member.
    static func spaced(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { $0 == UInt8(ascii: ",") ? [$0, 0x20] : [$0] }
    }

    @Test("term counts in the layout parts are written in (read in place, counts in step) merge as the same counts spaced out (read member by member) and as the decoded part: terms of every length up to 40 bytes, UTF-8, empty, counts of any width", arguments: 0..<6)
    func compactLayoutEqualsMemberByMember(seed: Int) throws {
        var rng = SplitMix64(seed: 9100 + UInt64(seed))
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)
        func term() -> [UInt8] {
            switch rng.next() % 23 {
            case 0: return []
            case 1: return Array("zürich-\(rng.next() % 50)".utf8)
            default:
                // Short terms repeat across parts; long ones (past a word, or two) less often.
                let length = Int(rng.next() % (rng.next() % 4 == 0 ? 41 : 9))
                return (0..<length).map { _ in letters[Int(rng.next() % UInt64(3 + seed * 6))] }
            }
        }
        func documents(_ n: Int) -> [[[UInt8]]] { (0..<n).map { _ in (0..<Int(rng.next() % 12)).map { _ in term() } } }
        var direct = Self.counts(documents(10))
        var compact = direct, members = direct
        for p in 0..<6 {
            // Some parts from many documents: counts of several digits.
            let part = Self.counts(documents(p == 3 ? 3000 : 5 + seed * 40))
            let bytes = Self.json(part)
            #expect(TermCounts.isCompactLayout(bytes) && !TermCounts.isCompactLayout(Self.spaced(bytes)))
            direct.merge(try FitStateCodableTests.roundTrip(part))
            compact = try Self.mergedFromBytes(compact, bytes)
            members = try Self.mergedFromBytes(members, Self.spaced(bytes))
        }
        Self.expectSame(compact, direct)
        Self.expectSame(members, direct)
    }

    @Test("term counts in the compact layout: counts of more than seven digits or spaced are read by the reader; a negative count, a term twice, counts uneven or a member after them are refused")
    func compactLayoutEdges() throws {
        let total = Self.counts([[Array("a".utf8), Array("b".utf8)]])
        let wide = Array(#"{"terms":["a","longer than eight bytes","b"],"documents":[123456789012, 4,7],"occurrences":[5,1 ,99999999]}"#.utf8)
        #expect(TermCounts.isCompactLayout(wide))
        let merged = try Self.mergedFromBytes(total, wide)
        #expect(merged.terms.count == 3 && merged.terms.term(2) == Array("longer than eight bytes".utf8))
        #expect(merged.documentFrequency(0) == 123456789013 && merged.total(0) == 6)
        #expect(merged.documentFrequency(1) == 8 && merged.total(1) == 100000000)
        #expect(merged.documentFrequency(2) == 4 && merged.total(2) == 1)
        for bad in [#"{"terms":["c","a","c"],"documents":[1,1,1],"occurrences":[1,1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1],"occurrences":[1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1,1,1],"occurrences":[1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1,1],"occurrences":[1]}"#,
                    #"{"terms":["a","b"],"documents":[1,1],"occurrences":[1,1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1,1],"occurrences":[1,1],"terms":["q"]}"#,
                    #"{"terms":["a","b"],"documents":[1,x],"occurrences":[1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1,-4],"occurrences":[1,1]}"#,
                    #"{"terms":["a","b"],"documents":[1,1],"occurrences":[-12345678901,1]}"#] {
            #expect(TermCounts.isCompactLayout(Array(bad.utf8)), "\(bad)")
            #expect(throws: PartFormatError.self, "\(bad)") { try Self.mergedFromBytes(total, Array(bad.utf8)) }
        }
        // Escapes, a term as bytes, an empty count array: read member by member.
        for other in [#"{"terms":["a\"b"],"documents":[1],"occurrences":[1]}"#, #"{"terms":[[255,65]],"documents":[1],"occurrences":[1]}"#,
                      #"{"terms":["a"],"documents":[],"occurrences":[1]}"#] {
            #expect(!TermCounts.isCompactLayout(Array(other.utf8)), "\(other)")
        }
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
