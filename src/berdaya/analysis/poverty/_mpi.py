"""Alkire-Foster multidimensional poverty: scores, H, A, M0 (M1, M2), headcounts, decomposition.

Scores are integers. Every weight w_j is a rational; with D the least common denominator of
the weights, W_j = w_j * D is an integer and a unit's score in units of 1/D is the integer
sum of the W_j it is deprived in. "Poor" is score >= ceil(k * D), an integer comparison, so a
score equal to k on paper is poor on every backend. Ratios (H, A, M0, headcounts,
contributions) are one division of two integers, which every backend rounds the same way.

Reference: Alkire, S. and Foster, J. (2011) "Counting and multidimensional poverty
measurement", Journal of Public Economics 95(7-8): 476-487.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from functools import cached_property, reduce
from typing import Any

import ibis
import ibis.expr.types as ir

from ..errors import AnalysisError
from ._spec import EQUALITY, GLOBAL_MPI, MEMBERSHIP, ORDERING, Condition, Indicator, MPISpec
from ._tables import (
    as_columns,
    as_table,
    count_if,
    ratio,
    refuse_clashes,
    require_columns,
    weight_of,
)

__all__ = ["MISSING_RULES", "AlkireFoster", "MPIResult"]

#: How a unit with a missing indicator is treated (see `AlkireFoster`).
MISSING_RULES = ("drop", "reweight")

# Beyond this many score units the integer sums could lose exactness in float64 ratios.
_MAX_SCALE = 2**31


class MPIResult:
    """The result of `AlkireFoster.compute`: lazy Ibis tables.

    * ``units`` — the input table plus, per unit: ``deprived_<indicator>`` (true/false, null
      when unknown), ``included`` (false when the missing-data rule dropped the unit),
      ``score_units`` (the deprivation score as an integer number of 1/``score_scale``),
      ``score`` (the same, 0 to 1), ``poor`` (score >= k), ``vulnerable``
      (vulnerable_from <= score < k), ``severe`` (score >= severe_from).
    * ``groups`` — one row per group of the ``by`` columns (one row if none): see
      docs/analysis.md for the columns (H, A, M0, headcounts, contributions).
    * ``overall`` — the same columns for the whole table, without the ``by`` columns.
    * ``indicators`` — one row per group and indicator: ``position`` (in the spec),
      ``indicator``, ``dimension``, ``weight``, ``uncensored_headcount``,
      ``censored_headcount``, ``contribution`` (%).
    * ``overall_indicators`` — the same for the whole table.

    ``score_scale`` is the number of score units in a score of 1 and ``poor_from_units``
    the smallest poor score in those units, so ``Fraction(score_units, score_scale)`` is a
    unit's exact score. The tables are built when first used.
    """

    def __init__(
        self, estimator: AlkireFoster, work: ir.Table, columns: list[str], by: tuple[str, ...]
    ) -> None:
        self._estimator = estimator
        self._work = work
        self.units: ir.Table = work.select(*columns)
        self.spec: MPISpec = estimator.spec
        self.by = by
        self.score_scale: int = estimator.score_scale
        self.poor_from_units: int = estimator._poor_from

    def __repr__(self) -> str:
        by = f", by={list(self.by)}" if self.by else ""
        return f"MPIResult({self.spec.name!r}{by})"

    @cached_property
    def groups(self) -> ir.Table:
        return self._estimator._aggregate(self._work, self.by) if self.by else self.overall

    @cached_property
    def overall(self) -> ir.Table:
        return self._estimator._aggregate(self._work, ())

    @cached_property
    def indicators(self) -> ir.Table:
        return self._estimator._long(self.groups, self.by)

    @cached_property
    def overall_indicators(self) -> ir.Table:
        return self._estimator._long(self.overall, ())


class AlkireFoster:
    """The Alkire-Foster method with a spec, per-unit weights and a missing-data rule.

    Parameters
    ----------
    spec:
        The dimensions, indicators, weights and cutoffs (`MPISpec`); the global MPI by default.
    weight_column:
        A column of unit weights, e.g. ``"household_size"`` so that figures are shares of
        people rather than of households. None counts every unit once.
    missing:
        ``"drop"`` (default): a unit with any indicator missing, or a missing weight, is left
        out of every figure and counted in the ``dropped`` column. ``"reweight"``: a missing
        indicator's weight is shared by the indicators of its dimension that are known, in
        proportion to their weights; a unit is dropped only when a whole dimension is unknown.

    Example
    -------
    >>> result = AlkireFoster(weight_column="household_size").compute(households, by="village")
    >>> result.groups.to_pandas()                      # doctest: +SKIP
    """

    def __init__(
        self,
        spec: MPISpec = GLOBAL_MPI,
        *,
        weight_column: str | None = None,
        missing: str = "drop",
    ) -> None:
        if not isinstance(spec, MPISpec):
            raise AnalysisError(f"spec must be an MPISpec, not {type(spec).__name__}")
        if missing not in MISSING_RULES:
            raise AnalysisError(f"missing must be one of {', '.join(MISSING_RULES)}: {missing!r}")
        self.spec = spec
        self.weight_column = weight_column
        self.missing = missing
        indicators = spec.indicators
        denominator = math.lcm(*(i.weight.denominator for i in indicators))
        self._units_of = {i.name: int(i.weight * denominator) for i in indicators}
        self._dimension_units = {
            d.name: sum(self._units_of[i.name] for i in d.indicators) for d in spec.dimensions
        }
        multiplier = 1
        if missing == "reweight":
            self._sums = {
                d.name: _subset_sums([self._units_of[i.name] for i in d.indicators])
                for d in spec.dimensions
            }
            multiplier = math.lcm(*(s for sums in self._sums.values() for s in sums))
        self._multiplier = multiplier
        self.score_scale = denominator * multiplier
        if self.score_scale > _MAX_SCALE:
            raise AnalysisError(
                f"the weights need {self.score_scale} score units; use simpler fractions"
            )
        scale = self.score_scale
        self._poor_from = math.ceil(spec.k * scale)
        self._vulnerable_from = math.ceil(spec.vulnerable_from * scale)
        self._severe_from = math.ceil(spec.severe_from * scale)

    def __repr__(self) -> str:
        return (
            f"AlkireFoster(spec={self.spec.name!r}, weight_column={self.weight_column!r}, "
            f"missing={self.missing!r})"
        )

    # -- public -------------------------------------------------------------------------------

    def compute(self, table: Any, *, by: str | Iterable[str] | None = None) -> MPIResult:
        """Scores per unit and the measures for the whole table and per group of `by`."""
        table = as_table(table)
        by = as_columns(by)
        for indicator in self.spec.indicators:
            require_columns(table, indicator.columns, f"indicator {indicator.name!r}")
        require_columns(table, by, "group by")
        if self.weight_column is not None:
            require_columns(table, [self.weight_column], "weight")
        public = self._unit_columns()
        refuse_clashes(table, public)
        produced = {c.lower() for c in self._group_columns()}
        clash = {c for c in by if c.lower() in produced}
        if clash:
            raise AnalysisError(f"cannot group by {', '.join(sorted(clash))}: a result column")
        return MPIResult(self, self._work(table), [*table.columns, *public], by)

    # -- per unit -----------------------------------------------------------------------------

    def _unit_columns(self) -> list[str]:
        deprived = [f"deprived_{i.name}" for i in self.spec.indicators]
        return [*deprived, "included", "score_units", "score", "poor", "vulnerable", "severe"]

    def _group_columns(self) -> list[str]:
        names = ["units", "dropped", "population", "population_share", "poor_population"]
        names += ["vulnerable_population", "severe_population", "censored_score"]
        names += ["H", "A", "M0", "M1", "M2", "vulnerable_ratio", "severe_ratio"]
        names += ["contribution_to_M0"]
        for indicator in self.spec.indicators:
            for kind in ("uncensored", "censored", "contribution"):
                names.append(f"{kind}_{indicator.name}")
        return names

    def _weight(self, table: ir.Table) -> ir.NumericValue:
        """The unit weight, as 32-bit integers when weight times score cannot overflow them.

        Sums of 32-bit integers are markedly faster than of 64-bit ones on DuckDB (they
        accumulate in 64 bits instead of 128); a household size is a small integer.
        """
        if self.weight_column is None:
            return ibis.literal(1, type="int32")
        weight = weight_of(table, self.weight_column)
        kind = table[self.weight_column].type()
        if kind.is_integer() and 2 ** (8 * kind.nbytes) * self.score_scale < 2**31:
            return weight.cast("int32")
        return weight

    def _work(self, table: ir.Table) -> ir.Table:
        spec = self.spec
        indicators = spec.indicators
        # Step 1: each indicator's deprivation (true/false/null) and the unit weight.
        columns: dict[str, ir.Value] = {
            f"deprived_{i.name}": _deprived(table, i) for i in indicators
        }
        columns["_w"] = self._weight(table)
        if spec.cardinal:
            for power in (1, 2):
                for i in indicators:
                    columns[f"_gap{power}_{i.name}"] = _gap(table, i, power)
        work = table.mutate(**columns)
        # Step 2: deprivations as 0/1 integers (null stays null).
        work = work.mutate(
            **{f"_d_{i.name}": work[f"deprived_{i.name}"].cast("int32") for i in indicators}
        )
        flags = {i.name: work[f"_d_{i.name}"] for i in indicators}
        # Step 3: the integer score. Under "drop" the sum is null exactly when an indicator
        # is unknown, which is when the unit is dropped: no extra test.
        effective: dict[str, ir.IntegerValue] = {}
        step3: dict[str, ir.Value] = {}
        if self.missing == "drop":
            for i in indicators:
                effective[i.name] = ibis.literal(self._units_of[i.name], "int32")
            step3["_score"] = _sum(flags[n] * e for n, e in effective.items())
        else:
            known = []
            for dimension in spec.dimensions:
                available = _sum(
                    flags[i.name].notnull().cast("int32") * self._units_of[i.name]
                    for i in dimension.indicators
                )
                known.append(available > 0)
                factor = available.substitute(
                    {s: self._multiplier // s for s in self._sums[dimension.name]}, else_=0
                ).cast("int32")
                for i in dimension.indicators:
                    units = self._dimension_units[dimension.name] * self._units_of[i.name]
                    effective[i.name] = factor * units
            score = _sum((flags[n] * e).fill_null(0) for n, e in effective.items())
            every_dimension = reduce(lambda a, b: a & b, known)
            step3["_score"] = ibis.ifelse(every_dimension, score, ibis.null("int32"))
            step3.update({f"_e_{n}": e for n, e in effective.items()})
        if spec.cardinal:
            for power in (1, 2):
                step3[f"_g{power}"] = _sum(
                    work[f"_gap{power}_{n}"] * ratio(e, ibis.literal(self.score_scale))
                    for n, e in effective.items()
                )
        work = work.mutate(**step3)
        # Step 4: included units and their score.
        included = work._score.notnull()
        if self.weight_column is not None:
            included = included & work._w.notnull()
        work = work.mutate(score_units=work._score.cast("int32"), included=included)
        # Step 5: flags by integer comparison (null for dropped units, as the score is null).
        units = work.score_units
        poor = units >= self._poor_from
        zero = ibis.literal(0, type=work._w.type())
        return work.mutate(
            score=ratio(units, ibis.literal(self.score_scale)),
            poor=poor,
            vulnerable=(units >= self._vulnerable_from) & (units < self._poor_from),
            severe=units >= self._severe_from,
            _iw=ibis.ifelse(work.included, work._w, zero),
            _pw=ibis.ifelse(poor, work._w, zero),
        )

    # -- per group ----------------------------------------------------------------------------

    def _aggregate(self, work: ir.Table, by: tuple[str, ...]) -> ir.Table:
        spec = self.spec
        w = work._w
        # Sums of products of small integers, which engines vectorise well: _iw is the weight
        # of an included unit (else 0), _pw that of a poor unit (else 0), and deprived_* cast
        # to 0/1 (null when unknown, and sums skip nulls).
        iw, pw = work._iw, work._pw
        metrics: dict[str, ir.Scalar] = {
            "units": work.included.cast("int32").sum(),
            "_rows": work.count(),
            "population": iw.sum(),
            "poor_population": pw.sum(),
            "vulnerable_population": count_if(work.vulnerable, w),
            "severe_population": count_if(work.severe, w),
            "censored_score": (pw * work.score_units).sum(),
        }
        if spec.cardinal:
            for power in (1, 2):
                metrics[f"_m{power}"] = (pw.cast("float64") * work[f"_g{power}"]).sum()
        for indicator in spec.indicators:
            deprived = work[f"_d_{indicator.name}"]
            metrics[f"_u_{indicator.name}"] = (iw * deprived).sum()
            metrics[f"_c_{indicator.name}"] = (pw * deprived).sum()
            if self.missing == "reweight":
                metrics[f"_x_{indicator.name}"] = (
                    pw * deprived * work[f"_e_{indicator.name}"]
                ).sum()
        grouped = work.group_by(list(by)).aggregate(**metrics) if by else work.aggregate(**metrics)
        # A sum over no non-null values is null in SQL; here it means 0.
        g = grouped.mutate(
            **{name: grouped[name].fill_null(0) for name in metrics if name not in ("_rows",)}
        )
        scale = self.score_scale
        columns: dict[str, ir.Value] = {name: g[name] for name in by}
        columns.update(
            units=g.units,
            dropped=g._rows - g.units,
            population=g.population,
            population_share=ratio(g.population, g.population.sum().over()),
            poor_population=g.poor_population,
            vulnerable_population=g.vulnerable_population,
            severe_population=g.severe_population,
            censored_score=g.censored_score,
            H=ratio(g.poor_population, g.population),
            A=ratio(g.censored_score, g.poor_population * scale),
            M0=ratio(g.censored_score, g.population * scale),
        )
        if spec.cardinal:
            columns["M1"] = ratio(g._m1, g.population)
            columns["M2"] = ratio(g._m2, g.population)
        columns.update(
            vulnerable_ratio=ratio(g.vulnerable_population, g.population),
            severe_ratio=ratio(g.severe_population, g.population),
            contribution_to_M0=ratio(g.censored_score * 100, g.censored_score.sum().over()),
        )
        for indicator in spec.indicators:
            name = indicator.name
            if self.missing == "reweight":
                share = g[f"_x_{name}"] * 100
            else:
                share = g[f"_c_{name}"] * (self._units_of[name] * 100)
            columns[f"uncensored_{name}"] = ratio(g[f"_u_{name}"], g.population)
            columns[f"censored_{name}"] = ratio(g[f"_c_{name}"], g.population)
            columns[f"contribution_{name}"] = ratio(share, g.censored_score)
        return g.select(**columns)

    def _long(self, wide: ir.Table, by: tuple[str, ...]) -> ir.Table:
        """One row per group and indicator, from the wide table, in the spec's order."""
        parts = []
        for position, indicator in enumerate(self.spec.indicators, start=1):
            name = indicator.name
            parts.append(
                wide.select(
                    *by,
                    position=ibis.literal(position, type="int32"),
                    indicator=ibis.literal(name),
                    dimension=ibis.literal(self.spec.dimension_of(indicator).name),
                    weight=ibis.literal(float(indicator.weight), type="float64"),
                    uncensored_headcount=wide[f"uncensored_{name}"],
                    censored_headcount=wide[f"censored_{name}"],
                    contribution=wide[f"contribution_{name}"],
                )
            )
        return ibis.union(*parts, distinct=False).order_by([*by, "position"])


