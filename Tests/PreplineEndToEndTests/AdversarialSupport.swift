import Foundation
import PreplineTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Machinery for the adversarial tests (AdversarialCSVTests, AdversarialSpecTests,
// AdversarialDiskFullTests): a process runner that tells an exit code from a signal, an
// independent CSV reader to count records, generators of hostile CSV and mutated specs, and the
// list of defects known today, so that a run shows known failures apart from new ones.

// MARK: - running the binary

/// How one child process ended: an exit code, a signal, or killed after the time limit.
struct AdversarialOutcome: Sendable {
    var exitCode: Int32?
    var signal: Int32?
    var timedOut: Bool
    var stdout: [UInt8]
    var stderr: String

    var summary: String {
        if timedOut { return "TIMED OUT (killed)" }
        if let signal { return "killed by signal \(signal) (\(String(cString: strsignal(signal))))" }
        return "exit \(exitCode ?? -1)"
    }
}

enum AdversarialRunner {
    /// Seconds one run may take before it counts as a hang (generous: CI machines are loaded).
    static let timeout = 20.0

    /// Runs `arguments` in `cwd` with stdin from `stdinPath`; stdout and stderr go to files.
    ///
    /// The outcome keeps a signal apart from an exit code (SIGILL from a Swift trap is 4, the
    /// same number as exit code 4).
    /// With `stdoutPath` (such as /dev/full) stdout goes there and is not captured.
    static func run(_ executable: String, _ arguments: [String], cwd: String, stdinPath: String = "/dev/null",
                    stdoutPath: String? = nil, timeout: Double = timeout) throws -> AdversarialOutcome {
        E2E.ignoreSIGPIPE
        let id = UUID().uuidString
        let outPath = cwd + "/.stdout-\(id)", errPath = cwd + "/.stderr-\(id)"
        defer { unlink(outPath); unlink(errPath) }
        try #require(FileManager.default.createFile(atPath: outPath, contents: nil))
        try #require(FileManager.default.createFile(atPath: errPath, contents: nil))
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath ?? outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath))
        defer { try? outHandle.close(); try? errHandle.close(); try? inHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = inHandle
        process.standardOutput = outHandle
        process.standardError = errHandle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit()
        let stdout = (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: outPath)))) ?? []
        let stderr = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self)
        if timedOut { return AdversarialOutcome(exitCode: nil, signal: nil, timedOut: true, stdout: stdout, stderr: stderr) }
        if process.terminationReason == .uncaughtSignal {
            return AdversarialOutcome(exitCode: nil, signal: process.terminationStatus, timedOut: false, stdout: stdout, stderr: stderr)
        }
        return AdversarialOutcome(exitCode: process.terminationStatus, signal: nil, timedOut: false, stdout: stdout, stderr: stderr)
    }
}

// MARK: - an independent CSV reader

/// One record as the reference reader sees it.
struct ReferenceRecord: Equatable, Sendable {
    /// 1-based physical line of the record's first byte.
    var line: Int
    var fields: [[UInt8]]
    /// The record's bytes as they are in the input, terminator excluded.
    var original: [UInt8]
}

/// The CSV reading rules of DESIGN.md ("Reading is lenient…"), written again from the contract
/// and independently of prepline's chunker, to count and compare records:
/// a UTF-8 BOM at the start is dropped; LF, CRLF and CR end records; blank lines are no records;
/// a field is quoted only when its first byte is the quote, and then a doubled quote is a quote and
/// line breaks are data; anything but a delimiter or a line end after a closing quote, or a quote
/// never closed, is malformed; a quote inside an unquoted field is data; a last record without a
/// line end counts.
enum ReferenceCSV {
    struct Malformed: Error, Equatable, Sendable {
        /// The line prepline must name: the closing quote's line for bytes after it, the opening
        /// quote's line for a quote never closed.
        var line: Int
        var what: String
    }

