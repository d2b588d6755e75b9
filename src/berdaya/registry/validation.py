"""Rules every household record must pass, wherever it came from.

Errors block the write (an import is all or nothing); warnings are shown and
kept, because real registers contain honest mistakes (a NIK whose encoded birth
date disagrees with the recorded one is common, and is for the facilitator to
check, not for the software to refuse).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from berdaya.core import crypto
from berdaya.core.dates import show_date
from berdaya.core.validators import IntegerOutOfRange, check_integer, column_range

from . import choices
from .models import HouseholdSurvey, Person
from .records import SURVEY_FIELDS, HouseholdRecord, MemberRecord, Problem

MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class AskedOf:
    """Who a member question is asked of: ages (full years on the survey date), sex.

    The XLSForm's relevance is built from these (registry/xlsform.py), so the form asks
    exactly whom the import expects; an answer outside (a pregnant man, a married
    six-year-old) is imported with a warning to check it. `harmless` answers (a "no")
    are fine for anyone.
    """

    minimum: int | None = None
    maximum: int | None = None
    sex: str = ""
    harmless: frozenset = frozenset()


ASKED_OF = {
    "pregnant": AskedOf(10, 55, sex=Person.Sex.FEMALE, harmless=frozenset({False})),
    "attending_school": AskedOf(5, 24, harmless=frozenset({False})),
    "marital_status": AskedOf(10, harmless=frozenset({"single"})),
    "occupation": AskedOf(10, harmless=frozenset({"student", "not_working"})),
    # The global MPI's nutrition: children under 5 (posyandu weighing), 5–19 (thin for
    # their age), adults 20–70 (BMI under 18.5); not asked after 70.
    "undernourished": AskedOf(None, 70, harmless=frozenset({False})),
}
NUTRITION_BANDS = ((0, 4), (5, 19), (20, 70))


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Full years on a day (as the form's `int((survey date - birth date) div 365.25)`)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def asked_of_problem(name: str, value, *, sex: str, age: int | None) -> str:
    """Why an answer is not one the form would have asked for, or ''."""
    rule = ASKED_OF[name]
    if value in (None, "") or value in rule.harmless:
        return ""
    if rule.sex and sex and sex != rule.sex:
        return _("Asked only of women: check this answer.")
    if age is None:
        return ""
    low = rule.minimum if rule.minimum is not None else 0
    high = rule.maximum if rule.maximum is not None else MAX_AGE_YEARS
    if low <= age <= high:
        return ""
    if rule.maximum is None:
        band = _("%(min)d and over") % {"min": low}
    elif rule.minimum is None:
        band = _("up to %(max)d") % {"max": high}
    else:
        band = f"{low}–{high}"
    return _("Asked only of people aged %(band)s; this person is %(age)d: check this answer.") % {
        "band": band,
        "age": age,
    }


_SINGLE_CHOICES = {
    "floor": choices.Floor,
    "wall": choices.Wall,
    "roof": choices.Roof,
    "water": choices.Water,
    "sanitation": choices.Sanitation,
    "electricity": choices.Electricity,
    "cooking_fuel": choices.CookingFuel,
    "income_band": choices.IncomeBand,
    "expenditure_band": choices.IncomeBand,
}
_MULTI_CHOICES = {"assets": choices.Asset, "disasters": choices.Disaster}
_COUNTS = {"water_minutes", "land_m2", "cattle", "goats", "poultry", "child_deaths_5y"}
_MEMBER_CHOICES = {
    "sex": Person.Sex,
    "relation": Person.Relation,
    "marital_status": choices.Marital,
    "education": choices.Education,
    "occupation": choices.Occupation,
}


@functools.cache
def _column_range(name: str) -> tuple[int, int]:
    return column_range(HouseholdSurvey, name)


@functools.cache
def _codes(choice) -> frozenset[str]:
    """The allowed codes of a TextChoices, once: `.values` builds a new list (with every
    label) on each call, which was most of the time of checking a large import."""
    return frozenset(choice.values)


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # NIKs the organisation holds in another household (see registry.duplicates).
    duplicates: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class NikCheck:
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def nik_birth_date(nik: str) -> tuple[datetime.date | None, str | None]:
    """The birth date and sex a NIK encodes (day + 40 for women), or (None, None)."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Person.Sex.MALE
    if day > 40:
        day, sex = day - 40, Person.Sex.FEMALE
    # Two-digit years: the century is the one that puts the date in the past.
    today = datetime.date.today()
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        return datetime.date(century + year, month, day), sex
    except ValueError:
        return None, None


