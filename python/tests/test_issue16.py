"""Issue 16: the Python face of the bad-input sweep. Numpy scalars are accepted as parameters,
NaN parameters and negative counts are refused under their own names, masked arrays with
masked entries are refused naming the argument, sizes beyond memory are a ``TooLargeError``
(a ``MemoryError``), and a panic in the core is an ``InternalError``, never a
``PanicException`` that ``except Exception`` would miss."""

from __future__ import annotations

import numpy as np
import pytest

import infoscope
from infoscope import _core


@pytest.fixture
def xy():
    rng = np.random.default_rng(16)
    x = rng.normal(size=(200, 2))
    return x, x[:, :1] + rng.normal(size=(200, 1))


@pytest.mark.parametrize(
    "make, plain",
    [
        (lambda: infoscope.Ksg(k=np.int64(5)), lambda: infoscope.Ksg(k=5)),
        (lambda: infoscope.Ksg(k=np.uint8(4), seed=np.int32(3)), lambda: infoscope.Ksg(k=4, seed=3)),
        (lambda: infoscope.Ksg(normalize=np.bool_(True)), lambda: infoscope.Ksg(normalize=True)),
        (lambda: infoscope.Gaussian(ridge=np.float32(0.25)), lambda: infoscope.Gaussian(ridge=0.25)),
        (lambda: infoscope.Gaussian(ridge=np.array(0.25)), lambda: infoscope.Gaussian(ridge=0.25)),
        (lambda: infoscope.KolchinskyTracey(noise_var=np.float64(0.5), tile=np.int16(64)),
         lambda: infoscope.KolchinskyTracey(noise_var=0.5, tile=64)),
        (lambda: infoscope.Estimator("binned", policy=np.str_("quantile:4")),
         lambda: infoscope.Estimator("binned", policy="quantile:4")),
    ],
)
def test_numpy_scalars_are_accepted_as_parameters(make, plain, xy) -> None:
    """Before: ``TypeError: Object of type int64 is not JSON serializable``."""
    a, b = make(), plain()
    assert a.spec == b.spec
    if isinstance(a, infoscope.KolchinskyTracey):
        assert a.entropy_bounds(xy[0]).lower.nats == b.entropy_bounds(xy[0]).lower.nats
    else:
        assert a.estimate(*xy).nats == b.estimate(*xy).nats


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: infoscope.Ksg(noise=float("nan")), "noise"),
        (lambda: infoscope.Ksg(noise=np.float64("inf")), "noise"),
        (lambda: infoscope.Gaussian(ridge=float("nan")), "ridge"),
        (lambda: infoscope.KolchinskyTracey(noise_var=np.float32("nan")), "noise_var"),
        (lambda: infoscope.Estimator("ksg", noise={"kind": "gaussian", "std": float("nan")}), "noise"),
        (lambda: infoscope.Gaussian(ridge=object()), "ridge"),
    ],
)
def test_nan_and_unencodable_parameters_name_the_parameter(make, name) -> None:
    """Before: ``parameter `params` is invalid: not valid JSON``."""
    with pytest.raises(infoscope.InvalidParameterError) as e:
        make()
    assert e.value.name == name
    assert f"`{name}`" in str(e.value)


def test_overflowing_noise_names_the_noise(xy) -> None:
    """Before: ``argument `data` holds a non-finite value``."""
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.Ksg(noise=1e308).estimate(*xy)
    assert e.value.name == "noise"


def test_gaussian_overflow_says_overflow(xy) -> None:
    """Before: a NotPositiveDefiniteError (collinearity)."""
    with pytest.raises(infoscope.OutOfRangeError, match="overflow") as e:
        infoscope.Gaussian().estimate(xy[0] * 1e300, xy[1])
    assert e.value.argument == "x"


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda x, y: infoscope.Gaussian().surrogate_test(x, y, n_surrogates=-1), "n_surrogates"),
        (lambda x, y: infoscope.Gaussian().surrogate_test(x, y, seed=-1), "seed"),
        (lambda x, y: infoscope.Gaussian().bootstrap_ci(x, y, n_resamples=2**70), "n_resamples"),
        (lambda x, y: infoscope.Gaussian().estimate(x, y, threads=-1), "threads"),
        (lambda x, y: infoscope.surrogate_orders("permutation", 10, -1), "n_surrogates"),
        (lambda x, y: infoscope.noise_sweep(x, [1.0], tile=-5), "tile"),
    ],
)
def test_negative_or_huge_integers_name_the_parameter(call, name, xy) -> None:
    """Before: an unnamed ``OverflowError: can't convert negative int to unsigned``."""
    with pytest.raises(infoscope.InvalidParameterError) as e:
        call(*xy)
    assert e.value.name == name


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda x, y: infoscope.Binned().per_unit_test(x, (y[:, 0] > 0).astype(int), n_surrogates=10**12), "n_surrogates"),
        (lambda x, y: infoscope.Gaussian().surrogate_test(x, y, n_surrogates=10**9), "n_surrogates"),
        (lambda x, y: infoscope.Gaussian().bootstrap_ci(x, y, n_resamples=10**7), "n_resamples"),
        (lambda x, y: infoscope.surrogate_orders("permutation", 10, 10**9), "n_surrogates"),
    ],
)
def test_absurd_counts_are_refused(call, name, xy) -> None:
    """Before: the process aborted (orders of n × count) or ran for ever."""
    with pytest.raises(infoscope.InvalidParameterError, match="1000000") as e:
        call(*xy)
    assert e.value.name == name


