"""Reads of empowerment assessments (and, below, graduation and reviews)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from berdaya.core.access import get_visible_or_404, village_codes_for, visible_to

from ..models import EmpowermentAssessment


def empowerment_visible_to(user) -> QuerySet[EmpowermentAssessment]:
    return visible_to(
        user,
        EmpowermentAssessment.objects.select_related("village", "group", "rubric", "assessed_by"),
    )


def empowerment_get(*, user, pk: int) -> EmpowermentAssessment:
    return get_visible_or_404(
        user,
        EmpowermentAssessment.objects.select_related(
            "village", "group", "rubric", "programme", "assessed_by"
        ).prefetch_related("scores__domain"),
        pk=pk,
    )


@dataclass(frozen=True)
class EmpowermentTrend:
    """Mean score per domain per year, for one village (or group), on one framework."""

    subject: str
    framework: str
    years: list[int]
    rows: list[tuple[str, list[Fraction | None]]]  # (domain label, mean per year)
    overall: list[Fraction | None]


def empowerment_trends(*, user, programme, village_code: str = "") -> list[EmpowermentTrend]:
    """Aggregates (viewers too): means per domain by year, per village or group."""
    codes = village_codes_for(user, organisation_id=programme.organisation_id)
    if village_code:
        codes = codes & {village_code}
    assessments = (
        EmpowermentAssessment.objects.filter(programme=programme, village_id__in=codes)
        .select_related("village", "group", "rubric")
        .prefetch_related("scores__domain")
        .order_by("assessed_on")
    )
    grouped: dict[tuple, list[EmpowermentAssessment]] = defaultdict(list)
    for a in assessments:
        subject = a.group.name if a.group else a.village.name
        grouped[(subject, a.rubric.framework)].append(a)
    trends = []
    for (subject, framework), items in grouped.items():
        years = sorted({a.assessed_on.year for a in items})
        scores: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        order: dict[str, int] = {}
        for a in items:
            for s in a.scores.all():
                scores[s.domain.label][a.assessed_on.year].append(s.score)
                order.setdefault(s.domain.label, s.domain.order)
        rows = [
            (
                label,
                [Fraction(sum(v), len(v)) if (v := scores[label].get(y)) else None for y in years],
            )
            for label in sorted(scores, key=order.get)
        ]
        overall = []
        for index, _year in enumerate(years):
            means = [r[1][index] for r in rows if r[1][index] is not None]
            overall.append(sum(means) / len(means) if means else None)
        trends.append(EmpowermentTrend(subject, framework, years, rows, overall))
    return trends
