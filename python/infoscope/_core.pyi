# Type stubs of the extension module infoscope._core (crates/py). Use the `infoscope` package:
# `Estimator` is every method of the estimator specification; the functions take settings as
# JSON text and return JSON text, dicts and numpy arrays.
from os import PathLike
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt
from typing_extensions import final

_Array = npt.ArrayLike
_Path = Union[str, PathLike[str]]
_Progress = Optional[Callable[[Dict[str, Any]], Any]]

__version__: str
__all__ = [
    "BinaryNetwork",
    "Estimator",
    "Model",
    "__version__",
    "analysis_check",
    "analysis_defaults",
    "analyze_recording",
    "balanced_experiment_check",
    "bh_q_values",
    "binned_symbols",
    "experiment_check",
    "experiment_defaults",
    "experiment_toml",
    "evolve",
    "fit_reservoir",
    "flux_experiment_check",
    "gaussian_from_covariance",
    "generate_trials",
    "gradient_snr_of",
    "information_plane_of",
    "information_rate",
    "information_rate_params",
    "kt_noise_sweep",
    "plugin_flux",
    "read_balanced_experiment",
    "read_experiment",
    "read_flux_experiment",
    "read_recording",
    "recording_meta_defaults",
    "results_of",
    "rooks_ensemble",
    "run_balanced_experiment_in",
    "run_experiment_in",
    "run_flux_experiment_in",
    "simulate_balanced",
    "surrogate_row_orders",
    "_panic_for_test",
    "train_leaky",
    "wdb_ensemble",
    "write_balanced_report_of",
    "write_evolution_state",
    "write_flux_report_of",
    "write_recording",
    "write_report_of",
]

@final
class Model:
    @staticmethod
    def load(dir: _Path) -> Model: ...
    @property
    def kind(self) -> str: ...
    def config_json(self) -> str: ...
    def task_json(self) -> str: ...
    def record(
        self, mode: str, trials: int, seed: int, noise: bool, threads: Optional[int] = None
    ) -> Dict[str, Any]: ...
    def run(
        self, inputs: _Array, noise_seed: Optional[int] = None, threads: Optional[int] = None
    ) -> Tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]: ...

@final
class Estimator:
    def __new__(cls, method: str, params: str) -> Estimator: ...
    @property
    def method(self) -> str: ...
    def params(self) -> str: ...
    def quantities(self) -> List[str]: ...
    def estimate(
        self,
        quantity: Optional[str],
        x: _Array,
        y: Optional[_Array] = None,
        z: Optional[_Array] = None,
        weights: Optional[_Array] = None,
        labels: Optional[_Array] = None,
        threads: Optional[int] = None,
    ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], Dict[str, Any]]]: ...
    def local_values(
        self,
        quantity: Optional[str],
        x: _Array,
        y: Optional[_Array] = None,
        z: Optional[_Array] = None,
        threads: Optional[int] = None,
    ) -> npt.NDArray[np.float64]: ...
    def surrogate_test(
        self,
        x: _Array,
        y: Optional[_Array] = None,
        weights: Optional[_Array] = None,
        labels: Optional[_Array] = None,
        surrogate: str = "permutation",
        n_surrogates: int = 199,
        seed: int = 0,
        threads: Optional[int] = None,
    ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], Dict[str, Any]]]: ...
    def bootstrap_ci(
        self,
        quantity: Optional[str],
        x: _Array,
        y: Optional[_Array] = None,
        z: Optional[_Array] = None,
        weights: Optional[_Array] = None,
        labels: Optional[_Array] = None,
        n_resamples: int = 200,
        level: float = 0.95,
        seed: int = 0,
        threads: Optional[int] = None,
    ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], Dict[str, Any]]]: ...
    def per_unit(self, x: _Array, labels: _Array, threads: Optional[int] = None) -> str: ...
    def per_unit_test(
        self,
        x: _Array,
        labels: _Array,
        surrogate: str = "permutation",
        n_surrogates: int = 199,
        seed: int = 0,
        threads: Optional[int] = None,
    ) -> str: ...
    def pairwise(
        self, a: _Array, b: Optional[_Array] = None, threads: Optional[int] = None
    ) -> Dict[str, Any]: ...