def test_sizes_beyond_memory_are_too_large_errors() -> None:
    """Before: a ``PanicException`` from faer (an 8 TB allocation), or an abort."""
    wide = np.zeros((10, 1_000_000))
    wide[:, ::1000] = np.random.default_rng(0).normal(size=(10, 1000))
    with pytest.raises(infoscope.TooLargeError) as e:
        infoscope.Gaussian(ridge=0.1).estimate(wide, wide[:, :1])
    assert isinstance(e.value, MemoryError) and isinstance(e.value, infoscope.InfoscopeError)
    assert e.value.argument == "x" and "PCA" in str(e.value) and e.value.needed
    with pytest.raises(infoscope.TooLargeError) as e:
        infoscope.Ksg().pairwise(wide)
    assert e.value.argument == "a"
    with pytest.raises(infoscope.TooLargeError) as e:
        infoscope.surrogate_orders("permutation", 10**15, 2)
    assert e.value.argument == "n_surrogates"


def test_masked_arrays_with_masked_entries_are_refused(xy) -> None:
    x, y = xy
    mx = np.ma.masked_array(x, mask=np.zeros_like(x, dtype=bool))
    # Nothing masked: read as its data.
    assert infoscope.Gaussian().estimate(mx, y).nats == infoscope.Gaussian().estimate(x, y).nats
    mx.mask[3, 1] = True
    for call, name in [
        (lambda: infoscope.Gaussian().estimate(mx, y), "x"),
        (lambda: infoscope.Ksg().estimate(x, np.ma.masked_invalid(np.where(np.arange(200) == 5, np.nan, y[:, 0]))), "y"),
        (lambda: infoscope.Binned().per_unit(mx, (y[:, 0] > 0).astype(int)), "x"),
        (lambda: infoscope.KolchinskyTracey(noise_var=0.5).entropy_bounds(mx), "x"),
    ]:
        with pytest.raises(infoscope.MaskedArrayError, match="masked") as e:
            call()
        assert e.value.argument == name
        assert isinstance(e.value, ValueError)


def test_a_panic_in_the_core_is_an_internal_error() -> None:
    """The hidden hook panics inside the computation path every call takes."""
    with pytest.raises(infoscope.InternalError, match="deliberate panic") as e:
        _core._panic_for_test()
    assert isinstance(e.value, Exception) and isinstance(e.value, infoscope.InfoscopeError)


def test_int64_labels_above_2_53_stay_distinct() -> None:
    """Labels 2⁵³ and 2⁵³ + 1 are distinct classes (they collide as float64)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 1))
    labels = np.where(x[:, 0] > 0, 2**53 + 1, 2**53).astype(np.int64)
    as_small = np.where(x[:, 0] > 0, 1, 0)
    b = infoscope.Binned(policy="quantile:4")
    got = b.mutual_information_with_labels(x, labels).nats
    assert got == pytest.approx(b.mutual_information_with_labels(x, as_small).nats)
    assert got > 0.1


def test_neurogym_shaped_recordings_analyse(tmp_path) -> None:
    """Per-step integer targets and a per-step mask `[trials, time]`, float16 states, a constant
    fixation input and a dead unit: the recording is accepted from numpy and from a file, and
    the analysis reads the targets as classes and does not abort on the constant input."""
    rng = np.random.default_rng(5)
    b, t, n = 32, 6, 8
    theta = rng.uniform(0, 2 * np.pi, b)
    hidden = np.tanh(rng.normal(size=(b, t, n)) + np.cos(theta)[:, None, None]).astype(np.float16)
    hidden[:, :, 2] = 0.0  # a unit that never moves
    inputs = np.zeros((b, t, 3))
    inputs[:, :, 0] = 1.0  # the fixation input, constant at every step
    inputs[:, 2:4, 1] = np.cos(theta)[:, None]
    targets = np.zeros((b, t), dtype=np.int64)
    targets[:, 4:] = 1 + (theta // (np.pi / 2)).astype(np.int64)[:, None]
    mask = np.ones((b, t))
    rec = infoscope.Recording(hidden=hidden, labels=theta, inputs=inputs, targets=targets,
                              mask=mask, meta={"dt": 100.0})
    result = infoscope.analyze(rec, permutations=5, pca_dims=3)
    assert result.to_dict()["variables"]["has_targets"]
    np.savez(tmp_path / "ng.npz", hidden=hidden, labels=theta, inputs=inputs, targets=targets,
             mask=mask)
    (tmp_path / "ng.json").write_text('{"dt": 100, "notes": "neurogym", "env": "GoTask-v0"}')
    loaded = infoscope.Recording.load(tmp_path / "ng.npz")
    assert loaded.meta["dt"] == 100.0
    assert infoscope.analyze(loaded, permutations=5, pca_dims=3).to_dict()["variables"]["has_targets"]


def test_recording_file_errors_are_typed(tmp_path) -> None:
    np.savez(tmp_path / "r.npz", h=np.zeros((4, 2, 3)), theta=np.zeros(4))
    with pytest.raises(infoscope.RecordingError, match="its arrays: h, theta") as e:
        infoscope.Recording.load(tmp_path / "r.npz")
    assert e.value.argument == "hidden"
    np.save(tmp_path / "x.npy", np.zeros((4, 2, 3)))
    with pytest.raises(infoscope.RecordingError, match="npz"):
        infoscope.Recording.load(tmp_path / "x.npy")
    np.savez(tmp_path / "s.npz", hidden=np.zeros((4, 2, 3)), labels=np.zeros(4))
    (tmp_path / "s.json").write_text('{"dt": -5}')
    with pytest.raises(infoscope.InvalidParameterError) as e:
        infoscope.Recording.load(tmp_path / "s.npz")
    assert e.value.name == "dt"
    (tmp_path / "s.json").write_text("{not json")
    with pytest.raises(infoscope.CorruptFileError):
        infoscope.Recording.load(tmp_path / "s.npz")
