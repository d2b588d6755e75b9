"""Reads of the maps: households of a village (exact only for those who may see personal
data), its groups, institutions and assets, and a programme's villages.

Who sees what is the access rule's (`core.access`): a user who may see the village's
personal data (facilitators of it, managers, administrators) sees each household at its
GPS point, with a link to it; anyone else (viewers) sees households only counted per grid
cell, placed at the cell's centre, with the breakdown hidden in cells of fewer than
`SMALL_CELL` households. Their page and data hold no household's coordinates at all.
Beyond `BERDAYA_MAP_POINT_LIMIT` households everyone gets the grid, counted in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.community.models import CapitalItem, Institution
from berdaya.community.selectors import figures_organisation
from berdaya.core.access import village_codes_for, visible_to
from berdaya.groups.models import Group
from berdaya.programmes.models import Programme
from berdaya.registry.figures import changes_key
from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.models import Enrolment, Household, SocialProtectionScheme
from berdaya.registry.selectors import households_for_figures, schemes_for

from . import geo
from .models import VillageLocation

POVERTY, GAP = "poverty", "gap"
COLOURINGS = (POVERTY, GAP)
# Categories of the coverage-gap colouring.
GAP_POOR_NOT_ENROLLED, GAP_POOR_ENROLLED, GAP_NOT_POOR = "gap", "covered", "not_poor"
# A grid cell with fewer households shows its count only, not how many are poor.
SMALL_CELL = 5
# The smallest cell for those who may not see personal data (0.005° ≈ 550 m).
AGGREGATE_MIN_CELL = 0.005
# The smallest cell for those who may (when the village is too large for points).
EXACT_MIN_CELL = 0.002
# A programme map shows a village at its households' centroid only when at least this many
# are mapped, for those who may not see personal data (one household's centroid is its home).
CENTROID_MIN_HOUSEHOLDS = 10
# Counting a large village's households per cell reads all of them: the counts are kept
# until one of its households changes (`registry.figures.changes_key`).
COUNTS_TIMEOUT = 24 * 3600


def _categories(colour: str) -> list[tuple[str, str]]:
    if colour == GAP:
        return [
            (GAP_POOR_NOT_ENROLLED, _("Poor, not enrolled")),
            (GAP_POOR_ENROLLED, _("Poor, enrolled")),
            (GAP_NOT_POOR, _("Not poor")),
            (PovertyStatus.UNKNOWN, _("Not known (survey missing)")),
        ]
    return [(key, str(label)) for key, label in PovertyStatus.choices]


@dataclass(frozen=True)
class Legend:
    code: str
    label: str
    count: int


@dataclass
class VillageMap:
    village: Village
    organisation_id: int | None
    exact: bool  # households at their own points (the user may see personal data)
    colour: str
    scheme: SocialProtectionScheme | None
    schemes: list[SocialProtectionScheme]
    households: int  # active households of the village
    without_gps: int
    points: list[list] = field(default_factory=list)  # [lat, lng, category, url]
    cells: list[dict] = field(default_factory=list)
    cell_size: float | None = None
    places: list[dict] = field(default_factory=list)  # groups, institutions, assets
    legend: list[Legend] = field(default_factory=list)

    @property
    def mapped(self) -> int:
        return self.households - self.without_gps

    @property
    def aggregated(self) -> bool:
        return self.cell_size is not None

    def data(self) -> dict:
        """What the page's script draws (embedded with json_script)."""
        return {
            "points": self.points,
            "cells": self.cells,
            "cellSize": self.cell_size,
            "places": self.places,
            "legend": [{"code": item.code, "label": item.label} for item in self.legend],
            "tiles": tiles(),
        }


def tiles() -> dict:
    return {
        "url": settings.BERDAYA_MAP_TILE_URL,
        "attribution": settings.BERDAYA_MAP_TILE_ATTRIBUTION,
    }


def _category_expression(colour: str, scheme: SocialProtectionScheme | None):
    status = Coalesce(F("figures__poverty_status"), Value(PovertyStatus.UNKNOWN))
    if colour != GAP or scheme is None:
        return status
    poor = Q(figures__poverty_status__in=sorted(PovertyStatus.POOR_OR_SEVERE))
    return Case(
        When(poor & Q(enrolled=True), then=Value(GAP_POOR_ENROLLED)),
        When(poor, then=Value(GAP_POOR_NOT_ENROLLED)),
        When(
            Q(figures__isnull=True) | Q(figures__poverty_status=PovertyStatus.UNKNOWN),
            then=Value(PovertyStatus.UNKNOWN),
        ),
        default=Value(GAP_NOT_POOR),
        output_field=CharField(),
    )


