"""What only PostgreSQL can show: its trigger refuses what the services never write.

Twenty writers at once are in tests/test_savings_concurrency.py (a test that commits).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db import transaction as db
from django.db.utils import DatabaseError

from berdaya.savings import ledger, services
from berdaya.savings.models import Transaction

pytestmark = pytest.mark.postgres


def _minimal_book():
    """A book with two accounts, built through the services without the demo."""
    from berdaya.areas.models import Village
    from berdaya.core.models import User
    from berdaya.groups.models import Group
    from berdaya.organisations.models import Organisation, Role
    from berdaya.organisations.services import membership_grant, organisation_create
    from berdaya.programmes.services import programme_create
    from berdaya.savings.models import Book

    if not Village.objects.exists():  # emptied by a test that committed before this one
        from berdaya.areas.services import areas_load

        areas_load(provinces=["34"])
    village = Village.objects.order_by("code").first()
    organisation = organisation_create(name=f"Uji Buku {Organisation.objects.count()}", kind="ngo")
    programme_create(
        organisation=organisation,
        name="Program uji",
        start_date=datetime.date(2026, 1, 1),
        planned_duration_months=36,
        village_codes=[village.code],
    )
    user = User.objects.create(username=f"uji{organisation.pk}")
    membership_grant(user=user, organisation=organisation, role=Role.MANAGER)
    group = Group.objects.create(
        organisation=organisation,
        village=village,
        name="Kelompok uji",
        kind="savings",
        existed_before_programme=True,
    )
    book = services.book_open(user=user, group=group)
    assert isinstance(book, Book)
    return user, book


@pytest.mark.django_db
def test_the_trigger_refuses_an_unbalanced_transaction_written_with_raw_sql():
    _user, book = _minimal_book()
    cash = services.account(book, "cash")
    grants = services.account(book, "grants")
    with (
        pytest.raises(DatabaseError, match="tidak seimbang"),
        db.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO savings_transaction (book_id, kind, occurred_on, memo, "
            "idempotency_key, origin, aid, inflow, in_kind, created_at) VALUES "
            "(%s, 'expense', '2026-01-05', '', 'raw-1', '', '', 0, false, now()) "
            "RETURNING id",
            [book.pk],
        )
        tx = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO savings_entry (transaction_id, account_id, debit, credit, "
            "balance_after) VALUES (%s, %s, 1000, 0, 1000), (%s, %s, 0, 900, -900)",
            [tx, cash.pk, tx, grants.pk],
        )
        # The trigger is deferred to COMMIT; ask for the check now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not Transaction.objects.filter(idempotency_key="raw-1").exists()


@pytest.mark.django_db
def test_the_trigger_accepts_a_balanced_one_and_refuses_a_delete():
    user, book = _minimal_book()
    posted = ledger.transaction_post(
        book=book,
        kind="contribution",
        legs=[
            ledger.debit(services.account(book, "cash"), 1000),
            ledger.credit(services.account(book, "other_income"), 1000),
        ],
        occurred_on=datetime.date(2026, 1, 5),
        idempotency_key="ok-1",
        user=user,
        origin="internal",
        inflow=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # passes: it balances
    with (
        pytest.raises(DatabaseError, match="pembalikan"),
        db.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM savings_entry WHERE transaction_id = %s", [posted.pk])
