"""The share-out plan: the VSL Associates method, exact rounding, the residue accounted for.

Worked example. VSL Associates' *VSLA Programme Guide: Field Operations Manual* (Hugh
Allen and Mark Staehle, version 3.1) shares out by the *value of a share*: everything
the group holds at the end of the cycle (the cash, once every loan is back, less the
social fund, which stays) divided by the number of shares bought in the cycle; each
member receives her shares times that value. CARE's VSLA materials teach the same
count. The numbers below are ours, chosen to be checked by hand:

* share price Rp 10,000; Ani bought 30 shares, Budi 20, Citra 10 (60 shares, Rp 600,000);
* service charges Rp 72,000 + fines Rp 8,000 - expenses Rp 5,000 = profit Rp 75,000;
* the fund is Rp 675,000, so one share is worth 675,000 ÷ 60 = Rp 11,250;
* Ani 30 × 11,250 = Rp 337,500; Budi Rp 225,000; Citra Rp 112,500 — the same as
  shares × price + shares ÷ all shares × profit (300,000 + 37,500 for Ani).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.savings.shareout import plan_share_out


def test_the_vsl_associates_worked_example():
    plan = plan_share_out(
        [("Ani", 30), ("Budi", 20), ("Citra", 10)],
        share_price=10_000,
        profit=72_000 + 8_000 - 5_000,
    )
    assert plan.value_per_share == Fraction(11_250)
    assert [m.payout for m in plan.members] == [337_500, 225_000, 112_500]
    assert plan.residue == 0
    assert plan.paid_out == plan.distributable == 675_000


def test_the_leftover_rupiah_go_to_the_largest_fractions_first_listed_on_ties():
    plan = plan_share_out([("a", 10), ("b", 10), ("c", 10)], share_price=1000, profit=100)
    assert plan.residue == 1 and plan.residue_to == "members"
    assert [m.profit for m in plan.members] == [34, 33, 33]
    assert plan.paid_out == plan.distributable


@pytest.mark.parametrize("rule", ["social_fund", "next_cycle"])
def test_the_leftover_can_stay_with_the_group(rule):
    plan = plan_share_out([("a", 1), ("b", 2)], share_price=500, profit=100, rule=rule)
    assert [m.profit for m in plan.members] == [33, 66]
    assert plan.residue == 1 and plan.residue_to == rule
    assert plan.paid_out + plan.residue == plan.distributable


def test_a_loss_is_shared_by_shares_too():
    plan = plan_share_out([("a", 3), ("b", 1)], share_price=1000, profit=-400)
    assert [m.payout for m in plan.members] == [2700, 900]


def test_the_social_fund_is_shared_equally_when_the_constitution_says_so():
    plan = plan_share_out([("a", 3), ("b", 1)], share_price=1000, profit=0, social_fund=1001)
    assert [m.social_fund for m in plan.members] == [501, 500]
    assert plan.paid_out == 4000 + 1001


@given(
    shares=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=30).filter(any),
    price=st.integers(min_value=1, max_value=100_000),
    profit=st.integers(min_value=-10_000_000, max_value=100_000_000),
    social=st.integers(min_value=0, max_value=5_000_000),
    rule=st.sampled_from(["largest_remainder", "social_fund", "next_cycle"]),
)
def test_every_rupiah_is_accounted_for(shares, price, profit, social, rule):
    members = [(i, n) for i, n in enumerate(shares)]
    plan = plan_share_out(members, share_price=price, profit=profit, rule=rule, social_fund=social)
    kept = 0 if rule == "largest_remainder" else plan.residue
    assert plan.paid_out + kept == plan.distributable
    assert 0 <= plan.residue < 2 * len(members)
    for row in plan.members:
        assert abs(row.profit - row.exact_profit) < 1  # never more than a rupiah off
        assert row.savings == row.shares * price
