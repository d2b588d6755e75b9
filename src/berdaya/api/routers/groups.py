"""Community groups (Pelembagaan): list, one group with its members, found one, add members."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from berdaya.core.errors import ValidationFailed
from berdaya.groups import selectors, services
from berdaya.groups.models import Group, GroupMember
from berdaya.registry.selectors import persons_visible_to

from ..common import (
    Date,
    InputSchema,
    Key,
    Text,
    VillageCode,
    choice_of,
    links_from_id,
    require_personal,
)
from ..errors import responses
from ..pagination import Page, PageParams, page_of

router = Router(tags=["groups"])


class GroupMemberOut(Schema):
    id: int
    person_id: int
    name: str
    role: str
    joined_on: Date
    left_on: datetime.date | None


class GroupOut(Schema):
    id: int
    organisation_id: int
    village_code: str
    programme_id: int | None
    name: str
    kind: str
    founded_on: datetime.date | None
    existed_before_programme: bool
    meeting_schedule: str
    is_active: bool


class GroupDetailOut(GroupOut):
    bylaws: str
    members: list[GroupMemberOut]


def _group(group) -> dict:
    return {
        "id": group.pk,
        "organisation_id": group.organisation_id,
        "village_code": group.village_id,
        "programme_id": group.programme_id,
        "name": group.name,
        "kind": group.kind,
        "founded_on": group.founded_on,
        "existed_before_programme": group.existed_before_programme,
        "meeting_schedule": group.meeting_schedule,
        "is_active": group.is_active,
    }


def _detail(group) -> GroupDetailOut:
    members = [
        GroupMemberOut(
            id=m.pk,
            person_id=m.person_id,
            name=m.person.name,
            role=m.role,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )
        for m in group.members.all()
    ]
    return GroupDetailOut(**_group(group), bylaws=group.bylaws, members=members)


GroupKind = choice_of(Group.Kind)
MemberRole = choice_of(GroupMember.Role)


class GroupQuery(PageParams):
    organisation_id: Key | None = None
    village: VillageCode | None = None
    kind: GroupKind | None = None


@router.get("/groups", response=responses(200, Page[GroupOut]))
def group_list(request, query: Query[GroupQuery]):
    require_personal(request.user)
    groups = selectors.group_list(
        user=request.user,
        organisation_id=query.organisation_id,
        village=query.village or "",
        kind=query.kind or "",
    )
    rows, cursor = page_of(groups, query)
    return {"items": [_group(g) for g in rows], "next": cursor}


@router.get("/groups/{group_id}", response=responses(200, GroupDetailOut))
def group_get(request, group_id: Key):
    return _detail(selectors.group_get(user=request.user, pk=group_id))


class GroupIn(InputSchema):
    organisation_id: Key
    village_code: VillageCode
    name: Text = Field(..., max_length=200)
    kind: GroupKind
    existed_before_programme: bool
    founded_on: Date | None = None
    bylaws: Text = Field("", max_length=5000)
    meeting_schedule: Text = Field("", max_length=200)


@router.post(
    "/groups",
    response=responses(201, GroupDetailOut),
    openapi_extra=links_from_id(201, "group_id", "group_get", "group_member_add"),
)
def group_create(request, payload: GroupIn):
    group = services.group_create(
        user=request.user,
        organisation_id=payload.organisation_id,
        village_code=payload.village_code,
        name=payload.name,
        kind=payload.kind,
        existed_before_programme=payload.existed_before_programme,
        founded_on=payload.founded_on,
        bylaws=payload.bylaws,
        meeting_schedule=payload.meeting_schedule,
    )
    return Status(201, _detail(selectors.group_get(user=request.user, pk=group.pk)))


class GroupMemberIn(InputSchema):
    person_id: Key
    joined_on: Date
    role: MemberRole = "member"


@router.post("/groups/{group_id}/members", response=responses(201, GroupDetailOut))
def group_member_add(request, group_id: Key, payload: GroupMemberIn):
    group = selectors.group_get(user=request.user, pk=group_id)
    person = persons_visible_to(request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationFailed(_("Choose a person registered in this village."), field="person_id")
    services.group_member_add(
        group=group, person=person, joined_on=payload.joined_on, role=payload.role
    )
    return Status(201, _detail(selectors.group_get(user=request.user, pk=group_id)))
