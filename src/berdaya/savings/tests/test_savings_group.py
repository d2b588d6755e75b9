"""A savings group's cycle through the services: meetings, loans, share-out, bad input."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from berdaya.core.errors import ValidationFailed
from berdaya.savings import ledger, services
from berdaya.savings.models import Loan, Meeting, Transaction

from .conftest import RULES, START, fresh_group, key

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date


def _meeting(manager, cycle, on, lines):
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=on)
    services.meeting_record(user=manager, meeting=meeting, lines=lines, idempotency_key=key("m"))
    return meeting


def _close(manager, meeting):
    totals = services.meeting_totals(meeting)
    return services.meeting_close(user=manager, meeting=meeting, counted_cash=totals.expected_cash)


def test_a_meeting_page_posts_every_line_and_the_box_is_counted(vsla, manager):
    _group, _book, cycle, (a, b, c, *_rest) = vsla
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=START)
    lines = [
        services.MemberLine(member=a, shares=3, social_fund=True),
        services.MemberLine(member=b, attendance="represented", shares=1, social_fund=True),
        services.MemberLine(member=c, attendance="absent", fine=5000),
    ]
    page_key = key("page")
    services.meeting_record(user=manager, meeting=meeting, lines=lines, idempotency_key=page_key)
    services.meeting_record(user=manager, meeting=meeting, lines=lines, idempotency_key=page_key)
    totals = services.meeting_totals(meeting)
    assert (totals.shares, totals.share_count, totals.social_fund, totals.fines) == (
        40_000,
        4,
        4_000,
        5_000,
    )
    assert totals.opening_cash == 0 and totals.expected_cash == 49_000
    closed = services.meeting_close(user=manager, meeting=meeting, counted_cash=48_000)
    assert closed.status == Meeting.Status.CLOSED
    assert (closed.expected_cash, closed.counted_cash) == (49_000, 48_000)
    with pytest.raises(ValidationFailed, match="meeting is closed"):
        services.meeting_record(
            user=manager,
            meeting=closed,
            lines=[services.MemberLine(member=a, shares=1)],
            idempotency_key=key(),
        )


def test_a_bad_line_posts_nothing_of_the_page(vsla, manager):
    _group, book, cycle, (a, b, *_rest) = vsla
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=START)
    with pytest.raises(ValidationFailed, match="1 to 5 shares"):
        services.meeting_record(
            user=manager,
            meeting=meeting,
            lines=[
                services.MemberLine(member=a, shares=2),
                services.MemberLine(member=b, shares=6),
            ],
            idempotency_key=key(),
        )
    assert not Transaction.objects.filter(book=book).exists()
    assert services.account(book, "cash").balance == 0


def test_a_loan_over_the_limit_is_refused_with_the_limit(vsla, manager):
    _group, _book, cycle, (a, b, *_rest) = vsla
    _meeting(
        manager,
        cycle,
        START,
        [services.MemberLine(member=a, shares=5), services.MemberLine(member=b, shares=5)],
    )
    meeting = Meeting.objects.get(cycle=cycle)
    with pytest.raises(ValidationFailed, match=r"at most Rp150\.000 \(3 × savings of Rp50\.000\)"):
        services.loan_disburse(
            user=manager,
            cycle=cycle,
            member=a,
            principal=160_000,
            term_months=3,
            on=START,
            idempotency_key=key(),
            meeting=meeting,
        )
    with pytest.raises(ValidationFailed, match=r"only Rp100\.000 in the cash box"):
        services.loan_disburse(
            user=manager,
            cycle=cycle,
            member=a,
            principal=150_000,
            term_months=3,
            on=START,
            idempotency_key=key(),
            meeting=meeting,
        )
    with pytest.raises(ValidationFailed, match="term is from 1 to 3 months"):
        services.loan_disburse(
            user=manager,
            cycle=cycle,
            member=a,
            principal=50_000,
            term_months=4,
            on=START,
            idempotency_key=key(),
            meeting=meeting,
        )
    assert not Loan.objects.filter(cycle=cycle).exists()


def test_a_repayment_above_what_is_owed_is_refused(vsla, manager):
    _group, book, cycle, (a, b, *_rest) = vsla
    meeting = _meeting(
        manager,
        cycle,
        START,
        [services.MemberLine(member=a, shares=5), services.MemberLine(member=b, shares=5)],
    )
    loan = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=a,
        principal=90_000,
        term_months=3,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    # 90,000 + 3 × 2 % × 90,000 = 95,400 owed.
    with pytest.raises(ValidationFailed, match=r"Rp95\.401 is more than the Rp95\.400 still owed"):
        services.loan_repay(
            user=manager, loan=loan, amount=95_401, on=START, idempotency_key=key(), meeting=meeting
        )
    services.loan_repay(
        user=manager, loan=loan, amount=95_400, on=START, idempotency_key=key(), meeting=meeting
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    assert services.account(book, "service_income").normal_balance == 5_400


def test_the_spp_flat_rate_loan_through_the_books(demo, manager):
    """PNPM SPP: Rp 1,000,000 at 1.2 % a month flat, 10 monthly payments of Rp 112,000."""
    group = fresh_group(demo, "SPP Perempuan Sekar Arum")
    book = services.book_open(user=manager, group=group)
    rules = dataclasses.replace(
        RULES, loan_multiple=10, max_term_months=10, monthly_rate_bp=120, charge_method="flat"
    )
    cycle = services.cycle_start(user=manager, book=book, started_on=START, rules=rules)
    a = group.members.order_by("pk").first()
    meeting = _meeting(
        manager,
        cycle,
        START,
        [services.MemberLine(member=m, shares=5) for m in group.members.all()],
    )
    cash_needed = 1_000_000 - services.account(book, "cash").balance
    ledger.transaction_post(
        book=book,
        kind="contribution",
        occurred_on=START,
        idempotency_key=key(),
        user=manager,
        legs=[
            ledger.debit(services.account(book, "cash"), cash_needed),
            ledger.credit(services.account(book, "shares", a), cash_needed),
        ],
        origin="internal",
        inflow=cash_needed,
    )
    loan = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=a,
        principal=1_000_000,
        term_months=10,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    dues = services.loan_state(loan).dues
    assert {d.amount for d in dues} == {112_000}
    for month in range(10):
        services.loan_repay(
            user=manager,
            loan=loan,
            amount=112_000,
            on=dues[month].due_on,
            idempotency_key=key(),
            meeting=meeting,
        )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    assert services.account(book, "service_income").normal_balance == 120_000
    assert services.account(book, "loans", a).balance == 0


def test_write_off_and_rescheduling_keep_the_history(vsla, manager):
    _group, book, cycle, (a, b, *_rest) = vsla
    meeting = _meeting(
        manager,
        cycle,
        START,
        [services.MemberLine(member=a, shares=5), services.MemberLine(member=b, shares=5)],
    )
    loan = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=a,
        principal=60_000,
        term_months=3,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    services.loan_repay(
        user=manager, loan=loan, amount=21_200, on=START, idempotency_key=key(), meeting=meeting
    )
    services.loan_reschedule(
        user=manager, loan=loan, term_months=2, on=D(2026, 3, 1), reason="Gagal panen"
    )
    state = services.loan_state(loan)
    assert [s.version for s in loan.schedules.all()] == [2, 1]  # the old schedule is kept
    assert state.principal_outstanding == 40_000
    assert sum(d.principal for d in state.dues) == 40_000
    with pytest.raises(ValidationFailed, match="Say why"):
        services.loan_write_off(
            user=manager, loan=loan, on=D(2026, 6, 1), reason=" ", idempotency_key=key()
        )
    services.loan_write_off(
        user=manager, loan=loan, on=D(2026, 6, 1), reason="Pindah ke kota", idempotency_key=key()
    )
    assert services.account(book, "loans", a).balance == 0
    assert services.account(book, "write_offs").normal_balance == 40_000
    # The disbursement and repayment are still in the books beside the write-off.
    assert list(loan.transactions.order_by("pk").values_list("kind", flat=True)) == [
        "loan",
        "repayment",
        "write_off",
    ]


def test_the_share_out_refuses_open_loans_pays_the_fund_and_closes_the_cycle(vsla, manager):
    _group, book, cycle, (a, b, c, *_rest) = vsla
    meeting = _meeting(
        manager,
        cycle,
        START,
        [
            services.MemberLine(member=a, shares=5),
            services.MemberLine(member=b, shares=3),
            services.MemberLine(member=c, shares=1),
        ],
    )
    loan = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=a,
        principal=50_000,
        term_months=1,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    _close(manager, meeting)
    with pytest.raises(ValidationFailed, match=r"Loans of Rp50\.000 are still outstanding"):
        services.cycle_share_out(
            user=manager, cycle=cycle, on=D(2026, 12, 20), idempotency_key=key()
        )
    meeting = _meeting(
        manager,
        cycle,
        D(2026, 2, 5),
        [services.MemberLine(member=a, repayments=((loan, 51_000),), fine=1_000)],
    )
    _close(manager, meeting)
    preview = services.share_out_preview(cycle)
    assert preview.plan.profit == 2_000  # 1,000 service charge + 1,000 fine
    share_key = key()
    posted = services.cycle_share_out(
        user=manager,
        cycle=cycle,
        on=D(2026, 12, 20),
        idempotency_key=share_key,
        carry={a.pk: 20_000},
    )
    again = services.cycle_share_out(
        user=manager, cycle=cycle, on=D(2026, 12, 20), idempotency_key=share_key
    )
    assert again.pk == posted.pk
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    payouts = {m.key: m.payout for m in preview.plan.members}
    # 9 shares; 2,000 of profit: 5/9 → 1,111.1, 3/9 → 666.7, 1/9 → 222.2. The one rupiah
    # left after rounding down goes to the largest fraction cut off (Budi's .67).
    assert payouts == {a.pk: 51_111, b.pk: 30_667, c.pk: 10_222}
    assert sum(payouts.values()) == 92_000  # the whole box: 90,000 shares + 2,000 profit
    # Ani leaves Rp 20,000 in the group: it stays in the box for the next cycle.
    assert services.account(book, "cash").balance == 20_000
    assert services.account(book, "carried", a).normal_balance == 20_000
    for member in (a, b, c):
        assert services.account(book, "shares", member).balance == 0
    with pytest.raises(ValidationFailed, match="cycle is closed"):
        services.meeting_open(user=manager, cycle=cycle, held_on=D(2026, 12, 21))
    # The next cycle starts with the carried Rp 20,000 as two shares.
    nxt = services.cycle_start(user=manager, book=book, started_on=D(2027, 1, 4), rules=RULES)
    assert nxt.number == 2
    assert services.account(book, "shares", a).normal_balance == 20_000


def test_a_mid_cycle_start_opens_with_balances(demo, manager):
    group = fresh_group(demo, "Arisan Lama di Kertas")
    book = services.book_open(user=manager, group=group)
    cycle = services.cycle_start(user=manager, book=book, started_on=START, rules=RULES)
    a, b, *_ = group.members.order_by("pk")
    with pytest.raises(ValidationFailed):
        services.cycle_open_balances(user=manager, cycle=cycle, on=START, shares={a: -1})
    assert not cycle.transactions.exists()
    services.cycle_open_balances(
        user=manager,
        cycle=cycle,
        on=START,
        shares={a: 10, b: 6},
        social_fund=12_000,
        cash=140_000,
        loans=(services.OpeningLoan(member=b, outstanding=40_000, term_months=2),),
    )
    # Held: 140,000 cash + 40,000 lent = 180,000; owed: 160,000 shares + 12,000 social fund.
    assert services.account(book, "retained").normal_balance == 8_000
    loan = Loan.objects.get(cycle=cycle, member=b)
    assert services.loan_state(loan).principal_outstanding == 40_000
    assert services.share_out_preview(cycle).plan.profit == 8_000


def test_the_share_price_stays_for_the_cycle_and_rules_keep_their_versions(vsla, manager):
    _group, _book, cycle, _members = vsla
    with pytest.raises(ValidationFailed, match="fixed for the whole cycle"):
        services.constitution_revise(
            user=manager,
            cycle=cycle,
            reason="naik",
            rules=dataclasses.replace(RULES, share_price=20_000),
        )
    revised = services.constitution_revise(
        user=manager,
        cycle=cycle,
        reason="Denda naik",
        rules=dataclasses.replace(RULES, fine_absence=10_000),
    )
    assert revised.version == 2
    assert list(cycle.constitutions.values_list("version", flat=True)) == [2, 1]
    with pytest.raises(ValidationFailed, match="from 8 to 12"):
        services.cycle_start(
            user=manager,
            book=cycle.book,
            started_on=START,
            rules=dataclasses.replace(RULES, cycle_months=14),
        )


def test_a_reversal_is_refused_when_it_would_empty_a_box_below_zero(vsla, manager):
    _group, book, cycle, (a, _b, *_rest) = vsla
    meeting = _meeting(manager, cycle, START, [services.MemberLine(member=a, shares=5)])
    deposit = Transaction.objects.get(book=book, kind="shares")
    services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=a,
        principal=50_000,
        term_months=1,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    with pytest.raises(ValidationFailed, match="below zero"):
        services.posting_reverse(
            user=manager, original=deposit, reason="salah", on=START, idempotency_key=key()
        )
