import Foundation
import Testing
@testable import PreplineCore

/// `SplitAssignment.folds` against KFold, StratifiedKFold and GroupKFold themselves.
@Suite("k-fold columns equal scikit-learn")
struct FoldAssignmentTests {
    struct Case {
        enum Kind: String { case kfold, skf, gkf }
        var kind: Kind
        var rows: Int
        var k: Int
        var seed: UInt32?
        var labels: [String]? = nil

        var json: [String: Any] {
            var json: [String: Any] = ["kind": kind.rawValue, "n": rows, "k": k]
            if let seed { json["seed"] = Int(seed) }
            if let labels { json[kind == .gkf ? "groups" : "labels"] = labels }
            return json
        }
    }

    /// Returns how many cases both split (the rest both refused).
    @discardableResult
    static func compare(_ cases: [Case], _ answers: [Any]) throws -> Int {
        var mismatches: [String] = []
        var splits = 0
        for (test, answer) in zip(cases, answers) {
            let got: Result<[UInt16], SplitError>
            let labels = test.labels.map(SplitReference.labels)
            do {
                got = .success(try SplitAssignment.folds(rows: test.rows, k: test.k, seed: test.seed,
                                                         stratify: test.kind == .skf ? labels : nil,
                                                         groups: test.kind == .gkf ? labels : nil))
            } catch { got = .failure(error) }
            let label = "\(test.kind) n=\(test.rows) k=\(test.k) seed=\(test.seed.map(String.init) ?? "nil") values=\(test.labels.map { Set($0).count } ?? 0)"
            switch (got, answer) {
            case (.success(let folds), let expected as [NSNumber]):
                splits += 1
                let expectedFolds = expected.map(\.intValue)
                if folds.map(Int.init) != expectedFolds {
                    let first = folds.indices.first { Int(folds[$0]) != expectedFolds[$0] } ?? -1
                    mismatches.append("\(label): folds differ first at row \(first)")
                }
            case (.failure(let error), let expected as [String: Any]):
                let message = expected["error"] as? String ?? ""
                if !message.contains("contains NaN") && error.message != message {
                    mismatches.append("\(label): error\n  ours:         \(error.message)\n  scikit-learn: \(message)")
                }
            case (.success, let expected): mismatches.append("\(label): we assign, scikit-learn says \(expected)")
            case (.failure(let error), _): mismatches.append("\(label): we refuse (\(error.message)), scikit-learn assigns")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(15).joined(separator: "\n"))")
        return splits
    }

    static func groupColumn(rows: Int, groups: Int, using generator: inout SplitMix64) -> [String] {
        // Unequal group sizes (many ties among the small ones), numeric or text names.
        let numeric = Bool.random(using: &generator)
        let names = (0..<groups).map { numeric ? String(Int.random(in: -50...500, using: &generator)) : "g\($0 * 7 % 23)-\($0)" }
        return (0..<rows).map { _ in
            let skewed = Int(Double(groups) * pow(Double.random(in: 0..<1, using: &generator), 2))
            return names[min(skewed, groups - 1)]
        }
    }

    static let randomCases = makeRandomCases(), refusalCases = makeRefusalCases(), manyGroupCases = makeManyGroupCases()
    static let reference = SplitReferenceBatch([randomCases, refusalCases, manyGroupCases].map { $0.map(\.json) })

    @Test("random sizes, K = 2...10, seeded and not, for KFold, StratifiedKFold and GroupKFold")
    func randomFolds() throws {
        let splits = try Self.compare(Self.randomCases, Self.reference.answers(0))
        #expect(splits > Self.randomCases.count * 3 / 4, "most random cases must be assignments, not refusals: \(splits) of \(Self.randomCases.count)")
    }

    @Test("each refusal and warning case is scikit-learn's")
    func refusals() throws { try Self.compare(Self.refusalCases, Self.reference.answers(1)) }

    @Test("large K over many groups: the greedy balancing at scale")
    func manyGroups() throws { try Self.compare(Self.manyGroupCases, Self.reference.answers(2)) }

    static func makeRandomCases() -> [Case] {
        var generator = SplitMix64(seed: 0x5EED_0003)
        let seeds: [UInt32] = TrainTestSplitTests.fixedSeeds
        var cases: [Case] = []
        for index in 0..<330 {
            let rows = index % 5 == 0 ? Int.random(in: 2...40, using: &generator) : Int.random(in: 1...5000, using: &generator)
            let k = Int.random(in: 2...10, using: &generator)
            let seed: UInt32? = switch index % 3 {
            case 0: nil
            case 1: seeds[index % seeds.count]
            default: UInt32.random(in: 0...UInt32.max, using: &generator)
            }
            switch index % 3 {
            case 0: cases.append(Case(kind: .kfold, rows: rows, k: k, seed: seed))
            case 1: cases.append(Case(kind: .skf, rows: rows, k: k, seed: seed,
                                      labels: TrainTestSplitTests.randomLabels(rows: rows, using: &generator)))
            default:
                let groups = Int.random(in: 1...max(1, min(rows, index % 2 == 0 ? 30 : rows / 2)), using: &generator)
                cases.append(Case(kind: .gkf, rows: rows, k: k, seed: seed,
                                  labels: Self.groupColumn(rows: rows, groups: groups, using: &generator)))
            }
        }
        return cases
    }

    static func makeRefusalCases() -> [Case] {
        let six = ["a", "b", "a", "b", "a", "c"]
        var cases: [Case] = []
        for kind in [Case.Kind.kfold, .skf, .gkf] {
            cases.append(Case(kind: kind, rows: 6, k: 1, seed: nil, labels: six))   // k < 2
            cases.append(Case(kind: kind, rows: 6, k: 7, seed: 3, labels: six))     // k > rows
        }
        cases += [
            Case(kind: .skf, rows: 6, k: 4, seed: nil, labels: six),           // k > every class
            Case(kind: .skf, rows: 6, k: 3, seed: 5, labels: six),             // k > some class: a warning only
            Case(kind: .skf, rows: 6, k: 2, seed: nil, labels: ["1", "1", "2", "2", "3", "3"]),
            Case(kind: .skf, rows: 6, k: 2, seed: nil, labels: ["1.0", "1", "2.0", "2", "3", "3"]),
            Case(kind: .skf, rows: 6, k: 2, seed: nil, labels: ["1.5", "1.5", "2", "2", "3", "3"]),  // continuous
            Case(kind: .skf, rows: 6, k: 2, seed: nil, labels: ["a", "NA", "a", "b", "b", "a"]),     // missing
            Case(kind: .skf, rows: 6, k: 2, seed: 1, labels: ["x", "x", "x", "x", "x", "x"]),        // one class
            Case(kind: .gkf, rows: 6, k: 4, seed: nil, labels: six),           // k > groups
            Case(kind: .gkf, rows: 6, k: 3, seed: 9, labels: six),
            Case(kind: .gkf, rows: 6, k: 2, seed: nil, labels: ["1", "", "1", "2", "2", "3"]),       // missing
            Case(kind: .gkf, rows: 8, k: 3, seed: nil, labels: ["1", "01", "1.0", "2", "2", "3", "4", "4"]),
            Case(kind: .gkf, rows: 6, k: 2, seed: nil, labels: ["1", "inf", "1", "2", "2", "3"]),    // infinite
            Case(kind: .gkf, rows: 9, k: 2, seed: nil, labels: ["10", "9.5", "10", "2.25", "9.5", "-1", "-1", "3", "3"]),
            Case(kind: .gkf, rows: 9, k: 3, seed: 7, labels: ["10", "9.5", "10", "2.25", "9.5", "-1", "-1", "3", "3"]),
            Case(kind: .gkf, rows: 9, k: 3, seed: 7, labels: ["b", "a", "ä", "B", "a", "b", "Z", "z", "B"]),
        ]
        return cases
    }

    @Test("a class with fewer members than K is scikit-learn's warning, not a refusal")
    func fewMembersWarning() throws {
        var warnings: [String] = []
        let labels = SplitReference.labels(["a", "b", "a", "b", "a", "c", "a", "b"])
        _ = try SplitAssignment.folds(rows: 8, k: 3, seed: nil, stratify: labels, groups: nil) { warnings.append($0) }
        #expect(warnings == ["The least populated class in y has only 1 members, which is less than n_splits=3."])
        warnings = []
        _ = try SplitAssignment.folds(rows: 8, k: 2, seed: 4, stratify: SplitReference.labels(["a", "b", "a", "b", "a", "b", "a", "b"]), groups: nil) { warnings.append($0) }
        #expect(warnings.isEmpty)
    }

    static func makeManyGroupCases() -> [Case] {
        var generator = SplitMix64(seed: 0x5EED_0004)
        var cases: [Case] = []
        for k in [2, 7, 10, 64] {
            let rows = 4000
            cases.append(Case(kind: .gkf, rows: rows, k: k, seed: nil,
                              labels: Self.groupColumn(rows: rows, groups: 1500, using: &generator)))
            cases.append(Case(kind: .kfold, rows: rows, k: k, seed: 42))
        }
        return cases
    }
}
