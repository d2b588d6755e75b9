"""Writes of the results framework: nodes, indicators, targets, actuals that add up."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed
from berdaya.programmes.models import Programme

from .. import arithmetic
from ..arithmetic import Value
from ..calculators import CALCULATORS
from ..models import Actual, ActualPart, Indicator, ReportingPeriod, ResultNode, Target
from ._common import check_manager, required_text

# The dimensions an actual may be split by, with their known categories.
DIMENSIONS = {
    "sex": ("L", "P"),
    "age_band": ("child", "youth", "adult", "elderly"),
    "disability": ("with", "without"),
    "poverty": ("severe", "poor", "vulnerable", "not_poor"),
    "village": None,  # the programme's villages
}
PARENT_LEVEL = {"goal": None, "outcome": "goal", "output": "outcome"}


def _refusal(error: arithmetic.ValueError_, *, field: str) -> ValidationFailed:
    d = error.details
    labels = {
        "sex": _("sex"),
        "age_band": _("age band"),
        "disability": _("disability"),
        "poverty": _("poverty status"),
        "village": _("village"),
    }
    dimension = labels.get(d.get("dimension", ""), d.get("dimension", ""))
    messages = {
        "not_whole": _("Values are whole numbers."),
        "negative": _("A value cannot be negative."),
        "no_denominator": _("A percentage or ratio needs its denominator (more than 0)."),
        "numerator_above_denominator": _(
            "The numerator (%(numerator)s) is larger than its denominator (%(denominator)s)."
        ),
        "count_has_denominator": _("A count has no denominator."),
        "unknown_typed": _(
            "“Unknown” is not typed: it is what remains of the total (%(dimension)s)."
        ),
        "does_not_add_up": _(
            "The breakdown by %(dimension)s adds up to %(counted)s, more than the total %(total)s."
        ),
        "unknown_share_impossible": _(
            "The breakdown by %(dimension)s leaves %(counted)s of %(total)s unknown, which "
            "cannot be: a numerator above its denominator."
        ),
        "dimension_not_enabled": _("This indicator is not disaggregated by %(dimension)s."),
        "no_total": _("Give the total, or the breakdown it is the sum of."),
    }
    return ValidationFailed(
        messages[error.code] % {**d, "dimension": dimension},
        field=d.get("dimension") or field,
    )


@transaction.atomic
def result_node_create(
    *, programme: Programme, level: str, code: str, statement: str, user, parent=None
) -> ResultNode:
    check_manager(user, programme, _("Only the programme's managers change its results."))
    if level not in PARENT_LEVEL:
        raise ValidationFailed(_("Choose one of the listed answers."), field="level")
    wanted = PARENT_LEVEL[level]
    if (parent is None) != (wanted is None) or (
        parent is not None and (parent.level != wanted or parent.programme_id != programme.pk)
    ):
        raise ValidationFailed(
            _("A goal stands alone; an outcome serves a goal; an output serves an outcome."),
            field="parent",
        )
    code = required_text(code, field="code", message=_("Give it a code, e.g. 1.2."))
    if programme.results.filter(code=code).exists():
        raise ValidationFailed(_("This code is already used."), field="code")
    return ResultNode.objects.create(
        programme=programme,
        level=level,
        parent=parent,
        code=code,
        statement=required_text(statement, field="statement", message=_("Write the result.")),
    )


@transaction.atomic
def indicator_create(
    *,
    node: ResultNode,
    name: str,
    kind: str,
    direction: str,
    user,
    unit: str = "",
    calculator: str = "",
    village_code: str | None = None,
    baseline: Value | None = None,
    baseline_on: datetime.date | None = None,
    means_of_verification: str = "",
    disaggregations: Sequence[str] = (),
) -> Indicator:
    programme = node.programme
    check_manager(user, programme, _("Only the programme's managers change its results."))
    if direction not in Indicator.Direction.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="direction")
    programme_villages = list(programme.villages.values_list("code", flat=True))
    if calculator:
        if calculator not in CALCULATORS:
            raise ValidationFailed(_("Choose one of the listed answers."), field="calculator")
        computed = CALCULATORS[calculator]
        kind, unit = computed.kind, unit or str(computed.unit)
        if computed.needs_village and not village_code:
            raise ValidationFailed(
                _("This indicator is computed for one village."), field="village"
            )
        if disaggregations:
            raise ValidationFailed(
                _("A computed indicator is not disaggregated by hand."), field="disaggregations"
            )
    if kind not in Indicator.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    if village_code and village_code not in programme_villages:
        raise ValidationFailed(_("This village is not in the programme."), field="village")
    unknown = set(disaggregations) - set(DIMENSIONS)
    if unknown or (disaggregations and kind == Indicator.Kind.RATIO):
        raise ValidationFailed(
            _("Counts and percentages are disaggregated; averages and ratios are not."),
            field="disaggregations",
        )
    if baseline is not None:
        try:
            arithmetic.check_value(
                baseline,
                share=kind == Indicator.Kind.PERCENT,
                ratio=kind == Indicator.Kind.RATIO,
            )
        except arithmetic.ValueError_ as error:
            raise _refusal(error, field="baseline") from error
    if baseline_on is not None and baseline_on > programme.planned_end_date:
        raise ValidationFailed(
            _("The baseline comes before the programme ends."), field="baseline_on"
        )
    indicator = Indicator.objects.create(
        programme=programme,
        node=node,
        name=required_text(name, field="name", message=_("Name the indicator.")),
        unit=(unit or "").strip()[:60] or ("%" if kind == Indicator.Kind.PERCENT else ""),
        kind=kind,
        direction=direction,
        source=Indicator.Source.COMPUTED if calculator else Indicator.Source.MANUAL,
        calculator=calculator,
        village_id=village_code or None,
        baseline_numerator=baseline.numerator if baseline else None,
        baseline_denominator=baseline.denominator if baseline else None,
        baseline_on=baseline_on,
        means_of_verification=means_of_verification.strip(),
        disaggregations=[d for d in DIMENSIONS if d in set(disaggregations)],
        order=node.indicators.count(),
    )
    indicator.villages.set([village_code] if village_code else programme_villages)
    return indicator


def _check_period(indicator: Indicator, period: ReportingPeriod) -> None:
    programme = indicator.programme
    if period.programme_id != programme.pk:
        raise ValidationFailed(_("Choose a reporting period of this programme."), field="period")
    if period.starts_on < programme.start_date or period.ends_on > programme.planned_end_date:
        raise ValidationFailed(
            _("The period %(period)s falls outside the programme (%(start)s – %(end)s).")
            % {
                "period": period.label,
                "start": programme.start_date,
                "end": programme.planned_end_date,
            },
            field="period",
        )


def _check(indicator: Indicator, value: Value, *, field: str) -> None:
    try:
        arithmetic.check_value(
            value,
            share=indicator.kind == Indicator.Kind.PERCENT,
            ratio=indicator.kind == Indicator.Kind.RATIO,
        )
    except arithmetic.ValueError_ as error:
        raise _refusal(error, field=field) from error


@transaction.atomic
def target_set(*, indicator: Indicator, period: ReportingPeriod, value: Value, user) -> Target:
    check_manager(user, indicator.programme, _("Only the programme's managers set targets."))
    _check_period(indicator, period)
    _check(indicator, value, field="target")
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={"numerator": value.numerator, "denominator": value.denominator},
    )
    return target


def _categories(indicator: Indicator, dimension: str) -> tuple[str, ...]:
    known = DIMENSIONS[dimension]
    if known is None:
        return tuple(indicator.programme.villages.values_list("code", flat=True))
    return known


@transaction.atomic
def actual_record(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    user,
    total: Value | None = None,
    parts: Mapping[str, Mapping[str, Value]] | None = None,
    evidence: str = "",
) -> Actual:
    """The achieved value of a manual indicator; its breakdowns sum to it by construction."""
    from berdaya.programmes.selectors import may_manage

    if indicator.source == Indicator.Source.COMPUTED:
        raise ValidationFailed(
            _("A computed indicator is refreshed from Berdaya's data, not typed."), field="total"
        )
    if not may_manage(user, indicator.programme):
        from berdaya.core.errors import PermissionDenied

        raise PermissionDenied(_("Only the programme's managers record results."))
    _check_period(indicator, period)
    parts = {d: dict(v) for d, v in (parts or {}).items() if v}
    for dimension, categories in parts.items():
        if dimension in DIMENSIONS and dimension in indicator.disaggregations:
            allowed = set(_categories(indicator, dimension))
            stray = set(categories) - allowed - {arithmetic.UNKNOWN}
            if stray:
                raise ValidationFailed(_("Choose one of the listed answers."), field=dimension)
    share = indicator.kind == Indicator.Kind.PERCENT
    if indicator.kind == Indicator.Kind.RATIO and parts:
        raise ValidationFailed(_("Averages and ratios are not disaggregated."), field="total")
    try:
        if total is not None:
            _check(indicator, total, field="total")
        if indicator.disaggregations or parts:
            total, split = arithmetic.disaggregate(
                total, parts, dimensions=indicator.disaggregations, share=share
            )
        else:
            if total is None:
                raise arithmetic.ValueError_("no_total")
            split = {}
    except arithmetic.ValueError_ as error:
        raise _refusal(error, field="total") from error
    actual, _created = Actual.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={
            "numerator": total.numerator,
            "denominator": total.denominator,
            "evidence": evidence.strip(),
            "recorded_by": user,
            "as_of": None,
        },
    )
    actual.parts.all().delete()
    ActualPart.objects.bulk_create(
        ActualPart(
            actual=actual,
            dimension=dimension,
            category=category,
            numerator=value.numerator,
            denominator=value.denominator,
        )
        for dimension, categories in split.items()
        for category, value in categories.items()
    )
    return actual


@transaction.atomic
def indicator_refresh(*, indicator: Indicator, period: ReportingPeriod, user=None) -> Actual:
    """Compute a computed indicator for a period from Berdaya's data, noting when."""
    if indicator.source != Indicator.Source.COMPUTED:
        raise ValidationFailed(_("Only computed indicators are refreshed."), field="total")
    _check_period(indicator, period)
    calculator = CALCULATORS[indicator.calculator]
    codes = list(indicator.villages.values_list("code", flat=True))
    value = calculator.compute(programme=indicator.programme, village_codes=codes, period=period)
    actual, _created = Actual.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={
            "numerator": value.numerator,
            "denominator": value.denominator,
            "evidence": str(calculator.label),
            "recorded_by": user,
            "as_of": timezone.now(),
        },
    )
    return actual
