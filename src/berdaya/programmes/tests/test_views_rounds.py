"""The survey-rounds page and "Kemiskinan dari waktu ke waktu" (per programme and village)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings

from berdaya.programmes.models import SurveyRound
from berdaya.registry import rounds
from berdaya.registry.models import Household, HouseholdSurvey, RoundFigures

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


@pytest.fixture
def as_user(login):
    def _as(username):
        client = login(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def _text(response) -> str:
    return response.content.decode()


def test_the_programme_page_shows_each_round_its_trends_and_transitions(as_user, demo):
    response = as_user("manajer").get(f"/program/{demo.programme.pk}/kemiskinan/")
    assert response.status_code == 200
    page = _text(response)
    rows = {row.round.name: row for row in response.context["found"].rows}
    assert set(rows) == {"Pemetaan awal 2025", "Survei ulang 2026"}
    second = rows["Survei ulang 2026"]
    assert second.village_id is None  # the programme's own row, over all its households
    assert page.count('data-testid="round-') == 2
    assert page.count("<svg") >= 3  # the trend charts, drawn on the server
    moves = second.figures["transitions"]
    assert (
        'data-testid="cell-escaped"><th scope="row">Escaped poverty</th>'
        f"<td>{moves['escaped']}</td>" in page
    )
    assert 'data-testid="villages-table"' in page
    assert f"/program/{demo.programme.pk}/desa/{GIRISEKAR}/kemiskinan/" in page


def test_the_village_page_shows_that_villages_rows(as_user, demo):
    response = as_user("pendamping.girisekar").get(
        f"/program/{demo.programme.pk}/desa/{GIRISEKAR}/kemiskinan/"
    )
    assert response.status_code == 200
    rows = response.context["found"].rows
    assert [row.village_id for row in rows] == [GIRISEKAR, GIRISEKAR]
    assert 'data-testid="transitions"' in _text(response)
    assert 'data-testid="villages-table"' not in _text(response)


def test_a_facilitator_gets_404_for_a_village_not_theirs(as_user, demo):
    response = as_user("pendamping.girisekar").get(
        f"/program/{demo.programme.pk}/desa/{SIDOHARJO}/kemiskinan/"
    )
    assert response.status_code == 404


def test_the_village_profile_links_to_poverty_over_time(as_user, demo):
    page = _text(as_user("pemantau").get(f"/wilayah/desa/{GIRISEKAR}/"))
    assert f"/program/{demo.programme.pk}/desa/{GIRISEKAR}/kemiskinan/" in page


def test_viewers_see_aggregates_and_no_names(as_user, demo):
    page = _text(as_user("pemantau").get(f"/program/{demo.programme.pk}/kemiskinan/"))
    head = Household.objects.filter(village_id=GIRISEKAR).first().members.first().name
    assert head not in page
    assert not re.search(r"/registri/(rumah-tangga|warga)/\d", page)  # no household linked


def test_a_manager_adds_a_round_and_a_facilitator_may_not(as_user, demo):
    url = f"/program/{demo.programme.pk}/putaran-survei/"
    data = {"name": "Survei 2027", "starts_on": "2027-02-01", "ends_on": "2027-04-30"}
    assert as_user("pendamping.girisekar").post(url, data).status_code == 403
    response = as_user("manajer").post(url, data)
    assert response.status_code == 302
    assert demo.programme.survey_rounds.filter(name="Survei 2027").exists()
    overlapping = as_user("manajer").post(url, data | {"name": "Lagi"})
    assert overlapping.status_code == 422
    assert "overlap" in _text(overlapping)


def test_the_programme_without_rounds_says_so(as_user, demo):
    RoundFigures.objects.all().delete()
    HouseholdSurvey.objects.update(round=None)
    SurveyRound.objects.all().delete()
    page = _text(as_user("manajer").get(f"/program/{demo.programme.pk}/kemiskinan/"))
    assert 'data-testid="no-rounds"' in page


def test_a_survey_recorded_on_the_page_joins_the_round_chosen(
    as_user, demo, django_capture_on_commit_callbacks
):
    second = demo.programme.survey_rounds.get(name="Survei ulang 2026")
    household = (
        Household.objects.filter(village_id=GIRISEKAR, organisation=demo.organisation)
        .exclude(surveys__round=second)
        .first()
    )
    client = as_user("pendamping.girisekar")
    form = client.get(f"/registri/rumah-tangga/{household.pk}/survei/").context["form"]
    assert "survey_round" in form.fields and form.initial.get("survey_round") is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/registri/rumah-tangga/{household.pk}/survei/",
            {
                "surveyed_on": datetime.date(2026, 3, 2).isoformat(),
                "survey_round": str(second.pk),
                "floor": "ceramic",
                "water": "piped",
            },
        )
    assert response.status_code == 302
    assert household.surveys.order_by("-pk").first().round == second
    row = RoundFigures.objects.get(round=second, village_id=GIRISEKAR)
    assert not row.stale
    assert household.pk in rounds.round_surveys(second, village_codes=[GIRISEKAR])
