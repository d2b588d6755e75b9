"""Accompaniment: activities, through `facilitation.selectors` and `facilitation.services`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from berdaya.core.errors import ValidationFailed
from berdaya.facilitation import selectors, services
from berdaya.facilitation.models import Activity
from berdaya.facilitation.selectors import ActivityFilters
from berdaya.programmes.selectors import programme_get
from berdaya.programmes.vocabulary import Level, Stage, Strategy

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

router = Router(tags=["facilitation"])


class ActivityOut(Schema):
    id: int
    organisation_id: int
    programme_id: int
    village_code: str
    kind: str
    title: str
    held_on: Date
    place: str
    initiated_by: str
    initiator_person_id: int | None
    initiator_group_id: int | None
    group_id: int | None
    stage: str
    level: str
    strategies: list[str]
    notes: str
    attendance_count: int


def _activity(activity) -> ActivityOut:
    return ActivityOut(
        id=activity.pk,
        organisation_id=activity.organisation_id,
        programme_id=activity.programme_id,
        village_code=activity.village_id,
        kind=activity.kind,
        title=activity.title,
        held_on=activity.held_on,
        place=activity.place,
        initiated_by=activity.initiated_by,
        initiator_person_id=activity.initiator_person_id,
        initiator_group_id=activity.initiator_group_id,
        group_id=activity.group_id,
        stage=activity.stage,
        level=activity.level,
        strategies=list(activity.strategies or []),
        notes=activity.notes,
        attendance_count=(
            activity.people if hasattr(activity, "people") else len(activity.attendance.all())
        ),
    )


Kind = choice_of(Activity.Kind)
Initiator = choice_of(Activity.Initiator)
StageChoice = choice_of(Stage)
LevelChoice = choice_of(Level)
StrategyChoice = choice_of(Strategy)


class ActivityQuery(PageParams):
    programme_id: Key | None = None
    village: VillageCode | None = None
    kind: Kind | None = None
    stage: StageChoice | None = None
    initiated_by: Initiator | None = None
    start: Date | None = None
    end: Date | None = None


@router.get("/activities", response=responses(200, Page[ActivityOut]))
def activity_list(request, query: Query[ActivityQuery]):
    require_personal(request.user)
    filters = ActivityFilters(
        programme_id=query.programme_id,
        village=query.village or "",
        kind=query.kind or "",
        stage=query.stage or "",
        initiated_by=query.initiated_by or "",
        start=query.start,
        end=query.end,
    )
    rows, cursor = page_of(selectors.activity_search(user=request.user, filters=filters), query)
    return {"items": [_activity(a) for a in rows], "next": cursor}


@router.get("/activities/{activity_id}", response=responses(200, ActivityOut))
def activity_get(request, activity_id: Key):
    return _activity(selectors.activity_get(user=request.user, pk=activity_id))


class ActivityDetailsIn(InputSchema):
    kind: Kind
    title: Text = Field(..., min_length=1, max_length=200)
    held_on: Date
    initiated_by: Initiator
    stage: StageChoice
    level: LevelChoice
    strategies: list[StrategyChoice] = Field(default_factory=list, max_length=7)
    place: Text = Field("", max_length=200)
    notes: Text = Field("", max_length=5000)
    initiator_person_id: Key | None = None
    initiator_group_id: Key | None = None
    group_id: Key | None = None


class ActivityIn(ActivityDetailsIn):
    programme_id: Key
    village_code: VillageCode


def _details(user, data: dict, *, organisation_id: int) -> dict:
    """The services' activity details, with people and groups looked up under the access
    rule (an id the caller may not see is refused like an unknown one)."""
    details = {k: v for k, v in data.items() if not k.endswith("_id")}
    person_id = data.get("initiator_person_id")
    details["initiator_person"] = selectors.person_for(
        user=user, pk=person_id, organisation_id=organisation_id
    )
    if person_id and details["initiator_person"] is None:
        raise ValidationFailed(
            _("Choose a person registered in this village."), field="initiator_person_id"
        )
    from berdaya.groups.selectors import groups_visible_to

    for name in ("initiator_group", "group"):
        key = data.get(f"{name}_id")
        found = None
        if key:
            found = groups_visible_to(user).filter(pk=key, organisation_id=organisation_id).first()
            if found is None:
                raise ValidationFailed(_("This group is not in this village."), field=f"{name}_id")
        details[name] = found
    return details


@router.post(
    "/activities",
    response=responses(201, ActivityOut),
    openapi_extra=links_from_id(201, "activity_id", "activity_get", "activity_update"),
)
def activity_create(request, payload: ActivityIn):
    programme = programme_get(user=request.user, pk=payload.programme_id)
    data = payload.model_dump(exclude={"programme_id", "village_code"})
    activity = services.activity_record(
        user=request.user,
        programme=programme,
        village_code=payload.village_code,
        **_details(request.user, data, organisation_id=programme.organisation_id),
    )
    return Status(201, _activity(activity))


class ActivityPatch(InputSchema):
    kind: Kind | None = None
    title: Text | None = Field(None, min_length=1, max_length=200)
    held_on: Date | None = None
    initiated_by: Initiator | None = None
    stage: StageChoice | None = None
    level: LevelChoice | None = None
    strategies: list[StrategyChoice] | None = Field(None, max_length=7)
    place: Text | None = Field(None, max_length=200)
    notes: Text | None = Field(None, max_length=5000)
    initiator_person_id: Key | None = None
    initiator_group_id: Key | None = None
    group_id: Key | None = None


@router.patch("/activities/{activity_id}", response=responses(200, ActivityOut))
def activity_update(request, activity_id: Key, payload: ActivityPatch):
    """Correct an activity: the fields sent change, the others stay (same checks as the page)."""
    activity = selectors.activity_get(user=request.user, pk=activity_id)
    current = {
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on,
        "initiated_by": activity.initiated_by,
        "stage": activity.stage,
        "level": activity.level,
        "strategies": list(activity.strategies or []),
        "place": activity.place,
        "notes": activity.notes,
        "initiator_person_id": activity.initiator_person_id,
        "initiator_group_id": activity.initiator_group_id,
        "group_id": activity.group_id,
    }
    sent = payload.model_dump(exclude_unset=True)
    merged = {
        **current,
        **{k: v for k, v in sent.items() if v is not None or k.endswith("_id")},
    }
    updated = services.activity_update(
        user=request.user,
        activity=activity,
        facilitators=list(activity.facilitators.all()),
        **_details(request.user, merged, organisation_id=activity.organisation_id),
    )
    return _activity(updated)
