"""infoscope: what does a recurrent neural network know?

Information-theoretic estimators (binned, Gaussian, Kolchinsky–Tracey, KSG, Kozachenko–Leonenko,
plug-in, with surrogate tests and bootstrap intervals), the Go-task networks of Yang et al.
(2019), analyses from recordings to Results, and the information flux of stochastic binary
networks (:mod:`infoscope.flux`), on a Rust core. Values are in nats inside; every result
has ``.nats`` and ``.bits`` (the flux results: ``*_nats`` and ``*_bits`` fields).

>>> import numpy as np, infoscope
>>> rng = np.random.default_rng(0)
>>> h = rng.normal(size=(400, 8))                  # a layer: 400 samples × 8 units
>>> labels = (h[:, 0] > 0).astype(int)             # unit 0 carries the label
>>> mi = infoscope.Binned(policy="intervals:-5:5:2").per_unit(h, labels)   # split at 0
>>> mi.bits.round(1)[:3]
array([1., 0., 0.])
"""

from . import _results, analysis, balanced, distributed, errors, estimators, flux, nets, rate
from ._core import __version__
from ._results import *  # noqa: F401,F403
from .analysis import *  # noqa: F401,F403
from .balanced import *  # noqa: F401,F403
from .errors import *  # noqa: F401,F403
from .estimators import *  # noqa: F401,F403
from .flux import *  # noqa: F401,F403
from .nets import *  # noqa: F401,F403
from .rate import *  # noqa: F401,F403

__all__ = (
    ["__version__", "balanced", "distributed", "errors", "flux", "rate"]
    + estimators.__all__
    + [n for n in _results.__all__ if n != "LN2"]
    + nets.__all__
    + flux.__all__
    + rate.__all__
    + balanced.__all__
    + analysis.__all__
    + errors.__all__
)
