"""Income poverty (FGT) and inequality (Gini) in the stored figures equal `berdaya.analysis`
run on the household table the analysts export, per village and per programme.

The worked example is Haughton, J. and Khandker, S. R. (2009) *Handbook on Poverty and
Inequality*, World Bank, chapter 4 (the poverty gap): with a line of 125, country A's
spending per person 100, 110, 150, 160 gives P0 = 0.5 and P1 = (0.2 + 0.12) / 4 = 0.08; P2
(Foster, Greer and Thorbecke 1984) = (0.2² + 0.12²) / 4 = 0.0136. FGT measures are
replication invariant, so the same four households three times give the same figures.
"""

from __future__ import annotations

import pandas as pd
import pytest
from django.utils import timezone

from berdaya.analysis.poverty import FGT, Gini
from berdaya.areas.models import Village
from berdaya.community.lines import line_for
from berdaya.community.models import PovertyLineOverride
from berdaya.community.services import poverty_line_set
from berdaya.core.access import forget_grants
from berdaya.demo.community import GIRISEKAR, SIDOHARJO, VILLAGES
from berdaya.programmes.services import programme_add_village
from berdaya.registry import figures, indicators
from berdaya.registry.models import Household, VillageRegistryFigures
from berdaya.registry.services import MemberInput, household_register, household_survey_record

from .test_figures import (
    HOME,
    ON,
    _assert_equal_to_analysis_from_scratch,
    _assert_rebuild_equals_incremental,
)


def _table(organisation_id: int, codes) -> pd.DataFrame:
    households = Household.objects.filter(
        organisation_id=organisation_id, village_id__in=list(codes), status="active"
    )
    return indicators.household_table(households, today=timezone.localdate())


def _analysis(table: pd.DataFrame, lines: dict[str, int], by: str) -> dict:
    """FGT and Gini straight from the analysis library, each village with its own line."""
    answered = table[table["expenditure_per_capita"].notna() & (table["household_size"] > 0)]
    fgt = {}
    for code, amount in lines.items():
        part = answered[answered["village_code"] == code]
        fgt[code] = indicators.to_pandas(
            FGT(
                income="expenditure_per_capita",
                poverty_line=amount,
                weight_column="household_size",
            )
            .compute(part.astype({"expenditure_per_capita": "float64"}))
            .units.select("household_size", "poor", "gap")
        )
    units = pd.concat(fgt.values())
    people = units["household_size"].sum()
    frame = answered.astype({"expenditure_per_capita": "float64"}).assign(
        dusun=answered["dusun"].fillna("")
    )
    gini = Gini(income="expenditure_per_capita", weight_column="household_size").compute(
        frame[["expenditure_per_capita", "household_size", by]], by=by
    )
    parts = indicators.to_pandas(gini.decomposition).iloc[0]
    return {
        "answered": len(answered),
        "P0": units.loc[units["poor"], "household_size"].sum() / people,
        "P1": (units["household_size"] * units["gap"]).sum() / people,
        "P2": (units["household_size"] * units["gap"] ** 2).sum() / people,
        "gini": parts["gini"],
        "within": parts["within"],
        "between": parts["between"],
        "overlap": parts["overlap"],
    }


def _assert_same(stored: dict, expected: dict) -> None:
    assert stored["answered"] == expected["answered"]
    for name in ("P0", "P1", "P2", "gini"):
        assert stored[name] == pytest.approx(expected[name], rel=1e-9), name
    for name in ("within", "between", "overlap"):
        assert stored["decomposition"][name] == pytest.approx(expected[name], rel=1e-9), name
    parts = stored["decomposition"]
    assert parts["within"] + parts["between"] + parts["overlap"] == pytest.approx(stored["gini"])


def test_each_villages_income_figures_equal_the_analysis_on_its_household_table(demo):
    organisation = demo.organisation.pk
    for code in VILLAGES:
        row = figures.village_row(organisation_id=organisation, village_code=code)
        income = row.figures["income"]
        table = _table(organisation, [code])
        assert income["households"] == len(table) == row.households
        assert income["line"]["amount"] == 582_932  # DIY has no shipped line: Indonesia's
        assert income["line"]["period"] == "2024-03" and not income["line"]["own"]
        _assert_same(income, _analysis(table, {code: 582_932}, by="dusun"))
        assert income["decomposition"]["by"] == "dusun"
        assert len(income["decomposition"]["groups"]) == 6  # the demo's six dusun


