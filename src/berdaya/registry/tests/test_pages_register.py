"""Registering a household on the phone: the same checks as an import, nothing half-written,
the same form sent twice registers one household, and quick changes from the household page."""

from __future__ import annotations

import datetime

import pytest

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Consent, Household, Person, RegistryEvent

REGISTER = "/registri/rumah-tangga/baru/"
HEAD_NIK = "3403064505830901"  # Panggang (34.03.06), a woman born 5-5-1983


def _post(organisation_id: int, *, village=GIRISEKAR, members=(), **extra) -> dict:
    data = {
        "target": f"{organisation_id}:{village}",
        "dusun": "Blimbing",
        "rt": "004",
        "rw": "02",
        "latitude": "-8.0123",
        "longitude": "110.4711",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "survey-surveyed_on": "2026-11-30",
        "survey-floor": "earth",
        "survey-water": "protected_well",
        "consent": "on",
    }
    for index, member in enumerate(members):
        for name, value in member.items():
            data[f"members-{index}-{name}"] = value
    data.update(extra)
    return data


THREE = (
    {"name": "Wagiyem Ujicoba", "sex": "P", "relation": "head", "nik": HEAD_NIK},
    {"name": "Sukardi Ujicoba", "sex": "L", "relation": "spouse", "birth_date": "1980-02-01"},
    {"name": "Tri Ujicoba", "sex": "P", "relation": "child", "birth_date": "2015-07-09"},
)


def test_the_household_list_offers_registration_to_a_facilitator_not_to_a_viewer(login):
    assert REGISTER in login("pendamping.girisekar").get("/registri/rumah-tangga/").content.decode()
    assert login("pemantau").get(REGISTER).status_code == 403


def test_a_facilitator_registers_a_household_with_three_members_survey_and_consent(login, demo):
    client = login("pendamping.girisekar")
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert list(page.context["form"].fields["target"].choices) == [
        (f"{demo.organisation.pk}:{GIRISEKAR}", "Girisekar")
    ]

    response = client.post(REGISTER, _post(demo.organisation.pk, members=THREE))

    household = Household.objects.get(members__name="Wagiyem Ujicoba")
    assert response.status_code == 302
    assert response["Location"] == f"/registri/rumah-tangga/{household.pk}/"
    assert (household.village_id, household.dusun, household.rt, household.rw) == (
        GIRISEKAR,
        "Blimbing",
        "004",
        "02",
    )
    assert (household.latitude, household.longitude) == (-8.0123, 110.4711)
    assert sorted(household.members.values_list("relation", flat=True)) == [
        "child",
        "head",
        "spouse",
    ]
    assert household.members.get(relation="head").nik == HEAD_NIK
    survey = household.latest_survey
    assert (survey.floor, survey.water, survey.surveyed_on) == (
        "earth",
        "protected_well",
        datetime.date(2026, 11, 30),
    )
    assert Consent.objects.filter(household=household, purpose="mapping").exists()
    assert household.events.filter(kind=RegistryEvent.Kind.REGISTERED).count() == 1


def test_a_member_refused_by_the_shared_rules_is_shown_in_their_row_and_nothing_is_written(
    login, demo
):
    client = login("pendamping.girisekar")
    bad = (THREE[0], {**THREE[1], "nik": "12345"}, THREE[2])
    before = Household.objects.count()

    response = client.post(REGISTER, _post(demo.organisation.pk, members=bad))

    assert response.status_code == 422
    assert Household.objects.count() == before
    assert not Person.objects.filter(name="Wagiyem Ujicoba").exists()
    rows = response.context["formset"].forms
    # The rule of validation.check_nik, beside the second member's NIK; typing kept.
    assert rows[1].errors["nik"] == ["NIK terdiri atas tepat 16 digit; NIK ini memiliki 5 digit."]
    assert rows[0].errors == {}
    assert 'value="Sukardi Ujicoba"' in response.content.decode()


def test_two_heads_are_refused_as_an_import_would(login, demo):
    two_heads = (THREE[0], {**THREE[1], "relation": "head"})
    response = login("pendamping.girisekar").post(
        REGISTER, _post(demo.organisation.pk, members=two_heads)
    )
    assert response.status_code == 422
    assert "tepat satu kepala" in " ".join(response.context["form"].non_field_errors())


def test_the_same_form_sent_twice_registers_one_household(login, demo):
    client = login("pendamping.girisekar")
    data = _post(demo.organisation.pk, members=THREE, submission="5f0c8e0a9b3d4c1e8f7a6b5c4d3e2f10")

    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data)  # the phone sends its queue again, or a double tap

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Household.objects.filter(members__name="Wagiyem Ujicoba").count() == 1
    assert Person.objects.filter(name="Sukardi Ujicoba").count() == 1


def test_a_village_the_facilitator_does_not_work_in_cannot_be_chosen(login, demo):
    response = login("pendamping.girisekar").post(
        REGISTER, _post(demo.organisation.pk, village=SIDOHARJO, members=THREE)
    )
    assert response.status_code == 422
    assert "target" in response.context["form"].errors
    assert not Person.objects.filter(name="Wagiyem Ujicoba").exists()


def test_another_member_row_is_added_without_saving(login, demo):
    client = login("pendamping.girisekar")
    data = _post(demo.organisation.pk, members=THREE[:1], add_member="1")
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    assert not Person.objects.filter(name="Wagiyem Ujicoba").exists()


@pytest.mark.parametrize(("arrival", "title"), [("born", "Catat kelahiran"), ("joined", "pindah")])
def test_the_household_page_offers_a_birth_an_arrival_and_a_death_or_move(
    login, demo, arrival, title
):
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    client = login("pendamping.girisekar")
    body = client.get(f"/registri/rumah-tangga/{household.pk}/").content.decode()
    assert f"anggota-baru/?arrival={arrival}" in body
    assert 'data-testid="record-leave"' in body
    page = client.get(f"/registri/rumah-tangga/{household.pk}/anggota-baru/?arrival={arrival}")
    assert title in page.content.decode()
    assert page.context["form"].initial["arrival"] == arrival


def test_an_unchanged_survey_asks_before_saving_a_copy(login, demo):
    household = Household.objects.filter(village_id=GIRISEKAR).exclude(latest_survey=None)[0]
    client = login("pendamping.girisekar")
    url = f"/registri/rumah-tangga/{household.pk}/survei/"
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = value
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        else:
            data[name] = str(value)
    before = household.surveys.count()

    asked = client.post(url, data)

    assert asked.status_code == 422
    assert household.surveys.count() == before
    assert 'data-testid="same-again"' in asked.content.decode()
    confirmed = client.post(url, {**data, "same_again": "1"})
    assert confirmed.status_code == 302
    assert household.surveys.count() == before + 1
