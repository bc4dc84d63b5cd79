"""The analyses of the first seed project (SPEC.md §3, §5, §9), from recordings to Results.

Settings are the ``[analysis]`` keys of an experiment file, as keywords; the estimators are
its tables, named by the estimators' own parameters (those of :class:`infoscope.Ksg` and the
other classes): ``analyze(rec, permutations=200, ksg={"k": 5})``, ``kt={"noise_var": 0.5}``,
``binned={"correction": "miller-madow"}``, ``gaussian={"ridge": 1e-6}``. A table's missing
keys keep the analysis defaults. Every curve of a Result records its estimator:
``config["spec"]`` (the method and all its parameters, e.g. ``{"method": "ksg", "k": 3, ...}``)
and ``config["input"]`` (how the data were prepared for it). Every information value in a
Result is in nats (its ``unit`` says so); :func:`infoscope.to_unit` converts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, Union

from . import _core, _params
from ._results import Record
from .nets import Recording

__all__ = [
    "default_analysis_config",
    "analyze",
    "information_plane",
    "gradient_snr",
    "default_experiment",
    "read_experiment",
    "experiment_toml",
    "run_experiment",
    "as_results",
    "write_report",
]

PathLike = Union[str, "os.PathLike[str]"]


def default_analysis_config() -> Dict[str, Any]:
    """The default analysis settings (the ``[analysis]`` table of ``experiments/go.toml``).

    >>> default_analysis_config()["permutations"]
    100
    """
    return json.loads(_core.analysis_defaults())  # type: ignore[no-any-return]


def _config(config: Optional[Mapping[str, Any]], settings: Mapping[str, Any]) -> str:
    merged = dict(config or {})
    merged.update(settings)
    return _core.analysis_check(_params.dumps(merged))


def _recording(recording: Union[Recording, PathLike]) -> Recording:
    if isinstance(recording, Recording):
        return recording
    return Recording.load(recording)


def analyze(
    recording: Union[Recording, PathLike],
    *,
    name: str = "network",
    config: Optional[Mapping[str, Any]] = None,
    threads: Optional[int] = None,
    **settings: Any,
) -> Record:
    """Every recording-level analysis of one network: layer MI over time (binned,
    Kolchinsky–Tracey, KSG, with permutation nulls), per-neuron MI and active neurons,
    successive-state MI. The same numbers as ``infoscope analyze`` (its ``networks[0]``)."""
    text = _core.analyze_recording(_recording(recording), name, _config(config, settings), threads)
    return Record(json.loads(text))


def information_plane(
    checkpoints: Sequence[Tuple[int, Union[Recording, PathLike]]],
    *,
    config: Optional[Mapping[str, Any]] = None,
    threads: Optional[int] = None,
    **settings: Any,
) -> Record:
    """(I(X;T), I(T;Y)) at the last step of each ``(training step, recording)`` checkpoint
    (the same trials at every checkpoint): binned and Kolchinsky–Tracey."""
    recs = [(int(step), _recording(r)) for step, r in checkpoints]
    return Record(json.loads(_core.information_plane_of(recs, _config(config, settings), threads)))


def gradient_snr(log: Union[Sequence[Mapping[str, Any]], PathLike]) -> Record:
    """Gradient signal-to-noise per layer over training, from a training log (the ``log`` of
    :func:`infoscope.train`, or the path of a run's ``log.json``)."""
    if isinstance(log, (str, os.PathLike)):
        text = Path(log).read_text()
    else:
        text = json.dumps(list(log))
    return Record(json.loads(_core.gradient_snr_of(text)))


def default_experiment() -> Dict[str, Any]:
    """The built-in experiment (the same as ``experiments/go.toml``), as sections."""
    return json.loads(_core.experiment_defaults())  # type: ignore[no-any-return]


def read_experiment(path: PathLike) -> Dict[str, Any]:
    """An experiment file (TOML), checked, as sections with every default filled in."""
    return json.loads(_core.read_experiment(os.fspath(path)))  # type: ignore[no-any-return]


def experiment_toml(experiment: Mapping[str, Any]) -> str:
    """An experiment (sections) as the TOML text of an experiment file."""
    return _core.experiment_toml(json.dumps(dict(experiment)))


def run_experiment(
    experiment: Union[None, PathLike, Mapping[str, Any]] = None,
    *,
    out: Optional[PathLike] = None,
    resume: bool = False,
    progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
    threads: Optional[int] = None,
) -> Record:
    """Run a whole experiment (train, fit the reservoir, record, analyse) into ``out``
    (default ``runs/<name>``), as ``infoscope run`` does, and return its Results.
    ``experiment``: ``None`` (the defaults), a TOML file, or sections as a mapping."""
    if experiment is None:
        sections: Dict[str, Any] = {}
    elif isinstance(experiment, (str, os.PathLike)):
        sections = read_experiment(experiment)
    else:
        sections = dict(experiment)
    checked = json.loads(_core.experiment_check(json.dumps(sections)))
    target = os.fspath(out) if out is not None else os.path.join("runs", checked["name"])
    text = _core.run_experiment_in(json.dumps(checked), target, resume, progress, threads)
    return Record(json.loads(text))


def as_results(
    networks: Union[Record, Sequence[Record]],
    *,
    config: Optional[Mapping[str, Any]] = None,
    recording: Optional[PathLike] = None,
    **settings: Any,
) -> Record:
    """Results (the layout of ``results.json``) of one or more :func:`analyze` outputs, e.g. a
    trained network and a control side by side; ``config``/settings: those of the analyses;
    ``recording``: the file analysed, as ``infoscope analyze`` records it. The same Results as
    ``infoscope analyze`` writes for the same recording and settings."""
    items = [networks] if isinstance(networks, Record) else list(networks)
    path = os.fspath(recording) if recording is not None else None
    text = _core.results_of([n.to_json() for n in items], _config(config, settings), path)
    return Record(json.loads(text))


def write_report(
    results: Union[Record, Sequence[Record]],
    out: PathLike,
    *,
    unit: str = "bits",
    png: bool = False,
    title: str = "infoscope report",
) -> Path:
    """Write the self-contained ``report.html`` (and ``figures/``) into ``out`` and return its
    path: of Results (:func:`run_experiment`), or of network analyses (:func:`analyze`, one or
    a list; wrapped with :func:`as_results` and the default settings)."""
    if isinstance(results, Record) and "networks" in results:
        whole = results
    else:
        whole = as_results(results)
    return Path(_core.write_report_of(whole.to_json(), os.fspath(out), unit, png, title))
