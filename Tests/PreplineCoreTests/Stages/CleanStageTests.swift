import Foundation
import Testing

/// `clean` in-process: its options and their errors (with the JSON path into the user's own
/// pattern), each step on its own, the fixed order of the steps whatever the spec's key order,
/// what a later stage sees (a learned fill before it, empty_as_missing), and the same output at
/// every chunk size. Equality with Python itself on Unicode-heavy text is the conformance suite's
/// (Tests/Conformance/cases_clean.py); TextTableTests checks the ASCII byte loop against Python.
@Suite struct CleanStageTests {
    typealias H = StageHarness

    /// `clean` with `options` on one column `t` of `texts`: the cleaned column.
    static func cleaned(_ options: String, _ texts: [String]) throws -> [String] {
        let spec = H.spec(#"{"stage": "clean", "columns": ["t"], \#(options)}"#)
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        return SimpleTable(try H.apply(spec: spec, csv: csv)).column("t")
    }

    // MARK: Decoding

    @Test(arguments: [
        #"{"stage": "clean", "columns": ["t"], "case": "lower"}"#,
        #"{"stage": "clean", "columns": ["t"], "normalize": "NFKC", "strip_accents": "ascii", "case": "casefold", "trim": true}"#,
        #"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "(?P<a>x)(y)", "with": "\\g<a>\\2\\g<0>$1"}]}"#,
        #"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "x"}], "normalize": null, "case": null}"#,
        #"{"stage": "clean", "columns": ["t"], "empty_as_missing": true}"#,
    ])
    func goodOptionsDecode(stage: String) {
        #expect(H.decodeFailure(stage) == nil, "\(stage)")
    }

    @Test func errorsNameTheOptionsPath() throws {
        let cases: [(stage: String, path: String, says: String)] = [
            (#"{"stage": "clean", "columns": ["t"]}"#, "stages[0]", "names no step"),
            (#"{"stage": "clean", "columns": ["t"], "trim": false, "replace": []}"#, "stages[0]", "names no step"),
            (#"{"stage": "clean", "columns": ["t"], "normalize": "NFX"}"#, "stages[0].normalize", #""NFC", "NFKC", "NFD", "NFKD" or null"#),
            (#"{"stage": "clean", "columns": ["t"], "case": "title"}"#, "stages[0].case", #""lower", "upper", "casefold" or null"#),
            (#"{"stage": "clean", "columns": ["t"], "strip_accents": "latin"}"#, "stages[0].strip_accents", #""unicode", "ascii" or null"#),
            (#"{"stage": "clean", "columns": ["t"], "trim": "yes"}"#, "stages[0].trim", "expected true or false"),
            (#"{"stage": "clean", "columns": ["t"], "lowercase": true}"#, "stages[0].lowercase", "unknown key"),
            (#"{"stage": "clean", "columns": ["t"], "replace": {"pattern": "x"}}"#, "stages[0].replace", "expected an array"),
            (#"{"stage": "clean", "columns": ["t"], "replace": ["x"]}"#, "stages[0].replace[0]", "expected an object"),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"with": "x"}]}"#, "stages[0].replace[0].pattern", "missing"),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": 1}]}"#, "stages[0].replace[0].pattern", "expected a string"),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "a", "with": "b", "flags": "i"}]}"#, "stages[0].replace[0].flags", "unknown key"),
            // Where in the user's pattern, not in ICU's translation of it.
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "a"}, {"pattern": "\\w+(\\d"}]}"#, "stages[0].replace[1].pattern",
             #"at character 4 of "\w+(\d": "(" opens a group that is never closed"#),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "[z-a]"}]}"#, "stages[0].replace[0].pattern", #"the range "z-a" is out of order"#),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "(a)(b)", "with": "\\3"}]}"#, "stages[0].replace[0].with",
             "group 3, which does not exist: the pattern has 2 groups"),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "a", "with": "\\g<1>"}]}"#, "stages[0].replace[0].with", "the pattern has no group"),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "(?P<x>a)", "with": "\\g<y>"}]}"#, "stages[0].replace[0].with",
             #"names group "y", which the pattern does not have (its groups: x)"#),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "a", "with": "\\q"}]}"#, "stages[0].replace[0].with", #"bad escape \q"#),
            (#"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "a", "with": "x\\"}]}"#, "stages[0].replace[0].with", "escapes nothing"),
        ]
        try H.expectDecodeFailures(cases)
        // The position of the stage in the spec is in the path.
        let spec = H.spec(#"{"stage": "fill", "columns": ["t"], "strategy": "constant", "value": "x"}"#, #"{"stage": "tokenize", "columns": ["u"]}"#,
                          #"{"stage": "clean", "columns": ["t"], "replace": [{"pattern": "ok"}, {"pattern": "+x"}]}"#)
        let failure = try #require(H.decodeFailure(spec: spec))
        #expect(failure.path == "stages[2].replace[1].pattern", "\(failure)")
        #expect(failure.message.contains(#""+" has nothing to repeat"#), "\(failure)")
    }

    // MARK: Each step

    @Test func caseMappings() throws {
        let texts = ["Straße ẞ", "ΟΔΟΣ ΣΟΦΟΣ", "İstanbul", "ﬁne ǅ", "MiXeD 42_x"]
        #expect(try Self.cleaned(#""case": "lower""#, texts) == ["straße ß", "οδος σοφος", "i\u{307}stanbul", "ﬁne ǆ", "mixed 42_x"])
        #expect(try Self.cleaned(#""case": "upper""#, texts) == ["STRASSE ẞ", "ΟΔΟΣ ΣΟΦΟΣ", "İSTANBUL", "FINE Ǆ", "MIXED 42_X"])
        #expect(try Self.cleaned(#""case": "casefold""#, texts) == ["strasse ss", "οδοσ σοφοσ", "i\u{307}stanbul", "fine ǆ", "mixed 42_x"])
    }

    @Test func finalSigmaNeedsACasedLetterBeforeAndNoneAfter() throws {
        // CPython's handle_capital_sigma: ΑΣ → ας, a lone Σ → σ, ΣΑ → σα; case-ignorable characters (’ and .) are
        // skipped when looking for the next cased letter, a space is not.
        #expect(try Self.cleaned(#""case": "lower""#, ["ΑΣ", "Σ", "ΣΑ", "ΑΣ’Α", "ΑΣ.Α", "ΑΣ Α", "ΑΣ’"]) == ["ας", "σ", "σα", "ασ’α", "ασ.α", "ας α", "ας’"])
    }

    @Test func normalizationAndAccents() throws {
        let texts = ["cafe\u{301}", "café", "ﬁ ² Ａ"]
        #expect(try Self.cleaned(#""normalize": "NFC""#, texts) == ["café", "café", "ﬁ ² Ａ"])
        #expect(try Self.cleaned(#""normalize": "NFD""#, texts) == ["cafe\u{301}", "cafe\u{301}", "ﬁ ² Ａ"])
        #expect(try Self.cleaned(#""normalize": "NFKC""#, texts) == ["café", "café", "fi 2 A"])
        #expect(try Self.cleaned(#""strip_accents": "unicode""#, ["café", "Ærøskøbing", "ﬁ"]) == ["cafe", "Ærøskøbing", "fi"])
        #expect(try Self.cleaned(#""strip_accents": "ascii""#, ["café", "Ærøskøbing", "東京 x"]) == ["cafe", "rskbing", " x"])
    }

    @Test func punctuationWhitespaceAndTrim() throws {
        let texts = ["  Hello!   World?  ", "a\u{A0}\u{2003}b\tc", "x_y; (z)", "\u{200B}zero\u{200B}width"]
        // U+200B ZERO WIDTH SPACE is neither \w nor whitespace for Python: punctuation.
        #expect(try Self.cleaned(#""remove_punctuation": true"#, texts) == ["  Hello   World  ", "a\u{A0}\u{2003}b\tc", "x_y z", "zerowidth"])
        #expect(try Self.cleaned(#""collapse_whitespace": true"#, texts) == [" Hello! World? ", "a b c", "x_y; (z)", "\u{200B}zero\u{200B}width"])
        #expect(try Self.cleaned(#""trim": true"#, texts) == ["Hello!   World?", "a\u{A0}\u{2003}b\tc", "x_y; (z)", "\u{200B}zero\u{200B}width"])
        #expect(try Self.cleaned(#""case": "lower", "remove_punctuation": true, "collapse_whitespace": true, "trim": true"#, texts)
                == ["hello world", "a b c", "x_y z", "zerowidth"])
    }

    @Test func replacementsReadPythonsTemplate() throws {
        let texts = ["alice at example", "price 12 and ٣٤", "aaa"]
        #expect(try Self.cleaned(#""replace": [{"pattern": "(\\w+) at (\\w+)", "with": "\\2/\\g<1>/$1"}]"#, texts)
                == ["example/alice/$1", "price 12 and ٣٤", "aaa"])
        #expect(try Self.cleaned(##""replace": [{"pattern": "\\d+", "with": "#"}]"##, texts) == ["alice at example", "price # and #", "aaa"])
        #expect(try Self.cleaned(#""replace": [{"pattern": "a"}]"#, texts) == ["lice t exmple", "price 12 nd ٣٤", ""])
        // In list order: the second sees the first's output.
        #expect(try Self.cleaned(#""replace": [{"pattern": "a", "with": "b"}, {"pattern": "bb", "with": "c"}]"#, texts)
                == ["blice bt exbmple", "price 12 bnd ٣٤", "cb"])
        // Empty matches (Python 3.7+): between every character and next to a non-empty match.
        #expect(try Self.cleaned(#""replace": [{"pattern": "x*", "with": "-"}]"#, ["abxd"]) == ["-a-b--d-"])
    }

    // MARK: The fixed order

    @Test func stepsRunInTheFixedOrderWhateverTheKeyOrder() throws {
        let texts = ["Ab Cd", "ÉCOLE"]
        // replace runs before case: the upper-case pattern sees the upper-case letters.
        #expect(try Self.cleaned(##""replace": [{"pattern": "[A-Z]", "with": "#"}], "case": "lower""##, texts) == ["#b #d", "é####"])
        // Written in another order, they still run normalize, replace, strip_accents, case.
        #expect(try Self.cleaned(##""case": "lower", "strip_accents": "unicode", "replace": [{"pattern": "[A-Z]", "with": "#"}]"##, texts)
                == ["#b #d", "e####"])
        // strip_accents before case, punctuation after case, trim last.
        #expect(try Self.cleaned(#""trim": true, "remove_punctuation": true, "case": "upper", "strip_accents": "unicode""#, [" ß-é! "]) == ["SSE"])
    }

    // MARK: What later stages see

    @Test func emptyAsMissingMakesAnEmptiedValueMissing() throws {
        let texts = ["!!!", "ok", "?"]
        let fill = #"{"stage": "fill", "columns": ["t"], "strategy": "constant", "value": "none"}"#
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let missing = H.spec(#"{"stage": "clean", "columns": ["t"], "remove_punctuation": true, "empty_as_missing": true}"#, fill)
        #expect(SimpleTable(try H.run(spec: missing, csv: csv)).column("t") == ["none", "ok", "none"])
        let kept = H.spec(#"{"stage": "clean", "columns": ["t"], "remove_punctuation": true}"#, fill)
        #expect(SimpleTable(try H.run(spec: kept, csv: csv)).column("t") == ["", "ok", ""])
    }

    @Test func aLearnedFillBeforeCleanIsCleanedToo() throws {
        // most_frequent learns " b ": the one-hot after clean must see "B", never " b ".
        let csv = "id,t\n1, b \n2,NA\n3, b \n4,a\n"
        let spec = H.spec(#"{"stage": "fill", "columns": ["t"], "strategy": "most_frequent"}"#,
                          #"{"stage": "clean", "columns": ["t"], "case": "upper", "trim": true}"#, #"{"stage": "onehot", "columns": ["t"]}"#)
        let out = SimpleTable(try H.run(spec: spec, csv: csv))
        #expect(out.header == ["id", "t_A", "t_B"])
        #expect(out.column("t_B") == ["1", "1", "1", "0"])
    }

    @Test func sameOutputAtEveryChunkSize() throws {
        var rng = SplitMix64(seed: 2611)
        let pieces = ["The", " ", "  ", "Café", "ΟΔΟΣ", "!", "x_1", "\t", "ß", "\u{A0}", "42", "?"]
        let texts = (0..<60).map { _ in (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
        let spec = H.spec(#"{"stage": "clean", "columns": ["t"], "case": "lower", "remove_punctuation": true, "collapse_whitespace": true, "trim": true, "empty_as_missing": true}"#)
        let csv = csvText([("id", texts.indices.map(String.init)), ("t", texts)])
        let reference = try H.run(spec: spec, csv: csv, chunking: Chunking.variety[0])
        for chunking in Chunking.variety.dropFirst() {
            #expect(try H.run(spec: spec, csv: csv, chunking: chunking) == reference, "\(chunking)")
        }
    }
}
