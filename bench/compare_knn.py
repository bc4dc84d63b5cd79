#!/usr/bin/env python3
"""Peer comparison for infoscope's KSG (Kraskov-Stoegbauer-Grassberger) MI estimator.

Times the Python KSG implementations of scikit-learn, ennemi and infomeasure on the same
workloads that the criterion benchmarks in ``crates/estimators/benches/ksg.rs`` measure,
runs (or only reads) those criterion benchmarks, and prints one table of medians in
milliseconds. Every peer is configured for KSG algorithm 1, k = 3, max-norm (Chebyshev)
distances, result in nats.

Workloads (shapes and distributions must match the criterion benchmarks):

* ``ksg_mi/1+1/<n>``, n in {1000, 10000, 100000, 1000000}: x ~ N(0, 1) (n x 1),
  y = 0.5 x + sqrt(1 - 0.25) e with e ~ N(0, 1) independent; I(x; y).
* ``ksg_mi/4+4/<n>``, n in {1000, 10000, 100000}: x is n x 4 standard normal, column c of
  y (n x 4) is 0.5 x_c + sqrt(0.75) e_c; I(X; Y) of the two 4-dimensional variables.
* ``ksg_mi/16+16/<n>``, n in {1000, 10000}: the same with 16 columns each.
* ``ksg_all_pairs/64x5000``: a 5000 x 64 matrix, data = F W / sqrt(8) + N(0, 1) noise with
  8 latent N(0, 1) factors F (5000 x 8) and N(0, 1) loadings W (8 x 64); the MI of all
  2016 unordered column pairs (1-D vs 1-D). Peers are called pair by pair on a fixed,
  evenly spread subset of pairs (``--pairs``, default 64) and the time is extrapolated
  x 2016 / pairs; ennemi's batch ``pairwise_mi`` is timed on all 2016 pairs.

Peer timings cover the peer call on the generated float arrays (the peers' own scaling,
noise and tree building included); data generation is excluded.

Run from the repository root:
    python3 bench/compare_knn.py [--quick] [--no-rust] [--json OUT]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import compare  # noqa: E402  (bench/compare.py: criterion reading, machine info, table)

try:
    from sklearn.feature_selection import mutual_info_regression
except ImportError:  # pragma: no cover - reported at runtime
    mutual_info_regression = None

try:
    import ennemi
except ImportError:  # pragma: no cover - reported at runtime
    ennemi = None

try:  # ennemi's internal KSG function accepts 2-D x and y; used only as a check reference
    from ennemi._entropy_estimators import _estimate_single_mi as ennemi_internal_mi
except ImportError:  # pragma: no cover - reported at runtime
    ennemi_internal_mi = None

try:
    import infomeasure
except ImportError:  # pragma: no cover - reported at runtime
    infomeasure = None

# ---------------------------------------------------------------------------------------
# Workload definitions (keep in sync with crates/estimators/benches/ksg.rs)
# ---------------------------------------------------------------------------------------

K = 3
RHO = 0.5
MI_SIZES: dict[int, tuple[int, ...]] = {
    1: (1_000, 10_000, 100_000, 1_000_000),
    4: (1_000, 10_000, 100_000),
    16: (1_000, 10_000),
}
QUICK_MAX_N = 10_000

PAIRS_N = 5_000
PAIRS_D = 64
PAIRS_FACTORS = 8
PAIRS_TOTAL = PAIRS_D * (PAIRS_D - 1) // 2  # 2016
PAIRS_ID = ("ksg_all_pairs", f"{PAIRS_D}x{PAIRS_N}")

# Correctness checks (run before any timing; exit status 1 when one fails)
CHECK_N = {1: 10_000, 4: 10_000, 16: 1_000}  # 16+16 at n = 10,000 costs ~45 s per call
CLOSED_FORM_TOL_PER_DIM = 0.03  # nats per dimension pair (1+1: 0.03, 4+4: 0.12)
CLOSED_FORM_CHECKED = {1, 4}  # 16+16: KSG's downward bias in 32 joint dims is ~1.5 nats
AGREE_TOL = 0.02  # nats, between implementations on the same data
PAIRS_CLOSED_FORM_TOL = 0.05  # nats, per pair, n = 5000
PAIRS_AGREE_TOL = 0.03  # nats; scikit-learn rescales each column, which moves its estimate
BATCH_TOL = 1e-9  # ennemi pairwise_mi vs ennemi estimate_mi on identical pairs

SLOW_CALL_S = 2.0  # calls at least this slow get no separate warm-up call
DEFAULT_ALPHA = 1.5  # assumed time ~ n^alpha when only one size has been measured


def closed_form_mi(d: int, rho: float = RHO) -> float:
    return -0.5 * d * math.log(1.0 - rho**2)


@dataclass(frozen=True)
class Workload:
    kind: str  # "mi" or "all_pairs"
    d: int  # dimensions of each of X and Y ("mi"); columns ("all_pairs")
    n: int

    @property
    def key(self) -> str:
        if self.kind == "all_pairs":
            return "/".join(PAIRS_ID)
        return f"ksg_mi/{self.d}+{self.d}/{self.n}"

    @property
    def family(self) -> str:
        return self.key if self.kind == "all_pairs" else f"ksg_mi/{self.d}+{self.d}"


def workloads(quick: bool) -> list[Workload]:
    out = [
        Workload("mi", d, n)
        for d, sizes in MI_SIZES.items()
        for n in sizes
        if not quick or n <= QUICK_MAX_N
    ]
    out.append(Workload("all_pairs", PAIRS_D, PAIRS_N))
    return out


def make_mi_data(seed: int, d: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n x d) standard normal; Y_c = rho X_c + sqrt(1 - rho^2) E_c."""
    rng = np.random.default_rng([seed, d, n])
    x = rng.standard_normal((n, d))
    e = rng.standard_normal((n, d))
    return x, RHO * x + math.sqrt(1.0 - RHO**2) * e


