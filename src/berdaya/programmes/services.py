"""Writes for programmes and the villages they cover."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.areas.selectors import village_get
from berdaya.core.dates import show_date
from berdaya.core.errors import ValidationFailed
from berdaya.organisations.models import Organisation

from .models import (
    RECOMMENDED_MIN_MONTHS,
    Cadre,
    Phase,
    PlanRevision,
    Programme,
    ProgrammeVillage,
    SurveyRound,
)
from .vocabulary import Stage


@dataclass
class ProgrammeResult:
    programme: Programme
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    name: str,
    start_date: datetime.date,
    planned_duration_months: int,
    village_codes: Iterable[str] = (),
    description: str = "",
) -> ProgrammeResult:
    """Create a programme; warn (not refuse) when it is planned for under three years."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A programme needs a name."), field="name")
    if planned_duration_months < 1:
        raise ValidationFailed(_("The planned duration must be at least one month."))
    if Programme.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationFailed(
            _("%(organisation)s already has a programme with this name.")
            % {"organisation": organisation},
            field="name",
        )
    programme = Programme.objects.create(
        organisation=organisation,
        name=name,
        description=description.strip(),
        start_date=start_date,
        planned_duration_months=planned_duration_months,
    )
    for code in village_codes:
        programme_add_village(programme=programme, village_code=code, joined_on=start_date)
    result = ProgrammeResult(programme=programme)
    if programme.is_shorter_than_recommended:
        result.warnings.append(
            _(
                "This programme is planned for %(months)d months. Empowerment needs a "
                "commitment of at least %(minimum)d months (three years)."
            )
            % {"months": planned_duration_months, "minimum": RECOMMENDED_MIN_MONTHS}
        )
    return result


@transaction.atomic
def programme_add_village(
    *, programme: Programme, village_code: str, joined_on: datetime.date | None = None
) -> ProgrammeVillage:
    village = village_get(code=village_code)  # NotFound with a readable message
    coverage, _created = ProgrammeVillage.objects.get_or_create(
        programme=programme, village=village, defaults={"joined_on": joined_on}
    )
    return coverage


@transaction.atomic
def cadre_mark(*, organisation, person, since: datetime.date, why: str) -> Cadre:
    """Mark a person as a cadre / local champion, with why and since when."""
    if person.organisation_id != organisation.pk:
        raise ValidationFailed(_("This person is not in your organisation's registry."))
    if not why.strip():
        raise ValidationFailed(_("Say why: what they do, who listens to them."), field="why")
    if Cadre.objects.filter(organisation=organisation, person=person, until__isnull=True).exists():
        raise ValidationFailed(_("%(name)s is already a cadre.") % {"name": person.name})
    return Cadre.objects.create(organisation=organisation, person=person, since=since, why=why)


@transaction.atomic
def cadre_end(*, cadre: Cadre, until: datetime.date) -> Cadre:
    if until < cadre.since:
        raise ValidationFailed(_("The end cannot come before the start."), field="until")
    cadre.until = until
    cadre.save(update_fields=["until"])
    return cadre


@transaction.atomic
def critical_mass_target_set(*, coverage: ProgrammeVillage, percent: int | None) -> None:
    if percent is not None and not 1 <= percent <= 100:
        raise ValidationFailed(_("A share is between 1 and 100 percent."), field="percent")
    coverage.empowered_target_percent = percent
    coverage.save(update_fields=["empowered_target_percent"])


@dataclass(frozen=True)
class PhaseInput:
    stage: str
    starts_on: datetime.date
    ends_on: datetime.date
    notes: str = ""


@transaction.atomic
def programme_phases_revise(
    *, programme: Programme, phases: list[PhaseInput], reason: str, user=None, review=None
) -> PlanRevision | None:
    """Replace the phase plan; the old plan and the reason are kept (a programme adapts).

    The first plan needs no reason and makes no revision; every later change does. A
    revision may cite the learning review (`learning.LearningReview`) that led to it.
    """
    if review is not None and review.programme_id != programme.pk:
        raise ValidationFailed(_("Cite a learning review of this programme."), field="review")
    for phase in phases:
        if phase.stage not in Stage.values:
            raise ValidationFailed(_("Choose one of the 5P stages."), field="stage")
        if phase.ends_on < phase.starts_on:
            raise ValidationFailed(_("A phase ends after it starts."), field="ends_on")
        if phase.starts_on < programme.start_date or phase.ends_on > programme.planned_end_date:
            raise ValidationFailed(
                _("Phases fall within the programme (%(start)s – %(end)s).")
                % _programme_dates(programme),
                field="starts_on",
            )
    previous = [
        {
            "stage": p.stage,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
            "notes": p.notes,
        }
        for p in programme.phases.order_by("starts_on", "pk")
    ]
    revision = None
    if previous:
        if len(reason.strip()) < 5:
            raise ValidationFailed(_("Say why the plan changes."), field="reason")
        revision = PlanRevision.objects.create(
            programme=programme,
            revised_by=user,
            reason=reason.strip(),
            previous_phases=previous,
            review=review,
        )
    programme.phases.all().delete()
    Phase.objects.bulk_create(
        Phase(
            programme=programme,
            stage=p.stage,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            notes=p.notes,
        )
        for p in phases
    )
    return revision


def _programme_dates(programme) -> dict[str, str]:
    return {
        "start": show_date(programme.start_date),
        "end": show_date(programme.planned_end_date),
    }


@transaction.atomic
def survey_round_create(
    *, programme: Programme, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> SurveyRound:
    """A survey round of the programme (a repeat of the mapping survey): a name and its
    dates, which may not overlap another round's. Surveys join it explicitly."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A survey round needs a name."), field="name")
    if ends_on < starts_on:
        raise ValidationFailed(_("A round cannot end before it starts."), field="ends_on")
    if programme.survey_rounds.filter(name__iexact=name).exists():
        raise ValidationFailed(_("The programme already has a round with this name."), field="name")
    overlapping = programme.survey_rounds.filter(
        starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlapping is not None:
        raise ValidationFailed(
            _("These dates overlap the round “%(name)s”.") % {"name": overlapping.name},
            field="starts_on",
        )
    return SurveyRound.objects.create(
        programme=programme, name=name, starts_on=starts_on, ends_on=ends_on
    )
