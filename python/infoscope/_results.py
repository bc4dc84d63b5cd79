"""Result objects: values in nats inside, ``.nats`` and ``.bits`` at the edge, ``to_dict()`` for
storage, numpy arrays for every series."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np

__all__ = [
    "LN2",
    "Estimate",
    "SurrogateTest",
    "BootstrapCi",
    "PerUnitMi",
    "PerUnitTest",
    "PairwiseMi",
    "Bounds",
    "BoundsTest",
    "BoundsCi",
    "NoiseSweep",
    "Record",
    "to_unit",
]

#: ln 2: one bit is ln 2 nats.
LN2 = math.log(2.0)


def to_unit(nats: Any, unit: str) -> Any:
    """``nats`` (a number or array) converted to ``unit`` (``"nats"`` or ``"bits"``).

    >>> to_unit(math.log(2.0), "bits")
    1.0
    """
    if unit == "nats":
        return nats
    if unit == "bits":
        return nats / LN2
    from .errors import InvalidParameterError

    raise InvalidParameterError(
        f"parameter `unit` is invalid: unknown unit {unit!r}; expected nats or bits", name="unit"
    )


def _float(v: Any) -> float:
    return math.nan if v is None else float(v)


@dataclass(frozen=True)
class Estimate:
    """One estimated quantity: the value in nats plus everything needed to reproduce it.

    ``config`` is the estimator's full configuration, ``diagnostics`` holds method-specific
    facts (occupied bins, the fraction of tied neighbours, ...), ``warnings`` plain-language
    caveats. The value is never clipped: a negative estimate stays negative.
    """

    #: The estimate, nats.
    value: float
    #: What is measured: ``"mutual_information"``, ``"entropy"``, ...
    quantity: str
    #: The method's name (``"ksg"``, ``"binned"``, ...).
    method: str
    #: Number of samples used.
    n_samples: int
    #: The estimator's full configuration.
    config: Dict[str, Any] = field(default_factory=dict)
    #: Method-specific facts about this run.
    diagnostics: Dict[str, Any] = field(default_factory=dict)
    #: Caveats a user should read.
    warnings: List[str] = field(default_factory=list)

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "Estimate":
        return cls(
            value=_float(d["value"]),
            quantity=d["quantity"],
            method=d["method"],
            n_samples=int(d["n_samples"]),
            config=d.get("config") or {},
            diagnostics=d.get("diagnostics") or {},
            warnings=list(d.get("warnings") or []),
        )

    @property
    def nats(self) -> float:
        """The value in nats."""
        return self.value

    @property
    def bits(self) -> float:
        """The value in bits."""
        return self.value / LN2

    @property
    def spec(self) -> Dict[str, Any]:
        """The specification of the estimator that made this estimate: ``{"method": ...,
        **config}``; ``infoscope.Estimator.from_spec(spec)`` rebuilds it."""
        return {"method": self.method, **self.config}

    def in_unit(self, unit: str) -> float:
        """The value in ``unit`` (``"nats"`` or ``"bits"``)."""
        return float(to_unit(self.value, unit))

    def __float__(self) -> float:
        return self.value

    def to_dict(self, unit: str = "nats") -> Dict[str, Any]:
        """A JSON-ready dict with the value in ``unit`` (and always in nats)."""
        return {
            "quantity": self.quantity,
            "method": self.method,
            "value": self.in_unit(unit),
            "unit": unit,
            "value_nats": self.value,
            "n_samples": self.n_samples,
            "config": self.config,
            "diagnostics": self.diagnostics,
            "warnings": list(self.warnings),
        }

    def __repr__(self) -> str:
        return (
            f"Estimate({self.quantity} = {self.value:.6g} nats = {self.bits:.6g} bits, "
            f"method={self.method!r}, n_samples={self.n_samples})"
        )


@dataclass(frozen=True)
class SurrogateTest:
    """A surrogate (permutation) test: the estimate, unchanged, and its null distribution."""

    #: The estimate on the data.
    estimate: Estimate
    #: The surrogate estimates, nats, in surrogate order.
    null: np.ndarray
    #: Mean of the null, nats.
    null_mean: float
    #: Sample standard deviation of the null, nats.
    null_std: float
    #: ``(1 + #{null >= estimate}) / (n + 1)``: never 0; a null value within
    #: ``1e-10 * max(1, |estimate|)`` nats below the estimate counts as a tie.
    p_value: float

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "SurrogateTest":
        return cls(
            estimate=Estimate._from_dict(d["estimate"]),
            null=np.asarray(d["null"], dtype=np.float64),
            null_mean=float(d["null_mean"]),
            null_std=float(d["null_std"]),
            p_value=float(d["p_value"]),
        )

    @property
    def nats(self) -> float:
        """The estimate in nats."""
        return self.estimate.nats

    @property
    def bits(self) -> float:
        """The estimate in bits."""
        return self.estimate.bits

    def to_dict(self, unit: str = "nats") -> Dict[str, Any]:
        """A JSON-ready dict, values in ``unit``."""
        return {
            "estimate": self.estimate.to_dict(unit),
            "n_surrogates": int(self.null.size),
            "null_mean": float(to_unit(self.null_mean, unit)),
            "null_std": float(to_unit(self.null_std, unit)),
            "p_value": self.p_value,
            "unit": unit,
        }


@dataclass(frozen=True)
class BootstrapCi:
    """A bootstrap percentile interval of an estimate (nats)."""

    #: The estimate on the data.
    estimate: Estimate
    #: Lower end, nats.
    lower: float
    #: Upper end, nats.
    upper: float
    #: Nominal coverage, e.g. 0.95.
    level: float
    #: The bootstrap estimates, nats.
    replicates: np.ndarray

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "BootstrapCi":
        return cls(
            estimate=Estimate._from_dict(d["estimate"]),
            lower=float(d["lower"]),
            upper=float(d["upper"]),
            level=float(d["level"]),
            replicates=np.asarray(d["replicates"], dtype=np.float64),
        )

    @property
    def nats(self) -> Tuple[float, float]:
        """The interval in nats."""
        return (self.lower, self.upper)

    @property
    def bits(self) -> Tuple[float, float]:
        """The interval in bits."""
        return (self.lower / LN2, self.upper / LN2)

    def to_dict(self, unit: str = "nats") -> Dict[str, Any]:
        """A JSON-ready dict, values in ``unit``."""
        return {
            "estimate": self.estimate.to_dict(unit),
            "lower": float(to_unit(self.lower, unit)),
            "upper": float(to_unit(self.upper, unit)),
            "level": self.level,
            "n_resamples": int(self.replicates.size),
            "unit": unit,
        }


def _array(v: Any, dtype: Any = np.float64) -> np.ndarray:
    return np.asarray([math.nan if x is None else x for x in v], dtype=dtype)


@dataclass(frozen=True)
class PerUnitMi:
    """Binned I(unit; labels) of every column of a layer, nats."""

    #: The estimate of each unit (bias-corrected when a correction is set), nats.
    values: np.ndarray
    #: The plug-in value of each unit, nats.
    plugin_values: np.ndarray
    #: Occupied bins of each unit.
    occupied_bins: np.ndarray
    #: Values outside the fixed range of each unit (fixed-range policies).
    out_of_range: np.ndarray
    #: H(labels), nats.
    label_entropy: float
    #: Number of distinct labels.
    n_classes: int
    #: Number of samples.
    n_samples: int
    #: The method's name.
    method: str
    #: The estimator's configuration.
    config: Dict[str, Any]

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "PerUnitMi":
        return cls(
            values=_array(d["values"]),
            plugin_values=_array(d["plugin_values"]),
            occupied_bins=np.asarray(d["occupied_bins"], dtype=np.int64),
            out_of_range=np.asarray(d["out_of_range"], dtype=np.int64),
            label_entropy=_float(d["label_entropy"]),
            n_classes=int(d["n_classes"]),
            n_samples=int(d["n_samples"]),
            method=d["method"],
            config=d["config"],
        )

    @property
    def nats(self) -> np.ndarray:
        """The values in nats."""
        return self.values

    @property
    def bits(self) -> np.ndarray:
        """The values in bits."""
        return self.values / LN2


@dataclass(frozen=True)
class PerUnitTest:
    """A surrogate test of every unit with Benjamini–Hochberg q-values."""

    #: The estimates on the data.
    mi: PerUnitMi
    #: How the labels were decoupled (``{"kind": "permutation"}``, ...).
    surrogate: Dict[str, Any]
    #: Number of surrogates.
    n_surrogates: int
    #: p-value of each unit.
    p_values: np.ndarray
    #: Benjamini–Hochberg adjusted p-values over the units.
    q_values: np.ndarray
    #: Mean of each unit's null, nats.
    null_mean: np.ndarray
    #: Standard deviation of each unit's null, nats.
    null_std: np.ndarray

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> "PerUnitTest":
        return cls(
            mi=PerUnitMi._from_dict(d["mi"]),
            surrogate=d["surrogate"],
            n_surrogates=int(d["n_surrogates"]),
            p_values=_array(d["p_values"]),
            q_values=_array(d["q_values"]),
            null_mean=_array(d["null_mean"]),
            null_std=_array(d["null_std"]),
        )

    def significant(self, fdr: float = 0.05) -> np.ndarray:
        """Indices of the units significant at false-discovery rate ``fdr``."""
        return np.flatnonzero(self.q_values <= fdr)


@dataclass(frozen=True)
class PairwiseMi:
    """MI of column pairs, nats (all pairs: symmetric, NaN diagonal)."""

    #: ``values[i, j]`` = I(column i; column j), nats.
    values: np.ndarray
    #: Fraction of samples of each pair whose k-th neighbour distance is zero.
    zero_distance_fraction: np.ndarray
    #: Number of samples.
    n_samples: int
    #: The estimator's configuration.
    config: Dict[str, Any]

    @property
    def nats(self) -> np.ndarray:
        """The matrix in nats."""
        return self.values

    @property
    def bits(self) -> np.ndarray:
        """The matrix in bits."""
        return self.values / LN2


@dataclass(frozen=True)
class Bounds:
    """A lower and an upper estimate of one quantity (Kolchinsky–Tracey: Bhattacharyya and
    KL)."""

    #: The lower estimate.
    lower: Estimate
    #: The upper estimate.
    upper: Estimate

    @property
    def nats(self) -> Tuple[float, float]:
        """``(lower, upper)`` in nats."""
        return (self.lower.nats, self.upper.nats)

    @property
    def bits(self) -> Tuple[float, float]:
        """``(lower, upper)`` in bits."""
        return (self.lower.bits, self.upper.bits)

    def to_dict(self, unit: str = "nats") -> Dict[str, Any]:
        """A JSON-ready dict, values in ``unit``."""
        return {"lower": self.lower.to_dict(unit), "upper": self.upper.to_dict(unit)}

    def __repr__(self) -> str:
        lo, hi = self.nats
        return f"Bounds({self.lower.quantity}: {lo:.6g} .. {hi:.6g} nats)"


@dataclass(frozen=True)
class BoundsTest:
    """Surrogate tests of both estimates of :class:`Bounds` (Kolchinsky–Tracey I(T;Y))."""

    #: The test of the lower estimate.
    lower: SurrogateTest
    #: The test of the upper estimate.
    upper: SurrogateTest


@dataclass(frozen=True)
class BoundsCi:
    """Bootstrap intervals of both estimates of :class:`Bounds`."""

    #: The interval of the lower bound.
    lower: BootstrapCi
    #: The interval of the upper bound.
    upper: BootstrapCi


@dataclass(frozen=True)
class NoiseSweep:
    """I(X;T) bounds for T = h + N(0, σ²I) over σ², nats."""

    #: The noise variances σ².
    noise_var: np.ndarray
    #: Lower bounds, nats.
    lower: np.ndarray
    #: Upper bounds, nats.
    upper: np.ndarray

    @property
    def nats(self) -> Tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)`` in nats."""
        return (self.lower, self.upper)

    @property
    def bits(self) -> Tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)`` in bits."""
        return (self.lower / LN2, self.upper / LN2)


def _convert(v: Any) -> Any:
    """JSON values as Python objects: mappings as Records, numeric lists as arrays."""
    if isinstance(v, dict):
        return Record(v)
    if isinstance(v, list):
        if not v:
            return np.zeros(0)
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) or x is None for x in v):
            if any(x is None or isinstance(x, float) for x in v):
                return _array(v)
            return np.asarray(v, dtype=np.int64)
        if all(isinstance(x, list) for x in v):
            rows = [_convert(x) for x in v]
            if all(isinstance(r, np.ndarray) and r.ndim == 1 for r in rows) and len(
                {r.shape for r in rows}
            ) == 1:
                return np.stack(rows)
            return rows
        return [_convert(x) for x in v]
    return v


class Record:
    """A typed result of the Rust core read back from JSON: fields as attributes (and items),
    numeric series as numpy arrays, nested results as Records. Information values are in
    nats (the Results' ``unit``); :func:`to_unit` converts. ``to_dict()`` gives the plain
    JSON data, which round-trips exactly.

    >>> r = Record({"values": [0.5, 1.0], "name": "x", "curves": [{"label": "a"}]})
    >>> r.values
    array([0.5, 1. ])
    >>> r.curves[0].label
    'a'
    """

    __slots__ = ("_data", "_cache")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)
        self._cache: Dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._cache:
            self._cache[key] = _convert(self._data[key])
        return self._cache[key]

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"{key!r}: this result has no such field; fields: {', '.join(self._data)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def fields(self) -> List[str]:
        """The field names."""
        return list(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(self._data) | set(super().__dir__()))

    def __getstate__(self) -> Dict[str, Any]:
        return self._data

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._data = state
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> Dict[str, Any]:
        """The plain JSON data (nats), as the Rust core wrote it."""
        plain: Dict[str, Any] = json.loads(json.dumps(self._data))
        return plain

    def to_json(self, **kwargs: Any) -> str:
        """The JSON text (the layout of ``results.json``)."""
        return json.dumps(self._data, **kwargs)

    def __repr__(self) -> str:
        keys = ", ".join(list(self._data)[:8])
        more = ", ..." if len(self._data) > 8 else ""
        return f"Record({keys}{more})"


def _optional_record(v: Optional[Mapping[str, Any]]) -> Optional[Record]:
    return None if v is None else Record(v)
