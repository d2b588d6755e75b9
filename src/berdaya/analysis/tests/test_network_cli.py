"""`berdaya analyze network EDGES [--nodes NODES] --out OUT [--cascade ...]`."""

from __future__ import annotations

import argparse

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from berdaya.analysis.network import _cli


def analyze(*argv: str) -> int:
    """Run `berdaya analyze network ...` as the dispatcher does (berdaya.analysis.cli)."""
    try:
        from berdaya.analysis.cli import main
    except ImportError:  # the dispatcher's other subcommands are not there yet
        parser = argparse.ArgumentParser(prog="berdaya analyze")
        _cli.add_parser(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["network", *argv])
        from berdaya.analysis.errors import AnalysisError

        try:
            args.run(args)
        except AnalysisError as error:
            import sys

            print(f"berdaya analyze network: {error}", file=sys.stderr)
            return 2
        return 0
    return main(["network", *argv])


@pytest.fixture
def files(tmp_path):
    edges = pd.DataFrame(
        np.array(ig.Graph.Famous("Zachary").get_edgelist()) + 1, columns=["source", "target"]
    )
    edges["kind"] = "group"
    edges.to_csv(tmp_path / "edges.csv", index=False)
    nodes = pd.DataFrame(
        {
            "id": range(1, 35),
            "name": [f"Warga {i}" for i in range(1, 35)],
            "village": ["Sukamaju"] * 20 + ["Mekarsari"] * 14,
        }
    )
    nodes.to_csv(tmp_path / "nodes.csv", index=False)
    return tmp_path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_writes_one_row_per_person(files, capsys, suffix):
    out = files / f"people{suffix}"
    code = analyze(
        str(files / "edges.csv"), "--nodes", str(files / "nodes.csv"), "--out", str(out), "--quiet"
    )
    assert code == 0
    table = (
        pd.read_csv(out)
        if suffix == ".csv"
        else pd.read_excel(out)
        if suffix == ".xlsx"
        else pd.read_parquet(out)
    )
    assert len(table) == 34
    for column in (
        "rank",
        "score",
        "node",
        "name",
        "village",
        "degree",
        "betweenness",
        "pagerank",
        "eigenvector",
        "community",
        "broker",
        "reason_en",
        "reason_id",
    ):
        assert column in table.columns
    assert table.loc[0, "rank"] == 1
    assert set(table.loc[:1, "name"]) == {"Warga 1", "Warga 34"}
    printed = capsys.readouterr()
    assert "34 people, 78 ties" in printed.out
    assert printed.err == ""  # --quiet


def test_cascade_and_critical_mass(files, capsys):
    out = files / "people.csv"
    code = analyze(
        str(files / "edges.csv"),
        "--out",
        str(out),
        "--cascade",
        "--threshold",
        "0.1:0.5",
        "--seeds",
        "community",
        "--seed-share",
        "0.1",
        "--runs",
        "40",
        "--seed",
        "3",
        "--target",
        "0.5",
    )
    assert code == 0
    curve = pd.read_csv(files / "people-cascade.csv")
    assert list(curve.columns) == ["step", "share_mean", "share_low", "share_high", "adopters_mean"]
    assert curve["share_mean"].is_monotonic_increasing
    printed = capsys.readouterr()
    assert "cascade from 4 seeds (community)" in printed.out
    assert "smallest seed share reaching 50% adoption" in printed.out
    assert "critical mass:" in printed.err and "reading" in printed.err  # progress lines


def test_complex_contagion_and_pivots(files, capsys):
    out = files / "people.parquet"
    curve = files / "curve.xlsx"
    code = analyze(
        str(files / "edges.csv"),
        "--out",
        str(out),
        "--cascade",
        "--absolute",
        "2",
        "--cascade-out",
        str(curve),
        "--pivots",
        "10",
        "--quiet",
    )
    assert code == 0
    assert pd.read_excel(curve)["share_mean"].iloc[-1] > 0
    assert capsys.readouterr().out.count("\n") == 3


@pytest.mark.parametrize(
    ("edges", "extra", "message"),
    [
        ("source,to\n1,2\n", [], "missing column 'target'"),
        ("", [], "is empty"),
        ("source,target\n1,1\n2,2\n", [], "self-loop"),
        ("source,target\n1,2\n2,3\n", ["--nodes", "NODES"], "not in the node table: '3'"),
        ("source,target\n1,2\n", ["--out", "result.json"], "unknown file type ('.json')"),
        ("source,target\n1,2\n", ["--pivots", "many"], "--pivots"),
        ("source,target\n1,2\n", ["--cascade", "--threshold", "0,3"], "decimals with a point"),
        ("source,target\n1,2\n", ["--cascade", "--threshold", "1.5"], "between 0 and 1"),
        ("source,target\n1,2\n", ["--cascade", "--threshold", "level"], "missing column 'level'"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys, edges, extra, message):
    (tmp_path / "edges.csv").write_text(edges)
    (tmp_path / "nodes.csv").write_text("id\n1\n2\n")
    extra = [str(tmp_path / "nodes.csv") if part == "NODES" else part for part in extra]
    out = [] if "--out" in extra else ["--out", str(tmp_path / "out.csv")]
    code = analyze(str(tmp_path / "edges.csv"), *out, *extra, "--quiet")
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("berdaya analyze network: ")
    assert message in error


def test_unknown_input_type(tmp_path, capsys):
    (tmp_path / "edges.txt").write_text("source,target\n1,2\n")
    assert analyze(str(tmp_path / "edges.txt"), "--out", str(tmp_path / "o.csv")) == 2
    assert "unknown file type ('.txt')" in capsys.readouterr().err


def test_help_names_every_option(capsys):
    parser = argparse.ArgumentParser(prog="berdaya analyze")
    _cli.add_parser(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit):
        parser.parse_args(["network", "--help"])
    text = capsys.readouterr().out
    for option in (
        "--nodes",
        "--out",
        "--pivots",
        "--seed",
        "--jobs",
        "--cascade",
        "--threshold",
        "--absolute",
        "--seeds",
        "--seed-share",
        "--runs",
        "--cascade-out",
        "--target",
        "--quiet",
    ):
        assert option in text


def test_excel_output_keeps_text_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "edges.csv").write_text("source,target\na,b\nb,c\n")
    (tmp_path / "nodes.csv").write_text('id,name\na,"=HYPERLINK(""http://x"")"\nb,Bu Sari\nc,\n')
    out = tmp_path / "out.xlsx"
    nodes = str(tmp_path / "nodes.csv")
    assert analyze(str(tmp_path / "edges.csv"), "--nodes", nodes, "--out", str(out)) == 0
    sheet = openpyxl.load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    names = {
        row[header.index("node")].value: row[header.index("name")]
        for row in sheet.iter_rows(min_row=2)
    }
    assert names["a"].value == '=HYPERLINK("http://x")' and names["a"].data_type == "s"
    assert names["c"].value is None
