#!/usr/bin/env python3
"""Spectral information rate: infoscope against scipy.signal.coherence + trapezoid.

Workload: an AR(1) signal s_t = 0.9 s_{t-1} + e_t plus unit white noise, n = 10^6 samples
(seeded numpy), written to .npy files. Both sides compute the Welch coherence with the same
settings (periodic Hann window, 50 % overlap, constant detrending, one-sided density, fs = 1/dt)
and R = -integral_0^Nyquist ln(1 - coherence(f)) df by the trapezoidal rule:

    f, c = scipy.signal.coherence(x, y, fs=1/dt, nperseg=L)
    R = scipy.integrate.trapezoid(-np.log1p(-c), f)

infoscope runs through the example binary `rate_cli` (crates/estimators/examples/rate_cli.rs),
built with `cargo build --release`. Timings (median of --repeats calls after one untimed
warm-up) are taken inside each process around the computation only: reading the arrays and
starting the process are excluded on both sides. The wall time of one whole `rate_cli` process
(start, reading both .npy files, one estimate, JSON out) is printed separately. infoscope runs
on RAYON_NUM_THREADS threads (all cores when unset) and on 1 thread; scipy uses one core.

The script checks that the two values agree to 1e-9 (relative) and exits with status 1 if not.

Install the Python dependencies in a scratch environment (not a project dependency):

    python3 -m venv /tmp/venv-rate && /tmp/venv-rate/bin/pip install numpy scipy

Run from the repository root:

    /tmp/venv-rate/bin/python bench/compare_rate.py [--n 1000000] [--repeats 7] [--nperseg 256 4096]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy
from scipy import integrate, signal

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-9


def series(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(n)
    s = signal.lfilter([1.0], [1.0, -0.9], e, zi=[0.9 * rng.standard_normal() / np.sqrt(0.19)])[0]
    return s, s + rng.standard_normal(n)


def scipy_rate(x: np.ndarray, y: np.ndarray, nperseg: int, dt: float) -> float:
    f, c = signal.coherence(x, y, fs=1.0 / dt, nperseg=nperseg)
    return float(integrate.trapezoid(-np.log1p(-c), f))


def time_scipy(x, y, nperseg, dt, repeats):
    value = scipy_rate(x, y, nperseg, dt)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scipy_rate(x, y, nperseg, dt)
        times.append(time.perf_counter() - t0)
    return value, statistics.median(times)


def binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "rate_cli"


def run_infoscope(files, nperseg, dt, repeats, threads):
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [str(binary()), "--x", files[0], "--y", files[1], "--nperseg", str(nperseg),
           "--dt", repr(dt), "--repeat", str(repeats + 1)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - t0
    result = json.loads(out.stdout)
    seconds = result["seconds"][1:]  # the first call is the warm-up
    return result["estimate"]["value"], statistics.median(seconds), wall, len(seconds)


def process_wall(files, nperseg, dt, threads):
    """Wall time of one whole rate_cli process (one estimate)."""
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [str(binary()), "--x", files[0], "--y", files[1], "--nperseg", str(nperseg),
           "--dt", repr(dt)]
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--nperseg", type=int, nargs="+", default=[256, 4096])
    ap.add_argument("--dt", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "infoscope-estimators",
                        "--example", "rate_cli"], cwd=ROOT, check=True)
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', '(unset: all cores)')}")
    print(f"n = {args.n}, dt = {args.dt}, Hann, 50 % overlap, constant detrend; "
          f"median of {args.repeats} in-process calls (load and start-up excluded)\n")

    x, y = series(args.n, args.seed)
    failed = False
    header = (f"{'nperseg':>8} {'R (nats/unit time)':>20} {'|rel diff|':>10} {'scipy ms':>9} "
              f"{'infoscope ms':>12} {'speed-up':>8} {'1 thread ms':>11} {'speed-up':>8} "
              f"{'process ms':>10}")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        files = (str(Path(tmp) / "x.npy"), str(Path(tmp) / "y.npy"))
        np.save(files[0], x)
        np.save(files[1], y)
        for nperseg in args.nperseg:
            ref, t_scipy = time_scipy(x, y, nperseg, args.dt, args.repeats)
            value, t_rust, _, _ = run_infoscope(files, nperseg, args.dt, args.repeats, None)
            _, t_one, _, _ = run_infoscope(files, nperseg, args.dt, args.repeats, 1)
            wall = statistics.median(process_wall(files, nperseg, args.dt, None) for _ in range(3))
            diff = abs(value - ref) / abs(ref)
            failed |= not diff <= TOLERANCE
            print(f"{nperseg:>8} {value:>20.12f} {diff:>10.1e} {1e3 * t_scipy:>9.2f} "
                  f"{1e3 * t_rust:>12.2f} {t_scipy / t_rust:>7.1f}x {1e3 * t_one:>11.2f} "
                  f"{t_scipy / t_one:>7.1f}x {1e3 * wall:>10.1f}")
    if failed:
        print(f"\nFAILED: infoscope and scipy differ by more than {TOLERANCE:g}", file=sys.stderr)
        return 1
    print(f"\nvalues agree to {TOLERANCE:g} (relative)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
