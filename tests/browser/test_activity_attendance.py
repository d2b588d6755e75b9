"""A facilitator on a phone records an activity, who came and what they did, and sees the
participation figures change after each step without reloading the page."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.facilitation.models import Activity, Attendance
from berdaya.registry.models import Person

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def _woman_with_a_unique_name() -> Person:
    """An adult woman of Girisekar whose name nobody else in the village has."""
    people = Person.objects.filter(
        household__village_id=GIRISEKAR, status=Person.Status.PRESENT
    ).order_by("pk")
    names = Counter(people.values_list("name", flat=True))
    return next(
        p
        for p in people.filter(sex=Person.Sex.FEMALE, birth_date__year__lte=1995)
        if names[p.name] == 1 and len(p.name) >= 4
    )


def _figure(page, name: str):
    return page.locator(f"[data-testid=figures-{name}]")


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_recording_an_activity_with_attendance_updates_the_figures(demo, page):
    woman = _woman_with_a_unique_name()

    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("facilitation:activity-create"))
    assert_no_horizontal_scroll(page)

    form = page.locator("[data-testid=activity-form]")
    form.locator("input[name=title]").fill("FGD air bersih di Blimbing")
    form.locator("select[name=kind]").select_option("fgd")
    form.locator("input[name=held_on]").fill("2026-06-15")
    form.locator("input[name=initiated_by][value=community]").check()
    form.locator("input[name=strategies][value=advocacy]").check()
    with page.expect_navigation():
        page.click("[data-testid=save-activity]")
    activity = Activity.objects.get(title="FGD air bersih di Blimbing")
    page.wait_for_url(re.compile(reverse("facilitation:activity-detail", args=[activity.pk])))
    expect(_figure(page, "total")).to_have_text("0")
    assert_no_horizontal_scroll(page)

    # Find her by name, tick what she did, add her: the figures follow at once.
    page.fill("[data-testid=search-person]", woman.name)
    choice = page.locator(f"#attendance input[name=person][value='{woman.pk}']")
    expect(choice).to_be_visible()
    choice.check()
    page.check("[data-testid=role-proposed]")
    page.check("[data-testid=role-decided]")
    page.click("[data-testid=add-attendee]")
    expect(page.locator("[data-testid=attendees]")).to_contain_text(woman.name)
    expect(_figure(page, "total")).to_have_text("1")
    expect(_figure(page, "women")).to_have_text("1")
    expect(page.locator("[data-testid=roles] tbody tr").nth(2)).to_contain_text("1")
    row = Attendance.objects.get(activity=activity, person=woman)
    assert (row.proposed, row.decided, row.spoke) == (True, True, False)

    # Two men who are not in the registry came too.
    page.locator("details.guests-box > summary").click()
    guests = page.locator("[data-testid=guests-form]")
    guests.locator("input[name=L_adult]").fill("2")
    guests.locator("[data-testid=save-guests]").click()
    expect(_figure(page, "total")).to_have_text("3")
    expect(_figure(page, "men")).to_have_text("2")
    expect(_figure(page, "women")).to_have_text("1")

    # Changing a role on her row saves at once.
    page.locator(f"#attendance li:has-text('{woman.name}') input[name=spoke]").check()
    expect(page.locator("[data-testid=roles] tbody tr").first).to_contain_text("1")
    row.refresh_from_db()
    assert row.spoke
    assert_no_horizontal_scroll(page)