def _sum(values: Iterable[ir.NumericValue]) -> ir.NumericValue:
    return reduce(lambda a, b: a + b, values)


def _subset_sums(weights: list[int]) -> set[int]:
    """Every sum of a non-empty subset of `weights` (the known weight of a dimension)."""
    sums: set[int] = set()
    for weight in weights:
        sums |= {s + weight for s in sums} | {weight}
    return sums


def _describe(kind: Any) -> str:
    if kind.is_boolean():
        return "true/false"
    if kind.is_numeric():
        return f"numbers ({kind})"
    if kind.is_string():
        return "text"
    return str(kind)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    return "a number"


def _literal(value: Any) -> Any:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if type(value).__name__ == "Decimal":
        return float(value)
    return value


def _check_cutoff(indicator: Indicator, condition: Condition, kind: Any) -> tuple[Any, ...]:
    """The cutoff values, converted for the column's type, or an error naming both types."""
    values = condition.values
    op = condition.deprived_if
    is_bool = all(isinstance(v, bool) for v in values)
    is_number = all(not isinstance(v, bool | str) for v in values)
    is_text = all(isinstance(v, str) for v in values)
    problem = None
    if kind.is_boolean():
        if op in ORDERING:
            problem = 'compare a true/false column with "==" or "!="'
        elif not is_bool:
            problem = "write cutoff = true or cutoff = false"
    elif kind.is_integer() and is_bool and op in EQUALITY + MEMBERSHIP:
        return tuple(int(v) for v in values)  # a 0/1 column read from CSV: 1 is true
    elif kind.is_numeric():
        if not is_number:
            problem = "write the cutoff as a number, without quotes"
    elif kind.is_string():
        if op in ORDERING:
            problem = 'compare a text column with "==", "!=", "in" or "not in"'
        elif not is_text:
            problem = "write the cutoff as text, in quotes"
    else:
        problem = "only number, text and true/false columns can be indicators"
    if problem:
        shown = condition.cutoff if len(values) > 1 else values[0]
        raise AnalysisError(
            f"indicator {indicator.name!r}: cutoff {shown!r} is {_kind_of(values[0])}, but "
            f"column {condition.column!r} holds {_describe(kind)}; {problem}"
        )
    return tuple(_literal(v) for v in values)


