"""Reads of the results framework: the logframe with targets and actuals per period."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Prefetch, QuerySet

from berdaya.core.access import get_visible_or_404, visible_to
from berdaya.programmes.models import Programme

from ..models import Actual, Indicator, ReportingPeriod, ResultNode, Target


def shown(numerator, denominator, kind: str) -> Fraction | None:
    """The value as people read it: a count, a percentage (×100) or a ratio, exactly."""
    if numerator is None:
        return None
    value = Fraction(numerator, denominator or 1)
    return value * 100 if kind == Indicator.Kind.PERCENT else value


@dataclass(frozen=True)
class Cell:
    period: ReportingPeriod
    target: Fraction | None
    actual: Fraction | None
    actual_row: Actual | None


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    baseline: Fraction | None
    cells: list[Cell]

    def progress(self, cell: Cell) -> Fraction | None:
        """Share of the way from the baseline to the target (1 = target reached)."""
        if cell.target is None or cell.actual is None or self.baseline is None:
            return None
        distance = cell.target - self.baseline
        if distance == 0:
            return None
        return (cell.actual - self.baseline) / distance

    def met(self, cell: Cell) -> bool | None:
        if cell.target is None or cell.actual is None:
            return None
        if self.indicator.direction == Indicator.Direction.DECREASE:
            return cell.actual <= cell.target
        return cell.actual >= cell.target


def indicators_visible_to(user) -> QuerySet[Indicator]:
    return visible_to(user, Indicator.objects.select_related("node", "village", "programme"))


def indicator_get(*, user, pk: int) -> Indicator:
    return get_visible_or_404(
        user,
        Indicator.objects.select_related("node", "village", "programme__organisation"),
        pk=pk,
    )


def _row(indicator: Indicator, periods: list[ReportingPeriod]) -> IndicatorRow:
    targets = {t.period_id: t for t in indicator.targets.all()}
    actuals = {a.period_id: a for a in indicator.actuals.all()}
    cells = []
    for period in periods:
        target, actual = targets.get(period.pk), actuals.get(period.pk)
        cells.append(
            Cell(
                period,
                shown(target.numerator, target.denominator, indicator.kind) if target else None,
                shown(actual.numerator, actual.denominator, indicator.kind) if actual else None,
                actual,
            )
        )
    return IndicatorRow(
        indicator,
        shown(indicator.baseline_numerator, indicator.baseline_denominator, indicator.kind),
        cells,
    )


@dataclass(frozen=True)
class NodeView:
    node: ResultNode
    depth: int
    rows: list[IndicatorRow]


def framework(*, user, programme: Programme) -> list[NodeView]:
    """The logframe in order (goal, its outcomes, their outputs) with the indicators the
    user may see (a village's indicator only for those who work there)."""
    periods = list(programme.reporting_periods.order_by("starts_on"))
    visible = (
        indicators_visible_to(user)
        .filter(programme=programme)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.all()),
            Prefetch("actuals", queryset=Actual.objects.prefetch_related("parts")),
        )
    )
    by_node: dict[int, list[Indicator]] = {}
    for indicator in visible:
        by_node.setdefault(indicator.node_id, []).append(indicator)
    nodes = list(programme.results.order_by("code", "pk"))
    children: dict[int | None, list[ResultNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[NodeView] = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            out.append(NodeView(node, depth, [_row(i, periods) for i in by_node.get(node.pk, [])]))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


def indicator_row(indicator: Indicator) -> IndicatorRow:
    periods = list(indicator.programme.reporting_periods.order_by("starts_on"))
    return _row(indicator, periods)


def breakdown(actual: Actual) -> dict[str, list[tuple[str, int, int | None]]]:
    """Parts of an actual per dimension: (category, numerator, denominator), unknown last."""
    result: dict[str, list] = {}
    for part in actual.parts.all():
        result.setdefault(part.dimension, []).append(
            (part.category, part.numerator, part.denominator)
        )
    for rows in result.values():
        rows.sort(key=lambda row: (row[0] == "unknown", row[0]))
    return result
