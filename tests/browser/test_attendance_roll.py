"""A meeting of a group recorded in a few taps: its members are listed ticked, the facilitator
unticks who stayed home and saves; and the picker finds a full name, twice in a row."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.facilitation.models import Attendance
from berdaya.facilitation.services import activity_record
from berdaya.groups.models import Group, GroupMember
from berdaya.registry.models import Person

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"
DAY = datetime.date(2026, 6, 2)


def _biggest_group() -> Group:
    groups = Group.objects.filter(village_id=GIRISEKAR)
    return max(groups, key=lambda g: g.members.filter(left_on__isnull=True).count())


def _meeting(demo, group):
    return activity_record(
        user=demo.users["pendamping.girisekar"],
        programme=demo.programme,
        village_code=GIRISEKAR,
        kind="group_meeting",
        title="Pertemuan bulanan uji",
        held_on=DAY,
        initiated_by="group",
        stage="pelembagaan",
        level="mezzo",
        group=group,
    )


def test_a_facilitator_records_a_group_meeting_by_ticking_its_members(demo, page):
    group = _biggest_group()
    activity = _meeting(demo, group)
    members = {
        m.person_id
        for m in GroupMember.objects.filter(group=group, joined_on__lte=DAY)
        if (m.left_on is None or m.left_on >= DAY) and m.person.status == Person.Status.PRESENT
    }
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("facilitation:activity-detail", args=[activity.pk]))

    started = time.monotonic()
    with page.expect_navigation():
        page.click("[data-testid=tick-who-came]")
    assert_no_horizontal_scroll(page)
    boxes = page.locator("[data-testid=roll] input[name=came]")
    expect(boxes).to_have_count(len(members))
    expect(page.locator("[data-testid=roll] input[name=came]:checked")).to_have_count(len(members))
    stayed_home = boxes.first
    stayed_home_id = int(stayed_home.get_attribute("value"))
    stayed_home.uncheck()
    expect(page.locator("[data-testid=save-roll]")).to_contain_text(str(len(members) - 1))
    with page.expect_navigation():
        page.click("[data-testid=save-roll]")
    elapsed = time.monotonic() - started

    expect(page.locator("[role=status]")).to_contain_text(f"{len(members) - 1} ditambahkan")
    recorded = set(Attendance.objects.filter(activity=activity).values_list("person_id", flat=True))
    assert recorded == members - {stayed_home_id}
    # Four taps whatever the group's size; the target is a 40-person meeting in 60 s.
    assert elapsed < 60


def test_the_person_picker_finds_a_full_name_and_searches_again(demo, page):
    group = _biggest_group()
    activity = _meeting(demo, group)
    people = Person.objects.filter(household__village_id=GIRISEKAR, status="present")
    first, second = _two_unique_full_names(people)
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("facilitation:activity-detail", args=[activity.pk]))

    search = page.locator("[data-testid=search-person]")
    results = page.locator("#attendance [data-testid=add-person] .picker-results")
    search.fill(first.name)
    expect(results.locator("input[name=person]").first).to_have_value(str(first.pk))
    search.fill(second.name)  # the second search replaces the first results
    expect(results.locator("input[name=person]").first).to_have_value(str(second.pk))
    expect(page.locator("[data-testid=add-person]")).to_have_count(1)
    # The detail line sits beside the name, never under the radio button.
    radio = results.locator("input[name=person]").first.bounding_box()
    detail = results.locator("small").first.bounding_box()
    assert detail["x"] >= radio["x"] + radio["width"]


def _two_unique_full_names(people) -> tuple[Person, Person]:
    names = list(people.values_list("name", flat=True))
    found = [p for p in people.order_by("pk") if " " in p.name and names.count(p.name) == 1]
    return found[0], found[1]
