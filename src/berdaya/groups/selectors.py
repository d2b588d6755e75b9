"""Reads of groups, members and maturity, through the access rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Prefetch, Q, QuerySet

from berdaya.core.access import get_visible_or_404, visible_to

from .maturity import mean_score, stage_of
from .models import Group, GroupMember, MaturityAssessment, MaturityRubric


def groups_visible_to(user) -> QuerySet[Group]:
    return visible_to(user, Group.objects.select_related("village", "programme"))


def group_list(*, user, organisation_id: int | None, village: str = "", kind: str = ""):
    groups = groups_visible_to(user)
    if organisation_id:
        groups = groups.filter(organisation_id=organisation_id)
    if village:
        groups = groups.filter(village_id=village)
    if kind:
        groups = groups.filter(kind=kind)
    return groups.annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    ).order_by("village__name", "name")


def group_get(*, user, pk: int) -> Group:
    return get_visible_or_404(
        user,
        Group.objects.select_related("village", "programme", "organisation").prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.select_related("person").order_by(
                    "left_on", "role", "person__name"
                ),
            )
        ),
        pk=pk,
    )


def membership_of(*, group: Group, pk) -> GroupMember | None:
    return group.members.filter(pk=pk).select_related("person").first()


@dataclass(frozen=True)
class AssessmentSummary:
    assessment: MaturityAssessment
    mean: Fraction | None
    stage: tuple[str, str] | None
    scores: list  # MaturityScore rows in the rubric's order


def assessments_of(group: Group) -> list[AssessmentSummary]:
    """Every assessment of the group, newest first, with its mean score and stage."""
    assessments = group.assessments.select_related("assessed_by", "rubric").prefetch_related(
        "scores__criterion"
    )
    summaries = []
    for assessment in assessments.order_by("-assessed_on", "-pk"):
        scores = sorted(assessment.scores.all(), key=lambda s: (s.criterion.order, s.criterion_id))
        values = [s.score for s in scores]
        summaries.append(
            AssessmentSummary(assessment, mean_score(values), stage_of(values), scores)
        )
    return summaries


def rubric_for(group: Group) -> MaturityRubric | None:
    """The current rubric of the group's programme, or None if it has none yet."""
    return current_rubric(group.programme_id)


def current_rubric(programme_id: int | None) -> MaturityRubric | None:
    """The newest version of a programme's rubric (None: the default applies)."""
    return (
        MaturityRubric.objects.filter(programme=programme_id)
        .prefetch_related("criteria")
        .order_by("-created_at", "-pk")
        .first()
    )


def rubric_versions(programme_id: int) -> list[MaturityRubric]:
    """Every version of the programme's rubric, newest first, with how often each was used."""
    return list(
        MaturityRubric.objects.filter(programme=programme_id)
        .select_related("created_by")
        .prefetch_related("criteria")
        .annotate(times_used=Count("assessments"))
        .order_by("-created_at", "-pk")
    )


def meetings_of(group: Group, *, user) -> QuerySet:
    from berdaya.facilitation.selectors import activities_visible_to

    return activities_visible_to(user).filter(group=group).order_by("-held_on", "-pk")


def last_assessed(group: Group) -> datetime.date | None:
    latest = group.assessments.order_by("-assessed_on").first()
    return latest.assessed_on if latest else None
