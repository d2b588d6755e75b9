"""Benchmark berdaya.analysis.network against networkx (a script, not a test).

    .venv/bin/python benchmarks/bench_network.py               # 10,000 and 100,000 nodes
    .venv/bin/python benchmarks/bench_network.py --sizes 10000 --repeat 3
    .venv/bin/python benchmarks/bench_network.py --sizes 100000 --tasks betweenness

For each size: a Barabási-Albert graph (m = 5, mean degree ~10) and, for the cascade, also a
Watts-Strogatz small world (10 neighbours, rewiring 0.1), both seeded. Timed (medians):

- PageRank: ours (power iteration on scipy.sparse, what NetworkMeasures uses; L1
  tolerance 1e-10) vs networkx.pagerank (defaults) and igraph's PRPACK;
- betweenness sampled with k = 500 pivots: ours (igraph, one process and two) vs
  networkx.betweenness_centrality(k=500) with the same pivots; networkx is run once, and
  skipped when a 5-pivot trial extrapolates beyond --networkx-limit seconds;
- a full linear-threshold cascade (threshold 0.2 for BA, 0.15 for WS; 1% of people as
  seeds: top degree on BA, random on WS; until nothing changes): LinearThreshold.simulate
  (one run, caches cleared, so it includes building the sparse matrices) vs two networkx
  baselines kept here: "plain" rescans every person each step, "frontier" looks only at
  the neighbours of the last step's adopters;
- informational: building the network from an edge DataFrame, 100 Monte Carlo runs with
  random thresholds, and the whole NetworkMeasures table.

Results agree (PageRank to 1e-5, betweenness to 1e-9 relative, cascades exactly) or the
script stops. It prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from berdaya.analysis.network import (
    InfluenceNetwork,
    LinearThreshold,
    NetworkMeasures,
    _centrality,
)
from berdaya.analysis.network._seeds import degree_order

TASKS = ("pagerank", "betweenness", "cascade", "extra")
CPU: list[float] = [0.0]  # median CPU seconds of the last timed() call


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (betweenness workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall-clock seconds of `repeat` calls and the last result; the median CPU
    seconds go to CPU[0]."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    CPU[0] = statistics.median(cpus)
    return statistics.median(times), result


def barabasi_albert(n: int, seed: int) -> np.ndarray:
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        return np.array(ig.Graph.Barabasi(n, 5).get_edgelist(), dtype=np.int64)
    finally:
        ig.set_random_number_generator(random)


def watts_strogatz(n: int, seed: int) -> np.ndarray:
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        graph = ig.Graph.Watts_Strogatz(1, n, 5, 0.1)
        graph.simplify()
        return np.array(graph.get_edgelist(), dtype=np.int64)
    finally:
        ig.set_random_number_generator(random)


# -- networkx baselines -------------------------------------------------------------------


def nx_cascade_plain(graph: nx.Graph, seeds: list[int], threshold: float) -> list[int]:
    """Synchronous linear threshold: each step, every person not yet adopted counts their
    adopting neighbours (unweighted) and adopts at share >= threshold."""
    adopted = set(seeds)
    counts = [len(adopted)]
    while True:
        new = [
            v
            for v in graph
            if v not in adopted
            and sum(1 for u in graph[v] if u in adopted) >= threshold * graph.degree(v) * (1 - 1e-9)
        ]
        if not new:
            return counts
        adopted.update(new)
        counts.append(len(adopted))


def nx_cascade_frontier(graph: nx.Graph, seeds: list[int], threshold: float) -> list[int]:
    """The same cascade, checking only the neighbours of the last step's adopters and
    keeping a count of adopting neighbours per person."""
    adopted = set(seeds)
    have = dict.fromkeys(graph, 0)
    for v in adopted:
        for u in graph[v]:
            have[u] += 1
    counts = [len(adopted)]
    candidates = {u for v in adopted for u in graph[v]} - adopted
    while True:
        new = [v for v in candidates if have[v] >= threshold * graph.degree(v) * (1 - 1e-9)]
        if not new:
            return counts
        adopted.update(new)
        counts.append(len(adopted))
        candidates = set()
        for v in new:
            for u in graph[v]:
                have[u] += 1
                if u not in adopted:
                    candidates.add(u)


# -- one size ---------------------------------------------------------------------------------


def bench_size(
    n: int, repeat: int, networkx_limit: float, rows: list[dict], tasks: set[str]
) -> None:
    def record(task: str, graph: str, tool: str, seconds: float | None, note: str = "") -> None:
        rows.append(
            {
                "nodes": n,
                "graph": graph,
                "task": task,
                "tool": tool,
                "seconds": seconds,
                "cpu": None if seconds is None else CPU[0],
                "note": note,
            }
        )
        shown = "skipped" if seconds is None else f"{seconds:8.3f} s (CPU {CPU[0]:7.3f} s)"
        print(f"  {graph:3} {task:32} {tool:30} {shown} {note}", flush=True)

    load = os.getloadavg()[0]
    rows.append({"nodes": n, "load": load})
    print(f"\n{n:,} nodes; load average {load:.1f}", flush=True)
    edges = barabasi_albert(n, seed=1)
    frame = pd.DataFrame(edges, columns=["source", "target"])
    seconds, network = timed(lambda: InfluenceNetwork().fit(frame), 1)
    record(
        "build network from DataFrame",
        "BA",
        "berdaya",
        seconds,
        f"{network.graph_.ecount():,} ties",
    )
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges.tolist())
    vertex = network._index.get_indexer([str(v) for v in range(n)])  # our order of nx's nodes

    if "pagerank" in tasks:
        # PageRank
        ours, ranks = timed(lambda: _centrality.pagerank(network._listen, damping=0.85), repeat)
        record("PageRank", "BA", "berdaya (scipy.sparse)", ours)
        theirs, nx_ranks = timed(lambda: nx.pagerank(graph, alpha=0.85), max(1, repeat // 2))
        record("PageRank", "BA", "networkx", theirs, f"{theirs / ours:.0f}x")
        difference = np.abs(ranks[vertex] - np.array([nx_ranks[v] for v in range(n)])).max()
        assert difference < 1e-5, difference  # networkx stops at an L1 change of n * 1e-6
        prpack, _ = timed(lambda: network.graph_.pagerank(damping=0.85, weights="weight"), repeat)
        record("PageRank", "BA", "igraph PRPACK (for comparison)", prpack, f"{prpack / ours:.1f}x")

    if "betweenness" in tasks:
        # betweenness, k = 500, the same pivots for both
        k = 500
        pivots_nx = random.Random(7).sample(list(graph), k)  # noqa: S311
        pivots = np.sort(vertex[pivots_nx])
        between_repeat = max(1, min(repeat, 3))
        ours1, between = timed(
            lambda: _centrality.betweenness(network.graph_, pivots=pivots, n_jobs=1), between_repeat
        )
        record("betweenness k=500", "BA", "berdaya, 1 process", ours1)
        ours2, between2 = timed(
            lambda: _centrality.betweenness(network.graph_, pivots=pivots, n_jobs=2), between_repeat
        )
        record("betweenness k=500", "BA", "berdaya, 2 processes", ours2)
        assert np.array_equal(between, between2)
        trial_start = time.perf_counter()
        nx.betweenness_centrality(graph, k=5, seed=random.Random(1))  # noqa: S311
        estimate = (time.perf_counter() - trial_start) * k / 5
        if estimate > networkx_limit:
            record(
                "betweenness k=500",
                "BA",
                "networkx",
                None,
                f"5-pivot trial extrapolates to {estimate / 60:.0f} min",
            )
        else:
            theirs, nx_between = timed(
                lambda: nx.betweenness_centrality(
                    graph,
                    k=k,
                    seed=random.Random(7),  # noqa: S311
                    normalized=False,
                ),
                1,
            )
            record(
                "betweenness k=500",
                "BA",
                "networkx (1 run)",
                theirs,
                f"{theirs / ours1:.0f}x / {theirs / ours2:.0f}x",
            )
            expected = np.array([nx_between[v] for v in range(n)])
            np.testing.assert_allclose(between[vertex], expected, rtol=1e-9, atol=1e-9)

    if "cascade" in tasks:
        # linear-threshold cascades
        cascades = [("BA", edges, network, graph, 0.2, "degree")]
        ws_edges = watts_strogatz(n, seed=2)
        ws_network = InfluenceNetwork().fit(pd.DataFrame(ws_edges, columns=["source", "target"]))
        ws_graph = nx.Graph()
        ws_graph.add_nodes_from(range(n))
        ws_graph.add_edges_from(ws_edges.tolist())
        cascades.append(("WS", ws_edges, ws_network, ws_graph, 0.15, "random"))
        for name, _edges, net, g, threshold, how in cascades:
            if how == "degree":
                seed_vertices = degree_order(net)[: n // 100]
            else:
                seed_vertices = np.random.default_rng(3).choice(n, n // 100, replace=False)
            seed_ids = list(net.nodes_["node"].to_numpy()[seed_vertices])
            seed_nx = [int(v) for v in seed_ids]
            model = LinearThreshold(threshold, runs=1)

            def ours_cascade(net=net, model=model, seed_ids=seed_ids):
                net._cache.clear()
                return model.simulate(net, seed_ids)

            ours, result = timed(ours_cascade, repeat)
            steps = len(result.curve) - 1
            record(
                "linear-threshold cascade",
                name,
                "berdaya (scipy.sparse)",
                ours,
                f"{result.final_share:.0%} adopt in {steps} steps",
            )
            plain, counts = timed(
                lambda g=g, s=seed_nx, t=threshold: nx_cascade_plain(g, s, t), max(1, repeat // 2)
            )
            record(
                "linear-threshold cascade", name, "networkx, plain", plain, f"{plain / ours:.0f}x"
            )
            frontier, counts2 = timed(
                lambda g=g, s=seed_nx, t=threshold: nx_cascade_frontier(g, s, t),
                max(1, repeat // 2),
            )
            record(
                "linear-threshold cascade",
                name,
                "networkx, frontier",
                frontier,
                f"{frontier / ours:.0f}x",
            )
            assert counts == counts2 == [round(x) for x in result.curve["adopters_mean"]]

    if "extra" in tasks:
        # informational
        model = LinearThreshold((0.0, 0.4), runs=100, seed=1)
        seconds, result = timed(lambda: model.simulate(network, "degree", share=0.01), 1)
        record(
            "100 Monte Carlo runs, U(0, 0.4)",
            "BA",
            "berdaya",
            seconds,
            f"mean {result.final_share:.0%} adopt",
        )
        measures = NetworkMeasures(betweenness_pivots=500, seed=7)
        network._cache.clear()
        seconds, _table = timed(lambda: measures.compute(network), 1)
        record(
            "NetworkMeasures.compute (all)",
            "BA",
            "berdaya, 1 process",
            seconds,
            "degree, betweenness k=500, PageRank, eigenvector, Leiden, brokers",
        )


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "memory unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores (nproc), {memory}, {cpu}; Python {platform.python_version()}, "
        f"igraph {ig.__version__}, networkx {nx.__version__}, numpy {np.__version__}"
    )


def markdown(rows: list[dict], repeat: int) -> str:
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}.",
        f"Medians of {repeat} runs (networkx: of {max(1, repeat // 2)}; betweenness: of "
        f"{max(1, min(repeat, 3))}, networkx betweenness once).",
        "",
        "| nodes | graph | task | tool | seconds | CPU seconds | note |",
        "|---:|---|---|---|---:|---:|---|",
    ]
    for row in rows:
        if "load" in row:
            lines.append(
                f"| {row['nodes']:,} | | *1-minute load average at the start: {row['load']:.1f}*"
                " | | | | |"
            )
            continue
        seconds = "skipped" if row["seconds"] is None else f"{row['seconds']:.3f}"
        cpu = "" if row["cpu"] is None else f"{row['cpu']:.3f}"
        lines.append(
            f"| {row['nodes']:,} | {row['graph']} | {row['task']} | {row['tool']} | "
            f"{seconds} | {cpu} | {row['note']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--tasks",
        nargs="+",
        choices=TASKS,
        default=list(TASKS),
        help="what to time (default: all)",
    )
    parser.add_argument(
        "--networkx-limit",
        type=float,
        default=600.0,
        help="skip networkx betweenness when it would take longer (seconds)",
    )
    args = parser.parse_args()
    print(machine())
    rows: list[dict] = []
    for n in args.sizes:
        bench_size(n, args.repeat, args.networkx_limit, rows, set(args.tasks))
    print()
    print(markdown(rows, args.repeat))


if __name__ == "__main__":
    main()
