import Foundation
import Testing

/// `merge` adds a part's term counts straight from its bytes into the merged table
/// (`TermCounts.merge(from:)`): files and stdin in any mix keep their order, a bad part stops
/// the merge naming it, and a part that lists a term twice is still refused, first or later.
@Suite("merge: term counts merged from the part's bytes")
struct MergePipelineTests {
    static let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
    static let spec = #"""
    {"prepline": 1, "stages": [
      {"stage": "fill", "columns": ["x"], "strategy": "median"},
      {"stage": "tokenize", "columns": ["text"], "lowercase": true},
      {"stage": "tfidf", "columns": ["text"], "max_features": 20}
    ]}
    """#

    static func partition(_ seed: Int, rows: Int) -> String {
        let words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "theta", "iota", "kappa"]
        var text = "x,text\n"
        for r in 0..<rows {
            let a = words[(r * 7 + seed * 3) % words.count], b = words[(r * r + seed) % words.count]
            text += (r % 9 == 0 ? "" : "\((r * 31 + seed * 17) % 101)") + ",\(a) \(b) w\(seed)_\(r % 13)\n"
        }
        return text
    }

    @Test("parts from files and stdin, mixed, merge in the order given to the fitted spec of the parts merged one by one; a bad part names itself")
    func filesAndStdinInOrder() throws {
        let dir = try TempDir("prepline-merge-pipeline")
        let spec = try dir.write("spec.json", Self.spec)
        var parts: [String] = []
        for p in 0..<5 {
            let csv = try dir.write("p\(p).csv", Self.partition(p, rows: 40 + p * 11))
            let part = dir.file("p\(p).part")
            let fit = try prepline(["fit", spec, csv, "--partial", "-o", part, "-q"])
            #expect(fit.status == 0, "\(fit.stderr)")
            parts.append(part)
        }
        let order = [0, 3, 1, 1, 4, 2, 0]
        let fromFiles = try prepline(["merge"] + order.map { parts[$0] } + ["-q"], environment: Self.environment)
        #expect(fromFiles.status == 0, "\(fromFiles.stderr)")
        // The same order one merge at a time: --partial folds, then the last merge finishes.
        var folded = parts[order[0]]
        for (i, p) in order.dropFirst().dropLast().enumerated() {
            let next = dir.file("fold\(i).part")
            #expect(try prepline(["merge", folded, parts[p], "--partial", "-o", next, "-q"]).status == 0)
            folded = next
        }
        let stepwise = try prepline(["merge", folded, parts[order.last!], "-q"], environment: Self.environment)
        #expect(stepwise.status == 0 && stepwise.stdout == fromFiles.stdout, "\(stepwise.stderr)")
        // Parts 3, 1, 1 read from stdin between files.
        let lines = try [3, 1, 1].flatMap { try dir.read("p\($0).part") }
        let mixed = try prepline(["merge", parts[0], "-", parts[4], parts[2], parts[0], "-q"], stdin: .pipe(lines), environment: Self.environment)
        #expect(mixed.status == 0 && mixed.stdout == fromFiles.stdout, "\(mixed.stderr)")
        // A missing part in the middle stops the merge with exit 3 and its name.
        let missing = try prepline(["merge", parts[0], parts[1], dir.file("gone.part"), parts[2], "-q"])
        #expect(missing.status == 3 && missing.stderr.contains("gone.part"), "\(missing.stderr)")
    }

    @Test("a part whose term counts list a term twice is refused with exit 2, first or later")
    func termListedTwiceIsRefused() throws {
        let dir = try TempDir("prepline-merge-twice")
        let spec = try dir.write("spec.json", Self.spec)
        let csv = try dir.write("p.csv", Self.partition(1, rows: 30))
        let good = dir.file("good.part")
        #expect(try prepline(["fit", spec, csv, "--partial", "-o", good, "-q"]).status == 0)
        var text = String(decoding: try dir.read("good.part"), as: UTF8.self)
        // The first term once more, with a count each.
        let terms = try #require(text.range(of: #""terms":[""#))
        let firstEnd = try #require(text[terms.upperBound...].firstIndex(of: "\""))
        let first = String(text[terms.upperBound..<firstEnd])
        text.replaceSubrange(terms, with: #""terms":[""# + first + #"",""#)
        text = text.replacingOccurrences(of: #""documents":["#, with: #""documents":[1,"#)
        text = text.replacingOccurrences(of: #""occurrences":["#, with: #""occurrences":[1,"#)
        let twice = try dir.write("twice.part", text)
        for parts in [[twice, good], [good, twice]] {
            let merged = try prepline(["merge"] + parts + ["-q"])
            #expect(merged.status == 2 && merged.stderr.contains("twice.part") && merged.stderr.contains("twice"), "\(merged.stderr)")
        }
    }
}
