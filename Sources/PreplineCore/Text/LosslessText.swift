/// Bytes as a `String` and back, exactly, even when they are not valid UTF-8.
///
/// Column names and category texts travel as `String`s (spec matching, plans, fitted JSON), and
/// a Swift `String` cannot hold invalid UTF-8: `String(decoding:as:)` turns each bad byte into
/// U+FFFD, so a Latin-1 header `Gr\xF6\xDFe` came out rewritten. Like Python's `surrogateescape`,
/// each byte of an invalid sequence becomes a private-use scalar (U+10FE80…U+10FEFF for bytes
/// 0x80…0xFF) that `bytes(_:)` turns back into that byte. Valid UTF-8 decodes exactly as
/// `String(decoding:as:)` does, except that a genuine scalar of that private range is escaped byte
/// by byte too, so `bytes(string(b)) == b` for every byte string `b`.
package enum LosslessText {
    /// Escape scalar of byte `b` (0x80…0xFF) is `escapeBase + b`.
    private static let escapeBase: UInt32 = 0x10FE00

    @inline(__always)
    private static func isEscape(_ value: UInt32) -> Bool { value & ~0x7F == 0x10FE80 }

    /// The bytes as a string; invalid UTF-8 bytes become escape scalars.
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // The private range's scalars all start with 0xF4: without one, valid UTF-8 is decoded as usual.
        if !bytes.contains(0xF4), let text = String(validating: bytes, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        var i = 0
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            if lead < 0x80 {
                scalars.append(Unicode.Scalar(lead))
                i += 1
                continue
            }
            let length: Int, minimum: UInt32
            var value: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
            default: length = 0; minimum = 0; value = 0
            }
            var valid = length > 0 && i + length <= n
            if valid {
                for k in 1..<length {
                    let b = bytes[i + k]
                    guard b & 0xC0 == 0x80 else { valid = false; break }
                    value = value << 6 | UInt32(b & 0x3F)
                }
            }
            if valid, value >= minimum, !isEscape(value), let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(lead))!)
                i += 1
            }
        }
        return String(scalars)
    }

    package static func string(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { string($0) } }

    package static func string(_ bytes: ArraySlice<UInt8>) -> String { bytes.withUnsafeBufferPointer { string($0) } }

    /// The bytes a string stands for: escape scalars become their byte, the rest is UTF-8.
    package static func bytes(_ text: String) -> [UInt8] {
        if !text.utf8.contains(0xF4) { return Array(text.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isEscape(scalar.value) { out.append(UInt8(scalar.value - escapeBase)) } else { out.append(contentsOf: UTF8.encode(scalar)!) }
        }
        return out
    }

    /// True when the two strings stand for the same bytes (not Unicode canonical equivalence,
    /// which `==` on `String` uses: a header spelled `é` and one spelled `e` + U+0301 differ).
    package static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// The string for a message: each escaped byte shown as `\xF6`.
    package static func display(_ text: String) -> String {
        guard text.utf8.contains(0xF4) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isEscape(scalar.value) {
                let hex = String(scalar.value - escapeBase, radix: 16, uppercase: true)
                out += "\\x" + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
