import Foundation
import Testing

/// prepline under Apache Spark itself (DESIGN E2): PySpark in local mode (`local[2]`, a 512 MB
/// driver) runs `fit --partial` per partition through `rdd.pipe`, the driver merges, `rdd.pipe`
/// runs `apply` per partition, and the output is the bytes of one `prepline run` — in the
/// file-list shape and the line-split shape (`Tests/Spark/spark_partial_fit.py`). Without
/// pyspark or Java the test fails with the install hint (`make test` installs pyspark).
@Suite("Apache Spark")
struct SparkTests {
    @Test("rdd.pipe fit --partial, merge on the driver, rdd.pipe apply: both shapes reproduce prepline run")
    func sparkPipesPrepline() throws {
        let binary = try E2E.requireBinary()
        let env = try E2E.tool("env")
        let dir = try TempDir("prepline-spark")
        let original = E2E.packageRoot.appendingPathComponent("pipelines/penguins-features.json").path
        let sample = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample)))
        for (i, partition) in PartialFitTests.partitions(bytes, count: 5, header: true).enumerated() {
            _ = try dir.write("part-\(i).csv", partition)
        }
        let names = String(decoding: PartialFitTests.records(bytes, quote: 0x22, delimiter: 0x2C)[0].dropLast(), as: UTF8.self)
            .split(separator: ",").map { "\"\($0)\"" }
        let specText = String(decoding: try [UInt8](Data(contentsOf: URL(fileURLWithPath: original))), as: UTF8.self)
            .replacingOccurrences(of: "\"input\": {", with: "\"input\": {\"header\": \"if-present\", \"columns\": [\(names.joined(separator: ", "))],")
            .replacingOccurrences(of: "\"header\": true,", with: "")
        let ifPresent = try dir.write("if-present.json", specText)
        let script = E2E.packageRoot.appendingPathComponent("Tests/Spark/spark_partial_fit.py").path
        let java = FileManager.default.isExecutableFile(atPath: "/usr/bin/java")
        try #require(java, "Java is missing: apt-get install openjdk-17-jre-headless (PySpark runs on a JVM)")
        let result = try runProcess(env, ["python3", script, binary, original, ifPresent, sample, dir.path], timeout: 300)
        #expect(!result.timedOut, "the Spark job took more than 300 s")
        #expect(result.status == 0, "\(result.stderr.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        #expect(result.stdoutText.contains("ok: both shapes reproduce prepline run"), "\(result.stdoutText)")
    }
}
