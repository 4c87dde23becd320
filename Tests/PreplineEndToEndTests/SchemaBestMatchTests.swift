import Foundation
import Testing

/// What an editor shows for a bad spec: Python `jsonschema`'s `best_match`, the error editors
/// and `check-jsonschema` put first, must name the bad key in its stage (the stage's branch is
/// chosen by `"stage"`), and the schema refuses what prepline refuses where JSON Schema can say it.
@Suite("prepline schema: the best error names the mistake")
struct SchemaBestMatchTests {
    /// (spec, the best error's JSON path, a part of its message).
    static let cases: [(String, String, String)] = [
        (#"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "methd": "zscore"}]}"#,
         "stages/0", "Additional properties are not allowed ('methd' was unexpected)"),
        (#"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["a"]}, {"stage": "tfidf", "columns": ["b"], "mx_features": 3}]}"#,
         "stages/1", "('mx_features' was unexpected)"),
        (#"{"prepline": 1, "stages": [{"stage": "onehote", "columns": ["a"]}]}"#,
         "stages/0/stage", "'onehote' is not one of"),
        (#"{"prepline": 1, "stages": [{"stage": "scale", "columns": ["a"], "method": "zscor"}]}"#,
         "stages/0/method", "'zscor' is not one of"),
        (#"{"prepline": 1, "stages": [{"stage": "fill", "columns": ["a"], "strategy": "meen"}]}"#,
         "stages/0/strategy", "'meen' is not one of"),
        (#"{"prepline": 1, "output": {"format": "svmlight"}}"#, "output", "'label' is a required property"),
        (#"{"prepline": 1, "output": {"label": "a"}}"#, "output", "does not allow 'a'"),
        (#"{"prepline": 1, "output": {"format": "csv", "label": "a"}}"#, "output", "does not allow 'a'"),
        (#"{"prepline": 1, "schema": {"fields": [{"name": "a", "type": "string", "format": "email"}]}}"#,
         "schema/fields/0/format", "'default' was expected"),
        (#"{"prepline": 1, "schema": {"fields": [{"name": "a", "format": "uri"}]}}"#,
         "schema/fields/0/format", "'default' was expected"),
        (#"{"prepline": 1, "schema": {"fields": [{"name": "a", "type": "date", "format": "any"}]}}"#,
         "schema/fields/0/format", "'any'"),
    ]

    @Test("best_match names the bad key or value, and prepline refuses the same spec (exit 2)")
    func bestMatch() throws {
        let tmp = try TempDir()
        let schema = try SchemaCheck.schemaFile(in: tmp)
        try tmp.write("in.csv", "a,b\n1,x\n")
        var files: [String] = []
        for (i, (spec, _, _)) in Self.cases.enumerated() {
            let file = try tmp.write("bad-\(i).json", spec)
            files.append(file)
            let run = try prepline(["validate", file, tmp.file("in.csv"), "-q"])
            #expect(run.status == 2, "prepline should refuse \(spec): \(run)")
        }
        let verdicts = try SchemaCheck.verdicts(of: files, schema: schema)
        for (file, (spec, path, message)) in zip(files, Self.cases) {
            let best = verdicts[file]?.best
            #expect(best?.path == path, "\(spec): best_match at \(best?.path ?? "none"): \(best?.message ?? "valid")")
            #expect(best?.message.contains(message) == true, "\(spec): best_match says \(best?.message ?? "nothing (valid)")")
        }
    }

    @Test("date and datetime fields keep their patterns; other types accept format \"default\"")
    func formatsPreplineChecks() throws {
        let tmp = try TempDir()
        let schema = try SchemaCheck.schemaFile(in: tmp)
        let specs = [
            #"{"prepline": 1, "schema": {"fields": [{"name": "d", "type": "date", "format": "%d/%m/%Y"}, {"name": "s", "format": "default"}]}}"#,
            #"{"prepline": 1, "output": {"format": "svmlight", "label": "y"}}"#,
        ]
        let files = try specs.enumerated().map { try tmp.write("ok-\($0.offset).json", $0.element) }
        let errors = try SchemaCheck.errors(of: files, schema: schema)
        for file in files { #expect(errors[file] == [], "\(file): \(errors[file] ?? [])") }
    }
}
