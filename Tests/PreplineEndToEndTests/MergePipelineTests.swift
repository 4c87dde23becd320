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

    /// 40 partitions, the first two and two more of them empty: x and text missing in runs that
    /// cross partitions (ffill carries across runs of parts, and a filled text is a document), cities and words first seen in later
    /// partitions (the merged tables' order is first seen), a near-constant column at a large
    /// offset for an exact median.
    static let threadedSpec = #"""
    {"prepline": 1, "input": {"missing": ["", "NA"]}, "stages": [
      {"stage": "fill", "columns": ["x", "city", "text"], "strategy": "ffill", "value": "0"},
      {"stage": "scale", "columns": ["x"], "method": "zscore"},
      {"stage": "onehot", "columns": ["city"]},
      {"stage": "fill", "columns": ["offset"], "strategy": "median"},
      {"stage": "scale", "columns": ["offset"], "method": "robust"},
      {"stage": "tokenize", "columns": ["text"], "lowercase": true},
      {"stage": "tfidf", "columns": ["text"], "max_features": 30}
    ]}
    """#

    static func threadedPartition(_ p: Int) -> String {
        var text = "x,city,offset,text\n"
        guard ![0, 1, 9, 17].contains(p) else { return text }
        for r in 0..<(20 + p * 3) {
            let missing = (r + p * 5) % 11 < 4
            let x = missing ? "" : "\((r * 37 + p * 13) % 97)"
            let city = missing && r % 2 == 0 ? "" : "c\((r + p * 7) % (3 + p))"
            let offset = r % 7 == 3 ? "NA" : "\(1e10 + Double((r * p) % 13) * 1e-3)"
            // Texts missing in runs too: the filled ones are tfidf documents the merge must keep.
            let words = missing && r % 3 == 0 ? "" : "w\(r % 5) v\(p)_\(r % 4) u\((r * p) % 29)"
            text += "\(x),\(city),\(offset),\(words)\n"
        }
        return text
    }

    @Test("merge --threads: parts merged in runs on threads write the single fit's spec for any count, from files or stdin, with empty partitions first; the first bad part in input order is the one named")
    func threadsMergeInRuns() throws {
        let dir = try TempDir("prepline-merge-threads")
        let spec = try dir.write("spec.json", Self.threadedSpec)
        var whole = "x,city,offset,text\n"
        var parts: [String] = []
        for p in 0..<40 {
            let partition = Self.threadedPartition(p)
            whole += partition.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
            let csv = try dir.write("p\(p).csv", partition)
            let part = dir.file("p\(p).part")
            let fit = try prepline(["fit", spec, csv, "--partial", "-o", part, "-q"])
            #expect(fit.status == 0, "\(fit.stderr)")
            parts.append(part)
        }
        let wholeFile = try dir.write("whole.csv", whole)
        let single = try prepline(["fit", spec, wholeFile, "-q"], environment: Self.environment)
        #expect(single.status == 0, "\(single.stderr)")
        for (chunk, threads) in [("1K", "2"), ("300", "1")] {
            let chunked = try prepline(["fit", spec, wholeFile, "--chunk-size", chunk, "--threads", threads, "-q"], environment: Self.environment)
            expectSameBytes(chunked.stdout, single.stdout, "fit --chunk-size \(chunk) --threads \(threads)")
        }
        var mergedParts: [[UInt8]] = []
        for threads in ["1", "2", "3", "5"] {
            let merged = try prepline(["merge"] + parts + ["--threads", threads, "-q"], environment: Self.environment)
            #expect(merged.status == 0, "\(merged.stderr)")
            expectSameBytes(merged.stdout, single.stdout, "merge --threads \(threads)")
            let partial = try prepline(["merge"] + parts + ["--partial", "--threads", threads, "-q"])
            #expect(partial.status == 0, "\(partial.stderr)")
            mergedParts.append(partial.stdout)
        }
        #expect(Set(mergedParts).count == 1, "merge --partial depends on --threads")
        let lines = try parts.flatMap { try dir.read(($0 as NSString).lastPathComponent) }
        let fromStdin = try prepline(["merge", "-", "--threads", "2", "-q"], stdin: .pipe(lines), environment: Self.environment)
        expectSameBytes(fromStdin.stdout, single.stdout, "merge - --threads 2")

        // A part whose profile says it holds other statistics (its "needs") is refused wherever it
        // is, so no run starts from it.
        let tfidfNeeds = try #require(String(decoding: try dir.read("p20.part"), as: UTF8.self).firstMatch(of: /"needs":(\d+),"observed":\d+,"missing":\d+,"terms"/))
        let altered = try dir.write("needs.part", String(decoding: try dir.read("p20.part"), as: UTF8.self)
            .replacingOccurrences(of: String(tfidfNeeds.output.0), with: String(tfidfNeeds.output.0).replacingOccurrences(of: "\"needs\":\(tfidfNeeds.output.1),", with: "\"needs\":1,")))
        for threads in ["1", "2", "3"] {
            var list = parts
            list[20] = altered
            let merged = try prepline(["merge"] + list + ["--threads", threads, "-q"])
            #expect(merged.status == 2 && merged.stderr.contains("needs.part") && merged.stderr.contains("altered"), "--threads \(threads): \(merged.stderr)")
        }

        // Bad parts in two runs: the first in input order is named, for any thread count.
        let broken = try dir.write("broken.part", "{\"prepline_part\": 2, \"spec_digest\": 1}\n")
        let reordered = dir.file("reordered.part")
        let reorderedCSV = try dir.write("reordered.csv", "city,x,offset,text\nc1,1,2,w1\n")
        #expect(try prepline(["fit", spec, reorderedCSV, "--partial", "-o", reordered, "-q"]).status == 0)
        let gone = parts[3] + ".gone"
        // With 3 threads the 37 parts after the first with rows go in runs of 3-14, 15-26 and 27-39.
        for (bad, named) in [([(5, broken), (30, gone)], "broken.part"), ([(30, gone)], "p3.part.gone"), ([(20, reordered), (30, gone)], "reordered.part")] {
            var list = parts
            for (index, path) in bad { list[index] = path }
            var messages: [String] = []
            for threads in ["1", "3"] {
                let merged = try prepline(["merge"] + list + ["--threads", threads, "-q"])
                #expect(merged.status != 0 && merged.stderr.contains(named), "\(merged.stderr)")
                messages.append(merged.stderr)
            }
            #expect(messages[0] == messages[1], "\(messages)")
        }
    }
}
