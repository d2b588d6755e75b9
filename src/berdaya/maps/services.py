"""Writes of the maps app: where a village is (when its households' GPS cannot say)."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed

from .models import VillageLocation


def location_check(latitude: float | None, longitude: float | None) -> None:
    """Both coordinates or neither, each in range (the database checks it too)."""
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise ValidationFailed(
            _("Give both latitude and longitude, or neither."),
            field="latitude" if latitude is None else "longitude",
        )
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise ValidationFailed(_("Latitude is from -90 to 90."), field="latitude")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise ValidationFailed(_("Longitude is from -180 to 180."), field="longitude")


@transaction.atomic
def village_location_set(
    *,
    user,
    organisation_id: int,
    village: Village,
    latitude: float | None,
    longitude: float | None,
) -> VillageLocation | None:
    """Enter (or, with neither coordinate, remove) where the village is on the programme map.
    Facilitators of the village, managers and administrators may."""
    if village.code not in village_codes_for(user, personal=True, organisation_id=organisation_id):
        raise PermissionDenied(_("You do not work in this village."))
    location_check(latitude, longitude)
    if latitude is None:
        VillageLocation.objects.filter(organisation_id=organisation_id, village=village).delete()
        return None
    location, _created = VillageLocation.objects.update_or_create(
        organisation_id=organisation_id,
        village=village,
        defaults={"latitude": latitude, "longitude": longitude, "recorded_by": user},
    )
    return location
