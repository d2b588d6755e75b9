"""Finding 5: a survey's `land_m2` or `monthly_expenditure` of 99999999999999999999999, or an
attendance removal with `person=99999999999999999999999`, raised SQLite's OverflowError (a
500). Every integer input is checked against its column's range, with a clear message."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from berdaya.demo.community import GIRISEKAR
from berdaya.facilitation.models import Activity
from berdaya.registry.importers.samples import synthetic_households, template_rows
from berdaya.registry.models import Household, HouseholdSurvey, ImportJob
from berdaya.registry.xlsform import form_build

HUGE = "99999999999999999999999"


def _household(demo) -> Household:
    return Household.objects.filter(village_id=GIRISEKAR, organisation=demo.organisation).first()


@pytest.mark.parametrize("field", ["land_m2", "monthly_expenditure"])
def test_a_huge_number_on_the_survey_page_is_refused_with_a_message(demo, login, field):
    household = _household(demo)
    before = HouseholdSurvey.objects.filter(household=household).count()
    client = login("pendamping.girisekar")
    url = reverse("registry:survey-add", args=[household.pk])
    response = client.post(url, {"surveyed_on": "2025-01-06", field: HUGE})
    assert response.status_code in {200, 422}
    text = response.content.decode()
    assert "2.147.483.647" in text or "9.223.372.036.854.775.807" in text  # the range, named
    assert HouseholdSurvey.objects.filter(household=household).count() == before


def test_a_huge_number_in_an_import_is_a_problem_of_its_row(demo, upload):
    records = synthetic_households(2, village_code=GIRISEKAR, seed=5)
    rows = template_rows(records, form_build())
    first = rows[1][0]  # the first household's number: its rows carry its answers
    for row in rows[1:]:
        if row[0] == first:
            row[rows[0].index("luas_lahan")] = HUGE
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    job = upload(buffer.getvalue().encode(), "besar.csv")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors and {p["column"] for p in job.errors} == {"luas_lahan"}
    assert all("2.147.483.647" in p["reason"] for p in job.errors)
    assert not Household.objects.filter(import_job_id=job.pk).exists()


def test_removing_attendance_of_person_99999_answers_without_a_500(demo, login):
    activity = Activity.objects.filter(village_id=GIRISEKAR).first()
    client = login("pendamping.girisekar")
    url = reverse("facilitation:attendance-remove", args=[activity.pk])
    response = client.post(url, {"person": HUGE}, HTTP_HX_REQUEST="true")
    assert response.status_code < 500


@given(st.integers())
def test_check_integer_accepts_exactly_the_column_range(value):
    from berdaya.core.errors import ValidationFailed
    from berdaya.core.validators import check_integer, column_range

    low, high = column_range(HouseholdSurvey, "land_m2")
    assert (low, high) == (0, 2_147_483_647)
    if low <= value <= high:
        assert check_integer(value, column=(low, high)) == value
    else:
        with pytest.raises(ValidationFailed):
            check_integer(value, column=(low, high))
