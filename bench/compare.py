#!/usr/bin/env python3
"""Peer comparison for infoscope's binned and Gaussian mutual-information estimators.

Times numpy and scikit-learn implementations of the same workloads that the criterion
benchmarks in ``crates/estimators/benches/{binned,gaussian}.rs`` measure, runs (or only
reads) those criterion benchmarks, and prints one table of medians in milliseconds.

Workloads (shapes must match the criterion benchmark parameters):

* ``binned/per_unit_mi/256x10000_30bins_8classes``: a 10,000 x 256 float64 matrix of
  standard-normal values; each column is binned into 30 equal-width bins between its own
  min and max (the last bin closed, so the max lands in bin 29) and the plug-in mutual
  information (nats) with an 8-class integer label is computed for every column.
* ``gaussian/mi/128+128x10000``: Gaussian MI
  I(X;Y) = 1/2 (ln|Sx| + ln|Sy| - ln|S|) from the sample covariance of 10,000 samples of
  X (128 dims) and Y (128 dims).

Every peer timing includes the whole computation from the raw float matrix to the MI
values (binning included), as the infoscope benchmarks do; data generation is excluded.

Run from the repository root:  python3 bench/compare.py [--quick] [--no-rust] [--json OUT]
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

try:
    import sklearn
    from sklearn.metrics import mutual_info_score
except ImportError:  # pragma: no cover - reported at runtime
    sklearn = None
    mutual_info_score = None

# ---------------------------------------------------------------------------------------
# Workload definitions (keep in sync with crates/estimators/benches/*.rs)
# ---------------------------------------------------------------------------------------

BINNED_SAMPLES = 10_000
BINNED_UNITS = 256
BINNED_BINS = 30
BINNED_CLASSES = 8
BINNED_ID = ("binned", "per_unit_mi", "256x10000_30bins_8classes")

GAUSS_SAMPLES = 10_000
GAUSS_DX = 128
GAUSS_DY = 128
GAUSS_RHO = 0.5  # per-coordinate correlation between X and Y in the generated data
GAUSS_ID = ("gaussian", "mi", "128+128x10000")

THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
)

CHECK_TOL = 1e-10


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


def make_binned_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal (samples, units) matrix and an 8-class label, both seeded."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BINNED_SAMPLES, BINNED_UNITS))
    labels = rng.integers(0, BINNED_CLASSES, size=BINNED_SAMPLES, dtype=np.int64)
    return x, labels


def make_gaussian_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X standard normal; Y_i = rho X_i + sqrt(1 - rho^2) noise_i, so the true MI is known."""
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((GAUSS_SAMPLES, GAUSS_DX))
    noise = rng.standard_normal((GAUSS_SAMPLES, GAUSS_DY))
    y = GAUSS_RHO * x[:, :GAUSS_DY] + math.sqrt(1.0 - GAUSS_RHO**2) * noise
    return x, y


def gaussian_true_mi_nats() -> float:
    return -0.5 * min(GAUSS_DX, GAUSS_DY) * math.log(1.0 - GAUSS_RHO**2)


# ---------------------------------------------------------------------------------------
# Binned MI peers
# ---------------------------------------------------------------------------------------


def bin_column(col: np.ndarray, n_bins: int = BINNED_BINS) -> np.ndarray:
    """Equal-width bins between min and max; the top edge is inclusive (max -> last bin)."""
    lo = col.min()
    hi = col.max()
    if hi == lo:
        return np.zeros(col.shape[0], dtype=np.intp)
    edges = np.linspace(lo, hi, n_bins + 1)
    # digitize against the interior edges gives 0..n_bins-1 with half-open bins
    # [e_k, e_{k+1}); the max is >= every interior edge, so it lands in the last bin.
    sym = np.digitize(col, edges[1:-1])
    return np.clip(sym, 0, n_bins - 1)


def mi_from_joint(joint: np.ndarray) -> float:
    """Plug-in MI (nats) from a 2-D contingency table of counts, skipping empty cells."""
    n = joint.sum()
    rows = joint.sum(axis=1)
    cols = joint.sum(axis=0)
    nz = joint > 0
    c = joint[nz].astype(np.float64)
    expected = np.outer(rows, cols)[nz].astype(np.float64)
    return float(np.sum(c * np.log(c * n / expected)) / n)


