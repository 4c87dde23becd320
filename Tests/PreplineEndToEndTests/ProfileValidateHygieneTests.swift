import Foundation
import Testing

/// CLI hygiene of `profile` and `validate` (DESIGN G2, F2; issue 17): a closed stdout, the
/// spec `--emit-spec` writes, outputs that name an input or share stdout, stdin given twice, and
/// the help on gzip outputs. Each test names the defect it guards against.
@Suite struct ProfileValidateHygieneTests {
    static let penguins = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path
    static let passthrough = E2E.packageRoot.appendingPathComponent("pipelines/passthrough.json").path

    /// A document on stdout whose reader has gone (`| true`, `| head -1`, `>&-`) turned into
    /// "profile: cannot write output: BrokenPipe()" and exit 4; it is exit 0, quietly (no
    /// summary either), as fit, merge and validate do, and a file output beside it is still written.
    @Test(arguments: ["--json", "--html", "--emit-spec"])
    func aClosedStdoutEndsProfileQuietly(option: String) throws {
        let dir = try TempDir("profile-closed-stdout")
        // `true` exits first, so the write meets a closed pipe (EPIPE); `>&-` has no stdout at all.
        let gone = try bash(#"set -o pipefail; { sleep 0.3; "$0" profile "$1" "$2" -; } | true"#, [Self.penguins, option], cwd: dir.path)
        #expect(gone.status == 0 && gone.stderr.isEmpty, "\(gone)")
        let closed = try bash(#""$0" profile "$1" "$2" - >&-"#, [Self.penguins, option], cwd: dir.path)
        #expect(closed.status == 0 && closed.stderr.isEmpty, "\(closed)")
        // A document larger than a pipe's buffer, read one line of.
        var csv = "id,text\n"
        for i in 0..<20_000 { csv += "\(i),value number \(i)\n" }
        let big = try dir.write("big.csv", csv)
        let head = try bash(#"set -o pipefail; "$0" profile "$1" "$2" - --threads 2 -q | head -c 10 > /dev/null"#, [big, option], cwd: dir.path)
        #expect(head.status == 0 && head.stderr.isEmpty, "\(head)")
        #expect(!gone.stderr.contains("BrokenPipe") && !head.stderr.contains("BrokenPipe"))
        // The file written beside the closed stdout is complete.
        let other = option == "--json" ? "--emit-spec" : "--json"
        let beside = try bash(#"set -o pipefail; { sleep 0.3; "$0" profile "$1" "$2" - "$3" out.json -q; } | true"#, [Self.penguins, option, other], cwd: dir.path)
        #expect(beside.status == 0 && beside.stderr.isEmpty, "\(beside)")
        #expect((try? JSONSerialization.jsonObject(with: Data(dir.read("out.json")))) != nil, "\(other) out.json is written whole")
    }

    /// `--emit-spec` wrote only delimiter, header, missing, decimal and group: a spec that reads
    /// the data as Latin-1, with another quote character, or with `input.columns` lost them,
    /// so `validate` refused the very data profile described (DESIGN F2).
    @Test(arguments: [
        (#"{"prepline": 1, "input": {"encoding": "latin-1"}}"#, Array("Gr\u{F6}\u{DF}e,Stadt\n1,M\u{FC}nchen\n2,K\u{F6}ln\nNA,K\u{F6}ln\n".unicodeScalars.map { UInt8($0.value) })),
        (#"{"prepline": 1, "input": {"encoding": "cp1252"}}"#, Array("Preis,Name\n1,\u{80}uro\n2,K\u{F6}ln\n".unicodeScalars.map { UInt8($0.value) })),
        (#"{"prepline": 1, "input": {"delimiter": ";", "quote": "'"}}"#, Array("name;n\n'a;b';2\nc;3\n".utf8)),
        (#"{"prepline": 1, "input": {"header": false, "columns": ["x", "y"]}}"#, Array("1,a\n2,b\n".utf8)),
        (#"{"prepline": 1, "input": {"header": "if-present", "columns": ["x", "y"]}}"#, Array("x,y\n1,a\n2,b\n".utf8)),
        (#"{"prepline": 1, "input": {"delimiter": ";", "decimal": ",", "group": "."}}"#, Array("a;b\n1.000,5;x\n2,25;y\n".utf8)),
    ])
    func theEmittedSpecReadsTheDataAsTheGivenOne(spec: String, data: [UInt8]) throws {
        let dir = try TempDir("profile-emit-input")
        let specFile = try dir.write("given.json", spec)
        let dataFile = try dir.write("data.csv", data)
        let given = try prepline(["validate", specFile, dataFile, "-q"])
        try #require(given.status == 0, "the given spec reads the data: \(given)")
        let profiled = try prepline(["profile", "--spec", specFile, dataFile, "--emit-spec", dir.file("emitted.json"), "-q"])
        try #require(profiled.status == 0, "\(profiled)")
        let validated = try prepline(["validate", dir.file("emitted.json"), dataFile, "--report", "json:" + dir.file("r.json"), "-q"])
        let emitted = String(decoding: try dir.read("emitted.json"), as: UTF8.self)
        #expect(validated.status == 0, "\(validated)\n\(emitted)\n\(String(decoding: (try? dir.read("r.json")) ?? [], as: UTF8.self))")
        // The same columns, read the same way: the emitted input block is the given one's.
        let given_ = try JSONSerialization.jsonObject(with: Data(spec.utf8)) as! [String: Any]
        let emitted_ = try JSONSerialization.jsonObject(with: Data(emitted.utf8)) as! [String: Any]
        let givenInput = given_["input"] as! [String: Any], emittedInput = emitted_["input"] as! [String: Any]
        for (key, value) in givenInput {
            #expect(emittedInput[key].map { "\($0)" } == "\(value)", "input.\(key): \(emitted)")
        }
    }

    /// A schema number field's own `decimalChar` / `groupChar` (Table Schema field properties
    /// that validate and the stages read its column with) were not honoured by profile, which
    /// typed `1,5` a string, nor carried into `--emit-spec`: the column is profiled as the
    /// numbers pandas reads with that decimal mark, the emitted field keeps both, and validate
    /// accepts the data with the emitted spec.
    @Test(arguments: [
        (#"{"prepline": 1, "input": {"delimiter": ";"}, "schema": {"fields": [{"name": "a", "type": "number", "decimalChar": ","}, {"name": "b"}]}}"#,
         "a;b\n1,5;x\n2,25;y\n-3;z\n", ",", nil as String?, ";"),
        (#"{"prepline": 1, "schema": {"fields": [{"name": "a", "type": "number", "decimalChar": ",", "groupChar": "."}, {"name": "b"}]}}"#,
         "a,b\n\"1.234,5\",x\n\"2,25\",y\n7,z\n", ",", ".", ","),
    ])
    func theEmittedSpecKeepsAFieldsNumberSpelling(spec: String, data: String, decimal: String, group: String?, sep: String) throws {
        let dir = try TempDir("profile-emit-decimal-char")
        let specFile = try dir.write("given.json", spec)
        let dataFile = try dir.write("data.csv", data)
        let given = try prepline(["validate", specFile, dataFile, "-q"])
        try #require(given.status == 0, "the given spec reads the data: \(given)")
        let profiled = try prepline(["profile", "--spec", specFile, dataFile, "--emit-spec", dir.file("emitted.json"), "--json", dir.file("p.json"), "-q"])
        try #require(profiled.status == 0, "\(profiled)")
        let emittedText = String(decoding: try dir.read("emitted.json"), as: UTF8.self)
        let emitted = try JSONSerialization.jsonObject(with: Data(emittedText.utf8)) as! [String: Any]
        let fields = (emitted["schema"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
        let a = try #require(fields.first { $0["name"] as? String == "a" }, "\(emittedText)")
        #expect(a["type"] as? String == "number" && a["decimalChar"] as? String == decimal && a["groupChar"] as? String == group, "\(emittedText)")
        let validated = try prepline(["validate", dir.file("emitted.json"), dataFile, "-q"])
        #expect(validated.status == 0, "\(validated)\n\(emittedText)")

        // The figures are pandas' on the numbers read with that decimal mark and separator.
        let document = try JSONSerialization.jsonObject(with: Data(try dir.read("p.json"))) as! [String: Any]
        let column = try #require((document["columns"] as? [[String: Any]])?.first)
        let script = """
            import sys, json, pandas as pd
            s = pd.read_csv(sys.argv[1], sep=sys.argv[2], decimal=sys.argv[3], thousands=sys.argv[4] or None)["a"]
            print(json.dumps([float(s.min()), float(s.max()), float(s.mean()), float(s.std())]))
            """
        let pandas = try runProcess(try E2E.tool("env"), ["python3", "-c", script, dataFile, sep, decimal, group ?? ""], timeout: 120)
        try #require(pandas.status == 0, "\(pandas.stderr)")
        let want = try JSONSerialization.jsonObject(with: Data(pandas.stdout)) as! [Double]
        let got = ["min", "max", "mean", "std"].map { column[$0] as? Double ?? .nan }
        #expect(column["type"] as? String == "number", "\(column)")
        for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-12 * abs(w), "prepline \(got), pandas \(want)") }
    }

    /// `--spec`'s help said profile used the input block's "delimiter, missing tokens, header,
    /// decimal mark": it uses every key of the input block (quote, columns, encoding and group
    /// too) and a schema number field's decimalChar / groupChar, and nothing else. Each key the
    /// help names changes the profile of data it reads otherwise; the other parts of a spec do
    /// not; every input key of `prepline schema` is named.
    @Test func theSpecHelpNamesExactlyWhatProfileReads() throws {
        let dir = try TempDir("profile-spec-help")
        func spec(_ input: String, _ rest: String = "") -> String { #"{"prepline": 1, "input": {"# + input + "}" + rest + "}" }
        let field = #", "schema": {"fields": [{"name": "a", "type": "number""#
        // What is read: a spec without the key and one with it, on data the two read differently.
        let used: [(String, String, String, [UInt8])] = [
            ("delimiter", spec(""), spec(#""delimiter": ";""#), Array("a;b\n1;2\n".utf8)),
            ("quote", spec(""), spec(#""quote": "'""#), Array("n,t\n'a,b',2\n".utf8)),
            ("header", spec(""), spec(#""header": false"#), Array("a,b\n1,2\n".utf8)),
            ("columns", spec(#""header": false"#), spec(#""header": false, "columns": ["p", "q"]"#), Array("1,2\n3,4\n".utf8)),
            ("missing", spec(""), spec(#""missing": ["-"]"#), Array("a\n-\n1\n".utf8)),
            ("encoding", spec(""), spec(#""encoding": "latin-1""#), Array("a\nG".utf8) + [0xF6] + Array("\n".utf8)),
            ("decimal", spec(#""delimiter": ";""#), spec(#""delimiter": ";", "decimal": ",""#), Array("a\n1,5\n2\n".utf8)),
            ("group", spec(""), spec(#""group": " ""#), Array("a\n1 000\n2\n".utf8)),
            ("decimalChar", spec(#""delimiter": ";""#, field + "}]}"), spec(#""delimiter": ";""#, field + #", "decimalChar": ","}]}"#), Array("a\n1,5\n2\n".utf8)),
            ("groupChar", spec("", field + "}]}"), spec("", field + #", "groupChar": " "}]}"#), Array("a\n1 000\n2\n".utf8)),
        ]
        // What is not: the schema's types and missing values, stages, output and checks.
        let unused: [(String, String, String, [UInt8])] = [
            ("schema types and missingValues", spec(""), spec("", #", "schema": {"missingValues": ["-"], "fields": [{"name": "a", "type": "string"}]}"#), Array("a\n-\n1\n".utf8)),
            ("stages, output, checks", spec(""), spec("", #", "stages": [{"stage": "scale", "columns": ["a"], "method": "zscore"}], "output": {"delimiter": ";"}, "checks": [{"check": "rows", "min": 100}]"#), Array("a\n-\n1\n".utf8)),
        ]
        func profile(_ specText: String, _ data: [UInt8], _ tag: String) throws -> [UInt8] {
            let specFile = try dir.write("\(tag).json", specText), dataFile = try dir.write("\(tag).csv", data)
            let result = try prepline(["profile", "--spec", specFile, dataFile, "--json", "-", "-q"])
            try #require(result.status == 0, "\(tag): \(specText): \(result)")
            return result.stdout
        }
        for (index, (key, without, with, data)) in used.enumerated() {
            #expect(try profile(without, data, "u\(index)a") != profile(with, data, "u\(index)b"), "\(key) changes how profile reads the data")
        }
        for (index, (what, without, with, data)) in unused.enumerated() {
            #expect(try profile(without, data, "n\(index)a") == profile(with, data, "n\(index)b"), "\(what) leave the profile alone")
        }

        let help = try prepline(["profile", "--help"], environment: ["COLUMNS": "400"])
        let line = try #require(help.stdoutText.components(separatedBy: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--spec ") })
        let words = Set(line.split(whereSeparator: { !$0.isLetter }).map(String.init))
        for (key, _, _, _) in used { #expect(words.contains(key), "--spec's help names \(key): \(line)") }
        let schema = try JSONSerialization.jsonObject(with: Data(try prepline(["schema"]).stdout)) as! [String: Any]
        let inputKeys = (((schema["properties"] as? [String: Any])?["input"] as? [String: Any])?["properties"] as? [String: Any])?.keys.sorted() ?? []
        #expect(inputKeys == used.map(\.0).filter { !$0.hasSuffix("Char") }.sorted(), "every input key has a case here and a word in the help")
    }

    /// An output naming the spec (or the fitted spec of `--against`) replaced it: refused with
    /// exit 2 before anything is read or written, as every other command does.
    @Test(arguments: ["--json", "--html", "--emit-spec"])
    func profileRefusesToReplaceItsSpec(option: String) throws {
        let dir = try TempDir("profile-spec-collision")
        let specText = #"{"prepline": 1, "input": {"delimiter": ","}}"#
        let spec = try dir.write("s.json", specText)
        let result = try prepline(["profile", "--spec", spec, Self.penguins, option, spec, "-q"])
        #expect(result.status == 2 && result.stderr.contains(option) && result.stderr.contains("--spec"), "\(result)")
        #expect(String(decoding: try dir.read("s.json"), as: UTF8.self) == specText, "the spec is kept")
        let viaLink = try prepline(["profile", "--spec", "./s.json", Self.penguins, option, dir.file("s.json"), "-q"], cwd: dir.path)
        #expect(viaLink.status == 2, "\(viaLink)")
    }

    @Test func validateRefusesToReplaceTheFittedSpec() throws {
        let dir = try TempDir("validate-against-collision")
        let spec = try dir.write("s.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["bill_length_mm"], "method": "zscore"}]}"#)
        let fit = try prepline(["fit", spec, Self.penguins, "-o", dir.file("fitted.json"), "-q"])
        try #require(fit.status == 0, "\(fit)")
        let fitted = try dir.read("fitted.json")
        for format in ["json", "junit", "text", "github"] {
            let result = try prepline(["validate", spec, Self.penguins, "--against", dir.file("fitted.json"), "--report", "\(format):" + dir.file("fitted.json"), "-q"])
            #expect(result.status == 2 && result.stderr.contains("--against") && result.stderr.contains("--report"), "\(format): \(result)")
            #expect(try dir.read("fitted.json") == fitted, "\(format): the fitted spec is kept")
        }
    }

    /// Two documents written to one stdout (`--json - --html -`, two reports on stdout) made one
    /// stream nothing can read, exit 0: refused (exit 2) naming both options, nothing written.
    @Test(arguments: [["--json", "-", "--html", "-"], ["--json", "-", "--emit-spec", "-"], ["--html", "-", "--emit-spec", "-"]])
    func profileRefusesTwoDocumentsOnStdout(options: [String]) throws {
        let result = try prepline(["profile", Self.penguins] + options + ["-q"])
        #expect(result.status == 2 && result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("\(options[0]) -") && result.stderr.contains("\(options[2]) -") && result.stderr.contains("stdout"), "\(result)")
    }

    @Test(arguments: [["json:-", "junit:-"], ["json", "github"], ["github", "text:-"], ["junit:-", "json"]])
    func validateRefusesTwoReportsOnStdout(reports: [String]) throws {
        let result = try prepline(["validate", Self.passthrough, Self.penguins, "--report", reports[0], "--report", reports[1], "-q"])
        #expect(result.status == 2 && result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("--report \(reports[0])") && result.stderr.contains("--report \(reports[1])") && result.stderr.contains("stdout"), "\(result)")
        // One on stdout and one in a file is fine.
        let dir = try TempDir("validate-one-stdout")
        let split = try prepline(["validate", Self.passthrough, Self.penguins, "--report", reports[0], "--report", "junit:" + dir.file("j.xml"), "-q"])
        #expect(split.status == 0 && dir.exists("j.xml"), "\(split)")
    }

    /// `profile - -` and `validate SPEC - -` read stdin twice (the second time: nothing) without a
    /// word; run, fit and merge refuse it.
    @Test func stdinIsGivenOnlyOnce() throws {
        let data = Stdin.pipe(Array("a,b\n1,2\n".utf8))
        let profile = try prepline(["profile", "-", "-", "-q"], stdin: data)
        #expect(profile.status == 2 && profile.stderr.contains("stdin ('-') can be given only once"), "\(profile)")
        let validate = try prepline(["validate", Self.passthrough, "-", "-", "-q"], stdin: data)
        #expect(validate.status == 2 && validate.stderr.contains("stdin ('-') can be given only once"), "\(validate)")
        #expect(try prepline(["profile", "-", "-q"], stdin: data).status == 0)
        #expect(try prepline(["validate", Self.passthrough, "-", "-q"], stdin: data).status == 0)
    }

    /// A document name ending in .gz is written gzip-compressed (`OutputSink.writeDocument`):
    /// the help says so, as `-o`'s does.
    @Test func theHelpSaysADotGzNameIsCompressed() throws {
        /// An option's help: its line and the next (a long name puts the text on the next line).
        func help(of option: String, in text: String) -> String {
            let lines = text.components(separatedBy: "\n")
            guard let i = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(option + " ") }) else { return "no line" }
            return lines[i...].prefix(2).joined(separator: " ")
        }
        let profile = try prepline(["profile", "--help"], environment: ["COLUMNS": "400"])
        for option in ["--json", "--html", "--emit-spec"] {
            let text = help(of: option, in: profile.stdoutText)
            #expect(text.contains(".gz") && text.contains("gzip"), "\(option): \(text)")
        }
        let validate = try prepline(["validate", "--help"], environment: ["COLUMNS": "400"])
        let text = help(of: "--report", in: validate.stdoutText)
        #expect(text.contains(".gz") && text.contains("gzip"), "--report: \(text)")
    }
}
