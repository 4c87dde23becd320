import Foundation
import Testing
@testable import PreplineCore

/// The profile's per-cell shortcuts give exactly what the plain loops they replace gave.
@Suite struct ProfileHotPathTests {
    /// `ByteHash.hash` as it was written first: the tail built byte by byte.
    static func referenceHash(_ bytes: [UInt8], seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x87C3_7B91_1142_53D5)
        var i = 0
        while i + 8 <= bytes.count {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[i + k]) << UInt64(8 * k) }
            h = (h ^ ByteHash.mix(word)) &* 0x9FB2_1C65_1E98_DF25
            h = (h << 27) | (h >> 37)
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count { tail |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
            h = (h ^ ByteHash.mix(tail ^ 0xA5)) &* 0x9FB2_1C65_1E98_DF25
        }
        return ByteHash.mix(h)
    }

    @Test func byteHashEqualsTheByteLoopAtEveryLengthAndOffset() {
        var rng = ProfileSketchTests.Rng(state: 11)
        let pool = (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for length in 0...40 {
            for offset in 0..<8 {
                let bytes = Array(pool[offset..<(offset + length)])
                // Hashed in place inside a larger buffer: loads must not reach outside the cell.
                let inPlace = pool.withUnsafeBufferPointer { ByteHash.hash(UnsafeBufferPointer(rebasing: $0[offset..<(offset + length)])) }
                #expect(inPlace == Self.referenceHash(bytes), "length \(length) offset \(offset)")
                #expect(ByteHash.hash(bytes) == Self.referenceHash(bytes))
            }
        }
    }

    @Test func codePointsCountEveryByteButContinuations() {
        let texts = ["", "a", "héllo wörld", "日本語のテキストです", "emoji 😀👍🏽 and ascii", String(repeating: "ü", count: 37), "x\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"]
        for text in texts {
            let bytes = Array(text.utf8)
            for start in 0...Swift.min(3, bytes.count) {
                let slice = Array(bytes[start...])
                let expected = slice.filter { $0 & 0xC0 != 0x80 }.count
                #expect(slice.withUnsafeBufferPointer { ChunkProfiler.codePoints($0) } == expected, "\(text) from \(start)")
            }
            #expect(bytes.withUnsafeBufferPointer { ChunkProfiler.codePoints($0) } == text.unicodeScalars.count)
        }
        // Any bytes, valid UTF-8 or not.
        var rng = ProfileSketchTests.Rng(state: 5)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(bytes.withUnsafeBufferPointer { ChunkProfiler.codePoints($0) } == bytes.filter { $0 & 0xC0 != 0x80 }.count)
        }
    }

    /// Hashes that share their low (tag) bits or their home slot are still told apart.
    @Test func valueTableCountsMatchADictionary() {
        var rng = ProfileSketchTests.Rng(state: 3)
        var table = ValueTable()
        var reference: [UInt64: Int] = [:]
        var order: [UInt64] = []
        // A third share their low 32 bits (every tag bit); pairs differing in bit 0 share their home slot.
        var distinct: [UInt64] = []
        for _ in 0..<10_000 {
            let r = rng.next()
            distinct += [r & ~0xFFFF_FFFF | 0x5, r, r ^ 1]
        }
        for _ in 0..<120_000 {
            let h = distinct[Int(rng.next() % UInt64(distinct.count))]
            let copies = Int(rng.next() % 3) + 1
            if reference[h] == nil { order.append(h) }
            reference[h, default: 0] += copies
            table.add(hash: h, copies: copies, budget: 1_000_000) { Array("\(h)".utf8) }
        }
        #expect(table.count == reference.count)
        // One #expect per value made the test take seconds.
        let probes = distinct + (0..<10_000).map { _ in rng.next() }
        let wrong = probes.filter { table.contains($0) != (reference[$0] != nil) }
        #expect(wrong.isEmpty, "\(wrong.count) values answered wrongly")
        let expected = order.enumerated().sorted { a, b in
            reference[a.element]! != reference[b.element]! ? reference[a.element]! > reference[b.element]! : a.offset < b.offset
        }.prefix(10).map { (Array("\($0.element)".utf8), reference[$0.element]!) }
        let top = table.top(10)
        #expect(top.map(\.value) == expected.map(\.0))
        #expect(top.map(\.count) == expected.map(\.1))
    }
}
