"""Registering households and recording what happens to them over the years."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.areas.models import District, Village
from berdaya.core import crypto
from berdaya.core.errors import ValidationFailed
from berdaya.core.masking import mask_identifiers
from berdaya.organisations.models import Organisation

from .. import figures, rounds
from ..building import free_answers, household_from_record, person_from_member, survey_from_record
from ..duplicates import duplicate_signals_record, may_see
from ..models import (
    Consent,
    DuplicateNikSignal,
    Enrolment,
    Household,
    HouseholdSurvey,
    Person,
    RegistryEvent,
    SocialProtectionScheme,
    Submission,
)
from ..records import HouseholdRecord, MemberRecord, Problem, Where
from ..selectors import programme_questions
from ..validation import validate_households

# The simple form of a member used by the web form, the demo and tests.
MemberInput = MemberRecord


class InvalidRecords(ValidationFailed):
    """Records that broke the rules; `problems` lists every one (row, column, reason)."""

    def __init__(self, problems: Sequence[Problem], *, duplicates=(), signal: dict | None = None):
        first = problems[0]
        super().__init__(first.reason, field=_field_path(first))
        self.problems = list(problems)
        # NIKs registered in another household, and where to file the signal.
        self.duplicates = list(duplicates)
        self.signal = signal


def _signals_duplicates(service):
    """Record a duplicate-NIK signal for a refused write, after its rollback
    (registry.duplicates): wraps a service outside its transaction."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except InvalidRecords as error:
            if error.duplicates and error.signal:
                duplicate_signals_record(attempts=error.duplicates, **error.signal)
            raise

    return wrapper


def _refuse(report, *, organisation_id: int, village_code: str, user) -> None:
    if not report.ok:
        raise InvalidRecords(
            report.errors,
            duplicates=report.duplicates,
            signal={
                "organisation_id": organisation_id,
                "village_code": village_code,
                "user": user,
                "source": DuplicateNikSignal.Source.FORM,
            },
        )


def _field_path(problem: Problem) -> str:
    # Members of a single registration are numbered from 0, like the form's fields.
    if problem.sheet == MEMBERS:
        return f"members.{problem.row}.{problem.column}"
    return problem.column


MEMBERS = "members"


def _numbered(members: Sequence[MemberRecord]) -> list[MemberRecord]:
    return [replace(m, where=Where(index, MEMBERS)) for index, m in enumerate(members)]


def _district_codes() -> set[str]:
    return set(District.objects.values_list("code", flat=True))


def _existing_nik_hashes(organisation_id: int, hashes: Iterable[str], exclude_household=None):
    found = Person.objects.filter(organisation_id=organisation_id, nik_hash__in=list(hashes))
    if exclude_household is not None:
        found = found.exclude(household=exclude_household)
    return dict(found.values_list("nik_hash", "household_id"))


def _event(household, kind, on, *, person=None, user=None, **details) -> RegistryEvent:
    return RegistryEvent.objects.create(
        organisation_id=household.organisation_id,
        household=household,
        person=person,
        kind=kind,
        occurred_on=on,
        details=details,
        recorded_by=user,
    )


