"""Analysis results of one village, for the API: the MPI and social-protection coverage.

`village_analysis` is the one place the API asks for these figures. It reads them through
the village profile's selector (`community.selectors.village_figures`), which reads the
stored per-village figures (`registry.figures`): one indexed read, whatever the village's
size, and the same numbers the village profile shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from berdaya.community.selectors import village_figures


@dataclass(frozen=True)
class VillageAnalysis:
    village_code: str
    households: int
    persons: int
    mpi: object  # registry.indicators.MPISummary
    coverage: list  # community.selectors.SchemeCoverage


def village_analysis(*, user, village) -> VillageAnalysis:
    figures = village_figures(user=user, village=village)
    return VillageAnalysis(
        village_code=village.code,
        households=figures.households,
        persons=figures.persons,
        mpi=figures.mpi,
        coverage=figures.coverage,
    )
