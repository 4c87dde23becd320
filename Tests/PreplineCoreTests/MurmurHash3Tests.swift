import Foundation
import Testing
@testable import PreplineCore

/// MurmurHash3 x86_32 against scikit-learn's own `murmurhash3_32` (signed and positive), and the
/// feature index and sign against `FeatureHasher`, computed by scikit-learn in one `python3`
/// process at test time.
@Suite("MurmurHash3")
struct MurmurHash3Tests {
    /// Every length 0 to 17 (each tail length, one to four blocks), random ASCII and UTF-8
    /// multi-byte texts (2-, 3- and 4-byte characters), and a few fixed words.
    static func cases(seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let alphabet: [String] = ["a", "z", "0", " ", "=", "é", "ß", "日", "本", "€", "😀", "\u{0301}", "Z", "\u{7F}"]
        var texts: [String] = ["", "a", "ab", "abc", "abcd", "hello", "city=Paris", "the quick brown fox", "é", "日本語", "😀😀"]
        for length in 0...17 {
            texts.append(String((0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &rng))) }))
        }
        for _ in 0..<400 {
            texts.append((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        }
        return texts
    }

    @Test("equals scikit-learn's murmurhash3_32 and FeatureHasher's index and sign")
    func agreesWithScikitLearn() throws {
        let texts = Self.cases(seed: 2026)
        let widths = [1, 2, 3, 7, 16, 1000, 1 << 20, Int(Int32.max)]
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("texts.json")
        try JSONSerialization.data(withJSONObject: ["texts": texts, "widths": widths]).write(to: input)
        // One line per text: the signed hash, the positive hash, then per width the signed
        // FeatureHasher column (sign * (index + 1)) of the one feature `text` with value 1.
        let script = """
        import json, sys
        from sklearn.utils import murmurhash3_32
        from sklearn.feature_extraction import FeatureHasher
        case = json.load(open(sys.argv[1], encoding='utf-8'))
        hashers = [FeatureHasher(n_features=w, input_type='string') for w in case['widths']]
        for t in case['texts']:
            cols = []
            for h in hashers:
                m = h.transform([[t]]).tocsr()
                cols.append(str(int(m.data[0]) * (int(m.indices[0]) + 1)))
            print(murmurhash3_32(t.encode('utf-8'), seed=0, positive=False), murmurhash3_32(t.encode('utf-8'), seed=0, positive=True), *cols)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with scikit-learn failed")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == texts.count)
        var mismatches: [String] = []
        for (text, line) in zip(texts, lines) {
            let expected = line.split(separator: " ").map { Int64($0)! }
            let hash = MurmurHash3.x86_32(Array(text.utf8))
            var got: [Int64] = [Int64(Int32(bitPattern: hash)), Int64(hash)]
            for width in widths {
                let (index, negative) = MurmurHash3.featureIndex(hash, features: width)
                got.append(Int64(negative ? -(index + 1) : index + 1))
            }
            if got != expected { mismatches.append("\(text.debugDescription): scikit-learn \(expected), prepline \(got)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(texts.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    /// abs(INT32_MIN) is undefined in C; scikit-learn special-cases it as 2^31 % n_features.
    @Test("a hash of INT32_MIN maps as scikit-learn's special case")
    func int32Minimum() {
        let hash = UInt32(bitPattern: Int32.min)
        for width in [1, 3, 7, 1000, 1 << 20, Int(Int32.max)] {
            let (index, negative) = MurmurHash3.featureIndex(hash, features: width)
            #expect(negative)
            #expect(index == (2_147_483_647 - (width - 1)) % width, "n_features \(width)")
        }
    }
}
