"""The estimators: one specification, named as in the CLI and in experiment files.

An estimator is a method and its parameters, checked by the Rust core on construction (a bad
one raises :class:`~infoscope.InvalidParameterError` naming it). :class:`Estimator` takes any
method by name (``Estimator("ksg", k=5)``), so every method of the core is available here as
soon as it exists there; the named classes (:class:`Ksg`, :class:`Binned`, ...) are the same
thing with their parameters spelled out. Every call crosses into the core once.

Data are numpy arrays (or array-likes) of any real dtype and memory order, rows are samples and
columns dimensions; a 1-D array is one column. Integer and boolean arrays are read as integers
(a binned estimator with ``y_kind="auto"`` reads such a Y as labels). Float64 arrays are read in
place, without a copy. Every computation releases the GIL and takes ``threads=`` (``None``: all
cores); results do not depend on it. Methods that estimate bounds (``kt``) return
:class:`~infoscope.Bounds`, the others :class:`~infoscope.Estimate`.

>>> import numpy as np, infoscope
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=2000)
>>> y = x + rng.normal(size=2000)
>>> est = infoscope.Ksg(k=3).estimate(x, y)   # true I = ln(2)/2 = 0.347 nats = 0.5 bits
>>> est
Estimate(mutual_information = 0.334827 nats = 0.483053 bits, method='ksg', n_samples=2000)
>>> infoscope.Estimator.from_spec(est.spec) == infoscope.Ksg(k=3)   # the estimate rebuilds it
True
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core, _params
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
    "Estimator",
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
Result = Union[Estimate, Bounds]


def _outcome(d: Any, one: Any, both: Any) -> Any:
    """A core outcome (a point's dict, or a ``(lower, upper)`` tuple of them): ``one(point)``
    or ``both(one(lower), one(upper))``."""
    if isinstance(d, tuple):
        return both(one(d[0]), one(d[1]))
    return one(d)


def _point(r: Result) -> Estimate:
    """A point estimate (the methods of the named point classes never return bounds)."""
    assert isinstance(r, Estimate), r
    return r


class Estimator:
    """An estimator of any method of the core, by name, with its parameters as keywords.

    ``method`` is ``"binned"``, ``"plugin"``, ``"gaussian"``, ``"ksg"``, ``"kl"``, ``"ross"`` or ``"kt"``
    (``infoscope methods`` on the command line lists them with their parameters). ``config`` is
    the checked parameters with every default filled in; ``spec`` adds the method:
    ``Estimator.from_spec(spec)`` rebuilds the estimator, and every :class:`Estimate` carries
    the spec of the estimator that made it.

    >>> import numpy as np, infoscope
    >>> g = infoscope.Estimator("gaussian", ridge=0.0)
    >>> g.spec
    {'method': 'gaussian', 'ridge': 0.0}
    >>> x = np.arange(10.0); y = x + np.sin(x)
    >>> g.estimate(x, y).spec == g.spec
    True
    """

    #: The method of a named subclass.
    _method: str = ""

    def __init__(self, method: Optional[str] = None, **params: Any) -> None:
        name = method if method is not None else self._method
        self._core = _core.Estimator(name, _params.dumps(params))
        self.method: str = self._core.method
        self.config: Dict[str, Any] = json.loads(self._core.params())

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "Estimator":
        """The estimator a spec names (``{"method": ..., **parameters}``), as its named class
        when there is one."""
        fields = dict(spec)
        method = fields.pop("method", None)
        if not isinstance(method, str):
            from .errors import InvalidParameterError

            raise InvalidParameterError(
                f"parameter `method` is invalid: a spec names its method, got {method!r}",
                name="method",
            )
        named = _NAMED.get(method, Estimator)
        est: Estimator = object.__new__(named)
        Estimator.__init__(est, method, **fields)
        return est

    @property
    def spec(self) -> Dict[str, Any]:
        """The specification: ``{"method": ..., **config}``."""
        return {"method": self.method, **self.config}

    @property
    def quantities(self) -> List[str]:
        """The quantities the method estimates (the first from one variable is what
        :meth:`estimate` gives for ``x`` alone)."""
        return list(self._core.quantities())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        if type(self) is Estimator:
            return f"Estimator({self.method!r}, {args})" if args else f"Estimator({self.method!r})"
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Estimator) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(json.dumps(self.spec, sort_keys=True))

    def __getstate__(self) -> Dict[str, Any]:
        return {"spec": self.spec}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        fields = dict(state["spec"])
        Estimator.__init__(self, fields.pop("method"), **fields)

    def _with(self, **overrides: Any) -> "Estimator":
        """This estimator with some parameters replaced (checked again)."""
        if not overrides:
            return self
        return Estimator(self.method, **{**self.config, **overrides})

    def _result(self, d: Any) -> Result:
        return _outcome(d, Estimate._from_dict, Bounds)  # type: ignore[no-any-return]

    def estimate(
        self,
        x: ArrayLike,
        y: Optional[ArrayLike] = None,
        z: Optional[ArrayLike] = None,
        *,
        quantity: Optional[str] = None,
        weights: Optional[ArrayLike] = None,
        threads: Threads = None,
    ) -> Result:
        """Estimate ``quantity``, nats; by default I(X;Y|Z) with ``z``, I(X;Y) with ``y``, and
        from ``x`` alone the method's one-variable quantity (the entropy, or I(input; T) for
        ``kt``). ``quantity`` is one of :attr:`quantities`."""
        d = self._core.estimate(quantity, x, y, z, weights, None, threads)
        return self._result(d)

    def surrogate_test(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> Union[SurrogateTest, BoundsTest]:
        """Test I(X;Y) > 0 against ``n_surrogates`` surrogates of Y.

        ``surrogate``: ``"permutation"`` (independent samples), ``"circular:MIN"`` (rotate Y by
        at least MIN rows) or ``"block:LEN"`` (shuffle blocks of LEN rows); the last two keep
        Y's autocorrelation. The estimate itself is unchanged; p = (1 + #null ≥ it)/(N + 1),
        where a null value within 1e-10·max(1, |estimate|) nats below it counts as a tie.
        """
        d = self._core.surrogate_test(x, y, None, None, surrogate, n_surrogates, seed, threads)
        return _outcome(d, SurrogateTest._from_dict, BoundsTest)  # type: ignore[no-any-return]

    def bootstrap_ci(
        self,
        x: ArrayLike,
        y: Optional[ArrayLike] = None,
        z: Optional[ArrayLike] = None,
        *,
        quantity: Optional[str] = None,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> Union[BootstrapCi, BoundsCi]:
        """Bootstrap percentile interval (rows resampled with replacement) of the quantity
        :meth:`estimate` would give for the same arguments (not of entropies)."""
        d = self._core.bootstrap_ci(
            quantity, x, y, z, None, None, n_resamples, level, seed, threads
        )
        return _outcome(d, BootstrapCi._from_dict, BoundsCi)  # type: ignore[no-any-return]


class _PointMi(Estimator):
    """The I(X;Y) methods of point estimators, typed as such."""

    def estimate(  # type: ignore[override]
        self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X;Y) in nats, from paired rows of ``x`` and ``y``."""
        # Straight to the core: this is the call per-neuron and per-step loops make most.
        d = self._core.estimate(None, x, y, None, None, None, threads)
        assert isinstance(d, dict)
        return Estimate._from_dict(d)

    def estimate_conditional(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X;Y|Z) in nats."""
        return _point(super().estimate(x, y, z, threads=threads))

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X), nats."""
        return _point(super().estimate(x, quantity="entropy", threads=threads))

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
        """Test I(X;Y) > 0 (see :meth:`Estimator.surrogate_test`)."""
        t = super().surrogate_test(
            x, y, n_surrogates=n_surrogates, surrogate=surrogate, seed=seed, threads=threads
        )
        assert isinstance(t, SurrogateTest)
        return t

    def bootstrap_ci(  # type: ignore[override]
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
        ci = super().bootstrap_ci(x, y, n_resamples=n_resamples, level=level, seed=seed, threads=threads)
        assert isinstance(ci, BootstrapCi)
        return ci


class Binned(_PointMi):
    """The binning (plug-in) estimator of continuous data.

    ``policy``: how values become bins, as a spec (``"unit-minmax:10"``, ``"global-minmax:N"``,
    ``"quantile:N"``, ``"intervals:LO:HI:N"``, ``"fixed-edges:LO:HI:N"`` (IDNNs),
    ``"width:W"`` (Saxe et al.)), a bin count (per unit between its min and max), or the
    mapping (``{"kind": "fixed_edges", "lo": -1, "hi": 1, "n_edges": 30}``).
    ``correction``: ``"none"``, ``"miller-madow"``, ``"jackknife"`` or ``"james-stein"``.
    ``y_kind``: how Y (and Z) are read: ``"auto"`` reads integer/bool arrays as labels (never
    binned) and float arrays as data to bin like X; ``"labels"`` or ``"continuous"`` force it.
    The methods also take ``y_kind=`` for one call.
    ``x_kind``: how X is read, with the same values: ``"auto"`` reads an integer/bool X as
    symbols (with a warning when it has fewer than 5 rows per symbol) and a float X as data to
    bin; ``"continuous"`` bins X whatever its dtype; ``"labels"`` reads it as symbols.

    >>> import numpy as np, infoscope
    >>> t = np.array([-0.95, -0.90, 0.50, 0.97])
    >>> labels = np.array([0, 0, 1, 1])
    >>> round(infoscope.Binned(policy="fixed-edges:-1:1:30").estimate(t, labels).bits, 12)
    1.0
    """

    _method = "binned"

    def __init__(
        self,
        policy: Union[str, int, Dict[str, Any]] = "unit-minmax:10",
        correction: str = "none",
        y_kind: str = "auto",
        x_kind: str = "auto",
    ) -> None:
        super().__init__(policy=policy, correction=correction, y_kind=y_kind, x_kind=x_kind)

    def _for(self, y_kind: Optional[str]) -> "Binned":
        return self._with(**({} if y_kind is None else {"y_kind": y_kind}))  # type: ignore[return-value]

    def estimate(  # type: ignore[override]
        self, x: ArrayLike, y: ArrayLike, *, y_kind: Optional[str] = None, threads: Threads = None
    ) -> Estimate:
        """I(X;Y) in nats; Y read per ``y_kind`` (see the class)."""
        return _point(Estimator.estimate(self._for(y_kind), x, y, threads=threads))

    def estimate_conditional(
        self,
        x: ArrayLike,
        y: ArrayLike,
        z: ArrayLike,
        *,
        y_kind: Optional[str] = None,
        threads: Threads = None,
    ) -> Estimate:
        """I(X;Y|Z) in nats; Y and Z read per ``y_kind``."""
        return _point(Estimator.estimate(self._for(y_kind), x, y, z, threads=threads))

    def mutual_information_with_labels(
        self, x: ArrayLike, labels: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X; labels) with the labels (integers; several columns are one joint label) never
        binned."""
        return self.estimate(x, labels, y_kind="labels", threads=threads)

    def bin(self, x: ArrayLike) -> np.ndarray:
        """The bin (symbol) of every value, int64, rows × columns."""
        return _core.binned_symbols(json.dumps(self.config), x)

    def per_unit(self, x: ArrayLike, labels: ArrayLike, *, threads: Threads = None) -> PerUnitMi:
        """I(unit; labels) for every column of ``x`` in one parallel call."""
        return PerUnitMi._from_dict(json.loads(self._core.per_unit(x, labels, threads)))

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
        text = self._core.per_unit_test(x, labels, surrogate, n_surrogates, seed, threads)
        return PerUnitTest._from_dict(json.loads(text))

    def surrogate_test(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        y_kind: Optional[str] = None,
        n_surrogates: int = 199,
        surrogate: str = "permutation",
        seed: int = 0,
        threads: Threads = None,
    ) -> SurrogateTest:
        """Test I(X;Y) > 0 (see :meth:`Estimator.surrogate_test`); Y read per ``y_kind``."""
        return _PointMi.surrogate_test(
            self._for(y_kind), x, y, n_surrogates=n_surrogates, surrogate=surrogate, seed=seed,
            threads=threads,
        )

    def bootstrap_ci(  # type: ignore[override]
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        y_kind: Optional[str] = None,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Threads = None,
    ) -> BootstrapCi:
        """Bootstrap percentile interval of I(X;Y); Y read per ``y_kind``."""
        return _PointMi.bootstrap_ci(
            self._for(y_kind), x, y, n_resamples=n_resamples, level=level, seed=seed,
            threads=threads,
        )


class PlugIn(_PointMi):
    """Plug-in entropy and (conditional) mutual information of integer symbols (each row of a
    2-D array is one joint symbol), with an optional bias ``correction``.

    >>> import numpy as np, infoscope
    >>> infoscope.PlugIn().entropy(np.array([0, 1, 2, 3])).bits
    2.0
    """

    _method = "plugin"

    def __init__(self, correction: str = "none") -> None:
        super().__init__(correction=correction)

    def _ask(self, quantity: str, x: ArrayLike, y: Any = None, z: Any = None, threads: Threads = None) -> Estimate:
        return _point(Estimator.estimate(self, x, y, z, quantity=quantity, threads=threads))

    def joint_entropy(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X, Y), nats."""
        return self._ask("joint_entropy", x, y, threads=threads)

    def conditional_entropy(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """H(X | Y), nats."""
        return self._ask("conditional_entropy", x, y, threads=threads)

    def mutual_information(self, x: ArrayLike, y: ArrayLike, *, threads: Threads = None) -> Estimate:
        """I(X; Y), nats."""
        return self._ask("mutual_information", x, y, threads=threads)

    def conditional_mutual_information(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike, *, threads: Threads = None
    ) -> Estimate:
        """I(X; Y | Z), nats."""
        return self._ask("conditional_mutual_information", x, y, z, threads=threads)


class Gaussian(_PointMi):
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
                json.dumps(self.config),
                cov,
                list(x),
                None if y is None else list(y),
                None if z is None else list(z),
            )
        )


