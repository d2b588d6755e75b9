"""`berdaya analyze ...`: the analysis library from the command line, without Django.

    berdaya analyze mpi FILE --spec SPEC --by village --out OUT
    berdaya analyze network EDGES [--nodes NODES] --out OUT

Errors a user can fix (a missing column, weights that do not sum to 1, an empty
file) are printed as one clear line and end with exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from .errors import AnalysisError


def build_parser() -> argparse.ArgumentParser:
    from .network import _cli as network_cli
    from .poverty import _cli as poverty_cli

    parser = argparse.ArgumentParser(prog="berdaya analyze", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    poverty_cli.add_parser(commands)
    network_cli.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except AnalysisError as error:
        print(f"berdaya analyze {args.command}: {error}", file=sys.stderr)
        return 2
    return 0
