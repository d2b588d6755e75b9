"""Keeping the community profile: institutions, earlier programmes and capital items."""

from __future__ import annotations

import datetime

import pytest

from berdaya.community import services
from berdaya.community.models import CapitalItem, Institution, PastProgramme
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO

BASE = "/komunitas"


def _profile(code=GIRISEKAR) -> str:
    return f"/wilayah/desa/{code}/"


def test_a_facilitator_adds_an_institution_of_their_village(login, demo):
    response = login("pendamping.girisekar").post(
        f"{BASE}/desa/{GIRISEKAR}/lembaga/baru/",
        {"kind": "lumbung", "name": "Lumbung Dusun Sawahan", "active": "on", "strength": "3"},
    )
    assert response.status_code == 302
    assert response["Location"] == _profile()
    institution = Institution.objects.get(name="Lumbung Dusun Sawahan")
    assert (institution.village_id, institution.organisation) == (GIRISEKAR, demo.organisation)
    assert institution.recorded_by == demo.users["pendamping.girisekar"]
    assert "Lumbung Dusun Sawahan" in login("pemantau").get(_profile()).content.decode()


def test_a_refused_institution_shows_the_error_and_writes_nothing(login, demo):
    before = Institution.objects.count()
    response = login("pendamping.girisekar").post(
        f"{BASE}/desa/{GIRISEKAR}/lembaga/baru/",
        {"kind": "arisan", "name": "Arisan Baru", "since_year": "1200", "strength": "3"},
    )
    assert response.status_code == 422
    assert 'data-testid="error-since_year"' in response.content.decode()
    assert 'value="Arisan Baru"' in response.content.decode()
    assert Institution.objects.count() == before


def test_an_institution_is_changed_and_removed(login, demo):
    institution = Institution.objects.filter(village_id=GIRISEKAR).first()
    client = login("pendamping.girisekar")
    changed = client.post(
        f"{BASE}/lembaga/{institution.pk}/ubah/",
        {"kind": institution.kind, "name": "Nama Baru", "strength": "5"},
    )
    assert changed.status_code == 302
    institution.refresh_from_db()
    assert (institution.name, institution.strength, institution.active) == ("Nama Baru", 5, False)

    confirm = client.get(f"{BASE}/lembaga/{institution.pk}/hapus/")
    assert confirm.status_code == 200
    removed = client.post(f"{BASE}/lembaga/{institution.pk}/hapus/")
    assert removed.status_code == 302
    assert not Institution.objects.filter(pk=institution.pk).exists()


def test_an_earlier_programme_must_end_after_it_started(login, demo):
    before = PastProgramme.objects.count()
    response = login("manajer").post(
        f"{BASE}/desa/{GIRISEKAR}/program-lalu/baru/",
        {
            "name": "Program Uji",
            "approach": "direct_aid",
            "experience": "negative",
            "start_year": "2020",
            "end_year": "2018",
            "continued": "unknown",
        },
    )
    assert response.status_code == 422
    assert 'data-testid="error-end_year"' in response.content.decode()
    assert PastProgramme.objects.count() == before


def test_an_earlier_programme_is_recorded_with_how_people_experienced_it(login, demo):
    response = login("manajer").post(
        f"{BASE}/desa/{SIDOHARJO}/program-lalu/baru/",
        {
            "name": "Bantuan Bibit",
            "run_by": "Dinas Pertanian",
            "approach": "direct_aid",
            "experience": "mixed",
            "what_people_said": "Bibit datang terlambat, setelah musim tanam.",
            "continued": "false",
        },
    )
    assert response.status_code == 302
    programme = PastProgramme.objects.get(name="Bantuan Bibit")
    assert programme.continued is False
    body = login("pemantau").get(_profile(SIDOHARJO)).content.decode()
    assert "Bibit datang terlambat" in body


def test_a_capital_item_is_recorded(login, demo):
    response = login("pendamping.girisekar").post(
        f"{BASE}/desa/{GIRISEKAR}/modal/baru/",
        {
            "capital": "social",
            "description": "Pengajian menjadi tempat musyawarah",
            "strength": "4",
            "recorded_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    item = CapitalItem.objects.get(description="Pengajian menjadi tempat musyawarah")
    assert (item.capital, item.strength) == ("social", 4)


def test_a_viewer_cannot_change_the_profile(login, demo):
    client = login("pemantau")
    institution = Institution.objects.filter(village_id=GIRISEKAR).first()
    assert client.get(f"{BASE}/desa/{GIRISEKAR}/lembaga/baru/").status_code == 403
    assert client.post(f"{BASE}/lembaga/{institution.pk}/hapus/").status_code == 403
    assert Institution.objects.filter(pk=institution.pk).exists()
    assert "lembaga/baru" not in client.get(_profile()).content.decode()


def test_a_facilitator_of_another_village_gets_404(login, demo):
    client = login("pendamping.girisekar")
    elsewhere = Institution.objects.filter(village_id=SIDOHARJO).first()
    before = Institution.objects.count()
    assert client.get(f"{BASE}/desa/{SIDOHARJO}/lembaga/baru/").status_code == 404
    assert (
        client.post(f"{BASE}/desa/{SIDOHARJO}/lembaga/baru/", {"kind": "arisan", "name": "X"})
    ).status_code == 404
    assert client.post(f"{BASE}/lembaga/{elsewhere.pk}/hapus/").status_code == 404
    assert Institution.objects.count() == before


def test_the_services_check_who_writes(demo):
    with pytest.raises(PermissionDenied):
        services.institution_create(
            user=demo.users["pendamping.girisekar"],
            organisation=demo.organisation,
            village=demo.villages[SIDOHARJO],
            kind="arisan",
            name="Arisan",
        )
    with pytest.raises(PermissionDenied):
        services.capital_item_create(
            user=demo.users["pemantau"],
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            capital="human",
            description="x",
            strength=3,
            recorded_on=datetime.date(2025, 1, 1),
        )


def test_a_strength_outside_1_to_5_is_refused(demo):
    with pytest.raises(ValidationFailed) as caught:
        services.institution_create(
            user=demo.users["manajer"],
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            kind="arisan",
            name="Arisan",
            strength=7,
        )
    assert caught.value.field == "strength"


def test_the_demo_villages_have_community_profiles(demo):
    for code in (GIRISEKAR, SIDOHARJO):
        assert Institution.objects.filter(village_id=code, organisation=demo.organisation).exists()
        assert PastProgramme.objects.filter(village_id=code).exists()
        assert CapitalItem.objects.filter(village_id=code).exists()
