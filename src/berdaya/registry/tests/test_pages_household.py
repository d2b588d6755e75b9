"""The household page and what happens to a household over the years, through its forms."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Consent, Household, HouseholdSurvey, Person, RegistryEvent

# District 34.03.06; born 45 - 40 = 5 May 2023 (a girl).
BABY_NIK = "3403064505230901"


@pytest.fixture
def household(demo):
    return (
        Household.objects.filter(organisation=demo.organisation, village_id=GIRISEKAR)
        .exclude(kk_hash="")
        .order_by("pk")
        .first()
    )


def _url(household, suffix: str = "") -> str:
    return f"/registri/rumah-tangga/{household.pk}/{suffix}"


def _counts(household) -> tuple:
    return (
        household.members.count(),
        household.events.count(),
        household.surveys.count(),
        Household.objects.count(),
    )


def test_the_page_shows_members_with_masked_identifiers_and_everything_else(login, household):
    response = login("manajer").get(_url(household))
    body = response.content.decode()
    assert response.status_code == 200
    for person in household.members.all():
        assert person.name in body
        assert person.nik_masked in body
        assert person.nik not in body
    assert household.kk_masked in body
    assert household.kk not in body
    for testid in ("members", "enrolments", "consents", "history"):
        assert f'data-testid="{testid}"' in body
    survey = household.latest_survey
    assert survey.get_floor_display() in body
    for enrolment in household.enrolments.select_related("scheme"):
        assert enrolment.scheme.name in body
    consent = household.consents.first()
    assert consent.get_purpose_display() in body
    assert str(RegistryEvent.Kind.REGISTERED.label) in body


def test_earlier_surveys_stay_on_the_page(login, household):
    client = login("pendamping.girisekar")
    old_floor = household.latest_survey.get_floor_display()
    surveys = household.surveys.count()  # the demo surveyed it in one or two rounds
    response = client.post(
        _url(household, "survei/"),
        {"surveyed_on": timezone.localdate().isoformat(), "floor": "ceramic", "water": "piped"},
    )
    assert response.status_code == 302
    page = client.get(_url(household))
    assert len(page.context["earlier"]) == surveys
    assert old_floor in page.content.decode()


def test_managers_see_a_show_button_facilitators_do_not(login, household):
    manager = login("manajer").get(_url(household)).content.decode()
    facilitator = login("pendamping.girisekar").get(_url(household)).content.decode()
    assert 'data-testid="reveal-nik"' in manager
    assert 'data-testid="reveal-kk"' in manager
    assert 'data-testid="reveal-' not in facilitator


def test_revealing_a_nik_needs_a_purpose_and_is_logged(login, demo, household):
    person = household.members.order_by("pk").first()
    client = login("manajer")
    url = f"/registri/warga/{person.pk}/nik/"

    form = client.get(url, headers={"HX-Request": "true"})
    too_short = client.post(url, {"purpose": "x"}, headers={"HX-Request": "true"})
    assert form.status_code == 200 and person.nik not in form.content.decode()
    assert person.nik not in too_short.content.decode()
    assert 'data-testid="error-purpose"' in too_short.content.decode()
    assert not PersonalDataAccess.objects.filter(object_id=str(person.pk)).exists()

    shown = client.post(url, {"purpose": "Verifikasi rujukan PKH"}, headers={"HX-Request": "true"})
    assert shown.status_code == 200
    assert person.nik in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    access = PersonalDataAccess.objects.get(object_type="person", object_id=str(person.pk))
    assert (access.action, access.field, access.purpose) == (
        "reveal",
        "nik",
        "Verifikasi rujukan PKH",
    )
    assert access.user == demo.users["manajer"]


def test_revealing_a_kk_without_htmx_shows_a_full_page(login, household):
    client = login("admin")
    response = client.post(_url(household, "kk/"), {"purpose": "Cek kartu keluarga"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert household.kk in response.content.decode()
    assert PersonalDataAccess.objects.filter(action="reveal", field="kk").count() == 1


def test_a_facilitator_cannot_reveal_and_nothing_is_logged(login, household):
    person = household.members.first()
    client = login("pendamping.girisekar")
    page = client.get(f"/registri/warga/{person.pk}/nik/")
    posted = client.post(f"/registri/warga/{person.pk}/nik/", {"purpose": "Ingin tahu saja"})
    assert page.status_code == 200
    assert person.nik not in page.content.decode()
    assert posted.status_code == 403
    assert person.nik not in posted.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_birth_is_recorded_with_an_event(login, household):
    before = household.members.count()
    response = login("pendamping.girisekar").post(
        _url(household, "anggota-baru/"),
        {
            "arrival": "born",
            "name": "Ayu Lestari",
            "sex": "P",
            "relation": "child",
            "birth_date": "2023-05-05",
            "nik": BABY_NIK,
            "attending_school": "unknown",
            "undernourished": "false",
        },
    )
    assert response.status_code == 302
    baby = household.members.get(name="Ayu Lestari")
    assert household.members.count() == before + 1
    assert baby.nik == BABY_NIK
    event = baby.events.get()
    assert (event.kind, event.occurred_on) == ("born", datetime.date(2023, 5, 5))


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("nik", {"nik": "34030645052309"}),  # 14 digits
        ("relation", {"relation": "head"}),  # the household already has a head
        ("birth_date", {"birth_date": "2099-01-01"}),
        ("name", {"name": ""}),
    ],
)
def test_a_refused_member_is_shown_next_to_the_field_and_nothing_is_written(
    login, household, field, data
):
    before = _counts(household)
    posted = {"arrival": "born", "name": "Ayu", "sex": "P", "relation": "child", **data}
    response = login("pendamping.girisekar").post(_url(household, "anggota-baru/"), posted)
    body = response.content.decode()
    assert response.status_code == 422
    assert f'data-testid="error-{field}"' in body
    assert 'aria-invalid="true"' in body
    # What was typed is kept.
    assert 'value="Ayu"' in body or data.get("name") == ""
    assert _counts(household) == before


def test_a_death_is_recorded_and_the_person_stays_in_the_history(login, household):
    person = household.members.exclude(relation="head").first() or household.members.first()
    response = login("pendamping.girisekar").post(
        f"/registri/warga/{person.pk}/keluar/", {"reason": "deceased", "on": "2025-06-01"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.left_on) == ("deceased", datetime.date(2025, 6, 1))
    page = login("pendamping.girisekar").get(_url(household))
    assert person in page.context["record"].former
    assert person.events.filter(kind="died").exists()


def test_leaving_in_the_future_is_refused(login, household):
    person = household.members.first()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = login("pendamping.girisekar").post(
        f"/registri/warga/{person.pk}/keluar/", {"reason": "moved_out", "on": future}
    )
    assert response.status_code == 422
    assert 'data-testid="error-on"' in response.content.decode()
    person.refresh_from_db()
    assert person.status == "present"


def test_moving_house_keeps_the_old_address_in_the_history(login, household):
    old = (household.rt, household.rw)
    response = login("pendamping.girisekar").post(
        _url(household, "pindah/"),
        {"on": "2025-07-01", "village": GIRISEKAR, "dusun": "Ngasem", "rw": "02", "rt": "005"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.rt, household.rw, household.dusun) == ("005", "02", "Ngasem")
    event = household.events.get(kind="household_moved")
    assert (event.details["before"]["rt"], event.details["before"]["rw"]) == old
    page = login("pendamping.girisekar").get(_url(household)).content.decode()
    assert "RT 005/RW 02" in page


def test_a_facilitator_cannot_move_a_household_to_a_village_not_theirs(login, household):
    before = household.village_id
    response = login("pendamping.girisekar").post(
        _url(household, "pindah/"), {"on": "2025-07-01", "village": SIDOHARJO}
    )
    assert response.status_code == 422
    assert 'data-testid="error-village"' in response.content.decode()
    household.refresh_from_db()
    assert household.village_id == before


def test_a_new_survey_prefills_the_latest_answers(login, household):
    response = login("pendamping.girisekar").get(_url(household, "survei/"))
    form = response.context["form"]
    assert form.initial["floor"] == household.latest_survey.floor
    assert form.initial["assets"] == household.latest_survey.assets


def test_a_survey_in_the_future_is_refused_and_nothing_is_written(login, household):
    before = HouseholdSurvey.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login("pendamping.girisekar").post(
        _url(household, "survei/"), {"surveyed_on": future, "floor": "earth"}
    )
    assert response.status_code == 422
    assert 'data-testid="error-surveyed_on"' in response.content.decode()
    assert HouseholdSurvey.objects.count() == before


def test_a_split_creates_a_new_household_with_its_head(login, demo):
    household = next(
        h
        for h in Household.objects.filter(village_id=GIRISEKAR, organisation=demo.organisation)
        if h.members.filter(status="present").count() >= 3
    )
    leaving = household.members.exclude(relation="head").order_by("pk")[:1]
    response = login("pendamping.girisekar").post(
        _url(household, "pisah/"),
        {
            "members": [str(p.pk) for p in leaving],
            "new_head": str(leaving[0].pk),
            "on": "2025-08-01",
        },
    )
    assert response.status_code == 302
    new = Household.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert new.head.pk == leaving[0].pk
    assert household.events.filter(kind="split").exists()


def test_a_split_whose_head_does_not_leave_is_refused(login, demo):
    household = next(
        h
        for h in Household.objects.filter(village_id=GIRISEKAR, organisation=demo.organisation)
        if h.members.filter(status="present").count() >= 3
    )
    a, b = household.members.exclude(relation="head").order_by("pk")[:2]
    before = Household.objects.count()
    response = login("pendamping.girisekar").post(
        _url(household, "pisah/"),
        {"members": [str(a.pk)], "new_head": str(b.pk), "on": "2025-08-01"},
    )
    assert response.status_code == 422
    assert 'data-testid="error-new_head"' in response.content.decode()
    assert Household.objects.count() == before


def test_a_merge_closes_one_household_into_another(login, demo):
    source, target = Household.objects.filter(
        village_id=GIRISEKAR, organisation=demo.organisation
    ).order_by("pk")[2:4]
    moving = source.members.filter(status="present").count()
    target_before = target.members.count()
    response = login("pendamping.girisekar").post(
        _url(source, "gabung/"), {"target": str(target.pk), "on": "2025-09-01"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == "merged"
    assert target.members.count() == target_before + moving


def test_a_household_of_another_village_is_not_a_merge_target(login, demo):
    source = Household.objects.filter(village_id=GIRISEKAR).first()
    elsewhere = Household.objects.filter(village_id=SIDOHARJO).first()
    response = login("manajer").post(
        _url(source, "gabung/"), {"target": str(elsewhere.pk), "on": "2025-09-01"}
    )
    assert response.status_code == 422
    source.refresh_from_db()
    assert source.status == "active"


def test_consent_is_recorded_and_withdrawn(login, household):
    client = login("pendamping.girisekar")
    head = household.members.get(relation="head")
    response = client.post(
        _url(household, "persetujuan/"),
        {"purpose": "research", "given_by": str(head.pk), "given_on": "2025-04-01"},
    )
    assert response.status_code == 302
    consent = household.consents.get(purpose="research")
    assert (consent.given_by, consent.recorded_by.username) == (head, "pendamping.girisekar")

    withdrawn = client.post(
        f"/registri/persetujuan/{consent.pk}/tarik/", {"withdrawn_on": "2025-05-01"}
    )
    assert withdrawn.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == datetime.date(2025, 5, 1)
    page = client.get(_url(household)).content.decode()
    assert "1 Mei 2025" in page or "1 May 2025" in page


def test_a_consent_withdrawn_twice_is_refused(login, household):
    consent = household.consents.first()
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=datetime.date(2025, 5, 1))
    response = login("pendamping.girisekar").post(
        f"/registri/persetujuan/{consent.pk}/tarik/", {"withdrawn_on": "2025-06-01"}
    )
    assert response.status_code == 422
    consent.refresh_from_db()
    assert consent.withdrawn_on == datetime.date(2025, 5, 1)


def test_a_viewer_cannot_open_a_household(login, household):
    assert login("pemantau").get(_url(household)).status_code == 404


def test_forms_of_another_villages_household_answer_404_before_reading_input(login, demo):
    elsewhere = Household.objects.filter(village_id=SIDOHARJO).first()
    person = elsewhere.members.first()
    client = login("pendamping.girisekar")
    before = (Person.objects.count(), RegistryEvent.objects.count())
    for url, data in [
        (
            _url(elsewhere, "anggota-baru/"),
            {"name": "X", "sex": "L", "relation": "child", "arrival": "born"},
        ),
        (_url(elsewhere, "pindah/"), {"on": "2025-01-01", "village": GIRISEKAR}),
        (f"/registri/warga/{person.pk}/keluar/", {"reason": "deceased", "on": "2025-01-01"}),
        (f"/registri/warga/{person.pk}/hapus/", {"reason": "permintaan", "confirm": "on"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert (Person.objects.count(), RegistryEvent.objects.count()) == before
