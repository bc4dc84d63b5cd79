#!/usr/bin/env python3
"""The cost of calling infoscope from Python: the same estimator call on the same arrays,
timed from Rust (`crates/cli/examples/call_timing.rs`, release build) and from Python
(`infoscope.Ksg().estimate(x, y)`, `infoscope.Gaussian().estimate(x, y)`), for a small and a
large input. Prints the median time per call of each and the difference (the overhead of the
Python boundary: argument conversion, settings, JSON result, object construction).

Run from the repository root with a release build of the extension installed (see
bench/README.md: `maturin develop --release` into `.venv`):

    .venv/bin/python bench/py_overhead.py [--json bench/results/py_overhead.json]

Both sides check that they computed the same value before timing counts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import infoscope

ROOT = Path(__file__).resolve().parents[1]

#: (name, method, n samples, dims of X and of Y, repetitions)
WORKLOADS = [
    ("small: 100 samples, 1+1 dims", "gaussian", 100, 1, 2000),
    ("small: 100 samples, 1+1 dims", "ksg", 100, 1, 2000),
    ("large: 20000 samples, 4+4 dims", "gaussian", 20000, 4, 50),
    ("large: 20000 samples, 4+4 dims", "ksg", 20000, 4, 10),
]


def data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = 0.5 * x + np.sqrt(0.75) * rng.normal(size=(n, d))
    return x, y


def python_median_ns(method: str, x: np.ndarray, y: np.ndarray, reps: int) -> tuple[float, float]:
    est = infoscope.Ksg() if method == "ksg" else infoscope.Gaussian()
    value = est.estimate(x, y).nats
    times = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        est.estimate(x, y)
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    parser.add_argument("--no-build", action="store_true", help="use an existing release build")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-p", "infoscope-cli", "--example", "call_timing"],
            cwd=ROOT,
            check=True,
        )
    exe = ROOT / "target/release/examples/call_timing"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, method, n, d, reps in WORKLOADS:
            x, y = data(n, d)
            xp, yp = Path(tmp) / "x.npy", Path(tmp) / "y.npy"
            np.save(xp, x)
            np.save(yp, y)
            out = subprocess.run([str(exe), method, str(xp), str(yp), str(reps)], capture_output=True, text=True, check=True)
            rust = json.loads(out.stdout)
            py_ns, py_value = python_median_ns(method, x, y, reps)
            if py_value != rust["value_nats"]:
                print(f"error: {name} {method}: Python {py_value} != Rust {rust['value_nats']} nats", file=sys.stderr)
                return 1
            rows.append(
                {
                    "workload": name,
                    "method": method,
                    "repetitions": reps,
                    "rust_median_us": rust["median_ns"] / 1e3,
                    "python_median_us": py_ns / 1e3,
                    "overhead_us": (py_ns - rust["median_ns"]) / 1e3,
                    "ratio": py_ns / rust["median_ns"],
                    "value_nats": py_value,
                }
            )
    print(f"infoscope {infoscope.__version__}: median time per call (µs), same arrays, same value")
    print(f"{'workload':<32} {'method':<9} {'Rust':>10} {'Python':>10} {'overhead':>10} {'ratio':>7}")
    for r in rows:
        print(
            f"{r['workload']:<32} {r['method']:<9} {r['rust_median_us']:>10.1f} "
            f"{r['python_median_us']:>10.1f} {r['overhead_us']:>10.1f} {r['ratio']:>7.2f}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
