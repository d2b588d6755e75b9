"""Showing exact values: fractions as percentages without floating-point surprises."""

from __future__ import annotations

from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A Fraction 0–1 as a whole percentage, rounded half up ("67%")."""
    if value is None:
        return "—"
    hundred = Fraction(value) * 100
    return f"{int(hundred + Fraction(1, 2))}%"


@register.filter
def exact(value) -> str:
    """A Fraction as a number with at most two decimals ("2.5", "3")."""
    if value is None:
        return "—"
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    cents = int(value * 100 + Fraction(1, 2)) if value >= 0 else -int(-value * 100 + Fraction(1, 2))
    whole, part = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}{whole}.{part:02d}".rstrip("0").rstrip(".")


@register.filter
def met(row, cell):
    """Whether the actual reached the target, by the indicator's direction."""
    return row.met(cell)


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