def test_the_demo_is_realistic_about_income_poverty(demo):
    income = figures.village_row(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    income = income.figures["income"]
    # About a fifth of people below the BPS line; a rural Gini around 0.3 (NOTES: BPS).
    assert 0.1 < income["P0"] < 0.35
    assert 0.25 < income["gini"] < 0.4
    assert income["P2"] < income["P1"] < income["P0"]


def test_a_programmes_figures_are_the_analysis_on_all_its_households_not_an_average(demo):
    organisation = demo.organisation.pk
    result = figures.programme_income(organisation_id=organisation, codes=VILLAGES)
    table = _table(organisation, VILLAGES)
    _assert_same(result, _analysis(table, {c: 582_932 for c in VILLAGES}, by="village_code"))
    assert result["villages"] == 2 and result["households"] == len(table)
    assert result["decomposition"]["by"] == "village_code"


def test_rebuild_equals_incremental_after_a_spending_answer_and_a_new_line(
    demo, django_capture_on_commit_callbacks
):
    household = Household.objects.filter(village_id=SIDOHARJO).order_by("pk").first()
    manager = demo.users["manajer"]
    before = figures.village_row(organisation_id=demo.organisation.pk, village_code=SIDOHARJO)
    with django_capture_on_commit_callbacks(execute=True):
        household_survey_record(
            household=household, survey={**HOME, "monthly_expenditure": 150_000}, surveyed_on=ON
        )
    with django_capture_on_commit_callbacks(execute=True):
        poverty_line_set(
            user=manager,
            organisation_id=demo.organisation.pk,
            area_code="34.03",
            year=2025,
            amount=620_000,
            source="BPS Kabupaten Gunungkidul, Maret 2025 (uji)",
        )
    row = VillageRegistryFigures.objects.get(organisation=demo.organisation, village_id=SIDOHARJO)
    assert not row.stale
    income = row.figures["income"]
    assert income["line"] == {
        "amount": 620_000,
        "year": 2025,
        "source": "BPS Kabupaten Gunungkidul, Maret 2025 (uji)",
        "area_code": "34.03",
        "own": True,
        "period": "",
    }
    assert income["P0"] > before.figures["income"]["P0"]  # a higher line, more people below
    table = _table(demo.organisation.pk, [SIDOHARJO])
    _assert_same(income, _analysis(table, {SIDOHARJO: 620_000}, by="dusun"))
    _assert_equal_to_analysis_from_scratch()
    _assert_rebuild_equals_incremental()


def test_the_line_is_the_regencys_then_the_provinces_own_then_the_shipped_one(demo):
    organisation = demo.organisation
    shipped = line_for(organisation_id=organisation.pk, village_code=GIRISEKAR, year=2025)
    assert (shipped.amount, shipped.period, shipped.own) == (582_932, "2024-03", False)
    older = line_for(organisation_id=organisation.pk, village_code=GIRISEKAR, year=2020)
    # 2023's shipped lines are urban and rural only; a village's area is not known, so the
    # next period's total line serves a survey of 2020.
    assert (older.period, older.year) == ("2024-03", 2024)
    for area, amount in (("34", 550_000), ("34.03", 560_000)):
        PovertyLineOverride.objects.create(
            organisation=organisation, area_code=area, year=2024, amount=amount, source="x"
        )
    assert line_for(organisation_id=organisation.pk, village_code=GIRISEKAR, year=2025).amount == (
        560_000
    )
    # A survey of 2023: the organisation's 2024 lines are not used for it.
    assert not line_for(organisation_id=organisation.pk, village_code=GIRISEKAR, year=2023).own
    PovertyLineOverride.objects.create(
        organisation=organisation, area_code="34", year=2025, amount=570_000, source="y"
    )
    assert line_for(organisation_id=organisation.pk, village_code=GIRISEKAR, year=2025).amount == (
        570_000  # a newer line of the province beats an older one of the regency
    )


def test_fgt_worked_example_of_haughton_and_khandker_through_the_registry(
    demo, django_capture_on_commit_callbacks
):
    organisation, manager = demo.organisation, demo.users["manajer"]
    village = Village.objects.filter(code__startswith="34.01.").exclude(code__in=VILLAGES).first()
    programme_add_village(programme=demo.programme, village_code=village.code)
    forget_grants(manager)
    with django_capture_on_commit_callbacks(execute=True):
        poverty_line_set(
            user=manager,
            organisation_id=organisation.pk,
            area_code=village.code[:5],
            year=ON.year,
            amount=125,
            source="Haughton & Khandker (2009), ch. 4",
        )
    with django_capture_on_commit_callbacks(execute=True):
        for copy in range(3):
            for number, spending in enumerate((100, 110, 150, 160)):
                household_register(
                    organisation=organisation,
                    village=village,
                    members=[
                        MemberInput(
                            name=f"Contoh {copy} {number}",
                            sex="P",
                            relation="head",
                            birth_date=ON.replace(year=1980),
                        )
                    ],
                    survey={**HOME, "monthly_expenditure": spending},
                    surveyed_on=ON,
                    dusun="A" if number < 2 else "B",
                )
    income = figures.village_row(organisation_id=organisation.pk, village_code=village.code)
    income = income.figures["income"]
    assert income["line"]["amount"] == 125 and income["answered"] == 12
    assert income["P0"] == pytest.approx(0.5)
    assert income["P1"] == pytest.approx(0.08)
    assert income["P2"] == pytest.approx(0.0136)
    # The two dusun's spending does not overlap (100-110 and 150-160): no overlap term.
    assert income["decomposition"]["overlap"] == pytest.approx(0, abs=1e-12)


def test_the_migration_fills_the_stored_spending_of_existing_households(demo):
    import importlib

    from django.apps import apps

    from berdaya.registry.models import HouseholdFigures

    expected = dict(HouseholdFigures.objects.values_list("household_id", "monthly_expenditure"))
    assert any(value is not None for value in expected.values())
    HouseholdFigures.objects.update(monthly_expenditure=None)
    migration = importlib.import_module(
        "berdaya.registry.migrations.0008_household_figures_spending"
    )
    migration.fill_spending(apps, None)
    filled = dict(HouseholdFigures.objects.values_list("household_id", "monthly_expenditure"))
    assert filled == expected
