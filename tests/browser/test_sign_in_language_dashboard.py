"""A facilitator's first minutes on a phone: sign in, read the dashboard, switch language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.demo.security import demo_code
from berdaya.registry.models import Household

from .conftest import PHONE

pytestmark = pytest.mark.browser


# The elements that stick out past the right edge, so a failure says what to fix.
WIDE_ELEMENTS_JS = """(limit) => [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > limit)
    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
        + " (" + Math.round(e.getBoundingClientRect().right) + "px)")
    .slice(0, 8)"""


def assert_no_horizontal_scroll(page) -> None:
    limit = PHONE["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > limit:
        wide = page.evaluate(WIDE_ELEMENTS_JS, limit)
        pytest.fail(f"{page.url} is {width}px wide on a {limit}px phone; too wide: {wide}")


def open_sign_in_page(page) -> None:
    """Open the site as a stranger and land on the sign-in page, in Indonesian."""
    page.goto("/")
    login_path = reverse("core:login")
    page.wait_for_url(re.compile(re.escape(login_path)))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert_no_horizontal_scroll(page)


def sign_in(page, username: str, password: str) -> None:
    """Both steps, as a person does: the password, then (managers, admins) the code that
    the demo's authenticator shows (see berdaya.demo.security)."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    if reverse("accounts:otp-verify") in page.url:
        page.fill("input[name=code]", demo_code())
        with page.expect_navigation():
            page.click("[data-testid=otp-form] button[type=submit]")


def open_menu(page) -> None:
    """Open the header's menu (signed in, the links live there), if it is closed."""
    menu = page.locator("details.menu")
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()


def switch_language(page, code: str) -> None:
    # The switch is a form POST to /i18n/setlang/, which remembers the choice in
    # a cookie and redirects back to the page it came from. Signed in, it is in the menu.
    open_menu(page)
    with page.expect_navigation():
        page.click(f"[data-testid=language-{code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == code


def shown_number(locator) -> int:
    # intcomma groups thousands with "." in Indonesian and "," in English.
    return int(re.sub(r"\D", "", locator.inner_text()))


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_manager_signs_in_sees_the_household_count_and_switches_language(demo, page):
    households = Household.objects.count()
    assert households > 0

    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    page.wait_for_url(re.compile(re.escape(reverse("core:dashboard")) + r"$"))

    count = page.locator("[data-testid=count-households]")
    expect(count).to_be_visible()
    assert shown_number(count) == households
    assert_no_horizontal_scroll(page)

    switch_language(page, "en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("[data-testid=figures]")).to_contain_text("households")
    assert shown_number(count) == households
    assert_no_horizontal_scroll(page)

    switch_language(page, "id")
    open_menu(page)
    expect(page.locator("[data-testid=language-en]")).to_be_visible()
    assert shown_number(count) == households
    assert_no_horizontal_scroll(page)


def test_wrong_password_keeps_you_on_the_sign_in_page_with_an_error(demo, page):
    open_sign_in_page(page)
    sign_in(page, "manajer", "not-the-password")

    expect(page.locator("[data-testid=login-error]")).to_be_visible()
    assert page.url.split("?")[0].endswith(reverse("core:login"))
    expect(page.locator("input[name=password]")).to_be_visible()
    assert_no_horizontal_scroll(page)

    # The sign-in page speaks English too, and the switch keeps you on it.
    switch_language(page, "en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url.split("?")[0].endswith(reverse("core:login"))
    assert_no_horizontal_scroll(page)
