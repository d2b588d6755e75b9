"""Households and persons (Pemetaan): lists, one record, registration, changes, reveals.

Reads go through `registry.selectors` (the access rule) and are recorded in the
personal-data account; writes go through `registry.services`, the same functions the
pages call, so a rule is checked once, in one place. NIK and KK are always masked here;
the reveal operations are the only way to a full number, logged like the page's reveal.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from berdaya.core.access import organisation_ids_for, village_codes_for
from berdaya.core.errors import PermissionDenied
from berdaya.organisations.models import Organisation
from berdaya.registry import choices, selectors, services
from berdaya.registry.models import Household, Person
from berdaya.registry.selectors import HouseholdFilters
from berdaya.registry.services import MemberInput

from ..common import (
    Date,
    InputSchema,
    Key,
    Text,
    VillageCode,
    audit_read,
    blank_or,
    choice_of,
    links_from_id,
    masked,
    require_personal,
)
from ..errors import responses
from ..pagination import Page, PageParams, page_of

router = Router(tags=["registry"])

HouseholdStatus = Literal["active", "moved_away", "split", "merged", "dissolved", "all"]


class MemberOut(Schema):
    id: int
    name: str
    nik_masked: str
    sex: str
    birth_date: datetime.date | None
    relation: str
    status: str


class PersonOut(MemberOut):
    household_id: int
    organisation_id: int
    village_code: str
    marital_status: str
    education: str
    attending_school: bool | None
    occupation: str
    disabilities: list[str]
    chronic_illness: bool | None
    pregnant: bool | None
    undernourished: bool | None
    left_on: datetime.date | None


class HouseholdOut(Schema):
    id: int
    organisation_id: int
    village_code: str
    kk_masked: str
    dusun: str
    rw: str
    rt: str
    address: str
    latitude: float | None
    longitude: float | None
    status: str
    head: str | None
    member_count: int


class HouseholdDetailOut(HouseholdOut):
    poverty_status: str
    deprivation_score: float | None
    members: list[MemberOut]


def _member(person: Person) -> MemberOut:
    return MemberOut(
        id=person.pk,
        name=person.name,
        nik_masked=masked(person.nik),
        sex=person.sex,
        birth_date=person.birth_date,
        relation=person.relation,
        status=person.status,
    )


def _person(person: Person) -> PersonOut:
    return PersonOut(
        **_member(person).model_dump(),
        household_id=person.household_id,
        organisation_id=person.organisation_id,
        village_code=person.household.village_id,
        marital_status=person.marital_status,
        education=person.education,
        attending_school=person.attending_school,
        occupation=person.occupation,
        disabilities=list(person.disabilities or []),
        chronic_illness=person.chronic_illness,
        pregnant=person.pregnant,
        undernourished=person.undernourished,
        left_on=person.left_on,
    )


def _household(household: Household) -> dict:
    present = [m for m in household.members.all() if m.status == Person.Status.PRESENT]
    head = next((m for m in present if m.relation == Person.Relation.HEAD), None)
    return {
        "id": household.pk,
        "organisation_id": household.organisation_id,
        "village_code": household.village_id,
        "kk_masked": masked(household.kk),
        "dusun": household.dusun,
        "rw": household.rw,
        "rt": household.rt,
        "address": household.address,
        "latitude": household.latitude,
        "longitude": household.longitude,
        "status": household.status,
        "head": head.name if head else None,
        "member_count": len(present),
    }


def _household_detail(household: Household) -> HouseholdDetailOut:
    poverty = selectors.poverty_of([household]).get(household.pk)
    return HouseholdDetailOut(
        **_household(household),
        poverty_status=poverty.status if poverty else "unknown",
        deprivation_score=poverty.score if poverty else None,
        members=[_member(m) for m in household.members.all()],
    )


class HouseholdQuery(PageParams):
    village: VillageCode | None = None
    organisation_id: Key | None = None
    dusun: Text = Field("", max_length=100)
    rw: Text = Field("", max_length=3)
    rt: Text = Field("", max_length=3)
    status: HouseholdStatus = "active"


@router.get("/households", response=responses(200, Page[HouseholdOut]))
def household_list(request, query: Query[HouseholdQuery]):
    """Households in the caller's villages, in key order (cursor pagination)."""
    require_personal(request.user)
    filters = HouseholdFilters(
        village=query.village or "",
        dusun=query.dusun,
        rw=query.rw,
        rt=query.rt,
        status=query.status,
        organisation_id=query.organisation_id,
    )
    households = selectors.with_members(
        selectors.household_search(user=request.user, filters=filters)
    )
    rows, cursor = page_of(households, query)
    audit_read(request.user, rows, object_type="household")
    return {"items": [_household(h) for h in rows], "next": cursor}


@router.get("/households/{household_id}", response=responses(200, HouseholdDetailOut))
def household_get(request, household_id: Key):
    household = selectors.household_get(user=request.user, pk=household_id)
    audit_read(request.user, [household], object_type="household")
    return _household_detail(household)


Sex = Literal["L", "P"]
Relation = Literal[tuple(Person.Relation.values)]  # type: ignore[valid-type]


Marital = blank_or(choices.Marital)
Education = blank_or(choices.Education)
Occupation = blank_or(choices.Occupation)
Disability = choice_of(choices.Disability)


class MemberIn(InputSchema):
    name: Text = Field(..., min_length=1, max_length=150)
    sex: Sex
    relation: Relation
    birth_date: Date | None = None
    nik: Text = Field("", max_length=32, description="16 digits; stored encrypted.")
    marital_status: Marital = ""
    education: Education = ""
    attending_school: bool | None = None
    occupation: Occupation = ""
    disabilities: list[Disability] = Field(default_factory=list, max_length=10)
    chronic_illness: bool | None = None
    pregnant: bool | None = None
    undernourished: bool | None = None

    def record(self) -> MemberInput:
        return MemberInput(**self.model_dump())


