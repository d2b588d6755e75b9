"""Attendance in seconds: tick a group's members, the previous meeting or a dusun, then adjust;
and the person picker's search over full names, closest matches first."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.facilitation import selectors
from berdaya.facilitation.models import Activity, Attendance
from berdaya.facilitation.services import activity_record, attendance_mark, attendance_record
from berdaya.groups.models import Group, GroupMember
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
FACILITATOR = "pendamping.girisekar"


def _meeting(demo, group=None, held_on=datetime.date(2026, 6, 2)) -> Activity:
    return activity_record(
        user=demo.users[FACILITATOR],
        programme=demo.programme,
        village_code=GIRISEKAR,
        kind="group_meeting" if group else "fgd",
        title="Pertemuan uji centang",
        held_on=held_on,
        initiated_by="group" if group else "community",
        stage="pelembagaan",
        level="mezzo",
        group=group,
    )


def _group_with_members(demo) -> tuple[Group, list[Person]]:
    group = (
        Group.objects.filter(village_id=GIRISEKAR, members__left_on__isnull=True).distinct().first()
    )
    members = list(
        Person.objects.filter(
            group_memberships__group=group,
            group_memberships__left_on__isnull=True,
            group_memberships__joined_on__lte=datetime.date(2026, 6, 2),
            status=Person.Status.PRESENT,
        ).distinct()
    )
    assert len(members) >= 3
    return group, members


def _roll_url(activity) -> str:
    return f"/pendampingan/{activity.pk}/hadir/centang/"


def test_a_group_meeting_lists_the_groups_members_of_that_day_all_ticked(login, demo):
    group, _members = _group_with_members(demo)
    former = GroupMember.objects.filter(group=group).first()
    former_person = former.person
    # Someone who left before the meeting is not listed; someone who joined after is not.
    former.left_on = datetime.date(2026, 1, 1)
    former.save()
    activity = _meeting(demo, group)

    response = login(FACILITATOR).get(_roll_url(activity))

    roll = response.context["roll"]
    listed = {p.pk for p in roll.people}
    expected = {
        m.person_id
        for m in GroupMember.objects.filter(group=group, joined_on__lte=activity.held_on)
        if m.left_on is None or m.left_on >= activity.held_on
    }
    assert listed == expected
    assert former_person.pk not in listed
    assert roll.ticked == listed


def test_saving_the_ticked_list_records_them_once_and_keeps_what_they_did(login, demo):
    group, members = _group_with_members(demo)
    activity = _meeting(demo, group)
    attendance_record(activity=activity, person=members[0], spoke=True)
    client = login(FACILITATOR)
    listed = ",".join(str(p.pk) for p in members)
    absent = members[-1]
    came = [str(p.pk) for p in members if p != absent]

    response = client.post(_roll_url(activity), {"listed": listed, "came": came})
    again = client.post(_roll_url(activity), {"listed": listed, "came": came})  # sent twice

    assert response.status_code == again.status_code == 302
    rows = Attendance.objects.filter(activity=activity)
    assert set(rows.values_list("person_id", flat=True)) == {p.pk for p in members} - {absent.pk}
    assert rows.get(person=members[0]).spoke is True


def test_unticking_someone_recorded_takes_them_off(login, demo):
    group, members = _group_with_members(demo)
    activity = _meeting(demo, group)
    attendance_mark(activity=activity, came=members)
    listed = ",".join(str(p.pk) for p in members)

    login(FACILITATOR).post(_roll_url(activity), {"listed": listed, "came": [str(members[0].pk)]})

    assert list(
        Attendance.objects.filter(activity=activity).values_list("person_id", flat=True)
    ) == [members[0].pk]


def test_the_previous_meeting_of_the_group_lists_who_came_then(login, demo):
    group, members = _group_with_members(demo)
    earlier = _meeting(demo, group, held_on=datetime.date(2026, 6, 1))
    attendance_mark(activity=earlier, came=members[:2])
    activity = _meeting(demo, group)

    roll = login(FACILITATOR).get(_roll_url(activity), {"source": "previous"}).context["roll"]

    assert roll.previous.pk == earlier.pk
    assert {p.pk for p in roll.people} == {p.pk for p in members[:2]}


def test_a_dusun_and_rt_lists_its_people_unticked(login, demo):
    activity = _meeting(demo)
    someone = Person.objects.filter(household__village_id=GIRISEKAR, status="present").first()
    dusun, rt = someone.household.dusun, someone.household.rt

    roll = (
        login(FACILITATOR)
        .get(_roll_url(activity), {"source": "place", "dusun": dusun, "rt": rt})
        .context["roll"]
    )

    assert roll.people and roll.ticked == set()
    assert {(p.household.dusun, p.household.rt) for p in roll.people} == {(dusun, rt)}
    assert all(p.status == Person.Status.PRESENT for p in roll.people)


def test_a_person_of_another_village_on_the_list_writes_nothing(login, demo):
    activity = _meeting(demo)
    stranger = Person.objects.filter(household__village_id=SIDOHARJO).first()
    here = Person.objects.filter(household__village_id=GIRISEKAR, status="present").first()
    listed = f"{here.pk},{stranger.pk}"

    response = login(FACILITATOR).post(
        _roll_url(activity), {"listed": listed, "came": [str(here.pk), str(stranger.pk)]}
    )

    assert response.status_code == 200
    assert not Attendance.objects.filter(activity=activity).exists()


def test_a_viewer_cannot_tick_attendance(login, demo):
    activity = _meeting(demo)
    assert login("pemantau").get(_roll_url(activity)).status_code in (403, 404)


# -- the picker's search -----------------------------------------------------------------------


def _names(persons) -> list[str]:
    return [p.name for p in persons]


def test_full_names_are_found_and_the_exact_name_comes_first(demo):
    people = Person.objects.filter(household__village_id=GIRISEKAR)
    for name in ("Asri Ujicoba", "Sri Ujicoba", "Sri Ujicoba Putri", "Wahyu Sri Ujicoba"):
        Person.objects.create(
            household=people.first().household,
            organisation=demo.organisation,
            name=name,
            sex="P",
            relation="other",
        )
    found = _names(selectors.rank_name_matches(people.all(), "sri  ujicoba"))
    # Exact, then starts with it, then a word starts with it, then the name merely holds it.
    assert found == ["Sri Ujicoba", "Sri Ujicoba Putri", "Wahyu Sri Ujicoba", "Asri Ujicoba"]
    # Words in another order still find the person.
    assert "Sri Ujicoba" in _names(selectors.rank_name_matches(people.all(), "Ujicoba Sri"))
    assert list(selectors.rank_name_matches(people.all(), "t")) == []


# The demo is only read here, so one demo serves every example.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet="aeiknrstuy ", min_size=2, max_size=8))
def test_every_ranked_match_holds_every_word_typed_and_ranks_never_go_down(demo, text):
    people = Person.objects.filter(household__village_id=GIRISEKAR)
    ranked = list(selectors.rank_name_matches(people, text)[:200])
    words = text.split()
    for person in ranked:
        assert all(word.lower() in person.name.lower() for word in words)
    ranks = [person.match_rank for person in ranked]
    assert ranks == sorted(ranks)
