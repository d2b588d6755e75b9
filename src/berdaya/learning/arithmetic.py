"""Exact arithmetic of indicator values and their disaggregations (no Django, no floats).

A value is a numerator and, for a share or a ratio, a denominator. A disaggregation
splits a total by one dimension (sex, age band, ...) into categories; the category
"unknown" is never typed: it is what remains of the total once the known categories are
counted, so every dimension sums to the total by construction. A known part larger than
the total cannot be split that way and is refused (`DoesNotAddUp`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Value:
    numerator: int
    denominator: int | None = None  # None: a count

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator or 1)


class ValueError_(Exception):
    """A value that is not a whole, non-negative count or a proper share."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class DoesNotAddUp(ValueError_):
    pass


def check_value(value: Value, *, share: bool, ratio: bool = False, part: bool = False) -> None:
    """A count is a whole number ≥ 0; a share has 0 ≤ numerator ≤ denominator, denominator > 0.

    A part of a breakdown may be "0 of 0" (nobody in that category)."""
    for number in (value.numerator, value.denominator):
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            raise ValueError_("not_whole")
    if value.numerator < 0:
        raise ValueError_("negative")
    if share or ratio:
        empty_part = part and value.denominator == 0 and value.numerator == 0
        if value.denominator is None or (value.denominator <= 0 and not empty_part):
            raise ValueError_("no_denominator")
        if share and value.numerator > value.denominator:
            raise ValueError_(
                "numerator_above_denominator",
                numerator=value.numerator,
                denominator=value.denominator,
            )
    elif value.denominator is not None:
        raise ValueError_("count_has_denominator")


def total_of(parts: Mapping[str, Value], *, share: bool) -> Value:
    numerator = sum(p.numerator for p in parts.values())
    denominator = sum(p.denominator or 0 for p in parts.values()) if share else None
    return Value(numerator, denominator)


def split(
    total: Value,
    known: Mapping[str, Value],
    *,
    share: bool,
    dimension: str = "",
) -> dict[str, Value]:
    """The known parts plus the derived "unknown" part; their sum is exactly `total`."""
    if UNKNOWN in known:
        raise ValueError_("unknown_typed", dimension=dimension)
    for value in known.values():
        check_value(value, share=share, part=True)
    counted = total_of(known, share=share)
    if counted.numerator > total.numerator or (share and counted.denominator > total.denominator):
        raise DoesNotAddUp(
            "does_not_add_up",
            dimension=dimension,
            counted=counted.numerator
            if counted.numerator > total.numerator
            else counted.denominator,
            total=total.numerator if counted.numerator > total.numerator else total.denominator,
        )
    rest = Value(
        total.numerator - counted.numerator,
        (total.denominator - counted.denominator) if share else None,
    )
    if share and rest.numerator > rest.denominator:
        raise DoesNotAddUp(
            "unknown_share_impossible",
            dimension=dimension,
            counted=rest.numerator,
            total=rest.denominator,
        )
    return {**known, UNKNOWN: rest}


def disaggregate(
    total: Value | None,
    parts: Mapping[str, Mapping[str, Value]],
    *,
    dimensions: Iterable[str],
    share: bool,
) -> tuple[Value, dict[str, dict[str, Value]]]:
    """The total (typed once, or the sum of the first dimension given) and every dimension's
    categories including "unknown"; a dimension with no parts is all "unknown"."""
    dimensions = list(dimensions)
    extra = set(parts) - set(dimensions)
    if extra:
        raise ValueError_("dimension_not_enabled", dimension=sorted(extra)[0])
    if total is None:
        given = [d for d in dimensions if parts.get(d)]
        if not given:
            raise ValueError_("no_total")
        total = total_of(parts[given[0]], share=share)
    check_value(total, share=share)
    result = {
        dimension: split(total, parts.get(dimension, {}), share=share, dimension=dimension)
        for dimension in dimensions
    }
    return total, result
