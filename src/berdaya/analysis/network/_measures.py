"""NetworkMeasures: one row per person with degrees, centralities, community and brokerage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import AnalysisError
from . import _centrality as c
from ._graph import InfluenceNetwork

#: Columns of NetworkMeasures.compute, in order, besides `node`, the node attributes and the
#: per-kind degree columns (`<kind>_ties`, `<kind>_in`, `<kind>_out`).
MEASURE_COLUMNS = (
    "degree",
    "in_degree",
    "out_degree",
    "strength",
    "betweenness",
    "betweenness_norm",
    "pagerank",
    "eigenvector",
    "community",
    "community_size",
    "communities_linked",
    "participation",
    "broker",
)


class NetworkMeasures:
    """Degree, betweenness, PageRank, eigenvector centrality, communities and brokers.

    Parameters
    ----------
    betweenness_pivots
        "exact", "auto" (default: exact up to 5,000 people, else 500 pivots) or a number of
        pivots k: betweenness is then estimated from k source people drawn with `seed`.
    seed
        Seed for the pivots and for the community detection (same seed, same result).
    damping
        PageRank damping factor (default 0.85).
    communities
        "leiden" (default; modularity objective) or "multilevel" (Louvain).
    resolution
        Modularity resolution; above 1 gives more, smaller communities.
    leiden_iterations
        Leiden passes (default 5; a negative number runs until nothing changes, which can
        take minutes on 100,000 people).
    broker_top_percent
        A broker has betweenness above 0 in the top `broker_top_percent` % of people and
        ties reaching at least one community besides their own (default 10).
    n_jobs
        Processes for betweenness (None: one; -1: every core). Results do not depend on it.
    progress
        Optional callable receiving short progress messages.

    `compute(network)` returns a pandas DataFrame, one row per person in the network's order:

    - `node`, then the node table's columns;
    - `degree`: distinct people tied to this person in any way;
    - `in_degree` / `out_degree`: people who listen to this person (ask them for advice, or
      share an undirected tie) / people this person listens to; both equal `degree` when
      no tie is directed;
    - `strength`: the sum of the weights of this person's ties;
    - one column per kind of tie: `<kind>_ties` (undirected kinds), `<kind>_in` and
      `<kind>_out` (directed kinds; `advice_in` = asked for advice by so many people);
    - `betweenness`: shortest paths through this person, each pair of other people counted
      once, ties undirected and unweighted (estimated when pivots are sampled);
      `betweenness_norm` divides by the number of such pairs, (n-1)(n-2)/2;
    - `pagerank`: PageRank over the "listens to" arcs, weighted (sums to 1);
    - `eigenvector`: eigenvector centrality of the weighted ties, scaled so the top is 1
      (on a disconnected graph, zero outside the component with the largest eigenvalue);
    - `community`: 0 for the largest community, 1 for the next...; `community_size`;
    - `communities_linked`: communities among this person and the people tied to them;
    - `participation`: Guimerà and Amaral's (2005) participation coefficient,
      1 - sum over communities c of (ties into c / degree)^2; 0 when all ties stay in one
      community;
    - `broker`: True for a broker as defined under `broker_top_percent`.

    `DataFrame.attrs["betweenness_pivots"]` is the number of pivots, or None when exact.
    """

    def __init__(
        self,
        *,
        betweenness_pivots: int | str = "auto",
        seed: int = 0,
        damping: float = 0.85,
        communities: str = "leiden",
        resolution: float = 1.0,
        leiden_iterations: int = 5,
        broker_top_percent: float = 10.0,
        n_jobs: int | None = None,
        progress=None,
    ) -> None:
        self.betweenness_pivots = betweenness_pivots
        self.seed = seed
        self.damping = damping
        self.communities = communities
        self.resolution = resolution
        self.leiden_iterations = leiden_iterations
        self.broker_top_percent = broker_top_percent
        self.n_jobs = n_jobs
        self.progress = progress

    def compute(self, network: InfluenceNetwork) -> pd.DataFrame:
        if not hasattr(network, "graph_"):
            raise AnalysisError("the network has not been built: call InfluenceNetwork().fit(...)")
        n = network.n_nodes
        say = self.progress or (lambda _message: None)
        ties01 = network._ties.copy()
        ties01.data[:] = 1.0
        listen01 = network._listen.copy()
        listen01.data[:] = 1.0
        degree = np.diff(ties01.indptr).astype(np.int64)

        pivots = self.pivots(network)
        say("betweenness" + ("" if pivots is None else f" ({len(pivots)} pivots)"))
        between = between_cached(network, pivots, self.n_jobs, self.progress)
        pairs = (n - 1) * (n - 2) / 2
        say("pagerank, eigenvector")
        rank = c.pagerank(network._listen, damping=self.damping)
        eigen = c.eigenvector(network.graph_)
        say(f"communities ({self.communities})")
        community = self.community_labels(network)
        sizes = np.bincount(community)

        # ties of each person into each community: (n x communities) counts
        into = sp.csr_matrix(
            (ties01.data, ties01.indices, ties01.indptr), shape=(n, n)
        ) @ sp.csr_matrix((np.ones(n), (np.arange(n), community)), shape=(n, len(sizes)))
        into = sp.csr_matrix(into)
        shares = into.multiply(1.0 / np.maximum(degree, 1)[:, None]).tocsr()
        participation = 1.0 - np.asarray(shares.multiply(shares).sum(axis=1)).ravel()
        participation[degree == 0] = 0.0
        own = np.asarray(into[np.arange(n), community]).ravel() > 0
        linked = np.diff(into.indptr) + (~own).astype(np.int64)

        top = top_percent(between)
        broker = (between > 0) & (top <= self.broker_top_percent) & (linked >= 2)

        measures = pd.DataFrame(
            {
                "degree": degree,
                "in_degree": np.diff(listen01.tocsc().indptr).astype(np.int64),
                "out_degree": np.diff(listen01.indptr).astype(np.int64),
                "strength": np.asarray(network._ties.sum(axis=1)).ravel(),
            }
        )
        kinds = network.kind_degrees()
        measures = pd.concat(
            [
                measures,
                kinds,
                pd.DataFrame(
                    {
                        "betweenness": between,
                        "betweenness_norm": between / pairs if pairs > 0 else 0.0 * between,
                        "pagerank": rank,
                        "eigenvector": eigen,
                        "community": community,
                        "community_size": sizes[community],
                        "communities_linked": linked.astype(np.int64),
                        "participation": np.clip(participation, 0.0, 1.0),
                        "broker": broker,
                    }
                ),
            ],
            axis=1,
        )
        clash = [column for column in network.nodes_.columns if column in measures.columns]
        if clash:
            raise AnalysisError(
                f"nodes: column '{clash[0]}' has the name of a computed measure; rename it"
            )
        result = pd.concat([network.nodes_.reset_index(drop=True), measures], axis=1)
        result.attrs["betweenness_pivots"] = None if pivots is None else len(pivots)
        return result

    def pivots(self, network: InfluenceNetwork) -> np.ndarray | None:
        k = c.resolve_pivots(self.betweenness_pivots, network.n_nodes)
        return None if k is None else c.pick_pivots(network.n_nodes, k, self.seed)

    def community_labels(self, network: InfluenceNetwork) -> np.ndarray:
        key = ("communities", self.communities, self.resolution, self.leiden_iterations, self.seed)
        if key not in network._cache:
            network._cache[key] = c.communities(
                network.graph_,
                method=self.communities,
                resolution=self.resolution,
                iterations=self.leiden_iterations,
                seed=self.seed,
            )
        return network._cache[key]


def between_cached(network: InfluenceNetwork, pivots, n_jobs, progress) -> np.ndarray:
    key = ("betweenness", None if pivots is None else tuple(pivots.tolist()))
    if key not in network._cache:
        network._cache[key] = c.betweenness(
            network.graph_, pivots=pivots, n_jobs=n_jobs, progress=progress
        )
    return network._cache[key]


def top_percent(values: np.ndarray) -> np.ndarray:
    """For each value, the percentage of people scoring at least as much (the top 1% is
    the 1% with the highest values); a share rounded up to a whole percent."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    order = np.sort(values)
    at_least = n - np.searchsorted(order, values, side="left")
    return np.ceil(100.0 * at_least / n - 1e-9).astype(np.int64)
