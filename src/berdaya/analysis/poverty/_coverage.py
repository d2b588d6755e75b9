"""Social-protection coverage: who is eligible, who is enrolled, and who is left out.

For each scheme (PKH, PIP, KIS/JKN-PBI, BPNT/Sembako, BLT Dana Desa, ...):

* coverage        = eligible and enrolled / eligible
* exclusion error = eligible but not enrolled / eligible          (= 1 - coverage)
* inclusion error = enrolled but not eligible / enrolled          (leakage)

These are the usual targeting-error definitions (e.g. Coady, Grosh and Hoddinott (2004)
"Targeting of Transfers in Developing Countries", World Bank).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.common.deferred import Deferred

from ..errors import AnalysisError
from ._tables import as_columns, as_table, count_if, ratio, require_columns, weight_of

__all__ = ["Coverage", "CoverageResult", "IncomeDecile", "Scheme", "income_decile"]

Rule = str | Deferred | Callable[[ir.Table], ir.BooleanValue] | Sequence[Any]


def income_decile(
    table: ir.Table, income: str, *, weight_column: str | None = None
) -> ir.IntegerValue:
    """Each unit's decile (1 = poorest tenth) of `income` within `table`.

    Decile = ceil(10 * C / W), C being the weight of units with an income at most this
    unit's (ties share a decile, so the result does not depend on row order) and W the total
    weight. Units with an unknown income get no decile.
    """
    require_columns(table, [income] + ([weight_column] if weight_column else []), "decile")
    weight = weight_of(table, weight_column)
    known = table[income].notnull()
    w = ibis.ifelse(known, weight, ibis.literal(0, type=weight.type()))
    up_to = ibis.window(order_by=table[income], range=(None, 0))
    cumulative = w.sum().over(up_to)
    total = w.sum().over()
    decile = ratio(cumulative * 10, total).ceil().cast("int64")
    return ibis.ifelse(known, decile, ibis.null("int64"))


@dataclass(frozen=True)
class IncomeDecile:
    """Eligibility rule: income decile at most `at_most` (deciles over the whole table)."""

    income: str
    at_most: int
    weight_column: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.at_most, int) or not 1 <= self.at_most <= 10:
            raise AnalysisError(f"at_most must be a decile from 1 to 10, not {self.at_most!r}")

    def __call__(self, table: ir.Table) -> ir.BooleanValue:
        decile = income_decile(table, self.income, weight_column=self.weight_column)
        return decile <= self.at_most


@dataclass(frozen=True)
class Scheme:
    """A social-protection scheme: its name, who is eligible, and who is enrolled.

    `eligible` is a true/false column name (e.g. ``"poor"`` from `AlkireFoster`'s units), an
    Ibis expression on the table written with ``ibis._`` (``_.children_in_school > 0``), a
    function of the table returning a true/false expression, an `IncomeDecile`, or a list of
    these that must all hold. `enrolled` is a true/false (or 0/1) column. A null in either
    counts as false: not eligible, not enrolled.
    """

    name: str
    eligible: Rule
    enrolled: str

    def eligibility(self, table: ir.Table) -> ir.BooleanValue:
        try:
            return _rule(table, self.eligible).fill_null(False)
        except AnalysisError as error:
            raise AnalysisError(f"scheme {self.name!r}: {error}") from None

    def enrolment(self, table: ir.Table) -> ir.BooleanValue:
        require_columns(table, [self.enrolled], f"enrolment in {self.name}")
        column = table[self.enrolled]
        kind = column.type()
        if kind.is_boolean():
            return column.fill_null(False)
        if kind.is_integer():
            return (column == 1).fill_null(False)
        raise AnalysisError(
            f"scheme {self.name!r}: enrolment column {self.enrolled!r} must be true/false or "
            f"0/1, not {kind}"
        )


def _rule(table: ir.Table, rule: Any) -> ir.BooleanValue:
    if isinstance(rule, str):
        require_columns(table, [rule], "eligibility")
        value = table[rule]
    elif isinstance(rule, Deferred):
        try:
            value = rule.resolve(table)
        except (AttributeError, ibis.common.exceptions.IbisTypeError) as error:
            raise AnalysisError(f"the eligibility rule does not fit the table: {error}") from None
    elif isinstance(rule, ir.Value):
        value = rule
    elif callable(rule):
        value = rule(table)
    elif isinstance(rule, Sequence) and rule:
        parts = [_rule(table, part) for part in rule]
        value = parts[0]
        for part in parts[1:]:
            value = value & part
    else:
        raise AnalysisError(f"cannot read the eligibility rule {rule!r}")
    if not isinstance(value, ir.BooleanValue):
        raise AnalysisError(f"the eligibility rule {rule!r} is not a true/false expression")
    return value


@dataclass(frozen=True)
class CoverageResult:
    """The result of `Coverage.compute`: lazy Ibis tables.

    * ``groups`` — one row per scheme and group of ``by``: ``scheme``, the ``by`` columns,
      ``population``, ``eligible``, ``enrolled``, ``eligible_enrolled``,
      ``eligible_not_enrolled``, ``enrolled_not_eligible``, ``coverage``,
      ``exclusion_error``, ``inclusion_error``.
    * ``overall`` — the same per scheme for the whole table.
    * ``excluded`` — the eligible units that are not enrolled, for the village meeting:
      ``scheme`` and the requested columns.
    """

    groups: ir.Table
    overall: ir.Table
    excluded: ir.Table
    by: tuple[str, ...]


class Coverage:
    """Coverage, exclusion and inclusion errors of social-protection schemes.

    Parameters
    ----------
    schemes:
        The `Scheme`s to assess.
    weight_column:
        Count people (e.g. ``"household_size"``) rather than units.
    list_columns:
        The columns shown in ``excluded`` (default: every column of the table).
    """

    def __init__(
        self,
        schemes: Iterable[Scheme],
        *,
        weight_column: str | None = None,
        list_columns: Iterable[str] | None = None,
    ) -> None:
        self.schemes = tuple(schemes)
        if not self.schemes:
            raise AnalysisError("give at least one scheme")
        names = [s.name for s in self.schemes]
        if len(set(names)) != len(names):
            raise AnalysisError("scheme names must be unique")
        self.weight_column = weight_column
        self.list_columns = tuple(list_columns) if list_columns is not None else None

    def compute(self, table: Any, *, by: str | Iterable[str] | None = None) -> CoverageResult:
        table = as_table(table)
        by = as_columns(by)
        require_columns(table, by, "group by")
        if self.weight_column:
            require_columns(table, [self.weight_column], "weight")
        columns = self.list_columns if self.list_columns is not None else tuple(table.columns)
        require_columns(table, columns, "list of excluded")
        weight = weight_of(table, self.weight_column)
        groups, overall, excluded = [], [], []
        for scheme in self.schemes:
            work = table.mutate(
                _eligible=scheme.eligibility(table), _enrolled=scheme.enrolment(table), _wt=weight
            )
            groups.append(self._aggregate(work, scheme.name, by))
            overall.append(self._aggregate(work, scheme.name, ()))
            left_out = work.filter(work._eligible & ~work._enrolled)
            name = ibis.literal(scheme.name).name("scheme")
            excluded.append(left_out.select(name, *columns))
        return CoverageResult(
            groups=ibis.union(*groups, distinct=False),
            overall=ibis.union(*overall, distinct=False),
            excluded=ibis.union(*excluded, distinct=False),
            by=by,
        )

    @staticmethod
    def _aggregate(work: ir.Table, name: str, by: tuple[str, ...]) -> ir.Table:
        w = work._wt
        eligible, enrolled = work._eligible, work._enrolled
        metrics = {
            "population": w.sum(),
            "eligible": count_if(eligible, w),
            "enrolled": count_if(enrolled, w),
            "eligible_enrolled": count_if(eligible & enrolled, w),
            "eligible_not_enrolled": count_if(eligible & ~enrolled, w),
            "enrolled_not_eligible": count_if(enrolled & ~eligible, w),
        }
        g = work.group_by(list(by)).aggregate(**metrics) if by else work.aggregate(**metrics)
        return g.select(
            ibis.literal(name).name("scheme"),
            *by,
            population=g.population,
            eligible=g.eligible,
            enrolled=g.enrolled,
            eligible_enrolled=g.eligible_enrolled,
            eligible_not_enrolled=g.eligible_not_enrolled,
            enrolled_not_eligible=g.enrolled_not_eligible,
            coverage=ratio(g.eligible_enrolled, g.eligible),
            exclusion_error=ratio(g.eligible_not_enrolled, g.eligible),
            inclusion_error=ratio(g.enrolled_not_eligible, g.enrolled),
        )