def binned_mi_loop(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """numpy bincount approach, one unit at a time."""
    n_units = x.shape[1]
    out = np.empty(n_units)
    k = BINNED_CLASSES
    for u in range(n_units):
        sym = bin_column(x[:, u])
        joint = np.bincount(sym * k + labels, minlength=BINNED_BINS * k).reshape(BINNED_BINS, k)
        out[u] = mi_from_joint(joint)
    return out


def binned_symbols_vectorised(x: np.ndarray) -> np.ndarray:
    """Bin all columns at once by arithmetic: floor((x - min) * bins / (max - min))."""
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    span = hi - lo
    scale = np.divide(BINNED_BINS, span, out=np.zeros_like(span), where=span > 0)
    sym = ((x - lo) * scale).astype(np.intp)
    np.minimum(sym, BINNED_BINS - 1, out=sym)
    return sym


def binned_mi_vectorised(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """All units at once: per-unit offsets and a single bincount over the whole matrix."""
    n, n_units = x.shape
    k = BINNED_CLASSES
    cells = BINNED_BINS * k
    sym = binned_symbols_vectorised(x)
    sym *= k
    sym += labels[:, None]
    sym += np.arange(n_units, dtype=np.intp) * cells
    counts = np.bincount(sym.ravel(), minlength=n_units * cells).reshape(n_units, BINNED_BINS, k)
    counts = counts.astype(np.float64)
    rows = counts.sum(axis=2)
    cols = counts.sum(axis=1)
    expected = rows[:, :, None] * cols[:, None, :]
    ratio = np.divide(counts * n, expected, out=np.ones_like(counts), where=counts > 0)
    return np.sum(counts * np.log(ratio), axis=(1, 2)) / n


def binned_mi_sklearn(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """scikit-learn mutual_info_score per unit, after the same binning as the loop."""
    n_units = x.shape[1]
    out = np.empty(n_units)
    for u in range(n_units):
        out[u] = mutual_info_score(labels, bin_column(x[:, u]))
    return out


# ---------------------------------------------------------------------------------------
# Gaussian MI peers
# ---------------------------------------------------------------------------------------


def _logdet_cholesky(a: np.ndarray) -> float:
    return 2.0 * float(np.sum(np.log(np.diag(np.linalg.cholesky(a)))))


def _logdet_slogdet(a: np.ndarray) -> float:
    sign, logdet = np.linalg.slogdet(a)
    if sign <= 0:
        raise np.linalg.LinAlgError("covariance is not positive definite")
    return float(logdet)


def _gaussian_mi(x: np.ndarray, y: np.ndarray, logdet: Callable[[np.ndarray], float]) -> float:
    dx = x.shape[1]
    cov = np.cov(np.hstack([x, y]), rowvar=False)
    return 0.5 * (logdet(cov[:dx, :dx]) + logdet(cov[dx:, dx:]) - logdet(cov))


def gaussian_mi_cholesky(x: np.ndarray, y: np.ndarray) -> float:
    return _gaussian_mi(x, y, _logdet_cholesky)


def gaussian_mi_slogdet(x: np.ndarray, y: np.ndarray) -> float:
    return _gaussian_mi(x, y, _logdet_slogdet)


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------


@dataclass
class PeerTiming:
    workload: str
    peer: str
    times_s: list[float]
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_s) * 1e3


def time_it(fn: Callable[[], object], repeats: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


# ---------------------------------------------------------------------------------------
# Criterion results
# ---------------------------------------------------------------------------------------


def _normalise_id(s: str) -> str:
    """Loose form of a criterion id for matching sanitised directory names."""
    return re.sub(r"[^A-Za-z0-9+.\-]", "_", s)


@dataclass
class RustResult:
    median_ms: float | None
    path: str | None = None
    ci_ms: tuple[float, float] | None = None
    note: str = ""


def read_estimates(est_path: str | Path, not_before: float | None) -> RustResult:
    """The median of one criterion ``.../new/estimates.json`` (ns -> ms)."""
    est_path = str(est_path)
    if not_before is not None and os.path.getmtime(est_path) < not_before:
        return RustResult(
            None, est_path, note="criterion result is older than this run (bench failed?)"
        )
    try:
        est = json.loads(Path(est_path).read_text())
        med = est["median"]
        ci = med.get("confidence_interval", {})
        ci_ms = None
        if "lower_bound" in ci and "upper_bound" in ci:
            ci_ms = (ci["lower_bound"] / 1e6, ci["upper_bound"] / 1e6)
        return RustResult(float(med["point_estimate"]) / 1e6, est_path, ci_ms)
    except (OSError, ValueError, KeyError, TypeError) as err:
        return RustResult(None, est_path, note=f"unreadable estimates.json: {err}")


def read_criterion(
    criterion_dir: Path, bench_id: tuple[str, str, str], not_before: float | None
) -> RustResult:
    group, function, parameter = bench_id
    pattern = str(criterion_dir / group / function / "*" / "new" / "estimates.json")
    found = sorted(glob.glob(pattern))
    seen = []
    for est_path in found:
        new_dir = Path(est_path).parent
        dir_param = new_dir.parent.name
        value_str = None
        meta = new_dir / "benchmark.json"
        if meta.is_file():
            try:
                value_str = json.loads(meta.read_text()).get("value_str")
            except (OSError, ValueError):
                value_str = None
        candidates = {dir_param, value_str} - {None}
        seen.append(value_str or dir_param)
        if not (
            parameter in candidates
            or _normalise_id(parameter) in {_normalise_id(c) for c in candidates}
        ):
            continue
        return read_estimates(est_path, not_before)
    if seen:
        note = f"no parameter '{parameter}' under {group}/{function} (found: {', '.join(seen)})"
    else:
        note = f"no criterion results matching {pattern}"
    return RustResult(None, None, note=note)


def run_cargo_bench(
    repo_root: Path,
    quick: bool,
    benches: Sequence[str] = ("binned", "gaussian"),
    filters: Sequence[str] = (),
) -> int:
    """Run ``cargo bench`` for ``benches``; ``filters`` go to criterion after ``--``."""
    cargo = shutil.which("cargo")
    if cargo is None:
        print("warning: cargo not found on PATH; skipping the Rust benchmarks", file=sys.stderr)
        return 127
    cmd = [cargo, "bench", "-p", "infoscope-estimators"]
    for bench in benches:
        cmd += ["--bench", bench]
    cmd += ["--", *filters, "--noplot"]
    if quick:
        cmd.append("--quick")
    print(f"$ {' '.join(['cargo'] + cmd[1:])}   (in {repo_root})", flush=True)
    # Output is inherited, i.e. streamed straight to this terminal.
    proc = subprocess.run(cmd, cwd=repo_root)
    if proc.returncode != 0:
        print(f"warning: cargo bench exited with status {proc.returncode}", file=sys.stderr)
    return proc.returncode


# ---------------------------------------------------------------------------------------
# Environment report
# ---------------------------------------------------------------------------------------


def blas_summary() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    out = []
    try:
        for info in threadpool_info():
            out.append(
                {
                    "user_api": info.get("user_api"),
                    "internal_api": info.get("internal_api"),
                    "version": info.get("version"),
                    "num_threads": info.get("num_threads"),
                }
            )
    except Exception:  # threadpoolctl inspection is best effort only
        return []
    return out


def machine_info() -> dict:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": getattr(sklearn, "__version__", None),
        "thread_env": {k: os.environ.get(k) for k in THREAD_ENV_VARS},
        "threadpools": blas_summary(),
    }


def print_machine_info(info: dict) -> None:
    print("Machine")
    print(f"  platform        {info['platform']}")
    print(f"  cpu_count       {info['cpu_count']}")
    print(f"  python          {info['python']}")
    print(f"  numpy           {info['numpy']}")
    print(f"  scikit-learn    {info['sklearn'] or 'not installed'}")
    for pool in info["threadpools"]:
        print(
            f"  threadpool      {pool['user_api']}: {pool['internal_api']} {pool['version']}"
            f" ({pool['num_threads']} threads)"
        )
    print("Thread settings (environment)")
    for k, v in info["thread_env"].items():
        print(f"  {k:<24}{v if v is not None else '(unset)'}")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def fmt_ms(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f} ms"


def fmt_ratio(peer_ms: float | None, rust_ms: float | None) -> str:
    if peer_ms is None or rust_ms is None or rust_ms <= 0:
        return "n/a"
    return f"{peer_ms / rust_ms:.2f}×"


def print_table(
    rows: list[list[str]], headers: list[str], right: set[int] | None = None
) -> None:
    """Print an aligned text table; columns whose index is in ``right`` are right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    if right is None:
        right = {2, 3, 4}

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Compare infoscope's binned and Gaussian MI benchmarks with numpy and "
        "scikit-learn. Ratios are peer median / infoscope median (>1: infoscope is faster)."
    )
    p.add_argument("--repeats", type=int, default=7, help="timed repeats per peer (default 7)")
    p.add_argument("--warmup", type=int, default=1, help="untimed warm-up calls (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed for the generated data")
    rust = p.add_mutually_exclusive_group()
    rust.add_argument(
        "--no-rust", action="store_true", help="do not run or read the criterion benchmarks"
    )
    rust.add_argument(
        "--rust-read-only",
        "--rust-only-read",
        dest="rust_read_only",
        action="store_true",
        help="do not run cargo bench; only read existing criterion results",
    )
    p.add_argument(
        "--quick", action="store_true", help="pass criterion's --quick to cargo bench"
    )
    p.add_argument(
        "--criterion-dir",
        type=Path,
        default=None,
        help="criterion output folder (default: $CARGO_TARGET_DIR/criterion or target/criterion)",
    )
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers as JSON")
    args = p.parse_args(argv)
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    if args.warmup < 0:
        p.error("--warmup must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    repo_root = Path(__file__).resolve().parent.parent
    if args.criterion_dir is not None:
        criterion_dir = args.criterion_dir
    elif os.environ.get("CARGO_TARGET_DIR"):
        criterion_dir = Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    else:
        criterion_dir = repo_root / "target" / "criterion"

    info = machine_info()
    print_machine_info(info)
    print(f"Timing: median of {args.repeats} repeats after {args.warmup} warm-up call(s)\n")

    # --- Rust first, so the peers do not compete with cargo for the CPU -----------------
    rust_status = "skipped (--no-rust)"
    cargo_rc = None
    not_before = None
    if not args.no_rust and not args.rust_read_only:
        not_before = time.time() - 1.0
        cargo_rc = run_cargo_bench(repo_root, args.quick)
        rust_status = f"ran cargo bench (exit status {cargo_rc})"
        print()
    elif args.rust_read_only:
        rust_status = "read existing criterion results"

    rust: dict[str, RustResult] = {}
    for bench_id in (BINNED_ID, GAUSS_ID):
        key = "/".join(bench_id)
        if args.no_rust:
            rust[key] = RustResult(None, note="--no-rust")
        else:
            rust[key] = read_criterion(criterion_dir, bench_id, not_before)

    # --- Data and correctness checks -----------------------------------------------------
    xb, labels = make_binned_data(args.seed)
    xg, yg = make_gaussian_data(args.seed)

    checks: dict[str, dict] = {}
    mi_loop = binned_mi_loop(xb, labels)
    mi_vec = binned_mi_vectorised(xb, labels)
    sym_mismatch = int(
        sum(
            np.count_nonzero(bin_column(xb[:, u]) != s)
            for u, s in enumerate(binned_symbols_vectorised(xb).T)
        )
    )
    d_vec = float(np.max(np.abs(mi_loop - mi_vec)))
    checks["binned: loop vs vectorised"] = {
        "max_abs_diff_nats": d_vec,
        "symbol_mismatches": sym_mismatch,
        "ok": d_vec <= CHECK_TOL,
    }
    if mutual_info_score is not None:
        mi_skl = binned_mi_sklearn(xb, labels)
        d_skl = float(np.max(np.abs(mi_loop - mi_skl)))
        checks["binned: bincount vs sklearn"] = {
            "max_abs_diff_nats": d_skl,
            "ok": d_skl <= CHECK_TOL,
        }
    g_chol = gaussian_mi_cholesky(xg, yg)
    g_slog = gaussian_mi_slogdet(xg, yg)
    d_g = abs(g_chol - g_slog)
    checks["gaussian: cholesky vs slogdet"] = {
        "max_abs_diff_nats": d_g,
        "ok": d_g <= CHECK_TOL * max(1.0, abs(g_chol)),
    }

    print("Correctness checks (tolerance 1e-10 nats)")
    for name, c in checks.items():
        extra = f", {c['symbol_mismatches']} symbol mismatches" if "symbol_mismatches" in c else ""
        print(
            f"  {name:<32} max |diff| = {c['max_abs_diff_nats']:.3e} nats{extra}  "
            f"{'OK' if c['ok'] else 'FAILED'}"
        )
    print(
        f"  binned MI over {BINNED_UNITS} units: mean {mi_loop.mean():.5f} nats "
        f"(independent data; plug-in bias ~ (30-1)(8-1)/(2n) = "
        f"{(BINNED_BINS - 1) * (BINNED_CLASSES - 1) / (2 * BINNED_SAMPLES):.5f} nats)"
    )
    print(
        f"  gaussian MI: {g_chol:.4f} nats (true value of the generating law "
        f"{gaussian_true_mi_nats():.4f} nats; finite-sample bias ~ dx*dy/(2n) = "
        f"{GAUSS_DX * GAUSS_DY / (2 * GAUSS_SAMPLES):.4f} nats)\n"
    )

    # --- Peer timings --------------------------------------------------------------------
    timings: list[PeerTiming] = []
    bw = "/".join(BINNED_ID)
    gw = "/".join(GAUSS_ID)
    peers: list[tuple[str, str, Callable[[], object]]] = [
        (bw, "numpy bincount, per unit", lambda: binned_mi_loop(xb, labels)),
        (bw, "numpy bincount, vectorised", lambda: binned_mi_vectorised(xb, labels)),
    ]
    if mutual_info_score is not None:
        peers.append(
            (bw, "sklearn mutual_info_score, per unit", lambda: binned_mi_sklearn(xb, labels))
        )
    peers += [
        (gw, "numpy cov + cholesky", lambda: gaussian_mi_cholesky(xg, yg)),
        (gw, "numpy cov + slogdet", lambda: gaussian_mi_slogdet(xg, yg)),
    ]
    print("Timing peers ...", flush=True)
    for wl, name, fn in peers:
        timings.append(PeerTiming(wl, name, time_it(fn, args.repeats, args.warmup)))

    # --- Table -----------------------------------------------------------------------------
    workload_rust = {bw: rust[bw], gw: rust[gw]}
    numpy_best = {}
    for wl in (bw, gw):
        cands = [t for t in timings if t.workload == wl and t.peer.startswith("numpy")]
        numpy_best[wl] = min(cands, key=lambda t: t.median_ms)

    rows = []
    records = []
    for wl in (bw, gw):
        r = workload_rust[wl]
        entries = [(t.peer, t) for t in timings if t.workload == wl]
        best = numpy_best[wl]
        entries.insert(
            len([e for e in entries if e[0].startswith("numpy")]),
            (f"numpy best ({best.peer.removeprefix('numpy ')})", best),
        )
        for label, t in entries:
            rows.append(
                [
                    wl,
                    label,
                    fmt_ms(t.median_ms),
                    fmt_ms(r.median_ms),
                    fmt_ratio(t.median_ms, r.median_ms),
                ]
            )
            records.append(
                {
                    "workload": wl,
                    "peer": label,
                    "peer_median_ms": t.median_ms,
                    "peer_min_ms": min(t.times_s) * 1e3,
                    "peer_max_ms": max(t.times_s) * 1e3,
                    "peer_times_ms": [s * 1e3 for s in t.times_s],
                    "infoscope_median_ms": r.median_ms,
                    "ratio_peer_over_infoscope": (
                        t.median_ms / r.median_ms if r.median_ms else None
                    ),
                }
            )

    print()
    print("Workloads")
    print(
        f"  {bw}: {BINNED_UNITS} units x {BINNED_SAMPLES} samples, {BINNED_BINS} equal-width "
        f"bins per unit, {BINNED_CLASSES}-class label, plug-in MI per unit"
    )
    print(
        f"  {gw}: I(X;Y), X {GAUSS_DX} dims, Y {GAUSS_DY} dims, {GAUSS_SAMPLES} samples, "
        "sample covariance + log-determinants"
    )
    print()
    print_table(
        rows,
        ["workload", "peer", "peer median", "infoscope median", "ratio (peer/infoscope)"],
    )
    print(
        "\nratio = peer median / infoscope median; a value above 1× means infoscope is that "
        "many times faster."
    )
    print(f"infoscope: {rust_status}")
    for key, r in rust.items():
        if r.median_ms is not None:
            ci = f", 95% CI {r.ci_ms[0]:.3f}–{r.ci_ms[1]:.3f} ms" if r.ci_ms else ""
            print(f"  {key}: median {r.median_ms:.3f} ms{ci}  [{r.path}]")
        elif not args.no_rust:
            print(f"  {key}: n/a ({r.note})")

    if args.json is not None:
        payload = {
            "schema_version": 1,
            "created_unix": time.time(),
            "settings": {
                "repeats": args.repeats,
                "warmup": args.warmup,
                "seed": args.seed,
                "quick": args.quick,
                "rust": rust_status,
                "cargo_exit_status": cargo_rc,
            },
            "machine": info,
            "checks": checks,
            "results": records,
            "infoscope": {
                k: {"median_ms": v.median_ms, "ci95_ms": v.ci_ms, "path": v.path, "note": v.note}
                for k, v in rust.items()
            },
            "unit": "ms",
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}")

    failed = [name for name, c in checks.items() if not c["ok"]]
    if failed:
        print(f"error: correctness checks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
