import Foundation

/// A Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/), as far as
/// `prepline validate` checks it. What is not modelled is refused by name (exit 2), never ignored:
/// a schema that silently checks less than it says would pass bad data in CI.
package struct TableSchema: Sendable {
    package var fields: [SchemaField]
    /// Cells equal to one of these (byte for byte, before any trimming) are missing. Frictionless'
    /// default is `[""]`, not the spec's `input.missing`: the schema decides what it calls missing.
    package var missingValues: [String] = [""]
    /// Field names whose value tuple must be unique and not all missing.
    package var primaryKey: [String] = []
    /// Where the schema came from, for messages ("spec.json: schema", "schema.json").
    package var source: String
    /// The Table Schema object it was decoded from (read from its file when the spec named one),
    /// so a fitted spec can carry it inline and apply anywhere.
    package var json: JSONValue? = nil

    /// Indexes (into `fields`) of the primary key fields.
    package var primaryKeyIndexes: [Int] { primaryKey.compactMap { name in fields.firstIndex { $0.name == name } } }
}

/// One field of a Table Schema.
package struct SchemaField: Sendable {
    package var name: String
    package var type: FieldType
    package var format: String = "default"
    package var constraints = FieldConstraints()
    // Shared defaults: an array literal per field allocated two arrays for each of 100,000 columns.
    package var trueValues: [String] = SchemaField.defaultTrueValues
    package var falseValues: [String] = SchemaField.defaultFalseValues
    package static let defaultTrueValues = ["true", "True", "TRUE", "1"]
    package static let defaultFalseValues = ["false", "False", "FALSE", "0"]
    package var decimalChar: String = "."
    package var groupChar: String = ""
    package var bareNumber = true
    /// True when one of decimalChar, groupChar, bareNumber was written: frictionless only then
    /// runs its number preprocessing (group removal, decimal mark, stripping non-digits).
    package var numberOptionsGiven = false

    /// Frictionless' own spelling of the type in notes: `type is "date/default"`.
    package var typeNote: String { "type is \"\(type.rawValue)/\(format)\"" }
}

/// The field types prepline reads (Table Schema names).
package enum FieldType: String, Sendable, CaseIterable {
    case string, number, integer, boolean, date, datetime, year, any

    /// The constraints frictionless applies to this type, in the order it checks them (an
    /// unsupported one is a spec error here; frictionless ignores it).
    var supportedConstraints: [String] {
        switch self {
        case .string: return ["required", "minLength", "maxLength", "pattern", "enum"]
        case .boolean: return ["required", "enum"]
        case .any: return ["required", "enum"]
        case .number, .integer, .date, .datetime, .year:
            return ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
        }
    }
}

/// The constraints of one field, with bounds already read as typed values.
package struct FieldConstraints: Sendable {
    package var required = false
    package var unique = false
    package var minimum: CellValue?
    package var maximum: CellValue?
    package var exclusiveMinimum: CellValue?
    package var exclusiveMaximum: CellValue?
    package var minLength: Int?
    package var maxLength: Int?
    package var pattern: CellPattern?
    package var enumValues: Set<CellValue>?
    /// Each constraint as written, in frictionless' check order, for notes: `constraint "maximum" is "10"`.
    package var written: [(name: String, text: String)] = []

    package func text(_ name: String) -> String { written.first { $0.name == name }?.text ?? "" }

    /// True when a cell needs no constraint check at all (the common fast path).
    package var isEmpty: Bool {
        !required && minimum == nil && maximum == nil && exclusiveMinimum == nil && exclusiveMaximum == nil
            && minLength == nil && maxLength == nil && pattern == nil && enumValues == nil
    }
}

/// A `pattern` constraint: frictionless compiles `^PATTERN$` and calls `re.match`, so the
/// pattern is *not* grouped (`a|b` accepts anything starting with a or ending with b).
package final class CellPattern: Sendable {
    let source: String
    private let regex: NSRegularExpression

    init(_ source: String) throws {
        self.source = source
        regex = try NSRegularExpression(pattern: "^" + source + "$", options: [])
    }

    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, options: [.anchored], range: range) != nil
    }
}

// MARK: - Decoding

extension TableSchema {
    /// Decodes the spec's `schema` value: an inline Table Schema object, a path to a Table Schema
    /// JSON file, a path to a `datapackage.json` (its first resource with a schema), or
    /// `{"path": "datapackage.json", "resource": "name"}` to choose the resource. Relative paths
    /// are relative to the file that names them.
    package static func decode(_ value: JSONValue, specFile: String, path: String) throws(PreplineError) -> TableSchema {
        switch value {
        case .string(let reference):
            return try load(reference: reference, resource: nil, relativeTo: specFile, path: path)
        case .object:
            var reader = try SpecObjectReader(value, file: specFile, path: path)
            if reader.has("fields") { return try decodeInline(value, file: specFile, path: path, source: "\(specFile): \(path)") }
            guard let reference = try reader.string("path") else {
                throw PreplineError.spec(file: specFile, path: path, message: "expected a Table Schema (an object with \"fields\"), a path to one, or {\"path\": \"datapackage.json\", \"resource\": \"name\"}")
            }
            let resource = try reader.string("resource")
            try reader.finish()
            return try load(reference: reference, resource: resource, relativeTo: specFile, path: path)
        default:
            throw PreplineError.spec(file: specFile, path: path, message: "expected a Table Schema object or a path to one, got \(value.typeName)")
        }
    }

