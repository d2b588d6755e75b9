"""Writes to the stakeholder registry, its agreements and contributions."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import organisation_ids_for
from berdaya.core.dates import show_date
from berdaya.core.errors import PermissionDenied, ValidationFailed

from .models import Agreement, Commitment, Contribution, Stakeholder, StakeholderLink
from .selectors import may_write


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


def _check_may_write(user, programme, *, village_code: str | None = None) -> None:
    if not may_write(user, programme, village_code=village_code):
        raise PermissionDenied(
            _("Only the programme's managers, and facilitators for their villages, record this.")
        )


# What a signed agreement may be, recognised by its first bytes (not its name).
_DOCUMENT_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}


def _check_document(document) -> str:
    """The stored suffix of a signed agreement's scan, refusing other types or too large."""
    limit = settings.BERDAYA_MAX_ATTACHMENT_BYTES
    if document.size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(document.size / 1_048_576, 1), "limit": limit // 1_048_576},
            field="document",
        )
    head = document.read(16)
    document.seek(0)
    suffix = next((v for sig, v in _DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)
    if suffix is None:
        raise ValidationFailed(
            _("The signed document must be a PDF, or a JPEG or PNG photo of it."),
            field="document",
        )
    return suffix


def _save_document(agreement: Agreement, document) -> None:
    suffix = _check_document(document)
    # A stored name of our own: the uploaded name may carry anything.
    agreement.document.save(f"agreement-{agreement.pk}{suffix}", document, save=True)


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
    _check_may_write(user, programme, village_code=village.pk if village is not None else None)
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
    _check_may_write(user, programme)
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
    if document is not None:
        _check_document(document)
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
        _save_document(agreement, document)
    agreement.parties.set(parties)
    return agreement


@transaction.atomic
def agreement_document_attach(
    *, user, agreement: Agreement, document, status: str = ""
) -> Agreement:
    """The signed copy of an agreement (it usually comes after the draft was recorded);
    with `status`, the agreement's status changes at the same time (signed: active)."""
    _check_may_write(user, agreement.programme)
    if status and status not in Agreement.Status.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="status")
    if document is None:
        raise ValidationFailed(_("Choose the signed document to upload."), field="document")
    _save_document(agreement, document)
    if status:
        agreement.status = status
        agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def agreement_status_set(*, user, agreement: Agreement, status: str) -> Agreement:
    """Signed (active) or ended: the status the renewal reminder reads."""
    _check_may_write(user, agreement.programme)
    if status not in Agreement.Status.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="status")
    agreement.status = status
    agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def stakeholder_join(
    *,
    user,
    programme,
    name: str,
    sector: str,
    role: str,
    village=None,
    contact_office: str = "",
    contact_phone: str = "",
    notes: str = "",
) -> StakeholderLink:
    """Register a new stakeholder and record where it works, in one step (the form's)."""
    _check_may_write(user, programme, village_code=village.pk if village is not None else None)
    stakeholder = stakeholder_register(
        user=user,
        organisation_id=programme.organisation_id,
        name=name,
        sector=sector,
        role=role,
        notes=notes,
    )
    return stakeholder_link(
        user=user,
        stakeholder=stakeholder,
        programme=programme,
        village=village,
        contact_office=contact_office,
        contact_phone=contact_phone,
    )


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
    _check_may_write(user, agreement.programme)
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
def commitment_mark_met(
    *,
    user,
    commitment: Commitment,
    met_on: datetime.date,
    jointly: bool = False,
    today: datetime.date | None = None,
) -> Commitment:
    """A commitment kept, on the day it was kept (late or on time is read from the dates);
    `jointly` records whether the parties agreed together that it was met."""
    _check_may_write(user, commitment.agreement.programme)
    if today is not None and met_on > today:
        raise ValidationFailed(_("A commitment cannot be met in the future."), field="met_on")
    if met_on < commitment.agreement.starts_on:
        raise ValidationFailed(
            _("A commitment cannot be met before the agreement starts."), field="met_on"
        )
    commitment.met_on, commitment.met_jointly = met_on, jointly
    commitment.save(update_fields=["met_on", "met_jointly"])
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

    _check_may_write(user, programme)
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
