"""The demo's survey rounds: the mapping survey is round 1, and a year later the survey is
repeated (round 2) with plausible changes, so poverty over time has something to show.

Deterministic: its own random generator, drawn after the rest of the demo, so nothing
else in the demo changes. About a third of households improve (a cement floor, a toilet,
LPG, a phone or motorcycle, more spending: the programme's savings and KUBE), about one in
eight are hit (drought and landslide, assets sold, less spending, new debts), the rest
drift; one in twenty is not found again (no round-2 survey).
"""

from __future__ import annotations

import datetime
import random

from berdaya.programmes.services import survey_round_create
from berdaya.registry import rounds
from berdaya.registry.models import Household
from berdaya.registry.records import SURVEY_FIELDS
from berdaya.registry.services import household_survey_record

FIRST = ("Pemetaan awal 2025", datetime.date(2025, 2, 1), datetime.date(2025, 4, 30))
SECOND = ("Survei ulang 2026", datetime.date(2026, 2, 1), datetime.date(2026, 4, 30))
SEED = 2026


def demo_first_round(programme):
    name, starts_on, ends_on = FIRST
    return survey_round_create(programme=programme, name=name, starts_on=starts_on, ends_on=ends_on)


def _better(rng: random.Random, answers: dict) -> dict:
    if answers.get("floor") == "earth" and rng.random() < 0.6:
        answers["floor"] = "cement"
    if answers.get("sanitation") in {"none", "pit"} and rng.random() < 0.6:
        answers["sanitation"] = "private"
    if answers.get("cooking_fuel") == "wood" and rng.random() < 0.5:
        answers["cooking_fuel"] = "lpg"
    if answers.get("water") in {"unprotected_spring", "vendor"} and rng.random() < 0.3:
        answers["water"] = "piped"
    assets = set(answers.get("assets") or ())
    for asset in ("phone", "motorcycle", "tv"):
        if asset not in assets and rng.random() < 0.35:
            assets.add(asset)
    answers["assets"] = sorted(assets)
    answers["has_savings"] = answers.get("has_savings") or rng.random() < 0.5
    return _spending(answers, rng, 1.05, 1.3)


def _worse(rng: random.Random, answers: dict) -> dict:
    answers["disasters"] = sorted(set(answers.get("disasters") or ()) | {"drought", "landslide"})
    assets = set(answers.get("assets") or ())
    for asset in ("motorcycle", "tv", "fridge"):
        if asset in assets and rng.random() < 0.6:
            assets.discard(asset)
    answers["assets"] = sorted(assets)
    if rng.random() < 0.4:
        answers["water"] = "vendor"
    if rng.random() < 0.3:
        answers["cooking_fuel"] = "wood"
    answers["has_debt"] = True
    return _spending(answers, rng, 0.7, 0.9)


def _spending(answers: dict, rng: random.Random, low: float, high: float) -> dict:
    amount = answers.get("monthly_expenditure")
    if amount is not None:
        factor = low + (high - low) * rng.random()
        answers["monthly_expenditure"] = int(amount * factor) // 1000 * 1000
    return answers


def demo_rounds(community, first_round) -> None:
    """Round 2 for every household found again, recorded through the survey service."""
    name, starts_on, ends_on = SECOND
    second = survey_round_create(
        programme=community.programme, name=name, starts_on=starts_on, ends_on=ends_on
    )
    rng = random.Random(SEED)
    households = (
        Household.objects.filter(
            organisation=community.organisation,
            latest_survey__round=first_round,
            status=Household.Status.ACTIVE,
        )
        .select_related("latest_survey")
        .order_by("pk")
    )
    for household in households:
        draw = rng.random()
        if draw < 0.05:
            continue  # not found at home this time
        before = household.latest_survey
        answers = {field: getattr(before, field) for field in SURVEY_FIELDS}
        answers["notes"] = ""
        if draw < 0.38:
            answers = _better(rng, answers)
        elif draw < 0.5:
            answers = _worse(rng, answers)
        else:
            answers = _spending(answers, rng, 0.95, 1.1)
        household_survey_record(
            household=household,
            survey=answers,
            surveyed_on=before.surveyed_on + datetime.timedelta(days=365),
            user=community.users["pendamping.girisekar"]
            if household.village_id == "34.03.06.2002"
            else community.users["pendamping.sidoharjo"],
            survey_round=second,
        )
    # Computed now, so the demo's pages have them without a worker running.
    rounds.round_refresh(first_round)
    rounds.round_refresh(second)
