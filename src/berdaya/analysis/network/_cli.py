"""`berdaya analyze network EDGES [--nodes NODES] --out OUT [--cascade ...]`."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from ..errors import AnalysisError

HELP = "Influence network: centralities, communities, local champions; cascades."

DESCRIPTION = """\
Build the influence network from the edge table EDGES (.csv, .xlsx or .parquet; columns
source, target, optional kind and weight) and the optional node table NODES (column id and
attributes such as name, village, poverty_status). Write one row per person to OUT (.csv,
.xlsx or .parquet, by extension): degrees, betweenness, PageRank, eigenvector centrality,
community, broker flag, champion rank and score, and the reasons in English and Indonesian.

With --cascade, also simulate a linear-threshold cascade (or, with --absolute M, complex
contagion) from the chosen seeds and write the adoption curve to --cascade-out. With
--target, find the smallest seed share that reaches that adoption share, with an interval.
See docs/analysis.md, "Influence networks and critical mass"."""

STRATEGIES = ("degree", "random", "betweenness", "community", "greedy")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "network",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("edges", metavar="EDGES", help="edge table: .csv, .xlsx or .parquet")
    parser.add_argument("--nodes", metavar="NODES", help="node table with an id column")
    parser.add_argument(
        "--out", metavar="OUT", required=True, help="per-person result: .csv, .xlsx or .parquet"
    )
    parser.add_argument(
        "--pivots",
        default="auto",
        metavar="K",
        help="betweenness: 'exact', 'auto' (exact up to 5,000 people, else 500 pivots) or a "
        "number of sampled pivots",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed for pivots, communities, Monte Carlo"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes for betweenness on large graphs (default 1; -1: every core; helps "
        "only when the cores are otherwise idle)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    cascade = parser.add_argument_group("cascade and critical mass")
    cascade.add_argument("--cascade", action="store_true", help="simulate a cascade")
    cascade.add_argument(
        "--threshold",
        default="0.5",
        metavar="T",
        help="linear threshold: a share (0.3), a range drawn per person and run (0.1:0.6), "
        "or a node column (default 0.5)",
    )
    cascade.add_argument(
        "--absolute",
        type=int,
        metavar="M",
        help="complex contagion instead: adopt when at least M people listened to have adopted",
    )
    cascade.add_argument(
        "--seeds", choices=STRATEGIES, default="degree", help="seed strategy (default degree)"
    )
    cascade.add_argument(
        "--seed-share",
        type=float,
        default=0.05,
        metavar="S",
        help="share of people seeded (default 0.05)",
    )
    cascade.add_argument(
        "--runs", type=int, default=100, metavar="R", help="Monte Carlo runs (default 100)"
    )
    cascade.add_argument(
        "--cascade-out",
        metavar="PATH",
        help="adoption curve file (default: OUT with -cascade before the extension)",
    )
    cascade.add_argument(
        "--target",
        type=float,
        metavar="SHARE",
        help="find the smallest seed share that reaches this adoption share (e.g. 0.5)",
    )
    parser.set_defaults(run=run)
    return parser


class Progress:
    """One stderr line per step with the elapsed time; rewritten in place on a terminal."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.start = time.perf_counter()
        self.tty = self.stream.isatty()

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        line = f"[{time.perf_counter() - self.start:6.1f} s] {message}"
        self.stream.write(("\r\033[K" + line) if self.tty else (line + "\n"))
        self.stream.flush()

    def done(self, message: str) -> None:
        self(message)
        if self.tty and not self.quiet:
            self.stream.write("\n")


def parse_pivots(text: str) -> int | str:
    value = text.strip().lower()
    if value in ("auto", "exact"):
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise AnalysisError(f"--pivots: expected 'auto', 'exact' or a whole number, got {text!r}")


def parse_threshold(text: str) -> float | tuple[float, float] | str:
    value = text.strip()
    if re.fullmatch(r"\d+,\d+", value):
        raise AnalysisError(f"--threshold {value}: write decimals with a point (0.3, not 0,3)")
    try:
        return float(value)
    except ValueError:
        pass
    if ":" in value:
        low, _, high = value.partition(":")
        try:
            return (float(low), float(high))
        except ValueError:
            raise AnalysisError(f"--threshold: cannot read the range {value!r}") from None
    return value  # a node column


def cascade_path(args: argparse.Namespace) -> Path:
    if args.cascade_out:
        return Path(args.cascade_out)
    out = Path(args.out)
    return out.with_name(f"{out.stem}-cascade{out.suffix}")


def run(args: argparse.Namespace) -> None:
    from . import (
        ChampionRanking,
        ComplexContagion,
        CriticalMass,
        InfluenceNetwork,
        LinearThreshold,
        NetworkMeasures,
    )
    from ._io import check_writable, write_file

    progress = Progress(quiet=args.quiet)
    out = check_writable(args.out)
    cascading = args.cascade or args.target is not None
    curve_out = check_writable(cascade_path(args)) if args.cascade else None
    pivots = parse_pivots(args.pivots)
    if cascading:
        if args.runs < 1:
            raise AnalysisError(f"--runs must be at least 1, got {args.runs}")
        options = {"runs": args.runs, "seed": args.seed, "progress": progress}
        if args.absolute is not None:
            model = ComplexContagion(args.absolute, **options)
        else:
            model = LinearThreshold(parse_threshold(args.threshold), **options)

    progress(f"reading {args.edges}" + (f" and {args.nodes}" if args.nodes else ""))
    network = InfluenceNetwork().fit(args.edges, args.nodes)
    loops = f" ({network.self_loops_} self-loops dropped)" if network.self_loops_ else ""
    progress(f"{network.n_nodes:,} people, {network.graph_.ecount():,} ties{loops}")
    measures = NetworkMeasures(
        betweenness_pivots=pivots, seed=args.seed, n_jobs=args.jobs, progress=progress
    ).compute(network)
    progress("ranking champions")
    ranking = ChampionRanking().rank(measures)
    progress(f"writing {out}")
    write_file(ranking, out)
    lines = [f"{network.n_nodes:,} people, {network.graph_.ecount():,} ties -> {out}"]
    top = ranking.iloc[0]
    label = top["name"] if "name" in ranking.columns else top["node"]
    lines.append(f"first champion: {label}: {top['reason_en']}")

    if args.cascade:
        result = model.simulate(network, args.seeds, share=args.seed_share)
        progress(f"writing {curve_out}")
        write_file(result.curve, curve_out)
        lines.append(
            f"cascade from {int(result.runs['seeds'].iloc[0]):,} seeds ({args.seeds}): "
            f"{result.final_share:.1%} adopt on average after "
            f"{len(result.curve) - 1} steps -> {curve_out}"
        )
    if args.target is not None:
        found = CriticalMass(model, seeds=args.seeds, target=args.target, progress=progress).find(
            network
        )
        if found.seed_count is None:
            lines.append(f"no seed share reaches {args.target:.0%} adoption in half the runs")
        else:
            high = "?" if found.count_high is None else f"{found.share_high:.2%}"
            people = "person" if found.seed_count == 1 else "people"
            lines.append(
                f"smallest seed share reaching {args.target:.0%} adoption in half the runs: "
                f"{found.seed_share:.2%} ({found.seed_count:,} {people}), 95% interval "
                f"{found.share_low:.2%} to {high}"
            )
    progress.done("done")
    print("\n".join(lines))