    static func read(_ input: [UInt8], delimiter: UInt8 = 0x2C, quote: UInt8 = 0x22) -> Result<[ReferenceRecord], Malformed> {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var records: [ReferenceRecord] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        var line = 1
        /// Steps over a line end at `i` (CRLF as one); returns false when there is none.
        func lineEnd(_ i: inout Int) -> Bool {
            guard i < end else { return false }
            if bytes[i] == 0x0A { i += 1; return true }
            if bytes[i] == 0x0D {
                i += 1
                if i < end && bytes[i] == 0x0A { i += 1 }
                return true
            }
            return false
        }
        while i < end {
            if lineEnd(&i) { line += 1; continue }  // a blank line
            let recordStart = i, recordLine = line
            var fields: [[UInt8]] = []
            var recordEnd = end
            fieldLoop: while true {
                var field: [UInt8] = []
                if i < end && bytes[i] == quote {
                    let openLine = line
                    i += 1
                    while true {
                        guard i < end else { return .failure(Malformed(line: openLine, what: "unterminated quote")) }
                        let b = bytes[i]
                        if b == quote {
                            if i + 1 < end && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                            i += 1
                            break
                        }
                        if b == 0x0A || (b == 0x0D && !(i + 1 < end && bytes[i + 1] == 0x0A)) { line += 1 }
                        field.append(b)
                        i += 1
                    }
                    fields.append(field)
                    if i == end { recordEnd = i; break fieldLoop }
                    if bytes[i] == delimiter { i += 1; continue fieldLoop }
                    recordEnd = i
                    if lineEnd(&i) { line += 1; break fieldLoop }
                    return .failure(Malformed(line: line, what: "byte \(bytes[i]) after a closing quote"))
                }
                while i < end && bytes[i] != delimiter && bytes[i] != 0x0A && bytes[i] != 0x0D {
                    field.append(bytes[i])
                    i += 1
                }
                fields.append(field)
                if i < end && bytes[i] == delimiter { i += 1; continue fieldLoop }
                recordEnd = i
                if lineEnd(&i) { line += 1 }
                break fieldLoop
            }
            records.append(ReferenceRecord(line: recordLine, fields: fields, original: Array(bytes[recordStart..<recordEnd])))
        }
        return .success(records)
    }
}

// MARK: - hostile CSV

/// Generates CSV meant to break a reader: every line ending, quotes right and wrong, NUL, invalid
/// UTF-8, BOMs in odd places, huge fields, ragged rows, empty files; then, sometimes, random byte
/// edits on top.
struct HostileCSV {
    enum Kind: Sendable { case number, category, text, any }

    var rng: SplitMix64
    let delimiter: UInt8
    let quote: UInt8

    init(seed: UInt64, delimiter: UInt8 = 0x2C, quote: UInt8 = 0x22) {
        rng = SplitMix64(seed: seed)
        self.delimiter = delimiter
        self.quote = quote
    }

