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

    /// `text` cut to `width` characters, ending in "…" when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let flat = text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        if flat.count <= width { return String(flat) }
        return String(flat.prefix(width - 1)) + "…"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let cut = fit(text, width)
        let fill = String(repeating: " ", count: max(0, width - cut.count))
        return right ? fill + cut : cut + fill
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
        let nameWidth = max(6, min(names.map(\.count).max() ?? 6, max(10, (width - fixed) / 3)))
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
                summary = "\(short(column["min"])) … \(short(column["max"])), mean \(short(column["mean"]))"
            } else if case .array(let top)? = column["top"], let first = top.first, case .string(let value)? = first["value"] {
                summary = "top \"\(value)\" ×\(short(first["count"]))"
            }
            lines.append(pad(name, nameWidth) + " " + pad(type, typeWidth) + " " + pad(missing, missingWidth, right: true) + " "
                + pad(distinct, distinctWidth, right: true) + " " + fit(summary, summaryWidth))
        }
        var footer = ""
        if let rows = document["rows"], let dup = document["duplicate_rows"], let cells = document["missing_cells"] {
            footer = "\(short(rows)) rows, \(columns.count) columns, \(short(cells)) missing cells, \(short(dup)) duplicate rows"
            if case .number(let bad, _)? = document["malformed_rows"], bad > 0 { footer += ", \(Int(bad)) malformed rows skipped" }
        }
        lines.append(footer)
        // A terminal narrower than the fixed columns: every line is cut at its width.
        return lines.map { fit($0, width) + "\n" }.joined()
    }
}
