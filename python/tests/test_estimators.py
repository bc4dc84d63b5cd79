"""The estimators from Python: the same numbers as the Rust core (through the CLI), closed
forms, every memory layout and dtype, thread-count invariance, pickling."""

from __future__ import annotations

import math
import pickle
import threading
import time

import numpy as np
import pytest

import infoscope
from infoscope import errors

LN2 = math.log(2.0)


# --- the same numbers as the Rust core ------------------------------------------------------


def test_ksg_equals_the_cli(run_cli, gaussian_pair):
    x, y = gaussian_pair
    for algorithm in (1, 2):
        ref = run_cli("estimate", method="ksg", k=4, algorithm=algorithm, x=x, y=y)
        est = infoscope.Ksg(k=4, algorithm=algorithm).estimate(x, y)
        assert est.nats == ref["estimate"]["value_nats"]
        assert est.config == ref["estimate"]["config"]
        assert est.diagnostics == ref["estimate"]["diagnostics"]


def test_ksg_conditional_and_jitter_equal_the_cli(run_cli, rng):
    z = rng.normal(size=(500, 1))
    x = z + 0.5 * rng.normal(size=(500, 1))
    y = z + x + 0.5 * rng.normal(size=(500, 1))
    ref = run_cli("estimate", method="ksg", x=x, y=y, z=z, theiler=3)
    est = infoscope.Ksg(theiler=3).estimate_conditional(x, y, z)
    assert est.nats == ref["estimate"]["value_nats"]
    ref = run_cli("estimate", method="ksg", x=x, y=y, normalize=True, noise=1e-8, seed=7)
    est = infoscope.Ksg(normalize=True, noise=1e-8, seed=7).estimate(x, y)
    assert est.nats == ref["estimate"]["value_nats"]


def test_ksg_ties_rules_equal_the_cli(run_cli, rng):
    """Tied data (a 0.5 grid): the default jitters the tied columns and says so; ``gao``
    keeps the ties; both equal the CLI to the last bit."""
    x = np.round(2 * rng.normal(size=(600, 1))) / 2
    y = np.round(2 * (x + rng.normal(size=(600, 1)))) / 2
    for ties in ("jitter", "gao"):
        ref = run_cli("estimate", method="ksg", x=x, y=y, ties=ties, seed=3)
        est = infoscope.Ksg(ties=ties, seed=3).estimate(x, y)
        assert est.nats == ref["estimate"]["value_nats"]
        assert est.config["ties"] == ties
    jittered = infoscope.Ksg().estimate(x, y)
    assert jittered.diagnostics["jittered_columns"] == 2
    assert jittered.diagnostics["zero_distance_fraction"] == 0.0
    assert any("jitter" in w for w in jittered.warnings)
    kept = infoscope.Ksg(ties="gao").estimate(x, y)
    assert kept.diagnostics["jittered_columns"] == 0
    assert kept.diagnostics["zero_distance_fraction"] > 0.0
    with pytest.raises(errors.InvalidParameterError, match="ties"):
        infoscope.Ksg(ties="shuffle")


def test_gaussian_kl_binned_equal_the_cli(run_cli, gaussian_pair, rng):
    x, y = gaussian_pair
    assert (
        infoscope.Gaussian(ridge=0.1).estimate(x, y).nats
        == run_cli("estimate", method="gaussian", ridge=0.1, x=x, y=y)["estimate"]["value_nats"]
    )
    assert (
        infoscope.KozachenkoLeonenko(k=5).entropy(x).nats
        == run_cli("estimate", method="kl", k=5, x=x)["estimate"]["value_nats"]
    )
    labels = (y[:, 0] > 0).astype(np.int64) + (y[:, 0] > 1)
    ref = run_cli("estimate", method="binned", bins="unit-minmax:3", correction="miller-madow", x=x, y=labels)
    est = infoscope.Binned(policy="unit-minmax:3", correction="miller-madow").estimate(x, labels)
    assert est.nats == ref["estimate"]["value_nats"]
    assert est.method == "binned" and ref["estimate"]["method"] == "binned"
    ref = run_cli("estimate", method="binned", bins="quantile:4", x=x, y=y)
    assert infoscope.Binned(policy="quantile:4").estimate(x, y).nats == ref["estimate"]["value_nats"]


