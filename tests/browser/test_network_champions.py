"""A facilitator on a phone opens the village network page, marks a likely champion as a
cadre, and a manager runs a critical-mass simulation (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.networks.models import NetworkFigures
from berdaya.programmes.models import Cadre

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def test_champions_page_marks_a_cadre_and_runs_a_simulation(demo, page):
    programme = demo.programme
    figures = NetworkFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    champion = next(c for c in figures.figures["champions"] if not c["cadre"])

    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    page.goto(reverse("networks:village", args=[programme.pk, GIRISEKAR]))
    expect(page.get_by_test_id("champions")).to_be_visible()
    expect(page.get_by_test_id("network-drawing")).to_be_visible()
    assert_no_horizontal_scroll(page)
    with page.expect_navigation():
        page.get_by_test_id(f"mark-{champion['id']}").click()
    expect(page.get_by_test_id(f"champion-{champion['id']}")).to_contain_text("kader")
    assert Cadre.objects.filter(person_id=champion["id"], until__isnull=True).exists()

    page.goto(reverse("programmes:critical-mass", args=[programme.pk]))
    assert_no_horizontal_scroll(page)
    section = page.get_by_test_id(f"simulation-{GIRISEKAR}")
    section.locator("select[name=strategy]").select_option("cadres")
    section.locator("input[name=runs]").fill("20")
    with page.expect_navigation():
        page.get_by_test_id(f"simulate-{GIRISEKAR}").click()
    expect(
        page.get_by_test_id(f"simulation-{GIRISEKAR}").get_by_test_id("run-result")
    ).to_be_visible()
