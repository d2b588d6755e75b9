"""Reading the tables inside uploads: XLSX as spreadsheet programs write it, CSV, cells."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from berdaya.registry.importers import tables, values
from berdaya.registry.importers.samples import xlsx_bytes
from berdaya.registry.importers.tables import TableError, csv_table, prefetch, xlsx_tables

pytestmark = pytest.mark.usefixtures("english")


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_saved_by_openpyxl_with_shared_strings_dates_and_rich_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    sheet.append(["nama", "tanggal_lahir", "jumlah", "catatan", "ya"])
    rich = CellRichText(["Sri ", TextBlock(InlineFont(b=True), "Rahayu")])
    sheet.append([rich, datetime.date(1983, 5, 5), 3, "a & b <c>", True])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    sheet.append(["Paijo", datetime.datetime(1980, 3, 12, 0, 0), 2.5, None, False])
    [table] = xlsx_tables(_saved(workbook), "data.xlsx")
    assert table.name == "data"
    assert table.header == ["nama", "tanggal_lahir", "jumlah", "catatan", "ya"]
    assert list(table.rows()) == [
        (2, ["Sri Rahayu", datetime.datetime(1983, 5, 5), 3, "a & b <c>", True]),
        (4, ["Paijo", datetime.datetime(1980, 3, 12), 2.5, None, False]),
    ]


def _workbook_with_sheet(sheet_xml: str) -> bytes:
    """A workbook whose only sheet is `sheet_xml`, as another program might write it."""
    template = io.BytesIO(xlsx_bytes([("data", [["a"]])]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml.encode()
            target.writestr(item, content)
    return buffer.getvalue()


def test_cells_with_their_attributes_in_another_order_are_read_by_the_slow_path():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c t="inlineStr" r="A1"><is><t>nik</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>nama</t></is></c></row>'
        '<row r="2"><c t="inlineStr" r="A2"><is><t>3403061203800901</t></is></c>'
        '<c r="C2"><v>7</v></c></row>'
        "</sheetData></worksheet>"
    )
    [table] = xlsx_tables(_workbook_with_sheet(sheet), "x.xlsx")
    assert table.header == ["nik", "nama"]
    assert list(table.rows()) == [(2, ["3403061203800901", None, 7])]


def test_only_the_needed_cells_are_read_when_asked():
    [table] = xlsx_tables(xlsx_bytes([("data", [["a", "b", "c"], [1, 2, 3]])]), "x.xlsx")
    assert list(table.rows({2})) == [(2, [None, None, 3])]


def test_a_zip_that_is_not_a_workbook():
    with pytest.raises(TableError) as caught:
        xlsx_tables(b"PK\x03\x04" + b"\x00" * 50, "x.xlsx")
    assert caught.value.problem.reason == "“x.xlsx” is not a readable XLSX workbook."


def test_csv_with_quoted_newlines_counts_rows_as_a_spreadsheet_does():
    table = csv_table(b'nama,catatan\n"Sri","baris satu\nbaris dua"\nPaijo,\n', "d.csv")
    assert list(table.rows()) == [(2, ["Sri", "baris satu\nbaris dua"]), (3, ["Paijo", ""])]


@pytest.mark.parametrize(
    ("reader", "cell", "expected"),
    [
        (values.date, "2025-02-05", datetime.date(2025, 2, 5)),
        (values.date, "05/02/2025", datetime.date(2025, 2, 5)),
        (values.date, datetime.datetime(2025, 2, 5, 7, 0), datetime.date(2025, 2, 5)),
        (values.integer, 3.0, 3),
        (values.integer, " 12 ", 12),
        (values.yes_no, "ya", True),
        (values.yes_no, "TIDAK", False),
        (values.yes_no, 1, True),
        (values.choices, "tv  phone,radio", ["tv", "phone", "radio"]),
        (values.geopoint, "-7.95 110.6 120 5", (-7.95, 110.6)),
        (values.text, 12.0, "12"),
    ],
)
def test_cells_are_read_as_their_question_expects(reader, cell, expected):
    assert reader(cell) == expected


@pytest.mark.parametrize(
    ("reader", "cell", "reason"),
    [
        (values.date, "2025-02-31", "This date does not exist on the calendar."),
        (values.date, "kemarin", "Not a date: write it as YYYY-MM-DD (or DD/MM/YYYY)."),
        (values.integer, "dua", "Expected a whole number, 0 or more."),
        (values.integer, 2.5, "Expected a whole number, 0 or more."),
        (values.yes_no, "mungkin", "Expected yes or no."),
        (values.geopoint, "-7.95", "Not a GPS point (latitude longitude)."),
        (values.identifier, 3403061203800901, "Stored as a number"),
    ],
)
def test_unreadable_cells_say_why_without_quoting_the_cell(reader, cell, reason):
    with pytest.raises(values.BadValue) as caught:
        reader(cell)
    assert caught.value.reason.startswith(reason)
    assert str(cell) not in caught.value.reason


# -- reading a large table in another process ---------------------------------------------------


def _big_sheet(rows: int) -> tables.Table:
    data = [["nama", "umur", "catatan"]] + [[f"Warga {n}", n % 90, None] for n in range(rows)]
    [table] = xlsx_tables(xlsx_bytes([("anggota", data)]), "x.xlsx")
    return table


def test_a_prefetched_table_gives_exactly_the_rows_read_here(monkeypatch):
    monkeypatch.setattr(tables, "PREFETCH_FROM", 1)
    monkeypatch.setattr(tables, "_CHUNK", 7)  # several messages, the last one short
    table = _big_sheet(50)
    assert list(prefetch(table, {0, 1})) == list(table.rows({0, 1}))
    assert list(prefetch(table)) == list(table.rows())


def test_a_small_table_is_read_here(monkeypatch):
    started = []
    monkeypatch.setattr(tables.multiprocessing, "get_context", started.append)
    table = _big_sheet(3)
    assert list(prefetch(table)) == list(table.rows())
    assert started == []


def test_a_refusal_in_the_reading_process_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(tables, "PREFETCH_FROM", 1)
    problem = tables.file_problem("x.xlsx", "Sheet “anggota” cannot be read.")

    def refuse(needed=None):
        raise TableError(problem)
        yield  # a generator, as real tables are

    table = tables.Table("anggota", ["nama"], refuse, size=10)
    with pytest.raises(TableError) as caught:
        list(prefetch(table))
    assert caught.value.problem == problem


def test_if_the_reading_process_fails_the_rows_are_read_here(monkeypatch):
    import os

    monkeypatch.setattr(tables, "PREFETCH_FROM", 1)
    parent = os.getpid()
    rows = [(n + 2, [f"Warga {n}"]) for n in range(20)]

    def read(needed=None):
        for row in rows:
            if os.getpid() != parent:
                raise MemoryError  # only in the reading process
            yield row

    table = tables.Table("anggota", ["nama"], read, size=21)
    assert list(prefetch(table)) == rows


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return buffer.getvalue()


def test_a_workbook_with_an_entity_declaration_is_refused_before_calamine_reads_it():
    # A "billion laughs" DTD in a sheet: calamine would not expand it, but an export never
    # has a DTD, so it is refused outright.
    data = xlsx_bytes([("data", [["nama"], ["Siti"]])])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with pytest.raises(TableError, match="not a readable XLSX"):
        xlsx_tables(_with_part(data, "xl/worksheets/sheet1.xml", bomb), "bom.xlsx")


def test_an_xlsx_part_that_unpacks_past_the_budget_is_refused_even_if_the_directory_lies(
    monkeypatch,
):
    data = xlsx_bytes([("data", [["nama"]] + [[f"orang {i}"] for i in range(2000)])])
    limits = tables.Limits(unpacked_bytes=10_000_000, ratio=10_000, rows=10_000, columns=10)
    assert xlsx_tables(data, "ok.xlsx", limits)
    # The directory passes; what is actually inflated does not.
    monkeypatch.setattr(tables, "check_archive", lambda *args, **kwargs: None)
    with pytest.raises(TableError, match="unpacks to more than"):
        xlsx_tables(data, "lie.xlsx", tables.Limits(20_000, 10_000, 10_000, 10))


def test_calamine_cells_become_the_values_the_importer_expects():
    data = xlsx_bytes([("data", [["a", "b", "c"], [3, 2.5, ""], [], [None, "x", None]])])
    (table,) = xlsx_tables(data, "cells.xlsx")
    assert table.header == ["a", "b", "c"]
    rows = list(table.rows())
    assert rows[0] == (2, [3, 2.5, None])
    assert type(rows[0][1][0]) is int
    assert rows[1][0] == 4 and rows[1][1][1] == "x"
    assert list(table.rows(needed={1})) == [(2, [None, 2.5]), (4, [None, "x"])]


def test_kobotoolbox_hxl_hashtag_row_under_the_header_is_skipped():
    from berdaya.registry.importers.kobo import without_hxl_row

    data = xlsx_bytes(
        [
            (
                "data",
                [
                    ["lokasi/desa", "jumlah_anggota", "_index"],
                    ["#adm4+code", "#affected+num", None],
                    ["34.03.06.2002", 4, 1],
                ],
            )
        ]
    )
    (table,) = xlsx_tables(data, "hxl.xlsx")
    assert [number for number, _ in without_hxl_row(table).rows()] == [3]
    # A table without the row is left as it is (a village code is not a hashtag).
    plain = xlsx_tables(xlsx_bytes([("data", [["a"], ["#1 RT"], ["x"]])]), "p.xlsx")[0]
    assert [number for number, _ in without_hxl_row(plain).rows()] == [2, 3]
