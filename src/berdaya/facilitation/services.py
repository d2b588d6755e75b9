"""Recording accompaniment: activities, who came, what they did, photos."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NotRequired, TypedDict, Unpack

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.dates import show_date
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.groups.models import Group
from berdaya.programmes.models import Programme, ProgrammeVillage
from berdaya.programmes.vocabulary import Level, Stage, Strategy
from berdaya.registry.models import Person

from .models import Activity, AgeBand, Attachment, Attendance, GuestCount

# What a photo or document may be, recognised by its first bytes (not its name).
_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"%PDF-": ("application/pdf", ".pdf"),
}


def _check_village_access(user, programme: Programme, village_code: str) -> None:
    if village_code not in village_codes_for(
        user, personal=True, organisation_id=programme.organisation_id
    ):
        raise PermissionDenied(_("You do not work in this village for this programme."))


def _check_person(person: Person | None, *, activity_village: str, organisation_id: int, field):
    if person is None:
        return
    if person.organisation_id != organisation_id or person.household.village_id != activity_village:
        raise ValidationFailed(
            _("%(name)s is not registered in this village.") % {"name": person.name}, field=field
        )


class ActivityDetails(TypedDict):
    """What a facilitator says about an activity, when recording or correcting it."""

    kind: str
    title: str
    held_on: datetime.date
    initiated_by: str
    stage: str
    level: str
    strategies: NotRequired[Sequence[str]]
    place: NotRequired[str]
    notes: NotRequired[str]
    initiator_person: NotRequired[Person | None]
    initiator_group: NotRequired[Group | None]
    group: NotRequired[Group | None]


_OPTIONAL = {
    "strategies": (),
    "place": "",
    "notes": "",
    "initiator_person": None,
    "initiator_group": None,
    "group": None,
}


def _check_activity(programme: Programme, village_code: str, details: dict) -> None:
    """What a recorded or changed activity must satisfy; raises on the first problem."""
    problems = {
        "kind": details["kind"] not in Activity.Kind.values,
        "initiated_by": details["initiated_by"] not in Activity.Initiator.values,
        "stage": details["stage"] not in Stage.values,
        "level": details["level"] not in Level.values,
        "strategies": any(s not in Strategy.values for s in details["strategies"]),
    }
    for field, wrong in problems.items():
        if wrong:
            raise ValidationFailed(_("Choose one of the listed answers."), field=field)
    if not details["title"].strip():
        raise ValidationFailed(_("Give the activity a title."), field="title")
    if not programme.start_date <= details["held_on"] <= programme.planned_end_date:
        raise ValidationFailed(
            _("The date must fall within the programme (%(start)s – %(end)s).")
            % _programme_dates(programme),
            field="held_on",
        )
    _check_person(
        details["initiator_person"],
        activity_village=village_code,
        organisation_id=programme.organisation_id,
        field="initiator_person",
    )
    for field in ("initiator_group", "group"):
        candidate = details[field]
        if candidate is not None and (
            candidate.village_id != village_code
            or candidate.organisation_id != programme.organisation_id
        ):
            raise ValidationFailed(_("This group is not in this village."), field=field)


def _write(activity: Activity, *, user, facilitators: Sequence, details) -> Activity:
    """Check `details` against the activity's programme and village, then save them."""
    unknown = set(details) - ActivityDetails.__annotations__.keys()
    if unknown:
        raise TypeError(f"unknown activity details: {sorted(unknown)}")
    details = {**_OPTIONAL, **details}
    _check_activity(activity.programme, activity.village_id, details)
    for name, value in details.items():
        setattr(activity, name, value)
    activity.title = activity.title.strip()
    activity.place = activity.place.strip()
    activity.notes = activity.notes.strip()
    activity.strategies = sorted(set(activity.strategies))
    activity.save()
    activity.facilitators.set(list(facilitators) or [user])
    return activity


@transaction.atomic
def activity_record(
    *,
    user,
    programme: Programme,
    village_code: str,
    facilitators: Sequence = (),
    **details: Unpack[ActivityDetails],
) -> Activity:
    _check_village_access(user, programme, village_code)
    if not ProgrammeVillage.objects.filter(programme=programme, village_id=village_code).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")
    activity = Activity(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        created_by=user,
    )
    return _write(activity, user=user, facilitators=facilitators, details=details)