def village_map(
    *,
    user,
    village: Village,
    organisation_id: int | None = None,
    colour: str = POVERTY,
    scheme_code: str = "",
) -> VillageMap:
    """The village map as `user` may see it (the village must be one of the user's: the
    view fetched it through `community.selectors.village_for_user`)."""
    organisation_id = figures_organisation(user, village, organisation_id)
    schemes = list(schemes_for([organisation_id])) if organisation_id else []
    colour = colour if colour in COLOURINGS else POVERTY
    scheme = next((s for s in schemes if s.code == scheme_code), None)
    if scheme is None:  # PKH first: the gap the village meeting usually starts from
        scheme = next((s for s in schemes if s.code == "pkh"), schemes[0] if schemes else None)
    if scheme is None:
        colour = POVERTY  # no scheme to measure a gap against
    exact = organisation_id is not None and village.code in village_codes_for(
        user, personal=True, organisation_id=organisation_id
    )
    households = _households(user, village, organisation_id, exact=exact)
    if colour == GAP and scheme is not None:
        households = households.annotate(
            enrolled=Exists(
                Enrolment.objects.filter(
                    household=OuterRef("pk"), scheme=scheme, until__isnull=True
                )
            )
        )
    households = households.annotate(category=_category_expression(colour, scheme))
    located = households.filter(latitude__isnull=False, longitude__isnull=False)
    key = None
    if organisation_id is not None:
        key = changes_key(
            "maps:village",
            organisation_id=organisation_id,
            codes=[village.code],
            parts=(colour, scheme and scheme.pk, exact),
        )
    counted = cache.get(key) if key else None
    if counted is None:
        counted = _village_counts(households, located, exact=exact)
        if key:
            cache.set(key, counted, COUNTS_TIMEOUT)
    total, mapped, counts, cell_size, cells = counted
    result = VillageMap(
        village=village,
        organisation_id=organisation_id,
        exact=exact,
        colour=colour,
        scheme=scheme,
        schemes=schemes,
        households=total,
        without_gps=total - mapped,
        cell_size=cell_size,
        cells=cells,
    )
    result.legend = [
        Legend(code, label, counts.get(code, 0)) for code, label in _categories(colour)
    ]
    if _points_shown(exact, mapped):
        template = reverse("registry:household-detail", args=[0]).replace("/0/", "/{}/")
        result.points = [
            [round(lat, 6), round(lng, 6), category, template.format(pk)]
            for pk, lat, lng, category in located.order_by("pk").values_list(
                "pk", "latitude", "longitude", "category"
            )
        ]
    result.places = _places(user, village, organisation_id)
    return result


def _points_shown(exact: bool, mapped: int) -> bool:
    return exact and mapped <= settings.BERDAYA_MAP_POINT_LIMIT


def _village_counts(households: QuerySet, located: QuerySet, *, exact: bool) -> tuple:
    """(households, mapped, households per category, cell size, cells): what the map shows
    about all of the village's households, counted in the database."""
    total = households.count()
    mapped = located.count()
    counts = dict(located.order_by().values_list("category").annotate(n=Count("pk")))
    cell_size, cells = None, []
    if mapped and not _points_shown(exact, mapped):
        cell_size, cells = _grid(
            located,
            minimum=EXACT_MIN_CELL if exact else AGGREGATE_MIN_CELL,
            suppress=not exact,
        )
    return total, mapped, counts, cell_size, cells


def _households(user, village: Village, organisation_id: int | None, *, exact: bool) -> QuerySet:
    if organisation_id is None:
        return Household.objects.none()
    base = Household.objects.filter(
        organisation_id=organisation_id, village=village, status=Household.Status.ACTIVE
    )
    if exact:
        return visible_to(user, base)
    # For counting only: viewers may count the village's households, never see a row.
    return base.filter(pk__in=households_for_figures(user).values("pk"))


def _grid(located: QuerySet, *, minimum: float, suppress: bool) -> tuple[float, list[dict]]:
    """Households counted per cell of a lattice fixed to the globe (not to the village, so
    the cells' edges say nothing about any household), placed at the cells' centres."""
    extent = located.aggregate(
        south=Min("latitude"), north=Max("latitude"), west=Min("longitude"), east=Max("longitude")
    )
    size = geo.cell_size(
        extent_degrees=max(extent["north"] - extent["south"], extent["east"] - extent["west"]),
        minimum=minimum,
    )
    rows = (
        located.annotate(cell_y=Floor(F("latitude") / size), cell_x=Floor(F("longitude") / size))
        .order_by()
        .values_list("cell_y", "cell_x", "category")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[int, int], dict[str, int]] = {}
    for cell_y, cell_x, category, n in rows:
        key = (int(cell_y), int(cell_x))
        cells.setdefault(key, {})[category] = n
    result = []
    for (cell_y, cell_x), by_category in sorted(cells.items()):
        count = sum(by_category.values())
        hidden = suppress and count < SMALL_CELL
        result.append(
            {
                "lat": geo.cell_centre(cell_y, size),
                "lng": geo.cell_centre(cell_x, size),
                "count": count,
                "categories": {} if hidden else by_category,
            }
        )
    return size, result


