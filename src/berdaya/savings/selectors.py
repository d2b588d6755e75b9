"""Every read of the community's books, through the access rule.

`money_sources` is the selector other apps (learning, reports) read the dependency
ratio from: internal and external inflows of money and of goods in kind.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from berdaya.core.access import get_visible_or_404, grants_for, visible_to
from berdaya.groups.models import GroupMember

from . import measures
from .models import (
    Account,
    Book,
    Cycle,
    Entry,
    Loan,
    Meeting,
    MeetingAttendance,
    StockItem,
    Transaction,
)
from .services.common import may_post


def books_visible_to(user) -> QuerySet[Book]:
    return visible_to(user, Book.objects.select_related("village", "group", "programme"))


def book_of_group(*, user, group, kind: str = Book.Kind.SAVINGS) -> Book | None:
    return books_visible_to(user).filter(group=group, kind=kind).first()


def book_get(*, user, pk) -> Book:
    return get_visible_or_404(user, Book.objects.select_related("village", "group"), pk=pk)


def cycle_get(*, user, pk) -> Cycle:
    return get_visible_or_404(user, Cycle.objects.select_related("book__group"), pk=pk)


def meeting_get(*, user, pk) -> Meeting:
    return get_visible_or_404(
        user,
        Meeting.objects.select_related("cycle__book__group", "recorded_with__person"),
        pk=pk,
    )


def loan_get(*, user, pk) -> Loan:
    return get_visible_or_404(
        user, Loan.objects.select_related("cycle__book__group", "member__person"), pk=pk
    )


def transaction_get(*, user, pk) -> Transaction:
    return get_visible_or_404(
        user, Transaction.objects.select_related("book", "cycle", "loan", "member"), pk=pk
    )


def membership_get(*, user, pk) -> GroupMember:
    return get_visible_or_404(
        user, GroupMember.objects.select_related("group__village", "person"), pk=pk
    )


def current_cycle(book: Book) -> Cycle | None:
    return book.cycles.order_by("-number").first()


def balance(account: Account) -> int:
    """The stored running balance on the account's natural side (one indexed row)."""
    return account.normal_balance


def members_of(book: Book) -> list[GroupMember]:
    return list(
        book.group.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("person__name", "pk")
    )


@dataclass(frozen=True)
class PassbookEntry:
    """The transaction of a passbook line (read as plain values: no model per row)."""

    pk: int
    occurred_on: datetime.date
    kind: str
    shares: int | None
    reverses_id: int | None
    memo: str

    def get_kind_display(self) -> str:
        return str(Transaction.Kind(self.kind).label)


@dataclass(frozen=True)
class PassbookLine:
    transaction: PassbookEntry
    amount: int  # what changed hands in cash (positive)
    savings_after: int | None
    loan_after: int | None


