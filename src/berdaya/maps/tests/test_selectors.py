"""What each role gets from the maps' selectors, checked against the registry itself."""

from __future__ import annotations

import math
from statistics import fmean

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from berdaya.community.models import Institution
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.groups.models import Group
from berdaya.maps import geo, selectors
from berdaya.maps.models import VillageLocation
from berdaya.maps.services import village_location_set
from berdaya.programmes.selectors import programme_villages
from berdaya.registry.models import Enrolment, Household, HouseholdFigures

pytestmark = pytest.mark.django_db

POOR = {"poor", "severe"}


def _located(code: str):
    return Household.objects.filter(
        village_id=code, status=Household.Status.ACTIVE, latitude__isnull=False
    )


def _map(demo, username: str, code: str = GIRISEKAR, **options):
    return selectors.village_map(user=demo.users[username], village=demo.villages[code], **options)


# -- the grid (worked examples and a property) -------------------------------------------


def test_a_cell_is_the_ladder_step_that_covers_the_extent_in_forty_cells():
    # 0.03° of extent / 40 = 0.00075°, below the minimum: the minimum's step (0.005).
    assert geo.cell_size(extent_degrees=0.03, minimum=0.005) == 0.005
    # 1.0° / 40 = 0.025°: the next step up is 0.05°.
    assert geo.cell_size(extent_degrees=1.0, minimum=0.002) == 0.05
    # Girisekar's office (-8.0357, 110.4417) in 0.005° cells: row floor(-1607.14) = -1608,
    # centre (-1608 + 0.5) × 0.005 = -8.0375; column floor(22088.34) = 22088 → 110.4425.
    assert geo.cell_index(-8.0357, 0.005) == -1608
    assert geo.cell_centre(-1608, 0.005) == -8.0375
    assert geo.cell_centre(geo.cell_index(110.4417, 0.005), 0.005) == 110.4425


@given(
    value=st.floats(min_value=-180, max_value=180, allow_nan=False),
    size=st.sampled_from(geo.CELL_LADDER),
)
def test_a_cell_centre_is_within_half_a_cell_of_every_point_in_it(value, size):
    centre = geo.cell_centre(geo.cell_index(value, size), size)
    assert abs(centre - value) <= size / 2 + 1e-6


# -- the village map -------------------------------------------------------------------


def test_those_who_may_see_personal_data_get_every_located_household_at_its_point(demo):
    for username in ("pendamping.girisekar", "manajer", "admin"):
        village_map = _map(demo, username)
        assert village_map.exact
        expected = {(round(h.latitude, 6), round(h.longitude, 6)) for h in _located(GIRISEKAR)}
        assert {(p[0], p[1]) for p in village_map.points} == expected
        assert village_map.cells == []


def test_a_viewer_gets_counts_per_cell_and_never_a_household_coordinate(demo):
    village_map = _map(demo, "pemantau")
    assert not village_map.exact
    assert village_map.points == []
    assert village_map.cell_size >= selectors.AGGREGATE_MIN_CELL
    located = list(_located(GIRISEKAR))
    assert sum(cell["count"] for cell in village_map.cells) == len(located) > 0
    text = str(village_map.data())
    for household in located:
        assert str(round(household.latitude, 6)) not in text
        assert str(round(household.longitude, 6)) not in text
    size = village_map.cell_size
    # Each household is counted in the cell it falls in, placed at the cell's centre.
    expected: dict[tuple[float, float], int] = {}
    for household in located:
        key = (
            geo.cell_centre(geo.cell_index(household.latitude, size), size),
            geo.cell_centre(geo.cell_index(household.longitude, size), size),
        )
        expected[key] = expected.get(key, 0) + 1
    assert {(c["lat"], c["lng"]): c["count"] for c in village_map.cells} == expected
    for cell in village_map.cells:
        if cell["count"] < selectors.SMALL_CELL:
            assert cell["categories"] == {}
        else:
            assert sum(cell["categories"].values()) == cell["count"]


def test_a_viewer_sees_institutions_and_assets_but_not_groups(demo):
    places = {place["kind"] for place in _map(demo, "pemantau").places}
    assert places == {"institution", "asset"}
    assert "group" in {place["kind"] for place in _map(demo, "pendamping.girisekar").places}


def test_beyond_the_point_limit_the_map_is_counted_per_cell_for_everyone(demo, settings):
    settings.BERDAYA_MAP_POINT_LIMIT = 10
    village_map = _map(demo, "pendamping.girisekar")
    assert village_map.exact and village_map.points == []
    assert village_map.cell_size >= selectors.EXACT_MIN_CELL
    assert sum(cell["count"] for cell in village_map.cells) == _located(GIRISEKAR).count()
    # Those who may see the households see every cell's breakdown.
    assert all(sum(c["categories"].values()) == c["count"] for c in village_map.cells)


