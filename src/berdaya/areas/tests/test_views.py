"""Finding a village by name or code, and the village page."""

from __future__ import annotations

import html
import re

import pytest
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.demo.community import GIRISEKAR, SIDOHARJO


def _codes(response) -> list[str]:
    return [village.code for village in response.context["villages"]]


def test_search_by_name_finds_the_village(login):
    response = login("manajer").get("/wilayah/cari/", {"q": "girisekar"})
    assert response.status_code == 200
    assert _codes(response) == [GIRISEKAR]
    assert "Girisekar" in response.content.decode()
    assert GIRISEKAR in response.content.decode()


@pytest.mark.parametrize("typed", ["3403062002", "34.03.06.2002", "34 03 06 2002"])
def test_search_by_code_finds_the_village_however_the_code_is_typed(login, typed):
    response = login("manajer").get("/wilayah/cari/", {"q": typed})
    assert response.status_code == 200
    assert _codes(response) == [GIRISEKAR]


def test_search_by_district_code_lists_the_villages_of_that_district(login):
    in_district = set(Village.objects.filter(district_id="34.03.06").values_list("code", flat=True))
    assert len(in_district) > 1
    response = login("manajer").get("/wilayah/cari/", {"q": "340306"})
    found = _codes(response)
    assert GIRISEKAR in found
    assert set(found) <= in_district
    assert len(found) == min(len(in_district), 20)


def test_a_search_that_matches_nothing_says_so(login):
    response = login("manajer").get("/wilayah/cari/", {"q": "Tidak Ada Desa Seperti Ini"})
    assert response.status_code == 200
    assert _codes(response) == []
    assert "Tidak Ada Desa Seperti Ini" in response.content.decode()


def test_an_htmx_search_returns_only_the_results_fragment(login):
    client = login("manajer")
    full = client.get("/wilayah/cari/", {"q": "Sidoharjo"})
    partial = client.get("/wilayah/cari/", {"q": "Sidoharjo"}, headers={"HX-Request": "true"})

    assert partial.status_code == 200
    assert SIDOHARJO in _codes(partial)
    assert [t.name for t in partial.templates] == ["areas/_village_results.html"]
    assert "<html" not in partial.content.decode()
    assert "<html" in full.content.decode()
    assert _codes(full) == _codes(partial)


def test_search_needs_a_signed_in_user(client, demo):
    response = client.get("/wilayah/cari/", {"q": "Girisekar"})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_a_facilitator_sees_the_page_of_their_village(login):
    response = login("pendamping.girisekar").get(f"/wilayah/desa/{GIRISEKAR}/")
    assert response.status_code == 200
    assert "Girisekar" in response.content.decode()


def test_the_village_page_accepts_the_code_without_dots(login):
    response = login("pendamping.girisekar").get("/wilayah/desa/3403062002/")
    assert response.status_code == 200
    assert response.context["village"].code == GIRISEKAR


def _dotted(code: str) -> str:
    digits = code.replace(".", "")
    return ".".join([digits[0:2], digits[2:4], digits[4:6], digits[6:]])


def _assert_readable_404(response, *, may_name: tuple[str, ...] = ()):
    """A 404 page in the user's language with a message, never a crash or a debug page."""
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body
    assert "<html" in body
    found = re.search(r'data-testid="error-message">([^<]*)<', body)
    assert found, body
    message = html.unescape(found.group(1)).strip()
    generic = _("This page does not exist, or it belongs to a village you do not work in.")
    assert message == generic or any(name in message for name in may_name), message
    return message


@pytest.mark.parametrize("code", ["99.99.99.9999", "3403069999", "abc", "34.03.06.200"])
def test_an_unknown_or_invalid_village_code_is_a_readable_404(login, code):
    response = login("manajer").get(f"/wilayah/desa/{code}/")
    # Either the generic "not found" text or a message naming the code (as typed or dotted).
    _assert_readable_404(response, may_name=(code, _dotted(code)))


def test_a_village_outside_the_users_work_is_a_404_like_an_unknown_one(login):
    response = login("pendamping.girisekar").get(f"/wilayah/desa/{SIDOHARJO}/")
    message = _assert_readable_404(response)
    assert "Sidoharjo" not in response.content.decode()  # existence is not revealed
    assert message
