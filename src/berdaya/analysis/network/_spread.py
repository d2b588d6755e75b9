"""The cascade engine: a vectorised scipy.sparse loop, many Monte Carlo runs at once.

`influence` is an n x n sparse matrix, influence[i, j] = how much i listens to j. A run's
state is a boolean column; R runs are an n x R matrix. Each step adds, for every run, the
people whose accumulated influence from adopters reaches their need:

    pressure = influence @ adopted          (kept up to date incrementally)
    new      = ~adopted & (pressure >= need)

and stops when no run changes (or after `max_steps`). Updates are synchronous: everyone
looks at the adopters of the previous step. Adoption is permanent, so a finished run simply
stops changing while the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

#: Cells (people x runs) handled at once; bounds memory to a few tens of MB per array.
CHUNK_CELLS = 4_000_000


class Influence:
    """influence[i, j]: how much i listens to j (CSR), with its transpose made once, on
    demand: row j of the transpose lists the people who listen to j. A symmetric matrix
    (no directed ties) is its own transpose."""

    def __init__(self, matrix: sp.csr_matrix, *, symmetric: bool = False) -> None:
        self.matrix = sp.csr_matrix(matrix)
        self.n = self.matrix.shape[0]
        self.symmetric = symmetric
        self.totals = np.asarray(self.matrix.sum(axis=1)).ravel()

    @cached_property
    def listeners(self) -> sp.csr_matrix:
        return self.matrix if self.symmetric else self.matrix.T.tocsr()

    def push(self, adopters: np.ndarray) -> np.ndarray:
        """influence @ indicator(adopters): the pressure that new adopters add, touching only
        their listeners."""
        rows = self.listeners[adopters]
        return np.bincount(rows.indices, weights=rows.data, minlength=self.n)


@dataclass
class Spread:
    adopted: np.ndarray  # (n, R) bool: adopted at the end
    history: np.ndarray  # (steps + 1, R) int: adopters after each step (0 = the seeds)
    step: np.ndarray  # (n, R) int32: step of adoption, -1 if never


def spread(
    influence: Influence,
    need: np.ndarray,
    seeds: np.ndarray,
    *,
    max_steps: int | None = None,
) -> Spread:
    """Run the cascade from `seeds` (n x R bool) against `need` (n x R, or n x 1 for the same
    need in every run)."""
    runs = seeds.shape[1]
    adopted = seeds.copy()
    step_of = np.where(seeds, 0, -1).astype(np.int32)
    history = [adopted.sum(axis=0)]
    if runs == 1:  # a vector product is faster than a one-column matrix product
        need_1 = need[:, 0]
        pressure = influence.matrix @ adopted[:, 0].astype(np.float64)
    else:
        pressure = np.asarray(influence.matrix @ adopted.astype(np.float64))
    step = 0
    while max_steps is None or step < max_steps:
        if runs == 1:
            new = ~adopted[:, 0] & (pressure >= need_1)
            if not new.any():
                break
            step += 1
            adopted[new, 0] = True
            step_of[new, 0] = step
            pressure += influence.push(np.flatnonzero(new))
        else:
            new = ~adopted & (pressure >= need)
            if not new.any():
                break
            step += 1
            adopted |= new
            step_of[new] = step
            pressure += np.asarray(influence.matrix @ new.astype(np.float64))
        history.append(adopted.sum(axis=0))
    return Spread(adopted=adopted, history=np.vstack(history), step=step_of)


def chunk_size(n: int, runs: int) -> int:
    return max(1, min(runs, CHUNK_CELLS // max(n, 1)))
