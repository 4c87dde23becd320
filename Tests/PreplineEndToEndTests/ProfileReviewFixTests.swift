import Foundation
import Testing

/// Fixes from a fresh-eyes review of `prepline profile` (issue 17): each test names the defect
/// it guards against.
@Suite struct ProfileReviewFixTests {
    static func document(_ dir: TempDir, _ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try dir.read(name))) as! [String: Any]
    }

    static func columns(_ document: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (document["columns"] as! [[String: Any]]).map { ($0["name"] as! String, $0) })
    }

    /// A column of `inf` / `1e999` (which overflows) was typed string although pandas reads it as
    /// float64 with inf and validate's number type accepts it: it is a number column, its
    /// infinities counted, the other figures of its finite values.
    @Test func infinitiesAreNumbersCountedApart() throws {
        let dir = try TempDir("profile-infinity")
        let data = try dir.write("inf.csv", "all,mixed,n\ninf,inf,1\n1e999,-inf,2\nInfinity,1e999,3\n-INF,2.5,4\n+inf,,5\ninf,0,6\n")
        let result = try prepline(["profile", data, "--json", dir.file("p.json"), "--emit-spec", dir.file("s.json"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        try ProfileTests.checkWithPandas(data, dir.file("p.json"), tokens: [""])
        let columns = Self.columns(try Self.document(dir, "p.json"))
        #expect(columns["all"]!["type"] as? String == "number")
        #expect(columns["all"]!["infinite"] as? Int == 6)
        #expect(columns["mixed"]!["type"] as? String == "number")
        #expect(columns["mixed"]!["infinite"] as? Int == 3)
        #expect(columns["n"]!["infinite"] == nil, "no key where there is no infinity")
        #expect(result.stdoutText.contains("6 infinite"), "\(result.stdoutText)")
        let validated = try prepline(["validate", dir.file("s.json"), data, "-q"])
        #expect(validated.status == 0, "\(validated.stdoutText)\(validated.stderr)")
    }

    /// pandas skips a line of blanks (spaces, tabs) as it skips an empty line; profile counted it
    /// as a value in a one-column file (3 rows where pandas has 2) and as a malformed record in a
    /// wider one. A row of empty cells (`,`) is a row to pandas and to profile; validate reports
    /// it as a blank row, which `--emit-spec` now says instead of promising validate accepts it.
    @Test func linesOfBlanksAreNoRowsAndBlankRowsAreNamed() throws {
        let dir = try TempDir("profile-blank-lines")
        let one = try dir.write("one.csv", "a\n1\n  \n3\n \t\n4\n")
        let two = try dir.write("two.csv", "a,b\n1,2\n   \n3,4\n\"  \",5\n")
        for data in [one, two] {
            let result = try prepline(["profile", data, "--json", dir.file("p.json"), "-q"])
            try #require(result.status == 0, "\(result.stderr)")
            try ProfileTests.checkWithPandas(data, dir.file("p.json"), tokens: [""])
            #expect(try Self.document(dir, "p.json")["malformed_rows"] as? Int == 0, "a line of blanks is not of the wrong width")
            #expect(!result.stderr.contains("wrong width"), "\(result.stderr)")
        }
        let comma = try dir.write("comma.csv", "a,b\n1,2\n,\n3,4\n")
        let result = try prepline(["profile", comma, "--json", dir.file("c.json"), "--emit-spec", dir.file("s.json"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        try ProfileTests.checkWithPandas(comma, dir.file("c.json"), tokens: [""])
        #expect(result.stderr.contains("1 row with every cell missing") && result.stderr.contains("blank-row"), "\(result.stderr)")
        // The emitted checks agree with validate's counts: only the blank row itself is reported.
        let validated = try prepline(["validate", dir.file("s.json"), comma, "--report", "json:" + dir.file("r.json"), "-q"])
        #expect(validated.status == 1)
        let report = try String(decoding: dir.read("r.json"), as: UTF8.self)
        #expect(report.contains("blank-row") && !report.contains("check-error"), "\(report)")
        let blank = try dir.write("blank.csv", "a,b\n1,2\n\n3,4\n  \n")
        let warned = try prepline(["profile", blank, "--emit-spec", dir.file("b.json"), "-q"])
        #expect(warned.status == 0 && warned.stderr.contains("1 line of blanks only") && warned.stderr.contains("1 empty line"), "\(warned.stderr)")
    }

    /// A 0-byte input has no header: exit 3 naming the file, nothing written. A header-only file
    /// is an empty table: 0 rows, its columns, and a spec validate accepts.
    @Test func anEmptyInputIsAnErrorAndAHeaderOnlyFileAnEmptyTable() throws {
        let dir = try TempDir("profile-empty")
        let empty = try dir.write("empty.csv", "")
        let refused = try prepline(["profile", empty, "--json", dir.file("e.json")])
        #expect(refused.status == 3 && refused.stderr.contains("empty.csv") && refused.stderr.contains("empty"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("e.json")))
        let headerOnly = try dir.write("header.csv", "a,b\n")
        let result = try prepline(["profile", headerOnly, "--json", dir.file("h.json"), "--emit-spec", dir.file("s.json")])
        try #require(result.status == 0, "\(result.stderr)")
        let document = try Self.document(dir, "h.json")
        #expect(document["rows"] as? Int == 0)
        #expect((document["columns"] as! [[String: Any]]).map { $0["name"] as! String } == ["a", "b"])
        #expect(result.stdoutText.contains("0 rows, 2 columns"), "\(result.stdoutText)")
        #expect(try prepline(["validate", dir.file("s.json"), headerOnly, "-q"]).status == 0)
    }

    /// "1 rows, 1 columns": counts of one are singular, in the table and on stderr.
    @Test func countsOfOneAreSingular() throws {
        let dir = try TempDir("profile-plural")
        let data = try dir.write("one.csv", "a\n1\n")
        let result = try prepline(["profile", data])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("1 row, 1 column, 0 missing cells, 0 duplicate rows"), "\(result.stdoutText)")
        #expect(result.stderr.contains("profiled 1 row;"), "\(result.stderr)")
        let two = try dir.write("two.csv", "a,b\n1,\n1,\n")
        let table = try prepline(["profile", two, "-q"])
        #expect(table.stdoutText.contains("2 rows, 2 columns, 2 missing cells, 1 duplicate row"), "\(table.stdoutText)")
    }

    /// Past the distinct budget the duplicate count is a lower bound: the table says `≥`, as the
    /// HTML does (and as `~` marks an estimated distinct count).
    @Test func aLowerBoundOfDuplicatesIsMarkedInTheTable() throws {
        let dir = try TempDir("profile-duplicates-bound")
        let data = try dir.write("d.csv", "a\n" + (0..<20).map { "\($0 % 7)\n" }.joined())
        let bounded = try prepline(["profile", data, "-q", "--distinct-budget", "3"])
        try #require(bounded.status == 0, "\(bounded.stderr)")
        #expect(bounded.stdoutText.contains("≥ "), "\(bounded.stdoutText)")
        let exact = try prepline(["profile", data, "-q"])
        #expect(!exact.stdoutText.contains("≥") && exact.stdoutText.contains("13 duplicate rows"), "\(exact.stdoutText)")
    }

    /// The budgets' boundary: a column with exactly N distinct values under a budget of N is
    /// exact; N + 1 is an estimate. Texts under --distinct-budget, numbers under --quantile-budget
    /// (a numeric column's distinct count comes from its number table).
    @Test func aColumnWithExactlyTheBudgetsDistinctValuesIsExact() throws {
        let dir = try TempDir("profile-budget-boundary")
        let n = 50
        let data = try dir.write("b.csv", "word,number\n" + (0..<(n * 3)).map { "w\($0 % n),\($0 % n)\n" }.joined())
        for (budget, exact) in [(n, true), (n - 1, false)] {
            let result = try prepline(["profile", data, "--json", dir.file("p.json"), "-q", "--distinct-budget", String(budget), "--quantile-budget", String(budget)])
            try #require(result.status == 0, "\(result.stderr)")
            let columns = Self.columns(try Self.document(dir, "p.json"))
            #expect(columns["word"]!["distinct_exact"] as? Bool == exact, "budget \(budget)")
            #expect(columns["number"]!["distinct_exact"] as? Bool == exact, "budget \(budget)")
            if exact { #expect(columns["word"]!["distinct"] as? Int == n && columns["number"]!["distinct"] as? Int == n) }
        }
    }

    /// A Latin-1 header read without `input.encoding` came out in the JSON as private-use
    /// characters: it is shown as `\xE9` (as validate shows it) with a warning naming the fix, and
    /// decoded with the encoding. split takes that spelling for a column.
    @Test func bytesThatAreNotUTF8AreShownNotGarbled() throws {
        let dir = try TempDir("profile-latin1")
        let data = try dir.write("l.csv", [UInt8]("caf".utf8) + [0xE9] + [UInt8](",b\nx".utf8) + [0xE9] + [UInt8](",1\ny,2\nx,1\ny,2\nx,1\ny,2\n".utf8))
        let raw = try prepline(["profile", data, "--json", dir.file("p.json"), "--html", dir.file("p.html")])
        try #require(raw.status == 0, "\(raw.stderr)")
        let json = try String(decoding: dir.read("p.json"), as: UTF8.self)
        #expect(json.contains(#""name": "caf\\xE9""#) && json.contains(#""value": "x\\xE9""#), "\(json)")
        #expect(!json.unicodeScalars.contains { (0x10FE80...0x10FEFF).contains($0.value) || $0.value == 0xFFFD })
        #expect(!raw.stdoutText.unicodeScalars.contains { (0x10FE80...0x10FEFF).contains($0.value) }, "\(raw.stdoutText)")
        #expect(raw.stderr.contains("not UTF-8") && raw.stderr.contains("latin-1"), "\(raw.stderr)")
        let spec = try dir.write("spec.json", #"{"prepline": 1, "input": {"encoding": "latin-1"}, "stages": []}"#)
        let decoded = try prepline(["profile", data, "--spec", spec, "--json", dir.file("d.json"), "-q"])
        try #require(decoded.status == 0, "\(decoded.stderr)")
        let names = (try Self.document(dir, "d.json")["columns"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(names == ["café", "b"])
        #expect(!decoded.stderr.contains("not UTF-8"))
        // x\xE9 has one member: scikit-learn's refusal names it as the other messages do.
        let split = try prepline(["split", data, "--stratify", #"caf\xE9"#, "--seed", "1", "--train", dir.file("t.csv"), "--test", dir.file("s.csv"), "-q"])
        #expect(split.status == 2 && split.stderr.contains(#"'x\xE9'"#) && !split.stderr.contains("\u{FFFD}"), "\(split.stderr)")
        let balanced = try dir.write("b.csv", [UInt8]("caf".utf8) + [0xE9] + [UInt8](",b\nx,1\ny,2\nx,1\ny,2\nx,1\ny,2\n".utf8))
        let accepted = try prepline(["split", balanced, "--stratify", #"caf\xE9"#, "--seed", "1", "--train", dir.file("t.csv"), "--test", dir.file("s.csv"), "-q"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    /// Past about a thousand columns the matrix was a pixel per column, wider than a screen:
    /// adjacent columns are drawn together and the page says so. Wide (CJK) values are cut by
    /// their cells in the top-value bars, not by characters (they ran out of the picture).
    @Test func theHTMLStaysReadableForWideFilesAndWideCharacters() throws {
        let dir = try TempDir("profile-html-wide")
        let width = 1500
        let header = (0..<width).map { "c\($0)" }.joined(separator: ",")
        let rows = (0..<4).map { r in (0..<width).map { c in (c + r) % 3 == 0 ? "" : "1" }.joined(separator: ",") }
        let data = try dir.write("wide.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let result = try prepline(["profile", data, "--html", dir.file("w.html"), "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        let page = try String(decoding: dir.read("w.html"), as: UTF8.self)
        let matrix = try #require(page.range(of: #"<svg class="matrix" viewBox="0 0 (\d+)"#, options: .regularExpression))
        let drawnWidth = Int(page[matrix].split(separator: " ").last!)!
        #expect(drawnWidth < 1400, "the matrix is \(drawnWidth) px wide")
        #expect(page.contains("adjacent columns of the 1,500"), "the page says the columns are grouped")

        let cjk = try dir.write("cjk.csv", "名前\n東京都千代田区丸の内一丁目東京駅前広場\n東京都千代田区丸の内一丁目東京駅前広場\n大阪\n")
        let html = try prepline(["profile", cjk, "--html", dir.file("c.html"), "-q"])
        try #require(html.status == 0, "\(html.stderr)")
        let cards = try String(decoding: dir.read("c.html"), as: UTF8.self)
        let label = try #require(cards.range(of: #"</title>東[^<]*</text>"#, options: .regularExpression))
        let text = cards[label].dropFirst("</title>".count).dropLast("</text>".count)
        let cells = text.unicodeScalars.reduce(0) { $0 + ((0x3000...0x9FFF).contains($1.value) ? 2 : 1) }
        #expect(cells <= 18, "\(cells) cells: \(text)")
    }

    /// profile and split do not list exit codes and memory terms that are not theirs (rows
    /// rejected, stages that widen rows); `split --test-size -1` is a value out of range, not an
    /// unknown option.
    @Test func helpSaysWhatAppliesAndANegativeTestSizeIsOutOfRange() throws {
        for command in ["profile", "split"] {
            let help = try prepline([command, "--help"])
            #expect(help.status == 0)
            #expect(!help.stdoutText.contains("rows rejected under on_error"), "\(command) --help")
            #expect(!help.stdoutText.contains("stages widen the rows"), "\(command) --help")
            #expect(!help.stdoutText.contains("apply: a training column"), "\(command) --help")
            #expect(help.stdoutText.contains("EXIT CODES") && help.stdoutText.contains("--chunk-size"))
        }
        let dir = try TempDir("split-negative-size")
        let data = try dir.write("d.csv", "a\n1\n2\n3\n4\n")
        for size in ["-1", "-0.5"] {
            let result = try prepline(["split", data, "--test-size", size, "--seed", "1", "--train", dir.file("t.csv"), "--test", dir.file("s.csv")])
            #expect(result.status == 2)
            #expect(result.stderr.contains("test_size") && result.stderr.contains("Got \(size)") && !result.stderr.contains("nknown option"), "\(result.stderr)")
        }
    }
}
