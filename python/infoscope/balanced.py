"""Balanced rate networks tracking Ornstein–Uhlenbeck signals (Engelken & Goedeke, NeurIPS
2022; SPEC.md §8).

The model: τ dh_i/dt = −h_i + Σ_j J_ij φ(h_j) + b·I(t) + ξ_i(t), φ = ReLU, J_ij ~ N(−b·J₀/N,
g²/N), I(t) an OU process. :func:`simulate_balanced` runs one network (the paper's Figure-1
set-up unless told otherwise); :func:`run_balanced_experiment` runs the whole experiment of
``experiments/balanced.toml`` (the information rate against b for untrained networks, and
networks trained to track S signals), as ``infoscope run`` does. Rates are in nats per τ in
the results; the report converts them. :class:`infoscope.InformationRate` measures the rate
between any pair of series.

>>> import infoscope
>>> run = infoscope.simulate_balanced(4.0, n=256, steps=2048, seed=1)
>>> run.rate.shape, run.stimulus.shape
((1, 2048), (1, 2048, 1))
>>> round(run.linear_time_constant, 2) < 1.0       # inhibition speeds the population up
True
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _core, _params
from ._results import Record

__all__ = [
    "BalancedRun",
    "simulate_balanced",
    "read_balanced_experiment",
    "run_balanced_experiment",
    "write_balanced_report",
]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True, eq=False)
class BalancedRun:
    """One simulation of a balanced network (times in units of τ)."""

    #: The integration step Δt, in τ.
    dt: float
    #: The neuronal time constant τ.
    tau: float
    #: The stimulus I(t), offset included: ``[trial, time, channel]``.
    stimulus: npt.NDArray[np.float64]
    #: The population rate ν(t) = mean_i φ(h_i(t)): ``[trial, time]``.
    rate: npt.NDArray[np.float64]
    #: Time-averaged external drive per neuron: ``[trial, neuron]``.
    mean_external: npt.NDArray[np.float64]
    #: Time-averaged recurrent current per neuron: ``[trial, neuron]``.
    mean_recurrent: npt.NDArray[np.float64]
    #: The population cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ (tightness 1/β).
    cancellation: float
    #: β per neuron.
    cancellation_per_neuron: npt.NDArray[np.float64]
    #: The linearised population time constant τ/(1 + b·J₀·f), in τ.
    linear_time_constant: float
    #: The autocorrelation time of ν(t), in τ (mean over trials).
    autocorrelation_time: float
    #: Fraction of active (φ' > 0) neurons over the recording.
    active_fraction: float


def simulate_balanced(
    b: float,
    *,
    steps: int = 65536,
    trials: int = 1,
    burn_in: int = 0,
    per_trial_stimulus: bool = False,
    seed: int = 0,
    precision: str = "f32",
    threads: Optional[int] = None,
    **params: Any,
) -> BalancedRun:
    """Simulate the Figure-1 network with balance factor ``b`` (N = 4096, g = 2, Δt = τ/1024,
    J₀ = 1, σ = 0.1, OU input with I₀ = 1, I₁ = 0.1, τ_s = τ) for ``steps`` steps of
    ``trials`` trials at once; keyword ``params`` replace the preset's fields (``n``, ``g``,
    ``j0``, ``sigma``, ``tau``, ``zero_diagonal``, ``input_scale``, and ``stimulus`` as a
    mapping of ``tau_s``, ``i0``, ``i1``, ``dt``, ...). Trials share their stimulus unless
    ``per_trial_stimulus``. Every number depends only on ``seed``, not on ``threads`` or the
    number of trials simulated together. At g = 2, b ≲ 2 can let the rates run away, which
    raises a :class:`~infoscope.errors.NumericalError`."""
    if "b" in params:
        from .errors import InvalidParameterError

        raise InvalidParameterError("parameter `b` is given twice", name="b")
    d = _core.simulate_balanced(
        b,
        _params.dumps(params),
        steps,
        trials,
        burn_in,
        per_trial_stimulus,
        seed,
        precision,
        threads,
    )
    return BalancedRun(**d)


def read_balanced_experiment(path: PathLike) -> Dict[str, Any]:
    """A balanced experiment file (TOML with ``kind = "balanced"``, e.g.
    ``experiments/balanced.toml``), checked, as sections with every default filled in."""
    return json.loads(_core.read_balanced_experiment(os.fspath(path)))  # type: ignore[no-any-return]


def run_balanced_experiment(
    experiment: Union[None, PathLike, Mapping[str, Any]] = None,
    *,
    out: Optional[PathLike] = None,
    resume: bool = False,
    progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
    threads: Optional[int] = None,
) -> Record:
    """Run a balanced experiment (the rate-against-balance sweep and the training runs) into
    ``out`` (default ``runs/<name>``), as ``infoscope run`` does, and return its
    BalancedResults (rates in nats per τ). ``experiment``: ``None`` (the defaults, =
    ``experiments/balanced.toml``), a TOML file, or sections as a mapping. ``resume=True``
    continues an interrupted run exactly; ``progress`` sees one dict per event (``"stage"``,
    ``"sweep"``, ``"epoch"``, ``"done"``). :func:`write_balanced_report` draws the report."""
    if isinstance(experiment, (str, os.PathLike)):
        checked = _core.read_balanced_experiment(os.fspath(experiment))
    else:
        sections = {} if experiment is None else dict(experiment)
        checked = _core.balanced_experiment_check(json.dumps(sections))
    name = json.loads(checked)["name"]
    target = os.fspath(out) if out is not None else os.path.join("runs", name)
    text = _core.run_balanced_experiment_in(checked, target, resume, progress, threads)
    return Record(json.loads(text))


def write_balanced_report(
    results: Record,
    out: PathLike,
    *,
    unit: str = "bits",
    png: bool = False,
    title: str = "infoscope balanced-network report",
) -> str:
    """Write the balanced experiment's self-contained ``report.html`` (and ``figures/``) into
    ``out``; returns the page's path."""
    return _core.write_balanced_report_of(results.to_json(), os.fspath(out), unit, png, title)
