"""A facilitator registers a household with no connection: it waits on the phone, survives
a reload, and is sent once when the phone is back online."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.registry.models import Household, Person

from .test_sign_in_language_dashboard import open_sign_in_page, sign_in

pytestmark = pytest.mark.browser

REGISTER = "/registri/rumah-tangga/baru/"
KEPT = "() => caches.match('/registri/rumah-tangga/baru/').then((hit) => Boolean(hit))"


def _fill_household(page, names):
    page.fill("input[name=dusun]", "Blimbing")
    page.fill("input[name=rt]", "005")
    page.click("[data-step-next]")
    for index, (name, sex, relation) in enumerate(names):
        if index:
            page.click("[data-testid=add-member-row]")
        row = page.locator("[data-testid=member-row]").nth(index)
        row.locator("input[name$=-name]").fill(name)
        row.locator("select[name$=-sex]").select_option(sex)
        row.locator("select[name$=-relation]").select_option(relation)


def test_a_household_registered_offline_is_sent_once_when_back_online(demo, page):
    context = page.context
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:household-register"))
    # The service worker is installed and keeps the registration page.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(f"({KEPT})()", polling=200)

    context.set_offline(True)
    _fill_household(
        page,
        [
            ("Sumirah Luring", "P", "head"),
            ("Paiman Luring", "L", "spouse"),
            ("Dwi Luring", "P", "child"),
        ],
    )
    page.click("[data-testid=register-save]")
    expect(page.locator("[data-testid=offline-saved]")).to_be_visible()
    expect(page.locator("[data-testid=queued-item]")).to_have_text(["Sumirah Luring"])
    assert not Person.objects.filter(name="Sumirah Luring").exists()

    # Still offline, the page opens again from the phone and the household is still waiting.
    page.reload()
    expect(page.locator("[data-testid=register-form]")).to_be_visible()
    expect(page.locator("[data-testid=queued-item]")).to_have_count(1)

    context.set_offline(False)
    expect(page.locator("[data-testid=offline-sent]")).to_be_visible(timeout=20_000)
    expect(page.locator("[data-testid=offline-queue]")).to_be_hidden()
    household = Household.objects.get(members__name="Sumirah Luring")
    assert household.members.count() == 3
    assert Person.objects.filter(name="Sumirah Luring").count() == 1

    # Sending again (the phone retries, the page reloads) adds nothing.
    page.reload()
    page.wait_for_timeout(500)
    assert Person.objects.filter(name="Sumirah Luring").count() == 1


def test_signing_out_clears_what_the_phone_kept(demo, page):
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("registry:household-register"))
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(f"({KEPT})()", polling=200)
    page.click("details.menu > summary")
    with page.expect_navigation():
        page.click("[data-testid=logout]")
    page.wait_for_function(f"() => ({KEPT})().then((kept) => !kept)", polling=200)
    assert page.evaluate("() => window.localStorage.getItem('berdaya.queue')") is None
