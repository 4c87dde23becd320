import Foundation

/// The default output: one line per column (type, missing share, distinct count, and the range
/// and mean of a numeric column or the top value of another), fitted to the terminal's width.
package enum ProfileTable {
    /// `COLUMNS`, else the terminal's width (TIOCGWINSZ on stdout), else 80.
    package static func terminalWidth() -> Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// `text` cut to `width` terminal cells, ending in "…" when cut. Control characters are shown
    /// as `\x1B` (a value must not drive the terminal), line breaks and tabs as spaces; East Asian
    /// wide characters and emoji take two cells.
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        var cut = false
        for character in visible(text) {
            let cells = cellWidth(character)
            if used + cells > width { cut = true; break }
            out.append(character)
            used += cells
        }
        guard cut else { return out }
        // Room for the "…": drop characters until one cell is free.
        while used > width - 1, let last = out.last {
            out.removeLast()
            used -= cellWidth(last)
        }
        return out + "…"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let cut = fit(text, width)
        let fill = String(repeating: " ", count: max(0, width - cells(cut)))
        return right ? fill + cut : cut + fill
    }

    /// The terminal cells `text` takes once made visible.
    static func cells(_ text: String) -> Int { visible(text).reduce(0) { $0 + cellWidth($1) } }

    private static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D, 0x09: out.append(" ")
            case 0x00..<0x20, 0x7F..<0xA0: out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func cellWidth(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// "1 row", "2 rows".
    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func counted(_ value: JSONValue, _ noun: String) -> String {
        guard case .number(let x, _) = value else { return "\(short(value)) \(noun)s" }
        return x == 1 ? "1 \(noun)" : "\(short(value)) \(noun)s"
    }

    /// A number in at most about 12 characters (6 significant digits).
    static func short(_ value: JSONValue?) -> String {
        guard case .number(let x, _)? = value else { return "" }
        if x == x.rounded(), abs(x) < 1e10 { return String(Int64(x)) }
        let text = String(format: "%.6g", x)
        return text
    }

    package static func render(_ document: JSONValue, width: Int) -> String {
        guard case .array(let columns)? = document["columns"] else { return "" }
        let names = columns.map { column -> String in
            if case .string(let s)? = column["name"] { return s }
            return ""
        }
        let typeWidth = 8, missingWidth = 7, distinctWidth = 9
        let fixed = typeWidth + missingWidth + distinctWidth + 4
        let nameWidth = max(6, min(names.map(cells).max() ?? 6, max(10, (width - fixed) / 3)))
        let summaryWidth = max(1, width - fixed - nameWidth)
        var lines: [String] = []
        let heading = pad("column", nameWidth) + " " + pad("type", typeWidth) + " " + pad("missing", missingWidth, right: true) + " "
            + pad("distinct", distinctWidth, right: true) + " " + "summary"
        lines.append(heading)
        for (name, column) in zip(names, columns) {
            var type = ""
            if case .string(let t)? = column["type"] { type = t }
            var missing = ""
            if case .number(let r, _)? = column["missing_ratio"] { missing = String(format: "%.1f%%", r * 100) }
            var distinct = short(column["distinct"])
            if case .bool(false)? = column["distinct_exact"] { distinct = "~" + distinct }
            var summary = ""
            if column["mean"] != nil {
                summary = column["min"] == .null ? "" : "\(short(column["min"])) … \(short(column["max"])), mean \(short(column["mean"]))"
                if case .number(let infinite, _)? = column["infinite"] {
                    summary += (summary.isEmpty ? "" : ", ") + "\(Int(infinite)) infinite"
                }
            } else if case .array(let top)? = column["top"], let first = top.first, case .string(let value)? = first["value"] {
                summary = "top \"\(value)\" ×\(short(first["count"]))"
            }
            lines.append(pad(name, nameWidth) + " " + pad(type, typeWidth) + " " + pad(missing, missingWidth, right: true) + " "
                + pad(distinct, distinctWidth, right: true) + " " + fit(summary, summaryWidth))
        }
        var footer = ""
        if let rows = document["rows"], let dup = document["duplicate_rows"], let cells = document["missing_cells"] {
            // Past the distinct budget the duplicate count is a lower bound, as the HTML shows it.
            let bound = document["duplicate_rows_exact"] == .bool(false) ? "≥ " : ""
            footer = "\(counted(rows, "row")), \(counted(columns.count, "column")), \(counted(cells, "missing cell")), \(bound)\(counted(dup, "duplicate row"))"
            if case .number(let bad, _)? = document["malformed_rows"], bad > 0 { footer += ", \(counted(Int(bad), "malformed row")) skipped" }
        }
        lines.append(footer)
        // A terminal narrower than the fixed columns: every line is cut at its width.
        return lines.map { fit($0, width) + "\n" }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