def make_pairs_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(5000 x 64 data, 64 x 64 population correlation matrix)."""
    rng = np.random.default_rng([seed, PAIRS_D, PAIRS_N])
    f = rng.standard_normal((PAIRS_N, PAIRS_FACTORS))
    w = rng.standard_normal((PAIRS_FACTORS, PAIRS_D))
    data = f @ w / math.sqrt(PAIRS_FACTORS) + rng.standard_normal((PAIRS_N, PAIRS_D))
    cov = w.T @ w / PAIRS_FACTORS + np.eye(PAIRS_D)
    sd = np.sqrt(np.diag(cov))
    return data, cov / np.outer(sd, sd)


def pair_subset(n_pairs: int) -> list[tuple[int, int]]:
    """``n_pairs`` pairs (i < j) spread evenly over the row-major upper triangle."""
    iu, ju = np.triu_indices(PAIRS_D, 1)
    sel = np.unique(np.linspace(0, PAIRS_TOTAL - 1, n_pairs).round().astype(int))
    return [(int(iu[s]), int(ju[s])) for s in sel]


# ---------------------------------------------------------------------------------------
# Peers: KSG algorithm 1, k = 3, max-norm, nats. x and y are 2-D (n x dx, n x dy).
# ---------------------------------------------------------------------------------------


def sklearn_mi(x: np.ndarray, y: np.ndarray) -> float:
    # Always scales x and y to unit variance (no centring) and adds 1e-10-scale noise;
    # clips negative estimates to 0. Chebyshev metric and KSG algorithm 1 are built in.
    return float(
        mutual_info_regression(
            x,
            y[:, 0],
            discrete_features=False,
            n_neighbors=K,
            copy=True,
            random_state=0,
            n_jobs=None,
        )[0]
    )


def ennemi_mi(x: np.ndarray, y: np.ndarray) -> float:
    # preprocess=False: no rescaling and no noise, as infoscope's KSG defaults.
    return float(ennemi.estimate_mi(y[:, 0], x[:, 0], k=K, preprocess=False)[0, 0])


def infomeasure_mi(x: np.ndarray, y: np.ndarray) -> float:
    # noise_level=0 and normalize=False: no noise and no rescaling (infoscope's defaults);
    # k must be given (infomeasure's default is 4).
    return float(
        infomeasure.mutual_information(
            x,
            y,
            approach="ksg",
            k=K,
            ksg_id=1,
            minkowski_p=np.inf,
            noise_level=0,
            normalize=False,
            base="e",
        )
    )


def ennemi_pairwise(data: np.ndarray) -> np.ndarray:
    return ennemi.pairwise_mi(data, k=K, preprocess=False)


@dataclass(frozen=True)
class Peer:
    name: str
    fn: Callable[[np.ndarray, np.ndarray], float] | None
    multidim: bool
    install: str

    @property
    def installed(self) -> bool:
        return self.fn is not None


PEERS = [
    Peer("scikit-learn", sklearn_mi if mutual_info_regression else None, False, "scikit-learn"),
    Peer("ennemi", ennemi_mi if ennemi else None, False, "ennemi"),
    Peer("infomeasure", infomeasure_mi if infomeasure else None, True, "infomeasure"),
]
BATCH_NAME = "ennemi pairwise_mi"


def supports(peer: Peer, w: Workload) -> bool:
    return w.kind == "all_pairs" or w.d == 1 or peer.multidim


def pairs_call(
    peer: Peer, data: np.ndarray, pairs: list[tuple[int, int]]
) -> Callable[[], np.ndarray]:
    def run() -> np.ndarray:
        return np.array([peer.fn(data[:, i : i + 1], data[:, j : j + 1]) for i, j in pairs])

    return run


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One peer on one workload."""

    status: str  # ok | n/a | not installed | skipped | error
    times_s: list[float] = field(default_factory=list)
    scale: float = 1.0  # extrapolation factor applied to the measured time
    note: str = ""
    predicted_s: float | None = None

    @property
    def median_ms(self) -> float | None:
        if self.status != "ok" or not self.times_s:
            return None
        return statistics.median(self.times_s) * self.scale * 1e3


