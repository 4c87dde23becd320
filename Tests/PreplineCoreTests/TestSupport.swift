import Foundation
@testable import PreplineCore

/// A deterministic generator (SplitMix64), so a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared` beside the checkout, as in CI.
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prepline-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Reads every data record of `inputs` through the engine, as strings, in output order.
func readRecords(_ inputs: [String], dialect: InputDialect, threads: Int, chunkSize: Int) throws -> (header: DatasetHeader?, records: [[String]]) {
    var records: [[String]] = []
    let header = try StreamingEngine.run(
        inputs: inputs, dialect: dialect, options: EngineOptions(threads: threads, chunkSize: chunkSize),
        counters: EngineCounters(), onHeader: { _ in },
        makeProcessor: { _ in
            { (work: inout ChunkWork) throws(PreplineError) -> [[String]] in
                (0..<work.parsed.recordCount).filter { work.isGood($0) }.map { work.parsed.strings(ofRecord: $0) }
            }
        },
        consume: { delivery in
            records += delivery.payload
            return true
        })
    return (header, records)
}
