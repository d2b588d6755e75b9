"""Data-subject rights and identifier reveals (UU PDP No. 27/2022)."""

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.models import PersonalDataAccess
from berdaya.registry.models import Household, Person
from berdaya.registry.services import (
    identifier_reveal,
    person_correct,
    person_erase,
    person_export,
)


def _person(demo) -> Person:
    return Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="").first()


def test_managers_reveal_a_nik_with_a_purpose_and_it_is_logged(demo):
    person = _person(demo)
    manager = demo.users["manajer"]
    assert identifier_reveal(user=manager, obj=person, purpose="Verifikasi DTKS") == person.nik
    log = PersonalDataAccess.objects.get(action="reveal", object_id=str(person.pk))
    assert log.user == manager and log.field == "nik" and log.purpose == "Verifikasi DTKS"
    assert person.nik not in log.purpose


@pytest.mark.parametrize("username", ["pendamping.girisekar", "pemantau"])
def test_facilitators_and_viewers_cannot_reveal(demo, username):
    with pytest.raises(PermissionDenied):
        identifier_reveal(user=demo.users[username], obj=_person(demo), purpose="ingin tahu")
    assert not PersonalDataAccess.objects.exists()


def test_a_reveal_needs_a_purpose(demo):
    with pytest.raises(ValidationFailed):
        identifier_reveal(user=demo.users["manajer"], obj=_person(demo), purpose=" ")


def test_export_holds_everything_about_the_person_as_json(demo):
    person = _person(demo)
    data = person_export(user=demo.users["admin"], person=person)
    text = json.dumps(data)  # serialisable as it is
    assert data["person"]["nik"] == person.nik
    assert data["household"]["surveys"] and data["household"]["consents"]
    assert person.name in text
    assert PersonalDataAccess.objects.filter(action="subject_export").count() == 1


def test_correction_records_the_reason_and_refuses_a_taken_nik(demo):
    person, other = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="")[:2]
    person_correct(
        user=demo.users["manajer"],
        person=person,
        changes={"name": "Sutrisno Hadi"},
        reason="Ejaan sesuai KTP",
    )
    person.refresh_from_db()
    assert person.name == "Sutrisno Hadi"
    event = person.events.get(kind="corrected")
    assert event.details == {"fields": ["name"], "reason": "Ejaan sesuai KTP"}
    with pytest.raises(ValidationFailed):
        person_correct(
            user=demo.users["manajer"],
            person=person,
            changes={"nik": other.nik},
            reason="Salah ketik",
        )


def test_erasure_removes_identity_but_keeps_the_figures(demo):
    person = _person(demo)
    with set_actor(demo.users["manajer"]):
        person.name = person.name + " "
        person.save()
    assert LogEntry.objects.get_for_object(person).exists()
    village = person.household.village_id
    counts_before = (
        Person.objects.filter(household__village_id=village).count(),
        Person.objects.filter(household__village_id=village, sex=person.sex).count(),
        Household.objects.filter(village_id=village).count(),
    )
    birth_year = person.birth_date.year
    old_nik = person.nik

    person_erase(user=demo.users["admin"], person=person, reason="Permintaan subjek data")

    person.refresh_from_db()
    assert person.nik == "" and person.nik_hash == "" and person.anonymised_at
    assert person.birth_date.year == birth_year  # age figures stay right
    assert counts_before == (
        Person.objects.filter(household__village_id=village).count(),
        Person.objects.filter(household__village_id=village, sex=person.sex).count(),
        Household.objects.filter(village_id=village).count(),
    )
    assert not LogEntry.objects.get_for_object(person).exists()  # it held the old name
    exported = json.dumps(person_export(user=demo.users["admin"], person=person))
    assert old_nik not in exported and "Permintaan subjek data" not in person.name
    with pytest.raises(ValidationFailed):
        person_erase(user=demo.users["admin"], person=person, reason="lagi")
