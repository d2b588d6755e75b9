"""The demo's places on the map: households' GPS points around their hamlets, and where
groups meet, institutions work and assets are (set through the services)."""

from __future__ import annotations

import math
import random

from berdaya.community import services as community_services
from berdaya.community.models import Capital, CapitalItem, Institution
from berdaya.groups.models import Group
from berdaya.groups.services import group_locate

# Near the village offices of Girisekar (Panggang) and Sidoharjo (Tepus), Gunungkidul.
VILLAGE_CENTRES = {
    "34.03.06.2002": (-8.0357, 110.4417),
    "34.03.07.2003": (-8.1312, 110.6486),
}
HAMLET_RADIUS = 0.008  # degrees (about 900 m) from the village centre
SPREAD = 0.0012  # households scatter about 130 m around their hamlet's centre
# Every so many households the survey recorded no GPS point (the map says how many).
WITHOUT_GPS_EVERY = 15


def hamlet_centre(code: str, hamlet_index: int, hamlets: int) -> tuple[float, float]:
    latitude, longitude = VILLAGE_CENTRES[code]
    angle = 2 * math.pi * hamlet_index / hamlets
    return (
        round(latitude + HAMLET_RADIUS * math.sin(angle), 6),
        round(longitude + HAMLET_RADIUS * math.cos(angle), 6),
    )


def household_location(
    code: str, hamlet_index: int, hamlets: int, number: int
) -> tuple[float | None, float | None]:
    """A household's GPS point (its own generator, so the rest of the demo is unchanged)."""
    if number % WITHOUT_GPS_EVERY == WITHOUT_GPS_EVERY - 1:
        return None, None
    rng = random.Random(f"{code}-{number}")
    latitude, longitude = hamlet_centre(code, hamlet_index, hamlets)
    return (
        round(latitude + rng.gauss(0, SPREAD), 6),
        round(longitude + rng.gauss(0, SPREAD), 6),
    )


def demo_maps(community) -> None:
    """Put the demo's groups, institutions and physical or natural assets on the map."""
    from .names import HAMLETS

    facilitators = {
        "34.03.06.2002": community.users["pendamping.girisekar"],
        "34.03.07.2003": community.users["pendamping.sidoharjo"],
    }
    organisation = community.organisation
    for code, user in facilitators.items():
        hamlets = len(HAMLETS[code])
        groups = Group.objects.filter(organisation=organisation, village_id=code).order_by("pk")
        for index, group in enumerate(groups):
            latitude, longitude = hamlet_centre(code, index % hamlets, hamlets)
            group_locate(
                user=user, group=group, latitude=latitude + 0.0004, longitude=longitude + 0.0004
            )
        institutions = Institution.objects.filter(
            organisation=organisation, village_id=code, active=True
        ).order_by("pk")
        for index, institution in enumerate(institutions[:3]):
            latitude, longitude = hamlet_centre(code, (index + 2) % hamlets, hamlets)
            community_services.institution_update(
                user=user,
                institution=institution,
                latitude=latitude - 0.0005,
                longitude=longitude + 0.0006,
            )
        items = CapitalItem.objects.filter(
            organisation=organisation,
            village_id=code,
            capital__in=[Capital.PHYSICAL, Capital.NATURAL],
        ).order_by("pk")
        latitude, longitude = VILLAGE_CENTRES[code]
        for index, item in enumerate(items[:2]):
            community_services.capital_item_update(
                user=user,
                item=item,
                latitude=round(latitude - 0.003 * (index + 1), 6),
                longitude=round(longitude + 0.002 * (index + 1), 6),
            )
