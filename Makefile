# prepline — build, test and try it.  `make setup` and `make test` are the README's two commands.

APT_PKGS := libcsv-dev zlib1g-dev
# Only for the tests: the HTML profile page is drawn by a real headless browser, and the
# distributed recipes run under PySpark, which needs a JDK.
TEST_APT_PKGS := chromium fonts-liberation openjdk-17-jre-headless
PY_PKGS  := scikit-learn pandas numpy frictionless jsonschema pillow feature-engine pyspark
PY_MODS  := sklearn, pandas, numpy, frictionless, jsonschema, PIL, feature_engine, pyspark
BIN      := .build/release/prepline
DEMO_OUT := /tmp/prepline-demo.csv

# apt-get as root, through sudo otherwise (when there is one).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
APT  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_ROOT_USER_ACTION := ignore

.DEFAULT_GOAL := build
.PHONY: setup test build release bench fuzz clean deps testdeps pydeps

## setup: install what is missing, build the release binary, run a sample pipeline
setup: release
	$(BIN) run pipelines/penguins-features.json samples/penguins.csv -o $(DEMO_OUT)
	@echo "--- first lines of $(DEMO_OUT):"
	@head -n 5 $(DEMO_OUT)
	@# The same run from a pipe (kept in a temporary file for its second read) gives the same bytes:
	@# the release build's optimizer once ended that file's life before the second read.
	@cat samples/penguins.csv | $(BIN) run pipelines/penguins-features.json - -q | cmp -s - $(DEMO_OUT) \
	    && echo "--- the same run from stdin: identical" \
	    || { echo "the run from stdin differs from the run on the file"; exit 1; }

## test: install what is missing (C libraries, Python reference stack), build, run the tests
test: deps testdeps pydeps
	swift build
	swift test

build: deps
	swift build

# The Swift runtime and Foundation linked in, and a position-dependent executable: its ~79,000
# relative relocations are resolved at link time instead of at every start (a third of start-up's
# page faults). -no-pie only with the static runtime: with the shared one, ld.so warns on every run.
RELEASE_FLAGS := --static-swift-stdlib -Xlinker -no-pie
release: deps
	swift build -c release $(RELEASE_FLAGS)

## bench: the benchmark suite (see bench/README.md)
bench: release
	bash bench/run.sh

## fuzz: each libFuzzer target (Fuzz/) for FUZZ_SECONDS (default 300); crashes land in Fuzz/artifacts/
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := FuzzChunkSplit:chunk-split FuzzSpecDecode:spec-decode
fuzz: deps
	cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing
	@mkdir -p Fuzz/artifacts
	@status=0; for pair in $(FUZZ_TARGETS); do \
	    target=$${pair%%:*}; corpus=$${pair#*:}; \
	    mkdir -p Fuzz/.corpus/$$corpus; \
	    if ls Fuzz/regressions/$$corpus/* >/dev/null 2>&1; then \
	        echo "--- $$target: replaying Fuzz/regressions/$$corpus"; \
	        for input in Fuzz/regressions/$$corpus/*; do \
	            Fuzz/.build/release/$$target -timeout=10 -rss_limit_mb=2048 $$input >/dev/null 2>&1 \
	                && echo "ok    $$input" || { echo "FAILS $$input"; status=1; }; \
	        done; \
	    fi; \
	    echo "--- $$target for $(FUZZ_SECONDS) s (new inputs: Fuzz/.corpus/$$corpus, seeds: Fuzz/corpus/$$corpus)"; \
	    Fuzz/.build/release/$$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -artifact_prefix=Fuzz/artifacts/$$target- -print_final_stats=1 \
	        Fuzz/.corpus/$$corpus Fuzz/corpus/$$corpus || status=1; \
	done; exit $$status

clean:
	rm -rf .build $(DEMO_OUT)

# C libraries: apt-get update + install only when one is missing.
deps:
	@command -v dpkg-query >/dev/null || { echo "no dpkg: install $(APT_PKGS) (libcsv, zlib) yourself"; exit 0; }; \
	missing=$$(for p in $(APT_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	fi

# Debian packages only the tests need, installed the same way.
testdeps:
	@$(MAKE) --no-print-directory deps APT_PKGS="$(TEST_APT_PKGS)"

# Python packages the conformance tests compare against: pip only when an import fails.
pydeps:
	@python3 -c "import $(PY_MODS)" 2>/dev/null || python3 -m pip install --quiet $(PY_PKGS)
