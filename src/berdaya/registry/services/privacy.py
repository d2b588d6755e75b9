"""Personal-data duties (UU PDP No. 27/2022): reveal with a reason, access, correct, erase."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core import crypto
from berdaya.core.access import can_reveal_identifiers
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.models import PersonalDataAccess

from .. import figures
from ..duplicates import duplicate_message, visible_households
from ..models import Household, Person, RegistryEvent
from ..validation import check_nik


def _log(user, organisation_id, action, obj, *, field="", purpose="", rows=1) -> None:
    PersonalDataAccess.objects.create(
        user=user,
        organisation_id=organisation_id,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        field=field,
        purpose=purpose[:200],
        row_count=rows,
    )


@transaction.atomic
def identifier_reveal(*, user, obj: Person | Household, purpose: str) -> str:
    """The full NIK (of a person) or KK (of a household), for a stated purpose; logged."""
    household = obj if isinstance(obj, Household) else obj.household
    if not can_reveal_identifiers(
        user, organisation_id=household.organisation_id, village_code=household.village_id
    ):
        raise PermissionDenied(_("Only managers and administrators can see full NIK/KK numbers."))
    if len(purpose.strip()) < 5:
        raise ValidationFailed(_("Say why you need the full number."), field="purpose")
    field = "kk" if isinstance(obj, Household) else "nik"
    _log(
        user,
        household.organisation_id,
        PersonalDataAccess.Action.REVEAL,
        obj,
        field=field,
        purpose=purpose.strip(),
    )
    return getattr(obj, field)


def person_export(*, user, person: Person) -> dict:
    """Everything Berdaya holds about one person, for a data-subject access request."""
    household = person.household
    _log(user, person.organisation_id, PersonalDataAccess.Action.SUBJECT_EXPORT, person)
    return {
        "exported_at": timezone.now().isoformat(),
        "controller": household.organisation.name,
        "person": {
            "nik": person.nik,
            "name": person.name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "relation_to_head": person.relation,
            "marital_status": person.marital_status,
            "education": person.education,
            "attending_school": person.attending_school,
            "occupation": person.occupation,
            "disabilities": person.disabilities,
            "chronic_illness": person.chronic_illness,
            "pregnant": person.pregnant,
            "undernourished": person.undernourished,
            "status": person.status,
            "left_on": person.left_on.isoformat() if person.left_on else None,
        },
        "household": {
            "kk": household.kk,
            "village_code": household.village_id,
            "village": household.village.name,
            "dusun": household.dusun,
            "rw": household.rw,
            "rt": household.rt,
            "address": household.address,
            "surveys": [
                {
                    "surveyed_on": s.surveyed_on.isoformat(),
                    "survey_round": s.round.name if s.round_id else None,
                    **{
                        f.name: getattr(s, f.name)
                        for f in s._meta.concrete_fields
                        if f.name
                        not in {
                            "id",
                            "household",
                            "surveyed_on",
                            "surveyed_by",
                            "created_at",
                            "round",
                        }
                    },
                }
                for s in household.surveys.order_by("surveyed_on", "pk")
            ],
            "social_protection": [
                {
                    "scheme": e.scheme.name,
                    "since": e.since.isoformat() if e.since else None,
                    "until": e.until.isoformat() if e.until else None,
                }
                for e in household.enrolments.select_related("scheme")
            ],
            "consents": [
                {
                    "purpose": c.purpose,
                    "given_on": c.given_on.isoformat(),
                    "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
                }
                for c in household.consents.all()
            ],
        },
        "history": [
            {"what": e.kind, "on": e.occurred_on.isoformat(), "details": e.details}
            for e in person.events.order_by("occurred_on", "pk")
        ],
    }


CORRECTABLE = {
    "name",
    "sex",
    "birth_date",
    "nik",
    "marital_status",
    "education",
    "attending_school",
    "occupation",
    "disabilities",
    "chronic_illness",
    "pregnant",
    "undernourished",
}


@transaction.atomic
def person_correct(*, user, person: Person, changes: dict, reason: str) -> Person:
    """Correct a person's data at their request (or on evidence); the reason is kept."""
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be corrected here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if len(reason.strip()) < 5:
        raise ValidationFailed(_("Say why the data is corrected."), field="reason")
    if "nik" in changes:
        nik = crypto.normalise_identifier(changes["nik"])
        result = check_nik(nik, sex=changes.get("sex", person.sex))
        if result.errors:
            raise ValidationFailed(result.errors[0], field="nik")
        nik_hash = crypto.blind_index(nik)
        holder = (
            Person.objects.filter(organisation_id=person.organisation_id, nik_hash=nik_hash)
            .exclude(pk=person.pk)
            .values_list("household_id", flat=True)
            .first()
        )
        if holder is not None:
            visible = holder in visible_households(user, [holder])
            raise ValidationFailed(duplicate_message(visible=visible), field="nik")
        changes = {**changes, "nik": nik}
        person.nik_hash = nik_hash
    for name, value in changes.items():
        setattr(person, name, value)
    person.full_clean(exclude=["household", "organisation"])
    person.save()
    RegistryEvent.objects.create(
        organisation_id=person.organisation_id,
        household=person.household,
        person=person,
        kind=RegistryEvent.Kind.CORRECTED,
        occurred_on=timezone.localdate(),
        details={"fields": sorted(changes), "reason": reason.strip()},
        recorded_by=user,
    )
    _log(
        user,
        person.organisation_id,
        PersonalDataAccess.Action.SUBJECT_CORRECT,
        person,
        purpose=reason.strip(),
    )
    figures.household_changed(person.household_id)
    return person


@transaction.atomic
def person_erase(*, user, person: Person, reason: str) -> Person:
    """Erase (anonymise) a person: identity goes, statistics stay.

    Name, NIK and exact birth date are removed, and so is the audit trail of the
    person's row (it holds their old names); sex, birth year and the survey
    answers stay, so village figures do not change, and the row stays, so money
    records that point to it still add up.
    """
    if person.anonymised_at:
        raise ValidationFailed(_("This person's data was already erased."))
    if len(reason.strip()) < 5:
        raise ValidationFailed(_("Say why the data is erased."), field="reason")
    person.name = _("(erased)")
    person.nik, person.nik_hash = "", ""
    if person.birth_date:
        # Mid-year keeps the age right to within six months.
        person.birth_date = datetime.date(person.birth_date.year, 7, 1)
    person.anonymised_at = timezone.now()
    person.save()
    LogEntry.objects.get_for_object(person).delete()
    RegistryEvent.objects.create(
        organisation_id=person.organisation_id,
        household=person.household,
        person=person,
        kind=RegistryEvent.Kind.ANONYMISED,
        occurred_on=timezone.localdate(),
        details={"reason": reason.strip()},
        recorded_by=user,
    )
    _log(
        user,
        person.organisation_id,
        PersonalDataAccess.Action.SUBJECT_ERASE,
        person,
        purpose=reason.strip(),
    )
    # The stored figures keep the head's name: the erased one must go there too.
    figures.household_changed(person.household_id)
    return person
