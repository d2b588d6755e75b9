"""Poverty over time: the stored figures of each survey round equal `berdaya.analysis` run from
scratch on the round's exported household table; the transition matrix by a hand-checked
example and by its invariants; the rounds are explicit (recorded, imported, in the demo)."""

from __future__ import annotations

import datetime
import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.analysis.poverty import GLOBAL_MPI, AlkireFoster
from berdaya.community.lines import line_for
from berdaya.core.errors import ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO, VILLAGES
from berdaya.programmes.services import programme_create, survey_round_create
from berdaya.registry import indicators, rounds
from berdaya.registry.importers.samples import synthetic_households, template_filled_csv
from berdaya.registry.indicators import Poverty
from berdaya.registry.models import Household, HouseholdSurvey, RoundFigures
from berdaya.registry.services import household_survey_record, import_job_create, import_job_run
from berdaya.registry.xlsform import form_build

from .test_figures import HOME
from .test_income_figures import _analysis


def _exported(table: pd.DataFrame) -> pd.DataFrame:
    """The table as an analyst gets it (Parquet, as the analysis export writes it)."""
    buffer = io.BytesIO()
    table.drop(columns=["surveyed_on"]).to_parquet(buffer)
    buffer.seek(0)
    return pd.read_parquet(buffer)


def _mpi_from_scratch(table: pd.DataFrame) -> dict:
    frame = table[table["household_size"] > 0].reset_index(drop=True)
    measure = AlkireFoster(GLOBAL_MPI, weight_column="household_size", missing="reweight")
    overall = indicators.to_pandas(measure.compute(frame).overall).iloc[0]
    names = [i.name for i in GLOBAL_MPI.indicators]
    return {
        "H": float(overall["H"]),
        "A": float(overall["A"]),
        "M0": float(overall["M0"]),
        "censored": {name: float(overall[f"censored_{name}"]) for name in names},
    }


def _round_of(demo, name):
    return demo.programme.survey_rounds.get(name=name)


def test_the_demo_has_two_rounds_a_year_apart_with_transitions(demo):
    first, second = demo.programme.survey_rounds.order_by("starts_on")
    assert (second.starts_on - first.starts_on).days == 365
    assert HouseholdSurvey.objects.filter(round=first).count() == 2 * 120
    resurveyed = HouseholdSurvey.objects.filter(round=second).count()
    assert 200 < resurveyed < 240  # a few households were not found again
    programme_row = RoundFigures.objects.get(round=second, village__isnull=True)
    moves = programme_row.figures["transitions"]
    assert moves["households"] == sum(moves[cell] for cell in rounds.CELLS)
    assert moves["escaped"] > 0 and moves["fell_in"] > 0
    assert moves["escaped_indicators"] and moves["fell_in_indicators"]
    assert RoundFigures.objects.filter(round=first, village__isnull=False).count() == len(VILLAGES)
    assert (
        RoundFigures.objects.get(round=first, village__isnull=True).figures["transitions"] is None
    )


@pytest.mark.parametrize("scope", [GIRISEKAR, SIDOHARJO, None])
def test_each_rounds_figures_equal_the_analysis_on_the_exported_table(demo, scope):
    for survey_round in demo.programme.survey_rounds.order_by("starts_on"):
        rounds.round_refresh(survey_round)
        stored = RoundFigures.objects.get(round=survey_round, village_id=scope).figures
        codes = [scope] if scope else list(VILLAGES)
        raw = rounds.round_table(survey_round, village_codes=codes)
        table = _exported(raw)
        assert stored["households"] == len(table)
        expected = _mpi_from_scratch(table)
        for key in ("H", "A", "M0"):
            assert stored["mpi"][key] == pytest.approx(expected[key], abs=1e-12)
        assert stored["mpi"]["censored"] == pytest.approx(expected["censored"], abs=1e-12)
        # The line of the year the round's spending was asked in (its latest survey's).
        year = max(day.year for day in raw["surveyed_on"].dropna())
        lines = {
            code: line_for(
                organisation_id=demo.organisation.pk, village_code=code, year=year
            ).amount
            for code in codes
        }
        assert stored["income"]["lines"] == lines
        income = _analysis(table, lines, by="village_code" if scope is None else "dusun")
        for key in ("P0", "P1", "P2", "gini"):
            assert stored["income"][key] == pytest.approx(float(income[key]), abs=1e-12)
        assert stored["income"]["answered"] == income["answered"]


