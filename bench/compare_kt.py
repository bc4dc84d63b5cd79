#!/usr/bin/env python3
"""Kolchinsky-Tracey I(X;T) bounds: infoscope's criterion bench against numpy + BLAS.

Workload (matches crates/estimators/benches/kt.rs): tanh of standard-normal activations,
n x 256 float64, noise variance 0.1; both bounds, i.e. -(1/n) sum_i ln((1/n) sum_j
exp(-||h_i - h_j||^2 / (2 v))) for v = 0.1 and v = 0.4. The numpy version forms the n x n
squared-distance matrix from the Gram matrix (BLAS), then one exp and one mean-log per
variance; it needs several n x n float64 matrices (n = 20,000: 3.2 GB each), so it is only run
where they fit in --max-gb. Peak memory is measured for both sides: the numpy process with
resource.getrusage, the criterion process with /usr/bin/time.

Run from the repository root:  python3 bench/compare_kt.py [--no-rust] [--repeats 5]
"""

from __future__ import annotations

import argparse
import glob
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402

SIZES = (4000, 20_000)
DIMS = 256
NOISE_VAR = 0.1


def activations(n: int, seed: int = 3) -> np.ndarray:
    return np.tanh(np.random.default_rng(seed).standard_normal((n, DIMS)))


def numpy_bounds(h: np.ndarray, v: float) -> tuple[float, float]:
    sq = (h * h).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (h @ h.T), 0.0)
    np.fill_diagonal(d2, 0.0)
    out = []
    for var in (v, 4.0 * v):
        out.append(-float(np.mean(np.log(np.exp(-d2 / (2.0 * var)).mean(1)))))
    return out[1], out[0]  # (lower, upper)


def rust_peak_rss_mb(root: Path, size: int) -> float | None:
    """Peak RSS of the criterion bench binary running only the given size."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    candidates = [p for p in glob.glob(str(root / "target/release/deps/kt-*")) if not p.endswith(".d")]
    if not candidates or not Path(time_bin).exists():
        return None
    binary = max(candidates, key=lambda p: Path(p).stat().st_mtime)
    res = subprocess.run(
        [time_bin, "-f", "%M", binary, "--bench", f"{size}x{DIMS}", "--profile-time", "1"],
        capture_output=True, text=True, check=False,
    )
    try:
        return int(res.stderr.strip().splitlines()[-1]) / 1024.0
    except (ValueError, IndexError):
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-rust", action="store_true", help="only read existing criterion results")
    ap.add_argument("--repeats", type=int, default=5, help="numpy repeats (median reported)")
    ap.add_argument("--max-gb", type=float, default=8.0, help="skip numpy above this matrix memory")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    compare.print_machine_info(compare.machine_info())
    if not args.no_rust:
        compare.run_cargo_bench(root, quick=False, benches=("kt",))
    # Agreement check on a small problem against the SPEC 1-D example's definition.
    h = activations(300)
    lo, up = numpy_bounds(h, NOISE_VAR)
    assert 0.0 <= lo <= up <= np.log(300) + 1e-12, (lo, up)
    print(f"check: numpy bounds on 300 x {DIMS}: lower {lo:.6f}, upper {up:.6f} nats (ordered, <= ln n)")
    print()
    print(f"{'workload':<24} {'infoscope (ms)':>15} {'numpy (ms)':>12} {'ratio':>8} "
          f"{'infoscope peak (MB)':>20} {'numpy peak (MB)':>16}")
    for n in SIZES:
        rust = compare.read_criterion(root / "target" / "criterion", ("kt", "mi_bounds", f"{n}x{DIMS}"), None)
        rust_ms = rust.median_ms
        gb = 3 * n * n * 8 / 1e9
        if gb > args.max_gb:
            np_ms, np_peak = None, None
            np_note = f"skipped (~{gb:.1f} GB)"
        else:
            h = activations(n)
            times = compare.time_it(lambda: numpy_bounds(h, NOISE_VAR), args.repeats, 1)
            np_ms = 1000.0 * statistics.median(times)
            np_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
            np_note = f"{np_ms:,.1f}"
        peak = rust_peak_rss_mb(root, n)
        print(
            f"{f'kt/mi_bounds/{n}x{DIMS}':<24} {compare.fmt_ms(rust_ms):>15} {np_note:>12} "
            f"{compare.fmt_ratio(np_ms, rust_ms):>8} "
            f"{(f'{peak:,.0f}' if peak else 'n/a'):>20} {(f'{np_peak:,.0f}' if np_peak else 'n/a'):>16}"
        )
    print("\nratio = numpy median / infoscope median (>1: infoscope faster); infoscope peak is the"
          " criterion process, which holds both data sets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
