import Foundation
import Testing

/// `prepline profile` (DESIGN.md F2): every figure of its JSON against pandas itself on the same
/// file (`Tests/ProfileReference/check_profile.py`), the same bytes at any chunk size and thread
/// count, the budgets' estimates within their stated errors, the emitted spec accepted by
/// `validate`, and the text table within the terminal's width.
@Suite struct ProfileTests {
    static let checker = E2E.packageRoot.appendingPathComponent("Tests/ProfileReference/check_profile.py").path
    static let samples = E2E.packageRoot.appendingPathComponent("samples").path

    /// Generated data with what a profile must get right: missing values (several tokens) in
    /// numeric and text columns, an integer column with missing values, an all-missing column,
    /// zeros and negatives, ties in the value counts, duplicate rows, non-ASCII text, booleans,
    /// dates, and a block of rows where two columns go missing together.
    static let generator = """
        import random, sys
        rng = random.Random(int(sys.argv[2]))
        n = int(sys.argv[1])
        words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "ηta", "theta", "iota", "kappa", "lambda", "mu"]
        out = sys.stdout
        out.write("id,x,k,word,flag,day,empty,y,note\\n")
        rows = []
        for i in range(n):
            block = (i // 97) % 5 == 2
            x = "" if block or rng.random() < 0.07 else ("%.3f" % rng.gauss(0, 50) if rng.random() < 0.9 else "0")
            k = "NA" if rng.random() < 0.05 else str(rng.randint(-3, 12))
            word = "null" if block or rng.random() < 0.04 else rng.choice(words)
            flag = rng.choice(["true", "false", "True"])
            day = "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))
            y = "%.2e" % (rng.random() * 10 ** rng.randint(-3, 6)) if rng.random() > 0.1 else "NA"
            note = rng.choice(["ok", "ok", '"check, again"', '"say ""hi"" now"', "ü"]) if rng.random() > 0.3 else ""
            rows.append(f"{i % (n // 3 + 1) if i % 11 == 0 else i},{x},{k},{word},{flag},{day},,{y},{note}")
        for i in range(0, n, 50):
            rows.append(rows[i])
        out.write("\\n".join(rows) + "\\n")
        """
    static let tokens = ["", "NA", "null"]

