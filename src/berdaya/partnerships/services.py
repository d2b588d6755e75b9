"""Writes to the stakeholder registry, its agreements and contributions."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import organisation_ids_for
from berdaya.core.dates import show_date
from berdaya.core.errors import PermissionDenied, ValidationFailed

from .models import Agreement, Commitment, Contribution, Stakeholder, StakeholderLink


@transaction.atomic
def stakeholder_register(
    *, user, organisation_id: int, name: str, sector: str, role: str, notes: str = ""
) -> Stakeholder:
    """Add a giver, provider, regulator or partner to the organisation's registry."""
    from berdaya.organisations.models import Role

    if organisation_id not in organisation_ids_for(
        user, roles={Role.ADMIN, Role.MANAGER, Role.FACILITATOR}
    ):
        raise PermissionDenied(_("You do not work for this organisation."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("A stakeholder needs a name."), field="name")
    if sector not in Stakeholder.Sector.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="sector")
    if role not in Stakeholder.Role.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="role")
    if Stakeholder.objects.filter(organisation_id=organisation_id, name__iexact=name).exists():
        raise ValidationFailed(_("This stakeholder is already registered."), field="name")
    return Stakeholder.objects.create(
        organisation_id=organisation_id,
        name=name[:200],
        sector=sector,
        role=role,
        notes=notes.strip(),
        created_by=user,
    )


def _check_manages(user, organisation_id: int) -> None:
    from berdaya.organisations.models import Role

    if organisation_id not in organisation_ids_for(
        user, roles={Role.ADMIN, Role.MANAGER, Role.FACILITATOR}
    ):
        raise PermissionDenied(_("You do not work for this organisation."))


def _check_party(stakeholder: Stakeholder, programme) -> None:
    if stakeholder.organisation_id != programme.organisation_id:
        raise ValidationFailed(_("Choose a stakeholder of your organisation."), field="stakeholder")


@transaction.atomic
def stakeholder_link(
    *,
    user,
    stakeholder: Stakeholder,
    programme,
    village=None,
    contact_office: str = "",
    contact_phone: str = "",
) -> StakeholderLink:
    """Record that a stakeholder works in a programme (or in one of its villages)."""
    _check_manages(user, programme.organisation_id)
    _check_party(stakeholder, programme)
    if village is not None and not programme.villages.filter(pk=village.pk).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")
    link, _created = StakeholderLink.objects.update_or_create(
        stakeholder=stakeholder,
        programme=programme,
        village=village,
        defaults={
            "contact_office": contact_office.strip()[:200],
            "contact_phone": contact_phone.strip()[:40],
        },
    )
    return link


