/// A stage that only changes the column list (select, drop, rename): nothing to learn, no
/// value read or rewritten, and it waits for a fit pass only when it names columns whose
/// names that pass learns (`PlanColumns.shapingDeferral`). What the three share, said once.
package protocol ColumnListStage: PipelineStage {}

extension ColumnListStage {
    package var isFitted: Bool { true }
    package var fittedJSON: JSONValue? { nil }
    package var numericColumns: [String] { [] }
    package var profileNeeds: ColumnProfile.Needs { [] }
    package var rewritesValues: Bool { false }
    package var learnedParameters: String { "" }
    package func deferral(in columns: PlanColumns) -> String? { columns.shapingDeferral(of: selectors) }
    package func observe(_ batch: inout Batch, into state: inout StageFitState) { apply(&batch) }
    package mutating func learn(from profiles: [ColumnProfile]) throws(PreplineError) {}
}
