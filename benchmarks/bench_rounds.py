"""Benchmark: poverty over time for a programme of 100 villages and 3 survey rounds (issue 12).

A script, not a test. On a fresh test database (SQLite unless DATABASE_URL is set) it builds
the demo, then a programme of the demo organisation over 100 other villages of DI Yogyakarta
with HOUSEHOLDS_PER_VILLAGE households each (a head and three members), surveyed in three
rounds a year apart (each survey drawn from the previous one with some change), and times:

* the job that computes and stores a round's figures (`rounds.round_refresh`: 100 villages
  and the programme, with the transitions from the round before), for each round;
* the programme's "Kemiskinan dari waktu ke waktu" page read from the stored figures, and
  one village's page (the manager, REQUESTS requests one after another: the first, which
  draws the charts, and the median, 99th percentile and worst of the rest).

    .venv/bin/python benchmarks/bench_rounds.py
    DATABASE_URL=postgres://root@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_rounds.py

Prints a Markdown table for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.config.settings.test")

VILLAGES = 100
HOUSEHOLDS_PER_VILLAGE = int(os.environ.get("BENCH_HOUSEHOLDS_PER_VILLAGE", "30"))
ROUNDS = 3
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))


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


def _answers(rng: random.Random, before: dict | None) -> dict:
    if before is None:
        wealth = rng.random()
        return {
            "floor": "earth" if wealth < 0.4 else "cement",
            "wall": "bamboo" if wealth < 0.25 else "masonry",
            "roof": "tile",
            "water": "vendor" if wealth < 0.35 else "piped",
            "sanitation": "pit" if wealth < 0.45 else "private",
            "electricity": "pln_metered",
            "cooking_fuel": "wood" if wealth < 0.6 else "lpg",
            "assets": ["phone"] if wealth < 0.5 else ["phone", "tv", "motorcycle"],
            "child_deaths_5y": 0,
            "monthly_expenditure": int(1_500_000 + 6_000_000 * wealth) // 1000 * 1000,
        }
    after = dict(before)
    draw = rng.random()
    if draw < 0.3:  # better off
        after |= {"floor": "cement", "sanitation": "private", "cooking_fuel": "lpg"}
        after["monthly_expenditure"] = int(before["monthly_expenditure"] * 1.2) // 1000 * 1000
    elif draw < 0.4:  # hit
        after |= {"water": "vendor", "assets": ["phone"]}
        after["monthly_expenditure"] = int(before["monthly_expenditure"] * 0.8) // 1000 * 1000
    return after


def build(organisation, manager_programme_name: str):
    from berdaya.areas.models import Village
    from berdaya.demo.community import VILLAGES as DEMO_VILLAGES
    from berdaya.programmes.services import programme_create, survey_round_create
    from berdaya.registry.models import Household, HouseholdSurvey, Person

    codes = list(
        Village.objects.filter(code__startswith="34.")
        .exclude(code__in=DEMO_VILLAGES)
        .order_by("code")
        .values_list("code", flat=True)[:VILLAGES]
    )
    programme = programme_create(
        organisation=organisation,
        name=manager_programme_name,
        start_date=datetime.date(2024, 1, 1),
        planned_duration_months=48,
        village_codes=codes,
    ).programme
    rounds = [
        survey_round_create(
            programme=programme,
            name=f"Survei {2024 + n}",
            starts_on=datetime.date(2024 + n, 2, 1),
            ends_on=datetime.date(2024 + n, 4, 30),
        )
        for n in range(ROUNDS)
    ]
    rng = random.Random(12)  # noqa: S311 -- synthetic data, not secrets
    households = Household.objects.bulk_create(
        [
            Household(organisation=organisation, village_id=code, dusun=f"Dusun {n % 4}")
            for code in codes
            for n in range(HOUSEHOLDS_PER_VILLAGE)
        ],
        batch_size=2000,
    )
    people = []
    for household in households:
        for relation, age in (("head", 45), ("spouse", 40), ("child", 14), ("child", 9)):
            people.append(
                Person(
                    household=household,
                    organisation=organisation,
                    name="Warga",
                    sex=rng.choice("LP"),
                    relation=relation,
                    birth_date=datetime.date(2024 - age, 6, 1),
                    education=rng.choice(["sd_incomplete", "sd", "smp", "sma"]),
                    attending_school=True if relation == "child" else None,
                )
            )
    Person.objects.bulk_create(people, batch_size=5000)
    surveys = []
    answers = {h.pk: None for h in households}
    for survey_round in rounds:
        for household in households:
            if answers[household.pk] is not None and rng.random() < 0.05:
                continue  # not found this round
            answers[household.pk] = _answers(rng, answers[household.pk])
            surveys.append(
                HouseholdSurvey(
                    household=household,
                    surveyed_on=survey_round.starts_on + datetime.timedelta(days=rng.randrange(60)),
                    round=survey_round,
                    **answers[household.pk],
                )
            )
    HouseholdSurvey.objects.bulk_create(surveys, batch_size=5000)
    return programme, rounds, codes, len(households), len(surveys)


def _timed(client, url: str) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def run() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from berdaya.accounts.testing import signed_in
    from berdaya.core.models import User
    from berdaya.organisations.models import Organisation
    from berdaya.registry import rounds as round_figures
    from conftest import _prepare_database

    _prepare_database()
    from berdaya.demo.community import ORGANISATION_NAME

    load_before = os.getloadavg()
    organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    started = time.perf_counter()
    programme, rounds, codes, households, surveys = build(organisation, "Bench 100 desa")
    built = time.perf_counter() - started
    jobs = []
    for survey_round in rounds:
        started = time.perf_counter()
        round_figures.round_refresh(survey_round)
        jobs.append(time.perf_counter() - started)

    client = signed_in(Client(), User.objects.get(username="manajer"))
    programme_url = f"/program/{programme.pk}/kemiskinan/"
    village_url = f"/program/{programme.pk}/desa/{codes[0]}/kemiskinan/"
    pages = {"programme": _timed(client, programme_url), "village": _timed(client, village_url)}
    with CaptureQueriesContext(connection) as queries:
        client.get(programme_url)
    load_after = os.getloadavg()

    print(
        f"{VILLAGES} villages × {HOUSEHOLDS_PER_VILLAGE} households = {households:,} households, "
        f"{ROUNDS} rounds, {surveys:,} surveys (built in {built:.1f} s), "
        f"{connection.vendor}; load average before {load_before[0]:.2f} / after "
        f"{load_after[0]:.2f}"
    )
    print("| job per round (100 villages + programme) | " + " | ".join(f"{t:.2f} s" for t in jobs))
    print()
    print("| page | requests | first | then median | then p99 | then worst | queries |")
    print("|---|---|---|---|---|---|---|")
    for name, times in pages.items():
        # The first request of a process draws the charts (and, for the first page, starts
        # vl-convert); the rest read the stored figures and the drawn charts.
        warm = times[1:]
        print(
            f"| {name} | {len(times)} | {times[0] * 1000:.0f} ms"
            f" | {statistics.median(warm) * 1000:.0f} ms | {_p99(warm) * 1000:.0f} ms"
            f" | {max(warm) * 1000:.0f} ms | {len(queries) if name == 'programme' else '—'} |"
        )


if __name__ == "__main__":
    main()
