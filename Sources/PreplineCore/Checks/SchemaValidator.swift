#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One finding of `validate`, in Frictionless' report vocabulary (`type`, `rowNumber`, …).
package struct ValidationIssue: Sendable, Equatable {
    /// Frictionless' error types; the raw value is the name every report writes.
    package enum Kind: String, Sendable, CaseIterable {
        case typeError = "type-error"
        case constraintError = "constraint-error"
        case uniqueError = "unique-error"
        case primaryKey = "primary-key"
        case missingCell = "missing-cell"
        case extraCell = "extra-cell"
        case blankRow = "blank-row"
        case missingLabel = "missing-label"
        case extraLabel = "extra-label"
        case blankLabel = "blank-label"
        case duplicateLabel = "duplicate-label"
        case incorrectLabel = "incorrect-label"
        case checkError = "check-error"

        /// A finding about the header (frictionless' `#label` tag): it has no row.
        package var isLabel: Bool {
            switch self {
            case .missingLabel, .extraLabel, .blankLabel, .duplicateLabel, .incorrectLabel: true
            default: false
            }
        }

        /// A row that does not have the header's shape.
        package var isRowShape: Bool { self == .missingCell || self == .extraCell || self == .blankRow }
    }

    package var type: Kind
    /// The row as frictionless counts it: the header is row 1, and a blank line is a row.
    package var rowNumber: Int?
    package var fieldName: String?
    package var fieldNumber: Int?
    package var cell: String?
    package var note: String
    package var file: String
    /// Physical line in the file (a quoted field may span lines, so it can differ from the row).
    package var line: Int?

    package init(type: Kind, rowNumber: Int? = nil, fieldName: String? = nil, fieldNumber: Int? = nil,
                 cell: String? = nil, note: String = "", file: String, line: Int? = nil) {
        self.type = type; self.rowNumber = rowNumber; self.fieldName = fieldName; self.fieldNumber = fieldNumber
        self.cell = cell; self.note = note; self.file = file; self.line = line
    }

    /// A sentence in frictionless' words, with prepline's position prefix left to the reports.
    package var message: String {
        let row = rowNumber.map(String.init) ?? ""
        let name = fieldName ?? ""
        let number = fieldNumber.map(String.init) ?? ""
        let suffix = note.isEmpty ? "" : ": \(note)"
        switch type {
        case .typeError: return "Type error in the cell \"\(cell ?? "")\" in row \"\(row)\" and field \"\(name)\" at position \"\(number)\"\(suffix)"
        case .constraintError: return "The cell \"\(cell ?? "")\" in row at position \"\(row)\" and field \"\(name)\" at position \"\(number)\" does not conform to a constraint\(suffix)"
        case .uniqueError: return "Row at position \"\(row)\" has unique constraint violation in field \"\(name)\" at position \"\(number)\"\(suffix)"
        case .primaryKey: return "Row at position \"\(row)\" violates the primary key\(suffix)"
        case .missingCell: return "Row at position \"\(row)\" has a missing cell in field \"\(name)\" at position \"\(number)\""
        case .extraCell: return "Row at position \"\(row)\" has an extra value in field at position \"\(number)\""
        case .blankRow: return "Row at position \"\(row)\" is completely blank"
        case .missingLabel: return "There is a missing label in the header's field \"\(name)\" at position \"\(number)\""
        case .extraLabel: return "There is an extra label \"\(cell ?? "")\" in header at position \"\(number)\""
        case .blankLabel: return "Label in the header in field at position \"\(number)\" is blank"
        case .duplicateLabel: return "Label \"\(cell ?? "")\" in the header at position \"\(number)\" is duplicated to a label\(suffix)"
        case .incorrectLabel: return "Label \"\(cell ?? "")\" in field \(name) at position \"\(number)\" does not match the field name in the schema"
        case .checkError: return "The data source does not conform to the check\(suffix)"
        }
    }
}

