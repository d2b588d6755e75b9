"""Writes of advocacy cases: open from a gap, record actions, record the outcome."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.partnerships.selectors import may_write

from .models import AdvocacyAction, AdvocacyCase
from .selectors import AffectedList, affected_households, may_see_names


def _check_works_in(user, programme, village_code: str) -> None:
    # One rule for partnerships and advocacy: managers, and facilitators for their villages.
    if not may_write(user, programme, village_code=village_code):
        raise PermissionDenied(_("You do not work in this village."))
    if not programme.villages.filter(pk=village_code).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")


def coverage_of(*, organisation_id: int, village_code: str, scheme: str) -> dict:
    """A scheme's coverage in a village, as `registry.figures` computes it (one measure)."""
    from berdaya.registry.figures import village_refresh

    row = village_refresh(organisation_id=organisation_id, village_code=village_code)
    figures = (row.figures.get("coverage") or {}).get(scheme)
    if figures is None:
        raise ValidationFailed(_("The registry knows no such scheme."), field="scheme")
    if figures["poor_not_enrolled"] is None:
        raise ValidationFailed(
            _("No household of this village has a known poverty status yet."), field="scheme"
        )
    return {
        "enrolled": figures["enrolled"],
        "poor_not_enrolled": figures["poor_not_enrolled"],
        "computed_on": row.computed_on.isoformat(),
    }


def _common(title: str, target, target_name: str, demand: str, programme) -> tuple[str, str]:
    if not title.strip():
        raise ValidationFailed(_("A case needs a title."), field="title")
    if not demand.strip():
        raise ValidationFailed(_("Say what is demanded, and of whom."), field="demand")
    if target is not None:
        if target.organisation_id != programme.organisation_id:
            raise ValidationFailed(_("Choose a stakeholder of your organisation."), field="target")
        target_name = target_name or target.name
    if not target_name.strip():
        raise ValidationFailed(_("Name the institution the demand is made to."), field="target")
    return " ".join(title.split())[:200], " ".join(target_name.split())[:200]


@transaction.atomic
def case_open_from_gap(
    *,
    user,
    programme,
    village_code: str,
    scheme: str,
    title: str,
    demand: str,
    opened_on: datetime.date,
    target=None,
    target_name: str = "",
) -> AdvocacyCase:
    """A case from a coverage gap: the households affected are the registry's poor
    households not enrolled in `scheme`, counted now and stored as the 'before'."""
    _check_works_in(user, programme, village_code)
    title, target_name = _common(title, target, target_name, demand, programme)
    before = coverage_of(
        organisation_id=programme.organisation_id, village_code=village_code, scheme=scheme
    )
    if before["poor_not_enrolled"] == 0:
        raise ValidationFailed(
            _("Every poor household of this village is enrolled: there is no gap."),
            field="scheme",
        )
    return AdvocacyCase.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        kind=AdvocacyCase.Kind.COVERAGE_GAP,
        scheme=scheme,
        title=title,
        target=target,
        target_name=target_name,
        demand=demand.strip(),
        people_affected=before["poor_not_enrolled"],
        opened_on=opened_on,
        coverage_before=before,
        created_by=user,
    )


@transaction.atomic
def case_open(
    *,
    user,
    programme,
    village_code: str,
    kind: str,
    title: str,
    demand: str,
    people_affected: int,
    opened_on: datetime.date,
    target=None,
    target_name: str = "",
) -> AdvocacyCase:
    """A case from a service failure or a rights violation (counts of households)."""
    _check_works_in(user, programme, village_code)
    if kind not in (AdvocacyCase.Kind.SERVICE_FAILURE, AdvocacyCase.Kind.RIGHTS_VIOLATION):
        raise ValidationFailed(
            _("A coverage gap is opened from the registry's figures."), field="kind"
        )
    title, target_name = _common(title, target, target_name, demand, programme)
    if people_affected is None or people_affected < 1:
        raise ValidationFailed(
            _("Say how many households are affected (at least one)."), field="people_affected"
        )
    return AdvocacyCase.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        kind=kind,
        title=title,
        target=target,
        target_name=target_name,
        demand=demand.strip(),
        people_affected=people_affected,
        opened_on=opened_on,
        created_by=user,
    )


@transaction.atomic
def action_record(
    *,
    user,
    case: AdvocacyCase,
    kind: str,
    held_on: datetime.date,
    poor_participants: int,
    other_participants: int = 0,
    note: str = "",
) -> AdvocacyAction:
    """A hearing, dialogue, campaign, letter or complaint, with who took part."""
    _check_works_in(user, case.programme, case.village_id)
    if kind not in AdvocacyAction.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    if held_on < case.opened_on:
        raise ValidationFailed(_("An action cannot come before its case opened."), field="held_on")
    if poor_participants < 0 or other_participants < 0:
        raise ValidationFailed(_("A count cannot be negative."), field="poor_participants")
    if poor_participants + other_participants == 0:
        raise ValidationFailed(_("Say who took part."), field="poor_participants")
    return AdvocacyAction.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        poor_participants=poor_participants,
        other_participants=other_participants,
        note=note.strip(),
    )


@transaction.atomic
def case_close(
    *, user, case: AdvocacyCase, outcome: str, on: datetime.date, note: str = ""
) -> AdvocacyCase:
    """The outcome; a coverage-gap case is measured again from the registry."""
    _check_works_in(user, case.programme, case.village_id)
    if outcome not in AdvocacyCase.Outcome.values or outcome == AdvocacyCase.Outcome.OPEN:
        raise ValidationFailed(_("Choose one of the listed answers."), field="outcome")
    if on < case.opened_on:
        raise ValidationFailed(_("A case cannot end before it opened."), field="on")
    if case.kind == AdvocacyCase.Kind.COVERAGE_GAP:
        case.coverage_after = coverage_of(
            organisation_id=case.organisation_id,
            village_code=case.village_id,
            scheme=case.scheme,
        )
    elif outcome == AdvocacyCase.Outcome.ENROLLED:
        raise ValidationFailed(
            _("Households enrolled is the outcome of a coverage gap."), field="outcome"
        )
    case.outcome, case.outcome_on, case.outcome_note = outcome, on, note.strip()
    case.save(update_fields=["coverage_after", "outcome", "outcome_on", "outcome_note"])
    return case


@transaction.atomic
def affected_households_reveal(*, user, case: AdvocacyCase) -> AffectedList:
    """The named list of a coverage-gap case's households, for someone who may see the
    village's personal data; only households that consented to referral to social
    protection are named. Every reveal is recorded like other personal-data reads."""
    from berdaya.core.models import PersonalDataAccess

    if not may_see_names(user, case):
        raise PermissionDenied(_("Your role shows the counts only."))
    listing = affected_households(case)
    PersonalDataAccess.objects.create(
        user=user,
        organisation_id=case.organisation_id,
        action=PersonalDataAccess.Action.EXPORT,
        object_type=case._meta.model_name,
        object_id=str(case.pk),
        object_ids=[row.household_id for row in listing.named],
        row_count=len(listing.named),
        purpose=f"advocacy case {case.pk}: households affected",
    )
    return listing
