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

from .models import CapitalItem, Institution, PastProgramme, PovertyLineOverride


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


# -- poverty lines -----------------------------------------------------------------------------


def line_areas(user, *, organisation_id: int) -> dict[str, str]:
    """The provinces and regencies an organisation works in, code -> name, for a manager's
    poverty lines (its programmes' villages)."""
    from berdaya.areas.models import Province, Regency
    from berdaya.core.access import village_codes_for

    from .lines import area_codes_of

    codes = village_codes_for(user, organisation_id=organisation_id)
    provinces = {area_codes_of(code)[0] for code in codes}
    regencies = {area_codes_of(code)[1] for code in codes}
    areas = {p.code: p.name.title() for p in Province.objects.filter(code__in=provinces)}
    for regency in Regency.objects.filter(code__in=regencies).select_related("province"):
        areas[regency.code] = f"{regency.name.title()} ({regency.province.name.title()})"
    return dict(sorted(areas.items()))


def line_organisations(user) -> list[int]:
    """The organisations whose poverty lines `user` may set: managers and administrators."""
    from berdaya.core.access import organisation_ids_for
    from berdaya.organisations.models import Role

    return sorted(organisation_ids_for(user, roles={Role.ADMIN, Role.MANAGER}))


@transaction.atomic
def poverty_line_set(
    *,
    user,
    organisation_id: int,
    area_code: str,
    year: int | None,
    amount: int | None,
    source: str,
) -> PovertyLineOverride:
    """Set (or replace) the organisation's poverty line of a province or regency for a year.
    The organisation's village figures there are computed again with it."""
    from berdaya.registry import figures

    from .models import LINE_FIRST_YEAR, LINE_LAST_YEAR

    if organisation_id not in line_organisations(user):
        raise PermissionDenied(_("Only managers and administrators can set poverty lines."))
    if area_code not in line_areas(user, organisation_id=organisation_id):
        raise ValidationFailed(
            _("Choose a province or regency where your programmes work."), field="area_code"
        )
    if year is None or not LINE_FIRST_YEAR <= year <= LINE_LAST_YEAR:
        raise ValidationFailed(
            _("Give a year from %(first)s to %(last)s.")
            % {"first": LINE_FIRST_YEAR, "last": LINE_LAST_YEAR},
            field="year",
        )
    if amount is None or amount <= 0:
        raise ValidationFailed(
            _("The poverty line must be more than Rp 0 per person per month."), field="amount"
        )
    if amount > LINE_HIGHEST:
        raise ValidationFailed(
            _("A poverty line above Rp 10,000,000 per person per month is not plausible."),
            field="amount",
        )
    source = source.strip()
    if not source:
        raise ValidationFailed(
            _("Say where the line comes from (e.g. BPS Kabupaten, Maret 2025)."), field="source"
        )
    line, _created = PovertyLineOverride.objects.update_or_create(
        organisation_id=organisation_id,
        area_code=area_code,
        year=year,
        defaults={"amount": amount, "source": source[:255], "set_by": user},
    )
    figures.poverty_line_changed(organisation_id=organisation_id, area_code=area_code)
    return line


# BPS's highest provincial line is under Rp1 million a month; ten times that is a typo.
LINE_HIGHEST = 10_000_000


@transaction.atomic
def poverty_line_remove(*, user, line: PovertyLineOverride) -> None:
    """Remove an organisation's own line: the shipped BPS line is used again."""
    from berdaya.registry import figures

    if line.organisation_id not in line_organisations(user):
        raise PermissionDenied(_("Only managers and administrators can set poverty lines."))
    organisation_id, area_code = line.organisation_id, line.area_code
    line.delete()
    figures.poverty_line_changed(organisation_id=organisation_id, area_code=area_code)
