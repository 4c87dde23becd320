/// A single-byte encoded input (Latin-1, Windows-1252) read as UTF-8.
///
/// Transcoding happens on the reader thread, before records are cut: the delimiter, quote and
/// line ends are ASCII in every supported encoding, so the chunker, the parsers and every stage
/// see UTF-8 and need no change. A byte at or above 0x80 becomes two or three UTF-8 bytes.
/// UTF-8 input never goes through here (its bytes are kept exactly).
package final class TranscodingSource: ByteSource {
    private let base: ByteSource
    package let encoding: TextEncoding
    /// UTF-8 of each byte 0x80…0xFF, packed: byte count in the low 2 bits, then up to 3 bytes
    /// (first byte in bits 8–15). 0 marks an undefined byte.
    private let table: [UInt32]
    private let raw: UnsafeMutableRawBufferPointer
    private var rawStart = 0
    private var rawEnd = 0
    /// UTF-8 bytes of a character that did not fit in the caller's buffer, delivered next.
    private var spill: [UInt8] = []
    /// Set when the next input byte is undefined in the encoding; the following read throws,
    /// after every byte before it was delivered (so the chunker can name its line and column).
    package private(set) var undefinedByte: UInt8?

    package var rawBytesRead: Int { base.rawBytesRead }

    package init(base: ByteSource, encoding: TextEncoding) {
        precondition(encoding != .utf8, "UTF-8 input is read untouched")
        self.base = base
        self.encoding = encoding
        table = (0x80...0xFF).map { byte in
            guard let scalar = Self.scalar(of: UInt8(byte), in: encoding) else { return 0 }
            let utf8 = Array(String(Character(scalar)).utf8)
            var packed = UInt32(utf8.count)
            for (i, b) in utf8.enumerated() { packed |= UInt32(b) << (8 * (i + 1)) }
            return packed
        }
        raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit { raw.deallocate() }

    /// Windows-1252's characters at 0x80…0x9F (Python's `cp1252` codec; nil where undefined).
    private static let cp1252High: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    /// The character a byte stands for in `encoding` (nil: undefined there).
    package static func scalar(of byte: UInt8, in encoding: TextEncoding) -> Unicode.Scalar? {
        switch encoding {
        case .utf8: return byte < 0x80 ? Unicode.Scalar(byte) : nil
        case .latin1: return Unicode.Scalar(byte)
        case .cp1252:
            guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
            return cp1252High[Int(byte - 0x80)].flatMap(Unicode.Scalar.init)
        }
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(PreplineError) -> Int {
        guard buffer.count > 0 else { return 0 }
        let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        if !spill.isEmpty {
            let n = min(spill.count, buffer.count)
            for i in 0..<n { out[i] = spill[i] }
            spill.removeFirst(n)
            written = n
            if written == buffer.count { return written }
        }
        if rawStart == rawEnd {
            if let byte = undefinedByte {
                guard written == 0 else { return written }
                // The chunker replaces this with the byte's line and column.
                throw PreplineError.malformedInput(InputPosition(file: "", line: 0), Self.undefinedMessage(byte, encoding))
            }
            rawStart = 0
            rawEnd = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(raw.count, buffer.count - written)]))
            if rawEnd == 0 { return written }
        }
        let input = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = rawStart
        let end = rawEnd
        let capacity = buffer.count
        table.withUnsafeBufferPointer { table in
            // Fast loop while 32 more output bytes fit (8 characters of up to 3 bytes, and a 4-byte
            // store past the last): ASCII eight bytes at a time, and a
            // character's UTF-8 stored as one 4-byte word (its unused bytes are overwritten next).
            fast: while i + 8 <= end && written + 32 <= capacity {
                let word = UnsafeRawPointer(input + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                    written += 8
                    i += 8
                    continue
                }
                let stop = i + 8
                while i < stop {
                    let byte = input[i]
                    if byte < 0x80 {
                        out[written] = byte
                        written += 1
                    } else {
                        let packed = table[Int(byte) - 0x80]
                        if packed == 0 { undefinedByte = byte; break fast }
                        UnsafeMutableRawPointer(out + written).storeBytes(of: (packed >> 8).littleEndian, as: UInt32.self)
                        written += Int(packed & 3)
                    }
                    i += 1
                }
            }
            while undefinedByte == nil && i < end && written < capacity {
                let byte = input[i]
                if byte < 0x80 {
                    out[written] = byte
                    written += 1
                    i += 1
                    continue
                }
                let packed = table[Int(byte) - 0x80]
                if packed == 0 {
                    undefinedByte = byte
                    break
                }
                let count = Int(packed & 3)
                for k in 0..<count {
                    let b = UInt8(truncatingIfNeeded: packed >> (8 * (k + 1)))
                    if written < capacity { out[written] = b; written += 1 } else { spill.append(b) }
                }
                i += 1
            }
        }
        rawStart = i
        if undefinedByte != nil {
            // Everything after the undefined byte is never delivered: the run stops there.
            rawEnd = i
            if written == 0 { throw PreplineError.malformedInput(InputPosition(file: "", line: 0), Self.undefinedMessage(undefinedByte!, encoding)) }
        }
        return written
    }

    package static func undefinedMessage(_ byte: UInt8, _ encoding: TextEncoding) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex) is not a character in \(encoding.rawValue) (Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined); if the file is Latin-1, set \"input\": {\"encoding\": \"latin-1\"}"
    }
}
