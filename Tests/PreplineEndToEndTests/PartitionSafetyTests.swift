import Foundation
import Testing

/// What a fresh-eyes review of the scale-out commands found (DESIGN E2, G2): an ffill partition
/// with nothing to carry, a refusal that came one cluster pass too late, part bytes that
/// depended on the chunk size, outputs that could replace the spec or the pass state, stdin
/// read twice, and `explain` counting too few rounds.
@Suite("partition safety")
struct PartitionSafetyTests {
    static let environment = ["SOURCE_DATE_EPOCH": "1700000000"]
    static var penguins: String { E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path }
    static func pipeline(_ name: String) -> String { E2E.packageRoot.appendingPathComponent("pipelines/\(name)").path }

    /// `apply` of a fitted ffill spec on a partition with no value to carry (the header line
    /// alone, as the Spark recipe's driver writes the header; or an all-missing run) leaves the
    /// run missing, as docs/distributed.md says; `run` on such data still refuses (nothing to fit).
    @Test func applyLeavesAnUncarriedFfillRunMissing() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("ffill.json", #"{"prepline":1,"input":{"missing":["NA"]},"stages":[{"stage":"fill","columns":["x"],"strategy":"ffill"},{"stage":"scale","columns":["x"],"method":"zscore"}]}"#)
        let train = try dir.write("train.csv", "x\n1\nNA\n3\n")
        let fitted = dir.file("fitted.json")
        #expect(try prepline(["fit", spec, train, "-o", fitted, "-q"], environment: Self.environment).status == 0)

        let headerOnly = try prepline(["apply", fitted, "-q"], stdin: .pipe(Array("x\n".utf8)))
        #expect(headerOnly.status == 0, "\(headerOnly)")
        #expect(headerOnly.stdoutText == "x\n")

        let allMissing = try prepline(["apply", fitted, "-q"], stdin: .pipe(Array("x\nNA\nNA\n".utf8)))
        #expect(allMissing.status == 0, "\(allMissing)")
        #expect(allMissing.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).count == 4, "header, two rows, end: \(allMissing.stdoutText)")

        let run = try prepline(["run", spec, "-q"], stdin: .pipe(Array("x\nNA\n".utf8)))
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("nothing to carry"))
    }

    /// A spec whose ffill runs before a later fit pass cannot be fitted in partitions: said by the
    /// first pass's `fit --partial` (not only when the whole cluster starts pass 2) and by explain.
    @Test func ffillBeforeALaterPassIsRefusedInTheFirstPass() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("ff2.json", #"{"prepline":1,"input":{"missing":["NA"]},"stages":[{"stage":"fill","columns":["sex"],"strategy":"ffill"},{"stage":"onehot","columns":["sex"]},{"stage":"scale","columns":["sex_*"],"method":"zscore"}]}"#)
        let single = try prepline(["fit", spec, Self.penguins, "-o", dir.file("fitted.json"), "-q"], environment: Self.environment)
        #expect(single.status == 0, "one fit of the spec works: \(single)")

        let part = try prepline(["fit", spec, Self.penguins, "--partial", "-o", dir.file("p.part"), "-q"])
        #expect(part.status == 2, "\(part)")
        #expect(part.stderr.contains("cannot be fitted in partitions") && part.stderr.contains(spec), "\(part.stderr)")
        #expect(!dir.exists("p.part"))

        let explain = try prepline(["explain", spec])
        #expect(explain.status == 0)
        #expect(explain.stdoutText.contains("partitions: refused"), "\(explain.stdoutText)")
    }

    /// A part's bytes are the same at every chunk size and thread count (the exact sums are
    /// written in their shortest digits), so parts can be hashed and deduplicated.
    @Test func partBytesDoNotDependOnChunkSizeOrThreads() throws {
        _ = try E2E.requireBinary()
        for name in ["penguins-features.json", "penguins-clip.json"] {
            let spec = Self.pipeline(name)
            let reference = try prepline(["fit", spec, Self.penguins, "--partial", "-o", "-", "-q"])
            #expect(reference.status == 0, "\(reference)")
            for arguments in [["--chunk-size", "1K"], ["--chunk-size", "4K", "--threads", "1"], ["--chunk-size", "64K", "--threads", "3"]] {
                let other = try prepline(["fit", spec, Self.penguins, "--partial", "-o", "-", "-q"] + arguments)
                #expect(other.status == 0, "\(other)")
                let same = other.stdout == reference.stdout
                #expect(same, "\(name) \(arguments): the part differs from the default chunking's")
            }
        }
    }

    /// `-o` (or `--report`) naming the spec, the fitted spec or the pass state is refused before
    /// anything is read or written: the file the command reads is kept.
    @Test func outputsNeverReplaceWhatTheCommandReads() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let specText = try String(contentsOfFile: Self.pipeline("penguins-features.json"), encoding: .utf8)
        let spec = try dir.write("spec.json", specText)
        let fitted = dir.file("fitted.json")
        #expect(try prepline(["fit", spec, Self.penguins, "-o", fitted, "-q"], environment: Self.environment).status == 0)
        let fittedBytes = try dir.read("fitted.json")

        let cases: [(arguments: [String], file: String, role: String)] = [
            (["fit", spec, Self.penguins, "-o", spec], "spec.json", "the spec"),
            (["fit", spec, Self.penguins, "--partial", "-o", spec], "spec.json", "the spec"),
            (["apply", fitted, Self.penguins, "-o", fitted], "fitted.json", "the fitted spec"),
            (["validate", spec, Self.penguins, "--report", "json:" + spec], "spec.json", "the spec"),
        ]
        for c in cases {
            let before = try dir.read(c.file)
            let result = try prepline(c.arguments + ["-q"])
            #expect(result.status == 2, "\(c.arguments): \(result)")
            #expect(result.stderr.contains("is the same file as \(c.role)"), "\(c.arguments): \(result.stderr)")
            #expect(try dir.read(c.file) == before, "\(c.arguments) changed \(c.file)")
        }
        #expect(try dir.read("fitted.json") == fittedBytes)

        // A pass state given as -o of the pass it starts.
        let twoPass = Self.pipeline("penguins-clip.json")
        let part = try prepline(["fit", twoPass, Self.penguins, "--partial", "-o", dir.file("1.part"), "-q"])
        #expect(part.status == 0, "\(part)")
        let merged = try prepline(["merge", dir.file("1.part"), "-o", dir.file("state"), "-q"])
        #expect(merged.status == 0, "\(merged)")
        let state = try dir.read("state")
        let again = try prepline(["fit", twoPass, Self.penguins, "--partial", "--pass-state", dir.file("state"), "-o", dir.file("state"), "-q"])
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr.contains("is the same file as --pass-state"), "\(again.stderr)")
        #expect(try dir.read("state") == state)
    }

    /// stdin read by two roles would give the second an empty stream (an empty part, data lost,
    /// exit 0): refused, naming both.
    @Test func stdinIsReadOnlyOnce() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = Self.pipeline("penguins-features.json")
        let specBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: spec)))
        let list = try dir.write("list.txt", Self.penguins + "\n")
        let cases: [(arguments: [String], stdin: [UInt8])] = [
            (["fit", "-", "--input-list", "-", "--partial", "-o", "-"], specBytes),
            (["apply", "-", "--input-list", "-"], specBytes),
            (["fit", spec, "--input-list", "-", "--partial", "-o", "-"], Array("-\n".utf8)),
            (["fit", spec, "--partial", "--pass-state", "-", "-o", "-"], Array("x\n".utf8)),
            (["fit", spec, "-", "--partial", "--pass-state", "-", "-o", "-"], Array("x\n".utf8)),
        ]
        for c in cases {
            let result = try prepline(c.arguments + ["-q"], stdin: .pipe(c.stdin))
            #expect(result.status == 2, "\(c.arguments): \(result)")
            #expect(result.stderr.contains("can be read only once"), "\(c.arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(c.arguments) wrote \(result.stdoutText)")
        }
        // One reader of stdin is fine.
        let ok = try prepline(["fit", spec, "--input-list", "-", "--partial", "-o", "-", "-q"], stdin: .pipe(try dir.read("list.txt")))
        #expect(ok.status == 0, "\(ok)")
        #expect(!ok.stdout.isEmpty)
        _ = list
    }

    /// Without an input, explain finds the second pass a column rewritten by a stage that must be
    /// fitted first causes (clip then scale on one column), as the fit does; and the rounds agree
    /// with the partitioned fit.
    @Test func explainCountsARewrittenColumnAsAnotherRound() throws {
        _ = try E2E.requireBinary()
        let spec = Self.pipeline("penguins-clip.json")
        let explain = try prepline(["explain", spec])
        #expect(explain.status == 0)
        #expect(explain.stdoutText.contains("partitions: 2 or more rounds"), "\(explain.stdoutText)")
        #expect(explain.stdoutText.contains("is rewritten by stages[0] clip"), "\(explain.stdoutText)")
        // The fit itself: merging the first round writes a pass state, not the fitted spec.
        let dir = try TempDir()
        #expect(try prepline(["fit", spec, Self.penguins, "--partial", "-o", dir.file("1.part"), "-q"]).status == 0)
        let merged = try prepline(["merge", dir.file("1.part"), "-o", dir.file("out")])
        #expect(merged.status == 0, "\(merged)")
        #expect(merged.stderr.contains("pass state"), "\(merged.stderr)")
    }

    /// A part, a pass state or a profile given where a spec belongs is named for what it is, with
    /// the command that takes it; input-block typos are named as typos.
    @Test func documentsGivenAsASpecAreNamed() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let part = dir.file("a.part"), state = dir.file("state")
        #expect(try prepline(["fit", Self.pipeline("penguins-clip.json"), Self.penguins, "--partial", "-o", part, "-q"]).status == 0)
        #expect(try prepline(["merge", part, "-o", state, "-q"]).status == 0)
        for (arguments, expected) in [(["apply", part, Self.penguins], "is a part written by `prepline fit --partial`"),
                                      (["explain", state], "is a pass state written by `prepline merge`"),
                                      (["fit", part, Self.penguins], "is a part written by `prepline fit --partial`")] {
            let result = try prepline(arguments)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        let typo = try dir.write("typo.json", #"{"prepline":1,"input":{"header":"if_present","columns":["a"]},"stages":[]}"#)
        let typoResult = try prepline(["explain", typo])
        #expect(typoResult.status == 2)
        #expect(typoResult.stderr.contains(#"did you mean "if-present""#), "\(typoResult.stderr)")
        let misspelt = try dir.write("colums.json", #"{"prepline":1,"input":{"header":"if-present","colums":["a"]},"stages":[]}"#)
        let misspeltResult = try prepline(["explain", misspelt])
        #expect(misspeltResult.status == 2)
        #expect(misspeltResult.stderr.contains("input.colums"), "\(misspeltResult.stderr)")
    }

    /// The merge that finishes a later fit pass checks that its parts read the rows the pass
    /// before read: a partition left out (or given twice) in pass 2 would learn that pass's
    /// statistics from other rows than pass 1's, silently.
    @Test func aLaterPassMissingAPartitionIsRefused() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = Self.pipeline("penguins-clip.json")
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.penguins)))
        let files = try PartialFitTests.partitions(data, count: 3, header: true).enumerated().map { try dir.write("p\($0).csv", $1) }
        for (i, file) in files.enumerated() {
            #expect(try prepline(["fit", spec, file, "--partial", "-o", dir.file("\(i).part1"), "-q"]).status == 0)
        }
        let state = dir.file("state")
        #expect(try prepline(["merge"] + files.indices.map { dir.file("\($0).part1") } + ["-o", state, "-q"]).status == 0)
        for (i, file) in files.enumerated() {
            #expect(try prepline(["fit", spec, file, "--partial", "--pass-state", state, "-o", dir.file("\(i).part2"), "-q"]).status == 0)
        }
        let short = try prepline(["merge", dir.file("0.part2"), dir.file("1.part2"), "-o", dir.file("short"), "-q"])
        #expect(short.status == 2, "\(short)")
        #expect(short.stderr.contains("a partition is missing or was given twice"), "\(short.stderr)")
        #expect(!dir.exists("short"))
        let twice = try prepline(["merge", dir.file("0.part2"), dir.file("1.part2"), dir.file("2.part2"), dir.file("2.part2"), "-o", dir.file("twice"), "-q"])
        #expect(twice.status == 2, "\(twice)")
        // All of them, once each: the merge goes on (a pass state or the fitted spec).
        let whole = try prepline(["merge", dir.file("0.part2"), dir.file("1.part2"), dir.file("2.part2"), "-o", dir.file("next"), "-q"])
        #expect(whole.status == 0, "\(whole)")
        // A part of another pass state (here: pass 1's) does not merge with them.
        let mixed = try prepline(["merge", dir.file("0.part2"), dir.file("1.part1"), "-o", dir.file("mixed"), "-q"])
        #expect(mixed.status == 2, "\(mixed)")
    }

    /// An error of the merged statistics (a variance past a double's range, which no single part
    /// has) names the merged parts, not the first part; a missing part says what it is.
    @Test func mergeErrorsNameWhatFailed() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("z.json", #"{"prepline":1,"stages":[{"stage":"scale","columns":["a"],"method":"zscore"}]}"#)
        for (index, value) in ["1e300", "-1e300"].enumerated() {
            let input = try dir.write("z\(index).csv", "a\n\(value)\n")
            #expect(try prepline(["fit", spec, input, "--partial", "-o", dir.file("z\(index).part"), "-q"]).status == 0)
        }
        let whole = try dir.write("all.csv", "a\n1e300\n-1e300\n")
        let single = try prepline(["fit", spec, whole, "-o", "-", "-q"])
        let merged = try prepline(["merge", dir.file("z0.part"), dir.file("z1.part"), "-o", dir.file("m.json"), "-q"])
        #expect(merged.status == single.status && merged.status == 2, "\(merged)")
        #expect(merged.stderr.contains("the merged parts: stages[0]") && !merged.stderr.contains("z0.part"), "\(merged.stderr)")

        let missing = try prepline(["merge", dir.file("z0.part"), dir.file("nope.part"), "-q"])
        #expect(missing.status == 3, "\(missing)")
        #expect(missing.stderr.contains("cannot open the part"), "\(missing.stderr)")
    }

    /// A part whose counts were damaged (a negative row or value count) is a malformed part
    /// (exit 2): it used to merge into a wrong mean without a word.
    @Test func aNegativeCountInAPartIsRefused() throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let part = try prepline(["fit", Self.pipeline("penguins-features.json"), Self.penguins, "--partial", "-o", "-", "-q"])
        #expect(part.status == 0, "\(part)")
        let text = part.stdoutText
        for (damage, replacement) in [("\"count\":", "\"count\":-"), ("\"rows\":", "\"rows\":-"), ("\"counts\":[", "\"counts\":[-"),
                                      ("\"observed\":", "\"observed\":-"), ("\"missing\":", "\"missing\":-")] {
            guard let range = text.range(of: damage) else { Issue.record("no \(damage) in the part"); continue }
            let damaged = try dir.write("d.part", text.replacingCharacters(in: range, with: replacement))
            let merged = try prepline(["merge", damaged, "-o", dir.file("m.json"), "-q"])
            #expect(merged.status == 2, "\(damage): \(merged)")
            #expect(merged.stderr.contains("count") || merged.stderr.contains("negative"), "\(merged.stderr)")
        }
    }

    /// The term counts of a tokenize/tfidf column are read by their own readers: in the layout
    /// parts are written in, straight from the bytes (`TermCounts.mergeCompact`, for the first
    /// part as for later ones), else member by member. Both took a negative document or
    /// occurrence count and merged it; they refuse it as every other count of a part is refused.
    @Test(arguments: ["documents", "occurrences"])
    func aNegativeTermCountInAPartIsRefused(array: String) throws {
        _ = try E2E.requireBinary()
        let dir = try TempDir()
        let spec = try dir.write("tfidf.json", #"{"prepline":1,"stages":[{"stage":"tokenize","columns":["text"]},{"stage":"tfidf","columns":["text"]}]}"#)
        let data = try dir.write("t.csv", "id,text\n1,the cat sat\n2,the dog ran\n3,a cat ran on the mat\n")
        let good = dir.file("good.part")
        let fit = try prepline(["fit", spec, data, "--partial", "-o", good, "-q"])
        try #require(fit.status == 0, "\(fit)")
        let text = String(decoding: try dir.read("good.part"), as: UTF8.self)
        // The part's own rows count, damaged: the message every negative count gets.
        let rows = try dir.write("rows.part", text.replacingOccurrences(of: "\"rows\":3", with: "\"rows\":-3"))
        let rowsMerged = try prepline(["merge", rows, good, "-o", dir.file("m.json"), "-q"])
        #expect(rowsMerged.status == 2 && rowsMerged.stderr.contains("rows.part: not a prepline part: a count is negative (-3)"), "\(rowsMerged)")

        let open = try #require(text.range(of: "\"\(array)\":["), "the part has \(array): \(text)")
        let close = try #require(text[open.upperBound...].firstIndex(of: "]"))
        let counts = text[open.upperBound..<close].split(separator: ",").map(String.init)
        try #require(counts.count >= 3, "\(text)")
        for element in [0, 1, counts.count - 1] {
            var damagedCounts = counts
            damagedCounts[element] = "-" + counts[element]
            let damaged = text.replacingCharacters(in: open.upperBound..<close, with: damagedCounts.joined(separator: ","))
            // As written, and with a space after each ':' (read member by member).
            for (layout, bytes) in [("compact", damaged), ("spaced", damaged.replacingOccurrences(of: "\":", with: "\": "))] {
                let bad = try dir.write("bad.part", bytes)
                for order in [[bad, good], [good, bad], [good, good, bad]] {
                    let merged = try prepline(["merge"] + order + ["-o", dir.file("m.json"), "-q"])
                    let context = "\(array)[\(element)] \(layout), at \(order.firstIndex(of: bad)!): \(merged)"
                    #expect(merged.status == 2, "\(context)")
                    #expect(merged.stderr.contains("bad.part: not a prepline part: a count is negative (-\(counts[element]))"), "\(context)")
                    #expect(!dir.exists("m.json"), "\(context)")
                }
            }
        }
        let merged = try prepline(["merge", good, good, "-o", dir.file("m.json"), "-q"])
        #expect(merged.status == 0, "the undamaged part merges: \(merged)")
    }
}
