"""Twenty threads posting to one savings group at once on PostgreSQL: each posting once.

This test commits (the threads need to see the group), so pytest-django empties the
database after it. It lives here, after the browser tests in the run order, because an
emptied database between two browser tests would break their serialized rollback.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections

from berdaya.savings import ledger, services
from berdaya.savings.models import Entry, Transaction
from berdaya.savings.tests.test_postgres import _minimal_book

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_posting_to_one_group_post_each_exactly_once():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # a browser test before may have emptied the table
    user, book = _minimal_book()
    cash = services.account(book, "cash")
    income = services.account(book, "other_income")
    threads_count, per_thread = 20, 5
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)

    def work(number: int) -> None:
        try:
            barrier.wait()
            for round_ in range(per_thread):
                for _attempt in range(2):  # every posting is also retried, as a phone would
                    ledger.transaction_post(
                        book=book,
                        kind="contribution",
                        legs=[ledger.debit(cash, number + 1), ledger.credit(income, number + 1)],
                        occurred_on=datetime.date(2026, 1, 5),
                        idempotency_key=f"t{number}-r{round_}",
                        user=user,
                        origin="internal",
                        inflow=number + 1,
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = per_thread * sum(range(1, threads_count + 1))
    assert Transaction.objects.filter(book=book).count() == threads_count * per_thread
    cash.refresh_from_db()
    income.refresh_from_db()
    assert cash.balance == expected == ledger.entries_total(cash)
    assert -income.balance == expected
    # The running balances form one unbroken chain: each entry continues the last.
    running = 0
    for entry in Entry.objects.filter(account=cash).order_by("pk"):
        running += entry.debit - entry.credit
        assert entry.balance_after == running
