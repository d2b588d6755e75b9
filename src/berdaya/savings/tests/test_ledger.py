"""The posting core: balanced, once per key, append-only, balances kept exact."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection
from django.db import transaction as db

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.savings import ledger, services
from berdaya.savings.models import AppendOnly, Entry, Transaction

from .conftest import START, key

pytestmark = pytest.mark.usefixtures("english")


def _deposit(book, member, amount, *, user, idempotency_key):
    return ledger.transaction_post(
        book=book,
        kind="shares",
        legs=[
            ledger.debit(services.account(book, "cash"), amount),
            ledger.credit(services.account(book, "shares", member), amount),
        ],
        occurred_on=START,
        idempotency_key=idempotency_key,
        user=user,
        origin="internal",
        inflow=amount,
    )


def test_a_posting_keeps_every_balance_equal_to_its_entries(vsla, manager):
    _group, book, _cycle, members = vsla
    _deposit(book, members[0], 30_000, user=manager, idempotency_key=key())
    _deposit(book, members[1], 20_000, user=manager, idempotency_key=key())
    cash = services.account(book, "cash")
    cash.refresh_from_db()
    assert cash.balance == 50_000 == ledger.entries_total(cash)
    entries = list(cash.entries.order_by("pk"))
    assert [e.balance_after for e in entries] == [30_000, 50_000]


def test_the_same_key_posts_once(vsla, manager):
    _group, book, _cycle, members = vsla
    first = _deposit(book, members[0], 10_000, user=manager, idempotency_key="phone-retry-1")
    again = _deposit(book, members[0], 10_000, user=manager, idempotency_key="phone-retry-1")
    assert first.pk == again.pk
    assert Transaction.objects.filter(book=book, idempotency_key="phone-retry-1").count() == 1
    assert services.account(book, "cash").balance == 10_000


@pytest.mark.parametrize(
    ("debit", "credit", "message"),
    [
        (10_000, 9_000, "does not balance"),
        (0, 0, "either a debit or a credit"),
        (-5, -5, "either a debit or a credit"),
    ],
)
def test_unbalanced_or_empty_legs_are_refused_and_nothing_is_written(
    vsla, manager, debit, credit, message
):
    _group, book, _cycle, members = vsla
    before = Entry.objects.count()
    with pytest.raises(ValidationFailed, match=message):
        ledger.transaction_post(
            book=book,
            kind="shares",
            legs=[
                ledger.Leg(services.account(book, "cash"), debit=debit),
                ledger.Leg(services.account(book, "shares", members[0]), credit=credit),
            ],
            occurred_on=START,
            idempotency_key=key(),
            user=manager,
        )
    assert Entry.objects.count() == before
    assert not Transaction.objects.filter(book=book).exclude(kind="opening").exists()


def test_decimal_amounts_are_refused(vsla, manager):
    _group, book, _cycle, members = vsla
    with pytest.raises(ValidationFailed, match="whole Rupiah"):
        ledger.transaction_post(
            book=book,
            kind="shares",
            legs=[
                ledger.Leg(services.account(book, "cash"), debit=1000.5),
                ledger.Leg(services.account(book, "shares", members[0]), credit=1000.5),
            ],
            occurred_on=START,
            idempotency_key=key(),
            user=manager,
        )


def test_external_money_must_name_its_giver(vsla, manager):
    _group, book, _cycle, _members = vsla
    with pytest.raises(ValidationFailed, match="names who gave it"):
        ledger.transaction_post(
            book=book,
            kind="contribution",
            legs=[
                ledger.debit(services.account(book, "cash"), 1000),
                ledger.credit(services.account(book, "grants"), 1000),
            ],
            occurred_on=START,
            idempotency_key=key(),
            user=manager,
            origin="external",
            inflow=1000,
        )


def test_a_reversal_mirrors_the_original_once(vsla, manager):
    _group, book, _cycle, members = vsla
    original = _deposit(book, members[0], 40_000, user=manager, idempotency_key=key())
    reversal = ledger.transaction_reverse(
        original=original, user=manager, reason="Salah tulis", idempotency_key=key(), on=START
    )
    assert reversal.reverses_id == original.pk and reversal.inflow == -40_000
    assert services.account(book, "cash").balance == 0
    assert services.account(book, "shares", members[0]).balance == 0
    with pytest.raises(ValidationFailed, match="already reversed"):
        ledger.transaction_reverse(
            original=original, user=manager, reason="lagi", idempotency_key=key(), on=START
        )
    with pytest.raises(ValidationFailed, match="cannot itself be reversed"):
        ledger.transaction_reverse(
            original=reversal, user=manager, reason="lagi", idempotency_key=key(), on=START
        )
    # The original stays in the books: nothing vanished from the statement.
    assert Transaction.objects.filter(pk=original.pk).exists()


def test_ledger_rows_cannot_be_changed_or_removed_by_the_models(vsla, manager):
    _group, book, _cycle, members = vsla
    posted = _deposit(book, members[0], 10_000, user=manager, idempotency_key=key())
    entry = posted.entries.first()
    entry.debit = 99
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        posted.delete()
    with pytest.raises(AppendOnly):
        Entry.objects.filter(transaction=posted).update(debit=1)
    with pytest.raises(AppendOnly):
        Transaction.objects.filter(pk=posted.pk).delete()


def test_the_database_refuses_an_update_of_an_entry(vsla, manager):
    _group, book, _cycle, members = vsla
    posted = _deposit(book, members[0], 10_000, user=manager, idempotency_key=key())
    with (
        pytest.raises(DatabaseError, match=r"append|ditambah"),
        db.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE savings_entry SET debit = debit + 1 WHERE transaction_id = %s",
            [posted.pk],
        )


def test_the_database_refuses_a_leg_with_both_sides(vsla, manager):
    _group, book, _cycle, members = vsla
    posted = _deposit(book, members[0], 10_000, user=manager, idempotency_key=key())
    cash = services.account(book, "cash")
    with pytest.raises(IntegrityError), db.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO savings_entry (transaction_id, account_id, debit, credit, "
            "balance_after) VALUES (%s, %s, 5, 5, 0)",
            [posted.pk, cash.pk],
        )


def test_a_viewer_cannot_post(vsla, demo):
    _group, book, _cycle, _members = vsla
    with pytest.raises(PermissionDenied):
        services.meeting_open(user=demo.users["pemantau"], cycle=book.cycles.get(), held_on=START)


def test_a_facilitator_of_another_village_cannot_post(vsla, demo):
    _group, _book, cycle, _members = vsla
    with pytest.raises(PermissionDenied):
        services.meeting_open(user=demo.users["pendamping.sidoharjo"], cycle=cycle, held_on=START)
