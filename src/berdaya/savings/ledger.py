"""The double-entry core: post a balanced transaction once, reverse it, read balances.

Every write to the books goes through `transaction_post`. Inside one database
transaction (on SQLite Django opens it with ``BEGIN IMMEDIATE``, see the database
settings, so the write lock is taken first) it

1. locks the book (``SELECT ... FOR UPDATE`` on PostgreSQL): postings to one group
   are serialised, so running balances are never computed from a stale row;
2. returns the earlier transaction when the idempotency key was already used (a
   phone that retries a submission posts once) — the unique constraint on
   ``(book, idempotency_key)`` backs this up;
3. checks every leg (a positive whole Rupiah on exactly one side, an account of this
   book) and that debits equal credits — on SQLite this check is the rule; on
   PostgreSQL the deferred constraint trigger checks it again at commit;
4. writes the transaction, its entries with each account's balance after the entry,
   and the accounts' stored balances.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db import transaction as db
from django.db.models import Sum
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .models import Account, Book, Entry, Transaction


@dataclass(frozen=True)
class Leg:
    account: Account
    debit: int = 0
    credit: int = 0


def debit(account: Account, amount: int) -> Leg:
    return Leg(account, debit=amount)


def credit(account: Account, amount: int) -> Leg:
    return Leg(account, credit=amount)


def rupiah(value, *, field: str = "amount") -> int:
    """A positive whole Rupiah, or a readable refusal."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("Amounts are whole Rupiah, without decimals."), field=field)
    if value <= 0:
        raise ValidationFailed(_("Amounts must be more than Rp 0."), field=field)
    if value > 10**15:
        raise ValidationFailed(_("This amount is too large to be right."), field=field)
    return value


def check_legs(book: Book, legs: Sequence[Leg]) -> None:
    """The rules of a posting: at least two legs, each one-sided and positive, balanced."""
    if len(legs) < 2:
        raise ValidationFailed(_("A transaction needs at least two entries."))
    debits = credits = 0
    for leg in legs:
        if leg.account.book_id != book.pk:
            raise ValidationFailed(_("An entry names an account of another book."))
        sides = [leg.debit, leg.credit]
        if any(isinstance(v, bool) or not isinstance(v, int) for v in sides):
            raise ValidationFailed(_("Amounts are whole Rupiah, without decimals."))
        if not ((leg.debit > 0 and leg.credit == 0) or (leg.credit > 0 and leg.debit == 0)):
            raise ValidationFailed(
                _("Each entry is either a debit or a credit, of more than Rp 0.")
            )
        debits += leg.debit
        credits += leg.credit
    if debits != credits:
        raise ValidationFailed(
            _("The transaction does not balance: debits Rp %(debits)s, credits Rp %(credits)s.")
            % {
                "debits": f"{debits:,}".replace(",", "."),
                "credits": f"{credits:,}".replace(",", "."),
            }
        )


def lock_cache(book: Book) -> dict | None:
    """The cache of accounts and rules while `locked(book)` is active, else None."""
    state = getattr(connection, "_savings_lock", None)
    if state is not None and book.pk in state["books"]:
        return state["cache"]
    return None


def lock_book(book: Book) -> Book:
    """Serialise writers on this book: a row lock on PostgreSQL (SQLite's transactions
    begin IMMEDIATE, holding the database's write lock). Call inside `atomic()`."""
    if lock_cache(book) is not None:
        return book  # already held by `locked`
    if connection.vendor == "postgresql":
        Book.objects.select_for_update().filter(pk=book.pk).values_list("pk", flat=True).get()
    return book


