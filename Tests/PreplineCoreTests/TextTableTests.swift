import Foundation
import Testing
@testable import PreplineCore

/// The tokenizer's generated tables against the Python and scikit-learn on PATH (the ones
/// `make test` installs): Python `re`'s `\w` on str for every code point, and the English stop words.
@Suite("text tables equal Python's")
struct TextTableTests {
    static func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        return String(decoding: data, as: UTF8.self)
    }

    @Test("Tokenizer.isWord is Python's \\w (ch.isalnum() or ch == '_') on every code point")
    func wordCharacters() throws {
        let output = try Self.python("""
            import sys
            sys.stdout.write("".join("1" if chr(c).isalnum() or c == 0x5F else "0" for c in range(0x110000)))
            """)
        let flags = Array(output.utf8)
        try #require(flags.count == 0x110000)
        var differences: [String] = []
        for v in 0..<UInt32(0x110000) {
            let python = flags[Int(v)] == UInt8(ascii: "1")
            let ours = Unicode.Scalar(v).map(Tokenizer.isWord) ?? false  // surrogates: never in a str from UTF-8
            if python != ours && Unicode.Scalar(v) != nil { differences.append(String(v, radix: 16)) }
        }
        #expect(differences.isEmpty, "code points that differ: \(differences.prefix(20))")
    }

    @Test("ASCII fast path (eight bytes at a time) tokenizes as Python's re.findall(r\"(?u)\\b\\w\\w+\\b\") on random ASCII text")
    func asciiTokens() throws {
        // Lengths around the eight-byte steps, every ASCII byte, words of 1 to 20 bytes.
        var generator = SplitMix64(seed: 2026)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".utf8)
        var documents: [[UInt8]] = []
        for d in 0..<4000 {
            var document: [UInt8] = []
            let length = d < 40 ? d : Int(generator.next() % 90)
            while document.count < length {
                switch generator.next() % 10 {
                case 0: document.append(UInt8(generator.next() % 128))
                case 1, 2: document.append(0x20)
                default:
                    for _ in 0..<(1 + Int(generator.next() % 20)) { document.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
                }
            }
            documents.append(Array(document.prefix(length)))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prepline-ascii-tokens-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: documents.map { $0.map(Int.init) }).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let output = try Self.python("""
            import json, re
            docs = ["".join(map(chr, d)) for d in json.load(open("\(path.path)"))]
            for lower in (True, False):
                for d in docs:
                    print(" ".join(re.findall(r"(?u)\\b\\w\\w+\\b", d.lower() if lower else d)))
            """)
        let expected = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(expected.count == 2 * documents.count + 1, "python printed \(expected.count) lines")
        var differences: [String] = []
        for (pass, lower) in [true, false].enumerated() {
            var options = TokenizerOptions()
            options.lowercase = lower
            let tokenizer = try Tokenizer(options, label: "test")
            var scratch = TokenScratch()
            for (d, document) in documents.enumerated() {
                var sink = JoinedTerms()
                _ = document.withUnsafeBufferPointer { tokenizer.terms(of: $0, scratch: &scratch, into: &sink) }
                let ours = String(decoding: sink.bytes, as: UTF8.self)
                if ours != expected[pass * documents.count + d] { differences.append("lower=\(lower) \(document): \(ours) vs \(expected[pass * documents.count + d])") }
            }
        }
        #expect(differences.isEmpty, "\(differences.count) documents differ, e.g. \(differences.prefix(3))")
    }

    @Test("stopwords \"english\" is scikit-learn's ENGLISH_STOP_WORDS")
    func stopWords() throws {
        let output = try Self.python("""
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
            print("\\n".join(sorted(ENGLISH_STOP_WORDS)))
            """)
        #expect(EnglishStopWords.words == output.split(separator: "\n").map(String.init))
    }

    @Test("other patterns: \\w, \\W, \\b, \\B are rewritten to Python's meaning")
    func patternTranslation() throws {
        let translated = Tokenizer.translate(#"(?u)\b\w+\b[\w-]\W\B"#)
        #expect(!translated.contains(#"\w"#) && !translated.contains(#"\b"#) && !translated.hasPrefix("(?u)"))
        #expect(throws: Never.self) { try NSRegularExpression(pattern: translated) }
    }

    @Test("clean's tables (PythonUnicode) are Python's: assigned code points, str.isspace(), str.isdecimal(), casefold vs lower")
    func pythonUnicodeTables() throws {
        let output = try Self.python("""
            import sys, unicodedata
            flags = []
            for c in range(0x110000):
                ch = chr(c)
                flags.append(str((unicodedata.category(ch) != "Cn") | ch.isspace() << 1 | ch.isdecimal() << 2))
            sys.stdout.write("".join(flags) + "\\n")
            sys.stdout.write(unicodedata.unidata_version + "\\n")
            """)
        let lines = output.split(separator: "\n").map { Array($0.utf8) }
        try #require(lines.count == 2 && lines[0].count == 0x110000)
        #expect(String(decoding: lines[1], as: UTF8.self) == PythonUnicode.version)
        var differences: [String] = []
        for v in 0..<UInt32(0x110000) {
            let bits = lines[0][Int(v)] - UInt8(ascii: "0")
            let ours = (PythonText.isAssigned(v) ? 1 : 0) | (PythonText.isSpace(v) ? 2 : 0) | (PythonText.isDecimal(v) ? 4 : 0)
            if ours != bits { differences.append(String(v, radix: 16)) }
        }
        #expect(differences.isEmpty, "code points that differ: \(differences.prefix(20))")
    }

    @Test("str.lower/upper/casefold and unicodedata.normalize of each code point with a mapping equal Python's")
    func caseAndNormalizationOfEveryCodePoint() throws {
        let output = try Self.python("""
            import sys, unicodedata
            out = []
            for c in list(range(0xD800)) + list(range(0xE000, 0x20000)) + list(range(0x2F800, 0x2FA20)) + list(range(0xE0000, 0xE1000)):
                ch = chr(c)
                fields = [ch.lower(), ch.upper(), ch.casefold()] + [unicodedata.normalize(f, ch) for f in ("NFC", "NFD", "NFKC", "NFKD")]
                out.append(";".join(" ".join("%x" % ord(x) for x in f) for f in fields))
            sys.stdout.write("\\n".join(out))
            """)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        // Planes 0 and 1, the CJK compatibility ideographs (canonical decompositions) and plane 14:
        // every code point with a mapping or a decomposition (planes 2, 3 and 15, 16 have none).
        let codePoints = Array(UInt32(0)..<0xD800) + Array(UInt32(0xE000)..<0x20000) + Array(UInt32(0x2F800)..<0x2FA20) + Array(UInt32(0xE0000)..<0xE1000)
        try #require(lines.count == codePoints.count)
        var differences: [String] = []
        var k = 0
        var scratch: [Unicode.Scalar] = []
        func text(_ s: [Unicode.Scalar]) -> String { s.map { String($0.value, radix: 16) }.joined(separator: " ") }
        for v in codePoints {
            let scalar = Unicode.Scalar(v)!
            let expected = lines[k].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            k += 1
            var ours: [String] = []
            for mapping in [PythonText.CaseMapping.lower, .upper, .casefold] { PythonText.mapCase([scalar], mapping, into: &scratch); ours.append(text(scratch)) }
            for form in [PythonText.NormalForm.nfc, .nfd, .nfkc, .nfkd] { PythonText.normalize([scalar], form, into: &scratch); ours.append(text(scratch)) }
            if ours != expected { differences.append(String(v, radix: 16)) }
        }
        #expect(differences.isEmpty, "\(differences.count) code points differ: \(differences.prefix(20))")
    }

    @Test("clean's ASCII byte loop equals Python on random ASCII text (every byte, runs around eight bytes)")
    func cleanASCIIMatchesPython() throws {
        var generator = SplitMix64(seed: 4711)
        var documents: [[UInt8]] = []
        for d in 0..<3000 {
            let length = d < 40 ? d : Int(generator.next() % 70)
            var document: [UInt8] = []
            while document.count < length {
                switch generator.next() % 8 {
                case 0: document.append(UInt8(generator.next() % 128))
                case 1: document.append(0x20)
                case 2: document.append([0x09, 0x0B, 0x1C, 0x1F, 0x21, 0x2E][Int(generator.next() % 6)])
                default:
                    let alphabet = Array("abcXYZ019_".utf8)
                    for _ in 0..<(1 + Int(generator.next() % 12)) { document.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
                }
            }
            documents.append(Array(document.prefix(length)))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prepline-clean-ascii-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: documents.map { $0.map(Int.init) }).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let output = try Self.python("""
            import json, re
            docs = ["".join(map(chr, d)) for d in json.load(open("\(path.path)"))]
            for mode in ("lower", "upper", None):
                for d in docs:
                    s = getattr(d, mode)() if mode else d
                    s = re.sub(r"\\s+", " ", re.sub(r"[^\\w\\s]", "", s)).strip()
                    print(json.dumps(s))
            """)
        let expected = output.split(separator: "\n").map(String.init)
        try #require(expected.count == 3 * documents.count)
        var differences: [String] = []
        for (pass, mapping) in [PythonText.CaseMapping.lower, .upper, nil].enumerated() {
            var steps = TextCleaner.Steps()
            steps.caseMapping = mapping
            (steps.removePunctuation, steps.collapseWhitespace, steps.trim) = (true, true, true)
            let cleaner = TextCleaner(steps)
            var scratch = TextCleaner.Scratch()
            for (d, document) in documents.enumerated() {
                let outcome = document.withUnsafeBufferPointer { cleaner.clean($0, scratch: &scratch) }
                let bytes = outcome == .unchanged ? document : scratch.output
                let ours = String(decoding: try JSONSerialization.data(withJSONObject: [String(decoding: bytes, as: UTF8.self)]), as: UTF8.self)
                let theirs = "[" + expected[pass * documents.count + d] + "]"
                let same = try (JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String]) == (JSONSerialization.jsonObject(with: Data(theirs.utf8)) as? [String])
                if !same { differences.append("\(mapping.map { "\($0)" } ?? "none") \(document): \(ours) vs \(theirs)") }
            }
        }
        #expect(differences.isEmpty, "\(differences.count) documents differ, e.g. \(differences.prefix(3))")
    }
}
