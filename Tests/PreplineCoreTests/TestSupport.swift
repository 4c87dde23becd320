import Foundation
@_exported import PreplineTestSupport
@testable import PreplineCore

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
func readRecords(_ inputs: [String], dialect: InputDialect, threads: Int, chunkSize: Int,
                 parser: FieldParser = .fast) throws -> (header: DatasetHeader?, records: [[String]]) {
    var records: [[String]] = []
    var options = EngineOptions(threads: threads, chunkSize: chunkSize)
    options.parser = parser
    let header = try StreamingEngine.run(
        inputs: inputs, dialect: dialect, options: options,
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