    static func spec(in dir: TempDir) throws -> String {
        try dir.write("spec.json", #"{"prepline": 1, "input": {"missing": ["", "NA", "null"]}, "stages": []}"#)
    }

    static func generate(_ rows: Int, seed: Int = 1, in dir: TempDir) throws -> String {
        let result = try runProcess(try E2E.tool("env"), ["python3", "-c", generator, String(rows), String(seed)])
        try #require(result.status == 0, "generator: \(result.stderr)")
        return try dir.write("data-\(rows)-\(seed).csv", result.stdout)
    }

    static func checkWithPandas(_ data: String, _ json: String, tokens: [String]? = nil, sep: String = ",", estimates: Bool = false,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        var arguments = ["python3", checker, data, json, "--sep", sep]
        if let tokens { arguments += ["--missing", String(decoding: try JSONEncoder().encode(tokens), as: UTF8.self)] }
        if estimates { arguments.append("--estimates") }
        let result = try runProcess(try E2E.tool("env"), arguments, timeout: 120)
        #expect(result.status == 0, "pandas disagrees on \(data):\n\(result.stdoutText)\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["iris.csv", "penguins.csv", "penguins-raw.csv", "commons-speeches.csv", "tricky.csv"])
    func everyFigureEqualsPandasOnTheSamples(_ sample: String) throws {
        let dir = try TempDir("profile-samples")
        let data = "\(Self.samples)/\(sample)"
        let result = try prepline(["profile", data, "--json", dir.file("p.json"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        try Self.checkWithPandas(data, dir.file("p.json"))
    }

    @Test func everyFigureEqualsPandasOnTabSeparatedData() throws {
        let dir = try TempDir("profile-tsv")
        let data = "\(Self.samples)/tricky.tsv"
        let result = try prepline(["profile", data, "--delimiter", "\\t", "--json", dir.file("p.json"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        try Self.checkWithPandas(data, dir.file("p.json"), sep: "\t")
    }

    @Test func everyFigureEqualsPandasOnGeneratedDataWithMissingValues() throws {
        let dir = try TempDir("profile-generated")
        let data = try Self.generate(6000, in: dir)
        let result = try prepline(["profile", data, "--spec", try Self.spec(in: dir), "--json", dir.file("p.json"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        try Self.checkWithPandas(data, dir.file("p.json"), tokens: Self.tokens)
        // What the data was built to hold is in the profile (so the comparison above covers it).
        let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p.json"))) as! [String: Any]
        let columns = document["columns"] as! [[String: Any]]
        let types = Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as! String, $0["type"] as! String) })
        #expect(types == ["id": "integer", "x": "number", "k": "integer", "word": "string", "flag": "boolean", "day": "date",
                          "empty": "any", "y": "number", "note": "string"])
        #expect((document["duplicate_rows"] as! Int) > 0)
        #expect(((document["missingness"] as! [String: Any])["bands"] as! [Any]).count == 200, "200 bands from 200 rows on")
    }

    @Test func theSameBytesAtAnyChunkSizeAndThreadCount() throws {
        let dir = try TempDir("profile-determinism")
        let data = try Self.generate(5000, seed: 2, in: dir)
        let spec = try Self.spec(in: dir)
        for budgets in [[], ["--distinct-budget", "40", "--quantile-budget", "30"]] {
            var reference: [UInt8]?
            for (threads, chunk) in [("1", "1M"), ("1", "1K"), ("2", "3K"), ("4", "64K"), ("3", "517")] {
                let out = dir.file("p-\(threads)-\(chunk).json")
                let result = try prepline(["profile", data, "--spec", spec, "--json", out, "-q", "--threads", threads, "--chunk-size", chunk] + budgets)
                try #require(result.status == 0, "\(result.stderr)")
                let bytes = try dir.read("p-\(threads)-\(chunk).json")
                if let reference { expectSameBytes(bytes, reference, "--threads \(threads) --chunk-size \(chunk) \(budgets)") } else { reference = bytes }
            }
        }
    }

    /// Tiny budgets: the figures past them are flagged, and within their stated errors.
    @Test func pastTheBudgetsTheEstimatesAreFlaggedAndWithinTheirErrors() throws {
        let dir = try TempDir("profile-budgets")
        let data = try Self.generate(8000, seed: 3, in: dir)
        let result = try prepline(["profile", data, "--spec", try Self.spec(in: dir), "--json", dir.file("p.json"), "-q",
                                   "--distinct-budget", "20", "--quantile-budget", "25"])
        try #require(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p.json"))) as! [String: Any]
        let columns = Dictionary(uniqueKeysWithValues: (document["columns"] as! [[String: Any]]).map { ($0["name"] as! String, $0) })
        #expect(columns["id"]!["distinct_exact"] as? Bool == false)
        #expect(columns["x"]!["quantiles_exact"] as? Bool == false)
        #expect(columns["x"]!["histogram_exact"] as? Bool == false)
        #expect(columns["note"]!["distinct_exact"] as? Bool == true, "5 distinct values stay exact")
        #expect(columns["day"]!["top_exact"] as? Bool == false)
        #expect(document["duplicate_rows_exact"] as? Bool == false)
        try Self.checkWithPandas(data, dir.file("p.json"), tokens: Self.tokens, estimates: true)
    }

    /// A column keeps at most 65,536 texts while all its values are numbers: one that turns to
    /// text after 70,000 distinct numbers has estimated text figures, flagged, and the same bytes
    /// at any chunk size (the first texts kept are the first in input order).
    @Test func aNumericColumnThatTurnsToTextFlagsItsTextFigures() throws {
        let dir = try TempDir("profile-numeric-phase")
        var text = "x,y\n"
        for i in 0..<70_000 { text += "\(i),\(i % 3)\n" }
        text += "word,1\n"
        let data = try dir.write("turns.csv", text)
        var reference: [UInt8]?
        for chunk in ["1M", "5K"] {
            let result = try prepline(["profile", data, "--json", dir.file("p.json"), "-q", "--chunk-size", chunk])
            try #require(result.status == 0, "\(result.stderr)")
            let bytes = try dir.read("p.json")
            if let reference { expectSameBytes(bytes, reference, "--chunk-size \(chunk)") } else { reference = bytes }
        }
        let document = try JSONSerialization.jsonObject(with: Data(reference!)) as! [String: Any]
        let x = (document["columns"] as! [[String: Any]])[0]
        #expect(x["type"] as? String == "string")
        #expect(x["distinct_exact"] as? Bool == false && x["top_exact"] as? Bool == false)
        try Self.checkWithPandas(data, dir.file("p.json"), estimates: true)
    }

    @Test func theEmittedSpecValidatesTheSameData() throws {
        let dir = try TempDir("profile-emit-spec")
        for (data, spec) in [(try Self.generate(3000, seed: 4, in: dir), try Self.spec(in: dir)), ("\(Self.samples)/penguins.csv", nil)] {
            let emitted = dir.file("emitted.json")
            let result = try prepline(["profile", data, "--emit-spec", emitted, "-q"] + (spec.map { ["--spec", $0] } ?? []))
            try #require(result.status == 0, "\(result.stderr)")
            let validated = try prepline(["validate", emitted, data, "-q"])
            #expect(validated.status == 0, "validate refuses the emitted spec on \(data): \(validated.stderr)")
            let emittedSpec = try JSONSerialization.jsonObject(with: Data(try dir.read("emitted.json"))) as! [String: Any]
            let fields = ((emittedSpec["schema"] as! [String: Any])["fields"] as! [[String: Any]])
            #expect(!fields.isEmpty && fields.contains { $0["constraints"] != nil })
            #expect(!(emittedSpec["checks"] as! [Any]).isEmpty)
        }
    }

    @Test func theTableFitsTheTerminalWidth() throws {
        let dir = try TempDir("profile-table")
        let data = try dir.write("wide.csv", "a_column_with_a_really_long_name_that_cannot_fit,b\n1,x\n2,y\n")
        for width in [40, 60, 100] {
            let result = try prepline(["profile", data, "-q"], environment: ["COLUMNS": String(width)])
            try #require(result.status == 0, "\(result.stderr)")
            let lines = result.stdoutText.split(separator: "\n")
            #expect(lines.count == 4)
            for line in lines { #expect(line.count <= width, "COLUMNS=\(width): \(line)") }
            #expect(lines[1].contains("…"))
        }
    }

    @Test func usageErrorsExitTwo() throws {
        let dir = try TempDir("profile-usage")
        let data = try dir.write("d.csv", "a\n1\n")
        #expect(try prepline(["profile", data, "--distinct-budget", "0"]).status == 2)
        #expect(try prepline(["profile", data, "--json", data]).status == 2, "the output would overwrite the input")
        let missing = try prepline(["profile", dir.file("nope.csv")])
        #expect(missing.status == 3)
    }

    /// Review findings: a document on stdout is the whole of stdout; two columns of one name are
    /// refused as run refuses them; a value cannot drive the terminal; wide characters take two cells.
    @Test func aDocumentOnStdoutIsAloneDuplicateNamesAreRefusedAndTheTableIsSafeForTerminals() throws {
        let dir = try TempDir("profile-review")
        let data = try dir.write("s.csv", "v\n5\n6\n")
        for option in ["--json", "--html"] {
            let result = try prepline(["profile", data, option, "-", "-q"])
            try #require(result.status == 0, "\(result.stderr)")
            #expect(!result.stdoutText.contains("column type"), "\(option) -: the table was appended")
        }
        let json = try prepline(["profile", data, "--json", "-", "-q"])
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdoutText.utf8))) != nil, "not one JSON document")

        let duplicate = try dir.write("d.csv", "a,a,b\n1,,3\n")
        let refused = try prepline(["profile", duplicate, "--json", dir.file("d.json")])
        #expect(refused.status == 3 && refused.stderr.contains("duplicate column name 'a'"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("d.json")))

        let escape = try dir.write("c.csv", "a\n\"\u{1B}[31mred\u{1B}[0m\"\n")
        let table = try prepline(["profile", escape, "-q"])
        #expect(!table.stdoutText.contains("\u{1B}") && table.stdoutText.contains("\\x1B[31mred"), "\(table.stdoutText)")

        let wide = try dir.write("w.csv", "名前の長い列名前の長い列名前の長い列名前の長い列,値\n東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京東京,1\n")
        let cjk = try prepline(["profile", wide, "-q"], environment: ["COLUMNS": "80"])
        for line in cjk.stdoutText.split(separator: "\n") {
            let cells = line.unicodeScalars.reduce(0) { $0 + ((0x3000...0x9FFF).contains($1.value) ? 2 : 1) }
            #expect(cells <= 80, "\(cells) cells: \(line)")
        }
    }
}
