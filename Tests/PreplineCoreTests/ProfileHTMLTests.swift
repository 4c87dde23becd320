import Foundation
import Testing
@testable import PreplineCore

/// The HTML profile page from profile documents built here: every section, escaping of untrusted
/// names and values, no script and no network reference, absent and extra keys, bounded size.
@Suite("profile HTML page")
struct ProfileHTMLTests {
    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { (key: $0.key, value: $0.value) })
    }

    static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }

    /// A small document with a number and a text column, the given names and top value.
    static func document(names: [String], topValue: String = "a") -> JSONValue {
        let columns: [JSONValue] = names.enumerated().map { index, name in
            if index % 2 == 0 {
                return object([
                    "name": .string(name), "type": .string("number"), "count": .number(9), "missing": .number(1),
                    "missing_ratio": .number(0.1), "distinct": .number(9), "distinct_exact": .bool(true),
                    "min": .number(-2), "max": .number(12.5), "mean": .number(4.25), "std": .number(3.5),
                    "quantiles": object(["0.05": .number(-1), "0.25": .number(1), "0.5": .number(4), "0.75": .number(7), "0.95": .number(11)]),
                    "histogram": object(["edges": numbers([-2, 5.25, 12.5]), "counts": numbers([5, 4])]),
                    "zeros": .number(1), "negatives": .number(2),
                ])
            }
            return object([
                "name": .string(name), "type": .string("string"), "count": .number(10), "missing": .number(0),
                "missing_ratio": .number(0), "distinct": .number(1234567), "distinct_exact": .bool(false),
                "length": object(["min": .number(1), "mean": .number(2.5), "max": .number(7)]),
                "top": .array([object(["value": .string(topValue), "count": .number(7)]), object(["value": .string("b"), "count": .number(3)])]),
            ])
        }
        let shares: [(key: String, value: JSONValue)] = names.enumerated().map { (key: $0.element, value: .number($0.offset % 2 == 0 ? 0.2 : 0)) }
        let correlation: [(key: String, value: JSONValue)] = names.map { row in
            (key: row, value: .object(names.map { (key: $0, value: $0 == row ? .number(1) : .number(-0.4)) }))
        }
        return object([
            "profile": .number(1), "input": .string("data.csv"), "rows": .number(10), "missing_cells": .number(1),
            "duplicate_rows": .number(0), "columns": .array(columns),
            "missingness": object(["bands": .array([
                object(["first_row": .number(1), "last_row": .number(5), "missing": .object(shares)]),
                object(["first_row": .number(6), "last_row": .number(10), "missing": .object([])]),
            ])]),
            "nullity_correlation": .object(correlation),
            "some_future_key": object(["budget": .number(1_000_000)]),
        ])
    }

    @Test("every section is there, with its id and heading")
    func sections() throws {
        let page = try ProfileHTML.render(Self.document(names: ["x", "y", "z"]))
        for id in ["overview", "missingness", "nullity-correlation", "columns"] {
            #expect(page.contains("<section id=\"\(id)\">\n<h2>"), "section \(id)")
        }
        #expect(page.contains("<svg class=\"matrix\""))
        #expect(page.contains("<svg class=\"heatmap\""))
        #expect(page.components(separatedBy: "<article class=\"card\"").count - 1 == 3)
        #expect(page.contains("aria-label=\"Histogram\""))
        #expect(page.contains("aria-label=\"Most frequent values\""))
        #expect(page.contains("data.csv"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.hasSuffix("</html>\n"))
    }

    @Test("column names and values are escaped: no markup from the data reaches the page")
    func escaping() throws {
        let hostile = "<script>alert(\"x&y\")</script>'"
        let page = try ProfileHTML.render(Self.document(names: [hostile, "b\"</text></svg><img src=x>", "c&d"], topValue: "</title><script>1</script>"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("</text></svg><img"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"))
        #expect(page.contains("c&amp;d"))
        #expect(!page.contains("c&d"))
        #expect(ProfileHTML.inputName(Self.object(["input": .string("a<b>.csv")])) == "a<b>.csv")
        let named = try ProfileHTML.render(Self.object(["profile": .number(1), "input": .string("a<b>\u{1}.csv")]))
        #expect(named.contains("a&lt;b&gt;\\x01.csv"))
        #expect(!named.contains("a<b>"))
    }

    @Test("no script, no network: nothing is loaded from anywhere, and the policy forbids it")
    func selfContained() throws {
        let page = try ProfileHTML.render(Self.document(names: (0..<12).map { "c\($0)" }))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.lowercased().contains("http:"))
        #expect(!page.lowercased().contains("https:"))
        #expect(!page.contains("//"), "no protocol-relative reference")
        #expect(!page.contains("src="))
        #expect(!page.contains("@import"))
        #expect(!page.contains("<link"))
        #expect(page.range(of: #"\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) == nil, "no event handler attribute")
        // url(...) only points inside the page (the hatch pattern).
        var rest = Substring(page)
        while let range = rest.range(of: "url(") {
            #expect(rest[range.upperBound...].hasPrefix("#"))
            rest = rest[range.upperBound...]
        }
        #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none'"))
    }

    @Test("absent keys leave their figures out; extra keys are ignored; a newer version is refused")
    func tolerant() throws {
        let bare = try ProfileHTML.render(Self.object(["profile": .number(1)]))
        for id in ["overview", "missingness", "nullity-correlation", "columns"] {
            #expect(bare.contains("<section id=\"\(id)\">"))
        }
        let sparse = try ProfileHTML.render(Self.object([
            "profile": .number(1), "rows": .number(3), "extra": .string("ignored"),
            "columns": .array([Self.object(["name": .string("only"), "mean": .null, "histogram": Self.object(["edges": .array([])])])]),
        ]))
        #expect(sparse.contains(">only</h3>"))
        #expect(!sparse.contains("ignored"))
        #expect(throws: PreplineError.self) { try ProfileHTML.render(Self.object(["profile": .number(2)])) }
        #expect(throws: PreplineError.self) { try ProfileHTML.render(.array([])) }
    }

    @Test("a distinct count that is an estimate is marked ≈; the exact one is not")
    func estimateMarked() throws {
        let page = try ProfileHTML.render(Self.document(names: ["exact", "estimated"]))
        #expect(page.contains("≈\u{2009}1,234,567"))
        #expect(!page.contains("≈\u{2009}9<"))
    }

    @Test("past the budgets: a duplicate count that is a lower bound, sketch quantiles and histogram, top values among the first seen, no correlation past 512 columns")
    func budgetsMarked() throws {
        let column = Self.object([
            "name": .string("x"), "type": .string("number"), "count": .number(5), "missing": .number(0),
            "quantiles": Self.object(["0.05": .number(1), "0.25": .number(2), "0.5": .number(3), "0.75": .number(4), "0.95": .number(5)]),
            "quantiles_exact": .bool(false),
            "histogram": Self.object(["edges": Self.numbers([1, 3, 5]), "counts": Self.numbers([2, 3])]), "histogram_exact": .bool(false),
        ])
        let text = Self.object(["name": .string("t"), "type": .string("string"), "top": .array([Self.object(["value": .string("v"), "count": .number(2)])]), "top_exact": .bool(false)])
        let page = try ProfileHTML.render(Self.object([
            "profile": .number(1), "rows": .number(5), "duplicate_rows": .number(3), "duplicate_rows_exact": .bool(false),
            "malformed_rows": .number(2), "budgets": Self.object(["distinct": .number(1000), "quantile": .number(2000)]),
            "columns": .array([column, text]),
        ]))
        #expect(page.contains("≥\u{2009}3"))
        #expect(page.contains("≈\u{2009}</span>5%"))
        #expect(page.contains("histogram from the quantile sketch"))
        #expect(page.contains("counted among the first values seen"))
        #expect(page.contains("Malformed rows"))
        #expect(page.contains("budgets: distinct 1,000, quantile 2,000"))
        #expect(page.contains("leaves it out past 512 columns"))
        let exact = try ProfileHTML.render(Self.document(names: ["a", "b"]))
        #expect(!exact.contains("≥\u{2009}"))
        #expect(!exact.contains("from the quantile sketch"))
    }

    @Test("numbers for people: separators, 4 significant digits, percentages that never round to 0 or 100")
    func formats() {
        #expect(HTMLText.count(1234567) == "1,234,567")
        #expect(HTMLText.count(-1000) == "−1,000")
        #expect(HTMLText.count(999) == "999")
        #expect(HTMLText.number(42075.3) == "42,075")
        #expect(HTMLText.number(4207.53) == "4208")
        #expect(HTMLText.number(2007) == "2007")
        #expect(HTMLText.number(123456) == "123,456")
        #expect(HTMLText.number(3.14159) == "3.142")
        #expect(HTMLText.number(0.00123456) == "0.001235")
        #expect(HTMLText.number(9.99996) == "10")
        #expect(HTMLText.number(-2.5) == "−2.5")
        #expect(HTMLText.number(1e20) == "1e+20")
        #expect(HTMLText.number(1.5e-7) == "1.5e−7")
        #expect(HTMLText.number(12) == "12")
        #expect(HTMLText.number(.infinity) == "∞")
        #expect(HTMLText.percent(0.1234) == "12.3%")
        #expect(HTMLText.percent(0.005813953488372093) == "0.58%")
        #expect(HTMLText.percent(0.00001) == "< 0.01%")
        #expect(HTMLText.percent(0.999999) == "> 99.99%")
        #expect(HTMLText.percent(1) == "100%")
        #expect(HTMLText.percent(0) == "0%")
    }

    @Test("200 columns × 200 bands with scattered missing values: the page stays a few KB per column")
    func boundedSize() throws {
        let names = (0..<200).map { "column_with_a_long_name_\($0)" }
        var document = Self.document(names: names)
        // Every cell of the matrix a different shade: the worst case for the paths.
        var bands: [JSONValue] = []
        for band in 0..<200 {
            let shares = names.enumerated().map { (key: $0.element, value: JSONValue.number(Double((band * 7 + $0.offset * 13) % 17) / 16)) }
            bands.append(Self.object(["first_row": .number(Double(band * 50 + 1)), "last_row": .number(Double(band * 50 + 50)), "missing": .object(shares)]))
        }
        guard case .object(var members) = document else { return }
        members = members.map { $0.key == "missingness" ? (key: $0.key, value: Self.object(["bands": .array(bands)])) : $0 }
        document = .object(members)
        let clock = ContinuousClock()
        var page = ""
        let elapsed = try clock.measure { page = try ProfileHTML.render(document) }
        let bytes = page.utf8.count
        #expect(bytes < 200 * 8 * 1024, "\(bytes) bytes for 200 columns")
        print("profile page for 200 columns × 200 bands: \(bytes) bytes, rendered in \(elapsed)")
        #expect(elapsed < .seconds(5), "rendered in \(elapsed)")
        #expect(page.contains("The 60 columns with the most missing values are shown"))
    }
}
