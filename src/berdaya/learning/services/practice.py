"""Writes of graduation and exit, the Rothman diagnostic, and learning reviews."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed
from berdaya.programmes.models import Programme

from .. import graduation, rothman
from ..models import (
    GraduationAssessment,
    GraduationCriterion,
    GraduationPathway,
    GraduationScore,
    LearningReview,
    PostExitVisit,
    RothmanAnswer,
    RothmanDiagnostic,
)
from ._common import check_manager, check_village, in_site_language, required_text, within_programme

# -- graduation --------------------------------------------------------------------------------


def pathway_default_household(*, programme: Programme, user) -> GraduationPathway:
    """The household pathway from BRAC's graduation criteria (see learning.graduation)."""
    check_manager(user, programme, _("Only the programme's managers set graduation pathways."))
    with transaction.atomic(), in_site_language():
        pathway = GraduationPathway.objects.create(
            programme=programme,
            level=GraduationPathway.Level.HOUSEHOLD,
            name=_("Household graduation (BRAC criteria)"),
            based_on=graduation.BRAC_SOURCE,
            monitor_months=12,
        )
        GraduationCriterion.objects.bulk_create(
            GraduationCriterion(
                pathway=pathway,
                key=key,
                label=str(label),
                method=method,
                weight=weight,
                required=required,
                calculator=calculator,
                order=order,
            )
            for order, (key, label, method, weight, required, calculator) in enumerate(
                graduation.BRAC_HOUSEHOLD
            )
        )
    return pathway


@transaction.atomic
def pathway_create(
    *,
    programme: Programme,
    level: str,
    name: str,
    monitor_months: int,
    criteria: Sequence[tuple[str, str, int, bool]],
    user,
    based_on: str = "",
) -> GraduationPathway:
    """A pathway with criteria (label, method, weight ≥ 1, required)."""
    from ._common import key_for

    check_manager(user, programme, _("Only the programme's managers set graduation pathways."))
    if level not in GraduationPathway.Level.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="level")
    if not 1 <= monitor_months <= 60:
        raise ValidationFailed(_("Monitor for 1 to 60 months after exit."), field="monitor_months")
    rows = [c for c in criteria if c[0].strip()]
    if not rows:
        raise ValidationFailed(_("A pathway needs at least one criterion."), field="criteria")
    pathway = GraduationPathway.objects.create(
        programme=programme,
        level=level,
        name=required_text(name, field="name", message=_("Give the pathway a name.")),
        monitor_months=monitor_months,
        based_on=based_on.strip(),
    )
    used: set[str] = set()
    for order, (label, method, weight, required) in enumerate(rows):
        if method not in GraduationCriterion.Method.values or method == "computed":
            raise ValidationFailed(_("Choose one of the listed answers."), field="criteria")
        if not isinstance(weight, int) or weight < 1:
            raise ValidationFailed(_("A weight is a whole number of 1 or more."), field="criteria")
        GraduationCriterion.objects.create(
            pathway=pathway,
            key=key_for(label, used),
            label=label.strip()[:250],
            method=method,
            weight=weight,
            required=required,
            order=order,
        )
    return pathway


