import Foundation
import Testing

/// `prepline schema` and `prepline explain`.
///
/// The schema is checked with an independent validator (Python's `jsonschema`, draft 2020-12)
/// from both sides: every spec the decoder accepts validates (the examples, the conformance
/// cases, the fitted specs `prepline fit` writes), and specs the decoder refuses for their shape
/// are refused by the schema too.
///
/// `SchemaCheck` (Support/SchemaCheck.swift) runs that validator.
@Suite("prepline schema")
struct SchemaTests {
    @Test("prints one valid JSON Schema (draft 2020-12) on stdout, covering every stage kind")
    func schemaIsJSON() throws {
        let result = try prepline(["schema"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdoutText.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["additionalProperties"] as? Bool == false)
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["$schema", "prepline", "input", "training", "stages", "output", "schema", "checks"], "$schema is accepted for editors")
        let defs = try #require(object["$defs"] as? [String: Any])
        let kinds = ["fill", "scale", "onehot", "tokenize", "tfidf", "clean", "log", "clip", "ordinal", "bin", "hash", "datetime", "select", "drop", "rename"]
        let learnsNothing: Set<String> = ["tokenize", "clean", "log", "hash", "select", "drop", "rename"]
        for kind in kinds {
            let stage = try #require(defs["stage_\(kind)"] as? [String: Any], "no schema for stage \(kind)")
            #expect(stage["additionalProperties"] as? Bool == false)
            #expect(!(stage["description"] as? String ?? "").isEmpty)
            let options = try #require(stage["properties"] as? [String: Any])
            // tokenize and clean learn nothing, so they have no fitted block.
            #expect((options["fitted"] != nil) == !learnsNothing.contains(kind), "\(kind): the fitted block is described")
        }
        let stages = try #require(properties["stages"] as? [String: Any])
        // One if/then branch per stage kind, chosen by "stage" (see SchemaBestMatchTests).
        let branches = try #require((stages["items"] as? [String: Any])?["allOf"] as? [Any])
        #expect(branches.count == kinds.count)
        #expect(defs.keys.filter { $0.hasPrefix("stage_") }.count == kinds.count, "a stage kind this test does not know")

        // The meta-schema check runs in the validator (check_schema) along with an empty list.
        let tmp = try TempDir()
        _ = try SchemaCheck.errors(of: [], schema: try SchemaCheck.schemaFile(in: tmp))
    }

    @Test("every pipelines/*.json validates against it")
    func pipelinesValidate() throws {
        let tmp = try TempDir()
        let schema = try SchemaCheck.schemaFile(in: tmp)
        let directory = E2E.packageRoot.appendingPathComponent("pipelines").path
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
            .map { "\(directory)/\($0)" }
        #expect(files.count >= 5)
        let errors = try SchemaCheck.errors(of: files, schema: schema)
        #expect(errors.count == files.count)
        for file in files {
            #expect(errors[file] == [], "\(file): \(errors[file] ?? ["not checked"])")
        }
    }

