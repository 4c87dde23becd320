/// The JSON of a part (`fit --partial`, `merge`; format in docs/distributed.md), written and read
/// by hand over bytes. `JSONDecoder` with the synthesized `Codable` of the fit state cost ~30 ms
/// per part of a 20,000-term vocabulary (a `String` and a coding path per term), so merging 1000
/// such parts took 30 s; this reader goes straight from the bytes to the term table.

/// Appends one line of JSON: values, keys and containers in order, commas put in by itself.
package struct PartWriter {
    package private(set) var bytes: [UInt8] = []
    /// A value or member was written at this level: the next one needs a comma first.
    private var needsComma = false

    package init() { bytes.reserveCapacity(4096) }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    package mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    package mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    package mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    package mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// `"name":`, the member's value to follow.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    package mutating func null() { separate(); bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    package mutating func int(_ x: Int) {
        separate()
        NumberText.appendInteger(Int64(x), to: &bytes)
    }

    /// A finite number in its shortest round-trip spelling (read back to the bit); an infinite
    /// or NaN one as the string `"inf"`, `"-inf"` or `"nan"` (JSON has no such numbers).
    package mutating func double(_ x: Double) {
        if x.isFinite {
            separate()
            NumberText.append(x, to: &bytes)
        } else {
            string(x.isNaN ? "nan" : x < 0 ? "-inf" : "inf")
        }
    }

    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { text(utf8: $0) }
    }

    /// A text known to be UTF-8, as a JSON string.
    private mutating func text(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
            start = i + 1
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Bytes of the data (a category, a term): a JSON string when they are UTF-8, else the
    /// array of the byte values (a `clean` may let other bytes through).
    package mutating func text(_ raw: UnsafeBufferPointer<UInt8>) {
        if Self.isUTF8(raw) {
            text(utf8: raw)
        } else {
            beginArray()
            for byte in raw { int(Int(byte)) }
            endArray()
        }
    }

    package mutating func text(_ raw: [UInt8]) { raw.withUnsafeBufferPointer { text($0) } }

    private static func isUTF8(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most terms are ASCII: eight bytes at a time before the full check.
        var i = 0
        if let base = raw.baseAddress {
            let pointer = UnsafeRawPointer(base)
            while i + 8 <= raw.count, pointer.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        }
        while i < raw.count, raw[i] < 0x80 { i += 1 }
        if i == raw.count { return true }
        return String(validating: raw, as: UTF8.self) != nil
    }

    /// Appends bytes that are already JSON (a nested document).
    package mutating func rawJSON(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json) }
}

/// Why a part's bytes are not a part: what was expected, and at which byte (1-based column:
/// a part is one line).
package struct PartFormatError: Error, Sendable {
    package var message: String
    package var column: Int
    /// The part is of another format version (the message says which): not a damaged part.
    package var isVersion = false

    package init(message: String, column: Int, isVersion: Bool = false) {
        self.message = message
        self.column = column
        self.isVersion = isVersion
    }
}

