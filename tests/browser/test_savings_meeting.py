"""A treasurer's cycle on a 360 px phone: start the books, record meetings (shares, the
social fund, a loan, its repayment), count the cash box, and share out."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berdaya.demo import DEMO_PASSWORD
from berdaya.groups.models import Group
from berdaya.savings.models import Cycle, Loan, Meeting

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser


def _record(page, lines: dict[str, str]):
    form = page.locator("[data-testid=meeting-form]")
    for name, value in lines.items():
        field = form.locator(f"[name='{name}']")
        tag = field.evaluate("element => element.tagName")
        if tag == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            if not field.is_visible():  # the new-loan fields sit in a closed <details>
                field.locator("xpath=ancestor::details[1]/summary").click()
            field.fill(value)
    with page.expect_navigation():
        form.locator("[data-testid=save-meeting]").click()
    expect(page.locator(".message.success[role=status]")).to_be_visible()


def _close(page):
    expected = page.locator("[data-testid=expected-cash]").inner_text()
    page.fill("input[name=counted_cash]", re.sub(r"[^\d]", "", expected))
    with page.expect_navigation():
        page.locator("[data-testid=close-form] button").click()


def _new_meeting(page, group, officer, day):
    page.goto(reverse("savings:group", args=[group.pk]))
    form = page.locator("[data-testid=new-meeting]")
    form.locator("input[name=held_on]").fill(day)
    form.locator("select[name=recorded_with]").select_option(str(officer.pk))
    with page.expect_navigation():
        form.locator("button").click()


def test_a_treasurer_records_a_cycle_on_a_phone(demo, page):
    group = Group.objects.get(name="KWT Sekar Melati")
    members = list(group.members.filter(left_on__isnull=True).order_by("pk"))
    a, b, c = members[:3]
    officer = next(m for m in members if m.role == "treasurer")

    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("groups:detail", args=[group.pk]))
    page.locator("[data-testid=savings-link]").click()
    page.locator("[data-testid=start-books]").click()
    form = page.locator("[data-testid=cycle-form]")
    form.locator("input[name=started_on]").fill("2026-11-01")
    form.locator("input[name=share_price]").fill("10.000")
    form.locator("input[name=social_fund_amount]").fill("1.000")
    form.locator("input[name=monthly_rate]").fill("2")
    assert_no_horizontal_scroll(page)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=new-meeting]")).to_be_visible()

    # Meeting 1: savings and the social fund; the box is counted and closed.
    _new_meeting(page, group, officer, "2026-11-01")
    assert_no_horizontal_scroll(page)
    _record(
        page,
        {
            f"m{a.pk}-shares": "5",
            f"m{a.pk}-social": "on",
            f"m{b.pk}-shares": "3",
            f"m{b.pk}-social": "on",
            f"m{c.pk}-shares": "2",
            f"m{c.pk}-att": "represented",
        },
    )
    expect(page.locator("[data-testid=expected-cash]")).to_have_text("Rp102.000")
    assert_no_horizontal_scroll(page)
    _close(page)
    expect(page.locator("[data-testid=receipt]").first).to_be_visible()

    # Meeting 2: a loan over the limit is refused with the limit; then a loan within it.
    _new_meeting(page, group, officer, "2026-11-15")
    _record_refused = page.locator("[data-testid=meeting-form]")
    _record_refused.locator(f"[name='m{a.pk}-loan']").locator(
        "xpath=ancestor::details[1]/summary"
    ).click()
    _record_refused.locator(f"[name='m{a.pk}-loan']").fill("200.000")
    with page.expect_navigation():
        _record_refused.locator("[data-testid=save-meeting]").click()
    expect(page.locator("[data-testid=form-error]")).to_contain_text("Rp150.000")
    assert not Loan.objects.filter(member=a).exists()
    _record(page, {f"m{a.pk}-loan": "100.000", f"m{a.pk}-term": "1"})
    loan = Loan.objects.get(member=a)
    _close(page)

    # Meeting 3: the loan is repaid with its service charge (2 % of Rp 100,000).
    _new_meeting(page, group, officer, "2026-12-01")
    _record(page, {f"m{a.pk}-repay-{loan.pk}": "102.000"})
    _close(page)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID

    # The share-out: 10 shares, Rp 2,000 of profit; the leftover rupiah is shown.
    cycle = Cycle.objects.get(book__group=group)
    page.goto(reverse("savings:share-out", args=[cycle.pk]))
    assert_no_horizontal_scroll(page)
    expect(page.locator("[data-testid=profit]")).to_have_text("Rp2.000")
    payouts = page.locator("[data-testid=payout]")
    expect(payouts).to_have_count(3)
    with page.expect_navigation():
        page.locator("[data-testid=confirm-share-out]").click()
    expect(page.locator("[data-testid=shared-out]")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    assert Meeting.objects.filter(cycle=cycle, status="closed").count() == 3
    assert_no_horizontal_scroll(page)
