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
}