    /// Specs the decoder refuses for their shape; the schema must refuse them too.
    static let invalid: [(String, String)] = [
        ("unknown top-level key", #"{"prepline": 1, "stages": [], "extra": true}"#),
        ("no version", #"{"stages": []}"#),
        ("version 2", #"{"prepline": 2, "stages": []}"#),
        ("unknown Table Schema key", #"{"prepline": 1, "schema": {"fields": [], "extra": 1}, "stages": []}"#),
        ("unknown field type", #"{"prepline": 1, "schema": {"fields": [{"name": "a", "type": "time"}]}, "stages": []}"#),
        ("checks is not an array", #"{"prepline": 1, "checks": {}, "stages": []}"#),
        ("unknown check", #"{"prepline": 1, "checks": [{"check": "median"}], "stages": []}"#),
        ("stages is not an array", #"{"prepline": 1, "stages": {}}"#),
        ("unknown input key", #"{"prepline": 1, "input": {"sep": ","}, "stages": []}"#),
        ("two-character delimiter", #"{"prepline": 1, "input": {"delimiter": ";;"}, "stages": []}"#),
        ("line break as quote", #"{"prepline": 1, "input": {"quote": "\n"}, "stages": []}"#),
        ("header is not a boolean", #"{"prepline": 1, "input": {"header": "yes"}, "stages": []}"#),
        ("missing is not a list of strings", #"{"prepline": 1, "input": {"missing": [1]}, "stages": []}"#),
        ("bad output format", #"{"prepline": 1, "stages": [], "output": {"format": "tsv"}}"#),
        ("bad on_error", #"{"prepline": 1, "stages": [], "output": {"on_error": "ignore"}}"#),
        ("unknown output key", #"{"prepline": 1, "stages": [], "output": {"compress": true}}"#),
        ("unknown stage", #"{"prepline": 1, "stages": [{"stage": "impute", "columns": ["age"]}]}"#),
        ("bad tfidf norm", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["city"], "norm": "l3"}]}"#),
        ("max_df a float above 1", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["city"], "max_df": 1.5}]}"#),
        ("bad tfidf output", #"{"prepline": 1, "stages": [{"stage": "tfidf", "columns": ["city"], "output": "csr"}]}"#),
        ("stopwords french", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["city"], "stopwords": "french"}]}"#),
        ("ngrams of three", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["city"], "ngrams": [1, 2, 3]}]}"#),
        ("strip_accents ascii", #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["city"], "strip_accents": "ascii"}]}"#),
        ("no stage key", #"{"prepline": 1, "stages": [{"columns": ["age"]}]}"#),
        ("no columns", #"{"prepline": 1, "stages": [{"stage": "fill", "strategy": "mean"}]}"#),
        ("empty columns", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": []}]}"#),
        ("columns is a string", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": "age"}]}"#),
        ("unknown stage key", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "stratgy": "mean"}]}"#),
        ("bad fill strategy", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "strategy": "average"}]}"#),
        ("constant without value", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["city"], "strategy": "constant"}]}"#),
        ("value is a list", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["city"], "strategy": "constant", "value": ["x"]}]}"#),
        ("indicator is a string", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "indicator": "true"}]}"#),
        ("bad scale method", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "z"}]}"#),
        ("range with zscore", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "range": [0, 2]}]}"#),
        ("clip with robust", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "robust", "clip": true}]}"#),
        ("with_mean with minmax", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "minmax", "with_mean": false}]}"#),
        ("range of three", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "minmax", "range": [0, 1, 2]}]}"#),
        ("quantile_range above 100", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "robust", "quantile_range": [25, 175]}]}"#),
        ("bad handle_unknown", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "handle_unknown": "drop"}]}"#),
        ("bad drop", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "drop": "last"}]}"#),
        ("min_frequency 0", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "min_frequency": 0}]}"#),
        ("min_frequency 1.5", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "min_frequency": 1.5}]}"#),
        ("max_categories 0", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "max_categories": 0}]}"#),
        ("categories as a list", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "categories": ["a", "b"]}]}"#),
        ("a category that is a number", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "categories": {"city": ["a", 1]}}]}"#),
        ("fitted fill without value", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["age"], "fitted": {"age": {"mean": 3}}}]}"#),
        ("fitted zscore with a minmax key", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "fitted": {"age": {"mean": 1, "scale": 2, "min": 0}}}]}"#),
        ("fitted minmax without min", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "minmax", "fitted": {"age": {"scale": 2}}}]}"#),
        ("fitted onehot with an unknown key", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "fitted": {"city": {"cats": ["a"]}}}]}"#),
    ]

    @Test("invalid specs are refused by the schema, and by prepline (exit 2)")
    func invalidSpecsRejected() throws {
        let tmp = try TempDir()
        let schema = try SchemaCheck.schemaFile(in: tmp)
        try tmp.write("in.csv", "age,income,city,score\n30,1000,Oslo,0.5\n,2000,,0.7\n")
        var files: [String] = []
        for (i, (label, text)) in Self.invalid.enumerated() {
            let file = try tmp.write("invalid-\(i).json", text)
            files.append(file)
            let run = try prepline(["run", file, tmp.file("in.csv"), "-q"])
            #expect(run.status == 2, "\(label): prepline should refuse it as a spec error: \(run)")
        }
        let errors = try SchemaCheck.errors(of: files, schema: schema)
        for (file, (label, text)) in zip(files, Self.invalid) {
            #expect(errors[file]?.isEmpty == false, "\(label): the schema accepts \(text)")
        }
    }

    @Test("every conformance spec prepline accepts validates, and so does the fitted spec prepline fit writes")
    func decoderAcceptedSpecsValidate() throws {
        let tmp = try TempDir()
        let schema = try SchemaCheck.schemaFile(in: tmp)
        let env = try E2E.tool("env")
        let scripts = E2E.packageRoot.appendingPathComponent("Tests/Conformance").path
        let made = try runProcess(env, ["python3", "\(scripts)/make_cases.py", tmp.file("cases")], timeout: 120)
        try #require(made.status == 0, "make_cases.py failed: \(made.stderr)")
        let cases = try FileManager.default.contentsOfDirectory(atPath: tmp.file("cases"))
            .filter { FileManager.default.fileExists(atPath: tmp.file("cases/\($0)/spec.json")) }.sorted()
        #expect(cases.count >= 50)

        var accepted: [String] = []
        var fitted: [String] = []
        for name in cases {
            let dir = tmp.file("cases/\(name)")
            let data = FileManager.default.fileExists(atPath: "\(dir)/fit.csv") ? "\(dir)/fit.csv" : "\(dir)/input.csv"
            let fit = try prepline(["fit", "\(dir)/spec.json", data, "-o", "\(dir)/fitted.json", "-q"])
            // Exit 2 is a spec error (or, after decoding, a column with no observed values):
            // those specs are not accepted, and the schema may refuse them.
            guard fit.status != 2 else { continue }
            accepted.append("\(dir)/spec.json")
            if fit.status == 0 { fitted.append("\(dir)/fitted.json") }
        }
        #expect(accepted.count >= 80, "only \(accepted.count) of \(cases.count) conformance specs were accepted")
        #expect(fitted.count >= 70)
        let errors = try SchemaCheck.errors(of: accepted + fitted, schema: schema)
        for file in accepted + fitted {
            #expect(errors[file] == [], "\(file) is accepted by prepline but not by the schema: \(errors[file] ?? ["not checked"])\n\((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")")
        }
    }

    @Test("--help explains the command and lists the exit codes")
    func help() throws {
        let result = try prepline(["schema", "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText.contains("JSON Schema (draft 2020-12)"))
        #expect(result.stdoutText.contains("EXAMPLES"))
        #expect(result.stdoutText.contains("EXIT CODES"))
        let top = try prepline(["--help"])
        #expect(top.stdoutText.contains("schema") && top.stdoutText.contains("explain"), "\(top)")
    }
}

@Suite("schema and explain output")
struct SchemaExplainOutputTests {
    @Test("a reader that has gone (| true) ends the command quietly with 0", arguments: ["schema", "explain pipelines/passthrough.json"])
    func closedPipe(command: String) throws {
        let binary = try E2E.requireBinary()
        // The reader exits first, so the write meets a closed pipe (EPIPE).
        let script = #"set -o pipefail; { sleep 0.3; "$0" "# + command + #"; } | true"#
        let result = try runProcess(try E2E.tool("bash"), ["-c", script, binary], cwd: E2E.packageRoot.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("an output that cannot be written is exit 4", .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func fullDevice() throws {
        let binary = try E2E.requireBinary()
        let result = try runProcess(try E2E.tool("bash"), ["-c", #""$0" schema > /dev/full"#, binary])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("stdout"), "\(result)")
    }
}

@Suite("prepline explain")
struct ExplainTests {
    static let features = """
        {
          "prepline": 1,
          "input": { "missing": ["NA"] },
          "stages": [
            { "stage": "fill",   "columns": ["*_mm", "body_mass_g"], "strategy": "mean" },
            { "stage": "scale",  "columns": ["*_mm", "body_mass_g"], "method": "zscore" },
            { "stage": "fill",   "columns": ["sex"], "strategy": "most_frequent", "indicator": true },
            { "stage": "onehot", "columns": ["species", "island", "sex"] }
          ]
        }
        """

    static let penguins = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path

    /// The lines after `output columns…:`, trimmed.
    static func outputColumns(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("output columns") }) else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("without --input: the stages with their options, what they learn, the passes, the columns as named")
    func withoutInput() throws {
        let tmp = try TempDir()
        let spec = try tmp.write("spec.json", Self.features)
        let result = try prepline(["explain", spec])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let text = result.stdoutText
        for expected in [
            "[0] fill  strategy=mean\n", "columns: *_mm, body_mass_g\n", "learns the mean of *_mm, body_mass_g\n",
            "[1] scale  method=zscore\n", "learns the mean and standard deviation of *_mm, body_mass_g\n",
            "[2] fill  strategy=most_frequent indicator=true\n", "learns the most frequent value of sex\n",
            "[3] onehot  handle_unknown=error (default)\n", "learns the categories of species, island, sex\n",
            "run:   2 passes: fit, then transform", "apply: 1 pass",
            "output columns: the input's columns in their order",
            "stages[2] fill: adds <col>_missing", "stages[3] onehot: expands each column",
        ] {
            #expect(text.contains(expected), "missing \(expected.debugDescription) in:\n\(text)")
        }
    }

    @Test("with --input: globs resolved, output columns in order, one-hot columns as placeholders until fitted")
    func withInput() throws {
        let tmp = try TempDir()
        let spec = try tmp.write("spec.json", Self.features)
        let result = try prepline(["explain", spec, "--input", Self.penguins])
        #expect(result.status == 0, "\(result)")
        let text = result.stdoutText
        #expect(text.contains("8 columns (from its header): species, island, bill_length_mm"), "\(text)")
        #expect(text.contains("columns: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g  (from *_mm, body_mass_g)\n"), "\(text)")
        #expect(text.contains("adds sex_missing\n"), "\(text)")
        #expect(text.contains("expands species into species_<category>…\n"), "\(text)")
        #expect(text.contains("2 passes: fit, then transform"), "\(text)")
        #expect(text.contains("output columns (known once fitted):\n"), "\(text)")
        #expect(Self.outputColumns(text) == [
            "species_<category>…  (one per category, learned by stages[3] onehot)",
            "island_<category>…  (one per category, learned by stages[3] onehot)",
            "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
            "sex_<category>…  (one per category, learned by stages[3] onehot)",
            "sex_missing", "year",
        ], "\(text)")
    }

    @Test("a fitted spec: nothing to fit, one pass, and the real output columns, equal to apply's header")
    func fittedSpec() throws {
        let tmp = try TempDir()
        let spec = try tmp.write("spec.json", Self.features)
        let fit = try prepline(["fit", spec, Self.penguins, "-o", tmp.file("fitted.json"), "-q"])
        try #require(fit.status == 0, "\(fit)")
        let result = try prepline(["explain", tmp.file("fitted.json"), "--input", Self.penguins])
        #expect(result.status == 0, "\(result)")
        let text = result.stdoutText
        #expect(text.contains("run:   1 pass: nothing to fit\n"), "\(text)")
        #expect(text.contains("fitted: the mean of bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g frozen in the spec"), "\(text)")
        #expect(text.contains("expands species into species_Adelie, species_Chinstrap, species_Gentoo\n"), "\(text)")
        let apply = try prepline(["apply", tmp.file("fitted.json"), Self.penguins, "-q"])
        try #require(apply.status == 0, "\(apply)")
        let header = apply.stdoutText.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        #expect(text.contains("output columns (\(header.count)):\n"), "\(text)")
        #expect(Self.outputColumns(text) == header, "\(text)")
    }

    @Test("given categories are known before fitting; the rest stay placeholders")
    func givenCategories() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "city,device,age\nOslo,ios,3\n")
        let spec = try tmp.write("spec.json", #"""
            {"prepline": 1, "stages": [
              {"stage": "onehot", "columns": ["city"], "categories": {"city": ["Oslo", "Rome", null]}, "drop": "first"},
              {"stage": "onehot", "columns": ["dev*"]},
              {"stage": "scale", "columns": ["age"], "method": "minmax", "range": [-1, 1]}
            ]}
            """#)
        let result = try prepline(["explain", spec, "--input", tmp.file("in.csv")])
        #expect(result.status == 0, "\(result)")
        let text = result.stdoutText
        #expect(text.contains("[0] onehot  categories={\"city\": [\"Oslo\", \"Rome\", null]} drop=first handle_unknown=error (default)\n"), "\(text)")
        #expect(text.contains("nothing to learn\n"), "\(text)")
        #expect(text.contains("[2] scale  method=minmax range=[-1, 1]\n"), "\(text)")
        #expect(text.contains("learns the minimum and maximum of age\n"), "\(text)")
        #expect(Self.outputColumns(text) == [
            "city_Rome", "city_nan", "device_<category>…  (one per category, learned by stages[1] onehot)", "age",
        ], "\(text)")
    }

    @Test("every pipelines/*.json explains, with and without its sample's header")
    func pipelines() throws {
        let directory = E2E.packageRoot.appendingPathComponent("pipelines").path
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".json") }).sorted() {
            let bare = try prepline(["explain", "pipelines/\(file)"], cwd: E2E.packageRoot.path)
            #expect(bare.status == 0, "\(file): \(bare)")
            for part in ["stages:\n", "passes:\n", "  run:   ", "output columns"] {
                #expect(bare.stdoutText.contains(part), "\(file): no \(part.debugDescription): \(bare)")
            }
        }
        let withInput = try prepline(["explain", "pipelines/passthrough.json", "--input", "samples/penguins.csv"], cwd: E2E.packageRoot.path)
        #expect(withInput.status == 0, "\(withInput)")
        #expect(withInput.stdoutText.contains("run:   1 pass: nothing to fit\n"), "\(withInput)")
        #expect(Self.outputColumns(withInput.stdoutText) == ["species", "island", "bill_length_mm", "bill_depth_mm",
                                                             "flipper_length_mm", "body_mass_g", "sex", "year"], "\(withInput)")
    }

    @Test("a header-less gzip input: numbered columns, globs over them")
    func headerlessGzip() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv.gz", try gzip(Array("1,2,x\n3,4,y\n".utf8), in: tmp))
        let spec = try tmp.write("spec.json", #"""
            {"prepline": 1, "input": {"header": false}, "stages": [{"stage": "scale", "columns": ["column_[1-2]"], "method": "maxabs"}]}
            """#)
        let result = try prepline(["explain", spec, "--input", tmp.file("in.csv.gz")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText.contains("3 columns (no header: numbered): column_1, column_2, column_3"), "\(result)")
        #expect(result.stdoutText.contains("columns: column_1, column_2  (from column_[1-2])\n"), "\(result)")
        #expect(Self.outputColumns(result.stdoutText) == ["column_1", "column_2", "column_3"], "\(result)")
    }

    @Test("errors: spec errors and unknown columns exit 2, a missing or empty input exits 3")
    func errors() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "age,city\n1,Oslo\n")
        try tmp.write("empty.csv", "")
        let bad = try tmp.write("bad.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["age"], "method": "z"}]}"#)
        let unknownColumn = try tmp.write("unknown.json", #"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["agee"]}]}"#)

        let badSpec = try prepline(["explain", bad])
        #expect(badSpec.status == 2, "\(badSpec)")
        #expect(badSpec.stderr.contains("stages[0].method"), "\(badSpec)")
        #expect(badSpec.stdout.isEmpty)

        let column = try prepline(["explain", unknownColumn, "--input", tmp.file("in.csv")])
        #expect(column.status == 2, "\(column)")
        #expect(column.stderr.contains("stages[0].columns[0]: unknown column 'agee'"), "\(column)")
        #expect(try prepline(["explain", unknownColumn]).status == 0, "without --input the columns are not checked")

        #expect(try prepline(["explain", unknownColumn, "--input", tmp.file("nope.csv")]).status == 3)
        #expect(try prepline(["explain", unknownColumn, "--input", tmp.file("empty.csv")]).status == 3)
        #expect(try prepline(["explain", tmp.file("nope.json")]).status == 2)
        #expect(try prepline(["explain"]).status == 2)
    }

    @Test("--help explains the command and lists the exit codes")
    func help() throws {
        let result = try prepline(["explain", "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText.contains("--input <file>"), "\(result)")
        #expect(result.stdoutText.contains("EXAMPLES"))
        #expect(result.stdoutText.contains("EXIT CODES"))
    }
}
