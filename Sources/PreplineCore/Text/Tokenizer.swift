import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a `tokenize` stage asks for (also the defaults a `tfidf` stage uses on an untokenized
/// column): scikit-learn's `CountVectorizer` analyzer options.
package struct TokenizerOptions: Sendable, Equatable {
    /// scikit-learn's default `token_pattern`.
    package static let defaultPattern = #"(?u)\b\w\w+\b"#

    package var lowercase = true
    package var pattern = TokenizerOptions.defaultPattern
    /// Removed after tokenizing, before n-grams (nil: none).
    package var stopWords: [String]?
    package var ngrams = (min: 1, max: 1)
    /// `strip_accents: "unicode"`: NFKD, then combining marks dropped.
    package var stripAccents = false

    package init() {}

    package static func == (a: TokenizerOptions, b: TokenizerOptions) -> Bool {
        a.lowercase == b.lowercase && a.pattern == b.pattern && a.stopWords == b.stopWords
            && a.ngrams == b.ngrams && a.stripAccents == b.stripAccents
    }
}

/// Receives the terms of a document, one call per term (bytes valid only during the call),
/// with the term's `TermTable.hash`, computed once per term for every table it is looked up in.
package protocol TermSink {
    mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64)
    /// False when the sink would ignore this unigram whatever it is: the tokenizer then skips
    /// hashing it (with unigrams only, where a dropped token changes no other term).
    func mayTake(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool
}

extension TermSink {
    @inline(__always)
    package func mayTake(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { true }
}

/// Per-thread working memory of a tokenizer, reused from document to document.
package struct TokenScratch {
    /// Token bytes of the current document, end to end.
    var tokenBytes: [UInt8] = []
    /// Token ends in `tokenBytes` (for n-grams).
    var tokenEnds: [Int] = []
    /// Each token's `TermTable.hash` when the tokenizer computed it while copying the token
    /// (the ASCII path); empty otherwise.
    var tokenHashes: [UInt64] = []
    var gram: [UInt8] = []
    var scalars: [Unicode.Scalar] = []
    var lowered: [Unicode.Scalar] = []
    /// This thread's compiled pattern (each worker compiles its own).
    var regex: NSRegularExpression?

    package init() {}
}

/// scikit-learn's analyzer (`build_analyzer()` of CountVectorizer with `analyzer="word"`):
/// preprocess (lowercase, then strip accents), tokenize with the pattern, drop stop words,
/// then word n-grams joined by one space.
///
/// The default pattern `(?u)\b\w\w+\b` matches every maximal run of two or more word characters,
/// where a word character is what Python's `re` calls `\w` on str (`ch.isalnum() or ch == "_"`,
/// the generated `WordCharacters` table). That is done by hand over bytes: ASCII documents never
/// leave the byte loop; others are decoded to scalars once. Other patterns run on ICU
/// (NSRegularExpression) with `\w`, `\W`, `\b`, `\B` rewritten to Python's meaning (`translate`).
package final class Tokenizer: Sendable {
    package let options: TokenizerOptions
    /// The stage whose options these are, for row-level errors.
    package let label: String
    private let stopWords: TermTable?
    /// The pattern as Swift compiles it (nil: the default pattern's hand-written path).
    private let regexSource: String?
    private let takesGroup: Bool

    private init(options: TokenizerOptions, label: String, stopWords: TermTable?, regexSource: String?, takesGroup: Bool) {
        self.options = options
        self.label = label
        self.stopWords = stopWords
        self.regexSource = regexSource
        self.takesGroup = takesGroup
    }

    /// True when `term` (borrowed bytes, as a `TermTable` keeps them) is one of the analyzer's stop words.
    package func isStopWord(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let stopWords else { return false }
        return stopWords.find(term) != nil
    }

    /// The same analyzer without its stop-word lookups, for applying a vocabulary that holds
    /// no stop word with unigrams only: a stop word then counts for nothing either way.
    package func withoutStopWords(forVocabulary vocabulary: [[UInt8]]) -> Tokenizer {
        guard let stopWords, options.ngrams.max == 1,
              !vocabulary.contains(where: { term in term.withUnsafeBufferPointer { stopWords.find($0) != nil } }) else { return self }
        return Tokenizer(options: options, label: label, stopWords: nil, regexSource: regexSource, takesGroup: takesGroup)
    }

    package init(_ options: TokenizerOptions, label: String) throws(TokenizerPatternError) {
        self.options = options
        self.label = label
        stopWords = options.stopWords.map { TermTable($0.map { Array($0.utf8) }) }
        if options.pattern == TokenizerOptions.defaultPattern {
            regexSource = nil
            takesGroup = false
        } else {
            let source = Self.translate(options.pattern)
            let groups = Self.groups(in: source).count
            guard groups <= 1 else {
                throw TokenizerPatternError(message: "more than one capturing group; scikit-learn allows at most one")
            }
            do {
                _ = try Self.compile(source)
            } catch {
                // ICU's error is about the translated pattern: say where the user's own is wrong.
                throw TokenizerPatternError(message: PatternDiagnosis.message(for: options.pattern))
            }
            // scikit-learn tokenizes with the capturing group when there is one.
            takesGroup = groups == 1
            regexSource = source
        }
    }

    /// Compiles a translated pattern. Unix line separators: only "\n" ends a line for `.`, `^`
    /// and `$`, as in Python (ICU's default also counts "\r", U+0085, U+2028 and U+2029).
    package static func compile(_ source: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: source, options: [.useUnixLineSeparators])
    }

    /// An ICU set of the sorted inclusive code-point `ranges` (pairs), after `prefix`.
    private static func icuSet(_ ranges: [UInt32], prefix: String = "") -> String {
        var set = "[" + prefix
        for k in stride(from: 0, to: ranges.count, by: 2) {
            set += ranges[k] == ranges[k + 1] ? "\\x{\(String(ranges[k], radix: 16))}" : "\\x{\(String(ranges[k], radix: 16))}-\\x{\(String(ranges[k + 1], radix: 16))}"
        }
        return set + "]"
    }

    /// Python's `\w` as an ICU set: ASCII word bytes and the generated ranges.
    private static let wordSet = icuSet(WordCharacters.ranges, prefix: "0-9A-Za-z_")
    /// Python's `\s` (`str.isspace()`, generated): ICU's own `\s` leaves out "\v", U+001C…U+001F and U+0085.
    private static let spaceSet = icuSet(PythonUnicode.spaces)
    /// Python's `\d` (`str.isdecimal()` in Python's Unicode version, generated).
    private static let digitSet = icuSet(PythonUnicode.decimalDigits)

    /// A Python `re` pattern rewritten for ICU (NSRegularExpression) so that `\w`, `\W`, `\b`,
    /// `\B`, `\s`, `\S`, `\d` and `\D` mean what they mean in Python on str: the classes are
    /// the generated sets, and the boundaries are written with lookarounds on the word set.
    /// `(?u)` is dropped (it is ICU's only mode), `(?P<name>` becomes `(?<name>`, `(?P=name)`
    /// `\k<name>`, Python's `\Z` (the very end) ICU's `\z`, and the empty pattern `(?:)`.
    package static func translate(_ pattern: String) -> String {
        var source = pattern
        while source.hasPrefix("(?u)") { source.removeFirst(4) }
        if source.isEmpty { return "(?:)" }
        source = source.replacingOccurrences(of: "(?P<", with: "(?<")
        let w = wordSet
        let notW = "[^" + w.dropFirst()
        var out = ""
        var chars = Array(source)[...]
        var classDepth = 0
        while let c = chars.popFirst() {
            if c == "\\", let next = chars.popFirst() {
                switch next {
                case "w": out += w
                case "W": out += notW
                case "s": out += spaceSet
                case "S": out += "[^" + spaceSet.dropFirst()
                case "d": out += digitSet
                case "D": out += "[^" + digitSet.dropFirst()
                case "b" where classDepth == 0: out += "(?:(?<=\(w))(?!\(w))|(?<!\(w))(?=\(w)))"
                case "B" where classDepth == 0: out += "(?:(?<=\(w))(?=\(w))|(?<!\(w))(?!\(w)))"
                case "Z" where classDepth == 0: out += "\\z"
                default: out.append(c); out.append(next)
                }
                continue
            }
            if c == "(", classDepth == 0, chars.starts(with: "?P="), let close = chars.firstIndex(of: ")") {
                // A named back-reference (?P=name).
                out += "\\k<" + String(chars[chars.index(chars.startIndex, offsetBy: 3)..<close]) + ">"
                chars = chars[(close + 1)...]
                continue
            }
            if c == "[" { classDepth += 1 } else if c == "]" && classDepth > 0 { classDepth -= 1 }
            out.append(c)
        }
        return out
    }

    /// Capturing groups in a pattern: "(" not escaped, not in a class, not "(?"; with the
    /// names of the named ones (`(?P<name>…)`, `(?<name>…)`) and their numbers.
    package static func groups(in pattern: String) -> (count: Int, names: [String: Int]) {
        var count = 0, escaped = false, inClass = false
        var names: [String: Int] = [:]
        let chars = Array(pattern)
        for (i, c) in chars.enumerated() {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass:
                if i + 1 < chars.count, chars[i + 1] == "?" {
                    // Named groups (?P<name>…) and (?<name>…) capture too.
                    let nameStart = i + 2 < chars.count && chars[i + 2] == "P" ? i + 4 : i + 3
                    if i + 2 < chars.count, chars[i + 2] == "P" && i + 3 < chars.count && chars[i + 3] == "<"
                        || (chars[i + 2] == "<" && i + 3 < chars.count && chars[i + 3] != "=" && chars[i + 3] != "!") {
                        count += 1
                        if let close = chars[min(nameStart, chars.count)...].firstIndex(of: ">") {
                            names[String(chars[nameStart..<close])] = count
                        }
                    }
                } else {
                    count += 1
                }
            default: break
            }
        }
        return (count, names)
    }

    /// Feeds the terms of `document` to `sink`. Returns nil, or the byte offset of the first
    /// byte that is not valid UTF-8 (then nothing was fed).
    package func terms<Sink: TermSink>(of document: UnsafeBufferPointer<UInt8>, scratch: inout TokenScratch, into sink: inout Sink) -> Int? {
        scratch.tokenBytes.removeAll(keepingCapacity: true)
        scratch.tokenEnds.removeAll(keepingCapacity: true)
        scratch.tokenHashes.removeAll(keepingCapacity: true)
        let ascii = Self.isASCII(document)
        if ascii && regexSource == nil {
            asciiTokens(document, scratch: &scratch)
        } else {
            if !ascii {
                if let bad = Self.decode(document, into: &scratch.scalars) { return bad }
            } else {
                scratch.scalars.removeAll(keepingCapacity: true)
                for byte in document { scratch.scalars.append(Unicode.Scalar(byte)) }
            }
            preprocess(&scratch)
            if regexSource == nil { scalarTokens(&scratch) } else { regexTokens(&scratch) }
        }
        emit(&scratch, into: &sink)
        return nil
    }

    @inline(__always)
    package static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var bits: UInt64 = 0
        while i + 8 <= bytes.count {
            bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count { bits |= UInt64(base[i]); i += 1 }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// ASCII word bytes: [0-9A-Za-z_].
    private static let asciiWord: [Bool] = (0..<128).map { b in
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F
    }

    /// [0-9A-Za-z_], for a byte below 0x80.
    @inline(__always)
    package static func isASCIIWordByte(_ b: UInt8) -> Bool { asciiWord[Int(b)] }

    /// The default pattern on an ASCII document: runs of two or more word bytes ([0-9A-Za-z_]),
    /// lowercased. Eight bytes at a time (SWAR): a mask of the word bytes finds where a run starts
    /// and ends, and a run is copied (and lowercased) eight bytes per step. Byte at a time, the
    /// branch at every word boundary was mispredicted about twice per token.
    /// Tokens are never longer than the document; the output buffer has eight bytes of slack so
    /// a copy step may write past a token's end (the next token, or the final trim, overwrites it).
    private func asciiTokens(_ document: UnsafeBufferPointer<UInt8>, scratch: inout TokenScratch) {
        let lower = options.lowercase
        let n = document.count
        guard n > 0, let base = document.baseAddress else { return }
        scratch.tokenBytes.append(contentsOf: repeatElement(0, count: n + 8))
        var used = 0
        let raw = UnsafeRawPointer(base)
        /// Eight bytes from `i`, zero past the document's end (zero is not a word byte).
        @inline(__always) func load(_ i: Int) -> UInt64 {
            if i + 8 <= n { return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
            var word: UInt64 = 0
            var k = i
            while k < n { word |= UInt64(base[k]) << UInt64(8 * (k - i)); k += 1 }
            return word
        }
        scratch.tokenBytes.withUnsafeMutableBufferPointer { out in
            let outRaw = UnsafeMutableRawPointer(out.baseAddress!)
            var i = 0
            while i < n {
                let mask = ASCIIWordBytes.mask(load(i))
                if mask == 0 { i += 8; continue }
                let start = i + mask.trailingZeroBitCount >> 3
                // The run's end: the first byte from `start` that is not a word byte.
                var end = start
                while true {
                    let outside = ~ASCIIWordBytes.mask(load(end)) & ASCIIWordBytes.highBits
                    if outside != 0 { end += outside.trailingZeroBitCount >> 3; break }
                    end += 8
                }
                i = end
                guard end - start >= 2 else { continue }
                // Copy, lowercase and hash (TermTable.hash's steps) each eight bytes in one go.
                var hash = TermTable.hashStart(count: end - start)
                var k = start
                while k < end {
                    var word = load(k)
                    if lower { word |= ASCIIWordBytes.upper(word) >> 2 }
                    outRaw.storeBytes(of: word.littleEndian, toByteOffset: used + (k - start), as: UInt64.self)
                    let remaining = end - k
                    hash = remaining >= 8 ? TermTable.hashWord(hash, word)
                        : TermTable.hashTail(hash, word & (UInt64.max >> UInt64(64 - 8 * remaining)))
                    k += 8
                }
                used += end - start
                scratch.tokenEnds.append(used)
                scratch.tokenHashes.append(TermTable.hashEnd(hash))
            }
        }
        scratch.tokenBytes.removeLast(n + 8 - used)
    }

    /// Strict UTF-8 decoding (no overlongs, surrogates or code points past U+10FFFF, as Python's
    /// decoder); the offset of the first bad byte on failure.
    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [Unicode.Scalar]) -> Int? {
        scalars.removeAll(keepingCapacity: true)
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { scalars.append(Unicode.Scalar(b0)); i += 1; continue }
            let length: Int, minimum: UInt32
            var value: UInt32
            switch b0 {
            case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07); minimum = 0x10000
            default: return i
            }
            guard i + length <= n else { return i }
            for k in 1..<length {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return i }
                value = value << 6 | UInt32(b & 0x3F)
            }
            guard value >= minimum, let scalar = Unicode.Scalar(value) else { return i }
            scalars.append(scalar)
            i += length
        }
        return nil
    }

    /// Python's `str.lower()` (full case mapping, Final_Sigma in context), then scikit-learn's
    /// `strip_accents_unicode` (NFKD, combining marks dropped) on `scratch.scalars`.
    private func preprocess(_ scratch: inout TokenScratch) {
        if options.lowercase {
            PythonText.mapCase(scratch.scalars, .lower, into: &scratch.lowered)
            swap(&scratch.scalars, &scratch.lowered)
        }
        if options.stripAccents {
            PythonText.stripAccentsUnicode(scratch.scalars, into: &scratch.lowered)
            swap(&scratch.scalars, &scratch.lowered)
        }
    }

    /// Python's `\w` on str.
    @inline(__always)
    package static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return asciiWord[Int(v)] }
        let ranges = WordCharacters.ranges
        var low = 0, high = ranges.count / 2
        while low < high {
            let mid = (low + high) / 2
            if ranges[2 * mid + 1] < v { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count / 2 && ranges[2 * low] <= v
    }

    package static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800: out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | (v >> 6) & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | (v >> 12) & 0x3F))
            out.append(UInt8(0x80 | (v >> 6) & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// The default pattern over decoded scalars: runs of two or more word characters.
    private func scalarTokens(_ scratch: inout TokenScratch) {
        let s = scratch.scalars
        var i = 0
        while i < s.count {
            guard Self.isWord(s[i]) else { i += 1; continue }
            let start = i
            i += 1
            while i < s.count && Self.isWord(s[i]) { i += 1 }
            guard i - start >= 2 else { continue }
            for j in start..<i { Self.appendUTF8(s[j], to: &scratch.tokenBytes) }
            scratch.tokenEnds.append(scratch.tokenBytes.count)
        }
    }

    /// Another pattern: every match (or its one capturing group), as Python's `findall`.
    private func regexTokens(_ scratch: inout TokenScratch) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scratch.scalars)
        let text = String(view) as NSString
        if scratch.regex == nil { scratch.regex = try? Self.compile(regexSource!) }
        for match in scratch.regex!.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
            let range = takesGroup ? match.range(at: 1) : match.range
            guard range.location != NSNotFound else { scratch.tokenEnds.append(scratch.tokenBytes.count); continue }
            scratch.tokenBytes.append(contentsOf: text.substring(with: range).utf8)
            scratch.tokenEnds.append(scratch.tokenBytes.count)
        }
    }

    /// Drops stop words, makes n-grams, feeds the sink.
    private func emit<Sink: TermSink>(_ scratch: inout TokenScratch, into sink: inout Sink) {
        let (minN, maxN) = options.ngrams
        if maxN == 1 {
            // Unigrams: one hash per token, for the stop words and the sink alike.
            let ends = scratch.tokenEnds
            let hashes = scratch.tokenHashes
            let hashed = hashes.count == ends.count
            scratch.tokenBytes.withUnsafeBufferPointer { bytes in
                var start = 0
                for (k, end) in ends.enumerated() {
                    let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    start = end
                    guard sink.mayTake(token) else { continue }
                    let hash = hashed ? hashes[k] : TermTable.hash(token)
                    if let stopWords, stopWords.find(token, hash: hash) != nil { continue }
                    sink.term(token, hash: hash)
                }
            }
            return
        }
        if let stopWords {
            // Compact the kept tokens in place.
            var write = 0, start = 0, kept = 0
            scratch.tokenBytes.withUnsafeMutableBufferPointer { bytes in
                for k in 0..<scratch.tokenEnds.count {
                    let end = scratch.tokenEnds[k]
                    let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if stopWords.find(token) == nil {
                        if write != start {
                            for j in 0..<(end - start) { bytes[write + j] = bytes[start + j] }
                        }
                        write += end - start
                        scratch.tokenEnds[kept] = write
                        kept += 1
                    }
                    start = end
                }
            }
            scratch.tokenEnds.removeLast(scratch.tokenEnds.count - kept)
            scratch.tokenBytes.removeLast(scratch.tokenBytes.count - write)
        }
        let ends = scratch.tokenEnds
        scratch.tokenBytes.withUnsafeBufferPointer { bytes in
            @inline(__always) func start(_ k: Int) -> Int { k == 0 ? 0 : ends[k - 1] }
            if minN == 1 {
                for k in 0..<ends.count {
                    let token = UnsafeBufferPointer(rebasing: bytes[start(k)..<ends[k]])
                    sink.term(token, hash: TermTable.hash(token))
                }
            }
            // scikit-learn's _word_ngrams: n from max(min_n, 2) to max_n, each start position.
            for n in max(minN, 2)...maxN where n <= ends.count {
                for k in 0...(ends.count - n) {
                    scratch.gram.removeAll(keepingCapacity: true)
                    for t in k..<(k + n) {
                        if t > k { scratch.gram.append(0x20) }
                        scratch.gram.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start(t)..<ends[t]]))
                    }
                    scratch.gram.withUnsafeBufferPointer { sink.term($0, hash: TermTable.hash($0)) }
                }
            }
        }
    }
}

