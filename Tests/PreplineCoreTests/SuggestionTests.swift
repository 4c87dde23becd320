import Testing
@testable import PreplineCore

/// The one place "did you mean" and list cutting are decided (Spec/Suggestion.swift).
@Suite("Suggestion")
struct SuggestionTests {
    @Test("typos within the threshold find their word", arguments: [
        ("onehote", "onehot"), ("ouput", "output"), ("methd", "method"), ("zscor", "zscore"), ("meen", "mean"),
        ("bill_lenght_mm", "bill_length_mm"), ("valdate", "validate"), ("tfdif", "tfidf"), ("stagse", "stages"),
    ])
    func finds(typed: String, expected: String) {
        let candidates = ["onehot", "output", "method", "zscore", "mean", "median", "bill_length_mm", "bill_depth_mm",
                          "validate", "tfidf", "stages", "fill"]
        #expect(Suggestion.closest(to: typed, in: candidates) == expected)
    }

    @Test("no suggestion for words too far, too short, or exact")
    func refuses() {
        #expect(Suggestion.closest(to: "frobnicate", in: ["fill", "scale", "onehot"]) == nil)
        #expect(Suggestion.closest(to: "id", in: ["ix", "x"]) == nil)
        #expect(Suggestion.closest(to: "ab", in: ["a"]) == nil)
        #expect(Suggestion.closest(to: "mean", in: ["mean"]) == nil)
        #expect(Suggestion.closest(to: "", in: ["a"]) == nil)
        #expect(Suggestion.didYouMean("zzz", in: ["fill"]) == "")
    }

    @Test("a swap of two neighbours is one edit (Damerau), a substitution one, an insertion one")
    func distance() {
        func d(_ a: String, _ b: String) -> Int { Suggestion.distance(Array(a.unicodeScalars), Array(b.unicodeScalars)) }
        #expect(d("lenght", "length") == 1)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("", "abc") == 3)
        #expect(d("abc", "abc") == 0)
        #expect(d("ca", "abc") == 3)
    }

    @Test("lists are cut after 10 with the count of the rest")
    func shortList() {
        let names = (1...1000).map { "c\($0)" }
        #expect(Suggestion.shortList(names) == "c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, … and 990 more")
        #expect(Suggestion.shortList(Array(names.prefix(10))) == names.prefix(10).joined(separator: ", "))
        #expect(Suggestion.quoted(["a", "b"]) == #""a", "b""#)
    }

    @Test("pattern diagnosis: valid patterns pass, mistakes are located", arguments: [
        (#"(?u)\b\w\w+\b"#, nil), (#"[a-z]+"#, nil), (#"\w+(?:-\w+)*"#, nil), (#"(?P<w>\w+)"#, nil), (#"a{2,3}?"#, nil),
        (#"[]a]"#, nil), (#"x{a}"#, nil), (#"\d+\.\d*"#, nil), (#"a*?b++"#, nil),
        (#"(a"#, 1), (#"a)"#, 2), (#"[abc"#, 1), (#"*a"#, 1), (#"a**"#, 3), (#"a\"#, 2), (#"[z-a]"#, 2), (#"(?Q)"#, 1), (#"a|*"#, 3),
    ] as [(String, Int?)])
    func patterns(pattern: String, position: Int?) {
        #expect(PatternDiagnosis.locate(pattern)?.position == position, "\(pattern): \(PatternDiagnosis.locate(pattern).map { "\($0)" } ?? "nil")")
    }
}