def test_the_map_says_how_many_households_have_no_gps_point(demo):
    active = Household.objects.filter(village_id=SIDOHARJO, status=Household.Status.ACTIVE)
    village_map = _map(demo, "pendamping.sidoharjo", SIDOHARJO)
    assert village_map.households == active.count()
    # The demo records no point for every 15th household: 8 of the first 120.
    assert village_map.without_gps == active.filter(latitude__isnull=True).count() == 8
    assert village_map.mapped == village_map.households - 8
    # Viewers get the same counts.
    assert _map(demo, "pemantau", SIDOHARJO).without_gps == 8


def test_poverty_colours_are_the_stored_statuses(demo):
    village_map = _map(demo, "pendamping.girisekar")
    stored = dict(
        HouseholdFigures.objects.filter(household__in=_located(GIRISEKAR)).values_list(
            "household_id", "poverty_status"
        )
    )
    expected: dict[str, int] = {}
    for status in stored.values():
        expected[status] = expected.get(status, 0) + 1
    assert {item.code: item.count for item in village_map.legend if item.count} == expected


def test_the_coverage_gap_colours_the_poor_not_enrolled_in_the_chosen_scheme(demo):
    village_map = _map(demo, "pendamping.girisekar", colour="gap", scheme_code="pkh")
    assert village_map.colour == "gap" and village_map.scheme.code == "pkh"
    located = _located(GIRISEKAR)
    poor = set(
        HouseholdFigures.objects.filter(household__in=located, poverty_status__in=POOR).values_list(
            "household_id", flat=True
        )
    )
    enrolled = set(
        Enrolment.objects.filter(
            household__in=located, scheme__code="pkh", until__isnull=True
        ).values_list("household_id", flat=True)
    )
    legend = {item.code: item.count for item in village_map.legend}
    assert legend["gap"] == len(poor - enrolled) > 0
    assert legend["covered"] == len(poor & enrolled)
    by_point = {p[3]: p[2] for p in village_map.points}
    assert sum(1 for category in by_point.values() if category == "gap") == legend["gap"]


# -- the programme map -----------------------------------------------------------------


def test_each_village_sits_at_the_centroid_of_its_households(demo):
    for username in ("manajer", "pemantau"):
        user = demo.users[username]
        villages = programme_villages(user=user, programme=demo.programme)
        places = {
            place.village.code: place
            for place in selectors.programme_map(
                user=user, programme=demo.programme, villages=villages
            ).villages
        }
        assert set(places) == {GIRISEKAR, SIDOHARJO}
        for code, place in places.items():
            located = list(_located(code))
            assert place.source == "households"
            assert place.mapped == len(located)
            assert math.isclose(place.latitude, fmean(h.latitude for h in located), abs_tol=1e-5)
            assert math.isclose(place.longitude, fmean(h.longitude for h in located), abs_tol=1e-5)


def test_an_entered_location_places_the_village_and_a_viewer_needs_enough_households(
    demo, monkeypatch
):
    manager, viewer = demo.users["manajer"], demo.users["pemantau"]
    village_location_set(
        user=manager,
        organisation_id=demo.organisation.pk,
        village=demo.villages[SIDOHARJO],
        latitude=-8.13,
        longitude=110.65,
    )
    monkeypatch.setattr(selectors, "CENTROID_MIN_HOUSEHOLDS", 10_000)
    villages = programme_villages(user=viewer, programme=demo.programme)
    places = {
        p.village.code: p
        for p in selectors.programme_map(
            user=viewer, programme=demo.programme, villages=villages
        ).villages
    }
    assert (places[SIDOHARJO].latitude, places[SIDOHARJO].source) == (-8.13, "entered")
    # Too few households for a viewer: a centroid would come close to someone's home.
    assert places[GIRISEKAR].source == "" and places[GIRISEKAR].latitude is None


def test_a_village_location_needs_both_coordinates_in_range_and_someone_who_works_there(demo):
    where = {"organisation_id": demo.organisation.pk, "village": demo.villages[GIRISEKAR]}
    with pytest.raises(PermissionDenied):
        village_location_set(user=demo.users["pemantau"], latitude=-8, longitude=110, **where)
    with pytest.raises(ValidationFailed):
        village_location_set(user=demo.users["manajer"], latitude=-8, longitude=None, **where)
    with pytest.raises(ValidationFailed):
        village_location_set(user=demo.users["manajer"], latitude=-91, longitude=110, **where)
    assert not VillageLocation.objects.exists()


def test_the_database_refuses_half_a_location_or_one_out_of_range(demo):
    group = Group.objects.filter(village_id=GIRISEKAR).first()
    institution = Institution.objects.filter(village_id=GIRISEKAR).first()
    for queryset, values in (
        (Group.objects.filter(pk=group.pk), {"latitude": -8.0, "longitude": None}),
        (Group.objects.filter(pk=group.pk), {"latitude": 95.0, "longitude": 110.0}),
        (Institution.objects.filter(pk=institution.pk), {"latitude": None, "longitude": 110.0}),
        (Institution.objects.filter(pk=institution.pk), {"latitude": -8.0, "longitude": 200.0}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**values)
