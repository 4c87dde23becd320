import Foundation
import Testing

/// Where the spec comes from (`-`, a FIFO, `--spec-json`), the one-run overrides, and the
/// messages a user sees on a mistake: did-you-mean, short lists, totals, hints (issue 12).
@Suite("Spec sources, overrides and messages")
struct SpecSourceAndMessageTests {
    static let input = "a,city\n1,x\n2,y\n"

    @Test("the spec from process substitution <(…) (a FIFO) is read")
    func specFromProcessSubstitution() throws {
        let binary = try E2E.requireBinary()
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.input)
        let result = try runProcess(try E2E.tool("bash"), ["-c", #""$0" run <(echo '{"prepline": 1, "stages": []}') in.csv -q"#, binary], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == Self.input, "\(result)")
    }

    @Test("the spec from stdin with '-', while the data comes from a file")
    func specFromStdin() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.input)
        let result = try prepline(["run", "-", "in.csv", "-q"], stdin: .pipe(Array(passthroughSpec.utf8)), cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == Self.input, "\(result)")
        // Errors name it `stdin`.
        let bad = try prepline(["validate", "-", "in.csv", "-q"], stdin: .pipe(Array(#"{"prepline": 1, "stagess": []}"#.utf8)), cwd: tmp.path)
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("stdin: stagess: unknown key (did you mean \"stages\"?)"), "\(bad)")
    }

    @Test("'-' as the spec is a usage error when the data is stdin too", arguments: [["run", "-"], ["apply", "-", "-"], ["fit", "-"], ["validate", "-", "x.csv", "-"]])
    func specAndDataBothStdin(arguments: [String]) throws {
        let result = try prepline(arguments, stdin: .pipe(Array(passthroughSpec.utf8)))
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("the spec is read from stdin"), "\(result)")
    }

