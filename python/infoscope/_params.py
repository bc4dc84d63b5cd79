"""Parameters on their way to the core as JSON.

Sweeps produce numpy scalars (``np.int64(5)``, ``np.float32(0.1)``, ``np.bool_(True)``): they
become the Python numbers they hold. A value JSON cannot carry (NaN, an infinity, an object of
no JSON type) is refused with an :class:`~infoscope.errors.InvalidParameterError` whose
``name`` is the parameter, instead of a ``TypeError`` from :mod:`json` naming nothing.
"""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

import numpy as np

from .errors import InvalidParameterError


def plain(value: Any, name: str) -> Any:
    """``value`` with numpy scalars and arrays as Python numbers and lists; refuses non-finite
    floats, naming ``name``."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameterError(
            f"parameter `{name}` is invalid: {value} is not a finite number", name=name
        )
    if isinstance(value, Mapping):
        return {str(k): plain(v, name) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, name) for v in value]
    return value


def dumps(params: Mapping[str, Any]) -> str:
    """``params`` as a JSON object, each value made :func:`plain` under its own name."""
    out = {}
    for key, value in params.items():
        v = plain(value, key)
        try:
            json.dumps(v, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise InvalidParameterError(
                f"parameter `{key}` is invalid: {value!r} is not a number, string, bool, list or "
                f"mapping ({e})",
                name=key,
            ) from None
        out[key] = v
    return json.dumps(out, allow_nan=False)


def sections(sections: Mapping[str, Mapping[str, Any]]) -> str:
    """Named tables of parameters (``{"task": {...}, "model": {...}}``) as one JSON object."""
    return json.dumps({k: json.loads(dumps(v)) for k, v in sections.items()})