def check_nik(
    nik: str,
    *,
    sex: str = "",
    birth_date: datetime.date | None = None,
    district_codes: Iterable[str] | None = None,
) -> NikCheck:
    """NIK structure: 16 digits, an existing district code, a valid encoded birth date."""
    digits = crypto.normalise_identifier(nik)
    if len(digits) != 16 or digits != nik.strip().replace(" ", "").replace("-", ""):
        return NikCheck(
            errors=(
                _("A NIK has exactly 16 digits; this one has %(count)d.") % {"count": len(digits)},
            )
        )
    errors, warnings = [], []
    district = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    if district_codes is not None and district not in district_codes:
        errors.append(
            _("The first six digits (%(code)s) are not a district (kecamatan) code.")
            % {"code": district}
        )
    encoded, encoded_sex = nik_birth_date(digits)
    if encoded is None:
        errors.append(_("Digits 7–12 are not a date (DDMMYY, day + 40 for women)."))
    else:
        if birth_date and (encoded.day, encoded.month, encoded.year % 100) != (
            birth_date.day,
            birth_date.month,
            birth_date.year % 100,
        ):
            warnings.append(
                _("The birth date in the NIK (%(nik_date)s) differs from the recorded one.")
                % {"nik_date": show_date(encoded)}
            )
        if sex and encoded_sex != sex:
            warnings.append(_("The NIK encodes a different sex than the one recorded."))
    if digits[12:] == "0000":
        errors.append(_("The last four digits of a NIK are a serial number from 0001."))
    return NikCheck(tuple(errors), tuple(warnings))


def check_kk(
    kk: str, *, district_codes: Iterable[str] | None = None, village_code: str = ""
) -> NikCheck:
    """KK structure: 16 digits; its district code should be a district, and the village's
    (the KK is issued where the household lives; an old one after a move, or after a
    district was split, is for the facilitator to check)."""
    digits = crypto.normalise_identifier(kk)
    if len(digits) != 16 or digits != kk.strip().replace(" ", "").replace("-", ""):
        return NikCheck(
            errors=(
                _("A KK number has exactly 16 digits; this one has %(count)d.")
                % {"count": len(digits)},
            )
        )
    district = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    if district_codes is not None and district not in district_codes:
        return NikCheck(
            warnings=(
                _("The first six digits (%(code)s) are not a district (kecamatan) code.")
                % {"code": district},
            )
        )
    if village_code and village_code[:8] != district:
        return NikCheck(
            warnings=(
                _(
                    "The first six digits (%(code)s) are not this village's district "
                    "(%(village)s): check the number."
                )
                % {"code": district, "village": village_code[:8]},
            )
        )
    return NikCheck()


class _Collector:
    def __init__(self, report: Report, column_names: Mapping[str, str]):
        self.report = report
        self.column_names = column_names

    def _problem(self, where, column, value, reason, *, mask=False) -> Problem:
        shown = crypto.mask(str(value)) if mask else ("" if value is None else str(value))
        return Problem(
            row=where.row,
            sheet=where.sheet,
            column=self.column_names.get(column, column),
            value=shown[:80],
            reason=str(reason),
        )

    def error(self, where, column, value, reason, *, mask=False) -> None:
        self.report.errors.append(self._problem(where, column, value, reason, mask=mask))

    def warn(self, where, column, value, reason, *, mask=False) -> None:
        self.report.warnings.append(self._problem(where, column, value, reason, mask=mask))


def validate_households(
    records: Iterable[HouseholdRecord],
    *,
    village_code: str | None,
    district_codes: set[str],
    existing_nik_hashes: Mapping[str, object] | None = None,
    existing_uuids: set[str] | None = None,
    column_names: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
    require_one_head: bool = True,
    may_see: Callable[[int], bool] | None = None,
) -> Report:
    """Check records for one village (`village_code`; None when the caller has checked each
    record's village, as an import for a programme does). `existing_nik_hashes` are hashes
    already in the organisation's registry -> their household (a NIK there belongs to another
    household: an error). Only for a household the user may see (`may_see(household_id)`) does
    the message say so; otherwise it asks to check the number (registry.duplicates)."""
    from .duplicates import DuplicateAttempt, duplicate_message

    report = Report()
    say = _Collector(report, column_names or {})
    today = today or datetime.date.today()
    existing_nik_hashes = existing_nik_hashes or {}
    existing_uuids = existing_uuids or set()
    seen_niks: dict[str, int] = {}
    seen_uuids: set[str] = set()
    for record in records:
        if record.uuid and record.uuid in existing_uuids:
            continue  # imported before: skipped, not checked again
        if record.uuid:
            if record.uuid in seen_uuids:
                say.error(record.where, "uuid", record.uuid, _("This submission appears twice."))
            seen_uuids.add(record.uuid)
        _check_household(say, record, village_code, district_codes, today)
        heads = [m for m in record.members if m.relation == Person.Relation.HEAD]
        if require_one_head and len(heads) != 1:
            say.error(
                record.where,
                "members",
                len(heads),
                _("A household needs exactly one head; this one has %(count)d.")
                % {"count": len(heads)},
            )
        for member in record.members:
            _check_member(say, member, district_codes, today, record.surveyed_on)
            if not member.nik:
                continue
            nik_hash = crypto.blind_index(member.nik)
            if nik_hash in existing_nik_hashes:
                household_id = existing_nik_hashes[nik_hash]
                say.error(
                    member.where,
                    "nik",
                    member.nik,
                    duplicate_message(visible=bool(may_see and may_see(household_id))),
                    mask=True,
                )
                report.duplicates.append(
                    DuplicateAttempt(nik_hash, household_id, record.village_code)
                )
            elif nik_hash in seen_niks:
                say.error(
                    member.where,
                    "nik",
                    member.nik,
                    _("This NIK appears twice in the file (first at row %(row)d).")
                    % {"row": seen_niks[nik_hash]},
                    mask=True,
                )
            else:
                seen_niks[nik_hash] = member.where.row
    return report