/// What the ordered consumer needs from one chunk: its findings and the keys it must compare
/// against every earlier chunk (`unique`, `primaryKey`).
package struct ChunkFindings: Sendable {
    /// Rows in the chunk as frictionless counts them: records plus blank lines.
    var rows = 0
    /// Per-row findings, rows relative to the chunk (0-based), in row order.
    var issues: [ValidationIssue] = []
    /// For each unique field (in `SchemaValidator.uniqueFields` order): (row, line, value).
    var uniqueKeys: [[(row: Int, line: Int, value: CellValue)]] = []
    var primaryKeys: [(row: Int, line: Int, key: [CellValue?])] = []
    var checks = CheckPartials()
    /// Pattern results per column for the values seen in this chunk (ICU regex calls cost about
    /// a microsecond; real columns repeat values). Bounded: cleared at 4096 entries.
    var patternMemo: [PatternMemo?] = []
}

/// One column's pattern results by cell bytes (the same bytes always match the same way).
struct PatternMemo {
    var values = TermTable()
    var matched: [Bool] = []

    /// Mutating, so the caller reaches the memo in place: a copy of the table per cell cost a
    /// retain and release per array in it.
    mutating func matches(_ cell: UnsafeBufferPointer<UInt8>, _ pattern: CellPattern) -> Bool {
        let hash = TermTable.hash(cell)
        if let known = values.find(cell, hash: hash) { return matched[known] }
        if matched.count >= 4096 { self = PatternMemo() }
        let result = pattern.matches(cell)
        _ = values.insert(cell, hash: hash)
        matched.append(result)
        return result
    }
}