def test_significance_equals_the_cli(run_cli, gaussian_pair):
    x, y = gaussian_pair
    ref = run_cli(
        "estimate", method="ksg", x=x, y=y, permutations=39, bootstrap=20, seed=3, unit="nats"
    )
    t = infoscope.Ksg(seed=3).surrogate_test(x, y, n_surrogates=39, seed=3)
    assert t.p_value == ref["significance"]["p_value"] == 1 / 40
    assert t.null_mean == ref["significance"]["null_mean"]
    assert t.null_std == ref["significance"]["null_std"]
    ci = infoscope.Ksg(seed=3).bootstrap_ci(x, y, n_resamples=20, seed=3)
    assert (ci.lower, ci.upper) == (ref["interval"]["lower"], ref["interval"]["upper"])


def test_kt_equals_the_cli(run_cli, rng):
    labels = rng.integers(0, 4, size=300)
    h = rng.normal(size=(300, 5)) + labels[:, None] * 0.7
    ref = run_cli(
        "estimate", method="kt", noise_var=0.5, x=h, labels=labels, permutations=19, seed=2, unit="nats"
    )
    kt = infoscope.KolchinskyTracey(noise_var=0.5)
    b = kt.mi_label_bounds(h, labels)
    assert b.nats == (ref["lower"]["value_nats"], ref["upper"]["value_nats"])
    t = kt.label_surrogate_test(h, labels, n_surrogates=19, seed=2)
    assert t.lower.p_value == ref["significance"]["lower"]["p_value"]
    assert t.upper.null_mean == ref["significance"]["upper"]["null_mean"]


def test_per_unit_test_equals_the_cli(run_cli, rng, tmp_path):
    labels = rng.integers(0, 3, size=400)
    h = rng.normal(size=(400, 6))
    h[:, 2] += labels
    out = tmp_path / "pu.json"
    run_cli(
        "estimate", method="binned", bins="unit-minmax:2", x=h, y=labels, per_unit=True,
        permutations=199, seed=5, out=out,
    )
    import json

    ref = json.loads(out.read_text())
    t = infoscope.Binned(policy=2).per_unit_test(h, labels, n_surrogates=199, seed=5)
    assert t.mi.values.tolist() == ref["nats"]["values"]
    assert t.q_values.tolist() == ref["significance"]["q_values"]
    assert t.significant(0.05).tolist() == ref["significance"]["significant"] == [2]


def test_pairwise_equals_the_cli(run_cli, rng, tmp_path):
    a = rng.normal(size=(300, 4))
    a[:, 1] += a[:, 0]
    out = tmp_path / "mi.npy"
    run_cli("pairwise", a=a, out=out, unit="nats")
    p = infoscope.Ksg().pairwise(a)
    np.testing.assert_array_equal(p.nats, np.load(out))
    assert p.values.shape == (4, 4) and np.isnan(p.values[0, 0])
    assert p.values[0, 1] == p.values[1, 0] > 0.3


# --- closed forms and properties --------------------------------------------------------------


def test_idnns_example_and_units():
    t = np.array([[-0.95], [-0.90], [0.50], [0.97]])
    y = np.array([0, 0, 1, 1])
    e = infoscope.Binned(policy="fixed-edges:-1:1:30").estimate(t, y)
    assert e.bits == pytest.approx(1.0, abs=1e-12)
    assert e.nats == pytest.approx(LN2, abs=1e-12)
    assert e.in_unit("bits") == e.bits and float(e) == e.nats
    assert e.to_dict("bits")["value"] == e.bits and e.to_dict()["unit"] == "nats"
    with pytest.raises(errors.InvalidParameterError):
        e.in_unit("bans")


def test_gaussian_closed_form_from_covariance():
    rho = 0.6
    cov = np.array([[1.0, rho], [rho, 1.0]])
    g = infoscope.Gaussian()
    assert g.from_covariance(cov, [0], [1]).nats == pytest.approx(-0.5 * math.log(1 - rho**2), rel=1e-12)
    assert g.from_covariance(cov, [0]).nats == pytest.approx(0.5 * math.log(2 * math.pi * math.e), rel=1e-12)


