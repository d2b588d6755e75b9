"""Places on a map: the database rule every located record keeps, and the grid that
counts households per cell so that no home is ever placed exactly for those who may not
see personal data. No Django model here (community and groups import it)."""

from __future__ import annotations

import math

from django.db import models
from django.utils.translation import gettext_lazy as _

# Grid cell sizes in degrees (0.002° ≈ 220 m at the equator). A cell size is always one of
# these, so that the size itself says nothing about where the households are.
CELL_LADDER = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
# At most this many cells along the longer side of the village's extent.
CELLS_PER_SIDE = 40


def location_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Both coordinates or neither, each within its range (latitude ±90, longitude ±180).

    The second branch says "not null" itself: a CHECK passes when it is NULL (unknown), so
    without it half a location (-8, NULL) would be accepted."""
    return [
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True, longitude__isnull=True)
            | models.Q(
                latitude__isnull=False,
                longitude__isnull=False,
                latitude__gte=-90,
                latitude__lte=90,
                longitude__gte=-180,
                longitude__lte=180,
            ),
            name=f"{prefix}_location_valid",
            violation_error_message=_(
                "Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."
            ),
        ),
    ]


def cell_size(*, extent_degrees: float, minimum: float) -> float:
    """The smallest cell of the ladder at least `minimum` wide that covers `extent_degrees`
    in at most CELLS_PER_SIDE cells."""
    wanted = max(minimum, extent_degrees / CELLS_PER_SIDE)
    for size in CELL_LADDER:
        if size >= wanted - 1e-12:
            return size
    return CELL_LADDER[-1]


def cell_index(value: float, size: float) -> int:
    return math.floor(value / size)


def cell_centre(index: int, size: float) -> float:
    """The middle of a cell: what is shown, never a household's own coordinate."""
    return round((index + 0.5) * size, 6)
