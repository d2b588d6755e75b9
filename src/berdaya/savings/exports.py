"""A book as an XLSX workbook: accounts, the journal, loans and the ratios.

Formula-safe the way `registry.exports` is: every text cell is written as text (never
a live formula), and text that starts like a formula keeps a quote prefix, so a
member named "=HYPERLINK(...)" stays a name when the treasurer opens the file.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from berdaya.registry.exports import FORMULA_STARTS

from . import selectors
from .measures import percent
from .models import Book, Entry


def _cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title)
    sheet.append([_cell(sheet, str(h)) for h in header])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def book_xlsx(book: Book, *, user) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    accounts = book.accounts.select_related("member__person").order_by("type", "code", "pk")
    _sheet(
        workbook,
        _("Accounts"),
        [_("Code"), _("Account"), _("Type"), _("Member"), _("Balance (Rp)")],
        (
            [
                a.code,
                a.name,
                a.get_type_display(),
                a.member.person.name if a.member else "",
                a.normal_balance,
            ]
            for a in accounts
        ),
    )
    entries = (
        Entry.objects.filter(account__book=book)
        .select_related("transaction__member__person", "transaction__stakeholder", "account")
        .order_by("transaction_id", "pk")
    )
    _sheet(
        workbook,
        _("Journal"),
        [
            _("Transaction"),
            _("Date"),
            _("Kind"),
            _("Note"),
            _("Member"),
            _("Account"),
            _("Debit (Rp)"),
            _("Credit (Rp)"),
            _("Balance after (Rp)"),
            _("Reverses"),
            _("Source"),
            _("Giver"),
            _("Kind of help"),
        ],
        (
            [
                e.transaction_id,
                e.transaction.occurred_on.isoformat(),
                e.transaction.get_kind_display(),
                e.transaction.memo,
                e.transaction.member.person.name if e.transaction.member else "",
                e.account.name,
                e.debit,
                e.credit,
                e.balance_after,
                e.transaction.reverses_id or "",
                e.transaction.get_origin_display(),
                e.transaction.stakeholder.name if e.transaction.stakeholder else "",
                e.transaction.get_aid_display(),
            ]
            for e in entries
        ),
    )
    if book.kind == Book.Kind.SAVINGS:
        from .services import loan_state

        loans = selectors.loans_of(book)
        rows = []
        for loan in loans:
            state = loan_state(loan)
            rows.append(
                [
                    loan.pk,
                    loan.member.person.name,
                    loan.disbursed_on.isoformat(),
                    loan.principal,
                    loan.term_months,
                    loan.get_charge_method_display(),
                    loan.monthly_rate_bp / 100,
                    state.principal_outstanding,
                    state.owed,
                    loan.get_status_display(),
                ]
            )
        _sheet(
            workbook,
            _("Loans"),
            [
                _("Loan"),
                _("Member"),
                _("Disbursed"),
                _("Amount (Rp)"),
                _("Term (months)"),
                _("Service charge"),
                _("Monthly rate (%)"),
                _("Principal owed (Rp)"),
                _("Still to pay (Rp)"),
                _("Status"),
            ],
            rows,
        )
        ratios = selectors.group_measures(book)
        if ratios is not None:
            _sheet(workbook, _("Ratios"), [_("Measure"), _("Value")], selectors.ratio_rows(ratios))
    else:
        _sheet(
            workbook,
            _("Stock"),
            [_("Item"), _("Unit"), _("On hand")],
            ([item.name, item.unit, qty] for item, qty in selectors.stock_of(book)),
        )
    sources = selectors.money_sources(books=[book])
    _sheet(
        workbook,
        _("Sources"),
        [
            _("Year"),
            _("Money from inside (Rp)"),
            _("Money from outside (Rp)"),
            _("Goods from inside (Rp)"),
            _("Goods from outside (Rp)"),
            _("Outside share"),
        ],
        (
            [
                year,
                t.internal_money,
                t.external_money,
                t.internal_goods,
                t.external_goods,
                percent(t.dependency),
            ]
            for year, t in sorted(sources.by_year.items())
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
