import Testing
@testable import PreplineCore

/// A stage that exists only here: registered in one line (`kinds` below), it must show up in
/// the JSON Schema, in `explain` and in the help, with the options its table declares, and
/// its decoder must enforce that table, with nothing else written for it.
private struct MarkerStage: PipelineStage {
    static let kind = "marker"
    static let summary = "a test-only stage: writes a marker into its columns"
    static let options = StageOptionTable([
        StageOption("mode", .choice(["upper", "lower"]), default: .string("upper"), "How the marker is spelled."),
        StageOption("width", .integer(1...9), default: .number(3), appliesTo: ["upper"], "upper only: how many marker characters."),
        StageOption("loud", .bool, default: .bool(false), "Repeat the marker."),
    ], selector: "mode")

    let position: Int
    let selectors: [String]
    let mode: String
    let width: Int
    private var boundNames: [String] = []

    init(_ reader: inout SpecObjectReader, position: Int) throws(PreplineError) {
        self.position = position
        let options = try reader.stageOptions(Self.options)
        selectors = options.columns
        mode = options.string("mode")!
        width = options.integer("width")!
        try reader.finish()
    }

    var columnNames: [String] { boundNames }
    var isFitted: Bool { false }
    var fittedJSON: JSONValue? { nil }
    var numericColumns: [String] { [] }
    var profileNeeds: ColumnProfile.Needs { [] }
    var learnedParameters: String { "the marker's spelling" }
    var columnEffect: String? { "appends a marker to each value" }
    mutating func bind(columns: inout PlanColumns) throws(PreplineError) {
        boundNames = try columns.bindStage(selectors, position: position).names
    }
    func observe(_ batch: inout Batch, into state: inout StageFitState) {}
    mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}
    func apply(_ batch: inout Batch) {}
}

@Suite("A stage registered in one line appears in schema, explain and help")
struct StageRegistryTests {
    /// The registry with the test stage added: the one line a new stage needs.
    static let kinds: [any PipelineStage.Type] = StageRegistry.kinds + [MarkerStage.self]

    static func decode(_ stage: JSONValue) throws(PreplineError) -> any PipelineStage {
        try StageRegistry.decode(stage, position: 0, file: "spec.json", kinds: kinds)
    }

    static func specError(_ stage: JSONValue) -> String? {
        do {
            _ = try decode(stage)
            return nil
        } catch {
            guard case .spec(_, let path, let message) = error else { return "\(error)" }
            return "\(path): \(message)"
        }
    }

    @Test("the JSON Schema has the stage's branch, its options with types and defaults, and its rules")
    func schema() throws {
        let document = SpecSchema.document(kinds: Self.kinds)
        let stageItem = try #require(document["properties"]?["stages"]?["items"])
        #expect(stageItem["properties"]?["stage"]?["enum"] == SchemaPiece.strings(Self.kinds.map { $0.kind }))
        let branch = try #require(document["$defs"]?["stage_marker"])
        #expect(branch["description"] == .string(MarkerStage.summary))
        let properties = try #require(branch["properties"])
        #expect(properties["mode"]?["enum"] == SchemaPiece.strings(["upper", "lower"]))
        #expect(properties["mode"]?["default"] == .string("upper"))
        #expect(properties["width"]?["type"] == .string("integer"))
        #expect(properties["width"]?["maximum"] == .number(9))
        #expect(properties["loud"]?["type"] == .string("boolean"))
        #expect(branch["additionalProperties"] == .bool(false))
        // `width` belongs to mode "upper" (the default): absent under "lower".
        guard case .array(let rules)? = branch["allOf"], rules.count == 1 else { Issue.record("\(String(describing: branch["allOf"]))"); return }
        #expect(rules[0]["if"]?["properties"]?["mode"]?["const"] == .string("upper"))
        #expect(rules[0]["if"]?["required"] == nil, "upper is the default: an absent mode is upper")
        #expect(rules[0]["else"]?["properties"]?["width"] == .bool(false))
        // The registry's own schema is that of its kinds: without the line, no marker.
        #expect(SpecSchema.document["$defs"]?["stage_marker"] == nil)
    }

    @Test("the decoder enforces the table: types, ranges, another mode's option, unknown keys")
    func decoder() throws {
        let marker = try #require(try Self.decode(.object([("stage", .string("marker")), ("columns", SchemaPiece.strings(["a"])),
                                                            ("width", .number(5))])) as? MarkerStage)
        #expect(marker.mode == "upper" && marker.width == 5)
        func stage(_ members: [(key: String, value: JSONValue)]) -> JSONValue {
            .object([("stage", .string("marker")), ("columns", SchemaPiece.strings(["a"]))] + members)
        }
        #expect(Self.specError(stage([("loud", .string("yes"))])) == "stages[0].loud: expected true or false, got a string")
        #expect(Self.specError(stage([("width", .number(10))])) == "stages[0].width: expected an integer from 1 to 9, got 10")
        #expect(Self.specError(stage([("mode", .string("lowr"))])) == #"stages[0].mode: expected one of "upper", "lower", got "lowr" (did you mean "lower"?)"#)
        #expect(Self.specError(stage([("mode", .string("lower")), ("width", .number(2))])) == #"stages[0].width: applies to mode "upper", not "lower""#)
        let unknown = try #require(Self.specError(stage([("lod", .bool(true))])))
        #expect(unknown.hasPrefix(#"stages[0].lod: unknown key (did you mean "loud"?)"#), "\(unknown)")
        // The registry alone does not know the stage.
        var refused = ""
        do { _ = try StageRegistry.decode(stage([]), position: 0, file: "spec.json") } catch { refused = "\(error)" }
        #expect(refused.contains("unknown stage \"marker\""), "\(refused)")
    }

    @Test("explain shows the stage with its options, the defaults of its choices, what it learns")
    func explain() throws {
        var options = ExplainOptions(specPath: "-")
        options.spec = .inline(#"{"prepline": 1, "stages": [{"stage": "marker", "columns": ["a"], "loud": true}]}"#)
        options.stageKinds = Self.kinds
        let text = try ExplainCommand.execute(options)
        #expect(text.contains("[0] marker  loud=true mode=upper (default)\n"), "\(text)")
        #expect(text.contains("appends a marker to each value"), "\(text)")
        #expect(text.contains("learns the marker's spelling of a\n"), "\(text)")
    }

    @Test("the help's STAGES section lists the stage and its summary")
    func help() {
        let text = StageRegistry.helpText(kinds: Self.kinds)
        #expect(text.contains("  marker: a test-only stage: writes a marker into its columns"), "\(text)")
        for kind in StageRegistry.kinds { #expect(text.contains("  \(kind.kind): ")) }
        #expect(!StageRegistry.helpText().contains("marker"))
    }
}
