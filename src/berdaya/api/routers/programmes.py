"""Programmes and the villages they cover (programme data: viewers see these too)."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema

from berdaya.programmes import selectors

from ..common import Key
from ..errors import responses
from ..pagination import Page, PageParams, page_of

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    name: str
    description: str
    start_date: datetime.date
    planned_duration_months: int
    planned_end_date: datetime.date


class ProgrammeDetailOut(ProgrammeOut):
    village_codes: list[str]


def _programme(programme) -> dict:
    return {
        "id": programme.pk,
        "organisation_id": programme.organisation_id,
        "organisation": programme.organisation.name,
        "name": programme.name,
        "description": programme.description,
        "start_date": programme.start_date,
        "planned_duration_months": programme.planned_duration_months,
        "planned_end_date": programme.planned_end_date,
    }


@router.get("/programmes", response=responses(200, Page[ProgrammeOut]))
def programme_list(request, query: Query[PageParams]):
    rows, cursor = page_of(selectors.programmes_visible_to(request.user), query)
    return {"items": [_programme(p) for p in rows], "next": cursor}


@router.get("/programmes/{programme_id}", response=responses(200, ProgrammeDetailOut))
def programme_get(request, programme_id: Key):
    programme = selectors.programme_get(user=request.user, pk=programme_id)
    villages = selectors.programme_villages(user=request.user, programme=programme)
    return {**_programme(programme), "village_codes": [v.code for v in villages]}
