import Foundation
import Testing
@testable import PreplineCore

/// A source over bytes in memory, delivering at most `step` bytes per read.
private final class MemorySource: ByteSource {
    let bytes: [UInt8]
    let step: Int
    var offset = 0
    var rawBytesRead: Int { offset }
    init(_ bytes: [UInt8], step: Int) { self.bytes = bytes; self.step = step }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int {
        let n = min(step, buffer.count, bytes.count - offset)
        for i in 0..<n { buffer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

@Suite("TranscodingSource")
struct TranscodingSourceTests {
    /// Every byte, many times, in random order: what Swift's own Latin-1 / table decoding gives.
    static func expected(_ bytes: [UInt8], _ encoding: TextEncoding) -> [UInt8] {
        var out = ""
        for b in bytes { out.unicodeScalars.append(TranscodingSource.scalar(of: b, in: encoding)!) }
        return Array(out.utf8)
    }

    @Test("any read sizes give the same UTF-8: characters split across reads, 1-byte buffers, long ASCII runs",
          arguments: [TextEncoding.latin1, .cp1252])
    func readSizes(_ encoding: TextEncoding) throws {
        var rng = SplitMix64(seed: 3)
        let defined = (0...255).map(UInt8.init).filter { TranscodingSource.scalar(of: $0, in: encoding) != nil }
        var input: [UInt8] = []
        for _ in 0..<5000 {
            input.append(rng.next() % 3 == 0 ? defined[Int(rng.next() % UInt64(defined.count))] : UInt8(0x61 + rng.next() % 26))
        }
        let want = Self.expected(input, encoding)
        for (step, bufferSize) in [(1, 1), (7, 2), (4096, 3), (100_000, 5), (13, 64), (100_000, 1 << 20)] {
            let source = TranscodingSource(base: MemorySource(input, step: step), encoding: encoding)
            var got: [UInt8] = []
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                got.append(contentsOf: buffer[0..<n])
            }
            #expect(got == want, "step \(step), buffer \(bufferSize)")
        }
    }

    @Test("cp1252: the bytes before an undefined one are delivered, then the read fails")
    func undefinedAfterData() throws {
        let source = TranscodingSource(base: MemorySource(Array("abcdefghijkl".utf8) + [0x8D, 0x41], step: 100), encoding: .cp1252)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        #expect(try source.read(into: buffer) == 12)
        #expect(throws: PreplineError.self) { _ = try source.read(into: buffer) }
        #expect(source.undefinedByte == 0x8D)
    }
}
