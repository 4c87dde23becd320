import PreplineTestSupport
import Foundation
import Testing

/// A fitted spec is self-contained: `fit` writes the spec's schema inline (issue 12: "fit copies a
/// relative schema path as it is, so the fitted spec written elsewhere cannot find it").
@Suite("Fitted spec schema")
struct FittedSchemaTests {
    static let data = "a,b\n1,2\n3,x\n5,6\n"
    static let schema = #"{"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}"#

    @Test("fit writes a schema given by path, or by data package resource, inline; apply of it elsewhere gives run's output")
    func schemaInline() throws {
        let tmp = try TempDir()
        try FileManager.default.createDirectory(atPath: tmp.file("specs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp.file("out"), withIntermediateDirectories: true)
        try tmp.write("data.csv", Self.data)
        try tmp.write("specs/schema.json", Self.schema)
        try tmp.write("specs/dp.json", #"{"resources": [{"name": "r", "schema": "schema.json"}]}"#)
        let stages = #""stages": [{"stage": "scale", "columns": ["a"]}], "output": {"on_error": "skip"}"#
        try tmp.write("specs/path.json", #"{"prepline": 1, "schema": "schema.json", "# + stages + "}")
        try tmp.write("specs/package.json", #"{"prepline": 1, "schema": {"path": "dp.json", "resource": "r"}, "# + stages + "}")
        for spec in ["path", "package"] {
            let run = try prepline(["run", "specs/\(spec).json", "data.csv", "-q"], cwd: tmp.path)
            #expect(run.status == 0, "\(spec): \(run)")
            let fit = try prepline(["fit", "specs/\(spec).json", "data.csv", "-o", "out/\(spec).json", "-q"], cwd: tmp.path)
            #expect(fit.status == 0, "\(spec): \(fit)")
            let fitted = try JSONSerialization.jsonObject(with: Data(tmp.read("out/\(spec).json"))) as? [String: Any]
            let fields = (fitted?["schema"] as? [String: Any])?["fields"] as? [Any]
            #expect(fields?.count == 2, "\(spec): the schema is inline: \(String(describing: fitted?["schema"]))")
            let apply = try prepline(["apply", "\(spec).json", "../data.csv", "-q"], cwd: tmp.file("out"))
            #expect(apply.status == 0, "\(spec): \(apply)")
            expectSameBytes(apply.stdout, run.stdout, "\(spec): \(apply)")
        }
    }
}
