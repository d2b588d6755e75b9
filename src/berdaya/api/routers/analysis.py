"""Aggregates by village (viewers included): the MPI (H, A, M0) and coverage by scheme."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from berdaya.community.selectors import village_for_user

from ..analysis import village_analysis
from ..common import VillageCode
from ..errors import responses

router = Router(tags=["analysis"])


class MPIOut(Schema):
    households: int = Field(..., description="Households with a known status.")
    unknown: int = Field(..., description="Households without enough survey data.")
    by_status: dict[str, int]
    headcount: float | None = Field(None, description="H: the share of people who are poor.")
    intensity: float | None = Field(None, description="A: the average deprivation of the poor.")
    mpi: float | None = Field(None, description="M0 = H × A (Alkire–Foster).")
    contributions: dict[str, float] = Field(..., description="% of M0 by indicator.")


class CoverageOut(Schema):
    scheme: str
    enrolled: int
    poor_not_enrolled: int | None = Field(None, description="Exclusion: poor, not enrolled.")
    enrolled_not_poor: int | None = Field(None, description="Inclusion: enrolled, not poor.")


class VillageAnalysisOut(Schema):
    village_code: str
    households: int
    persons: int
    mpi: MPIOut
    coverage: list[CoverageOut]


@router.get("/villages/{village_code}/analysis", response=responses(200, VillageAnalysisOut))
def village_analysis_get(request, village_code: VillageCode):
    """The registry's poverty and coverage figures of a village the caller works in."""
    village = village_for_user(user=request.user, code=village_code)
    result = village_analysis(user=request.user, village=village)
    mpi = result.mpi
    return VillageAnalysisOut(
        village_code=result.village_code,
        households=result.households,
        persons=result.persons,
        mpi=MPIOut(
            households=mpi.households,
            unknown=mpi.unknown,
            by_status=dict(mpi.by_status),
            headcount=mpi.headcount,
            intensity=mpi.intensity,
            mpi=mpi.mpi,
            contributions=dict(mpi.contributions),
        ),
        coverage=[
            CoverageOut(
                scheme=c.name,
                enrolled=c.enrolled,
                poor_not_enrolled=c.poor_not_enrolled,
                enrolled_not_poor=c.enrolled_not_poor,
            )
            for c in result.coverage
        ],
    )
