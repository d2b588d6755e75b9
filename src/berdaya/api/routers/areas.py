"""Villages (Kemendagri codes): public reference data, for every signed-in caller."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from berdaya.areas.selectors import village_get as area_village_get
from berdaya.areas.selectors import village_search

from ..common import Text
from ..errors import responses

router = Router(tags=["areas"])


class VillageOut(Schema):
    code: str
    name: str
    district: str
    regency: str
    province: str


def _village(village) -> VillageOut:
    district = village.district
    return VillageOut(
        code=village.code,
        name=village.name,
        district=district.name,
        regency=district.regency.name,
        province=district.regency.province.name,
    )


class VillageQuery(Schema):
    q: Text = Field(..., min_length=2, max_length=100, description="Part of a name, or a code.")
    limit: int = Field(20, ge=1, le=100)


@router.get("/villages", response=responses(200, list[VillageOut]))
def village_list(request, query: Query[VillageQuery]):
    """Villages whose name contains `q` or whose code starts with it."""
    return [_village(v) for v in village_search(query=query.q, limit=query.limit)]


@router.get("/villages/{village_code}", response=responses(200, VillageOut))
def village_get(request, village_code: str):
    from berdaya.core.errors import NotFound, ValidationFailed

    try:
        return _village(area_village_get(code=village_code))
    except ValidationFailed as error:  # not even a code
        raise NotFound(error.message) from error
