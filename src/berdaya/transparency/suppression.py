"""Small-cell suppression for the public page: no figure from fewer than 10 households.

Every figure the page may show is kept as a *cell*: its value and the number of
households it was computed from. Only `show` and `show_breakdown` turn cells into what
the page prints, so a figure cannot reach the page without passing the threshold.

In a breakdown (villages, stages) a single hidden cell could be worked out from the
total and the other cells, so the next smallest cell is hidden with it (secondary
suppression, as statistics offices do for published tables).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

MIN_HOUSEHOLDS = 10


def cell(value: Any, households: int) -> dict:
    """A figure and the number of households it was computed from (JSON, to be stored)."""
    return {"value": value, "households": int(households)}


@dataclass(frozen=True)
class Shown:
    """What the page prints for a cell: the value, or nothing and why."""

    value: Any = None
    suppressed: bool = False  # fewer than MIN_HOUSEHOLDS households: "—" with a note

    @property
    def missing(self) -> bool:
        """Not suppressed, but nothing measured yet (also printed as "—")."""
        return not self.suppressed and self.value is None


HIDDEN = Shown(None, suppressed=True)


def _too_small(item: Mapping) -> bool:
    return int(item["households"]) < MIN_HOUSEHOLDS


def show(item: Mapping) -> Shown:
    if _too_small(item):
        return HIDDEN
    return Shown(item["value"])


def show_breakdown(items: Mapping[Hashable, Mapping]) -> dict[Hashable, Shown]:
    """The cells of one breakdown, with a lone hidden cell protected by a second one."""
    hidden = {key for key, item in items.items() if _too_small(item)}
    if len(hidden) == 1 and len(items) > 1:
        rest = sorted(
            (int(item["households"]), str(key), key)
            for key, item in items.items()
            if key not in hidden
        )
        hidden.add(rest[0][2])
    return {key: HIDDEN if key in hidden else Shown(item["value"]) for key, item in items.items()}
