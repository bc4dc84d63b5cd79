"""Tasks, networks and recordings.

Settings use the sections and keys of an experiment file (``experiments/go.toml``):
``task={"rule": "fdgo", "timing": "per_batch"}``, ``network={"hidden": 128, ...}``,
``training={"max_steps": 300, ...}``, ``reservoir={...}``; missing keys take the defaults.

>>> import infoscope
>>> batch = infoscope.generate_trials("fdgo", mode="test")
>>> batch.inputs.shape                    # [time, trial, input], time-major like the core
(100, 40, 85)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from . import _core, _params

__all__ = [
    "TrialBatch",
    "generate_trials",
    "Model",
    "TrainResult",
    "train",
    "fit_reservoir",
    "load_model",
    "Recording",
]

PathLike = Union[str, "os.PathLike[str]"]
Progress = Optional[Callable[[Dict[str, Any]], Any]]


def _sections(**sections: Optional[Mapping[str, Any]]) -> str:
    return _params.sections({k: dict(v) for k, v in sections.items() if v is not None})


@dataclass(frozen=True)
class TrialBatch:
    """A batch of Go-family trials. Arrays are time-major ``[time, trial, channel]``."""

    #: Integration step, ms.
    dt: float
    #: Inputs ``[time, trial, 85]`` (fixation, two 32-unit rings, 20 rule units), float32.
    inputs: np.ndarray
    #: Targets ``[time, trial, 33]``, float32.
    targets: np.ndarray
    #: Cost mask ``[time, trial, 33]``, float32.
    mask: np.ndarray
    #: Location target ``[time, trial]``: -1 while fixating, else the angle (radians).
    y_loc: np.ndarray
    #: Stimulus angle of each trial, radians.
    angles: np.ndarray
    #: Stimulus modality of each trial (1 or 2).
    modality: List[int]
    #: Each trial's epochs (steps), as mappings.
    epochs: List[Dict[str, Any]]
    #: The task's constants.
    task: Dict[str, Any]


def generate_trials(
    rule: str = "fdgo",
    *,
    mode: str = "random",
    trials: int = 64,
    seed: int = 0,
    timing: str = "per_batch",
) -> TrialBatch:
    """A batch of trials of ``rule`` (``"fdgo"``, ``"reactgo"``, ``"delaygo"``): ``trials``
    random trials (``mode="random"``) or the 40-trial test grid (``mode="test"``)."""
    d = _core.generate_trials(
        _sections(task={"rule": rule, "timing": timing}), mode, trials, seed
    )
    return TrialBatch(
        dt=float(d["dt"]),
        inputs=d["inputs"],
        targets=d["targets"],
        mask=d["mask"],
        y_loc=d["y_loc"],
        angles=d["angles"],
        modality=list(d["modality"]),
        epochs=json.loads(d["epochs"]),
        task=json.loads(d["task"]),
    )


@dataclass(eq=False)
class Recording:
    """A network's activity on a batch of trials, in the layout every analysis reads.

    Arrays are trial-major ``[trial, time, ...]``; only ``hidden`` and ``labels`` (the
    stimulus angle in radians, or an integer class) are required. ``meta`` is the sidecar:
    ``dt`` (ms), ``epochs`` of each trial, task, model, seed, ...; missing keys take the
    defaults of a recording without a sidecar.

    From PyTorch, with ``h`` of shape ``[batch, time, units]``::

        rec = infoscope.Recording(hidden=h.detach().cpu().numpy(), labels=theta.numpy())

    >>> import numpy as np, infoscope
    >>> rec = infoscope.Recording(hidden=np.zeros((8, 5, 3)), labels=np.arange(8) % 2)
    >>> rec.n_trials, rec.n_time, rec.meta["dt"]
    (8, 5, 20.0)
    """

    hidden: np.ndarray
    labels: np.ndarray
    inputs: Optional[np.ndarray] = None
    outputs: Optional[np.ndarray] = None
    targets: Optional[np.ndarray] = None
    mask: Optional[np.ndarray] = None
    meta: Dict[str, Any] = field(default_factory=dict)
    #: How each array of a recording read from a file was found and read (empty otherwise).
    arrays_read: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        defaults = json.loads(_core.recording_meta_defaults())
        defaults.update(self.meta)
        self.meta = defaults

    @property
    def n_trials(self) -> int:
        """Number of trials."""
        return int(np.shape(self.hidden)[0])

    @property
    def n_time(self) -> int:
        """Number of time steps."""
        return int(np.shape(self.hidden)[1])

    def meta_json(self) -> str:
        """The sidecar as JSON text."""
        return json.dumps(self.meta)

    @classmethod
    def _from_core(cls, d: Mapping[str, Any]) -> "Recording":
        return cls(
            hidden=d["hidden"],
            labels=d["labels"],
            inputs=d["inputs"],
            outputs=d["outputs"],
            targets=d["targets"],
            mask=d["mask"],
            meta=json.loads(d["meta"]),
            arrays_read=list(d["arrays_read"]),
        )

    @classmethod
    def load(cls, path: PathLike) -> "Recording":
        """Read a recording (``.npz`` and its optional sidecar ``.json``)."""
        return cls._from_core(_core.read_recording(os.fspath(path)))

    def save(self, path: PathLike) -> None:
        """Write ``path`` (``.npz``) and its sidecar ``.json``, each atomically."""
        _core.write_recording(self, os.fspath(path))


class Model:
    """A trained network (``"leaky"`` RNN or ``"reservoir"``) and the task it was trained on."""

    def __init__(self, core: Any) -> None:
        self._core = core

    @classmethod
    def load(cls, path: PathLike) -> "Model":
        """Load the network in a training run's directory."""
        return cls(_core.Model.load(os.fspath(path)))

    @property
    def kind(self) -> str:
        """``"leaky"`` or ``"reservoir"``."""
        return str(self._core.kind)

    @property
    def config(self) -> Dict[str, Any]:
        """The training configuration."""
        return json.loads(self._core.config_json())  # type: ignore[no-any-return]

    @property
    def task(self) -> Dict[str, Any]:
        """The task's constants."""
        return json.loads(self._core.task_json())  # type: ignore[no-any-return]

    def record(
        self,
        trials: int = 200,
        *,
        seed: int = 0,
        mode: str = "random",
        noise: bool = True,
        threads: Optional[int] = None,
    ) -> Recording:
        """Record the network on ``trials`` random trials (or ``mode="test"``: the 40-trial
        grid), with recurrent noise unless ``noise=False``; seeded by ``seed``."""
        return Recording._from_core(self._core.record(mode, trials, seed, noise, threads))

    def run(
        self, inputs: np.ndarray, *, noise_seed: Optional[int] = None, threads: Optional[int] = None
    ) -> Tuple[np.ndarray, np.ndarray]:
        """Hidden states and outputs (time-major float32) for time-major ``inputs``."""
        hidden, outputs = self._core.run(inputs, noise_seed, threads)
        return hidden, outputs

    def __repr__(self) -> str:
        return f"Model(kind={self.kind!r}, task={self.task.get('rule')!r})"


