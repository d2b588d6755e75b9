"""SeedStrategy: whom to start a cascade from.

Every strategy is an *ordering* of people, and k seeds are the first k of it, so the seeds
for k are always among the seeds for k + 1 (nested). Together with the fixed random
numbers of each Monte Carlo run, this makes adoption grow with k run by run, which is what
CriticalMass's search relies on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import AnalysisError
from . import _centrality as c
from ._graph import InfluenceNetwork
from ._measures import between_cached
from ._spread import chunk_size, spread

if TYPE_CHECKING:
    from ._cascade import CascadeModel

STRATEGIES = ("random", "degree", "betweenness", "community", "greedy")
ALIASES = {"community_spread": "community", "community-spread": "community"}


class SeedStrategy:
    """How to choose seeds.

    - "random": a random order of everyone, drawn afresh for each Monte Carlo run;
    - "degree": most listened-to first (in-degree: people who listen to them), then by the
      weight of those ties, then in the network's order;
    - "betweenness": highest betweenness first (exact, or sampled with
      `betweenness_pivots`, as in NetworkMeasures);
    - "community": spread over the communities in proportion to their size (the
      Sainte-Laguë/Webster sequence: the next seed goes to the community with the highest
      size / (2 x seeds so far + 1)); within a community, by degree;
    - "greedy": hill-climbing (Kempe, Kleinberg and Tardos 2003): each next seed is the
      candidate that adds most to the mean number of adopters over `greedy_runs` Monte
      Carlo runs of the model, drawn independently of the runs that evaluate the result.
      Candidates are the `greedy_candidates` people with the highest degree. Slow: refused
      on graphs of more than `greedy_max_nodes` people. Once the seeds reach everyone they
      can, the order continues by degree.

    `seed` drives the community detection and betweenness pivots; the Monte Carlo draws
    come from the cascade model's seed.
    """

    def __init__(
        self,
        name: str = "degree",
        *,
        betweenness_pivots: int | str = "auto",
        greedy_runs: int = 20,
        greedy_candidates: int | None = 100,
        greedy_max_nodes: int = 2_000,
        seed: int = 0,
    ) -> None:
        self.name = name
        self.betweenness_pivots = betweenness_pivots
        self.greedy_runs = greedy_runs
        self.greedy_candidates = greedy_candidates
        self.greedy_max_nodes = greedy_max_nodes
        self.seed = seed

    @property
    def kind(self) -> str:
        name = ALIASES.get(self.name, self.name)
        if name not in STRATEGIES:
            raise AnalysisError(
                f"seed strategy '{self.name}' is unknown; use one of {', '.join(STRATEGIES)} "
                "(to seed given people, pass a list of their ids)"
            )
        return name

    def __repr__(self) -> str:
        return f"SeedStrategy({self.name!r})"

    # -- orderings -----------------------------------------------------------------------

    def order(
        self, network: InfluenceNetwork, count: int, model: CascadeModel | None = None
    ) -> np.ndarray | None:
        """The first `count` people of this strategy's order (vertex indices), or None for
        "random", whose order differs per run (see `random_order`)."""
        kind = self.kind
        if kind == "random":
            return None
        if kind == "degree":
            return degree_order(network)[:count]
        if kind == "betweenness":
            k = c.resolve_pivots(self.betweenness_pivots, network.n_nodes)
            pivots = None if k is None else c.pick_pivots(network.n_nodes, k, self.seed)
            between = between_cached(network, pivots, None, None)
            return np.lexsort((np.arange(network.n_nodes), -between))[:count]
        if kind == "community":
            return self._community_order(network, count)
        if model is None:
            raise AnalysisError("greedy seeds need a cascade model to evaluate the spread")
        return self._greedy_order(network, count, model)

    @staticmethod
    def random_order(n: int, stream: np.random.Generator) -> np.ndarray:
        return stream.permutation(n)

    def _community_order(self, network: InfluenceNetwork, count: int) -> np.ndarray:
        from ._measures import NetworkMeasures

        labels = NetworkMeasures(seed=self.seed).community_labels(network)
        by_degree = degree_order(network)
        members = [by_degree[labels[by_degree] == label] for label in range(labels.max() + 1)]
        sizes = np.array([len(m) for m in members], dtype=float)
        taken = np.zeros(len(members), dtype=np.int64)
        count = min(count, network.n_nodes)
        order = np.empty(count, dtype=np.int64)
        for position in range(count):
            quotient = np.where(taken < sizes, sizes / (2 * taken + 1), -1.0)
            pick = int(np.argmax(quotient))  # ties: the lower label, i.e. the larger community
            order[position] = members[pick][taken[pick]]
            taken[pick] += 1
        return order

    def _greedy_order(
        self, network: InfluenceNetwork, count: int, model: CascadeModel
    ) -> np.ndarray:
        n = network.n_nodes
        if n > self.greedy_max_nodes:
            raise AnalysisError(
                f"greedy seeds are limited to networks of at most {self.greedy_max_nodes:,} "
                f"people (this one has {n:,}); use 'degree' or 'community', or raise "
                "greedy_max_nodes"
            )
        key = ("greedy", self.greedy_runs, self.greedy_candidates, model.key())
        state = network._cache.get(key)
        if state is None:
            streams = model.streams(self.greedy_runs, purpose=1)
            state = {
                "order": [],
                "need": model.needs(network, [s[0] for s in streams]),
                "done": False,
            }
            network._cache[key] = state
        order: list[int] = state["order"]
        by_degree = degree_order(network)
        candidates = (
            by_degree if self.greedy_candidates is None else (by_degree[: self.greedy_candidates])
        )
        influence = model.influence(network)
        need = state["need"]
        runs = need.shape[1]
        while len(order) < min(count, n) and not state["done"]:
            current = np.zeros((n, 1), dtype=bool)
            current[order, 0] = True
            base = spread(influence, need, np.repeat(current, runs, axis=1)).adopted
            reached_always = base.all(axis=1)
            remaining = [int(v) for v in candidates if not reached_always[v]]
            if not remaining:
                state["done"] = True
                break
            gains = self._gains(influence, need, current, remaining)
            order.append(remaining[int(np.argmax(gains))])  # ties: the higher degree
        if len(order) < min(count, n):
            chosen = set(order)
            rest = [int(v) for v in by_degree if v not in chosen]
            return np.array(order + rest[: count - len(order)], dtype=np.int64)
        return np.array(order[:count], dtype=np.int64)

    @staticmethod
    def _gains(influence, need, current, candidates: list[int]) -> np.ndarray:
        """Mean adopters over the greedy runs with each candidate added to the seeds."""
        n, runs = need.shape
        per_chunk = max(1, chunk_size(n, runs * len(candidates)) // runs)
        means = []
        for start in range(0, len(candidates), per_chunk):
            block = candidates[start : start + per_chunk]
            seeds = np.repeat(current, runs * len(block), axis=1)
            columns = np.arange(len(block) * runs)
            seeds[np.repeat(block, runs), columns] = True
            result = spread(influence, np.tile(need, (1, len(block))), seeds)
            means.append(result.adopted.sum(axis=0).reshape(len(block), runs).mean(axis=1))
        return np.concatenate(means)


def degree_order(network: InfluenceNetwork) -> np.ndarray:
    """People by in-degree (listeners), then weighted in-degree, then network order."""
    key = ("degree_order",)
    if key not in network._cache:
        listen = network._listen.tocsc()
        listeners = np.diff(listen.indptr)
        weight = np.asarray(listen.sum(axis=0)).ravel()
        network._cache[key] = np.lexsort((np.arange(network.n_nodes), -weight, -listeners))
    return network._cache[key]
