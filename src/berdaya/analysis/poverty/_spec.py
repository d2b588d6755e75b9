"""The Alkire-Foster specification: dimensions, indicators, weights, cutoffs, k.

Weights and cutoffs are exact rationals (`fractions.Fraction`), parsed from the decimal text a
person wrote: "1/3" is one third, 0.3 is three tenths. So three weights of "1/3" sum to 1 and
three of 0.3 do not. Scores are later computed in integer units of the weights' least common
denominator, so a score equal to k on paper is compared as equal integers.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import AnalysisError

__all__ = ["GLOBAL_MPI", "Condition", "Dimension", "Indicator", "MPISpec"]

ORDERING = ("<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
MEMBERSHIP = ("in", "not in")
OPERATORS = ORDERING + EQUALITY + MEMBERSHIP

Number = int | float | Fraction | Decimal


def as_fraction(value: Any, what: str) -> Fraction:
    """An exact rational from what a person wrote: 1, "1/3", "0.25", 0.25 (read as "0.25")."""
    if isinstance(value, bool) or value is None:
        raise AnalysisError(f'{what} must be a number such as 0.25 or "1/3", not {value!r}')
    try:
        if isinstance(value, Fraction | int | Decimal):
            return Fraction(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            # repr() is the shortest decimal that reads back as this float: 0.1 -> "0.1".
            return Fraction(repr(value))
        if isinstance(value, str):
            return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        pass
    raise AnalysisError(f'{what} must be a number such as 0.25 or "1/3", not {value!r}')


def show(value: Fraction) -> str:
    """A fraction as a person reads it: 1/3 (0.3333)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value} ({float(value):.4g})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Fraction | Decimal) and not isinstance(value, bool)


@dataclass(frozen=True)
class Condition:
    """One comparison: a unit is deprived if `column <deprived_if> cutoff` holds.

    `deprived_if` is one of ``< <= > >= == != in "not in"``; for ``in`` and ``not in`` the
    cutoff is a list. A missing value (null) in `column` makes the condition unknown.
    """

    column: str
    deprived_if: str = "=="
    cutoff: Any = True

    def __post_init__(self) -> None:
        if not isinstance(self.column, str) or not self.column:
            raise AnalysisError(f"a condition needs a column name, not {self.column!r}")
        if self.deprived_if not in OPERATORS:
            allowed = ", ".join(f'"{op}"' for op in OPERATORS)
            raise AnalysisError(
                f"column {self.column!r}: deprived_if {self.deprived_if!r} is not one of {allowed}"
            )
        cutoff = self.cutoff
        if self.deprived_if in MEMBERSHIP:
            if isinstance(cutoff, str | bytes) or not isinstance(cutoff, Iterable):
                raise AnalysisError(
                    f"column {self.column!r}: deprived_if {self.deprived_if!r} needs a list "
                    f"of values as its cutoff, not {cutoff!r}"
                )
            values = tuple(cutoff)
            if not values:
                raise AnalysisError(f"column {self.column!r}: the list of values is empty")
            object.__setattr__(self, "cutoff", values)
        elif self.deprived_if in ORDERING and not _is_number(cutoff):
            raise AnalysisError(
                f"column {self.column!r}: deprived_if {self.deprived_if!r} needs a number as "
                f"its cutoff, not {cutoff!r} ({_kind(cutoff)})"
            )
        elif cutoff is None:
            raise AnalysisError(f"column {self.column!r}: the cutoff is missing")

    @property
    def values(self) -> tuple[Any, ...]:
        """The cutoff as a tuple of values (one value unless the operator is a membership)."""
        return self.cutoff if self.deprived_if in MEMBERSHIP else (self.cutoff,)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if _is_number(value):
        return "a number"
    return type(value).__name__


@dataclass(frozen=True)
class Indicator:
    """An indicator: a name, a weight and when a unit is deprived in it.

    Either one comparison (``column``, ``deprived_if``, ``cutoff``), or several conditions of
    which all (``all=[...]``) or any (``any=[...]``) must hold. With only ``column`` given, the
    column is a true/false flag and true means deprived. The weight may be left out inside a
    `Dimension` that has a weight: the dimension's weight is then split equally.
    """

    name: str
    column: str | None = None
    deprived_if: str = "=="
    cutoff: Any = True
    weight: Any = None
    all: Sequence[Condition] = ()
    any: Sequence[Condition] = ()
    conditions: tuple[Condition, ...] = field(init=False)
    combine: str = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise AnalysisError(
                f"indicator name {self.name!r} must be a plain name (letters, digits, _)"
            )
        given = [bool(self.column), bool(self.all), bool(self.any)]
        if sum(given) != 1:
            raise AnalysisError(
                f"indicator {self.name!r}: give exactly one of column=..., all=[...], any=[...]"
            )
        try:
            if self.column:
                conditions = (Condition(self.column, self.deprived_if, self.cutoff),)
                combine = "all"
                object.__setattr__(self, "cutoff", conditions[0].cutoff)  # a list -> tuple
            else:
                combine = "all" if self.all else "any"
                conditions = tuple(_condition(c) for c in (self.all or self.any))
        except AnalysisError as error:
            raise AnalysisError(f"indicator {self.name!r}: {error}") from None
        object.__setattr__(self, "conditions", conditions)
        object.__setattr__(self, "combine", combine)
        if self.weight is not None:
            weight = as_fraction(self.weight, f"the weight of indicator {self.name!r}")
            if weight <= 0:
                raise AnalysisError(f"indicator {self.name!r}: the weight must be above 0")
            object.__setattr__(self, "weight", weight)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.column for c in self.conditions))

    @property
    def cardinal(self) -> bool:
        """True when the indicator is a number with a threshold below which one is deprived.

        Then the normalised gap (z - x) / z is defined, for M1 and M2 (Alkire & Foster 2011).
        """
        if len(self.conditions) != 1:
            return False
        c = self.conditions[0]
        return c.deprived_if == "<" and _is_number(c.cutoff) and c.cutoff > 0