@transaction.atomic
def activity_update(
    *, user, activity: Activity, facilitators: Sequence = (), **details: Unpack[ActivityDetails]
) -> Activity:
    """Correct a recorded activity. Its programme and village stay: who attended depends
    on them. Every change is in the audit trail."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_village_access(user, activity.programme, activity.village_id)
    return _write(activity, user=user, facilitators=facilitators, details=details)


@transaction.atomic
def attendance_record(
    *,
    activity: Activity,
    person: Person,
    spoke: bool = False,
    proposed: bool = False,
    decided: bool = False,
    facilitated: bool = False,
) -> Attendance:
    """Add a registered person to an activity, or update what they did there."""
    _check_person(
        person,
        activity_village=activity.village_id,
        organisation_id=activity.organisation_id,
        field="person",
    )
    if person.status != Person.Status.PRESENT:
        raise ValidationFailed(_("This person no longer lives in the village."), field="person")
    attendance, _created = Attendance.objects.update_or_create(
        activity=activity,
        person=person,
        defaults={
            "spoke": spoke,
            "proposed": proposed,
            "decided": decided,
            "facilitated": facilitated,
        },
    )
    return attendance


@transaction.atomic
def attendance_mark(
    *, activity: Activity, came: Sequence[Person], absent: Sequence[Person] = ()
) -> tuple[int, int]:
    """Tick who came from a list (a group's members, a dusun): those in `came` are added
    (what they did stays when they were recorded already), those in `absent` are taken off.
    All or nothing; (added, removed)."""
    for person in [*came, *absent]:
        _check_person(
            person,
            activity_village=activity.village_id,
            organisation_id=activity.organisation_id,
            field="person",
        )
    gone = [p.name for p in came if p.status != Person.Status.PRESENT]
    if gone:
        raise ValidationFailed(
            _("%(name)s no longer lives in the village.") % {"name": gone[0]}, field="person"
        )
    both = {p.pk for p in came} & {p.pk for p in absent}
    if both:
        raise ValidationFailed(_("A person cannot both come and be absent."), field="person")
    recorded = set(Attendance.objects.filter(activity=activity).values_list("person_id", flat=True))
    added = 0
    for person in came:  # one by one: each row is in the audit trail
        if person.pk not in recorded:
            Attendance.objects.create(activity=activity, person=person)
            recorded.add(person.pk)
            added += 1
    removed = 0
    for row in Attendance.objects.filter(activity=activity, person__in=[p.pk for p in absent]):
        row.delete()
        removed += 1
    return added, removed


@transaction.atomic
def attendance_remove(*, activity: Activity, person_id: int) -> None:
    Attendance.objects.filter(activity=activity, person_id=person_id).delete()


@transaction.atomic
def guests_record(*, activity: Activity, sex: str, age_band: str, count: int) -> None:
    """Set how many unregistered guests of this sex and age band came (0 removes the line)."""
    if sex not in ("L", "P") or age_band not in AgeBand.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="age_band")
    if count < 0:
        raise ValidationFailed(_("A count cannot be negative."), field="count")
    if count == 0:
        GuestCount.objects.filter(activity=activity, sex=sex, age_band=age_band).delete()
        return
    GuestCount.objects.update_or_create(
        activity=activity, sex=sex, age_band=age_band, defaults={"count": count}
    )


@transaction.atomic
def attachment_add(*, activity: Activity, upload: UploadedFile, user) -> Attachment:
    """Keep a photo (JPEG/PNG) or PDF of the activity, refusing anything else or too large."""
    limit = settings.BERDAYA_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": limit // 1_048_576},
            field="file",
        )
    head = upload.read(16)
    upload.seek(0)
    kind = next((v for sig, v in _SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None:
        raise ValidationFailed(_("Only JPEG or PNG photos and PDF documents."), field="file")
    content_type, suffix = kind
    attachment = Attachment(
        activity=activity,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    # A stored name of our own: the uploaded name may carry anything.
    attachment.file.save(f"{activity.pk}{suffix}", upload, save=False)
    attachment.save()
    return attachment


def _programme_dates(programme) -> dict[str, str]:
    return {
        "start": show_date(programme.start_date),
        "end": show_date(programme.planned_end_date),
    }
