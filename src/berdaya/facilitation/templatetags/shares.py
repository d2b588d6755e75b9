"""Template filters for the figures pages: shares as percentages, look-ups in counters."""

from __future__ import annotations

import math
from fractions import Fraction

from django import template

register = template.Library()


def _whole(value) -> int:
    return math.floor(Fraction(value) * 100 + Fraction(1, 2))  # half up, never to even


@register.filter
def percent(value: Fraction | float | None) -> str:
    """An exact share as a whole percentage ("43%"), or "—" when there is nothing to share."""
    if value is None:
        return "—"
    return f"{_whole(value)}%"


@register.filter
def percent_number(value: Fraction | float | None) -> int:
    """The share as a whole number from 0 to 100 (for a progress bar's value)."""
    if value is None:
        return 0
    return max(0, min(100, _whole(value)))


@register.filter
def get(mapping, key):
    """`counter|get:"P"`: a value of a dict or Counter, 0 when missing."""
    if mapping is None:
        return 0
    return mapping.get(key, 0)
