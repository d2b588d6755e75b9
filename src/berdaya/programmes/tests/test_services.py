"""Creating programmes: the three-year commitment, names, villages, end dates."""

from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.core.errors import NotFound, ValidationFailed
from berdaya.demo.community import GIRISEKAR, PROGRAMME_NAME, SIDOHARJO
from berdaya.programmes.models import RECOMMENDED_MIN_MONTHS, Programme, ProgrammeVillage
from berdaya.programmes.services import programme_create

START = datetime.date(2025, 7, 1)


def _create(demo, *, months: int, name: str = "Program Uji", village_codes=()):
    return programme_create(
        organisation=demo.organisation,
        name=name,
        start_date=START,
        planned_duration_months=months,
        village_codes=village_codes,
    )


@pytest.mark.parametrize("months", [1, 12, 24, 35])
def test_a_programme_shorter_than_three_years_is_created_with_a_warning(demo, months):
    result = _create(demo, months=months)
    assert Programme.objects.filter(pk=result.programme.pk).exists()
    assert len(result.warnings) == 1
    assert str(months) in result.warnings[0]
    assert str(RECOMMENDED_MIN_MONTHS) in result.warnings[0]


@pytest.mark.parametrize("months", [36, 48])
def test_a_programme_of_three_years_or_more_has_no_warning(demo, months):
    result = _create(demo, months=months)
    assert result.warnings == []
    assert result.programme.planned_duration_months == months


def test_a_programme_covers_the_villages_it_was_created_with(demo):
    result = _create(demo, months=48, village_codes=["3403062002", SIDOHARJO])
    assert set(result.programme.villages.values_list("code", flat=True)) == {
        GIRISEKAR,
        SIDOHARJO,
    }
    assert set(result.programme.coverage.values_list("joined_on", flat=True)) == {START}


@pytest.mark.parametrize("name", [PROGRAMME_NAME, PROGRAMME_NAME.upper(), f"  {PROGRAMME_NAME} "])
def test_a_duplicate_programme_name_in_the_organisation_is_refused(demo, name):
    before = Programme.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _create(demo, months=48, name=name)
    assert caught.value.field == "name"
    assert demo.organisation.name in caught.value.message
    assert Programme.objects.count() == before


@pytest.mark.parametrize("name", ["", "   "])
def test_a_programme_needs_a_name(demo, name):
    with pytest.raises(ValidationFailed) as caught:
        _create(demo, months=48, name=name)
    assert caught.value.field == "name"


def test_a_duration_of_zero_months_is_refused(demo):
    with pytest.raises(ValidationFailed):
        _create(demo, months=0)
    assert not Programme.objects.filter(name="Program Uji").exists()


def test_an_unknown_village_is_refused_by_code_and_nothing_is_written(demo):
    programmes, coverage = Programme.objects.count(), ProgrammeVillage.objects.count()
    with pytest.raises(NotFound) as caught:
        _create(demo, months=48, village_codes=[GIRISEKAR, "34.03.06.2999"])

    assert "34.03.06.2999" in caught.value.message
    assert not Programme.objects.filter(name="Program Uji").exists()
    assert Programme.objects.count() == programmes
    assert ProgrammeVillage.objects.count() == coverage


def test_an_invalid_village_code_is_refused_and_nothing_is_written(demo):
    with pytest.raises(ValidationFailed) as caught:
        _create(demo, months=48, village_codes=["desa-girisekar"])
    assert "desa-girisekar" in caught.value.message
    assert not Programme.objects.filter(name="Program Uji").exists()


@pytest.mark.parametrize(
    ("year", "last_day_of_february"),
    [(2025, 28), (2026, 28), (2024, 29), (2028, 29), (2100, 28)],
)
def test_a_one_month_programme_starting_31_january_ends_on_the_last_day_of_february(
    year, last_day_of_february
):
    programme = Programme(start_date=datetime.date(year, 1, 31), planned_duration_months=1)
    assert programme.planned_end_date == datetime.date(year, 2, last_day_of_february)


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)),
    st.integers(min_value=1, max_value=120),
)
def test_the_planned_end_date_is_the_same_day_so_many_months_later_or_that_months_last_day(
    start, months
):
    end = Programme(start_date=start, planned_duration_months=months).planned_end_date
    assert (end.year - start.year) * 12 + (end.month - start.month) == months
    last_day = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last_day)
