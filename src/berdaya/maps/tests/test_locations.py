"""Locations of groups, institutions and assets: entered through their services, refused
when half given or out of range, by anyone who does not work in the village."""

from __future__ import annotations

import pytest

from berdaya.community import services as community_services
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.demo.community import GIRISEKAR
from berdaya.groups.models import Group
from berdaya.groups.services import group_create, group_locate
from berdaya.maps import selectors

pytestmark = pytest.mark.django_db


def test_a_group_registered_with_its_meeting_place_is_on_the_village_map(demo):
    user = demo.users["pendamping.girisekar"]
    group = group_create(
        user=user,
        organisation_id=demo.organisation.pk,
        village_code=GIRISEKAR,
        name="Kelompok Peta",
        kind=Group.Kind.WOMEN,
        existed_before_programme=False,
        latitude=-8.04,
        longitude=110.44,
    )
    places = selectors.village_map(user=user, village=demo.villages[GIRISEKAR]).places
    assert {"kind": "group", "name": "Kelompok Peta", "lat": -8.04, "lng": 110.44}.items() <= next(
        place for place in places if place["name"] == "Kelompok Peta"
    ).items()
    with pytest.raises(ValidationFailed):
        group_locate(user=user, group=group, latitude=-8.04, longitude=None)
    with pytest.raises(PermissionDenied):
        group_locate(user=demo.users["pemantau"], group=group, latitude=-8.0, longitude=110.0)
    with pytest.raises(PermissionDenied):
        group_locate(
            user=demo.users["pendamping.sidoharjo"], group=group, latitude=-8.0, longitude=110.0
        )


def test_an_institution_needs_both_coordinates(demo):
    where = {
        "user": demo.users["pendamping.girisekar"],
        "organisation": demo.organisation,
        "village": demo.villages[GIRISEKAR],
    }
    with pytest.raises(ValidationFailed) as refused:
        community_services.institution_create(
            **where, kind="other", name="Posyandu", latitude=-8.03, longitude=None
        )
    assert "lintang" in refused.value.message
    institution = community_services.institution_create(
        **where, kind="other", name="Posyandu", latitude=-8.03, longitude=110.44
    )
    assert (institution.latitude, institution.longitude) == (-8.03, 110.44)
