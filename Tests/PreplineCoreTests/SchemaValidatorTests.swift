import Testing
@testable import PreplineCore

/// The validator's byte-level shortcuts must agree with the plain definitions they replace.
@Suite struct SchemaValidatorTests {
    static let pieces = ["a", "bc", " ", "é", "ü", "日本", "😀", "e\u{301}", "ß", "0123456789"]

    @Test func characterCountIsTheCodePointCount() {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...40, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(text.utf8)
            let counted = bytes.withUnsafeBufferPointer { SchemaValidator.characterCount($0) }
            #expect(counted == text.unicodeScalars.count, "\(text.debugDescription)")
        }
    }

    @Test func tokenSetMatchesWholeTokensOnly() {
        let tokens = TokenSet(["", "NA", "null", "?"])
        for (cell, expected) in [("", true), ("NA", true), ("N", false), ("NAN", false), ("null", true), ("nul", false), ("?", true), ("na", false)] {
            let found = Array(cell.utf8).withUnsafeBufferPointer { tokens.contains($0) }
            #expect(found == expected, "\(cell.debugDescription)")
        }
    }
}
