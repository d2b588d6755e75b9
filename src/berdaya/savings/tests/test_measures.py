"""The ratio set and the dependency ratio, each with a worked example (docs/savings.md).

The ratios follow the SAVIX MIS (VSL Associates) and the SEEP Network's savings-group
performance ratios; the numbers of the worked example are ours, chosen to be checked
by hand:

* the formulas on round numbers (savings Rp 600,000, loans Rp 300,000, ...), and
* a group's books on 1 April 2026: three members buy 5 shares of Rp 10,000 each and pay
  the social fund, one is fined Rp 5,000 for absence; Ani borrows Rp 90,000 for 3
  months at 2 % flat and pays her first instalment (Rp 31,800), Budi borrows Rp 30,000
  for one month and it is written off. The comments give each figure's arithmetic.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from berdaya.savings import selectors, services
from berdaya.savings.measures import GroupRatios

from .conftest import START, key

D = datetime.date


def test_the_ratio_formulas_on_round_numbers():
    ratios = GroupRatios(
        savings=600_000,
        loans_outstanding=300_000,
        cash=340_000,
        social_fund=40_000,
        profit=60_000,
        late_principal=100_000,
        disbursed=400_000,
        written_off=20_000,
        attended=15,
        attendance_slots=16,
        members_at_start=4,
        members_retained=3,
        days=146,
        meetings=4,
    )
    assert ratios.assets == 640_000
    assert ratios.loan_fund_utilisation == Fraction(300_000, 600_000)  # 300 / (300 + 300)
    assert ratios.par30 == Fraction(1, 3)
    assert ratios.return_on_savings == Fraction(1, 10)
    assert ratios.annualised_return_on_assets == Fraction(60_000, 640_000) * Fraction(365, 146)
    assert float(ratios.annualised_return_on_assets) == pytest.approx(0.234375)
    assert ratios.attendance_rate == Fraction(15, 16)
    assert ratios.retention == Fraction(3, 4)
    assert ratios.write_off_rate == Fraction(1, 20)


def test_the_group_ratios_from_the_books(vsla, manager):
    _group, book, cycle, (ani, budi, citra, dewi, *_rest) = vsla
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=START)
    services.meeting_record(
        user=manager,
        meeting=meeting,
        idempotency_key=key(),
        lines=[
            services.MemberLine(member=ani, shares=5, social_fund=True),
            services.MemberLine(member=budi, shares=5, social_fund=True),
            services.MemberLine(member=citra, shares=5, social_fund=True),
            services.MemberLine(member=dewi, attendance="absent", fine=5_000),
        ],
    )
    loan_a = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=ani,
        principal=90_000,
        term_months=3,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    loan_b = services.loan_disburse(
        user=manager,
        cycle=cycle,
        member=budi,
        principal=30_000,
        term_months=1,
        on=START,
        idempotency_key=key(),
        meeting=meeting,
    )
    services.loan_repay(
        user=manager,
        loan=loan_a,
        amount=31_800,
        on=D(2026, 2, 5),
        idempotency_key=key(),
        meeting=meeting,
    )
    services.loan_write_off(
        user=manager, loan=loan_b, on=D(2026, 4, 1), reason="pindah", idempotency_key=key()
    )
    ratios = selectors.group_measures(book, on=D(2026, 4, 1))
    # Savings 150,000; Ani owes 60,000 (her 1,800 charge was paid); Budi's 30,000 written off.
    assert (ratios.savings, ratios.loans_outstanding) == (150_000, 60_000)
    # Cash: 150,000 + 6,000 social + 5,000 fine - 120,000 lent + 31,800 repaid = 72,800.
    assert ratios.cash == 72_800 and ratios.social_fund == 6_000
    assert ratios.profit == 1_800 + 5_000 - 30_000
    assert ratios.loan_fund_utilisation == Fraction(60_000, 60_000 + 72_800 - 6_000)
    assert ratios.par30 == 0  # Ani's second instalment is due 5 March: 27 days late
    assert ratios.write_off_rate == Fraction(30_000, 120_000)
    assert ratios.attendance_rate == Fraction(3, 4)
    assert ratios.retention == 1
    late = selectors.group_measures(book, on=D(2026, 4, 10))
    assert late.par30 == 1  # 36 days: all of what is owed is at risk


def test_money_sources_and_the_dependency_ratio(demo, manager):
    """A fund of village A: 2025 Rp 6,000,000 from outside and Rp 2,000,000 from inside
    (75 % from outside); 2026 Rp 1,000,000 from outside, Rp 3,000,000 from inside and
    rice worth Rp 1,000,000 given by the villagers (20 % from outside, money 25 %)."""
    from berdaya.partnerships.services import stakeholder_register

    code = "34.03.06.2002"
    fund = services.fund_create(
        user=manager,
        organisation_id=demo.organisation.pk,
        village_code=code,
        name="Dana Uji Ketergantungan",
        purpose="general",
        managed_by="Pengurus",
    )
    csr = stakeholder_register(
        user=manager,
        organisation_id=demo.organisation.pk,
        name="PT Uji Nusantara",
        sector="market",
        role="funder",
    )
    inflow = dict(user=manager, book=fund, memo="uji")
    services.fund_inflow(
        **inflow,
        on=D(2025, 5, 1),
        origin="external",
        stakeholder=csr,
        aid="direct",
        amount=6_000_000,
        idempotency_key=key(),
    )
    services.fund_inflow(
        **inflow, on=D(2025, 6, 1), origin="internal", amount=2_000_000, idempotency_key=key()
    )
    services.fund_inflow(
        **inflow,
        on=D(2026, 5, 1),
        origin="external",
        stakeholder=csr,
        aid="capacity",
        amount=1_000_000,
        idempotency_key=key(),
    )
    services.fund_inflow(
        **inflow, on=D(2026, 6, 1), origin="internal", amount=3_000_000, idempotency_key=key()
    )
    services.fund_inflow(
        **inflow,
        on=D(2026, 7, 1),
        origin="internal",
        amount=1_000_000,
        item="Beras",
        unit="kg",
        quantity=80,
        idempotency_key=key(),
    )
    sources = selectors.money_sources(books=[fund])
    assert sources.by_year[2025].dependency == Fraction(3, 4)
    assert sources.by_year[2026].dependency == Fraction(1, 5)
    assert sources.by_year[2026].money_dependency == Fraction(1, 4)
    assert sources.by_year[2026].goods_dependency == 0
    assert (sources.direct_aid, sources.capacity_building) == (6_000_000, 1_000_000)
    only_2026 = selectors.money_sources(books=[fund], year=2026)
    assert only_2026.external_money == 1_000_000 and list(only_2026.by_year) == [2026]
    # Through the access rule: the viewer sees the totals, the other village's facilitator none.
    assert selectors.money_sources(user=demo.users["pemantau"], village=code).external_money >= (
        7_000_000
    )
    assert (
        selectors.money_sources(
            user=demo.users["pendamping.sidoharjo"], village=code
        ).external_money
        == 0
    )
