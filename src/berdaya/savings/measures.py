"""The savings-group ratio set and the dependency ratio (formulas in docs/savings.md).

No Django here: the selectors gather the figures, these functions compute. Ratios
are `Fraction`s (exact) or None when the denominator is zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class GroupRatios:
    savings: int  # value of members' shares (savings mobilised), Rp
    loans_outstanding: int  # principal owed by members, Rp
    cash: int  # cash box and bank, Rp (the social fund's cash included)
    social_fund: int
    profit: int  # service charges + fines + other income - write-offs - expenses, cycle to date
    late_principal: int  # principal of loans with an instalment more than 30 days late
    disbursed: int  # value of loans disbursed in the cycle
    written_off: int  # value written off in the cycle
    attended: int  # member-meetings attended in person or by a representative
    attendance_slots: int  # member-meetings recorded
    members_at_start: int
    members_retained: int  # of those, still members
    days: int  # days of the cycle so far
    meetings: int

    @property
    def assets(self) -> int:
        """Loan fund (cash) + loans outstanding: the social fund's cash is in `cash`."""
        return self.cash + self.loans_outstanding

    @property
    def loan_fund_utilisation(self) -> Fraction | None:
        """Loans outstanding ÷ (loans outstanding + the loan fund's cash)."""
        fund_cash = self.cash - self.social_fund
        return share(self.loans_outstanding, self.loans_outstanding + fund_cash)

    @property
    def par30(self) -> Fraction | None:
        return share(self.late_principal, self.loans_outstanding)

    @property
    def return_on_savings(self) -> Fraction | None:
        """Profit of the cycle so far ÷ savings."""
        return share(self.profit, self.savings)

    @property
    def annualised_return_on_assets(self) -> Fraction | None:
        """(profit ÷ assets) × 365 ÷ days of the cycle so far."""
        if not self.assets or not self.days:
            return None
        return Fraction(self.profit, self.assets) * Fraction(365, self.days)

    @property
    def attendance_rate(self) -> Fraction | None:
        return share(self.attended, self.attendance_slots)

    @property
    def retention(self) -> Fraction | None:
        return share(self.members_retained, self.members_at_start)

    @property
    def write_off_rate(self) -> Fraction | None:
        """Written off ÷ disbursed in the cycle."""
        return share(self.written_off, self.disbursed)


def percent(value: Fraction | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f} %".replace(".", ",")