    mutating func chance(_ percent: Int) -> Bool { Int(rng.next() % 100) < percent }
    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    static let numbers: [[UInt8]] = ["1", "-2.5", "0", "3.14159", "1e3", "-0", "42", "7", "0.001", "1000000", "2.5e-3", "-17"].map { Array($0.utf8) }
    static let badNumbers: [[UInt8]] = ["1e999", "-1e999", "inf", "nan", "1,5", " 7", "0x1F", "1_000", "abc", "--1", "1e", ".", "+"].map { Array($0.utf8) }
    static let missing: [[UInt8]] = ["", "NA", "null", "N/A", "None", "?"].map { Array($0.utf8) }
    static let categories: [[UInt8]] = ["Adelie", "Gentoo", "Biscoe", "male", "female", "mobile", "desktop", "city_01", "x y", "é", "東京"].map { Array($0.utf8) }
    static let words: [[UInt8]] = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "café", "naïve", "ÉCOLE", "don't", "x1", "🎉"].map { Array($0.utf8) }
    /// Bytes a text editor, Excel or a broken export leaves in a file.
    static let nasty: [[UInt8]] = [
        [0x00], [0x61, 0x00, 0x62], [0xFF], [0xC3], [0xE9], Array("Gr".utf8) + [0xF6, 0xDF, 0x65], [0xFE, 0xFF],
        [0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF] + Array("id".utf8), [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        Array("a\"b".utf8), Array("\"".utf8), Array("x\ny".utf8), Array("x\r\ny".utf8), Array("\r".utf8),
        Array("a,b".utf8), Array("\t".utf8), Array(" ".utf8), [0x1B, 0x5B, 0x31, 0x6D], [0x01], Array("=1+2".utf8),
    ]

    mutating func cell(_ kind: Kind) -> [UInt8] {
        switch kind {
        case .number:
            if chance(80) { return pick(Self.numbers) }
            return chance(50) ? pick(Self.missing) : chance(70) ? pick(Self.badNumbers) : pick(Self.nasty)
        case .category:
            if chance(85) { return pick(Self.categories) }
            return chance(50) ? pick(Self.missing) : pick(Self.nasty)
        case .text:
            var text: [UInt8] = []
            for w in 0..<below(8) {
                if w > 0 { text.append(0x20) }
                text += chance(90) ? pick(Self.words) : pick(Self.nasty)
            }
            return text
        case .any:
            switch below(6) {
            case 0: return pick(Self.numbers)
            case 1: return pick(Self.badNumbers)
            case 2: return pick(Self.missing)
            case 3: return pick(Self.categories)
            case 4: return pick(Self.words)
            default: return pick(Self.nasty)
            }
        }
    }

    /// A field as it goes into the file: quoted when it must be, sometimes when not, and once in
    /// a while quoted wrongly (bytes after the closing quote, a quote never closed).
    mutating func encode(_ field: [UInt8]) -> [UInt8] {
        let must = field.contains(delimiter) || field.contains(0x0A) || field.contains(0x0D) || field.first == quote
        if chance(1) { return [quote] + field + [quote] + Array("x".utf8) }  // malformed
        if chance(1) { return [quote] + field }  // a quote opened and perhaps never closed
        guard must || chance(20) else { return field }
        var out: [UInt8] = [quote]
        for b in field {
            if b == quote { out.append(quote) }
            out.append(b)
        }
        out.append(quote)
        return out
    }

    mutating func terminator() -> [UInt8] { pick([[0x0A], [0x0A], [0x0D, 0x0A], [0x0D]]) }

    /// A whole file for these columns (the header is written when `header` is true).
    mutating func file(columns: [(name: String, kind: Kind)], header: Bool) -> [UInt8] {
        switch below(20) {
        case 0: return []
        case 1: return Array(columns.map(\.name).joined(separator: String(UnicodeScalar(delimiter))).utf8) + (chance(50) ? terminator() : [])
        case 2: return (0..<below(5)).flatMap { _ in terminator() }
        default: break
        }
        var out: [UInt8] = []
        if chance(10) { out += [0xEF, 0xBB, 0xBF] }
        if header {
            out += columns.map { encode(Array($0.name.utf8)) }.joined(separator: [delimiter]) + terminator()
        }
        // Mostly a few rows; sometimes enough for many 1K chunks in flight at once.
        let rows = chance(10) ? 500 + below(2500) : below(30)
        let hugeRow = chance(6) ? below(max(rows, 1)) : -1
        for r in 0..<rows {
            var width = columns.count
            if chance(8) { width = max(1, width + pick([-2, -1, 1, 3])) }  // ragged
            var fields: [[UInt8]] = []
            for c in 0..<width {
                var value = cell(c < columns.count ? columns[c].kind : .any)
                if r == hugeRow && c == 0 {
                    // Longer than the chunker's first buffer (64 KiB) and than any chunk size used.
                    value = Array(repeating: UInt8(ascii: "7"), count: 70_000 + below(200_000))
                }
                fields.append(encode(value))
            }
            out += fields.joined(separator: [delimiter])
            if r < rows - 1 || chance(70) { out += terminator() }
            if chance(5) { out += terminator() }  // a blank line
            if chance(2) { out += [0xEF, 0xBB, 0xBF] }  // a BOM at the start of the next line
        }
        if chance(25) { mutate(&out) }
        return out
    }

    /// A few random byte edits: insert, delete or overwrite with a byte a CSV reader cares about.
    mutating func mutate(_ bytes: inout [UInt8]) {
        let special: [UInt8] = [delimiter, quote, quote, 0x0A, 0x0D, 0x00, 0xFF, 0xC3, 0xEF, 0x20]
        for _ in 0..<(1 + below(3)) {
            let at = below(bytes.count + 1)
            switch below(3) {
            case 0: bytes.insert(pick(special), at: at)
            case 1: if at < bytes.count { bytes.remove(at: at) }
            default: if at < bytes.count { bytes[at] = pick(special) }
            }
        }
    }
}

// MARK: - mutated specs

