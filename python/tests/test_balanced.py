"""infoscope.simulate_balanced and the balanced experiment from Python (issue #18)."""

import json
from pathlib import Path

import numpy as np
import pytest

import infoscope
from infoscope.errors import InfoscopeError, InvalidParameterError

TINY = {
    "name": "tiny",
    "sweep": {
        "n": 32,
        "g": [0.0],
        "b": [1.0, 2.0, 4.0],
        "dt": 0.0625,
        "duration": 64.0,
        "burn_in": 2.0,
        "networks": 1,
        "trials": 2,
        "rate": {"nperseg": 128},
    },
    "training": {
        "channels": [1],
        "n": 16,
        "epochs": 20,
        "log_every": 10,
        "checkpoint_every": 10,
        "rate_steps": 512,
        "rate": {"nperseg": 64},
    },
}


def test_simulation_shapes_balance_and_determinism():
    a = infoscope.simulate_balanced(4.0, n=64, steps=500, trials=3, seed=2, per_trial_stimulus=True)
    assert a.rate.shape == (3, 500) and a.stimulus.shape == (3, 500, 1)
    assert a.mean_external.shape == (3, 64)
    # g = 2 with b = 4: inhibition shortens the population time constant below τ.
    assert 0 < a.linear_time_constant < 1
    assert a.cancellation == pytest.approx(
        abs((a.mean_external + a.mean_recurrent).mean()) / a.mean_external.mean(), rel=1e-9
    )
    # The same seed, fewer trials simulated together, one thread: the same first trial.
    b = infoscope.simulate_balanced(
        4.0, n=64, steps=500, trials=1, seed=2, per_trial_stimulus=True, threads=1
    )
    np.testing.assert_array_equal(a.rate[0], b.rate[0])


def test_simulation_parameters_are_checked():
    with pytest.raises(InvalidParameterError) as e:
        infoscope.simulate_balanced(2.0, n=0, steps=10)
    assert e.value.name == "n"
    with pytest.raises(InvalidParameterError) as e:
        infoscope.simulate_balanced(2.0, n=16, steps=10, bogus=1)
    assert e.value.name == "bogus"
    with pytest.raises(InvalidParameterError):
        infoscope.simulate_balanced(2.0, n=16, steps=10, precision="f16")
    with pytest.raises(InfoscopeError) as e:
        infoscope.simulate_balanced(0.0, n=64, g=4.0, steps=4000, stimulus={"dt": 0.05})
    assert "ran away" in str(e.value)


def test_the_rate_of_a_simulation_grows_with_balance():
    rates = []
    for b in (1.0, 4.0):
        run = infoscope.simulate_balanced(
            b, n=128, g=0.0, steps=8192, burn_in=256, seed=3, stimulus={"dt": 1 / 64}
        )
        est = infoscope.InformationRate(nperseg=512, dt=1 / 64, cutoff=2.0).rate(
            run.stimulus[0], run.rate[0]
        )
        rates.append(est.nats)
    assert rates[1] > rates[0] > 0


def test_experiment_runs_resumes_and_reports(tmp_path):
    events = []
    r = infoscope.run_balanced_experiment(TINY, out=tmp_path / "run", progress=events.append)
    assert r["unit"] == "nats per tau"
    assert len(r["sweep"]["points"]) == 3
    assert [l["epoch"] for l in r["training"]["runs"][0]["log"]] == [0, 10, 20]
    assert {e["event"] for e in events} >= {"stage", "sweep", "epoch", "done"}
    text = (tmp_path / "run" / "results.json").read_text()
    again = infoscope.run_balanced_experiment(TINY, out=tmp_path / "run", resume=True)
    assert (tmp_path / "run" / "results.json").read_text() == text
    assert again["sweep"]["fits"] == r["sweep"]["fits"]
    page = infoscope.write_balanced_report(r, tmp_path / "report", unit="bits")
    assert str(page).endswith("report.html")
    assert "bits/τ" in (tmp_path / "report" / "figures" / "rate_vs_balance.svg").read_text()


def test_experiment_file_and_refusals(tmp_path):
    root = Path(__file__).resolve().parents[2]
    cfg = infoscope.read_balanced_experiment(root / "experiments" / "balanced.toml")
    assert cfg == infoscope.read_balanced_experiment(str(root / "experiments" / "balanced.toml"))
    assert cfg["kind"] == "balanced" and cfg["sweep"]["b"] == [2.0, 3.0, 4.0, 6.0, 8.0]
    flux = tmp_path / "f.toml"
    flux.write_text('kind = "flux"\n')
    with pytest.raises(InvalidParameterError):
        infoscope.read_balanced_experiment(flux)
    bad = json.loads(json.dumps(TINY))
    bad["training"]["checkpoint_every"] = 15
    with pytest.raises(InvalidParameterError) as e:
        infoscope.run_balanced_experiment(bad, out=tmp_path / "bad")
    assert "training.checkpoint_every" in str(e.value)
