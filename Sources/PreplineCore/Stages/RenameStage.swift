/// `rename`: gives columns new names, all at once (`{"a": "b", "b": "a"}` swaps them), as
/// pandas' `rename(columns=…)`. Later stages name the columns by their new names. Only the
/// names change: no value is read or copied.
package struct RenameStage: ColumnListStage {
    package static let kind = "rename"
    package static let summary = "rename columns: {\"map\": {\"old\": \"new\"}}, all at once; a new name that is already a column is an error"
    package static let options = StageOptionTable([
        StageOption("map", .object(schema: .object([
            ("type", .string("object")),
            ("minProperties", .number(1)),
            ("additionalProperties", .object([("type", .string("string")), ("minLength", .number(1))])),
        ])), "Old name → new name, for each column to rename (a column made by an earlier stage too, e.g. a one-hot column)."),
    ], takesColumns: false, required: [("map", "a rename names its columns in \"map\": {\"old\": \"new\"}")])

    package let position: Int
    /// The old names, in the map's order.
    package let selectors: [String]
    package let newNames: [String]
    private var renamed: [(index: Int, name: String)] = []
    private var boundNames: [String] = []
    package var columnNames: [String] { boundNames }
    package var columnEffect: String? { "renames columns in place" }

    package init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        _ = try reader.stageOptions(Self.options)
        var map = try reader.object("map")!
        guard !map.keys.isEmpty else { throw reader.fail("map", "expected at least one \"old\": \"new\" pair") }
        var old: [String] = [], new: [String] = []
        var seen: [[UInt8]: String] = [:]  // bytes: NFC and NFD spellings are two names
        for key in map.keys {
            guard let name = try map.string(key) else { continue }
            guard !name.isEmpty else { throw map.fail(key, "expected a new name, got \"\"") }
            if let other = seen[Array(name.utf8)] {
                throw map.fail(key, "'\(other)' and '\(key)' would both be named '\(name)'")
            }
            seen[Array(name.utf8)] = key
            old.append(key)
            new.append(name)
        }
        try map.finish()
        try reader.finish()
        selectors = old
        newNames = new
    }

    package mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        renamed = try columns.rename(Array(zip(selectors, newNames)), path: "\(path).map")
        boundNames = selectors
    }

    package func apply(_ batch: inout Batch) {
        for (index, name) in renamed { batch.names[index] = name }
    }
}
