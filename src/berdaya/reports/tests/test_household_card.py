"""The household card: the family's own data, for those who may see it, with consent, logged."""

from __future__ import annotations

import datetime

import pytest

from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Consent, Household, Person
from berdaya.registry.services import consent_withdraw

from .helpers import pages_of, text_of, words_outside_the_text_area


def _household(code: str = GIRISEKAR) -> Household:
    return (
        Household.objects.filter(village_id=code, status="active", members__nik__isnull=False)
        .order_by("pk")
        .first()
    )


def _url(household: Household) -> str:
    return f"/laporan/rumah-tangga/{household.pk}/kartu.pdf"


def _logged(household: Household):
    return PersonalDataAccess.objects.filter(
        object_type="household", object_id=str(household.pk), field="household_card"
    )


def test_the_facilitator_prints_the_familys_own_card_with_identifiers_masked(login, tmp_path):
    household = _household()
    response = login("pendamping.girisekar").get(_url(household))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content, tmp_path)
    assert "Kartu rumah tangga" in text
    members = household.members.filter(status=Person.Status.PRESENT)
    for person in members:
        assert person.name in text
        if person.nik:
            assert person.nik not in text
            assert person.nik_masked in text
    assert household.kk not in text and household.kk_masked in text
    assert pages_of(response.content, tmp_path) == 1
    assert words_outside_the_text_area(response.content, tmp_path) == []


def test_each_print_is_logged_as_a_reveal_of_personal_data(login, demo):
    household = _household()
    client = login("pendamping.girisekar")
    client.get(_url(household))
    client.get(_url(household))
    rows = _logged(household)
    assert rows.count() == 2
    row = rows.first()
    assert row.action == PersonalDataAccess.Action.REVEAL
    assert row.user == demo.users["pendamping.girisekar"]
    assert row.organisation_id == household.organisation_id


@pytest.mark.parametrize("username", ["pendamping.sidoharjo", "pemantau"])
def test_nobody_who_may_not_see_the_household_gets_its_card(login, username):
    """Another village's facilitator and a viewer (funder) get 404, and nothing is logged."""
    household = _household(GIRISEKAR)
    assert login(username).get(_url(household)).status_code == 404
    assert not _logged(household).exists()


def test_without_the_households_consent_there_is_no_card(login):
    household = _household(SIDOHARJO)
    for consent in household.consents.filter(purpose=Consent.Purpose.MAPPING):
        consent_withdraw(consent=consent, on=datetime.date(2025, 6, 1))
    response = login("pendamping.sidoharjo").get(_url(household))
    assert response.status_code == 403
    assert "persetujuan" in response.content.decode()
    assert not _logged(household).exists()
