"""Recording accompaniment: activities, who came, what they did, photos."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
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


def _check_activity(
    *,
    programme: Programme,
    village_code: str,
    kind: str,
    title: str,
    held_on: datetime.date,
    initiated_by: str,
    stage: str,
    level: str,
    strategies: Sequence[str],
    initiator_person: Person | None,
    initiator_group,
    group,
) -> None:
    """What a recorded or changed activity must satisfy; raises on the first problem."""
    problems = {
        "kind": kind not in Activity.Kind.values,
        "initiated_by": initiated_by not in Activity.Initiator.values,
        "stage": stage not in Stage.values,
        "level": level not in Level.values,
        "strategies": any(s not in Strategy.values for s in strategies),
    }
    for field, wrong in problems.items():
        if wrong:
            raise ValidationFailed(_("Choose one of the listed answers."), field=field)
    if not title.strip():
        raise ValidationFailed(_("Give the activity a title."), field="title")
    if not programme.start_date <= held_on <= programme.planned_end_date:
        raise ValidationFailed(
            _("The date must fall within the programme (%(start)s – %(end)s).")
            % {"start": programme.start_date, "end": programme.planned_end_date},
            field="held_on",
        )
    _check_person(
        initiator_person,
        activity_village=village_code,
        organisation_id=programme.organisation_id,
        field="initiator_person",
    )
    for candidate, field in ((initiator_group, "initiator_group"), (group, "group")):
        if candidate is not None and (
            candidate.village_id != village_code
            or candidate.organisation_id != programme.organisation_id
        ):
            raise ValidationFailed(_("This group is not in this village."), field=field)


@transaction.atomic
def activity_record(
    *,
    user,
    programme: Programme,
    village_code: str,
    kind: str,
    title: str,
    held_on: datetime.date,
    initiated_by: str,
    stage: str,
    level: str,
    strategies: Sequence[str] = (),
    place: str = "",
    notes: str = "",
    initiator_person: Person | None = None,
    initiator_group=None,
    group=None,
    facilitators: Sequence = (),
) -> Activity:
    _check_village_access(user, programme, village_code)
    if not ProgrammeVillage.objects.filter(programme=programme, village_id=village_code).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")
    _check_activity(
        programme=programme,
        village_code=village_code,
        kind=kind,
        title=title,
        held_on=held_on,
        initiated_by=initiated_by,
        stage=stage,
        level=level,
        strategies=strategies,
        initiator_person=initiator_person,
        initiator_group=initiator_group,
        group=group,
    )
    activity = Activity.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        place=place.strip(),
        initiated_by=initiated_by,
        initiator_person=initiator_person,
        initiator_group=initiator_group,
        stage=stage,
        strategies=sorted(set(strategies)),
        level=level,
        group=group,
        notes=notes.strip(),
        created_by=user,
    )
    activity.facilitators.set(list(facilitators) or [user])
    return activity


@transaction.atomic
def activity_update(
    *,
    user,
    activity: Activity,
    kind: str,
    title: str,
    held_on: datetime.date,
    initiated_by: str,
    stage: str,
    level: str,
    strategies: Sequence[str] = (),
    place: str = "",
    notes: str = "",
    initiator_person: Person | None = None,
    initiator_group=None,
    group=None,
    facilitators: Sequence = (),
) -> Activity:
    """Correct a recorded activity. Its programme and village stay: who attended depends
    on them. Every change is in the audit trail."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_village_access(user, activity.programme, activity.village_id)
    _check_activity(
        programme=activity.programme,
        village_code=activity.village_id,
        kind=kind,
        title=title,
        held_on=held_on,
        initiated_by=initiated_by,
        stage=stage,
        level=level,
        strategies=strategies,
        initiator_person=initiator_person,
        initiator_group=initiator_group,
        group=group,
    )
    activity.kind = kind
    activity.title = title.strip()
    activity.held_on = held_on
    activity.place = place.strip()
    activity.initiated_by = initiated_by
    activity.initiator_person = initiator_person
    activity.initiator_group = initiator_group
    activity.stage = stage
    activity.strategies = sorted(set(strategies))
    activity.level = level
    activity.group = group
    activity.notes = notes.strip()
    activity.save()
    activity.facilitators.set(list(facilitators) or [user])
    return activity


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
