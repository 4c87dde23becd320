import Testing
@testable import PreplineCore

/// memcmp's order is the order the vocabulary and the parts' texts were sorted in before.
@Suite struct ByteOrderTests {
    @Test func precedesAsLexicographicallyPrecedes() {
        var rng = ProfileSketchTests.Rng(state: 31)
        // Short strings over few byte values, so equal strings, prefixes and bytes past 0x7F all occur.
        let alphabet: [UInt8] = [0x00, 0x41, 0x61, 0x7F, 0x80, 0xC3, 0xFF]
        let strings: [[UInt8]] = (0..<400).map { _ in
            (0..<Int(rng.next() % 5)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        }
        var disagreements = 0
        for a in strings {
            for b in strings.prefix(100) where ByteOrder.precedes(a, b) != a.lexicographicallyPrecedes(b) { disagreements += 1 }
        }
        #expect(disagreements == 0)
        #expect(strings.sorted { ByteOrder.precedes($0, $1) } == strings.sorted { $0.lexicographicallyPrecedes($1) })
        // The borrowed-bytes order (terms in a TermTable's arena) is the same order.
        var borrowedDisagreements = 0
        for a in strings {
            for b in strings.prefix(100) {
                let borrowed = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in ByteOrder.precedes(pa, pb) } }
                if borrowed != a.lexicographicallyPrecedes(b) { borrowedDisagreements += 1 }
            }
        }
        #expect(borrowedDisagreements == 0)
    }

    /// max_features' threshold: the k-th largest frequency, as the sorted list gives it, with
    /// ties, k = 1 and k = count among the cases.
    @Test func largestIsTheKthOfTheSortedValues() {
        var rng = ProfileSketchTests.Rng(state: 7)
        for round in 0..<300 {
            let count = 1 + Int(rng.next() % 200)
            let spread = round % 3 == 0 ? 4 : 1000 // few distinct values: many ties
            let values = (0..<count).map { _ in Int(rng.next() % UInt64(spread)) }
            let sorted = values.sorted(by: >)
            for k in Set([1, count, 1 + Int(rng.next() % UInt64(count))]) {
                #expect(TfidfStage.largest(k, of: values) == sorted[k - 1], "k \(k) of \(values)")
            }
        }
    }
}
