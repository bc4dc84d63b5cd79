"""Random malformed inputs never escape as anything but an InfoscopeError (or Python's own
TypeError for a wrong call): no panic, no crash. A seeded sweep over shapes, dtypes, special
values and parameters of every estimator entry point."""

from __future__ import annotations

import numpy as np
import pytest

import infoscope

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, 1e308, -1e-308, 5e-324]


def random_array(rng: np.random.Generator) -> object:
    kind = rng.integers(0, 9)
    n = int(rng.choice([0, 1, 2, 3, 5, 40]))
    d = int(rng.choice([0, 1, 2, 3]))
    if kind == 0:
        return rng.normal(size=(n, d))
    if kind == 1:
        a = rng.normal(size=(n, d))
        if a.size:
            a.flat[rng.integers(0, a.size)] = rng.choice(SPECIAL)
        return a
    if kind == 2:
        return rng.integers(-3, 3, size=n)
    if kind == 3:
        return np.ones((n, max(d, 1)))  # constant
    if kind == 4:
        return rng.normal(size=(n, 2, 2))  # 3-D
    if kind == 5:
        return rng.normal(size=n).astype(np.float16)
    if kind == 6:
        return np.zeros(n, dtype=bool)
    if kind == 7:
        return rng.normal(size=(n, d)).astype(">f8")[::-1]
    return [[float(v)] for v in rng.normal(size=n)]


def calls(rng: np.random.Generator):
    x, y, z = random_array(rng), random_array(rng), random_array(rng)
    k = int(rng.choice([0, 1, 3, 50]))
    yield lambda: infoscope.Ksg(k=max(k, 1), algorithm=int(rng.choice([1, 2]))).estimate(x, y)
    yield lambda: infoscope.Ksg(k=max(k, 1), theiler=int(rng.choice([0, 2, 100]))).estimate_conditional(x, y, z)
    yield lambda: infoscope.Ksg().pairwise(x)
    yield lambda: infoscope.Ksg().local_values(x, y)
    yield lambda: infoscope.KozachenkoLeonenko(k=max(k, 1)).entropy(x)
    yield lambda: infoscope.Gaussian(ridge=float(rng.choice([0.0, 1e-3]))).estimate(x, y)
    yield lambda: infoscope.Gaussian().estimate_conditional(x, y, z)
    yield lambda: infoscope.Gaussian().entropy(x)
    yield lambda: infoscope.Gaussian().from_covariance(x, [0], [1])
    yield lambda: infoscope.Binned(policy=str(rng.choice(["unit-minmax:3", "quantile:2", "width:0.5", "fixed-edges:-1:1:30"]))).estimate(x, y)
    yield lambda: infoscope.Binned().per_unit_test(x, y, n_surrogates=3)
    yield lambda: infoscope.Binned().entropy(x)
    yield lambda: infoscope.Binned().bin(x)
    yield lambda: infoscope.PlugIn(correction="jackknife").conditional_mutual_information(x, y, z)
    yield lambda: infoscope.KolchinskyTracey(noise_var=0.5).mi_label_bounds(x, y)
    yield lambda: infoscope.KolchinskyTracey(noise_var=0.5).mi_input_bounds(x, weights=z)
    yield lambda: infoscope.KolchinskyTracey(noise_var=0.5).label_surrogate_test(x, y, n_surrogates=2)
    yield lambda: infoscope.noise_sweep(x, [0.1, 1.0])
    yield lambda: infoscope.Ksg().surrogate_test(x, y, n_surrogates=2, surrogate=str(rng.choice(["permutation", "circular:1", "block:2"])))
    yield lambda: infoscope.Gaussian().bootstrap_ci(x, y, n_resamples=2)
    yield lambda: infoscope.benjamini_hochberg(x)
    yield lambda: infoscope.analyze(infoscope.Recording(hidden=x, labels=y), permutations=2)


def test_malformed_inputs_raise_typed_errors():
    rng = np.random.default_rng(2026)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(200):
        for call in calls(rng):
            try:
                call()
                outcomes["ok"] += 1
            except (infoscope.InfoscopeError, TypeError):
                outcomes["error"] += 1
            except BaseException as e:  # a PanicException derives from BaseException
                pytest.fail(f"{type(e).__module__}.{type(e).__name__}: {e}")
    assert outcomes["ok"] > 0 and outcomes["error"] > 0, outcomes