def test_plugin_closed_forms():
    p = infoscope.PlugIn()
    x = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    y = x // 2
    assert p.entropy(x).bits == pytest.approx(2.0)
    assert p.mutual_information(x, y).bits == pytest.approx(1.0)
    assert p.conditional_entropy(x, y).bits == pytest.approx(1.0)
    assert p.joint_entropy(x, y).bits == pytest.approx(2.0)
    assert p.conditional_mutual_information(x, y, y).nats == pytest.approx(0.0, abs=1e-15)
    assert infoscope.PlugIn(correction="miller_madow").config["correction"] == "miller-madow"


def test_kt_bounds_are_ordered_and_sweep_monotone(rng):
    h = rng.normal(size=(200, 3))
    kt = infoscope.KolchinskyTracey(noise_var=0.3)
    lo, hi = kt.mi_input_bounds(h).nats
    assert 0 <= lo <= hi <= math.log(200)
    s = infoscope.noise_sweep(h, [0.01, 0.1, 1.0, 10.0])
    assert np.all(np.diff(s.lower) < 0) and np.all(s.lower <= s.upper)
    assert s.lower[2] == pytest.approx(kt.__class__(1.0).mi_input_bounds(h).lower.nats, rel=1e-12)
    e_lo, e_hi = kt.entropy_bounds(h).nats
    assert e_lo <= e_hi
    ci = kt.input_bootstrap_ci(h, n_resamples=10, seed=1)
    assert ci.lower.lower <= ci.lower.upper


def test_ksg_local_values_average_to_the_estimate(gaussian_pair):
    x, y = gaussian_pair
    k = infoscope.Ksg()
    assert k.local_values(x, y).mean() == pytest.approx(k.estimate(x, y).nats, abs=1e-12)


def test_permutation_invariance_and_symmetry(gaussian_pair, rng):
    x, y = gaussian_pair
    order = rng.permutation(len(x))
    for est in (infoscope.Ksg(), infoscope.Gaussian(), infoscope.Binned(policy=4)):
        a = est.estimate(x, y).nats
        assert est.estimate(x[order], y[order]).nats == pytest.approx(a, abs=1e-12)
        assert est.estimate(y, x).nats == pytest.approx(a, abs=1e-12)


def test_functional_forms_equal_the_classes(gaussian_pair):
    x, y = gaussian_pair
    assert infoscope.mutual_information(x, y, method="ksg", k=5).nats == infoscope.Ksg(k=5).estimate(x, y).nats
    assert infoscope.entropy(x).nats == infoscope.KozachenkoLeonenko().entropy(x).nats
    assert infoscope.entropy(x, method="gaussian").nats == infoscope.Gaussian().entropy(x).nats
    z = x[:, :1]
    assert (
        infoscope.conditional_mutual_information(x[:, 1:], y, z, method="gaussian").nats
        == infoscope.Gaussian().estimate_conditional(x[:, 1:], y, z).nats
    )
    with pytest.raises(errors.InvalidParameterError) as e:
        infoscope.mutual_information(x, y, method="mine")
    assert e.value.name == "method"


def test_benjamini_hochberg_and_surrogate_orders():
    q = infoscope.benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(q, [0.04, 0.0533333333, 0.0533333333, 0.5])
    o = infoscope.surrogate_orders("permutation", 10, 3, seed=1)
    assert o.shape == (3, 10) and all(sorted(r) == list(range(10)) for r in o.tolist())
    c = infoscope.surrogate_orders("circular:3", 10, 2, seed=1)
    assert all((r[1] - r[0]) % 10 == 1 for r in c.tolist())


# --- layouts, dtypes, threads -----------------------------------------------------------------


def layouts(a: np.ndarray):
    """The same values as C order, Fortran order, a strided view, a reversed view, float32
    (exactly representable), and a list."""
    a32 = a.astype(np.float32).astype(np.float64)
    yield "c", np.ascontiguousarray(a32), a32
    yield "fortran", np.asfortranarray(a32), a32
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 3))
    big[::2, ::3] = a32
    yield "strided", big[::2, ::3], a32
    rev = a32[::-1].copy()
    yield "negative-stride", rev[::-1], a32
    yield "float32", a32.astype(np.float32), a32
    yield "list", a32.tolist(), a32
    yield "big-endian", a32.astype(">f8"), a32
    unaligned = np.frombuffer(b"\0" + np.ascontiguousarray(a32).tobytes(), dtype=np.float64, offset=1)
    assert not unaligned.flags.aligned
    yield "unaligned", unaligned.reshape(a32.shape), a32


