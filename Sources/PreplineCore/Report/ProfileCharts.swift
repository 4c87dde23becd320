/// The inline SVG pictures of the HTML profile page: the missingness matrix, the nullity
/// correlation heatmap, a histogram and the top-value bars. Plain SVG (no script, no external
/// reference); cells of one shade are drawn as one `<path>`, so a 200 × 200 matrix stays a few
/// hundred KB rather than 40 000 elements.
enum ProfileCharts {
    // MARK: colours

    /// An sRGB colour, mixed linearly for the scales.
    struct Colour {
        var r: Double, g: Double, b: Double
        init(_ hex: UInt32) {
            r = Double((hex >> 16) & 0xFF); g = Double((hex >> 8) & 0xFF); b = Double(hex & 0xFF)
        }
        init(r: Double, g: Double, b: Double) { self.r = r; self.g = g; self.b = b }
        func mixed(with other: Colour, _ t: Double) -> Colour {
            Colour(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
        }
        var css: String {
            let digits = "0123456789abcdef".map { $0 }
            var out = "#"
            for component in [r, g, b] {
                let v = Int(component.rounded()).clamped(0, 255)
                out.append(digits[v >> 4]); out.append(digits[v & 15])
            }
            return out
        }
    }

    static let present = Colour(0x334155)   // data present: dark slate, as missingno's dark cells
    static let absent = Colour(0xFFFFFF)    // missing: white
    static let negative = Colour(0x2166AC), neutral = Colour(0xF4F4F4), positive = Colour(0xB2182B)
    static let ink = "#1f2937", muted = "#6b7280", grid = "#e5e7eb", accent = "#4f6bed"

    /// Shade levels of the matrix: a non-zero share is at least level 1, so one missing cell in
    /// a band of thousands still shows.
    static let matrixLevels = 16

    static func matrixLevel(_ share: Double) -> Int {
        guard share > 0 else { return 0 }
        return max(1, min(matrixLevels, Int((share * Double(matrixLevels)).rounded())))
    }

    static func matrixColour(level: Int) -> String {
        present.mixed(with: absent, Double(level) / Double(matrixLevels)).css
    }

    /// The diverging scale −1 (blue) … 0 (grey) … +1 (red), in steps of 0.1.
    static func correlationColour(_ r: Double) -> String {
        let step = (r.clamped(-1, 1) * 10).rounded() / 10
        return step < 0 ? neutral.mixed(with: negative, -step).css : neutral.mixed(with: positive, step).css
    }

    /// A label cut to `cells` character cells, East Asian wide characters counting two (an SVG
    /// label's room is set in average character widths: a CJK name cut by characters ran out of
    /// the picture and was clipped), escaped for HTML.
    static func label(_ text: String, cells: Int) -> String { HTMLText.escaped(ProfileTable.fit(text, cells)) }

    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: missingness matrix

    struct Band { var firstRow: String; var lastRow: String; var shares: [Double] }

