"""Reads of advocacy cases through the access rule (counts; names only by consent).

`cases_of` and `case_coverage` are what other apps (reports, the village social map)
read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from berdaya.core.access import get_visible_or_404, village_codes_for, visible_to

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


@dataclass(frozen=True)
class AffectedRow:
    household_id: int
    head_name: str
    dusun: str
    rt: str
    members: int


@dataclass(frozen=True)
class AffectedList:
    """A coverage-gap case's households today: how many, and those who may be named."""

    gap: int  # poor households not enrolled in the scheme now
    named: list[AffectedRow]

    @property
    def unnamed(self) -> int:
        return self.gap - len(self.named)


# The purpose a household agreed to that covers being named in a claim for a scheme.
CONSENT_PURPOSE = "social_protection"


def may_see_names(user, case: AdvocacyCase) -> bool:
    """Whether `user` may see personal data in the case's village (the access rule's
    personal grants: admins, managers, and the village's facilitators)."""
    return case.kind == AdvocacyCase.Kind.COVERAGE_GAP and case.village_id in village_codes_for(
        user, personal=True, organisation_id=case.organisation_id
    )


def _gap_households(case: AdvocacyCase):
    from berdaya.registry.indicators import PovertyStatus
    from berdaya.registry.models import Enrolment, Household

    enrolled = Enrolment.objects.filter(until__isnull=True, scheme__code=case.scheme).values(
        "household_id"
    )
    return (
        Household.objects.filter(
            organisation_id=case.organisation_id,
            village_id=case.village_id,
            status=Household.Status.ACTIVE,
            figures__poverty_status__in=sorted(PovertyStatus.POOR_OR_SEVERE),
        )
        .exclude(pk__in=enrolled)
        .order_by("dusun", "rw", "rt", "pk")
    )


def affected_households(case: AdvocacyCase) -> AffectedList:
    """The households of a coverage-gap case now (poor, active, not enrolled in the scheme,
    from the stored figures), named only where the household gave a consent for referral to
    social protection that is not withdrawn. Callers check `may_see_names` and log the
    reveal (`services.affected_households_reveal`)."""
    from berdaya.registry.models import Consent

    households = _gap_households(case)
    consented = Consent.objects.filter(purpose=CONSENT_PURPOSE, withdrawn_on__isnull=True).values(
        "household_id"
    )
    named = [
        AffectedRow(pk, head or "", dusun, rt, members or 0)
        for pk, head, dusun, rt, members in households.filter(pk__in=consented).values_list(
            "pk", "figures__head_name", "dusun", "rt", "figures__members"
        )
    ]
    return AffectedList(gap=households.count(), named=named)


def affected_count(case: AdvocacyCase) -> int:
    """How many households of the case's gap there are today (a count anyone may see)."""
    return _gap_households(case).count()


def gap_table(user, *, programme) -> list[tuple]:
    """For the form that opens a case from a gap: per village of the programme the user
    sees, each scheme's poor households not enrolled (from the stored village figures)."""
    from berdaya.programmes.selectors import programme_villages
    from berdaya.registry.figures import village_rows
    from berdaya.registry.models import SocialProtectionScheme

    villages = list(programme_villages(user=user, programme=programme))
    rows = {
        row.village_id: row
        for row in village_rows(
            organisation_id=programme.organisation_id, codes=[v.code for v in villages]
        )
    }
    names = dict(
        SocialProtectionScheme.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=programme.organisation_id)
        ).values_list("code", "name")
    )
    table = []
    for village in villages:
        coverage = (
            (rows[village.code].figures.get("coverage") or {}) if village.code in rows else {}
        )
        table.append(
            (
                village,
                [
                    (code, names.get(code, code.upper()), item.get("poor_not_enrolled"))
                    for code, item in sorted(coverage.items())
                ],
            )
        )
    return table
