"""One person's page and the data-subject requests (UU PDP): export, correct, erase.

Managers and administrators handle the requests; facilitators see the person's page
and are told whom to pass a request to; viewers see no person at all.
"""

from __future__ import annotations

import json

import pytest

from berdaya.community.selectors import village_figures
from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR
from berdaya.registry.models import Person, RegistryEvent


@pytest.fixture
def person(demo):
    return (
        Person.objects.filter(organisation=demo.organisation, household__village_id=GIRISEKAR)
        .exclude(nik_hash="")
        .order_by("pk")
        .first()
    )


def _url(person, suffix: str = "") -> str:
    return f"/registri/warga/{person.pk}/{suffix}"


def test_the_person_page_shows_the_data_with_a_masked_nik(login, person):
    response = login("pendamping.girisekar").get(_url(person))
    body = response.content.decode()
    assert response.status_code == 200
    assert person.name in body
    assert person.nik_masked in body
    assert person.nik not in body
    assert person.get_relation_display() in body


def test_facilitators_see_no_request_actions_but_whom_to_ask(login, person):
    body = login("pendamping.girisekar").get(_url(person)).content.decode()
    assert 'data-testid="subject-actions"' not in body
    assert 'data-testid="subject-note"' in body
    for suffix in ("unduh/", "koreksi/", "hapus/"):
        page = login("pendamping.girisekar").get(_url(person, suffix))
        assert page.status_code == 200
        assert "<form" not in page.content.decode().split("</header>", 1)[1]


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("unduh/", {"confirm": "on"}),
        ("koreksi/", {"name": "Nama Baru", "sex": "L", "reason": "Permintaan warga"}),
        ("hapus/", {"reason": "Permintaan warga", "confirm": "on"}),
    ],
)
def test_a_facilitator_posting_a_request_is_refused_and_nothing_changes(
    login, person, suffix, data
):
    name = person.name
    response = login("pendamping.girisekar").post(_url(person, suffix), data)
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == name
    assert not PersonalDataAccess.objects.exists()


def test_managers_see_the_actions_and_who_accessed_the_data(login, person):
    client = login("manajer")
    client.post(_url(person, "nik/"), {"purpose": "Verifikasi data KIS"})
    body = client.get(_url(person)).content.decode()
    assert 'data-testid="subject-actions"' in body
    assert "Verifikasi data KIS" in body


def test_a_viewer_cannot_open_a_person(login, person):
    assert login("pemantau").get(_url(person)).status_code == 404


def test_exporting_everything_about_a_person_is_a_logged_json_download(login, demo, person):
    client = login("manajer")
    unconfirmed = client.post(_url(person, "unduh/"), {})
    assert unconfirmed.status_code == 422
    assert not PersonalDataAccess.objects.exists()

    response = client.post(_url(person, "unduh/"), {"confirm": "on"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["person"]["nik"] == person.nik
    assert data["person"]["name"] == person.name
    assert data["household"]["kk"] == person.household.kk
    assert data["controller"] == demo.organisation.name
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.object_id) == ("subject_export", str(person.pk))


def test_a_correction_changes_only_what_changed_and_keeps_the_reason(login, person):
    client = login("manajer")
    form = client.get(_url(person, "koreksi/"))
    assert person.nik not in form.content.decode()  # the form never carries the NIK

    initial = form.context["form"].initial
    data = {k: ("" if v is None else v) for k, v in initial.items() if v not in (None, [])}
    data.update(name="Nama Dibetulkan", reason="Sesuai KTP yang ditunjukkan")
    for key in ("attending_school", "chronic_illness", "pregnant", "undernourished"):
        value = initial.get(key)
        data[key] = "unknown" if value is None else ("true" if value else "false")
    data["disabilities"] = initial.get("disabilities") or []
    response = client.post(_url(person, "koreksi/"), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Nama Dibetulkan"
    event = person.events.get(kind="corrected")
    assert event.details == {"fields": ["name"], "reason": "Sesuai KTP yang ditunjukkan"}
    assert PersonalDataAccess.objects.get().action == "subject_correct"


def test_a_correction_without_a_reason_shows_the_error_and_changes_nothing(login, person):
    name = person.name
    response = login("manajer").post(
        _url(person, "koreksi/"), {"name": "Nama Lain", "sex": person.sex, "reason": ""}
    )
    assert response.status_code == 422
    assert 'data-testid="error-reason"' in response.content.decode()
    assert 'value="Nama Lain"' in response.content.decode()  # nothing typed is lost
    person.refresh_from_db()
    assert person.name == name
    assert not person.events.filter(kind="corrected").exists()


def test_a_corrected_nik_is_checked(login, person):
    response = login("manajer").post(
        _url(person, "koreksi/"),
        {"name": person.name, "sex": person.sex, "nik": "1234", "reason": "KTP baru"},
    )
    assert response.status_code == 422
    assert 'data-testid="error-nik"' in response.content.decode()
    nik = person.nik
    person.refresh_from_db()
    assert person.nik == nik


def _figures(user, village):
    figures = village_figures(user=user, village=village)
    return (
        figures.households,
        figures.persons,
        figures.women,
        figures.mpi.by_status,
        figures.mpi.headcount,
        [v.count for v in figures.vulnerabilities],
    )


def test_erasing_needs_confirmation_and_a_reason(login, person):
    response = login("manajer").post(_url(person, "hapus/"), {"reason": "Permintaan warga"})
    assert response.status_code == 422
    assert 'data-testid="error-confirm"' in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_erasing_removes_the_identity_and_keeps_the_village_figures(login, demo, person):
    village = demo.villages[GIRISEKAR]
    manager = demo.users["manajer"]
    name, nik = person.name, person.nik
    before = _figures(manager, village)

    response = login("manajer").post(
        _url(person, "hapus/"), {"reason": "Warga mencabut persetujuan", "confirm": "on"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None
    assert person.nik == "" and person.name != name
    assert _figures(manager, village) == before
    page = login("manajer").get(f"/registri/rumah-tangga/{person.household_id}/").content.decode()
    assert name not in page and nik not in page
    assert RegistryEvent.objects.filter(person=person, kind="anonymised").exists()
    assert PersonalDataAccess.objects.get().action == "subject_erase"
    # An erased person has nothing left to correct or erase.
    assert 'data-testid="subject-actions"' in login("manajer").get(_url(person)).content.decode()
    again = login("manajer").post(_url(person, "hapus/"), {"reason": "lagi lagi", "confirm": "on"})
    assert again.status_code == 422
