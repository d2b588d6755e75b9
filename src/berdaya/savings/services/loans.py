"""Loans from the group's fund: disburse, repay, write off, reschedule."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction as db
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .. import ledger, schedules
from ..models import Entry, Instalment, Loan, LoanSchedule, Transaction
from .common import (
    account,
    check_cycle_open,
    check_may_post,
    check_member,
    posting_exists,
    rupiah_text,
)
from .cycles import constitution_of


@dataclass(frozen=True)
class LoanState:
    loan: Loan
    schedule: LoanSchedule
    dues: list[schedules.Due]
    principal_outstanding: int
    principal_paid: int
    charge_paid: int

    @property
    def paid_against_schedule(self) -> int:
        return self.principal_paid + self.charge_paid - self.schedule.paid_before

    @property
    def owed(self) -> int:
        """What is left to pay on the current schedule (principal and charges)."""
        if self.loan.status == Loan.Status.WRITTEN_OFF:
            return 0
        return max(0, sum(d.amount for d in self.dues) - self.paid_against_schedule)

    def arrears(self, on: datetime.date) -> schedules.Arrears:
        return schedules.arrears(self.dues, paid=self.paid_against_schedule, on=on)


def loan_state(loan: Loan) -> LoanState:
    """The loan's current schedule and what was paid, from its entries (two queries)."""
    schedule = loan.schedules.order_by("-version").prefetch_related("instalments").first()
    dues = [
        schedules.Due(i.number, i.due_on, i.principal, i.charge)
        for i in sorted(schedule.instalments.all(), key=lambda i: i.number)
    ]
    repayment = Q(transaction__kind="repayment") | Q(transaction__reverses__kind="repayment")
    on_loan = Q(account__code="loans")
    charge = Q(account__code="service_income")
    sums = Entry.objects.filter(
        transaction__loan=loan, account__book_id=loan.cycle.book_id
    ).aggregate(
        lent=Sum("debit", filter=on_loan, default=0),
        returned=Sum("credit", filter=on_loan, default=0),
        repaid_c=Sum("credit", filter=on_loan & repayment, default=0),
        repaid_d=Sum("debit", filter=on_loan & repayment, default=0),
        charge_c=Sum("credit", filter=charge, default=0),
        charge_d=Sum("debit", filter=charge, default=0),
    )
    return LoanState(
        loan=loan,
        schedule=schedule,
        dues=dues,
        principal_outstanding=sums["lent"] - sums["returned"],
        principal_paid=sums["repaid_c"] - sums["repaid_d"],
        charge_paid=sums["charge_c"] - sums["charge_d"],
    )


def _schedule_create(
    *,
    loan: Loan,
    version: int,
    start: datetime.date,
    principal: int,
    term_months: int,
    paid_before: int,
    reason: str,
    user,
) -> LoanSchedule:
    schedule = LoanSchedule.objects.create(
        loan=loan,
        version=version,
        starts_on=start,
        paid_before=paid_before,
        reason=reason,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    dues = schedules.schedule(
        principal=principal,
        term_months=term_months,
        rate_bp=loan.monthly_rate_bp,
        method=loan.charge_method,
        start=start,
    )
    Instalment.objects.bulk_create(
        Instalment(
            schedule=schedule,
            number=d.number,
            due_on=d.due_on,
            principal=d.principal,
            charge=d.charge,
        )
        for d in dues
    )
    return schedule


def savings_of(book, member) -> int:
    return account(book, "shares", member).normal_balance


def loan_open(*, user, cycle, member, principal: int, term_months: int, on: datetime.date) -> Loan:
    """A loan already outstanding when the group's books open (posted with the opening)."""
    rules = constitution_of(cycle)
    loan = Loan.objects.create(
        cycle=cycle,
        member=member,
        principal=principal,
        disbursed_on=on,
        term_months=term_months,
        charge_method=rules.charge_method,
        monthly_rate_bp=rules.monthly_rate_bp,
        purpose=_("Outstanding when the books opened"),
    )
    _schedule_create(
        loan=loan,
        version=1,
        start=on,
        principal=principal,
        term_months=term_months,
        paid_before=0,
        reason="",
        user=user,
    )
    book = cycle.book
    ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.OPENING,
        legs=[
            ledger.debit(account(book, "loans", member), principal),
            ledger.credit(account(book, "retained"), principal),
        ],
        occurred_on=on,
        idempotency_key=f"cycle-{cycle.pk}-opening-loan-{loan.pk}",
        user=user,
        cycle=cycle,
        member=member,
        loan=loan,
        memo=_("Loan outstanding when the books opened"),
    )
    return loan


