"""Participatory planning cycles (Aziz's six stages): list, one plan, start one, add problems."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import Field

from berdaya.planning import selectors, services
from berdaya.programmes.selectors import programme_get

from ..common import Date, InputSchema, Key, Text, VillageCode, links_from_id, require_personal
from ..errors import responses
from ..pagination import Page, PageParams, page_of

router = Router(tags=["planning"])


class ProblemOut(Schema):
    id: int
    title: str
    description: str


class PlanOut(Schema):
    id: int
    organisation_id: int
    programme_id: int
    village_code: str
    group_id: int | None
    title: str
    started_on: Date
    step: int
    method: str


class PlanDetailOut(PlanOut):
    problems: list[ProblemOut]


def _plan(cycle) -> dict:
    return {
        "id": cycle.pk,
        "organisation_id": cycle.organisation_id,
        "programme_id": cycle.programme_id,
        "village_code": cycle.village_id,
        "group_id": cycle.group_id,
        "title": cycle.title,
        "started_on": cycle.started_on,
        "step": cycle.step,
        "method": cycle.method,
    }


def _detail(cycle) -> PlanDetailOut:
    problems = [
        ProblemOut(id=p.pk, title=p.title, description=p.description)
        for p in selectors.problems_of(cycle)
    ]
    return PlanDetailOut(**_plan(cycle), problems=problems)


class PlanQuery(PageParams):
    programme_id: Key | None = None
    village: VillageCode | None = None


@router.get("/plans", response=responses(200, Page[PlanOut]))
def plan_list(request, query: Query[PlanQuery]):
    require_personal(request.user)
    cycles = selectors.cycles_visible_to(request.user)
    if query.programme_id:
        cycles = cycles.filter(programme_id=query.programme_id)
    if query.village:
        cycles = cycles.filter(village_id=query.village)
    rows, cursor = page_of(cycles, query)
    return {"items": [_plan(c) for c in rows], "next": cursor}


@router.get("/plans/{cycle_id}", response=responses(200, PlanDetailOut))
def plan_get(request, cycle_id: Key):
    return _detail(selectors.cycle_get(user=request.user, pk=cycle_id))


class PlanIn(InputSchema):
    programme_id: Key
    village_code: VillageCode
    title: Text = Field(..., max_length=200)
    started_on: Date


@router.post(
    "/plans",
    response=responses(201, PlanDetailOut),
    openapi_extra=links_from_id(201, "cycle_id", "plan_get", "plan_problem_add"),
)
def plan_create(request, payload: PlanIn):
    programme = programme_get(user=request.user, pk=payload.programme_id)
    cycle = services.cycle_start(
        user=request.user,
        programme=programme,
        village_code=payload.village_code,
        title=payload.title,
        started_on=payload.started_on,
    )
    return Status(201, _detail(cycle))


class ProblemIn(InputSchema):
    title: Text = Field(..., max_length=200)
    description: Text = Field("", max_length=5000)


@router.post("/plans/{cycle_id}/problems", response=responses(201, PlanDetailOut))
def plan_problem_add(request, cycle_id: Key, payload: ProblemIn):
    """Add a problem the community named (steps 1–2 only, like the page)."""
    cycle = selectors.cycle_get(user=request.user, pk=cycle_id)
    services.problem_add(cycle=cycle, title=payload.title, description=payload.description)
    return Status(201, _detail(cycle))