def _condition(value: Condition | Mapping[str, Any]) -> Condition:
    if isinstance(value, Condition):
        return value
    if isinstance(value, Mapping):
        unknown = set(value) - {"column", "deprived_if", "cutoff"}
        if unknown:
            raise AnalysisError(f"unknown keys in a condition: {', '.join(sorted(unknown))}")
        return Condition(**value)
    raise AnalysisError(f"a condition must be a table of column, deprived_if, cutoff: {value!r}")


@dataclass(frozen=True)
class Dimension:
    """A dimension (health, education, living standards) and its indicators."""

    name: str
    indicators: Sequence[Indicator]
    weight: Any = None

    def __post_init__(self) -> None:
        indicators = tuple(self.indicators)
        if not indicators:
            raise AnalysisError(f"dimension {self.name!r} has no indicators")
        object.__setattr__(self, "indicators", indicators)
        if self.weight is not None:
            weight = as_fraction(self.weight, f"the weight of dimension {self.name!r}")
            object.__setattr__(self, "weight", weight)
            unweighted = [i for i in indicators if i.weight is None]
            if len(unweighted) == len(indicators):
                share = weight / len(indicators)
                indicators = tuple(replace(i, weight=share) for i in indicators)
                object.__setattr__(self, "indicators", indicators)
            elif unweighted:
                raise AnalysisError(
                    f"dimension {self.name!r}: give a weight to every indicator or to none "
                    f"(missing: {', '.join(i.name for i in unweighted)})"
                )
            total = sum((i.weight for i in indicators), Fraction(0))
            if total != weight:
                raise AnalysisError(
                    f"dimension {self.name!r}: the indicator weights sum to {show(total)}, "
                    f"but the dimension's weight is {show(weight)}"
                )
        else:
            for indicator in indicators:
                if indicator.weight is None:
                    raise AnalysisError(
                        f"indicator {indicator.name!r} has no weight (and dimension "
                        f"{self.name!r} has none to share)"
                    )
            object.__setattr__(self, "weight", sum((i.weight for i in indicators), Fraction(0)))


