"""The end of a cycle: the share-out, posted as one balanced transaction.

The plan (`share_out_preview`) is computed by `savings.shareout.plan_share_out` from
the books: each member's shares (their share account ÷ the cycle's share price) and
the cycle's profit (the income accounts less write-offs and expenses, plus profit
brought forward). Posting it closes the income and expense accounts into the
members' payouts, empties the members' share accounts, pays the cash (less any
amount a member carries into the next cycle, and less an outstanding loan when the
constitution lets loans be netted), and closes the cycle.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction as db
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed

from .. import ledger
from ..models import Account, Constitution, Cycle, Loan, Meeting, Transaction
from ..shareout import ShareOutPlan, plan_share_out
from .common import (
    SAVINGS_ACCOUNTS,
    account,
    check_cycle_open,
    check_may_post,
    posting_exists,
    rupiah_text,
)
from .cycles import constitution_of

INCOME = ("service_income", "fine_income", "other_income", "retained")
COSTS = ("write_offs", "expenses")


@dataclass(frozen=True)
class ShareOutPreview:
    plan: ShareOutPlan
    members: dict  # key (member pk) -> GroupMember
    income: dict[str, int]  # account code -> amount of the cycle (normal side)
    costs: dict[str, int]
    loans_outstanding: dict  # member pk -> amount
    social_fund_kept: int
    cash: int

    @property
    def income_lines(self) -> list[tuple[str, int]]:
        return [(str(SAVINGS_ACCOUNTS[c][0]), a) for c, a in self.income.items() if a]

    @property
    def cost_lines(self) -> list[tuple[str, int]]:
        return [(str(SAVINGS_ACCOUNTS[c][0]), a) for c, a in self.costs.items() if a]

    @property
    def cash_paid(self) -> int:
        return self.plan.paid_out - sum(
            min(self.loans_outstanding.get(m.key, 0), m.payout) for m in self.plan.members
        )


def share_out_preview(cycle: Cycle) -> ShareOutPreview:
    book = cycle.book
    rules: Constitution = constitution_of(cycle)
    accounts = {
        (a.code, a.member_id): a
        for a in Account.objects.filter(book=book).select_related("member__person")
    }
    shares = [a for (code, _m), a in accounts.items() if code == "shares" and a.normal_balance]
    shares.sort(key=lambda a: (a.member.person.name, a.member_id))
    members = []
    for share_account in shares:
        value = share_account.normal_balance
        if value % rules.share_price:
            raise ValidationFailed(
                _("%(name)s's savings of %(amount)s are not a whole number of shares.")
                % {"name": share_account.member.person.name, "amount": rupiah_text(value)}
            )
        members.append((share_account.member_id, value // rules.share_price))

    if not members:
        raise ValidationFailed(_("No member holds shares: there is nothing to share out."))

    def normal(code):
        found = accounts.get((code, None))
        return found.normal_balance if found else 0

    income = {code: normal(code) for code in INCOME}
    costs = {code: normal(code) for code in COSTS}
    profit = sum(income.values()) - sum(costs.values())
    social = normal("social_fund")
    plan = plan_share_out(
        members,
        share_price=rules.share_price,
        profit=profit,
        rule=rules.residue_rule,
        social_fund=social if rules.social_fund_shared_out else 0,
    )
    loans = {
        a.member_id: a.normal_balance
        for (code, _m), a in accounts.items()
        if code == "loans" and a.normal_balance
    }
    return ShareOutPreview(
        plan=plan,
        members={a.member_id: a.member for a in shares},
        income=income,
        costs=costs,
        loans_outstanding=loans,
        social_fund_kept=social - plan.social_fund,
        cash=normal("cash"),
    )


def cycle_share_out(
    *,
    user,
    cycle: Cycle,
    on: datetime.date,
    idempotency_key: str,
    carry: dict | None = None,
) -> Transaction:
    """Share out the cycle and close it. `carry` is {member pk: Rupiah left in the group}."""
    book = cycle.book
    check_may_post(user, book)
    carry = {k: v for k, v in (carry or {}).items() if v}
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        check_cycle_open(cycle)
        if cycle.meetings.filter(status=Meeting.Status.OPEN).exists():
            raise ValidationFailed(_("Close the last meeting (count the cash) first."))
        rules = constitution_of(cycle)
        preview = share_out_preview(cycle)
        plan = preview.plan
        if not plan.members:
            raise ValidationFailed(_("No member holds shares: there is nothing to share out."))
        outstanding = sum(preview.loans_outstanding.values())
        if outstanding and not rules.loans_may_carry:
            raise ValidationFailed(
                _(
                    "Loans of %(amount)s are still outstanding. Collect them, write them off, "
                    "or let the constitution net them from the payouts."
                )
                % {"amount": rupiah_text(outstanding)}
            )
        strangers = set(preview.loans_outstanding) - set(preview.members)
        if strangers:
            raise ValidationFailed(_("A member who holds no shares still owes a loan."))
        legs = []
        cash = account(book, "cash")
        cash_out = 0

        def signed(acc, amount):  # debit when positive, credit when negative
            if amount > 0:
                legs.append(ledger.debit(acc, amount))
            elif amount < 0:
                legs.append(ledger.credit(acc, -amount))

        for code, amount in preview.income.items():
            signed(account(book, code), amount)  # close income (normal side is credit)
        for code, amount in preview.costs.items():
            signed(account(book, code), -amount)  # close costs (normal side is debit)
        if plan.social_fund:
            signed(account(book, "social_fund"), plan.social_fund)
        for row in plan.members:
            member = preview.members[row.key]
            signed(account(book, "shares", member), row.savings)
            owed = preview.loans_outstanding.get(row.key, 0)
            kept = carry.get(row.key, 0)
            if isinstance(kept, bool) or not isinstance(kept, int) or kept < 0:
                raise ValidationFailed(_("Amounts are whole Rupiah, without decimals."))
            if kept % rules.share_price:
                raise ValidationFailed(
                    _("An amount carried over is a whole number of shares (%(price)s each).")
                    % {"price": rupiah_text(rules.share_price)}
                )
            if owed + kept > row.payout:
                raise ValidationFailed(
                    _("%(name)s's payout of %(payout)s does not cover %(needed)s.")
                    % {
                        "name": member.person.name,
                        "payout": rupiah_text(row.payout),
                        "needed": rupiah_text(owed + kept),
                    }
                )
            signed(account(book, "loans", member), -owed)
            signed(account(book, "carried", member), -kept)
            cash_out += row.payout - owed - kept
        if plan.residue and plan.residue_to == "social_fund":
            signed(account(book, "social_fund"), -plan.residue)
        elif plan.residue and plan.residue_to == "next_cycle":
            signed(account(book, "retained"), -plan.residue)
        if cash_out > cash.balance:
            raise ValidationFailed(
                _("The payouts need %(needed)s in cash but the box holds %(cash)s.")
                % {"needed": rupiah_text(cash_out), "cash": rupiah_text(cash.balance)}
            )
        signed(cash, -cash_out)
        posted = ledger.transaction_post(
            book=book,
            kind=Transaction.Kind.SHARE_OUT,
            legs=legs,
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            cycle=cycle,
            memo=_("Share-out: %(count)s members, profit %(profit)s, leftover %(residue)s")
            % {
                "count": len(plan.members),
                "profit": rupiah_text(plan.profit),
                "residue": rupiah_text(plan.residue),
            },
        )
        netted = [key for key, owed in preview.loans_outstanding.items() if owed]
        if netted:
            Loan.objects.filter(
                cycle__book=book, member_id__in=netted, status=Loan.Status.ACTIVE
            ).update(status=Loan.Status.REPAID)
        Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED, closed_on=on)
        cycle.status, cycle.closed_on = Cycle.Status.CLOSED, on
    return posted