/// Mutations of a spec's JSON: keys dropped, values swapped between keys, types changed, numbers
/// pushed to extremes, arrays emptied or duplicated.
struct SpecMutator {
    var rng: SplitMix64

    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }

    /// Every path to a value in the document (object keys and array indexes).
    static func paths(_ value: Any, prefix: [Any] = []) -> [[Any]] {
        var found: [[Any]] = [prefix]
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() { found += paths(object[key]!, prefix: prefix + [key]) }
        } else if let array = value as? [Any] {
            for (i, item) in array.enumerated() { found += paths(item, prefix: prefix + [i]) }
        }
        return found
    }

    static func get(_ root: Any, _ path: [Any]) -> Any? {
        var current: Any? = root
        for step in path {
            if let key = step as? String { current = (current as? [String: Any])?[key] } else if let index = step as? Int {
                guard let array = current as? [Any], index < array.count else { return nil }
                current = array[index]
            }
        }
        return current
    }

    /// `root` with the value at `path` replaced (nil removes it).
    static func set(_ root: Any, _ path: [Any], _ value: Any?) -> Any {
        guard let step = path.first else { return value ?? NSNull() }
        let rest = Array(path.dropFirst())
        if let key = step as? String, var object = root as? [String: Any] {
            if rest.isEmpty { object[key] = value } else if let child = object[key] { object[key] = set(child, rest, value) }
            return object
        }
        if let index = step as? Int, var array = root as? [Any], index < array.count {
            if rest.isEmpty {
                if let value { array[index] = value } else { array.remove(at: index) }
            } else {
                array[index] = set(array[index], rest, value)
            }
            return array
        }
        return root
    }

    /// Values of other types (and extremes of the same type) to put where one was.
    mutating func replacement(for value: Any) -> Any {
        let pool: [Any] = [NSNull(), true, false, 0, -1, 1, 2, 0.5, "__1e400__", -1e308, Double.leastNonzeroMagnitude, Int64.max, "", "x", "*", "[", "\u{0}",
                           "column_1", "mean", "zscore", "onehot", "fill", "reject", "skip", "🎉", [Any](), ["*"], [0, 1], [1, 0],
                           ["a", "a"], [String: Any](), ["stage": "scale"], Array(repeating: "x", count: 40)]
        if value is String, below(3) == 0 { return (value as! String) + String(repeating: "*", count: 1 + below(20)) }
        return pool[below(pool.count)]
    }

    /// One to three mutations of the parsed spec.
    mutating func mutate(_ root: Any) -> Any {
        var root = root
        for _ in 0..<(1 + below(3)) {
            let all = Self.paths(root).filter { !$0.isEmpty }
            guard !all.isEmpty else { break }
            let path = all[below(all.count)]
            let value = Self.get(root, path)!
            switch below(5) {
            case 0:  // drop the key or element
                root = Self.set(root, path, nil)
            case 1:  // swap with another value
                let other = all[below(all.count)]
                if let otherValue = Self.get(root, other), !Self.isPrefix(path, of: other), !Self.isPrefix(other, of: path) {
                    root = Self.set(Self.set(root, path, otherValue), other, value)
                }
            case 2:  // duplicate an array element (a stage twice, a column twice)
                if let array = Self.get(root, Array(path.dropLast())) as? [Any], let index = path.last as? Int {
                    var copy = array
                    copy.insert(array[index], at: index)
                    root = Self.set(root, Array(path.dropLast()), copy)
                } else {
                    root = Self.set(root, path, replacement(for: value))
                }
            default:  // another type or an extreme
                root = Self.set(root, path, replacement(for: value))
            }
        }
        return root
    }

    static func isPrefix(_ a: [Any], of b: [Any]) -> Bool {
        guard a.count <= b.count else { return false }
        return zip(a, b).allSatisfy { "\($0)" == "\($1)" }
    }

    static func serialize(_ root: Any) -> [UInt8] {
        // An overflowing number (1e400) cannot be a Double in Foundation: a placeholder string
        // becomes the bare number after serialization.
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .fragmentsAllowed]) else {
            return Array("{\"prepline\": 1, \"stages\": [".utf8)  // unserializable: a truncated spec instead
        }
        return Array(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"__1e400__\"", with: "1e400").utf8)
    }
}

// MARK: - what a run must satisfy, and the defects known today

/// A property broken by one run or by a set of runs of the same input.
struct Violation: CustomStringConvertible, Sendable {
    var property: String
    var detail: String
    var command: String
    /// A known defect this matches (see `KnownDefect`), or nil for a new one.
    var known: KnownDefect?

