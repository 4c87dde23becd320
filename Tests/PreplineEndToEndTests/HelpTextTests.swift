import Foundation
import Testing

/// The help and the README say what the binary does (issue 12, "docs that disagree").
@Suite("Help and README agree with the binary")
struct HelpTextTests {
    /// The stage kinds the spec accepts, from the JSON Schema (which the stage registry drives).
    static func stageKinds() throws -> [String] {
        let schema = try prepline(["schema"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(schema.stdout)) as? [String: Any])
        let defs = try #require(object["$defs"] as? [String: Any])
        return defs.keys.filter { $0.hasPrefix("stage_") }.map { String($0.dropFirst("stage_".count)) }.sorted()
    }

    @Test("the top-level help lists every stage kind")
    func topLevelStages() throws {
        let help = try prepline(["--help"])
        #expect(help.status == 0)
        let kinds = try Self.stageKinds()
        #expect(kinds.count >= 5)
        let text = help.stdoutText.replacingOccurrences(of: "\n", with: " ")
        // The overview's list of stage kinds is the registry's, every kind in it.
        let overview = try #require(text.range(of: "A spec chains stages (").map { text[$0.upperBound...].prefix { $0 != ")" } })
        #expect(Set(overview.components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }) == Set(kinds), "\(help.stdoutText)")
        for kind in kinds { #expect(text.contains(kind), "\(kind) missing from the top help") }
    }

    @Test("the top-level help gives each stage's summary, the one its schema branch has (both from the registry)")
    func topLevelSummaries() throws {
        let help = try prepline(["--help"], environment: ["COLUMNS": "80"])
        let schema = try prepline(["schema"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(schema.stdout)) as? [String: Any])
        let defs = try #require(object["$defs"] as? [String: Any])
        let words = help.stdoutText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("STAGES "), "\(help.stdoutText)")
        for kind in try Self.stageKinds() {
            let summary = try #require((defs["stage_\(kind)"] as? [String: Any])?["description"] as? String)
            #expect(words.contains("\(kind): \(summary)"), "\(kind)'s summary missing from the top help")
        }
    }

    @Test("help schema does not claim that schema and checks are left out")
    func helpSchema() throws {
        let help = try prepline(["help", "schema"])
        #expect(help.status == 0)
        let text = help.stdoutText.replacingOccurrences(of: "\n", with: " ")
        #expect(!text.contains("are not in it"), "\(help.stdoutText)")
        #expect(text.contains("\"checks\""), "\(help.stdoutText)")
    }

    @Test("no preformatted block of a command's help wraps onto column 0", arguments: ["run", "fit", "apply", "validate", "profile", "explain", "schema"])
    func noBadWraps(command: String) throws {
        let help = try prepline([command, "--help"], environment: ["COLUMNS": "80"])
        #expect(help.status == 0)
        let lines = help.stdoutText.components(separatedBy: "\n")
        for (previous, line) in zip(lines, lines.dropFirst()) where previous.hasPrefix("  ") && !line.isEmpty && !line.hasPrefix(" ") {
            // After an indented line only a heading may start at column 0 (EXAMPLES, OPTIONS:).
            #expect(line.first?.isUppercase == true && line.prefix(4).allSatisfy { $0.isUppercase },
                    "\(command) --help: a wrapped line: \"\(previous)\" / \"\(line)\"")
        }
    }

    @Test("help and README state the same memory bound for --chunk-size, the engine's")
    func memoryBound() throws {
        let help = try prepline(["run", "--help"], environment: ["COLUMNS": "400"])
        let readme = try String(contentsOf: E2E.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let bound = "(5 × threads + 5)"
        #expect(help.stdoutText.contains("At most 2 × threads + 2 chunks are in flight"), "\(help.stdoutText)")
        #expect(help.stdoutText.contains(bound), "\(help.stdoutText)")
        #expect(readme.contains(bound) && readme.contains("At most 2 × threads + 2 chunks are in flight"))
        #expect(!readme.contains("Memory is about threads × chunk size"))
    }

    @Test("the README says to what tolerance numbers agree with scikit-learn, and why")
    func readmeTolerance() throws {
        let readme = try String(contentsOf: E2E.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(!readme.contains("Numbers equal scikit-learn"))
        #expect(readme.contains("max(1e-12·|a|, floor)") && readme.contains("noise_floor"))
        #expect(readme.contains("pairwise sums"))
    }

    @Test("explain: TF-IDF placeholders are terms, not categories; a schema is not a plain pass-through")
    func explainWords() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "id,text\n1,hello world\n")
        try tmp.write("tfidf.json", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["text"]}]}"#)
        let tfidf = try prepline(["explain", "tfidf.json", "--input", "in.csv"], cwd: tmp.path)
        #expect(tfidf.status == 0, "\(tfidf)")
        #expect(tfidf.stdoutText.contains("text_<term>…  (one per vocabulary term"), "\(tfidf)")
        #expect(!tfidf.stdoutText.contains("one per category"), "\(tfidf)")
        try tmp.write("schema.json", #"{"prepline": 1, "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "text"}]}}"#)
        let schema = try prepline(["explain", "schema.json", "--input", "in.csv"], cwd: tmp.path)
        #expect(schema.status == 0, "\(schema)")
        #expect(!schema.stdoutText.contains("passes through as it is"), "\(schema)")
        #expect(schema.stdoutText.contains("check every row against it"), "\(schema)")
    }
}
