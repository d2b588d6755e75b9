"""Benchmark: the village network page and its jobs (berdaya.networks, issue 12).

A script, not a test. On a fresh test database (SQLite unless DATABASE_URL is set) it
builds the demo, adds a village of 5,000 people (1,250 households) with 25,000 ties
(advice, opinion, meetings, groups), then times:

* the job that computes and stores the network figures (`network_refresh`);
* the page that reads them (median and worst of 20 requests by the manager);
* a critical-mass job with 200 Monte Carlo runs (`critical_mass_simulate`, degree seeds).

    .venv/bin/python benchmarks/bench_network_page.py
    DATABASE_URL=postgres://root@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/bench_network_page.py

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.config.settings.test")

PEOPLE = 5_000
TIES = 25_000
RUNS = 200


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def run() -> None:
    from django.test import Client

    from berdaya.accounts.testing import signed_in
    from berdaya.core.models import User
    from berdaya.networks.models import CriticalMassRun, Tie
    from berdaya.networks.services import critical_mass_simulate, network_refresh
    from berdaya.organisations.models import Organisation
    from berdaya.programmes.models import Programme
    from berdaya.registry.models import Household, Person
    from conftest import _prepare_database

    _prepare_database()
    from berdaya.demo.community import GIRISEKAR, ORGANISATION_NAME, PROGRAMME_NAME

    organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    rng = random.Random(12)  # noqa: S311 -- synthetic data, not secrets
    have = Person.objects.filter(organisation=organisation, household__village_id=GIRISEKAR)
    missing = max(0, PEOPLE - have.count())
    households = Household.objects.bulk_create(
        [
            Household(organisation=organisation, village_id=GIRISEKAR, dusun="Bench")
            for _ in range(missing // 4 + 1)
        ]
    )
    Person.objects.bulk_create(
        [
            Person(
                household=households[i // 4],
                organisation=organisation,
                name=f"Warga {i}",
                sex=rng.choice("LP"),
                relation="head" if i % 4 == 0 else "child",
            )
            for i in range(missing)
        ],
        batch_size=2000,
    )
    ids = list(have.order_by("pk").values_list("pk", flat=True))[:PEOPLE]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]  # a few are asked often
    kinds = ["advice", "opinion", "meeting", "group"]
    rows = []
    for _ in range(TIES):
        source = rng.choice(ids)
        target = rng.choices(ids, weights)[0]
        if source != target:
            rows.append(
                Tie(
                    organisation=organisation,
                    village_id=GIRISEKAR,
                    source_person_id=source,
                    target_id=target,
                    kind=rng.choice(kinds),
                    source="survey",
                    on="2025-02-20",
                )
            )
    Tie.objects.bulk_create(rows, batch_size=5000)

    started = time.perf_counter()
    network_refresh(organisation_id=organisation.pk, village_code=GIRISEKAR)
    job = time.perf_counter() - started

    client = signed_in(Client(), User.objects.get(username="manajer"))
    url = f"/jaringan/{programme.pk}/{GIRISEKAR}/"
    client.get(url)
    pages = []
    for _ in range(20):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        pages.append(time.perf_counter() - started)

    run = CriticalMassRun.objects.create(
        programme=programme,
        village_id=GIRISEKAR,
        parameters={
            "strategy": "degree",
            "target": 0.5,
            "runs": RUNS,
            "threshold": [0.1, 0.5],
            "probability": 0.5,
            "confidence": 0.95,
            "seed": 0,
        },
    )
    started = time.perf_counter()
    run = critical_mass_simulate(run=run)
    simulation = time.perf_counter() - started

    print(
        f"| people | ties | figures job | page median | page worst | critical mass ({RUNS} runs) |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(ids):,} | {len(rows):,} | {job:.2f} s | {statistics.median(pages) * 1000:.0f} ms"
        f" | {max(pages) * 1000:.0f} ms | {simulation:.2f} s ({run.status}) |"
    )


if __name__ == "__main__":
    main()
