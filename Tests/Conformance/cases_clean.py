"""Conformance cases of the `clean` stage (reference: ref_clean.py, Python itself), added to
make_cases.py's list by `add(...)`.

The texts are the tokenizer's tricky strings (make_cases.TEXT) and more: NFD input, Greek final
sigma in several contexts, Turkish dotted and dotless I, ß and ẞ, ligatures, fullwidth forms,
emoji with modifiers and ZWJ, zero-width characters, NBSP and the other Unicode spaces, the
ASCII controls Python counts as whitespace (U+001C…U+001F, \\v, U+0085), and code points that
Python 3.11's Unicode 14 does not have but Swift's Unicode does (they must be left alone).
"""


def clean(columns, **kw):
    return dict(stage="clean", columns=columns, **kw)


EXTRA = [
    ["e1", "Cafe\u0301 cre\u0300me bru\u0302le\u0301e (NFD) vs Café crème brûlée (NFC)", "Ǆ ǅ ǆ Å Å K Ω"],
    ["e2", "ΣΑΣ Σ ΑΣ. ὈΔΥΣΣΕΎΣ ΣΊΣΥΦΟΣ’Σ aΣb Σ’", "ſ ŉ ǰ ΐ ΰ ﬃ ﬆ ꭰ Ꭰ"],
    ["e3", "İstanbul ISTANBUL ıi İ̇ Iı", "Straße STRASSE ẞ ß"],
    ["e4", "ﬁne ﬂow ﬀ ǲ ℌ ℍ ½ ² ① ㎏ ｶﾞ", "Ｆｕｌｌ　ｗｉｄｔｈ！？"],
    ["e5", "👍🏽 👨‍👩‍👧 🇬🇧 emoji😀end a\u200bb c\u200cd e\u200df \ufeffg", "x\u2060y"],
    ["e6", "nbsp\u00a0here\u2003em\u3000ideo\u202fnarrow\u205fmath\u1680ogham", "line\u2028sep\u2029para"],
    ["e7", "ctl\x1cfs\x1dgs\x1ers\x1fus\x0bvt\x0cff\x85nel end", "  \t lead and trail \t  "],
    ["e8", "new in Swift's Unicode: \U0001e030 \u019b \u0264 \ua7d3 \ua7d5 a\U0001e08f\u0316 \U0001e4d0", "\u019b\u0264"],
    ["e9", "...!!!???", "--- *** ---"],
    ["e10", "mail alice@example.com, bob@test.org; phone ٠١٢٣ 0123 ① ²", "a & b &amp; c &lt; d $1 \\1"],
    ["e11", "Ünïcödé\r\nline\nbreaks\tand\ttabs", "x"],
]