def _places(user, village: Village, organisation_id: int | None) -> list[dict]:
    """Groups (for those who may see them), institutions and assets with a location."""
    if organisation_id is None:
        return []
    places = []
    groups = visible_to(
        user,
        Group.objects.filter(
            organisation_id=organisation_id,
            village=village,
            is_active=True,
            latitude__isnull=False,
        ),
    ).order_by("name")
    for group in groups:
        places.append(
            {
                "kind": "group",
                "name": group.name,
                "detail": group.get_kind_display(),
                "lat": group.latitude,
                "lng": group.longitude,
                "url": reverse("groups:detail", args=[group.pk]),
            }
        )
    institutions = visible_to(
        user,
        Institution.objects.filter(
            organisation_id=organisation_id, village=village, latitude__isnull=False
        ),
    ).order_by("name")
    for institution in institutions:
        places.append(
            {
                "kind": "institution",
                "name": institution.name,
                "detail": institution.get_kind_display(),
                "lat": institution.latitude,
                "lng": institution.longitude,
                "url": "",
            }
        )
    items = visible_to(
        user,
        CapitalItem.objects.filter(
            organisation_id=organisation_id, village=village, latitude__isnull=False
        ),
    ).order_by("description")
    for item in items:
        places.append(
            {
                "kind": "asset",
                "name": item.description,
                "detail": item.get_capital_display(),
                "lat": item.latitude,
                "lng": item.longitude,
                "url": "",
            }
        )
    return places


# -- the programme map ------------------------------------------------------------------


@dataclass(frozen=True)
class VillagePlace:
    village: Village
    households: int
    mapped: int
    poor: int
    latitude: float | None
    longitude: float | None
    source: str  # "entered", "households" or "" (not placed)

    def data(self) -> dict:
        return {
            "name": self.village.name,
            "district": self.village.district.name,
            "lat": self.latitude,
            "lng": self.longitude,
            "households": self.households,
            "mapped": self.mapped,
            "poor": self.poor,
            "url": reverse("maps:village", args=[self.village.code]),
        }


@dataclass
class ProgrammeMap:
    programme: Programme
    villages: list[VillagePlace]

    @property
    def unplaced(self) -> list[VillagePlace]:
        return [place for place in self.villages if not place.source]

    def data(self) -> dict:
        return {
            "villages": [place.data() for place in self.villages if place.source],
            "tiles": tiles(),
        }


def may_locate(user, programme: Programme) -> bool:
    """Whether `user` may enter where a village of `programme` is (not viewers)."""
    return bool(village_codes_for(user, personal=True, organisation_id=programme.organisation_id))


def programme_map(*, user, programme: Programme, villages: QuerySet[Village]) -> ProgrammeMap:
    """The programme's villages (those `user` may see: `programmes.selectors.programme_villages`)
    each at its entered location, else at the centroid of its households' GPS points."""
    organisation_id = programme.organisation_id
    codes = [village.code for village in villages]
    personal = village_codes_for(user, personal=True, organisation_id=organisation_id)
    households = Household.objects.filter(
        organisation_id=organisation_id, village_id__in=codes, status=Household.Status.ACTIVE
    ).filter(pk__in=households_for_figures(user).values("pk"))
    key = changes_key("maps:programme", organisation_id=organisation_id, codes=codes)
    rows = cache.get(key)
    if rows is None:
        rows = _programme_counts(households)
        cache.set(key, rows, COUNTS_TIMEOUT)
    entered = {
        location.village_id: location
        for location in visible_to(
            user,
            VillageLocation.objects.filter(organisation_id=organisation_id, village_id__in=codes),
        )
    }
    places = []
    for village in villages:
        row = rows.get(village.code, {})
        mapped = row.get("mapped", 0)
        latitude = longitude = None
        source = ""
        if village.code in entered:
            latitude, longitude = entered[village.code].latitude, entered[village.code].longitude
            source = "entered"
        elif mapped and (village.code in personal or mapped >= CENTROID_MIN_HOUSEHOLDS):
            latitude = round(row["centre_latitude"], 5)
            longitude = round(row["centre_longitude"], 5)
            source = "households"
        places.append(
            VillagePlace(
                village=village,
                households=row.get("total", 0),
                mapped=mapped,
                poor=row.get("poor", 0),
                latitude=latitude,
                longitude=longitude,
                source=source,
            )
        )
    return ProgrammeMap(programme=programme, villages=places)


def _programme_counts(households: QuerySet) -> dict:
    # One grouped query for all villages. The aggregates must not be named like a field of
    # Household (`latitude` would raise FieldError), hence centre_*.
    return {
        row["village_id"]: row
        for row in households.order_by()
        .values("village_id")
        .annotate(
            total=Count("pk"),
            mapped=Count("pk", filter=Q(latitude__isnull=False, longitude__isnull=False)),
            poor=Count(
                "pk", filter=Q(figures__poverty_status__in=sorted(PovertyStatus.POOR_OR_SEVERE))
            ),
            centre_latitude=Avg("latitude", filter=Q(longitude__isnull=False)),
            centre_longitude=Avg("longitude", filter=Q(latitude__isnull=False)),
        )
    }
