import Foundation
import Testing
@testable import PreplineCore

/// `ffill` carries values from chunk to chunk (and file to file) while chunks run in parallel:
/// the output must be the in-order forward fill at every chunk size and thread count.
@Suite struct ForwardFillTests {
    @Test(arguments: 0..<8)
    func forwardFillIsTheSameAtEveryChunkSizeAndThreadCount(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(4000 + seed))
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Long runs of missing values, so whole chunks have none of their own.
        var rows: [(String, String)] = []
        for i in 0..<Int.random(in: 1...300, using: &rng) {
            let missing = Int.random(in: 0..<10, using: &rng) < 8
            rows.append(("\(i)", missing ? ["", "NA"].randomElement(using: &rng)! : "v\(Int.random(in: 0...9, using: &rng))"))
        }
        // Split over 1-3 files; the carry crosses files too.
        let parts = Int.random(in: 1...3, using: &rng)
        var inputs: [String] = []
        for part in 0..<parts {
            let slice = rows[(part * rows.count / parts)..<((part + 1) * rows.count / parts)]
            let path = directory.appendingPathComponent("part\(part).csv").path
            _ = FileManager.default.createFile(atPath: path, contents: Data((["id,t"] + slice.map { "\($0.0),\($0.1)" }).joined(separator: "\n").utf8 + [0x0A]))
            inputs.append(path)
        }
        // The expected output, computed here in input order.
        var expected = "id,t,t_missing\n"
        var last: String?
        for (id, value) in rows {
            let isMissing = value.isEmpty || value == "NA"
            if !isMissing { last = value }
            expected += "\(id),\(isMissing ? (last ?? "") : value),\(isMissing ? 1 : 0)\n"
        }
        let spec = directory.appendingPathComponent("spec.json").path
        _ = FileManager.default.createFile(atPath: spec, contents: Data(#"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["t"], "strategy": "ffill", "indicator": true, "value": ""}]}"#.utf8))
        for chunkSize in [1, 3, 64, 1 << 20] {
            for threads in [1, 2, 4] {
                let output = directory.appendingPathComponent("out-\(chunkSize)-\(threads).csv").path
                var options = TransformOptions(specPath: spec)
                options.inputs = inputs
                options.output = output
                options.engine = EngineOptions(threads: threads, chunkSize: chunkSize)
                options.progress = .never
                _ = try TransformCommand.execute(options)
                let written = try String(contentsOfFile: output, encoding: .utf8)
                #expect(written == expected, "seed \(seed), chunk \(chunkSize), threads \(threads), \(parts) files")
            }
        }
    }
}
