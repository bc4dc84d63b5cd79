"""The information flux of stochastic binary recurrent networks (Metzner et al. 2024; SPEC.md §7).

A :class:`BinaryNetwork` holds weights ``W`` (N × N, row i = neuron i's incoming weights),
biases ``b``, the coding of the states in the fields (``"binary"``: y ∈ {0, 1}, or ``"spin"``:
2y − 1), the update (``"synchronous"`` or ``"asynchronous"``) and the temperature T:
P(y_i(t+1) = 1 | y(t)) = σ((Σ_j W_ij u(y_j) + b_i) / T). A state is an integer whose bit i is
neuron i, so π and every distribution over states is an array of 2^N entries.

Information values are in nats, with the same value in bits beside it (``information_nats``,
``information_bits``); correlation proxies have no unit. Every random draw is seeded, and no
result depends on ``threads``.

>>> import numpy as np, infoscope
>>> net = infoscope.BinaryNetwork([[4.0]], [-2.0])     # one neuron: w = 4, b = -2
>>> round(net.flux().information_bits, 6)
0.472935
>>> w = 5.0 * np.roll(np.eye(3), 1, axis=0)              # the 3-neuron shift register
>>> shift = infoscope.BinaryNetwork(w, -w.sum(axis=1) / 2)
>>> p = shift.proxies()
>>> round(p.lagged_all.value, 6), round(p.equal_time.value, 6)
(0.489757, 0.0)
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

from . import _core, _params
from ._results import LN2, Record

__all__ = [
    "BinaryNetwork",
    "Flux",
    "StationaryFlux",
    "Rms",
    "Proxies",
    "Attractors",
    "PermutationStructure",
    "PluginFlux",
    "EvolutionResult",
    "plugin_flux",
    "wdb_ensemble",
    "rooks_ensemble",
    "evolve",
    "read_flux_experiment",
    "run_flux_experiment",
    "write_flux_report",
]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Flux:
    """I[x(t); x(t+1)] = H(x(t+1)) − H(x(t+1) | x(t)), in nats and in bits."""

    #: I[x(t); x(t+1)], nats.
    information_nats: float
    #: I[x(t); x(t+1)], bits.
    information_bits: float
    #: H(x(t+1)), nats.
    next_entropy_nats: float
    #: H(x(t+1)), bits.
    next_entropy_bits: float
    #: H(x(t+1) | x(t)), nats (the entropy rate at stationarity).
    conditional_entropy_nats: float
    #: H(x(t+1) | x(t)), bits.
    conditional_entropy_bits: float

    @staticmethod
    def _fields(d: Mapping[str, Any]) -> Dict[str, float]:
        out: Dict[str, float] = {}
        for key in ("information", "next_entropy", "conditional_entropy"):
            nats = float(d[f"{key}_nats"])
            out[f"{key}_nats"] = nats
            out[f"{key}_bits"] = nats / LN2
        return out

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "Flux":
        return cls(**cls._fields(d))


@dataclass(frozen=True, eq=False)
class StationaryFlux(Flux):
    """The flux at stationarity (x(t) ~ π), with π and how power iteration converged."""

    #: π over the 2^N states (state s: bit i is neuron i).
    stationary: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: Power iterations run (after the direct solve for N ≤ 10).
    iterations: int = 0
    #: Total variation between the last two iterates of π.
    residual: float = 0.0
    #: Estimated |λ₂|, the chain's contraction per step.
    contraction: float = 0.0


@dataclass(frozen=True)
class Rms:
    """One RMS correlation √(mean C_ij²) (no unit) and the pairs it averages."""

    #: The value; None when no pair had two varying neurons.
    value: Optional[float]
    #: Pairs counted.
    pairs: int
    #: Pairs left out because a neuron was constant.
    excluded: int

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "Rms":
        v = d["value"]
        return cls(value=None if v is None else float(v), pairs=int(d["pairs"]), excluded=int(d["excluded"]))


@dataclass(frozen=True)
class Proxies:
    """The three RMS-correlation proxies of the flux (SPEC.md §7)."""

    #: ``"exact"`` (from π and T) or ``"sampled"`` (from one seeded run).
    method: str
    #: Equal-time corr(y_i(t), y_j(t)), i ≠ j.
    equal_time: Rms
    #: Lagged corr(y_i(t), y_j(t+1)) over all (i, j).
    lagged_all: Rms
    #: Lagged, i ≠ j.
    lagged_off_diagonal: Rms
    #: How they were computed: ``iterations``, ``residual`` (exact) or ``steps``,
    #: ``burn_in``, ``seed`` (sampled).
    details: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Attractors:
    """The attractor cycles of the deterministic limit y_i' = Θ(z_i) (also the most likely
    successor at any temperature) and their basins.

    ``cycles[k]`` holds cycle k's states as integers (bit i = neuron i), from its smallest
    state in the order the map visits them; :meth:`bits` gives them as a ``[period, N]``
    array of 0/1. Cycles are ordered by the smallest state of their basin.
    """

    #: N.
    n: int
    #: Each cycle's states (int64).
    cycles: List[npt.NDArray[np.int64]]
    #: Each cycle's basin size: the states that flow into it, its own included.
    basins: npt.NDArray[np.int64]
    #: Each cycle's period (time steps).
    periods: npt.NDArray[np.int64]
    #: The mean period over cycles (time steps).
    mean_period: float
    #: The basin-weighted mean period Σ basin · period / 2^N (time steps): the period reached
    #: from a uniformly drawn initial state.
    basin_weighted_mean_period: float
    #: The longest period (time steps).
    max_period: int
    #: Period histogram, by increasing period: ``{"period", "cycles", "basin"}`` each.
    period_histogram: List[Dict[str, int]]

    def bits(self, k: int) -> npt.NDArray[np.uint8]:
        """Cycle ``k`` as a ``[period, N]`` array of 0/1 (column i = neuron i)."""
        states = self.cycles[k]
        return ((states[:, None] >> np.arange(self.n)) & 1).astype(np.uint8)

    @property
    def summary(self) -> Dict[str, Any]:
        """Number of cycles, mean periods, longest period and the histogram, as a dict."""
        return {
            "n_states": 1 << self.n,
            "n_cycles": len(self.cycles),
            "mean_period": self.mean_period,
            "basin_weighted_mean_period": self.basin_weighted_mean_period,
            "max_period": self.max_period,
            "period_histogram": self.period_histogram,
        }


@dataclass(frozen=True, eq=False)
class PermutationStructure:
    """A weight matrix's permutation structure: σ maximising Σ_i |W_{i,σ(i)}|, its cycles as
    diagonal blocks (longest first) and W reordered so that the matched weights fall on each
    block's cyclic sub- or super-diagonal."""

    #: Position p of the display shows neuron ``order[p]``.
    order: npt.NDArray[np.int64]
    #: σ(i), the matched source of neuron i.
    source: npt.NDArray[np.int64]
    #: The lengths of σ's cycles (the blocks), in display order.
    cycle_lengths: npt.NDArray[np.int64]
    #: Σ_i |W_{i,σ(i)}| / Σ_ij |W_ij| (1 for a pure N-rooks matrix).
    matched_fraction: float
    #: W reordered: ``reordered[p, q] = W[order[p], order[q]]``.
    reordered: npt.NDArray[np.float64]