    /// missingno's matrix: columns across, bands of rows down in input order, each cell shaded by
    /// the band's missing share of that column; names on top (every k-th when the cells get too
    /// narrow to label), row numbers on the left, and each band's share of missing cells on the right.
    static func matrix(columns: [String], bands: [Band]) -> String {
        let n = max(1, columns.count), b = max(1, bands.count)
        let cellWidth = max(1, min(90, 1040 / n))
        let bandHeight = max(2, min(24, 420 / b))
        let labelEvery = cellWidth >= 16 ? 1 : Int((16.0 / Double(cellWidth)).rounded(.up))  // 11 px text at 45°
        let longest = columns.enumerated().filter { $0.offset % labelEvery == 0 }.map { min(ProfileTable.cells($0.element), 24) }.max() ?? 4
        let rise = Int(Double(longest) * 6.4 * 0.72)  // a rotated name's height and reach to the right
        let top = 22 + rise, left = 78, sparkW = 48
        let right = max(sparkW + 16, rise - cellWidth / 2 + 8)
        let plotW = cellWidth * columns.count, plotH = bandHeight * bands.count
        let width = left + plotW + right, height = top + plotH + 24
        var svg = "<svg class=\"matrix\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Missing values by column and row band\">"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"\(present.css)\"/>"
        // One path per shade; vertical runs of one shade in a column are one rectangle.
        var paths = [String](repeating: "", count: matrixLevels + 1)
        for column in columns.indices {
            var band = 0
            while band < bands.count {
                let level = matrixLevel(column < bands[band].shares.count ? bands[band].shares[column] : 0)
                var end = band + 1
                while end < bands.count, matrixLevel(column < bands[end].shares.count ? bands[end].shares[column] : 0) == level { end += 1 }
                if level > 0 {
                    paths[level] += "M\(left + column * cellWidth) \(top + band * bandHeight)h\(cellWidth)v\((end - band) * bandHeight)h-\(cellWidth)z"
                }
                band = end
            }
        }
        for level in 1...matrixLevels where !paths[level].isEmpty {
            svg += "<path fill=\"\(matrixColour(level: level))\" d=\"\(paths[level])\"/>"
        }
        // Thin separators between columns when there is room for them.
        if cellWidth >= 6, columns.count > 1 {
            var d = ""
            for column in 1..<columns.count { d += "M\(left + column * cellWidth) \(top)v\(plotH)" }
            svg += "<path stroke=\"#ffffff\" stroke-opacity=\"0.35\" stroke-width=\"1\" d=\"\(d)\"/>"
        }
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"\(ink)\" stroke-width=\"1\"/>"
        // Column names, rotated, each with its full name as a tooltip.
        for (index, name) in columns.enumerated() where index % labelEvery == 0 {
            let x = Double(left + index * cellWidth) + Double(cellWidth) / 2 + 3
            svg += "<text class=\"lbl\" transform=\"translate(\(f(x)) \(top - 5)) rotate(-45)\"><title>\(HTMLText.escaped(name))</title>\(label(name, cells: 24))</text>"
        }
        // Row ranges: first and last band, and a few between.
        // Row numbers: the first row of a few bands; the last row under the plot.
        let ticks = Set([0] + (1..<5).map { bands.count * $0 / 5 })
        var lastY = -100
        for band in ticks.sorted() where band < bands.count {
            let y = top + band * bandHeight + bandHeight / 2 + 4
            if y - lastY < 14 || y > top + plotH - 12 { continue }
            lastY = y
            svg += "<text class=\"lbl\" x=\"\(left - 6)\" y=\"\(y)\" text-anchor=\"end\">\(HTMLText.escaped(bands[band].firstRow, limit: 12))</text>"
        }
        svg += "<text class=\"lbl\" x=\"\(left - 6)\" y=\"\(top + plotH + 4)\" text-anchor=\"end\">\(HTMLText.escaped(bands.last?.lastRow ?? "", limit: 12))</text>"
        // Per band: the share of its cells that are missing, as missingno's sparkline.
        let shares = bands.map { band in band.shares.isEmpty ? 0 : band.shares.reduce(0, +) / Double(columns.count) }
        let peak = max(shares.max() ?? 0, 1e-12)
        let sparkX = left + plotW + 8
        var line = ""
        for (band, share) in shares.enumerated() {
            let x = Double(sparkX) + share / peak * Double(sparkW)
            let y = Double(top + band * bandHeight) + Double(bandHeight) / 2
            line += (band == 0 ? "M" : "L") + f(x) + " " + f(y)
        }
        svg += "<path d=\"M\(sparkX) \(top)v\(plotH)\" stroke=\"\(grid)\"/>"
        if !line.isEmpty { svg += "<path d=\"\(line)\" fill=\"none\" stroke=\"\(accent)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>" }
        svg += "<text class=\"lbl mut\" x=\"\(sparkX + sparkW / 2)\" y=\"\(top - 6)\" text-anchor=\"middle\">missing</text>"
        svg += "<text class=\"lbl mut\" x=\"\(sparkX)\" y=\"\(top + plotH + 16)\">0</text>"
        svg += "<text class=\"lbl mut\" x=\"\(sparkX + sparkW)\" y=\"\(top + plotH + 16)\" text-anchor=\"end\">\(HTMLText.percent(peak <= 1e-12 ? 0 : peak))</text>"
        svg += "</svg>"
        return svg
    }

