import Foundation
import Testing

/// `hash` in-process: options and their errors, where the block goes and what leaves, the
/// block's algebra (a column's features add; a missing value adds nothing; alternate_sign only
/// flips signs), and the output at every chunk size and thread count. The hash values themselves
/// are checked against scikit-learn (MurmurHash3Tests, and the conformance cases).
@Suite struct HashStageTests {
    typealias H = StageHarness

    @Test(arguments: [
        #"{"stage": "hash", "columns": ["c"], "n_features": 1}"#,
        #"{"stage": "hash", "columns": ["c", "d"], "n_features": 4096, "alternate_sign": false, "output": "f"}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        try H.expectDecodeFailures([
            (#"{"stage": "hash", "columns": ["c"]}"#, "stages[0].n_features", "missing"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 0}"#, "stages[0].n_features", "expected an integer from 1 to 4096"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 4097}"#, "stages[0].n_features", "expected an integer from 1 to 4096"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 2.5}"#, "stages[0].n_features", "integer"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 4, "alternate_sign": "yes"}"#, "stages[0].alternate_sign", "expected true or false"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 4, "output": ""}"#, "stages[0].output", "non-empty"),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 4, "n_feature": 4}"#, "stages[0].n_feature", #"did you mean "n_features""#),
            (#"{"stage": "hash", "columns": ["c"], "n_features": 4, "fitted": {}}"#, "stages[0].fitted", "unknown key"),
        ])
    }

    /// The block takes the place of the leftmost hashed column (whatever order the spec names
    /// them in); the other hashed columns leave; a later stage cannot name them any more.
    @Test func theBlockReplacesTheColumnsAtTheLeftmost() throws {
        let csv = "id,a,k,b\n1,x,7,y\n2,,8,z\n"
        let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "hash", "columns": ["b", "a"], "n_features": 3, "output": "h"}"#), csv: csv))
        #expect(out.header == ["id", "h_0", "h_1", "h_2", "k"])
        #expect(out.column("k") == ["7", "8"])
        let later = H.spec(#"{"stage": "hash", "columns": ["a", "b"], "n_features": 3}"#, #"{"stage": "fill", "columns": ["b"], "strategy": "constant", "value": "q"}"#)
        let failure = try #require(H.bindFailure(spec: later, columns: ["id", "a", "k", "b"]))
        #expect(failure.path == "stages[1].columns[0]", "\(failure)")
        #expect(failure.message.contains("unknown column 'b'"), "\(failure)")
    }

    /// A name the block would take that is already a column is a spec error naming it.
    @Test func producedNamesMustBeNew() throws {
        let clash = try #require(H.bindFailure(spec: H.spec(#"{"stage": "hash", "columns": ["a"], "n_features": 3}"#), columns: ["a", "hash_2"]))
        #expect(clash.path == "stages[0].output", "\(clash)")
        #expect(clash.message.contains("'hash_2'"), "\(clash)")
        let output = try #require(H.bindFailure(spec: H.spec(#"{"stage": "hash", "columns": ["a"], "n_features": 3}"#), columns: ["a", "hash"]))
        #expect(output.path == "stages[0].output", "\(output)")
        // Hashing a column named like the block is fine: it leaves.
        #expect(H.bindFailure(spec: H.spec(#"{"stage": "hash", "columns": ["hash", "b"], "n_features": 3}"#), columns: ["hash", "b"]) == nil)
    }

    static func randomCategories(rows: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        let values = ["Paris", "Köln", "東京", "a=b", "😀", "", "NA", "x", "y", "z", "caf\u{e9}", "cafe\u{301}"]
        func cells() -> [String] { (0..<rows).map { _ in values.randomElement(using: &rng)! } }
        return csvText([("id", (0..<rows).map(String.init)), ("a", cells()), ("b", cells()), ("c", cells())])
    }

    func block(_ csv: String, columns: [String], features: Int, sign: Bool = true) throws -> [[Double]] {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let out = SimpleTable(try H.run(spec: H.spec(#"{"stage": "hash", "columns": [\#(names)], "n_features": \#(features), "alternate_sign": \#(sign)}"#), csv: csv))
        let indexes = (0..<features).map { j in out.header.firstIndex(of: "hash_\(j)")! }
        return out.rows.map { row in indexes.map { Double(row[$0])! } }
    }

    /// FeatureHasher sums its features: the block of several columns is the sum of each
    /// column's own block; a missing value adds nothing; without alternate_sign every entry is
    /// a count and a row's counts add up to its values present; with it, one feature per row
    /// lands in the same column, only its sign may flip.
    @Test func theBlockIsTheSumOfItsFeatures() throws {
        let csv = Self.randomCategories(rows: 80, seed: 41)
        let table = SimpleTable(csv)
        for features in [1, 2, 7, 64] {
            let together = try block(csv, columns: ["a", "b", "c"], features: features)
            let parts = try ["a", "b", "c"].map { try block(csv, columns: [$0], features: features) }
            for r in together.indices {
                let sum = (0..<features).map { j in parts.reduce(0) { $0 + $1[r][j] } }
                #expect(together[r] == sum, "row \(r), n_features \(features)")
            }
            let counts = try block(csv, columns: ["a", "b", "c"], features: features, sign: false)
            for (r, row) in counts.enumerated() {
                let present = ["a", "b", "c"].filter { !["", "NA"].contains(table.column($0)[r]) }.count
                #expect(row.reduce(0, +) == Double(present), "row \(r)")
                #expect(row.allSatisfy { $0 >= 0 })
            }
            let signed = try block(csv, columns: ["a"], features: features)
            let unsigned = try block(csv, columns: ["a"], features: features, sign: false)
            #expect(zip(signed, unsigned).allSatisfy { zip($0, $1).allSatisfy { abs($0) == $1 } })
        }
    }

    @Test func outputIsTheSameAtEveryChunking() throws {
        let csv = Self.randomCategories(rows: 120, seed: 42)
        let spec = H.spec(#"{"stage": "hash", "columns": ["c", "a"], "n_features": 5}"#)
        let reference = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
    }

    /// Nothing to learn: apply takes the spec as it is, and fit writes no fitted block.
    @Test func nothingToLearn() throws {
        let csv = Self.randomCategories(rows: 10, seed: 43)
        let spec = H.spec(#"{"stage": "hash", "columns": ["a"], "n_features": 4}"#)
        #expect(try H.apply(spec: spec, csv: csv) == (try H.run(spec: spec, csv: csv)))
        #expect(!(try FittedSpec(try H.fit(spec: spec, csv: csv))).hasFittedBlock(stage: 0))
    }
}
