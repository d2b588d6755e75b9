"""Joint businesses (KUBE) and community funds: capital, stock, sales, inflows, assets.

Every inflow says where it came from: `internal` (members, the community, gotong
royong in kind) or `external` (with the giver from the stakeholder registry), and for
external help whether it was direct aid or capacity building (seed 002).
"""

from __future__ import annotations

import datetime

from django.db import transaction as db
from django.db.models import Sum
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed

from .. import ledger
from ..models import Asset, Book, StockItem, StockMovement, Transaction
from .common import account, check_may_post, posting_exists, rupiah_text

T = Transaction.Kind


def _check_origin(book: Book, origin: str, stakeholder, aid: str) -> None:
    if origin not in Transaction.Origin.values:
        raise ValidationFailed(_("Say whether this came from inside or outside."), field="origin")
    if origin == Transaction.Origin.EXTERNAL:
        if stakeholder is None:
            raise ValidationFailed(
                _("Money from outside names who gave it (a stakeholder)."), field="stakeholder"
            )
        if stakeholder.organisation_id != book.organisation_id:
            raise ValidationFailed(
                _("Choose a stakeholder of your organisation."), field="stakeholder"
            )
    elif stakeholder is not None or aid:
        raise ValidationFailed(
            _("Only help from outside names a giver and a kind of help."), field="stakeholder"
        )
    if aid and aid not in Transaction.Aid.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="aid")


def _item(book: Book, name: str, unit: str = "") -> StockItem:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_("Name the item."), field="item")
    item = StockItem.objects.filter(book=book, name__iexact=name).first()
    if item is None:
        if not unit.strip():
            raise ValidationFailed(
                _("Give the unit of a new item (kg, ekor, lembar...)."), field="unit"
            )
        item = StockItem.objects.create(book=book, name=name[:120], unit=unit.strip()[:20])
    return item


def on_hand(item: StockItem) -> int:
    return item.movements.aggregate(q=Sum("quantity"))["q"] or 0


