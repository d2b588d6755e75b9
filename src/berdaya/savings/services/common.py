"""What every write to the books shares: who may post, the chart of accounts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.core.access import grants_for
from berdaya.core.errors import PermissionDenied, ValidationFailed

from ..models import Account, Book, Cycle, Transaction

A = Account.Type
# code -> (name, type, per member)
SAVINGS_ACCOUNTS = {
    "cash": (gettext_lazy("Cash box"), A.ASSET, False),
    "bank": (gettext_lazy("Bank account"), A.ASSET, False),
    "loans": (gettext_lazy("Loans to members"), A.ASSET, True),
    "shares": (gettext_lazy("Members' shares (savings)"), A.EQUITY, True),
    "carried": (gettext_lazy("Carried to the next cycle"), A.EQUITY, True),
    "social_fund": (gettext_lazy("Social fund"), A.EQUITY, False),
    "service_income": (gettext_lazy("Service charges on loans"), A.INCOME, False),
    "fine_income": (gettext_lazy("Fines"), A.INCOME, False),
    "other_income": (gettext_lazy("Other income"), A.INCOME, False),
    "expenses": (gettext_lazy("Expenses"), A.EXPENSE, False),
    "write_offs": (gettext_lazy("Loans written off"), A.EXPENSE, False),
    "retained": (gettext_lazy("Profit brought forward"), A.EQUITY, False),
    "grants": (gettext_lazy("Grants received"), A.EQUITY, False),
}
KUBE_ACCOUNTS = {
    "cash": (gettext_lazy("Cash"), A.ASSET, False),
    "inventory": (gettext_lazy("Stock (inventory)"), A.ASSET, False),
    "fixed_assets": (gettext_lazy("Equipment and assets"), A.ASSET, False),
    "capital_members": (gettext_lazy("Capital from members"), A.EQUITY, False),
    "capital_grant": (gettext_lazy("Capital from grants"), A.EQUITY, False),
    "loan_payable": (gettext_lazy("Loans owed by the business"), A.LIABILITY, False),
    "sales": (gettext_lazy("Sales"), A.INCOME, False),
    "cost_of_sales": (gettext_lazy("Cost of goods sold"), A.EXPENSE, False),
    "expenses": (gettext_lazy("Expenses"), A.EXPENSE, False),
    "reserve": (gettext_lazy("Reserve"), A.EQUITY, False),
    "members_payable": (gettext_lazy("Profit owed to members"), A.LIABILITY, False),
    "social": (gettext_lazy("Social fund"), A.EQUITY, False),
    "retained": (gettext_lazy("Profit not yet allocated"), A.EQUITY, False),
}
FUND_ACCOUNTS = {
    "cash": (gettext_lazy("Cash"), A.ASSET, False),
    "goods": (gettext_lazy("Goods in kind"), A.ASSET, False),
    "fixed_assets": (gettext_lazy("Assets"), A.ASSET, False),
    "internal": (gettext_lazy("Contributions from the community"), A.EQUITY, False),
    "external": (gettext_lazy("Contributions from outside"), A.EQUITY, False),
    "spent": (gettext_lazy("Spent and given out"), A.EXPENSE, False),
}
CHART = {
    Book.Kind.SAVINGS: SAVINGS_ACCOUNTS,
    Book.Kind.KUBE: KUBE_ACCOUNTS,
    Book.Kind.FUND: FUND_ACCOUNTS,
}


def may_post(user, book: Book) -> bool:
    """Managers and admins of the book's organisation, and the facilitator of its village.

    Group officers keep the books with them (the meeting records who they were);
    officers and members have no login of their own yet.
    """
    from berdaya.organisations.models import Role

    return any(
        grant.organisation_id == book.organisation_id
        and grant.role in {Role.ADMIN, Role.MANAGER, Role.FACILITATOR}
        and book.village_id in grant.village_codes
        for grant in grants_for(user)
    )


def check_may_post(user, book: Book) -> None:
    if not may_post(user, book):
        raise PermissionDenied(
            _("Only the group's officers with its facilitator, and managers, record its money.")
        )


def account(book: Book, code: str, member=None) -> Account:
    """The book's account `code` (for `member` if it is kept per member), made on first use."""
    chart = CHART[book.kind]
    if code not in chart:
        raise ValidationFailed(_("This book has no such account."))
    name, type_, per_member = chart[code]
    if per_member != (member is not None):
        raise ValueError(f"account {code} is {'' if per_member else 'not '}kept per member")
    from .. import ledger

    cache = ledger.lock_cache(book)
    cache_key = ("account", book.pk, code, member.pk if member is not None else None)
    if cache is not None and cache_key in cache:
        return cache[cache_key]  # under the book's lock no one else changes it
    found = Account.objects.filter(book=book, code=code, member=member).order_by().first()
    if found is None:
        label = str(name) if member is None else f"{name} · {member.person.name}"
        found, _created = Account.objects.get_or_create(
            book=book, code=code, member=member, defaults={"name": label[:200], "type": type_}
        )
    if cache is not None:
        cache[cache_key] = found
    return found


def rupiah_text(amount: int) -> str:
    """Rp 1.250.000 — Indonesian thousands separators."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def posting_exists(book: Book, key: str) -> Transaction | None:
    return Transaction.objects.filter(book=book, idempotency_key=key).first()


def check_cycle_open(cycle: Cycle) -> None:
    if cycle.status != Cycle.Status.OPEN:
        raise ValidationFailed(
            _("This cycle is closed: it accepts nothing but reversals of its entries.")
        )


def check_member(book: Book, member) -> None:
    if member.group_id != book.group_id:
        raise ValidationFailed(_("This person is not a member of the group."), field="member")