@pytest.mark.parametrize("method", ["ksg", "gaussian", "binned"])
def test_every_layout_gives_the_same_number(method, gaussian_pair):
    x, y = gaussian_pair
    est = {"ksg": infoscope.Ksg(), "gaussian": infoscope.Gaussian(), "binned": infoscope.Binned(policy=5)}[method]
    reference = None
    for name, xv, x64 in layouts(x):
        y64 = y.astype(np.float32).astype(np.float64)
        value = est.estimate(xv, y64).nats
        expected = est.estimate(np.ascontiguousarray(x64), y64).nats
        assert value == expected, name
        reference = reference or value
    assert reference is not None


def test_integer_and_bool_inputs():
    x = np.array([0, 1, 2, 3, 0, 1, 2, 3], dtype=np.uint8)
    labels = np.array([True, False] * 4)
    e = infoscope.Binned(policy="intervals:0:3:4").estimate(x, labels)
    assert e.bits == pytest.approx(1.0)
    assert infoscope.PlugIn().entropy(x.astype(np.int16)).bits == pytest.approx(2.0)
    assert infoscope.PlugIn().entropy(np.array([0.0, 1.0, 2.0, 3.0])).bits == pytest.approx(2.0)


def test_no_copy_for_float64_views(gaussian_pair):
    """A float64 view is read in place: writing through the original after the call does
    not matter, and a read-only array is accepted."""
    x, y = gaussian_pair
    ro = x.copy()
    ro.setflags(write=False)
    assert infoscope.Ksg().estimate(ro, y).nats == infoscope.Ksg().estimate(x, y).nats


def test_threads_do_not_change_numbers(gaussian_pair, rng):
    x, y = gaussian_pair
    for threads in (1, 2, 3):
        assert infoscope.Ksg().estimate(x, y, threads=threads).nats == infoscope.Ksg().estimate(x, y).nats
        t = infoscope.Ksg().surrogate_test(x, y, n_surrogates=9, threads=threads)
        assert t.null.tolist() == infoscope.Ksg().surrogate_test(x, y, n_surrogates=9).null.tolist()
    for bad in (0, -1, 10**6):
        with pytest.raises((errors.InvalidParameterError, OverflowError)):
            infoscope.Ksg().estimate(x, y, threads=bad)


def test_the_gil_is_released(rng):
    """While one Python thread is inside a long estimate, another keeps running Python code
    (it could not if the call held the GIL)."""
    x = rng.normal(size=(20000, 3))
    y = x + rng.normal(size=(20000, 3))
    started, done = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        infoscope.Ksg().surrogate_test(x, y, n_surrogates=4, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    time.sleep(0.01)  # let the worker enter the call
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0)
    worker.join()
    assert ticks > 100, ticks


def test_concurrent_callers_each_get_their_threads(gaussian_pair):
    """Threads of one process calling with threads=1 run side by side, with the same numbers."""
    from concurrent.futures import ThreadPoolExecutor

    x, y = gaussian_pair
    with ThreadPoolExecutor(4) as ex:
        values = list(ex.map(lambda s: infoscope.Ksg(k=s).estimate(x, y, threads=1).nats, [2, 3, 4, 5] * 3))
    assert values == [infoscope.Ksg(k=s).estimate(x, y).nats for s in [2, 3, 4, 5] * 3]


def test_estimators_pickle_and_compare():
    for est in (
        infoscope.Ksg(k=5, noise=1e-8, normalize=True),
        infoscope.Binned(policy="fixed-edges:-1:1:30", correction="jackknife"),
        infoscope.Gaussian(ridge=0.5),
        infoscope.PlugIn(),
        infoscope.KozachenkoLeonenko(k=2),
        infoscope.KolchinskyTracey(noise_var=0.1),
    ):
        again = pickle.loads(pickle.dumps(est))
        assert again == est and hash(again) == hash(est) and repr(again) == repr(est)
    assert infoscope.Binned(policy=7).config["policy"] == {"kind": "per_unit_min_max", "n_bins": 7}
    assert infoscope.Ksg(noise=1e-8).config["noise"] == {"kind": "gaussian", "std": 1e-8}
    assert infoscope.Ksg.jidt_compatible().config["k"] == 4
