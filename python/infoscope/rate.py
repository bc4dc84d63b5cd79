"""The information rate between two time series from their Welch spectra (SPEC.md §1.4).

For jointly stationary Gaussian series, R = −∫₀^fc ln(1 − C(f)) df, with C the
magnitude-squared coherence (the log-determinant of the spectral matrices for vector series).
Rates are per unit of ``dt`` (per sample with the default ``dt=1``); the result holds nats and
bits side by side. With few Welch segments the coherence is biased upward by about
1/segments: ``diagnostics["rate_bias_nats"]`` states the rate's bias, and ``baseline=``
subtracts the mean rate of surrogates of ``y``.

>>> import numpy as np, infoscope
>>> rng = np.random.default_rng(0)
>>> s = rng.normal(size=200_000)                     # white signal, variance 1
>>> r = s + rng.normal(size=s.size)                  # plus white noise: SNR 1
>>> est = infoscope.InformationRate(nperseg=256).rate(s, r)
>>> round(est.per_sample_nats, 2)                    # ½ ln(1 + 1) = 0.3466 nats/sample
0.35
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

import numpy as np
import numpy.typing as npt

from . import _core, _params
from ._results import LN2

__all__ = ["InformationRate", "RateEstimate"]


def _opt(v: Any) -> Optional[float]:
    return None if v is None else float(v)


@dataclass(frozen=True, eq=False)
class RateEstimate:
    """An information rate with its density over frequency; nats and bits side by side.

    Rates are per unit time (the unit of ``dt``); ``per_sample_*`` is the rate times ``dt``;
    the density is per unit time per unit frequency (frequencies in cycles per unit time).
    A corrected value below zero stays negative (with a warning)."""

    #: The rate per unit time: ``corrected`` when a baseline was subtracted, else ``raw``.
    nats: float
    #: The same, bits per unit time.
    bits: float
    #: The rate per sample (``nats · dt``).
    per_sample_nats: float
    #: The same, bits per sample.
    per_sample_bits: float
    #: The integral of the density before any baseline, nats per unit time.
    raw_nats: float
    #: ``raw_nats`` minus the baseline mean, when a baseline was asked for.
    corrected_nats: Optional[float]
    #: The sampling interval.
    dt: float
    #: The upper limit of the integral, cycles per unit time.
    integrated_to: float
    #: The frequencies of the density, cycles per unit time.
    frequencies: npt.NDArray[np.float64]
    #: The rate density, nats per unit time per unit frequency.
    density_nats: npt.NDArray[np.float64]
    #: The magnitude-squared coherence (scalar series; None for vector series).
    coherence: Optional[npt.NDArray[np.float64]]
    #: Segments, resolution and bias (``coherence_bias``; ``rate_bias_nats`` per unit time).
    diagnostics: Dict[str, Any] = field(default_factory=dict)
    #: The surrogate baseline (``kind``, ``values_nats``, ``mean_nats``, ``sd_nats``) or None.
    baseline: Optional[Dict[str, Any]] = None
    #: The parameters used.
    config: Dict[str, Any] = field(default_factory=dict)
    #: Caveats a user should read.
    warnings: List[str] = field(default_factory=list)

    @property
    def density_bits(self) -> npt.NDArray[np.float64]:
        """The rate density in bits per unit time per unit frequency."""
        return self.density_nats / LN2

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "RateEstimate":
        nats = float(d["value"])
        per_sample = float(d["per_sample"])
        diag = dict(d["diagnostics"])
        diag["rate_bias_nats"] = _opt(diag.pop("rate_bias", None))
        base = d.get("baseline")
        if base is not None:
            base = {
                "kind": base["kind"],
                "values_nats": np.asarray(base["values"], dtype=float),
                "mean_nats": float(base["mean"]),
                "sd_nats": float(base["sd"]),
            }
        coherence = d.get("coherence")
        return cls(
            nats=nats,
            bits=nats / LN2,
            per_sample_nats=per_sample,
            per_sample_bits=per_sample / LN2,
            raw_nats=float(d["raw"]),
            corrected_nats=_opt(d.get("corrected")),
            dt=float(d["dt"]),
            integrated_to=float(d["integrated_to"]),
            frequencies=np.asarray(d["frequencies"], dtype=float),
            density_nats=np.asarray(d["density"], dtype=float),
            coherence=None if coherence is None else np.asarray(coherence, dtype=float),
            diagnostics=diag,
            baseline=base,
            config=dict(d["config"]),
            warnings=list(d["warnings"]),
        )

    def __repr__(self) -> str:
        return (
            f"RateEstimate({self.nats:.6g} nats = {self.bits:.6g} bits per unit time, "
            f"{self.per_sample_nats:.6g} nats per sample, "
            f"{self.diagnostics.get('segments', {}).get('n_segments', '?')} segments)"
        )


class InformationRate:
    """The spectral information rate estimator (``infoscope rate`` on the command line).

    Parameters (the names of the Rust builder, the TOML tables and the CLI flags):
    ``nperseg`` (samples per segment; default from the length), ``overlap`` (0.5), ``window``
    (``"hann"`` or ``"boxcar"``), ``detrend`` (``"constant"`` or ``"none"``), ``dt`` (1.0),
    ``cutoff`` (cycles per unit time; default Nyquist), ``baseline`` (``"none"``,
    ``"circular_shift"`` or ``"segment_shuffle"``), ``n_baseline`` (10), ``seed`` (0).
    Parameters are checked here, so a bad one fails at construction, naming itself.
    """

    def __init__(self, **params: Any) -> None:
        self._json = _params.dumps(params)
        #: Every parameter, the defaults filled in (checked by the core).
        self.params: Dict[str, Any] = dict(_core.information_rate_params(self._json))

    def rate(
        self, x: npt.ArrayLike, y: npt.ArrayLike, *, threads: Optional[int] = None
    ) -> RateEstimate:
        """The information rate between ``x`` and ``y`` (rows are time steps; a 1-D array is
        one channel; several columns are a vector series)."""
        return RateEstimate._from_dict(_core.information_rate(x, y, self._json, threads))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"InformationRate({given})"
