import Foundation
import Testing

/// Numbers at the ends of a double's range: a column holding both -1.7e308 and 1.7e308 has a
/// range wider than a double holds. numpy's histogram refuses it ("Too many bins for data
/// range"); profile trapped converting a NaN bin position to Int. It now draws finite bins.
@Suite("profile: numbers at the ends of a double's range")
struct ProfileEdgeValueTests {
    @Test func aRangeWiderThanADoubleGetsFiniteBins() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let input = try dir.write("wide.csv", "x\n-1.7e308\n0\n1.7e308\n1e308\n")
        let result = try prepline(["profile", input, "-q", "--json", dir.file("p.json")])
        #expect(result.status == 0, "\(result)")
        let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p.json"))) as? [String: Any]
        let column = (document?["columns"] as? [[String: Any]])?.first
        let histogram = column?["histogram"] as? [String: Any]
        let edges = histogram?["edges"] as? [Double] ?? []
        let counts = histogram?["counts"] as? [Int] ?? []
        #expect(edges.count == counts.count + 1 && !counts.isEmpty, "\(String(describing: histogram))")
        #expect(edges.allSatisfy(\.isFinite) && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "\(edges)")
        #expect(edges.first == -1.7e308 && edges.last == 1.7e308, "\(edges)")
        #expect(counts.reduce(0, +) == 4 && counts.first == 1 && counts.last == 1, "\(counts)")
    }
}
