# Type stubs of the extension module infoscope._core (crates/py). Use the `infoscope` package:
# these functions take settings as JSON text and return JSON text, dicts and numpy arrays.
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
    "Model",
    "__version__",
    "analysis_check",
    "analysis_defaults",
    "analyze_recording",
    "bh_q_values",
    "binned_mi_labels",
    "binned_per_unit",
    "binned_per_unit_test",
    "binned_symbols",
    "check_params",
    "conditional_mutual_information",
    "entropy",
    "experiment_check",
    "experiment_defaults",
    "experiment_toml",
    "fit_reservoir",
    "gaussian_from_covariance",
    "generate_trials",
    "gradient_snr_of",
    "information_plane_of",
    "ksg_local_values",
    "ksg_pairwise",
    "kt_bootstrap_ci",
    "kt_bounds",
    "kt_check",
    "kt_label_surrogate_test",
    "kt_noise_sweep",
    "mi_bootstrap_ci",
    "mi_surrogate_test",
    "mutual_information",
    "plugin_estimate",
    "read_experiment",
    "read_recording",
    "recording_meta_defaults",
    "results_of",
    "run_experiment_in",
    "surrogate_row_orders",
    "train_leaky",
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

def check_params(method: str, params: str) -> str: ...
def mutual_information(
    method: str, params: str, x: _Array, y: _Array, threads: Optional[int] = None
) -> Dict[str, Any]: ...
def conditional_mutual_information(
    method: str, params: str, x: _Array, y: _Array, z: _Array, threads: Optional[int] = None
) -> Dict[str, Any]: ...
def entropy(method: str, params: str, x: _Array, threads: Optional[int] = None) -> Dict[str, Any]: ...
def binned_mi_labels(params: str, x: _Array, y: _Array, threads: Optional[int] = None) -> Dict[str, Any]: ...
def binned_symbols(params: str, x: _Array) -> npt.NDArray[np.int64]: ...
def binned_per_unit(params: str, x: _Array, labels: _Array, threads: Optional[int] = None) -> str: ...
def binned_per_unit_test(
    params: str,
    x: _Array,
    labels: _Array,
    surrogate: str,
    n_surrogates: int,
    seed: int,
    threads: Optional[int] = None,
) -> str: ...
def plugin_estimate(
    params: str,
    op: str,
    x: _Array,
    y: Optional[_Array] = None,
    z: Optional[_Array] = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def gaussian_from_covariance(
    params: str,
    cov: _Array,
    x: List[int],
    y: Optional[List[int]] = None,
    z: Optional[List[int]] = None,
) -> Dict[str, Any]: ...
def ksg_local_values(
    params: str, x: _Array, y: _Array, z: Optional[_Array] = None, threads: Optional[int] = None
) -> npt.NDArray[np.float64]: ...
def ksg_pairwise(
    params: str, a: _Array, b: Optional[_Array] = None, threads: Optional[int] = None
) -> Dict[str, Any]: ...
def mi_surrogate_test(
    method: str,
    params: str,
    x: _Array,
    y: _Array,
    labels: bool,
    surrogate: str,
    n_surrogates: int,
    seed: int,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def mi_bootstrap_ci(
    method: str,
    params: str,
    x: _Array,
    y: _Array,
    labels: bool,
    n_resamples: int,
    level: float,
    seed: int,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def bh_q_values(p_values: _Array) -> npt.NDArray[np.float64]: ...
def surrogate_row_orders(
    surrogate: str, n: int, n_surrogates: int, seed: int
) -> npt.NDArray[np.int64]: ...
def kt_check(noise_var: float, tile: Optional[int] = None) -> str: ...
def kt_bounds(
    quantity: str,
    noise_var: float,
    h: _Array,
    labels: Optional[_Array] = None,
    weights: Optional[_Array] = None,
    tile: Optional[int] = None,
    threads: Optional[int] = None,
) -> Tuple[Dict[str, Any], Dict[str, Any]]: ...
def kt_label_surrogate_test(
    noise_var: float,
    h: _Array,
    labels: _Array,
    weights: Optional[_Array],
    surrogate: str,
    n_surrogates: int,
    seed: int,
    tile: Optional[int] = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
def kt_bootstrap_ci(
    noise_var: float,
    h: _Array,
    labels: Optional[_Array],
    weights: Optional[_Array],
    n_resamples: int,
    level: float,
    seed: int,
    tile: Optional[int] = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]: ...
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
