/// Small constructors for JSON Schema fragments, so the stages' schema pieces stay readable.
/// Object members keep their order (the printed schema lists options as the decoder reads them).
package enum SchemaPiece {
    /// An object from a literal, in the literal's order (a dictionary would lose it).
    package static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { (key: $0.key, value: $0.value) })
    }

    /// An array of strings (enums, `required` lists, type unions).
    package static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    /// A string option restricted to `values`.
    package static func choice(_ values: [String], default value: String?, _ description: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("description", .string(description)), ("type", .string("string")),
                                                          ("enum", strings(values))]
        if let value { members.append(("default", .string(value))) }
        return .object(members)
    }

    /// A boolean option; the default is part of the schema so editors can show it.
    package static func boolean(default value: Bool, _ description: String) -> JSONValue {
        object(["description": .string(description), "type": .string("boolean"), "default": .bool(value)])
    }

    /// A free string option (a path, a value).
    package static func string(_ description: String) -> JSONValue {
        object(["description": .string(description), "type": .string("string")])
    }

    /// A number, or null where a learned value is undefined (a column with no observed values).
    package static let learnedNumber = object(["type": strings(["number", "null"])])

    /// The `fitted` block: one object per column name, each of the shape `entry`.
    package static func fitted(_ description: String, entry properties: KeyValuePairs<String, JSONValue>, required: [String]) -> JSONValue {
        object([
            "description": .string(description + " Written by `prepline fit`; `prepline apply` uses it as it is."),
            "type": .string("object"),
            "additionalProperties": object([
                "type": .string("object"),
                "properties": .object(properties.map { (key: $0.key, value: $0.value) } + [("missing_ratio", object([
                    "description": .string("The input column's share of missing values at fit time (on the first stage that reads it); `validate --against` compares it with the data's."),
                    "type": .string("number"), "minimum": .number(0), "maximum": .number(1),
                ]))]),
                "required": strings(required),
                "additionalProperties": .bool(false),
            ]),
        ])
    }
}

