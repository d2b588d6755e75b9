"""Cascade models: linear threshold and complex contagion, simulated by Monte Carlo."""

from __future__ import annotations

import abc
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ._graph import InfluenceNetwork
from ._seeds import SeedStrategy
from ._spread import Influence, Spread, chunk_size, spread

#: Relative tolerance of the threshold comparison, so that a share equal to the threshold
#: on paper (3 of 10 neighbours against 0.3) adopts whatever floating point does.
TOLERANCE = 1e-9


@dataclass
class CascadeResult:
    """The tables of a simulated cascade.

    curve
        One row per step (0 = the seeds only): `step`, `share_mean` (mean share of people
        who have adopted, over the runs), `share_low` and `share_high` (the band's
        percentiles over the runs, default 5th and 95th), `adopters_mean` (people). A run
        that stopped early keeps its final share in later steps.
    runs
        One row per Monte Carlo run: `run`, `seeds`, `adopters` (seeds included), `share`,
        `steps` (steps until nothing changed).
    nodes
        One row per person: `node`, `seed_rate` (share of runs in which they were a seed),
        `adoption_rate` (share of runs in which they adopted), `mean_step` (mean step of
        adoption over the runs in which they adopted; empty if never).
    """

    curve: pd.DataFrame
    runs: pd.DataFrame
    nodes: pd.DataFrame

    @property
    def final_share(self) -> float:
        """Mean share adopted at the end, over the runs."""
        return float(self.runs["share"].mean())


