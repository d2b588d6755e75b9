"""Reads of advocacy cases through the access rule (counts only: nothing personal).

`cases_of` and `case_coverage` are what other apps (reports, the village social map)
read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from berdaya.core.access import get_visible_or_404, visible_to

from .models import AdvocacyCase


def cases_of(
    user, *, programme_id: int | None = None, village_code: str | None = None
) -> QuerySet[AdvocacyCase]:
    qs = visible_to(user, AdvocacyCase.objects.all())
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    if village_code is not None:
        qs = qs.filter(village_id=village_code)
    return qs.select_related("village", "target").prefetch_related("actions")


def case_get(*, user, pk: int) -> AdvocacyCase:
    return get_visible_or_404(user, cases_of(user), pk=pk)


@dataclass(frozen=True)
class CoverageChange:
    """Before and after of a coverage-gap case, both read from the registry's figures."""

    scheme: str
    enrolled_before: int
    gap_before: int
    enrolled_after: int | None
    gap_after: int | None

    @property
    def newly_enrolled(self) -> int | None:
        return None if self.enrolled_after is None else self.enrolled_after - self.enrolled_before

    @property
    def gap_closed(self) -> int | None:
        return None if self.gap_after is None else self.gap_before - self.gap_after


def case_coverage(case: AdvocacyCase) -> CoverageChange | None:
    if case.kind != AdvocacyCase.Kind.COVERAGE_GAP or not case.coverage_before:
        return None
    after = case.coverage_after or {}
    return CoverageChange(
        scheme=case.scheme,
        enrolled_before=case.coverage_before["enrolled"],
        gap_before=case.coverage_before["poor_not_enrolled"],
        enrolled_after=after.get("enrolled"),
        gap_after=after.get("poor_not_enrolled"),
    )