def _quantity(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed(_("Give the quantity as a whole number above 0."), field="quantity")
    return value


@db.atomic
def fund_create(
    *,
    user,
    organisation_id: int,
    village_code: str,
    name: str,
    purpose: str,
    managed_by: str,
    programme=None,
) -> Book:
    """A village's own fund (transport, seed bank, lumbung...)."""
    if village_code not in village_codes_for(user, personal=True, organisation_id=organisation_id):
        raise PermissionDenied(_("You do not work in this village."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("The fund needs a name."), field="name")
    if purpose not in Book.Purpose.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="purpose")
    if Book.objects.filter(
        organisation_id=organisation_id,
        village_id=village_code,
        kind=Book.Kind.FUND,
        name__iexact=name,
    ).exists():
        raise ValidationFailed(_("This village already has a fund with this name."), field="name")
    book = Book(
        organisation_id=organisation_id,
        village_id=village_code,
        programme=programme,
        kind=Book.Kind.FUND,
        purpose=purpose,
        name=name[:200],
        managed_by=managed_by.strip()[:200],
    )
    check_may_post(user, book)
    book.save()
    return book


def fund_inflow(
    *,
    user,
    book: Book,
    on: datetime.date,
    origin: str,
    amount: int,
    memo: str,
    idempotency_key: str,
    stakeholder=None,
    aid: str = "",
    item: str = "",
    quantity=None,
    unit: str = "",
) -> Transaction:
    """Money or goods in kind received by a fund, tagged with their source."""
    check_may_post(user, book)
    ledger.rupiah(amount)
    _check_origin(book, origin, stakeholder, aid)
    if not memo.strip():
        raise ValidationFailed(_("Say from whom and what for."), field="memo")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        goods = bool(item.strip())
        target = account(book, "goods" if goods else "cash")
        posted = ledger.transaction_post(
            book=book,
            kind=T.IN_KIND if goods else T.CONTRIBUTION,
            legs=[ledger.debit(target, amount), ledger.credit(account(book, origin), amount)],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=memo,
            origin=origin,
            stakeholder=stakeholder,
            aid=aid,
            inflow=amount,
            in_kind=goods,
        )
        if goods:
            StockMovement.objects.create(
                item=_item(book, item, unit),
                transaction=posted,
                occurred_on=on,
                quantity=_quantity(quantity),
                note=memo,
            )
    return posted


def fund_outflow(
    *,
    user,
    book: Book,
    on: datetime.date,
    amount: int,
    memo: str,
    idempotency_key: str,
    item: str = "",
    quantity=None,
) -> Transaction:
    """Money spent or goods given out (seed lent to farmers, rice to a family in need)."""
    check_may_post(user, book)
    if not memo.strip():
        raise ValidationFailed(_("Say what it was for."), field="memo")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        if item.strip():
            stock = _item(book, item)
            quantity = _quantity(quantity)
            held = on_hand(stock)
            if quantity > held:
                raise ValidationFailed(
                    _("Only %(held)s %(unit)s in stock.") % {"held": held, "unit": stock.unit},
                    field="quantity",
                )
            goods = account(book, "goods")
            amount = _stock_value(book, goods, stock, quantity, held)
            posted = ledger.transaction_post(
                book=book,
                kind=T.ISSUE,
                legs=[ledger.debit(account(book, "spent"), amount), ledger.credit(goods, amount)],
                occurred_on=on,
                idempotency_key=idempotency_key,
                user=user,
                memo=memo,
            )
            StockMovement.objects.create(
                item=stock, transaction=posted, occurred_on=on, quantity=-quantity, note=memo
            )
            return posted
        ledger.rupiah(amount)
        return ledger.transaction_post(
            book=book,
            kind=T.EXPENSE,
            legs=[
                ledger.debit(account(book, "spent"), amount),
                ledger.credit(account(book, "cash"), amount),
            ],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=memo,
        )


def _stock_value(book, value_account, stock: StockItem, quantity: int, held: int) -> int:
    """The value of `quantity` of an item at its average cost (whole Rupiah, at least 1)."""
    # Value of this item: what came in for it less what went out, from its movements.
    moved = StockMovement.objects.filter(item=stock).select_related("transaction")
    value = 0
    for movement in moved:
        entry_total = sum(
            e.debit - e.credit
            for e in movement.transaction.entries.all()
            if e.account_id == value_account.pk
        )
        value += entry_total
    if quantity == held:
        return max(1, value)
    return max(1, value * quantity // held)


def asset_acquire(
    *,
    user,
    book: Book,
    name: str,
    value: int,
    on: datetime.date,
    managed_by: str,
    idempotency_key: str,
    origin: str = "",
    stakeholder=None,
    aid: str = "",
) -> Asset:
    """An asset bought from the book's cash (no origin) or given (origin: who gave it)."""
    check_may_post(user, book)
    ledger.rupiah(value, field="value")
    if not name.strip() or not managed_by.strip():
        raise ValidationFailed(_("Name the asset and who manages it."), field="name")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier.asset
        if origin:
            _check_origin(book, origin, stakeholder, aid)
            source = account(
                book,
                {"internal": "internal", "external": "external"}[origin]
                if book.kind == Book.Kind.FUND
                else ("capital_members" if origin == "internal" else "capital_grant"),
            )
        else:
            source = account(book, "cash")
            if value > source.balance:
                raise ValidationFailed(
                    _("There is only %(cash)s in cash.") % {"cash": rupiah_text(source.balance)},
                    field="value",
                )
        posted = ledger.transaction_post(
            book=book,
            kind=T.ASSET,
            legs=[ledger.debit(account(book, "fixed_assets"), value), ledger.credit(source, value)],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=name,
            origin=origin,
            stakeholder=stakeholder,
            aid=aid,
            inflow=value if origin else 0,
            in_kind=bool(origin),
        )
        return Asset.objects.create(
            book=book,
            name=name.strip()[:200],
            value=value,
            acquired_on=on,
            managed_by=managed_by.strip()[:200],
            transaction=posted,
        )


# -- KUBE --------------------------------------------------------------------------


def kube_capital_add(
    *,
    user,
    book: Book,
    amount: int,
    on: datetime.date,
    origin: str,
    memo: str,
    idempotency_key: str,
    stakeholder=None,
    as_loan: bool = False,
    aid: str = "",
) -> Transaction:
    """Capital paid into the business: members' (internal), a grant or a loan (external)."""
    check_may_post(user, book)
    ledger.rupiah(amount)
    _check_origin(book, origin, stakeholder, aid)
    if as_loan:
        source = "loan_payable"
    else:
        source = "capital_members" if origin == "internal" else "capital_grant"
    return ledger.transaction_post(
        book=book,
        kind=T.BORROWING if as_loan else T.CAPITAL,
        legs=[
            ledger.debit(account(book, "cash"), amount),
            ledger.credit(account(book, source), amount),
        ],
        occurred_on=on,
        idempotency_key=idempotency_key,
        user=user,
        memo=memo,
        origin=origin,
        stakeholder=stakeholder,
        aid=aid,
        inflow=amount,
    )


def kube_purchase(
    *,
    user,
    book: Book,
    item: str,
    quantity: int,
    amount: int,
    on: datetime.date,
    memo: str,
    idempotency_key: str,
    unit: str = "",
) -> Transaction:
    check_may_post(user, book)
    ledger.rupiah(amount)
    quantity = _quantity(quantity)
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        stock = _item(book, item, unit)
        cash = account(book, "cash")
        if amount > cash.balance:
            raise ValidationFailed(
                _("There is only %(cash)s in cash.") % {"cash": rupiah_text(cash.balance)},
                field="amount",
            )
        posted = ledger.transaction_post(
            book=book,
            kind=T.PURCHASE,
            legs=[ledger.debit(account(book, "inventory"), amount), ledger.credit(cash, amount)],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=memo,
        )
        StockMovement.objects.create(
            item=stock, transaction=posted, occurred_on=on, quantity=quantity, note=memo
        )
    return posted


def kube_sale(
    *,
    user,
    book: Book,
    item: str,
    quantity: int,
    amount: int,
    on: datetime.date,
    memo: str,
    idempotency_key: str,
) -> Transaction:
    """A sale: the cash in, and the goods out of stock at their average cost."""
    check_may_post(user, book)
    ledger.rupiah(amount)
    quantity = _quantity(quantity)
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        stock = _item(book, item)
        held = on_hand(stock)
        if quantity > held:
            raise ValidationFailed(
                _("Only %(held)s %(unit)s in stock.") % {"held": held, "unit": stock.unit},
                field="quantity",
            )
        inventory = account(book, "inventory")
        cost = _stock_value(book, inventory, stock, quantity, held)
        posted = ledger.transaction_post(
            book=book,
            kind=T.SALE,
            legs=[
                ledger.debit(account(book, "cash"), amount),
                ledger.credit(account(book, "sales"), amount),
                ledger.debit(account(book, "cost_of_sales"), cost),
                ledger.credit(inventory, cost),
            ],
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=memo,
            origin=Transaction.Origin.INTERNAL if amount > cost else "",
            inflow=max(0, amount - cost),  # the margin is the business's own money
        )
        StockMovement.objects.create(
            item=stock, transaction=posted, occurred_on=on, quantity=-quantity, note=memo
        )
    return posted


def kube_expense(
    *, user, book: Book, amount: int, on: datetime.date, memo: str, idempotency_key: str
) -> Transaction:
    check_may_post(user, book)
    ledger.rupiah(amount)
    if not memo.strip():
        raise ValidationFailed(_("Say what the money was spent on."), field="memo")
    return ledger.transaction_post(
        book=book,
        kind=T.EXPENSE,
        legs=[
            ledger.debit(account(book, "expenses"), amount),
            ledger.credit(account(book, "cash"), amount),
        ],
        occurred_on=on,
        idempotency_key=idempotency_key,
        user=user,
        memo=memo,
    )


def kube_profit(book: Book) -> int:
    """Sales - cost of sales - expenses not yet allocated (plus profit held back)."""
    total = 0
    for code in ("sales", "retained"):
        total += account(book, code).normal_balance
    for code in ("cost_of_sales", "expenses"):
        total -= account(book, code).normal_balance
    return total


def kube_profit_allocate(
    *,
    user,
    book: Book,
    on: datetime.date,
    reserve_percent: int,
    members_percent: int,
    social_percent: int,
    idempotency_key: str,
) -> Transaction:
    """Allocate the profit to the reserve, the members and the social fund (percentages)."""
    check_may_post(user, book)
    parts = (reserve_percent, members_percent, social_percent)
    if (
        any(isinstance(p, bool) or not isinstance(p, int) or p < 0 for p in parts)
        or sum(parts) != 100
    ):
        raise ValidationFailed(_("The three parts add up to 100 %."), field="reserve_percent")
    with db.atomic():
        ledger.lock_book(book)
        if (earlier := posting_exists(book, idempotency_key)) is not None:
            return earlier
        profit = kube_profit(book)
        if profit <= 0:
            raise ValidationFailed(
                _("There is no profit to allocate (%(profit)s).") % {"profit": rupiah_text(profit)}
            )
        reserve = profit * reserve_percent // 100
        social = profit * social_percent // 100
        members = profit - reserve - social  # the rounding residue goes to the members
        legs = []
        for code in ("sales", "retained"):
            amount = account(book, code).normal_balance
            if amount > 0:
                legs.append(ledger.debit(account(book, code), amount))
            elif amount < 0:
                legs.append(ledger.credit(account(book, code), -amount))
        for code in ("cost_of_sales", "expenses"):
            amount = account(book, code).normal_balance
            if amount > 0:
                legs.append(ledger.credit(account(book, code), amount))
        for code, amount in (
            ("reserve", reserve),
            ("members_payable", members),
            ("social", social),
        ):
            if amount:
                legs.append(ledger.credit(account(book, code), amount))
        return ledger.transaction_post(
            book=book,
            kind=T.ALLOCATION,
            legs=legs,
            occurred_on=on,
            idempotency_key=idempotency_key,
            user=user,
            memo=_("Profit %(profit)s: reserve %(reserve)s, members %(members)s, social %(social)s")
            % {
                "profit": rupiah_text(profit),
                "reserve": rupiah_text(reserve),
                "members": rupiah_text(members),
                "social": rupiah_text(social),
            },
        )