@transaction.atomic
def graduation_assess(
    *,
    user,
    pathway: GraduationPathway,
    village_code: str,
    assessed_on: datetime.date,
    scores: Mapping[str, tuple[int | None, str]],
    household=None,
    group=None,
    notes: str = "",
) -> GraduationAssessment:
    """Score every criterion 0–100 (100 met, 50 partly, 0 not); computed ones come from the
    registry and cannot be typed over."""
    programme = pathway.programme
    check_village(user, programme, village_code)
    within_programme(programme, assessed_on, field="assessed_on")
    if assessed_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="assessed_on")
    level = pathway.level
    if level == "household" and (household is None or group is not None):
        raise ValidationFailed(_("Choose the household."), field="household")
    if level == "group" and (group is None or household is not None):
        raise ValidationFailed(_("Choose the group."), field="group")
    if level == "village" and (household is not None or group is not None):
        raise ValidationFailed(
            _("A village pathway assesses the village itself."), field="household"
        )
    subject = household or group
    if subject is not None and (
        subject.village_id != village_code or subject.organisation_id != programme.organisation_id
    ):
        raise ValidationFailed(_("This is not in this village."), field="household")
    criteria = list(pathway.criteria.all())
    rows = []
    for criterion in criteria:
        if criterion.method == "computed":
            score = (
                graduation.computed_score(criterion.calculator, household, on=assessed_on)
                if household is not None
                else None
            )
            evidence = str(_("Computed from the registry"))
            if score is None:
                score, evidence = scores.get(criterion.key, (None, ""))
                if score is None:
                    raise ValidationFailed(
                        _("“%(criterion)s”: the registry has no answer; score it by hand.")
                        % {"criterion": criterion.label},
                        field=criterion.key,
                    )
        else:
            score, evidence = scores.get(criterion.key, (None, ""))
        if not isinstance(score, int) or not 0 <= score <= 100:
            raise ValidationFailed(
                _("Score “%(criterion)s” from 0 to 100.") % {"criterion": criterion.label},
                field=criterion.key,
            )
        rows.append((criterion, score, (evidence or "").strip()))
    assessment = GraduationAssessment.objects.create(
        pathway=pathway,
        organisation_id=programme.organisation_id,
        village_id=village_code,
        household=household,
        group=group,
        assessed_on=assessed_on,
        assessed_by=user,
        notes=notes.strip(),
    )
    GraduationScore.objects.bulk_create(
        GraduationScore(assessment=assessment, criterion=c, score=s, evidence=e) for c, s, e in rows
    )
    return assessment


def blocking(assessment: GraduationAssessment) -> list[GraduationCriterion]:
    """Required criteria not met (below 100)."""
    return [
        s.criterion
        for s in assessment.scores.select_related("criterion")
        if s.criterion.required and s.score < graduation.MET
    ]


@transaction.atomic
def graduation_recommend(
    *, assessment: GraduationAssessment, decision: str, reason: str, user
) -> GraduationAssessment:
    check_village(user, assessment.pathway.programme, assessment.village_id)
    if decision not in GraduationAssessment.Decision.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="decision")
    if assessment.approved_on is not None:
        raise ValidationFailed(_("This recommendation is already approved."), field="decision")
    failed = blocking(assessment)
    if decision == GraduationAssessment.Decision.GRADUATE and failed:
        raise ValidationFailed(
            _("A required criterion is not met, so this cannot graduate yet: %(criteria)s.")
            % {"criteria": "; ".join(c.label for c in failed)},
            field="decision",
        )
    assessment.decision = decision
    assessment.decision_reason = required_text(
        reason, field="reason", message=_("Write why you recommend this.")
    )
    assessment.recommended_by = user
    assessment.save(update_fields=["decision", "decision_reason", "recommended_by"])
    return assessment


@transaction.atomic
def graduation_approve(
    *, assessment: GraduationAssessment, approved_on: datetime.date, user
) -> GraduationAssessment:
    check_manager(user, assessment.pathway.programme, _("Only the programme's managers approve."))
    if not assessment.decision:
        raise ValidationFailed(_("There is no recommendation to approve yet."), field="decision")
    if assessment.recommended_by_id == user.pk:
        raise ValidationFailed(
            _("Someone other than the person who recommended it approves it."), field="decision"
        )
    if approved_on < assessment.assessed_on:
        raise ValidationFailed(_("Approval comes after the assessment."), field="approved_on")
    assessment.approved_by, assessment.approved_on = user, approved_on
    assessment.save(update_fields=["approved_by", "approved_on"])
    return assessment


