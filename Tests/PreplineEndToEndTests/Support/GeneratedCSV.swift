import PreplineTestSupport

/// A generated CSV and, computed independently of prepline, the exact bytes its pass-through must
/// print: the same fields, minimally re-quoted (RFC 4180), LF-terminated, blank lines gone.
///
/// The input side mixes everything the reader must handle: LF, CRLF and CR terminators, blank lines,
/// needless quotes, doubled quotes, line breaks inside quotes, a literal quote inside an unquoted
/// field, leading and trailing spaces, empty fields, UTF-8, and an optional missing final newline.
struct GeneratedCSV {
    static let header = ["id", "name", "note", "value", "tag"]

    /// The records as fields (without the header).
    var records: [[String]] = []
    /// Each data record's input bytes, terminator and any blank lines after it included.
    var recordBytes: [[UInt8]] = []
    /// The header line's input bytes (with its terminator).
    var headerBytes: [UInt8] = []

    /// The whole input.
    var input: [UInt8] { headerBytes + recordBytes.flatMap { $0 } }

    /// What prepline must write for `input` with the default dialect and `--crlf` off.
    var expectedOutput: [UInt8] {
        var out = Self.line(Self.header)
        for record in records { out += Self.line(record) }
        return out
    }

    init(records count: Int, seed: UInt64, finalNewline: Bool = false) {
        var rng = SplitMix64(seed: seed)
        headerBytes = Self.encode(Self.header, rng: &rng) + Array("\r\n".utf8)
        for i in 0..<count {
            let fields = [String(i + 1), Self.pick(Self.names, &rng), Self.pick(Self.notes, &rng),
                          Self.number(&rng), Self.pick(Self.tags, &rng)]
            records.append(fields)
            var bytes = Self.encode(fields, rng: &rng)
            let isLast = i == count - 1
            if !isLast || finalNewline {
                bytes += Array(Self.pick(["\n", "\n", "\n", "\r\n", "\r\n", "\r"], &rng).utf8)
                if !isLast && rng.next() % 17 == 0 {
                    bytes += Array(Self.pick(["\n", "\r\n", "\n\n"], &rng).utf8)  // blank lines: not records
                }
            }
            recordBytes.append(bytes)
        }
    }

    // MARK: - field values

    static let names = ["Adelie", "Gentoo", "Chinstrap", "Smith, John", "O'Brien", "Zoë Ørsted", "東京",
                        "  padded  ", "", "\"Quoted\" Name", "37.8\"N", "a\"b\"c", " lead", "trail ", "🎉"]
    static let notes = ["plain text", "", "He said \"hi\", then left", "line one\nline two", "crlf\r\ninside",
                        "cr\ronly", "tab\tinside", "\"", "\"\"", ",", ",,", "ends with quote\"", "x", "semi;colon",
                        "a,\"b\"\n,c"]
    static let tags = ["A", "B", "", "NA", "N/A", "null", "c d"]

    static func pick<T>(_ values: [T], _ rng: inout SplitMix64) -> T { values[Int(rng.next() % UInt64(values.count))] }

    static func number(_ rng: inout SplitMix64) -> String {
        switch rng.next() % 4 {
        case 0: return String(Int(rng.next() % 100_000) - 50_000)
        case 1: return "\(rng.next() % 1000).\(rng.next() % 1000)"
        case 2: return "1e\(rng.next() % 20)"
        default: return ""
        }
    }

    // MARK: - encoding

    /// Input side: quote when required (delimiter, CR, LF, or a leading quote), and sometimes when not.
    static func encode(_ fields: [String], rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let mustQuote = field.contains(",") || field.contains("\r") || field.contains("\n") || field.hasPrefix("\"")
                || (fields.count == 1 && field.isEmpty)
            if mustQuote || rng.next() % 4 == 0 {
                out += quoted(field)
            } else {
                out += Array(field.utf8)  // a quote inside an unquoted field is literal
            }
        }
        return out
    }

    /// Output side: RFC 4180, minimal quoting, LF.
    static func line(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            out += needsQuotes || (fields.count == 1 && field.isEmpty) ? quoted(field) : Array(field.utf8)
        }
        out.append(0x0A)
        return out
    }

    static func quoted(_ field: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
