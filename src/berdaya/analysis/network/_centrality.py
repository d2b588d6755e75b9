"""Centralities and communities on igraph graphs: the numerical core of NetworkMeasures.

Betweenness is Brandes' algorithm (igraph's subset betweenness, one call per block of
source vertices). With k pivots it is the Brandes-Pich (2007) estimator: sources drawn
uniformly without replacement with a seeded numpy Generator, each vertex's sum rescaled by
(n-1)/k, or (n-1)/(k-1) for a pivot itself (whose own source contributes nothing) -- the
same estimator as networkx's `betweenness_centrality(k=...)` with `endpoints=False`.
Blocks of sources can run in separate processes (`n_jobs`); blocks are fixed-size and
summed in order, so the result does not depend on `n_jobs`.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import igraph as ig
import numpy as np
import scipy.sparse as sp

from ..errors import AnalysisError

Progress = Callable[[str], None] | None

BLOCK = 32  # sources per igraph call
PARALLEL_MIN_WORK = 100_000_000  # sources x ties below which extra processes do not pay (~5 s)


def resolve_pivots(pivots: int | str | None, n: int) -> int | None:
    """None for exact betweenness, else the number of pivots (sources) to sample."""
    if pivots is None or pivots == "exact":
        return None
    if pivots == "auto":
        return None if n <= 5_000 else 500
    if isinstance(pivots, bool) or not isinstance(pivots, (int, np.integer)) or pivots < 1:
        raise AnalysisError(
            f"betweenness pivots: expected 'exact', 'auto' or a whole number >= 1, got {pivots!r}"
        )
    return None if pivots >= n else int(pivots)


def pick_pivots(n: int, k: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))


def betweenness(
    graph: ig.Graph,
    *,
    pivots: np.ndarray | None = None,
    n_jobs: int | None = None,
    progress: Progress = None,
) -> np.ndarray:
    """Unnormalised betweenness (each unordered pair once on an undirected graph), exact
    when `pivots` is None, else estimated from those source vertices."""
    n = graph.vcount()
    sources = np.arange(n) if pivots is None else np.asarray(pivots)
    blocks = [sources[i : i + BLOCK].tolist() for i in range(0, len(sources), BLOCK)]
    jobs = _jobs(n_jobs)
    total = np.zeros(n)
    label = "betweenness" if pivots is None else f"betweenness ({len(sources)} pivots)"
    if jobs > 1 and len(blocks) > 1 and len(sources) * graph.ecount() >= PARALLEL_MIN_WORK:
        edges = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_worker_init,
            initargs=(n, edges, graph.is_directed()),
        ) as pool:
            for done, part in enumerate(pool.map(_worker_block, blocks), start=1):
                total += part
                _report(progress, label, done, len(blocks))
    else:
        for done, block in enumerate(blocks, start=1):
            total += np.asarray(graph.betweenness(sources=block), dtype=float)
            _report(progress, label, done, len(blocks))
    if pivots is None:
        return total
    k = len(sources)
    scale = np.full(n, (n - 1) / k)
    scale[sources] = (n - 1) / (k - 1) if k > 1 else np.nan
    estimate = total * scale
    if k == 1:
        estimate[sources] = 0.0  # a lone pivot says nothing about itself
    return estimate


def _report(progress: Progress, label: str, done: int, total: int) -> None:
    if progress is not None and (done == total or done % max(1, total // 20) == 0):
        progress(f"{label}: {done * 100 // total}%")


def _jobs(n_jobs: int | None) -> int:
    if n_jobs is None:
        return 1
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    available = available or os.cpu_count() or 1
    if n_jobs < 0:
        return max(1, available + 1 + n_jobs)  # -1: every core, as in scikit-learn
    return max(1, min(n_jobs, available))


_WORKER_GRAPH: ig.Graph | None = None


def _worker_init(n: int, edges: np.ndarray, directed: bool) -> None:
    global _WORKER_GRAPH
    _WORKER_GRAPH = ig.Graph(n=n, edges=edges, directed=directed)


def _worker_block(block: list[int]) -> np.ndarray:
    assert _WORKER_GRAPH is not None
    return np.asarray(_WORKER_GRAPH.betweenness(sources=block), dtype=float)


def pagerank(
    arcs: sp.csr_matrix, *, damping: float, tolerance: float = 1e-10, max_iterations: int = 10_000
) -> np.ndarray:
    """PageRank by power iteration on weighted arcs (arcs[i, j]: i points to j), as in
    networkx and igraph: a random walker follows an arc with probability `damping`, in
    proportion to its weight, and otherwise (or from a person with no arcs) jumps to anyone.
    Stops when the L1 change is below `tolerance`. Single-threaded scipy.sparse: faster here
    than igraph's PRPACK, whose OpenMP threads slow down on a busy two-core machine."""
    if not 0 < damping < 1:
        raise AnalysisError(f"damping must be between 0 and 1, got {damping}")
    n = arcs.shape[0]
    out = np.asarray(arcs.sum(axis=1)).ravel()
    dangling = out == 0
    inverse = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    walk = sp.csr_matrix(arcs.multiply(inverse[:, None]).T)
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iterations):
        new = damping * (walk @ rank) + (damping * rank[dangling].sum() + 1.0 - damping) / n
        change = np.abs(new - rank).sum()
        rank = new
        if change < tolerance:
            break
    return rank / rank.sum()


def eigenvector(graph: ig.Graph) -> np.ndarray:
    """Eigenvector centrality of the undirected, weighted ties, scaled so the top is 1.
    On a disconnected graph only the component with the largest eigenvalue gets non-zero
    values (igraph's warning about that is silenced here and documented)."""
    if graph.ecount() == 0:
        return np.zeros(graph.vcount())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values = np.asarray(graph.eigenvector_centrality(scale=True, weights="weight"))
    return np.clip(values, 0.0, None)


def communities(
    graph: ig.Graph, *, method: str, resolution: float, iterations: int, seed: int
) -> np.ndarray:
    """Community of each vertex, numbered 0, 1, ... from the largest community down
    (ties: by the first vertex in it). Leiden (modularity) or multilevel (Louvain), both
    weighted and seeded through igraph's random number generator."""
    if method not in ("leiden", "multilevel"):
        raise AnalysisError(f"communities: method is 'leiden' or 'multilevel', not {method!r}")
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311 (not crypto)
    try:
        if method == "leiden":
            clustering = graph.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=iterations,
            )
        else:
            clustering = graph.community_multilevel(weights="weight", resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    return renumber(np.asarray(clustering.membership))


def renumber(membership: np.ndarray) -> np.ndarray:
    labels, first, sizes = np.unique(membership, return_index=True, return_counts=True)
    order = np.lexsort((first, -sizes))  # largest first, then by first vertex
    new = np.empty(len(labels), dtype=np.int64)
    new[order] = np.arange(len(labels))
    return new[np.searchsorted(labels, membership)]
