"""Correcting a mistake: a reversal beside the original, never an edit or a delete."""

from __future__ import annotations

import datetime

from django.db import transaction as db
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .. import ledger
from ..models import Loan, Transaction
from .common import check_may_post


def posting_reverse(
    *, user, original: Transaction, reason: str, on: datetime.date, idempotency_key: str
) -> Transaction:
    """Reverse one posting (allowed in a closed cycle too: it is the only entry it takes)."""
    check_may_post(user, original.book)
    if original.kind == Transaction.Kind.SHARE_OUT:
        raise ValidationFailed(
            _("A share-out is not reversed: the money was handed out. Record a new entry.")
        )
    if original.kind == Transaction.Kind.OPENING:
        raise ValidationFailed(_("Opening balances are not reversed; post a correction."))
    with db.atomic():
        ledger.lock_book(original.book)
        loan = original.loan
        if (
            original.kind == Transaction.Kind.LOAN
            and loan is not None
            and (
                loan.transactions.exclude(pk=original.pk)
                .filter(reversed_by__isnull=True)
                .exclude(kind=Transaction.Kind.REVERSAL)
                .exists()
            )
        ):
            raise ValidationFailed(_("Reverse the loan's repayments first, then the loan itself."))
        reversal = ledger.transaction_reverse(
            original=original, user=user, reason=reason, idempotency_key=idempotency_key, on=on
        )
        if loan is not None:
            if original.kind == Transaction.Kind.LOAN:
                Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.CANCELLED)
            elif original.kind in (Transaction.Kind.REPAYMENT, Transaction.Kind.WRITE_OFF):
                Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.ACTIVE)
    return reversal