def _compare(table: ir.Table, indicator: Indicator, condition: Condition) -> ir.BooleanValue:
    column = table[condition.column]
    values = _check_cutoff(indicator, condition, column.type())
    op = condition.deprived_if
    if op == "in":
        return column.isin(values)
    if op == "not in":
        return column.notin(values)
    value = values[0]
    return {
        "<": lambda: column < value,
        "<=": lambda: column <= value,
        ">": lambda: column > value,
        ">=": lambda: column >= value,
        "==": lambda: column == value,
        "!=": lambda: column != value,
    }[op]()


def _deprived(table: ir.Table, indicator: Indicator) -> ir.BooleanValue:
    """True/false per unit; null when the data cannot decide (SQL's three-valued logic)."""
    parts = [_compare(table, indicator, c) for c in indicator.conditions]
    if indicator.combine == "all":
        return reduce(lambda a, b: a & b, parts)
    return reduce(lambda a, b: a | b, parts)


def _gap(table: ir.Table, indicator: Indicator, power: int) -> ir.FloatingValue:
    """The normalised gap ((z - x) / z) ** power below the cutoff z, else 0; 0 when unknown."""
    condition = indicator.conditions[0]
    z = float(condition.cutoff)
    x = table[condition.column].cast("float64")
    gap = (ibis.literal(z) - x) / z
    if power == 2:
        gap = gap * gap
    return ibis.ifelse(x < z, gap, 0.0).fill_null(0.0)