def passbook(*, member: GroupMember, limit: int = 200) -> list[PassbookLine]:
    """A member's passbook: their last `limit` postings, oldest first, with balances after.

    Two indexed queries: the member's transactions by the (member, id) index, then their
    entries with the stored running balances (no sums over the ledger).
    """
    last = list(
        Transaction.objects.filter(member=member)
        .order_by("-pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not last:
        return []
    rows = (
        Entry.objects.filter(transaction_id__in=last)
        .order_by("transaction_id", "pk")
        .values_list(
            "transaction_id",
            "transaction__occurred_on",
            "transaction__kind",
            "transaction__shares",
            "transaction__reverses_id",
            "transaction__memo",
            "account__code",
            "account__member_id",
            "debit",
            "credit",
            "balance_after",
        )
    )
    lines: list[PassbookLine] = []
    current = None
    savings = loan = None
    amount = 0
    for tx, on, kind, shares, reverses, memo, code, owner, debit, credit, after in rows:
        if current is not None and tx != current.pk:
            lines.append(PassbookLine(current, amount, savings, loan))
            savings = loan = None
            amount = 0
        if current is None or tx != current.pk:
            current = PassbookEntry(tx, on, kind, shares, reverses, memo)
        if owner == member.pk and code == "shares":
            savings = -after
        elif owner == member.pk and code == "loans":
            loan = after
        if code in ("cash", "bank"):
            amount += debit + credit
    lines.append(PassbookLine(current, amount, savings, loan))
    return lines


def member_balances(book: Book, member: GroupMember) -> dict[str, int]:
    accounts = Account.objects.filter(book=book, member=member)
    found = {a.code: a.normal_balance for a in accounts}
    return {
        "shares": found.get("shares", 0),
        "loans": found.get("loans", 0),
        "carried": found.get("carried", 0),
    }


def receipt_text(*, meeting: Meeting, member: GroupMember, lines: dict | None = None) -> str:
    """An SMS (160 characters at most) of what the member did at the meeting."""
    book = meeting.cycle.book
    line = (lines if lines is not None else meeting_lines(meeting)).get(member.pk, {})
    balances = member_balances(book, member)

    def rp(amount: int) -> str:
        return "Rp" + f"{amount:,}".replace(",", ".")

    items = []
    if line.get("shares"):
        items.append(f"saham {line['shares']}")
    for key, label in (
        ("social", "sosial"),
        ("repaid", "angsuran"),
        ("fine", "denda"),
        ("loan", "pinjam"),
    ):
        if line.get(key):
            items.append(f"{label} {rp(line[key])}")
    absent = line.get("attendance") == MeetingAttendance.Status.ABSENT
    body = ", ".join(items) or ("tidak hadir" if absent else "hadir")
    tail = f"Tabungan {rp(balances['shares'])}"
    if balances["loans"]:
        tail += f", sisa pinjaman {rp(balances['loans'])}"
    head = f"{meeting.held_on:%d/%m/%y}"
    room = 160 - len(f"{head}: {body}. {tail}.") - 1
    name = book.name[: max(0, room)].rstrip()
    text = f"{name} {head}: {body}. {tail}." if name else f"{head}: {body}. {tail}."
    return text[:160]


def meeting_lines(meeting: Meeting) -> dict[int, dict]:
    """What each member did at this meeting (for the page after saving)."""
    lines: dict[int, dict] = defaultdict(
        lambda: {"shares": 0, "social": 0, "fine": 0, "repaid": 0, "loan": 0, "tx": []}
    )
    for tx in meeting.transactions.filter(member__isnull=False).prefetch_related(
        "entries__account"
    ):
        line = lines[tx.member_id]
        line["tx"].append(tx)
        cash = sum(e.debit - e.credit for e in tx.entries.all() if e.account.code == "cash")
        sign = -1 if tx.reverses_id else 1
        kind = tx.reverses.kind if tx.reverses_id else tx.kind
        if kind == "shares":
            line["shares"] += sign * (tx.shares or 0)
        elif kind == "social_fund":
            line["social"] += cash
        elif kind == "fine":
            line["fine"] += cash
        elif kind == "repayment":
            line["repaid"] += cash
        elif kind == "loan":
            line["loan"] += -cash
    for status in MeetingAttendance.objects.filter(meeting=meeting):
        lines[status.member_id]["attendance"] = status.status
    return lines


def loans_of(book: Book, *, active_only: bool = False) -> QuerySet[Loan]:
    loans = Loan.objects.filter(cycle__book=book).select_related("member__person", "cycle")
    if active_only:
        loans = loans.filter(status=Loan.Status.ACTIVE)
    return loans.order_by("-disbursed_on", "-pk")


def group_measures(book: Book, *, on: datetime.date | None = None) -> measures.GroupRatios | None:
    """The SEEP/SAVIX ratio set of the group's current cycle, on `on` (today by default)."""
    from .services.loans import loan_state

    cycle = current_cycle(book)
    if cycle is None:
        return None
    on = on or datetime.date.today()
    accounts = {(a.code, a.member_id): a for a in Account.objects.filter(book=book)}

    def total(code):
        return sum(a.normal_balance for (c, _m), a in accounts.items() if c == code)

    cycle_tx = Transaction.objects.filter(cycle=cycle)
    income = Entry.objects.filter(
        transaction__cycle=cycle,
        account__code__in=["service_income", "fine_income", "other_income", "retained"],
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    costs = Entry.objects.filter(
        transaction__cycle=cycle, account__code__in=["write_offs", "expenses"]
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    closed = cycle.status == Cycle.Status.CLOSED
    share_out = cycle_tx.filter(kind=Transaction.Kind.SHARE_OUT).first()
    if closed and share_out is not None:  # the income was closed into the payouts
        income = (
            Entry.objects.filter(
                transaction__cycle=cycle,
                account__code__in=["service_income", "fine_income", "other_income", "retained"],
            )
            .exclude(transaction=share_out)
            .aggregate(d=Sum("debit"), c=Sum("credit"))
        )
        costs = (
            Entry.objects.filter(
                transaction__cycle=cycle, account__code__in=["write_offs", "expenses"]
            )
            .exclude(transaction=share_out)
            .aggregate(d=Sum("debit"), c=Sum("credit"))
        )
    profit = ((income["c"] or 0) - (income["d"] or 0)) - ((costs["d"] or 0) - (costs["c"] or 0))
    late = 0
    for loan in Loan.objects.filter(cycle__book=book, status=Loan.Status.ACTIVE).select_related(
        "cycle"
    ):
        state = loan_state(loan)
        if state.arrears(on).days_late > 30:
            late += state.principal_outstanding
    disbursed = (
        Entry.objects.filter(
            transaction__cycle=cycle, transaction__kind="loan", account__code="loans"
        ).aggregate(d=Sum("debit"))["d"]
        or 0
    )
    written_off = Entry.objects.filter(
        transaction__cycle=cycle, account__code="write_offs"
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    meetings = list(cycle.meetings.order_by("number"))
    attendance = MeetingAttendance.objects.filter(meeting__cycle=cycle).aggregate(
        present=Count("pk", filter=Q(status__in=["present", "represented"])), all=Count("pk")
    )
    members = book.group.members
    at_start = members.filter(joined_on__lte=cycle.started_on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=cycle.started_on)
    )
    still = at_start.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    end = cycle.closed_on if closed else on
    days = max(1, (end - cycle.started_on).days)
    savings = total("shares") if not closed else _savings_at_share_out(share_out)
    cash = total("cash") + total("bank")
    loans = total("loans")
    return measures.GroupRatios(
        savings=savings,
        loans_outstanding=loans,
        cash=cash,
        social_fund=total("social_fund"),
        profit=profit,
        late_principal=late,
        disbursed=disbursed,
        written_off=(written_off["d"] or 0) - (written_off["c"] or 0),
        attended=attendance["present"],
        attendance_slots=attendance["all"],
        members_at_start=at_start.count(),
        members_retained=still.count(),
        days=days,
        meetings=len(meetings),
    )


def _savings_at_share_out(share_out: Transaction | None) -> int:
    if share_out is None:
        return 0
    return sum(e.debit for e in share_out.entries.filter(account__code="shares"))


def savings_over_time(book: Book) -> list[tuple[datetime.date, int, int]]:
    """(meeting day, members' savings, loans outstanding) after each meeting of every cycle."""
    points = []
    shares_total = loans_total = 0
    per_meeting: dict[int, tuple[int, int]] = {}
    entries = (
        Entry.objects.filter(account__book=book, account__code__in=["shares", "loans"])
        .values("transaction__meeting_id", "account__code", "debit", "credit")
        .order_by("pk")
    )
    for row in entries:
        change = row["debit"] - row["credit"]
        if row["account__code"] == "shares":
            shares_total -= change
        else:
            loans_total += change
        if row["transaction__meeting_id"]:
            per_meeting[row["transaction__meeting_id"]] = (shares_total, loans_total)
    days = dict(Meeting.objects.filter(pk__in=per_meeting).values_list("pk", "held_on"))
    for pk, (shares, loans) in per_meeting.items():
        points.append((days[pk], shares, loans))
    points.sort()
    return points


# -- Where the money comes from ---------------------------------------------------


@dataclass
class SourceTotals:
    """Inflows by origin: money, and goods in kind valued in Rupiah."""

    internal_money: int = 0
    external_money: int = 0
    internal_goods: int = 0
    external_goods: int = 0
    direct_aid: int = 0  # external help that was direct aid (money and goods)
    capacity_building: int = 0
    by_year: dict = field(default_factory=dict)  # year -> SourceTotals without by_year

    @property
    def money_dependency(self):
        return measures.share(self.external_money, self.internal_money + self.external_money)

    @property
    def goods_dependency(self):
        return measures.share(self.external_goods, self.internal_goods + self.external_goods)

    @property
    def dependency(self):
        external = self.external_money + self.external_goods
        return measures.share(external, external + self.internal_money + self.internal_goods)


def money_sources(
    *,
    user=None,
    village: str | None = None,
    programme: int | None = None,
    year: int | None = None,
    books: Iterable[Book] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> SourceTotals:
    """Internal and external inflows of money and goods, for the dependency ratio.

    Filters: `village` (code), `programme` (id), `year`, a period `since`–`until` (both
    days included: the progress report's period), or an explicit list of books.
    With `user`, only the books the user may see count (a viewer sees these totals:
    they are aggregates, no person's row). Each year's totals are in `.by_year`.
    """
    txs = Transaction.objects.exclude(origin="")
    if user is not None:
        txs = txs.filter(book__in=_books_for_aggregates(user))
    if village:
        txs = txs.filter(book__village_id=village)
    if programme:
        txs = txs.filter(book__programme_id=programme)
    if books is not None:
        txs = txs.filter(book__in=[b.pk for b in books])
    if year:
        txs = txs.filter(occurred_on__year=year)
    if since:
        txs = txs.filter(occurred_on__gte=since)
    if until:
        txs = txs.filter(occurred_on__lte=until)
    rows = (
        txs.annotate(year=ExtractYear("occurred_on"))
        .values("year", "origin", "in_kind", "aid")
        .annotate(total=Sum("inflow"))
        .order_by("year")
    )
    result = SourceTotals()
    for row in rows:
        for target in (result, result.by_year.setdefault(row["year"], SourceTotals())):
            _add(target, row)
    return result


def _books_for_aggregates(user) -> QuerySet[Book]:
    """Books whose totals `user` may see: every role's villages, viewers included."""
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        condition |= Q(organisation_id=grant.organisation_id, village_id__in=grant.village_codes)
    return Book.objects.filter(condition).values("pk")


def _add(target: SourceTotals, row: dict) -> None:
    amount = row["total"] or 0
    internal = row["origin"] == Transaction.Origin.INTERNAL
    if row["in_kind"]:
        if internal:
            target.internal_goods += amount
        else:
            target.external_goods += amount
    elif internal:
        target.internal_money += amount
    else:
        target.external_money += amount
    if row["aid"] == Transaction.Aid.DIRECT:
        target.direct_aid += amount
    elif row["aid"] == Transaction.Aid.CAPACITY:
        target.capacity_building += amount


def inflows_of(book: Book) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(book=book)
        .exclude(origin="")
        .select_related("stakeholder", "reverses")
        .order_by("-occurred_on", "-pk")
    )


def stock_of(book: Book) -> list[tuple[StockItem, int]]:
    items = StockItem.objects.filter(book=book).annotate(on_hand=Sum("movements__quantity"))
    return [(item, item.on_hand or 0) for item in items.order_by("name")]


def cash_book(book: Book, *, limit: int = 300) -> list[Entry]:
    return list(
        Entry.objects.filter(account__book=book, account__code="cash")
        .select_related("transaction", "transaction__member__person", "transaction__stakeholder")
        .order_by("-pk")[:limit]
    )


def may_post_to(user, book: Book) -> bool:
    return may_post(user, book)


def village_books(*, user, village_code: str) -> QuerySet[Book]:
    return books_visible_to(user).filter(village_id=village_code)


def ratio_rows(ratios: measures.GroupRatios) -> list[tuple[str, str]]:
    """The ratio set as (label, formatted value) rows, for pages and exports."""
    from django.utils.translation import gettext as _

    from .services.common import rupiah_text

    return [
        (_("Savings mobilised"), rupiah_text(ratios.savings)),
        (_("Loans outstanding"), rupiah_text(ratios.loans_outstanding)),
        (_("Loan fund utilisation"), measures.percent(ratios.loan_fund_utilisation)),
        (_("Portfolio at risk (> 30 days)"), measures.percent(ratios.par30)),
        (_("Return on savings (cycle so far)"), measures.percent(ratios.return_on_savings)),
        (_("Return on assets (a year)"), measures.percent(ratios.annualised_return_on_assets)),
        (_("Attendance"), measures.percent(ratios.attendance_rate)),
        (_("Member retention"), measures.percent(ratios.retention)),
        (_("Write-off rate"), measures.percent(ratios.write_off_rate)),
    ]
