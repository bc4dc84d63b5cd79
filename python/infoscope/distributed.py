"""Sweeps of analysis jobs over a Dask cluster or any ``concurrent.futures.Executor``.

A :class:`Job` is a pure function call (a picklable function, its arguments, and a ``key``
naming where it sits in the sweep: seed, checkpoint, layer, ...). :func:`run_jobs` maps the
jobs over an executor with one Rust thread per job by default (a Dask worker process runs one
job per worker thread), gathers the results in job order, and returns a :class:`Table`: one row
per job, the key's columns followed by the result's flattened values. Every infoscope result
depends only on the inputs and seeds, so the table equals a serial loop's, number for number.

With a Dask ``Client``, large arrays among the arguments are scattered to the workers once and
shared by every job that uses them.

>>> import numpy as np, infoscope
>>> from infoscope.distributed import Job, run_jobs
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=500)
>>> jobs = [Job(infoscope.mutual_information, (x, x + rng.normal(size=500) * s),
...             {"method": "ksg"}, key={"noise_sd": s}) for s in (0.5, 2.0)]
>>> table = run_jobs(jobs)                     # serial; pass a Client or Executor to spread
>>> table.columns[:3]
['noise_sd', 'value_nats', 'value_bits']
>>> bool(table["value_nats"][0] > table["value_nats"][1])
True
"""

from __future__ import annotations

import inspect
import itertools
from concurrent.futures import Executor
from dataclasses import dataclass, field, is_dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ._results import LN2, BootstrapCi, Bounds, Estimate, Record, SurrogateTest

__all__ = ["Job", "Table", "run_jobs", "grid", "flatten"]

#: Arrays at least this large (bytes) are scattered once to a Dask cluster.
SCATTER_BYTES = 1 << 20


@dataclass(frozen=True)
class Job:
    """One call ``fn(*args, **kwargs)`` and its place in the sweep (``key``: column → value)."""

    fn: Callable[..., Any]
    args: Tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    key: Mapping[str, Any] = field(default_factory=dict)


def grid(fn: Callable[..., Any], axes: Mapping[str, Sequence[Any]], **common: Any) -> List[Job]:
    """The jobs of every combination of ``axes`` (keyword → values), each called with that
    combination plus ``common`` as keywords, keyed by the combination.

    >>> [j.key for j in grid(print, {"seed": [0, 1], "layer": ["a"]})]
    [{'seed': 0, 'layer': 'a'}, {'seed': 1, 'layer': 'a'}]
    """
    names = list(axes)
    jobs = []
    for values in itertools.product(*(axes[n] for n in names)):
        point = dict(zip(names, values))
        jobs.append(Job(fn, (), {**common, **point}, key=point))
    return jobs


def _accepts_threads(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "threads" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _call(fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any], threads: Optional[int]) -> Any:
    """Run one job (on a worker): ``threads`` is passed when the function takes it and the
    job does not set it."""
    if "threads" not in kwargs and _accepts_threads(fn):
        kwargs = {**kwargs, "threads": threads}
    return fn(*args, **kwargs)


def flatten(result: Any, prefix: str = "") -> Dict[str, Any]:
    """A result as flat columns: an Estimate gives ``value_nats``, ``value_bits``, ``method``,
    ``n_samples``; a surrogate test adds ``p_value``, ``null_mean_nats``, ``null_std_nats``;
    KT bounds give ``lower_*`` and ``upper_*``; numbers give ``value``; anything else is kept
    whole in ``result``."""
    p = prefix
    if isinstance(result, Estimate):
        return {
            f"{p}value_nats": result.nats,
            f"{p}value_bits": result.bits,
            f"{p}method": result.method,
            f"{p}n_samples": result.n_samples,
        }
    if isinstance(result, SurrogateTest):
        return {
            **flatten(result.estimate, p),
            f"{p}p_value": result.p_value,
            f"{p}null_mean_nats": result.null_mean,
            f"{p}null_std_nats": result.null_std,
        }
    if isinstance(result, BootstrapCi):
        return {
            **flatten(result.estimate, p),
            f"{p}ci_lower_nats": result.lower,
            f"{p}ci_upper_nats": result.upper,
            f"{p}ci_level": result.level,
        }
    if isinstance(result, Bounds) or (
        is_dataclass(result) and hasattr(result, "lower") and hasattr(result, "upper")
    ):
        return {**flatten(result.lower, f"{p}lower_"), **flatten(result.upper, f"{p}upper_")}
    if isinstance(result, (int, float, np.floating, np.integer)) and not isinstance(result, bool):
        return {f"{p}value": result}
    return {f"{p}result": result}


