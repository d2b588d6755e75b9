"""The map pages as each demo role sees them."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Household

pytestmark = pytest.mark.django_db


def _data(response) -> dict:
    match = re.search(
        r'<script id="map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page embeds its map data"
    return json.loads(match.group(1))


def test_the_facilitator_sees_each_household_of_the_village_at_its_point(login, demo):
    response = login("pendamping.girisekar").get(reverse("maps:village", args=[GIRISEKAR]))
    assert response.status_code == 200
    data = _data(response)
    located = Household.objects.filter(
        village_id=GIRISEKAR, status="active", latitude__isnull=False
    )
    assert len(data["points"]) == located.count() > 0
    assert data["cells"] == []
    first = located.order_by("pk").first()
    assert data["points"][0][:2] == [round(first.latitude, 6), round(first.longitude, 6)]
    assert data["points"][0][3] == reverse("registry:household-detail", args=[first.pk])
    assert any(place["kind"] == "group" for place in data["places"])
    assert "tile.openstreetmap.org" in data["tiles"]["url"]


def test_a_viewer_s_village_map_page_holds_no_household_coordinate(login, demo):
    response = login("pemantau").get(reverse("maps:village", args=[GIRISEKAR]))
    assert response.status_code == 200
    content = response.content.decode()
    data = _data(response)
    assert data["points"] == [] and data["cells"]
    for latitude, longitude in Household.objects.filter(
        village_id=GIRISEKAR, latitude__isnull=False
    ).values_list("latitude", "longitude"):
        assert str(round(latitude, 6)) not in content
        assert str(round(longitude, 6)) not in content
    # No link to a household either (the menu's household list is a page, not a row).
    assert not re.search(r"/registri/rumah-tangga/\d+/", content)
    assert 'data-testid="aggregated"' in content


def test_the_page_says_in_indonesian_how_many_households_lack_gps(login, demo):
    response = login("pendamping.sidoharjo").get(reverse("maps:village", args=[SIDOHARJO]))
    without = Household.objects.filter(
        village_id=SIDOHARJO, status="active", latitude__isnull=True
    ).count()
    total = Household.objects.filter(village_id=SIDOHARJO, status="active").count()
    assert f"{without} dari {total} rumah tangga belum punya titik GPS" in response.content.decode()


def test_a_village_without_any_gps_point_says_so(login, demo):
    Household.objects.filter(village_id=SIDOHARJO).update(latitude=None, longitude=None)
    response = login("pendamping.sidoharjo").get(reverse("maps:village", args=[SIDOHARJO]))
    assert 'data-testid="without-gps"' in response.content.decode()
    assert _data(response)["points"] == []


def test_the_coverage_gap_colouring_is_chosen_on_the_page(login, demo):
    response = login("pendamping.girisekar").get(
        reverse("maps:village", args=[GIRISEKAR]), {"colour": "gap", "scheme": "pkh"}
    )
    data = _data(response)
    assert [item["code"] for item in data["legend"]] == ["gap", "covered", "not_poor", "unknown"]
    assert {point[2] for point in data["points"]} <= {"gap", "covered", "not_poor", "unknown"}


def test_the_programme_map_places_both_villages_and_a_manager_enters_a_location(login, demo):
    client = login("manajer")
    url = reverse("maps:programme", args=[demo.programme.pk])
    data = _data(client.get(url))
    assert {village["name"] for village in data["villages"]} == {
        demo.villages[GIRISEKAR].name,
        demo.villages[SIDOHARJO].name,
    }
    response = client.post(url, {"village": SIDOHARJO, "latitude": "-8.13", "longitude": ""})
    assert response.status_code == 200  # half a location is refused on the page
    assert response.context["form"].errors == {
        "longitude": ["Isi lintang dan bujur sekaligus, atau kosongkan keduanya."]
    }
    response = client.post(url, {"village": SIDOHARJO, "latitude": "-8.13", "longitude": "110.65"})
    assert response.status_code == 302
    sidoharjo = next(
        v for v in _data(client.get(url))["villages"] if v["url"].endswith(f"{SIDOHARJO}/")
    )
    assert (sidoharjo["lat"], sidoharjo["lng"]) == (-8.13, 110.65)


def test_a_viewer_cannot_enter_a_location(login, demo):
    client = login("pemantau")
    url = reverse("maps:programme", args=[demo.programme.pk])
    response = client.get(url)
    assert 'data-testid="village-location-form"' not in response.content.decode()
    response = client.post(url, {"village": SIDOHARJO, "latitude": "-8.1", "longitude": "110.6"})
    assert response.status_code == 200
    from berdaya.maps.models import VillageLocation

    assert not VillageLocation.objects.exists()


def test_the_village_profile_and_the_programme_link_to_their_maps(login, demo):
    client = login("pemantau")
    profile = client.get(reverse("areas:village-detail", args=[GIRISEKAR])).content.decode()
    assert reverse("maps:village", args=[GIRISEKAR]) in profile
    programme = client.get(reverse("programmes:detail", args=[demo.programme.pk]))
    assert reverse("maps:programme", args=[demo.programme.pk]) in programme.content.decode()
