import Foundation
import Testing

/// `prepline validate` as a CI step: its reports, dataset checks, exit codes and spec errors.
/// Statistics are compared with pandas computed in the test, not with constants.
@Suite("validate: reports and checks")
struct ValidateCommandTests {
    static let schema = #"""
        {"fields": [{"name": "id", "type": "integer", "constraints": {"required": true, "unique": true}},
                    {"name": "age", "type": "number", "constraints": {"minimum": 0, "maximum": 130}},
                    {"name": "city", "type": "string", "constraints": {"enum": ["oslo", "rome", "lima"]}}],
         "primaryKey": "id"}
        """#
    static let data = "id,age,city\n1,30,oslo\n2,150,rome\n3,,lima\n3,40,paris\nx,50,oslo\n6,60.5,rome\n7,NA,\n"

    func json(_ result: RunResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result)")
    }

    @Test("json report: Frictionless vocabulary, every error counted, --max-errors limits the list only")
    func jsonReport() throws {
        let tmp = try TempDir()
        try tmp.write("schema.json", Self.schema)
        let spec = try tmp.write("spec.json", #"{"prepline": 1, "schema": "schema.json"}"#)
        let input = try tmp.write("data.csv", Self.data)
        let all = try prepline(["validate", spec, input, "--report", "json", "-q"])
        #expect(all.status == 1, "\(all)")
        let report = try json(all)
        #expect(report["valid"] as? Bool == false)
        let errors = try #require(report["errors"] as? [[String: Any]])
        let stats = try #require(report["stats"] as? [String: Any])
        #expect(stats["errors"] as? Int == errors.count)
        #expect(stats["rows"] as? Int == 7)
        let keys = Set(errors.map { "\($0["type"]!)@\($0["rowNumber"] ?? "-"):\($0["fieldNumber"] ?? "-")" })
        // The same findings as frictionless' on the same file and schema.
        let script = """
            import json, sys, frictionless as f
            s = f.Schema.from_descriptor(json.load(open(sys.argv[1])))
            r = f.Resource(path="data.csv", basepath=sys.argv[2], schema=s).validate()
            print(json.dumps(sorted(f"{e.type}@{getattr(e, 'row_number', None) or '-'}:{getattr(e, 'field_number', None) or '-'}" for e in r.tasks[0].errors)))
            """
        let reference = try runProcess(try E2E.tool("env"), ["python3", "-c", script, tmp.file("schema.json"), tmp.path], timeout: 60)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout)) as? [String], "\(reference)")
        #expect(keys == Set(expected), "prepline \(keys.sorted()), frictionless \(expected)")
        #expect(keys.count == 7, "150 > maximum, paris, x, NA (not missing here), 3 twice (unique, key), x's key all missing")
        for e in errors {
            #expect(e["message"] is String && e["note"] is String && e["file"] as? String == input, "\(e)")
            #expect(e["line"] as? Int == e["rowNumber"] as? Int, "one line per row in this file: \(e)")
        }
        // frictionless' own tooling reads the report: the same verdict and findings.
        let reader = """
            import json, sys, frictionless as f
            r = f.Report.from_descriptor(json.load(sys.stdin))
            print(json.dumps([r.valid, sorted(f"{t}@{n or '-'}:{c or '-'}" for n, c, t in r.flatten(["rowNumber", "fieldNumber", "type"]))]))
            """
        let read = try runProcess(try E2E.tool("env"), ["python3", "-c", reader], stdin: .pipe(all.stdout), timeout: 60)
        let readBack = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout)) as? [Any], "\(read)")
        #expect(readBack.first as? Bool == false && Set(readBack.last as? [String] ?? []) == keys, "\(read)")
        let two = try prepline(["validate", spec, input, "--report", "json", "-q", "--max-errors", "2"])
        let limited = try json(two)
        #expect((limited["errors"] as? [Any])?.count == 2)
        #expect((limited["stats"] as? [String: Any])?["errors"] as? Int == errors.count, "all are still counted")
        #expect(two.status == 1)
    }

    @Test("text report on stderr by default, github annotations on stdout, junit XML to a file")
    func otherReports() throws {
        let tmp = try TempDir()
        try tmp.write("schema.json", Self.schema)
        let spec = try tmp.write("spec.json", #"{"prepline": 1, "schema": "schema.json"}"#)
        let input = try tmp.write("data.csv", Self.data)
        let text = try prepline(["validate", spec, input])
        #expect(text.status == 1 && text.stdout.isEmpty)
        #expect(text.stderr.contains("type-error") && text.stderr.contains("'x'") && text.stderr.contains("INVALID"), "\(text)")

        let github = try prepline(["validate", spec, input, "--report", "github", "-q"])
        let lines = github.stdoutText.split(separator: "\n")
        #expect(lines.count == 7, "\(github)")
        #expect(lines.allSatisfy { $0.hasPrefix("::error file=\(input),line=") }, "\(github)")

        let junit = tmp.file("junit.xml")
        let run = try prepline(["validate", spec, input, "--report", "junit:\(junit)", "-q"])
        #expect(run.status == 1)
        // Parsed by Python's XML parser: test cases and failures per suite.
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            for s in root.iter('testsuite'):
                cases = s.findall('testcase')
                assert int(s.get('tests')) == len(cases), s.get('name')
                print(s.get('name'), len(cases), sum(1 for c in cases if c.find('failure') is not None))
            """
        let parsed = try runProcess(try E2E.tool("env"), ["python3", "-c", script, junit])
        #expect(parsed.status == 0, "\(parsed)")
        // schema: 3 types + required, minimum, maximum, enum, unique + primaryKey = 9 cases, of
        // which type id, type age, maximum, enum, unique, primaryKey fail.
        #expect(parsed.stdoutText.contains("schema 9 6"), "\(parsed)")
        #expect(parsed.stdoutText.contains("structure 2 0"), "\(parsed)")
    }

    @Test("dataset checks: observed values equal pandas', bounds decide pass or fail, json and exit code follow")
    func checks() throws {
        let tmp = try TempDir()
        // b holds é twice, precomposed and as e + a combining accent: distinct values by code
        // points, as pandas' nunique counts them (Swift's String equality would merge them).
        let input = try tmp.write("data.csv", "a,b,c\n1,x,2.5\n,\u{E9},3.5\n3,x,\n4,e\u{301},10\n,,1\n5,x,0.25\n")
        let spec = try tmp.write("spec.json", #"""
            {"prepline": 1, "input": {"missing": [""]},
             "checks": [{"check": "missing_ratio", "columns": ["a", "b"], "max": 0.2},
                        {"check": "rows", "min": 1, "max": 100},
                        {"check": "columns", "required": ["a", "c"], "exact": ["a", "b", "c"]},
                        {"check": "distinct", "column": "b", "min": 2, "max": 3},
                        {"check": "range", "column": "c", "stat": "mean", "min": 0, "max": 3},
                        {"check": "range", "column": "c", "stat": "std", "max": 100}]}
            """#)
        let result = try prepline(["validate", spec, input, "--report", "json", "-q", "--threads", "2", "--chunk-size", "8"])
        #expect(result.status == 1, "\(result)")
        let report = try json(result)
        let checks = try #require(report["checks"] as? [[String: Any]])
        let pandas = """
            import json, sys, pandas as pd
            d = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=[''])
            print(json.dumps({"missing_ratio(a)": d.a.isna().mean(), "missing_ratio(b)": d.b.isna().mean(), "rows": len(d),
                              "distinct(b)": int(d.b.nunique()), "range.mean(c)": d.c.mean(), "range.std(c)": d.c.std(ddof=0)}))
            """
        let reference = try runProcess(try E2E.tool("env"), ["python3", "-c", pandas, input], timeout: 60)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout)) as? [String: Double], "\(reference)")
        var observed: [String: Double] = [:]
        var passed: [String: Bool] = [:]
        for c in checks {
            let name = (c["name"] as! String) + ((c["column"] as? String).map { "(\($0))" } ?? "")
            if let v = c["observed"] as? NSNumber { observed[name] = v.doubleValue }
            passed[name] = c["passed"] as? Bool
        }
        for (name, value) in expected {
            let got = try #require(observed[name], "no observed value for \(name): \(checks)")
            #expect(abs(got - value) <= 1e-12 * max(1, abs(value)), "\(name): prepline \(got), pandas \(value)")
        }
        // Decided from pandas' values and the bounds in the spec.
        #expect(passed["missing_ratio(a)"] == (expected["missing_ratio(a)"]! <= 0.2))
        #expect(passed["missing_ratio(b)"] == (expected["missing_ratio(b)"]! <= 0.2))
        #expect(passed["range.mean(c)"] == (expected["range.mean(c)"]! <= 3))
        #expect(passed["rows"] == true && passed["distinct(b)"] == true && passed["range.std(c)"] == true)
        #expect(checks.filter { $0["name"] as? String == "columns" }.allSatisfy { $0["passed"] as? Bool == true })
        let errors = try #require(report["errors"] as? [[String: Any]])
        let failedChecks = checks.filter { $0["passed"] as? Bool == false }.count
        #expect(errors.filter { $0["type"] as? String == "check-error" }.count == failedChecks)
        #expect(failedChecks > 0)
    }

    @Test("valid data: exit 0, on stdin and gzip, with a schema from a datapackage.json")
    func validOnStdinAndGzip() throws {
        let tmp = try TempDir()
        try tmp.write("datapackage.json", #"{"resources": [{"name": "people", "path": "p.csv", "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "born", "type": "date"}]}}]}"#)
        let spec = try tmp.write("spec.json", #"{"prepline": 1, "schema": {"path": "datapackage.json", "resource": "people"}}"#)
        let csv = Array("id,born\n1,2001-02-03\n2,1999-12-31\n".utf8)
        let plain = try prepline(["validate", spec, "-q"], stdin: .pipe(csv))
        #expect(plain.status == 0, "\(plain)")
        let gz = try prepline(["validate", spec, "-q"], stdin: .pipe(try gzip(csv, in: tmp)))
        #expect(gz.status == 0, "\(gz)")
        let bad = try prepline(["validate", spec, "--report", "github", "-q"], stdin: .pipe(Array("id,born\n1,2001-02-30\n".utf8)))
        #expect(bad.status == 1 && bad.stdoutText.contains("file=stdin,line=2"), "\(bad)")
    }

    @Test("spec errors exit 2 with the JSON path", arguments: [
        (#"{"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "x"}}]}"#, "schema.fields[0].constraints.pattern"),
        (#"{"fields": [{"name": "a", "type": "date", "format": "any"}]}"#, "schema.fields[0].format"),
        (#"{"fields": [{"name": "a", "type": "date", "format": "%Q"}]}"#, "schema.fields[0].format"),
        (#"{"fields": [{"name": "a"}], "primaryKey": ["b"]}"#, "schema.primaryKey"),
        (#"{"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": "ten"}}]}"#, "schema.fields[0].constraints.minimum"),
        (#""nowhere.json""#, "schema"),
    ])
    func specErrors(schema: String, path: String) throws {
        let tmp = try TempDir()
        let spec = try tmp.write("spec.json", #"{"prepline": 1, "schema": "# + schema + "}")
        let result = try prepline(["validate", spec, "-q"], stdin: .pipe(Array("a\n1\n".utf8)))
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(path), "\(result)")
    }

    @Test("--report refuses unknown formats and junit without a path (usage error)")
    func badReportOption() throws {
        for bad in ["xml", "junit"] {
            let result = try prepline(["validate", "spec.json", "--report", bad])
            #expect(result.status == 2, "\(bad): \(result)")
        }
    }
}

@Suite("validate: the CI example")
struct ValidateCIExampleTests {
    @Test("pipelines/penguins-ci.json passes on the sample, and fails with named rules on a broken copy")
    func penguinsCI() throws {
        let root = E2E.packageRoot.path
        let tmp = try TempDir()
        let junit = tmp.file("ok.xml")
        let ok = try prepline(["validate", "pipelines/penguins-ci.json", "samples/penguins.csv", "--report", "junit:\(junit)", "-q"], cwd: root)
        #expect(ok.status == 0, "\(ok)")
        let xml = String(decoding: try tmp.read("ok.xml"), as: UTF8.self)
        #expect(xml.contains("<testsuites") && !xml.contains("<failure"), "\(xml)")

        // Three broken cells: an unknown species, a body mass out of range, a year that is not one.
        var lines = String(decoding: try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/samples/penguins.csv"))), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "Adelie", with: "Emperor")
        lines[2] = lines[2].replacingOccurrences(of: ",3800,", with: ",38000,")
        lines[3] = lines[3].replacingOccurrences(of: ",2007", with: ",07")
        let broken = try tmp.write("broken.csv", lines.joined(separator: "\n"))
        let bad = try prepline(["validate", "pipelines/penguins-ci.json", broken, "--report", "junit:\(tmp.file("bad.xml"))", "--report", "github", "-q"], cwd: root)
        #expect(bad.status == 1, "\(bad)")
        // The three cells, and the distinct check the new species breaks (4 species, 3 allowed).
        #expect(bad.stdoutText.split(separator: "\n").count == 4, "\(bad)")
        #expect(bad.stdoutText.contains("title=check-error::") && bad.stdoutText.contains("distinct(species)"), "\(bad)")
        for line in [2, 3, 4] { #expect(bad.stdoutText.contains("line=\(line),"), "\(bad)") }
        let failed = String(decoding: try tmp.read("bad.xml"), as: UTF8.self)
        for name in ["species: enum", "body_mass_g: maximum", "year: type year", "distinct(species)"] {
            #expect(failed.contains("name=\"\(name)\">"), "no failing test case \(name): \(failed)")
        }
    }
}

@Suite("validate --against: drift from a fitted spec")
struct ValidateDriftTests {
    @Test("unseen categories, mean shifts and missing-ratio growth equal pandas' on the same files; --drift-k and --drift-missing decide")
    func drift() throws {
        let root = E2E.packageRoot.path
        let tmp = try TempDir()
        let fitted = tmp.file("fitted.json")
        let fit = try prepline(["fit", "pipelines/penguins-features.json", "samples/penguins.csv", "-o", fitted, "-q"], cwd: root)
        try #require(fit.status == 0, "\(fit)")
        // New data: two unseen species, heavier penguins, 30 more body masses missing.
        var lines = String(decoding: try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/samples/penguins.csv"))), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "Adelie", with: "Emperor")
        lines[2] = lines[2].replacingOccurrences(of: "Adelie", with: "King")
        lines = lines.map { $0.replacingOccurrences(of: ",3750,", with: ",9750,") }
        for i in 10..<40 {
            var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 8 && fields[5] != "NA", "penguins.csv line \(i + 1): \(lines[i])")
            fields[5] = "NA"
            lines[i] = fields.joined(separator: ",")
        }
        let data = try tmp.write("new.csv", lines.joined(separator: "\n") + "\n")

        let script = """
            import json, sys, pandas as pd
            fitted = json.load(open(sys.argv[1])); d = pd.read_csv(sys.argv[2]); train = pd.read_csv(sys.argv[3])
            out = {}
            for s in fitted["stages"]:
                for col, p in (s.get("fitted") or {}).items():
                    key = "drift.missing_ratio(" + col + ")"
                    if "missing_ratio" in p and key not in out:
                        # The fitted ratio is the training file's, as pandas counts it.
                        assert abs(p["missing_ratio"] - train[col].isna().mean()) < 1e-15, (col, p, train[col].isna().mean())
                        out[key] = d[col].isna().mean() - p["missing_ratio"]
                    if s["stage"] == "onehot":
                        out["drift.categories(" + col + ")"] = len(set(d[col].dropna()) - set(p["categories"]))
                    if s["stage"] == "scale":
                        out["drift.mean(" + col + ")"] = abs(d[col].mean() - p["mean"]) / p["scale"]
            print(json.dumps(out))
            """
        let reference = try runProcess(try E2E.tool("env"), ["python3", "-c", script, fitted, data, "\(root)/samples/penguins.csv"], timeout: 60)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout)) as? [String: Double], "\(reference)")
        #expect(expected.count == 14, "\(expected)")
        #expect(try #require(expected["drift.missing_ratio(body_mass_g)"]) > 0.08, "\(expected)")

        for (k, growth) in [(0.05, 0.05), (3.0, 0.2)] {
            let result = try prepline(["validate", "pipelines/passthrough.json", data, "--against", fitted, "--drift-k", "\(k)",
                                       "--drift-missing", "\(growth)", "--report", "json", "-q"], cwd: root)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result)")
            let checks = try #require(report["checks"] as? [[String: Any]])
            #expect(checks.count == expected.count)
            var failures = 0
            for c in checks {
                let name = "\(c["name"]!)(\(c["column"]!))"
                let observed = (c["observed"] as? NSNumber)?.doubleValue ?? .nan
                let want = try #require(expected[name], "\(name) not in pandas' list")
                #expect(abs(observed - want) <= 1e-9 * max(1, abs(want)), "\(name): prepline \(observed), pandas \(want)")
                let shouldPass = name.hasPrefix("drift.categories") ? want == 0
                    : name.hasPrefix("drift.missing_ratio") ? want <= growth : want <= k
                #expect(c["passed"] as? Bool == shouldPass, "\(name) at k=\(k): \(c)")
                if !shouldPass { failures += 1 }
            }
            #expect(result.status == (failures > 0 ? 1 : 0), "\(result)")
        }
    }
}