def load_model(path: PathLike) -> Model:
    """Load the network in a training run's directory (``Model.load``)."""
    return Model.load(path)


@dataclass(frozen=True)
class TrainResult:
    """The outcome of :func:`train` or :func:`fit_reservoir`."""

    #: The trained network.
    model: Model
    #: Training steps taken (0 for a reservoir).
    steps: int
    #: Whether the target performance was reached.
    reached_target: bool
    #: Every log entry (step, losses, performance, per-layer gradient statistics, ...).
    log: List[Dict[str, Any]]
    #: The reservoir's fit (ridge λ, losses, test-grid performance); empty for the RNN.
    report: Dict[str, Any] = field(default_factory=dict)


def train(
    out: Optional[PathLike] = None,
    *,
    task: Optional[Mapping[str, Any]] = None,
    network: Optional[Mapping[str, Any]] = None,
    training: Optional[Mapping[str, Any]] = None,
    resume: bool = False,
    progress: Progress = None,
    threads: Optional[int] = None,
) -> TrainResult:
    """Train the leaky RNN by BPTT and Adam (into ``out``, with log-spaced checkpoints, when
    given; ``resume`` continues an interrupted run there exactly). ``progress`` is called with
    every log entry (a dict); Ctrl-C stops at the next entry."""
    model, text = _core.train_leaky(
        _sections(task=task, network=network, training=training),
        None if out is None else os.fspath(out),
        resume,
        progress,
        threads,
    )
    d = json.loads(text)
    return TrainResult(
        model=Model(model), steps=int(d["steps"]), reached_target=bool(d["reached_target"]), log=d["log"]
    )


def fit_reservoir(
    out: Optional[PathLike] = None,
    *,
    task: Optional[Mapping[str, Any]] = None,
    reservoir: Optional[Mapping[str, Any]] = None,
    threads: Optional[int] = None,
) -> TrainResult:
    """Fit an echo-state reservoir's ridge readout (fixed random recurrent weights)."""
    model, text = _core.fit_reservoir(
        _sections(task=task, reservoir=reservoir), None if out is None else os.fspath(out), threads
    )
    d = json.loads(text)
    perf = float(d["test_performance"])
    return TrainResult(
        model=Model(model), steps=0, reached_target=False, log=[], report={**d["report"], "test_performance": perf}
    )