class Table:
    """Rows of a sweep: one dict per job, in job order. ``table["col"]`` is a numpy array of
    a numeric column (a list otherwise); ``to_pandas()`` gives a DataFrame."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows: List[Dict[str, Any]] = [dict(r) for r in rows]

    @property
    def columns(self) -> List[str]:
        """Column names, in first-seen order."""
        seen: Dict[str, None] = {}
        for r in self.rows:
            for k in r:
                seen.setdefault(k)
        return list(seen)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.rows)

    def __getitem__(self, column: str) -> Any:
        if column not in self.columns:
            raise KeyError(f"{column!r}: no such column; columns: {', '.join(self.columns)}")
        values = [r.get(column) for r in self.rows]
        if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values):
            return np.asarray(values)
        return values

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame (needs pandas)."""
        import pandas as pd  # type: ignore[import-untyped]

        return pd.DataFrame(self.rows, columns=self.columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and _same(self.rows, other.rows)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Table({len(self.rows)} rows; columns: {', '.join(self.columns)})"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return bool(a == b)


def _is_dask_client(executor: Any) -> bool:
    return all(hasattr(executor, m) for m in ("scatter", "submit", "gather"))


def _scatter(client: Any, jobs: Sequence[Job]) -> List[Tuple[Tuple[Any, ...], Dict[str, Any]]]:
    """Replace large arrays in the jobs' arguments by futures, each array scattered once."""
    futures: Dict[int, Any] = {}

    def swap(v: Any) -> Any:
        if isinstance(v, np.ndarray) and v.nbytes >= SCATTER_BYTES:
            if id(v) not in futures:
                futures[id(v)] = client.scatter(v, broadcast=True)
            return futures[id(v)]
        return v

    return [(tuple(swap(a) for a in j.args), {k: swap(v) for k, v in j.kwargs.items()}) for j in jobs]


def run_jobs(
    jobs: Iterable[Job],
    executor: Any = None,
    *,
    threads: Optional[int] = 1,
) -> Table:
    """Run ``jobs`` on ``executor`` (a Dask ``Client``, any ``concurrent.futures.Executor``, or
    ``None`` for a serial loop here) and gather their results into a :class:`Table`, in job
    order. ``threads``: Rust threads per job (1 by default, so that workers do not compete
    for cores; ``None``: all cores). A job that raises re-raises here."""
    jobs = list(jobs)
    if executor is None:
        results = [_call(j.fn, j.args, dict(j.kwargs), threads) for j in jobs]
    elif _is_dask_client(executor):
        calls = _scatter(executor, jobs)
        futures = [
            executor.submit(_call, j.fn, args, kwargs, threads, pure=False)
            for j, (args, kwargs) in zip(jobs, calls)
        ]
        results = executor.gather(futures)
    elif isinstance(executor, Executor):
        futures = [executor.submit(_call, j.fn, j.args, dict(j.kwargs), threads) for j in jobs]
        results = [f.result() for f in futures]
    else:
        from .errors import InvalidParameterError

        raise InvalidParameterError(
            "parameter `executor` is invalid: expected a dask.distributed.Client, a "
            f"concurrent.futures.Executor or None, got {type(executor).__name__}",
            name="executor",
        )
    return Table([{**dict(j.key), **flatten(r)} for j, r in zip(jobs, results)])