def binned_symbols(params: str, x: _Array) -> npt.NDArray[np.int64]: ...
def gaussian_from_covariance(
    params: str,
    cov: _Array,
    x: List[int],
    y: Optional[List[int]] = None,
    z: Optional[List[int]] = None,
) -> Dict[str, Any]: ...
def bh_q_values(p_values: _Array) -> npt.NDArray[np.float64]: ...
def surrogate_row_orders(
    surrogate: str, n: int, n_surrogates: int, seed: int
) -> npt.NDArray[np.int64]: ...
def kt_noise_sweep(
    h: _Array, noise_vars: _Array, tile: Optional[int] = None, threads: Optional[int] = None
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def generate_trials(experiment: str, mode: str, trials: int, seed: int) -> Dict[str, Any]: ...
def train_leaky(
    experiment: str,
    out: Optional[_Path] = None,
    resume: bool = False,
    progress: _Progress = None,
    threads: Optional[int] = None,
) -> Tuple[Model, str]: ...
def fit_reservoir(
    experiment: str, out: Optional[_Path] = None, threads: Optional[int] = None
) -> Tuple[Model, str]: ...
def recording_meta_defaults() -> str: ...
def read_recording(path: _Path) -> Dict[str, Any]: ...
def write_recording(recording: Any, path: _Path) -> None: ...
def analysis_defaults() -> str: ...
def analysis_check(config: str) -> str: ...
def experiment_defaults() -> str: ...
def read_experiment(path: _Path) -> str: ...
def experiment_check(experiment: str) -> str: ...
def experiment_toml(experiment: str) -> str: ...
def analyze_recording(
    recording: Any, name: str, config: str, threads: Optional[int] = None
) -> str: ...
def information_plane_of(
    checkpoints: List[Tuple[int, Any]], config: str, threads: Optional[int] = None
) -> str: ...
def gradient_snr_of(log: str) -> str: ...
def run_experiment_in(
    experiment: str,
    out: _Path,
    resume: bool = False,
    progress: _Progress = None,
    threads: Optional[int] = None,
) -> str: ...
def results_of(networks: List[str], config: str, recording: Optional[str] = None) -> str: ...
def write_report_of(
    results: str, out: _Path, unit: str = "bits", png: bool = False, title: str = "infoscope report"
) -> str: ...
def read_flux_experiment(path: _Path) -> str: ...
def flux_experiment_check(sections: str, base: _Path) -> str: ...
def run_flux_experiment_in(
    experiment: str,
    out: _Path,
    resume: bool = False,
    progress: _Progress = None,
    threads: Optional[int] = None,
) -> str: ...
def write_flux_report_of(
    results: str,
    out: _Path,
    unit: str = "bits",
    png: bool = False,
    title: str = "infoscope flux report",
) -> str: ...

@final
class BinaryNetwork:
    def __new__(
        cls,
        weights: _Array,
        bias: Optional[_Array] = None,
        coding: str = "binary",
        update: str = "synchronous",
        temperature: float = 1.0,
    ) -> BinaryNetwork: ...
    @property
    def n(self) -> int: ...
    @property
    def weights(self) -> npt.NDArray[np.float64]: ...
    @property
    def bias(self) -> npt.NDArray[np.float64]: ...
    @property
    def coding(self) -> str: ...
    @property
    def update(self) -> str: ...
    @property
    def temperature(self) -> float: ...
    def flux(
        self, tolerance: float = 1e-12, max_iterations: int = 10000, threads: Optional[int] = None
    ) -> Dict[str, Any]: ...
    def transient_flux(
        self, p0: _Array, t: int, threads: Optional[int] = None
    ) -> Dict[str, Any]: ...
    def propagate(
        self, p0: _Array, steps: int, threads: Optional[int] = None
    ) -> npt.NDArray[np.float64]: ...
    def proxies(
        self,
        method: str = "exact",
        steps: int = 100000,
        burn_in: int = 1000,
        seed: int = 0,
        tolerance: float = 1e-12,
        max_iterations: int = 10000,
        threads: Optional[int] = None,
    ) -> Dict[str, Any]: ...
    def simulate(
        self, steps: int, burn_in: int = 1000, seed: int = 0, threads: Optional[int] = None
    ) -> npt.NDArray[np.uint8]: ...
    def attractors(self, tie: str = "on", threads: Optional[int] = None) -> Dict[str, Any]: ...
    def measure(self, config: str, threads: Optional[int] = None) -> Dict[str, Any]: ...
    def permutation_structure(self, layout: str = "sub-diagonal") -> Dict[str, Any]: ...
    def same_as(self, other: BinaryNetwork) -> bool: ...

def plugin_flux(
    states: _Array, subset: List[int], threads: Optional[int] = None
) -> Dict[str, Any]: ...
def wdb_ensemble(
    n: int,
    width: float,
    density: float,
    balance: float,
    seed: int,
    index: int = 0,
    magnitude: str = "half-normal",
    diagonal: bool = False,
    bias: str = "zero",
    coding: str = "binary",
    update: str = "synchronous",
    temperature: float = 1.0,
) -> BinaryNetwork: ...
def rooks_ensemble(
    n: int,
    strength: float,
    seed: int,
    index: int = 0,
    background: float = 0.0,
    diagonal: bool = False,
    bias: str = "zero",
    coding: str = "binary",
    update: str = "synchronous",
    temperature: float = 1.0,
) -> BinaryNetwork: ...
def evolve(
    initial: Optional[BinaryNetwork],
    generations: int,
    params: str,
    fitness: str,
    state: Optional[str] = None,
    state_path: Optional[_Path] = None,
    callable: Optional[Callable[[BinaryNetwork], float]] = None,
    progress: _Progress = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def write_evolution_state(state: str, path: _Path) -> None: ...
def information_rate(
    x: _Array, y: _Array, params: str = "{}", threads: Optional[int] = None
) -> Dict[str, Any]: ...
def information_rate_params(params: str = "{}") -> Dict[str, Any]: ...
def simulate_balanced(
    b: float,
    params: str = "{}",
    steps: int = ...,
    trials: int = ...,
    burn_in: int = ...,
    per_trial_stimulus: bool = False,
    seed: int = ...,
    precision: str = "f32",
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def read_balanced_experiment(path: _Path) -> str: ...
def balanced_experiment_check(sections: str) -> str: ...
def run_balanced_experiment_in(
    experiment: str,
    out: _Path,
    resume: bool = False,
    progress: _Progress = None,
    threads: Optional[int] = None,
) -> str: ...
def write_balanced_report_of(
    results: str, out: _Path, unit: str = "bits", png: bool = False, title: str = ...
) -> str: ...

def _panic_for_test() -> None: ...