@transaction.atomic
def agreement_create(
    *,
    user,
    programme,
    kind: str,
    title: str,
    scope: str,
    parties: list[Stakeholder],
    starts_on: datetime.date,
    ends_on: datetime.date,
    status: str = Agreement.Status.DRAFT,
    document=None,
) -> Agreement:
    """An MoU or PKS of the programme with its parties."""
    _check_manages(user, programme.organisation_id)
    if kind not in Agreement.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    if status not in Agreement.Status.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="status")
    if not title.strip():
        raise ValidationFailed(_("An agreement needs a title."), field="title")
    if not scope.strip():
        raise ValidationFailed(_("Say what the agreement covers."), field="scope")
    if not parties:
        raise ValidationFailed(_("An agreement needs at least one party."), field="parties")
    for party in parties:
        _check_party(party, programme)
    if ends_on < starts_on:
        raise ValidationFailed(_("The agreement cannot end before it starts."), field="ends_on")
    agreement = Agreement.objects.create(
        programme=programme,
        kind=kind,
        title=" ".join(title.split())[:200],
        scope=scope.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    if document is not None:
        agreement.document.save(document.name, document, save=True)
    agreement.parties.set(parties)
    return agreement


@transaction.atomic
def commitment_add(
    *,
    user,
    agreement: Agreement,
    party: Stakeholder,
    description: str,
    due_on: datetime.date,
    decided_jointly: bool = False,
) -> Commitment:
    """What one party of an agreement promised, and by when."""
    _check_manages(user, agreement.programme.organisation_id)
    if not agreement.parties.filter(pk=party.pk).exists():
        raise ValidationFailed(_("Only a party to the agreement commits to it."), field="party")
    if not description.strip():
        raise ValidationFailed(_("Say what was promised."), field="description")
    return Commitment.objects.create(
        agreement=agreement,
        party=party,
        description=description.strip()[:300],
        due_on=due_on,
        decided_jointly=decided_jointly,
    )


@transaction.atomic
def commitment_mark_met(*, user, commitment: Commitment, met_on: datetime.date) -> Commitment:
    """A commitment kept, on the day it was kept (late or on time is read from the dates)."""
    _check_manages(user, commitment.agreement.programme.organisation_id)
    if met_on < commitment.agreement.starts_on:
        raise ValidationFailed(
            _("A commitment cannot be met before the agreement starts."), field="met_on"
        )
    commitment.met_on = met_on
    commitment.save(update_fields=["met_on"])
    return commitment


@transaction.atomic
def contribution_record(
    *,
    user,
    programme,
    stakeholder: Stakeholder,
    kind: str,
    value: int,
    purpose: str,
    given_on: datetime.date,
    agreement: Agreement | None = None,
    hours: int | None = None,
    book=None,
    idempotency_key: str = "",
) -> Contribution:
    """A party's contribution to a programme; cash is posted to a book through the ledger.

    Cash goes through `savings.services.fund_inflow` as an external inflow naming the
    stakeholder, so `money_sources` and the dependency ratio count it once, there.
    """
    from berdaya.savings import ledger
    from berdaya.savings.models import Transaction
    from berdaya.savings.services import fund_inflow

    _check_manages(user, programme.organisation_id)
    _check_party(stakeholder, programme)
    if kind not in Contribution.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    value = ledger.rupiah(value, field="value")
    if value <= 0:
        raise ValidationFailed(_("A contribution is worth more than nothing."), field="value")
    if not purpose.strip():
        raise ValidationFailed(_("Say what the contribution was for."), field="purpose")
    if given_on < programme.start_date:
        raise ValidationFailed(_("The programme had not started on this date."), field="given_on")
    if given_on > programme.planned_end_date:
        raise ValidationFailed(
            _("The programme is closed: it ended on %(date)s.")
            % {"date": show_date(programme.planned_end_date)},
            field="given_on",
        )
    if agreement is not None and (
        agreement.programme_id != programme.pk
        or not agreement.parties.filter(pk=stakeholder.pk).exists()
    ):
        raise ValidationFailed(
            _("This agreement is not one of this party in this programme."), field="agreement"
        )
    if kind == Contribution.Kind.STAFF_TIME and not hours:
        raise ValidationFailed(_("Staff time is counted in hours."), field="hours")
    posted = None
    if kind == Contribution.Kind.CASH:
        if book is None or book.programme_id != programme.pk:
            raise ValidationFailed(_("Cash goes into a book of this programme."), field="book")
        posted = fund_inflow(
            user=user,
            book=book,
            on=given_on,
            origin=Transaction.Origin.EXTERNAL,
            amount=value,
            memo=purpose,
            idempotency_key=idempotency_key or f"contribution:{uuid.uuid4()}",
            stakeholder=stakeholder,
        )
        # The same idempotency key twice is one contribution, as it is one posting.
        if (earlier := Contribution.objects.filter(transaction=posted).first()) is not None:
            return earlier
    return Contribution.objects.create(
        programme=programme,
        stakeholder=stakeholder,
        agreement=agreement,
        kind=kind,
        value=value,
        hours=hours if kind == Contribution.Kind.STAFF_TIME else None,
        purpose=purpose.strip()[:300],
        given_on=given_on,
        transaction=posted,
    )