    private static func resolve(_ reference: String, relativeTo file: String) -> String {
        if reference.hasPrefix("/") { return reference }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        return directory.isEmpty ? reference : "\(directory)/\(reference)"
    }

    private static func load(reference: String, resource: String?, relativeTo file: String, path: String) throws(PreplineError) -> TableSchema {
        let full = resolve(reference, relativeTo: file)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw PreplineError.spec(file: file, path: path, message: "cannot read the schema file \(full)")
        }
        // Compressed like the spec can be (`schema.json.gz`).
        let bytes = try GzipDocument.inflatedIfCompressed([UInt8](data), name: full)
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw PreplineError.specSyntax(file: full, line: error.line, column: error.column, message: error.message)
        }
        try root.requireFiniteNumbers(file: full)
        guard case .object(let members) = root else {
            throw PreplineError.spec(file: full, path: "", message: "expected a Table Schema or a data package object, got \(root.typeName)")
        }
        guard let resources = members.first(where: { $0.key == "resources" })?.value else {
            if resource != nil {
                throw PreplineError.spec(file: file, path: "\(path).resource", message: "\(full) is a Table Schema, not a data package: it has no resources to choose from")
            }
            return try decodeInline(root, file: full, path: "", source: full)
        }
        guard case .array(let list) = resources else {
            throw PreplineError.spec(file: full, path: "resources", message: "expected an array of resources")
        }
        var names: [String] = []
        for (i, item) in list.enumerated() {
            guard case .object(let fields) = item else { continue }
            let name = fields.first { $0.key == "name" }.flatMap { if case .string(let s) = $0.value { return s } else { return nil } }
            if let name { names.append(name) }
            guard let schema = fields.first(where: { $0.key == "schema" })?.value else { continue }
            if let resource, resource != name { continue }
            if case .string(let inner) = schema {
                return try load(reference: inner, resource: nil, relativeTo: full, path: "resources[\(i)].schema")
            }
            return try decodeInline(schema, file: full, path: "resources[\(i)].schema", source: "\(full): resources[\(i)]")
        }
        if let resource {
            throw PreplineError.spec(file: file, path: "\(path).resource", message: "no resource named \"\(resource)\" with a schema in \(full); resources: \(names.joined(separator: ", "))")
        }
        throw PreplineError.spec(file: full, path: "resources", message: "no resource has a schema")
    }

    static func decodeInline(_ value: JSONValue, file: String, path: String, source: String) throws(PreplineError) -> TableSchema {
        var reader = try SpecObjectReader(value, file: file, path: path)
        for ignored in ["$schema", "name", "title", "description"] { _ = reader.value(ignored) }
        if let match = try reader.choice("fieldsMatch", ["exact"]) { _ = match }
        var schema = TableSchema(fields: [], source: source)
        schema.json = value
        if let missing = try reader.stringArray("missingValues") { schema.missingValues = missing }
        guard let fieldsValue = reader.value("fields"), case .array(let list) = fieldsValue else {
            throw reader.fail("fields", "expected an array of field objects")
        }
        for (i, item) in list.enumerated() {
            schema.fields.append(try decodeField(item, file: file, path: "\(reader.childPath("fields"))[\(i)]"))
        }
        var seen: Set<String> = []
        for (i, field) in schema.fields.enumerated() where !seen.insert(field.name).inserted {
            throw PreplineError.spec(file: file, path: "\(reader.childPath("fields"))[\(i)].name", message: "duplicate field name \"\(field.name)\"")
        }
        if let key = reader.value("primaryKey") {
            switch key {
            case .string(let s): schema.primaryKey = [s]
            case .array:
                var again = try SpecObjectReader(.object([("primaryKey", key)]), file: file, path: path)
                schema.primaryKey = try again.stringArray("primaryKey") ?? []
            default: throw reader.fail("primaryKey", "expected a field name or an array of field names")
            }
            for name in schema.primaryKey where !seen.contains(name) {
                throw reader.fail("primaryKey", "\"\(name)\" is not a field of the schema\(Suggestion.didYouMean(name, in: schema.fields.map(\.name))); fields: \(Suggestion.shortList(schema.fields.map(\.name)))")
            }
        }
        if reader.has("foreignKeys") { _ = reader.value("foreignKeys"); throw reader.fail("foreignKeys", "foreign keys are not checked by prepline") }
        try reader.finish()
        return schema
    }

    private static func decodeField(_ value: JSONValue, file: String, path: String) throws(PreplineError) -> SchemaField {
        var reader = try SpecObjectReader(value, file: file, path: path)
        guard let name = try reader.string("name") else { throw reader.fail("name", "every field needs a name") }
        let typeName = try reader.choice("type", FieldType.allCases.map(\.rawValue)) ?? "string"
        var field = SchemaField(name: name, type: FieldType(rawValue: typeName)!)
        for ignored in ["title", "description", "example", "rdfType"] { _ = reader.value(ignored) }
        if let format = try reader.string("format") { field.format = format }
        try checkFormat(field, reader: reader)
        if field.type == .boolean {
            if let t = try reader.stringArray("trueValues") { field.trueValues = t }
            if let f = try reader.stringArray("falseValues") { field.falseValues = f }
        }
        if field.type == .number || field.type == .integer {
            if let b = try reader.bool("bareNumber") { field.bareNumber = b; field.numberOptionsGiven = true }
        }
        if field.type == .number {
            if let d = try reader.string("decimalChar") { field.decimalChar = d; field.numberOptionsGiven = true }
            if let g = try reader.string("groupChar") { field.groupChar = g; field.numberOptionsGiven = true }
            if field.decimalChar.isEmpty { throw reader.fail("decimalChar", "must not be empty") }
        }
        if var constraints = try reader.object("constraints") {
            field.constraints = try decodeConstraints(&constraints, field: field)
            try constraints.finish()
        }
        try reader.finish()
        return field
    }

    private static func checkFormat(_ field: SchemaField, reader: SpecObjectReader) throws(PreplineError) {
        switch field.type {
        case .date, .datetime:
            if field.format == "any" {
                throw reader.fail("format", "format \"any\" (dateutil's guessing parser) is not supported; use \"default\" or an explicit pattern such as \"%d/%m/%Y\"")
            }
            if field.format != "default" {
                do { _ = try DatePattern(field.format) } catch {
                    throw reader.fail("format", error.message)
                }
            }
        default:
            if field.format != "default" {
                throw reader.fail("format", "only the \"default\" format is supported for \(field.type.rawValue) fields, got \"\(field.format)\"")
            }
        }
    }

    private static func decodeConstraints(_ reader: inout SpecObjectReader, field: SchemaField) throws(PreplineError) -> FieldConstraints {
        var c = FieldConstraints()
        let supported = field.type.supportedConstraints
        for key in reader.keys where key != "unique" && !supported.contains(key) {
            let known = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "enum"]
            throw reader.fail(key, known.contains(key)
                ? "\"\(key)\" does not apply to \(field.type.rawValue) fields; they take \(supported.joined(separator: ", ")), unique"
                : "unknown constraint; allowed: \(known.joined(separator: ", ")), unique")
        }
        let reader0 = reader
        func bound(_ key: String, _ value: JSONValue?) throws(PreplineError) -> CellValue? {
            guard let value else { return nil }
            guard let parsed = CellParser(field: field).constant(value) else {
                throw reader0.fail(key, "\(value.serialized()) is not a valid \(field.type.rawValue) value")
            }
            return parsed
        }
        if let r = try reader.bool("required") { c.required = r }
        if let u = try reader.bool("unique") { c.unique = u }
        c.minimum = try bound("minimum", reader.value("minimum"))
        c.maximum = try bound("maximum", reader.value("maximum"))
        c.exclusiveMinimum = try bound("exclusiveMinimum", reader.value("exclusiveMinimum"))
        c.exclusiveMaximum = try bound("exclusiveMaximum", reader.value("exclusiveMaximum"))
        c.minLength = try reader.integer("minLength", in: 0...Int(Int32.max))
        c.maxLength = try reader.integer("maxLength", in: 0...Int(Int32.max))
        if let p = try reader.string("pattern") {
            do { c.pattern = try CellPattern(p) } catch { throw reader.fail("pattern", "not a valid regular expression: \(p)") }
        }
        if let e = reader.value("enum") {
            guard case .array(let items) = e else { throw reader.fail("enum", "expected an array of allowed values") }
            var values: Set<CellValue> = []
            for (i, item) in items.enumerated() {
                guard let v = CellParser(field: field).constant(item) else {
                    throw PreplineError.spec(file: reader.file, path: "\(reader.childPath("enum"))[\(i)]", message: "\(item.serialized()) is not a valid \(field.type.rawValue) value")
                }
                values.insert(v)
            }
            c.enumValues = values
        }
        // Notes use Python's str() of the value as written, as frictionless does.
        for key in supported + ["unique"] {
            guard let value = reader0.peek(key) else { continue }
            c.written.append((key, pythonText(value)))
        }
        return c
    }

    /// Python's `str()` of a JSON value, for notes that read like frictionless'.
    static func pythonText(_ value: JSONValue) -> String {
        switch value {
        case .bool(let b): return b ? "True" : "False"
        case .null: return "None"
        case .string(let s): return s
        case .number(let n, _): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : NumberText.format(n)
        case .array(let items): return "[" + items.map { item in
            if case .string(let s) = item { return "'\(s)'" }
            return pythonText(item)
        }.joined(separator: ", ") + "]"
        case .object: return value.serialized()
        }
    }
}
