"""A corpus of bad inputs (issue #16) through the public Python API: wrong shapes and dtypes,
NaN/Inf, empty and 0-d arrays, sizes and counts far beyond any memory, bad parameters (negative,
zero, NaN, huge, numpy scalars, wrong types), masked arrays, non-contiguous views, unknown
methods and missing files.

Each case must either succeed or raise an ``infoscope.InfoscopeError`` (or Python's own
``TypeError``/``ValueError`` for a malformed call, i.e. a wrong keyword), never a Rust panic
(``PanicException``, a ``BaseException``), a ``SystemError``, an abort or a segfault. Errors
raised for a bad argument must name it.

The cases run in a child process (one per batch, restarted after a crash) under a 2 GiB memory
budget (``INFOSCOPE_MAX_MEMORY``) and a 12 GiB address-space limit, so that a build that aborts
or would exhaust the machine is recorded as a crash instead of taking the suite down. The
corpus uses only the public API, so it runs against older builds too::

    python python/tests/test_bad_input_corpus.py          # prints the tally
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

# ---------------------------------------------------------------------------------------------
# The corpus: (label, call, names) where `names` are the argument or parameter names one of
# which an error message must mention (empty: no requirement).
# ---------------------------------------------------------------------------------------------

Case = Tuple[str, Callable[[], Any], Tuple[str, ...]]

# Sizes far beyond any machine: 10^6 columns make a d × d covariance of 8 TB.
WIDE = (10, 1_000_000)


def corpus() -> List[Case]:
    import infoscope as isc

    rng = np.random.default_rng(16)
    x = rng.normal(size=(60, 2))
    y = x[:, :1] + rng.normal(size=(60, 1))
    z = rng.normal(size=(60, 1))
    labels = (x[:, 0] > 0).astype(np.int64)
    wide = np.zeros(WIDE)
    wide[:, : WIDE[1] : 1000] = rng.normal(size=(WIDE[0], WIDE[1] // 1000))
    masked = np.ma.masked_array(x, mask=np.zeros_like(x, dtype=bool))
    masked.mask[3, 1] = True
    ymasked = np.ma.masked_array(y[:, 0], mask=np.arange(60) == 7)

    cases: List[Case] = []

    def add(label: str, call: Callable[[], Any], *names: str) -> None:
        cases.append((label, call, names))

    # Arrays of every bad kind, through each estimator's estimate(x, y).
    arrays: Dict[str, Any] = {
        "empty": np.empty((0, 2)),
        "no-columns": np.empty((60, 0)),
        "0-d": np.float64(1.0),
        "3-d": np.zeros((60, 2, 2)),
        "object": np.array([object()] * 60, dtype=object),
        "complex": np.ones(60, dtype=complex),
        "str": np.array(["a"] * 60),
        "float16": x.astype(np.float16),
        "bool": x > 0,
        "nan": np.where(np.arange(120).reshape(60, 2) == 9, np.nan, x),
        "inf": np.where(np.arange(120).reshape(60, 2) == 9, np.inf, x),
        "one-row": x[:1],
        "rows-mismatch": x[:30],
        "list-of-lists": x.tolist(),
        "ragged-list": [[1.0, 2.0], [3.0]] * 30,
        "none": None,
        "dict": {"a": 1},
        "fortran": np.asfortranarray(x),
        "strided": np.zeros((120, 4))[::2, ::2] + x,
        "reversed": x[::-1],
        "big-endian": x.astype(">f8"),
        "overflow-1e300": x * 1e300,
        "constant": np.ones((60, 2)),
        "masked": masked,
    }
    estimators = {
        "gaussian": lambda: isc.Gaussian(),
        "ksg": lambda: isc.Ksg(),
        "binned": lambda: isc.Binned(),
    }
    for ename, make in estimators.items():
        for aname, a in arrays.items():
            add(f"{ename}.estimate(x={aname})", lambda make=make, a=a: make().estimate(a, y), "x", "y")
    for aname in ("nan", "object", "3-d", "masked", "none"):
        a = arrays[aname]
        add(f"kl.entropy(x={aname})", lambda a=a: isc.KozachenkoLeonenko().entropy(a), "x")
        add(f"kt.entropy_bounds(h={aname})", lambda a=a: isc.KolchinskyTracey(noise_var=0.1).entropy_bounds(a), "h", "x")
        add(f"ksg.cmi(z={aname})", lambda a=a: isc.Ksg().estimate_conditional(x, y, a), "z")
        add(f"binned.per_unit(labels={aname})", lambda a=a: isc.Binned().per_unit(x, a), "labels")
    add("ksg.estimate(y=masked)", lambda: isc.Ksg().estimate(x, ymasked), "y")
    add("gaussian.estimate(y=masked)", lambda: isc.Gaussian().estimate(x, ymasked), "y")

    # Sizes and counts beyond any memory.
    add("gaussian.estimate(10 x 10^6)", lambda: isc.Gaussian().estimate(wide, wide[:, :1]), "x")
    add("gaussian.entropy(10 x 10^6)", lambda: isc.Gaussian().entropy(wide), "x")
    add("gaussian.cmi(z=10 x 10^6)", lambda: isc.Gaussian().estimate_conditional(wide[:, :1], wide[:, 1:2], wide), "z")
    add("gaussian(ridge).estimate(10 x 10^6)", lambda: isc.Gaussian(ridge=0.1).estimate(wide, wide[:, :1]), "x")
    add("ksg.pairwise(10 x 10^6)", lambda: isc.Ksg().pairwise(wide), "a")
    add("ksg.pairwise(a, b 10 x 10^6)", lambda: isc.Ksg().pairwise(wide, wide), "a", "b")
    add("binned.per_unit_test(n_surrogates=10**12)", lambda: isc.Binned().per_unit_test(x, labels, n_surrogates=10**12), "n_surrogates")
    add("binned.surrogate_test(n_surrogates=10**12)", lambda: isc.Binned().surrogate_test(x, labels, n_surrogates=10**12), "n_surrogates")
    add("gaussian.surrogate_test(n_surrogates=10**9)", lambda: isc.Gaussian().surrogate_test(x, y, n_surrogates=10**9), "n_surrogates")
    add("gaussian.bootstrap_ci(n_resamples=10**12)", lambda: isc.Gaussian().bootstrap_ci(x, y, n_resamples=10**12), "n_resamples")
    add("kt.label_surrogate_test(n_surrogates=10**12)", lambda: isc.KolchinskyTracey(noise_var=0.1).label_surrogate_test(x, labels, n_surrogates=10**12), "n_surrogates")
    add("kt.label_bootstrap_ci(n_resamples=10**12)", lambda: isc.KolchinskyTracey(noise_var=0.1).label_bootstrap_ci(x, labels, n_resamples=10**12), "n_resamples")
    add("surrogate_orders(10**6 rows, 10**9)", lambda: isc.surrogate_orders("permutation", 10**6, 10**9), "n_surrogates")
    add("surrogate_orders(n=10**15, 2)", lambda: isc.surrogate_orders("permutation", 10**15, 2), "n")
    add("surrogate_orders(n_surrogates=-1)", lambda: isc.surrogate_orders("permutation", 10, -1), "n_surrogates")
    add("surrogate_orders(n_surrogates=2**64)", lambda: isc.surrogate_orders("permutation", 10, 2**64), "n_surrogates")
    add("kt.entropy_bounds(10**6 x 1)", lambda: isc.KolchinskyTracey(noise_var=0.1, tile=10**6).entropy_bounds(np.zeros((10**6, 1))), "h", "tile")
    add("binned.estimate(10 x 10^6)", lambda: isc.Binned().estimate(wide, wide[:, :1]), "x")
    add("noise_sweep(10**8 noise vars)", lambda: isc.noise_sweep(x, np.ones(10**8, dtype=np.float32)), "noise_vars")
    # Binary networks (issue #17): state spaces and records beyond the budget.
    add("BinaryNetwork(20).flux()", lambda: isc.BinaryNetwork(np.zeros((20, 20))).flux(), "network")
    add("BinaryNetwork(20).proxies()", lambda: isc.BinaryNetwork(np.zeros((20, 20))).proxies(), "network")
    add("BinaryNetwork(30).attractors()", lambda: isc.BinaryNetwork(np.zeros((30, 30))).attractors(), "weights")
    add("BinaryNetwork(63).attractors()", lambda: isc.BinaryNetwork(np.zeros((63, 63))).attractors(), "weights")
    add("BinaryNetwork.simulate(10**12)", lambda: isc.BinaryNetwork(np.zeros((3, 3))).simulate(10**12), "steps")
    add("BinaryNetwork.simulate(2**70)", lambda: isc.BinaryNetwork(np.zeros((3, 3))).simulate(2**70), "steps")
    add("BinaryNetwork(20).measure(always)", lambda: isc.BinaryNetwork(np.zeros((20, 20))).measure(exact="always", attractors="always", steps=100))
    add("BinaryNetwork(10**4)", lambda: isc.BinaryNetwork(np.zeros((10**4, 10**4), dtype=np.float32)), "weights")
    add("wdb_ensemble(n=10**6)", lambda: isc.wdb_ensemble(10**6, 1.0, 0.5, 0.0, seed=0), "n")
    add("rooks_ensemble(n=2**64)", lambda: isc.rooks_ensemble(2**64, 1.0, seed=0), "n")
    add("plugin_flux(subset of 11)", lambda: isc.plugin_flux(np.zeros((10, 12), np.uint8), list(range(11))), "subset")

    # Parameters: negative, zero, NaN, inf, huge, numpy scalars, wrong types.
    params: List[Tuple[str, Callable[[], Any], Tuple[str, ...]]] = [
        ("Ksg(k=0)", lambda: isc.Ksg(k=0), ("k",)),
        ("Ksg(k=-1)", lambda: isc.Ksg(k=-1), ("k",)),
        ("Ksg(k=2**70)", lambda: isc.Ksg(k=2**70), ("k",)),
        ("Ksg(k=1.5)", lambda: isc.Ksg(k=1.5), ("k",)),
        ("Ksg(k='3')", lambda: isc.Ksg(k="3"), ("k",)),
        ("Ksg(k=None)", lambda: isc.Ksg(k=None), ("k",)),
        ("Ksg(k=np.int64(5))", lambda: isc.Ksg(k=np.int64(5)).estimate(x, y), ("k",)),
        ("Ksg(k=np.uint8(3))", lambda: isc.Ksg(k=np.uint8(3)).estimate(x, y), ("k",)),
        ("Ksg(normalize=np.bool_(True))", lambda: isc.Ksg(normalize=np.bool_(True)).estimate(x, y), ("normalize",)),
        ("Ksg(noise=nan)", lambda: isc.Ksg(noise=float("nan")), ("noise",)),
        ("Ksg(noise=inf)", lambda: isc.Ksg(noise=float("inf")), ("noise",)),
        ("Ksg(noise=-1)", lambda: isc.Ksg(noise=-1.0), ("noise",)),
        ("Ksg(noise=1e308).estimate", lambda: isc.Ksg(noise=1e308).estimate(x, y), ("noise",)),
        ("Ksg(noise=1e200).estimate(x*1e200)", lambda: isc.Ksg(noise=1e200).estimate(x * 1e200, y), ("noise",)),
        ("Ksg(noise=np.float32(1e-8))", lambda: isc.Ksg(noise=np.float32(1e-8)).estimate(x, y), ("noise",)),
        ("Ksg(theiler=-1)", lambda: isc.Ksg(theiler=-1), ("theiler",)),
        ("Ksg(theiler=10**6).estimate", lambda: isc.Ksg(theiler=10**6).estimate(x, y), ("theiler", "Theiler")),
        ("Ksg(k=1000).estimate", lambda: isc.Ksg(k=1000).estimate(x, y), ("k", "x")),
        ("Ksg(algorithm=3)", lambda: isc.Ksg(algorithm=3), ("algorithm",)),
        ("Ksg(search='magic')", lambda: isc.Ksg(search="magic"), ("search",)),
        ("Ksg(ties='x')", lambda: isc.Ksg(ties="x"), ("ties",)),
        ("Ksg(seed=-1)", lambda: isc.Ksg(seed=-1), ("seed",)),
        ("Ksg(seed=np.int64(3))", lambda: isc.Ksg(seed=np.int64(3)).estimate(x, y), ("seed",)),
        ("Gaussian(ridge=-1)", lambda: isc.Gaussian(ridge=-1.0), ("ridge",)),
        ("Gaussian(ridge=nan)", lambda: isc.Gaussian(ridge=float("nan")), ("ridge",)),
        ("Gaussian(ridge=inf)", lambda: isc.Gaussian(ridge=float("inf")), ("ridge",)),
        ("Gaussian(ridge=np.float32(.1))", lambda: isc.Gaussian(ridge=np.float32(0.1)).estimate(x, y), ("ridge",)),
        ("Gaussian(ridge=np.float64(nan))", lambda: isc.Gaussian(ridge=np.float64("nan")), ("ridge",)),
        ("Gaussian(ridge='a')", lambda: isc.Gaussian(ridge="a"), ("ridge",)),
        ("Gaussian(ridge=[1])", lambda: isc.Gaussian(ridge=[1]), ("ridge",)),
        ("Gaussian(ridge=np.array(0.1))", lambda: isc.Gaussian(ridge=np.array(0.1)).estimate(x, y), ("ridge",)),
        ("Binned(policy='bogus')", lambda: isc.Binned(policy="bogus"), ("policy",)),
        ("Binned(policy='unit-minmax:0')", lambda: isc.Binned(policy="unit-minmax:0"), ("policy", "bins")),
        ("Binned(policy='unit-minmax:1000000000000')", lambda: isc.Binned(policy="unit-minmax:1000000000000").estimate(x, y), ("policy", "bins", "x")),
        ("Binned(policy=np.str_)", lambda: isc.Binned(policy=np.str_("unit-minmax:3")).estimate(x, y), ("policy",)),
        ("Binned(policy=None)", lambda: isc.Binned(policy=None), ("policy",)),
        ("PlugIn(correction='x')", lambda: isc.PlugIn(correction="x"), ("correction",)),
        ("KolchinskyTracey(noise_var=0)", lambda: isc.KolchinskyTracey(noise_var=0.0), ("noise_var",)),
        ("KolchinskyTracey(noise_var=nan)", lambda: isc.KolchinskyTracey(noise_var=float("nan")), ("noise_var",)),
        ("KolchinskyTracey(noise_var=-1)", lambda: isc.KolchinskyTracey(noise_var=-1.0), ("noise_var",)),
        ("KolchinskyTracey(noise_var=np.float16(1))", lambda: isc.KolchinskyTracey(noise_var=np.float16(1.0)).entropy_bounds(x), ("noise_var",)),
        ("KolchinskyTracey(tile=0)", lambda: isc.KolchinskyTracey(noise_var=1.0, tile=0), ("tile",)),
        ("KolchinskyTracey(tile=np.int32(8))", lambda: isc.KolchinskyTracey(noise_var=1.0, tile=np.int32(8)).entropy_bounds(x), ("tile",)),
        ("KozachenkoLeonenko(k=0)", lambda: isc.KozachenkoLeonenko(k=0), ("k",)),
        ("Estimator('nope')", lambda: isc.Estimator("nope"), ("method", "nope")),
        ("Estimator('ksg', bogus=1)", lambda: isc.Estimator("ksg", bogus=1), ("bogus",)),
        ("Estimator(None)", lambda: isc.Estimator(None), ("method",)),
        ("Estimator('ksg', k=np.int16(4))", lambda: isc.Estimator("ksg", k=np.int16(4)).estimate(x, y), ("k",)),
        ("mutual_information(method='nope')", lambda: isc.mutual_information(x, y, method="nope"), ("method", "nope")),
        ("estimate(quantity='bogus')", lambda: isc.Estimator("ksg").estimate(x, y, quantity="bogus"), ("quantity",)),
        ("ksg input_information", lambda: isc.Estimator("ksg").estimate(x, quantity="input_information"), ("input", "ksg")),
        ("threads=0", lambda: isc.Ksg().estimate(x, y, threads=0), ("threads",)),
        ("threads=-1", lambda: isc.Ksg().estimate(x, y, threads=-1), ("threads",)),
        ("threads=10**6", lambda: isc.Ksg().estimate(x, y, threads=10**6), ("threads",)),
        ("threads=np.int64(2)", lambda: isc.Ksg().estimate(x, y, threads=np.int64(2)), ("threads",)),
        ("surrogate_test(n_surrogates=0)", lambda: isc.Gaussian().surrogate_test(x, y, n_surrogates=0), ("n_surrogates",)),
        ("surrogate_test(n_surrogates=-1)", lambda: isc.Gaussian().surrogate_test(x, y, n_surrogates=-1), ("n_surrogates",)),
        ("surrogate_test(n_surrogates=np.int64(9))", lambda: isc.Gaussian().surrogate_test(x, y, n_surrogates=np.int64(9)), ("n_surrogates",)),
        ("surrogate_test(surrogate='bogus')", lambda: isc.Gaussian().surrogate_test(x, y, surrogate="bogus"), ("surrogate",)),
        ("surrogate_test(surrogate='circular:0')", lambda: isc.Gaussian().surrogate_test(x, y, surrogate="circular:0"), ("min_shift", "surrogate")),
        ("surrogate_test(surrogate='block:1000')", lambda: isc.Gaussian().surrogate_test(x, y, surrogate="block:1000"), ("block", "surrogate")),
        ("surrogate_test(seed=-1)", lambda: isc.Gaussian().surrogate_test(x, y, seed=-1), ("seed",)),
        ("bootstrap_ci(level=nan)", lambda: isc.Gaussian().bootstrap_ci(x, y, level=float("nan")), ("level",)),
        ("bootstrap_ci(level=1.5)", lambda: isc.Gaussian().bootstrap_ci(x, y, level=1.5), ("level",)),
        ("bootstrap_ci(level=np.float32(.9))", lambda: isc.Gaussian().bootstrap_ci(x, y, level=np.float32(0.9), n_resamples=20), ("level",)),
        ("bootstrap_ci(n_resamples=1)", lambda: isc.Gaussian().bootstrap_ci(x, y, n_resamples=1), ("n_resamples",)),
        ("per_unit_test(n_surrogates=0)", lambda: isc.Binned().per_unit_test(x, labels, n_surrogates=0), ("n_surrogates",)),
        ("Binned.estimate(y_kind='bogus')", lambda: isc.Binned().estimate(x, labels, y_kind="bogus"), ("y_kind",)),
        ("benjamini_hochberg([nan])", lambda: isc.benjamini_hochberg([float("nan")]), ("p_values",)),
        ("benjamini_hochberg([2.0])", lambda: isc.benjamini_hochberg([2.0]), ("p_values",)),
        ("benjamini_hochberg(2-d)", lambda: isc.benjamini_hochberg(np.zeros((2, 2))), ("p_values",)),
        ("benjamini_hochberg(str)", lambda: isc.benjamini_hochberg("abc"), ("p_values",)),
        ("surrogate_orders('bogus')", lambda: isc.surrogate_orders("bogus", 10, 2), ("surrogate",)),
        ("surrogate_orders(n=0)", lambda: isc.surrogate_orders("permutation", 0, 2), ("n",)),
        ("noise_sweep([nan])", lambda: isc.noise_sweep(x, [float("nan")]), ("noise_vars", "noise_var")),
        ("noise_sweep([-1])", lambda: isc.noise_sweep(x, [-1.0]), ("noise_vars", "noise_var")),
        ("noise_sweep([])", lambda: isc.noise_sweep(x, []), ("noise_vars", "noise_var")),
        ("from_covariance(nan)", lambda: isc.Gaussian().from_covariance(np.full((2, 2), np.nan), [0], [1]), ("cov",)),
        ("from_covariance(idx out of range)", lambda: isc.Gaussian().from_covariance(np.eye(2), [0], [5]), ("y", "cov")),
        ("from_covariance(asym)", lambda: isc.Gaussian().from_covariance(np.array([[1.0, 0.5], [0.0, 1.0]]), [0], [1]), ("cov",)),
        ("Recording.load(missing)", lambda: isc.Recording.load("/nonexistent/rec.npz"), ("/nonexistent/rec.npz", "path")),
        ("Recording.load(dir)", lambda: isc.Recording.load("/"), ("path", "/")),
        ("Recording.load(not npz)", lambda: isc.Recording.load(__file__), ("path", "test_bad_input_corpus")),
        ("Recording.load(None)", lambda: isc.Recording.load(None), ()),
        ("read_experiment(missing)", lambda: isc.read_experiment("/nonexistent.toml"), ("nonexistent", "path")),
        ("analyze(missing file)", lambda: isc.analyze("/nonexistent/rec.npz"), ("nonexistent", "path")),
        ("analyze(permutations=10**9)", lambda: isc.analyze(isc.Recording(hidden=np.zeros((8, 5, 3)), labels=np.arange(8) % 2), permutations=10**9), ("permutations", "n_surrogates")),
        ("analyze(permutations=-1)", lambda: isc.analyze(isc.Recording(hidden=np.zeros((8, 5, 3)), labels=np.arange(8) % 2), permutations=-1), ("permutations",)),
        ("analyze(bogus=1)", lambda: isc.analyze(isc.Recording(hidden=np.zeros((8, 5, 3)), labels=np.arange(8) % 2), bogus=1), ("bogus",)),
        ("Recording(hidden=2-d)", lambda: isc.analyze(isc.Recording(hidden=np.zeros((8, 5)), labels=np.arange(8) % 2)), ("hidden",)),
        ("Recording(hidden=nan)", lambda: isc.analyze(isc.Recording(hidden=np.full((8, 5, 3), np.nan), labels=np.arange(8) % 2)), ("hidden", "nan", "NaN")),
        ("labels above 2**53", lambda: isc.Binned().mutual_information_with_labels(x[:, :1], np.where(labels > 0, 2**53 + 1, 2**53)), ("labels",)),
        ("labels uint64 max", lambda: isc.Binned().per_unit(x, np.full(60, 2**64 - 1, dtype=np.uint64)), ("labels",)),
        ("labels float 0.5", lambda: isc.Binned().per_unit(x, np.full(60, 0.5)), ("labels",)),
    ]
    for label, call, names in params:
        add(label, call, *names)
    return cases


# ---------------------------------------------------------------------------------------------
# Running: one child process per batch, restarted after a crash.
# ---------------------------------------------------------------------------------------------


def classify(e: BaseException) -> str:
    import infoscope

    if isinstance(e, infoscope.InfoscopeError):
        return "InfoscopeError:" + type(e).__name__
    if type(e).__name__ == "PanicException":
        return "PanicException"
    if isinstance(e, SystemError):
        return "SystemError"
    if isinstance(e, (TypeError, ValueError)):
        return "Python:" + type(e).__name__
    return "other:" + type(e).__name__


def child(start: int) -> None:
    """Run the cases from `start`, one JSON line each, flushing after every case."""
    cases = corpus()
    for i in range(start, len(cases)):
        label, call, names = cases[i]
        print(json.dumps({"start": i}), flush=True)
        try:
            call()
            out = {"i": i, "label": label, "kind": "ok", "message": "", "named": True}
        except BaseException as e:  # noqa: BLE001 - a panic is a BaseException
            msg = str(e)
            named = not names or any(n in msg for n in names)
            out = {"i": i, "label": label, "kind": classify(e), "message": msg[:300], "named": named}
        print(json.dumps(out), flush=True)


def _limits() -> None:  # pragma: no cover - runs in the child
    import resource

    cap = 12 << 30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


CASE_TIMEOUT = 60.0


def run_corpus() -> List[Dict[str, Any]]:
    """Every case in child processes: a child that crashes or hangs on a case (more than
    ``CASE_TIMEOUT`` seconds) is recorded against that case and replaced by a fresh one."""
    import selectors
    import time

    env = dict(os.environ, INFOSCOPE_MAX_MEMORY="2G")
    labels = [c[0] for c in corpus()]
    results: List[Dict[str, Any]] = []
    start = 0
    while start < len(labels):
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            preexec_fn=_limits,
        )
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        current: Optional[int] = None
        deadline = time.monotonic() + CASE_TIMEOUT
        failure = ""
        while True:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                proc.kill()
                failure = f"timeout({CASE_TIMEOUT:.0f}s)"
                break
            line = proc.stdout.readline()
            if not line:
                break
            rec = json.loads(line)
            if "start" in rec:
                current = rec["start"]
                deadline = time.monotonic() + CASE_TIMEOUT
            else:
                results.append(rec)
                current = None
        rc = proc.wait()
        stderr = proc.stderr.read() if proc.stderr else ""
        if current is None:
            if rc != 0 and not failure:
                raise RuntimeError(f"corpus child failed outside a case: {stderr[-2000:]}")
            if not failure:
                break
        assert current is not None
        tail = stderr.strip().splitlines()[-1][:300] if stderr.strip() else ""
        results.append({
            "i": current, "label": labels[current], "kind": failure or f"crash(rc={rc})",
            "message": tail, "named": False,
        })
        start = current + 1
    return results


def tally(results: List[Dict[str, Any]]) -> str:
    kinds = Counter(r["kind"] for r in results)
    lines = [f"bad-input corpus: {len(results)} inputs tried"]
    lines += [f"  {n:4d}  {k}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
    unnamed = [r for r in results if not r["named"]]
    lines.append(f"  {len(unnamed):4d}  errors whose message names no argument")
    return "\n".join(lines)


BAD = ("PanicException", "SystemError", "crash", "timeout", "other:")


def test_bad_input_corpus() -> None:
    results = run_corpus()
    print("\n" + tally(results))
    assert len(results) >= 100
    bad = [r for r in results if r["kind"].startswith(BAD)]
    assert not bad, "\n".join(f"{r['label']}: {r['kind']}: {r['message']}" for r in bad)
    unnamed = [r for r in results if not r["named"]]
    assert not unnamed, "\n".join(f"{r['label']}: {r['kind']}: {r['message']}" for r in unnamed)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        rs = run_corpus()
        for r in rs:
            print(f"{r['kind']:40s} {'' if r['named'] else '[unnamed] '}{r['label']}: {r['message'][:160]}")
        print(tally(rs))
