import Foundation

/// How `validate` reports: `text` (stderr), `json` (Frictionless' report vocabulary), `junit`
/// (JUnit XML for CI test tabs), `github` (workflow-command annotations on stdout).
package enum ReportFormat: Sendable, Equatable {
    case text, json, junit, github

    /// Parses `FORMAT[:PATH]`; `junit` needs a path, the others default to their stream.
    package static func parse(_ text: String) -> (ReportFormat, String?)? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let path = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
        switch parts.first {
        case "text": return (.text, path)
        case "json": return (.json, path)
        case "junit": return (.junit, path)
        case "github": return (.github, path)
        default: return nil
        }
    }
}

package enum ValidationReport {
    /// Frictionless' title, description and tags of each error type, so its tooling can read
    /// the report (`frictionless.Report.from_descriptor`).
    static func vocabulary(_ kind: ValidationIssue.Kind) -> (title: String, description: String, tags: [String]) {
        let cell = ["#table", "#row", "#cell"], row = ["#table", "#row"], label = ["#table", "#header", "#label"]
        let width = " A key concept is that all the rows in tabular data must have the same number of columns."
        switch kind {
        case .typeError: return ("Type Error", "The value does not match the schema type and format for this field.", cell)
        case .constraintError: return ("Constraint Error", "A field value does not conform to a constraint.", cell)
        case .uniqueError: return ("Unique Error", "This field is a unique field but it contains a value that has been used in another row.", cell)
        case .primaryKey: return ("PrimaryKey Error", "Values in the primary key fields should be unique for every row", row)
        case .missingCell: return ("Missing Cell", "This row has less values compared to the header row (the first row in the data source)." + width, cell)
        case .extraCell: return ("Extra Cell", "This row has more values compared to the header row (the first row in the data source)." + width, cell)
        case .blankRow: return ("Blank Row", "This row is empty. A row should contain at least one value.", row)
        case .missingLabel: return ("Missing Label", "Based on the schema there should be a label that is missing in the data's header.", label)
        case .extraLabel: return ("Extra Label", "The header of the data source contains label that does not exist in the provided schema.", label)
        case .blankLabel: return ("Blank Label", "A label in the header row is missing a value. Label should be provided and not be blank.", label)
        case .duplicateLabel: return ("Duplicate Label", "Two columns in the header row have the same value. Column names should be unique.", label)
        case .incorrectLabel: return ("Incorrect Label", "One of the data source header does not match the field name defined in the schema.", label)
        case .checkError: return ("Check Error", "Provided check is not valid", [])
        }
    }

    /// Frictionless' report shape: `valid`, `stats`, `warnings`, `errors` (each with `type`,
    /// `title`, `description`, `tags`, `rowNumber`, `fieldName`, `fieldNumber`, `cell`, `note`,
    /// `message`), and one `tasks` entry holding the same errors, as frictionless writes them; plus
    /// prepline's `file` and `line` on each error and the dataset `checks`. The row's other cells
    /// are not kept (`cells` is empty).
    package static func json(_ r: ValidationResult) -> String {
        // Names and values that are not UTF-8 show their bytes as `\xF6`, as in messages.
        func shown(_ text: String) -> JSONValue { .string(LosslessText.display(text)) }
        let seconds = JSONValue.number((r.summary.seconds * 1000).rounded() / 1000)
        let labels = JSONValue.array(r.labels.map(shown))
        var stats: [(key: String, value: JSONValue)] = [
            ("tasks", .number(1)), ("errors", .number(Double(r.errorCount))), ("warnings", .number(0)), ("seconds", seconds),
            ("rows", .number(Double(r.rows))), ("fields", .number(Double(r.labels.count))), ("listed", .number(Double(r.listed.count))),
        ]
        stats.append(("byType", .object(r.countsByType.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, JSONValue.number(Double($0.value))) })))
        let errors: [JSONValue] = r.listed.map { e in
            let words = vocabulary(e.type)
            var m: [(key: String, value: JSONValue)] = [("type", .string(e.type.rawValue))]
            m.append(("title", .string(words.title)))
            m.append(("description", .string(words.description)))
            m.append(("tags", .array(words.tags.map(JSONValue.string))))
            m.append(("message", shown(e.message)))
            m.append(("note", shown(e.note)))
            if e.type.isLabel {
                // Header findings, as frictionless writes them: the header's rows, no rowNumber.
                m.append(("labels", labels))
                m.append(("rowNumbers", .array([.number(1)])))
                m.append(("label", shown(e.cell ?? "")))
            } else if e.type != .checkError {
                m.append(("cells", .array([])))
            }
            if let row = e.rowNumber { m.append(("rowNumber", .number(Double(row)))) }
            if let cell = e.cell, !e.type.isLabel { m.append(("cell", shown(cell))) }
            if let name = e.fieldName { m.append(("fieldName", shown(name))) }
            if let number = e.fieldNumber { m.append(("fieldNumber", .number(Double(number)))) }
            m.append(("file", .string(e.file)))
            if let line = e.line { m.append(("line", .number(Double(line)))) }
            return .object(m)
        }
        let checks: [JSONValue] = r.checks.map { c in
            var m: [(key: String, value: JSONValue)] = [("name", .string(c.name))]
            if let column = c.column { m.append(("column", shown(column))) }
            m.append(("passed", .bool(c.passed)))
            m.append(("observed", c.observed))
            m.append(("bound", .object(c.bound)))
            m.append(("note", shown(c.note)))
            return .object(m)
        }
        let task: JSONValue = .object([
            ("name", .string("prepline")), ("type", .string("table")), ("valid", .bool(r.valid)),
            ("place", .string(r.files.joined(separator: ", "))), ("labels", labels),
            ("stats", .object([("errors", .number(Double(r.errorCount))), ("warnings", .number(0)), ("seconds", seconds),
                               ("rows", .number(Double(r.rows))), ("fields", .number(Double(r.labels.count)))])),
            ("warnings", .array([])), ("errors", .array(errors)),
        ])
        let root: JSONValue = .object([
            ("valid", .bool(r.valid)), ("stats", .object(stats)), ("warnings", .array([])), ("errors", .array(errors)),
            ("tasks", .array([task])), ("checks", .array(checks)),
        ])
        return root.serialized() + "\n"
    }

    /// A table a person reads: one line per listed finding, then the checks and a verdict.
    package static func text(_ r: ValidationResult) -> String {
        var out = ""
        if !r.listed.isEmpty {
            // Names and values that are not UTF-8 show their bytes as `\xF6`, as error messages do.
            let rows = r.listed.map { e -> [String] in
                let place = e.line.map { "\(e.file):\($0)" } ?? e.file
                return [place, e.rowNumber.map(String.init) ?? "", e.fieldName ?? "", e.type.rawValue, e.cell.map { "'\($0)'" } ?? "", e.note]
                    .map(LosslessText.display)
            }
            let head = ["where", "row", "field", "error", "cell", "note"]
            var widths = head.map(\.count)
            for row in rows { for (i, c) in row.enumerated() where i < 5 { widths[i] = max(widths[i], min(c.count, 40)) } }
            func line(_ cells: [String]) -> String {
                // Padded by characters (Foundation's `padding` counts UTF-16 units and cut non-BMP text).
                cells.enumerated().map { i, c in i < 5 ? c + String(repeating: " ", count: max(0, widths[i] - c.count)) : c }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }
            out += line(head)
            for row in rows { out += line(row) }
            if r.errorCount > r.listed.count { out += "… and \(r.errorCount - r.listed.count) more (--max-errors)\n" }
        }
        for c in r.checks { out += "check \(c.passed ? "passed" : "FAILED"): \(c.label): \(c.note)\n" }
        return LosslessText.display(out)
    }

    /// GitHub Actions annotations: `::error file=…,line=…,title=…::message`.
    package static func github(_ r: ValidationResult) -> String {
        func escape(_ s: String, property: Bool) -> String {
            var t = LosslessText.display(s).replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
            if property { t = t.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
            return t
        }
        var out = ""
        for e in r.listed {
            var props = "file=\(escape(e.file, property: true))"
            if let line = e.line { props += ",line=\(line)" }
            props += ",title=\(escape(e.type.rawValue, property: true))"
            out += "::error \(props)::\(escape(e.message, property: false))\n"
        }
        if r.errorCount > r.listed.count { out += "::error::\(r.errorCount - r.listed.count) more errors not listed (--max-errors)\n" }
        return out
    }

    /// Text for XML 1.0 content or a quoted attribute value. XML 1.0 cannot hold C0 controls
    /// (other than tab, LF, CR) nor U+FFFE/U+FFFF, even as character references, so those are
    /// written as visible escapes (`\x01`, `\uFFFE`); the scalars that carry invalid UTF-8 bytes
    /// are shown as `\xF6`, as in messages.
    package static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for scalar in LosslessText.display(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            case "\u{FFFE}", "\u{FFFF}": out += "\\u" + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// JUnit XML: a suite `schema` with one test case per field constraint (its type included),
    /// a suite `structure` for header and row shape, and a suite `checks` with one per check.
    package static func junit(_ r: ValidationResult) -> String {
        struct Case { var name: String; var failures: [String] }
        var schemaCases: [Case] = []
        var claimed: Set<Int> = []
        func matching(_ predicate: (ValidationIssue) -> Bool) -> [String] {
            var out: [String] = []
            for (i, e) in r.listed.enumerated() where !claimed.contains(i) && predicate(e) {
                claimed.insert(i)
                out.append("\(e.file):\(e.line.map(String.init) ?? "?"): row \(e.rowNumber.map(String.init) ?? "1"): \(e.message)")
            }
            return out
        }
        for field in r.fields {
            schemaCases.append(Case(name: "\(field.name): type \(field.type.rawValue)",
                                    failures: matching { $0.type == .typeError && $0.fieldName == field.name }))
            let constraintNames = field.constraints.written.map(\.name)
            for name in constraintNames where name != "unique" {
                schemaCases.append(Case(name: "\(field.name): \(name)",
                                        failures: matching { $0.type == .constraintError && $0.fieldName == field.name && $0.note.hasPrefix("constraint \"\(name)\"") }))
            }
            if field.constraints.unique {
                schemaCases.append(Case(name: "\(field.name): unique", failures: matching { $0.type == .uniqueError && $0.fieldName == field.name }))
            }
        }
        if r.hasPrimaryKey { schemaCases.append(Case(name: "primaryKey", failures: matching { $0.type == .primaryKey })) }
        let structure = [Case(name: "header", failures: matching { $0.type.isLabel }),
                         Case(name: "row shape", failures: matching { $0.type.isRowShape })]
        let checkCases = r.checks.map { c in Case(name: c.label, failures: c.passed ? [] : ["\(c.label): \(c.note)"]) }
        let unlisted = r.errorCount - r.listed.count - r.checks.filter { !$0.passed }.count
        func xml(_ s: String) -> String { xmlEscaped(s) }
        func suite(_ name: String, _ cases: [Case]) -> String {
            var s = "  <testsuite name=\"\(xml(name))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.failures.isEmpty }.count)\" errors=\"0\">\n"
            for c in cases {
                s += "    <testcase classname=\"prepline.validate.\(xml(name))\" name=\"\(xml(c.name))\""
                if c.failures.isEmpty { s += "/>\n"; continue }
                s += ">\n      <failure message=\"\(xml(c.failures[0]))\" type=\"\(xml(name))\">\(xml(c.failures.joined(separator: "\n")))</failure>\n    </testcase>\n"
            }
            return s + "  </testsuite>\n"
        }
        var body = suite("schema", schemaCases) + suite("structure", structure) + suite("checks", checkCases)
        if unlisted > 0 {
            body += suite("unlisted", [Case(name: "errors beyond --max-errors", failures: ["\(unlisted) more errors not listed (--max-errors)"])])
        }
        let total = schemaCases.count + structure.count + checkCases.count + (unlisted > 0 ? 1 : 0)
        let failures = (schemaCases + structure + checkCases).filter { !$0.failures.isEmpty }.count + (unlisted > 0 ? 1 : 0)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"prepline validate\" tests=\"\(total)\" failures=\"\(failures)\">\n"
            + body + "</testsuites>\n"
    }
}