    /// The legend of the matrix: the shade for 0 %, 50 % and 100 % missing.
    static func matrixLegend() -> String {
        var svg = "<svg class=\"legend\" viewBox=\"0 0 300 34\" width=\"300\" height=\"34\" role=\"img\" aria-label=\"Legend: share of the band missing\">"
        for level in 0...matrixLevels {
            svg += "<rect x=\"\(10 + level * 10)\" y=\"4\" width=\"10\" height=\"12\" fill=\"\(matrixColour(level: level))\"/>"
        }
        svg += "<rect x=\"10\" y=\"4\" width=\"\((matrixLevels + 1) * 10)\" height=\"12\" fill=\"none\" stroke=\"\(ink)\" stroke-width=\"0.75\"/>"
        svg += "<text class=\"lbl\" x=\"10\" y=\"29\">present</text><text class=\"lbl\" x=\"\(10 + (matrixLevels + 1) * 10)\" y=\"29\" text-anchor=\"end\">missing</text>"
        svg += "<text class=\"lbl mut\" x=\"\(24 + (matrixLevels + 1) * 10)\" y=\"14\">share of the band</text></svg>"
        return svg
    }

    // MARK: nullity correlation

    /// The lower triangle of the nullity correlation (as missingno's heatmap), diverging scale,
    /// undefined correlations hatched; values written in the cells when they are big enough.
    static func heatmap(names: [String], value: (Int, Int) -> Double?) -> String {
        let n = names.count
        let cell = max(6, min(52, 900 / max(1, n - 1)))
        // Rows are labelled with names 2…n, columns (rotated, below) with names 1…n−1.
        let longestRow = names.dropFirst().map { min(ProfileTable.cells($0), 24) }.max() ?? 4
        let longestColumn = names.dropLast().map { min(ProfileTable.cells($0), 24) }.max() ?? 4
        let left = 12 + Int(Double(longestRow) * 6.4), bottom = 14 + Int(Double(longestColumn) * 6.4 * 0.72)
        let top = 8
        let size = cell * (n - 1)
        let width = left + size + 16, height = top + size + bottom
        var svg = "<svg class=\"heatmap\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Nullity correlation\">"
        svg += "<defs><pattern id=\"undef\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3f4f6\"/><path d=\"M0 0v6\" stroke=\"#9ca3af\" stroke-width=\"1.5\"/></pattern></defs>"
        var byColour: [(String, String)] = []
        var index: [String: Int] = [:]
        var undefined = ""
        var labels = ""
        let writeValues = cell >= 30
        for row in 1..<max(1, n) {
            for column in 0..<row {
                let x = left + column * cell, y = top + (row - 1) * cell
                let d = "M\(x) \(y)h\(cell - 1)v\(cell - 1)h-\(cell - 1)z"
                guard let r = value(row, column), r.isFinite else { undefined += d; continue }
                let colour = correlationColour(r)
                if let i = index[colour] { byColour[i].1 += d } else { index[colour] = byColour.count; byColour.append((colour, d)) }
                if writeValues {
                    let text = abs(r) >= 0.995 ? (r > 0 ? "1" : "−1") : (r < 0 ? "−" : "") + String(format2(abs(r)))
                    labels += "<text class=\"cv\" x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(abs(r) > 0.6 ? "#ffffff" : ink)\">\(text)</text>"
                }
            }
        }
        for (colour, d) in byColour { svg += "<path fill=\"\(colour)\" d=\"\(d)\"/>" }
        if !undefined.isEmpty { svg += "<path fill=\"url(#undef)\" d=\"\(undefined)\"/>" }
        svg += labels
        let labelEvery = cell >= 11 ? 1 : Int((11.0 / Double(cell)).rounded(.up))
        let columnLabelEvery = cell >= 16 ? 1 : Int((16.0 / Double(cell)).rounded(.up))  // 11 px text at 45°
        for row in 1..<max(1, n) where (row - 1) % labelEvery == 0 {
            svg += "<text class=\"lbl\" x=\"\(left - 6)\" y=\"\(top + (row - 1) * cell + cell / 2 + 4)\" text-anchor=\"end\"><title>\(HTMLText.escaped(names[row]))</title>\(label(names[row], cells: 24))</text>"
        }
        for column in 0..<max(0, n - 1) where column % columnLabelEvery == 0 {
            let x = left + column * cell + cell / 2 + 4
            svg += "<text class=\"lbl\" transform=\"translate(\(x) \(top + size + 6)) rotate(-45)\" text-anchor=\"end\"><title>\(HTMLText.escaped(names[column]))</title>\(label(names[column], cells: 24))</text>"
        }
        svg += "</svg>"
        return svg
    }

