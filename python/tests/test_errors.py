"""Every bad input of the Rust suites raises its InfoscopeError subclass from Python, with the
core's message and the argument named; nothing crashes the interpreter."""

from __future__ import annotations

import numpy as np
import pytest

import infoscope
from infoscope import errors as E

rng = np.random.default_rng(7)
X = rng.normal(size=(50, 2))
Y = rng.normal(size=(50, 1))
LABELS = rng.integers(0, 3, size=50)


def raises(exc, fn, **attrs):
    with pytest.raises(exc) as info:
        fn()
    err = info.value
    assert isinstance(err, E.InfoscopeError)
    for k, v in attrs.items():
        assert getattr(err, k) == v, (k, getattr(err, k, None), str(err))
    assert str(err)  # the core's message, never empty
    return err


def test_hierarchy():
    assert issubclass(E.InputError, ValueError) and issubclass(E.InvalidParameterError, ValueError)
    assert issubclass(E.DTypeError, TypeError)
    assert issubclass(E.MissingFileError, FileNotFoundError) and issubclass(E.FileError, OSError)
    assert issubclass(E.ExperimentFileError, E.InvalidParameterError)
    assert all(issubclass(getattr(E, n), E.InfoscopeError) for n in E.__all__)
    assert set(E.__all__) <= set(infoscope.__all__)


@pytest.mark.parametrize("est", [infoscope.Ksg(), infoscope.Gaussian(), infoscope.Binned()])
def test_data_errors_of_every_mi_estimator(est):
    raises(E.EmptyInputError, lambda: est.estimate(np.zeros((0, 2)), np.zeros((0, 1))), argument="x")
    raises(E.EmptyInputError, lambda: est.estimate(np.zeros((50, 0)), Y), argument="x")
    bad = X.copy()
    bad[3, 1] = np.nan
    raises(E.NonFiniteError, lambda: est.estimate(bad, Y), argument="x", row=3, col=1)
    bad_y = Y.copy()
    bad_y[7, 0] = np.inf
    raises(E.NonFiniteError, lambda: est.estimate(X, bad_y), argument="y", row=7, col=0)
    raises(E.ShapeMismatchError, lambda: est.estimate(X, Y[:40]), argument="y", other="x")
    raises(E.ShapeError, lambda: est.estimate(X[None], Y), argument="x")
    raises(E.ShapeError, lambda: est.estimate(np.float64(1.0), Y), argument="x")
    raises(E.DTypeError, lambda: est.estimate(X.astype(complex), Y), argument="x")
    raises(E.DTypeError, lambda: est.estimate(np.array([["a"], ["b"]]), Y[:2]), argument="x")
    raises(E.DTypeError, lambda: est.estimate(X, np.array([object()] * 50)), argument="y")


def test_parameter_errors_name_the_parameter():
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(k=0), name="k")
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(algorithm=3), name="algorithm")
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(noise=-1.0), name="noise")
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(search="magic"), name="search")
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(k="three"), name="k")
    raises(E.InvalidParameterError, lambda: infoscope.Binned(policy="bogus:3"), name="policy")
    raises(E.InvalidParameterError, lambda: infoscope.Binned(policy="width:-1"), name="width")
    raises(E.InvalidParameterError, lambda: infoscope.Binned(policy=0), name="policy")
    raises(E.InvalidParameterError, lambda: infoscope.Binned(correction="magic"), name="correction")
    raises(E.InvalidParameterError, lambda: infoscope.Gaussian(ridge=-1.0), name="ridge")
    raises(E.InvalidParameterError, lambda: infoscope.KolchinskyTracey(noise_var=0.0), name="noise_var")
    raises(E.InvalidParameterError, lambda: infoscope.KolchinskyTracey(noise_var=1.0, tile=0), name="tile")
    raises(E.InvalidParameterError, lambda: infoscope.KozachenkoLeonenko(k=0), name="k")
    with pytest.raises(TypeError):
        infoscope.Ksg(kk=3)  # an unknown keyword is Python's own TypeError


def test_significance_parameter_errors():
    k = infoscope.Ksg()
    raises(E.InvalidParameterError, lambda: k.surrogate_test(X, Y, n_surrogates=0), name="n_surrogates")
    raises(E.InvalidParameterError, lambda: k.surrogate_test(X, Y, surrogate="shuffle"), name="surrogate")
    raises(E.InvalidParameterError, lambda: k.surrogate_test(X, Y, surrogate="circular:40"), name="min_shift")
    raises(E.InvalidParameterError, lambda: k.bootstrap_ci(X, Y, level=1.5), name="level")
    raises(E.InvalidParameterError, lambda: k.bootstrap_ci(X, Y, n_resamples=1), name="n_resamples")
    raises(E.InvalidParameterError, lambda: infoscope.benjamini_hochberg([0.5, 1.5]), name="p_values")
    raises(E.InvalidParameterError, lambda: k.estimate(X, Y, threads=0), name="threads")
    raises(E.InvalidParameterError, lambda: infoscope.Binned().estimate(X, LABELS, y_kind="x"), name="y_kind")


