import Foundation
import Testing

/// A fitted spec needs nothing but itself (issue 12): a schema the spec names by a relative path
/// is written inline, so `apply` works wherever the fitted spec is moved.
@Suite("Fitted spec is self-contained")
struct FittedSpecSelfContainedTests {
    static let schema = #"{"fields": [{"name": "a", "type": "number", "constraints": {"minimum": 0}}, {"name": "b", "type": "string"}]}"#
    static let data = "a,b\n1,x\n-5,y\n3,x\n4,z\n"

    @Test("a schema named by a relative path is inlined: apply from another directory equals run", arguments: ["schema.json", "datapackage"])
    func relativeSchemaInlined(form: String) throws {
        let project = try TempDir()
        let elsewhere = try TempDir()
        let reference: String
        if form == "datapackage" {
            try project.write("datapackage.json", #"{"resources": [{"name": "t", "schema": \#(Self.schema)}]}"#)
            reference = #""datapackage.json""#
        } else {
            try project.write("schema.json", Self.schema)
            reference = #""schema.json""#
        }
        try project.write("spec.json", """
            {"prepline": 1, "schema": \(reference),
             "stages": [{"stage": "scale", "columns": ["a"], "method": "zscore"}],
             "output": {"on_error": "skip"}}
            """)
        try project.write("in.csv", Self.data)
        let fitted = elsewhere.file("fitted.json")
        let fit = try prepline(["fit", "spec.json", "in.csv", "-o", fitted, "-q"], cwd: project.path)
        try #require(fit.status == 0, "\(fit)")

        let text = String(decoding: try elsewhere.read("fitted.json"), as: UTF8.self)
        #expect(!text.contains("schema.json") && !text.contains("datapackage.json"), "the fitted spec still names a file: \(text)")

        // From a directory where no schema file exists, with the data copied there too.
        try elsewhere.write("in.csv", Self.data)
        let applied = try prepline(["apply", "fitted.json", "in.csv", "-q"], cwd: elsewhere.path)
        let ran = try prepline(["run", "spec.json", "in.csv", "-q"], cwd: project.path)
        #expect(applied.status == 0, "\(applied)")
        #expect(ran.status == 0, "\(ran)")
        expectSameBytes(applied.stdout, ran.stdout, "apply of the moved fitted spec vs run")
        // The schema still rejects the negative value at apply: it was kept, not dropped.
        #expect(!String(decoding: applied.stdout, as: UTF8.self).contains("y"), "\(visible(applied.stdout))")
    }
}