/// A `pattern` that Swift cannot compile, or that scikit-learn would refuse.
package struct TokenizerPatternError: Error {
    package var message: String
}

/// Collects a document's terms joined by one space (a `tokenize` stage with no `tfidf` after it).
package struct JoinedTerms: TermSink {
    package var bytes: [UInt8] = []
    package var count = 0
    package init() {}
    package mutating func term(_ term: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        if count > 0 { bytes.append(0x20) }
        count += 1
        bytes.append(contentsOf: term)
    }
}

/// Byte classes of eight ASCII bytes at once (each byte < 0x80): the result has the high bit of
/// every byte in the class set, and nothing else.
enum ASCIIWordBytes {
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let ones: UInt64 = 0x0101_0101_0101_0101

    /// Bytes in [low, high]: adding 0x80 - low sets a byte's high bit exactly when it is >= low,
    /// adding 0x7F - high exactly when it is > high (no carry crosses bytes below 0x80).
    @inline(__always)
    static func inRange(_ x: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        let atLeastLow = x &+ ones &* UInt64(0x80 - low)
        let aboveHigh = x &+ ones &* UInt64(0x7F - high)
        return atLeastLow & ~aboveHigh & highBits
    }

    /// Bytes equal to `byte`.
    @inline(__always)
    static func equal(_ x: UInt64, _ byte: UInt8) -> UInt64 {
        let y = x ^ (ones &* UInt64(byte))
        return ~(((y & ~highBits) &+ ~highBits) | y) & highBits
    }

    @inline(__always)
    static func upper(_ x: UInt64) -> UInt64 { inRange(x, 0x41, 0x5A) }

    /// [0-9A-Za-z_]: the default pattern's `\w` on ASCII.
    @inline(__always)
    static func mask(_ x: UInt64) -> UInt64 {
        inRange(x, 0x30, 0x39) | upper(x) | inRange(x, 0x61, 0x7A) | equal(x, 0x5F)
    }
}
