# One entry point for every check; `.ci/run` calls `make check` (STYLE.md §4).
SHELL := /bin/bash
.PHONY: check fmt clippy doc test bench-build browser-check python-env python-build python-test demo bench

# Tests run last so that their summary line closes the output.
# Benches and examples are type-checked by clippy --all-targets; `make bench-build` links them
# (a release build, kept out of `check` for CI time).
check: fmt clippy doc browser-check python-test test

fmt:
	cargo fmt --all --check

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

test:
	@mkdir -p target
	set -o pipefail; PROPTEST_CASES=$${PROPTEST_CASES:-64} cargo test --workspace --locked 2>&1 \
		| tee target/test-output.log
	@awk '/^test result:/ { p += $$4; f += $$6 } END { printf "tests: %d passed, %d failed\n", p, f }' \
		target/test-output.log

# The report of a small experiment opened in headless Chromium: no console errors, and a
# screenshot in target/browser-check/report.png. Skipped (loudly) without Chromium, except in CI.
browser-check:
	@mkdir -p target/browser-check
	cargo build --locked --profile test -p infoscope-cli
	target/debug/infoscope run crates/cli/tests/data/small.toml --out target/browser-check/run \
		> target/browser-check/run.log 2>&1
	@if command -v $${CHROMIUM:-chromium} >/dev/null 2>&1; then \
		bash scripts/check_report_browser.sh --self-test && \
		bash scripts/check_report_browser.sh target/browser-check/run/report.html \
			target/browser-check/report.png; \
	elif [ -n "$${CI:-}" ]; then \
		echo "error: browser-check needs Chromium in CI (apt-get install -y chromium)" >&2; exit 1; \
	else \
		echo "browser-check SKIPPED: Chromium is not installed (apt-get install -y chromium)"; \
	fi

# The Python package: a virtual environment in .venv with the test requirements (made once),
# the extension built into it by maturin (debug profile, editable install), then pytest on
# python/tests and the package's docstring examples, with the CLI as the Rust reference.
PYTHON ?= python3
VENV := .venv
python-env: $(VENV)/.installed
$(VENV)/.installed: python/requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
	@touch $@

python-build: python-env
	VIRTUAL_ENV=$(CURDIR)/$(VENV) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/maturin develop --locked --quiet

python-test: python-build
	cargo build --locked --profile test -p infoscope-cli
	INFOSCOPE_CLI=$(CURDIR)/target/debug/infoscope $(VENV)/bin/python -m pytest -q python/tests python/infoscope

bench-build:
	cargo bench --workspace --no-run --locked

demo:
	cargo run --release --locked -p infoscope-cli -- demo

bench:
	python3 bench/compare.py
