"""The estimators, as small picklable classes over the Rust core.

Every class takes its settings as keyword arguments with the Rust and TOML names, checks them
on construction (a bad one raises :class:`~infoscope.InvalidParameterError` naming it) and
keeps the full configuration in ``.config``. Data are numpy arrays (or array-likes) of any
real dtype and memory order, rows are samples and columns dimensions; a 1-D array is one
column. Float64 arrays are read in place, without a copy. Every computation releases the GIL
and takes ``threads=`` (``None``: all cores); results do not depend on it.

>>> import numpy as np, infoscope
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=2000)
>>> y = x + rng.normal(size=2000)
>>> est = infoscope.Ksg(k=3).estimate(x, y)   # true I = ln(2)/2 = 0.347 nats = 0.5 bits
>>> est
Estimate(mutual_information = 0.334827 nats = 0.483053 bits, method='ksg', n_samples=2000)
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence, Type, Union

import numpy as np

from . import _core
from ._results import (
    BootstrapCi,
    Bounds,
    BoundsCi,
    BoundsTest,
    Estimate,
    NoiseSweep,
    PairwiseMi,
    PerUnitMi,
    PerUnitTest,
    SurrogateTest,
)

__all__ = [
    "Binned",
    "PlugIn",
    "Gaussian",
    "Ksg",
    "KozachenkoLeonenko",
    "KolchinskyTracey",
    "mutual_information",
    "conditional_mutual_information",
    "entropy",
    "noise_sweep",
    "benjamini_hochberg",
    "surrogate_orders",
]

ArrayLike = Any
Threads = Optional[int]


class _Estimator:
    """Settings checked by the core, kept as the full configuration."""

    _method: str = ""

    def __init__(self, **params: Any) -> None:
        text = _core.check_params(self._method, json.dumps(params))
        self.config: Dict[str, Any] = json.loads(text)
        self._params = json.dumps(self.config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Estimator) and type(other) is type(self) and other.config == self.config

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._params))

    def __getstate__(self) -> Dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.config = state["config"]
        self._params = json.dumps(self.config)


class _MiEstimator(_Estimator):
    """Common I(X;Y) methods: estimate, conditional estimate, surrogate test, bootstrap."""

    def _surrogate_test(
        self, x: ArrayLike, y: ArrayLike, labels: bool, n_surrogates: int, surrogate: str, seed: int, threads: Threads
    ) -> SurrogateTest:
        d = _core.mi_surrogate_test(
            self._method, self._params, x, y, labels, surrogate, n_surrogates, seed, threads
        )
        return SurrogateTest._from_dict(d)

    def _bootstrap_ci(
        self, x: ArrayLike, y: ArrayLike, labels: bool, n_resamples: int, level: float, seed: int, threads: Threads
    ) -> BootstrapCi:
        d = _core.mi_bootstrap_ci(
            self._method, self._params, x, y, labels, n_resamples, level, seed, threads
        )
        return BootstrapCi._from_dict(d)

    def estimate(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """I(X;Y) in nats, from paired rows of ``x`` and ``y``."""
        return Estimate._from_dict(
            _core.mutual_information(self._method, self._params, x, y, threads)
        )

    def estimate_conditional(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X;Y|Z) in nats."""
        return Estimate._from_dict(
            _core.conditional_mutual_information(self._method, self._params, x, y, z, threads)
        )

    def surrogate_test(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> SurrogateTest:
        """Test I(X;Y) > 0 against ``n_surrogates`` surrogates of Y.

        ``surrogate``: ``"permutation"`` (independent samples), ``"circular:MIN"`` (rotate Y by
        at least MIN rows) or ``"block:LEN"`` (shuffle blocks of LEN rows); the last two keep
        Y's autocorrelation. The estimate itself is unchanged; p = (1 + #null ≥ it)/(N + 1).
        """
        return self._surrogate_test(x, y, False, n_surrogates, surrogate, seed, threads)

    def bootstrap_ci(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> BootstrapCi:
        """Bootstrap percentile interval of I(X;Y) (rows resampled with replacement)."""
        return self._bootstrap_ci(x, y, False, n_resamples, level, seed, threads)


def _is_integer(a: ArrayLike) -> bool:
    return np.asarray(a).dtype.kind in "iub"


class Binned(_MiEstimator):
    """The binning (plug-in) estimator of continuous data.

    ``policy``: how values become bins, as a spec (``"unit-minmax:10"``, ``"global-minmax:N"``,
    ``"quantile:N"``, ``"intervals:LO:HI:N"``, ``"fixed-edges:LO:HI:N"`` (IDNNs),
    ``"width:W"`` (Saxe et al.)), a bin count (per unit between its min and max), or the
    serde mapping (``{"kind": "fixed_edges", "lo": -1, "hi": 1, "n_edges": 30}``).
    ``correction``: ``"none"``, ``"miller-madow"``, ``"jackknife"`` or ``"james-stein"``.

    ``y_kind`` of :meth:`estimate`: ``"auto"`` reads integer/bool arrays as labels (never
    binned) and float arrays as data to bin like X; ``"labels"`` or ``"continuous"`` force it.

    >>> import numpy as np, infoscope
    >>> t = np.array([-0.95, -0.90, 0.50, 0.97])
    >>> labels = np.array([0, 0, 1, 1])
    >>> round(infoscope.Binned(policy="fixed-edges:-1:1:30").estimate(t, labels).bits, 12)
    1.0
    """

    _method = "binned"

    def __init__(
        self, policy: Union[str, int, Dict[str, Any]] = "unit-minmax:10", correction: str = "none"
    ) -> None:
        super().__init__(policy=policy, correction=correction)

    def estimate(
        self, x: ArrayLike, y: ArrayLike, *, y_kind: str = "auto", threads: Threads = None
    ) -> Estimate:
        """I(X;Y) in nats; Y as labels or binned per ``y_kind`` (see the class)."""
        if _y_is_labels(y, y_kind):
            return Estimate._from_dict(_core.binned_mi_labels(self._params, x, y, threads))
        return super().estimate(x, y, threads=threads)

    def mutual_information_with_labels(
        self, x: ArrayLike, labels: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X; labels) with the labels (integers) never binned."""
        return Estimate._from_dict(_core.binned_mi_labels(self._params, x, labels, threads))

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X) of the binned data (each row's bins form one symbol), nats."""
        return Estimate._from_dict(_core.entropy(self._method, self._params, x, threads))

    def bin(self, x: ArrayLike) -> np.ndarray:
        """The bin (symbol) of every value, int64, rows × columns."""
        return _core.binned_symbols(self._params, x)

    def per_unit(self, x: ArrayLike, labels: ArrayLike, *, threads: Threads = None) -> PerUnitMi:
        """I(unit; labels) for every column of ``x`` in one parallel call."""
        return PerUnitMi._from_dict(json.loads(_core.binned_per_unit(self._params, x, labels, threads)))

    def per_unit_test(
        self,
        x: ArrayLike,
        labels: ArrayLike,
        *,
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> PerUnitTest:
        """:meth:`per_unit` with a surrogate test per unit and Benjamini–Hochberg q-values."""
        text = _core.binned_per_unit_test(
            self._params, x, labels, surrogate, n_surrogates, seed, threads
        )
        return PerUnitTest._from_dict(json.loads(text))

    def surrogate_test(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        y_kind: str = "auto",
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> SurrogateTest:
        """Test I(X;Y) > 0 (see :meth:`_MiEstimator.surrogate_test`); Y per ``y_kind``."""
        return self._surrogate_test(x, y, _y_is_labels(y, y_kind), n_surrogates, surrogate, seed, threads)

    def bootstrap_ci(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        y_kind: str = "auto",
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> BootstrapCi:
        """Bootstrap percentile interval of I(X;Y); Y per ``y_kind``."""
        return self._bootstrap_ci(x, y, _y_is_labels(y, y_kind), n_resamples, level, seed, threads)


def _y_is_labels(y: ArrayLike, y_kind: str) -> bool:
    if y_kind == "auto":
        return _is_integer(y)
    if y_kind in ("labels", "continuous"):
        return y_kind == "labels"
    from .errors import InvalidParameterError

    raise InvalidParameterError(
        f"parameter `y_kind` is invalid: {y_kind!r}; expected auto, labels or continuous",
        name="y_kind",
    )


class PlugIn(_Estimator):
    """Plug-in entropy and (conditional) mutual information of integer symbols (each row of a
    2-D array is one joint symbol), with an optional bias ``correction``.

    >>> import numpy as np, infoscope
    >>> infoscope.PlugIn().entropy(np.array([0, 1, 2, 3])).bits
    2.0
    """

    _method = "plugin"

    def __init__(self, correction: str = "none") -> None:
        super().__init__(correction=correction)

    def _call(self, op: str, x: ArrayLike, y: Any = None, z: Any = None, threads: Threads = None) -> Estimate:
        return Estimate._from_dict(_core.plugin_estimate(self._params, op, x, y, z, threads))

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X), nats."""
        return self._call("entropy", x, threads=threads)

    def joint_entropy(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X, Y), nats."""
        return self._call("joint_entropy", x, y, threads=threads)

    def conditional_entropy(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X | Y), nats."""
        return self._call("conditional_entropy", x, y, threads=threads)

    def mutual_information(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """I(X; Y), nats."""
        return self._call("mutual_information", x, y, threads=threads)

    def conditional_mutual_information(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X; Y | Z), nats."""
        return self._call("conditional_mutual_information", x, y, z, threads=threads)


class Gaussian(_MiEstimator):
    """MI, conditional MI and entropy of jointly Gaussian variables from sample covariances
    (Cholesky log-determinants). ``ridge`` is added to the covariance diagonal (for n ≤ d).

    >>> import numpy as np, infoscope
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=5000); y = x + rng.normal(size=5000)
    >>> g = infoscope.Gaussian().estimate(x, y)
    >>> r = np.corrcoef(x, y)[0, 1]                  # the closed form -½ ln(1 - r²)
    >>> bool(abs(g.nats - (-0.5 * np.log(1 - r * r))) < 1e-12)
    True
    """

    _method = "gaussian"

    def __init__(self, ridge: float = 0.0) -> None:
        super().__init__(ridge=ridge)

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """Differential entropy H(X), nats."""
        return Estimate._from_dict(_core.entropy(self._method, self._params, x, threads))

    def from_covariance(
        self,
        cov: ArrayLike,
        x: Sequence[int],
        y: Optional[Sequence[int]] = None,
        z: Optional[Sequence[int]] = None,
    ) -> Estimate:
        """From a covariance matrix and the indices of the variables: H(X) (``x`` only),
        I(X;Y) (``x``, ``y``) or I(X;Y|Z) (all three)."""
        return Estimate._from_dict(
            _core.gaussian_from_covariance(
                self._params,
                cov,
                list(x),
                None if y is None else list(y),
                None if z is None else list(z),
            )
        )


class Ksg(_MiEstimator):
    """The Kraskov–Stögbauer–Grassberger kNN estimator (algorithm 1 or 2), Frenzel–Pompe
    conditional MI, with exact max-norm neighbour counts.

    ``k`` neighbours (3, as NPEET and scikit-learn); ``theiler`` excludes neighbours within
    that many rows (time series); ``normalize`` z-scores each column; ``noise`` adds seeded
    Gaussian jitter of that standard deviation (``None``: off; JIDT uses ``normalize=True,
    noise=1e-8``); ``search`` picks the neighbour backend (results are identical).
    Exact duplicates use the Gao et al. (2017) rule and are reported in the diagnostics.
    """

    _method = "ksg"

    def __init__(
        self,
        k: int = 3,
        algorithm: int = 1,
        theiler: int = 0,
        normalize: bool = False,
        noise: Union[None, float, Dict[str, Any]] = None,
        seed: int = 0,
        search: str = "auto",
    ) -> None:
        super().__init__(
            k=k,
            algorithm=algorithm,
            theiler=theiler,
            normalize=normalize,
            noise=noise,
            seed=seed,
            search=search,
        )

    @classmethod
    def jidt_compatible(cls, k: int = 4, **kwargs: Any) -> "Ksg":
        """JIDT's defaults: z-scoring, noise of standard deviation 1e-8, ``k = 4``."""
        kwargs.setdefault("normalize", True)
        kwargs.setdefault("noise", 1e-8)
        return cls(k=k, **kwargs)

    def local_values(
        self, x: ArrayLike, y: ArrayLike, z: Optional[ArrayLike] = None, *, threads: Threads = None
    ) -> np.ndarray:
        """Pointwise (local) MI of every sample, nats; their mean is the estimate."""
        return _core.ksg_local_values(self._params, x, y, z, threads)

    def pairwise(self, a: ArrayLike, b: Optional[ArrayLike] = None, *, threads: Threads = None) -> PairwiseMi:
        """I of every column pair of ``a`` (symmetric, NaN diagonal), or of every column of
        ``a`` against every column of ``b``."""
        d = _core.ksg_pairwise(self._params, a, b, threads)
        return PairwiseMi(
            values=d["values"],
            zero_distance_fraction=d["zero_distance_fraction"],
            n_samples=int(d["n_samples"]),
            config=json.loads(d["config"]),
        )


class KozachenkoLeonenko(_Estimator):
    """The Kozachenko–Leonenko kNN estimator of differential entropy (max-norm).

    >>> import numpy as np, infoscope
    >>> x = np.random.default_rng(2).normal(size=(4000, 1))
    >>> round(infoscope.KozachenkoLeonenko().entropy(x).nats, 1)   # ½ ln(2πe) = 1.419
    1.4
    """

    _method = "kl"

    def __init__(self, k: int = 3, theiler: int = 0, search: str = "auto") -> None:
        super().__init__(k=k, theiler=theiler, search=search)

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """Differential entropy H(X), nats."""
        return Estimate._from_dict(_core.entropy(self._method, self._params, x, threads))


class KolchinskyTracey:
    """Kolchinsky–Tracey pairwise-distance bounds for a noisy layer T = h + N(0, σ²I).

    ``noise_var`` (σ², no default: it is part of the question) in squared activation units;
    ``tile``: rows per Gram block (memory only). ``weights`` of the methods: optional
    per-sample mixture weights. Lower = Bhattacharyya, upper = KL; for I(T;Y) the "upper"
    value is a difference of upper bounds, reported with a warning.

    >>> import numpy as np, infoscope
    >>> h = np.repeat(np.eye(4) * 100.0, 5, axis=0)       # 4 well-separated clusters
    >>> labels = np.repeat(np.arange(4), 5)
    >>> b = infoscope.KolchinskyTracey(noise_var=1.0).mi_label_bounds(h, labels)
    >>> [round(v, 3) for v in b.bits]                     # log2(4) = 2 bits
    [2.0, 2.0]
    """

    def __init__(self, noise_var: float, tile: Optional[int] = None) -> None:
        self.config: Dict[str, Any] = json.loads(_core.kt_check(noise_var, tile))

    @property
    def noise_var(self) -> float:
        """σ²."""
        return float(self.config["noise_var"])

    @property
    def _tile(self) -> int:
        return int(self.config["tile"])

    def __repr__(self) -> str:
        return f"KolchinskyTracey(noise_var={self.noise_var!r}, tile={self._tile})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KolchinskyTracey) and other.config == self.config

    def __hash__(self) -> int:
        return hash(("kt", self.noise_var, self._tile))

    def _bounds(self, quantity: str, h: ArrayLike, labels: Any, weights: Any, threads: Threads) -> Bounds:
        lo, hi = _core.kt_bounds(quantity, self.noise_var, h, labels, weights, self._tile, threads)
        return Bounds(Estimate._from_dict(lo), Estimate._from_dict(hi))

    def entropy_bounds(self, h: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None) -> Bounds:
        """Bounds on the differential entropy H(T), nats."""
        return self._bounds("entropy", h, None, weights, threads)

    def mi_input_bounds(self, h: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None) -> Bounds:
        """Bounds on I(X;T) for T = h(X) + noise (0 ≤ lower ≤ upper ≤ ln n), nats."""
        return self._bounds("input", h, None, weights, threads)

    def mi_label_bounds(
        self, h: ArrayLike, labels: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None
    ) -> Bounds:
        """Estimates of I(T;Y) for integer labels Y, nats."""
        return self._bounds("labels", h, labels, weights, threads)

    def label_surrogate_test(
        self,
        h: ArrayLike,
        labels: ArrayLike,
        weights: Optional[ArrayLike] = None,
        *,
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> BoundsTest:
        """Surrogate tests of both I(T;Y) estimates against relabelings."""
        d = _core.kt_label_surrogate_test(
            self.noise_var, h, labels, weights, surrogate, n_surrogates, seed, self._tile, threads
        )
        return BoundsTest(SurrogateTest._from_dict(d["lower"]), SurrogateTest._from_dict(d["upper"]))

    def label_bootstrap_ci(
        self,
        h: ArrayLike,
        labels: ArrayLike,
        weights: Optional[ArrayLike] = None,
        *,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> BoundsCi:
        """Bootstrap intervals of both I(T;Y) estimates."""
        d = _core.kt_bootstrap_ci(
            self.noise_var, h, labels, weights, n_resamples, level, seed, self._tile, threads
        )
        return BoundsCi(BootstrapCi._from_dict(d["lower"]), BootstrapCi._from_dict(d["upper"]))

    def input_bootstrap_ci(
        self,
        h: ArrayLike,
        weights: Optional[ArrayLike] = None,
        *,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> BoundsCi:
        """Bootstrap intervals of both I(X;T) bounds."""
        d = _core.kt_bootstrap_ci(
            self.noise_var, h, None, weights, n_resamples, level, seed, self._tile, threads
        )
        return BoundsCi(BootstrapCi._from_dict(d["lower"]), BootstrapCi._from_dict(d["upper"]))


def noise_sweep(
    h: ArrayLike, noise_vars: Sequence[float], *, tile: Optional[int] = None, threads: Threads = None
) -> NoiseSweep:
    """Kolchinsky–Tracey I(X;T) bounds at every σ² of ``noise_vars`` from one pass over the
    pairwise distances."""
    v, lo, hi = _core.kt_noise_sweep(h, np.asarray(noise_vars, dtype=np.float64), tile, threads)
    return NoiseSweep(noise_var=v, lower=lo, upper=hi)


_MI_METHODS: Dict[str, Type[_MiEstimator]] = {"binned": Binned, "gaussian": Gaussian, "ksg": Ksg}


def _mi_estimator(method: str, params: Dict[str, Any]) -> _MiEstimator:
    cls = _MI_METHODS.get(method)
    if cls is None:
        from .errors import InvalidParameterError

        raise InvalidParameterError(
            f"parameter `method` is invalid: unknown method {method!r}; expected binned, "
            "gaussian or ksg",
            name="method",
        )
    return cls(**params)


def mutual_information(
    x: ArrayLike, y: ArrayLike, *, method: str = "ksg", threads: Threads = None, **params: Any
) -> Estimate:
    """I(X;Y) by ``method`` (``"ksg"``, ``"gaussian"`` or ``"binned"``) with its settings as
    keywords, e.g. ``mutual_information(x, y, method="ksg", k=5)``."""
    return _mi_estimator(method, params).estimate(x, y, threads=threads)


def conditional_mutual_information(
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    *,
    method: str = "ksg",
    threads: Threads = None,
    **params: Any,
) -> Estimate:
    """I(X;Y|Z) by ``method`` (``"ksg"``: Frenzel–Pompe, ``"gaussian"`` or ``"binned"``)."""
    return _mi_estimator(method, params).estimate_conditional(x, y, z, threads=threads)


def entropy(x: ArrayLike, *, method: str = "kl", threads: Threads = None, **params: Any) -> Estimate:
    """H(X) by ``method``: ``"kl"`` (Kozachenko–Leonenko), ``"gaussian"`` or ``"binned"``."""
    if method == "kl":
        return KozachenkoLeonenko(**params).entropy(x, threads=threads)
    est = _mi_estimator(method, params)
    return est.entropy(x, threads=threads)  # type: ignore[attr-defined, no-any-return]


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in input order.

    >>> benjamini_hochberg([0.01, 0.04, 0.03])
    array([0.03, 0.04, 0.04])
    """
    return _core.bh_q_values(p_values)


def surrogate_orders(surrogate: str, n: int, n_surrogates: int, seed: int = 0) -> np.ndarray:
    """The row orders (one row per surrogate) that the surrogate tests with ``seed`` use."""
    return _core.surrogate_row_orders(surrogate, n, n_surrogates, seed)
