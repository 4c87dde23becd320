import Foundation
import Testing

/// Checks specs against the schema `prepline schema` prints with an independent validator:
/// Python's `jsonschema`, draft 2020-12, the python3 on PATH (the one `make test` installs its
/// Python packages into).
enum SchemaCheck {
    /// What `jsonschema` says of one file.
    struct Verdict {
        /// The first errors (at most 3, sorted by path) as "path: message"; empty: valid.
        var errors: [String]
        /// `best_match`'s error, the one editors and `check-jsonschema` show first; nil: valid.
        var best: (path: String, message: String)?
    }

    /// Prints {file: {"errors": [...], "best": {path, message} or null}} as JSON.
    private static let script = """
        import json, sys
        try:
            from jsonschema import Draft202012Validator
            from jsonschema.exceptions import best_match
        except ImportError:
            print("NO_JSONSCHEMA"); sys.exit(3)
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        def where(error): return "/".join(map(str, error.absolute_path))
        result = {}
        for path in sys.argv[2:]:
            document = json.load(open(path, encoding="utf-8"))
            errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
            best = best_match(validator.iter_errors(document))
            result[path] = {"errors": [where(e) + ": " + e.message for e in errors][:3],
                            "best": None if best is None else {"path": where(best), "message": best.message}}
        print(json.dumps(result))
        """

    /// The schema `prepline schema` prints, written to `dir`.
    static func schemaFile(in dir: TempDir) throws -> String {
        let result = try prepline(["schema"])
        try #require(result.status == 0, "\(result)")
        return try dir.write("schema.json", result.stdout)
    }

    /// Each file's verdict. Fails the test when `jsonschema` is missing.
    static func verdicts(of files: [String], schema: String) throws -> [String: Verdict] {
        let result = try runProcess(try E2E.tool("env"), ["python3", "-c", script, schema] + files, timeout: 120)
        try #require(!result.stdoutText.contains("NO_JSONSCHEMA"),
                     "the Python package jsonschema is needed: python3 -m pip install jsonschema (make test installs it)")
        try #require(result.status == 0, "the schema check failed: \(result)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: [String: Any]],
                                  "unexpected output: \(result)")
        return try parsed.mapValues { entry in
            let errors = try #require(entry["errors"] as? [String], "unexpected output: \(result)")
            let best = (entry["best"] as? [String: String]).map { (path: $0["path"] ?? "", message: $0["message"] ?? "") }
            return Verdict(errors: errors, best: best)
        }
    }

    /// Each file's first validation errors (empty: valid).
    static func errors(of files: [String], schema: String) throws -> [String: [String]] {
        try verdicts(of: files, schema: schema).mapValues(\.errors)
    }
}
