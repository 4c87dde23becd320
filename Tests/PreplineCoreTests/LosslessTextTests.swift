import Foundation
import Testing
@testable import PreplineCore

/// Names and categories travel as strings; these must stand for their bytes exactly.
@Suite("LosslessText")
struct LosslessTextTests {
    @Test("valid UTF-8 decodes as String(decoding:) does")
    func validUTF8() {
        for text in ["", "age", "Größe", "日本語", "emoji 🎉", "e\u{301}"] {
            let bytes = Array(text.utf8)
            #expect(LosslessText.string(bytes) == String(decoding: bytes, as: UTF8.self))
            #expect(LosslessText.bytes(LosslessText.string(bytes)) == bytes)
        }
    }

    @Test("any bytes survive the round trip: Latin-1, truncated sequences, overlongs, surrogates, the escape range itself")
    func roundTrip() {
        let cases: [[UInt8]] = [
            Array("Gr".utf8) + [0xF6, 0xDF] + Array("e".utf8),
            [0xC3], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0xFE],
            [0xF4, 0x8F, 0xBA, 0x80], [0xF4, 0x8F, 0xBB, 0xBF, 0x41],
        ]
        for bytes in cases {
            #expect(LosslessText.bytes(LosslessText.string(bytes)) == bytes, "\(bytes)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x80...0xFF, using: &generator) : UInt8.random(in: 0...0xFF, using: &generator)
            }
            #expect(LosslessText.bytes(LosslessText.string(bytes)) == bytes, "\(bytes)")
        }
    }

    @Test("different bytes give different strings, and messages show escaped bytes as \\xNN")
    func distinctAndDisplayed() {
        let latin = LosslessText.string([0x63, 0x61, 0x66, 0xE9])
        let replaced = LosslessText.string(Array("caf\u{FFFD}".utf8))
        #expect(!LosslessText.sameBytes(latin, replaced))
        #expect(LosslessText.display(latin) == "caf\\xE9")
    }
}
