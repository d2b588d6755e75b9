"""Tables as files (berdaya.analysis._io): survey text stays text, numbers stay exact, and a
bad file gets one clear error."""

from __future__ import annotations

import ibis
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from berdaya.analysis import _io
from berdaya.analysis.errors import AnalysisError
from berdaya.analysis.network._io import write_file
from berdaya.analysis.poverty import read_table, write_table
from berdaya.analysis.tests.test_network_cli import analyze

# Text a respondent or an enumerator may type, that a spreadsheet would take for a formula.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=1+1", "\t=cmd"]
EXACT = 2**53  # the largest whole number up to which every one is exact in a float64
BIG = 2**53 + 1  # the first one a float64 cannot hold
LONGEST = 10**15 - 1  # Excel keeps 15 significant digits: the longest number it keeps whole


def text_cells(path) -> dict[str, list[openpyxl.cell.Cell]]:
    """Every cell of every sheet, by sheet name (not read-only: data_type as stored)."""
    book = openpyxl.load_workbook(path)
    return {sheet.title: [cell for row in sheet.iter_rows() for cell in row] for sheet in book}


def assert_literal_text(cells, expected: list[str]) -> None:
    by_value = {cell.value: cell for cell in cells if cell.value in expected}
    assert sorted(by_value) == sorted(expected)  # every text came back, unchanged
    for value, cell in by_value.items():
        assert cell.data_type == "s", (value, cell.data_type)
        assert cell.quotePrefix, value  # stays text when someone edits the cell
    assert not [cell for cell in cells if cell.data_type == "f"]


def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household": list(range(1, len(FORMULAS) + 1)),
            "village": FORMULAS,
            "note": ["ok", None, "Bu Sari", "", "x", "=2*3"],
        }
    )


def test_poverty_write_table_keeps_formula_text_as_text(tmp_path):
    out = tmp_path / "mpi.xlsx"
    table = ibis.memtable(survey())
    write_table({"groups": table, "overall": table.select(label=table.village)}, out)
    sheets = text_cells(out)
    assert list(sheets) == ["groups", "overall"]
    assert_literal_text(sheets["groups"], [*FORMULAS, "=2*3"])
    assert_literal_text(sheets["overall"], FORMULAS)
    values = pd.read_excel(out, sheet_name="groups")
    assert values.village.tolist() == FORMULAS
    assert values.household.tolist() == list(range(1, 7))


def test_a_pandas_frame_and_its_header_are_written_as_text_too(tmp_path):
    out = tmp_path / "frame.xlsx"
    frame = survey().rename(columns={"note": '=HYPERLINK("http://x","header")'})
    write_table(frame, out)
    (cells,) = text_cells(out).values()
    assert_literal_text(cells, [*FORMULAS, "=2*3", '=HYPERLINK("http://x","header")'])


def test_the_network_cli_keeps_formula_text_as_text(tmp_path):
    (tmp_path / "edges.csv").write_text("source,target\n1,2\n2,3\n3,4\n4,5\n5,6\n6,1\n")
    nodes = pd.DataFrame(
        {"id": range(1, 7), "name": FORMULAS, "village": ["@SUM(A1)"] * 3 + ["Sukamaju"] * 3}
    )
    nodes.to_csv(tmp_path / "nodes.csv", index=False)
    out = tmp_path / "people.xlsx"
    code = analyze(
        str(tmp_path / "edges.csv"),
        "--nodes",
        str(tmp_path / "nodes.csv"),
        "--out",
        str(out),
        "--cascade",
        "--runs",
        "2",
        "--quiet",
    )
    assert code == 0
    sheets = text_cells(out)
    assert list(sheets) == ["network"]
    assert_literal_text(sheets["network"], FORMULAS)
    assert [cell.value for cell in sheets["network"]].count("@SUM(A1)") == 4  # name, village
    assert (tmp_path / "people-cascade.xlsx").is_file()


def test_network_write_file_keeps_formula_text_as_text(tmp_path):
    out = write_file(survey(), tmp_path / "ranking.xlsx")
    assert_literal_text(text_cells(out)["network"], [*FORMULAS, "=2*3"])


def test_csv_is_written_as_it_is(tmp_path):
    # CSV is data: no apostrophe or quote is added in front of "=", "+", "-" or "@".
    frame = survey()
    for name, table in (("ibis", ibis.memtable(frame)), ("pandas", frame)):
        out = write_table(table, tmp_path / f"{name}.csv")
        assert read_table(out).to_pandas().village.tolist() == FORMULAS
        assert pd.read_csv(out, keep_default_na=False).village.tolist() == FORMULAS
        assert "'" not in out.read_text()


def integers() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([EXACT, -7, 0, 10**15 + 1], pa.int64()),
            "count": pa.array([3, None, EXACT, -1], pa.int64()),  # whole numbers and a gap
            "big": pa.array([BIG, 2**62, -(2**62), 1], pa.int64()),
            "share": pa.array([0.5, 1 / 3, None, 2.0]),
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".pq"])
def test_whole_numbers_come_back_exactly(tmp_path, suffix):
    out = write_table(ibis.memtable(integers()), tmp_path / f"numbers{suffix}")
    back = read_table(out).to_pyarrow()
    assert back.column("id").to_pylist() == [EXACT, -7, 0, 10**15 + 1]
    assert pa.types.is_integer(back.schema.field("id").type)
    assert back.column("share").to_pylist() == [0.5, 1 / 3, None, 2.0]
    assert back.column("count").to_pylist() == [3, None, EXACT, -1]
    assert back.column("big").to_pylist() == [BIG, 2**62, -(2**62), 1]


