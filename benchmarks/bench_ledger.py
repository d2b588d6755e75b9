# ruff: noqa: S311 - seeded pseudo-random data for a benchmark
"""Benchmark the savings ledger: balances and passbooks at 1,000,000 entries, and a share-out.

    DJANGO_SETTINGS_MODULE=berdaya.config.settings.test .venv/bin/python benchmarks/bench_ledger.py
    DATABASE_URL=postgres://... (same command) for PostgreSQL

It builds a throw-away test database (Django's test runner creates and drops it):
5,000 savings groups of 25 members, each with 100 share purchases (200 entries), that is
500,000 transactions and 1,000,000 entries with their running balances, loaded in bulk
(the entries are what `ledger.transaction_post` would write: the script checks, for a
sample of accounts, that the stored balance equals the sum of the entries and that each
entry's running balance continues the last). Then it times, as medians of repeated reads
of random groups and members:

* a group's cash balance (`Account.normal_balance`, one row by its unique index), and
  the same figure as an aggregate over the entries (the `(account, id)` index);
* a member's passbook (`selectors.passbook`: by the `(member, id)` index, entries
  prefetched);
* the share-out of a 25-member group over 52 meetings, whose 1,300 postings go through
  the real services (`share_out_preview`, i.e. reading the books and computing the plan),
  and posting it (`cycle_share_out`, rolled back after each run).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.config.settings.test")


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _world(groups: int, members: int):
    from berdaya.areas.models import Village
    from berdaya.core.models import User
    from berdaya.groups.models import Group, GroupMember
    from berdaya.organisations.models import Role
    from berdaya.organisations.services import membership_grant, organisation_create
    from berdaya.programmes.services import programme_create
    from berdaya.registry.models import Person
    from berdaya.registry.services import MemberInput, household_register

    village = Village.objects.order_by("code").first()
    organisation = organisation_create(name="Benchmark", kind="ngo")
    programme_create(
        organisation=organisation,
        name="Benchmark",
        start_date=datetime.date(2026, 1, 1),
        planned_duration_months=36,
        village_codes=[village.code],
    )
    user = User.objects.create(username="bench")
    membership_grant(user=user, organisation=organisation, role=Role.MANAGER)
    household = household_register(
        organisation=organisation,
        village=village,
        members=[
            MemberInput(
                name=f"Anggota {i}",
                sex=Person.Sex.FEMALE,
                relation=Person.Relation.HEAD if i == 0 else Person.Relation.OTHER,
            )
            for i in range(members)
        ],
    )
    people = list(household.members.order_by("pk"))
    made = Group.objects.bulk_create(
        Group(
            organisation=organisation,
            village=village,
            name=f"Kelompok {n}",
            kind="savings",
            existed_before_programme=True,
        )
        for n in range(groups)
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=g, person=p, joined_on=datetime.date(2026, 1, 1))
        for g in made
        for p in people
    )
    return user, organisation, village, made


def _load(groups, *, per_group: int, rng: random.Random) -> None:
    """Books, accounts, 2 entries per transaction with running balances, in bulk."""
    from django.db import transaction as db

    from berdaya.groups.models import GroupMember
    from berdaya.savings.models import Account, Book, Entry, Transaction

    books = Book.objects.bulk_create(
        Book(
            organisation_id=g.organisation_id,
            village_id=g.village_id,
            group=g,
            kind="savings",
            name=g.name,
        )
        for g in groups
    )
    members = {}
    for m in GroupMember.objects.filter(group__in=groups).order_by("pk"):
        members.setdefault(m.group_id, []).append(m)
    day = datetime.date(2026, 1, 5)
    chunk = 250
    for start in range(0, len(books), chunk):
        with db.atomic():
            part = books[start : start + chunk]
            accounts = []
            for book in part:
                accounts.append(Account(book=book, code="cash", name="Kas", type="asset"))
                for m in members[book.group_id]:
                    accounts.append(
                        Account(book=book, code="shares", name="Saham", type="equity", member=m)
                    )
            Account.objects.bulk_create(accounts)
            by_book = {}
            for a in accounts:
                by_book.setdefault(a.book_id, []).append(a)
            txs, legs = [], []
            for book in part:
                cash, *shares = by_book[book.pk]
                for n in range(per_group):
                    share = shares[n % len(shares)]
                    amount = 10_000 * rng.randint(1, 5)
                    tx = Transaction(
                        book=book,
                        kind="shares",
                        occurred_on=day,
                        idempotency_key=f"b{book.pk}-{n}",
                        member=share.member,
                        origin="internal",
                        inflow=amount,
                        shares=amount // 10_000,
                    )
                    txs.append(tx)
                    cash.balance += amount
                    share.balance -= amount
                    legs.append((tx, cash, amount, 0, cash.balance))
                    legs.append((tx, share, 0, amount, share.balance))
            Transaction.objects.bulk_create(txs, batch_size=5000)
            Entry.objects.bulk_create(
                (
                    Entry(transaction=tx, account=acc, debit=d, credit=c, balance_after=after)
                    for tx, acc, d, c, after in legs
                ),
                batch_size=5000,
            )
            Account.objects.bulk_update(accounts, ["balance"], batch_size=5000)
        print(f"  loaded {min(start + chunk, len(books))} of {len(books)} groups", flush=True)


def _share_out_group(user, organisation, village, *, members: int, meetings: int):
    """A 25-member group with 52 meetings of share purchases, through the services."""
    from berdaya.groups.models import Group, GroupMember
    from berdaya.registry.models import Person
    from berdaya.savings import services

    group = Group.objects.create(
        organisation=organisation,
        village=village,
        name="Kelompok uji",
        kind="savings",
        existed_before_programme=True,
    )
    people = Person.objects.filter(organisation=organisation).order_by("pk")[:members]
    for person in people:
        GroupMember.objects.create(group=group, person=person, joined_on=datetime.date(2026, 1, 1))
    book = services.book_open(user=user, group=group)
    cycle = services.cycle_start(
        user=user,
        book=book,
        started_on=datetime.date(2026, 1, 5),
        rules=services.Rules(share_price=10_000),
    )
    rng = random.Random(7)
    everyone = list(group.members.select_related("person"))
    for n in range(meetings):
        meeting = services.meeting_open(
            user=user,
            cycle=cycle,
            held_on=datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * n),
        )
        services.meeting_record(
            user=user,
            meeting=meeting,
            idempotency_key=f"bench-{n}",
            lines=[
                services.MemberLine(member=m, shares=rng.randint(1, 5), fine=500 * (n % 3))
                for m in everyone
            ],
        )
        services.meeting_close(
            user=user, meeting=meeting, counted_cash=services.meeting_totals(meeting).expected_cash
        )
    return cycle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--per-group", type=int, default=100, help="transactions per group")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db import transaction as db
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        from berdaya.areas.services import areas_load
        from berdaya.groups.models import GroupMember
        from berdaya.savings import ledger, selectors, services
        from berdaya.savings.models import Account, Entry

        areas_load(provinces=["34"])
        rng = random.Random(2026)
        started = time.perf_counter()
        user, organisation, village, groups = _world(args.groups, 25)
        _load(groups, per_group=args.per_group, rng=rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"loaded in {time.perf_counter() - started:.0f} s: "
            f"{Entry.objects.count():,} entries, {Account.objects.count():,} accounts"
        )
        sample = list(Account.objects.order_by("?")[:200])
        for account in sample:
            assert account.balance == ledger.entries_total(account), account.pk
            running = 0
            for entry in account.entries.order_by("pk"):
                running += entry.debit - entry.credit
                assert entry.balance_after == running
        print("checked: stored balances equal the entries (200 random accounts)")
        book_ids = list(Account.objects.filter(code="cash").values_list("book_id", flat=True))
        member_ids = list(GroupMember.objects.filter(group__in=groups).values_list("pk", flat=True))

        def balance():
            found = Account.objects.get(book_id=rng.choice(book_ids), code="cash", member=None)
            assert found.normal_balance > 0

        def aggregate():
            account = Account.objects.get(book_id=rng.choice(book_ids), code="cash", member=None)
            ledger.entries_total(account)

        def passbook():
            member = GroupMember.objects.get(pk=rng.choice(member_ids))
            lines = selectors.passbook(member=member)
            assert lines

        results = {
            "balance (stored)": _median_ms(balance, args.repeat),
            "balance (aggregate of entries)": _median_ms(aggregate, args.repeat),
            "passbook (4 lines, 1M entries)": _median_ms(passbook, args.repeat),
        }
        cycle = _share_out_group(user, organisation, village, members=25, meetings=52)
        long_member = cycle.book.group.members.order_by("pk").first()
        results["passbook (52+ lines, same database)"] = _median_ms(
            lambda: selectors.passbook(member=long_member), args.repeat
        )
        results["share-out preview (25 members, 52 meetings)"] = _median_ms(
            lambda: services.share_out_preview(cycle), 20
        )

        def post_share_out():
            with db.atomic():
                services.cycle_share_out(
                    user=user,
                    cycle=cycle,
                    on=datetime.date(2026, 12, 28),
                    idempotency_key=f"so-{rng.random()}",
                )
                db.set_rollback(True)
            cycle.refresh_from_db()

        results["share-out posted (rolled back)"] = _median_ms(post_share_out, 10)
        print(f"\n{connection.vendor}, {args.groups} groups, medians:")
        for name, ms in results.items():
            print(f"  {name:48s} {ms:8.2f} ms")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
