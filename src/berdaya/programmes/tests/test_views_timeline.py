"""Programme pages of issue 5: timeline with revisions, cadres, critical mass."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from berdaya.programmes.models import Cadre, Phase, PlanRevision, ProgrammeVillage
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


@pytest.fixture
def as_user(login):
    def _as(username):
        client = login(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages checked in English
        return client

    return _as


def _phases(demo, rows) -> dict:
    data = {
        "phase-TOTAL_FORMS": str(len(rows)),
        "phase-INITIAL_FORMS": "0",
        "phase-MIN_NUM_FORMS": "0",
        "phase-MAX_NUM_FORMS": "40",
    }
    for index, (stage, start, end) in enumerate(rows):
        data |= {
            f"phase-{index}-stage": stage,
            f"phase-{index}-starts_on": start,
            f"phase-{index}-ends_on": end,
            f"phase-{index}-notes": "",
        }
    return data


def test_the_timeline_shows_phases_a_chart_and_earlier_plans(as_user, demo):
    response = as_user("pendamping.girisekar").get(
        reverse("programmes:timeline", args=[demo.programme.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["phases"]) == 5
    assert 'data-testid="timeline-chart"' in html and "<svg" in html
    assert len(response.context["revisions"]) == 1
    assert "musim panen" in html  # the reason is kept with the old plan
    assert not response.context["manages"] and 'data-testid="revise-form"' not in html


def test_a_manager_revises_the_plan_with_a_reason(as_user, demo):
    client = as_user("manajer")
    url = reverse("programmes:timeline", args=[demo.programme.pk])
    rows = [("pemetaan", "2025-01-06", "2025-12-31"), ("pendampingan", "2025-06-01", "2028-06-30")]
    response = client.post(url, {**_phases(demo, rows), "reason": ""})
    assert response.status_code == 422
    assert "Say why the plan changes" in response.content.decode()
    assert PlanRevision.objects.filter(programme=demo.programme).count() == 1
    response = client.post(url, {**_phases(demo, rows), "reason": "Kemarau panjang 2025"})
    assert response.status_code == 302
    assert PlanRevision.objects.filter(programme=demo.programme).count() == 2
    assert Phase.objects.filter(programme=demo.programme).count() == 2
    # A phase outside the programme's years is refused.
    late = [("pembelajaran", "2028-06-01", "2030-01-01")]
    response = client.post(url, {**_phases(demo, late), "reason": "Perpanjang"})
    assert response.status_code == 422
    assert Phase.objects.filter(programme=demo.programme).count() == 2


def test_a_facilitator_cannot_revise_the_plan(as_user, demo):
    url = reverse("programmes:timeline", args=[demo.programme.pk])
    rows = [("pemetaan", "2025-01-06", "2025-12-31")]
    response = as_user("pendamping.girisekar").post(url, {**_phases(demo, rows), "reason": "x" * 9})
    assert response.status_code == 403
    assert Phase.objects.filter(programme=demo.programme).count() == 5


def test_cadres_are_marked_with_why_and_since_and_ended(as_user, demo):
    client = as_user("pendamping.girisekar")
    url = reverse("programmes:cadres", args=[demo.programme.pk])
    response = client.get(url)
    assert response.status_code == 200
    shown = response.context["active"]
    assert shown and {c.person.household.village_id for c in shown} == {GIRISEKAR}
    person = (
        Person.objects.filter(household__village_id=GIRISEKAR, status="present")
        .exclude(cadre_roles__isnull=False)
        .first()
    )
    data = {"village": GIRISEKAR, "person": person.pk, "since": "2026-02-01", "why": ""}
    response = client.post(url, data)
    assert response.status_code == 422 and not Cadre.objects.filter(person=person).exists()
    response = client.post(url, {**data, "why": "Memandu rapat KWT"})
    assert response.status_code == 302
    cadre = Cadre.objects.get(person=person)
    # Someone of another village cannot be marked from here.
    outsider = Person.objects.filter(household__village_id=SIDOHARJO).first()
    response = client.post(url, {**data, "person": outsider.pk, "why": "x"})
    assert response.status_code == 422 and not Cadre.objects.filter(person=outsider).exists()
    end = reverse("programmes:cadre-end", args=[demo.programme.pk, cadre.pk])
    client.post(end, {"until": "2025-01-01"})  # before since: refused
    cadre.refresh_from_db()
    assert cadre.until is None
    client.post(end, {"until": "2026-10-01"})
    cadre.refresh_from_db()
    assert cadre.until == datetime.date(2026, 10, 1)


def test_another_villages_cadre_is_not_found(as_user, demo):
    other = Cadre.objects.filter(
        organisation=demo.organisation, person__household__village_id=SIDOHARJO
    ).first()
    response = as_user("pendamping.girisekar").post(
        reverse("programmes:cadre-end", args=[demo.programme.pk, other.pk]), {"until": "2026-10-01"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.until is None


def test_critical_mass_shows_progress_and_managers_set_targets(as_user, demo):
    url = reverse("programmes:critical-mass", args=[demo.programme.pk])
    response = as_user("pendamping.girisekar").get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [village.code for village, _mass, _error, _runs in rows] == [GIRISEKAR]
    mass = rows[0][1]
    assert mass.target_percent == 25 and 0 < mass.empowered < mass.adults
    assert "<progress" in response.content.decode()
    manager = as_user("manajer")
    response = manager.post(url, {"village": SIDOHARJO, "percent": "150"})
    assert response.status_code == 422
    coverage = ProgrammeVillage.objects.get(programme=demo.programme, village_id=SIDOHARJO)
    assert coverage.empowered_target_percent == 20
    response = manager.post(url, {"village": SIDOHARJO, "percent": "30"})
    assert response.status_code == 302
    coverage.refresh_from_db()
    assert coverage.empowered_target_percent == 30
    facilitator = as_user("pendamping.girisekar")
    assert facilitator.post(url, {"village": GIRISEKAR, "percent": "90"}).status_code == 403


def test_the_programme_page_links_to_the_new_pages(as_user, demo):
    response = as_user("pemantau").get(reverse("programmes:detail", args=[demo.programme.pk]))
    html = response.content.decode()
    for name in ("timeline", "critical-mass", "cadres"):
        assert reverse(f"programmes:{name}", args=[demo.programme.pk]) in html
