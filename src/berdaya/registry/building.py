"""Model instances from records: shared by the single write and the bulk import.

Nothing here saves; callers save one by one (audited) or in bulk (imports).

Free text (names, hamlet, RW/RT, address, notes) is kept with any NIK/KK-looking number
masked (`core.masking`): a national identifier lives only in its encrypted column.
"""

from __future__ import annotations

import datetime

from berdaya.core import crypto
from berdaya.core.masking import mask_identifiers, mask_values

from .models import Household, HouseholdSurvey, Person
from .records import HouseholdRecord, MemberRecord


def _identifier(value: str) -> tuple[str, str]:
    digits = crypto.normalise_identifier(value)
    return (digits, crypto.blind_index(digits)) if digits else ("", "")


def _free_text(value: str) -> str:
    return mask_identifiers(value.strip())


def household_from_record(record: HouseholdRecord, *, organisation_id: int) -> Household:
    kk, kk_hash = _identifier(record.kk)
    return Household(
        organisation_id=organisation_id,
        village_id=record.village_code,
        kk=kk,
        kk_hash=kk_hash,
        dusun=_free_text(record.dusun),
        rw=_free_text(record.rw),
        rt=_free_text(record.rt),
        address=_free_text(record.address),
        latitude=record.latitude,
        longitude=record.longitude,
    )


def person_from_member(member: MemberRecord, *, household: Household) -> Person:
    nik, nik_hash = _identifier(member.nik)
    return Person(
        household=household,
        organisation_id=household.organisation_id,
        nik=nik,
        nik_hash=nik_hash,
        name=_free_text(member.name),
        sex=member.sex,
        relation=member.relation,
        birth_date=member.birth_date,
        marital_status=member.marital_status,
        education=member.education,
        attending_school=member.attending_school,
        occupation=member.occupation,
        disabilities=sorted(set(member.disabilities)),
        chronic_illness=member.chronic_illness,
        pregnant=member.pregnant,
        undernourished=member.undernourished,
    )


def survey_from_record(
    record: HouseholdRecord, *, household: Household, surveyed_by_id: int | None, today
) -> HouseholdSurvey | None:
    """None when the record carries no survey answers."""
    if not record.survey:
        return None
    values = {
        key: (sorted(set(value)) if isinstance(value, list) else value)
        for key, value in record.survey.items()
        if value is not None
    }
    for text_field in (
        "floor",
        "wall",
        "roof",
        "water",
        "sanitation",
        "electricity",
        "cooking_fuel",
        "income_band",
        "expenditure_band",
        "notes",
    ):
        values.setdefault(text_field, "")
    values["notes"] = _free_text(values["notes"] or "")
    return HouseholdSurvey(
        household=household,
        surveyed_on=record.surveyed_on or today,
        surveyed_by_id=surveyed_by_id,
        enumerator=record.submitted_by[:150],
        **values,
    )


def free_answers(extra: dict) -> dict:
    """Answers to a programme's own questions, NIK/KK-looking numbers masked."""
    return mask_values(dict(extra))


def event_date(record: HouseholdRecord, today: datetime.date) -> datetime.date:
    return record.surveyed_on or (record.submitted_at.date() if record.submitted_at else today)
