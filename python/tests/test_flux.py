"""The information flux of stochastic binary networks from Python (issue #17; SPEC.md §7):
the SPEC tables, a dense brute-force oracle, sampled against exact values, attractors of
N-rooks networks, evolution (monotone, seeded, resumable) and bad inputs named.

Reference values: SPEC.md §7 "Checkable facts" (derived there with the infoscope model:
{0, 1} states, synchronous logistic update, log2), to 1e-6 as printed.
"""

from __future__ import annotations

import json
import math
import pickle
from typing import Any, Callable

import numpy as np
import pytest

import infoscope
from infoscope import BinaryNetwork

LN2 = math.log(2.0)


def shift_register(w: float) -> BinaryNetwork:
    """SPEC §7: neuron i receives only from neuron i − 1 (cyclic), W = w·P, b = −w/2."""
    weights = w * np.roll(np.eye(3), 1, axis=0)  # W[i, i-1] = w
    assert weights[1, 0] == w and weights[0, 2] == w
    return BinaryNetwork(weights, np.full(3, -w / 2))


ANTISYMMETRIC = np.array([[0.0, 4.0, -4.0], [-4.0, 0.0, 4.0], [4.0, -4.0, 0.0]])


# --- SPEC §7 tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("w", "b", "pi1", "bits"),
    [(4, -2, 0.5, 0.472935), (-4, 2, 0.5, 0.472935), (2, -1, 0.5, 0.160058), (3, 0, 0.913366, 0.086996)],
)
def test_spec_one_neuron(w: float, b: float, pi1: float, bits: float) -> None:
    f = BinaryNetwork([[w]], [b]).flux()
    assert f.information_bits == pytest.approx(bits, abs=1e-6)
    assert f.information_nats == pytest.approx(bits * LN2, abs=1e-6)
    assert f.stationary.shape == (2,) and f.stationary[1] == pytest.approx(pi1, abs=1e-6)
    assert f.stationary.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("w", "bits", "lagged_all", "lagged_off"),
    [
        (2, 0.480175, 0.266803, 0.326766),
        (5, 1.837757, 0.489757, 0.599827),
        (10, 2.826099, 0.569622, 0.697642),
        (20, 2.997839, 0.577298, 0.707043),
    ],
)
def test_spec_shift_register(w: float, bits: float, lagged_all: float, lagged_off: float) -> None:
    net = shift_register(w)
    assert net.flux().information_bits == pytest.approx(bits, abs=1e-6)
    p = net.proxies()
    assert p.method == "exact"
    assert p.equal_time.value == pytest.approx(0.0, abs=1e-6)
    assert p.lagged_all.value == pytest.approx(lagged_all, abs=1e-6)
    assert p.lagged_off_diagonal.value == pytest.approx(lagged_off, abs=1e-6)
    assert (p.equal_time.pairs, p.lagged_all.pairs, p.lagged_off_diagonal.pairs) == (6, 9, 6)
    assert p.lagged_all.excluded == 0


def test_spec_antisymmetric() -> None:
    net = BinaryNetwork(ANTISYMMETRIC, np.zeros(3))
    assert net.flux().information_bits == pytest.approx(1.406515, abs=1e-6)
    p = net.proxies()
    assert p.equal_time.value == pytest.approx(0.302655, abs=1e-6)
    assert p.lagged_all.value == pytest.approx(0.512676, abs=1e-6)
    assert p.lagged_off_diagonal.value == pytest.approx(0.627898, abs=1e-6)


# --- a dense brute-force oracle ---------------------------------------------------------------


