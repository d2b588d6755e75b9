"""A savings group's meeting: attendance, shares, social fund, fines, repayments, loans.

The treasurer fills one page during the meeting; `meeting_record` posts it all in
one database transaction (all or nothing) and each line with its own idempotency
key, so a phone that sends the page twice posts it once. Before closing, the group
counts the cash box against the expected total (`meeting_totals`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction as db
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .. import ledger
from ..models import Entry, Loan, Meeting, MeetingAttendance, Transaction
from .common import (
    account,
    check_cycle_open,
    check_may_post,
    check_member,
    posting_exists,
    rupiah_text,
)
from .cycles import constitution_of
from .loans import loan_disburse, loan_repay


def _check_meeting_open(meeting: Meeting) -> None:
    check_cycle_open(meeting.cycle)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationFailed(_("This meeting is closed; open the next one."))


def _check_posting(user, meeting: Meeting, member) -> None:
    check_may_post(user, meeting.cycle.book)
    _check_meeting_open(meeting)
    check_member(meeting.cycle.book, member)


@db.atomic
def meeting_open(*, user, cycle, held_on: datetime.date, recorded_with=None) -> Meeting:
    book = cycle.book
    check_may_post(user, book)
    ledger.lock_book(book)
    check_cycle_open(cycle)
    if recorded_with is not None:
        check_member(book, recorded_with)
        if recorded_with.role == recorded_with.Role.MEMBER:
            raise ValidationFailed(
                _("The records are kept by an officer (chair, secretary or treasurer)."),
                field="recorded_with",
            )
    if cycle.meetings.filter(status=Meeting.Status.OPEN).exists():
        raise ValidationFailed(_("Close the open meeting (count the cash) before the next one."))
    last = cycle.meetings.order_by("-number").first()
    if last is not None and held_on < last.held_on:
        raise ValidationFailed(
            _("A meeting cannot come before the last one (%(on)s).")
            % {"on": last.held_on.strftime("%d/%m/%Y")},
            field="held_on",
        )
    if held_on < cycle.started_on:
        raise ValidationFailed(_("The meeting is before the cycle started."), field="held_on")
    return Meeting.objects.create(
        cycle=cycle,
        number=(last.number + 1) if last else 1,
        held_on=held_on,
        recorded_with=recorded_with,
    )


def shares_buy(*, user, meeting: Meeting, member, shares: int, idempotency_key: str) -> Transaction:
    book = meeting.cycle.book
    _check_posting(user, meeting, member)
    rules = constitution_of(meeting.cycle)
    if (
        isinstance(shares, bool)
        or not isinstance(shares, int)
        or not (1 <= shares <= rules.max_shares)
    ):
        raise ValidationFailed(
            _("A member buys 1 to %(max)s shares at a meeting.") % {"max": rules.max_shares},
            field="shares",
        )
    amount = shares * rules.share_price
    return ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.SHARES,
        legs=[
            ledger.debit(account(book, "cash"), amount),
            ledger.credit(account(book, "shares", member), amount),
        ],
        occurred_on=meeting.held_on,
        idempotency_key=idempotency_key,
        user=user,
        cycle=meeting.cycle,
        meeting=meeting,
        member=member,
        origin=Transaction.Origin.INTERNAL,
        inflow=amount,
        shares=shares,
    )


def social_fund_pay(*, user, meeting: Meeting, member, idempotency_key: str) -> Transaction:
    book = meeting.cycle.book
    _check_posting(user, meeting, member)
    amount = constitution_of(meeting.cycle).social_fund_amount
    if not amount:
        raise ValidationFailed(_("The group's rules set no social fund contribution."))
    return ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.SOCIAL_FUND,
        legs=[
            ledger.debit(account(book, "cash"), amount),
            ledger.credit(account(book, "social_fund"), amount),
        ],
        occurred_on=meeting.held_on,
        idempotency_key=idempotency_key,
        user=user,
        cycle=meeting.cycle,
        meeting=meeting,
        member=member,
        origin=Transaction.Origin.INTERNAL,
        inflow=amount,
    )


def fine_charge(
    *, user, meeting: Meeting, member, amount: int, idempotency_key: str, memo: str = ""
) -> Transaction:
    book = meeting.cycle.book
    _check_posting(user, meeting, member)
    ledger.rupiah(amount, field="fine")
    return ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.FINE,
        legs=[
            ledger.debit(account(book, "cash"), amount),
            ledger.credit(account(book, "fine_income"), amount),
        ],
        occurred_on=meeting.held_on,
        idempotency_key=idempotency_key,
        user=user,
        cycle=meeting.cycle,
        meeting=meeting,
        member=member,
        memo=memo,
        origin=Transaction.Origin.INTERNAL,
        inflow=amount,
    )


@db.atomic
def social_fund_grant(
    *, user, meeting: Meeting, member, amount: int, purpose: str, idempotency_key: str
) -> Transaction:
    """A grant from the social fund to a member in need (illness, a death, a disaster)."""
    book = meeting.cycle.book
    check_may_post(user, book)
    ledger.rupiah(amount)
    ledger.lock_book(book)
    if (earlier := posting_exists(book, idempotency_key)) is not None:
        return earlier
    _check_meeting_open(meeting)
    check_member(book, member)
    fund = account(book, "social_fund")
    if amount > fund.normal_balance:
        raise ValidationFailed(
            _("The social fund holds only %(amount)s.")
            % {"amount": rupiah_text(fund.normal_balance)},
            field="amount",
        )
    if not purpose.strip():
        raise ValidationFailed(_("Say what the grant is for."), field="purpose")
    return ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.SOCIAL_PAYOUT,
        legs=[ledger.debit(fund, amount), ledger.credit(account(book, "cash"), amount)],
        occurred_on=meeting.held_on,
        idempotency_key=idempotency_key,
        user=user,
        cycle=meeting.cycle,
        meeting=meeting,
        member=member,
        memo=purpose,
    )


@db.atomic
def expense_pay(
    *, user, meeting: Meeting, amount: int, memo: str, idempotency_key: str
) -> Transaction:
    """Money the group spends (a padlock, a ledger book, transport to the bank)."""
    book = meeting.cycle.book
    check_may_post(user, book)
    ledger.rupiah(amount)
    ledger.lock_book(book)
    if (earlier := posting_exists(book, idempotency_key)) is not None:
        return earlier
    _check_meeting_open(meeting)
    if not memo.strip():
        raise ValidationFailed(_("Say what the money was spent on."), field="memo")
    cash = account(book, "cash")
    if amount > cash.balance:
        raise ValidationFailed(
            _("There is only %(cash)s in the cash box.") % {"cash": rupiah_text(cash.balance)},
            field="amount",
        )
    return ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.EXPENSE,
        legs=[ledger.debit(account(book, "expenses"), amount), ledger.credit(cash, amount)],
        occurred_on=meeting.held_on,
        idempotency_key=idempotency_key,
        user=user,
        cycle=meeting.cycle,
        meeting=meeting,
        memo=memo,
    )


@dataclass(frozen=True)
class NewLoan:
    principal: int
    term_months: int
    purpose: str = ""
    guarantors: tuple = ()


@dataclass(frozen=True)
class MemberLine:
    """What one member did at the meeting (one row of the treasurer's page)."""

    member: object
    attendance: str = MeetingAttendance.Status.PRESENT
    shares: int = 0
    social_fund: bool = False
    fine: int = 0
    repayments: tuple = ()  # (loan, amount) pairs
    new_loan: NewLoan | None = None
    notes: dict = field(default_factory=dict)


def meeting_record(
    *, user, meeting: Meeting, lines: Sequence[MemberLine], idempotency_key: str
) -> list[Transaction]:
    """Post the whole page: savings first, then fines, repayments and new loans."""
    book = meeting.cycle.book
    check_may_post(user, book)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 60:
        raise ValidationFailed(_("The page has no valid idempotency key; reload it."))
    posted: list[Transaction] = []
    with db.atomic(), ledger.locked(book):
        _check_meeting_open(meeting)
        existing = {a.member_id: a for a in MeetingAttendance.objects.filter(meeting=meeting)}
        added, changed = [], []
        for line in lines:
            check_member(book, line.member)
            if line.attendance not in MeetingAttendance.Status.values:
                raise ValidationFailed(_("Choose one of the listed answers."), field="attendance")
            known = existing.get(line.member.pk)
            if known is None:
                added.append(
                    MeetingAttendance(meeting=meeting, member=line.member, status=line.attendance)
                )
            elif known.status != line.attendance:
                known.status = line.attendance
                changed.append(known)
        MeetingAttendance.objects.bulk_create(added)
        MeetingAttendance.objects.bulk_update(changed, ["status"])
        for line in lines:
            prefix = f"{key}:{line.member.pk}"
            if line.shares:
                posted.append(
                    shares_buy(
                        user=user,
                        meeting=meeting,
                        member=line.member,
                        shares=line.shares,
                        idempotency_key=f"{prefix}:shares",
                    )
                )
            if line.social_fund:
                posted.append(
                    social_fund_pay(
                        user=user,
                        meeting=meeting,
                        member=line.member,
                        idempotency_key=f"{prefix}:social",
                    )
                )
            if line.fine:
                posted.append(
                    fine_charge(
                        user=user,
                        meeting=meeting,
                        member=line.member,
                        amount=line.fine,
                        idempotency_key=f"{prefix}:fine",
                    )
                )
        for line in lines:
            prefix = f"{key}:{line.member.pk}"
            for loan, amount in line.repayments:
                if not amount:
                    continue
                if loan.member_id != line.member.pk:
                    raise ValidationFailed(_("This loan is not the member's."))
                posted.append(
                    loan_repay(
                        user=user,
                        loan=loan,
                        amount=amount,
                        on=meeting.held_on,
                        idempotency_key=f"{prefix}:repay:{loan.pk}",
                        meeting=meeting,
                    )
                )
        for line in lines:
            if line.new_loan is None:
                continue
            new = line.new_loan
            try:
                loan = loan_disburse(
                    user=user,
                    cycle=meeting.cycle,
                    member=line.member,
                    principal=new.principal,
                    term_months=new.term_months,
                    on=meeting.held_on,
                    idempotency_key=f"{key}:{line.member.pk}:loan",
                    meeting=meeting,
                    purpose=new.purpose,
                    guarantors=new.guarantors,
                )
            except ValidationFailed as error:
                raise ValidationFailed(
                    _("%(member)s: %(problem)s")
                    % {"member": line.member.person.name, "problem": error.message},
                    field=error.field,
                ) from error
            posted.append(loan.transactions.get(kind=Transaction.Kind.LOAN))
    return posted


@dataclass(frozen=True)
class MeetingTotals:
    opening_cash: int
    shares: int
    share_count: int
    social_fund: int
    fines: int
    repayments: int
    loans: int
    grants_paid: int
    expenses: int
    reversals: int  # net cash effect of reversals in this meeting
    expected_cash: int

    @property
    def cash_in(self) -> int:
        return self.shares + self.social_fund + self.fines + self.repayments

    @property
    def cash_out(self) -> int:
        return self.loans + self.grants_paid + self.expenses


def meeting_totals(meeting: Meeting) -> MeetingTotals:
    """What the box should hold: the cash before the meeting plus this meeting's movements.

    An open meeting is the latest, so the box should hold the cash account's balance;
    a closed one keeps the figure it was closed with.
    """
    cash = account(meeting.cycle.book, "cash")
    rows = (
        Entry.objects.filter(account=cash, transaction__meeting=meeting)
        .values("transaction__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    net = {row["transaction__kind"]: (row["d"] or 0) - (row["c"] or 0) for row in rows}
    if meeting.status == Meeting.Status.CLOSED and meeting.expected_cash is not None:
        expected = meeting.expected_cash
    else:
        expected = cash.balance
    share_count = (
        meeting.transactions.filter(
            kind=Transaction.Kind.SHARES, reversed_by__isnull=True
        ).aggregate(n=Sum("shares"))["n"]
        or 0
    )
    return MeetingTotals(
        opening_cash=expected - sum(net.values()),
        shares=net.get("shares", 0),
        share_count=share_count,
        social_fund=net.get("social_fund", 0),
        fines=net.get("fine", 0),
        repayments=net.get("repayment", 0),
        loans=-net.get("loan", 0),
        grants_paid=-net.get("social_payout", 0),
        expenses=-net.get("expense", 0),
        reversals=net.get("reversal", 0),
        expected_cash=expected,
    )


@db.atomic
def meeting_close(*, user, meeting: Meeting, counted_cash: int) -> Meeting:
    """Record the cash counted in the box and close the meeting to new entries."""
    book = meeting.cycle.book
    check_may_post(user, book)
    ledger.lock_book(book)
    _check_meeting_open(meeting)
    if isinstance(counted_cash, bool) or not isinstance(counted_cash, int) or counted_cash < 0:
        raise ValidationFailed(_("Enter the cash counted, in whole Rupiah."), field="counted_cash")
    totals = meeting_totals(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CLOSED,
        counted_cash=counted_cash,
        expected_cash=totals.expected_cash,
        closed_at=timezone.now(),
        closed_by=user,
    )
    meeting.refresh_from_db()
    return meeting


def active_loans(cycle) -> list[Loan]:
    return list(
        Loan.objects.filter(cycle__book=cycle.book, status=Loan.Status.ACTIVE)
        .select_related("member__person", "cycle")
        .order_by("disbursed_on", "pk")
    )
