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