def test_the_programme_is_its_villages_households_together_not_an_average(demo):
    second = _round_of(demo, "Survei ulang 2026")
    villages = [RoundFigures.objects.get(round=second, village_id=code) for code in VILLAGES]
    whole = RoundFigures.objects.get(round=second, village__isnull=True)
    assert whole.households == sum(row.households for row in villages)
    for cell in rounds.CELLS:
        assert whole.figures["transitions"][cell] == sum(
            row.figures["transitions"][cell] for row in villages
        )


def _p(status: str, *deprived: str) -> Poverty:
    return Poverty(status, 0.5 if status in {"poor", "severe"} else 0.1, tuple(deprived))


def test_a_worked_transition_matrix():
    """Seven households, checked by hand: 1 and 2 stayed poor (2 was severe), 3 escaped
    (no longer deprived in housing and sanitation), 4 escaped (housing), 5 fell in (newly
    deprived in assets), 6 stayed non-poor (vulnerable, then not poor); 7 was not surveyed
    in the first round and 8 has no known status in the second: neither counts."""
    before = {
        1: _p("poor", "housing"),
        2: _p("severe", "housing", "assets"),
        3: _p("poor", "housing", "sanitation", "cooking_fuel"),
        4: _p("poor", "housing", "cooking_fuel"),
        5: _p("not_poor", "cooking_fuel"),
        6: _p("vulnerable", "cooking_fuel"),
        8: _p("poor", "housing"),
    }
    after = {
        1: _p("poor", "housing"),
        2: _p("poor", "housing"),
        3: _p("not_poor", "cooking_fuel"),
        4: _p("vulnerable", "cooking_fuel"),
        5: _p("poor", "cooking_fuel", "assets"),
        6: _p("not_poor"),
        7: _p("poor", "housing"),
        8: indicators.UNKNOWN,
    }
    moves = rounds.transitions(before, after)
    assert moves.households == 6
    assert moves.cells == {"stayed_poor": 2, "escaped": 2, "fell_in": 1, "stayed_non_poor": 1}
    assert moves.escaped_indicators == [["housing", 2], ["sanitation", 1]]
    assert moves.fell_in_indicators == [["assets", 1]]


STATUSES = st.sampled_from(["severe", "poor", "vulnerable", "not_poor", "unknown"])
INDICATORS = st.lists(st.sampled_from(["housing", "assets", "sanitation"]), unique=True)


@settings(max_examples=60, deadline=None)
@given(
    before=st.dictionaries(st.integers(1, 40), st.tuples(STATUSES, INDICATORS)),
    after=st.dictionaries(st.integers(1, 40), st.tuples(STATUSES, INDICATORS)),
)
def test_transition_counts_add_up_to_the_households_surveyed_in_both(before, after):
    def statuses(drawn):
        return {
            pk: Poverty(s, None if s == "unknown" else 0.3, tuple(d))
            for pk, (s, d) in drawn.items()
        }

    moves = rounds.transitions(statuses(before), statuses(after))
    both = [pk for pk in after if pk in before and "unknown" not in (before[pk][0], after[pk][0])]
    assert moves.households == len(both) == sum(moves.cells.values())
    poor = {"severe", "poor"}
    assert moves.cells["escaped"] == sum(
        1 for pk in both if before[pk][0] in poor and after[pk][0] not in poor
    )
    assert all(count <= moves.cells["escaped"] for _n, count in moves.escaped_indicators)
    assert all(count <= moves.cells["fell_in"] for _n, count in moves.fell_in_indicators)


def _spending_table(households: list[tuple[int, int]]) -> pd.DataFrame:
    records = [
        {
            "household_id": pk,
            "village_code": GIRISEKAR,
            "organisation_id": 1,
            "dusun": "A" if pk % 2 else "B",
            "household_size": size,
            "monthly_expenditure": spending,
            "expenditure_per_capita": spending / size,
        }
        for pk, (size, spending) in enumerate(households, start=1)
    ]
    return indicators._typed(
        pd.DataFrame.from_records(records, columns=list(indicators._COLUMN_TYPES))
    )


@settings(max_examples=25, deadline=None)
@given(
    households=st.lists(
        st.tuples(st.integers(1, 8), st.integers(0, 20_000_000)), min_size=10, max_size=40
    ),
    line=st.integers(100_000, 1_500_000),
)
def test_p0_of_a_round_is_the_analysis_share_of_people_below_the_line(households, line):
    table = _spending_table(households)
    figures = rounds.table_figures(table, lines={GIRISEKAR: line})
    people = sum(size for size, _s in households)
    below = sum(size for size, spending in households if spending / size < line)
    for scope in (GIRISEKAR, None):  # the village, and all villages together
        assert figures[scope]["income"]["P0"] == pytest.approx(below / people, abs=1e-12)
        assert figures[scope]["income"]["answered"] == len(households)


