"""infoscope.InformationRate (issue #18): the SPEC.md §1.4 closed forms, units, invariances,
the baseline and refused inputs naming their argument."""

import math

import numpy as np
import pytest

import infoscope
from infoscope.errors import InputError, InvalidParameterError


def white_pair(n, snr, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    return s, s + rng.normal(size=n) / math.sqrt(snr)


@pytest.mark.parametrize("snr", [1.0, 3.0, 10.0])
def test_white_channel_closed_form(snr):
    s, r = white_pair(200_000, snr)
    est = infoscope.InformationRate(nperseg=256).rate(s, r)
    assert est.per_sample_nats == pytest.approx(0.5 * math.log1p(snr), abs=0.01)
    assert est.bits == pytest.approx(est.nats / math.log(2))
    assert est.density_bits == pytest.approx(est.density_nats / math.log(2))
    assert est.coherence is not None and est.coherence.shape == est.frequencies.shape


def test_ar1_per_sample_value():
    # SPEC.md §1.4: AR(1) a = 0.9, q = σ² = 1 in white noise: 0.454915 nats per sample.
    rng = np.random.default_rng(1)
    n = 1_000_000
    e = rng.normal(size=n)
    s = np.empty(n)
    s[0] = e[0] / math.sqrt(1 - 0.81)
    for t in range(1, n):  # a plain loop: 1e6 steps take about a second
        s[t] = 0.9 * s[t - 1] + e[t]
    r = s + rng.normal(size=n)
    est = infoscope.InformationRate(nperseg=1024).rate(s, r)
    assert est.per_sample_nats == pytest.approx(0.454915, rel=0.03)


def test_dt_and_scaling():
    s, r = white_pair(20_000, 2.0, seed=2)
    a = infoscope.InformationRate(nperseg=128).rate(s, r)
    b = infoscope.InformationRate(nperseg=128, dt=0.01).rate(s, -4.0 * r)
    assert b.per_sample_nats == pytest.approx(a.per_sample_nats, abs=1e-12)
    assert b.nats == pytest.approx(100 * a.nats, rel=1e-12)
    assert b.frequencies[-1] == pytest.approx(50.0)


def test_independent_series_and_baseline():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 16_384))
    est = infoscope.InformationRate(
        nperseg=64, baseline="circular_shift", n_baseline=5, seed=1
    ).rate(x, y)
    assert est.baseline is not None and est.baseline["values_nats"].shape == (5,)
    assert est.corrected_nats == pytest.approx(est.raw_nats - est.baseline["mean_nats"])
    # Only the bias remains: about 0.5/(K_eff − 1) nats per sample; corrected ≈ 0.
    assert abs(est.corrected_nats) < 0.01
    assert est.diagnostics["rate_bias_nats"] > 0


def test_vector_series():
    rng = np.random.default_rng(4)
    s = rng.normal(size=(50_000, 2))
    r = s + rng.normal(size=(50_000, 2))
    est = infoscope.InformationRate(nperseg=128).rate(s, r)
    # Two independent SNR-1 channels: 2 · ½ ln 2 nats per sample.
    assert est.per_sample_nats == pytest.approx(math.log(2), abs=0.02)
    assert est.coherence is None


def test_same_numbers_on_any_thread_count():
    s, r = white_pair(30_000, 1.0, seed=5)
    est = infoscope.InformationRate(nperseg=100)
    assert est.rate(s, r, threads=1).nats == est.rate(s, r, threads=2).nats


def test_parameters_are_checked_at_construction():
    with pytest.raises(InvalidParameterError) as e:
        infoscope.InformationRate(overlap=1.5)
    assert e.value.name == "overlap"
    with pytest.raises(InvalidParameterError) as e:
        infoscope.InformationRate(window="kaiser")
    assert e.value.name == "window"
    with pytest.raises(InvalidParameterError) as e:
        infoscope.InformationRate(nperseg_typo=3)
    assert e.value.name == "nperseg_typo"
    assert infoscope.InformationRate(dt=0.5).params["dt"] == 0.5


def test_bad_series_name_their_argument():
    s, r = white_pair(1000, 1.0)
    with pytest.raises(InputError) as e:
        infoscope.InformationRate().rate(s, r[:500])
    assert "y" in str(e.value)
    with pytest.raises(InputError) as e:
        infoscope.InformationRate().rate(np.zeros(1000), r)
    assert "x" in str(e.value)
    with pytest.raises(InputError) as e:
        infoscope.InformationRate().rate(s, np.full(1000, np.nan))
    assert "y" in str(e.value)
