"""One in-process dask cluster (two worker threads) shared by the batch tests: starting one per run would cost
seconds each; the subprocess restart test starts its own process cluster as a user's run would."""
from __future__ import annotations

import logging

import pytest


@pytest.fixture(scope="session")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as dask_client:
        yield dask_client