class CascadeModel(abc.ABC):
    """Shared machinery of the two cascade models (not used directly)."""

    def __init__(
        self,
        *,
        runs: int = 100,
        seed: int = 0,
        max_steps: int | None = None,
        band: tuple[float, float] = (5.0, 95.0),
        progress=None,
    ) -> None:
        self.runs = runs
        self.seed = seed
        self.max_steps = max_steps
        self.band = band
        self.progress = progress

    # -- what a model defines ------------------------------------------------------------

    @abc.abstractmethod
    def influence(self, network: InfluenceNetwork) -> Influence:
        """Who presses on whom, and how hard."""

    @abc.abstractmethod
    def needs(self, network: InfluenceNetwork, streams: list[np.random.Generator]) -> np.ndarray:
        """Pressure each person needs to adopt: (n, runs), or (n, 1) when it is the same in
        every run."""

    @abc.abstractmethod
    def key(self) -> tuple:
        """The model and its parameters as a hashable value: greedy seed selection caches
        its work on the network under it."""

    @property
    def random_thresholds(self) -> bool:
        """Whether thresholds are drawn afresh in each run."""
        return False

    # -- Monte Carlo ---------------------------------------------------------------------

    def streams(self, runs: int, purpose: int = 0) -> list[tuple[np.random.Generator, ...]]:
        """Per run, two independent generators: thresholds, then random seed orders.
        Run r's numbers depend only on (seed, purpose, r), not on how many runs there are."""
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise AnalysisError(f"seed must be a whole number, got {self.seed!r}")
        root = np.random.SeedSequence([int(self.seed), purpose])
        return [
            tuple(np.random.default_rng(child) for child in run.spawn(2))
            for run in root.spawn(runs)
        ]

    def simulate(
        self,
        network: InfluenceNetwork,
        seeds: Sequence[Any] | str | SeedStrategy,
        *,
        share: float | None = None,
        count: int | None = None,
    ) -> CascadeResult:
        """Run the cascade `runs` times from `seeds`: a list of node ids (the same in every
        run), or a strategy ("random", "degree", "betweenness", "community", "greedy", or a
        SeedStrategy) with a `share` of the people (rounded up to whole people) or a
        `count`."""
        self._check(network)
        n = network.n_nodes
        if isinstance(seeds, (str, SeedStrategy)):
            strategy = SeedStrategy(seeds) if isinstance(seeds, str) else seeds
            strategy.kind  # noqa: B018 -- fails early on an unknown name
            k = seed_count(n, share=share, count=count)
            fixed = None
        else:
            if share is not None or count is not None:
                raise AnalysisError("give either a list of seeds or a strategy with a share")
            strategy, k = None, 0
            fixed = np.unique(network.vertices(seeds))
        spreads = list(self._spreads(network, strategy, k, fixed))
        return self._result(network, spreads)

    def _spreads(self, network, strategy, k, fixed, *, say_progress=True):
        n = network.n_nodes
        influence = self.influence(network)
        streams = self.streams(self.runs)
        order = None if strategy is None else strategy.order(network, k, self)
        size = chunk_size(n, self.runs)
        for start in range(0, self.runs, size):
            chunk = streams[start : start + size]
            need = self.needs(network, [s[0] for s in chunk])
            seeds = np.zeros((n, len(chunk)), dtype=bool)
            if fixed is not None:
                seeds[fixed, :] = True
            elif order is not None:
                seeds[order, :] = True
            else:
                for column, (_thresholds, stream) in enumerate(chunk):
                    seeds[SeedStrategy.random_order(n, stream)[:k], column] = True
            yield spread(influence, need, seeds, max_steps=self.max_steps)
            if say_progress and self.progress is not None and self.runs > size:
                done = min(start + size, self.runs)
                self.progress(f"cascade: {done}/{self.runs} runs")

    def _result(self, network: InfluenceNetwork, spreads: list[Spread]) -> CascadeResult:
        n = network.n_nodes
        steps = max(s.history.shape[0] for s in spreads)
        history = np.hstack(
            [
                np.vstack([s.history, np.repeat(s.history[-1:], steps - len(s.history), axis=0)])
                for s in spreads
            ]
        )
        shares = history / n
        low, high = self.band
        curve = pd.DataFrame(
            {
                "step": np.arange(steps),
                "share_mean": shares.mean(axis=1),
                "share_low": np.percentile(shares, low, axis=1),
                "share_high": np.percentile(shares, high, axis=1),
                "adopters_mean": history.mean(axis=1),
            }
        )
        final = history[-1]
        last_step = np.concatenate([s.step.max(axis=0) for s in spreads])
        runs = pd.DataFrame(
            {
                "run": np.arange(self.runs),
                "seeds": history[0],
                "adopters": final,
                "share": final / n,
                "steps": np.maximum(last_step, 0),
            }
        )
        adopted = sum(s.adopted.sum(axis=1) for s in spreads)
        seeded = sum((s.step == 0).sum(axis=1) for s in spreads)
        step_sum = sum(np.where(s.step >= 0, s.step, 0).sum(axis=1) for s in spreads)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_step = np.where(adopted > 0, step_sum / adopted, np.nan)
        nodes = pd.DataFrame(
            {
                "node": network.nodes_["node"],
                "seed_rate": seeded / self.runs,
                "adoption_rate": adopted / self.runs,
                "mean_step": mean_step,
            }
        )
        return CascadeResult(curve=curve, runs=runs, nodes=nodes)

    def _check(self, network: InfluenceNetwork) -> None:
        if not hasattr(network, "graph_"):
            raise AnalysisError("the network has not been built: call InfluenceNetwork().fit(...)")
        if (
            isinstance(self.runs, bool)
            or not isinstance(self.runs, (int, np.integer))
            or (self.runs < 1)
        ):
            raise AnalysisError(f"runs must be a whole number of at least 1, got {self.runs!r}")
        low, high = self.band
        if not 0 <= low <= high <= 100:
            raise AnalysisError(f"band must be two percentiles, low <= high, got {self.band}")
        if self.max_steps is not None and self.max_steps < 0:
            raise AnalysisError(f"max_steps must be at least 0, got {self.max_steps}")

    def _per_node(self, network: InfluenceNetwork, values: Any, what: str) -> np.ndarray:
        """A per-person value from a node column name, a mapping or a Series by node id."""
        if isinstance(values, str):
            column = network.node_column(values)
            numbers = pd.to_numeric(column, errors="coerce")
            if numbers.isna().any():
                row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
                raise AnalysisError(
                    f"{what}: column '{values}' has no number for '{network.nodes_['node'][row]}'"
                )
            return numbers.to_numpy(dtype=float)
        mapping = dict(values.items()) if isinstance(values, (Mapping, pd.Series)) else None
        if mapping is None:
            raise AnalysisError(f"{what}: expected a number, a node column name or a mapping")
        keys = {str(key).strip(): value for key, value in mapping.items()}
        missing = [node for node in network.nodes_["node"] if node not in keys]
        if missing:
            raise AnalysisError(f"{what}: no value for '{missing[0]}'")
        return np.array([float(keys[node]) for node in network.nodes_["node"]])


def seed_count(n: int, *, share: float | None, count: int | None) -> int:
    """Seeds for a share of n people (rounded up) or an explicit count."""
    if (share is None) == (count is None):
        raise AnalysisError("give the seeds as a share of the people or as a count (one of them)")
    if share is not None:
        if not 0 <= share <= 1:
            raise AnalysisError(f"seed share must be between 0 and 1, got {share}")
        return min(n, math.ceil(share * n - 1e-9))
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise AnalysisError(f"seed count must be a whole number >= 0, got {count!r}")
    return min(n, int(count))


def _digest(values: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(values).tobytes(), usedforsecurity=False).hexdigest()


