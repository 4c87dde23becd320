import Foundation
import Testing
@testable import PreplineCore

/// `NumpyRandomState` and `SplitAssignment.trainTest` against numpy and scikit-learn themselves.
@Suite("train/test split equals scikit-learn")
struct TrainTestSplitTests {
    static let fixedSeeds: [UInt32] = [0, 1, 42, UInt32.max]

    @Test("the MT19937 stream, bounded integers and permutation equal np.random.RandomState(seed)")
    func randomStateStream() throws {
        var generator = SplitMix64(seed: 0x5EED_0001)
        var seeds = Self.fixedSeeds
        for _ in 0..<4 { seeds.append(UInt32.random(in: 0...UInt32.max, using: &generator)) }
        var cases: [[String: Any]] = []
        var ops: [[[Any]]] = []
        for seed in seeds {
            // Past the first 624-word regeneration, every mask width, a 64-bit bound, permutations.
            var list: [[Any]] = [["raw", 700]]
            for max in [0, 1, 2, 3, 5, 7, 8, 100, 1000, 65_535, 65_536, 1 << 31, Int(UInt32.max) - 1] {
                list.append(["interval", max, 50])
            }
            list.append(["interval", (1 << 40) + 5, 20])
            for n in [0, 1, 2, 3, 10, 1000, Int.random(in: 1...5000, using: &generator)] { list.append(["perm", n]) }
            list.append(["raw", 10])
            cases.append(["kind": "stream", "seed": Int(seed), "ops": list])
            ops.append(list)
        }
        let answers = try SplitReference.run(cases)
        for (index, seed) in seeds.enumerated() {
            var random = NumpyRandomState(seed: seed)
            var got: [UInt64] = []
            for op in ops[index] {
                switch op[0] as! String {
                case "raw": for _ in 0..<(op[1] as! Int) { got.append(UInt64(random.nextUInt32())) }
                case "interval":
                    for _ in 0..<(op[2] as! Int) { got.append(random.interval(UInt64(op[1] as! Int))) }
                default: got += random.permutation(op[1] as! Int).map { UInt64($0) }
                }
            }
            let expected = try #require(answers[index] as? [NSNumber]).map { $0.uint64Value }
            #expect(got == expected, "seed \(seed): first difference at \(got.indices.first { $0 >= expected.count || got[$0] != expected[$0] } ?? min(got.count, expected.count))")
        }
    }

    /// One random case: labels drawn with unbalanced weights from one of the label families.
    static func randomLabels(rows: Int, using generator: inout SplitMix64) -> [String] {
        let families: [[String]] = [
            ["3", "10", "-1", "0", "7", "22", "5"],            // int64, numeric order ≠ text order
            ["2.5", "-1", "0.1", "10", "1e3", "3.25", "-0.5"],   // float64
            ["b", "a", "ä", "B10", "b2", "Zeta", "a a"],         // text, code-point order
            ["1", "01", "2", "+2", "1.0", "3", "10"],            // spellings of one number are one class
            ["True", "False", "true", "FALSE"],                  // bool
            ["True", "x", "2", "10", "9"],                       // mixed: text
            [" 3", "3 ", "-inf", "1e999", "2.50", "Infinity", "4"],  // blanks, infinities: float64
            ["\u{E1}", "a\u{301}", "\u{1D538}", "z", "\u{FB01}", "Z"],  // NFC vs NFD, beyond the BMP
        ]
        let family = families[Int.random(in: 0..<families.count, using: &generator)]
        let classCount = Int.random(in: 2...family.count, using: &generator)
        let pool = Array(family.shuffled(using: &generator).prefix(classCount))
        let weights = pool.indices.map { _ in Double.random(in: 0.05...1, using: &generator) }
        let total = weights.reduce(0, +)
        return (0..<rows).map { _ in
            var pick = Double.random(in: 0..<total, using: &generator)
            for (index, weight) in weights.enumerated() {
                if pick < weight { return pool[index] }
                pick -= weight
            }
            return pool[pool.count - 1]
        }
    }

    struct Case {
        var rows: Int
        var testSize: SplitSize
        var seed: UInt32?
        var shuffle: Bool
        var labels: [String]?

