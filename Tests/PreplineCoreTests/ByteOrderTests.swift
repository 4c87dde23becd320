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
    }
}
