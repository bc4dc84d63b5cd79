# One entry point for every check; `.ci/run` calls `make check` (STYLE.md §4).
SHELL := /bin/bash
.PHONY: check fmt clippy doc test bench-build demo bench

# Tests run last so that their summary line closes the output.
check: fmt clippy doc bench-build test

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

bench-build:
	cargo bench --workspace --no-run --locked

demo:
	cargo run --release --locked -p infoscope-cli -- demo

bench:
	python3 bench/compare.py
