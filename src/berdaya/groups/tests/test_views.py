"""Group pages: one test per view, scoping, and bad input that writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from berdaya.groups.models import Group, GroupMember, MaturityAssessment, MaturityRubric
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


@pytest.fixture
def girisekar(login):
    client = login("pendamping.girisekar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages checked in English
    return client


def _group(demo, village=GIRISEKAR, **filters) -> Group:
    return Group.objects.filter(
        organisation=demo.organisation, village_id=village, **filters
    ).first()


def _outsider(demo) -> Person:
    return Person.objects.filter(
        organisation=demo.organisation, household__village_id=SIDOHARJO, status="present"
    ).first()


def _non_member(group) -> Person:
    members = group.members.values("person_id")
    return (
        Person.objects.filter(
            organisation=group.organisation,
            household__village_id=group.village_id,
            status="present",
        )
        .exclude(pk__in=members)
        .first()
    )


def test_the_list_shows_the_facilitators_groups(girisekar, demo):
    response = girisekar.get(reverse("groups:list"))
    assert response.status_code == 200
    groups = list(response.context["groups"])
    assert groups and {g.village_id for g in groups} == {GIRISEKAR}
    assert all(g.member_count > 0 for g in groups)
    kube = girisekar.get(reverse("groups:list"), {"kind": "kube"}).context["groups"]
    assert {g.kind for g in kube} == {"kube"}


def test_registering_a_group(girisekar, demo):
    url = reverse("groups:create")
    assert girisekar.get(url).status_code == 200
    data = {
        "name": "Kelompok Pemuda Karang Taruna",
        "kind": "youth",
        "village": GIRISEKAR,
        "existed_before_programme": "yes",
        "founded_on": "2015-08-17",
        "meeting_schedule": "Malam Minggu",
    }
    response = girisekar.post(url, data)
    group = Group.objects.get(name=data["name"])
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[group.pk])
    assert group.existed_before_programme and group.programme == demo.programme
    # The same name again in the same village is refused, and nothing is written.
    response = girisekar.post(url, data)
    assert response.status_code == 422
    assert "already has a group with this name" in response.content.decode()
    assert Group.objects.filter(name=data["name"]).count() == 1
    # A village the facilitator does not work in is not a choice.
    response = girisekar.post(url, {**data, "name": "Lain", "village": SIDOHARJO})
    assert response.status_code == 422 and not Group.objects.filter(name="Lain").exists()


def test_the_group_page_shows_members_meetings_stage_and_chart(girisekar, demo):
    group = _group(demo, kind="arisan")
    response = girisekar.get(reverse("groups:detail", args=[group.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["assessments"]) == 2
    assert response.context["latest"].stage is not None
    assert 'data-testid="maturity-chart"' in html and "<svg" in html
    assert response.context["former"]  # someone left: kept, not erased
    assert list(response.context["meetings"])  # meetings are activities of the group
    assert "Existed before the programme" in html


def test_another_villages_group_is_not_found_on_any_page(girisekar, demo):
    other = _group(demo, village=SIDOHARJO)
    person = _non_member(_group(demo))
    assert girisekar.get(reverse("groups:detail", args=[other.pk])).status_code == 404
    assert girisekar.get(reverse("groups:assess", args=[other.pk])).status_code == 404
    for name in ("member-add", "member-leave", "assess"):
        response = girisekar.post(
            reverse(f"groups:{name}", args=[other.pk]),
            {"person": person.pk, "joined_on": "2026-01-01", "role": "member"},
        )
        assert response.status_code == 404, name
    assert not other.members.filter(person=person).exists()


def test_adding_a_member_from_the_village_registry(girisekar, demo):
    group = _group(demo, kind="kube")
    person = _non_member(group)
    response = girisekar.post(
        reverse("groups:member-add", args=[group.pk]),
        {"person": person.pk, "role": "treasurer", "joined_on": "2026-03-01"},
    )
    assert response.status_code == 302
    membership = group.members.get(person=person)
    assert (membership.role, membership.joined_on) == ("treasurer", datetime.date(2026, 3, 1))


def test_a_person_from_another_village_cannot_join(login, demo):
    # The manager can see both villages; the service still refuses the wrong one.
    manager = login("manajer")
    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    group = _group(demo)
    before = GroupMember.objects.count()
    response = manager.post(
        reverse("groups:member-add", args=[group.pk]),
        {"person": _outsider(demo).pk, "role": "member", "joined_on": "2026-03-01"},
    )
    assert response.status_code == 422
    assert "is not registered in this village" in response.content.decode()
    assert GroupMember.objects.count() == before


def test_a_member_leaves_and_a_date_before_joining_is_refused(girisekar, demo):
    group = _group(demo, kind="kube")
    membership = group.members.filter(left_on__isnull=True).first()
    url = reverse("groups:member-leave", args=[group.pk])
    response = girisekar.post(url, {"membership": membership.pk, "left_on": "2001-01-01"})
    assert response.status_code == 422
    assert "Leaving cannot come before joining" in response.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None
    response = girisekar.post(url, {"membership": membership.pk, "left_on": "2026-09-30"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2026, 9, 30)
    # A membership of another group is not this group's.
    other = _group(demo, kind="arisan").members.filter(left_on__isnull=True).first()
    response = girisekar.post(url, {"membership": other.pk, "left_on": "2026-09-30"})
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.left_on is None


def test_a_maturity_assessment_over_the_programmes_rubric(girisekar, demo):
    group = _group(demo, kind="kube")
    url = reverse("groups:assess", args=[group.pk])
    form = girisekar.get(url).context["form"]
    keys = [key for key, _label, _guidance in form.criteria]
    assert len(keys) == 6
    before = MaturityAssessment.objects.filter(group=group).count()
    scores = {f"score_{key}": "3" for key in keys}
    evidence = {f"evidence_{key}": "Notulen rapat lengkap" for key in keys}
    # A missing score is shown on the form and nothing is written.
    incomplete = {**scores, f"score_{keys[0]}": "", "assessed_on": "2026-11-01"}
    response = girisekar.post(url, incomplete)
    assert response.status_code == 422
    assert f'data-testid="error-score_{keys[0]}"' in response.content.decode()
    assert MaturityAssessment.objects.filter(group=group).count() == before
    response = girisekar.post(url, {**scores, **evidence, "assessed_on": "2026-11-01"})
    assert response.status_code == 302
    latest = group.assessments.order_by("-assessed_on", "-pk").first()
    assert latest.assessed_on == datetime.date(2026, 11, 1)
    assert sorted(latest.scores.values_list("score", flat=True)) == [3] * 6


# -- the programme's rubric page ----------------------------------------------------------------


def _rubric_post(name, labels, reason=""):
    data = {
        "name": name,
        "reason": reason,
        "criterion-TOTAL_FORMS": str(len(labels)),
        "criterion-INITIAL_FORMS": "0",
        "criterion-MIN_NUM_FORMS": "0",
        "criterion-MAX_NUM_FORMS": "12",
    }
    for n, label in enumerate(labels):
        data[f"criterion-{n}-label"] = label
        data[f"criterion-{n}-guidance"] = ""
    return data


def test_a_manager_changes_the_rubric_and_the_next_assessment_uses_it(login, demo):
    manager = login("manajer")
    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("groups:rubric", args=[demo.programme.pk])
    page = manager.get(url)
    assert page.status_code == 200 and page.context["manages"]
    assert b'data-testid="rubric-form"' in page.content

    # Dropping all but one criterion is refused, with the reason, and nothing is saved.
    before = MaturityRubric.objects.filter(programme=demo.programme).count()
    refused = manager.post(url, _rubric_post("Baru", ["Hanya satu", ""], reason="uji"))
    assert refused.status_code == 422
    assert "between 2 and 12 criteria" in refused.content.decode()
    assert MaturityRubric.objects.filter(programme=demo.programme).count() == before

    saved = manager.post(
        url,
        _rubric_post("Kematangan KUBE", ["Pembukuan rapi", "Usaha berjalan", ""], reason="Fokus"),
    )
    assert saved.status_code == 302
    group = _group(demo)
    form = login("pendamping.girisekar").get(reverse("groups:assess", args=[group.pk]))
    labels = [score.label for score, _evidence in form.context["form"].rows()]
    assert labels == ["Pembukuan rapi", "Usaha berjalan"]


def test_a_facilitator_sees_the_rubric_but_cannot_change_it(girisekar, demo):
    url = reverse("groups:rubric", args=[demo.programme.pk])
    page = girisekar.get(url)
    assert page.status_code == 200
    assert not page.context["manages"]
    assert b'data-testid="rubric-form"' not in page.content
    before = MaturityRubric.objects.count()
    response = girisekar.post(url, _rubric_post("X", ["A", "B"], reason="r"))
    assert response.status_code == 403
    assert MaturityRubric.objects.count() == before
