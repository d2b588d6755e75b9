"""The share-out of a savings group's cycle, computed exactly (no Django here).

    payout_i = shares_i × share price + (shares_i ÷ all shares) × profit

where profit = service charges + fines (+ other income) - write-offs - expenses of
the cycle. Every member's profit share is rounded *down* to a whole Rupiah; the
rupiah left over (the residue, fewer than the number of members) is shown and
goes where the group's constitution says:

* ``largest_remainder`` — one rupiah each to the members whose exact share had the
  largest fraction cut off (ties: the member listed first), so the whole
  distributable fund is paid out;
* ``social_fund`` — into the social fund;
* ``next_cycle`` — kept in the group as the next cycle's opening profit.

This is the VSL Associates method ("value of a share" = fund ÷ all shares, each
member paid shares × that value) written so the rounding is explicit and auditable.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

LARGEST_REMAINDER = "largest_remainder"
SOCIAL_FUND = "social_fund"
NEXT_CYCLE = "next_cycle"
RULES = (LARGEST_REMAINDER, SOCIAL_FUND, NEXT_CYCLE)


@dataclass(frozen=True)
class MemberShareOut:
    key: Hashable
    shares: int
    savings: int  # shares × share price
    exact_profit: Fraction  # shares ÷ all shares × profit, before rounding
    profit: int  # rounded down (plus one rupiah of residue when the rule gives it)
    social_fund: int  # the member's part of the social fund, if it is shared out
    payout: int


@dataclass(frozen=True)
class ShareOutPlan:
    share_price: int
    total_shares: int
    profit: int
    social_fund: int  # the part of the social fund shared out (0 when it stays)
    rule: str
    residue: int  # rupiah left after rounding down the members' parts
    residue_to: str  # "members", "social_fund" or "next_cycle"
    members: tuple[MemberShareOut, ...]

    @property
    def value_per_share(self) -> Fraction:
        """VSL Associates' figure: (savings + profit) ÷ all shares."""
        if not self.total_shares:
            return Fraction(0)
        return Fraction(self.total_shares * self.share_price + self.profit, self.total_shares)

    @property
    def distributable(self) -> int:
        return self.total_shares * self.share_price + self.profit + self.social_fund

    @property
    def paid_out(self) -> int:
        return sum(m.payout for m in self.members)


def _largest_remainder(exact: Sequence[Fraction], floors: Sequence[int], residue: int) -> list[int]:
    """Which members get one more rupiah: the largest cut-off fractions, first listed on ties."""
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    extra = [0] * len(exact)
    for index in order[:residue]:
        extra[index] = 1
    return extra


def plan_share_out(
    members: Sequence[tuple[Hashable, int]],
    *,
    share_price: int,
    profit: int,
    rule: str = LARGEST_REMAINDER,
    social_fund: int = 0,
) -> ShareOutPlan:
    """The payout of each member: `members` is [(key, shares)], in the order to list them.

    `social_fund` is the social fund to share out equally (0 when it stays with the group).
    """
    if rule not in RULES:
        raise ValueError(f"unknown residue rule {rule!r}")
    if share_price <= 0:
        raise ValueError("share price must be positive")
    if any(shares < 0 for _key, shares in members):
        raise ValueError("shares cannot be negative")
    total = sum(shares for _key, shares in members)
    if total == 0 and profit:
        raise ValueError("a profit cannot be shared over no shares")
    exact = [Fraction(profit * shares, total) if total else Fraction(0) for _k, shares in members]
    floors = [int(value // 1) for value in exact]  # rounds down, also for a loss
    residue = profit - sum(floors)
    count = len(members)
    social_exact = [Fraction(social_fund, count) if count else Fraction(0)] * count
    social_floors = [int(value // 1) for value in social_exact]
    social_residue = social_fund - sum(social_floors)
    if rule == LARGEST_REMAINDER:
        extra = _largest_remainder(exact, floors, residue)
        social_extra = _largest_remainder(social_exact, social_floors, social_residue)
        residue_to = "members"
    else:
        extra = [0] * count
        social_extra = [0] * count
        residue_to = rule
    rows = []
    for index, (key, shares) in enumerate(members):
        savings = shares * share_price
        part = floors[index] + extra[index]
        social = social_floors[index] + social_extra[index]
        rows.append(
            MemberShareOut(
                key=key,
                shares=shares,
                savings=savings,
                exact_profit=exact[index],
                profit=part,
                social_fund=social,
                payout=savings + part + social,
            )
        )
    return ShareOutPlan(
        share_price=share_price,
        total_shares=total,
        profit=profit,
        social_fund=social_fund,
        rule=rule,
        residue=residue + social_residue,
        residue_to=residue_to,
        members=tuple(rows),
    )