@_signals_duplicates
@transaction.atomic
def household_register(
    *,
    organisation: Organisation,
    village: Village,
    members: Sequence[MemberRecord],
    kk: str = "",
    dusun: str = "",
    rw: str = "",
    rt: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    survey: dict | None = None,
    surveyed_on: datetime.date | None = None,
    schemes: Sequence[str] = (),
    consent_given: bool = False,
    programme_answers: dict | None = None,
    submission_uuid: str = "",
    survey_round=None,
    user=None,
) -> Household:
    """Register one household with its members, survey answers and enrolments.

    The same rules as an import (`validation.validate_households`); any broken
    rule raises InvalidRecords and nothing is written.

    `submission_uuid` makes the registration idempotent (a phone that sends its queued
    form twice, a double tap): the same id for the same organisation returns the
    household registered the first time and writes nothing.
    """
    if submission_uuid:
        earlier = _submitted(organisation.pk, submission_uuid)
        if earlier is not None:
            return earlier
    members = _numbered(members)
    record = HouseholdRecord(
        village_code=village.code,
        members=members,
        kk=kk,
        dusun=dusun,
        rw=rw,
        rt=rt,
        address=address,
        latitude=latitude,
        longitude=longitude,
        surveyed_on=surveyed_on,
        survey=dict(survey or {}),
        schemes=list(schemes),
        where=Where(1),
    )
    hashes = [crypto.blind_index(m.nik) for m in members if m.nik]
    report = validate_households(
        [record],
        village_code=village.code,
        district_codes=_district_codes(),
        existing_nik_hashes=_existing_nik_hashes(organisation.pk, hashes),
        may_see=may_see(user),
        today=timezone.localdate(),
    )
    _refuse(report, organisation_id=organisation.pk, village_code=village.code, user=user)
    _check_programme_answers(organisation.pk, village.code, programme_answers)
    check_survey_round(survey_round, organisation.pk, village.code)
    today = timezone.localdate()
    household = household_from_record(record, organisation_id=organisation.pk)
    if submission_uuid:
        try:
            with transaction.atomic():  # the same id sent twice at once: one wins
                household.save()
                Submission.objects.create(
                    organisation=organisation, uuid=submission_uuid, household=household
                )
        except IntegrityError:
            earlier = _submitted(organisation.pk, submission_uuid)
            if earlier is None:
                raise
            return earlier
    else:
        household.save()
    for member in members:
        person_from_member(member, household=household).save()
    _event(household, RegistryEvent.Kind.REGISTERED, today, user=user)
    if programme_answers and not record.survey:
        record = replace(record, survey={"notes": ""})  # the programme's answers alone
    survey_row = survey_from_record(
        record, household=household, surveyed_by_id=getattr(user, "pk", None), today=today
    )
    if survey_row:
        survey_row.extra = dict(programme_answers or {})
        survey_row.round = survey_round
        survey_row.save()
        if survey_round is not None:
            rounds.rounds_changed([survey_round.pk])
        household.latest_survey = survey_row
        household.save(update_fields=["latest_survey"])
    for code in schemes:
        household_enrol(household=household, scheme_code=code, on=surveyed_on or today)
    if consent_given:
        consent_record(
            household=household,
            purpose=Consent.Purpose.MAPPING,
            given_on=surveyed_on or today,
            given_by=household.members.filter(relation=Person.Relation.HEAD).first(),
            user=user,
        )
    figures.household_changed(household)
    return household


def _submitted(organisation_id: int, uuid: str) -> Household | None:
    found = (
        Submission.objects.filter(organisation_id=organisation_id, uuid=uuid)
        .select_related("household")
        .first()
    )
    return found.household if found else None


def _check_programme_answers(organisation_id: int, village_code: str, answers) -> None:
    """Answers only to questions a programme of the village asks."""
    asked = {
        q.name
        for q in programme_questions(organisation_id=organisation_id, village_code=village_code)
    }
    unknown = sorted(set(answers or {}) - asked)
    if unknown:
        raise ValidationFailed(
            _("No programme in this village asks “%(name)s”.") % {"name": unknown[0]}
        )


@transaction.atomic
def household_survey_record(
    *,
    household: Household,
    survey: dict,
    surveyed_on: datetime.date,
    user=None,
    programme_answers: dict | None = None,
    survey_round=None,
) -> HouseholdSurvey:
    """A new survey of living conditions; the earlier ones stay as history. Answers to the
    programme's own questions are kept by question name; a name no programme of the village
    asks is refused. `survey_round` (a `programmes.SurveyRound` of a programme of the
    household's organisation and village) is the round it belongs to: its figures are
    computed again (`rounds.rounds_changed`)."""
    _check_programme_answers(household.organisation_id, household.village_id, programme_answers)
    check_survey_round(survey_round, household.organisation_id, household.village_id)
    record = HouseholdRecord(
        village_code=household.village_id, members=[], survey=dict(survey), surveyed_on=surveyed_on
    )
    report = validate_households(
        [record],
        village_code=household.village_id,
        district_codes=set(),
        today=timezone.localdate(),
        require_one_head=False,
    )
    if not report.ok:
        raise InvalidRecords(report.errors)
    if not any(value not in (None, "", []) for value in survey.values()) and not (
        programme_answers
    ):
        raise ValidationFailed(_("Answer at least one question of the survey."))
    # Answers to the programme's questions alone are a survey too.
    row = survey_from_record(
        replace(record, survey=dict(survey) or {"notes": ""}),
        household=household,
        surveyed_by_id=getattr(user, "pk", None),
        today=surveyed_on,
    )
    row.extra = free_answers(programme_answers or {})
    row.round = survey_round
    row.save()
    latest = household.surveys.order_by("-surveyed_on", "-pk").first()
    household.latest_survey = latest
    household.save(update_fields=["latest_survey", "updated_at"])
    _event(household, RegistryEvent.Kind.SURVEYED, surveyed_on, user=user)
    figures.household_changed(household)
    if survey_round is not None:
        rounds.rounds_changed([survey_round.pk])
    return row


