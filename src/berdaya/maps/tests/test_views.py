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
