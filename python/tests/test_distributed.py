"""Sweeps over Dask (a 2-worker LocalCluster on 127.0.0.1) and concurrent.futures executors
give the same table as a serial loop, number for number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import infoscope
from infoscope.distributed import Job, Table, grid, run_jobs


def sweep() -> list:
    """seeds × layers × estimators: each job estimates one layer of one seed's data."""
    jobs = []
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, 4, size=300)
        layers = {
            "input": rng.normal(size=(300, 3)) + labels[:, None],
            "hidden": np.tanh(rng.normal(size=(300, 4)) + 0.5 * labels[:, None]),
        }
        for layer, h in layers.items():
            key = {"seed": seed, "layer": layer}
            jobs.append(Job(infoscope.mutual_information, (h, labels.astype(float)), {"method": "ksg", "k": 3}, {**key, "estimator": "ksg"}))
            jobs.append(Job(infoscope.KolchinskyTracey(noise_var=0.5).mi_label_bounds, (h, labels), {}, {**key, "estimator": "kt"}))
            jobs.append(
                Job(infoscope.Binned(policy=3).surrogate_test, (h, labels), {"n_surrogates": 19, "seed": seed}, {**key, "estimator": "binned"})
            )
    return jobs


@pytest.fixture(scope="module")
def serial() -> Table:
    return run_jobs(sweep(), threads=None)


def test_serial_table(serial):
    assert len(serial) == 18
    assert serial.columns[:3] == ["seed", "layer", "estimator"]
    assert {"value_nats", "value_bits", "lower_value_nats", "upper_value_nats", "p_value"} <= set(serial.columns)
    ksg = [r for r in serial if r["estimator"] == "ksg"]
    assert all(r["value_nats"] > 0.3 for r in ksg)
    assert all(r["value_bits"] == pytest.approx(r["value_nats"] / np.log(2)) for r in ksg)


def test_dask_local_cluster_equals_serial(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster, distributed.Client(cluster) as client:
        table = run_jobs(sweep(), client)
        assert len(client.scheduler_info()["workers"]) == 2
    assert table == serial


def test_thread_executor_and_grid_equal_serial(serial):
    with ThreadPoolExecutor(3) as ex:
        assert run_jobs(sweep(), ex) == serial
    rng = np.random.default_rng(4)
    x = rng.normal(size=(400, 2))
    y = x[:, :1] + rng.normal(size=(400, 1))
    jobs = grid(infoscope.mutual_information, {"k": [2, 4], "algorithm": [1, 2]}, x=x, y=y, method="ksg")
    with ThreadPoolExecutor(2) as ex:
        table = run_jobs(jobs, ex)
    assert table["k"].tolist() == [2, 2, 4, 4]
    assert table == run_jobs(jobs)
    with pytest.raises(infoscope.InvalidParameterError):
        run_jobs(jobs, executor="cluster")


class CountingClient:
    """A Dask client that records what is scattered."""

    def __init__(self, client) -> None:
        self.client = client
        self.scattered: list = []

    def scatter(self, data, **kwargs):
        self.scattered.append(data.nbytes)
        return self.client.scatter(data, **kwargs)

    def submit(self, *args, **kwargs):
        return self.client.submit(*args, **kwargs)

    def gather(self, futures):
        return self.client.gather(futures)


def test_large_arrays_are_scattered_once():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(8)
    big = rng.normal(size=(40000, 4))  # 1.28 MB: scattered, once for both jobs
    labels = (big[:, 0] > 0).astype(np.int64)  # 320 kB: sent with each job
    jobs = [Job(infoscope.Binned(policy=b).mutual_information_with_labels, (big, labels), key={"bins": b}) for b in (2, 3)]
    with distributed.Client(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as client:
        counting = CountingClient(client)
        table = run_jobs(jobs, counting)
    assert counting.scattered == [big.nbytes]
    assert table == run_jobs(jobs)


def test_job_errors_reraise():
    jobs = [Job(infoscope.Ksg(k=3).estimate, (np.zeros((5, 1)), np.zeros((4, 1))))]
    with pytest.raises(infoscope.ShapeMismatchError):
        run_jobs(jobs)
    with ThreadPoolExecutor(1) as ex, pytest.raises(infoscope.ShapeMismatchError):
        run_jobs(jobs, ex)