def check_survey_round(survey_round, organisation_id: int, village_code: str) -> None:
    """A survey round must be one of a programme of the organisation covering the village."""
    if survey_round is None:
        return
    programme = survey_round.programme
    if (
        programme.organisation_id != organisation_id
        or not programme.coverage.filter(village_id=village_code).exists()
    ):
        raise ValidationFailed(
            _("The survey round “%(round)s” is not of a programme in this village.")
            % {"round": survey_round.name},
            field="survey_round",
        )


def _scheme(household: Household, code: str) -> SocialProtectionScheme:
    scheme = (
        SocialProtectionScheme.objects.filter(code=code).filter(organisation__isnull=True).first()
        or SocialProtectionScheme.objects.filter(
            code=code, organisation_id=household.organisation_id
        ).first()
    )
    if scheme is None:
        raise ValidationFailed(
            _("Unknown social protection scheme “%(code)s”.") % {"code": code}, field="schemes"
        )
    return scheme


@transaction.atomic
def household_enrol(
    *, household: Household, scheme_code: str, on: datetime.date, person: Person | None = None
) -> Enrolment:
    scheme = _scheme(household, scheme_code)
    open_enrolment = household.enrolments.filter(scheme=scheme, until__isnull=True).first()
    if open_enrolment:
        return open_enrolment
    enrolment = Enrolment.objects.create(
        household=household, person=person, scheme=scheme, since=on, recorded_on=on
    )
    figures.household_changed(household)
    return enrolment


@transaction.atomic
def household_unenrol(*, household: Household, scheme_code: str, on: datetime.date) -> None:
    scheme = _scheme(household, scheme_code)
    for enrolment in household.enrolments.filter(scheme=scheme, until__isnull=True):
        enrolment.until = on
        enrolment.save(update_fields=["until"])
    figures.household_changed(household)


@transaction.atomic
def consent_record(
    *,
    household: Household,
    purpose: str,
    given_on: datetime.date,
    given_by: Person | None = None,
    user=None,
) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationFailed(_("Unknown purpose of consent."), field="purpose")
    if given_by is not None and given_by.household_id != household.pk:
        raise ValidationFailed(_("Consent is given by a member of the household."))
    return Consent.objects.create(
        household=household,
        purpose=purpose,
        given_on=given_on,
        given_by=given_by,
        recorded_by=user,
    )


@transaction.atomic
def consent_withdraw(*, consent: Consent, on: datetime.date) -> Consent:
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    return consent


@_signals_duplicates
@transaction.atomic
def person_add(
    *, household: Household, member: MemberRecord, born: bool = False, on=None, user=None
) -> Person:
    """A baby is born into the household, or someone joins it."""
    if (
        member.relation == Person.Relation.HEAD
        and household.members.filter(
            relation=Person.Relation.HEAD, status=Person.Status.PRESENT
        ).exists()
    ):
        raise ValidationFailed(_("This household already has a head."), field="relation")
    record = HouseholdRecord(village_code=household.village_id, members=_numbered([member]))
    hashes = [crypto.blind_index(member.nik)] if member.nik else []
    report = validate_households(
        [record],
        village_code=household.village_id,
        district_codes=_district_codes(),
        existing_nik_hashes=_existing_nik_hashes(household.organisation_id, hashes),
        may_see=may_see(user),
        today=timezone.localdate(),
        require_one_head=False,
    )
    _refuse(
        report,
        organisation_id=household.organisation_id,
        village_code=household.village_id,
        user=user,
    )
    person = person_from_member(member, household=household)
    person.save()
    on = on or (member.birth_date if born else None) or timezone.localdate()
    kind = RegistryEvent.Kind.BORN if born else RegistryEvent.Kind.JOINED
    _event(household, kind, on, person=person, user=user)
    figures.household_changed(household)
    return person


@transaction.atomic
def person_leave(*, person: Person, reason: str, on: datetime.date, user=None) -> Person:
    """A member dies or moves out. The row stays (history, money records); status changes."""
    kinds = {
        Person.Status.DECEASED: RegistryEvent.Kind.DIED,
        Person.Status.MOVED_OUT: RegistryEvent.Kind.MOVED_OUT,
    }
    if reason not in kinds:
        raise ValidationFailed(_("A member leaves by dying or moving out."), field="reason")
    if person.status != Person.Status.PRESENT:
        raise ValidationFailed(_("This person no longer lives in the household."))
    person.status, person.left_on = reason, on
    person.save(update_fields=["status", "left_on", "updated_at"])
    _event(person.household, kinds[reason], on, person=person, user=user)
    figures.household_changed(person.household_id)
    return person


