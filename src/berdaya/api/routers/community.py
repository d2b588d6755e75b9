"""The village profile's records: local institutions, earlier programmes, capital items.

Programme data, not personal data: viewers read these too; facilitators, managers and
admins of the village write them through `community.services`.
"""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from berdaya.community import selectors, services
from berdaya.community.models import Institution
from berdaya.organisations.models import Organisation

from ..common import InputSchema, Key, Text, VillageCode, choice_of, links_from_id
from ..errors import responses

router = Router(tags=["community"])


class InstitutionOut(Schema):
    id: int
    organisation_id: int
    village_code: str
    kind: str
    name: str
    description: str
    members: int | None
    since_year: int | None
    meets: str
    active: bool
    strength: int


def _institution(item) -> InstitutionOut:
    return InstitutionOut(
        id=item.pk,
        organisation_id=item.organisation_id,
        village_code=item.village_id,
        kind=item.kind,
        name=item.name,
        description=item.description,
        members=item.members,
        since_year=item.since_year,
        meets=item.meets,
        active=item.active,
        strength=item.strength,
    )


class PastProgrammeOut(Schema):
    id: int
    organisation_id: int
    village_code: str
    name: str
    run_by: str
    approach: str
    start_year: int | None
    end_year: int | None
    experience: str
    continued: bool | None


class CapitalItemOut(Schema):
    id: int
    organisation_id: int
    village_code: str
    capital: str
    description: str
    strength: int
    source: str
    recorded_on: datetime.date


@router.get("/villages/{village_code}/institutions", response=responses(200, list[InstitutionOut]))
def institution_list(request, village_code: VillageCode):
    village = selectors.village_for_user(user=request.user, code=village_code)
    return [_institution(i) for i in selectors.institutions_of(user=request.user, village=village)]


@router.get(
    "/villages/{village_code}/past-programmes", response=responses(200, list[PastProgrammeOut])
)
def past_programme_list(request, village_code: VillageCode):
    village = selectors.village_for_user(user=request.user, code=village_code)
    return [
        PastProgrammeOut(
            id=p.pk,
            organisation_id=p.organisation_id,
            village_code=p.village_id,
            name=p.name,
            run_by=p.run_by,
            approach=p.approach,
            start_year=p.start_year,
            end_year=p.end_year,
            experience=p.experience,
            continued=p.continued,
        )
        for p in selectors.past_programmes_of(user=request.user, village=village)
    ]


@router.get("/villages/{village_code}/capital-items", response=responses(200, list[CapitalItemOut]))
def capital_item_list(request, village_code: VillageCode):
    village = selectors.village_for_user(user=request.user, code=village_code)
    return [
        CapitalItemOut(
            id=c.pk,
            organisation_id=c.organisation_id,
            village_code=c.village_id,
            capital=c.capital,
            description=c.description,
            strength=c.strength,
            source=c.source,
            recorded_on=c.recorded_on,
        )
        for c in selectors.capital_items_of(user=request.user, village=village)
    ]


@router.get("/institutions/{institution_id}", response=responses(200, InstitutionOut))
def institution_get(request, institution_id: Key):
    return _institution(selectors.institution_get(user=request.user, pk=institution_id))


InstitutionKind = choice_of(Institution.Kind)


class InstitutionIn(InputSchema):
    village_code: VillageCode
    organisation_id: Key | None = Field(
        None, description="Needed only when you work in the village for several organisations."
    )
    kind: InstitutionKind
    name: Text = Field(..., min_length=1, max_length=150)
    description: Text = Field("", max_length=5000)
    members: int | None = Field(None, ge=0, le=1_000_000)
    since_year: int | None = Field(None, ge=1800, le=2200)
    meets: Text = Field("", max_length=100)
    active: bool = True
    strength: int = Field(3, ge=1, le=5)


@router.post(
    "/institutions",
    response=responses(201, InstitutionOut),
    openapi_extra=links_from_id(201, "institution_id", "institution_get", "institution_update"),
)
def institution_create(request, payload: InstitutionIn):
    village = selectors.village_for_user(user=request.user, code=payload.village_code)
    organisation_id = services.editing_organisation(
        request.user, village_code=village.code, preferred=payload.organisation_id
    )
    institution = services.institution_create(
        user=request.user,
        organisation=Organisation.objects.get(pk=organisation_id),
        village=village,
        **payload.model_dump(exclude={"village_code", "organisation_id"}),
    )
    return Status(201, _institution(institution))


class InstitutionPatch(InputSchema):
    kind: InstitutionKind | None = None
    name: Text | None = Field(None, min_length=1, max_length=150)
    description: Text | None = Field(None, max_length=5000)
    members: int | None = Field(None, ge=0, le=1_000_000)
    since_year: int | None = Field(None, ge=1800, le=2200)
    meets: Text | None = Field(None, max_length=100)
    active: bool | None = None
    strength: int | None = Field(None, ge=1, le=5)


@router.patch("/institutions/{institution_id}", response=responses(200, InstitutionOut))
def institution_update(request, institution_id: Key, payload: InstitutionPatch):
    institution = selectors.institution_get(user=request.user, pk=institution_id)
    changes = payload.model_dump(exclude_unset=True)
    # A field sent as null means "no change" for the ones that cannot be empty.
    changes = {k: v for k, v in changes.items() if v is not None or k in {"members", "since_year"}}
    return _institution(
        services.institution_update(user=request.user, institution=institution, **changes)
    )