/// Reads the JSON a `PartWriter` wrote (and any JSON of the same shape: whitespace, keys in
/// any order), pulling values in the order the caller expects them; no tree is built.
package struct PartReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Decoded string contents with escapes, reused.
    private var scratch: [UInt8] = []

    /// Reads `bytes` with `body`, which must consume exactly one value; trailing whitespace is allowed.
    package static func read<R>(_ bytes: [UInt8], _ body: (inout PartReader) throws(PartFormatError) -> R) throws(PartFormatError) -> R {
        let result: Result<R, PartFormatError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = PartReader(bytes: buffer)
            do throws(PartFormatError) {
                let value = try body(&reader)
                reader.skipWhitespace()
                if reader.index < buffer.count { throw reader.error("text after the part's JSON object") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The bytes read and the reading position, for a reader of one exact layout that scans the
    /// bytes itself and leaves the rest to this one (`TermCounts.merge(from:)`).
    package var buffer: UnsafeBufferPointer<UInt8> { bytes }
    package var position: Int {
        get { index }
        set { index = newValue }
    }

    package func error(_ message: String) -> PartFormatError { PartFormatError(message: message, column: index + 1) }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    /// The next byte after whitespace (0 at the end), not consumed.
    @inline(__always)
    package mutating func peek() -> UInt8 {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : 0
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(PartFormatError) {
        guard peek() == byte else { throw error("expected \(what())") }
        index += 1
    }

    /// Reads an object: `member` is called with each key and must read its value.
    package mutating func object(_ member: (inout PartReader, String) throws(PartFormatError) -> Void) throws(PartFormatError) {
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after the key \"\(key)\"")
            try member(&self, key)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw error("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
    }

    /// Reads an array: `element` is called for each element and must read it.
    package mutating func array(_ element: (inout PartReader) throws(PartFormatError) -> Void) throws(PartFormatError) {
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// True (and consumed) when the next value is `null`.
    package mutating func null() -> Bool {
        guard peek() == UInt8(ascii: "n"), bytes.count - index >= 4, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x6C else { return false }
        index += 4
        return true
    }

    /// An integer (no fraction, no exponent), exactly.
    @inline(__always)
    package mutating func int() throws(PartFormatError) -> Int {
        skipWhitespace()
        var i = index
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let first = i
        var magnitude: UInt64 = 0
        while i < bytes.count, bytes[i] &- 0x30 < 10 {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[i] &- 0x30))
            if o1 || o2 { throw error("an integer out of range") }
            magnitude = plus
            i += 1
        }
        guard i > first else { throw error("expected an integer") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") { throw error("expected an integer") }
        guard magnitude <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) else { throw error("an integer out of range") }
        index = i
        return negative ? Int(truncatingIfNeeded: 0 &- magnitude) : Int(magnitude)
    }

    /// A number, or `"inf"`, `"-inf"`, `"nan"` (as `PartWriter.double` writes them).
    package mutating func double() throws(PartFormatError) -> Double {
        if peek() == UInt8(ascii: "\"") {
            switch try string() {
            case "inf": return .infinity
            case "-inf": return -.infinity
            case "nan": return .nan
            default: index -= 1; throw error("expected a number")
            }
        }
        let start = index
        while index < bytes.count, bytes[index] &- 0x30 < 10 || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
                || bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") { index += 1 }
        guard index > start, let value = NumberText.parse(UnsafeBufferPointer(rebasing: bytes[start..<index])) else {
            index = start
            throw error("expected a number")
        }
        return value
    }

    package mutating func string() throws(PartFormatError) -> String {
        let start = index
        let valid: String? = try rawString { String(validating: $0, as: UTF8.self) }
        guard let valid else { index = start; throw error("a string that is not UTF-8") }
        return valid
    }

    /// A text written by `PartWriter.text`: a string's bytes, or an array of byte values; `body`
    /// gets the bytes (valid only inside it).
    @inline(__always)
    package mutating func text<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) throws(PartFormatError) -> R {
        if peek() == UInt8(ascii: "[") {
            var raw: [UInt8] = []
            try array { reader throws(PartFormatError) in
                let byte = try reader.int()
                guard (0...255).contains(byte) else { throw reader.error("a byte value out of range") }
                raw.append(UInt8(byte))
            }
            return raw.withUnsafeBufferPointer(body)
        }
        return try rawString(body)
    }

    package mutating func text() throws(PartFormatError) -> [UInt8] { try text { Array($0) } }

    /// A JSON string's decoded bytes, given to `body`: a slice of the input when it has no
    /// escape (the usual case), else the scratch buffer.
    @inline(__always)
    private mutating func rawString<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) throws(PartFormatError) -> R {
        try expect(UInt8(ascii: "\""), "a string")
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                index += 1
                return body(UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]))
            }
            if byte == 0x5C { break }
            if byte < 0x20 { throw error("a control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw error("an unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard index < bytes.count else { throw error("an unterminated string") }
            let byte = bytes[index]
            index += 1
            if byte == 0x22 { break }
            if byte < 0x20 { index -= 1; throw error("a control character in a string") }
            if byte != 0x5C { scratch.append(byte); continue }
            guard index < bytes.count else { throw error("an unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case 0x22, 0x5C, 0x2F: scratch.append(escape)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard bytes.count - index >= 2, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") else { throw error("an unpaired surrogate") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("an invalid low surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("an unpaired surrogate") }
                scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                index -= 1
                throw error("an invalid escape")
            }
        }
        return scratch.withUnsafeBufferPointer(body)
    }

    private mutating func hex4() throws(PartFormatError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("a truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index] | 0x20
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            default: throw error("an invalid hex digit in a \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    /// The JSON text of the next value (any JSON), for a nested document the caller parses itself.
    package mutating func rawValue() throws(PartFormatError) -> [UInt8] {
        skipWhitespace()
        let start = index
        try skipValue(depth: 0)
        return Array(bytes[start..<index])
    }

    private mutating func skipValue(depth: Int) throws(PartFormatError) {
        guard depth < 512 else { throw error("nesting too deep") }
        switch peek() {
        case UInt8(ascii: "{"): try object { reader, _ throws(PartFormatError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try array { reader throws(PartFormatError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try rawString { _ in () }
        case UInt8(ascii: "n"): if !null() { throw error("expected a value") }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            let word: [UInt8] = bytes[index] == UInt8(ascii: "t") ? Array("true".utf8) : Array("false".utf8)
            guard bytes.count - index >= word.count, Array(bytes[index..<(index + word.count)]) == word else { throw error("expected a value") }
            index += word.count
        default: _ = try double()
        }
    }

    /// An array of integers, appended to `out`.
    package mutating func ints(into out: inout [Int]) throws(PartFormatError) {
        try ints(into: &out, counts: false)
    }

    /// An array of counts (`count()` each), appended to `out`.
    package mutating func counts(into out: inout [Int]) throws(PartFormatError) {
        try ints(into: &out, counts: true)
    }

    @inline(__always)
    private mutating func ints(into out: inout [Int], counts: Bool) throws(PartFormatError) {
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            if let short = shortUnsignedInt() { out.append(short) } else { out.append(counts ? try count() : try int()) }
            // As `array`, without a closure per element: a part's term counts are most of its numbers.
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// A nonnegative integer of one to seven digits, its eight bytes converted at once (SWAR);
    /// nil, nothing read, when the next bytes are not that (`int` reads them then).
    @inline(__always)
    private mutating func shortUnsignedInt() -> Int? {
        guard let (value, digits) = Self.shortUnsignedInt(bytes, at: index) else { return nil }
        index += digits
        return value
    }

    /// `shortUnsignedInt` at `index` of `bytes`: the integer and its digit count.
    @inline(__always)
    package static func shortUnsignedInt(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: Int, digits: Int)? {
        guard bytes.count - index >= 8 else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
        // A byte is a digit when its high nibble is 3, before and after adding 6. A carry out of
        // a byte comes only from a non-digit, so it cannot hide the first non-digit.
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let notDigits = ((word & high) ^ (ones &* 0x30)) | (((word &+ ones &* 6) & high) ^ (ones &* 0x30))
        let digits = notDigits.trailingZeroBitCount / 8
        guard digits > 0, digits < 8 else { return nil }
        let next = bytes[index + digits]
        if next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") { return nil }
        // The digits into the high bytes (first digit lowest), then pairs, quads, eight at once.
        var value = (word &- ones &* 0x30) << UInt64(8 * (8 - digits))
        value = (value &* 10 &+ (value >> 8)) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ (value >> 16)) & 0x0000_FFFF_0000_FFFF
        value = (value &* 10000 &+ (value >> 32)) & 0xFFFF_FFFF
        return (Int(value), digits)
    }

    /// An element of an integer array whose '[' (or previous element) was read, and whether it
    /// was the last (its ']' read too): `ints(into:)` an element at a time, for two arrays read
    /// in step.
    @inline(__always)
    package mutating func intElement() throws(PartFormatError) -> (value: Int, last: Bool) {
        let value: Int
        if let short = shortUnsignedInt() { value = short } else { value = try int() }
        switch peek() {
        case UInt8(ascii: ","): index += 1; return (value, false)
        case UInt8(ascii: "]"): index += 1; return (value, true)
        default: throw error("expected ',' or ']' in an array")
        }
    }

    package mutating func ints() throws(PartFormatError) -> [Int] {
        var out: [Int] = []
        try ints(into: &out)
        return out
    }

    /// A count (rows, values, documents): an integer, never negative. A negative one is a
    /// damaged part, which would otherwise merge into wrong statistics without a word.
    package mutating func count() throws(PartFormatError) -> Int {
        skipWhitespace()
        let start = index
        let value = try int()
        guard value >= 0 else { throw Self.negativeCount(value, at: start) }
        return value
    }

    /// The error for a count `value` read at `position` that is negative.
    package static func negativeCount(_ value: Int, at position: Int) -> PartFormatError {
        PartFormatError(message: "a count is negative (\(value))", column: position + 1)
    }

    /// A count written as a number (the moments' `count`): a whole number, never negative.
    package mutating func countAsDouble() throws(PartFormatError) -> Double {
        let start = index
        let value = try double()
        guard value >= 0, value.isFinite, value == value.rounded(.towardZero) else {
            throw PartFormatError(message: "a count is not a whole number ≥ 0 (\(value))", column: start + 1)
        }
        return value
    }

    /// An array of counts (`count()` each).
    package mutating func counts() throws(PartFormatError) -> [Int] {
        var out: [Int] = []
        try counts(into: &out)
        return out
    }

    package mutating func doubles() throws(PartFormatError) -> [Double] {
        var out: [Double] = []
        try array { reader throws(PartFormatError) in out.append(try reader.double()) }
        return out
    }

    /// The error for a key this format does not have.
    package func unknownKey(_ key: String, in what: String) -> PartFormatError {
        PartFormatError(message: "unknown key \"\(key)\" in \(what)", column: index + 1)
    }
}