/// Checks rows against a Table Schema. `check(_:)` runs on worker threads, one chunk at a time,
/// with no shared state; `Ledger` then folds chunks in input order (row numbers, unique keys),
/// so the findings are the same for any thread count and chunk size.
package struct SchemaValidator: Sendable {
    package let schema: TableSchema
    /// Field per header position: the schema's field at that position, or nil (an extra label's
    /// column is read as `any`, as frictionless does).
    let columns: [SchemaField?]
    /// One per column (an `any` parser for columns without a field), read in place through a
    /// buffer pointer: copying a parser per cell cost a retain and release per member.
    let parsers: ContiguousArray<CellParser>
    /// The same parsers and constraint boxes, unretained, for the per-cell loop: a counted
    /// reference per cell cost a retain and a release (16% of a validate). `parsers` and
    /// `constraints` keep them alive as long as the validator.
    private let parserRefs: [Unmanaged<CellParser>]
    private let constraintRefs: [Unmanaged<ConstraintBox>]
    /// The longest missing token: longer cells are never missing (most cells, at no cost).
    let longestMissing: Int
    let width: Int
    let uniqueFields: [Int]
    let primaryKey: [Int]
    let missingTokens: TokenSet
    let onlyEmptyIsMissing: Bool
    let checkPlan: CheckPlan
    /// Per column, what the hot loop needs, as plain values: reading a whole `SchemaField` per
    /// cell copied its strings and arrays (a quarter of the time went to retain/release).
    let rules: [ColumnRule]
    /// Each column's constraints (a reference, so reading them copies nothing).
    let constraints: [ConstraintBox]

    final class ConstraintBox: Sendable {
        let required: Bool
        let minimum, maximum, exclusiveMinimum, exclusiveMaximum: CellValue?
        let minLength, maxLength: Int?
        let pattern: CellPattern?
        let enumValues: Set<CellValue>?
        /// A string field's enum by bytes: Python compares strings by code points, so equal
        /// UTF-8 bytes, and a cell is looked up without making a String.
        let enumStrings: TermTable
        /// Not an optional table: unwrapping one copied it, a retain and release per array in it.
        let hasEnumStrings: Bool
        init(_ c: FieldConstraints) {
            required = c.required; minimum = c.minimum; maximum = c.maximum
            exclusiveMinimum = c.exclusiveMinimum; exclusiveMaximum = c.exclusiveMaximum
            minLength = c.minLength; maxLength = c.maxLength; pattern = c.pattern; enumValues = c.enumValues
            hasEnumStrings = c.enumValues != nil
            enumStrings = TermTable((c.enumValues ?? []).compactMap { value -> [UInt8]? in
                if case .text(let bytes) = value { return Array(bytes) }
                return nil
            })
        }
    }

    struct ColumnRule {
        var typed = false
        var required = false
        var hasConstraints = false
        var materialize = false
    }

    package init(schema: TableSchema, labels: [String], checks: CheckPlan) {
        self.schema = schema
        width = labels.count
        let columns: [SchemaField?] = (0..<labels.count).map { $0 < schema.fields.count ? schema.fields[$0] : nil }
        self.columns = columns
        // Columns of type `any` (every column of a spec without a schema) read every cell the
        // same way: they share one parser, and columns without constraints one empty box, so
        // 100,000 such columns cost arrays of references, not 100,000 objects per validator.
        let anyParser = CellParser(field: SchemaField(name: "", type: .any))
        parsers = ContiguousArray(columns.map { field in
            guard let field, field.type != .any else { return anyParser }
            return CellParser(field: field)
        })
        parserRefs = parsers.map { Unmanaged.passUnretained($0) }
        uniqueFields = columns.indices.filter { columns[$0]?.constraints.unique == true }
        let keyNames = schema.primaryKey
        let keyIndexes = keyNames.compactMap { name in columns.firstIndex { $0?.name == name } }
        primaryKey = keyIndexes.count == keyNames.count ? keyIndexes : []
        missingTokens = TokenSet(schema.missingValues)
        onlyEmptyIsMissing = schema.missingValues == [""]
        longestMissing = schema.missingValues.map(\.utf8.count).max() ?? -1
        checkPlan = checks
        let noConstraints = ConstraintBox(FieldConstraints())
        constraints = columns.map { field in
            guard let c = field?.constraints, !c.isEmpty else { return noConstraints }
            return ConstraintBox(c)
        }
        constraintRefs = constraints.map { Unmanaged.passUnretained($0) }
        let keyColumns = Set(uniqueFields + primaryKey)
        rules = columns.indices.map { i in
            guard let field = columns[i] else { return ColumnRule() }
            let c = field.constraints
            // A string's constraints read the cell's bytes; other types compare typed values.
            let constraintsNeedValue = !c.isEmpty && field.type != .string && field.type != .any
            return ColumnRule(typed: field.type != .any, required: c.required, hasConstraints: !c.isEmpty,
                              materialize: constraintsNeedValue || keyColumns.contains(i) || checks.needsValue(i))
        }
    }

    /// Header findings (row 1), frictionless' "exact" field matching: by position.
    package func headerIssues(labels: [String], file: String, line: Int) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let fields = schema.fields
        if labels.count > fields.count {
            for n in fields.count..<labels.count {
                issues.append(ValidationIssue(type: .extraLabel, rowNumber: nil, fieldName: "", fieldNumber: n + 1, cell: labels[n], file: file, line: line))
            }
        }
        if fields.count > labels.count {
            for (offset, field) in fields[labels.count...].enumerated() {
                issues.append(ValidationIssue(type: .missingLabel, rowNumber: nil, fieldName: field.name, fieldNumber: labels.count + offset + 1, cell: "", file: file, line: line))
            }
        }
        // Earlier positions by label, for duplicates: a search of the labels before each one was
        // quadratic (100,000 columns took 39 s).
        var positions: [String: [Int]] = [:]
        for (i, (field, label)) in zip(fields, labels).enumerated() {
            let earlier = positions[label] ?? []
            positions[label, default: []].append(i)
            if label.isEmpty {
                issues.append(ValidationIssue(type: .blankLabel, rowNumber: nil, fieldName: field.name, fieldNumber: i + 1, cell: "", file: file, line: line))
                continue
            }
            if !earlier.isEmpty {
                issues.append(ValidationIssue(type: .duplicateLabel, rowNumber: nil, fieldName: field.name, fieldNumber: i + 1, cell: label,
                                              note: "at position \"\(earlier.map { String($0 + 1) }.joined(separator: ", "))\"", file: file, line: line))
                continue
            }
            if label != field.name {
                issues.append(ValidationIssue(type: .incorrectLabel, rowNumber: nil, fieldName: field.name, fieldNumber: i + 1, cell: label, file: file, line: line))
            }
        }
        return issues
    }

    @inline(__always)
    func isMissing(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        if onlyEmptyIsMissing { return cell.isEmpty }
        if cell.count > longestMissing { return false }
        return missingTokens.contains(cell)
    }

    /// Findings for a chunk not yet checked, sized for this validator's columns.
    private func emptyFindings() -> ChunkFindings {
        var out = ChunkFindings()
        out.uniqueKeys = Array(repeating: [], count: uniqueFields.count)
        out.patternMemo = Array(repeating: nil, count: width)
        out.checks = checkPlan.makePartials(width: width)
        return out
    }

    /// Checks every record of a chunk, and the blank lines between them.
    package func check(_ work: ChunkWork, file: String) -> ChunkFindings {
        var out = emptyFindings()
        let raw = work.raw, parsed = work.parsed
        let recordCount = parsed.recordCount
        var row = 0
        var keyScratch: [CellValue?] = Array(repeating: nil, count: columns.count)
        raw.bytes.withUnsafeBufferPointer { bytes in
            for r in 0..<recordCount {
                let gapStart = r == 0 ? 0 : Int(raw.recordEnds[r - 1]), gapEnd = Int(raw.recordStarts[r])
                // A one-byte gap is the previous record's terminator: no blank line, and no read of
                // a byte that is no longer in cache (that load was 5% of a validate).
                let blanks = gapEnd - gapStart <= (r == 0 ? 0 : 1) ? 0
                    : Self.terminators(bytes, from: gapStart, to: gapEnd) - (r == 0 ? 0 : 1)
                let line = raw.line(ofRecord: r)
                for b in 0..<max(0, blanks) { blankLine(row: row, line: line - blanks + b, file: file, into: &out); row += 1 }
                checkRecord(parsed, r, row: row, line: line, file: file, keys: &keyScratch, into: &out)
                row += 1
            }
            // Trailing blank lines, at the end of an input.
            let tailStart = recordCount == 0 ? 0 : Int(raw.recordEnds[recordCount - 1])
            let tail = Self.terminators(bytes, from: tailStart, to: bytes.count) - (recordCount == 0 ? 0 : 1)
            if tail > 0 {
                let firstLine = recordCount == 0 ? raw.startLine
                    : raw.line(ofRecord: recordCount - 1) + Self.terminators(bytes, from: Int(raw.recordStarts[recordCount - 1]), to: tailStart) + 1
                for b in 0..<tail { blankLine(row: row, line: firstLine + b, file: file, into: &out); row += 1 }
            }
        }
        out.rows = row
        out.checks.finish()
        return out
    }

    /// Line terminators (LF, CRLF, lone CR) in bytes[from..<to].
    static func terminators(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0, i = from
        while i < to {
            if b[i] == 0x0A { n += 1 } else if b[i] == 0x0D { n += 1; if i + 1 < to, b[i + 1] == 0x0A { i += 1 } }
            i += 1
        }
        return n
    }

    /// For `run`, `apply` and `fit`: marks each record that breaks the schema as a row-level
    /// error (its first finding is the reason), so it follows `output.on_error` like any other.
    /// Cross-row constraints (`unique`, `primaryKey`) are checked by `validate` only: rows are
    /// transformed in parallel before every earlier key is known.
    package func rejectBadRows(_ work: inout ChunkWork) {
        var keys: [CellValue?] = Array(repeating: nil, count: columns.count)
        var findings = emptyFindings()
        for r in 0..<work.parsed.recordCount where work.isGood(r) {
            findings.issues.removeAll(keepingCapacity: true)
            checkRecord(work.parsed, r, row: 0, line: 0, file: "", keys: &keys, into: &findings)
            guard let issue = findings.issues.first else { continue }
            var reason = "schema: "
            if let name = issue.fieldName, !name.isEmpty { reason += "column '\(name)': " }
            if let cell = issue.cell, issue.type == .typeError || issue.type == .constraintError { reason += "'\(LosslessText.display(cell))': " }
            reason += issue.note.isEmpty ? issue.type.rawValue : "\(issue.type.rawValue), \(issue.note)"
            work.reject(record: r, reason: reason)
        }
    }

    /// The row checker for `run`/`apply`/`fit`, nil without a schema.
    package static func rowChecker(schema: TableSchema?, header: DatasetHeader) -> SchemaValidator? {
        guard let schema else { return nil }
        return SchemaValidator(schema: schema, labels: header.names, checks: CheckPlan())
    }

    private func blankLine(row: Int, line: Int, file: String, into out: inout ChunkFindings) {
        out.issues.append(ValidationIssue(type: .blankRow, rowNumber: row, file: file, line: line))
        out.checks.observeBlankRow(plan: checkPlan)
        if !primaryKey.isEmpty { out.primaryKeys.append((row, line, Array(repeating: nil, count: primaryKey.count))) }
    }

    private func checkRecord(_ parsed: ParsedChunk, _ r: Int, row: Int, line: Int, file: String,
                             keys: inout [CellValue?], into out: inout ChunkFindings) {
        let range = parsed.fieldRange(ofRecord: r)
        let count = range.count
        let first = out.issues.count
        var blankCells = 0
        let needKeys = !uniqueFields.isEmpty || !primaryKey.isEmpty
        for i in 0..<width {
            let rule = rules[i]
            guard i < count else {
                // An absent cell reads as missing: `required` still fails, as in frictionless.
                blankCells += 1
                if needKeys { keys[i] = nil }
                if rule.required { out.issues.append(constraintIssue(i, "required", cell: "None", row: row, line: line, file: file)) }
                out.checks.observe(column: i, value: nil, cell: nil, plan: checkPlan)
                continue
            }
            let cell = parsed.field(range.lowerBound + i)
            if isMissing(cell) {
                blankCells += 1
                if needKeys { keys[i] = nil }
                if rule.required {
                    out.issues.append(constraintIssue(i, "required", cell: LosslessText.string(cell), row: row, line: line, file: file))
                }
                out.checks.observe(column: i, value: nil, cell: nil, plan: checkPlan)
                continue
            }
            guard rule.typed else {
                out.checks.observe(column: i, value: nil, cell: cell, plan: checkPlan)
                continue
            }
            guard let value = parserRefs[i]._withUnsafeGuaranteedRef({ $0.read(cell, materialize: rule.materialize) }) else {
                let field = columns[i]!
                out.issues.append(ValidationIssue(type: .typeError, rowNumber: row, fieldName: field.name, fieldNumber: i + 1,
                                                  cell: LosslessText.string(cell), note: field.typeNote, file: file, line: line))
                if needKeys { keys[i] = nil }
                out.checks.observe(column: i, value: nil, cell: cell, plan: checkPlan)
                continue
            }
            if needKeys { keys[i] = value }
            out.checks.observe(column: i, value: value, cell: cell, plan: checkPlan)
            if rule.hasConstraints { checkConstraints(i, value, cell, row: row, line: line, file: file, into: &out) }
        }
        if count > width {
            for n in width..<count {
                out.issues.append(ValidationIssue(type: .extraCell, rowNumber: row, fieldName: "", fieldNumber: n + 1,
                                                  cell: LosslessText.string(parsed.field(range.lowerBound + n)), file: file, line: line))
            }
        } else if count < width {
            for n in count..<width {
                out.issues.append(ValidationIssue(type: .missingCell, rowNumber: row, fieldName: columns[n]?.name ?? "", fieldNumber: n + 1,
                                                  cell: "", file: file, line: line))
            }
        }
        if blankCells == width {
            out.issues.removeSubrange(first...)
            out.issues.append(ValidationIssue(type: .blankRow, rowNumber: row, file: file, line: line))
        }
        if needKeys {
            for (k, i) in uniqueFields.enumerated() { if let v = keys[i] { out.uniqueKeys[k].append((row, line, v)) } }
            if !primaryKey.isEmpty { out.primaryKeys.append((row, line, primaryKey.map { keys[$0] })) }
        }
        out.checks.endRow()
    }

    private func constraintIssue(_ i: Int, _ name: String, cell: String, row: Int, line: Int, file: String) -> ValidationIssue {
        let field = columns[i]!
        return ValidationIssue(type: .constraintError, rowNumber: row, fieldName: field.name, fieldNumber: i + 1, cell: cell,
                        note: "constraint \"\(name)\" is \"\(field.constraints.text(name))\"", file: file, line: line)
    }

    private func checkConstraints(_ i: Int, _ value: CellValue, _ cell: UnsafeBufferPointer<UInt8>,
                                  row: Int, line: Int, file: String, into out: inout ChunkFindings) {
        var failed: [String] = []
        constraintRefs[i]._withUnsafeGuaranteedRef { c in
            if let bound = c.minimum, CellValue.less(value, bound) != false || Self.isNaN(value) { failed.append("minimum") }
            if let bound = c.maximum, CellValue.less(bound, value) != false || Self.isNaN(value) { failed.append("maximum") }
            if let bound = c.exclusiveMinimum, CellValue.less(bound, value) != true { failed.append("exclusiveMinimum") }
            if let bound = c.exclusiveMaximum, CellValue.less(value, bound) != true { failed.append("exclusiveMaximum") }
            if c.minLength != nil || c.maxLength != nil {
                // A cell of n bytes has at most n characters, and at least one when its first byte
                // starts one (stray continuation bytes of invalid UTF-8 count as none): count only
                // when a bound is in doubt (rare: most text is well inside `maxLength`, and most
                // `minLength`s are 1).
                let most = cell.count, least = cell.isEmpty || cell[0] & 0xC0 == 0x80 ? 0 : 1
                if (c.minLength.map { $0 > least } ?? false) || (c.maxLength.map { $0 < most } ?? false) {
                    let length = Self.characterCount(cell)
                    if let m = c.minLength, length < m { failed.append("minLength") }
                    if let m = c.maxLength, length > m { failed.append("maxLength") }
                }
            }
            if c.pattern != nil {
                if out.patternMemo[i] == nil { out.patternMemo[i] = PatternMemo() }
                if !out.patternMemo[i]!.matches(cell, c.pattern!) { failed.append("pattern") }
            }
            if c.hasEnumStrings, case .text = value {
                if c.enumStrings.find(cell) == nil { failed.append("enum") }
            } else if let allowed = c.enumValues, !allowed.contains(value) { failed.append("enum") }
        }
        for name in failed {
            out.issues.append(constraintIssue(i, name, cell: LosslessText.string(cell), row: row, line: line, file: file))
        }
    }

    /// Code points in UTF-8 bytes: the bytes that are not continuation bytes (10xxxxxx).
    static func characterCount(_ cell: UnsafeBufferPointer<UInt8>) -> Int {
        var continuation = 0
        var i = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= cell.count {
            let word = UnsafeRawPointer(cell.baseAddress! + i).loadUnaligned(as: UInt64.self)
            // Bit 7 set and bit 6 clear, per byte.
            continuation += (word & ~(word << 1) & high).nonzeroBitCount
            i += 8
        }
        while i < cell.count {
            if cell[i] & 0xC0 == 0x80 { continuation += 1 }
            i += 1
        }
        return cell.count - continuation
    }

    private static func isNaN(_ v: CellValue) -> Bool { if case .number(let x) = v { return x.isNaN }; return false }
}

