"""A programme manager on a phone adds a criterion to the maturity rubric, with the reason;
the old version is kept, and the next group assessment scores the new criterion."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.groups.models import Group, MaturityRubric

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

NEW_CRITERION = "Pemasaran bersama"
REASON = "Musyawarah program Maret: kelompok usaha minta pemasaran dinilai."


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_a_new_rubric_version_is_used_by_the_next_assessment(demo, page):
    programme = demo.programme
    versions_before = MaturityRubric.objects.filter(programme=programme).count()
    group = Group.objects.filter(programme=programme).order_by("pk").first()

    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    page.goto(reverse("groups:rubric", args=[programme.pk]))
    assert_no_horizontal_scroll(page)
    criteria_before = page.locator("[data-testid=current-rubric] li").count()

    page.locator("details:has([data-testid=rubric-form]) > summary").click()
    form = page.locator("[data-testid=rubric-form]")
    empty = [
        field for field in form.locator("input[name$='-label']").all() if field.input_value() == ""
    ]
    empty[0].fill(NEW_CRITERION)
    form.locator("textarea[name=reason]").fill(REASON)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    current = page.locator("[data-testid=current-rubric] li")
    expect(current).to_have_count(criteria_before + 1)
    expect(current.last).to_contain_text(NEW_CRITERION)
    versions = page.locator("[data-testid=rubric-version]")
    expect(versions).to_have_count(versions_before + 1)
    expect(versions.first).to_contain_text(REASON)  # newest first, with why it changed
    assert MaturityRubric.objects.filter(programme=programme).count() == versions_before + 1

    page.goto(reverse("groups:assess", args=[group.pk]))
    page.wait_for_url(re.compile(reverse("groups:assess", args=[group.pk])))
    expect(page.get_by_text(NEW_CRITERION)).to_be_visible()
    assert_no_horizontal_scroll(page)