    static func format2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let text = hundredths < 10 ? "0\(hundredths)" : String(hundredths)
        return "." + text
    }

    /// The diverging scale's legend, −1 to 1, and the undefined swatch.
    static func heatmapLegend() -> String {
        var svg = "<svg class=\"legend\" viewBox=\"0 0 330 34\" width=\"330\" height=\"34\" role=\"img\" aria-label=\"Legend: nullity correlation from −1 to 1\">"
        svg += "<defs><pattern id=\"undef-l\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3f4f6\"/><path d=\"M0 0v6\" stroke=\"#9ca3af\" stroke-width=\"1.5\"/></pattern></defs>"
        for step in -10...10 {
            svg += "<rect x=\"\(10 + (step + 10) * 9)\" y=\"4\" width=\"9\" height=\"12\" fill=\"\(correlationColour(Double(step) / 10))\"/>"
        }
        svg += "<text class=\"lbl\" x=\"10\" y=\"29\">−1</text><text class=\"lbl\" x=\"\(10 + 10 * 9 + 4)\" y=\"29\" text-anchor=\"middle\">0</text><text class=\"lbl\" x=\"\(10 + 21 * 9)\" y=\"29\" text-anchor=\"end\">+1</text>"
        svg += "<rect x=\"226\" y=\"4\" width=\"12\" height=\"12\" fill=\"url(#undef-l)\" stroke=\"#9ca3af\" stroke-width=\"0.5\"/><text class=\"lbl\" x=\"243\" y=\"14\">undefined</text></svg>"
        return svg
    }

    // MARK: per column

    static let chartWidth = 340