def test_whole_numbers_excel_keeps_come_back_exactly(tmp_path):
    frame = pd.DataFrame({"id": [LONGEST, -7, 0], "share": [0.5, 1 / 3, 2.0]})
    back = read_table(write_table(frame, tmp_path / "numbers.xlsx")).to_pyarrow()
    assert back.column("id").to_pylist() == [LONGEST, -7, 0]
    assert pa.types.is_integer(back.schema.field("id").type)
    assert back.column("share").to_pylist() == [0.5, 1 / 3, 2.0]


def test_excel_keeps_every_digit_of_long_numbers_as_text(tmp_path):
    """A NIK or KK kept as a number (16 digits) would lose its last digit in Excel, which
    keeps 15 significant digits; such numbers are written as text cells, all digits kept."""
    frame = pd.DataFrame({"nik": [3201014507900001, LONGEST, -LONGEST, 10**15, 2**62, 7]})
    out = write_table(frame, tmp_path / "ids.xlsx")
    cells = openpyxl.load_workbook(out)["result"]["A"][1:]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("3201014507900001", "s"),
        (LONGEST, "n"),
        (-LONGEST, "n"),
        ("1000000000000000", "s"),
        (str(2**62), "s"),
        (7, "n"),
    ]


def test_excel_cells_hold_whole_numbers_next_to_gaps(tmp_path):
    # In the file the cells are whole numbers, not 3.0 (pandas' Excel reader, not the
    # writer, makes a column with a gap float).
    out = write_table(ibis.memtable(integers()), tmp_path / "numbers.xlsx")
    sheet = openpyxl.load_workbook(out)["result"]
    assert [cell.value for cell in sheet["B"]] == ["count", 3, None, str(EXACT), -1]
    assert [type(cell.value) for cell in sheet["B"][1:]] == [int, type(None), str, int]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_network_files_keep_whole_numbers(tmp_path, suffix):
    frame = pd.DataFrame({"node": [LONGEST, -7, 0], "degree": [1, 2, 3]})
    out = write_file(frame, tmp_path / f"ranking{suffix}")
    back = _io.read_frame(out)
    if suffix == ".csv":  # CSV is read as text, so that ids keep their leading zeros
        assert back.node.tolist() == [str(LONGEST), "-7", "0"]
    else:
        assert back.node.tolist() == [LONGEST, -7, 0]
        assert back.degree.dtype == np.int64


def test_missing_and_non_finite_values_in_excel(tmp_path):
    frame = pd.DataFrame(
        {
            "x": [1.5, np.nan, np.inf],
            "n": pd.array([1, None, 3], dtype="Int64"),
            "flag": [True, False, None],
        }
    )
    out = write_table(frame, tmp_path / "gaps.xlsx")
    sheet = openpyxl.load_workbook(out).active
    assert [cell.value for cell in sheet[2]] == [1.5, 1, True]
    assert [cell.value for cell in sheet[3]] == [None, None, False]
    assert [cell.value for cell in sheet[4]] == ["inf", 3, None]


def test_too_many_rows_for_one_excel_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(_io, "XLSX_MAX_ROWS", 2)
    frame = pd.DataFrame({"a": [1, 2, 3]})
    for table in (frame, ibis.memtable(frame)):
        with pytest.raises(AnalysisError, match=r"do not fit in one Excel sheet; use \.parquet"):
            write_table(table, tmp_path / "big.xlsx")
    write_table(frame.head(2), tmp_path / "fits.xlsx")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".pq"])
@pytest.mark.parametrize("reader", [read_table, _io.read_frame])
def test_an_empty_file_is_reported(tmp_path, suffix, reader):
    empty = tmp_path / f"households{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(AnalysisError, match=r"households\.\w+ is empty$"):
        reader(empty)


@pytest.mark.parametrize("reader", [read_table, _io.read_frame])
def test_an_unknown_file_type_is_reported(tmp_path, reader):
    known = "use .csv, .parquet, .pq, .xlsx"
    for name, shown in (("households.txt", "'.txt'"), ("households", "no extension")):
        path = tmp_path / name
        path.write_text("a,b\n1,2\n")
        with pytest.raises(AnalysisError, match="unknown file type") as error:
            reader(path)
        assert str(error.value) == f"cannot read {path}: unknown file type ({shown}); {known}"
    with pytest.raises(AnalysisError, match="file not found"):
        reader(tmp_path / "nope.csv")


def test_an_unreadable_file_is_one_line(tmp_path):
    broken = tmp_path / "households.xlsx"
    broken.write_text("not a zip file\nsecond line\n")
    for reader in (read_table, _io.read_frame):
        with pytest.raises(AnalysisError, match=r"^cannot read .*households\.xlsx: ") as error:
            reader(broken)
        assert "\n" not in str(error.value)


def test_writing_checks_the_type_and_the_number_of_tables(tmp_path):
    table = ibis.memtable(survey())
    with pytest.raises(AnalysisError, match=r"cannot write .*o\.json: unknown file type"):
        write_table(table, tmp_path / "o.json")
    with pytest.raises(AnalysisError, match="only an Excel file holds several tables"):
        write_table({"a": table, "b": table}, tmp_path / "o.csv")
    with pytest.raises(AnalysisError, match="does not exist"):
        write_file(survey(), tmp_path / "no" / "folder.csv")
    assert write_table(table, tmp_path / "new" / "folder.parquet").is_file()  # made
