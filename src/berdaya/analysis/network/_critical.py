"""CriticalMass: the smallest seed share from which a cascade reaches a target adoption.

Method. A Monte Carlo run *succeeds* at k seeds when, at the end, at least `target` of the
people have adopted (seeds included). p(k) is the share of runs that succeed. All k are
evaluated on the same runs (common random numbers: each run keeps its thresholds and its
random order of people) and seed sets are nested (the first k of the strategy's order), so
p(k) never decreases as k grows, run by run. The search doubles k from 1 until p(k) reaches
`probability`, then bisects: it finds the exact smallest k on the estimated curve.

Interval. Each p(k) gets a Wilson score interval (Wilson 1927) at the `confidence` level,
treating runs as independent Bernoulli trials. The interval for the seed share runs from
the smallest k whose Wilson *upper* bound reaches `probability` (below it, success that
often is implausible) to the smallest k whose Wilson *lower* bound reaches it (from there
it is established). The bounds are pointwise, not simultaneous over k. More runs narrow
the interval; with few runs the upper end may never be established (then it is missing).

With fixed thresholds (a number, a node column or a mapping; complex contagion always) and
a strategy other than "random", every run would be the same: one run is simulated, the
success rate is 0 or 1, and the interval is the point itself.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ._cascade import CascadeModel
from ._graph import InfluenceNetwork
from ._seeds import SeedStrategy


@dataclass
class CriticalMassResult:
    """The smallest seed share and its interval, and every share the search evaluated.

    `seed_share`/`seed_count` is NaN/None when even `max_share` does not reach the target
    often enough; `share_high`/`count_high` likewise when more runs are needed to establish
    it. `evaluations` has one row per seed count tried: `seed_count`, `seed_share`, `runs`,
    `successes`, `success_rate`, `wilson_low`, `wilson_high`, `adoption_mean` (mean final
    share adopted).
    """

    target: float
    probability: float
    confidence: float
    seed_count: int | None
    seed_share: float
    count_low: int | None
    share_low: float
    count_high: int | None
    share_high: float
    evaluations: pd.DataFrame = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """One row: target, probability, confidence, seed_count, seed_share, share_low,
        share_high."""
        return pd.DataFrame(
            [
                {
                    "target": self.target,
                    "probability": self.probability,
                    "confidence": self.confidence,
                    "seed_count": self.seed_count,
                    "seed_share": self.seed_share,
                    "share_low": self.share_low,
                    "share_high": self.share_high,
                }
            ]
        )


def wilson(successes: int, runs: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / runs
    centre = (p + z * z / (2 * runs)) / (1 + z * z / runs)
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / (1 + z * z / runs)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == runs else min(1.0, centre + half)
    return low, high


class CriticalMass:
    """Find the smallest seed share that makes a cascade reach a target adoption.

    Parameters
    ----------
    model
        A LinearThreshold or ComplexContagion (its runs and seed are used).
    seeds
        The seed strategy: a name ("degree", "random", "betweenness", "community",
        "greedy") or a SeedStrategy. Default "degree".
    target
        Share of people who must have adopted at the end (default 0.5).
    probability
        Share of runs that must reach the target (default 0.5: the median run).
    confidence
        Level of the Wilson intervals (default 0.95).
    max_share
        Largest seed share tried (default 1).
    progress
        Optional callable receiving short progress messages.

    `find(network)` returns a CriticalMassResult (see the module's docstring for the
    method and the interval).
    """

    def __init__(
        self,
        model: CascadeModel,
        *,
        seeds: str | SeedStrategy = "degree",
        target: float = 0.5,
        probability: float = 0.5,
        confidence: float = 0.95,
        max_share: float = 1.0,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.model = model
        self.seeds = seeds
        self.target = target
        self.probability = probability
        self.confidence = confidence
        self.max_share = max_share
        self.progress = progress

    def find(self, network: InfluenceNetwork) -> CriticalMassResult:
        model = self.model
        if not isinstance(model, CascadeModel):
            raise AnalysisError("critical mass: model must be LinearThreshold or ComplexContagion")
        model._check(network)
        for name in ("target", "probability", "max_share"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise AnalysisError(f"critical mass: {name} must be in (0, 1], got {value}")
        if not 0 < self.confidence < 1:
            raise AnalysisError(
                f"critical mass: confidence must be in (0, 1), got {self.confidence}"
            )
        strategy = SeedStrategy(self.seeds) if isinstance(self.seeds, str) else self.seeds
        strategy.kind  # noqa: B018 -- fails early on an unknown name
        n = network.n_nodes
        needed = math.ceil(self.target * n - 1e-9)
        largest = math.ceil(self.max_share * n - 1e-9)
        deterministic = not model.random_thresholds and strategy.kind != "random"
        if deterministic:  # every run would be the same: one is enough, and exact
            model = copy.copy(model)
            model.runs = 1
        runs = model.runs
        rows: dict[int, dict[str, float]] = {}

        def evaluate(k: int) -> dict[str, float]:
            if k not in rows:
                finals = np.concatenate(
                    [
                        s.history[-1]
                        for s in model._spreads(network, strategy, k, None, say_progress=False)
                    ]
                )
                successes = int((finals >= needed).sum())
                if deterministic:
                    low = high = successes / runs
                else:
                    low, high = wilson(successes, runs, self.confidence)
                rows[k] = {
                    "seed_count": k,
                    "seed_share": k / n,
                    "runs": runs,
                    "successes": successes,
                    "success_rate": successes / runs,
                    "wilson_low": low,
                    "wilson_high": high,
                    "adoption_mean": float(finals.mean() / n),
                }
                if self.progress is not None:
                    self.progress(
                        f"critical mass: {k:,} seeds ({k / n:.2%}): {successes}/{runs} runs "
                        f"reach {self.target:.0%}"
                    )
            return rows[k]

        q = self.probability
        point = _smallest(lambda k: evaluate(k)["success_rate"] >= q, largest)
        low = _smallest(lambda k: evaluate(k)["wilson_high"] >= q, largest)
        high = _smallest(lambda k: evaluate(k)["wilson_low"] >= q, largest)
        evaluations = pd.DataFrame(sorted(rows.values(), key=lambda row: row["seed_count"]))
        evaluations = evaluations.astype(
            {"seed_count": "int64", "runs": "int64", "successes": "int64"}
        )

        def share(k: int | None) -> float:
            return math.nan if k is None else k / n

        return CriticalMassResult(
            target=self.target,
            probability=q,
            confidence=self.confidence,
            seed_count=point,
            seed_share=share(point),
            count_low=low,
            share_low=share(low),
            count_high=high,
            share_high=share(high),
            evaluations=evaluations,
        )


def _smallest(holds: Callable[[int], bool], largest: int) -> int | None:
    """Smallest k in [0, largest] for which `holds` (monotone: false, ..., false, true, ...)
    is true, by doubling then bisection; None if it never holds."""
    if holds(0):
        return 0
    if largest < 1:
        return None
    below, above = 0, 1
    while not holds(above):
        if above >= largest:
            return None
        below, above = above, min(2 * above, largest)
    while above - below > 1:
        middle = (below + above) // 2
        if holds(middle):
            above = middle
        else:
            below = middle
    return above
