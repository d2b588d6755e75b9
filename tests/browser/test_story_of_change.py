"""On a phone: a facilitator records a story of change, the village panel chooses it with
its reasons, and the storyteller is told — the heart of Most Significant Change."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.learning.models import Selection, Story, StoryFeedback

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

TITLE = "Jalan ke telaga diperbaiki warga"
REASON = "Warga memulai sendiri dan semua dusun merasakan manfaatnya; kami ingin meniru."
TOLD = "Cerita Ibu dipilih panel desa karena warga memulai sendiri."


def test_a_story_is_recorded_chosen_with_a_reason_and_fed_back(demo, page):
    programme = demo.programme
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)

    # 1. The facilitator records the story.
    page.goto(reverse("learning:story-create", args=[programme.pk]))
    assert_no_horizontal_scroll(page)
    form = page.locator("[data-testid=story-form]")
    form.locator("select[name=village]").select_option("34.03.06.2002")
    form.locator("select[name=period]").select_option(label="Semester II 2026")
    form.locator("input[name=domain]").nth(3).check()  # self-reliance
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=what_happened]").fill(
        "Ibu-ibu KWT mengajak warga kerja bakti memperbaiki jalan ke telaga."
    )
    form.locator("textarea[name=why_significant]").fill(
        "Kami tidak lagi menunggu proyek; kami bisa memulai sendiri."
    )
    form.locator("input[name=storyteller_name]").fill("Bu Painem")
    form.locator("select[name=storyteller_sex]").select_option("P")
    # Without the storyteller's consent the story is refused, with the reason shown.
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-consent")).to_contain_text("boleh dibagikan")
    assert not Story.objects.filter(title=TITLE).exists()
    form = page.locator("[data-testid=story-form]")
    form.locator("input[name=consent][value=named]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("story-title")).to_have_text(TITLE)
    story = Story.objects.get(title=TITLE)
    assert_no_horizontal_scroll(page)

    # 2. The village panel meets and chooses it, with the reasons written down.
    page.goto(reverse("learning:panels", args=[programme.pk]))
    page.get_by_test_id("new-panel").click()
    panel_form = page.locator("[data-testid=panel-form]")
    panel_form.locator("select[name=period]").select_option(label="Semester II 2026")
    panel_form.locator("select[name=level]").select_option("village")
    panel_form.locator("select[name=village]").select_option("34.03.06.2002")
    panel_form.locator("input[name=method][value=consensus]").check()
    panel_form.locator("textarea[name=members]").fill("Bu Sumarni, ketua KWT\nPak Tukiran, dukuh")
    with page.expect_navigation():
        panel_form.locator("button[type=submit]").click()
    section = page.get_by_test_id(f"domain-{story.domain.key}")
    choice = section.locator("form")
    choice.get_by_label(TITLE).check()
    with page.expect_navigation():
        choice.locator("button[type=submit]").click()  # no reason yet: refused
    section = page.get_by_test_id(f"domain-{story.domain.key}")
    expect(section.locator(".field-error")).to_contain_text("alasan")
    choice = section.locator("form")
    choice.get_by_label(TITLE).check()
    choice.locator("textarea[name$=reasons]").fill(REASON)
    with page.expect_navigation():
        choice.locator("button[type=submit]").click()
    section = page.get_by_test_id(f"domain-{story.domain.key}")
    expect(section.get_by_test_id("chosen")).to_contain_text(TITLE)
    expect(section).to_contain_text(REASON)
    assert Selection.objects.get(story=story).reasons == REASON
    assert_no_horizontal_scroll(page)

    # 3. The storyteller is told what the panel chose, and why.
    section.get_by_role("link", name=TITLE).click()
    page.locator("details:has([data-testid=feedback-form]) > summary").click()
    feedback = page.get_by_test_id("feedback-form")
    feedback.locator("textarea[name=what]").fill(TOLD)
    with page.expect_navigation():
        feedback.locator("button[type=submit]").click()
    expect(page.get_by_test_id("feedback")).to_contain_text(TOLD)
    expect(page.get_by_test_id("selections")).to_contain_text(REASON)
    told = StoryFeedback.objects.get(story=story)
    assert (told.audience, told.what) == ("storyteller", TOLD)
    assert_no_horizontal_scroll(page)


LEARNING_PAGES = (
    "learning:stories",
    "learning:panels",
    "learning:msc-analysis",
    "learning:domains",
    "learning:results",
    "learning:empowerment",
    "learning:self-reliance",
    "learning:graduation",
    "learning:rothman",
    "learning:reviews",
)


def test_learning_is_reachable_from_the_village_and_programme_pages_on_a_phone(demo, page):
    import os

    shots = os.environ.get("BERDAYA_SCREENSHOTS")
    programme = demo.programme
    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    page.goto(reverse("areas:village-detail", args=["34.03.06.2002"]))
    with page.expect_navigation():
        page.get_by_test_id("learning-link").locator("a").click()
    expect(page.get_by_test_id("village-learning")).to_contain_text(programme.name)
    assert_no_horizontal_scroll(page)
    page.goto(reverse("programmes:detail", args=[programme.pk]))
    with page.expect_navigation():
        page.get_by_test_id("learning-nav").click()
    expect(page.get_by_test_id("programme-learning")).to_be_visible()
    for name in LEARNING_PAGES:
        with page.expect_navigation():
            page.locator(f"nav.subnav a[href='{reverse(name, args=[programme.pk])}']").click()
        assert_no_horizontal_scroll(page)
        if shots:
            page.screenshot(path=f"{shots}/{name.split(':')[1]}.png", full_page=True)
    page.goto(reverse("learning:results", args=[programme.pk]))
    page.get_by_test_id("indicator-row").first.locator("a").click()
    expect(page.get_by_test_id("progress-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("as-of").first).to_be_visible()  # a computed indicator's date
    assert_no_horizontal_scroll(page)
    if shots:
        page.screenshot(path=f"{shots}/indicator.png", full_page=True)
