"""A savings group's books, cycles and constitutions (its rules, versioned)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction as db
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .. import ledger
from ..models import Account, Book, Constitution, Cycle, Transaction
from .common import account, check_cycle_open, check_may_post, check_member, posting_exists


@dataclass(frozen=True)
class Rules:
    """A constitution's terms, as the group agreed them."""

    share_price: int
    max_shares: int = 5
    social_fund_amount: int = 0
    social_fund_purposes: str = ""
    loan_multiple: int = 3
    max_term_months: int = 3
    charge_method: str = Constitution.Charge.FLAT
    monthly_rate_bp: int = 200
    guarantors_required: int = 0
    joint_liability: bool = False
    fine_absence: int = 0
    fine_late: int = 0
    cycle_months: int = 12
    social_fund_shared_out: bool = False
    loans_may_carry: bool = False
    residue_rule: str = Constitution.Residue.LARGEST_REMAINDER


def _check_rules(rules: Rules) -> None:
    def whole(value, field, low, high=None):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            raise ValidationFailed(
                _("Enter a whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high if high is not None else "…"},
                field=field,
            )

    whole(rules.share_price, "share_price", 1, 10_000_000)
    whole(rules.max_shares, "max_shares", 1, 5)
    whole(rules.social_fund_amount, "social_fund_amount", 0, 10_000_000)
    whole(rules.loan_multiple, "loan_multiple", 1, 10)
    whole(rules.max_term_months, "max_term_months", 1, 12)
    whole(rules.monthly_rate_bp, "monthly_rate_bp", 0, 1000)
    whole(rules.guarantors_required, "guarantors_required", 0, 5)
    whole(rules.fine_absence, "fine_absence", 0, 10_000_000)
    whole(rules.fine_late, "fine_late", 0, 10_000_000)
    whole(rules.cycle_months, "cycle_months", 8, 12)
    if rules.charge_method not in Constitution.Charge.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="charge_method")
    if rules.residue_rule not in Constitution.Residue.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="residue_rule")


@db.atomic
def book_open(*, user, group, kind: str = Book.Kind.SAVINGS) -> Book:
    """The group's book of `kind` (made on first use)."""
    book = Book.objects.filter(group=group, kind=kind).first()
    if book is None:
        book = Book(
            organisation_id=group.organisation_id,
            village_id=group.village_id,
            programme_id=group.programme_id,
            group=group,
            kind=kind,
            name=group.name,
        )
        check_may_post(user, book)
        book.save()
    return book


@db.atomic
def cycle_start(
    *, user, book: Book, started_on: datetime.date, rules: Rules, reason: str = ""
) -> Cycle:
    """Start the next cycle with its first constitution; money carried over becomes shares."""
    check_may_post(user, book)
    _check_rules(rules)
    ledger.lock_book(book)
    if book.cycles.filter(status=Cycle.Status.OPEN).exists():
        raise ValidationFailed(_("Share out the open cycle before starting a new one."))
    previous = book.cycles.order_by("-number").first()
    cycle = Cycle.objects.create(
        book=book, number=(previous.number + 1) if previous else 1, started_on=started_on
    )
    Constitution.objects.create(
        cycle=cycle,
        version=1,
        adopted_on=started_on,
        reason=reason.strip(),
        created_by=user,
        **dataclasses.asdict(rules),
    )
    carried = list(
        Account.objects.filter(book=book, code="carried", balance__lt=0).select_related(
            "member__person"
        )
    )
    legs = []
    for carry in carried:
        amount = carry.normal_balance
        if amount % rules.share_price:
            raise ValidationFailed(
                _(
                    "%(name)s carried %(amount)s, which is not a whole number of shares at "
                    "the new share price."
                )
                % {"name": carry.member.person.name, "amount": f"Rp{amount:,}".replace(",", ".")},
                field="share_price",
            )
        legs += [
            ledger.debit(carry, amount),
            ledger.credit(account(book, "shares", carry.member), amount),
        ]
    if legs:
        ledger.transaction_post(
            book=book,
            kind=Transaction.Kind.OPENING,
            legs=legs,
            occurred_on=started_on,
            idempotency_key=f"cycle-{cycle.number}-carried",
            user=user,
            cycle=cycle,
            memo=_("Savings carried over from the last cycle"),
        )
    return cycle


