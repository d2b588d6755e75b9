"""An administrator reads the audit trail on a phone: from the menu, in sentences, filtered
by who, and follows one record's history."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.facilitation.models import Activity
from berdaya.facilitation.services import attendance_record
from berdaya.registry.models import Person

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def test_an_admin_reads_who_did_what_to_whom(demo, page):
    activity = Activity.objects.filter(village_id=GIRISEKAR).order_by("pk").first()
    person = (
        Person.objects.filter(household__village_id=GIRISEKAR, status="present")
        .exclude(attendance__activity=activity)
        .first()
    )
    facilitator = demo.users["pendamping.girisekar"]
    with set_actor(facilitator):
        attendance_record(activity=activity, person=person)

    open_sign_in_page(page)
    sign_in(page, "admin", DEMO_PASSWORD)
    page.click("details.menu > summary")
    with page.expect_navigation():
        page.click("[data-testid=menu-audit]")
    assert_no_horizontal_scroll(page)
    top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
    assert top < 150

    page.click("[data-testid=audit-filters] summary")
    page.select_option("select[name=actor]", str(facilitator.pk))
    with page.expect_navigation():
        page.click("[data-testid=audit-filters] button[type=submit]")
    first = page.locator("[data-testid=audit-line]").first
    expect(first).to_contain_text(
        f"{facilitator} mencatat kehadiran {person.name} di {activity.title}"
    )
    assert_no_horizontal_scroll(page)
    with page.expect_navigation():
        first.locator("[data-testid=object-history]").click()
    expect(page.locator("[data-testid=audit-line]")).to_have_count(1)