/// The ordered fold of chunk findings: row numbers across chunks, unique and primary-key
/// memories, counts, and the first `maxListed` issues.
package struct ValidationLedger {
    package var issues: [ValidationIssue] = []
    package var errorCount = 0
    package var countsByType: [ValidationIssue.Kind: Int] = [:]
    package var rows = 0
    package let maxListed: Int
    private var uniqueSeen: [KeyMemory]
    private var keySeen = KeyMemory()
    private var currentInput = -1
    /// Row number of the chunk's first row (the header is row 1).
    private var rowBase = 1
    package var checks: CheckPartials
    let validator: SchemaValidator

    package init(validator: SchemaValidator, maxListed: Int) {
        self.validator = validator
        self.maxListed = maxListed
        uniqueSeen = Array(repeating: KeyMemory(), count: validator.uniqueFields.count)
        checks = validator.checkPlan.makePartials(width: validator.width)
    }

    package mutating func record(_ issue: ValidationIssue) {
        errorCount += 1
        countsByType[issue.type, default: 0] += 1
        if issues.count < maxListed { issues.append(issue) }
    }

    package mutating func fold(_ findings: ChunkFindings, inputIndex: Int, file: String) {
        if inputIndex != currentInput { currentInput = inputIndex; rowBase = 2 }
        let base = rowBase
        var integrity: [ValidationIssue] = []
        for (k, column) in validator.uniqueFields.enumerated() {
            let field = validator.columns[column]!
            for key in findings.uniqueKeys[k] {
                let row = base + key.row
                if let earlier = uniqueSeen[k].insert(key.value, row: row) {
                    integrity.append(ValidationIssue(type: .uniqueError, rowNumber: row, fieldName: field.name, fieldNumber: column + 1,
                                                     cell: Self.text(key.value), note: "the same as in the row at position \(earlier)", file: file, line: key.line))
                }
            }
        }
        for key in findings.primaryKeys {
            let row = base + key.row
            if key.key.allSatisfy({ $0 == nil }) {
                integrity.append(ValidationIssue(type: .primaryKey, rowNumber: row, note: "cells composing the primary keys are all \"None\"", file: file, line: key.line))
            } else if let earlier = keySeen.insert(key.key, row: row) {
                integrity.append(ValidationIssue(type: .primaryKey, rowNumber: row, note: "the same as in the row at position \(earlier)", file: file, line: key.line))
            }
        }
        integrity.sort { ($0.rowNumber ?? 0) < ($1.rowNumber ?? 0) }
        // Merge by row: a row's own findings, then its integrity findings (frictionless' order).
        var j = 0
        for var issue in findings.issues {
            issue.rowNumber = base + (issue.rowNumber ?? 0)
            while j < integrity.count, integrity[j].rowNumber! < issue.rowNumber! { record(integrity[j]); j += 1 }
            record(issue)
        }
        while j < integrity.count { record(integrity[j]); j += 1 }
        checks.merge(findings.checks)
        rows += findings.rows
        rowBase += findings.rows
    }

    static func text(_ v: CellValue) -> String {
        switch v {
        case .text(let b): return LosslessText.string(b)
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : NumberText.format(n)
        case .bool(let b): return b ? "True" : "False"
        case .date(let d): return "\(d) days after 1970-01-01"
        case .datetime(let s, _): return "\(s) s after 1970-01-01T00:00:00"
        }
    }
}