        var json: [String: Any] {
            var json: [String: Any] = ["kind": "tts", "n": rows, "shuffle": shuffle]
            switch testSize {
            case .count(let count): json["test"] = ["i": count]
            case .fraction(let fraction): json["test"] = ["f": "\(fraction)"]  // shortest round-trip text
            }
            if let seed { json["seed"] = Int(seed) }
            if let labels { json["labels"] = labels }
            return json
        }
    }

    /// Returns how many cases both split (the rest both refused).
    @discardableResult
    static func compare(_ cases: [Case], _ answers: [Any]) throws -> Int {
        var mismatches: [String] = []
        var splits = 0
        for (test, answer) in zip(cases, answers) {
            let got: Result<[Int], SplitError>
            do {
                let mask = try SplitAssignment.trainTest(rows: test.rows, testSize: test.testSize, seed: test.seed,
                                                         shuffle: test.shuffle, stratify: test.labels.map(SplitReference.labels))
                let rows = mask.indices.filter { mask[$0] }
                #expect(mask.testCount == rows.count)
                got = .success(rows)
            } catch { got = .failure(error) }
            let label = "n=\(test.rows) test=\(test.testSize) seed=\(test.seed.map(String.init) ?? "nil") shuffle=\(test.shuffle) classes=\(test.labels.map { Set($0).sorted() } ?? [])"
            switch (got, answer) {
            case (.success(let rows), let expected as [NSNumber]):
                splits += 1
                if rows != expected.map(\.intValue) { mismatches.append("\(label): test rows differ (\(rows.count) vs \(expected.count))") }
            case (.failure(let error), let expected as [String: Any]):
                let message = expected["error"] as? String ?? ""
                // NaN is refused by both; our message names the missing value.
                if !message.contains("contains NaN") && error.message != message {
                    mismatches.append("\(label): error\n  ours:         \(error.message)\n  scikit-learn: \(message)")
                }
            case (.success, let expected): mismatches.append("\(label): we split, scikit-learn says \(expected)")
            case (.failure(let error), _): mismatches.append("\(label): we refuse (\(error.message)), scikit-learn splits")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(15).joined(separator: "\n"))")
        return splits
    }

    static let randomCases = makeRandomCases(), tiedCases = makeTiedCases(), refusalCases = makeRefusalCases()
    static let reference = SplitReferenceBatch([randomCases, tiedCases, refusalCases].map { $0.map(\.json) })

    @Test("random sizes, seeds, fractions and counts, with and without stratify")
    func randomSplits() throws {
        let splits = try Self.compare(Self.randomCases, Self.reference.answers(0))
        #expect(splits > Self.randomCases.count * 3 / 4, "most random cases must be splits, not refusals: \(splits) of \(Self.randomCases.count)")
    }

    @Test("tied remainders in _approximate_mode are broken by the same draws")
    func tiedClasses() throws { try Self.compare(Self.tiedCases, Self.reference.answers(1)) }

    @Test("each refusal is scikit-learn's")
    func refusals() throws { try Self.compare(Self.refusalCases, Self.reference.answers(2)) }

    static func makeRandomCases() -> [Case] {
        var generator = SplitMix64(seed: 0x5EED_0002)
        var cases: [Case] = []
        let fractions = [0.1, 0.2, 0.25, 0.3, 0.33, 0.5, 0.7, 0.9, 0.999]
        for index in 0..<360 {
            let rows = index % 4 == 0 ? Int.random(in: 1...40, using: &generator) : Int.random(in: 1...5000, using: &generator)
            let testSize: SplitSize = Bool.random(using: &generator)
                ? .fraction(Bool.random(using: &generator) ? fractions.randomElement(using: &generator)!
                                                          : (Double.random(in: 0.001..<1, using: &generator) * 1000).rounded() / 1000)
                : .count(Int.random(in: 1...max(1, rows - 1), using: &generator))
            let seed = index % 3 == 0 ? UInt32.random(in: 0...UInt32.max, using: &generator)
                                      : Self.fixedSeeds[index % Self.fixedSeeds.count]
            let stratify = index % 2 == 1 ? Self.randomLabels(rows: rows, using: &generator) : nil
            cases.append(Case(rows: rows, testSize: testSize, seed: seed, shuffle: true, labels: stratify))
        }
        for rows in [1, 2, 3, 10, 1000] {
            cases.append(Case(rows: rows, testSize: .fraction(0.3), seed: nil, shuffle: false, labels: nil))
            cases.append(Case(rows: rows, testSize: .count(1), seed: nil, shuffle: false, labels: nil))
        }
        return cases
    }

    static func makeTiedCases() -> [Case] {
        var cases: [Case] = []
        // Equal classes whose shares do not divide evenly: every remainder ties.
        for classes in 2...7 {
            for perClass in [2, 3, 5, 11] {
                let labels = (0..<(classes * perClass)).map { ["a", "b", "c", "d", "e", "f", "g"][$0 % classes] }
                for test in [classes, classes + 1, 2 * classes - 1] where test < labels.count - classes + 1 {
                    for seed in Self.fixedSeeds { cases.append(Case(rows: labels.count, testSize: .count(test), seed: seed, shuffle: true, labels: labels)) }
                }
            }
        }
        return cases
    }

    static func makeRefusalCases() -> [Case] {
        let two = ["a", "b", "a", "b", "a", "b"]
        let cases: [Case] = [
            Case(rows: 10, testSize: .count(0), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .count(10), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .count(11), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .count(-3), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(0.0), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(1.0), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(1.5), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(-0.2), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(1e-05), seed: 0, shuffle: true, labels: nil),
            Case(rows: 10, testSize: .fraction(0.95), seed: 0, shuffle: true, labels: nil),  // train empty
            Case(rows: 1, testSize: .fraction(0.5), seed: 0, shuffle: true, labels: nil),
            Case(rows: 0, testSize: .fraction(0.5), seed: 0, shuffle: true, labels: nil),
            Case(rows: 6, testSize: .count(2), seed: nil, shuffle: false, labels: two),  // stratify needs shuffle
            Case(rows: 7, testSize: .count(2), seed: 0, shuffle: true, labels: two + ["c"]),  // a class of one
            Case(rows: 7, testSize: .count(2), seed: 0, shuffle: true, labels: ["1", "2", "2", "3", "3", "4", "4"]),
            Case(rows: 7, testSize: .count(2), seed: 0, shuffle: true, labels: ["1.5", "2", "2", "3", "3", "4", "4"]),
            Case(rows: 5, testSize: .count(1), seed: 0, shuffle: true, labels: ["True", "False", "False", "True", "true"]),
            Case(rows: 6, testSize: .count(1), seed: 0, shuffle: true, labels: two),  // test < classes
            Case(rows: 6, testSize: .count(5), seed: 0, shuffle: true, labels: two),  // train < classes
            Case(rows: 9, testSize: .fraction(0.2), seed: 0, shuffle: true, labels: ["a", "b", "c", "a", "b", "c", "a", "b", "c"]),
            Case(rows: 6, testSize: .count(2), seed: 0, shuffle: true, labels: ["a", "", "a", "b", "b", "a"]),  // missing
            Case(rows: 6, testSize: .count(2), seed: 0, shuffle: true, labels: ["1", "NA", "1", "2", "2", "1"]),
        ]
        return cases
    }

    @Test("shuffling without a seed is refused: nothing could reproduce it")
    func shuffleNeedsSeed() {
        #expect(throws: SplitError.self) {
            try SplitAssignment.trainTest(rows: 10, testSize: .fraction(0.2), seed: nil, shuffle: true, stratify: nil)
        }
    }

    @Test("labels sort as pandas read them: numbers numerically, text by code point")
    func labelOrder() throws {
        func order(_ values: [String]) throws -> [String] {
            let labels = SplitReference.labels(values)
            let classes = try labels.classes(input: "y")
            return (0..<classes.count).map { String(decoding: labels.values[Int(classes.representative[$0])], as: UTF8.self) }
        }
        #expect(try order(["10", "9", "-1", "09"]) == ["-1", "9", "10"])
        #expect(try order(["10", "9.5", "1e1", "-2.5"]) == ["-2.5", "9.5", "10"])
        #expect(throws: SplitError.self) { try order(["1", "-inf"]) }
        #expect(throws: SplitError.self) { try order(["a", "null"]) }
        #expect(try order(["10", "9", "a"]) == ["10", "9", "a"])
        #expect(try order(["b", "B", "ä", "a"]) == ["B", "a", "b", "ä"])
        #expect(try order(["true", "False", "True"]) == ["False", "true"])
    }
}