def test_method_specific_errors():
    raises(E.InvalidParameterError, lambda: infoscope.Ksg(k=5).estimate(X[:4], Y[:4]), name="k")
    raises(E.TooFewSamplesError, lambda: infoscope.Gaussian().estimate(X[:1], Y[:1]), argument="x")
    dup = np.hstack([X, X[:, :1]])
    raises(E.NotPositiveDefiniteError, lambda: infoscope.Gaussian().estimate(dup, Y))
    const = np.hstack([X, np.ones((50, 1))])
    raises(E.ZeroVarianceError, lambda: infoscope.Gaussian().estimate(const, Y), argument="x", column=2)
    cov = np.array([[1.0, 0.2], [0.2, 1.0]])
    raises(E.OutOfRangeError, lambda: infoscope.Gaussian().from_covariance(cov, [0], [5]), argument="y")
    raises(E.OutOfRangeError, lambda: infoscope.KozachenkoLeonenko().entropy(np.ones((20, 1))), argument="x")
    raises(E.OutOfRangeError, lambda: infoscope.Binned(policy="width:1e-300").estimate(X * 1e10, Y), argument="x")
    raises(E.OutOfRangeError, lambda: infoscope.Binned().mutual_information_with_labels(X, LABELS + 0.5), argument="y")
    raises(E.NonFiniteError, lambda: infoscope.PlugIn().entropy(np.array([0.0, np.nan])), argument="x")
    raises(E.ShapeError, lambda: infoscope.KolchinskyTracey(1.0).mi_label_bounds(X, np.zeros((50, 2), int)), argument="labels")
    raises(E.ShapeMismatchError, lambda: infoscope.KolchinskyTracey(1.0).mi_label_bounds(X, LABELS[:10]))
    raises(E.InvalidParameterError, lambda: infoscope.KolchinskyTracey(1.0).mi_input_bounds(X, -np.ones(50)), name="weights")
    raises(E.InvalidParameterError, lambda: infoscope.noise_sweep(X, []), name="noise_var")
    raises(E.InvalidParameterError, lambda: infoscope.Gaussian().from_covariance(cov, [], [1]))


def test_file_and_network_errors(tmp_path):
    raises(E.MissingFileError, lambda: infoscope.Recording.load(tmp_path / "none.npz"))
    corrupt = tmp_path / "bad.npz"
    corrupt.write_bytes(b"PK\x03\x04 not a zip")
    raises(E.CorruptFileError, lambda: infoscope.Recording.load(corrupt))
    raises(E.CorruptFileError, lambda: infoscope.load_model(tmp_path))
    raises(E.InvalidParameterError, lambda: infoscope.generate_trials("nogo"), name="task")
    raises(E.InvalidParameterError, lambda: infoscope.generate_trials(mode="psych"), name="mode")
    raises(E.InvalidParameterError, lambda: infoscope.generate_trials(trials=0), name="batch_size")
    raises(E.InvalidParameterError, lambda: infoscope.train(network={"hidden": 0}, training={"max_steps": 1}))
    raises(E.InvalidParameterError, lambda: infoscope.train(training={"max_steps": 0}), name="training.max_steps")
    raises(E.InvalidParameterError, lambda: infoscope.train(network={"hiden": 8}), name="network")
    bad = tmp_path / "bad.toml"
    bad.write_text("[training]\nmax_stepz = 3\n")
    raises(E.ExperimentFileError, lambda: infoscope.read_experiment(bad))
    raises(E.ExperimentFileError, lambda: infoscope.read_experiment(tmp_path / "none.toml"))


def test_recording_and_analysis_errors():
    h = rng.normal(size=(12, 6, 4))
    labels = rng.uniform(0, 6.28, size=12)
    raises(E.ShapeError, lambda: infoscope.analyze(infoscope.Recording(hidden=h[0], labels=labels)), argument="hidden")
    raises(E.ShapeError, lambda: infoscope.analyze(infoscope.Recording(hidden=h, labels=labels[:5])), argument="labels")
    raises(E.ShapeError, lambda: infoscope.analyze(infoscope.Recording(hidden=h, labels=labels, inputs=h[:, :3])), argument="inputs")
    nan = h.copy()
    nan[1, 2, 3] = np.nan
    raises(E.RecordingError, lambda: infoscope.analyze(infoscope.Recording(hidden=nan, labels=labels)))
    raises(E.RecordingError, lambda: infoscope.analyze(infoscope.Recording(hidden=h[:2], labels=labels[:2])))
    ok = infoscope.Recording(hidden=h, labels=labels)
    raises(E.InvalidParameterError, lambda: infoscope.analyze(ok, permutations=0), name="permutations")
    raises(E.InvalidParameterError, lambda: infoscope.analyze(ok, permutationz=3), name="permutationz")
    raises(E.InvalidParameterError, lambda: infoscope.analyze(ok, layer_bins="many"), name="layer_bins")
    raises(E.RecordingError, lambda: infoscope.information_plane([], permutations=3))
    raises(E.InvalidParameterError, lambda: infoscope.gradient_snr([{"step": "x"}]), name="log")
    raises(E.InvalidParameterError, lambda: infoscope.experiment_toml({"training": {"max_steps": "x"}}), name="training")
    with pytest.raises(E.InvalidParameterError):
        infoscope.write_report(infoscope.Record({"networks": 3}), "/tmp/never")
