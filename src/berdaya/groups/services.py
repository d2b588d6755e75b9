"""Writes for groups, their members and maturity assessments."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.registry.models import Person

from .models import (
    Group,
    GroupMember,
    MaturityAssessment,
    MaturityRubric,
    MaturityScore,
    RubricCriterion,
)

# The default rubric: six criteria scored 1-4 (programmes can make their own).
DEFAULT_CRITERIA = (
    ("governance", "Governance: leaders chosen and replaced by the members, rules followed"),
    ("participation", "Participation: members attend, speak and decide"),
    ("finance", "Financial management: books kept, reported to members, money safe"),
    ("planning", "Planning: the group sets and reviews its own plans"),
    ("networking", "Networking: links with village government, other groups, services"),
    ("self_reliance", "Self-reliance: keeps going and funds itself without the facilitator"),
)


@transaction.atomic
def group_create(
    *,
    user,
    organisation_id: int,
    village_code: str,
    name: str,
    kind: str,
    existed_before_programme: bool,
    founded_on: datetime.date | None = None,
    programme=None,
    bylaws: str = "",
    meeting_schedule: str = "",
) -> Group:
    if village_code not in village_codes_for(user, personal=True, organisation_id=organisation_id):
        raise PermissionDenied(_("You do not work in this village."))
    if kind not in Group.Kind.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="kind")
    name = name.strip()
    if not name:
        raise ValidationFailed(_("A group needs a name."), field="name")
    if Group.objects.filter(
        organisation_id=organisation_id, village_id=village_code, name__iexact=name
    ).exists():
        raise ValidationFailed(_("This village already has a group with this name."), field="name")
    return Group.objects.create(
        organisation_id=organisation_id,
        village_id=village_code,
        programme=programme,
        name=name,
        kind=kind,
        founded_on=founded_on,
        existed_before_programme=existed_before_programme,
        bylaws=bylaws.strip(),
        meeting_schedule=meeting_schedule.strip(),
    )


@transaction.atomic
def group_member_add(
    *, group: Group, person: Person, joined_on: datetime.date, role: str = GroupMember.Role.MEMBER
) -> GroupMember:
    if person.organisation_id != group.organisation_id or (
        person.household.village_id != group.village_id
    ):
        raise ValidationFailed(
            _("%(name)s is not registered in this village.") % {"name": person.name},
            field="person",
        )
    if role not in GroupMember.Role.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="role")
    if group.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationFailed(_("%(name)s is already a member.") % {"name": person.name})
    return GroupMember.objects.create(group=group, person=person, role=role, joined_on=joined_on)


@transaction.atomic
def group_member_leave(*, membership: GroupMember, left_on: datetime.date) -> GroupMember:
    if left_on < membership.joined_on:
        raise ValidationFailed(_("Leaving cannot come before joining."), field="left_on")
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


def rubric_default(*, programme=None) -> MaturityRubric:
    """The programme's rubric, creating the default one if it has none."""
    rubric = MaturityRubric.objects.filter(programme=programme).order_by("pk").first()
    if rubric:
        return rubric
    rubric = MaturityRubric.objects.create(programme=programme, name=_("Group maturity"))
    for order, (key, label) in enumerate(DEFAULT_CRITERIA):
        RubricCriterion.objects.create(rubric=rubric, key=key, label=label, order=order)
    return rubric


@transaction.atomic
def group_assess_maturity(
    *,
    group: Group,
    rubric: MaturityRubric,
    assessed_on: datetime.date,
    scores: Mapping[str, tuple[int, str]],
    user=None,
    notes: str = "",
) -> MaturityAssessment:
    """Record an assessment: every criterion of the rubric scored 1-4, with evidence."""
    criteria = {c.key: c for c in rubric.criteria.all()}
    missing = set(criteria) - set(scores)
    unknown = set(scores) - set(criteria)
    if missing or unknown:
        raise ValidationFailed(
            _("Score every criterion of the rubric, and only those (%(keys)s).")
            % {"keys": ", ".join(sorted(missing | unknown))},
            field="scores",
        )
    for key, (score, _evidence) in scores.items():
        if not isinstance(score, int) or not 1 <= score <= 4:
            raise ValidationFailed(_("Scores go from 1 to 4."), field=key)
    assessment = MaturityAssessment.objects.create(
        group=group, rubric=rubric, assessed_on=assessed_on, assessed_by=user, notes=notes.strip()
    )
    MaturityScore.objects.bulk_create(
        MaturityScore(
            assessment=assessment, criterion=criteria[key], score=score, evidence=evidence.strip()
        )
        for key, (score, evidence) in scores.items()
    )
    return assessment