def dense(net: BinaryNetwork) -> tuple[np.ndarray, np.ndarray]:
    """The dense 2^N × 2^N transition matrix of a synchronous network, and π by a linear solve."""
    n = net.n
    states = (np.arange(2**n)[:, None] >> np.arange(n)) & 1  # [s, i]: bit i of state s
    u = states if net.coding == "binary" else 2 * states - 1
    z = (u @ net.weights.T + net.bias) / net.temperature  # z[s, i] = Σ_j W_ij u_j + b_i
    p = 1.0 / (1.0 + np.exp(-z))
    t = np.prod(np.where(states[None, :, :] == 1, p[:, None, :], 1.0 - p[:, None, :]), axis=2)
    a = t.T - np.eye(2**n)
    a[-1, :] = 1.0
    rhs = np.zeros(2**n)
    rhs[-1] = 1.0
    return t, np.linalg.solve(a, rhs)


def dense_flux(t: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    q = p @ t
    h_next = -np.sum(q * np.log(q))
    h_cond = -np.sum(p[:, None] * t * np.log(t))
    info = np.sum(p[:, None] * t * np.log(t / q[None, :]))
    return float(info), float(h_next), float(h_cond)


@pytest.mark.parametrize("coding", ["binary", "spin"])
def test_flux_equals_a_dense_brute_force(coding: str) -> None:
    rng = np.random.default_rng(17)
    net = BinaryNetwork(rng.normal(0, 1.5, (5, 5)), rng.normal(0, 1, 5), coding=coding, temperature=1.3)
    t, pi = dense(net)
    f = net.flux()
    info, h_next, h_cond = dense_flux(t, pi)
    np.testing.assert_allclose(f.stationary, pi, rtol=0, atol=1e-10)
    assert f.information_nats == pytest.approx(info, abs=1e-10)
    assert f.next_entropy_nats == pytest.approx(h_next, abs=1e-10)
    assert f.conditional_entropy_nats == pytest.approx(h_cond, abs=1e-10)
    assert f.information_bits == pytest.approx(info / LN2, abs=1e-10)
    # A transient: from one state, 3 steps on.
    p0 = np.zeros(32)
    p0[5] = 1.0
    p3 = p0 @ np.linalg.matrix_power(t, 3)
    np.testing.assert_allclose(net.propagate(p0, 3), p3, rtol=0, atol=1e-12)
    assert net.transient_flux(p0, 3).information_nats == pytest.approx(dense_flux(t, p3)[0], abs=1e-10)


def test_results_do_not_depend_on_threads() -> None:
    net = infoscope.wdb_ensemble(8, 2.0, 0.6, 0.0, seed=5)
    a, b = net.flux(threads=1), net.flux(threads=2)
    assert a.information_nats == b.information_nats
    assert np.array_equal(a.stationary, b.stationary)
    assert np.array_equal(net.simulate(500, seed=3, threads=1), net.simulate(500, seed=3, threads=2))


# --- sampling ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shift-register", "antisymmetric"])
def test_sampled_proxies_converge_to_the_exact_ones(name: str) -> None:
    net = shift_register(5.0) if name == "shift-register" else BinaryNetwork(ANTISYMMETRIC)
    exact = net.proxies("exact")
    sampled = net.proxies("sampled", steps=200_000, burn_in=1000, seed=0)
    assert sampled.method == "sampled" and sampled.details["steps"] == 200_000
    # 2·10⁵ steps: over seeds 0–4 the largest deviation seen was 0.0063 (the equal-time value
    # of the shift register, whose true value 0 an RMS of noisy estimates overshoots); the
    # lagged ones stayed below 0.001. Tolerance 0.02, about 3× the largest.
    for kind in ("equal_time", "lagged_all", "lagged_off_diagonal"):
        s, e = getattr(sampled, kind).value, getattr(exact, kind).value
        assert s == pytest.approx(e, abs=0.02), kind
    # The same seed, the same estimate.
    assert net.proxies("sampled", steps=200_000, seed=0) == sampled


def test_simulate_and_plugin_flux_agree_with_the_facade() -> None:
    net = shift_register(5.0)
    states = net.simulate(200_000, burn_in=1000, seed=1)
    assert states.dtype == np.uint8 and states.shape == (200_000, 3)
    assert set(np.unique(states)) <= {0, 1}
    assert np.array_equal(states, net.simulate(200_000, burn_in=1000, seed=1))
    assert not np.array_equal(states, net.simulate(200_000, burn_in=1000, seed=2))
    pf = infoscope.plugin_flux(states, [0, 1, 2])
    # The facade's run is this run: the same plug-in value to the last bit.
    m = net.measure(simulate="always", steps=200_000, burn_in=1000, seed=1, plugin_neurons=3)
    plugin = m["sampled"]["plugin"]
    assert (pf.plugin_nats, pf.miller_madow_nats, pf.pairs) == (
        plugin["plugin_nats"],
        plugin["miller_madow_nats"],
        plugin["pairs"],
    )
    assert pf.plugin_bits == pytest.approx(pf.plugin_nats / LN2, rel=1e-15)
    # 2·10⁵ pairs over 8 states: within 0.02 nats of the exact flux (bias ≈ 63/(2L)).
    assert pf.miller_madow_nats == pytest.approx(net.flux().information_nats, abs=0.02)
    # Other dtypes read the same: bool, int64, float.
    for a in (states.astype(bool), states.astype(np.int64), states.astype(float)):
        assert infoscope.plugin_flux(a, [0, 1, 2]) == pf


def test_measure_gives_every_measure_with_bits_and_missing_reasons() -> None:
    m = shift_register(5.0).measure()
    exact = m["exact"]
    assert exact["flux"]["information_bits"] == pytest.approx(1.837757, abs=1e-6)
    assert exact["flux"]["information_nats"] == pytest.approx(1.837757 * LN2, abs=1e-6)
    assert exact["proxies"]["lagged_all"]["value"] == pytest.approx(0.489757, abs=1e-6)
    assert m["attractors"]["n_cycles"] == 4 and m["sampled"] is None and m["missing"] == {}
    big = infoscope.wdb_ensemble(30, 1.0, 0.2, 0.0, seed=1).measure(steps=2000)
    assert big["exact"] is None and "exact_max_neurons" in big["missing"]["exact"]
    assert "2^N" in big["missing"]["attractors"]
    assert big["sampled"]["plugin"]["miller_madow_bits"] == pytest.approx(
        big["sampled"]["plugin"]["miller_madow_nats"] / LN2
    )


# --- attractors and structure -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rooks_attractor_periods_divide_the_permutation_cycles(seed: int) -> None:
    # Strength 6 with centred biases: z_i = 6·y_σ(i) − 3, so the deterministic limit copies
    # y_σ(i) into neuron i, a permutation of the states.
    net = infoscope.rooks_ensemble(8, 6.0, seed=seed, bias="centered")
    structure = net.permutation_structure()
    assert structure.matched_fraction == 1.0 and structure.cycle_lengths.sum() == 8
    assert np.all(np.diff(structure.cycle_lengths) <= 0)
    lcm = math.lcm(*structure.cycle_lengths.tolist())
    a = net.attractors()
    assert all(lcm % int(p) == 0 for p in a.periods)
    # A permutation of the states: every state lies on a cycle.
    assert np.array_equal(a.basins, a.periods) and a.periods.sum() == 2**8
    assert a.max_period == a.periods.max() and a.mean_period == pytest.approx(a.periods.mean())
    assert sum(h["cycles"] for h in a.period_histogram) == len(a.cycles)
    # Each cycle steps as the map does: state t+1 has y_i = y_σ(i) of state t.
    sigma = structure.source
    for k in range(len(a.cycles)):
        bits = a.bits(k)
        assert np.array_equal(np.roll(bits, -1, axis=0), bits[:, sigma])
    # The reordered matrix puts the strong weights on each block's cyclic sub-diagonal.
    w, start = structure.reordered, 0
    for length in structure.cycle_lengths:
        for p in range(length):
            assert w[start + p, start + (p - 1) % length] == 6.0
        start += length


def test_attractor_ties_and_summary() -> None:
    net = BinaryNetwork(np.zeros((2, 2)), np.zeros(2))  # every field is 0: the tie decides
    assert [c.tolist() for c in net.attractors("on").cycles] == [[3]]
    assert [c.tolist() for c in net.attractors("off").cycles] == [[0]]
    assert len(net.attractors("keep").cycles) == 4
    s = net.attractors("on").summary
    assert s["n_states"] == 4 and s["basin_weighted_mean_period"] == 1.0


# --- evolution --------------------------------------------------------------------------------


def start3() -> BinaryNetwork:
    return BinaryNetwork(np.zeros((3, 3)), np.full(3, -0.5))


def test_plus_selection_never_decreases_the_fitness() -> None:
    r = infoscope.evolve(start3(), 12, w_max=5.0, sigma=1.0, seed=4)
    best = r.trajectory["best"]
    assert len(best) == 13 and np.all(np.diff(best) >= 0)
    assert r.best_fitness == best[-1] and best[-1] > best[0]
    assert r.best.flux().information_nats == pytest.approx(r.best_raw_fitness, abs=1e-12)
    assert np.isnan(r.trajectory["best_offspring"][0]) and r.trajectory["evaluations"][-1] == 1 + 12 * 8
    assert np.abs(r.best.weights).max() <= 5.0


def test_same_seed_same_trajectory_on_any_thread_count() -> None:
    a = infoscope.evolve(start3(), 6, w_max=5.0, seed=9, threads=1)
    b = infoscope.evolve(start3(), 6, w_max=5.0, seed=9, threads=2)
    c = infoscope.evolve(start3(), 6, w_max=5.0, seed=10)
    assert a.state == b.state and a.best == b.best
    assert not np.array_equal(a.trajectory["mean"], c.trajectory["mean"])


def test_resume_equals_the_straight_run(tmp_path: Any) -> None:
    kw: dict[str, Any] = dict(w_max=4.0, mu=2, lambda_=5, sigma=0.7, mutation=4, evolve_bias=True, seed=3)
    straight = infoscope.evolve(start3(), 10, **kw)
    first = infoscope.evolve(start3(), 5, **kw)
    assert first.generation == 5
    resumed = infoscope.evolve(None, 5, state=first.state)  # settings from the state
    assert resumed.state == straight.state
    for key, v in straight.trajectory.items():
        np.testing.assert_array_equal(resumed.trajectory[key], v)
    # Through a file, with the same settings repeated and the initial network given.
    first.save(tmp_path / "state.json")
    again = infoscope.evolve(start3(), 5, state=tmp_path / "state.json", **kw)
    assert again.state == straight.state and again.best == straight.best
    # A different setting on resuming is refused by name.
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.evolve(None, 5, state=first.state, seed=4)
    assert e.value.name == "seed"
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.evolve(None, 5, state=first.state, fitness="proxy")
    assert e.value.name == "fitness"
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.evolve(BinaryNetwork(np.ones((3, 3))), 5, state=first.state)
    assert e.value.name == "initial"


def test_proxy_and_period_fitness() -> None:
    sampled = infoscope.evolve(start3(), 3, fitness="proxy", steps=2000, burn_in=100, seed=1)
    assert np.all(np.diff(sampled.trajectory["best"]) >= 0)
    assert sampled.fitness["proxy"] == "lagged-all" and sampled.fitness["proxy_method"] == "sampled"
    exact = infoscope.evolve(start3(), 3, fitness="proxy", proxy_method="exact", seed=1)
    assert exact.best_raw_fitness == pytest.approx(exact.best.proxies().lagged_all.value, abs=1e-12)
    period = infoscope.evolve(start3(), 3, flux_weight=0.0, period_weight=1.0, seed=1)
    assert period.best_raw_fitness == pytest.approx(period.best.attractors().basin_weighted_mean_period)


def test_callable_fitness_is_deterministic_and_matches_exact() -> None:
    calls: list[int] = []

    def flux(net: BinaryNetwork) -> float:
        calls.append(net.n)
        return net.flux().information_nats

    a = infoscope.evolve(start3(), 4, fitness=flux, w_max=5.0, seed=2)
    exact = infoscope.evolve(start3(), 4, w_max=5.0, seed=2)
    assert len(calls) == 1 + 4 * 8
    np.testing.assert_array_equal(a.trajectory["best"], exact.trajectory["best"])
    assert a.fitness["fitness"] == "callable"
    resumed = infoscope.evolve(None, 1, state=a.state, fitness=flux)
    assert resumed.generation == 5
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.evolve(None, 1, state=a.state)
    assert e.value.name == "fitness"


def test_callable_fitness_errors_are_raised_as_they_are() -> None:
    def bad(net: BinaryNetwork) -> float:
        raise KeyError("no fitness here")

    with pytest.raises(KeyError, match="no fitness here"):
        infoscope.evolve(start3(), 2, fitness=bad)
    with pytest.raises(infoscope.NumericalError):
        infoscope.evolve(start3(), 2, fitness=lambda net: math.nan)


def test_progress_sees_every_generation() -> None:
    seen: list[int] = []
    infoscope.evolve(start3(), 3, progress=lambda d: seen.append(d["generation"]))
    assert seen == [1, 2, 3]


# --- the network object -----------------------------------------------------------------------


def test_network_properties_equality_and_pickling() -> None:
    net = BinaryNetwork(ANTISYMMETRIC, 0.5, coding="spin", update="asynchronous", temperature=2.0)
    assert (net.n, net.coding, net.update, net.temperature) == (3, "spin", "asynchronous", 2.0)
    assert np.array_equal(net.bias, np.full(3, 0.5)) and np.array_equal(net.weights, ANTISYMMETRIC)
    copy = pickle.loads(pickle.dumps(net))
    assert copy == net and copy is not net and "asynchronous" in repr(copy)
    assert net != BinaryNetwork(ANTISYMMETRIC, 0.5, coding="spin", temperature=2.0)
    # The asynchronous chain: π is stationary under one more step.
    f = net.flux()
    np.testing.assert_allclose(net.propagate(f.stationary, 1), f.stationary, atol=1e-12)
    assert infoscope.wdb_ensemble(4, 1.0, 1.0, 0.0, seed=1, index=2) != infoscope.wdb_ensemble(
        4, 1.0, 1.0, 0.0, seed=1, index=3
    )


# --- bad inputs -------------------------------------------------------------------------------


def named(e: BaseException) -> str:
    return str(getattr(e, "name", None) or getattr(e, "argument", None))


BAD: list[tuple[str, Callable[[], Any], type, str]] = [
    ("non-square", lambda: BinaryNetwork(np.zeros((2, 3))), infoscope.ShapeError, "weights"),
    ("1-d weights", lambda: BinaryNetwork(np.zeros(3)), infoscope.ShapeError, "weights"),
    ("bias length", lambda: BinaryNetwork(np.zeros((3, 3)), np.zeros(2)), infoscope.ShapeError, "bias"),
    ("bias 2-d", lambda: BinaryNetwork(np.zeros((3, 3)), np.zeros((3, 1))), infoscope.ShapeError, "bias"),
    ("nan weight", lambda: BinaryNetwork([[math.nan]]), infoscope.InvalidParameterError, "weights"),
    ("inf bias", lambda: BinaryNetwork([[1.0]], [math.inf]), infoscope.InvalidParameterError, "bias"),
    ("complex", lambda: BinaryNetwork(np.ones((2, 2), dtype=complex)), infoscope.DTypeError, "weights"),
    ("temperature 0", lambda: BinaryNetwork([[1.0]], temperature=0.0), infoscope.InvalidParameterError, "temperature"),
    ("temperature < 0", lambda: BinaryNetwork([[1.0]], temperature=-1.0), infoscope.InvalidParameterError, "temperature"),
    ("temperature nan", lambda: BinaryNetwork([[1.0]], temperature=math.nan), infoscope.InvalidParameterError, "temperature"),
    ("coding", lambda: BinaryNetwork([[1.0]], coding="ising"), infoscope.InvalidParameterError, "coding"),
    ("update", lambda: BinaryNetwork([[1.0]], update="sometimes"), infoscope.InvalidParameterError, "update"),
    ("attractors N = 64", lambda: BinaryNetwork(np.zeros((64, 64))).attractors(), infoscope.InvalidParameterError, "weights"),
    ("exact N = 21", lambda: BinaryNetwork(np.zeros((21, 21))).flux(), infoscope.InvalidParameterError, "network"),
    ("proxies N = 21", lambda: BinaryNetwork(np.zeros((21, 21))).proxies(), infoscope.InvalidParameterError, "network"),
    ("tolerance", lambda: BinaryNetwork([[1.0]]).flux(tolerance=0.0), infoscope.InvalidParameterError, "tolerance"),
    ("max_iterations", lambda: BinaryNetwork([[1.0]]).flux(max_iterations=-1), infoscope.InvalidParameterError, "max_iterations"),
    ("p0 length", lambda: BinaryNetwork([[1.0]]).propagate([1.0], 2), infoscope.ShapeError, "p0"),
    ("p0 sum", lambda: BinaryNetwork([[1.0]]).transient_flux([0.7, 0.7], 1), infoscope.InvalidParameterError, "p0"),
    ("t negative", lambda: BinaryNetwork([[1.0]]).transient_flux([1.0, 0.0], -1), infoscope.InvalidParameterError, "t"),
    ("method", lambda: BinaryNetwork([[1.0]]).proxies("magic"), infoscope.InvalidParameterError, "method"),
    ("sampled steps", lambda: BinaryNetwork([[1.0]]).proxies("sampled", steps=1), infoscope.InvalidParameterError, "steps"),
    ("simulate huge", lambda: BinaryNetwork([[1.0]]).simulate(10**15), infoscope.TooLargeError, "steps"),
    ("simulate negative", lambda: BinaryNetwork([[1.0]]).simulate(-5), infoscope.InvalidParameterError, "steps"),
    ("seed negative", lambda: BinaryNetwork([[1.0]]).simulate(5, seed=-1), infoscope.InvalidParameterError, "seed"),
    ("tie", lambda: BinaryNetwork([[1.0]]).attractors("maybe"), infoscope.InvalidParameterError, "tie"),
    ("asynchronous attractors", lambda: BinaryNetwork([[1.0]], update="asynchronous").attractors(), infoscope.InvalidParameterError, "update"),
    ("layout", lambda: BinaryNetwork([[1.0]]).permutation_structure("diagonal"), infoscope.InvalidParameterError, "layout"),
    ("measure key", lambda: BinaryNetwork([[1.0]]).measure(stepz=3), infoscope.InvalidParameterError, "stepz"),
    ("measure value", lambda: BinaryNetwork([[1.0]]).measure(plugin_neurons=11), infoscope.InvalidParameterError, "plugin_neurons"),
    ("measure nan", lambda: BinaryNetwork([[1.0]]).measure(tolerance=math.nan), infoscope.InvalidParameterError, "tolerance"),
    ("subset range", lambda: infoscope.plugin_flux(np.zeros((10, 3), np.uint8), [3]), infoscope.InvalidParameterError, "subset"),
    ("subset negative", lambda: infoscope.plugin_flux(np.zeros((10, 3), np.uint8), [-1]), infoscope.InvalidParameterError, "subset"),
    ("subset empty", lambda: infoscope.plugin_flux(np.zeros((10, 3), np.uint8), []), infoscope.InvalidParameterError, "subset"),
    ("states 2", lambda: infoscope.plugin_flux(np.full((10, 3), 2, np.uint8), [0]), infoscope.OutOfRangeError, "states"),
    ("states 0.5", lambda: infoscope.plugin_flux(np.full((10, 3), 0.5), [0]), infoscope.OutOfRangeError, "states"),
    ("states nan", lambda: infoscope.plugin_flux(np.full((10, 3), math.nan), [0]), infoscope.NonFiniteError, "states"),
    ("states one row", lambda: infoscope.plugin_flux(np.zeros((1, 3), np.uint8), [0]), infoscope.TooFewSamplesError, "states"),
    ("states 3-d", lambda: infoscope.plugin_flux(np.zeros((4, 3, 2)), [0]), infoscope.ShapeError, "states"),
    ("wdb n 0", lambda: infoscope.wdb_ensemble(0, 1.0, 0.5, 0.0, seed=0), infoscope.InvalidParameterError, "n"),
    ("wdb n huge", lambda: infoscope.wdb_ensemble(10**9, 1.0, 0.5, 0.0, seed=0), infoscope.InvalidParameterError, "n"),
    ("wdb density", lambda: infoscope.wdb_ensemble(4, 1.0, 2.0, 0.0, seed=0), infoscope.InvalidParameterError, "density"),
    ("wdb width nan", lambda: infoscope.wdb_ensemble(4, math.nan, 0.5, 0.0, seed=0), infoscope.InvalidParameterError, "width"),
    ("wdb magnitude", lambda: infoscope.wdb_ensemble(4, 1.0, 0.5, 0.0, seed=0, magnitude="cauchy"), infoscope.InvalidParameterError, "magnitude"),
    ("wdb bias", lambda: infoscope.wdb_ensemble(4, 1.0, 0.5, 0.0, seed=0, bias="random"), infoscope.InvalidParameterError, "bias"),
    ("rooks background", lambda: infoscope.rooks_ensemble(4, 1.0, seed=0, background=-1.0), infoscope.InvalidParameterError, "background"),
    ("rooks background inf", lambda: infoscope.rooks_ensemble(4, 1.0, seed=0, background=math.inf), infoscope.InvalidParameterError, "background"),
    ("rooks n 1", lambda: infoscope.rooks_ensemble(1, 1.0, seed=0), infoscope.InvalidParameterError, "n"),
    ("rooks strength", lambda: infoscope.rooks_ensemble(4, math.nan, seed=0), infoscope.InvalidParameterError, "strength"),
    ("evolve no start", lambda: infoscope.evolve(None, 2), infoscope.InvalidParameterError, "initial"),
    ("evolve sigma", lambda: infoscope.evolve(start3(), 2, sigma=0.0), infoscope.InvalidParameterError, "sigma"),
    ("evolve sigma nan", lambda: infoscope.evolve(start3(), 2, sigma=math.nan), infoscope.InvalidParameterError, "sigma"),
    ("evolve no bound", lambda: infoscope.evolve(start3(), 2, w_max=math.inf), infoscope.InvalidParameterError, "w_max"),
    ("evolve outside box", lambda: infoscope.evolve(BinaryNetwork([[20.0]]), 2), infoscope.InvalidParameterError, "initial"),
    ("evolve fitness", lambda: infoscope.evolve(start3(), 2, fitness="magic"), infoscope.InvalidParameterError, "fitness"),
    ("evolve selection", lambda: infoscope.evolve(start3(), 2, selection="best"), infoscope.InvalidParameterError, "selection"),
    ("evolve mutation", lambda: infoscope.evolve(start3(), 2, mutation="some"), infoscope.InvalidParameterError, "mutation"),
    ("evolve mutation k", lambda: infoscope.evolve(start3(), 2, mutation=100), infoscope.InvalidParameterError, "mutation"),
    ("evolve generations", lambda: infoscope.evolve(start3(), -1), infoscope.InvalidParameterError, "generations"),
    ("evolve period_weight", lambda: infoscope.evolve(start3(), 1, period_weight=math.inf), infoscope.InvalidParameterError, "period_weight"),
    ("evolve state text", lambda: infoscope.evolve(None, 1, state="{not json"), infoscope.InvalidParameterError, "state"),
    ("evolve proxy", lambda: infoscope.evolve(start3(), 1, fitness="proxy", proxy="best"), infoscope.InvalidParameterError, "proxy"),
]


@pytest.mark.parametrize(("label", "call", "error", "name"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_raise_typed_errors_naming_the_argument(
    label: str, call: Callable[[], Any], error: type, name: str
) -> None:
    with pytest.raises(error) as e:
        call()
    assert isinstance(e.value, infoscope.InfoscopeError)
    assert named(e.value) == name, f"{label}: {e.value!r}"
    assert name in str(e.value)


def test_missing_state_file_and_memory_budget(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(infoscope.MissingFileError):
        infoscope.evolve(None, 1, state=tmp_path / "nowhere.json")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(infoscope.InfoscopeError):
        infoscope.evolve(None, 1, state=tmp_path / "other.json")
    monkeypatch.setenv("INFOSCOPE_MAX_MEMORY", "64K")
    with pytest.raises(infoscope.TooLargeError) as e:
        BinaryNetwork(np.zeros((12, 12))).flux()
    assert e.value.argument == "network"
    with pytest.raises(infoscope.TooLargeError) as e:
        BinaryNetwork([[1.0]]).simulate(100_000)
    assert e.value.argument == "steps"


def test_large_networks_are_simulated():
    """Beyond the 2^N enumerations (N = 200 here) a network is simulated: sampled proxies and
    the plug-in flux of a subset, the exact measures missing with their reason."""
    rng = np.random.default_rng(0)
    w = rng.normal(scale=0.3, size=(200, 200))
    net = BinaryNetwork(w)
    states = net.simulate(2000, seed=3)
    assert states.shape == (2000, 200) and set(np.unique(states)) <= {0, 1}
    m = net.measure(steps=5000)
    assert m["exact"] is None and "exact_max_neurons" in m["missing"]["exact"]
    assert m["sampled"]["proxies"]["lagged_all"]["value"] > 0


def test_the_flux_experiment_runs_resumes_and_reports(tmp_path):
    """The flux experiment from Python: the same results as the CLI writes, an exact resume,
    the report, and the defaults equal to experiments/flux.toml."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    defaults = infoscope.read_flux_experiment(root / "experiments" / "flux.toml")
    assert defaults["kind"] == "flux" and defaults["sweep"]["n"] == 6
    w = 5.0 * np.roll(np.eye(3), 1, axis=0)
    np.save(tmp_path / "shift.npy", w)
    sections = {
        "name": "tiny",
        "sweep": {"n": 3, "widths": [1.0, 4.0], "densities": [1.0], "balances": [0.0],
                  "networks": 4},
        "evolution": {"n": 3, "generations": 6, "runs": 1, "checkpoint_every": 3},
        "networks": [{"name": "shift", "weights": str(tmp_path / "shift.npy"),
                      "bias_rule": "centered"}],
    }
    events = []
    r = infoscope.run_flux_experiment(sections, out=tmp_path / "run", progress=events.append)
    assert {e["event"] for e in events} >= {"stage", "sweep", "generation", "done"}
    # SPEC.md §7: the shift register at w = 5 carries 1.837757 bits.
    shift = r["networks"][0]["snapshot"]["measures"]["exact"]["flux"]["information_nats"]
    assert abs(shift / np.log(2) - 1.837757) < 1e-6
    assert len(r["sweep"]["networks"]) == 8
    on_disk = json.loads((tmp_path / "run" / "results.json").read_text())
    again = infoscope.run_flux_experiment(sections, out=tmp_path / "run", resume=True)
    assert again.to_json() == r.to_json()
    assert on_disk["sweep"] == json.loads(r.to_json())["sweep"]
    page = infoscope.write_flux_report(r, tmp_path / "run", unit="nats")
    assert Path(page).is_file() and "flux_vs_proxy" in Path(page).read_text()
    with pytest.raises(infoscope.InfoscopeError, match="kind"):
        infoscope.read_flux_experiment(root / "experiments" / "go.toml")
    with pytest.raises(infoscope.InfoscopeError, match="sweep.networks"):
        infoscope.run_flux_experiment({"sweep": {"networks": 0}}, out=tmp_path / "bad")