def _check_household(say, record, village_code, district_codes, today) -> None:
    where = record.where
    if village_code is not None and record.village_code != village_code:
        say.error(
            where,
            "village_code",
            record.village_code,
            _("This row is for village %(code)s; this import fills %(village)s only.")
            % {"code": record.village_code or "—", "village": village_code},
        )
    if record.kk:
        result = check_kk(
            record.kk,
            district_codes=district_codes,
            village_code=record.village_code or village_code,
        )
        for reason in result.errors:
            say.error(where, "kk", record.kk, reason, mask=True)
        for reason in result.warnings:
            say.warn(where, "kk", record.kk, reason, mask=True)
    if record.latitude is not None and not -90 <= record.latitude <= 90:
        say.error(where, "latitude", record.latitude, _("A latitude lies between -90 and 90."))
    if record.longitude is not None and not -180 <= record.longitude <= 180:
        say.error(where, "longitude", record.longitude, _("A longitude lies between -180 and 180."))
    if record.surveyed_on and record.surveyed_on > today:
        say.error(where, "surveyed_on", record.surveyed_on, _("This date is in the future."))
    for name, value in record.survey.items():
        if name not in SURVEY_FIELDS:
            say.error(where, name, value, _("Unknown survey question."))
        elif name in _SINGLE_CHOICES and value not in ("", None):
            if value not in _codes(_SINGLE_CHOICES[name]):
                say.error(where, name, value, _unknown_choice(_SINGLE_CHOICES[name]))
        elif name in _MULTI_CHOICES:
            for item in value or ():
                if item not in _codes(_MULTI_CHOICES[name]):
                    say.error(where, name, item, _unknown_choice(_MULTI_CHOICES[name]))
        elif (name in _COUNTS or name == "monthly_expenditure") and value is not None:
            try:
                check_integer(value, minimum=0, column=_column_range(name))
            except IntegerOutOfRange as error:
                say.error(where, name, value, error.message)


def _check_member(say, member: MemberRecord, district_codes, today, surveyed_on=None) -> None:
    where = member.where
    on = surveyed_on if surveyed_on and surveyed_on <= today else today
    age = age_on(member.birth_date, on) if member.birth_date and member.birth_date <= on else None
    for name in ASKED_OF:
        value = getattr(member, name)
        reason = asked_of_problem(name, value, sex=member.sex, age=age)
        if reason:
            say.warn(where, name, value, reason)
    _check_network(say, member)
    if not member.name.strip():
        say.error(where, "name", member.name, _("A member needs a name."))
    for name, choice in _MEMBER_CHOICES.items():
        value = getattr(member, name)
        required = name in {"sex", "relation"}
        if (value or required) and value not in _codes(choice):
            say.error(where, name, value, _unknown_choice(choice))
    for item in member.disabilities:
        if item not in _codes(choices.Disability):
            say.error(where, "disabilities", item, _unknown_choice(choices.Disability))
    if member.birth_date:
        if member.birth_date > today:
            say.error(where, "birth_date", member.birth_date, _("This date is in the future."))
        elif (today - member.birth_date).days > MAX_AGE_YEARS * 366:
            say.error(
                where,
                "birth_date",
                member.birth_date,
                _("That would make this person older than %(years)d.") % {"years": MAX_AGE_YEARS},
            )
    if member.nik:
        result = check_nik(
            member.nik, sex=member.sex, birth_date=member.birth_date, district_codes=district_codes
        )
        for reason in result.errors:
            say.error(where, "nik", member.nik, reason, mask=True)
        for reason in result.warnings:
            say.warn(where, "nik", member.nik, reason, mask=True)


def _check_network(say, member: MemberRecord) -> None:
    """The network questions: people picked from the list (registry ids) and names written
    in, at most `MAX_NAMES` per question (the form's constraint)."""
    from berdaya.networks.survey import MAX_NAMES, QUESTIONS, names_of, picked_of

    for name, _kind, _label in QUESTIONS:
        ids = picked_of(member.network.get(name))
        written = member.network.get(f"{name}_names") or ""
        if any(not value.isdigit() for value in ids):
            say.error(
                member.where, f"network.{name}", " ".join(ids), _("Not a person of the list.")
            )
        if len(ids) + len(names_of(written)) > MAX_NAMES:
            say.error(
                member.where,
                f"network.{name}_names" if written else f"network.{name}",
                written or " ".join(ids),
                _("At most %(count)d people.") % {"count": MAX_NAMES},
            )


def _unknown_choice(choice) -> str:
    return _("Not one of the allowed answers (%(allowed)s).") % {
        "allowed": ", ".join(choice.values)
    }