def loan_disburse(
    *,
    user,
    cycle,
    member,
    principal: int,
    term_months: int,
    on: datetime.date,
    idempotency_key: str,
    meeting=None,
    purpose: str = "",
    guarantors: Sequence = (),
) -> Loan:
    """Lend from the loan fund within the constitution's limits; the cash must be in the box."""
    book = cycle.book
    check_may_post(user, book)
    ledger.rupiah(principal, field="principal")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier.loan
        check_cycle_open(cycle)
        check_member(book, member)
        if meeting is not None and meeting.status != meeting.Status.OPEN:
            raise ValidationFailed(_("This meeting is closed; open the next one."))
        rules = constitution_of(cycle)
        savings = savings_of(book, member)
        limit = rules.loan_multiple * savings
        if principal > limit:
            raise ValidationFailed(
                _(
                    "The loan is over the group's limit: at most %(limit)s "
                    "(%(multiple)s × savings of %(savings)s)."
                )
                % {
                    "limit": rupiah_text(limit),
                    "multiple": rules.loan_multiple,
                    "savings": rupiah_text(savings),
                },
                field="principal",
            )
        if (
            isinstance(term_months, bool)
            or not isinstance(term_months, int)
            or not (1 <= term_months <= rules.max_term_months)
        ):
            raise ValidationFailed(
                _("The term is from 1 to %(months)s months.") % {"months": rules.max_term_months},
                field="term_months",
            )
        guarantors = list(guarantors)
        for guarantor in guarantors:
            check_member(book, guarantor)
            if guarantor.pk == member.pk:
                raise ValidationFailed(
                    _("A borrower cannot guarantee their own loan."), field="guarantors"
                )
        if len({g.pk for g in guarantors}) < rules.guarantors_required:
            raise ValidationFailed(
                _("The group's rules ask for %(count)s guarantors.")
                % {"count": rules.guarantors_required},
                field="guarantors",
            )
        cash = account(book, "cash")
        if principal > cash.balance:
            raise ValidationFailed(
                _("There is only %(cash)s in the cash box.") % {"cash": rupiah_text(cash.balance)},
                field="principal",
            )
        loan = Loan.objects.create(
            cycle=cycle,
            member=member,
            principal=principal,
            disbursed_on=on,
            term_months=term_months,
            charge_method=rules.charge_method,
            monthly_rate_bp=rules.monthly_rate_bp,
            purpose=purpose.strip()[:200],
            joint_liability=rules.joint_liability,
        )
        loan.guarantors.set(guarantors)
        _schedule_create(
            loan=loan,
            version=1,
            start=on,
            principal=principal,
            term_months=term_months,
            paid_before=0,
            reason="",
            user=user,
        )
        ledger.transaction_post(
            book=book,
            kind=Transaction.Kind.LOAN,
            legs=[
                ledger.debit(account(book, "loans", member), principal),
                ledger.credit(cash, principal),
            ],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            cycle=cycle,
            meeting=meeting,
            member=member,
            loan=loan,
        )
    return loan


def loan_repay(
    *, user, loan: Loan, amount: int, on: datetime.date, idempotency_key: str, meeting=None
) -> Transaction:
    """A repayment: the charge first, then the principal, instalment by instalment."""
    book = loan.cycle.book
    check_may_post(user, book)
    ledger.rupiah(amount)
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        check_cycle_open(loan.cycle)
        if loan.status != Loan.Status.ACTIVE:
            raise ValidationFailed(_("This loan is no longer active."))
        state = loan_state(loan)
        if amount > state.owed:
            raise ValidationFailed(
                _("The repayment of %(amount)s is more than the %(owed)s still owed.")
                % {"amount": rupiah_text(amount), "owed": rupiah_text(state.owed)},
                field="amount",
            )
        split = schedules.allocate(
            state.dues, paid_before=state.paid_against_schedule, amount=amount
        )
        if split.principal > state.principal_outstanding:
            raise ValidationFailed(_("The repayment is more than the principal still owed."))
        legs = [ledger.debit(account(book, "cash"), amount)]
        if split.principal:
            legs.append(ledger.credit(account(book, "loans", loan.member), split.principal))
        if split.charge:
            legs.append(ledger.credit(account(book, "service_income"), split.charge))
        posted = ledger.transaction_post(
            book=book,
            kind=Transaction.Kind.REPAYMENT,
            legs=legs,
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            cycle=loan.cycle,
            meeting=meeting,
            member=loan.member,
            loan=loan,
            origin=Transaction.Origin.INTERNAL if split.charge else "",
            inflow=split.charge,
        )
        if amount == state.owed:
            Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.REPAID)
            loan.status = Loan.Status.REPAID
    return posted


def loan_write_off(
    *, user, loan: Loan, on: datetime.date, reason: str, idempotency_key: str
) -> Transaction:
    """Write off what is still owed: an expense entry against the loan, never a delete."""
    book = loan.cycle.book
    check_may_post(user, book)
    if not reason.strip():
        raise ValidationFailed(_("Say why the loan is written off."), field="reason")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        check_cycle_open(loan.cycle)
        state = loan_state(loan)
        if loan.status != Loan.Status.ACTIVE or state.principal_outstanding <= 0:
            raise ValidationFailed(_("Nothing is owed on this loan."))
        amount = state.principal_outstanding
        posted = ledger.transaction_post(
            book=book,
            kind=Transaction.Kind.WRITE_OFF,
            legs=[
                ledger.debit(account(book, "write_offs"), amount),
                ledger.credit(account(book, "loans", loan.member), amount),
            ],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            cycle=loan.cycle,
            member=loan.member,
            loan=loan,
            memo=reason,
        )
        Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.WRITTEN_OFF)
        loan.status = Loan.Status.WRITTEN_OFF
    return posted


def loan_reschedule(
    *, user, loan: Loan, term_months: int, on: datetime.date, reason: str
) -> LoanSchedule:
    """A new schedule for the principal still owed, from `on`; the old schedule is kept."""
    book = loan.cycle.book
    check_may_post(user, book)
    if not reason.strip():
        raise ValidationFailed(_("Say why the loan is rescheduled."), field="reason")
    if (
        isinstance(term_months, bool)
        or not isinstance(term_months, int)
        or not (1 <= term_months <= 24)
    ):
        raise ValidationFailed(_("The term is from 1 to 24 months."), field="term_months")
    with db.atomic():
        ledger.lock_book(book)
        check_cycle_open(loan.cycle)
        state = loan_state(loan)
        if loan.status != Loan.Status.ACTIVE or state.principal_outstanding <= 0:
            raise ValidationFailed(_("Nothing is owed on this loan."))
        return _schedule_create(
            loan=loan,
            version=state.schedule.version + 1,
            start=on,
            principal=state.principal_outstanding,
            term_months=term_months,
            paid_before=state.principal_paid + state.charge_paid,
            reason=reason.strip(),
            user=user,
        )
