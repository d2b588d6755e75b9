"""`berdaya analyze mpi`: files in and out, progress, and one clear line for each mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from berdaya.analysis.cli import main
from berdaya.analysis.tests.test_mpi_literature import HOUSEHOLDS

SPEC = """
k = "1/3"
[[dimensions]]
name = "education"
weight = "1/2"
[[dimensions.indicators]]
name = "years"
column = "max_years_schooling"
deprived_if = "<"
cutoff = 6
[[dimensions]]
name = "health"
weight = "1/2"
[[dimensions.indicators]]
name = "nutrition"
column = "undernourished_member"
"""


@pytest.fixture
def files(tmp_path):
    HOUSEHOLDS.to_csv(tmp_path / "households.csv", index=False)
    HOUSEHOLDS.to_excel(tmp_path / "households.xlsx", index=False)
    HOUSEHOLDS.to_parquet(tmp_path / "households.parquet")
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=None)["groups"]
    return pd.read_parquet(path)


@pytest.mark.parametrize(
    ("source", "target"), [("csv", "xlsx"), ("xlsx", "parquet"), ("parquet", "csv")]
)
def test_every_format_in_and_out_gives_the_same_table(files, source, target, capsys):
    out = files / f"mpi.{target}"
    code = main(
        [
            "mpi",
            str(files / f"households.{source}"),
            "--by",
            "village",
            "--weight",
            "household_size",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    groups = read(out).sort_values("village").reset_index(drop=True)
    assert groups.village.tolist() == ["A", "B"]
    assert groups.M0.tolist() == [pytest.approx(20 / 99, rel=1e-15), pytest.approx(3 / 20)]
    captured = capsys.readouterr()
    assert "M0 = 0.1772, H = 0.4286, A = 0.4136 over 6 households" in captured.out
    assert f"wrote {out}" in captured.err  # progress goes to stderr


def test_excel_output_has_groups_indicators_and_overall(files):
    out = files / "mpi.xlsx"
    assert (
        main(
            [
                "mpi",
                str(files / "households.csv"),
                "--by",
                "village",
                "--out",
                str(out),
                "--units",
                str(files / "units.csv"),
                "--quiet",
            ]
        )
        == 0
    )
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["groups", "indicators", "overall"]
    assert len(sheets["indicators"]) == 2 * 10 and len(sheets["overall"]) == 1
    units = pd.read_csv(files / "units.csv")
    assert units.poor.tolist() == [True, True, False, True, False, False]


def test_a_spec_file_several_groups_and_reweighting(files, capsys):
    out = files / "mpi.csv"
    args = [
        "mpi",
        str(files / "households.parquet"),
        "--spec",
        str(files / "spec.toml"),
        "--by",
        "village,household_size",
        "--missing",
        "reweight",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    groups = pd.read_csv(out)
    assert {"village", "household_size", "censored_years", "censored_nutrition"} <= set(groups)
    assert len(groups) == 6


def error_of(args, capsys) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


def test_a_missing_column_is_named(files, capsys):
    HOUSEHOLDS.drop(columns="max_years_schooling").to_csv(files / "h.csv", index=False)
    line = error_of(["mpi", str(files / "h.csv"), "--out", str(files / "o.csv")], capsys)
    assert line.startswith("berdaya analyze mpi: the table has no column 'max_years_schooling'")
    assert "(indicator 'years_of_schooling')" in line
    line = error_of(
        ["mpi", str(files / "households.csv"), "--by", "desa", "--out", str(files / "o.csv")],
        capsys,
    )
    assert "no column 'desa' (group by)" in line


def test_weights_that_do_not_sum_to_one(files, capsys):
    (files / "bad.toml").write_text(SPEC.replace('weight = "1/2"', "weight = 0.3", 1))
    line = error_of(
        [
            "mpi",
            str(files / "households.csv"),
            "--spec",
            str(files / "bad.toml"),
            "--out",
            str(files / "o.csv"),
        ],
        capsys,
    )
    assert line == (
        "berdaya analyze mpi: the weights sum to 4/5 (0.8), not 1 (write thirds and sixths "
        'as fractions, e.g. "1/3", so that they add up exactly)'
    )


def test_a_cutoff_of_the_wrong_type(files, capsys):
    (files / "bad.toml").write_text(
        SPEC.replace('deprived_if = "<"\ncutoff = 6', 'deprived_if = "=="\ncutoff = "6"')
    )
    line = error_of(
        [
            "mpi",
            str(files / "households.csv"),
            "--spec",
            str(files / "bad.toml"),
            "--out",
            str(files / "o.csv"),
        ],
        capsys,
    )
    assert (
        "indicator 'years': cutoff '6' is text, but column 'max_years_schooling' holds "
        "numbers (int64); write the cutoff as a number, without quotes" in line
    )


def test_empty_files(files, capsys):
    (files / "empty.csv").write_text("")
    line = error_of(["mpi", str(files / "empty.csv"), "--out", str(files / "o.csv")], capsys)
    assert line.endswith("empty.csv is empty")
    HOUSEHOLDS.iloc[:0].to_csv(files / "header.csv", index=False)
    line = error_of(["mpi", str(files / "header.csv"), "--out", str(files / "o.csv")], capsys)
    assert line.endswith("header.csv has no rows")
    HOUSEHOLDS.iloc[:0].to_parquet(files / "empty.parquet")
    line = error_of(["mpi", str(files / "empty.parquet"), "--out", str(files / "o.csv")], capsys)
    assert line.endswith("empty.parquet has no rows")


def test_unknown_file_types_and_missing_files(files, capsys):
    (files / "households.txt").write_text("x")
    line = error_of(["mpi", str(files / "households.txt"), "--out", str(files / "o.csv")], capsys)
    assert "unknown file type ('.txt'); use .csv, .parquet, .pq, .xlsx" in line
    line = error_of(["mpi", str(files / "households.csv"), "--out", str(files / "o.json")], capsys)
    assert "cannot write" in line and "unknown file type" in line
    line = error_of(["mpi", str(files / "nope.csv"), "--out", str(files / "o.csv")], capsys)
    assert line.endswith("file not found: " + str(files / "nope.csv"))
    line = error_of(
        [
            "mpi",
            str(files / "households.csv"),
            "--spec",
            str(files / "no.toml"),
            "--out",
            str(files / "o.csv"),
        ],
        capsys,
    )
    assert "spec file not found" in line


def test_the_berdaya_command_runs_it_without_django(files):
    berdaya = Path(sys.executable).with_name("berdaya")
    done = subprocess.run(  # noqa: S603 - our own console script
        [
            str(berdaya),
            "analyze",
            "mpi",
            str(files / "households.csv"),
            "--by",
            "village",
            "--out",
            str(files / "o.parquet"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "M0 = " in done.stdout and len(pd.read_parquet(files / "o.parquet")) == 2
