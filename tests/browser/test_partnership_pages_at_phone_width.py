"""The partnership and advocacy pages and forms fit a 360 px phone (issue 14), and a
facilitator records an advocacy action from the phone with the form as it is shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berdaya.advocacy.models import AdvocacyCase
from berdaya.demo import DEMO_PASSWORD
from berdaya.partnerships.models import Agreement

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll, open_sign_in_page, sign_in

pytestmark = pytest.mark.browser


def _pages(demo) -> list[str]:
    programme = demo.programme.pk
    agreement = Agreement.objects.get(programme=demo.programme, kind="mou")
    commitment = agreement.commitments.order_by("pk").first()
    case = AdvocacyCase.objects.get(programme=demo.programme, scheme="pkh")
    return [
        reverse("partnerships:map", args=[programme]),
        reverse("partnerships:stakeholder-new", args=[programme]),
        reverse("partnerships:stakeholder-link", args=[programme]),
        reverse("partnerships:agreement-new", args=[programme]),
        reverse("partnerships:contribution-new", args=[programme]),
        reverse("partnerships:agreement", args=[agreement.pk]),
        reverse("partnerships:agreement-document-upload", args=[agreement.pk]),
        reverse("partnerships:agreement-status", args=[agreement.pk]),
        reverse("partnerships:commitment-new", args=[agreement.pk]),
        reverse("partnerships:commitment-met", args=[commitment.pk]),
        reverse("advocacy:programme", args=[programme]),
        reverse("advocacy:case-new-gap", args=[programme]),
        reverse("advocacy:case-new", args=[programme]),
        reverse("advocacy:case", args=[case.pk]),
        reverse("advocacy:case-households", args=[case.pk]),
    ]


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_partnership_and_advocacy_pages_fit_a_phone(demo, page):
    open_sign_in_page(page)
    sign_in(page, "manajer", DEMO_PASSWORD)
    for path in _pages(demo):
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert_no_horizontal_scroll(page)


def test_a_facilitator_records_an_action_on_the_phone(demo, page):
    case = AdvocacyCase.objects.get(programme=demo.programme, scheme="pkh")
    case.outcome, case.outcome_on = "open", None
    case.save(update_fields=["outcome", "outcome_on"])
    open_sign_in_page(page)
    sign_in(page, "pendamping.girisekar", DEMO_PASSWORD)
    page.goto(reverse("advocacy:action-new", args=[case.pk]))
    page.select_option("select[name=kind]", "campaign")
    page.fill("input[name=held_on]", "2025-08-01")
    page.fill("input[name=poor_participants]", "-2")
    page.click("main form[method=post] button[type=submit]")
    assert "Jumlah tidak boleh negatif." in page.inner_text("main")
    assert page.input_value("input[name=held_on]") == "2025-08-01"  # nothing lost
    page.fill("input[name=poor_participants]", "11")
    page.fill("input[name=other_participants]", "4")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**{reverse('advocacy:case', args=[case.pk])}")
    assert_no_horizontal_scroll(page)
    assert case.actions.filter(kind="campaign", poor_participants=11).exists()
