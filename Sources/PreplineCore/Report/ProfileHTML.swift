/// The HTML page of `prepline profile --html`: one self-contained file (inline CSS and SVG, no
/// script, no network: its Content-Security-Policy forbids both) drawn from the profile JSON
/// document (F2), so the page and `--json` can never disagree.
///
/// Sections, each with an id: `overview`, `missingness` (the missingno matrix), `nullity-correlation`
/// (the heatmap) and `columns` (a card per column). Keys the page does not know are ignored and
/// absent keys leave their figure out, so a newer document still renders.
package enum ProfileHTML {
    /// The page for a profile document (`{"profile": 1, …}`).
    package static func render(_ profile: JSONValue) throws(PreplineError) -> String {
        guard case .object = profile else { throw PreplineError.usage("the profile document is not a JSON object") }
        if let version = profile["profile"], let v = number(version), v > 1 {
            throw PreplineError.usage("profile document version \(HTMLText.number(v)) is newer than this page knows (1)")
        }
        let columns = profile["columns"].flatMap(array) ?? []
        let names = columns.map { string($0["name"]) ?? "" }
        let input = inputName(profile)
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<meta name=\"generator\" content=\"prepline profile\">\n"
        page += "<title>\(HTMLText.escaped(input.map { "Profile of \($0)" } ?? "Data profile"))</title>\n"
        page += "<style>\(stylesheet)</style>\n</head>\n<body>\n"
        page += "<header class=\"page\"><h1>Data profile</h1>"
        page += "<p class=\"sub\">\(input.map { "<span class=\"file\">\(HTMLText.escaped($0))</span> · " } ?? "")\(Plural.of(Int(number(profile["rows"]) ?? 0), "row", format: HTMLText.count)) × \(Plural.of(columnCount(profile, columns), "column", format: HTMLText.count))</p>"
        page += "<nav><a href=\"#overview\">Overview</a><a href=\"#missingness\">Missing values</a><a href=\"#nullity-correlation\">Nullity correlation</a><a href=\"#columns\">Columns</a></nav></header>\n<main>\n"
        page += overview(profile, columns: columns)
        page += missingness(profile, names: names)
        page += nullityCorrelation(profile, names: names)
        page += columnCards(profile, columns: columns)
        page += "</main>\n<footer>Made by <code>prepline profile</code> from a profile document of version \(HTMLText.escaped(display(profile["profile"]) ?? "?"))\(budgets(profile)). This page needs no script and no network.</footer>\n</body>\n</html>\n"
        return page
    }

    // MARK: sections

    static func heading(_ id: String, _ title: String, note: String? = nil) -> String {
        "<section id=\"\(id)\">\n<h2><span class=\"mark\"></span>\(title)</h2>\(note.map { "<p class=\"note\">\($0)</p>" } ?? "")\n"
    }

    static func overview(_ profile: JSONValue, columns: [JSONValue]) -> String {
        let rows = number(profile["rows"])
        let columnTotal = columnCount(profile, columns)
        var out = heading("overview", "Overview")
        out += "<div class=\"tiles\">"
        out += tile("Rows", rows.map { HTMLText.count(Int($0)) } ?? "–", nil)
        out += tile("Columns", HTMLText.count(columnTotal), typeSummary(columns))
        if let missing = number(profile["missing_cells"]) {
            let cells = (rows ?? 0) * Double(columnTotal)
            out += tile("Missing cells", HTMLText.count(Int(missing)), cells > 0 ? HTMLText.percent(missing / cells) + " of all cells" : nil, warn: missing > 0)
        }
        if let duplicates = number(profile["duplicate_rows"]) {
            // Past the distinct budget the count is a lower bound (F2's `duplicate_rows_exact`).
            let bound = flag(profile["duplicate_rows_exact"]) == false
            out += tile("Duplicate rows", (bound ? "≥\u{2009}" : "") + HTMLText.count(Int(duplicates)),
                        (rows ?? 0) > 0 ? HTMLText.percent(duplicates / rows!) + " of the rows" + (bound ? " at least" : "") : nil, warn: duplicates > 0)
        }
        if let malformed = number(profile["malformed_rows"]), malformed > 0 {
            out += tile("Malformed rows", HTMLText.count(Int(malformed)), "of the wrong width, left out", warn: true)
        }
        let complete = columns.filter { (number($0["missing"]) ?? 0) == 0 }.count
        if !columns.isEmpty { out += tile("Complete columns", HTMLText.count(complete), "no missing value") }
        out += "</div>\n"
        if !columns.isEmpty {
            // Every column in one line each, the index of the cards below; folded (no script:
            // <details>) when it would push the pictures far down.
            out += "<details class=\"index\"\(columns.count <= indexOpenLimit ? " open" : "")><summary>\(columns.count == 1 ? "The column" : "All \(HTMLText.count(columns.count)) columns") at a glance</summary>"
            out += "<table class=\"index\"><thead><tr><th class=\"num\">#</th><th>column</th><th>type</th><th class=\"num\">missing</th><th class=\"num\">distinct</th></tr></thead><tbody>"
            for (index, column) in columns.enumerated() {
                let ratio = missingRatio(column, rows: rows)
                out += "<tr><td class=\"num mut\">\(index + 1)</td><td><a href=\"#col-\(index + 1)\">\(HTMLText.escaped(string(column["name"]) ?? "", limit: 60))</a></td>"
                out += "<td>\(badge(string(column["type"])))</td>"
                out += "<td class=\"num\"><span class=\"pct\">\(ratio.map(HTMLText.percent) ?? "–")</span><span class=\"meter\"><span style=\"width:\(ProfileCharts.f((ratio ?? 0) * 100))%\"></span></span></td>"
                out += "<td class=\"num\">\(distinctText(column))</td></tr>"
            }
            out += "</tbody></table></details>\n"
        }
        out += "</section>\n"
        return out
    }

    /// The column index is open up to this many columns, folded beyond.
    static let indexOpenLimit = 24

    static func tile(_ label: String, _ value: String, _ detail: String?, warn: Bool = false) -> String {
        "<div class=\"tile\(warn ? " warn" : "")\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div>\(detail.map { "<div class=\"d\">\($0)</div>" } ?? "")</div>"
    }

    static func typeSummary(_ columns: [JSONValue]) -> String? {
        var counts: [(String, Int)] = []
        for column in columns {
            let type = string(column["type"]) ?? "unknown"
            if let i = counts.firstIndex(where: { $0.0 == type }) { counts[i].1 += 1 } else { counts.append((type, 1)) }
        }
        return counts.isEmpty ? nil : counts.map { "\($0.1) \(HTMLText.escaped($0.0))" }.joined(separator: " · ")
    }

    static func missingness(_ profile: JSONValue, names: [String]) -> String {
        var out = heading("missingness", "Missing values",
                          note: "Columns across, rows down in input order, binned into bands; each cell is shaded by the share of the band that is missing in that column (white: all missing). On the right: the share of each band's cells that are missing.")
        let bandsJSON = profile["missingness"]?["bands"].flatMap(array) ?? []
        if bandsJSON.isEmpty || names.isEmpty {
            out += "<p class=\"empty\">No missingness bands in this profile.</p>\n</section>\n"
            return out
        }
        let bands: [ProfileCharts.Band] = bandsJSON.map { band in
            let missing = band["missing"]
            return ProfileCharts.Band(firstRow: rawText(band["first_row"]),
                                      lastRow: rawText(band["last_row"]),
                                      shares: values(missing, names: names).map { number($0) ?? 0 })
        }
        // Past a pixel per column the picture would be wider than a screen and its names
        // unreadable: adjacent columns are drawn together, each drawn column the mean share of
        // its group (a non-zero share stays visible), and the page says so.
        let (drawnNames, drawnBands, group) = groupedForMatrix(names: names, bands: bands)
        out += "<div class=\"figure scroll\">\(ProfileCharts.matrix(columns: drawnNames, bands: drawnBands))</div>\n"
        let grouping = group > 1 ? " Each drawn column is \(group) adjacent columns of the \(HTMLText.count(names.count)) (their mean share), so that the picture stays readable; the JSON has every column." : ""
        out += "<div class=\"legendrow\">\(ProfileCharts.matrixLegend())<span class=\"note\">\(Plural.of(bands.count, "band", format: HTMLText.count)) of rows \(HTMLText.escaped(bands.first!.firstRow))–\(HTMLText.escaped(bands.last!.lastRow)) (numbered from 0, as pandas' index); hover a name for its full text.\(grouping)</span></div>\n"
        out += "</section>\n"
        return out
    }

    /// At most this many columns drawn in the missingness matrix (one pixel each at most).
    static let matrixColumnLimit = 1000

    /// The matrix's columns: as they are up to `matrixColumnLimit`, else groups of `group`
    /// adjacent columns (named "first … last") with the mean share of each band.
    static func groupedForMatrix(names: [String], bands: [ProfileCharts.Band]) -> ([String], [ProfileCharts.Band], group: Int) {
        guard names.count > matrixColumnLimit else { return (names, bands, 1) }
        let group = (names.count + matrixColumnLimit - 1) / matrixColumnLimit
        let starts = Array(stride(from: 0, to: names.count, by: group))
        let grouped = starts.map { start in "\(names[start]) … \(names[min(names.count, start + group) - 1])" }
        let drawn = bands.map { band in
            var band = band
            band.shares = starts.map { start in
                let end = min(band.shares.count, start + group)
                guard start < end else { return 0 }
                return band.shares[start..<end].reduce(0, +) / Double(end - start)
            }
            return band
        }
        return (grouped, drawn, group)
    }

    /// At most this many columns in the heatmap (the ones with the most missing values), so the
    /// page stays small for wide files.
    static let heatmapLimit = 60

    static func nullityCorrelation(_ profile: JSONValue, names: [String]) -> String {
        var out = heading("nullity-correlation", "Nullity correlation",
                          note: "How strongly the presence of one column's values goes with another's (pandas <code>df.isna().corr()</code>): +1, missing together; −1, one missing when the other is present. Columns without missing values have no such correlation and are left out.")
        guard let matrix = profile["nullity_correlation"], case .object(let rows) = matrix else {
            out += "<p class=\"empty\">This profile has no nullity correlation (prepline leaves it out past 512 columns).</p>\n</section>\n"
            return out
        }
        let columns = profile["columns"].flatMap(array) ?? []
        let missingByName = Dictionary(columns.map { (string($0["name"]) ?? "", number($0["missing"]) ?? 0) }, uniquingKeysWith: { a, _ in a })
        // Columns with some missing value (all of them when the document has no counts).
        var candidates = rows.map(\.key).filter { missingByName[$0].map { $0 > 0 } ?? true }
        var cut = 0
        if candidates.count > heatmapLimit {
            let keep = Set(candidates.sorted { (missingByName[$0] ?? 0) > (missingByName[$1] ?? 0) }.prefix(heatmapLimit))
            cut = candidates.count - heatmapLimit
            candidates = candidates.filter { keep.contains($0) }
        }
        if candidates.count < 2 {
            out += "<p class=\"empty\">\(candidates.isEmpty ? "No column has missing values" : "Only one column has missing values"): there is nothing to correlate.</p>\n</section>\n"
            return out
        }
        let byName = Dictionary(rows.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let grid = candidates.map { values(byName[$0], names: candidates) }
        let svg = ProfileCharts.heatmap(names: candidates) { row, column in number(grid[row][column]) }
        out += "<div class=\"figure scroll\">\(svg)</div>\n"
        out += "<div class=\"legendrow\">\(ProfileCharts.heatmapLegend())"
        if cut > 0 { out += "<span class=\"note\">The \(heatmapLimit) columns with the most missing values are shown; \(HTMLText.count(cut)) more are left out.</span>" }
        out += "</div>\n</section>\n"
        return out
    }

    static func columnCards(_ profile: JSONValue, columns: [JSONValue]) -> String {
        var out = heading("columns", "Columns")
        if columns.isEmpty { return out + "<p class=\"empty\">No columns.</p>\n</section>\n" }
        let rows = number(profile["rows"])
        out += "<div class=\"cards\">\n"
        for (index, column) in columns.enumerated() { out += card(column, index: index, rows: rows) }
        out += "</div>\n</section>\n"
        return out
    }

    static func card(_ column: JSONValue, index: Int, rows: Double?) -> String {
        let name = string(column["name"]) ?? ""
        var out = "<article class=\"card\" id=\"col-\(index + 1)\"><header><h3 title=\"\(HTMLText.escaped(name))\"><span class=\"idx\">\(index + 1)</span>\(HTMLText.escaped(name, limit: 80))</h3>\(badge(string(column["type"])))</header>"
        let ratio = missingRatio(column, rows: rows)
        out += "<div class=\"fill\" title=\"present \(HTMLText.percent(1 - (ratio ?? 0))), missing \(HTMLText.percent(ratio ?? 0))\"><span style=\"width:\(ProfileCharts.f((1 - (ratio ?? 0)) * 100))%\"></span></div>"
        var figures: [(String, String)] = []
        if let count = number(column["count"]) { figures.append(("count", HTMLText.count(Int(count)))) }
        if let missing = number(column["missing"]) {
            figures.append(("missing", HTMLText.count(Int(missing)) + (missing > 0 ? ratio.map { " <span class=\"mut\">(\(HTMLText.percent($0)))</span>" } ?? "" : "")))
        }
        if column["distinct"] != nil { figures.append(("distinct", distinctText(column))) }
        // Two figures a line, in pairs that read together: distinct | zeros, min | max, mean | std.
        let length = column["length"]
        if let zeros = number(column["zeros"]) { figures.append(("zeros", HTMLText.count(Int(zeros)))) }
        else if let text = display(length?["mean"]) { figures.append(("mean length", text)) }
        for key in ["min", "max", "mean", "std"] {
            if let text = display(column[key]) { figures.append((key, text)) }
        }
        if let negatives = number(column["negatives"]) { figures.append(("negatives", HTMLText.count(Int(negatives)))) }
        if let infinite = number(column["infinite"]) { figures.append(("infinite", HTMLText.count(Int(infinite)))) }
        if column["zeros"] != nil, let text = display(length?["mean"]) { figures.append(("mean length", text)) }
        if let text = display(length?["min"]) { figures.append(("shortest", text)) }
        if let text = display(length?["max"]) { figures.append(("longest", text)) }
        out += "<dl class=\"figs\">"
        for (label, value) in figures { out += "<div><dt>\(label)</dt><dd>\(value)</dd></div>" }
        out += "</dl>"
        let quantileKeys = ["0.05", "0.25", "0.5", "0.75", "0.95"]
        let quantiles = column["quantiles"].map { q in quantileKeys.compactMap { number(q[$0]) } }
        if let values = column["quantiles"], case .object = values {
            let approximate = flag(column["quantiles_exact"]) == false ? "<span title=\"from the quantile sketch\">≈\u{2009}</span>" : ""
            out += "<table class=\"quant\"><tr>\(quantileKeys.map { "<th>\(approximate)\(percentLabel($0))</th>" }.joined())</tr><tr>\(quantileKeys.map { "<td>\(display(values[$0]) ?? "–")</td>" }.joined())</tr></table>"
        }
        if let histogram = column["histogram"], let edges = histogram["edges"].flatMap(array)?.compactMap(number),
           let counts = histogram["counts"].flatMap(array)?.compactMap(number), !counts.isEmpty {
            let caption = flag(column["histogram_exact"]) == false ? "<figcaption>histogram from the quantile sketch</figcaption>" : ""
            out += "<figure>\(ProfileCharts.histogram(edges: edges, counts: counts, quantiles: quantiles?.count == 5 ? quantiles : nil))\(caption)</figure>"
        } else if let top = column["top"].flatMap(array), !top.isEmpty {
            let entries = top.prefix(10).map { (value: rawText($0["value"]), count: number($0["count"]) ?? 0) }
            let present = number(column["count"]) ?? entries.reduce(0) { $0 + $1.count }
            out += "<figure>\(ProfileCharts.topBars(Array(entries), present: present))<figcaption>most frequent values\(top.count > 10 ? " (first 10)" : "")\(flag(column["top_exact"]) == false ? "; counted among the first values seen (past the distinct budget)" : "")</figcaption></figure>"
        }
        out += "</article>\n"
        return out
    }

    static func percentLabel(_ key: String) -> String {
        guard let q = Double(key) else { return HTMLText.escaped(key) }
        return HTMLText.number(q * 100) + "%"
    }

    static func distinctText(_ column: JSONValue) -> String {
        guard let distinct = number(column["distinct"]) else { return "–" }
        let exact: Bool
        if case .bool(let flag)? = column["distinct_exact"] { exact = flag } else { exact = true }
        let text = HTMLText.count(Int(distinct))
        return exact ? text : "<span title=\"estimated (HyperLogLog)\">≈\u{2009}\(text)</span>"
    }

    static func missingRatio(_ column: JSONValue, rows: Double?) -> Double? {
        if let ratio = number(column["missing_ratio"]) { return ratio }
        if let missing = number(column["missing"]), let rows, rows > 0 { return missing / rows }
        return nil
    }

    /// The type badge; its colour by family (numbers, text, time, logic).
    static func badge(_ type: String?) -> String {
        let type = type ?? "unknown"
        let family: String
        switch type {
        case "integer", "number", "year": family = "t-num"
        case "string": family = "t-text"
        case "date", "datetime", "time", "yearmonth", "duration": family = "t-time"
        case "boolean": family = "t-bool"
        default: family = "t-other"
        }
        return "<span class=\"badge \(family)\">\(HTMLText.escaped(type, limit: 16))</span>"
    }

    /// "; budgets: distinct 1,000,000, quantile 1,000,000" when the document states them.
    static func budgets(_ profile: JSONValue) -> String {
        guard case .object(let members)? = profile["budgets"] else { return "" }
        let parts = members.compactMap { member in number(member.value).map { "\(HTMLText.escaped(member.key)) \(HTMLText.count(Int($0)))" } }
        return parts.isEmpty ? "" : "; budgets: " + parts.joined(separator: ", ")
    }

    static func flag(_ value: JSONValue?) -> Bool? {
        if case .bool(let b)? = value { return b }
        return nil
    }

    static func inputName(_ profile: JSONValue) -> String? {
        for key in ["input", "inputs", "file", "source"] {
            switch profile[key] {
            case .string(let name)?: return name
            case .array(let names)?:
                let texts = names.compactMap(string)
                if !texts.isEmpty { return texts.count == 1 ? texts[0] : "\(texts[0]) and \(texts.count - 1) more" }
            default: continue
            }
        }
        return nil
    }

    static func columnCount(_ profile: JSONValue, _ columns: [JSONValue]) -> Int {
        number(profile["column_count"]).map { Int($0) } ?? columns.count
    }

    // MARK: reading the document

    /// An object's values in the order of `names`: by position when its keys are those names in
    /// that order (as prepline writes them), else looked up; a key read at a time would make a
    /// 1000-column matrix quadratic per band.
    static func values(_ object: JSONValue?, names: [String]) -> [JSONValue?] {
        guard case .object(let members)? = object else { return names.map { _ in nil } }
        if members.count == names.count, zip(members, names).allSatisfy({ $0.key == $1 }) { return members.map(\.value) }
        let byKey = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        return names.map { byKey[$0] }
    }

    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let v, _)? = value, v.isFinite { return v }
        return nil
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }

    static func array(_ value: JSONValue?) -> [JSONValue]? {
        if case .array(let a)? = value { return a }
        return nil
    }

    /// A value as people read it, escaped: numbers formatted, strings as they are.
    static func display(_ value: JSONValue?) -> String? {
        switch value {
        case .number(let v, _)?: return HTMLText.number(v)
        case .string(let s)?: return HTMLText.escaped(s, limit: 40)
        case .bool(let b)?: return b ? "true" : "false"
        default: return nil
        }
    }

    /// A value's own text, unescaped (the chart code escapes it).
    static func rawText(_ value: JSONValue?) -> String {
        switch value {
        case .number(let v, _)?: return HTMLText.number(v)
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "true" : "false"
        default: return ""
        }
    }
}