@transaction.atomic
def post_exit_visit(
    *, assessment: GraduationAssessment, visited_on: datetime.date, status: str, note: str, user
) -> PostExitVisit:
    check_village(user, assessment.pathway.programme, assessment.village_id)
    if assessment.approved_on is None or assessment.decision not in ("graduate", "exit"):
        raise ValidationFailed(
            _("Post-exit monitoring follows an approved graduation or exit."), field="visited_on"
        )
    if visited_on <= assessment.approved_on:
        raise ValidationFailed(_("A post-exit visit comes after the exit."), field="visited_on")
    if status not in PostExitVisit.Status.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="status")
    return PostExitVisit.objects.create(
        assessment=assessment,
        visited_on=visited_on,
        status=status,
        note=required_text(note, field="note", message=_("Write what was seen.")),
        visited_by=user,
    )


# -- Rothman -----------------------------------------------------------------------------------


@transaction.atomic
def rothman_answer(
    *,
    programme: Programme,
    answered_on: datetime.date,
    answers: Mapping[int, Sequence[str]],
    user,
    notes="",
) -> RothmanDiagnostic:
    """The programme's answer to each of the twelve practice variables: one model or more."""
    check_manager(user, programme, _("Only the programme's managers answer the diagnostic."))
    missing = [v.number for v in rothman.VARIABLES if not answers.get(v.number)]
    if missing:
        raise ValidationFailed(
            _("Answer every practice variable (missing: %(numbers)s).")
            % {"numbers": ", ".join(map(str, missing))},
            field=f"v{missing[0]}",
        )
    for number, chosen in answers.items():
        if number not in range(1, 13) or not set(chosen) <= set(rothman.MODELS):
            raise ValidationFailed(_("Choose one of the listed answers."), field=f"v{number}")
    diagnostic = RothmanDiagnostic.objects.create(
        programme=programme, answered_on=answered_on, answered_by=user, notes=notes.strip()
    )
    RothmanAnswer.objects.bulk_create(
        RothmanAnswer(diagnostic=diagnostic, variable=n, models_chosen=sorted(set(c)))
        for n, c in sorted(answers.items())
    )
    return diagnostic


# -- learning reviews --------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    user,
    programme: Programme,
    held_on: datetime.date,
    what_worked: str,
    what_failed: str,
    why: str,
    what_changes: str,
    village_code: str | None = None,
    stories: Sequence = (),
    indicators: Sequence = (),
) -> LearningReview:
    """A reflection: what worked, what failed (especially), why, and what changes."""
    if village_code:
        check_village(user, programme, village_code)
        covers = [village_code]
    else:
        check_manager(user, programme, _("Programme-wide reviews are recorded by the managers."))
        covers = list(programme.villages.values_list("code", flat=True))
    within_programme(programme, held_on, field="held_on")
    texts = {
        "what_worked": (what_worked, _("Write what worked.")),
        "what_failed": (what_failed, _("Write what failed: learning comes mostly from failures.")),
        "why": (why, _("Write why.")),
        "what_changes": (what_changes, _("Write what changes as a result.")),
    }
    clean = {
        field: required_text(value, field=field, message=message)
        for field, (value, message) in texts.items()
    }
    for story in stories:
        if story.programme_id != programme.pk or story.village_id not in covers:
            raise ValidationFailed(_("Link stories of this review's villages."), field="stories")
    for indicator in indicators:
        if indicator.programme_id != programme.pk:
            raise ValidationFailed(_("Link indicators of this programme."), field="indicators")
    review = LearningReview.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code or None,
        held_on=held_on,
        created_by=user,
        **clean,
    )
    review.covers.set(covers)
    review.stories.set(stories)
    review.indicators.set(indicators)
    return review


@transaction.atomic
def review_cite_in_revision(*, review: LearningReview, revision, user):
    """Record that an existing plan revision came out of this review (its reason's source)."""
    check_manager(user, review.programme, _("Only the programme's managers change its plan."))
    if revision.programme_id != review.programme_id:
        raise ValidationFailed(_("Cite a learning review of this programme."), field="review")
    revision.review = review
    revision.save(update_fields=["review"])
    return revision
