# One entry point for every check; `.ci/run` calls `make check` (STYLE.md §4).
.PHONY: check fmt clippy doc test bench-build demo bench

check: fmt clippy doc test bench-build

fmt:
	cargo fmt --all --check

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

test:
	PROPTEST_CASES=$${PROPTEST_CASES:-64} cargo test --workspace --locked

bench-build:
	cargo bench --workspace --no-run --locked

demo:
	cargo run --release --locked -p infoscope-cli -- demo

bench:
	python3 bench/compare.py
