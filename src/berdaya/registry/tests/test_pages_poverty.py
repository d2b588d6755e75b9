"""Poverty status from the registry: the indicator table, the global MPI, the list filter.

Worked examples by hand, with the global MPI's weights (health and education
indicators 1/6 each, living-standard indicators 1/18 each; poor from 1/3, severely
poor from 1/2, vulnerable from 1/5).
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.utils import timezone

from berdaya.demo.community import GIRISEKAR
from berdaya.registry import indicators
from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.models import Household
from berdaya.registry.services import MemberInput, household_register

LIST = "/registri/rumah-tangga/"
GOOD_HOME = {
    "floor": "ceramic",
    "wall": "masonry",
    "roof": "tile",
    "water": "piped",
    "water_minutes": 0,
    "sanitation": "private",
    "electricity": "pln_metered",
    "cooking_fuel": "lpg",
    "assets": ["phone", "tv", "motorcycle"],
    "child_deaths_5y": 0,
}


def _born(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def _household(demo, name: str, members: list[MemberInput], survey: dict | None) -> Household:
    head = MemberInput(
        name=name,
        sex="L",
        relation="head",
        birth_date=_born(40),
        education=members[0] if isinstance(members[0], str) else "sma",
    )
    others = [m for m in members if not isinstance(m, str)]
    return household_register(
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        members=[head, *others],
        survey=survey,
        surveyed_on=datetime.date(2025, 3, 1) if survey else None,
        dusun="Dusun Uji MPI",
    )


@pytest.fixture
def examples(demo):
    child_out = MemberInput(
        name="Anak", sex="P", relation="child", birth_date=_born(9), attending_school=False
    )
    thin_baby = MemberInput(
        name="Bayi", sex="L", relation="child", birth_date=_born(2), undernourished=True
    )
    return {
        # Years of schooling 1/6 + school attendance 1/6 + fuel, sanitation, water,
        # housing, assets 5/18 = 11/18: severely poor.
        "severe": _household(
            demo,
            "Ngadiman Uji",
            ["sd_incomplete", child_out],
            {
                **GOOD_HOME,
                "cooking_fuel": "wood",
                "sanitation": "pit",
                "water": "unprotected_well",
                "floor": "earth",
                "assets": ["phone"],
            },
        ),
        # Years of schooling 1/6 + nutrition 1/6 = 1/3: poor (exactly at k).
        "poor": _household(demo, "Sukarjo Uji", ["sd_incomplete", thin_baby], GOOD_HOME),
        # Years of schooling 1/6 + cooking fuel 1/18 = 2/9: vulnerable.
        "vulnerable": _household(
            demo, "Tukiran Uji", ["sd_incomplete"], {**GOOD_HOME, "cooking_fuel": "wood"}
        ),
        "not_poor": _household(demo, "Bambang Uji", ["sma"], GOOD_HOME),
        # No survey: the whole living-standards dimension is unknown.
        "unknown": _household(demo, "Slamet Uji", ["sma"], None),
    }


def _table(households):
    keys = [h.pk for h in households]
    return indicators.household_table(Household.objects.filter(pk__in=keys))


def test_the_indicator_table_has_the_columns_of_the_global_mpi(examples):
    from berdaya.analysis.poverty import GLOBAL_MPI

    table = _table(examples.values())
    assert set(GLOBAL_MPI.columns) <= set(table.columns)
    row = table.set_index("household_id").loc[examples["severe"].pk]
    assert row["max_years_schooling"] == 3
    assert row["children_out_of_school"] == 1
    assert row["cooking_fuel"] == "wood"
    assert not row["improved_sanitation"]
    assert not row["safe_drinking_water"]
    assert row["has_electricity"]
    assert not row["adequate_housing"]
    assert row["small_assets"] == 1
    assert not row["owns_car"]
    assert row["household_size"] == 2


def test_each_household_gets_its_status_by_the_global_mpi(examples):
    statuses = indicators.poverty(_table(examples.values()))
    assert {name: statuses[h.pk].status for name, h in examples.items()} == {
        name: name for name in examples
    }


def test_scores_and_deprivations_are_the_worked_examples(examples):
    statuses = indicators.poverty(_table(examples.values()))
    severe = statuses[examples["severe"].pk]
    assert severe.score == pytest.approx(float(Fraction(11, 18)))
    assert set(severe.deprived) == {
        "years_of_schooling",
        "school_attendance",
        "cooking_fuel",
        "sanitation",
        "drinking_water",
        "housing",
        "assets",
    }
    assert statuses[examples["poor"].pk].score == pytest.approx(1 / 3)
    assert statuses[examples["vulnerable"].pk].score == pytest.approx(2 / 9)
    assert statuses[examples["not_poor"].pk].score == 0
    assert statuses[examples["unknown"].pk].score is None


def test_water_half_an_hour_away_is_a_deprivation(demo):
    far = _household(demo, "Jauh Uji", ["sma"], {**GOOD_HOME, "water_minutes": 30})
    near = _household(demo, "Dekat Uji", ["sma"], {**GOOD_HOME, "water_minutes": 29})
    table = _table([far, near]).set_index("household_id")
    assert not table.loc[far.pk, "safe_drinking_water"]
    assert table.loc[near.pk, "safe_drinking_water"]


def test_a_child_of_six_or_sixteen_is_not_counted_for_school_attendance(demo):
    young = MemberInput(
        name="A", sex="L", relation="child", birth_date=_born(6), attending_school=False
    )
    old = MemberInput(
        name="B", sex="L", relation="child", birth_date=_born(16), attending_school=False
    )
    household = _household(demo, "Umur Uji", ["sma", young, old], GOOD_HOME)
    assert _table([household]).iloc[0]["children_out_of_school"] == 0


def test_the_summary_counts_households_per_status(examples):
    table = _table(examples.values())
    summary = indicators.mpi_summary(table)
    assert summary.by_status == {"severe": 1, "poor": 1, "vulnerable": 1, "not_poor": 1}
    assert summary.unknown == 1
    # People: 2 + 2 poor (incl. severe) of 2 + 2 + 1 + 1 people with a known status.
    assert summary.headcount == pytest.approx(4 / 6)


FILTERS = [
    ("severe", {"severe"}),
    ("poor", {"severe", "poor"}),  # "poor" includes the severely poor
    ("vulnerable", {"vulnerable"}),
    ("not_poor", {"not_poor"}),
    ("unknown", {"unknown"}),
]


def test_the_list_filters_by_poverty_status(login, examples):
    client = login("pendamping.girisekar")
    for filter_value, expected in FILTERS:
        response = client.get(
            LIST, {"dusun": "Dusun Uji MPI", "village": GIRISEKAR, "poverty": filter_value}
        )
        found = set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
        assert found == {examples[name].pk for name in expected}, filter_value
        badges = {row.poverty.status for row in response.context["rows"]}
        assert badges <= expected


def test_the_household_page_says_why_a_household_is_poor(login, examples):
    response = login("pendamping.girisekar").get(f"/registri/rumah-tangga/{examples['severe'].pk}/")
    body = response.content.decode()
    assert response.context["record"].poverty.status == PovertyStatus.SEVERE
    assert "61%" in body
    for label in ("Years of schooling", "Cooking fuel", "Housing"):
        assert str(indicators.INDICATOR_LABELS[label.lower().replace(" ", "_")]) in body
