"""The demo programme's public page, opened by a stranger on a 360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .test_sign_in_language_dashboard import assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


# `demo` comes before `page` so the demo data exists before the browser starts.
def test_a_stranger_reads_the_public_page_on_a_phone(demo, page):
    slug = demo.programme.public_page.slug
    response = page.goto(reverse("transparency:public", kwargs={"public_slug": slug}))
    assert response.status == 200
    assert page.get_by_test_id("public-page").is_visible()
    assert page.get_by_role("heading", name="Rumah tangga terpetakan").is_visible()
    assert_no_horizontal_scroll(page)