@contextmanager
def locked(book: Book):
    """Hold the book's lock for a block of postings and cache its accounts meanwhile.

    Inside one `atomic()` nobody else writes to the book, so an account looked up once
    stays right (its balance is updated by each posting). The cache ends with the
    block, and with any error leaving it (the transaction then rolls back).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("locked() needs an atomic block")
    if lock_cache(book) is not None:
        yield lock_cache(book)
        return
    lock_book(book)
    state = getattr(connection, "_savings_lock", None)
    if state is None:
        state = {"books": {book.pk}, "cache": {}}
        connection._savings_lock = state
        try:
            yield state["cache"]
        finally:
            connection._savings_lock = None
    else:
        state["books"].add(book.pk)
        try:
            yield state["cache"]
        finally:
            state["books"].discard(book.pk)
            state["cache"].clear()


def transaction_post(
    *,
    book: Book,
    kind: str,
    legs: Sequence[Leg],
    occurred_on: datetime.date,
    idempotency_key: str,
    user=None,
    memo: str = "",
    cycle=None,
    meeting=None,
    member=None,
    loan=None,
    reverses: Transaction | None = None,
    origin: str = "",
    stakeholder=None,
    aid: str = "",
    inflow: int = 0,
    in_kind: bool = False,
    shares: int | None = None,
) -> Transaction:
    """Post one balanced transaction, exactly once per idempotency key."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationFailed(_("The posting has no valid idempotency key."))
    if kind not in Transaction.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    if origin == Transaction.Origin.EXTERNAL and stakeholder is None:
        raise ValidationFailed(
            _("Money from outside names who gave it (a stakeholder)."), field="stakeholder"
        )
    if aid and origin != Transaction.Origin.EXTERNAL:
        raise ValidationFailed(
            _("Only help from outside is direct aid or capacity building."), field="aid"
        )
    if inflow and not origin:
        raise ValidationFailed(_("Say whether this money came from inside or outside."))
    with db.atomic():
        lock_book(book)
        earlier = Transaction.objects.filter(book=book, idempotency_key=key).first()
        if earlier is not None:
            return earlier
        check_legs(book, legs)
        # The book lock (and SQLite's write lock) make check-then-insert safe; the unique
        # constraint on (book, idempotency_key) backs it up.
        posted = Transaction.objects.create(
            book=book,
            kind=kind,
            occurred_on=occurred_on,
            idempotency_key=key,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            memo=memo.strip()[:300],
            cycle=cycle,
            meeting=meeting,
            member=member,
            loan=loan,
            reverses=reverses,
            origin=origin,
            stakeholder=stakeholder,
            aid=aid,
            inflow=inflow,
            in_kind=in_kind,
            shares=shares,
        )
        _write_entries(posted, legs)
    return posted


# Accounts that can never hold less than nothing: a cash box, members' savings and
# loans, the social fund, stock and goods in kind.
NEVER_NEGATIVE = {"cash", "bank", "loans", "shares", "carried", "social_fund", "inventory", "goods"}


def _write_entries(posted: Transaction, legs: Sequence[Leg]) -> None:
    """Entries with running balances, and the accounts' stored balances, in 2-3 queries."""
    accounts = {leg.account.pk: leg.account for leg in legs}
    cache = lock_cache(posted.book)
    cached = {id(a) for a in cache.values() if isinstance(a, Account)} if cache else set()
    stale = [pk for pk, account in accounts.items() if id(account) not in cached]
    if stale:  # not kept current under `locked`: read the balances now
        fresh = dict(Account.objects.filter(pk__in=stale).values_list("pk", "balance"))
        for pk, balance in fresh.items():
            accounts[pk].balance = balance
    after = {pk: account.balance for pk, account in accounts.items()}
    entries = []
    for leg in legs:
        after[leg.account.pk] += leg.debit - leg.credit
        entries.append(
            Entry(
                transaction=posted,
                account_id=leg.account.pk,
                debit=leg.debit,
                credit=leg.credit,
                balance_after=after[leg.account.pk],
            )
        )
    for pk, balance in after.items():
        found = accounts[pk]
        natural = balance if found.type in (Account.Type.ASSET, Account.Type.EXPENSE) else -balance
        if found.code in NEVER_NEGATIVE and natural < 0:
            raise ValidationFailed(
                _("This would take %(account)s below zero (%(amount)s).")
                % {"account": found.name, "amount": f"Rp{natural:,}".replace(",", ".")}
            )
    Entry.objects.bulk_create(entries)
    changed = []
    for pk, balance in after.items():
        if accounts[pk].balance != balance:
            accounts[pk].balance = balance
            changed.append(accounts[pk])
    if changed:  # absolute values: computed under the book's lock from current balances
        Account.objects.bulk_update(changed, ["balance"])
    for leg in legs:  # the caller's objects show the new balances too
        leg.account.balance = after[leg.account.pk]


def transaction_reverse(
    *, original: Transaction, user, reason: str, idempotency_key: str, on: datetime.date
) -> Transaction:
    """Undo a transaction by posting its mirror image, pointing to it. Once only."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the transaction is reversed."), field="reason")
    if original.kind == Transaction.Kind.REVERSAL:
        raise ValidationFailed(_("A reversal cannot itself be reversed; post the entry again."))
    with db.atomic():
        lock_book(original.book)
        earlier = Transaction.objects.filter(
            book_id=original.book_id, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier
        if Transaction.objects.filter(reverses=original).exists():
            raise ValidationFailed(_("This transaction was already reversed."))
        legs = [
            Leg(entry.account, debit=entry.credit, credit=entry.debit)
            for entry in original.entries.select_related("account")
        ]
        return transaction_post(
            book=original.book,
            kind=Transaction.Kind.REVERSAL,
            legs=legs,
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=reason,
            cycle=original.cycle,
            meeting=original.meeting,
            member=original.member,
            loan=original.loan,
            reverses=original,
            origin=original.origin,
            stakeholder=original.stakeholder,
            aid=original.aid,
            inflow=-original.inflow,
            in_kind=original.in_kind,
            shares=original.shares,
        )


def entries_total(account: Account) -> int:
    """The balance recomputed from the entries (checks the stored one)."""
    sums = account.entries.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)
