"""The maps on a 360 px phone with no tile server reachable: the households, groups and
villages still show on the plain background (issue 14, "Done when")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Household

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser


def _without_the_internet(page, live_server) -> list[str]:
    """Every request off this site is refused (as with no network); returns their URLs."""
    refused: list[str] = []

    def handle(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", handle)
    return refused


def _open_map(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#map[data-drawn]")).to_have_count(1)
    assert_no_horizontal_scroll(page)


def test_household_and_group_markers_show_on_both_villages_without_tiles(demo, page, live_server):
    refused = _without_the_internet(page, live_server)
    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    for code in (GIRISEKAR, SIDOHARJO):
        _open_map(page, reverse("maps:village", args=[code]))
        located = Household.objects.filter(
            village_id=code, status="active", latitude__isnull=False
        ).count()
        expect(page.locator("path.household-point")).to_have_count(located)
        expect(page.locator("path.place-group").first).to_be_visible()
        expect(page.locator("[data-testid=without-gps]")).to_contain_text("belum punya titik GPS")
        # A household's marker opens a popup with a link to the household.
        page.locator("path.household-point").first.click(force=True)
        expect(page.locator(".leaflet-popup-content a")).to_have_attribute(
            "href", re.compile(r"/registri/rumah-tangga/\d+/")
        )
    # The tiles were asked for and could not be had: the points showed without them.
    assert any("tile.openstreetmap.org" in url for url in refused)
    expect(page.locator("img.leaflet-tile-loaded")).to_have_count(0)


def test_a_viewer_sees_counted_squares_not_homes(demo, page, live_server):
    _without_the_internet(page, live_server)
    open_sign_in_page(page)
    sign_in(page, "pemantau", DEMO_PASSWORD)
    _open_map(page, reverse("maps:village", args=[GIRISEKAR]))
    expect(page.locator("path.household-cell").first).to_be_visible()
    expect(page.locator("path.household-point")).to_have_count(0)
    expect(page.locator("path.place-institution").first).to_be_visible()
    expect(page.locator("[data-testid=aggregated]")).to_be_visible()


def test_the_programme_map_shows_both_villages_without_tiles(demo, page, live_server):
    _without_the_internet(page, live_server)
    open_sign_in_page(page)
    sign_in(page, "pemantau", DEMO_PASSWORD)
    page.goto(reverse("programmes:detail", args=[demo.programme.pk]))
    with page.expect_navigation():
        page.click("[data-testid=programme-map-link]")
    expect(page.locator("#map[data-drawn]")).to_have_count(1)
    expect(page.locator("path.village-point")).to_have_count(2)
    expect(page.locator(".leaflet-tooltip")).to_have_count(2)
    assert_no_horizontal_scroll(page)
