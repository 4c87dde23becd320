import Foundation
import Testing
@testable import PreplineCore

/// Output buffers go worker → writer → pool. If any step keeps a reference, the pool's
/// `removeAll(keepingCapacity:)` copies on write: a fresh multi-megabyte allocation per chunk,
/// freed on another thread, which fragmented the heap (the full workload's peak RSS grew from
/// 1M to 4M rows until the engine moved payloads instead of copying them).
@Suite struct BufferPoolTests {
    @Test func aBufferStillReferencedElsewhereIsCountedAsShared() {
        let pool = BufferPool(limit: 4)
        var unique = pool.take(minimumCapacity: 100)
        unique.append(contentsOf: [1, 2, 3])
        pool.give(&unique)
        var held = pool.take(minimumCapacity: 100)
        held.append(contentsOf: [4, 5, 6])
        let copy = held
        pool.give(&held)
        #expect(copy == [4, 5, 6])
        #expect(pool.returnCount == 2)
        #expect(pool.sharedReturns == 1)
    }

    @Test(arguments: [1, 2, 3])
    func theEngineHandsPayloadsToTheConsumerUniquelyOwned(threads: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prepline-pool-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "id,value\n"
        for i in 0..<20_000 { text += "\(i),\(i * 7 % 1000)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let pool = BufferPool(limit: EngineOptions.maxChunksInFlight(threads: threads) + threads)
        var delivered = 0
        try StreamingEngine.run(
            inputs: [path], dialect: InputDialect(), options: EngineOptions(threads: threads, chunkSize: 4096),
            counters: EngineCounters(), onHeader: { _ in },
            makeProcessor: { _ in
                { (work: inout ChunkWork) throws(PreplineError) -> [UInt8] in
                    var out = pool.take(minimumCapacity: work.raw.bytes.count)
                    out.append(contentsOf: work.raw.bytes)
                    return out
                }
            },
            consume: { (delivery: consuming ChunkDelivery<[UInt8]>) throws(PreplineError) -> Bool in
                delivered += delivery.payload.count
                pool.give(&delivery.payload)
                return true
            })
        #expect(delivered == text.utf8.count - "id,value\n".utf8.count)
        #expect(pool.returnCount > 40)
        #expect(pool.sharedReturns == 0)
    }
}