class HouseholdIn(InputSchema):
    organisation_id: Key
    village_code: VillageCode
    members: list[MemberIn] = Field(..., min_length=1, max_length=40)
    kk: Text = Field("", max_length=32, description="16 digits; stored encrypted.")
    dusun: Text = Field("", max_length=100)
    rw: Text = Field("", max_length=3)
    rt: Text = Field("", max_length=3)
    address: Text = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    consent_given: bool = False


def _registration_target(user, *, organisation_id: int, village_code: str):
    """The organisation and village a new household goes to, if `user` works there."""
    from berdaya.areas.models import Village

    if organisation_id not in organisation_ids_for(user) or village_code not in village_codes_for(
        user, personal=True, organisation_id=organisation_id
    ):
        raise PermissionDenied(
            _("You do not work in this village for this organisation."), field="village_code"
        )
    return Organisation.objects.get(pk=organisation_id), Village.objects.get(code=village_code)


@router.post(
    "/households",
    response=responses(201, HouseholdDetailOut),
    openapi_extra=links_from_id(
        201, "household_id", "household_get", "household_update", "household_member_add"
    ),
)
def household_create(request, payload: HouseholdIn):
    """Register a household with its members: the same rules as the import and the pages."""
    organisation, village = _registration_target(
        request.user, organisation_id=payload.organisation_id, village_code=payload.village_code
    )
    household = services.household_register(
        organisation=organisation,
        village=village,
        members=[m.record() for m in payload.members],
        kk=payload.kk,
        dusun=payload.dusun,
        rw=payload.rw,
        rt=payload.rt,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        consent_given=payload.consent_given,
        user=request.user,
    )
    household = selectors.household_get(user=request.user, pk=household.pk)
    return Status(201, _household_detail(household))


class HouseholdPatch(InputSchema):
    """A move within the village (new dusun, RW, RT or address); kept in its history."""

    on: Date | None = Field(None, description="When it moved; today if not given.")
    dusun: Text | None = Field(None, max_length=100)
    rw: Text | None = Field(None, max_length=3)
    rt: Text | None = Field(None, max_length=3)
    address: Text | None = Field(None, max_length=255)


@router.patch("/households/{household_id}", response=responses(200, HouseholdDetailOut))
def household_update(request, household_id: Key, payload: HouseholdPatch):
    household = selectors.household_get(user=request.user, pk=household_id)
    services.household_move(
        household=household,
        on=payload.on or timezone.localdate(),
        dusun=payload.dusun,
        rw=payload.rw,
        rt=payload.rt,
        address=payload.address,
        user=request.user,
    )
    return _household_detail(selectors.household_get(user=request.user, pk=household_id))


class MemberAddIn(MemberIn):
    born: bool = Field(False, description="Born into the household (else: joined it).")
    on: Date | None = None


@router.post("/households/{household_id}/members", response=responses(201, PersonOut))
def household_member_add(request, household_id: Key, payload: MemberAddIn):
    household = selectors.household_get(user=request.user, pk=household_id)
    data = payload.model_dump(exclude={"born", "on"})
    person = services.person_add(
        household=household,
        member=MemberInput(**data),
        born=payload.born,
        on=payload.on,
        user=request.user,
    )
    return Status(201, _person(selectors.person_get(user=request.user, pk=person.pk)))


class PersonQuery(PageParams):
    village: VillageCode | None = None
    household_id: Key | None = None
    sex: Sex | None = None
    status: Literal["present", "deceased", "moved_out", "all"] = "present"


@router.get("/persons", response=responses(200, Page[PersonOut]))
def person_list(request, query: Query[PersonQuery]):
    """Persons in the caller's villages, in key order (cursor pagination)."""
    require_personal(request.user)
    persons = selectors.persons_visible_to(request.user).select_related("household")
    if query.village:
        persons = persons.filter(household__village_id=query.village)
    if query.household_id:
        persons = persons.filter(household_id=query.household_id)
    if query.sex:
        persons = persons.filter(sex=query.sex)
    if query.status != "all":
        persons = persons.filter(status=query.status)
    rows, cursor = page_of(persons, query)
    audit_read(request.user, rows, object_type="person")
    return {"items": [_person(p) for p in rows], "next": cursor}


@router.get("/persons/{person_id}", response=responses(200, PersonOut))
def person_get(request, person_id: Key):
    person = selectors.person_get(user=request.user, pk=person_id)
    audit_read(request.user, [person], object_type="person")
    return _person(person)


class RevealIn(InputSchema):
    purpose: Text = Field(..., max_length=200, description="Why the full number is needed.")


class RevealOut(Schema):
    field: Literal["nik", "kk"]
    value: str


@router.post("/households/{household_id}/kk/reveal", response=responses(200, RevealOut))
def household_kk_reveal(request, household_id: Key, payload: RevealIn):
    """The full KK, for managers and administrators, with a stated purpose; logged exactly
    like the household page's *Show* button (`registry.services.identifier_reveal`)."""
    household = selectors.household_get(user=request.user, pk=household_id)
    value = services.identifier_reveal(user=request.user, obj=household, purpose=payload.purpose)
    return {"field": "kk", "value": value}


@router.post("/persons/{person_id}/nik/reveal", response=responses(200, RevealOut))
def person_nik_reveal(request, person_id: Key, payload: RevealIn):
    """The full NIK, for managers and administrators, with a stated purpose; logged."""
    person = selectors.person_get(user=request.user, pk=person_id)
    value = services.identifier_reveal(user=request.user, obj=person, purpose=payload.purpose)
    return {"field": "nik", "value": value}
