"""Loan schedules, repayment allocation and arrears, in whole Rupiah (no Django here).

Rates are in hundredths of a percent a month (120 = 1.20 % a month).

* **flat**: the service charge of every instalment is principal × rate (SPP, PNPM's
  women's savings-and-loan: Rp 1,000,000 at 1.2 % over 10 months pays Rp 12,000 a
  month, Rp 120,000 in all);
* **declining**: the charge of each instalment is the principal still owed × rate.

The principal is split in equal whole-Rupiah instalments, the remainder in the last.
A repayment pays, instalment by instalment, first the charge and then the principal
(the usual waterfall), so how a payment splits depends only on what was paid before.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

FLAT = "flat"
DECLINING = "declining"


@dataclass(frozen=True)
class Due:
    number: int
    due_on: datetime.date
    principal: int
    charge: int

    @property
    def amount(self) -> int:
        return self.principal + self.charge


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _charge(amount: int, rate_bp: int) -> int:
    """amount × rate, rounded half up to a whole Rupiah."""
    return (amount * rate_bp + 5000) // 10000


def schedule(
    *, principal: int, term_months: int, rate_bp: int, method: str, start: datetime.date
) -> list[Due]:
    if principal <= 0 or term_months <= 0 or rate_bp < 0:
        raise ValueError("principal and term must be positive, the rate not negative")
    if method not in (FLAT, DECLINING):
        raise ValueError(f"unknown charge method {method!r}")
    base, remainder = divmod(principal, term_months)
    owed = principal
    dues = []
    for number in range(1, term_months + 1):
        part = base + (remainder if number == term_months else 0)
        charge = _charge(principal if method == FLAT else owed, rate_bp)
        dues.append(Due(number, add_months(start, number), part, charge))
        owed -= part
    return dues


@dataclass(frozen=True)
class Split:
    principal: int
    charge: int


def allocate(dues: Sequence[Due], *, paid_before: int, amount: int) -> Split:
    """Split `amount` into charge and principal, after `paid_before` was already paid."""
    pieces: list[tuple[str, int]] = []
    for due in dues:
        pieces.append(("charge", due.charge))
        pieces.append(("principal", due.principal))
    skip, left = paid_before, amount
    split = {"charge": 0, "principal": 0}
    for kind, size in pieces:
        if skip >= size:
            skip -= size
            continue
        room = size - skip
        skip = 0
        take = min(room, left)
        split[kind] += take
        left -= take
        if not left:
            break
    if left:
        raise ValueError("the payment is more than the schedule owes")
    return Split(principal=split["principal"], charge=split["charge"])


@dataclass(frozen=True)
class Arrears:
    due: int  # owed by the day (instalments due on or before it)
    paid: int
    overdue: int  # due - paid, never negative
    days_late: int  # since the oldest instalment not fully paid, 0 when up to date


def arrears(dues: Sequence[Due], *, paid: int, on: datetime.date) -> Arrears:
    due_total = 0
    cumulative = 0
    oldest_unpaid = None
    for due in dues:
        cumulative += due.amount
        if due.due_on <= on:
            due_total += due.amount
            if oldest_unpaid is None and cumulative > paid:
                oldest_unpaid = due.due_on
    overdue = max(0, due_total - paid)
    days = (on - oldest_unpaid).days if overdue and oldest_unpaid else 0
    return Arrears(due=due_total, paid=paid, overdue=overdue, days_late=days)