/// The JSON Schema (draft 2020-12) of the spec format, printed by `prepline schema`.
///
/// Built here from the decoder's own choices and from each stage's option table, driven by
/// `StageRegistry.kinds`, so a new stage is covered by its registry line. It describes what this
/// version's decoder accepts and no more: keys it refuses are left out, every object is closed
/// (`additionalProperties: false`), a stage's branch is chosen by its `"stage"`, and rules
/// between keys that JSON Schema can say (svmlight needs `label`) are in it, so an editor flags
/// what the decoder would. What needs the data (column names, globs that match nothing) cannot
/// be checked here.
package enum SpecSchema {
    /// One ASCII character that is not a line break: what the decoder's single-byte delimiter
    /// and quote allow (with minLength/maxLength 1, as Python's `$` also matches before "\n").
    package static let dialectCharacter = #"^[\u0000-\u0009\u000B\u000C\u000E-\u007F]$"#

    /// The whole schema, rebuilt on each call (it is printed once per run).
    package static var document: JSONValue { document(kinds: StageRegistry.kinds) }

    /// The schema of a spec whose stages are `kinds` (the registry's, or a test's).
    package static func document(kinds stageKinds: [any PipelineStage.Type]) -> JSONValue {
        let defaults = InputDialect()
        let byte: (String) -> JSONValue = { description in
            SchemaPiece.object(["description": .string(description), "type": .string("string"), "minLength": .number(1), "maxLength": .number(1),
                                "pattern": .string(dialectCharacter)])
        }
        let input = SchemaPiece.object([
            "description": .string("How the input CSV is spelled."),
            "type": .string("object"),
            "properties": SchemaPiece.object([
                "delimiter": withDefault(byte("Field separator: one ASCII character, not a line break (\"\\t\" for TSV)."),
                                         .string(String(UnicodeScalar(defaults.delimiter)))),
                "quote": withDefault(byte("Quote character: one ASCII character, not a line break, different from the delimiter."),
                                     .string(String(UnicodeScalar(defaults.quote)))),
                "header": SchemaPiece.object([
                    "description": .string("The first record holds the column names; without it the columns are column_1, column_2, … (or input.columns). \"if-present\" (with input.columns): a first record equal to input.columns is the header, any other is data — the partitions of a file split by lines, where only the first has the header."),
                    "oneOf": .array([SchemaPiece.object(["type": .string("boolean")]), SchemaPiece.object(["const": .string("if-present")])]),
                    "default": .bool(defaults.header),
                ]),
                "columns": SchemaPiece.object([
                    "description": .string("The column names of an input without a header (input.header false or \"if-present\"), in order, unique."),
                    "type": .string("array"), "items": SchemaPiece.object(["type": .string("string")]), "minItems": .number(1), "uniqueItems": .bool(true),
                ]),
                "missing": SchemaPiece.object([
                    "description": .string("Field texts read as a missing value (stages use them; a pass-through keeps the text)."),
                    "type": .string("array"), "items": SchemaPiece.object(["type": .string("string")]),
                    "default": SchemaPiece.strings(defaults.missing),
                ]),
                "encoding": SchemaPiece.choice(TextEncoding.allCases.map(\.rawValue), default: defaults.encoding.rawValue,
                                               "The input's character encoding, decoded to UTF-8 output: utf-8 (bytes kept as they are), latin-1 (ISO-8859-1) or cp1252 (Windows-1252)."),
                "decimal": SchemaPiece.object([
                    "description": .string("The decimal mark numeric stages read (\",\" for 1,5); not a digit, sign or e, nor the delimiter, quote or group. A schema number field's decimalChar wins for its column. Output numbers use \".\"."),
                    "type": .string("string"), "minLength": .number(1), "maxLength": .number(1), "default": .string("."),
                ]),
                "group": SchemaPiece.object([
                    "description": .string("A digit-group separator numeric stages drop (\".\", \" \", \"'\"); default none. A schema number field's groupChar wins for its column."),
                    "type": .string("string"), "maxLength": .number(1), "default": .string(""),
                ]),
            ]),
            "additionalProperties": .bool(false),
        ])
        let output = SchemaPiece.object([
            "description": .string("How the output is written."),
            "type": .string("object"),
            "properties": SchemaPiece.object([
                "format": SchemaPiece.choice(OutputFormat.allCases.map(\.rawValue), default: "csv", "The output format: csv, or svmlight (label index:value …, features numbered from 1 in output column order, zero and missing values left out; needs label)."),
                "label": SchemaPiece.string("svmlight output: the label column (a number in every row)."),
                "columns": SchemaPiece.object([
                    "description": .string("Which columns are written: \"all\" (each stage's output in its column's place), or a list of names and globs, in the order to write them (a last select)."),
                    "default": .string("all"),
                    "oneOf": .array([
                        SchemaPiece.object(["const": .string("all")]),
                        SchemaPiece.object(["type": .string("array"), "minItems": .number(1), "items": SchemaPiece.object(["type": .string("string")])]),
                    ]),
                ]),
                "on_error": SchemaPiece.choice(OnError.allCases.map(\.rawValue), default: OnError.fail.rawValue,
                                               "A row-level error (wrong field count, a non-number in a numeric stage, an unknown category): fail stops with exit 1; skip drops and counts the row; reject writes it to the rejects file."),
                "delimiter": byte("Output field separator (default: the input's)."),
                "quote": byte("Output quote character (default: the input's)."),
                "header": SchemaPiece.boolean(default: true, "Write a header record."),
                "rejects": SchemaPiece.string("Where on_error \"reject\" writes rejected records (CSV: file,line,reason,record); --rejects overrides it."),
            ]),
            "additionalProperties": .bool(false),
            // As the decoder: svmlight output needs its label column, and csv output has none.
            "allOf": .array([SchemaPiece.object([
                "if": SchemaPiece.object(["properties": SchemaPiece.object(["format": SchemaPiece.object(["const": .string("svmlight")])]),
                                          "required": SchemaPiece.strings(["format"])]),
                "then": SchemaPiece.object(["required": SchemaPiece.strings(["label"])]),
                "else": SchemaPiece.object(["properties": SchemaPiece.object(["label": .bool(false)])]),
            ])]),
        ])
        // The branch is picked by "stage" (if/then on its const), not by a bare oneOf: a typo in
        // a scale stage is then reported as that key in that stage ("'methd' was unexpected"),
        // not as "valid under none of the given schemas".
        let kinds = stageKinds.map { $0.kind }
        let stageBranches = kinds.map { kind in
            SchemaPiece.object([
                "if": SchemaPiece.object(["properties": SchemaPiece.object(["stage": SchemaPiece.object(["const": .string(kind)])]),
                                          "required": SchemaPiece.strings(["stage"])]),
                "then": SchemaPiece.object(["$ref": .string("#/$defs/stage_\(kind)")]),
            ])
        }
        let stageItem = SchemaPiece.object([
            "type": .string("object"),
            "required": SchemaPiece.strings(["stage"]),
            "properties": SchemaPiece.object(["stage": SchemaPiece.object(["description": .string("The stage kind."), "enum": SchemaPiece.strings(kinds)])]),
            "allOf": .array(stageBranches),
        ])
        var defs: [(key: String, value: JSONValue)] = [
            ("columns", SchemaPiece.object([
                "description": .string("The columns the stage rewrites, in order: names, or globs (* any run, ? one character, [abc] one of a set) over the columns at that point of the pipeline."),
                "type": .string("array"),
                "items": SchemaPiece.object(["type": .string("string")]),
                "minItems": .number(1),
            ])),
        ]
        for kind in stageKinds { defs.append(("stage_\(kind.kind)", stageSchema(kind))) }
        return SchemaPiece.object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "title": .string("prepline pipeline spec, format 1"),
            "description": .string("A prepline spec: how to read the CSV, the stages that rewrite its columns in order, and how to write the result. A fitted spec is the same with each stage's learned parameters under \"fitted\"."),
            "type": .string("object"),
            "required": SchemaPiece.strings(["prepline"]),
            "properties": SchemaPiece.object([
                "$schema": SchemaPiece.object(["description": .string("The URI of this schema, for editors; ignored by prepline."), "type": .string("string")]),
                "prepline": SchemaPiece.object(["description": .string("The spec format version."), "const": .number(1)]),
                "input": input,
                "training": training,
                "stages": SchemaPiece.object([
                    "description": .string("The stages, run in order; an empty list is a faithful CSV pass-through."),
                    "type": .string("array"),
                    "items": stageItem,
                    "default": .array([]),
                ]),
                "output": output,
                "schema": tableSchemaReference,
                "checks": datasetChecks,
            ]),
            "additionalProperties": .bool(false),
            "$defs": .object(defs),
        ])
    }

    /// The fitted spec's `training` block (`TrainingRecord`): written by `fit`, every key required.
    static var training: JSONValue {
        SchemaPiece.object([
            "description": .string("What the spec was fitted on, written by `prepline fit`: `apply` matches the input's columns to `header` by name and writes the output in its layout. Leave it out (a hand-written fitted spec) to match columns by position."),
            "type": .string("object"),
            "properties": SchemaPiece.object([
                "header": SchemaPiece.object(["description": .string("The training input's column names, in order (unique)."), "type": .string("array"),
                                              "items": SchemaPiece.object(["type": .string("string")]), "uniqueItems": .bool(true)]),
                "rows": SchemaPiece.object(["description": .string("Data records read (the header not counted)."), "type": .string("integer"), "minimum": .number(0)]),
                "rows_left_out": SchemaPiece.object(["description": .string("Of those, the rows left out of the statistics (row-level errors under on_error skip or reject)."),
                                                     "type": .string("integer"), "minimum": .number(0)]),
                "missing": SchemaPiece.object(["description": .string("The input.missing tokens the fit read as missing."), "type": .string("array"),
                                               "items": SchemaPiece.object(["type": .string("string")])]),
                "prepline": SchemaPiece.object(["description": .string("The prepline version that fitted."), "type": .string("string")]),
                "fitted_at": SchemaPiece.object(["description": .string("When the fit ran, ISO 8601 UTC (SOURCE_DATE_EPOCH when set)."), "type": .string("string"),
                                                 "pattern": .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")]),
            ]),
            "required": SchemaPiece.strings(["header", "rows", "rows_left_out", "missing", "prepline", "fitted_at"]),
            "additionalProperties": .bool(false),
        ])
    }

    /// The spec's `schema`: a Frictionless Table Schema inline, a path to one (or to a
    /// datapackage.json), or a data package resource chosen by name. The Table Schema itself is
    /// described loosely (its keys, the field types prepline reads); `validate` reports the rest.
    static var tableSchemaReference: JSONValue {
        let strings = SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("string")])])
        let field = SchemaPiece.object([
            "type": .string("object"),
            "required": SchemaPiece.strings(["name"]),
            "properties": SchemaPiece.object([
                "name": SchemaPiece.object(["type": .string("string")]),
                "type": SchemaPiece.object(["enum": SchemaPiece.strings(FieldType.allCases.map(\.rawValue))]),
                "format": SchemaPiece.object(["type": .string("string")]),
                "title": SchemaPiece.object(["type": .string("string")]), "description": SchemaPiece.object(["type": .string("string")]),
                "example": .object([]), "rdfType": SchemaPiece.object(["type": .string("string")]),
                "constraints": SchemaPiece.object([
                    "type": .string("object"),
                    "properties": SchemaPiece.object([
                        "required": SchemaPiece.object(["type": .string("boolean")]), "unique": SchemaPiece.object(["type": .string("boolean")]),
                        "minimum": .object([]), "maximum": .object([]), "exclusiveMinimum": .object([]), "exclusiveMaximum": .object([]),
                        "minLength": SchemaPiece.object(["type": .string("integer"), "minimum": .number(0)]),
                        "maxLength": SchemaPiece.object(["type": .string("integer"), "minimum": .number(0)]),
                        "pattern": SchemaPiece.object(["type": .string("string")]), "enum": SchemaPiece.object(["type": .string("array")]),
                    ]),
                    "additionalProperties": .bool(false),
                ]),
                "trueValues": strings, "falseValues": strings,
                "decimalChar": SchemaPiece.object(["type": .string("string")]), "groupChar": SchemaPiece.object(["type": .string("string")]),
                "bareNumber": SchemaPiece.object(["type": .string("boolean")]),
            ]),
            "additionalProperties": .bool(false),
            // Formats prepline checks: date and datetime patterns ("%d/%m/%Y"; not dateutil's
            // "any"); every other type only "default" (email, uri, uuid… are not checked, so refused).
            "allOf": .array([SchemaPiece.object([
                "if": SchemaPiece.object(["properties": SchemaPiece.object(["type": SchemaPiece.object(["enum": SchemaPiece.strings(["date", "datetime"])])]),
                                          "required": SchemaPiece.strings(["type"])]),
                "then": SchemaPiece.object(["properties": SchemaPiece.object(["format": SchemaPiece.object(["not": SchemaPiece.object(["const": .string("any")])])])]),
                "else": SchemaPiece.object(["properties": SchemaPiece.object(["format": SchemaPiece.object(["const": .string("default")])])]),
            ])]),
        ])
        let inline = SchemaPiece.object([
            "type": .string("object"),
            "required": SchemaPiece.strings(["fields"]),
            "properties": SchemaPiece.object([
                "fields": SchemaPiece.object(["type": .string("array"), "items": field]),
                "missingValues": strings,
                "primaryKey": SchemaPiece.object(["type": .array([.string("string"), .string("array")])]),
                "fieldsMatch": SchemaPiece.object(["const": .string("exact")]),
                "$schema": SchemaPiece.object(["type": .string("string")]), "name": SchemaPiece.object(["type": .string("string")]),
                "title": SchemaPiece.object(["type": .string("string")]), "description": SchemaPiece.object(["type": .string("string")]),
            ]),
            "additionalProperties": .bool(false),
        ])
        let resource = SchemaPiece.object([
            "type": .string("object"),
            "required": SchemaPiece.strings(["path"]),
            "properties": SchemaPiece.object([
                "path": SchemaPiece.string("A datapackage.json (or Table Schema JSON), relative to the spec."),
                "resource": SchemaPiece.string("The resource's name (default: the first resource with a schema)."),
            ]),
            "additionalProperties": .bool(false),
        ])
        return SchemaPiece.object([
            "description": .string("A Frictionless Table Schema that `validate` checks rows against: inline, a path to a Table Schema or datapackage.json (relative to the spec), or {\"path\", \"resource\"}."),
            "oneOf": .array([SchemaPiece.string("Path to a Table Schema or datapackage.json, relative to the spec."), inline, resource]),
        ])
    }

    /// The spec's `checks`: dataset-level checks `validate` computes in its one pass.
    static var datasetChecks: JSONValue {
        let names = SchemaPiece.object(["type": .string("array"), "items": SchemaPiece.object(["type": .string("string")])])
        return SchemaPiece.object([
            "description": .string("Dataset-level checks: missing_ratio (per column), rows, columns (required / exact), distinct (count per column), range (a column's mean or std)."),
            "type": .string("array"),
            "items": SchemaPiece.object([
                "type": .string("object"),
                "required": SchemaPiece.strings(["check"]),
                "properties": SchemaPiece.object([
                    "check": SchemaPiece.object(["enum": SchemaPiece.strings(DatasetCheck.Kind.inSpecs.map(\.rawValue))]),
                    "column": SchemaPiece.object(["type": .string("string")]), "columns": names,
                    "min": SchemaPiece.object(["type": .string("number")]), "max": SchemaPiece.object(["type": .string("number")]),
                    "required": names, "exact": names,
                    "stat": SchemaPiece.object(["enum": SchemaPiece.strings(["mean", "std"])]),
                ]),
                "additionalProperties": .bool(false),
            ]),
        ])
    }

    /// One stage kind's object schema: `stage` (its discriminator), `columns`, and the options
    /// and rules its option table derives.
    package static func stageSchema(_ kind: any PipelineStage.Type) -> JSONValue {
        let own = kind.options.schema
        let table = kind.options
        let properties: [(key: String, value: JSONValue)] = [("stage", SchemaPiece.object(["const": .string(kind.kind)]))]
            + (table.takesColumns ? [("columns", SchemaPiece.object(["$ref": .string("#/$defs/columns")]))] : [])
            + own.properties
        var members: [(key: String, value: JSONValue)] = [
            ("title", .string(kind.kind)),
            ("description", .string(kind.summary)),
            ("type", .string("object")),
            ("properties", .object(properties)),
            ("required", SchemaPiece.strings(["stage"] + (table.takesColumns ? ["columns"] : []) + table.required.map(\.name))),
        ]
        if !own.rules.isEmpty { members.append(("allOf", .array(own.rules))) }
        members.append(("additionalProperties", .bool(false)))
        return .object(members)
    }

    private static func withDefault(_ schema: JSONValue, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        members.append(("default", value))
        return .object(members)
    }

    /// `if method is <value> … else the options of that method are absent`: options that
    /// apply to one value of a choice. With `isDefault`, an absent key counts as that value.
    package static func onlyWhen(_ key: String, is value: String, isDefault: Bool, allows options: [String],
                                 then extra: JSONValue? = nil) -> JSONValue {
        var condition: [(key: String, value: JSONValue)] = [
            ("properties", .object([(key, SchemaPiece.object(["const": .string(value)]))])),
        ]
        if !isDefault { condition.append(("required", SchemaPiece.strings([key]))) }
        var members: [(key: String, value: JSONValue)] = [("if", .object(condition))]
        if let extra { members.append(("then", extra)) }
        if !options.isEmpty {
            members.append(("else", SchemaPiece.object(["properties": .object(options.map { ($0, .bool(false)) })])))
        }
        return .object(members)
    }
}
