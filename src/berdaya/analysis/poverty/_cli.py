"""`berdaya analyze mpi FILE --spec SPEC --by village --out OUT`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from ..errors import AnalysisError

HELP = "Multidimensional poverty (Alkire-Foster) of a household table, per group."

DESCRIPTION = """\
Compute the multidimensional poverty index (H, A, M0, censored headcounts and contributions)
of a household table in FILE (.csv, .xlsx or .parquet), for the whole table and per group of
the --by columns, and write the per-group table to OUT (.csv, .xlsx or .parquet). An Excel
OUT also gets the sheets "indicators" (one row per group and indicator) and "overall".
Without --spec the global MPI (UNDP/OPHI) is used; see docs/analysis.md for its columns."""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "mpi",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="household table: .csv, .xlsx or .parquet")
    parser.add_argument(
        "--spec",
        metavar="SPEC",
        help="TOML file of dimensions, indicators, weights and k (default: the global MPI)",
    )
    parser.add_argument(
        "--by",
        metavar="COLUMN",
        action="append",
        default=[],
        help="group by this column (repeat, or separate with commas: --by district,village)",
    )
    parser.add_argument(
        "--weight",
        metavar="COLUMN",
        help="unit weights, e.g. household_size for shares of "
        "people (default: every household counts once)",
    )
    parser.add_argument(
        "--missing",
        choices=("drop", "reweight"),
        default="drop",
        help="a household with a missing indicator is dropped (default), or the indicator's "
        "weight goes to the rest of its dimension",
    )
    parser.add_argument(
        "--units",
        metavar="PATH",
        help="also write every household's score and flags here",
    )
    parser.add_argument(
        "--out", metavar="OUT", required=True, help="result file: .csv, .xlsx or .parquet"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)
    return parser


class Progress:
    """One stderr line per step with the elapsed time; rewritten in place on a terminal."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.start = time.perf_counter()
        self.tty = self.stream.isatty()

    def step(self, message: str) -> None:
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.start
        line = f"[{elapsed:6.1f} s] {message}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, message: str) -> None:
        self.step(message)
        if self.tty and not self.quiet:
            self.stream.write("\n")


def run(args: argparse.Namespace) -> None:
    import duckdb
    import ibis

    from .._io import file_type
    from . import AlkireFoster, MPISpec, read_table, write_table
    from ._spec import GLOBAL_MPI

    progress = Progress(quiet=args.quiet)
    by = [c.strip() for value in args.by for c in value.split(",") if c.strip()]
    spec = MPISpec.from_toml(args.spec) if args.spec else GLOBAL_MPI
    out = Path(args.out)
    for target in (out, Path(args.units) if args.units else None):
        if target is not None:
            file_type(target, "write")  # before computing
    try:
        progress.step(f"reading {args.file}")
        con = ibis.duckdb.connect()
        # DuckDB draws its own progress bar for queries over 2 s, on stdout: only on a
        # terminal, where it helps on long runs, never into a pipe or a file.
        interactive = not args.quiet and sys.stdout.isatty() and sys.stderr.isatty()
        con.raw_sql(f"SET enable_progress_bar = {str(interactive).lower()}")
        table = read_table(args.file, con=con)
        rows = table.count().execute()
        if rows == 0:
            raise AnalysisError(f"{args.file} has no rows")
        progress.step(
            f"{rows:,} rows; computing {spec.name}" + (f" by {', '.join(by)}" if by else "")
        )
        result = AlkireFoster(spec, weight_column=args.weight, missing=args.missing).compute(
            table, by=by
        )
        overall = result.overall.to_pandas().iloc[0]
        progress.step(f"writing {out}")
        if out.suffix.lower() == ".xlsx":
            write_table(
                {
                    "groups": result.groups,
                    "indicators": result.indicators,
                    "overall": result.overall,
                },
                out,
            )
        else:
            write_table(result.groups, out)
        if args.units:
            progress.step(f"writing {args.units}")
            write_table(result.units, args.units)
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0]
        raise AnalysisError(f"cannot compute from {args.file}: {first}") from None
    dropped = int(overall["dropped"])
    note = f", {dropped:,} dropped for missing data" if dropped else ""
    progress.done(f"wrote {out}")
    print(
        f"M0 = {_show(overall['M0'], 4)}, H = {_show(overall['H'], 4)}, "
        f"A = {_show(overall['A'], 4)} over {int(overall['units']):,} households{note}"
    )


def _show(value: float | None, digits: int) -> str:
    if value is None or value != value:  # NaN: no poor, so no intensity
        return "-"
    return f"{value:.{digits}f}"
