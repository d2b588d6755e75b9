"""A facilitator with only a phone registers a household of three, in steps, and lands on its
page; a birth is then recorded from the household page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.registry.models import Household, RegistryEvent

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser


def _member(page, index: int):
    return page.locator("[data-testid=member-row]").nth(index)


def test_a_facilitator_registers_a_household_of_three_on_a_phone(demo, page):
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:household-list"))
    with page.expect_navigation():
        page.click("[data-testid=register-household]")
    assert_no_horizontal_scroll(page)

    # Step 1: where. One step shows at a time.
    expect(page.locator("[data-step-count]")).to_have_text("Langkah 1 dari 5")
    expect(page.locator("fieldset[data-step=members]")).to_be_hidden()
    page.fill("input[name=dusun]", "Blimbing")
    page.fill("input[name=rt]", "004")
    page.fill("input[name=rw]", "02")
    page.fill("input[name=latitude]", "-8.0123")
    page.fill("input[name=longitude]", "110.4711")
    page.click("[data-step-next]")

    # Step 2: the head and two more members (rows added on the phone, no round trip).
    expect(page.locator("[data-step-count]")).to_have_text("Langkah 2 dari 5")
    head = _member(page, 0)
    head.locator("input[name$=-name]").fill("Wagiyem Ujicoba")
    head.locator("select[name$=-sex]").select_option("P")
    head.locator("input[name$=-nik]").fill("3403064505830901")
    for index, (name, sex, relation) in enumerate(
        [("Sukardi Ujicoba", "L", "spouse"), ("Tri Ujicoba", "P", "child")], start=1
    ):
        page.click("[data-testid=add-member-row]")
        row = _member(page, index)
        expect(row.locator("[data-member-number]")).to_have_text(str(index + 1))
        row.locator("input[name$=-name]").fill(name)
        row.locator("select[name$=-sex]").select_option(sex)
        row.locator("select[name$=-relation]").select_option(relation)
    assert_no_horizontal_scroll(page)
    page.click("[data-step-next]")

    # Step 3: the house.
    page.select_option("select[name=survey-floor]", "earth")
    page.select_option("select[name=survey-water]", "protected_well")
    page.click("[data-step-next]")
    page.click("[data-step-next]")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("[data-testid=register-save]")

    household = Household.objects.get(members__name="Wagiyem Ujicoba")
    page.wait_for_url(re.compile(reverse("registry:household-detail", args=[household.pk])))
    expect(page.locator("[role=status]")).to_contain_text("3 anggota")
    expect(page.locator("[data-testid=members]")).to_contain_text("Tri Ujicoba")
    assert household.members.count() == 3
    assert household.latest_survey.floor == "earth"

    # A baby is born: from the household page, in two taps and a name.
    with page.expect_navigation():
        page.click("[data-testid=record-birth]")
    page.fill("input[name=name]", "Bayu Ujicoba")
    page.select_option("select[name=sex]", "L")
    page.fill("input[name=birth_date]", "2026-11-01")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator("[data-testid=members]")).to_contain_text("Bayu Ujicoba")
    assert household.events.filter(kind=RegistryEvent.Kind.BORN).count() == 1


def test_a_refused_member_opens_the_step_where_the_problem_is(demo, page):
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:household-register"))
    page.click("[data-step-next]")
    head = _member(page, 0)
    head.locator("input[name$=-name]").fill("Wagiyem Ujicoba")
    head.locator("select[name$=-sex]").select_option("P")
    head.locator("input[name$=-nik]").fill("12345")
    page.click("[data-testid=register-save]")

    expect(page.locator("[data-step-count]")).to_have_text("Langkah 2 dari 5")
    expect(_member(page, 0).locator("[data-testid=error-nik]")).to_contain_text("16 digit")
    expect(head.locator("input[name$=-name]")).to_have_value("Wagiyem Ujicoba")
    assert not Household.objects.filter(members__name="Wagiyem Ujicoba").exists()


@pytest.mark.parametrize("username", ["pendamping.girisekar", "manajer", "pemantau"])
def test_the_header_is_one_row_and_the_content_starts_high(demo, page, username):
    open_sign_in_page(page)
    sign_in(page, username, DEMO_PASSWORD)
    for name in ("core:dashboard", "registry:household-list", "facilitation:activity-list"):
        page.goto(reverse(name))
        top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
        assert top < 150, f"{name}: content starts at y = {top}"
        assert_no_horizontal_scroll(page)
    # A facilitator of one village gets no village to choose; a manager or viewer of two does.
    page.click("details.menu > summary")
    villages = page.locator("details.menu select[name=village]")
    expect(villages).to_have_count(0 if username.startswith("pendamping") else 1)
