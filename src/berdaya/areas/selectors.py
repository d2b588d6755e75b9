"""Reading areas. Area names and codes are public reference data, not personal data."""

from __future__ import annotations

import contextlib

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from berdaya.core.errors import NotFound, ValidationFailed

from .codes import normalise_code
from .models import Village


def village_search(*, query: str, limit: int = 20) -> QuerySet[Village]:
    """Villages whose name contains `query` or whose code starts with it."""
    text = (query or "").strip()
    if len(text) < 2:
        return Village.objects.none()
    condition = Q(name__icontains=text)
    with contextlib.suppress(ValidationFailed):  # not a code: search by name only
        condition |= Q(code__startswith=normalise_code(text))
    return (
        Village.objects.filter(condition)
        .select_related("district__regency__province")
        .order_by("name", "code")[:limit]
    )


def village_get(*, code: str) -> Village:
    """The village with this code, or a NotFound the user can read."""
    normalised = normalise_code(code)
    village = (
        Village.objects.select_related("district__regency__province")
        .filter(code=normalised)
        .first()
    )
    if village is None:
        raise NotFound(
            _("No village has the code %(code)s. Check the code or search by name.")
            % {"code": normalised}
        )
    return village
