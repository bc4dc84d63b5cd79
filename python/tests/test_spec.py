"""Issue 14: one estimator specification for every face. Python builds the same spec as the
CLI and experiment files (same names, same compact forms, same refusals with the same
messages), crosses into the core once per call, and an estimate's spec rebuilds its estimator."""

from __future__ import annotations

import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest

import infoscope
from infoscope import errors as E


def cli_error(cli: Path, *args: str) -> str:
    out = subprocess.run([str(cli), *args], capture_output=True, text=True, check=False)
    assert out.returncode == 2, (out.returncode, out.stderr)
    return out.stderr.strip()


def test_every_method_by_name_equals_its_class(gaussian_pair):
    x, y = gaussian_pair
    labels = (y[:, 0] > 0).astype(np.int64)
    pairs = [
        (infoscope.Estimator("ksg", k=5), infoscope.Ksg(k=5)),
        (infoscope.Estimator("gaussian", ridge=0.1), infoscope.Gaussian(ridge=0.1)),
        (infoscope.Estimator("binned", policy=4), infoscope.Binned(policy="unit-minmax:4")),
        (infoscope.Estimator("kl", k=4), infoscope.KozachenkoLeonenko(k=4)),
        (infoscope.Estimator("plugin"), infoscope.PlugIn()),
        (infoscope.Estimator("kt", noise_var=0.5), infoscope.KolchinskyTracey(noise_var=0.5)),
    ]
    for generic, named in pairs:
        assert generic == named and generic.spec == named.spec, generic
        assert hash(generic) == hash(named)
    assert infoscope.Estimator("ksg", k=5).estimate(x, y).nats == infoscope.Ksg(k=5).estimate(x, y).nats
    # kt gives bounds through the same call; binned reads integer arrays as labels.
    b = infoscope.Estimator("kt", noise_var=0.5).estimate(x, labels)
    assert isinstance(b, infoscope.Bounds) and b.lower.nats <= b.upper.nats
    assert b.nats == infoscope.KolchinskyTracey(noise_var=0.5).mi_label_bounds(x, labels).nats
    assert infoscope.Estimator("kt", noise_var=0.5).quantities[0] == "input_information"


def test_an_estimates_spec_rebuilds_its_estimator(gaussian_pair, rng):
    x, y = gaussian_pair
    labels = rng.integers(0, 3, size=len(x))
    for est, args in [
        (infoscope.Ksg(k=4, normalize=True, noise=1e-9, seed=3), (x, y)),
        (infoscope.Binned(policy="quantile:5", correction="jackknife"), (x, labels)),
        (infoscope.Gaussian(ridge=0.01), (x, y)),
        (infoscope.KolchinskyTracey(noise_var=0.2, tile=64), (x, labels)),
    ]:
        first = est.estimate(*args)
        parts = [first.lower, first.upper] if isinstance(first, infoscope.Bounds) else [first]
        for e in parts:
            rebuilt = infoscope.Estimator.from_spec(e.spec)
            assert rebuilt == est and type(rebuilt) is type(est)
            again = rebuilt.estimate(*args)
            assert again == first
        assert pickle.loads(pickle.dumps(est)) == est


def test_compact_forms_are_the_same_everywhere(run_cli, gaussian_pair, rng):
    x, y = gaussian_pair
    labels = rng.integers(0, 3, size=len(x))
    assert infoscope.Binned(policy=7) == infoscope.Binned(policy="unit-minmax:7") == infoscope.Binned(
        policy={"kind": "per_unit_min_max", "n_bins": 7}
    )
    assert infoscope.Ksg(noise=1e-8) == infoscope.Ksg(noise={"kind": "gaussian", "std": 1e-8})
    assert infoscope.Ksg(noise=None) == infoscope.Ksg(noise="none") == infoscope.Ksg()
    # The CLI takes the same compact forms (a bare bin count, a noise level) for the same value.
    ref = run_cli("estimate", method="binned", policy="7", x=x, y=labels)
    assert ref["estimate"]["value_nats"] == infoscope.Binned(policy=7).estimate(x, labels).nats
    assert ref["estimate"]["config"] == infoscope.Binned(policy=7).config
    ref = run_cli("estimate", method="ksg", noise="1e-8", seed=2, normalize=True, x=x, y=y)
    est = infoscope.Ksg(noise=1e-8, seed=2, normalize=True)
    assert ref["estimate"]["value_nats"] == est.estimate(x, y).nats
    assert ref["estimate"]["config"] == est.config