@dataclass(frozen=True)
class MPISpec:
    """A multidimensional poverty measure: dimensions, indicators and cutoffs.

    `k` is the poverty cutoff (a unit is poor when its deprivation score is at least k);
    `vulnerable_from` the lower end of vulnerability (vulnerable: vulnerable_from <= score < k);
    `severe_from` the cutoff of severe poverty (score >= severe_from). Weights must sum to 1
    exactly, as rationals.
    """

    dimensions: Sequence[Dimension]
    k: Any = Fraction(1, 3)
    vulnerable_from: Any = Fraction(1, 5)
    severe_from: Any = Fraction(1, 2)
    name: str = "MPI"

    def __post_init__(self) -> None:
        dimensions = tuple(self.dimensions)
        if not dimensions:
            raise AnalysisError("the spec has no dimensions")
        object.__setattr__(self, "dimensions", dimensions)
        for attribute in ("k", "vulnerable_from", "severe_from"):
            value = as_fraction(getattr(self, attribute), attribute)
            if not 0 < value <= 1:
                raise AnalysisError(f"{attribute} must be above 0 and at most 1, not {show(value)}")
            object.__setattr__(self, attribute, value)
        if self.vulnerable_from > self.k:
            raise AnalysisError(
                f"vulnerable_from ({show(self.vulnerable_from)}) is above k ({show(self.k)})"
            )
        names = [i.name for i in self.indicators]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise AnalysisError(f"indicator names must be unique: {', '.join(duplicates)}")
        total = sum((i.weight for i in self.indicators), Fraction(0))
        if total != 1:
            raise AnalysisError(
                f"the weights sum to {show(total)}, not 1 (write thirds and sixths as "
                f'fractions, e.g. "1/3", so that they add up exactly)'
            )

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the spec reads, in order."""
        return tuple(dict.fromkeys(c for i in self.indicators for c in i.columns))

    @property
    def cardinal(self) -> bool:
        """True when every indicator is cardinal, so M1 and M2 are defined."""
        return all(i.cardinal for i in self.indicators)

    def dimension_of(self, indicator: Indicator) -> Dimension:
        return next(d for d in self.dimensions if indicator in d.indicators)

    # -- reading ------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MPISpec:
        """A spec from a mapping shaped like the TOML file (see `from_toml`)."""
        data = dict(data)
        unknown = set(data) - {"name", "k", "vulnerable_from", "severe_from", "dimensions"}
        if unknown:
            raise AnalysisError(f"unknown keys in the spec: {', '.join(sorted(unknown))}")
        dimensions = []
        for number, raw in enumerate(data.pop("dimensions", None) or [], start=1):
            if not isinstance(raw, Mapping):
                raise AnalysisError(f"dimension {number} must be a table")
            raw = dict(raw)
            name = raw.pop("name", f"dimension_{number}")
            indicators = [_indicator(i, name) for i in raw.pop("indicators", None) or []]
            unknown = set(raw) - {"weight"}
            if unknown:
                raise AnalysisError(
                    f"dimension {name!r}: unknown keys {', '.join(sorted(unknown))}"
                )
            dimensions.append(Dimension(name=name, indicators=indicators, **raw))
        return cls(dimensions=dimensions, **data)

    @classmethod
    def from_toml(cls, path: str | Path) -> MPISpec:
        """A spec from a TOML file; see `from_toml_string` for the format."""
        path = Path(path)
        if not path.is_file():
            raise AnalysisError(f"spec file not found: {path}")
        return cls.from_toml_string(path.read_text(encoding="utf-8"), source=str(path))

    @classmethod
    def from_toml_string(cls, text: str, *, source: str = "the spec") -> MPISpec:
        """A spec from TOML text::

        name = "Global MPI"
        k = "1/3"                      # fractions written as text are exact

        [[dimensions]]
        name = "education"
        weight = "1/3"                 # shared equally by its indicators

        [[dimensions.indicators]]
        name = "years_of_schooling"
        column = "max_years_schooling"
        deprived_if = "<"
        cutoff = 6
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise AnalysisError(f"{source} is not valid TOML: {error}") from None
        return cls.from_dict(data)


def _indicator(raw: Any, dimension: str) -> Indicator:
    if not isinstance(raw, Mapping):
        raise AnalysisError(f"dimension {dimension!r}: each indicator must be a table")
    raw = dict(raw)
    allowed = {"name", "column", "deprived_if", "cutoff", "weight", "all", "any"}
    unknown = set(raw) - allowed
    if unknown:
        raise AnalysisError(
            f"indicator {raw.get('name', '?')!r}: unknown keys {', '.join(sorted(unknown))}"
        )
    if "name" not in raw:
        raise AnalysisError(f"dimension {dimension!r}: an indicator has no name")
    for key in ("all", "any"):
        if key in raw:
            raw[key] = tuple(_condition(c) for c in raw[key])
    return Indicator(**raw)


#: Solid cooking fuels in the global MPI: dung, agricultural crop, shrubs, wood, charcoal, coal.
SOLID_FUELS = ("wood", "charcoal", "coal", "dung", "crop_residue", "shrubs")

#: The global MPI (UNDP and OPHI, 2018 revision): ten household-level indicators in three
#: equally weighted dimensions, k = 1/3. Column names are those the mapping survey's household
#: table provides (see docs/analysis.md).
GLOBAL_MPI = MPISpec(
    name="Global MPI (UNDP/OPHI)",
    k=Fraction(1, 3),
    dimensions=(
        Dimension(
            "health",
            weight=Fraction(1, 3),
            indicators=(
                Indicator("nutrition", column="undernourished_member"),
                Indicator("child_mortality", column="child_death_5y"),
            ),
        ),
        Dimension(
            "education",
            weight=Fraction(1, 3),
            indicators=(
                Indicator(
                    "years_of_schooling", column="max_years_schooling", deprived_if="<", cutoff=6
                ),
                Indicator(
                    "school_attendance", column="children_out_of_school", deprived_if=">", cutoff=0
                ),
            ),
        ),
        Dimension(
            "living_standards",
            weight=Fraction(1, 3),
            indicators=(
                Indicator(
                    "cooking_fuel", column="cooking_fuel", deprived_if="in", cutoff=SOLID_FUELS
                ),
                Indicator(
                    "sanitation", column="improved_sanitation", deprived_if="==", cutoff=False
                ),
                Indicator(
                    "drinking_water", column="safe_drinking_water", deprived_if="==", cutoff=False
                ),
                Indicator("electricity", column="has_electricity", deprived_if="==", cutoff=False),
                Indicator("housing", column="adequate_housing", deprived_if="==", cutoff=False),
                Indicator(
                    "assets",
                    all=(
                        Condition("small_assets", "<=", 1),
                        Condition("owns_car", "==", False),
                    ),
                ),
            ),
        ),
    ),
)