class Predictor:
    """Seconds per call of one peer on one workload family, extrapolated over n."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], dict[int, float]] = {}

    def add(self, family: str, peer: str, n: int, seconds: float) -> None:
        self.known.setdefault((family, peer), {})[n] = seconds

    def predict(self, family: str, peer: str, n: int) -> float | None:
        pts = self.known.get((family, peer), {})
        if n in pts:
            return pts[n]
        below = sorted(m for m in pts if m < n)
        if below:
            alpha = DEFAULT_ALPHA
            if len(below) >= 2:
                n0, n1 = below[-2], below[-1]
                if pts[n0] > 0 and pts[n1] > 0:
                    alpha = math.log(pts[n1] / pts[n0]) / math.log(n1 / n0)
                    alpha = min(2.0, max(1.0, alpha))
            return pts[below[-1]] * (n / below[-1]) ** alpha
        above = sorted(m for m in pts if m > n)
        if above:
            return pts[above[0]] * (n / above[0])
        return None


def measure(fn: Callable[[], object], first_s: float | None, args: argparse.Namespace) -> Cell:
    """Median of adaptive repeats. ``first_s``: the duration of an earlier identical call
    (the correctness check), which then stands in for the warm-up call."""
    if first_s is None:
        t0 = time.perf_counter()
        fn()
        first_s = time.perf_counter() - t0
    # A slow call gains nothing from a warm-up: the first call counts as a repeat.
    times = [first_s] if first_s >= SLOW_CALL_S else []
    if first_s > args.max_seconds:
        return Cell("ok", times, note=f"one call took {first_s:.0f} s > --max-seconds; not repeated")
    wanted = int(args.case_budget // first_s) if first_s > 0 else args.repeats
    wanted = max(args.min_repeats, min(args.repeats, wanted))
    if wanted > len(times):
        times += compare.time_it(fn, wanted - len(times), 0)
    return Cell("ok", times)


# ---------------------------------------------------------------------------------------
# Correctness checks
# ---------------------------------------------------------------------------------------


def timed_value(fn: Callable[[], object]) -> tuple[object, float]:
    t0 = time.perf_counter()
    v = fn()
    return v, time.perf_counter() - t0


def max_pairwise_diff(values: dict[str, np.ndarray | float]) -> float | None:
    names = list(values)
    if len(names) < 2:
        return None
    return max(
        float(np.max(np.abs(np.asarray(values[a]) - np.asarray(values[b]))))
        for ai, a in enumerate(names)
        for b in names[ai + 1 :]
    )


def run_checks(
    args: argparse.Namespace,
    pairs: list[tuple[int, int]],
    prior: dict[tuple[str, str], float],
    predictor: Predictor,
) -> tuple[dict, bool]:
    """Check the peers against each other and the closed form before timing.

    Fills ``prior`` with the duration of each check call whose data and arguments are
    those of a timing case (so that call serves as that case's warm-up)."""
    checks: dict[str, dict] = {}
    ok_all = True
    print(
        f"Correctness checks (KSG algorithm 1, k={K}, max-norm, nats; closed form "
        f"-1/2 ln(1 - rho^2) per dimension pair, rho = {RHO}: {closed_form_mi(1):.6f})"
    )

    for d, n in CHECK_N.items():
        w = Workload("mi", d, n)
        x, y = make_mi_data(args.seed, d, n)
        truth = closed_form_mi(d)
        tol = CLOSED_FORM_TOL_PER_DIM * d
        checked = d in CLOSED_FORM_CHECKED
        entry: dict = {"workload": w.key, "closed_form_nats": truth, "peers": {}}
        head = f"  {d}+{d}, n={n}: closed form {truth:.6f} nats"
        if checked:
            head += f" (tolerance {tol:.2f})"
        else:
            head += (
                " (not a pass/fail criterion here: KSG is strongly biased downward in a "
                f"{2 * d}-dimensional joint space; only agreement is checked)"
            )
        print(head)
        values: dict[str, float] = {}
        ok = True
        for peer in PEERS:
            if not peer.installed:
                print(f"    {peer.name:<14} not installed")
                continue
            if not supports(peer, w):
                print(f"    {peer.name:<14} n/a (1-D x and y only)")
                continue
            try:
                v, dt = timed_value(lambda: peer.fn(x, y))
            except Exception as err:  # a failing peer fails the check
                print(f"    {peer.name:<14} ERROR {type(err).__name__}: {err}")
                entry["peers"][peer.name] = {"error": repr(err)}
                ok = False
                continue
            values[peer.name] = v
            prior[(w.key, peer.name)] = dt
            predictor.add(w.family, peer.name, n, dt)
            good = (not checked) or abs(v - truth) <= tol
            ok &= good
            entry["peers"][peer.name] = {"mi_nats": v, "diff_nats": v - truth, "seconds": dt}
            status = ("OK" if good else "FAILED") if checked else ""
            print(f"    {peer.name:<14} {v:.6f}  diff {v - truth:+.6f}  ({dt:.2f} s)  {status}")
        if d > 1:
            if ennemi_internal_mi is not None:
                ref = float(ennemi_internal_mi(x, y, K))
                values["reference"] = ref
                entry["reference_nats"] = ref
                print(
                    f"    {'reference':<14} {ref:.6f}  diff {ref - truth:+.6f}  "
                    "(ennemi's internal multivariate KSG function, not timed)"
                )
            else:
                print("    reference      n/a (ennemi not installed)")
        agree = max_pairwise_diff(values)
        entry["max_abs_disagreement_nats"] = agree
        if agree is None:
            print("    agreement      n/a (fewer than two implementations)")
        else:
            good = agree <= AGREE_TOL
            ok &= good
            print(
                f"    agreement      max |a - b| = {agree:.2e} nats (tolerance {AGREE_TOL})  "
                f"{'OK' if good else 'FAILED'}"
            )
        entry["ok"] = ok
        checks[w.key] = entry
        ok_all &= ok

    # --- all pairs ---------------------------------------------------------------------
    w = Workload("all_pairs", PAIRS_D, PAIRS_N)
    data, corr = make_pairs_data(args.seed)
    truth = np.array([-0.5 * math.log(1.0 - corr[i, j] ** 2) for i, j in pairs])
    entry = {
        "workload": w.key,
        "pairs": [list(p) for p in pairs],
        "closed_form_nats": truth.tolist(),
        "peers": {},
    }
    print(
        f"  all pairs {PAIRS_D}x{PAIRS_N}: {len(pairs)} of {PAIRS_TOTAL} pairs, closed form "
        f"from each pair's population correlation ({truth.min():.4f}-{truth.max():.4f} nats; "
        f"tolerance {PAIRS_CLOSED_FORM_TOL} per pair)"
    )
    values = {}
    ok = True
    for peer in PEERS:
        if not peer.installed:
            print(f"    {peer.name:<19} not installed")
            continue
        try:
            v, dt = timed_value(pairs_call(peer, data, pairs))
        except Exception as err:
            print(f"    {peer.name:<19} ERROR {type(err).__name__}: {err}")
            entry["peers"][peer.name] = {"error": repr(err)}
            ok = False
            continue
        values[peer.name] = v
        prior[(w.key, peer.name)] = dt
        dev = float(np.max(np.abs(v - truth)))
        good = dev <= PAIRS_CLOSED_FORM_TOL
        ok &= good
        entry["peers"][peer.name] = {
            "mi_nats": v.tolist(),
            "max_abs_diff_nats": dev,
            "mean_diff_nats": float(np.mean(v - truth)),
            "seconds": dt,
        }
        print(
            f"    {peer.name:<19} max |est - closed form| = {dev:.4f}, mean diff "
            f"{np.mean(v - truth):+.4f}  ({dt:.2f} s)  {'OK' if good else 'FAILED'}"
        )
    agree = max_pairwise_diff(values)
    entry["max_abs_disagreement_nats"] = agree
    if agree is None:
        print("    agreement           n/a (fewer than two implementations)")
    else:
        good = agree <= PAIRS_AGREE_TOL
        ok &= good
        print(
            f"    agreement           max |a - b| = {agree:.2e} nats (tolerance "
            f"{PAIRS_AGREE_TOL})  {'OK' if good else 'FAILED'}"
        )

    # ennemi's batch: every pair, compared with ennemi's per-pair values on the subset.
    entry["batch"] = None
    if ennemi is not None and "ennemi" in values:
        predicted = prior[(w.key, "ennemi")] * PAIRS_TOTAL / len(pairs)
        if predicted > args.max_seconds:
            entry["batch"] = {"skipped": True, "predicted_seconds": predicted}
            print(
                f"    {BATCH_NAME:<19} skipped (>budget: ~{predicted:.0f} s single-threaded "
                f"predicted, --max-seconds {args.max_seconds:g})"
            )
        else:
            try:
                mat, dt = timed_value(lambda: ennemi_pairwise(data))
            except Exception as err:
                print(f"    {BATCH_NAME:<19} ERROR {type(err).__name__}: {err}")
                entry["batch"] = {"error": repr(err)}
                ok = False
            else:
                prior[(w.key, BATCH_NAME)] = dt
                sub = np.array([mat[i, j] for i, j in pairs])
                diff = float(np.max(np.abs(sub - values["ennemi"])))
                symmetric = bool(np.allclose(mat, mat.T, equal_nan=True))
                good = diff <= BATCH_TOL and symmetric
                ok &= good
                entry["batch"] = {"max_abs_diff_vs_per_pair": diff, "seconds": dt}
                print(
                    f"    {BATCH_NAME:<19} vs ennemi estimate_mi on the same pairs: max |diff| "
                    f"= {diff:.1e} (tolerance {BATCH_TOL:g}); all {PAIRS_TOTAL} pairs in "
                    f"{dt:.1f} s  {'OK' if good else 'FAILED'}"
                )
    entry["ok"] = ok
    checks[w.key] = entry
    ok_all &= ok
    print()
    return checks, ok_all


# ---------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------


def package_version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    info = compare.machine_info()
    info["packages"] = {
        p: package_version(p) for p in ("scipy", "scikit-learn", "ennemi", "infomeasure", "numba")
    }
    return info


def print_machine_info(info: dict) -> None:
    compare.print_machine_info(info)
    print("Peer packages")
    for name, version in info["packages"].items():
        print(f"  {name:<16}{version or 'not installed'}")
    missing = [p.install for p in PEERS if not p.installed]
    if missing:
        print(f"  (install the missing peers: python3 -m pip install {' '.join(missing)})")
    print(
        "Peer threads: scikit-learn n_jobs=None (1); ennemi estimate_mi and infomeasure run "
        "one thread per call;\n"
        f"  ennemi pairwise_mi uses up to os.cpu_count() = {os.cpu_count()} threads "
        "(its default max_threads=None)."
    )


# ---------------------------------------------------------------------------------------
# Criterion
# ---------------------------------------------------------------------------------------


def criterion_filter(selected: list[Workload]) -> str:
    return "^(" + "|".join(re.escape(w.key) for w in selected) + ")$"


def read_rust(criterion_dir: Path, w: Workload, not_before: float | None) -> compare.RustResult:
    if w.kind == "all_pairs":  # a bench without a parameter: <group>/<function>/new/
        path = criterion_dir / PAIRS_ID[0] / PAIRS_ID[1] / "new" / "estimates.json"
        if not path.is_file():
            return compare.RustResult(None, None, note=f"no criterion results at {path}")
        return compare.read_estimates(path, not_before)
    return compare.read_criterion(
        criterion_dir, ("ksg_mi", f"{w.d}+{w.d}", str(w.n)), not_before
    )


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def fmt_num_ms(ms: float) -> str:
    if ms >= 100:
        return f"{ms:,.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    if ms >= 1:
        return f"{ms:.2f}"
    return f"{ms:.3f}"


def fmt_cell(c: Cell | None) -> str:
    if c is None:
        return "—"
    if c.status == "ok":
        return fmt_num_ms(c.median_ms) + ("*" if c.scale != 1.0 else "")
    if c.status == "skipped":
        return "skipped (>budget)"
    return c.status


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Compare infoscope's KSG mutual-information benchmarks with scikit-learn, "
        "ennemi and infomeasure (KSG algorithm 1, k=3, max-norm, nats). The ratio is the "
        "fastest peer's median / infoscope's median (>1: infoscope is faster)."
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="only n <= 10000, fewer repeats; also passes criterion's --quick",
    )
    p.add_argument(
        "--no-rust",
        action="store_true",
        help="do not run cargo bench; only read existing criterion results (n/a if none)",
    )
    p.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers as JSON")
    p.add_argument(
        "--repeats", type=int, default=None, help="most timed repeats per case (7; --quick: 3)"
    )
    p.add_argument(
        "--min-repeats",
        type=int,
        default=None,
        help="fewest timed repeats per case, however slow (3; --quick: 1)",
    )
    p.add_argument(
        "--case-budget",
        type=float,
        default=None,
        metavar="S",
        help="seconds of repeats aimed at per case; repeats = budget / one call, clamped to "
        "[--min-repeats, --repeats] (30; --quick: 10)",
    )
    p.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        metavar="S",
        help="skip a peer on a case when one call is predicted to take longer (default 120)",
    )
    p.add_argument(
        "--pairs",
        type=int,
        default=64,
        help=f"pairs timed per peer for ksg_all_pairs, extrapolated x {PAIRS_TOTAL}/pairs "
        "(default 64)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for the generated data")
    p.add_argument(
        "--criterion-dir",
        type=Path,
        default=None,
        help="criterion output folder (default: $CARGO_TARGET_DIR/criterion or target/criterion)",
    )
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 7
    if args.min_repeats is None:
        args.min_repeats = min(args.repeats, 1 if args.quick else 3)
    if args.case_budget is None:
        args.case_budget = 10.0 if args.quick else 30.0
    if args.repeats < 1 or args.min_repeats < 1 or args.min_repeats > args.repeats:
        p.error("need 1 <= --min-repeats <= --repeats")
    if not 1 <= args.pairs <= PAIRS_TOTAL:
        p.error(f"--pairs must be between 1 and {PAIRS_TOTAL}")
    if args.max_seconds <= 0 or args.case_budget <= 0:
        p.error("--max-seconds and --case-budget must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    repo_root = BENCH_DIR.parent
    if args.criterion_dir is not None:
        criterion_dir = args.criterion_dir
    elif os.environ.get("CARGO_TARGET_DIR"):
        criterion_dir = Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    else:
        criterion_dir = repo_root / "target" / "criterion"

    info = machine_info()
    print_machine_info(info)
    print(
        f"Timing: median of {args.min_repeats}-{args.repeats} repeats per case (about "
        f"{args.case_budget:g} s of repeats each), after one warm-up call for calls under "
        f"{SLOW_CALL_S:g} s; a peer is skipped on a case when one call is predicted to exceed "
        f"{args.max_seconds:g} s\n"
    )
    selected = workloads(args.quick)

    # --- Rust first, so the peers do not compete with cargo for the CPU -----------------
    rust_status = "read existing criterion results (--no-rust)"
    cargo_rc = None
    not_before = None
    if not args.no_rust:
        not_before = time.time() - 1.0
        cargo_rc = compare.run_cargo_bench(
            repo_root, args.quick, benches=("ksg",), filters=(criterion_filter(selected),)
        )
        rust_status = f"ran cargo bench (exit status {cargo_rc})"
        print()
    rust = {w.key: read_rust(criterion_dir, w, not_before) for w in selected}

    # --- Correctness checks --------------------------------------------------------------
    pairs = pair_subset(args.pairs)
    prior: dict[tuple[str, str], float] = {}
    predictor = Predictor()
    checks, checks_ok = run_checks(args, pairs, prior, predictor)

    payload = {
        "schema_version": 1,
        "created_unix": time.time(),
        "settings": {
            "quick": args.quick,
            "repeats": args.repeats,
            "min_repeats": args.min_repeats,
            "case_budget_s": args.case_budget,
            "max_seconds": args.max_seconds,
            "pairs_timed": len(pairs),
            "seed": args.seed,
            "k": K,
            "rust": rust_status,
            "cargo_exit_status": cargo_rc,
        },
        "machine": info,
        "checks": checks,
    }

    def write_json(extra: dict) -> None:
        if args.json is None:
            return
        payload.update(extra)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}")

    if not checks_ok:
        print("error: correctness checks failed; not timing", file=sys.stderr)
        write_json({"results": []})
        return 1

    # --- Peer timings --------------------------------------------------------------------
    cells: dict[str, dict[str, Cell]] = {}
    print("Timing peers ...", flush=True)
    for w in selected:
        row: dict[str, Cell] = {}
        cells[w.key] = row
        if w.kind == "mi":
            x, y = make_mi_data(args.seed, w.d, w.n)
        else:
            data, _ = make_pairs_data(args.seed)
        for peer in PEERS:
            if not peer.installed:
                row[peer.name] = Cell("not installed")
                continue
            if not supports(peer, w):
                row[peer.name] = Cell("n/a", note="1-D x and y only")
                continue
            if w.kind == "mi":
                fn = (lambda p: lambda: p.fn(x, y))(peer)
                scale = 1.0
            else:
                fn = pairs_call(peer, data, pairs)
                scale = PAIRS_TOTAL / len(pairs)
            pred = predictor.predict(w.family, peer.name, w.n)
            if pred is not None and pred > args.max_seconds and (w.key, peer.name) not in prior:
                row[peer.name] = Cell("skipped", predicted_s=pred)
                print(f"  {w.key:<22} {peer.name:<19} skipped (~{pred:.0f} s per call predicted)")
                continue
            try:
                cell = measure(fn, prior.get((w.key, peer.name)), args)
            except Exception as err:
                row[peer.name] = Cell("error", note=f"{type(err).__name__}: {err}")
                print(f"  {w.key:<22} {peer.name:<19} error: {type(err).__name__}: {err}")
                continue
            cell.scale = scale
            cell.predicted_s = pred
            row[peer.name] = cell
            predictor.add(w.family, peer.name, w.n, statistics.median(cell.times_s))
            extra = f" (median of {len(cell.times_s)}"
            extra += f", x {scale:.2f} extrapolated)" if scale != 1.0 else ")"
            print(f"  {w.key:<22} {peer.name:<19} {fmt_num_ms(cell.median_ms)} ms{extra}", flush=True)
        if w.kind == "all_pairs":
            batch = checks[w.key].get("batch") or {}
            if (w.key, BATCH_NAME) in prior:
                try:
                    cell = measure(lambda: ennemi_pairwise(data), prior[(w.key, BATCH_NAME)], args)
                except Exception as err:
                    cell = Cell("error", note=f"{type(err).__name__}: {err}")
                row[BATCH_NAME] = cell
                if cell.status == "ok":
                    print(
                        f"  {w.key:<22} {BATCH_NAME:<19} {fmt_num_ms(cell.median_ms)} ms "
                        f"(median of {len(cell.times_s)}, all {PAIRS_TOTAL} pairs)",
                        flush=True,
                    )
            elif batch.get("skipped"):
                row[BATCH_NAME] = Cell("skipped", predicted_s=batch.get("predicted_seconds"))
            elif ennemi is None:
                row[BATCH_NAME] = Cell("not installed")
            else:
                row[BATCH_NAME] = Cell("error", note="batch check did not run")

    # --- Table -----------------------------------------------------------------------------
    columns = [p.name for p in PEERS] + [BATCH_NAME]
    order = ["scikit-learn", "ennemi", BATCH_NAME, "infomeasure"]
    headers = (
        ["workload", "infoscope (ms)"]
        + [f"{c} (ms)" for c in order]
        + ["fastest peer", "fastest peer / infoscope"]
    )
    rows = []
    records = []
    for w in selected:
        row = cells[w.key]
        r = rust[w.key]
        timed = {c: row[c] for c in columns if c in row and row[c].median_ms is not None}
        best = min(timed, key=lambda c: timed[c].median_ms) if timed else None
        best_ms = timed[best].median_ms if best else None
        rows.append(
            [w.key, "n/a" if r.median_ms is None else fmt_num_ms(r.median_ms)]
            + [fmt_cell(row.get(c)) for c in order]
            + [best or "n/a", compare.fmt_ratio(best_ms, r.median_ms)]
        )
        records.append(
            {
                "workload": w.key,
                "infoscope_median_ms": r.median_ms,
                "infoscope_ci95_ms": r.ci_ms,
                "infoscope_path": r.path,
                "infoscope_note": r.note,
                "peers": {
                    c: {
                        "status": cell.status,
                        "median_ms": cell.median_ms,
                        "times_ms": [t * 1e3 for t in cell.times_s],
                        "repeats": len(cell.times_s),
                        "extrapolation_factor": cell.scale,
                        "predicted_s": cell.predicted_s,
                        "note": cell.note,
                    }
                    for c, cell in row.items()
                },
                "fastest_peer": best,
                "fastest_peer_median_ms": best_ms,
                "ratio_fastest_peer_over_infoscope": (
                    best_ms / r.median_ms if best_ms and r.median_ms else None
                ),
            }
        )

    print()
    print(
        f"Workloads: KSG algorithm 1, k={K}, max-norm, nats. ksg_mi/<d>+<d>/<n>: I(X;Y) of "
        f"X (n x d) and Y (n x d), Y = {RHO} X + sqrt(1-{RHO}^2) noise; "
        f"ksg_all_pairs/{PAIRS_D}x{PAIRS_N}: MI of all {PAIRS_TOTAL} column pairs of a "
        f"{PAIRS_N} x {PAIRS_D} {PAIRS_FACTORS}-factor matrix."
    )
    print()
    compare.print_table(rows, headers, right={1, 2, 3, 4, 5, 7})
    print(
        f"\n* extrapolated: median time of {len(pairs)} pairs called one by one "
        f"x {PAIRS_TOTAL}/{len(pairs)} = {PAIRS_TOTAL / len(pairs):.2f}; "
        f"{BATCH_NAME} is measured on all {PAIRS_TOTAL} pairs (up to {os.cpu_count()} threads)."
    )
    print(
        "n/a: the peer has no joint multivariate KSG for X and Y; skipped (>budget): one call "
        f"predicted to take more than --max-seconds ({args.max_seconds:g} s)."
    )
    print(
        "ratio = fastest peer median / infoscope median; a value above 1× means infoscope is "
        "that many times faster."
    )
    print(f"infoscope: {rust_status}")
    for key, r in rust.items():
        if r.median_ms is not None:
            ci = f", 95% CI {r.ci_ms[0]:.3f}–{r.ci_ms[1]:.3f} ms" if r.ci_ms else ""
            print(f"  {key}: median {r.median_ms:.3f} ms{ci}  [{r.path}]")
        else:
            print(f"  {key}: n/a ({r.note})")
    for w in selected:
        for c, cell in cells[w.key].items():
            if cell.status == "error" or (cell.status == "ok" and cell.note):
                print(f"  note: {w.key} {c}: {cell.status}: {cell.note}")

    write_json({"results": records, "unit": "ms"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