@pytest.mark.parametrize(
    "method, params, flags",
    [
        ("ksg", {"k": 0}, ["--k", "0"]),
        ("ksg", {"k": "three"}, ["--k", "three"]),
        ("ksg", {"algorithm": 3}, ["--algorithm", "3"]),
        ("ksg", {"noise": -1.0}, ["--noise", "-1.0"]),
        ("binned", {"policy": "width:-1"}, ["--policy", "width:-1"]),
        ("binned", {"correction": "magic"}, ["--correction", "magic"]),
        ("gaussian", {"ridge": -1.0}, ["--ridge", "-1.0"]),
        ("kt", {"noise_var": 0.0}, ["--noise-var", "0.0"]),
        ("kt", {}, []),
    ],
)
def test_bad_values_get_the_same_message_in_python_and_the_cli(cli, tmp_path, method, params, flags):
    with pytest.raises(E.InvalidParameterError) as info:
        infoscope.Estimator(method, **params)
    message = str(info.value)
    np.save(tmp_path / "x.npy", np.arange(10.0))
    err = cli_error(cli, "estimate", "--method", method, *flags, "--x", str(tmp_path / "x.npy"))
    # The CLI names the flag, or the flag the parameter is part of (`width` of `--policy`),
    # then says what the core said.
    flag = f"--{info.value.name.replace('_', '-')}"
    prefix = f"{flag}: " if flag in flags or not flags else f"{flags[0]}: "
    assert err == f"error: {prefix}{message}", err


def test_a_parameter_of_another_method_is_refused_the_same_way(cli, tmp_path):
    with pytest.raises(E.UnknownParameterError) as info:
        infoscope.Estimator("gaussian", k=3)
    assert info.value.name == "k" and info.value.method == "gaussian"
    assert str(info.value) == "method `gaussian` has no parameter `k` (its parameters: ridge)"
    np.save(tmp_path / "x.npy", np.arange(10.0))
    err = cli_error(cli, "estimate", "--method", "gaussian", "--k", "3", "--x", str(tmp_path / "x.npy"))
    assert err.endswith(": " + str(info.value)) and "--k does not apply to --method gaussian" in err


def test_questions_a_method_does_not_answer_are_typed_errors(gaussian_pair):
    x, y = gaussian_pair
    with pytest.raises(E.UnsupportedError) as info:
        infoscope.Estimator("kl").estimate(x, y)
    assert info.value.method == "kl" and "H(X)" in str(info.value)
    with pytest.raises(E.UnsupportedError):
        infoscope.Ksg(algorithm=2).entropy(x)
    with pytest.raises(E.UnsupportedError) as info:
        infoscope.Gaussian().estimate(x, y, threads=None) and infoscope.Estimator("gaussian").estimate(
            x, y, quantity="input_information"
        )
    with pytest.raises(E.UnsupportedError):
        infoscope.Gaussian().bootstrap_ci(x, y) and infoscope.Estimator("ksg").bootstrap_ci(x, quantity="entropy")
    with pytest.raises(E.InvalidParameterError) as bad:
        infoscope.Estimator("ksg").estimate(x, y, quantity="magic")
    assert bad.value.name == "quantity"


def test_the_functional_forms_take_every_method(gaussian_pair, rng):
    x, y = gaussian_pair
    labels = rng.integers(0, 4, size=len(x))
    b = infoscope.mutual_information(x, labels, method="kt", noise_var=1.0)
    assert isinstance(b, infoscope.Bounds)
    p = infoscope.mutual_information(labels, labels % 2, method="plugin")
    assert p.nats == pytest.approx(np.log(2.0), abs=0.01)
    h = infoscope.entropy(x, method="ksg", normalize=True)
    assert h.method == "kl" and h.config["normalize"] is True


def test_ross_by_name_and_ksg_on_integer_labels(rng):
    """Issue 15: ``Estimator("ross")`` by name; ``Ksg`` given integer labels runs it."""
    labels = rng.integers(0, 4, size=400)
    x = rng.normal(size=(400, 2)) + labels[:, None]
    ross = infoscope.Estimator("ross", k=3).estimate(x, labels)
    ksg = infoscope.Ksg(k=3).estimate(x, labels)
    assert ross.method == "ross" and ksg.method == "ross"
    assert ross.nats == ksg.nats and 0.3 < ross.nats < np.log(4)
    assert infoscope.Estimator.from_spec(ksg.spec).estimate(x, labels).nats == ross.nats
    # The same labels as floats: relabelled classes give the same value.
    renamed = np.array([7, 2, 5, 0])[labels]
    assert infoscope.Estimator("ross").estimate(x, renamed).nats == ross.nats
    with pytest.raises(E.InfoscopeError, match="`y`"):
        infoscope.Estimator("ross").estimate(x, labels + 0.5)
