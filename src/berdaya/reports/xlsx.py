"""The XLSX companion of a report: one worksheet per table, numbers kept as numbers."""

from __future__ import annotations

import io
from fractions import Fraction

from .tables import COUNT, RUPIAH, SHARE, VALUE, Table, shown

FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(sheet, value, kind: str):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if kind in (COUNT, RUPIAH) and isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = '"Rp"#,##0' if kind == RUPIAH else "#,##0"
        return cell
    if kind in (SHARE, VALUE) and isinstance(value, Fraction | int | float):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.0%" if kind == SHARE else "#,##0.##"
        return cell
    text = shown(value, kind)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text from people stays text: never a live formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def workbook(tables: list[Table], *, title: str, lines: list[str]) -> bytes:
    """A workbook: a first sheet with the report's title and what it covers, then the tables."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    about = book.create_sheet("Laporan")
    for line in [title, *lines]:
        about.append([_cell(about, line, "text")])
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([_cell(sheet, table.title, "text")])
        sheet.append([_cell(sheet, c.label, "text") for c in table.columns])
        for row in table.rows:
            sheet.append([_cell(sheet, v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
