"""Random sequences of a group's life, with the books' invariants checked after every step.

Rules: buy shares, pay the social fund, fine, disburse a loan, repay, reverse a
posting, hold the next meeting, share out (and start the next cycle). A refused
step must leave the books exactly as they were.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from berdaya.core.errors import ValidationFailed
from berdaya.savings import ledger, services
from berdaya.savings.models import Account, Entry, Loan, Transaction

from .conftest import RULES, START, fresh_group

_names = itertools.count()


class GroupLife(RuleBasedStateMachine):
    demo = None

    def __init__(self):
        super().__init__()
        self.user = self.demo.users["manajer"]
        group = fresh_group(self.demo, f"Kelompok Acak {next(_names)}", size=4)
        self.book = services.book_open(user=self.user, group=group)
        self.members = list(group.members.select_related("person").order_by("pk"))
        self.day = START
        self.cycle = services.cycle_start(
            user=self.user, book=self.book, started_on=self.day, rules=RULES
        )
        self.meeting = services.meeting_open(user=self.user, cycle=self.cycle, held_on=self.day)
        self.keys = itertools.count()

    def key(self):
        return f"sm-{next(self.keys)}"

    def attempt(self, action):
        """Run a service; when it refuses, nothing may have been written."""
        before = Entry.objects.filter(account__book=self.book).count()
        try:
            return action()
        except ValidationFailed:
            assert Entry.objects.filter(account__book=self.book).count() == before
            return None

    @rule(who=st.integers(0, 3), shares=st.integers(1, 5))
    def deposit(self, who, shares):
        self.attempt(
            lambda: services.shares_buy(
                user=self.user,
                meeting=self.meeting,
                member=self.members[who],
                shares=shares,
                idempotency_key=self.key(),
            )
        )

    @rule(who=st.integers(0, 3))
    def social_fund(self, who):
        self.attempt(
            lambda: services.social_fund_pay(
                user=self.user,
                meeting=self.meeting,
                member=self.members[who],
                idempotency_key=self.key(),
            )
        )

    @rule(who=st.integers(0, 3), amount=st.integers(1, 20_000))
    def fine(self, who, amount):
        self.attempt(
            lambda: services.fine_charge(
                user=self.user,
                meeting=self.meeting,
                member=self.members[who],
                amount=amount,
                idempotency_key=self.key(),
            )
        )

    @rule(who=st.integers(0, 3), amount=st.integers(1, 200_000), term=st.integers(1, 3))
    def disburse(self, who, amount, term):
        self.attempt(
            lambda: services.loan_disburse(
                user=self.user,
                cycle=self.cycle,
                member=self.members[who],
                principal=amount,
                term_months=term,
                on=self.day,
                idempotency_key=self.key(),
                meeting=self.meeting,
            )
        )

    @rule(pick=st.integers(0, 50), part=st.floats(0.05, 1.2))
    def repay(self, pick, part):
        loans = list(Loan.objects.filter(cycle=self.cycle, status="active").order_by("pk"))
        if not loans:
            return
        loan = loans[pick % len(loans)]
        owed = services.loan_state(loan).owed
        amount = max(1, int(owed * part))
        self.attempt(
            lambda: services.loan_repay(
                user=self.user,
                loan=loan,
                amount=amount,
                on=self.day,
                idempotency_key=self.key(),
                meeting=self.meeting,
            )
        )

    @rule(pick=st.integers(0, 500))
    def reverse(self, pick):
        candidates = list(
            Transaction.objects.filter(book=self.book, cycle=self.cycle, reversed_by__isnull=True)
            .exclude(kind__in=["reversal", "share_out", "opening"])
            .order_by("pk")
        )
        if not candidates:
            return
        original = candidates[pick % len(candidates)]
        self.attempt(
            lambda: services.posting_reverse(
                user=self.user,
                original=original,
                reason="keliru",
                on=self.day,
                idempotency_key=self.key(),
            )
        )

    @rule()
    def next_meeting(self):
        totals = services.meeting_totals(self.meeting)
        services.meeting_close(
            user=self.user, meeting=self.meeting, counted_cash=totals.expected_cash
        )
        self.day += datetime.timedelta(days=7)
        self.meeting = services.meeting_open(user=self.user, cycle=self.cycle, held_on=self.day)

    @rule()
    def share_out(self):
        totals = services.meeting_totals(self.meeting)
        services.meeting_close(
            user=self.user, meeting=self.meeting, counted_cash=totals.expected_cash
        )
        cash_before = services.account(self.book, "cash").balance
        try:
            preview = services.share_out_preview(self.cycle)
            services.cycle_share_out(
                user=self.user, cycle=self.cycle, on=self.day, idempotency_key=self.key()
            )
        except ValidationFailed:
            outstanding = Account.objects.filter(book=self.book, code="loans", balance__gt=0)
            no_shares = not Account.objects.filter(book=self.book, code="shares", balance__lt=0)
            assert outstanding.exists() or no_shares
        else:
            plan = preview.plan
            kept = 0 if plan.residue_to == "members" else plan.residue
            assert plan.paid_out + kept == plan.distributable
            cash_after = services.account(self.book, "cash").balance
            assert cash_before - cash_after == plan.paid_out
            assert not Account.objects.filter(book=self.book, code="shares").exclude(balance=0)
            for code in ("service_income", "fine_income", "write_offs", "expenses"):
                assert services.account(self.book, code).balance == 0
            self.day += datetime.timedelta(days=7)
            self.cycle = services.cycle_start(
                user=self.user, book=self.book, started_on=self.day, rules=RULES
            )
        self.day += datetime.timedelta(days=1)
        self.meeting = services.meeting_open(user=self.user, cycle=self.cycle, held_on=self.day)

    @invariant()
    def every_transaction_balances(self):
        sums = (
            Entry.objects.filter(account__book=self.book)
            .values("transaction")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        )
        assert all(row["d"] == row["c"] for row in sums)

    @invariant()
    def stored_balances_equal_the_entries(self):
        for account in Account.objects.filter(book=self.book):
            assert account.balance == ledger.entries_total(account), account.code

    @invariant()
    def no_box_or_member_balance_is_negative(self):
        for account in Account.objects.filter(book=self.book, code__in=ledger.NEVER_NEGATIVE):
            assert account.normal_balance >= 0, account.name


@pytest.mark.django_db
def test_the_books_hold_under_any_sequence_of_postings(demo):
    GroupLife.demo = demo
    run_state_machine_as_test(
        GroupLife,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