class Ksg(_PointMi):
    """The Kraskov–Stögbauer–Grassberger kNN estimator (algorithm 1 or 2), Frenzel–Pompe
    conditional MI, with exact max-norm neighbour counts; its entropy is Kozachenko–Leonenko's
    with the same settings.

    ``k`` neighbours (3, as NPEET and scikit-learn); ``theiler`` excludes neighbours within
    that many rows (time series); ``normalize`` z-scores each column; ``noise`` adds seeded
    Gaussian jitter of that standard deviation (``None``: off; JIDT uses ``normalize=True,
    noise=1e-8``); ``search`` picks the neighbour backend (results are identical).
    ``ties``: ``"jitter"`` (default) gives every non-constant column with repeated values
    seeded jitter of 1e-10 of its standard deviation (the MI is unchanged, and KSG stays near
    the MI of the tied values); ``"gao"`` keeps the ties and uses the Gao et al. (2017)
    zero-distance rule. Jittered columns and exact duplicates are reported in the diagnostics.
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
        ties: str = "jitter",
    ) -> None:
        super().__init__(
            k=k,
            algorithm=algorithm,
            theiler=theiler,
            normalize=normalize,
            noise=noise,
            seed=seed,
            search=search,
            ties=ties,
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
        return self._core.local_values(None, x, y, z, threads)

    def pairwise(self, a: ArrayLike, b: Optional[ArrayLike] = None, *, threads: Threads = None) -> PairwiseMi:
        """I of every column pair of ``a`` (symmetric, NaN diagonal), or of every column of
        ``a`` against every column of ``b``; entry (i, j) equals :meth:`estimate` of column i
        and column j."""
        d = self._core.pairwise(a, b, threads)
        return PairwiseMi(
            values=d["values"],
            zero_distance_fraction=d["zero_distance_fraction"],
            n_samples=int(d["n_samples"]),
            config=json.loads(d["config"]),
        )


class KozachenkoLeonenko(Estimator):
    """The Kozachenko–Leonenko kNN estimator of differential entropy (max-norm), with KSG's
    ``k``, ``theiler``, ``normalize``, ``noise``, ``seed`` and ``search``.

    >>> import numpy as np, infoscope
    >>> x = np.random.default_rng(2).normal(size=(4000, 1))
    >>> round(infoscope.KozachenkoLeonenko().entropy(x).nats, 1)   # ½ ln(2πe) = 1.419
    1.4
    """

    _method = "kl"

    def __init__(
        self,
        k: int = 3,
        theiler: int = 0,
        normalize: bool = False,
        noise: Union[None, float, Dict[str, Any]] = None,
        seed: int = 0,
        search: str = "auto",
    ) -> None:
        super().__init__(
            k=k, theiler=theiler, normalize=normalize, noise=noise, seed=seed, search=search
        )

    def entropy(self, x: ArrayLike, *, threads: Threads = None) -> Estimate:
        """Differential entropy H(X), nats."""
        return _point(self.estimate(x, threads=threads))


class KolchinskyTracey(Estimator):
    """Kolchinsky–Tracey pairwise-distance bounds for a noisy layer T = h + N(0, σ²I).

    ``noise_var`` (σ², no default: it is part of the question) in squared activation units;
    ``tile``: rows per Gram block (memory only). ``weights`` of the methods: optional
    per-sample mixture weights. Lower = Bhattacharyya, upper = KL; for I(T;Y) the "upper"
    value is a difference of upper bounds, reported with a warning. :meth:`estimate` of the
    layer alone gives I(input; T).

    >>> import numpy as np, infoscope
    >>> h = np.repeat(np.eye(4) * 100.0, 5, axis=0)       # 4 well-separated clusters
    >>> labels = np.repeat(np.arange(4), 5)
    >>> b = infoscope.KolchinskyTracey(noise_var=1.0).mi_label_bounds(h, labels)
    >>> [round(v, 3) for v in b.bits]                     # log2(4) = 2 bits
    [2.0, 2.0]
    """

    _method = "kt"

    def __init__(self, noise_var: float, tile: Optional[int] = None) -> None:
        params: Dict[str, Any] = {"noise_var": noise_var}
        if tile is not None:
            params["tile"] = tile
        super().__init__(**params)

    @property
    def noise_var(self) -> float:
        """σ²."""
        return float(self.config["noise_var"])

    def _bounds(self, quantity: str, h: ArrayLike, labels: Any, weights: Any, threads: Threads) -> Bounds:
        d = self._core.estimate(quantity, h, None, None, weights, labels, threads)
        b = self._result(d)
        assert isinstance(b, Bounds)
        return b

    def entropy_bounds(self, h: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None) -> Bounds:
        """Bounds on the differential entropy H(T), nats."""
        return self._bounds("entropy", h, None, weights, threads)

    def mi_input_bounds(self, h: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None) -> Bounds:
        """Bounds on I(X;T) for T = h(X) + noise (0 ≤ lower ≤ upper ≤ ln n), nats."""
        return self._bounds("input_information", h, None, weights, threads)

    def mi_label_bounds(
        self, h: ArrayLike, labels: ArrayLike, weights: Optional[ArrayLike] = None, *, threads: Threads = None
    ) -> Bounds:
        """Estimates of I(T;Y) for integer labels Y (one per sample), nats."""
        return self._bounds("mutual_information", h, labels, weights, threads)

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
        d = self._core.surrogate_test(h, None, weights, labels, surrogate, n_surrogates, seed, threads)
        return _outcome(d, SurrogateTest._from_dict, BoundsTest)  # type: ignore[no-any-return]

    def _ci(self, quantity: str, h: ArrayLike, labels: Any, weights: Any, n: int, level: float, seed: int, threads: Threads) -> BoundsCi:
        d = self._core.bootstrap_ci(quantity, h, None, None, weights, labels, n, level, seed, threads)
        return _outcome(d, BootstrapCi._from_dict, BoundsCi)  # type: ignore[no-any-return]

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
        return self._ci("mutual_information", h, labels, weights, n_resamples, level, seed, threads)

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
        return self._ci("input_information", h, None, weights, n_resamples, level, seed, threads)


#: The named class of each method.
_NAMED: Dict[str, "type[Estimator]"] = {
    c._method: c for c in (Binned, PlugIn, Gaussian, Ksg, KozachenkoLeonenko, KolchinskyTracey)
}


def noise_sweep(
    h: ArrayLike, noise_vars: Sequence[float], *, tile: Optional[int] = None, threads: Threads = None
) -> NoiseSweep:
    """Kolchinsky–Tracey I(X;T) bounds at every σ² of ``noise_vars`` from one pass over the
    pairwise distances."""
    v, lo, hi = _core.kt_noise_sweep(h, np.asarray(noise_vars, dtype=np.float64), tile, threads)
    return NoiseSweep(noise_var=v, lower=lo, upper=hi)


def mutual_information(
    x: ArrayLike, y: ArrayLike, *, method: str = "ksg", threads: Threads = None, **params: Any
) -> Result:
    """I(X;Y) by ``method`` (any method of :class:`Estimator`) with its parameters as
    keywords, e.g. ``mutual_information(x, y, method="ksg", k=5)``; bounds for ``kt``."""
    return Estimator(method, **params).estimate(x, y, quantity="mutual_information", threads=threads)


def conditional_mutual_information(
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    *,
    method: str = "ksg",
    threads: Threads = None,
    **params: Any,
) -> Result:
    """I(X;Y|Z) by ``method`` (``"ksg"``: Frenzel–Pompe, ``"gaussian"``, ``"binned"``, ...)."""
    return Estimator(method, **params).estimate(
        x, y, z, quantity="conditional_mutual_information", threads=threads
    )


def entropy(x: ArrayLike, *, method: str = "kl", threads: Threads = None, **params: Any) -> Result:
    """H(X) by ``method``: ``"kl"`` (Kozachenko–Leonenko), ``"gaussian"``, ``"binned"``, ..."""
    return Estimator(method, **params).estimate(x, quantity="entropy", threads=threads)


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), in input order.

    >>> benjamini_hochberg([0.01, 0.04, 0.03])
    array([0.03, 0.04, 0.04])
    """
    return _core.bh_q_values(p_values)


def surrogate_orders(surrogate: str, n: int, n_surrogates: int, seed: int = 0) -> np.ndarray:
    """The row orders (one row per surrogate) that the surrogate tests with ``seed`` use."""
    return _core.surrogate_row_orders(surrogate, n, n_surrogates, seed)