class LinearThreshold(CascadeModel):
    """Linear-threshold cascades (Granovetter 1978; Kempe, Kleinberg and Tardos 2003).

    A person adopts when the weighted share of the people they listen to who have adopted
    reaches their threshold: sum of weights to adopters / sum of all their weights >=
    threshold (compared with a relative tolerance of 1e-9). A threshold of 0 adopts without
    anyone (Granovetter's instigators); someone who listens to nobody adopts only then.

    Parameters
    ----------
    threshold
        A share in [0, 1] for everyone (default 0.5); a pair (low, high): drawn uniformly for
        each person in each run; a node column name; or a mapping / Series node id → share.
    runs
        Monte Carlo runs (default 100). With fixed thresholds and fixed seeds all runs are
        the same; they differ through random thresholds or random seeds.
    seed
        Seed of the numpy Generator: the same seed gives the same result.
    max_steps
        Stop after this many steps (default: when nothing changes).
    band
        Percentiles of the curve's band (default 5th and 95th).
    progress
        Optional callable receiving short progress messages.
    """

    def __init__(self, threshold: Any = 0.5, **options: Any) -> None:
        super().__init__(**options)
        self.threshold = threshold

    def influence(self, network: InfluenceNetwork) -> Influence:
        key = ("influence", "weighted")
        if key not in network._cache:
            network._cache[key] = Influence(network._listen, symmetric=not network.directed_)
        return network._cache[key]

    def _shape(self) -> tuple[str, Any]:
        threshold = self.threshold
        if isinstance(threshold, tuple) or (
            isinstance(threshold, list)
            and len(threshold) == 2
            and all(isinstance(x, (int, float)) for x in threshold)
        ):
            low, high = (float(x) for x in threshold)
            if not 0 <= low <= high <= 1:
                raise AnalysisError(f"threshold range must be within [0, 1], got {threshold}")
            return "uniform", (low, high)
        if isinstance(threshold, (int, float, np.number)) and not isinstance(threshold, bool):
            if not 0 <= threshold <= 1:
                raise AnalysisError(f"threshold must be a share between 0 and 1, got {threshold}")
            return "fixed", float(threshold)
        return "per_node", threshold

    def needs(self, network: InfluenceNetwork, streams: list[np.random.Generator]) -> np.ndarray:
        n = network.n_nodes
        total = self.influence(network).totals
        shape, value = self._shape()
        if shape == "uniform":
            low, high = value
            theta = np.column_stack([stream.uniform(low, high, n) for stream in streams])
        elif shape == "fixed":
            theta = np.full((n, 1), value)
        else:
            theta = self._per_node(network, value, "threshold")[:, None]
            if ((theta < 0) | (theta > 1)).any():
                raise AnalysisError("threshold: every share must be between 0 and 1")
        need = theta * total[:, None] * (1 - TOLERANCE)
        return np.where((total[:, None] == 0) & (theta > 0), np.inf, need)

    @property
    def random_thresholds(self) -> bool:
        return self._shape()[0] == "uniform"

    def key(self) -> tuple:
        shape, value = self._shape()
        if shape == "per_node":
            value = (
                value
                if isinstance(value, str)
                else _digest(np.array([float(v) for v in dict(value.items()).values()]))
            )
        return ("linear_threshold", shape, value, self.seed)

    def __repr__(self) -> str:
        return f"LinearThreshold(threshold={self.threshold!r}, runs={self.runs}, seed={self.seed})"


class ComplexContagion(CascadeModel):
    """Complex contagion with an absolute threshold (Centola and Macy 2007): a person adopts
    when at least `min_adopters` of the people they listen to have adopted (counted, not
    weighted). `min_adopters` is a whole number for everyone (default 2), a node column
    name, or a mapping / Series node id → number; 0 adopts without anyone. Other options
    as in LinearThreshold."""

    def __init__(self, min_adopters: Any = 2, **options: Any) -> None:
        super().__init__(**options)
        self.min_adopters = min_adopters

    def influence(self, network: InfluenceNetwork) -> Influence:
        key = ("influence", "count")
        if key not in network._cache:
            counted = network._listen.copy()
            counted.data[:] = 1.0
            network._cache[key] = Influence(counted, symmetric=not network.directed_)
        return network._cache[key]

    def needs(self, network: InfluenceNetwork, streams: list[np.random.Generator]) -> np.ndarray:
        m = self.min_adopters
        if isinstance(m, (int, np.integer)) and not isinstance(m, bool):
            values = np.full(network.n_nodes, float(m))
        elif isinstance(m, float) and m.is_integer():
            values = np.full(network.n_nodes, m)
        elif isinstance(m, (str, Mapping, pd.Series)):
            values = self._per_node(network, m, "min_adopters")
        else:
            raise AnalysisError(f"min_adopters must be a whole number, got {m!r}")
        if (values < 0).any() or (values != np.round(values)).any():
            raise AnalysisError("min_adopters: every value must be a whole number >= 0")
        return (values - 0.5)[:, None]  # counts are whole numbers: >= m - 0.5 is >= m

    def key(self) -> tuple:
        m = self.min_adopters
        if isinstance(m, (Mapping, pd.Series)):
            m = _digest(np.array([float(v) for v in dict(m.items()).values()]))
        return ("complex_contagion", m, self.seed)

    def __repr__(self) -> str:
        return (
            f"ComplexContagion(min_adopters={self.min_adopters!r}, runs={self.runs}, "
            f"seed={self.seed})"
        )
