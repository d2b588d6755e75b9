"""Households and persons change over the years; history is kept, nothing overwritten."""

import datetime

import pytest

from berdaya.core.errors import ValidationFailed
from berdaya.registry.models import Household, HouseholdSurvey, Person, RegistryEvent
from berdaya.registry.services import (
    MemberInput,
    household_enrol,
    household_merge,
    household_move,
    household_split,
    household_survey_record,
    household_unenrol,
    person_add,
    person_leave,
)

ON = datetime.date(2025, 8, 17)


def _household(demo, size=3) -> Household:
    return (
        Household.objects.filter(organisation=demo.organisation, status="active")
        .filter(pk__in=[p.household_id for p in Person.objects.filter(relation="child")])
        .order_by("pk")
        .first()
    )


def test_a_birth_adds_a_member_and_an_event(demo):
    household = _household(demo)
    baby = person_add(
        household=household,
        member=MemberInput(name="Bayu", sex="L", relation="child", birth_date=ON),
        born=True,
        user=demo.users["pendamping.girisekar"],
    )
    event = household.events.get(kind=RegistryEvent.Kind.BORN)
    assert event.person == baby and event.occurred_on == ON
    assert event.recorded_by == demo.users["pendamping.girisekar"]


def test_a_second_head_cannot_join(demo):
    household = _household(demo)
    with pytest.raises(ValidationFailed):
        person_add(household=household, member=MemberInput(name="X", sex="L", relation="head"))


def test_a_death_keeps_the_person_and_records_when(demo):
    household = _household(demo)
    person = household.members.exclude(relation="head").first()
    person_leave(person=person, reason=Person.Status.DECEASED, on=ON)
    person.refresh_from_db()
    assert person.status == Person.Status.DECEASED and person.left_on == ON
    assert household.events.filter(kind=RegistryEvent.Kind.DIED, person=person).exists()
    with pytest.raises(ValidationFailed):
        person_leave(person=person, reason=Person.Status.MOVED_OUT, on=ON)


def test_a_move_keeps_the_old_address_in_the_history(demo):
    household = _household(demo)
    old = (household.dusun, household.rt)
    household_move(household=household, on=ON, dusun="Ngasem", rt="007")
    event = household.events.get(kind=RegistryEvent.Kind.HOUSEHOLD_MOVED)
    assert (event.details["before"]["dusun"], event.details["before"]["rt"]) == old
    assert event.details["after"]["rt"] == "007"


def test_a_split_creates_a_new_household_with_its_own_head(demo):
    household = _household(demo)
    child = household.members.filter(relation="child").first()
    size = household.members.count()
    new = household_split(household=household, member_ids=[child.pk], new_head_id=child.pk, on=ON)
    assert new.members.get().relation == Person.Relation.HEAD
    assert household.members.count() == size - 1
    assert new.events.filter(kind=RegistryEvent.Kind.SPLIT).exists()
    head = household.members.get(relation="head")
    with pytest.raises(ValidationFailed):  # the head stays
        household_split(household=household, member_ids=[head.pk], new_head_id=head.pk, on=ON)


def test_a_merge_closes_one_household_and_never_deletes_it(demo):
    source, target = Household.objects.filter(
        organisation=demo.organisation, village_id="34.03.06.2002"
    ).order_by("pk")[:2]
    moved = source.members.count()
    before = target.members.count()
    household_merge(source=source, target=target, on=ON)
    source.refresh_from_db()
    assert source.status == Household.Status.MERGED and source.ended_on == ON
    assert target.members.count() == before + moved
    assert target.members.filter(relation="head").count() == 1


def test_a_new_survey_keeps_the_earlier_one(demo):
    household = _household(demo)
    first = household.latest_survey
    # After the demo's latest survey (its second survey round), so this one is the latest.
    later = max(ON, first.surveyed_on + datetime.timedelta(days=1))
    household_survey_record(
        household=household, survey={"floor": "ceramic", "water": "piped"}, surveyed_on=later
    )
    household.refresh_from_db()
    assert household.latest_survey.floor == "ceramic"
    assert HouseholdSurvey.objects.filter(pk=first.pk).exists()
    with pytest.raises(ValidationFailed):
        household_survey_record(household=household, survey={"floor": "gold"}, surveyed_on=ON)


def test_enrolment_opens_once_and_closes_with_a_date(demo):
    household = _household(demo)
    first = household_enrol(household=household, scheme_code="blt_dd", on=ON)
    assert household_enrol(household=household, scheme_code="blt_dd", on=ON) == first
    household_unenrol(household=household, scheme_code="blt_dd", on=ON)
    first.refresh_from_db()
    assert first.until == ON
    with pytest.raises(ValidationFailed):
        household_enrol(household=household, scheme_code="unknown", on=ON)
