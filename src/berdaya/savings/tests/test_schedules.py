"""Loan schedules. The SPP example: PNPM Mandiri Perdesaan's women's savings-and-loan
groups (Simpan Pinjam Kelompok Perempuan) lend at a flat monthly rate on the original
amount; at 1.2 % a month, Rp 1,000,000 over 10 months is repaid as 10 instalments of
Rp 100,000 principal + Rp 12,000 service charge = Rp 112,000 (Rp 1,120,000 in all).
"""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from berdaya.savings import schedules

START = datetime.date(2026, 1, 31)


def test_the_spp_flat_rate_example():
    dues = schedules.schedule(
        principal=1_000_000, term_months=10, rate_bp=120, method="flat", start=START
    )
    assert [(d.principal, d.charge) for d in dues] == [(100_000, 12_000)] * 10
    assert sum(d.amount for d in dues) == 1_120_000
    assert dues[0].due_on == datetime.date(2026, 2, 28)  # the end of a short month
    assert dues[-1].due_on == datetime.date(2026, 11, 30)


def test_a_declining_charge_falls_with_what_is_owed():
    dues = schedules.schedule(
        principal=300_000, term_months=3, rate_bp=200, method="declining", start=START
    )
    assert [(d.principal, d.charge) for d in dues] == [
        (100_000, 6000),
        (100_000, 4000),
        (100_000, 2000),
    ]


def test_repayments_pay_the_charge_first_then_the_principal():
    dues = schedules.schedule(
        principal=1_000_000, term_months=10, rate_bp=120, method="flat", start=START
    )
    first = schedules.allocate(dues, paid_before=0, amount=50_000)
    assert (first.charge, first.principal) == (12_000, 38_000)
    rest = schedules.allocate(dues, paid_before=50_000, amount=62_000 + 12_000)
    assert (rest.charge, rest.principal) == (12_000, 62_000)


def test_arrears_count_from_the_oldest_unpaid_instalment():
    dues = schedules.schedule(
        principal=300_000, term_months=3, rate_bp=0, method="flat", start=START
    )
    # Due: 28 Feb, 31 Mar, 30 Apr. Only February's is paid; March's is 29 days late.
    late = schedules.arrears(dues, paid=100_000, on=datetime.date(2026, 4, 29))
    assert (late.due, late.overdue, late.days_late) == (200_000, 100_000, 29)
    on_time = schedules.arrears(dues, paid=200_000, on=datetime.date(2026, 4, 29))
    assert (on_time.overdue, on_time.days_late) == (0, 0)


@given(
    principal=st.integers(min_value=1, max_value=10**9),
    term=st.integers(min_value=1, max_value=24),
    rate=st.integers(min_value=0, max_value=1000),
    method=st.sampled_from(["flat", "declining"]),
    cut=st.integers(min_value=0, max_value=10**10),
)
def test_a_schedule_repays_the_principal_exactly_and_any_split_adds_up(
    principal, term, rate, method, cut
):
    dues = schedules.schedule(
        principal=principal, term_months=term, rate_bp=rate, method=method, start=START
    )
    assert sum(d.principal for d in dues) == principal
    total = sum(d.amount for d in dues)
    cut = cut % (total + 1)
    first = schedules.allocate(dues, paid_before=0, amount=cut)
    second = schedules.allocate(dues, paid_before=cut, amount=total - cut)
    assert first.principal + second.principal == principal
    assert first.charge + second.charge == total - principal
