import Foundation
import Testing

/// The Hadoop Streaming recipe of docs/distributed.md (`docs/hadoop/mapper.sh`, `reducer.sh`),
/// run the way Hadoop would, locally: one mapper per input path (given out of order, one with
/// NLineInputFormat's offset and tab before the path), `sort`, one reducer. The fitted spec is
/// the one `prepline fit` writes for the whole input.
@Suite("Hadoop Streaming recipe")
struct HadoopStreamingTests {
    @Test("cat paths | mapper | sort | reducer writes fit's fitted spec")
    func mapperSortReducer() throws {
        let binary = try E2E.requireBinary()
        let dir = try TempDir("prepline-hadoop")
        let spec = try dir.write("spec.json", PartialFitTests.ffillSpec)
        let data = PartialFitTests.generated(rows: 300, seed: 42)
        let whole = try dir.write("whole.csv", data)
        let single = try prepline(["fit", spec, whole, "-q"], environment: PartialFitTests.environment)
        let paths = try PartialFitTests.partitions(data, count: 4, header: true).enumerated().map { try dir.write("part-0000\($0).csv", $1) }
        let docs = E2E.packageRoot.appendingPathComponent("docs/hadoop").path
        // Mappers in another order than the data's; the second gets "OFFSET<TAB>PATH".
        let script = """
            set -e
            for line in '\(paths[2])' '0\t\(paths[1])' '\(paths[3])' '\(paths[0])'; do
                printf '%b\\n' "$line" | sh '\(docs)/mapper.sh'
            done | LC_ALL=C sort | sh '\(docs)/reducer.sh'
            """
        let sh = try E2E.tool("sh")
        let result = try runProcess(sh, ["-c", script], environment: ["SPEC": spec, "PREPLINE": binary, "SOURCE_DATE_EPOCH": "1700000000"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        expectSameBytes(result.stdout, single.stdout, "mapper | sort | reducer")
    }

    /// A spec that needs another fit pass, as docs/distributed.md tells: the first job's reducer
    /// writes a pass state, the second job's mappers get it as PASS_STATE, and its reducer writes
    /// the fitted spec `fit` writes.
    @Test("a two-pass spec: the second job's mappers take PASS_STATE")
    func twoPassJobs() throws {
        let binary = try E2E.requireBinary()
        let dir = try TempDir("prepline-hadoop2")
        let spec = E2E.packageRoot.appendingPathComponent("pipelines/penguins-clip.json").path
        let data = try [UInt8](Data(contentsOf: E2E.packageRoot.appendingPathComponent("samples/penguins.csv")))
        let whole = try dir.write("whole.csv", data)
        let single = try prepline(["fit", spec, whole, "-q"], environment: PartialFitTests.environment)
        #expect(single.status == 0)
        let paths = try PartialFitTests.partitions(data, count: 3, header: true).enumerated().map { try dir.write("part-0000\($0).csv", $1) }
        let docs = E2E.packageRoot.appendingPathComponent("docs/hadoop").path
        let job = """
            set -e
            for path in '\(paths[1])' '\(paths[0])' '\(paths[2])'; do
                printf '%s\\n' "$path" | sh '\(docs)/mapper.sh'
            done | LC_ALL=C sort | sh '\(docs)/reducer.sh'
            """
        let sh = try E2E.tool("sh")
        var environment = ["SPEC": spec, "PREPLINE": binary, "SOURCE_DATE_EPOCH": "1700000000"]
        var output: RunResult?
        for round in 1...4 {
            let result = try runProcess(sh, ["-c", job], environment: environment, timeout: 60)
            #expect(result.status == 0, "round \(round): \(result.stderr)")
            if result.stdout.starts(with: Array(#"{"prepline_pass_state""#.utf8)) {
                environment["PASS_STATE"] = try dir.write("state\(round)", result.stdout)
                continue
            }
            output = result
            #expect(round > 1, "penguins-clip needs more than one round")
            break
        }
        let fitted = try #require(output, "no round wrote the fitted spec")
        expectSameBytes(fitted.stdout, single.stdout, "two-pass mapper | sort | reducer")
    }
}
