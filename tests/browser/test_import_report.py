"""An import that fails shows one card per problem on a phone: where, the value, what is
wrong and how to fix it; nothing sticks out of the screen."""

from __future__ import annotations

import csv

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.registry.importers.samples import synthetic_households, template_rows
from berdaya.registry.xlsform import form_build

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

GIRISEKAR = "34.03.06.2002"


def test_an_import_with_mistakes_shows_them_as_cards_on_a_phone(demo, page, tmp_path):
    rows = template_rows(synthetic_households(4, village_code=GIRISEKAR, seed=3), form_build())
    header = rows[0]
    rows[2][header.index("tanggal_lahir")] = "2020-02-30"
    rows[3][header.index("nik")] = "12345"
    path = tmp_path / "girisekar.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)

    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:import-new"))
    page.check("input[name=source][value=template]")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("main button[type=submit]")

    expect(page.locator("[data-testid=import-failed]")).to_be_visible()
    cards = page.locator("[data-testid=import-errors] [data-testid=problem-card]")
    expect(cards).to_have_count(2)
    date_card = cards.filter(has_text="tanggal_lahir")
    expect(date_card).to_contain_text("Baris 3")
    expect(date_card.locator("code")).to_have_text("2020-02-30")
    expect(date_card.locator(".fix")).to_contain_text("TTTT-BB-HH")
    nik_card = cards.filter(has_text="kolom nik")
    expect(nik_card).to_contain_text("16 digit")
    expect(nik_card.locator("code")).not_to_contain_text("12345")  # masked
    for index in range(2):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert_no_horizontal_scroll(page)