    var description: String {
        "\(known.map { "[regression of the fix for: \($0.rawValue)] " } ?? "")\(property): \(detail)\n    command: \(command)"
    }
}

/// Defects this harness found before issue 12's fixes landed. A violation that matches one is
/// labelled as a regression of it (the label says which fix broke again); every violation fails.
enum KnownDefect: String, Sendable {
    /// A run that stops on an error (row error under fail, malformed CSV) dies by a signal:
    /// workers are not joined before exit (issue 12, "SIGILL when a run stops on a row error").
    case signalOnEarlyStop = "signal when a run stops on an error"
    /// The exit code (1 vs 3) depends on --chunk-size/--threads: the first error in input order
    /// must decide (issue 12, "Exit code depends on --chunk-size").
    case firstErrorNotInInputOrder = "exit code depends on chunking"
    /// Rejects records are not the original bytes (invalid UTF-8 becomes U+FFFD).
    case rejectsNotOriginalBytes = "rejects file rewrites invalid UTF-8"
    /// A pass-through rewrites invalid UTF-8 in the header (issue 12, "Header bytes rewritten").
    case headerBytesRewritten = "header bytes rewritten"
    /// `fit` writes a non-finite fitted value as null, which `apply` refuses (issue 12, "A fitted
    /// spec that apply refuses").
    case fittedSpecDoesNotApply = "a fitted spec that apply refuses"
    /// A category that is not UTF-8 is written to the fitted spec as U+FFFD, so `apply` on fit's
    /// own output finds the original value unknown: apply(fit(x), x) differs from run(x). Found by
    /// this harness; the same root as issue 12's "one-hot names on such values are mangled".
    case invalidUTF8CategoryLost = "a fitted category that is not UTF-8 is lost"
    /// `--report json:PATH` / `junit:PATH` write the file in place and leave it truncated on a
    /// full disk (issue 12, "Report files are written in place").
    case reportWrittenInPlace = "report files written in place"
    /// A failed write on stdout/stderr traps in FileHandle (`try!`) instead of exiting 4 (issue 12,
    /// "`try!` on failed writes").
    case crashOnFailedWrite = "crash on a failed write"

    /// A signal matches `signalOnEarlyStop` when the run had reported an error, or died where
    /// that defect dies: libdispatch traps when the engine's in-flight semaphore is released
    /// below its initial value (the error unwinds out of StreamingEngine.run before main prints).
    static func isEarlyStopSignal(stderr: String) -> Bool {
        stderr.contains("prepline: error") || stderr.contains("_dispatch_semaphore_dispose")
    }
}

/// Records every violation as a failure, with its reproducer.
func recordViolations(_ violations: [Violation], context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for violation in violations {
        Issue.record(Comment(rawValue: "\(violation)\n\(context)"), sourceLocation: sourceLocation)
    }
}

/// True when `bytes` are valid UTF-8 (and hold no NUL, which C-string checks would stop at).
func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    !bytes.contains(0) && String(validating: bytes, as: UTF8.self) != nil
}

/// Bytes as an escaped Swift-ish string literal, cut to `limit` bytes, for reproducers.
func escaped(_ bytes: [UInt8], limit: Int = 400) -> String {
    var out = "\""
    for b in bytes.prefix(limit) {
        switch b {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x22: out += "\\\""
        case 0x5C: out += "\\\\"
        case 0x20..<0x7F: out.append(Character(UnicodeScalar(b)))
        default: out += String(format: "\\x%02X", b)
        }
    }
    out += "\""
    if bytes.count > limit { out += "… (\(bytes.count) bytes in all)" }
    return out
}

/// `bytes` as a shell command that recreates the file, for a reproducer a human can paste.
func printfCommand(_ bytes: [UInt8], to file: String, limit: Int = 2000) -> String {
    if bytes.count > limit {
        return "# \(bytes.count) bytes; first \(limit): printf '\(printfBody(Array(bytes.prefix(limit))))' > \(file)"
    }
    return "printf '\(printfBody(bytes))' > \(file)"
}

private func printfBody(_ bytes: [UInt8]) -> String {
    bytes.map { b -> String in
        switch b {
        case 0x20..<0x7F where b != 0x27 && b != 0x5C && b != 0x25: return String(UnicodeScalar(b))
        default: return String(format: "\\%03o", b)
        }
    }.joined()
}