def constitution_of(cycle: Cycle) -> Constitution:
    """The cycle's rules in force: its newest version."""
    cache = ledger.lock_cache(cycle.book)
    key = ("constitution", cycle.pk)
    if cache is not None and key in cache:
        return cache[key]
    found = cycle.constitutions.order_by("-version").first()
    if cache is not None:
        cache[key] = found
    return found


@db.atomic
def constitution_revise(*, user, cycle: Cycle, rules: Rules, reason: str) -> Constitution:
    """A new version of the cycle's rules; the share price stays for the whole cycle."""
    check_may_post(user, cycle.book)
    check_cycle_open(cycle)
    _check_rules(rules)
    current = constitution_of(cycle)
    if rules.share_price != current.share_price:
        raise ValidationFailed(
            _("The share price is fixed for the whole cycle (%(price)s).")
            % {"price": f"Rp{current.share_price:,}".replace(",", ".")},
            field="share_price",
        )
    if not reason.strip():
        raise ValidationFailed(
            _("Say why the rules change: the earlier version is kept."), field="reason"
        )
    if all(getattr(current, f.name) == getattr(rules, f.name) for f in dataclasses.fields(rules)):
        raise ValidationFailed(_("Nothing changed in the rules."))
    cache = ledger.lock_cache(cycle.book)
    if cache is not None:
        cache.pop(("constitution", cycle.pk), None)
    return Constitution.objects.create(
        cycle=cycle,
        version=current.version + 1,
        adopted_on=datetime.date.today(),
        reason=reason.strip(),
        created_by=user,
        **dataclasses.asdict(rules),
    )


@dataclass(frozen=True)
class OpeningLoan:
    member: object
    outstanding: int
    term_months: int


@db.atomic
def cycle_open_balances(
    *,
    user,
    cycle: Cycle,
    on: datetime.date,
    shares: dict,
    social_fund: int = 0,
    cash: int = 0,
    loans: tuple[OpeningLoan, ...] = (),
) -> Transaction | None:
    """A group that began on paper: its members' shares, loans, social fund and cash so far.

    The difference between what the group holds (cash + loans) and what it owes its
    members (shares + social fund) is the profit made so far, shared out with the rest.
    """
    from .loans import loan_open

    book = cycle.book
    check_may_post(user, book)
    check_cycle_open(cycle)
    ledger.lock_book(book)
    key = f"cycle-{cycle.pk}-opening"
    if (earlier := posting_exists(book, key)) is not None:
        return earlier
    if cycle.transactions.exclude(kind=Transaction.Kind.OPENING).exists():
        raise ValidationFailed(_("Opening balances come before the first meeting's entries."))
    price = constitution_of(cycle).share_price
    legs = []
    owed = 0
    for member, count in shares.items():
        check_member(book, member)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationFailed(_("Shares are counted in whole numbers."), field="shares")
        if count:
            legs.append(ledger.credit(account(book, "shares", member), count * price))
            owed += count * price
    if social_fund:
        legs.append(ledger.credit(account(book, "social_fund"), ledger.rupiah(social_fund)))
        owed += social_fund
    held = 0
    if cash:
        legs.append(ledger.debit(account(book, "cash"), ledger.rupiah(cash, field="cash")))
        held += cash
    for opening in loans:  # each posted with its loan, below; the profit counts them now
        check_member(book, opening.member)
        ledger.rupiah(opening.outstanding, field="loans")
    if held > owed:
        legs.append(ledger.credit(account(book, "retained"), held - owed))
    elif owed > held:
        legs.append(ledger.debit(account(book, "retained"), owed - held))
    if len(legs) < 2:
        raise ValidationFailed(_("Enter at least the cash and the members' shares."))
    posted = ledger.transaction_post(
        book=book,
        kind=Transaction.Kind.OPENING,
        legs=legs,
        occurred_on=on,
        idempotency_key=key,
        user=user,
        cycle=cycle,
        memo=_("Opening balances (the group's books before Berdaya)"),
    )
    for opening in loans:
        loan_open(
            user=user,
            cycle=cycle,
            member=opening.member,
            principal=opening.outstanding,
            term_months=opening.term_months,
            on=on,
        )
    return posted
