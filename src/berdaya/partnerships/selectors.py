"""Reads of the stakeholder registry, agreements and contributions (none is personal).

These are the selectors other apps (the reports of issue 14) read; all go through the
organisation membership of the access rule.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from berdaya.core.access import grants_for, organisation_ids_for

from .models import Agreement, Commitment, Contribution, Stakeholder, StakeholderLink

# How long before its end an active agreement shows as due for renewal.
RENEWAL_NOTICE_DAYS = 60


def may_write(user, programme, *, village_code: str | None = None) -> bool:
    """Whether `user` may record partnerships and advocacy of `programme` (the one rule,
    used by both apps' services and pages).

    Admins and managers of the programme's organisation write everything of it;
    facilitators write what belongs to one of their villages (`village_code` given, in the
    programme); viewers only read. Programme-wide records (agreements, contributions) are
    therefore the managers'.
    """
    from berdaya.organisations.models import Role

    for grant in grants_for(user):
        if grant.organisation_id != programme.organisation_id:
            continue
        if grant.role in {Role.ADMIN, Role.MANAGER}:
            if village_code is None or village_code in grant.village_codes:
                return True
        elif (
            grant.role == Role.FACILITATOR
            and village_code is not None
            and village_code in grant.village_codes
        ):
            return True
    return False


def may_manage_partnerships(user) -> bool:
    """Whether `user` manages any organisation (who sees renewal reminders)."""
    from berdaya.organisations.models import Role

    return bool(organisation_ids_for(user, roles={Role.ADMIN, Role.MANAGER}))


def stakeholders_visible_to(user, *, organisation_id: int | None = None) -> QuerySet[Stakeholder]:
    """The stakeholders of the organisations `user` belongs to (any role: none is personal)."""
    ids = organisation_ids_for(user)
    if organisation_id is not None:
        ids = ids & {organisation_id}
    return Stakeholder.objects.filter(organisation_id__in=ids).order_by("name")


def stakeholders_of(
    user, *, programme_id: int | None = None, village_code: str | None = None
) -> QuerySet[Stakeholder]:
    """Stakeholders working in a programme and/or a village (a programme-wide link counts
    for each of its villages)."""
    qs = stakeholders_visible_to(user)
    if programme_id is not None:
        qs = qs.filter(links__programme_id=programme_id)
    if village_code is not None:
        qs = qs.filter(
            Q(links__village_id=village_code)
            | Q(links__village__isnull=True, links__programme__villages=village_code)
        )
    return qs.distinct()


@dataclass
class SectorRow:
    sector: str
    label: str
    stakeholders: int = 0
    agreements: int = 0
    cash: int = 0
    in_kind: int = 0
    staff_time: int = 0
    hours: int = 0

    @property
    def total(self) -> int:
        return self.cash + self.in_kind + self.staff_time


@dataclass
class PartnershipMap:
    """Who works with whom on what in a programme, counted by sector."""

    sectors: list[SectorRow]
    agreements: list[Agreement]
    commitments_due: int = 0
    commitments_met_on_time: int = 0
    commitments_jointly_decided: int = 0
    commitments_met_jointly: int = 0  # met, and the parties agreed together that it was
    renewals: list[Agreement] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.sectors)


def partnership_summary(user, *, programme_id: int, today: datetime.date) -> PartnershipMap:
    """The partnership map of a programme: by sector, agreements and equality signals.

    Equality signals (seed 002, partnerships of equals): commitments met on time out of
    those due by `today`, and commitments decided jointly.
    """
    visible = stakeholders_of(user, programme_id=programme_id)
    agreements = list(
        Agreement.objects.filter(
            programme_id=programme_id, programme__organisation_id__in=organisation_ids_for(user)
        ).prefetch_related("parties", "commitments__party")
    )
    rows = {value: SectorRow(value, str(label)) for value, label in Stakeholder.Sector.choices}
    for sector, n in Counter(visible.values_list("sector", flat=True)).items():
        rows[sector].stakeholders = n
    for agreement in agreements:
        for sector in {p.sector for p in agreement.parties.all()}:
            rows[sector].agreements += 1
    sums = (
        Contribution.objects.filter(
            programme_id=programme_id,
            programme__organisation_id__in=organisation_ids_for(user),
        )
        .values("stakeholder__sector", "kind")
        .annotate(total=Sum("value"), hours=Sum("hours"), n=Count("id"))
    )
    for row in sums:
        target = rows[row["stakeholder__sector"]]
        attr = {"cash": "cash", "in_kind": "in_kind", "staff": "staff_time"}[row["kind"]]
        setattr(target, attr, getattr(target, attr) + row["total"])
        target.hours += row["hours"] or 0
    commitments = Commitment.objects.filter(agreement__in=agreements)
    due = commitments.filter(due_on__lte=today)
    return PartnershipMap(
        sectors=list(rows.values()),
        agreements=agreements,
        commitments_due=due.count(),
        commitments_met_on_time=due.filter(met_on__isnull=False, met_on__lte=F("due_on")).count(),
        commitments_jointly_decided=commitments.filter(decided_jointly=True).count(),
        commitments_met_jointly=commitments.filter(met_jointly=True).count(),
        renewals=[a for a in agreements if renewal_due(a, today)],
    )


def renewal_due(agreement: Agreement, today: datetime.date) -> bool:
    return (
        agreement.status == Agreement.Status.ACTIVE
        and today <= agreement.ends_on <= today + datetime.timedelta(days=RENEWAL_NOTICE_DAYS)
    )


def agreements_due_for_renewal(
    user, *, today: datetime.date, managed_only: bool = False
) -> list[Agreement]:
    """Active agreements of the user's organisations ending within the notice period
    (the hook for a manager's dashboard: `managed_only` keeps the organisations the user
    administers or manages)."""
    from berdaya.organisations.models import Role

    roles = {Role.ADMIN, Role.MANAGER} if managed_only else None
    return list(
        Agreement.objects.filter(
            programme__organisation_id__in=organisation_ids_for(user, roles=roles),
            status=Agreement.Status.ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=RENEWAL_NOTICE_DAYS),
        )
        .select_related("programme")
        .order_by("ends_on")
    )


def agreement_get(*, user, pk: int) -> Agreement:
    """One agreement of the user's organisations, or 404 (agreements are organisation data,
    visible to every member of the programme's organisation who sees the programme)."""
    from berdaya.programmes.selectors import programme_get

    agreement = (
        Agreement.objects.filter(programme__organisation_id__in=organisation_ids_for(user))
        .select_related("programme")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404
    programme_get(user=user, pk=agreement.programme_id)  # the programme's own rule
    return agreement


def commitment_get(*, user, pk: int) -> Commitment:
    commitment = Commitment.objects.select_related("agreement", "party").filter(pk=pk).first()
    if commitment is None:
        raise Http404
    agreement_get(user=user, pk=commitment.agreement_id)
    return commitment


def links_of(user, *, programme) -> QuerySet[StakeholderLink]:
    """Where each stakeholder works in `programme`, with its office contact (organisation
    data: every member of the organisation who sees the programme reads it)."""
    return (
        StakeholderLink.objects.filter(
            programme=programme, stakeholder__organisation_id__in=organisation_ids_for(user)
        )
        .select_related("stakeholder", "village")
        .order_by("stakeholder__name", "village__name")
    )


def programme_stakeholders(user, *, programme) -> QuerySet[Stakeholder]:
    """The organisation's stakeholders a party or contributor of `programme` is chosen from."""
    return stakeholders_visible_to(user, organisation_id=programme.organisation_id)


def programme_books(programme):
    """The books of the programme cash contributions may be posted to."""
    from berdaya.savings.models import Book

    return Book.objects.filter(programme=programme, kind=Book.Kind.FUND).order_by("name")
