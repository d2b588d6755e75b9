"""Finding 6: under parallel requests the participation page answered 500 once with DuckDB's
"connection is busy with another call": `registry/indicators.py` ran every MPI on Ibis's
default backend, one DuckDB connection shared by the whole process. Each thread now has
its own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from django.core.cache import cache
from ibis.backends.duckdb import Backend

from berdaya.registry import indicators


def _table(seed: int) -> pd.DataFrame:
    """A small household table the MPI can read (shape of `indicators.household_table`)."""
    from berdaya.demo.community import GIRISEKAR
    from berdaya.registry.models import Household

    table = indicators.household_table(
        Household.objects.filter(village_id=GIRISEKAR), today=pd.Timestamp("2025-06-01").date()
    )
    frame = table.copy()
    frame["household_id"] = frame["household_id"] + seed * 1_000_000  # a distinct input
    return frame


def test_threads_never_share_a_duckdb_connection(demo, monkeypatch):
    used: dict[int, set[int]] = {}
    lock = threading.Lock()
    original = Backend.execute

    def spy(self, *args, **kwargs):
        with lock:
            used.setdefault(threading.get_ident(), set()).add(id(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Backend, "execute", spy)
    tables = [_table(seed) for seed in range(1, 7)]
    cache.clear()
    barrier = threading.Barrier(3)

    def work(index: int) -> int:
        barrier.wait()
        for table in tables[index * 2 : index * 2 + 2]:
            indicators.poverty(table)
            indicators.mpi_summary(table)
        return len(used.get(threading.get_ident(), ()))

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(work, range(3)))
    connections = [ids for ids in used.values()]
    assert len(connections) == 3
    for i, mine in enumerate(connections):
        for theirs in connections[i + 1 :]:
            assert not mine & theirs, "two threads ran on one DuckDB connection"


def test_parallel_poverty_figures_agree_with_the_serial_ones(demo):
    tables = [_table(seed) for seed in range(10, 18)]
    cache.clear()
    serial = [indicators.poverty(t) for t in tables]
    cache.clear()
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(indicators.poverty, tables))
    assert parallel == serial
