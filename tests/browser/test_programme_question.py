"""On phones: a manager adds a question of the programme's own; a facilitator answers it on
a household's new survey and sees the answer, with its label, on the household page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.registry.models import CustomQuestion, Household, HouseholdSurvey

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def _sign_out(page) -> None:
    page.context.clear_cookies()


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_a_question_added_by_the_manager_is_answered_in_the_field(demo, page):
    household = Household.objects.filter(
        organisation=demo.organisation, village_id=GIRISEKAR, latest_survey__isnull=False
    ).order_by("pk")[0]

    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    page.goto(reverse("registry:programme-questions", args=[demo.programme.pk]))
    assert_no_horizontal_scroll(page)
    page.locator("details:has([data-testid=question-form]) > summary").click()
    form = page.locator("[data-testid=question-form]")
    form.locator("input[name=label_id]").fill("Sumber air untuk sawah?")
    form.locator("input[name=name]").fill("air_sawah")
    form.locator("select[name=kind]").select_option("select_one")
    form.locator("textarea[name=choices_text]").fill(
        "hujan = Tadah hujan | Rain-fed\nirigasi = Irigasi desa | Village irrigation"
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=questions]")).to_contain_text("Sumber air untuk sawah?")
    assert CustomQuestion.objects.filter(programme=demo.programme, name="air_sawah").exists()

    _sign_out(page)
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:survey-add", args=[household.pk]))
    assert_no_horizontal_scroll(page)
    page.locator("select[name=extra_air_sawah]").select_option("irigasi")
    with page.expect_navigation():
        page.locator("form:has(select[name=extra_air_sawah]) button[type=submit]").click()

    survey = HouseholdSurvey.objects.filter(household=household).latest("pk")
    assert survey.extra == {"air_sawah": "irigasi"}
    answers = page.locator("dl.answers").first
    expect(answers).to_contain_text("Sumber air untuk sawah?")
    expect(answers).to_contain_text("Irigasi desa")
    assert_no_horizontal_scroll(page)
