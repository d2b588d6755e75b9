"""Writes to the community profile: institutions, earlier programmes, capital items.

Facilitators, managers and administrators of a village record these for their
organisation; viewers only read. Every write checks that, validates the row
(`full_clean`, so the database constraints are met first with a readable message)
and is audited (auditlog).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.core.access import grants_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.organisations.models import Organisation

from .models import CapitalItem, Institution, PastProgramme


def not_an_editor() -> PermissionDenied:
    return PermissionDenied(
        _("Only facilitators, managers and administrators of this village can change its profile.")
    )


def can_edit_community(user, *, organisation_id: int, village_code: str) -> bool:
    """Facilitators (of their villages), managers and admins write the community profile."""
    return any(
        grant.personal
        and grant.organisation_id == organisation_id
        and village_code in grant.village_codes
        for grant in grants_for(user)
    )


def editing_organisation(user, *, village_code: str, preferred: int | None = None) -> int:
    """The organisation a new community record of `village_code` belongs to.

    The user's organisation in that village (the workspace's if it is one of them).
    """
    candidates = [
        grant.organisation_id
        for grant in grants_for(user)
        if grant.personal and village_code in grant.village_codes
    ]
    if not candidates:
        raise not_an_editor()
    return preferred if preferred in candidates else candidates[0]


def _check(user, record) -> None:
    if user is not None and not can_edit_community(
        user, organisation_id=record.organisation_id, village_code=record.village_id
    ):
        raise not_an_editor()


def _save(record: models.Model) -> models.Model:
    try:
        record.full_clean(exclude=["organisation", "village", "recorded_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(
            str(messages[0]), field=None if field == "__all__" else field
        ) from error
    record.save()
    return record


def _apply(record: models.Model, changes: dict, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(record, name, value)


INSTITUTION_FIELDS = {
    "kind",
    "name",
    "description",
    "members",
    "since_year",
    "meets",
    "active",
    "strength",
    "latitude",
    "longitude",
}


@transaction.atomic
def institution_create(
    *,
    user,
    organisation: Organisation,
    village: Village,
    kind: str,
    name: str,
    description: str = "",
    members: int | None = None,
    since_year: int | None = None,
    meets: str = "",
    active: bool = True,
    strength: int = 3,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Institution:
    institution = Institution(
        organisation=organisation,
        village=village,
        kind=kind,
        name=name.strip(),
        description=description.strip(),
        members=members,
        since_year=since_year,
        meets=meets.strip(),
        active=active,
        strength=strength,
        latitude=latitude,
        longitude=longitude,
        recorded_by=user,
    )
    _check(user, institution)
    return _save(institution)


@transaction.atomic
def institution_update(*, user, institution: Institution, **changes) -> Institution:
    _check(user, institution)
    _apply(institution, changes, INSTITUTION_FIELDS)
    return _save(institution)


PAST_PROGRAMME_FIELDS = {
    "name",
    "run_by",
    "approach",
    "start_year",
    "end_year",
    "experience",
    "what_people_said",
    "continued",
    "lessons",
}


@transaction.atomic
def past_programme_create(
    *,
    user,
    organisation: Organisation,
    village: Village,
    name: str,
    approach: str,
    experience: str,
    run_by: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    what_people_said: str = "",
    continued: bool | None = None,
    lessons: str = "",
) -> PastProgramme:
    programme = PastProgramme(
        organisation=organisation,
        village=village,
        name=name.strip(),
        run_by=run_by.strip(),
        approach=approach,
        start_year=start_year,
        end_year=end_year,
        experience=experience,
        what_people_said=what_people_said.strip(),
        continued=continued,
        lessons=lessons.strip(),
        recorded_by=user,
    )
    _check(user, programme)
    return _save(programme)


@transaction.atomic
def past_programme_update(*, user, programme: PastProgramme, **changes) -> PastProgramme:
    _check(user, programme)
    _apply(programme, changes, PAST_PROGRAMME_FIELDS)
    return _save(programme)


CAPITAL_ITEM_FIELDS = {
    "capital",
    "description",
    "strength",
    "source",
    "recorded_on",
    "latitude",
    "longitude",
}


@transaction.atomic
def capital_item_create(
    *,
    user,
    organisation: Organisation,
    village: Village,
    capital: str,
    description: str,
    strength: int,
    recorded_on: datetime.date,
    source: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> CapitalItem:
    item = CapitalItem(
        organisation=organisation,
        village=village,
        capital=capital,
        description=description.strip(),
        strength=strength,
        source=source.strip(),
        recorded_on=recorded_on,
        latitude=latitude,
        longitude=longitude,
        recorded_by=user,
    )
    _check(user, item)
    return _save(item)


@transaction.atomic
def capital_item_update(*, user, item: CapitalItem, **changes) -> CapitalItem:
    _check(user, item)
    _apply(item, changes, CAPITAL_ITEM_FIELDS)
    return _save(item)


@transaction.atomic
def community_record_delete(*, user, record: Institution | PastProgramme | CapitalItem) -> None:
    """Remove a record entered by mistake (the audit trail keeps what it said)."""
    _check(user, record)
    record.delete()