@dataclass(frozen=True)
class PluginFlux:
    """The plug-in estimate of I[x_S(t); x_S(t+1)] from recorded states, nats and bits."""

    #: Plug-in H(X) + H(Y) − H(X, Y), nats (biased upwards).
    plugin_nats: float
    #: The same, bits.
    plugin_bits: float
    #: Miller–Madow corrected, nats.
    miller_madow_nats: float
    #: The same, bits.
    miller_madow_bits: float
    #: Consecutive pairs counted (T − 1).
    pairs: int

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "PluginFlux":
        p, mm = float(d["plugin_nats"]), float(d["miller_madow_nats"])
        return cls(p, p / LN2, mm, mm / LN2, int(d["pairs"]))


def _with_bits(value: Any) -> Any:
    """``value`` with a ``*_bits`` entry beside every ``*_nats`` one (recursively)."""
    if isinstance(value, list):
        return [_with_bits(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: Dict[str, Any] = {}
    for key, v in value.items():
        out[key] = _with_bits(v)
        if key.endswith("_nats") and isinstance(v, (int, float)):
            out[key[: -len("_nats")] + "_bits"] = v / LN2
    return out


class BinaryNetwork:
    """A stochastic binary recurrent network of N ≤ 65536 neurons (exact measures: N ≤ 20).

    ``bias`` is None (zeros), one number for every neuron, or N values. Refused with errors
    that name the argument: a non-square ``weights`` (``ShapeError``), a ``bias`` of the wrong
    length, NaN or infinite values (``InvalidParameterError`` naming ``weights`` or ``bias``),
    ``temperature`` ≤ 0, an unknown ``coding`` or ``update``.

    >>> import numpy as np, infoscope
    >>> net = infoscope.BinaryNetwork([[3.0]], 0.0)
    >>> f = net.flux()
    >>> round(f.information_bits, 6), round(float(f.stationary[1]), 6)   # π₁: neuron 0 on
    (0.086996, 0.913366)
    >>> net.simulate(4, seed=1).shape                                 # uint8 [steps, N]
    (4, 1)
    """

    _core: Any

    def __init__(
        self,
        weights: npt.ArrayLike,
        bias: Union[npt.ArrayLike, float, None] = None,
        *,
        coding: str = "binary",
        update: str = "synchronous",
        temperature: float = 1.0,
    ) -> None:
        self._core = _core.BinaryNetwork(weights, bias, coding, update, temperature)

    @classmethod
    def _from_core(cls, core: Any) -> "BinaryNetwork":
        net = cls.__new__(cls)
        net._core = core
        return net

    @property
    def n(self) -> int:
        """The number of neurons N."""
        return int(self._core.n)

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """W (a copy), row i = neuron i's incoming weights."""
        w: npt.NDArray[np.float64] = self._core.weights
        return w

    @property
    def bias(self) -> npt.NDArray[np.float64]:
        """b (a copy)."""
        b: npt.NDArray[np.float64] = self._core.bias
        return b

    @property
    def coding(self) -> str:
        """``"binary"`` or ``"spin"``."""
        return str(self._core.coding)

    @property
    def update(self) -> str:
        """``"synchronous"`` or ``"asynchronous"``."""
        return str(self._core.update)

    @property
    def temperature(self) -> float:
        """The temperature T."""
        return float(self._core.temperature)

    def __repr__(self) -> str:
        return (
            f"BinaryNetwork(n={self.n}, coding={self.coding!r}, update={self.update!r}, "
            f"temperature={self.temperature!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BinaryNetwork):
            return NotImplemented
        return bool(self._core.same_as(other._core))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (_rebuild, (self.weights, self.bias, self.coding, self.update, self.temperature))

    def flux(
        self, *, tolerance: float = 1e-12, max_iterations: int = 10_000, threads: Optional[int] = None
    ) -> StationaryFlux:
        """The exact stationary flux I[x(t); x(t+1)] with x(t) ~ π, and π (2^N entries).

        π is solved directly for N ≤ 10 and polished by power iteration, which stops when
        successive iterates differ by ≤ ``tolerance`` in total variation; a chain that has not
        converged after ``max_iterations`` raises ``NumericalError``. N > 20, or more memory
        than the budget, is refused (``InvalidParameterError`` naming ``network``,
        ``TooLargeError``).
        """
        d = self._core.flux(tolerance, max_iterations, threads)
        return StationaryFlux(
            **Flux._fields(d["flux"]),
            stationary=d["stationary"],
            iterations=int(d["iterations"]),
            residual=float(d["residual"]),
            contraction=float(d["contraction"]),
        )

    def transient_flux(self, p0: npt.ArrayLike, t: int, *, threads: Optional[int] = None) -> Flux:
        """I[x(t); x(t+1)] for the chain started in the distribution ``p0`` (2^N entries) at
        time 0.

        >>> import numpy as np, infoscope
        >>> net = infoscope.BinaryNetwork([[4.0]], [-2.0])
        >>> round(net.transient_flux([1.0, 0.0], 1).information_bits, 6)   # x(0) = 0 known
        0.214393
        >>> round(net.transient_flux([1.0, 0.0], 50).information_bits, 6)  # stationary
        0.472935
        """
        return Flux._from_dict(self._core.transient_flux(p0, t, threads))

    def propagate(
        self, p0: npt.ArrayLike, steps: int, *, threads: Optional[int] = None
    ) -> npt.NDArray[np.float64]:
        """The distribution ``steps`` steps after ``p0``: p0 T^steps."""
        p: npt.NDArray[np.float64] = self._core.propagate(p0, steps, threads)
        return p

    def proxies(
        self,
        method: str = "exact",
        *,
        steps: int = 100_000,
        burn_in: int = 1000,
        seed: int = 0,
        tolerance: float = 1e-12,
        max_iterations: int = 10_000,
        threads: Optional[int] = None,
    ) -> Proxies:
        """The RMS-correlation proxies: ``"exact"`` from π and T (N ≤ 20; ``tolerance`` and
        ``max_iterations`` as in :meth:`flux`), or ``"sampled"`` from one run of ``steps``
        states after ``burn_in``, seeded by ``seed`` (any N)."""
        d = self._core.proxies(method, steps, burn_in, seed, tolerance, max_iterations, threads)
        p = d["proxies"]
        details = {k: v for k, v in d.items() if k not in ("method", "proxies")}
        return Proxies(
            method=str(d["method"]),
            equal_time=Rms._from_dict(p["equal_time"]),
            lagged_all=Rms._from_dict(p["lagged_all"]),
            lagged_off_diagonal=Rms._from_dict(p["lagged_off_diagonal"]),
            details=details,
        )

    def simulate(
        self, steps: int, *, burn_in: int = 1000, seed: int = 0, threads: Optional[int] = None
    ) -> npt.NDArray[np.uint8]:
        """``steps`` states as a uint8 ``[steps, N]`` array of 0/1, after ``burn_in``
        discarded ones, from a uniform random start; seeded by ``seed``. (Asynchronous update:
        one step is one single-neuron update.) A record larger than the memory budget is
        refused with ``TooLargeError`` naming ``steps``."""
        s: npt.NDArray[np.uint8] = self._core.simulate(steps, burn_in, seed, threads)
        return s

    def attractors(self, tie: str = "on", *, threads: Optional[int] = None) -> Attractors:
        """The attractor cycles of the deterministic limit (synchronous networks, N ≤ 31 and
        the memory budget). ``tie`` settles a neuron whose field is exactly 0: ``"on"``,
        ``"off"`` or ``"keep"`` its state.

        >>> import numpy as np, infoscope
        >>> w = 10.0 * np.roll(np.eye(3), 1, axis=0)          # neuron i copies neuron i - 1
        >>> a = infoscope.BinaryNetwork(w, -5.0).attractors()
        >>> a.periods, a.basins
        (array([1, 3, 3, 1]), array([1, 3, 3, 1]))
        >>> a.bits(1)
        array([[1, 0, 0],
               [0, 1, 0],
               [0, 0, 1]], dtype=uint8)
        """
        d = self._core.attractors(tie, threads)
        starts = np.asarray(d["starts"])
        states = np.asarray(d["states"])
        cycles = [states[a:b] for a, b in zip(starts[:-1], starts[1:])]
        s = d["summary"]
        return Attractors(
            n=self.n,
            cycles=cycles,
            basins=np.asarray(d["basins"]),
            periods=np.diff(starts),
            mean_period=float(s["mean_period"]),
            basin_weighted_mean_period=float(s["basin_weighted_mean_period"]),
            max_period=int(s["max_period"]),
            period_histogram=[dict(p) for p in s["periods"]],
        )

    def measure(self, *, threads: Optional[int] = None, **config: Any) -> Dict[str, Any]:
        """Every measure of the network, each where it can be computed (the same as the
        command line's): ``exact`` (flux, proxies, convergence), ``sampled`` (proxies and the
        plug-in flux of the first ``plugin_neurons`` neurons from one seeded run),
        ``attractors`` (the summary), and ``missing``: why a measure is absent. Settings are
        the fields of the core's ``MeasureConfig`` (``exact``, ``simulate``, ``attractors``:
        ``"auto"``, ``"always"``, ``"never"``; ``exact_max_neurons``, ``tolerance``,
        ``max_iterations``, ``steps``, ``burn_in``, ``seed``, ``plugin_neurons``,
        ``attractor_max_neurons``, ``tie``). Values are in nats, with a ``*_bits`` entry
        beside every ``*_nats`` one.

        >>> import infoscope
        >>> m = infoscope.BinaryNetwork([[4.0]], [-2.0]).measure()
        >>> round(m["exact"]["flux"]["information_bits"], 6), m["sampled"], m["missing"]
        (0.472935, None, {})
        """
        return _with_bits(self._core.measure(_params.dumps(config), threads))  # type: ignore[no-any-return]

    def permutation_structure(self, layout: str = "sub-diagonal") -> PermutationStructure:
        """The permutation structure of W (N-rooks and evolved matrices): ``layout``
        ``"sub-diagonal"`` puts the matched weights at W'[p, p − 1] (the shift-register
        convention), ``"super-diagonal"`` at W'[p, p + 1]."""
        d = self._core.permutation_structure(layout)
        s = d["structure"]
        return PermutationStructure(
            order=np.asarray(s["order"], dtype=np.int64),
            source=np.asarray(s["source"], dtype=np.int64),
            cycle_lengths=np.asarray(s["cycle_lengths"], dtype=np.int64),
            matched_fraction=float(s["matched_fraction"]),
            reordered=d["reordered"],
        )


def _rebuild(
    weights: npt.NDArray[np.float64], bias: npt.NDArray[np.float64], coding: str, update: str, temperature: float
) -> BinaryNetwork:
    return BinaryNetwork(weights, bias, coding=coding, update=update, temperature=temperature)


def plugin_flux(
    states: npt.ArrayLike, subset: Sequence[int], *, threads: Optional[int] = None
) -> PluginFlux:
    """Plug-in and Miller–Madow I[x_S(t); x_S(t+1)] from recorded states ``[T, N]`` (0/1 of
    any integer, bool or float dtype, e.g. :meth:`BinaryNetwork.simulate`), for the neurons
    ``subset`` (1 to 10 of them; needs T ≫ 4^|S|).

    >>> import numpy as np, infoscope
    >>> states = (np.arange(1001) % 2).reshape(-1, 1)            # a neuron that alternates
    >>> round(infoscope.plugin_flux(states, [0]).plugin_bits, 6)
    1.0
    """
    return PluginFlux._from_dict(_core.plugin_flux(states, list(subset), threads))


def wdb_ensemble(
    n: int,
    width: float,
    density: float,
    balance: float,
    *,
    seed: int,
    index: int = 0,
    magnitude: str = "half-normal",
    diagonal: bool = False,
    bias: str = "zero",
    coding: str = "binary",
    update: str = "synchronous",
    temperature: float = 1.0,
) -> BinaryNetwork:
    """Draw ``index`` of the width–density–balance ensemble seeded with ``seed``: each weight
    non-zero with probability ``density``, positive with probability (1 + ``balance``)/2, its
    magnitude ``"half-normal"`` |N(0, width²)| or ``"uniform"`` on (0, width); no
    self-connections unless ``diagonal``. ``bias``: ``"zero"`` or ``"centered"``
    (b_i = −½ Σ_j W_ij). The same arguments give the same network.

    >>> import infoscope
    >>> a = infoscope.wdb_ensemble(5, 2.0, 0.5, 0.0, seed=3)
    >>> a == infoscope.wdb_ensemble(5, 2.0, 0.5, 0.0, seed=3), a.n
    (True, 5)
    """
    return BinaryNetwork._from_core(
        _core.wdb_ensemble(
            n, width, density, balance, seed, index, magnitude, diagonal, bias, coding, update, temperature
        )
    )


def rooks_ensemble(
    n: int,
    strength: float,
    *,
    seed: int,
    index: int = 0,
    background: float = 0.0,
    diagonal: bool = False,
    bias: str = "zero",
    coding: str = "binary",
    update: str = "synchronous",
    temperature: float = 1.0,
) -> BinaryNetwork:
    """Draw ``index`` of the N-rooks ensemble seeded with ``seed``: W = strength · P for a
    random permutation matrix P (a derangement unless ``diagonal``), plus N(0, background²)
    on the other entries. ``bias`` as in :func:`wdb_ensemble`.

    >>> import infoscope
    >>> s = infoscope.rooks_ensemble(6, 4.0, seed=1).permutation_structure()
    >>> float(s.matched_fraction), int(s.cycle_lengths.sum())
    (1.0, 6)
    """
    return BinaryNetwork._from_core(
        _core.rooks_ensemble(n, strength, seed, index, background, diagonal, bias, coding, update, temperature)
    )


@dataclass(frozen=True, eq=False)
class EvolutionResult:
    """An evolution's outcome: the trajectory, the best network and the state to resume from."""

    #: One entry per generation (from 0, the initial parents): ``generation``, ``best`` and
    #: ``mean`` (the parents' fitness after selection), ``best_offspring``,
    #: ``mean_offspring`` (NaN for generation 0), ``evaluations``, each a numpy array.
    trajectory: Dict[str, np.ndarray]
    #: The best network seen.
    best: BinaryNetwork
    #: Its fitness as selection uses it (the penalty subtracted).
    best_fitness: float
    #: Its fitness before the penalty.
    best_raw_fitness: float
    #: The strategy's settings (the core's ``EvolutionParams``).
    params: Dict[str, Any]
    #: The fitness settings.
    fitness: Dict[str, Any]
    #: The state (JSON text): pass it as ``evolve(None, more, state=...)`` to continue.
    state: str

    @property
    def generation(self) -> int:
        """The last generation done."""
        return int(self.trajectory["generation"][-1])

    def save(self, path: PathLike) -> None:
        """Write the state to ``path`` (JSON, atomically); ``evolve(None, more, state=path)``
        continues from it."""
        _core.write_evolution_state(self.state, os.fspath(path))


def _trajectory(rows: Sequence[Mapping[str, Any]]) -> Dict[str, np.ndarray]:
    def floats(key: str) -> npt.NDArray[np.float64]:
        return np.array([math.nan if r[key] is None else float(r[key]) for r in rows])

    return {
        "generation": np.array([int(r["generation"]) for r in rows], dtype=np.int64),
        "best": floats("best"),
        "mean": floats("mean"),
        "best_offspring": floats("best_offspring"),
        "mean_offspring": floats("mean_offspring"),
        "evaluations": np.array([int(r["evaluations"]) for r in rows], dtype=np.int64),
    }


Fitness = Union[str, Callable[[BinaryNetwork], float]]


def evolve(
    initial: Optional[BinaryNetwork],
    generations: int,
    *,
    fitness: Optional[Fitness] = None,
    proxy: Optional[str] = None,
    proxy_method: Optional[str] = None,
    steps: Optional[int] = None,
    burn_in: Optional[int] = None,
    proxy_seed: Optional[int] = None,
    tolerance: Optional[float] = None,
    max_iterations: Optional[int] = None,
    flux_weight: Optional[float] = None,
    period_weight: Optional[float] = None,
    period_mean: Optional[str] = None,
    tie: Optional[str] = None,
    mu: Optional[int] = None,
    lambda_: Optional[int] = None,
    selection: Optional[str] = None,
    sigma: Optional[float] = None,
    mutation: Union[str, int, None] = None,
    evolve_bias: Optional[bool] = None,
    w_max: Optional[float] = None,
    bound: Optional[str] = None,
    l2_penalty: Optional[float] = None,
    seed: Optional[int] = None,
    state: Optional[PathLike] = None,
    progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
    threads: Optional[int] = None,
) -> EvolutionResult:
    """Maximise a network's fitness by an evolution strategy on its weights (and optionally
    its biases): ``generations`` generations from ``initial``, or that many more from a saved
    ``state`` (JSON text, or the path of :meth:`EvolutionResult.save`'s file).

    **Fitness** = ``flux_weight`` (1) · flux + ``period_weight`` (0) · mean attractor period
    (``period_mean``: ``"basin-weighted"`` or ``"plain"``; time steps; ``tie`` as in
    :meth:`BinaryNetwork.attractors`). The flux term is ``fitness``:

    - ``"exact"`` (the default): the exact stationary flux, nats (``tolerance``,
      ``max_iterations``);
    - ``"proxy"``: an RMS correlation, ``proxy`` = ``"lagged-all"`` (default),
      ``"lagged-off-diagonal"`` or ``"equal-time"``, ``proxy_method`` = ``"sampled"``
      (default: one run of ``steps`` (20 000) after ``burn_in`` (1000), seeded by
      ``proxy_seed`` (0), the same for every individual) or ``"exact"``; 0 where no pair
      varies;
    - a callable ``f(net) -> float``: called with each :class:`BinaryNetwork`, one at a time
      in a fixed order (so a deterministic ``f`` gives a deterministic run; ``threads`` is
      then 1).

    **Strategy** (the core's ``EvolutionParams``): ``mu`` (1) parents, ``lambda_`` (8)
    offspring, ``selection`` ``"plus"`` (default; the best fitness never decreases) or
    ``"comma"``; each offspring adds N(0, ``sigma``²) (0.5) to ``mutation`` = ``"all"``
    (default) evolved parameters or to ``k`` of them (an int); ``evolve_bias`` (False);
    the box |θ| ≤ ``w_max`` (10; ``math.inf`` for none, which needs ``l2_penalty`` > 0)
    enforced by ``bound`` ``"clip"`` (default) or ``"reflect"``; fitness minus
    ``l2_penalty`` (0) · ‖θ‖²; ``seed`` (0). Offspring draw from streams seeded by
    (seed, generation, offspring), so runs do not depend on ``threads``, and a resumed run
    equals the uninterrupted one.

    A setting left out takes its default, or the saved state's when resuming; a setting given
    with ``state`` must agree with the saved one (else ``InvalidParameterError`` naming it).
    ``progress`` is called after each generation with a dict (``generation``, ``best``, ...);
    Ctrl-C stops at the next generation.

    >>> import numpy as np, infoscope
    >>> start = infoscope.BinaryNetwork(np.zeros((3, 3)), -0.5)
    >>> first = infoscope.evolve(start, 3, w_max=4.0, seed=1)
    >>> more = infoscope.evolve(None, 2, state=first.state)
    >>> straight = infoscope.evolve(start, 5, w_max=4.0, seed=1)
    >>> np.array_equal(more.trajectory["best"], straight.trajectory["best"]), more.generation
    (True, 5)
    """
    if initial is not None and not isinstance(initial, BinaryNetwork):
        raise TypeError(f"`initial` must be a BinaryNetwork or None, got {type(initial).__name__}")
    callable_fitness: Optional[Callable[[Any], float]] = None
    if fitness is not None and not isinstance(fitness, str):
        user = fitness

        def callable_fitness(core: Any) -> float:
            return float(user(BinaryNetwork._from_core(core)))

        fitness = "callable"
    fitness_settings = {
        "fitness": fitness,
        "proxy": proxy,
        "proxy_method": proxy_method,
        "steps": steps,
        "burn_in": burn_in,
        "proxy_seed": proxy_seed,
        "tolerance": tolerance,
        "max_iterations": max_iterations,
        "flux_weight": flux_weight,
        "period_weight": period_weight,
        "period_mean": period_mean,
        "tie": tie,
    }
    if isinstance(mutation, int) and not isinstance(mutation, bool):
        mutation_setting: Any = {"kind": "subset", "k": mutation}
    elif mutation is None:
        mutation_setting = None
    else:
        mutation_setting = {"kind": mutation}
    strategy = {
        "mu": mu,
        "lambda": lambda_,
        "selection": selection,
        "sigma": sigma,
        "mutation": mutation_setting,
        "evolve_bias": evolve_bias,
        "bound": bound,
        "l2_penalty": l2_penalty,
        "seed": seed,
    }
    params = {k: v for k, v in strategy.items() if v is not None}
    if w_max is not None:
        params["w_max"] = None if w_max == math.inf else w_max
    params_text = _params.dumps(params)
    fitness_text = _params.dumps({k: v for k, v in fitness_settings.items() if v is not None})
    state_text: Optional[str] = None
    state_path: Optional[str] = None
    if isinstance(state, str) and state.lstrip().startswith("{"):
        state_text = state
    elif state is not None:
        state_path = os.fspath(state)
    d = _core.evolve(
        None if initial is None else initial._core,
        generations,
        params_text,
        fitness_text,
        state_text,
        state_path,
        callable_fitness,
        progress,
        threads,
    )
    return EvolutionResult(
        trajectory=_trajectory(d["trajectory"]),
        best=BinaryNetwork._from_core(d["best"]),
        best_fitness=float(d["best_fitness"]),
        best_raw_fitness=float(d["best_raw_fitness"]),
        params=dict(d["params"]),
        fitness=dict(d["fitness"]),
        state=str(d["state"]),
    )


def read_flux_experiment(path: PathLike) -> Dict[str, Any]:
    """A flux experiment file (TOML with ``kind = "flux"``, e.g. ``experiments/flux.toml``),
    checked, as sections with every default filled in and network paths resolved."""
    return json.loads(_core.read_flux_experiment(os.fspath(path)))  # type: ignore[no-any-return]


def run_flux_experiment(
    experiment: Union[None, PathLike, Mapping[str, Any]] = None,
    *,
    out: Optional[PathLike] = None,
    resume: bool = False,
    progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
    threads: Optional[int] = None,
) -> Record:
    """Run a flux experiment (the flux-versus-proxy sweep, the evolution runs with the N-rooks
    reference, the networks named in it) into ``out`` (default ``runs/<name>``), as
    ``infoscope run`` does, and return its FluxResults (nats). ``experiment``: ``None`` (the
    defaults, = ``experiments/flux.toml``), a TOML file, or sections as a mapping (relative
    network paths against the working directory). ``resume=True`` continues an interrupted
    run exactly; ``progress`` sees one dict per event (``"stage"``, ``"sweep"``,
    ``"generation"``, ``"done"``). :func:`write_flux_report` draws the report."""
    if isinstance(experiment, (str, os.PathLike)):
        checked = _core.read_flux_experiment(os.fspath(experiment))
    else:
        sections = {} if experiment is None else dict(experiment)
        checked = _core.flux_experiment_check(json.dumps(sections), os.getcwd())
    name = json.loads(checked)["name"]
    target = os.fspath(out) if out is not None else os.path.join("runs", name)
    text = _core.run_flux_experiment_in(checked, target, resume, progress, threads)
    return Record(json.loads(text))


def write_flux_report(
    results: Record,
    out: PathLike,
    *,
    unit: str = "bits",
    png: bool = False,
    title: str = "infoscope flux report",
) -> str:
    """Write the flux experiment's self-contained ``report.html`` (and ``figures/``) into
    ``out``; returns the page's path."""
    return _core.write_flux_report_of(results.to_json(), os.fspath(out), unit, png, title)
