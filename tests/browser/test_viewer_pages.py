"""A funder's viewer walks the programme on a phone and sees figures on every page, not
"none yet", and no menu item that only refuses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser


def test_the_viewer_sees_figures_on_every_list(demo, page):
    open_sign_in_page(page)
    sign_in(page, "pemantau", DEMO_PASSWORD)
    page.click("details.menu > summary")
    menu = page.locator("details.menu nav")
    expect(menu.get_by_role("link", name="Impor")).to_have_count(0)
    expect(menu.get_by_role("link", name="Tugas saya")).to_have_count(0)
    for name in (
        "facilitation:activity-list",
        "groups:list",
        "planning:list",
        "registry:household-list",
    ):
        page.goto(reverse(name))
        figures = page.locator("[data-testid=viewer-figures]")
        expect(figures).to_be_visible()
        expect(figures).to_contain_text("Girisekar")
        expect(figures).to_contain_text("Sidoharjo")
        expect(page.locator("main")).not_to_contain_text("Belum ada")
        assert_no_horizontal_scroll(page)
