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
}
