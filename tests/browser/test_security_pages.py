"""A manager's second factor, a token on the profile page and the API docs, on a phone,
under the enforced Content Security Policy (the page fixture fails on any violation)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.accounts.models import PersonalAccessToken
from berdaya.demo import DEMO_PASSWORD
from berdaya.demo.security import demo_code

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page

pytestmark = pytest.mark.browser


def test_a_manager_passes_the_second_step_makes_a_token_and_reads_the_api_docs(demo, page):
    open_sign_in_page(page)
    page.fill("input[name=username]", "manajer")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    # No page before the second step.
    assert reverse("accounts:otp-verify") in page.url
    page.goto(reverse("registry:household-list"))
    assert reverse("accounts:otp-verify") in page.url
    assert_no_horizontal_scroll(page)
    page.fill("input[name=code]", demo_code())
    with page.expect_navigation():
        page.click("[data-testid=otp-form] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(reverse("registry:household-list"))))

    page.goto(reverse("accounts:profile"))
    expect(page.locator("[data-testid=otp-status]")).to_be_visible()
    page.fill("[data-testid=token-form] input[name=name]", "Skrip analisis")
    page.select_option("[data-testid=token-form] select[name=scope]", "read")
    page.fill("[data-testid=token-form] input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=token-form] button[type=submit]")
    secret = page.locator("[data-testid=token-secret]").inner_text()
    token = PersonalAccessToken.objects.get(name="Skrip analisis")
    assert secret.startswith(token.prefix) and token.scope == "read"
    assert_no_horizontal_scroll(page)

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Berdaya API")