/// Every key seen so far, with the row that last had it: the memory `unique` and `primaryKey`
/// cost (O(distinct keys)). A number is kept as its 8-byte bit pattern, the common case of a
/// numeric id, at about half the memory of a general value.
struct KeyMemory {
    private var numbers: [UInt64: Int] = [:]
    private var values: [CellValue: Int] = [:]
    private var tuples: [[CellValue?]: Int] = [:]

    /// The earlier row with the same key, if any; remembers this row for it.
    mutating func insert(_ value: CellValue, row: Int) -> Int? {
        if case .number(let x) = value, !x.isNaN {
            return numbers.updateValue(row, forKey: (x == 0 ? 0.0 : x).bitPattern)
        }
        return values.updateValue(row, forKey: value)
    }

    mutating func insert(_ key: [CellValue?], row: Int) -> Int? {
        if key.count == 1, let value = key[0] { return insert(value, row: row) }
        return tuples.updateValue(row, forKey: key)
    }
}

/// A few short byte strings (missing-value tokens) in one flat buffer: testing a cell against
/// them touches no reference-counted array per token.
struct TokenSet: Sendable {
    private let bytes: [UInt8]
    private let ends: [Int]

    init(_ tokens: [String]) {
        var bytes: [UInt8] = [], ends: [Int] = []
        for token in tokens { bytes += token.utf8; ends.append(bytes.count) }
        self.bytes = bytes
        self.ends = ends
    }

    func contains(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { flat in
            ends.withUnsafeBufferPointer { ends in
                var start = 0
                for end in ends {
                    defer { start = end }
                    guard end - start == cell.count else { continue }
                    // Tokens are a few bytes: an inline loop, not a libc memcmp call (7% of a validate).
                    var i = 0
                    while i < cell.count && flat[start + i] == cell[i] { i += 1 }
                    if i == cell.count { return true }
                }
                return false
            }
        }
    }
}
