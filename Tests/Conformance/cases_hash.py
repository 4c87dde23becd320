"""Conformance cases of the `hash` stage and of `tfidf` with `hash_features` (ref_hash.py is the
scikit-learn side). `add(case, stage_helpers)` appends them through make_cases.py's `case`."""

import random

# Values with multi-byte UTF-8 (2, 3 and 4 bytes), NFC and NFD forms of é, an "=" inside a value,
# spaces, and the default missing tokens.
CITIES = ["Paris", "Köln", "東京", "São Paulo", "caf\u00e9", "cafe\u0301", "a=b", " x ", "😀", "NA", "", "Z"]
DEVICES = ["mobile", "desktop", "tv", "null", "tablet"]
WORDS = ["the", "cat", "Sat", "on", "mat", "Dogs", "and", "cats", "naïve", "café", "résumé", "東京", "x",
         "über", "a_b", "42", "it", "is", "not", "CAFÉ", "running", "ran"]


def category_rows(n, seed):
    rng = random.Random(seed)
    rows = [["id", "city", "score", "device", "code"]]
    for i in range(n):
        rows.append([str(i), rng.choice(CITIES), str(rng.randint(0, 9)), rng.choice(DEVICES),
                     rng.choice(["A1", "B2", "C3", "NA", "ü", "D4"])])
    return rows


def text_rows(n, seed, words=WORDS):
    rng = random.Random(seed)
    rows = [["id", "review", "title"]]
    for i in range(n):
        k = rng.randint(0, 14)
        text = " ".join(rng.choice(words) for _ in range(k))
        title = " ".join(rng.choice(words) for _ in range(rng.randint(0, 4)))
        rows.append([f"r{i}", "NA" if rng.random() < 0.08 else text, title])
    return rows


def add(case, tokenize, tfidf, fill, scale):
    def hash_(columns, **kw):
        return dict(stage="hash", columns=columns, **kw)

    data = category_rows(60, 5)
    case("hash-two-columns", "hash: two columns into 16 signed columns; Unicode, NFC/NFD, '=' in a value, missing values",
         [hash_(["city", "device"], n_features=16)], data)
    case("hash-no-alternate-sign", "hash: alternate_sign false, every feature adds +1",
         [hash_(["city", "device"], n_features=16, alternate_sign=False)], data)
    case("hash-collisions", "hash: n_features 3 forces collisions; signed sums cancel to 0 or add to ±2",
         [hash_(["city", "device", "code"], n_features=3)], data)
    case("hash-one-feature", "hash: n_features 1, every feature in one column",
         [hash_(["city", "code"], n_features=1, alternate_sign=False)], data)
    case("hash-order-and-output", "hash: columns named right to left; the block goes where the leftmost was, score stays; output prefix",
         [hash_(["code", "city"], n_features=8, output="feat")], data)
    case("hash-glob", "hash: a glob over the columns",
         [hash_(["c*"], n_features=32)], data)
    case("hash-after-fill", "fill constant then hash: the fill value is hashed as a category",
         [fill(["city"], "constant", value="unknown"), hash_(["city", "device"], n_features=8)], data)
    case("hash-after-learned-fill-fit-apply", "fill most_frequent learned on other rows, then hash (fit-apply)",
         [fill(["city", "device"], "most_frequent"), hash_(["city", "device"], n_features=8)],
         category_rows(25, 6), fit_rows=data)
    case("hash-then-scale", "hash then zscore of its columns (a glob on the block): fits in a second pass",
         [hash_(["city", "device"], n_features=4), scale(["hash_*"], "zscore")], data)
    case("hash-learned-fill-then-scale", "fill most_frequent, hash, zscore of the block: the scaler waits for the fill (its values are hashed), one pass otherwise",
         [fill(["city", "device"], "most_frequent"), hash_(["city", "device"], n_features=4), scale(["hash_*"], "zscore")], data)
    case("hash-constant-fill-then-scale", "fill constant, hash, zscore of the block",
         [fill(["city"], "constant", value="unknown"), hash_(["city", "device"], n_features=4), scale(["hash_*"], "zscore")], data)
    case("hash-n-features-missing", "hash without n_features: spec error",
         [hash_(["city"])], data, expect_exit=2)
    case("hash-n-features-too-wide", "hash n_features above the dense block's limit (4096): spec error",
         [hash_(["city"], n_features=5000)], data, expect_exit=2)

    reviews = text_rows(120, 11)
    case("htfidf-defaults", "tfidf hash_features 64: HashingVectorizer + TfidfTransformer defaults, missing and empty documents",
         [tfidf(["review"], hash_features=64)], reviews)
    case("htfidf-collisions", "tfidf hash_features 5: many terms share a column",
         [tfidf(["review"], hash_features=5)], reviews)
    case("htfidf-2-20", "tfidf hash_features 2^20 (scikit-learn's default width)",
         [tfidf(["review", "title"], hash_features=1 << 20)], reviews)
    case("htfidf-tokenize-options", "tokenize lowercase false, english stop words, ngrams [1,2], strip_accents, then hashed tfidf",
         [tokenize(["review"], lowercase=False, stopwords="english", ngrams=[1, 2], strip_accents="unicode"),
          tfidf(["review"], hash_features=97)], reviews)
    case("htfidf-pattern", "tokenize with a one-character pattern, then hashed tfidf",
         [tokenize(["review"], pattern=r"(?u)\b\w+\b"), tfidf(["review"], hash_features=50)], reviews)
    case("htfidf-no-idf", "hashed tfidf use_idf false (nothing to learn)",
         [tfidf(["review"], hash_features=40, use_idf=False)], reviews)
    case("htfidf-no-smooth-sublinear", "hashed tfidf smooth_idf false, sublinear_tf",
         [tfidf(["review"], hash_features=40, smooth_idf=False, sublinear_tf=True)], reviews)
    case("htfidf-binary-l1", "hashed tfidf binary, norm l1",
         [tfidf(["review"], hash_features=40, binary=True, norm="l1")], reviews)
    case("htfidf-norm-none", "hashed tfidf norm none",
         [tfidf(["review", "title"], hash_features=40, norm="none")], reviews)
    case("htfidf-fit-apply", "hashed tfidf fitted on some documents, applied to others with unseen terms",
         [tfidf(["review"], hash_features=256, sublinear_tf=True)],
         text_rows(40, 12, WORDS + ["zebra", "quokka", "ναι", "нет"]), fit_rows=reviews)
    case("htfidf-after-fill", "fill constant, then most_frequent learned, before hashed tfidf",
         [fill(["review"], "constant", value="missing text"), fill(["title"], "most_frequent"),
          tfidf(["review", "title"], hash_features=30)], reviews)
    for key, value in (("min_df", 2), ("max_df", 0.5), ("max_features", 10), ("vocabulary", ["cat"])):
        case(f"htfidf-refuses-{key.replace('_', '-')}", f"hashed tfidf with {key}: a vocabulary option, spec error",
             [tfidf(["review"], hash_features=16, **{key: value})], reviews, expect_exit=2)
    case("htfidf-refuses-dense", "hashed tfidf with output dense: spec error",
         [tfidf(["review"], hash_features=16, output="dense")], reviews, expect_exit=2)
