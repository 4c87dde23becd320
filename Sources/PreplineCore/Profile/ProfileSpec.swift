/// The starting spec `--emit-spec` writes: the input block the data was read with, a Table
/// Schema with the inferred types (`required` where nothing was missing) and `checks` set from
/// what was seen, so `prepline validate` accepts the same data (exit 0).
package enum ProfileSpec {
    package static func build(_ profile: ProfileAccumulator, dialect: InputDialect) -> JSONValue {
        let tokens = JSONValue.array(dialect.missing.map { .string($0) })
        // Every key that changes how the data reads, or validate would cut or decode it otherwise.
        var input: [(key: String, value: JSONValue)] = [("delimiter", .string(String(decoding: [dialect.delimiter], as: UTF8.self)))]
        if dialect.quote != UInt8(ascii: "\"") { input.append(("quote", .string(String(decoding: [dialect.quote], as: UTF8.self)))) }
        input.append(("header", dialect.headerIfPresent ? .string("if-present") : .bool(dialect.header)))
        if let columns = dialect.columns { input.append(("columns", .array(columns.map { .string($0) }))) }
        input.append(("missing", tokens))
        if dialect.encoding != .utf8 { input.append(("encoding", .string(dialect.encoding.rawValue))) }
        if !dialect.numberFormat.isStandard {
            input.append(("decimal", .string(String(decoding: dialect.numberFormat.decimal, as: UTF8.self))))
            if !dialect.numberFormat.group.isEmpty { input.append(("group", .string(String(decoding: dialect.numberFormat.group, as: UTF8.self)))) }
        }
        let fields = zip(profile.names, profile.columns).map { name, column -> JSONValue in
            let type = column.candidates.typeName(present: column.present)
            var field: [(key: String, value: JSONValue)] = [("name", .string(name)), ("type", .string(type))]
            // A number field's own spelling, which profile read the column with: validate reads it so too.
            if type == FieldType.number.rawValue, let format = dialect.fieldNumberFormats[name] {
                field.append(("decimalChar", .string(String(decoding: format.decimal, as: UTF8.self))))
                if !format.group.isEmpty { field.append(("groupChar", .string(String(decoding: format.group, as: UTF8.self)))) }
            }
            if column.missing == 0 && profile.rows > 0 { field.append(("constraints", .object([("required", .bool(true))]))) }
            return .object(field)
        }
        var checks: [JSONValue] = [
            .object([("check", .string("rows")), ("min", .number(Double(profile.rows)))]),
            .object([("check", .string("columns")), ("exact", .array(profile.names.map { .string($0) }))]),
        ]
        if profile.rows > 0 {
            for (name, column) in zip(profile.names, profile.columns) {
                // Rounded up to 4 decimals: the share seen passes, a little more does not.
                let ratio = Double(column.missing) / Double(profile.rows)
                let bound = Swift.min(1, (ratio * 10_000).rounded(.up) / 10_000)
                checks.append(.object([("check", .string("missing_ratio")), ("column", .string(name)), ("max", .number(bound))]))
            }
        }
        return .object([
            ("prepline", .number(1)),
            ("input", .object(input)),
            ("schema", .object([("missingValues", tokens), ("fields", .array(fields))])),
            ("checks", .array(checks)),
            ("stages", .array([])),
        ])
    }
}