@transaction.atomic
def household_move(
    *,
    household: Household,
    on: datetime.date,
    village: Village | None = None,
    dusun: str | None = None,
    rw: str | None = None,
    rt: str | None = None,
    address: str | None = None,
    user=None,
) -> Household:
    """The household moves house; the old address is kept in its history."""
    before = {
        "village": household.village_id,
        "dusun": household.dusun,
        "rw": household.rw,
        "rt": household.rt,
    }
    if village is not None:
        household.village = village
    for name, value in (("dusun", dusun), ("rw", rw), ("rt", rt), ("address", address)):
        if value is not None:
            setattr(household, name, mask_identifiers(value.strip()))
    household.save()
    after = {
        "village": household.village_id,
        "dusun": household.dusun,
        "rw": household.rw,
        "rt": household.rt,
    }
    _event(household, RegistryEvent.Kind.HOUSEHOLD_MOVED, on, user=user, before=before, after=after)
    figures.household_changed(household)
    return household


@transaction.atomic
def household_split(
    *,
    household: Household,
    member_ids: Sequence[int],
    new_head_id: int,
    on: datetime.date,
    kk: str = "",
    user=None,
) -> Household:
    """Some members form a new household (a married child moves out, say)."""
    members = list(household.members.filter(pk__in=member_ids, status=Person.Status.PRESENT))
    if len(members) != len(set(member_ids)) or not members:
        raise ValidationFailed(_("Choose present members of this household."), field="members")
    if new_head_id not in {m.pk for m in members}:
        raise ValidationFailed(_("The new head must be one of the members who leave."))
    remaining = household.members.filter(status=Person.Status.PRESENT).exclude(pk__in=member_ids)
    if not remaining.exists():
        raise ValidationFailed(_("At least one member must stay in the household."))
    if not remaining.filter(relation=Person.Relation.HEAD).exists():
        raise ValidationFailed(_("The head stays; to move the head, split the others instead."))
    kk_digits = crypto.normalise_identifier(kk)
    new = Household.objects.create(
        organisation_id=household.organisation_id,
        village_id=household.village_id,
        kk=kk_digits,
        kk_hash=crypto.blind_index(kk_digits) if kk_digits else "",
        dusun=household.dusun,
        rw=household.rw,
        rt=household.rt,
        address=household.address,
    )
    for member in members:
        member.household = new
        member.relation = (
            Person.Relation.HEAD if member.pk == new_head_id else Person.Relation.OTHER_RELATIVE
        )
        member.save(update_fields=["household", "relation", "updated_at"])
    details = {"from_household": household.pk, "to_household": new.pk, "members": len(members)}
    _event(household, RegistryEvent.Kind.SPLIT, on, user=user, **details)
    _event(new, RegistryEvent.Kind.SPLIT, on, user=user, **details)
    figures.household_changed(household, new)
    return new


@transaction.atomic
def household_merge(
    *, source: Household, target: Household, on: datetime.date, user=None
) -> Household:
    """`source`'s members join `target`; `source` is closed, never deleted."""
    if source.pk == target.pk or source.organisation_id != target.organisation_id:
        raise ValidationFailed(_("Choose two different households of the same organisation."))
    if source.status != Household.Status.ACTIVE or target.status != Household.Status.ACTIVE:
        raise ValidationFailed(_("Only active households can be merged."))
    moved = 0
    for member in source.members.filter(status=Person.Status.PRESENT):
        member.household = target
        if member.relation == Person.Relation.HEAD:
            member.relation = Person.Relation.OTHER_RELATIVE  # the target keeps its head
        member.save(update_fields=["household", "relation", "updated_at"])
        moved += 1
    source.status, source.ended_on = Household.Status.MERGED, on
    source.save(update_fields=["status", "ended_on", "updated_at"])
    details = {"from_household": source.pk, "to_household": target.pk, "members": moved}
    _event(source, RegistryEvent.Kind.MERGED, on, user=user, **details)
    _event(target, RegistryEvent.Kind.MERGED, on, user=user, **details)
    figures.household_changed(source, target)
    return target