def add(case, TEXT, tfidf, tokenize, fill, onehot, sample_text):
    rows = TEXT + EXTRA
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        case(f"clean-normalize-{form.lower()}", f"clean normalize {form}: unicodedata.normalize (code points new to Swift's Unicode left alone)",
             [clean(["text", "other"], normalize=form)], rows)
    for mode in ("lower", "upper", "casefold"):
        case(f"clean-case-{mode}", f"clean case {mode}: str.{mode}() (final sigma, İ, ß, ligatures, Cherokee, new code points)",
             [clean(["text", "other"], case=mode)], rows)
    for strip in ("unicode", "ascii"):
        case(f"clean-strip-accents-{strip}", f"clean strip_accents {strip}: scikit-learn's strip_accents_{strip}",
             [clean(["text", "other"], strip_accents=strip)], rows)
    case("clean-remove-punctuation", "remove_punctuation: re.sub(r'[^\\w\\s]', '', s) with Python's Unicode \\w and \\s",
         [clean(["text", "other"], remove_punctuation=True)], rows)
    case("clean-collapse-whitespace", "collapse_whitespace: runs of str.isspace() characters (NBSP, U+001C..U+001F, U+0085, U+3000) to one space",
         [clean(["text", "other"], collapse_whitespace=True)], rows)
    case("clean-trim", "trim: str.strip()", [clean(["text", "other"], trim=True)], rows)
    case("clean-typical", "the typical clean: lower, remove_punctuation, collapse_whitespace, trim",
         [clean(["text", "other"], case="lower", remove_punctuation=True, collapse_whitespace=True, trim=True)], rows)
    case("clean-every-step", "every step at once, in the fixed order (normalize, replace, strip_accents, case, punctuation, whitespace, trim)",
         [clean(["text", "other"], normalize="NFC", replace=[{"pattern": "[A-Z]", "with": "_"}, {"pattern": "_+", "with": "\\g<0>!"}],
                strip_accents="unicode", case="casefold", remove_punctuation=True, collapse_whitespace=True, trim=True,
                empty_as_missing=True)], rows)
    case("clean-order-replace-before-case", "replace runs before case: an upper-case pattern still sees the upper-case letters",
         [clean(["text"], replace=[{"pattern": "[A-Z]+", "with": "#"}], case="lower")], rows)
    case("clean-empty-as-missing", "empty_as_missing: a value that ends up empty is missing, so the fill after it fills it",
         [clean(["text", "other"], remove_punctuation=True, trim=True, empty_as_missing=True),
          fill(["text", "other"], "constant", value="EMPTY")], rows)
    case("clean-empty-kept", "without empty_as_missing an emptied value stays an empty text: the fill leaves it",
         [clean(["text", "other"], remove_punctuation=True, trim=True), fill(["text", "other"], "constant", value="EMPTY")], rows)
    replace_cases = [
        ("groups", "groups \\1 \\2 and \\g<2>", [{"pattern": "(\\w+)@(\\w+)\\.(\\w+)", "with": "\\2 at \\1 (\\g<3>)"}]),
        ("named", "named groups (?P<name>...) with \\g<name> and (?P=name)", [{"pattern": "(?P<word>\\w)(?P=word)", "with": "<\\g<word>>"}]),
        ("dollar", "$ and & in the replacement are plain characters (ICU would read $1)", [{"pattern": "(b)", "with": "$1&\\1"}]),
        ("digits", "\\d is Python's (Arabic-Indic and ASCII digits; ① and ² are not)", [{"pattern": "\\d+", "with": "#"}]),
        ("spaces", "\\s+ is Python's whitespace (NBSP, U+001C, U+0085, U+3000; not U+200B)", [{"pattern": "\\s+", "with": "_"}]),
        ("not-space", "\\S+ and \\W", [{"pattern": "\\S+", "with": "[\\g<0>]"}, {"pattern": "\\W", "with": ""}]),
        ("boundaries", "\\b and \\B with Python's \\w", [{"pattern": "\\b", "with": "|"}, {"pattern": "\\B.", "with": ""}]),
        ("empty-matches", "x* matches empty strings: Python 3.7+ re.sub puts the replacement between every character", [{"pattern": "o*", "with": "-"}]),
        ("empty-pattern", "the empty pattern", [{"pattern": "", "with": "."}]),
        ("literal", "literal patterns (the byte path) and their order: &amp; then &", [{"pattern": "&amp;", "with": "&"}, {"pattern": "&", "with": " and "}]),
        ("dot", ". does not match a newline (Python), but matches \\r and U+2028", [{"pattern": "e.", "with": "E"}]),
        ("escapes", "escapes in the replacement: \\n \\t \\\\ and an octal \\101", [{"pattern": "a", "with": "\\n\\t\\\\\\101"}]),
        ("unmatched-group", "a group that did not take part is empty", [{"pattern": "(x)|a", "with": "[\\1]"}]),
        ("end", "\\Z and $ (before a final newline too)", [{"pattern": "\\w\\Z", "with": "!"}, {"pattern": "$", "with": "$"}]),
        ("unicode-literal", "a non-ASCII literal", [{"pattern": "é", "with": "E"}, {"pattern": "ß", "with": "ss"}]),
        ("ignorecase", "(?i) on ASCII", [{"pattern": "(?i)the", "with": "THE"}]),
    ]
    for name, description, replace in replace_cases:
        case(f"clean-replace-{name}", f"replace: {description}", [clean(["text", "other"], replace=replace)], rows)

    # Errors: spec errors (exit 2) with the path into the user's own pattern.
    for name, stage in [
        ("bad-pattern", clean(["text"], replace=[{"pattern": "(\\w+", "with": "x"}])),
        ("bad-group", clean(["text"], replace=[{"pattern": "(\\w+)", "with": "\\2"}])),
        ("bad-group-name", clean(["text"], replace=[{"pattern": "(?P<a>\\w+)", "with": "\\g<b>"}])),
        ("bad-escape", clean(["text"], replace=[{"pattern": "a", "with": "\\q"}])),
        ("trailing-backslash", clean(["text"], replace=[{"pattern": "a", "with": "x\\"}])),
        ("unknown-key", clean(["text"], replace=[{"pattern": "a", "with": "b", "flags": "i"}])),
        ("no-step", clean(["text"])),
        ("bad-form", clean(["text"], normalize="NFX")),
    ]:
        case(f"clean-error-{name}", f"spec error: {name}", [stage], rows, expect_exit=2)

    # Chains: clean, then the text stages (equal to scikit-learn on the Python-cleaned text).
    case("clean-then-tfidf", "typical clean, then tfidf with every default (TfidfVectorizer on the cleaned text)",
         [clean(["text"], case="lower", remove_punctuation=True, collapse_whitespace=True, trim=True), tfidf(["text"])], rows)
    case("clean-then-tokenize-tfidf", "clean (NFKC, casefold, a replace), then tokenize (stop words, bigrams) and tfidf",
         [clean(["text"], normalize="NFKC", case="casefold", replace=[{"pattern": "\\d+", "with": " NUM "}]),
          tokenize(["text"], stopwords="english", ngrams=[1, 2]), tfidf(["text"], min_df=1)], rows)
    case("clean-fill-then-onehot", "a learned fill before clean: the filled value is cleaned too (onehot then fits in a second pass)",
         [fill(["other"], "most_frequent"), clean(["other"], case="upper", trim=True), onehot(["other"])],
         [["id", "text", "other"], ["1", "x", " b "], ["2", "y", "NA"], ["3", "z", " b "], ["4", "w", "a"]])
    speeches = sample_text("commons-speeches.csv")
    case("clean-commons-speeches", "commons-speeches sample: the pipelines/commons-speeches-clean-tfidf.json stages",
         [clean(["text"], replace=[{"pattern": "\\[[^\\]]*\\]", "with": " "}], strip_accents="unicode", case="lower",
                remove_punctuation=True, collapse_whitespace=True, trim=True),
          clean(["agenda"], replace=[{"pattern": "\\s*\\[.*\\]$", "with": ""}], trim=True, empty_as_missing=True),
          tfidf(["text"], min_df=3, max_df=0.5, max_features=20, sublinear_tf=True)], None, input_text=speeches)