# -- rounds are explicit -----------------------------------------------------------------------


def test_a_survey_recorded_in_a_round_recomputes_that_round_and_the_next(
    demo, django_capture_on_commit_callbacks
):
    second = _round_of(demo, "Survei ulang 2026")
    household = (
        Household.objects.filter(village_id=GIRISEKAR, organisation=demo.organisation)
        .exclude(surveys__round=second)
        .first()
    )
    before = RoundFigures.objects.get(round=second, village_id=GIRISEKAR).figures
    with django_capture_on_commit_callbacks(execute=True):
        survey = household_survey_record(
            household=household,
            survey=HOME,
            surveyed_on=datetime.date(2026, 3, 1),
            survey_round=second,
        )
    assert survey.round == second
    after = RoundFigures.objects.get(round=second, village_id=GIRISEKAR)
    assert not after.stale
    assert after.households == before["households"] + 1
    assert after.figures["transitions"]["households"] == before["transitions"]["households"] + 1


def test_a_round_of_another_organisations_programme_is_refused(demo):
    from berdaya.organisations.models import Organisation
    from berdaya.organisations.services import organisation_create

    other = organisation_create(name="Lain", kind=Organisation.Kind.NGO)
    programme = programme_create(
        organisation=other,
        name="Program Lain",
        start_date=datetime.date(2025, 1, 1),
        planned_duration_months=36,
        village_codes=[GIRISEKAR],
    ).programme
    foreign = survey_round_create(
        programme=programme,
        name="R1",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 3, 1),
    )
    household = Household.objects.filter(
        village_id=GIRISEKAR, organisation=demo.organisation
    ).first()
    with pytest.raises(ValidationFailed):
        household_survey_record(
            household=household,
            survey=HOME,
            surveyed_on=datetime.date(2025, 2, 1),
            survey_round=foreign,
        )


def test_rounds_may_not_overlap_or_end_before_they_start(demo):
    with pytest.raises(ValidationFailed):
        survey_round_create(
            programme=demo.programme,
            name="Tumpang tindih",
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 6, 1),
        )
    with pytest.raises(ValidationFailed):
        survey_round_create(
            programme=demo.programme,
            name="Terbalik",
            starts_on=datetime.date(2027, 4, 1),
            ends_on=datetime.date(2027, 3, 1),
        )


def test_an_import_puts_its_surveys_in_the_round_chosen(demo, django_capture_on_commit_callbacks):
    third = survey_round_create(
        programme=demo.programme,
        name="Survei 2027",
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 4, 30),
    )
    data = template_filled_csv(
        synthetic_households(12, village_code=SIDOHARJO, seed=4), form_build()
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            user=demo.users["manajer"],
            organisation=demo.organisation,
            village=demo.villages[SIDOHARJO],
            source="template",
            uploaded_file=SimpleUploadedFile("rumah-tangga.csv", data),
            queue=False,
            survey_round=third,
        )
    assert job.round == third
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job.pk)
    assert HouseholdSurvey.objects.filter(round=third).count() == 12
    row = RoundFigures.objects.get(round=third, village_id=SIDOHARJO)
    assert row.households == 12 and not row.stale


def test_a_rounds_analysis_export_reruns_to_its_stored_figures(login, demo):
    """The programme's analysis export of one round: the analysis from scratch on the
    downloaded table gives each village's and the programme's stored figures of that round."""
    import zipfile

    second = _round_of(demo, "Survei ulang 2026")
    response = login("manajer").post(
        f"/registri/program/{demo.programme.pk}/ekspor-analisis/",
        {"file_format": "parquet", "survey_round": str(second.pk)},
    )
    assert response.status_code == 200
    assert f"putaran-{second.pk}" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        table = pd.read_parquet(io.BytesIO(archive.read("households.parquet")))
    assert len(table) == HouseholdSurvey.objects.filter(round=second).count()
    for code in [*VILLAGES, None]:
        part = table if code is None else table[table["village_code"] == code]
        expected = _mpi_from_scratch(part.reset_index(drop=True))
        stored = RoundFigures.objects.get(round=second, village_id=code).figures["mpi"]
        for key in ("H", "A", "M0"):
            assert stored[key] == pytest.approx(expected[key], abs=1e-12)
