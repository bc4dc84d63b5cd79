"""Tasks, training, recordings and analyses from Python: the same numbers as `infoscope run`
and `infoscope analyze`, recordings exported from numpy (as from PyTorch), the information
plane, gradient SNR, progress callbacks and reports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import infoscope
from infoscope import errors as E

ROOT = Path(__file__).resolve().parents[2]

DATA = ROOT / "crates/cli/tests/data"
SMALL = DATA / "small.toml"


def test_trials_of_the_go_task():
    b = infoscope.generate_trials("fdgo", mode="test")
    assert b.inputs.shape == (100, 40, 85) and b.inputs.dtype == np.float32
    assert b.targets.shape == (100, 40, 33) and b.mask.shape == b.targets.shape
    assert len(b.epochs) == 40 and b.dt == 20.0 and b.task["rule"] == "fdgo"
    np.testing.assert_allclose(b.angles, np.repeat(2 * np.pi * np.arange(20) / 20, 2))
    r = infoscope.generate_trials("delaygo", trials=16, seed=4)
    again = infoscope.generate_trials("delaygo", trials=16, seed=4)
    assert r.inputs.shape[1] == 16 and np.array_equal(r.inputs, again.inputs)
    assert not np.array_equal(r.inputs, infoscope.generate_trials("delaygo", trials=16, seed=5).inputs)


def test_run_experiment_equals_infoscope_run(cli, tmp_path):
    """The whole pipeline from Python gives byte-identical Results to the CLI."""
    ours = infoscope.run_experiment(SMALL, out=tmp_path / "py")
    subprocess.run([str(cli), "run", str(SMALL), "--out", str(tmp_path / "cli")], check=True, capture_output=True)
    theirs = json.loads((tmp_path / "cli/results.json").read_text())
    assert ours.to_dict() == theirs
    assert json.loads((tmp_path / "py/results.json").read_text()) == theirs
    rnn = ours.networks[0]
    assert rnn.name == "leaky RNN" or rnn.name.startswith("leaky")
    curve = rnn.layer.stimulus.curves[0]
    assert isinstance(curve.values, np.ndarray) and curve.values.shape == (rnn.recording.n_steps,)
    html = infoscope.write_report(ours, tmp_path / "report", unit="bits")
    text = html.read_text()
    assert "<svg" in text and "bits" in text


def test_analyze_equals_infoscope_analyze(cli, tmp_path):
    rec_path = DATA / "external_recording.npz"
    subprocess.run(
        [str(cli), "analyze", str(rec_path), "--permutations", "19", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    theirs = json.loads((tmp_path / "results.json").read_text())["networks"][0]
    ours = infoscope.analyze(rec_path, name=theirs["name"], permutations=19)
    assert ours.to_dict() == theirs
    rec = infoscope.Recording.load(rec_path)
    assert infoscope.analyze(rec, name=theirs["name"], permutations=19) == ours
    # The whole Results, configuration included, as `infoscope analyze` writes them.
    whole = json.loads((tmp_path / "results.json").read_text())
    assert whole["config"]["recording"] == str(rec_path)
    assert infoscope.as_results(ours, recording=str(rec_path), permutations=19).to_dict() == whole
    assert "recording" not in infoscope.as_results(ours, permutations=19).config


def test_estimator_tables_name_the_estimators_parameters():
    """`[analysis.ksg]` & co. from Python: the estimators' own field names, stored with every
    curve as its specification; old keys say where they moved."""
    rng = np.random.default_rng(5)
    theta = rng.uniform(0, 2 * np.pi, size=32)
    h = rng.normal(size=(32, 6, 4))
    h[:, 3:, 0] += 2 * np.cos(theta)[:, None]
    rec = infoscope.Recording(hidden=h, labels=theta)
    a = infoscope.analyze(
        rec, permutations=3, layer_bins=[2], ksg={"k": 4}, binned={"correction": "miller-madow"}
    )
    specs = {c.estimator: c.config["spec"] for c in a.layer.stimulus.curves}
    # The class information uses the [analysis.ksg] settings with Ross's estimator (#15).
    assert specs["ross"]["k"] == 4 and specs["ross"]["normalize"] is True
    assert specs["binned"]["correction"] == "miller-madow" and specs["binned"]["y_kind"] == "labels"
    assert specs["kt"].to_dict() == {"method": "kt", "noise_var": 1.0, "tile": 512}
    assert infoscope.default_analysis_config()["ksg"]["k"] == 3
    with pytest.raises(E.InvalidParameterError, match=r"\[analysis\.ksg\]"):
        infoscope.analyze(rec, ksg_k=5)
    with pytest.raises(E.InvalidParameterError, match="k must be at least 1") as err:
        infoscope.analyze(rec, ksg={"k": 0})
    assert err.value.name == "ksg.k"
    with pytest.raises(E.InvalidParameterError, match="has no parameter `kk`"):
        infoscope.analyze(rec, ksg={"kk": 1})


def test_numpy_export_layouts_and_round_trip(tmp_path):
    """A recording built from numpy arrays (float32, Fortran order, as `.detach().numpy()`
    gives) analyses the same as its float64 copy and survives save/load exactly."""
    rng = np.random.default_rng(3)
    trials, steps, units = 48, 12, 6
    theta = rng.uniform(0, 2 * np.pi, size=trials)
    h = rng.normal(size=(trials, steps, units)).astype(np.float32)
    h[:, 6:, 0] += 3 * np.cos(theta)[:, None].astype(np.float32)
    meta = {"dt": 10.0, "model": "torch GRU"}
    rec32 = infoscope.Recording(hidden=np.asfortranarray(h), labels=theta, meta=meta)
    rec64 = infoscope.Recording(hidden=h.astype(np.float64), labels=theta, meta=meta)
    settings = dict(permutations=199, pca_dims=3, layer_bins=[2])
    a = infoscope.analyze(rec32, **settings)
    assert a == infoscope.analyze(rec64, **settings)
    assert a.time.dt_ms == 10.0
    rec32.save(tmp_path / "r.npz")
    back = infoscope.Recording.load(tmp_path / "r.npz")
    assert np.array_equal(back.hidden, h.astype(np.float64)) and back.meta["model"] == "torch GRU"
    assert back.inputs is None
    # The loaded recording says how its arrays were read; every number is the same.
    assert back.arrays_read[0].startswith("`hidden`: float64 [48, 12, 6]")
    again = infoscope.analyze(back, **settings).to_dict()
    assert again["recording"].pop("arrays_read") == back.arrays_read
    assert again == a.to_dict()
    active = a.neurons.active
    assert 0 in active.tolist()
    both = infoscope.as_results([a, infoscope.analyze(rec64, name="copy", **settings)], **settings)
    assert both.unit == "nats" and [n.name for n in both.networks] == ["network", "copy"]
    html = infoscope.write_report(a, tmp_path / "report")
    assert html.name == "report.html" and "<svg" in html.read_text()


def test_train_record_and_gradient_snr(tmp_path):
    events = []
    r = infoscope.train(
        tmp_path / "rnn",
        network={"hidden": 16, "seed": 1},
        training={"max_steps": 20, "batch_size": 16, "log_every": 5, "stop_at_target": False},
        progress=events.append,
    )
    assert r.steps == 20 and [e["step"] for e in events] == [5, 10, 15, 20]
    assert events[0]["event"] == "training" and "performance" in events[0]
    assert r.model.kind == "leaky" and (tmp_path / "rnn/model.safetensors").exists()
    rec = r.model.record(24, seed=2)
    assert rec.hidden.shape[0] == 24 and rec.hidden.shape[2] == 16
    loaded = infoscope.load_model(tmp_path / "rnn")
    assert np.array_equal(loaded.record(24, seed=2).hidden, rec.hidden)
    hidden, outputs = loaded.run(infoscope.generate_trials(trials=3).inputs, noise_seed=None)
    assert hidden.shape[1:] == (3, 16) and outputs.shape[2] == 33
    snr = infoscope.gradient_snr(r.log)
    assert snr == infoscope.gradient_snr(tmp_path / "rnn/log.json")
    assert len(snr.layers) >= 3 and snr.steps.tolist() == [5, 10, 15, 20]
    res = infoscope.fit_reservoir(reservoir={"hidden": 20, "seed": 2})
    assert res.model.kind == "reservoir" and 0.0 <= res.report["test_performance"] <= 1.0


def test_a_failing_callback_stops_training_and_the_run_resumes(tmp_path):
    def stop(event):
        if event["step"] >= 10:
            raise KeyboardInterrupt

    kwargs = dict(
        network={"hidden": 8}, training={"max_steps": 20, "batch_size": 8, "log_every": 5, "stop_at_target": False}
    )
    with pytest.raises(KeyboardInterrupt):
        infoscope.train(tmp_path, progress=stop, **kwargs)
    done = infoscope.train(tmp_path, resume=True, **kwargs)
    fresh = infoscope.train(tmp_path / "fresh", **kwargs)
    assert done.steps == 20
    assert np.array_equal(done.model.record(8).hidden, fresh.model.record(8).hidden)


def test_information_plane_grows_with_tuning():
    rng = np.random.default_rng(9)
    theta = rng.uniform(0, 2 * np.pi, size=64)
    checkpoints = []
    for step, gain in [(0, 0.0), (10, 1.0), (20, 4.0)]:
        h = rng.normal(size=(64, 3, 5))
        h[:, :, :2] += gain * np.stack([np.cos(theta), np.sin(theta)], axis=1)[:, None, :]
        checkpoints.append((step, infoscope.Recording(hidden=h, labels=theta)))
    plane = infoscope.information_plane(checkpoints, permutations=9)
    assert plane.checkpoints.tolist() == [0, 10, 20]
    kt = [c for c in plane.curves if "KT" in c.label or "Kolchinsky" in c.label]
    assert kt, [c.label for c in plane.curves]
    ity = kt[0].i_ty
    assert ity[0] < ity[1] < ity[2]


def test_experiment_files_round_trip(tmp_path):
    d = infoscope.default_experiment()
    assert d == infoscope.read_experiment(ROOT / "experiments/go.toml")
    d["training"]["max_steps"] = 7
    path = tmp_path / "e.toml"
    path.write_text(infoscope.experiment_toml(d))
    assert infoscope.read_experiment(path) == d
    assert infoscope.default_analysis_config() == d["analysis"]