    /// A histogram with its value axis (first, middle and last edge) and count axis, and under it
    /// a box of the quantiles (whiskers 5–95 %, box 25–75 %, the median).
    static func histogram(edges: [Double], counts: [Double], quantiles: [Double]?) -> String {
        let width = chartWidth, left = 40, right = 10, top = 10, plotH = 96
        let plotW = width - left - right
        let boxH = quantiles == nil ? 0 : 16
        let height = top + plotH + boxH + 30
        let peak = max(counts.max() ?? 0, 1)
        let lo = edges.first ?? 0, hi = edges.last ?? 1
        let span = hi > lo ? hi - lo : 1
        func xOf(_ value: Double) -> Double { Double(left) + (value - lo) / span * Double(plotW) }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Histogram\">"
        svg += "<path d=\"M\(left) \(top)h\(plotW)M\(left) \(top + plotH / 2)h\(plotW)\" stroke=\"\(grid)\" stroke-dasharray=\"2 3\"/>"
        let bins = min(counts.count, max(0, edges.count - 1))
        for bin in 0..<bins {
            let x0 = hi > lo ? xOf(edges[bin]) : Double(left) + Double(plotW) * 0.4
            let x1 = hi > lo ? xOf(edges[bin + 1]) : Double(left) + Double(plotW) * 0.6
            let h = counts[bin] / peak * Double(plotH)
            let shown = counts[bin] > 0 ? max(h, 1) : 0
            let gap = x1 - x0 > 4 ? 1.0 : 0
            svg += "<rect class=\"bar\" x=\"\(f(x0))\" y=\"\(f(Double(top + plotH) - shown))\" width=\"\(f(max(0.5, x1 - x0 - gap)))\" height=\"\(f(shown))\"><title>\(HTMLText.number(edges[bin])) – \(HTMLText.number(edges[bin + 1])): \(HTMLText.count(Int(counts[bin])))</title></rect>"
        }
        svg += "<path d=\"M\(left) \(top + plotH)h\(plotW)\" stroke=\"\(ink)\"/>"
        svg += "<text class=\"lbl mut\" x=\"\(left - 4)\" y=\"\(top + 4)\" text-anchor=\"end\">\(HTMLText.count(Int(peak)))</text>"
        svg += "<text class=\"lbl mut\" x=\"\(left - 4)\" y=\"\(top + plotH + 3)\" text-anchor=\"end\">0</text>"
        svg += "<text class=\"lbl mut\" transform=\"translate(10 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">count</text>"
        var axisY = top + plotH
        if let q = quantiles, q.count == 5, hi > lo {
            let y = Double(top + plotH + 4), mid = y + 6
            svg += "<path d=\"M\(f(xOf(q[0]))) \(f(mid))H\(f(xOf(q[1])))M\(f(xOf(q[3]))) \(f(mid))H\(f(xOf(q[4])))\" stroke=\"\(muted)\"/>"
            svg += "<rect x=\"\(f(xOf(q[1])))\" y=\"\(f(y + 1))\" width=\"\(f(max(1, xOf(q[3]) - xOf(q[1]))))\" height=\"10\" fill=\"#dfe5fb\" stroke=\"\(accent)\"><title>25 % – 75 %: \(HTMLText.number(q[1])) – \(HTMLText.number(q[3]))</title></rect>"
            svg += "<path d=\"M\(f(xOf(q[2]))) \(f(y))v12\" stroke=\"\(ink)\" stroke-width=\"2\"><title>median \(HTMLText.number(q[2]))</title></path>"
            axisY += boxH
        }
        let middle = edges.isEmpty ? lo : (lo + hi) / 2
        svg += "<text class=\"lbl\" x=\"\(left)\" y=\"\(axisY + 16)\">\(HTMLText.number(lo))</text>"
        if hi > lo { svg += "<text class=\"lbl mut\" x=\"\(f(xOf(middle)))\" y=\"\(axisY + 16)\" text-anchor=\"middle\">\(HTMLText.number(middle))</text>" }
        svg += "<text class=\"lbl\" x=\"\(left + plotW)\" y=\"\(axisY + 16)\" text-anchor=\"end\">\(HTMLText.number(hi))</text>"
        svg += "</svg>"
        return svg
    }

    /// The most frequent values as horizontal bars, each with its count and share of the present values.
    static func topBars(_ top: [(value: String, count: Double)], present: Double) -> String {
        let width = chartWidth, rowH = 19, labelW = 128, countW = 82
        let barW = width - labelW - countW - 8
        let height = max(1, top.count) * rowH + 6
        let peak = max(top.map(\.count).max() ?? 1, 1)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Most frequent values\">"
        for (index, entry) in top.enumerated() {
            let y = 3 + index * rowH
            let w = max(1, entry.count / peak * Double(barW))
            let label = entry.value.isEmpty ? "(empty)" : entry.value
            svg += "<text class=\"lbl\" x=\"\(labelW - 6)\" y=\"\(y + 13)\" text-anchor=\"end\"><title>\(HTMLText.escaped(label))</title>\(Self.label(label, cells: 18))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelW)\" y=\"\(y + 2)\" width=\"\(f(w))\" height=\"\(rowH - 5)\" rx=\"2\"/>"
            let share = present > 0 ? " · " + HTMLText.percent(entry.count / present) : ""
            svg += "<text class=\"lbl mut\" x=\"\(f(Double(labelW) + w + 5))\" y=\"\(y + 13)\">\(HTMLText.count(Int(entry.count)))\(share)</text>"
        }
        svg += "</svg>"
        return svg
    }
}

fileprivate extension Comparable {
    func clamped(_ low: Self, _ high: Self) -> Self { min(max(self, low), high) }
}