    @Test("--spec-json: the spec inline, every positional an input, messages name --spec-json")
    func inlineSpec() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.input)
        try tmp.write("in2.csv", "a,city\n3,z\n")
        let result = try prepline(["run", "--spec-json", passthroughSpec, "in.csv", "in2.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutText == Self.input + "3,z\n", "\(result)")
        let explain = try prepline(["explain", "--spec-json", passthroughSpec, "in.csv"], cwd: tmp.path)
        #expect(explain.status == 0 && explain.stdoutText.contains("spec: --spec-json"), "\(explain)")
        let bad = try prepline(["fit", "--spec-json", #"{"prepline": 1, "stages": [{"stage": "onehote", "columns": ["city"]}]}"#, "in.csv"], cwd: tmp.path)
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains(#"--spec-json: stages[0].stage: unknown stage "onehote" (did you mean "onehot"?)"#), "\(bad)")
    }

    @Test("explain accepts its input as a positional argument, as --input")
    func explainPositionalInput() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"]}]}"#)
        try tmp.write("in.csv", Self.input)
        let positional = try prepline(["explain", "spec.json", "in.csv"], cwd: tmp.path)
        let option = try prepline(["explain", "spec.json", "--input", "in.csv"], cwd: tmp.path)
        #expect(positional.status == 0, "\(positional)")
        #expect(positional.stdoutText == option.stdoutText, "\(positional)\n\(option)")
    }

    @Test("--delimiter, --no-header and --on-error override the spec for one run")
    func overrides() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        try tmp.write("semi.csv", "a;b\n1;2\n")
        let semicolon = try prepline(["run", "spec.json", "semi.csv", "--delimiter", ";", "-q"], cwd: tmp.path)
        #expect(semicolon.status == 0 && semicolon.stdoutText == "a;b\n1;2\n", "\(semicolon)")
        let checked = try prepline(["validate", "spec.json", "semi.csv", "--delimiter", ";", "-q"], cwd: tmp.path)
        #expect(checked.status == 0, "\(checked)")
        try tmp.write("tabs.csv", "a\tb\n1\t2\n")
        let tabs = try prepline(["run", "spec.json", "tabs.csv", "--delimiter", "\\t", "-q"], cwd: tmp.path)
        #expect(tabs.stdoutText == "a\tb\n1\t2\n", "\(tabs)")

        // The override is checked as the spec's own delimiter is: never the quote character.
        let quote = try prepline(["run", "spec.json", "semi.csv", "--delimiter", "\"", "-q"], cwd: tmp.path)
        #expect(quote.status == 2 && quote.stderr.contains("must differ"), "\(quote)")
        try tmp.write("outquote.json", #"{"prepline": 1, "output": {"quote": ";"}}"#)
        let outputQuote = try prepline(["run", "outquote.json", "semi.csv", "--delimiter", ";", "-q"], cwd: tmp.path)
        #expect(outputQuote.status == 2 && outputQuote.stderr.contains("output.quote"), "\(outputQuote)")

        try tmp.write("plain.csv", "1,2\n3,4\n")
        let noHeader = try prepline(["run", "spec.json", "plain.csv", "--no-header", "-q"], cwd: tmp.path)
        #expect(noHeader.status == 0 && noHeader.stdoutText == "column_1,column_2\n1,2\n3,4\n", "\(noHeader)")

        try tmp.write("ragged.csv", "a,b\n1,2\n3\n4,5\n")
        let failing = try prepline(["run", "spec.json", "ragged.csv", "-q"], cwd: tmp.path)
        #expect(failing.status == 1, "\(failing)")
        let skipped = try prepline(["run", "spec.json", "ragged.csv", "--on-error", "skip", "-q"], cwd: tmp.path)
        #expect(skipped.status == 0 && skipped.stdoutText == "a,b\n1,2\n4,5\n", "\(skipped)")
        let rejected = try prepline(["run", "spec.json", "ragged.csv", "--on-error", "reject", "--rejects", "bad.csv", "-q"], cwd: tmp.path)
        #expect(rejected.status == 0 && rejected.stdoutText == "a,b\n1,2\n4,5\n", "\(rejected)")
        #expect(String(decoding: try tmp.read("bad.csv"), as: UTF8.self).contains("ragged.csv,3,"), "\(rejected)")
    }

    @Test("enumerated options refuse a bad value with the allowed values, exit 2", arguments: [
        ["--parser", "fats", "'fast' and 'libcsv'"], ["--progress", "sometimes", "'auto', 'always' or 'never'"],
        ["--on-error", "skp", "'fail', 'skip' or 'reject'"], ["--delimiter", "ab", "expected one byte"],
        ["--on-error", "skp", #"(did you mean "skip"?)"#], ["--parser", "libcvs", #"(did you mean "libcsv"?)"#],
    ])
    func badEnumeratedValue(option: [String]) throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["run", "spec.json", option[0], option[1]], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(option[2]), "\(result)")
    }

    @Test("apply's --extra-columns refuses a bad value with the allowed values and a did-you-mean, exit 2")
    func badExtraColumnsValue() throws {
        let tmp = try TempDir()
        try tmp.write("spec.json", passthroughSpec)
        let result = try prepline(["apply", "spec.json", "--extra-columns", "drp"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("'error', 'drop' or 'keep'") && result.stderr.contains(#"(did you mean "drop"?)"#), "\(result)")
    }

    @Test("did you mean: spec keys, option values and columns", arguments: [
        (#"{"prepline": 1, "ouput": {}}"#, #"ouput: unknown key (did you mean "output"?)"#),
        (#"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "methd": "zscore"}]}"#, #"stages[0].methd: unknown key (did you mean "method"?)"#),
        (#"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "method": "zscor"}]}"#, #"got "zscor" (did you mean "zscore"?)"#),
        (#"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["a"], "strategy": "meen"}]}"#, #"got "meen" (did you mean "mean"?)"#),
        (#"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["bill_lenght_mm"]}]}"#, #"unknown column 'bill_lenght_mm' (did you mean "bill_length_mm"?)"#),
        (#"{"prepline": 1, "checks": [{"check": "missing_ratio", "column": "bill_lenght_mm", "max": 0.1}]}"#, #"checks[0].column: no column "bill_lenght_mm" in the input (did you mean "bill_length_mm"?)"#),
        (#"{"prepline": 1, "checks": [{"check": "missing_ratio", "columns": ["a", "bill_lenght_mm"], "max": 0.1}]}"#, "checks[0].columns[1]: no column"),
    ])
    func didYouMean(spec: String, expected: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "a,bill_length_mm\n1,2\n")
        // validate binds the checks, run binds the stages.
        let command = spec.contains("checks") ? "validate" : "run"
        try tmp.write("spec.json", spec)
        let result = try prepline([command, "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(expected), "\(result)")
    }

    @Test("an unknown subcommand is exit 2 with a suggestion, also after help", arguments: [["valdate"], ["help", "valdate"], ["valdate", "spec.json", "data.csv"]])
    func unknownSubcommand(arguments: [String]) throws {
        let result = try prepline(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(#"unknown command 'valdate' (did you mean "validate"?)"#), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("an unknown column on a 1000-column file: one short line, the list cut after 10")
    func longColumnListCut() throws {
        let tmp = try TempDir()
        let names = (0..<1000).map { "column_number_\($0)" }
        try tmp.write("in.csv", names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n")
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["nope"]}]}"#)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.utf8.count < 400, "\(result.stderr.utf8.count) bytes: \(result.stderr.prefix(500))")
        #expect(result.stderr.contains("column_number_9, … and 990 more"), "\(result)")
    }

    @Test("a columns check on a 200-column file: the first difference, not both headers in full")
    func exactColumnsShort() throws {
        let tmp = try TempDir()
        var names = (0..<200).map { "column_number_\($0)" }
        try tmp.write("in.csv", names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n")
        names[57] = "renamed"
        let exact = names.map { "\"\($0)\"" }.joined(separator: ", ")
        let missing = (0..<30).map { "\"absent_\($0)\"" }.joined(separator: ", ")
        try tmp.write("spec.json", #"{"prepline": 1, "checks": [{"check": "columns", "exact": ["# + exact + #"]}, {"check": "columns", "required": ["# + missing + #"]}]}"#)
        let result = try prepline(["validate", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("columns differ from column 58: 'column_number_57' where 'renamed' was expected (200 columns, 200 expected)"), "\(result)")
        #expect(result.stderr.contains("absent_9, … and 20 more"), "\(result)")
        #expect(result.stderrLines.allSatisfy { $0.utf8.count < 300 }, "\(result.stderr.prefix(600))")
    }

    @Test("a bad tokenize pattern says where, in the user's own pattern, briefly", arguments: [
        (#"(\\w+))"#, #"at character 6 of "(\w+))": ")" closes no group"#),
        (#"[\\w"#, #"at character 1 of "[\w": "[" opens a character set"#),
        (#"(\\w+"#, #"at character 1 of "(\w+": "(" opens a group that is never closed"#),
        (#"\\w**"#, #"at character 4 of "\w**": "*" has nothing to repeat"#),
        (#"\\b\\w{3,1}\\b"#, #"at character 5 of "\b\w{3,1}\b": "{3,1}" repeats at least 3 but at most 1 times"#),
    ])
    func badPattern(pattern: String, expected: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", "text\nhello world\n")
        let spec = #"{"prepline": 1, "stages": [{"stage": "tokenize", "columns": ["text"], "pattern": ""# + pattern + #""}]}"#
        try tmp.write("spec.json", spec)
        let result = try prepline(["run", "spec.json", "in.csv"], cwd: tmp.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("stages[0].pattern: not a valid regular expression " + expected), "\(result)")
        #expect(result.stderr.utf8.count < 300, "\(result.stderr.utf8.count) bytes: \(result.stderr.prefix(400))")
    }

    static let badNumbers = "a,city\n" + (0..<100).map { ($0 % 3 == 0 ? "x" : String($0)) + ",c\($0 % 4)" }.joined(separator: "\n") + "\n"

    @Test("under on_error fail the error gives the total of failed rows, not only the first 10", arguments: ["run", "fit"])
    func failTotal(command: String) throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.badNumbers)
        try tmp.write("spec.json", #"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"]}]}"#)
        let result = try prepline([command, "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.filter { $0.contains("is not a number") }.count == 10, "\(result)")
        #expect(result.stderr.contains("… 34 rows failed in all in the 100 records read"), "\(result)")
        #expect(result.stderr.contains(#"hint: set output.on_error (or --on-error) to "skip" or "reject""#), "\(result)")
    }

    @Test("an unknown category under handle_unknown error hints the stage's option, not skip/reject")
    func unknownCategoryHint() throws {
        let tmp = try TempDir()
        try tmp.write("in.csv", Self.badNumbers)
        let spec = #"{"prepline": 1, "stages": [{"stage": "onehot", "columns": ["city"], "categories": {"city": ["c1", "c2"]}}]}"#
        try tmp.write("spec.json", spec)
        let result = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: tmp.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(#"hint: set stages[0].handle_unknown to "ignore""#), "\(result)")
        #expect(!result.stderr.contains("\"skip\""), "\(result)")
    }
}
